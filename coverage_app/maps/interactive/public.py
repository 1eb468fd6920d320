"""The public service map: what reaches each obec, the list, the map and its standalone HTML export."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from jinja2 import Template

from coverage_app.codelists import (
    FORMS,
    TARGET_GROUPS,
    resolve_target_group,
)
from coverage_app.coverage import Analysis
from coverage_app.i18n import t
from coverage_app.maps.numbering import czech_sort_key, primary_working_group
from coverage_app.model import CRS, District, Services
from coverage_app.maps.interactive.base import FORM_SHAPES, LIFE_SITUATIONS, MapAssets, OSM_TILES, SITUATION_COLOURS, _Call, _base_map, _fit, _js_json, _wgs84, asset_files
from coverage_app.maps.interactive.symbols import _bounds, _fmt, obec_features, symbol_img



# ---------------------------------------------------------------------------------------------
# Public map: which services serve or are reachable from an obec
# ---------------------------------------------------------------------------------------------
def service_reach(analysis: Analysis) -> pd.DataFrame:
    """Which service × form serves which obec of the district, from public sites only.

    The rule is the one of :meth:`Analysis.obec_detail`: a field service (``ter``) serves the
    obce of its declared service area (or, without one, those within the threshold of its
    base); a service clients travel to (``amb``/``pob``) serves the obce within the threshold
    of its nearest site.  Sites with a secret address are left out entirely, so no travel time
    to them is ever published.  Vectorised over all sites (thousands of services are fine).

    Returns
    -------
    DataFrame
        ``service_id``, ``form``, ``kod_obce``, ``travel_time_min`` (to the nearest public site,
        NaN for pure field coverage), ``distance_km``, ``in_service_area``, ``site_name``,
        ``address`` of that nearest site.
    """
    s = analysis.settings
    codes = analysis.district.codes
    code_arr = np.asarray(codes, dtype=object)
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    cols = ["service_id", "form", "kod_obce", "travel_time_min", "distance_km", "in_service_area", "site_name", "address",
            "pt_time_min", "pt_transfers"]
    sv = analysis.services.services.set_index("service_id")
    all_sites = analysis.services.sites
    secret_ids = set(all_sites.loc[all_sites["secret_address"].astype(bool), "service_id"])
    sites = analysis.sites
    sites = sites[~sites["secret_address"].astype(bool) & sites["service_id"].isin(sv.index)]
    public = analysis.services.public_sites()
    addr = public[~public["secret_address"].astype(bool)].drop_duplicates("site_id").set_index("site_id")["address_text"]
    frames: list[pd.DataFrame] = []
    if len(sites) and n:
        sites = sites.assign(_g=sites.groupby(["service_id", "form"], sort=False).ngroup().to_numpy())
        sites = sites.sort_values("_g", kind="stable").reset_index(drop=True)
        g = sites["_g"].to_numpy()
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        sizes = np.diff(np.r_[starts, len(g)])
        site_cols = sites["col"].to_numpy(dtype=int)
        minutes = analysis.travel.minutes[:, site_cols]
        km = analysis.travel.km[:, site_cols]
        best = np.repeat(starts[None, :], n, axis=0)  # index (into sites) of the nearest site per obec × group
        for gi in np.flatnonzero(sizes > 1):
            a, b = starts[gi], starts[gi] + sizes[gi]
            best[:, gi] = a + np.argmin(minutes[:, a:b], axis=1)
        rows = np.arange(n)[:, None]
        mins = minutes[rows, best]
        kms = km[rows, best]
        g_sid = sites["service_id"].to_numpy()[starts]
        g_form = sites["form"].to_numpy()[starts]
        areas = [tuple(sv.at[sid, "service_area"]) for sid in g_sid]
        is_ter = g_form == "ter"
        has_area = np.array([bool(a) for a in areas])
        travel = np.isin(g_form, list(s.travel_forms)) | (is_ter & ~has_area)
        in_area = np.zeros((n, len(starts)), dtype=bool)
        for gi in np.flatnonzero(is_ter & has_area):
            idx = [pos[c] for c in areas[gi] if c in pos]
            in_area[idx, gi] = True
        near = travel[None, :] & (mins <= s.threshold_min)
        oi, gi = np.nonzero(in_area | near)
        if oi.size:
            b = best[oi, gi]
            site_ids = sites["site_id"].to_numpy()[b]
            timed = travel[gi] & np.isfinite(mins[oi, gi])
            pt_min, pt_tr = _pt_to(analysis, oi, site_cols[b], g_form[gi] == "amb")
            frames.append(pd.DataFrame({
                "service_id": g_sid[gi], "form": g_form[gi], "kod_obce": code_arr[oi],
                "travel_time_min": np.where(timed, np.round(mins[oi, gi], 1), np.nan),
                "distance_km": np.where(timed & np.isfinite(kms[oi, gi]), np.round(kms[oi, gi], 2), np.nan),
                "in_service_area": in_area[oi, gi],
                "site_name": sites["site_name"].to_numpy()[b],
                "address": addr.reindex(site_ids).fillna("").astype(str).to_numpy(),
                "pt_time_min": pt_min, "pt_transfers": pt_tr,
            }))
    # field services without any located public site still serve their declared area
    placed = set(zip(sites["service_id"], sites["form"])) if len(sites) else set()
    caps = analysis.services.capacities
    field_ids = set(caps.loc[caps["form"] == "ter", "service_id"]) | set(all_sites.loc[all_sites["form"] == "ter",
                                                                                       "service_id"])
    for sid in sorted(field_ids):
        if (sid, "ter") in placed or sid not in sv.index or sid in secret_ids:
            continue
        area = [c for c in sv.at[sid, "service_area"] if c in pos]
        if area:
            frames.append(pd.DataFrame({"service_id": sid, "form": "ter", "kod_obce": area, "travel_time_min": np.nan,
                                        "distance_km": np.nan, "in_service_area": True, "site_name": "",
                                        "address": "", "pt_time_min": np.nan, "pt_transfers": np.nan}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return pd.concat(frames, ignore_index=True)[cols]


def _pt_to(analysis: Analysis, obec_rows: np.ndarray, site_cols: np.ndarray, day_visit: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Public-transport minutes (there, rounded to 0.1) and transfers from obce to site columns,
    for day visits (form ``amb``) within the timetable's area only (NaN otherwise)."""
    tm = analysis.transit
    if tm is None or not len(obec_rows):
        return np.full(len(obec_rows), np.nan), np.full(len(obec_rows), np.nan)
    there = tm.there[obec_rows, site_cols]
    ok = day_visit & np.isfinite(there)
    if tm.covered is not None:
        ok &= tm.covered[obec_rows]
    return (np.where(ok, np.round(there, 1), np.nan),
            np.where(ok, tm.transfers_there[obec_rows, site_cols], np.nan))


