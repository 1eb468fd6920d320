"""Plánování — the planner's gap explorer (behind a login).

Sidebar: district, working group, target group, kinds, form, mode, threshold, indicator.
Main: the map (choropleth on polygons or proportional circles on points, sites by kind and form,
isochrones on demand, legend) beside the ranked gap table; the detail of a clicked obec; tabs
with the what-if scenario (map and delta table update at once), site suggestions, the period
comparison, capacities and downloads.  Everything is computed by the engine and the map module.

Speed: what the page shows of an analysis (tables for display, map layers, option lists) is
kept per analysis, scenario and filters (:func:`~coverage_app.app._ui.memo`), and the map is
sent as a base map that stays the same plus layers that streamlit-folium swaps in place, so a
what-if edit only computes the new scenario and redraws the layers instead of reloading the map.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import streamlit as st

from coverage_app.app._access_tab import access_rules_in_force, access_tab
from coverage_app.app._logic import (
    capacity_options,
    delta_changes,
    describe_edit,
    field_service_options,
    isochrones_for,
    kinds_for,
    nearest_obec,
    site_changes,
    site_options,
    table_downloads,
    target_groups_present,
    wgs84_to_5514,
)
from coverage_app.app._orp_overview import orp_overview_section
from coverage_app.app._ui import (
    choose_district,
    edits_key,
    frame,
    get_analysis,
    get_district,
    get_scenario,
    html_table,
    lap,
    memo,
    page_setup,
    require_login,
    show_map,
)
from coverage_app.codelists import CAPACITY_UNITS, FORMS, TARGET_GROUPS, WORKING_GROUPS
from coverage_app.i18n import plural, t
from coverage_app.maps.interactive import (
    INDICATORS,
    TRANSIT_INDICATORS,
    kind_colours,
    planner_base_map,
    planner_layers,
    planner_legend_html,
)
from coverage_app.scenario import (
    AddSite,
    MoveSite,
    RemoveSite,
    Resize,
    Scenario,
    ScenarioError,
    SetServiceArea,
    scenario_delta,
)
from coverage_app.settings import AnalysisSettings

ctx = page_setup()
if not require_login(ctx):
    st.stop()
lap("setup")

data = ctx.data
lang = ctx.lang
catalog = data.services.kinds
ss = st.session_state


def kind_name(k: str) -> str:
    kobj = catalog.get(k)
    return (kobj.name_cs if lang == "cs" else kobj.name_en) if kobj else k


def form_name(f: str) -> str:
    return (FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en) if f else ctx.t("app.all")


# --- sidebar: what to show ------------------------------------------------------------------
sb = st.sidebar
sb.header(ctx.t("app.pl.filters"))
spec = choose_district(ctx, data.districts())
wg = sb.selectbox(ctx.t("app.pl.wg"), [""] + list(WORKING_GROUPS),
                  format_func=lambda k: WORKING_GROUPS[k][lang] if k else ctx.t("app.all"), key="pl_wg")
tgs = target_groups_present(data.services, wg or None)
tg = sb.selectbox(ctx.t("app.pl.tg"), [""] + tgs,
                  format_func=lambda c: (TARGET_GROUPS[c].name_cs if lang == "cs" else TARGET_GROUPS[c].name_en)
                  if c else ctx.t("app.all"), key=f"pl_tg_{wg}")
form = sb.selectbox(ctx.t("app.pl.form"), ["", "pob", "amb", "ter"], format_func=form_name, key="pl_form")
mode = sb.radio(ctx.t("app.pl.mode"), ["car", "walk"], format_func=lambda m: ctx.t(f"app.pl.mode.{m}"),
                horizontal=True, key="pl_mode")
uniform = sb.checkbox(ctx.t("app.pl.uniform"), value=False, key="pl_uniform", help=ctx.t("app.pl.uniform_help"))
threshold = sb.slider(ctx.t("app.pl.threshold"), 5, 90, 30, 5, key="pl_threshold") if uniform else None
access_rules = access_rules_in_force(data)
settings = AnalysisSettings(mode=mode, uniform_limit_min=float(threshold) if threshold else None, norms=data.norms,
                            access=dict(access_rules))

baseline, base_key = get_analysis(data, spec, settings, form=form, target_group=tg)
district = get_district(data, spec)
available = [k for k in kinds_for(baseline.services, wg or None) if k in baseline.results]
kinds = sb.multiselect(ctx.t("app.pl.kinds"), available, default=available, format_func=kind_name,
                       placeholder=ctx.t("app.pl.pick_kinds"),
                       key=f"pl_kinds_{spec}_{wg}_{tg}_{form}")
shown_indicators = [i for i in INDICATORS if baseline.transit is not None or i not in TRANSIT_INDICATORS]
indicator = sb.selectbox(ctx.t("app.pl.indicator"), shown_indicators, format_func=lambda i: ctx.t(f"map.ind.{i}"),
                         key="pl_indicator")
map_kind = None
if indicator != "gaps" and kinds:
    map_kind = sb.selectbox(ctx.t("app.pl.map_kind"), kinds, format_func=kind_name, key=f"pl_map_kind_{spec}")
kinds_key = ",".join(kinds)
lap("filters")

# --- scenario state ---------------------------------------------------------------------------
ss.setdefault("pl_edits", [])
if ss.get("pl_edits_district") != spec:  # edits name sites and obce of one district
    ss["pl_edits"] = []
    ss["pl_edits_district"] = spec
    ss.pop("pl_point", None)
if "pl_pending_name" in ss:  # a scenario opened in the previous run names the text field
    ss["pl_scenario_name"] = ss.pop("pl_pending_name")
ss.setdefault("pl_scenario_name", ctx.t("app.wi.default_name"))
saved_key = f"pl_saved::{data.project_path or data.key}"
ss.setdefault(saved_key, dict(data.scenarios))
scenario = Scenario(ss["pl_scenario_name"] or ctx.t("app.wi.default_name"), tuple(ss["pl_edits"]))
scenario_key = f"{base_key}|{edits_key(scenario)}"  # what the scenario's results depend on
scenario_analysis = None
scenario_error = ""
if scenario.edits:
    try:
        scenario_analysis = get_scenario(baseline, base_key, scenario)
    except ScenarioError as exc:
        scenario_error = exc.message(lang)
lap("scenario")

# --- header -----------------------------------------------------------------------------------
st.title(ctx.t("app.pl.title"))
pop = f"{district.total_population:,}".replace(",", "\u202f") if lang == "cs" else f"{district.total_population:,}"
st.caption(ctx.t("app.pl.caption", district=district.name, obce=plural(len(district), "obec", lang), pop=pop,
                 method=baseline.method_text(lang),
                 threshold=ctx.t("app.pl.limit_uniform", threshold=threshold) if threshold
                 else ctx.t("app.pl.limits_by_kind")))
if baseline.network is not None:
    for msg in baseline.network.messages(lang):
        st.warning(msg, icon=":material/alt_route:")
if district.age_is_estimated:
    st.caption(":warning: " + ctx.t("app.age_estimated"))
view = "baseline"
# one container whether or not there is a scenario: the map below keeps its place in the page,
# so the browser updates it instead of making it anew
with st.container():
    if scenario_error:
        st.error(ctx.t("app.wi.error", msg=scenario_error))
    if scenario_analysis is not None:
        view = st.radio(ctx.t("app.pl.view"), ["scenario", "baseline"],
                        format_func=lambda v: ctx.t(f"app.pl.view.{v}"), horizontal=True, key="pl_view")
    if not kinds:
        st.warning(ctx.t("app.pl.no_kinds"))
shown = scenario_analysis if (view == "scenario" and scenario_analysis is not None) else baseline
shown_key = base_key if shown is baseline else scenario_key

# --- map and gap table ------------------------------------------------------------------------
iso_options = memo(f"site_options|{shown_key}|{kinds_key}",
                   lambda: site_options(shown.services, kinds, only=shown.counting_site_ids()))
iso_site = sb.selectbox(ctx.t("app.pl.iso"), [""] + list(iso_options),
                        format_func=lambda s: iso_options.get(s, ctx.t("app.none")), key=f"pl_iso_{spec}")
lap("header")


def _on_map() -> None:
    """A click on the map: select the obec under it, or keep the point for a new site."""
    value = ss.get("planner_map") or {}
    if ss.get("pl_click_mode", "obec") == "obec":
        hit = re.search(r"\((\d{6})\)", str(value.get("last_object_clicked_tooltip") or ""))
        if hit and hit.group(1) in district.codes:
            ss["pl_obec"] = hit.group(1)
    else:
        pt = value.get("last_clicked")
        if pt:
            x, y = wgs84_to_5514(pt["lat"], pt["lng"])
            ss["pl_point"] = {"lat": pt["lat"], "lng": pt["lng"], "x": x, "y": y, "obec": nearest_obec(district, x, y)}


def _layers():
    """The map's layers for what is shown (kept per analysis, scenario and filters)."""
    iso = isochrones_for(shown, iso_site, data.roads) if iso_site else None
    return planner_layers(shown, kinds=kinds, indicator=indicator, map_kind=map_kind, form=form or None,
                          selected_obec=ss.get("pl_obec"), isochrones=iso, site_changes=changes,
                          baseline=baseline, lang=lang, legend_parts=("classes",))


