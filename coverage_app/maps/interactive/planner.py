"""The planner's map: obce coloured by an indicator, sites by kind and form, legend, layers."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np

from coverage_app.codelists import (
    FORMS,
    KindCatalog,
)
from coverage_app.coverage import Analysis
from coverage_app.i18n import t
from coverage_app.model import District, Services
from coverage_app.maps.interactive.base import FORM_SHAPES, MapAssets, MapLayers, _Call, _NO_DATA, _base_map, _fit, _layer_call, _wgs84
from coverage_app.maps.interactive.symbols import Classes, _bounds, _fmt, _geojson_geometry, _spread, classify, indicator_values, kind_colours, obec_features, symbol_img



# ---------------------------------------------------------------------------------------------
# Planner map
# ---------------------------------------------------------------------------------------------
def planner_sites(analysis: Analysis, kinds: Sequence[str] = (), *, form: str | None = None,
                  colours: Mapping[str, str] | None = None, changes: Mapping[str, str] | None = None,
                  lang: str = "cs", max_minutes: float | None = None,
                  site_ids: Iterable[str] | None = None) -> list[dict]:
    """Sites for the planner map: colour by kind, shape by form (one marker per site × form).

    Only sites of ``kinds`` (all when empty) and ``form`` (all when ``None``) within
    ``max_minutes`` of some obec of the district (default: the last travel-time band + 15) or
    inside it, or of field services whose area reaches the district.  ``changes`` maps site ids
    to ``"added"``/``"removed"`` (scenario) for a distinct outline.  Secret sites are shown
    (planners analyse them) with a dashed outline and a note in the tooltip.  ``site_ids``
    limits the result to these sites.
    """
    sites = analysis.sites
    if site_ids is not None:
        sites = sites[sites["site_id"].astype(str).isin(set(site_ids))]
    if sites.empty:
        return []
    kinds = list(kinds) or list(analysis.results)
    colours = dict(colours or kind_colours(kinds, analysis.services.kinds))
    changes = dict(changes or {})
    sv = analysis.services.services
    services = dict(zip(sv["service_id"], zip(sv["kind"], sv["service_name"], sv["service_area"])))
    catalog = analysis.services.kinds
    limit = float(max_minutes if max_minutes is not None else max(analysis.settings.bands_min) + 15.0)
    codes = set(analysis.district.codes)
    minutes = analysis.travel.minutes
    best = minutes.min(axis=0) if minutes.size else np.array([])
    wgs = _wgs84(sites.geometry)
    secret_tip = t("map.tip.secret", lang)
    out: list[dict] = []
    for sid, site_id, site_form, col, kod, site_name, secret, geom in zip(
            sites["service_id"], sites["site_id"], sites["form"], sites["col"], sites["kod_obce"],
            sites["site_name"], sites["secret_address"], wgs):
        if sid not in services:
            continue
        kind, service_name, service_area = services[sid]
        if kind not in kinds or (form and site_form != form):
            continue
        col = int(col)
        near = col < best.size and np.isfinite(best[col]) and best[col] <= limit
        serves = site_form == "ter" and bool(codes.intersection(service_area))
        if not (near or serves or kod in codes):
            continue
        kobj = catalog.get(kind)
        kname = kobj.name_cs if kobj and lang == "cs" else (kobj.name_en if kobj else kind)
        fname = FORMS[site_form].name_cs if lang == "cs" else FORMS[site_form].name_en
        secret = bool(secret)
        tip = (f"<b>{html.escape(str(service_name))}</b><br>{html.escape(str(site_name))}"
               f"<br>{html.escape(kname)} · {html.escape(fname)}")
        if secret:
            tip += f"<br><i>{html.escape(secret_tip)}</i>"
        change = changes.get(str(site_id))
        item = {"la": round(geom.y, 6), "lo": round(geom.x, 6), "s": FORM_SHAPES.get(site_form, "circle"),
                "c": colours.get(kind, "#999999"), "tip": tip, "id": str(site_id)}
        if secret:
            item["d"] = 1
        if change == "added":
            item.update({"w": 3.5, "r": 9})
        elif change == "removed":
            item.update({"c": "#FFFFFF", "d": 1, "o": 0.9})
        out.append(item)
    return out


_ROW = 'style="display:flex;align-items:center;gap:6px;margin:2px 0"'
_HEAD = 'style="font-weight:700;margin:6px 0 3px"'


def _swatch(colour: str, opacity: float = 1.0) -> str:
    return (f'<span style="display:inline-block;width:16px;height:12px;border:1px solid #333;flex:0 0 auto;'
            f'background:{colour};opacity:{opacity}"></span>')


def planner_legend_html(classes: Classes | None, kinds: Sequence[str], colours: Mapping[str, str], *,
                        catalog: KindCatalog, points_only: bool, lang: str = "cs", scenario: bool = False,
                        isochrones: Sequence[float] = (),
                        parts: Sequence[str] = ("classes", "kinds", "forms")) -> str:
    """HTML of the planner map's legend, inline-styled (usable inside the map and in a page).

    ``parts`` chooses the sections: ``classes`` (the indicator's classes and isochrones),
    ``kinds`` (colour of each kind) and ``forms`` (shape of each form, secret, scenario marks).
    """
    out: list[str] = []
    if "classes" in parts and classes is not None:
        out.append(f"<div {_HEAD}>{html.escape(classes.title)}</div>")
        for label, colour in zip(classes.labels, classes.colours):
            out.append(f"<div {_ROW}>{_swatch(colour)}<span>{html.escape(label)}</span></div>")
        if (classes.index < 0).any():
            out.append(f"<div {_ROW}>{_swatch(_NO_DATA)}"
                       f"<span>{html.escape(classes.no_data_label or t('map.cls.no_data', lang))}</span></div>")
        if points_only:
            out.append(f'<div style="font-size:85%;max-width:240px">{html.escape(t("map.legend.circles", lang))}</div>')
    if "classes" in parts and isochrones:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.iso', lang))}</div>")
        for m, colour in zip(sorted(isochrones), _iso_colours(len(isochrones))):
            out.append(f"<div {_ROW}>{_swatch(colour, 0.6)}"
                       f"<span>{html.escape(t('map.cls.upto', lang, b=_fmt(m, lang)))}</span></div>")
    if "kinds" in parts and kinds:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.kinds', lang))}</div>")
        groups: dict[str, list[str]] = {}
        for k in kinds:  # kinds under the colour they share (their working group)
            groups.setdefault(colours.get(k, "#999999"), []).append(k)
        out.append('<div style="display:flex;flex-direction:column;gap:2px">')
        for colour, members in groups.items():
            wg = _group_of(members[0], catalog, lang)
            names = [((catalog.get(k).name_cs if lang == "cs" else catalog.get(k).name_en) if catalog.get(k) else k)
                     for k in members]
            label = f"<strong>{html.escape(wg)}</strong>: " if wg else ""
            out.append(f"<div {_ROW}>{symbol_img('circle', colour, 16)}"
                       f"<span>{label}{html.escape(', '.join(names))}</span></div>")
        out.append("</div>")
    if "forms" in parts:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.forms', lang))}</div>")
        out.append('<div style="display:flex;flex-wrap:wrap;column-gap:18px">')
        for code, shape in FORM_SHAPES.items():
            name = FORMS[code].name_cs if lang == "cs" else FORMS[code].name_en
            out.append(f"<div {_ROW}>{symbol_img(shape, '#BBBBBB', 16)}<span>{html.escape(name)}</span></div>")
        out.append(f"<div {_ROW}>{symbol_img('circle', '#BBBBBB', 16, dashed=True)}"
                   f"<span>{html.escape(t('map.legend.secret', lang))}</span></div>")
        if scenario:
            out.append(f"<div {_ROW}>{symbol_img('circle', '#BBBBBB', 18, stroke_width=3.5)}"
                       f"<span>{html.escape(t('map.legend.added', lang))}</span></div>")
            out.append(f"<div {_ROW}>{symbol_img('circle', '#FFFFFF', 16, dashed=True)}"
                       f"<span>{html.escape(t('map.legend.removed', lang))}</span></div>")
        out.append("</div>")
    return "".join(out)


def _group_of(kind: str, catalog: KindCatalog, lang: str = "cs") -> str:
    """Name of the kind's first working group ("" when it has none)."""
    from coverage_app.codelists import WORKING_GROUPS

    kobj = catalog.get(kind)
    wg = kobj.working_groups[0] if kobj is not None and kobj.working_groups else ""
    return WORKING_GROUPS[wg][lang] if wg in WORKING_GROUPS else ""


def _iso_colours(n: int) -> tuple[str, ...]:
    return tuple(reversed(_spread(n))) if n else ()


def planner_base_map(district: District, *, assets: MapAssets, basemap: bool = False, lang: str = "cs",
                     source: str = "") -> folium.Map:
    """The planner map without its layers: background, attribution, the view of the district.

    It depends only on the district and these arguments, so it stays the same while the layers
    (:func:`planner_layers`) change — the app then updates the layers of the map already shown.
    """
    bounds = _bounds(district)
    m = _base_map(bounds, assets, basemap=basemap, lang=lang, source=source)
    _fit(m, bounds)
    return m


def planner_layers(analysis: Analysis, *, kinds: Sequence[str] = (), indicator: str = "gaps",
                   map_kind: str | None = None, form: str | None = None, selected_obec: str | None = None,
                   isochrones: gpd.GeoDataFrame | None = None, site_changes: Mapping[str, str] | None = None,
                   baseline: Analysis | None = None, lang: str = "cs",
                   legend_parts: Sequence[str] = ("classes", "kinds", "forms")) -> MapLayers:
    """The layers of the planner map (see :func:`planner_map` for the arguments): isochrones,
    obce, sites and the legend, in drawing order.

    ``baseline`` is the analysis a scenario started from: sites the scenario closes
    (``site_changes`` = ``"removed"``) are no longer in ``analysis`` and are drawn from it.
    """
    district = analysis.district
    kinds = [k for k in kinds if k in analysis.results] or list(analysis.results)
    values = indicator_values(analysis, indicator, kinds, map_kind)
    kobj = analysis.services.kinds.get(map_kind or (kinds[0] if kinds else ""))
    title = t(f"map.ind.{indicator}", lang)
    if indicator != "gaps" and kobj is not None:
        title = f"{title}: {kobj.name_cs if lang == 'cs' else kobj.name_en}"
    classes = classify(values, indicator, bands_min=analysis.settings.bands_min, lang=lang, title=title)
    calls: list[tuple[str, str, str]] = []
    if isochrones is not None and len(isochrones):
        iso = _wgs84(isochrones)
        mins = sorted(float(x) for x in iso["minutes"].unique())
        cmap = dict(zip(mins, _iso_colours(len(mins))))
        feats = [{"type": "Feature", "properties": {"minutes": float(r.minutes), "fill": cmap[float(r.minutes)],
                                                    "line": "#333333"},
                  "geometry": _geojson_geometry(r.geometry)} for r in iso.itertuples() if r.geometry is not None]
        calls.append(_layer_call("areas", {"type": "FeatureCollection", "features": feats}, {"fillOpacity": 0.2}))
    fc = obec_features(district, classes=classes, values=values, indicator=indicator, selected=selected_obec,
                       lang=lang)
    polygons = district.has_polygons
    calls.append(_layer_call("obce", fc, {"fillOpacity": 0.7 if polygons else 0.85}))
    colours = kind_colours(kinds, analysis.services.kinds)
    sites = planner_sites(analysis, kinds, form=form, colours=colours, changes=site_changes, lang=lang)
    removed = {s for s, c in (site_changes or {}).items() if c == "removed"}
    if baseline is not None and removed:
        drawn = {s["id"] for s in sites}
        sites += [s for s in planner_sites(baseline, kinds, form=form, colours=colours, changes=site_changes,
                                           lang=lang, site_ids=removed) if s["id"] not in drawn]
    calls.append(_layer_call("sites", sites, {"radius": 7}))
    legend = planner_legend_html(classes, kinds, colours, catalog=analysis.services.kinds,
                                 points_only=not polygons, lang=lang,
                                 scenario=bool(site_changes),
                                 isochrones=sorted(isochrones["minutes"].unique()) if isochrones is not None and len(isochrones) else (),
                                 parts=legend_parts)
    if legend:
        calls.append(_layer_call("legend", legend, {"position": "bottomright", "title": t("pub.legend", lang)}))
    return MapLayers(tuple(calls))


def planner_map(analysis: Analysis, *, assets: MapAssets, kinds: Sequence[str] = (), indicator: str = "gaps",
                map_kind: str | None = None, form: str | None = None, selected_obec: str | None = None,
                isochrones: gpd.GeoDataFrame | None = None, site_changes: Mapping[str, str] | None = None,
                basemap: bool = False, lang: str = "cs", source: str = "",
                legend_parts: Sequence[str] = ("classes", "kinds", "forms"),
                baseline: Analysis | None = None) -> folium.Map:
    """The planner's gap map: an indicator per obec, the sites, optional isochrones, a legend.

    The map of :func:`planner_base_map` with the layers of :func:`planner_layers` (the app
    shows the two apart, so that a change of the layers does not reload the map).

    Parameters
    ----------
    analysis : Analysis
        Baseline or scenario analysis (see :mod:`coverage_app.coverage`).
    assets : MapAssets
        Where the browser loads Leaflet and the map script from (never a CDN).
    kinds : kind ids
        Kinds shown (sites, legend) and counted by the ``gaps`` indicator; all when empty.
    indicator : str
        One of :data:`INDICATORS`.
    map_kind : str, optional
        Kind of the per-kind indicators (default the first of ``kinds``).
    form : {"pob", "amb", "ter"}, optional
        Only sites of this form.
    selected_obec : str, optional
        Obec code drawn with a thick outline.
    isochrones : GeoDataFrame, optional
        From :func:`coverage_app.reach.isochrones` (``minutes`` column, EPSG:5514).
    site_changes : mapping, optional
        Site id → ``"added"``/``"removed"`` (what-if scenario).
    basemap : bool
        Add OpenStreetMap tiles (only when online); otherwise a plain background.
    legend_parts : sequence of str
        Sections of :func:`planner_legend_html` drawn inside the map (the page may show the
        others beside it).
    baseline : Analysis, optional
        The analysis a scenario started from (sites the scenario closes are drawn from it).
    """
    m = planner_base_map(analysis.district, assets=assets, basemap=basemap, lang=lang, source=source)
    planner_layers(analysis, kinds=kinds, indicator=indicator, map_kind=map_kind, form=form,
                   selected_obec=selected_obec, isochrones=isochrones, site_changes=site_changes,
                   baseline=baseline, lang=lang, legend_parts=legend_parts).feature_group().add_to(m)
    return m


def sites_map(district: District, services: Services, *, assets: MapAssets,
              findings: Mapping[str, str] | None = None, basemap: bool = False, lang: str = "cs",
              source: str = "", margin_m: float = 20_000.0) -> folium.Map:
    """The planner's data check: every placed site near the district over its obce.

    Sites with a finding of the quality checks (``findings``: site id → text) are vermillion,
    the others blue; the shape is the form.  Sites within ``margin_m`` metres of the district's
    bounding box are drawn (secret sites included: this map is behind the login).
    """
    findings = dict(findings or {})
    m = _base_map(_bounds(district), assets, basemap=basemap, lang=lang, source=source)
    fc = obec_features(district, lang=lang, fill="#FFFFFF")
    for f in fc["features"]:
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    _Call("obce", fc, {"fillOpacity": 0.1 if district.has_polygons else 0.7, "edge": "#6B6B6B"}).add_to(m)
    x0, y0, x1, y1 = district.obce.total_bounds
    tab = services.table()
    tab = tab[tab.geometry.notna()]
    if len(tab):
        xs, ys = tab.geometry.x, tab.geometry.y
        tab = tab[(xs >= x0 - margin_m) & (xs <= x1 + margin_m) & (ys >= y0 - margin_m) & (ys <= y1 + margin_m)]
    items: list[dict] = []
    if len(tab):
        wgs = _wgs84(tab)
        for (_, row), geom in zip(tab.iterrows(), wgs.geometry):
            note = findings.get(str(row["site_id"]), "")
            tip = (f"<b>{html.escape(str(row['service_name']))}</b><br>{html.escape(str(row['site_name']))}"
                   f"<br>{html.escape(str(row['obec_name'] or row['kod_obce']))}")
            if note:
                tip += f"<br><i>{html.escape(note)}</i>"
            items.append({"la": round(geom.y, 6), "lo": round(geom.x, 6), "s": FORM_SHAPES.get(row["form"], "circle"),
                          "c": "#D55E00" if note else "#0072B2", "tip": tip, "id": str(row["site_id"]),
                          **({"d": 1} if bool(row["secret_address"]) else {})})
    _Call("sites", items, {"radius": 7}).add_to(m)
    _fit(m, _bounds(district))
    return m