def service_situations(services: Services) -> pd.Series:
    """Life situations (working-group keys) of each service, indexed by service id.

    From the service's target groups where the codelist knows them, else from its kind.
    """
    out = {}
    for row in services.services.itertuples():
        wgs = []
        for tg in row.target_groups:
            code = resolve_target_group(tg)
            if code and TARGET_GROUPS[code].working_group not in wgs:
                wgs.append(TARGET_GROUPS[code].working_group)
        if not wgs:
            kind = services.kinds.get(row.kind)
            wgs = list(kind.working_groups) if kind else []
        out[row.service_id] = tuple(wgs)
    return pd.Series(out, dtype=object)


def _service_filter(services: Services, *, situation: str | None, target_group: str | None,
                    kind: str | None) -> set[str]:
    """Ids of the services matching the public filters."""
    sv = services.services
    keep = set(sv["service_id"])
    if situation:
        sits = service_situations(services)
        keep &= {sid for sid, wgs in sits.items() if situation in wgs}
    if target_group:
        keep &= {row.service_id for row in sv.itertuples()
                 if target_group in {resolve_target_group(tg) for tg in row.target_groups}}
    if kind:
        keep &= set(sv.loc[sv["kind"] == kind, "service_id"])
    return keep


@dataclass
class PublicListing:
    """What the public page lists.

    Attributes
    ----------
    entries : DataFrame
        One row per service with a public site (nearest first for a chosen obec, else by kind and
        name): ``service_id, name, provider, kind, kind_name, situation, forms, comes_home,
        travel_time_min, distance_km, site_name, address, addresses, phone, email, web, hours,
        target_groups, description, obce`` (codes of the obce it serves), ``fictional``.
    secret : DataFrame
        Services whose every site has a secret address, relevant to the district: ``service_id,
        name, provider, kind_name, phone, email, web, hours, address`` ("adresa neveřejná…").
    obec : str or None
        The chosen obec code.
    """

    entries: pd.DataFrame
    secret: pd.DataFrame
    obec: str | None = None
    obec_name: str = ""
    mode: str = "car"


_ENTRY_COLUMNS = ("service_id", "name", "provider", "kind", "kind_name", "situation", "forms", "comes_home",
                  "travel_time_min", "distance_km", "pt_time_min", "pt_transfers", "site_name", "address", "addresses",
                  "phone", "email", "web", "hours", "target_groups", "description", "obce", "fictional")