orp_overview_section(ctx, baseline, base_key, kinds, kind_name)  # a kraj: its ORPs side by side first
summary_box = st.container()  # the gap summary first, above the map and the gaps one by one
left, right = st.columns([11, 9], gap="medium")
with left:
    st.radio(ctx.t("app.pl.click_mode"), ["obec", "point"], format_func=lambda m: ctx.t(f"app.pl.click.{m}"),
             horizontal=True, key="pl_click_mode")
    changes = (memo(f"changes|{scenario_key}", lambda: site_changes(baseline.services, shown.services))
               if shown is not baseline else {})
    layers = memo(f"layers|{shown_key}|{kinds_key}|{indicator}|{map_kind}|{form}|{ss.get('pl_obec')}|{iso_site}|{lang}",
                  _layers, large=True)
    lap("map_layers")
    # the base map stays the same while only the layers change: the browser keeps the map
    base_map = planner_base_map(district, assets=ctx.assets, basemap=ctx.basemap, lang=lang,
                                source=data.source_text)
    show_map(base_map, key="planner_map", height=600, returned=["last_clicked", "last_object_clicked_tooltip"],
             on_change=_on_map, layers=layers)
    lap("map_component")
    st.html(memo(f"legend|{data.key}|{spec}|{kinds_key}|{bool(changes)}|{lang}",
                 lambda: planner_legend_html(None, kinds, kind_colours(kinds, catalog), catalog=catalog,
                                             points_only=not district.has_polygons, lang=lang,
                                             scenario=bool(changes), parts=("kinds", "forms"))))
    if ss.get("pl_point"):
        p = ss["pl_point"]
        names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
        st.caption(ctx.t("app.pl.point_set", lat=f"{p['lat']:.5f}", lon=f"{p['lng']:.5f}",
                         obec=names.get(p["obec"], p["obec"])))

