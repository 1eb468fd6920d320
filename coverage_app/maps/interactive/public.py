"""The public service map: what reaches each obec (the listing), and the map.

The listing's HTML is in :mod:`.public_list`, the standalone page for a website in
:mod:`.public_export`."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import (
    FORMS,
    TARGET_GROUPS,
    normalize_text,
    resolve_target_group,
)
from coverage_app.coverage import Analysis
from coverage_app.i18n import register, t
from coverage_app.maps.numbering import czech_sort_key, primary_working_group
from coverage_app.model import CRS, District, Services
from coverage_app.maps.interactive.base import FORM_SHAPES, LIFE_SITUATIONS, MapAssets, SITUATION_COLOURS, _Call, _base_map, _fit, _wgs84
from coverage_app.maps.interactive.symbols import _bounds, obec_features, symbol_img



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


register({
    "pub.credit.registry": {"cs": "MPSV – registr poskytovatelů sociálních služeb",
                            "en": "MPSV – register of social service providers"},
})


def services_source(files: Sequence[str], fallback: str, lang: str = "cs") -> str:
    """Where the services come from, in words a reader of a public page understands: the MPSV
    registry for ``rpss.json`` files, else the files' names, else ``fallback`` (e.g. the demo's label)."""
    files = [str(f) for f in files]
    if files and all(f.lower().endswith(".json") for f in files):
        return t("pub.credit.registry", lang)
    return ", ".join(files) or fallback


def find_obce(query: str, names: Mapping[str, str], parts: Mapping[str, str] | None = None,
              limit: int = 8) -> list[str]:
    """Obec codes whose name (or a part's name, části obce) matches what a person typed:
    diacritics, case and extra spaces ignored (``hrusovany`` finds Hrušovany u Brna, ``liptan``
    Liptaň).  The exact name first, then names starting with it, then names with a word starting
    with it, then names containing it, then obce with a matching part; at most ``limit``."""
    q = normalize_text(query)
    if not q:
        return []
    scored = []
    for code, name in names.items():
        n = normalize_text(name)
        if n == q:
            score = 0
        elif n.startswith(q):
            score = 1
        elif any(w.startswith(q) for w in re.split(r"[\s\-]+", n)):
            score = 2
        elif q in n:
            score = 3
        elif parts and any(q in normalize_text(p) for p in str(parts.get(code) or "").split(";") if p):
            score = 4
        else:
            continue
        scored.append((score, czech_sort_key(name), code))
    return [c for _, _, c in sorted(scored)[:limit]]


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
        reach`` (how it reaches people: ``home`` staff come to the obec, ``remote`` by telephone
        or alarm button, ``visit`` people go there, ``live`` a residential service), ``travel_time_min,
        distance_km, walk_time_min`` (along the same route at 4 km/h, up to 4 km), ``pt_time_min,
        pt_transfers`` (with a timetable), ``site_name, address, addresses, phone, email, web,
        hours, target_groups, description, obce`` (codes of the obce it serves), ``fictional``.
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
                  "reach", "travel_time_min", "distance_km", "walk_time_min", "pt_time_min", "pt_transfers",
                  "site_name", "address", "addresses", "phone", "email", "web", "hours", "target_groups",
                  "description", "obce", "fictional")
#: How a service reaches people (``reach`` of a listing entry).
REACH_KINDS: tuple[str, ...] = ("home", "remote", "visit", "live")
#: Walking speed of the public list's walking times (km/h) and the longest walk it shows (km).
PUBLIC_WALK_KMH = 4.0
PUBLIC_WALK_MAX_KM = 4.0
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

    def reach_of(kind_id: str, comes_home: bool, forms: set[str]) -> str:
        modes = [m for m, _ in analysis.settings.access_of(kind_id, catalog).limits]
        if modes and set(modes) == {"remote"}:
            return "remote"
        if comes_home:
            return "home"
        return "live" if forms and forms <= {"pob"} else "visit"

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
        km = float(near["distance_km"]) if near else np.nan
        row.update({
            "reach": reach_of(str(rec["kind"]), bool(home_of.get(sid, False)), forms_of.get(sid, set())),
            "walk_time_min": round(km / PUBLIC_WALK_KMH * 60.0, 0) if np.isfinite(km) and km <= PUBLIC_WALK_MAX_KM
            else np.nan,
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