_SECRET_COLUMNS = ("service_id", "name", "provider", "kind", "kind_name", "situation", "phone", "email", "web",
                   "hours", "address", "target_groups", "description", "fictional")


def public_listing(analysis: Analysis, *, kod_obce: str | None = None, situation: str | None = None,
                   target_group: str | None = None, kind: str | None = None, lang: str = "cs",
                   reach: pd.DataFrame | None = None) -> PublicListing:
    """The services the public page lists for an obec (or for the whole district).

    Only :meth:`Services.public_sites` data is used: services whose sites all have secret
    addresses go to :attr:`PublicListing.secret` (for the whole district, never tied to an
    obec); the others are listed with their public addresses.  ``reach`` is
    :func:`service_reach` of the analysis (pass it when cached).
    """
    services = analysis.services
    catalog = services.kinds
    codes = analysis.district.codes
    code_set = set(codes)
    reach = service_reach(analysis) if reach is None else reach
    keep = _service_filter(services, situation=situation, target_group=target_group, kind=kind)
    records = services.services.set_index("service_id").to_dict("index")
    public = services.public_sites(lang)
    kind_rank = {k.id: i for i, k in enumerate(catalog)}
    secret_sites = services.sites[services.sites["secret_address"].astype(bool)]
    secret_flags = services.sites["secret_address"].astype(bool)
    all_secret = set(secret_flags.groupby(services.sites["service_id"]).all().pipe(lambda x: x[x].index))
    memo: dict[tuple, str] = {}

    def names_of(kind_id: str) -> str:
        k = catalog.get(kind_id)
        return (k.name_cs if lang == "cs" else k.name_en) if k else kind_id

    def tg_names(tgs: tuple) -> str:
        key = ("tg", tgs)
        if key not in memo:
            out = []
            for tg in tgs:
                code = resolve_target_group(tg)
                out.append((TARGET_GROUPS[code].name_cs if lang == "cs" else TARGET_GROUPS[code].name_en)
                           if code else str(tg))
            memo[key] = ", ".join(out)
        return memo[key]

    def situation_of(rec: Mapping) -> str:
        key = ("wg", str(rec["kind"]), tuple(rec["target_groups"]))
        if key not in memo:
            kobj = catalog.get(str(rec["kind"]))
            memo[key] = primary_working_group(list(rec["target_groups"]), kobj.working_groups if kobj else ())
        return memo[key]

    def card(sid: str, rec: Mapping) -> dict:
        return {"service_id": sid, "name": str(rec["service_name"]), "provider": str(rec["provider_name"]),
                "kind": str(rec["kind"]), "kind_name": names_of(str(rec["kind"])), "situation": situation_of(rec),
                "phone": str(rec["phone"]), "email": str(rec["email"]), "web": str(rec["web"]),
                "hours": str(rec["hours"]), "target_groups": tg_names(tuple(rec["target_groups"])),
                "description": str(rec["description"]), "fictional": bool(rec["fictional"])}

    served_sets: dict[str, set[str]] = {}
    forms_of: dict[str, set[str]] = {}
    for sid, code, form in zip(reach["service_id"].to_numpy(dtype=object), reach["kod_obce"].to_numpy(dtype=object),
                               reach["form"].to_numpy(dtype=object)):
        served_sets.setdefault(sid, set()).add(code)
        forms_of.setdefault(sid, set()).add(form)
    served = {sid: sorted(v) for sid, v in served_sets.items()}
    home_of: dict[str, bool] = {}
    nearest: dict[str, dict] = {}
    if kod_obce and len(reach):
        here = reach[reach["kod_obce"] == kod_obce]
        home_of = here.groupby("service_id")["in_service_area"].any().to_dict()
        timed = here[here["travel_time_min"].notna()].sort_values("travel_time_min", kind="mergesort")
        nearest = timed.drop_duplicates("service_id").set_index("service_id").to_dict("index")
    located = public[public.geometry.notna() & ~public["secret_address"].astype(bool)]
    addresses_of: dict[str, list[str]] = {}
    for sid, a in zip(located["service_id"].to_numpy(dtype=object), located["address_text"].to_numpy(dtype=object)):
        if a and a not in addresses_of.setdefault(sid, []):
            addresses_of[sid].append(str(a))
    form_names = {f: (FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en) for f in FORMS}
    rows = []
    for sid, rec in records.items():
        if sid not in keep or sid in all_secret or sid not in served:
            continue
        if kod_obce and sid not in home_of:
            continue
        near = nearest.get(sid)
        addresses = addresses_of.get(sid, [])
        row = card(sid, rec)
        row.update({
            "forms": ", ".join(form_names[f] for f in ("pob", "amb", "ter") if f in forms_of.get(sid, set())),
            "comes_home": bool(home_of.get(sid, False)),
            "travel_time_min": float(near["travel_time_min"]) if near else np.nan,
            "distance_km": float(near["distance_km"]) if near else np.nan,
            "pt_time_min": float(near["pt_time_min"]) if near else np.nan,
            "pt_transfers": float(near["pt_transfers"]) if near else np.nan,
            "site_name": str(near["site_name"]) if near else "",
            "address": (str(near["address"]) if near else "") or (addresses[0] if addresses else ""),
            "addresses": addresses, "obce": served[sid],
        })
        rows.append(row)
    entries = pd.DataFrame(rows, columns=list(_ENTRY_COLUMNS))
    if len(entries):
        if kod_obce:
            entries["_o"] = np.where(entries["comes_home"] & entries["travel_time_min"].isna(), -1.0,
                                     entries["travel_time_min"].fillna(-0.5))
            entries["_k"] = [czech_sort_key(n) for n in entries["name"]]
            entries = entries.sort_values(["_o", "_k"], kind="mergesort").drop(columns=["_o", "_k"])
        else:
            entries["_r"] = entries["kind"].map(lambda k: kind_rank.get(k, 999))
            entries["_k"] = entries["name"].map(czech_sort_key)
            entries = entries.sort_values(["_r", "_k"], kind="mergesort").drop(columns=["_r", "_k"])
        entries = entries.reset_index(drop=True)
    secret_rows = []
    secret_obce: dict[str, set[str]] = {}
    for sid, code in zip(secret_sites["service_id"].to_numpy(dtype=object), secret_sites["kod_obce"].to_numpy(dtype=object)):
        secret_obce.setdefault(sid, set()).add(code)
    secret_addr = public[public["secret_address"].astype(bool)].drop_duplicates("service_id").set_index(
        "service_id")["address_text"]
    for sid in sorted(all_secret & keep & set(records), key=lambda x: czech_sort_key(str(records[x]["service_name"]))):
        rec = records[sid]
        if not (secret_obce.get(sid, set()) & code_set or code_set.intersection(rec["service_area"])):
            continue
        row = card(sid, rec)
        row["address"] = str(secret_addr.get(sid, "")) or t("label.secret_address", lang)
        secret_rows.append(row)
    secret = pd.DataFrame(secret_rows, columns=list(_SECRET_COLUMNS))
    name = ""
    if kod_obce and kod_obce in code_set:
        name = str(analysis.district.obce.set_index("kod_obce").loc[kod_obce, "nazev_obce"])
    return PublicListing(entries, secret, kod_obce, name, analysis.settings.mode)