def _without_car() -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Per chosen kind the people reached by car only, and the obce × kinds concerned, for display
    ("bez auta")."""
    if shown.transit is None:
        return None
    from coverage_app.transit.indicators import without_car_summary

    summ = without_car_summary(shown)
    summ = summ[summ["service_kind"].isin(kinds) & (summ["n_obce_car_only"] > 0)]
    summ = summ.assign(car_only_population=summ["car_only_population"].round(0).astype(int))
    nc = shown.without_car(lang)
    nc = nc[nc["service_kind"].isin(kinds)] if len(nc) else nc
    nc = nc.assign(target_population=nc["target_population"].astype(float).round(0).astype(int))
    return (frame(summ[["kind_name", "n_obce_car_only", "car_only_population", "car_only_share"]], lang),
            frame(nc[["municipality_name", "kind_name", "reason", "target_population"]], lang))


def _gaps() -> tuple[pd.DataFrame, pd.DataFrame | None, pd.DataFrame | None, pd.DataFrame | None]:
    """The gaps of the chosen kinds; for display the summary, the gap table and remote services."""
    gaps = shown.gaps
    gaps = gaps[gaps["service_kind"].isin(kinds)] if len(gaps) else gaps
    summary = shown.gap_summary(lang)
    summary = summary[summary["service_kind"].isin(kinds)] if len(summary) else summary
    cols = ["rank", "scope_name", "kind_name", "affected_population", "reason"]
    summary = summary.assign(affected_population=summary["affected_population"].round(0).astype(int))
    gaps_shown = gaps.assign(affected_population=gaps["affected_population"].round(0).astype(int))
    avail = shown.availability
    avail = avail[avail["service_kind"].isin(kinds)] if len(avail) else avail
    return (gaps,
            frame(summary[["working_group", "kind_name", "access_level", "n_units", "n_obce_affected",
                           "affected_population"]], lang) if len(summary) else None,
            frame(gaps_shown[cols], lang) if len(gaps) else None,
            frame(avail[["kind_name", "scope_name", "available", "services"]], lang) if len(avail) else None)


with summary_box:
    gaps, summary_table, table, avail_table = memo(f"gaps|{shown_key}|{kinds_key}|{lang}", _gaps)
    st.subheader(ctx.t("app.pl.gaps", n=len(gaps)))
    st.caption(ctx.t("app.pl.gaps_note"))
    if summary_table is not None:
        st.markdown(f"**{ctx.t('app.pl.summary')}**")
        st.html(html_table(summary_table, lang, max_height=320))

with right:
    if table is not None:
        st.markdown(f"**{ctx.t('app.pl.gap_detail')}**")
        st.html(html_table(table, lang, max_height=430,
                           short={t("col.affected_population", lang): ctx.t("app.col.people_short")}))
    else:
        st.success(ctx.t("app.pl.no_gaps"))
    if avail_table is not None:
        with st.expander(ctx.t("app.pl.remote")):
            st.html(html_table(avail_table, lang, max_height=360))
    without = memo(f"nocar|{shown_key}|{kinds_key}|{lang}", _without_car)
    if without is not None:
        no_car_summary, no_car = without
        st.markdown(f"**{ctx.t('app.pl.without_car', n=len(no_car))}**")
        st.caption(ctx.t("app.pl.without_car_note"))
        if len(no_car_summary):
            st.html(html_table(no_car_summary, lang, max_height=260))
        if len(no_car):
            st.html(html_table(no_car, lang, max_height=300))
lap("gap_table")

# --- obec detail ------------------------------------------------------------------------------
def _obce() -> tuple[dict[str, str], list[str]]:
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    return names, sorted(district.codes, key=lambda c: names[c])


names, codes = memo(f"obce|{data.key}|{spec}", _obce)
if ss.get("pl_obec") not in district.codes:
    ss["pl_obec"] = None
if ss.get("pl_obec_widget") != ss.get("pl_obec"):
    ss["pl_obec_widget"] = ss.get("pl_obec")


def _on_obec() -> None:
    ss["pl_obec"] = ss["pl_obec_widget"]


st.selectbox(ctx.t("app.pl.obec_pick"), codes, index=None, format_func=lambda c: f"{names[c]} ({c})",
             placeholder=ctx.t("app.pub.placeholder"), key="pl_obec_widget", on_change=_on_obec)
kod = ss.get("pl_obec")


def _obec_tables() -> tuple[pd.DataFrame | None, pd.DataFrame, pd.DataFrame | None]:
    """The obec's services, its times per kind and its gaps, for display."""
    detail = shown.obec_detail(kod, public=False, lang=lang)
    if len(detail):
        detail = detail[detail["kind"].isin(kinds)] if kinds else detail
    services = None
    if len(detail):
        services = frame(detail[["service_name", "kind_name", "form_name", "travel_time_min", "distance_km",
                                 "in_service_area", "capacity", "phone"]], lang)
    cov = shown.coverage
    cov = cov[(cov["municipality_code"] == kod) & cov["service_kind"].isin(kinds)]
    pt = ["pt_time_min", "pt_back_min", "pt_transfers"] if shown.transit is not None else []
    times = frame(cov[["kind_name", "travel_time_min", *pt, "reachable", "field_covered", "e2sfca_per_1000", "gap"]],
                  lang)
    og = gaps[gaps["municipality_code"] == kod] if len(gaps) else gaps
    return services, times, (frame(og[["kind_name", "reason"]], lang) if len(og) else None)