def public_sites(services: Services, *, service_ids: Iterable[str] | None = None, lang: str = "cs") -> list[dict]:
    """Markers of the public map: one per public site (secret sites never), compact for JSON.

    Keys: ``la``/``lo`` (WGS 84), ``n`` name, ``k`` kind, ``f`` forms, ``a`` address, ``p`` phone,
    ``w`` web, ``h`` hours, ``c`` colour (life situation), ``s`` shape (main form), ``id``.
    """
    tab = services.public_sites(lang)
    tab = tab[tab.geometry.notna() & ~tab["secret_address"].astype(bool)]
    if service_ids is not None:
        tab = tab[tab["service_id"].isin(set(service_ids))]
    if tab.empty:
        return []
    order = {"pob": 0, "amb": 1, "ter": 2}
    forms = (tab.assign(_o=tab["form"].map(order)).sort_values("_o").groupby(["site_id", "service_id"], sort=False)["form"]
             .agg(lambda x: list(dict.fromkeys(x))))
    first = tab.drop_duplicates(["site_id", "service_id"]).set_index(["site_id", "service_id"])
    wgs = _wgs84(gpd.GeoSeries(first.geometry.to_numpy(), crs=CRS))
    catalog = services.kinds
    colour_of: dict[tuple, str] = {}
    out = []
    first = first.reset_index()
    for row, pt in zip(first.itertuples(index=False), wgs):
        key = (row.site_id, row.service_id)
        fl = forms.get(key, [])
        kind = catalog.get(str(row.kind))
        tgs = tuple(row.target_groups)
        ck = (str(row.kind), tgs)
        if ck not in colour_of:
            wg = primary_working_group(list(tgs), kind.working_groups if kind else ())
            colour_of[ck] = SITUATION_COLOURS.get(wg, SITUATION_COLOURS["ostatni"])
        out.append({
            "la": round(float(pt.y), 6), "lo": round(float(pt.x), 6),
            "n": str(row.service_name), "k": (kind.name_cs if lang == "cs" else kind.name_en) if kind else "",
            "f": ", ".join(FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en for f in fl),
            "a": str(row.address_text), "p": str(row.phone), "w": str(row.web),
            "h": str(row.hours), "c": colour_of[ck],
            "s": FORM_SHAPES[fl[0]] if fl else "circle", "id": str(row.service_id),
        })
    return out


def public_legend_html(lang: str = "cs") -> str:
    """Legend of the public map (life situation by colour, form by shape, clusters), inline-styled HTML."""
    row = 'style="display:flex;align-items:center;gap:.4rem;margin:.15rem 0"'
    head = 'style="font-size:1rem;font-weight:700;margin:.5rem 0 .2rem"'
    parts = [f"<div {head}>{html.escape(t('map.legend.situations', lang))}</div>"]
    for key in list(LIFE_SITUATIONS) + ["ostatni"]:
        parts.append(f"<div {row}>{symbol_img('circle', SITUATION_COLOURS[key], 18)}"
                     f"<span>{html.escape(t(f'sit.{key}', lang))}</span></div>")
    parts.append(f"<div {head}>{html.escape(t('map.legend.forms', lang))}</div>")
    for code, shape in FORM_SHAPES.items():
        name = FORMS[code].name_cs if lang == "cs" else FORMS[code].name_en
        parts.append(f"<div {row}>{symbol_img(shape, '#BBBBBB', 18)}<span>{html.escape(name)}</span></div>")
    parts.append(f'<div {row}><span style="display:inline-flex;align-items:center;justify-content:center;'
                 'width:24px;height:24px;border-radius:50%;background:#1a1a1a;color:#fff;font-weight:700;'
                 f'font-size:12px;border:2px solid #fff;box-shadow:0 0 0 1px #000">5</span>'
                 f"<span>{html.escape(t('map.legend.cluster', lang))}</span></div>")
    return "".join(parts)


def public_map(district: District, sites: list[dict], *, assets: MapAssets, home: str | None = None,
               basemap: bool = False, lang: str = "cs", source: str = "", legend: bool = False) -> folium.Map:
    """The public service map: obce as a light background, sites clustered on a grid.

    ``sites`` come from :func:`public_sites` (never a secret site).  ``home`` is the obec code
    the user searched for (ringed and centred).  One script layer draws every site, so the map
    stays fluid with thousands of services.
    """
    m = _base_map(_bounds(district), assets, basemap=basemap, lang=lang, source=source)
    fc = obec_features(district, lang=lang, selected=home, fill="#FFFFFF")
    for f in fc["features"]:
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    _Call("obce", fc, {"fillOpacity": 0.1 if district.has_polygons else 0.7, "edge": "#6B6B6B"}).add_to(m)
    _Call("clusters", sites, {"cell": 60, "size": 24,
                              "texts": {"services": t("map.services", lang), "phone": t("map.phone", lang)}}).add_to(m)
    center = None
    if home and home in set(district.codes):
        pt = _wgs84(district.points()).loc[home]
        name = str(district.obce.set_index("kod_obce").loc[home, "nazev_obce"])
        center = [round(float(pt.y), 6), round(float(pt.x), 6)]
        _Call("home", {"la": center[0], "lo": center[1], "name": name}, {}).add_to(m)
    if legend:
        _Call("legend", public_legend_html(lang), {"position": "bottomright"}).add_to(m)
    _fit(m, _bounds(district), center=center, zoom=12)
    return m


# ---------------------------------------------------------------------------------------------
# The public list (HTML) and the standalone export
# ---------------------------------------------------------------------------------------------
def safe_url(value: str) -> str:
    """The address to link to: ``http(s)://…`` as it is, ``www.…`` with ``https://``; anything
    else (``javascript:``, ``data:``…) gives ``""`` and is shown as text.  The map's popups apply the
    same rule (``safeUrl`` in coverage_map.js)."""
    v = str(value or "").strip()
    if re.fullmatch(r"https?://[^\s\"'<>]+", v, flags=re.IGNORECASE):
        return v
    if re.fullmatch(r"www\.[^\s\"'<>:]+", v, flags=re.IGNORECASE):
        return "https://" + v
    return ""