if kod:
    st.subheader(ctx.t("app.pl.obec_services", obec=names[kod]))
    obec_services, obec_times, obec_gaps = memo(f"obec|{shown_key}|{kinds_key}|{kod}|{lang}", _obec_tables)
    c1, c2 = st.columns([3, 2])
    with c1:
        if obec_services is not None:
            st.html(html_table(obec_services, lang, max_height=460))
        else:
            st.info(ctx.t("app.pl.obec_none"))
    with c2:
        st.markdown(f"**{ctx.t('app.pl.obec_times')}**")
        st.html(html_table(obec_times, lang, max_height=460))
        if obec_gaps is not None:
            st.markdown(f"**{ctx.t('app.pl.obec_gaps')}**")
            st.html(html_table(obec_gaps, lang, max_height=300))
lap("detail")

# --- tabs ---------------------------------------------------------------------------------------
tab_wi, tab_sg, tab_acc, tab_pd, tab_cap, tab_dl = st.tabs([
    ctx.t("app.pl.tab.whatif"), ctx.t("app.pl.tab.suggest"), ctx.t("app.pl.tab.access"), ctx.t("app.pl.tab.period"),
    ctx.t("app.pl.tab.capacity"), ctx.t("app.pl.tab.download")])


def _push(edit) -> None:
    """Append an edit to the scenario (the re-run that follows draws map and delta table at once)."""
    ss["pl_edits"] = list(ss["pl_edits"]) + [edit]


def _on_add(where: str) -> None:
    kind = ss["wi_kind"]
    common = dict(kind=kind, form=ss[f"wi_form_{kind}"], capacity=float(ss["wi_cap"]), unit=ss[f"wi_unit_{kind}"],
                  name=str(ss.get("wi_name") or ""))
    if where == "obec":
        _push(AddSite(kod_obce=ss["wi_obec"], **common))
    elif ss.get("pl_point"):
        p = ss["pl_point"]
        _push(AddSite(kod_obce=p["obec"], x=p["x"], y=p["y"], **common))