def _minutes_text(entry: Mapping[str, object], mode: str, lang: str) -> str:
    minutes = entry.get("travel_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    key = "pub.travel_walk" if mode == "walk" else "pub.travel"
    return t(key, lang, minutes=_fmt(max(1.0, round(float(minutes))), lang, 0),  # type: ignore[arg-type]
             km=_fmt(float(entry.get("distance_km") or 0.0), lang, 1))  # type: ignore[arg-type]


def _bus_text(entry: Mapping[str, object], lang: str) -> str:
    """``Autobusem asi 35 min (1 přestup)`` where the listing has a public-transport time."""
    from coverage_app.transit.indicators import pt_text

    minutes = entry.get("pt_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    text = pt_text(float(minutes), float(entry.get("pt_transfers") or 0.0), lang)  # type: ignore[arg-type]
    return text[:1].upper() + text[1:]


def _contact_lines(entry: Mapping[str, object], lang: str) -> list[str]:
    out = []
    phone = str(entry.get("phone") or "")
    if phone:
        tel = re.sub(r"[^\d+]", "", phone)
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.phone", lang))}:</span> '
                   f'<a href="tel:{html.escape(tel)}">{html.escape(phone)}</a></div>')
    email = str(entry.get("email") or "")
    if email:
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.email", lang))}:</span> '
                   f'<a href="mailto:{html.escape(email)}">{html.escape(email)}</a></div>')
    web = str(entry.get("web") or "").strip()
    if web:
        href = safe_url(web)  # only web addresses become links; anything else stays text
        link = (f'<a href="{html.escape(href)}" target="_blank" rel="noopener">{html.escape(web)}</a>' if href
                else html.escape(web))
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.web", lang))}:</span> {link}</div>')
    hours = str(entry.get("hours") or "")
    if hours:
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.hours", lang))}:</span> {html.escape(hours)}</div>')
    return out


def _entry_html(e: Mapping[str, object], listing_mode: str, lang: str, *, with_obce: bool) -> str:
    colour = SITUATION_COLOURS.get(str(e.get("situation") or ""), SITUATION_COLOURS["ostatni"])
    forms = [f.strip() for f in str(e.get("forms") or "").split(",") if f.strip()]
    code_of = {(FORMS[c].name_cs if lang == "cs" else FORMS[c].name_en): c for c in FORMS}
    shape = FORM_SHAPES.get(code_of.get(forms[0], "amb"), "circle") if forms else "circle"
    attrs = f' data-obce="{html.escape(" ".join(e.get("obce") or []))}"' if with_obce else ""  # type: ignore[arg-type]
    lines = [f'<li class="cm-item"{attrs}>',
             f'<h3>{symbol_img(shape, colour, 20)} <span>{html.escape(str(e.get("name") or ""))}</span></h3>',
             f'<div class="cm-kind">{html.escape(str(e.get("kind_name") or ""))}'
             + (f" · {html.escape(str(e.get('forms')))}" if e.get("forms") else "") + "</div>"]
    if e.get("comes_home"):
        lines.append(f'<div class="cm-reach"><strong>{html.escape(t("pub.comes_home", lang))}</strong></div>')
    travel = _minutes_text(e, listing_mode, lang)
    if travel:
        lines.append(f'<div class="cm-reach"><strong>{html.escape(travel)}</strong></div>')
    bus = _bus_text(e, lang)
    if bus:
        lines.append(f'<div class="cm-reach"><strong>{html.escape(bus)}</strong></div>')
    addresses = [str(a) for a in (e.get("addresses") or [])] or ([str(e["address"])] if e.get("address") else [])  # type: ignore[union-attr]
    for a in addresses:
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.where", lang))}:</span> {html.escape(a)}</div>')
    lines.extend(_contact_lines(e, lang))
    if e.get("provider"):
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.provider", lang))}:</span> '
                     f'{html.escape(str(e["provider"]))}</div>')
    if e.get("target_groups"):
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.for_whom", lang))}:</span> '
                     f'{html.escape(str(e["target_groups"]))}</div>')
    if e.get("description"):
        lines.append(f'<p class="cm-desc">{html.escape(str(e["description"]))}</p>')
    lines.append("</li>")
    return "".join(lines)


_LIST_CSS = """
.cm-list{font-size:1.05rem;line-height:1.5;color:#000}
.cm-list ul{list-style:none;margin:0;padding:0}
.cm-item{border:1px solid #bbb;border-radius:6px;padding:.6rem .8rem;margin:0 0 .6rem;background:#fff}
.cm-item h3{font-size:1.12rem;margin:0 0 .2rem;display:flex;gap:.4rem;align-items:center;line-height:1.3}
.cm-item h3 svg{flex:0 0 auto}
.cm-kind{color:#333;font-style:italic}
.cm-reach{margin:.15rem 0}
.cm-k{font-weight:600}
.cm-desc{margin:.3rem 0 0;color:#222}
.cm-list a{color:#0b4f8a;text-decoration:underline}
.cm-list a:focus{outline:3px solid #000;outline-offset:2px}
.cm-secret{border:2px solid #000;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0;background:#fff}
.cm-secret h2{font-size:1.1rem;margin:0 0 .3rem}
"""


def public_list_html(listing: PublicListing, lang: str = "cs", *, with_obce: bool = False,
                     heading_level: int = 2, max_items: int | None = None) -> str:
    """The public list as accessible HTML (the text alternative of the map).

    ``with_obce`` adds ``data-obce`` attributes (codes of the obce each service serves) used by
    the obec filter of the HTML export.  ``max_items`` shows only the first entries, with a
    note how many there are (for very large data sets before an obec is chosen).
    """
    h = max(1, min(heading_level, 5))
    parts = [f"<style>{_LIST_CSS}</style>", f'<section class="cm-list" aria-label="{html.escape(t("pub.list_label", lang))}">']
    if listing.entries.empty and listing.secret.empty:
        parts.append(f"<p>{html.escape(t('pub.none', lang))}</p>")
    if len(listing.entries):
        records = listing.entries.to_dict("records")
        shown = records if max_items is None else records[:max_items]
        parts.append("<ul>")
        for e in shown:
            parts.append(_entry_html(e, listing.mode, lang, with_obce=with_obce))
        parts.append("</ul>")
        if len(shown) < len(records):
            parts.append(f"<p><strong>{html.escape(t('pub.more', lang, n=len(shown), total=len(records)))}</strong></p>")
    if len(listing.secret):
        all_attr = ' data-obce="" data-all="1"' if with_obce else ""
        parts.append(f'<div class="cm-secret"{all_attr}><h{h}>{html.escape(t("pub.secret_title", lang))}</h{h}>'
                     f"<p>{html.escape(t('pub.secret_note', lang))}</p><ul>")
        for e in listing.secret.to_dict("records"):
            parts.append(f'<li class="cm-item"{all_attr}><h3>{html.escape(str(e["name"]))}</h3>'
                         f'<div class="cm-kind">{html.escape(str(e["kind_name"]))}</div>'
                         f'<div><span class="cm-k">{html.escape(t("pub.where", lang))}:</span> '
                         f'{html.escape(str(e["address"]))}</div>' + "".join(_contact_lines(e, lang)) + "</li>")
        parts.append("</ul></div>")
    parts.append("</section>")
    return "".join(parts)