def _on_resize() -> None:
    sid, f, u = ss["wi_cap_row"].split("|")
    _push(Resize(service_id=sid, form=f, unit=u, capacity=float(ss[f"wi_new_cap_{ss['wi_cap_row']}"])))


def _on_remove() -> None:
    _push(RemoveSite(site_id=ss["wi_site_remove"]))


def _on_move() -> None:
    _push(MoveSite(site_id=ss["wi_site_move"], kod_obce=ss["wi_move_to"]))


def _on_area() -> None:
    sid = ss["wi_area_service"]
    _push(SetServiceArea(service_id=sid, obce=tuple(ss.get(f"wi_area_obce_{sid}") or ())))


with tab_wi:
    st.text_input(ctx.t("app.wi.name"), key="pl_scenario_name")
    action = st.radio(ctx.t("app.wi.action"), ["add", "resize", "remove", "move", "area"],
                      format_func=lambda a: ctx.t(f"app.wi.act.{a}"), horizontal=True, key="pl_action")
    all_kinds = [k.id for k in catalog]
    if action == "add":
        c1, c2, c3 = st.columns(3)
        new_kind = c1.selectbox(ctx.t("app.wi.kind"), all_kinds, format_func=kind_name,
                                index=all_kinds.index(kinds[0]) if kinds else 0, key="wi_kind")
        kobj = catalog[new_kind]
        c2.selectbox(ctx.t("app.wi.form"), list(kobj.forms) or ["amb"], format_func=form_name,
                     key=f"wi_form_{new_kind}")
        units = list(kobj.units) + [u for u in CAPACITY_UNITS if u not in kobj.units]
        c3.selectbox(ctx.t("app.wi.unit"), units, key=f"wi_unit_{new_kind}",
                     format_func=lambda u: CAPACITY_UNITS[u].name_cs if lang == "cs" else CAPACITY_UNITS[u].name_en)
        c4, c5 = st.columns(2)
        c4.number_input(ctx.t("app.wi.capacity"), min_value=0.0, value=20.0, step=1.0, key="wi_cap")
        c5.text_input(ctx.t("app.wi.site_name"), key="wi_name")
        where = st.radio(ctx.t("app.wi.where"), ["obec", "point"], format_func=lambda w: ctx.t(f"app.wi.where.{w}"),
                         horizontal=True, key="wi_where")
        if where == "obec":
            st.selectbox(ctx.t("app.pl.obec"), codes, format_func=lambda c: names[c],
                         index=codes.index(kod) if kod in codes else 0, key="wi_obec")
            st.button(ctx.t("app.wi.add_edit"), key="wi_add", type="primary", on_click=_on_add, args=("obec",))
        elif not ss.get("pl_point"):
            st.info(ctx.t("app.wi.no_point"))
        else:
            st.button(ctx.t("app.wi.add_edit"), key="wi_add_pt", type="primary", on_click=_on_add, args=("point",))
    elif action == "resize":
        opts = memo(f"capacity_options|{base_key}|{kinds_key}|{lang}",
                    lambda: capacity_options(baseline.services, kinds, lang, only=baseline.counting_site_ids()))
        if opts:
            row = st.selectbox(ctx.t("app.wi.cap_row"), list(opts), format_func=opts.get, key="wi_cap_row")
            sid, f, u = row.split("|")
            st.number_input(ctx.t("app.wi.new_capacity"), min_value=0.0,
                            value=float(baseline.services.capacity_of(sid, f, u)), step=1.0, key=f"wi_new_cap_{row}")
            st.button(ctx.t("app.wi.add_edit"), key="wi_resize", type="primary", on_click=_on_resize)
    elif action == "area":
        field = memo(f"field_services|{base_key}|{kinds_key}",
                     lambda: field_service_options(baseline.services, kinds))
        if not field:
            st.info(ctx.t("app.wi.no_field"))
        else:
            sid = st.selectbox(ctx.t("app.wi.field_service"), list(field), format_func=field.get,
                               key="wi_area_service")
            current = [c for c in baseline.services.services.set_index("service_id").at[sid, "service_area"]
                       if c in names]
            st.multiselect(ctx.t("app.wi.area_obce"), codes, default=current, format_func=lambda c: names[c],
                           placeholder=ctx.t("app.pub.placeholder"), key=f"wi_area_obce_{sid}")
            st.button(ctx.t("app.wi.add_edit"), key="wi_area", type="primary", on_click=_on_area)
    elif action in ("remove", "move"):
        opts = memo(f"site_options|{base_key}|{kinds_key}",
                    lambda: site_options(baseline.services, kinds, only=baseline.counting_site_ids()))
        if opts:
            st.selectbox(ctx.t("app.wi.site"), list(opts), format_func=opts.get, key=f"wi_site_{action}")
            if action == "remove":
                st.button(ctx.t("app.wi.add_edit"), key="wi_remove", type="primary", on_click=_on_remove)
            else:
                st.selectbox(ctx.t("app.pl.obec"), codes, format_func=lambda c: names[c], key="wi_move_to")
                st.button(ctx.t("app.wi.add_edit"), key="wi_move", type="primary", on_click=_on_move)

    st.markdown(f"**{ctx.t('app.wi.edits')}**")
    if not ss["pl_edits"]:
        st.info(ctx.t("app.wi.no_edits"))
    def _drop(i: int) -> None:
        ss["pl_edits"] = [e for j, e in enumerate(ss["pl_edits"]) if j != i]

    for i, edit in enumerate(list(ss["pl_edits"])):
        c1, c2 = st.columns([6, 1])
        text = memo(f"edit|{base_key}|{edits_key(Scenario('', (edit,)))}|{lang}",
                    lambda edit=edit: describe_edit(edit, baseline.services, district, lang))
        c1.markdown(f"{i + 1}\\. {text}")
        c2.button(ctx.t("app.wi.remove_edit"), key=f"wi_del_{i}", on_click=_drop, args=(i,))
    if ss["pl_edits"]:
        st.button(ctx.t("app.wi.clear"), key="wi_clear", on_click=lambda: ss.update(pl_edits=[]))
    lap("whatif")

    if scenario_analysis is not None:
        st.subheader(ctx.t("app.wi.delta"))
        delta = memo(f"delta|{scenario_key}", lambda: scenario_delta(baseline, scenario_analysis))

        def _delta_view() -> tuple[int, int, pd.DataFrame]:
            """Gaps of the chosen kinds before and after, and per changed obec × kind what changed."""
            gaps_before = int(baseline.gaps["service_kind"].isin(kinds).sum()) if len(baseline.gaps) else 0
            gaps_after = (int(scenario_analysis.gaps["service_kind"].isin(kinds).sum())
                          if len(scenario_analysis.gaps) else 0)
            mine = delta[delta["service_kind"].isin(kinds)] if len(delta) else delta
            return gaps_before, gaps_after, frame(delta_changes(mine, lang), lang)

        if len(delta):
            gaps_before, gaps_after, delta_table = memo(f"delta_view|{scenario_key}|{kinds_key}|{lang}", _delta_view)
            st.markdown(ctx.t("app.wi.delta_summary", n=len(delta_table), before=gaps_before, after=gaps_after))
            st.html(html_table(delta_table, lang, max_height=460))
        else:
            st.info(ctx.t("app.wi.delta_none"))
    lap("delta")

    # save / open scenarios
    st.markdown(f"**{ctx.t('app.wi.saved')}**")
    saved = ss[saved_key]
    c1, c2, c3 = st.columns(3)
    if c1.button(ctx.t("app.wi.save"), key="wi_save", disabled=not ss["pl_edits"]):
        saved[scenario.name] = scenario.to_dict()
        ss[saved_key] = saved
        if data.project_path is not None:
            from coverage_app.io.project import update_scenarios

            update_scenarios(data.project_path, saved)
            st.success(ctx.t("app.wi.saved_project", name=scenario.name, file=data.project_path.name))
        else:
            st.success(ctx.t("app.wi.saved_ok", name=scenario.name))
    def _open_saved() -> None:
        try:
            loaded = Scenario.from_dict(ss[saved_key][ss["wi_saved_pick"]])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # a scenario saved by hand or damaged
            ss["wi_open_error"] = ctx.t("app.wi.open_error", msg=f"{ss['wi_saved_pick']}: {exc}")
            return
        ss["pl_edits"] = list(loaded.edits)
        ss["pl_scenario_name"] = loaded.name

    if saved:
        c2.selectbox(ctx.t("app.wi.saved"), list(saved), key="wi_saved_pick", label_visibility="collapsed")
        c3.button(ctx.t("app.wi.open"), key="wi_open", on_click=_open_saved)
        if ss.get("wi_open_error"):
            st.error(ss.pop("wi_open_error"))
    c4, c5 = st.columns(2)
    c4.download_button(ctx.t("app.wi.download"), scenario.to_json().encode("utf-8"),
                       file_name=f"scenar-{scenario.name}.json", mime="application/json",
                       disabled=not ss["pl_edits"], key="wi_dl")
    up = c5.file_uploader(ctx.t("app.wi.upload"), type=["json"], key="wi_upload")
    if up is not None and ss.get("wi_upload_done") != up.file_id:
        try:
            loaded = Scenario.from_dict(json.loads(up.getvalue().decode("utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            st.error(ctx.t("app.wi.upload_error", msg=str(exc)))
        else:
            ss["wi_upload_done"] = up.file_id
            ss["pl_edits"] = list(loaded.edits)
            ss["pl_pending_name"] = loaded.name
            st.rerun()

with tab_sg:
    from coverage_app.scenario import suggest_sites

    st.write(ctx.t("app.sg.intro"))
    if kinds:
        c1, c2, c3 = st.columns(3)
        # the kind with the most people out of reach first: the first press suggests something
        gap_kinds = [k for k in baseline.gaps["service_kind"].tolist() if k in kinds] if len(baseline.gaps) else []
        sg_kinds = list(dict.fromkeys(gap_kinds + list(kinds)))
        sg_kind = c1.selectbox(ctx.t("app.sg.kind"), sg_kinds, format_func=kind_name, key="sg_kind")
        sg_k = c2.number_input(ctx.t("app.sg.k"), 1, 10, 3, key="sg_k")
        from coverage_app.scenario import suggestion_form

        sg_forms = [f for f in ("ter", "amb", "pob") if f in (catalog[sg_kind].forms or ("amb",))]
        sg_default = suggestion_form(baseline, sg_kind)
        sg_form = c3.selectbox(ctx.t("app.wi.form"), sg_forms, format_func=form_name, key=f"sg_form_{sg_kind}",
                               index=sg_forms.index(sg_default) if sg_default in sg_forms else 0)

        @st.cache_resource(show_spinner=False, max_entries=16)
        def _suggest(key: str, kind: str, k: int, form: str, lang: str, _analysis) -> pd.DataFrame:
            return suggest_sites(_analysis, kind, k, form=form, lang=lang)

        sg_key = f"{base_key}|{sg_kind}|{sg_k}|{sg_form}"
        if st.button(ctx.t("app.sg.run"), key="sg_run", type="primary"):
            ss["sg_done"] = sg_key
        if ss.get("sg_done") == sg_key:
            result = _suggest(base_key, sg_kind, int(sg_k), sg_form, lang, baseline)
            st.caption(ctx.t("app.sg.uncovered", n=f"{result.attrs.get('uncovered_total', 0):,.0f}".replace(",", "\u00a0")))
            if result.empty:
                st.info(ctx.t("app.sg.none"))
            else:
                st.html(html_table(result[["rank", "nazev_obce", "form", "newly_covered", "covered_names", "capacity",
                                           "capacity_unit", "method"]]
                                   .rename(columns={"nazev_obce": "municipality_name"}).pipe(frame, lang), lang))
                ranks = result["rank"].tolist()
                pick = st.selectbox(ctx.t("app.sg.pick"), ranks,
                                    format_func=lambda r: f"{r}. {result.set_index('rank').loc[r, 'nazev_obce']}",
                                    key="sg_pick")
                kobj = catalog[sg_kind]
                chosen = result.set_index("rank").loc[pick]
                cap = float(chosen["capacity"]) if pd.notna(chosen["capacity"]) and chosen["capacity"] > 0 else 20.0
                st.button(ctx.t("app.sg.add"), key="sg_add", on_click=_push, args=(AddSite(
                    kind=sg_kind, form=sg_form, kod_obce=str(chosen["kod_obce"]), capacity=cap,
                    unit=str(chosen["capacity_unit"] or (kobj.units[0] if kobj.units else "klient")),
                    service_area=tuple(c for c in str(chosen["service_area"]).split(";") if c)),))

with tab_acc:
    access_tab(ctx, data, list(baseline.results))

with tab_pd:
    if data.previous_services is None:
        st.info(ctx.t("app.pd.none"))
    else:
        from coverage_app.scenario import compare_periods

        @st.cache_resource(show_spinner=False, max_entries=8)
        def _periods(key: str, lang: str, _district, _settings):
            return compare_periods(data.previous_services, data.services, _district, data.roads, _settings,
                                   context=data.area_population(), lang=lang)

        periods_key = f"{data.key}|{spec}|{settings!r}"
        cmp = _periods(periods_key, lang, district, settings)
        st.caption(ctx.t("app.pd.snapshots", old=data.previous_services.snapshot or "?",
                         new=data.services.snapshot or "?"))
        m1, m2, m3 = st.columns(3)
        m1.metric(ctx.t("app.pd.new"), len(cmp.new))
        m2.metric(ctx.t("app.pd.ended"), len(cmp.ended))
        m3.metric(ctx.t("app.pd.changed"), len(cmp.changed))

        def _period_tables() -> tuple[list[pd.DataFrame | None], pd.DataFrame | None]:
            """The new, ended and changed services and the coverage delta, for display."""
            lists = [frame(table, lang) if len(table) else None for table in (cmp.new, cmp.ended, cmp.changed)]
            delta = cmp.coverage_delta
            delta = delta[delta["service_kind"].isin(kinds)] if len(delta) else delta
            return lists, (frame(delta[["municipality_name", "kind_name", "travel_time_min_before",
                                        "travel_time_min_after", "gap_before", "gap_after"]], lang)
                           if len(delta) else None)

        lists, period_delta = memo(f"periods|{periods_key}|{kinds_key}|{lang}", _period_tables)
        for title, table in zip((ctx.t("app.pd.new"), ctx.t("app.pd.ended"), ctx.t("app.pd.changed")), lists):
            if table is not None:
                st.markdown(f"**{title}**")
                st.html(html_table(table, lang, max_height=360))
        if period_delta is not None:
            st.markdown(f"**{ctx.t('app.pd.delta')}**")
            st.html(html_table(period_delta, lang, max_height=420))
lap("periods")

def _capacity_tables() -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Capacities of the chosen kinds and their target population by travel-time band, for display."""
    cap = shown.capacity
    cap = cap[cap["service_kind"].isin(kinds)] if len(cap) else cap
    table = frame(cap[["kind_name", "form", "capacity_unit", "total_capacity", "n_services", "n_sites",
                       "target_band", "target_population", "capacity_per_1000"]], lang)
    bands = shown.reach_bands
    bands = bands[bands["service_kind"].isin(kinds)] if len(bands) else bands
    wide = (bands.pivot_table(index="kind_name", columns="time_band", values="target_population", sort=False)
            if len(bands) else None)
    return table, wide


with tab_cap:
    cap_table, bands_wide = memo(f"capacity|{shown_key}|{kinds_key}|{lang}", _capacity_tables)
    st.markdown(f"**{ctx.t('app.cap.capacity')}**")
    st.html(html_table(cap_table, lang, max_height=420))
    if bands_wide is not None:
        st.markdown(f"**{ctx.t('app.cap.bands')}**")
        st.html(html_table(bands_wide.reset_index().rename(columns={"kind_name": t("col.kind_name", lang)}), lang,
                           max_height=420))
lap("capacity")

with tab_dl:
    view_name = ctx.t(f"app.pl.view.{'scenario' if shown is not baseline else 'baseline'}")
    st.caption(ctx.t("app.dl.intro", view=view_name))

    @st.cache_resource(show_spinner=False, max_entries=8)
    def _downloads(key: str, lang: str, _analysis) -> dict[str, bytes]:
        return table_downloads(_analysis, lang)

    dl_key = shown_key

    def _file(name: str, _key: str = dl_key, _analysis=shown):
        """Made only when the button is pressed (writing XLSX and GPKG takes a moment)."""
        return lambda: _downloads(_key, lang, _analysis)[name]

    c1, c2, c3 = st.columns(3)
    c1.download_button(ctx.t("app.dl.gaps"), _file("mezery.csv"), file_name="mezery.csv", mime="text/csv",
                       key="dl_gaps", on_click="ignore")
    c1.download_button(ctx.t("app.dl.coverage"), _file("pokryti.csv"), file_name="pokryti.csv", mime="text/csv",
                       key="dl_cov", on_click="ignore")
    c2.download_button(ctx.t("app.dl.capacity"), _file("kapacity.csv"), file_name="kapacity.csv", mime="text/csv",
                       key="dl_cap", on_click="ignore")
    c2.download_button(ctx.t("app.dl.xlsx"), _file("report.xlsx"), file_name="report.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dl_xlsx",
                       on_click="ignore")
    c3.download_button(ctx.t("app.dl.gpkg"), _file("pokryti.gpkg"), file_name="pokryti.gpkg",
                       mime="application/geopackage+sqlite3", key="dl_gpkg", on_click="ignore")
    if scenario_analysis is not None:
        def _delta_csv() -> bytes:
            delta = memo(f"delta|{scenario_key}", lambda: scenario_delta(baseline, scenario_analysis))
            from coverage_app.io.writers import spreadsheet_csv

            return spreadsheet_csv(delta, lang)

        delta_csv = memo(f"delta_csv|{scenario_key}", _delta_csv, large=True)
        c3.download_button(ctx.t("app.dl.delta"), delta_csv, file_name="scenar_rozdil.csv", mime="text/csv",
                           key="dl_delta", on_click="ignore")
lap("downloads")