_EXPORT_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coverage-app">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>{{ title }} – {{ district }}</title>
<style>{{ leaflet_css }}</style>
<style>{{ map_css }}</style>
<style>
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#000;background:#fafafa}
header,footer{padding:.8rem 1rem}
header h1{margin:0;font-size:1.7rem}
header p{margin:.2rem 0 0}
.cm-page{display:flex;gap:1rem;padding:0 1rem 1rem;align-items:flex-start}
.cm-side{flex:1 1 40%;min-width:0}
.cm-mapwrap{flex:1 1 60%;position:sticky;top:.5rem}
#cm-map{height:78vh;min-height:420px;border:1px solid #999;border-radius:6px}
label{font-weight:700;display:block;margin:.2rem 0}
select{font-size:1.05rem;padding:.45rem;width:100%;max-width:26rem;border:2px solid #333;border-radius:4px;background:#fff}
select:focus{outline:3px solid #000;outline-offset:2px}
.cm-count{margin:.6rem 0}
.cm-static-legend{margin-top:.6rem;background:#fff;border:1px solid #bbb;border-radius:6px;padding:.5rem .8rem}
.cm-static-legend .cm-row{display:flex;align-items:center;gap:.4rem}
.cm-note{font-size:.95rem;color:#222}
@media (max-width: 760px){
  .cm-page{flex-direction:column}
  .cm-mapwrap{position:static;width:100%}
  #cm-map{height:60vh;min-height:320px}
}
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p>{{ subtitle }}</p>
{% if fictional %}<p class="cm-note"><strong>{{ fictional }}</strong></p>{% endif %}
</header>
<main class="cm-page">
<div class="cm-side">
<label for="cm-obec">{{ search_label }}</label>
<select id="cm-obec">
<option value="">{{ all_obce }}</option>
{% for code, name in obce %}<option value="{{ code }}">{{ name }}</option>
{% endfor %}</select>
<p class="cm-count" aria-live="polite">{{ count_label }} <strong id="cm-count">{{ count }}</strong></p>
{{ list_html }}
</div>
<div class="cm-mapwrap">
<div id="cm-map" role="region" aria-label="{{ map_label }}"></div>
<noscript><p>{{ noscript }}</p></noscript>
<div class="cm-static-legend" aria-label="{{ legend_label }}">{{ legend_html }}</div>
</div>
</main>
<footer><p class="cm-note">{{ source_line }}</p></footer>
<script>{{ leaflet_js }}</script>
<script>{{ map_js }}</script>
<script>{{ init_js }}</script>
</body>
</html>
""")


def export_public_map(district: District, services: Services, analysis: Analysis | None, path: str | Path, *,
                      lang: str = "cs", title: str | None = None, basemap: bool = False,
                      source: str = "") -> Path:
    """Write the public map as one self-contained HTML file for a municipal website.

    Leaflet and the map script are inlined (no CDN; the page works offline).  The page holds the
    same list as the app (the text alternative of the map) with an obec filter, the clustered
    markers of :func:`public_sites` and a legend.  Secret addresses appear nowhere — not as a
    point, not as an address, not as a travel time.  With ``basemap=True`` the page loads
    OpenStreetMap tiles when the reader is online (attribution included).

    Parameters
    ----------
    district : District
    services : Services
    analysis : Analysis or None
        Analysis of ``district`` and ``services`` (computed when ``None``).
    path : path
        The ``.html`` file to write.
    lang : {"cs", "en"}
    title : str, optional
        Page title (default "Kde najdu pomoc?").
    basemap : bool
        Add an OpenStreetMap basemap (needs the reader to be online).
    source : str
        Data source named in the footer.
    """
    import datetime as dt

    from coverage_app.coverage import analyze

    if analysis is None:
        analysis = analyze(district, services)
    path = Path(path)
    files = asset_files()
    reach = service_reach(analysis)
    listing = public_listing(analysis, lang=lang, reach=reach)
    ids = set(listing.entries["service_id"]) if len(listing.entries) else set()
    sites = public_sites(services, service_ids=ids, lang=lang)
    fc = obec_features(district, lang=lang, fill="#FFFFFF")
    for f in fc["features"]:
        f["properties"].pop("tip", None)
        f["properties"]["tip"] = html.escape(str(f["properties"]["name"]))
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    pts = _wgs84(district.points())
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    points = {code: {"la": round(float(p.y), 6), "lo": round(float(p.x), 6), "name": names[code]}
              for code, p in pts.items()}
    data = {
        "sites": sites, "obce": fc, "points": points, "bounds": _bounds(district),
        "texts": {"services": t("map.services", lang), "phone": t("map.phone", lang)},
        "tiles": OSM_TILES if basemap else None,
        "attribution": t("map.attr.plain", lang) + (" · " + html.escape(t("map.attr.data", lang, source=source)) if source else ""),
    }
    obce_sorted = sorted(names.items(), key=lambda kv: czech_sort_key(kv[1]))
    scripts = (files["leaflet.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
               files["coverage_map.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
               f"CoverageMap.publicPage({_js_json(data)});")
    fictional = bool(services.services["fictional"].any()) if len(services.services) else False
    page = _EXPORT_TEMPLATE.render(
        lang=lang, title=html.escape(title or t("pub.title", lang)), district=html.escape(district.name),
        subtitle=html.escape(t("pub.subtitle", lang, district=district.name)),
        fictional=html.escape(t("pub.fictional", lang)) if fictional else "",
        search_label=html.escape(t("pub.search", lang)), all_obce=html.escape(t("pub.all_obce", lang)),
        obce=[(c, html.escape(n)) for c, n in obce_sorted], count_label=html.escape(t("pub.count", lang)),
        count=len(listing.entries) + len(listing.secret), list_html=public_list_html(listing, lang, with_obce=True),
        map_label=html.escape(t("pub.map_label", lang)), noscript=html.escape(t("pub.noscript", lang)),
        legend_label=html.escape(t("pub.legend", lang)), legend_html=public_legend_html(lang),
        source_line=html.escape(t("pub.source", lang, source=source or ", ".join(services.source_files) or "—",
                                  date=dt.date.today().strftime("%d. %m. %Y") if lang == "cs" else dt.date.today().isoformat())),
        leaflet_css=_inline_css(files), map_css=files["coverage_map.css"].read_text(encoding="utf-8"),
        leaflet_js=scripts[0], map_js=scripts[1], init_js=scripts[2], csp=_csp(scripts, basemap),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def _csp(scripts: Sequence[str], basemap: bool) -> str:
    """A strict Content-Security-Policy for the exported page: only its own inline scripts (by
    their SHA-256), no other script, frame, form or connection; images inline (and the OSM tiles
    with a basemap)."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
                      for s in scripts)
    img = "data:" + (" https://tile.openstreetmap.org" if basemap else "")
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src {img}; "
            "base-uri 'none'; form-action 'none'")


def _inline_css(files: Mapping[str, Path]) -> str:
    """Leaflet's CSS with its images embedded as data URLs (the page stays one file)."""
    css = files["leaflet.css"].read_text(encoding="utf-8")
    for rel, p in files.items():
        if rel.startswith("images/"):
            css = css.replace(f"url({rel})", "url(data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii") + ")")
    return css
