"""What a printed map and catalogue say about services: relevance, numbers, card facts.

The map and the catalogue are made from one table, :func:`service_entries`, so that they
cannot disagree:

* **Relevance.**  A service belongs to a district when one of its sites lies in an obec of the
  district, or when its declared service area (územní působnost) names an obec of the district —
  a field service based in Brno that serves the district is in.
* **Numbers.**  :func:`number_services` numbers the relevant services 1, 2, 3 … in a stable
  order: primary working group (:data:`~coverage_app.maps.style.WORKING_GROUP_ORDER`), then
  kind (codelist order), then name (Czech alphabetical order), then ``service_id``.  The
  primary working group comes from the service's first target group that the codelist knows,
  else from the kind's first working group, else ``ostatni``.  The same service gets the same
  number on the map, on every atlas page and in the catalogue.
* **Secret addresses.**  Only :meth:`~coverage_app.model.Services.public_sites` is read here;
  a site with a secret address has no point and no address — its row says "adresa neveřejná,
  volejte …".  Such a service keeps its number and its catalogue card, gets no marker on the
  map, and is listed in the map's box "služby s neveřejnou adresou" with its phone only.  The
  obec of a secret site is used for nothing but deciding relevance to the whole district; it is
  never printed, never used to list the service under an obec in the index and never used to put
  it on one atlas page rather than another.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import CAPACITY_UNITS, FORMS, TARGET_GROUPS, WORKING_GROUPS, resolve_target_group
from coverage_app.i18n import register, t
from coverage_app.maps.style import FORM_ORDER, WORKING_GROUP_ORDER
from coverage_app.model import CRS, District, Services

__all__ = [
    "ENTRY_COLUMNS",
    "czech_sort_key",
    "format_number",
    "group_name",
    "map_sites",
    "number_services",
    "primary_working_group",
    "relevant_service_ids",
    "service_entries",
    "services_for_obce",
]

register({
    "print.area.whole": {"cs": "celé území {name}", "en": "the whole of {name}"},
    "print.area.more": {"cs": "a {n} obcí mimo území", "en": "and {n} obce outside the area"},
    "print.tg.other": {"cs": "Ostatní cílové skupiny", "en": "Other target groups"},
})

#: Columns of :func:`service_entries`.
ENTRY_COLUMNS: tuple[str, ...] = (
    "service_id", "number", "name", "provider", "kind_id", "kind_label", "kind_name", "working_group",
    "working_groups", "target_group", "target_group_names", "forms", "main_form", "secret", "phone",
    "email", "web", "hours", "description", "capacity_text", "area_codes", "area_text", "addresses",
    "site_obce", "site_obec_names", "located", "fictional",
)


# ---------------------------------------------------------------------------------------------
# Czech alphabetical order
# ---------------------------------------------------------------------------------------------
_PRIMARY = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m", "n", "o", "p",
            "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_PRIMARY_RANK = {ch: i for i, ch in enumerate(_PRIMARY)}
_SECONDARY_BASE = {"á": "a", "ä": "a", "ď": "d", "é": "e", "ě": "e", "ë": "e", "í": "i", "ň": "n",
                   "ó": "o", "ö": "o", "ô": "o", "ť": "t", "ú": "u", "ů": "u", "ü": "u", "ý": "y",
                   "ĺ": "l", "ľ": "l", "ŕ": "r"}


def czech_sort_key(text: object) -> tuple:
    """A sort key that orders strings as Czech dictionaries do (ČSN 97 6030, simplified).

    ``č ř š ž`` and ``ch`` are letters of their own (``ch`` after ``h``); other accents
    (``á é ě í ó ú ů ý ď ť ň``) only break ties; case breaks remaining ties; digits come
    before letters; spaces sort before any letter.
    """
    s = unicodedata.normalize("NFC", str(text))
    low = s.lower()
    primary: list[int] = []
    secondary: list[int] = []
    i = 0
    while i < len(low):
        ch = low[i]
        if ch == "c" and i + 1 < len(low) and low[i + 1] == "h":
            primary.append(100 + _PRIMARY_RANK["ch"])
            secondary.append(0)
            i += 2
            continue
        if ch in _PRIMARY_RANK:
            primary.append(100 + _PRIMARY_RANK[ch])
            secondary.append(0)
        elif ch in _SECONDARY_BASE:
            primary.append(100 + _PRIMARY_RANK[_SECONDARY_BASE[ch]])
            secondary.append(1 + list(_SECONDARY_BASE).index(ch))
        elif ch.isdigit():
            primary.append(10 + int(ch))
            secondary.append(0)
        elif ch.isspace():
            primary.append(1)
            secondary.append(0)
        elif ch.isalpha():
            primary.append(200 + ord(ch))
            secondary.append(0)
        else:
            primary.append(2)
            secondary.append(ord(ch))
        i += 1
    tertiary = tuple(0 if c.islower() else 1 for c in s)
    return (tuple(primary), tuple(secondary), tertiary)


def format_number(value: float, lang: str = "cs") -> str:
    """A count for print: whole numbers without decimals, Czech decimal comma, thin thousands."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", "\u00a0")
    else:
        text = f"{value:,.1f}".replace(",", "\u00a0")
        if lang == "cs":
            text = text.replace(".", ",")
    return text


def group_name(group: str, lang: str = "cs", by: str = "working_group") -> str:
    """Display name of a working group (or of a target group when ``by="target_group"``)."""
    if by == "target_group":
        tg = TARGET_GROUPS.get(group)
        if tg is None:
            return t("print.tg.other", lang)
        name = tg.name_cs if lang == "cs" else tg.name_en
        return name[:1].upper() + name[1:]
    if group in WORKING_GROUPS:
        return WORKING_GROUPS[group][lang if lang in ("cs", "en") else "cs"]
    return t("print.wg.ostatni", lang)


# ---------------------------------------------------------------------------------------------
# Relevance and numbering
# ---------------------------------------------------------------------------------------------
def _codes(district: District | Iterable[str]) -> set[str]:
    if isinstance(district, District):
        return set(district.codes)
    return {str(c) for c in district}


def relevant_service_ids(services: Services, district: District | Iterable[str]) -> list[str]:
    """Ids of services with a site in the district or a service area reaching into it.

    Parameters
    ----------
    services : Services
    district : District or iterable of obec codes

    Returns
    -------
    list of str
        Service ids in the order of ``services.services``.
    """
    return services.serving_ids(_codes(district))


def primary_working_group(target_groups: Sequence[str], kind_working_groups: Sequence[str]) -> str:
    """Working group a service is filed under: from its first known target group, else from
    its kind's first working group, else ``"ostatni"``."""
    for tg in target_groups:
        code = resolve_target_group(tg)
        if code is not None:
            return TARGET_GROUPS[code].working_group
    for wg in kind_working_groups:
        if wg in WORKING_GROUPS:
            return wg
    return "ostatni"


def _primary_target_group(target_groups: Sequence[str]) -> str:
    for tg in target_groups:
        code = resolve_target_group(tg)
        if code is not None:
            return code
    return "ostatni"


def number_services(services: Services, district: District | Iterable[str]) -> pd.Series:
    """Stable print numbers (1, 2, …) of the services relevant to a district.

    Order: primary working group, kind (codelist order), name (Czech order), ``service_id``.
    The map, the atlas and the catalogue all use these numbers.

    Returns
    -------
    Series
        ``int`` numbers indexed by ``service_id``.
    """
    ids = relevant_service_ids(services, district)
    sv = services.services.set_index("service_id").loc[ids] if ids else services.services.set_index("service_id").iloc[0:0]
    kind_rank = {k.id: i for i, k in enumerate(services.kinds)}
    rows = []
    for sid, row in sv.iterrows():
        kind = services.kinds.get(row["kind"])
        wg = primary_working_group(row["target_groups"], kind.working_groups if kind else ())
        rows.append((WORKING_GROUP_ORDER.index(wg), kind_rank.get(row["kind"], len(kind_rank)),
                     czech_sort_key(row["service_name"]), str(sid)))
    rows.sort()
    return pd.Series({r[3]: i + 1 for i, r in enumerate(rows)}, name="number", dtype=int)


# ---------------------------------------------------------------------------------------------
# Facts for cards and markers
# ---------------------------------------------------------------------------------------------
def _capacity_text(capacities: pd.DataFrame, lang: str) -> str:
    parts = []
    order = {f: i for i, f in enumerate(FORM_ORDER)}
    unit_order = {u: i for i, u in enumerate(CAPACITY_UNITS)}
    cap = capacities.assign(_f=capacities["form"].map(order), _u=capacities["unit"].map(unit_order))
    for row in cap.sort_values(["_f", "_u"]).itertuples():
        form = FORMS[row.form]
        unit = CAPACITY_UNITS[row.unit]
        parts.append(f"{form.name_cs if lang == 'cs' else form.name_en}: "
                     f"{format_number(float(row.capacity), lang)} {unit.short_cs if lang == 'cs' else unit.short_en}")
    return "; ".join(parts)


def service_entries(services: Services, district: District, lang: str = "cs") -> pd.DataFrame:
    """One row per service relevant to ``district``, with everything a card or marker shows.

    Only public data is read (:meth:`Services.public_sites`); see the module docstring.

    Parameters
    ----------
    services : Services
    district : District
    lang : {"cs", "en"}

    Returns
    -------
    DataFrame
        Columns :data:`ENTRY_COLUMNS`, sorted by ``number``.  ``forms`` is a tuple of form
        codes in :data:`~coverage_app.maps.style.FORM_ORDER`; ``main_form`` the first of
        them; ``secret`` is true when any site of the service has a secret address;
        ``addresses`` a tuple of printable addresses (site name — address, or "adresa
        neveřejná, volejte …"); ``site_obce`` the obec codes of *public* sites; ``located``
        whether any public site has a point; ``area_codes`` the district obce of the declared
        service area; ``working_groups`` every working group the service's target groups (or
        failing those its kind) belong to, primary first.
    """
    numbers = number_services(services, district)
    if numbers.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS})
    codes = district.codes
    code_set = set(codes)
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    sv = services.services.set_index("service_id")
    sites = services.public_sites(lang)
    sites = sites[sites["service_id"].isin(numbers.index)]
    empty_sites = sites.iloc[0:0]
    sites_of = {sid: grp for sid, grp in sites.groupby("service_id", sort=False)}
    caps = services.capacities
    caps_of = {sid: grp for sid, grp in caps.groupby("service_id", sort=False)}
    empty_caps = caps.iloc[0:0]
    rows = []
    for sid, number in numbers.items():
        srow = sv.loc[sid]
        kind = services.kinds.get(srow["kind"])
        kind_wgs = kind.working_groups if kind else ()
        wg = primary_working_group(srow["target_groups"], kind_wgs)
        wgs = [wg]
        for tg in srow["target_groups"]:
            code = resolve_target_group(tg)
            if code is not None and TARGET_GROUPS[code].working_group not in wgs:
                wgs.append(TARGET_GROUPS[code].working_group)
        if len(wgs) == 1 and not any(resolve_target_group(tg) for tg in srow["target_groups"]):
            wgs += [g for g in kind_wgs if g not in wgs]
        tg_names = []
        for tg in srow["target_groups"]:
            code = resolve_target_group(tg)
            tg_names.append((TARGET_GROUPS[code].name_cs if lang == "cs" else TARGET_GROUPS[code].name_en)
                            if code else str(tg))
        st = sites_of.get(sid, empty_sites)
        cp = caps_of.get(sid, empty_caps)
        forms = tuple(f for f in FORM_ORDER if f in set(st["form"]) | set(cp["form"]))
        secret = bool(st["secret_address"].any())
        public = st[~st["secret_address"].astype(bool)]
        addresses: list[str] = []
        seen: set[str] = set()
        for r in st.drop_duplicates("site_id").itertuples():
            if r.secret_address:
                text = str(r.address_text)
            else:
                site_name = str(r.site_name or "")
                addr = str(r.address_text or "")
                text = f"{site_name} – {addr}" if site_name and site_name != srow["service_name"] and addr else addr or site_name
            if text and text not in seen:
                seen.add(text)
                addresses.append(text)
        area = tuple(c for c in srow["service_area"] if c in code_set)
        outside = [c for c in srow["service_area"] if c not in code_set]
        if area and set(area) == code_set:
            area_text = t("print.area.whole", lang, name=district.name or "")
        elif area:
            area_text = ", ".join(sorted((names.get(c, c) for c in area), key=czech_sort_key))
        else:
            area_text = ""
        if outside and area_text:
            area_text += " " + t("print.area.more", lang, n=len(set(outside)))
        kind_label = kind.label(lang) if kind else str(srow["kind"])
        kind_name = (kind.name_cs if lang == "cs" else kind.name_en) if kind else str(srow["kind"])
        site_obce = tuple(dict.fromkeys(public["kod_obce"]))
        site_obec_names = tuple(dict.fromkeys(str(n) for n in public["obec_name"] if str(n)))
        rows.append({
            "service_id": sid,
            "number": int(number),
            "name": str(srow["service_name"]),
            "provider": str(srow["provider_name"]),
            "kind_id": str(srow["kind"]),
            "kind_label": kind_label,
            "kind_name": kind_name,
            "working_group": wg,
            "working_groups": tuple(wgs),
            "target_group": _primary_target_group(srow["target_groups"]),
            "target_group_names": tuple(tg_names),
            "forms": forms,
            "main_form": forms[0] if forms else "amb",
            "secret": secret,
            "phone": str(srow["phone"]),
            "email": str(srow["email"]),
            "web": str(srow["web"]),
            "hours": str(srow["hours"]),
            "description": str(srow["description"]),
            "capacity_text": _capacity_text(cp, lang),
            "area_codes": area,
            "area_text": area_text,
            "addresses": tuple(addresses),
            "site_obce": site_obce,
            "site_obec_names": site_obec_names,
            "located": bool(any(g is not None and not g.is_empty for g in public.geometry)),
            "fictional": bool(srow["fictional"]),
        })
    out = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS))
    return out.sort_values("number").reset_index(drop=True)


def map_sites(services: Services, entries: pd.DataFrame, lang: str = "cs") -> gpd.GeoDataFrame:
    """Public, located sites of the numbered services: one row per service × site.

    Sites with a secret address and sites without a point are left out.  ``main_form`` is
    the first form offered at that site in :data:`~coverage_app.maps.style.FORM_ORDER`.

    Returns
    -------
    GeoDataFrame
        ``service_id``, ``site_id``, ``number``, ``kod_obce``, ``obec_name``, ``main_form``,
        ``forms``, ``approximate`` (placed at the obec's point for want of an address or
        coordinates), ``geometry`` (EPSG:5514 points).
    """
    cols = ["service_id", "site_id", "number", "kod_obce", "obec_name", "main_form", "forms", "approximate"]
    if entries.empty:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    num = dict(zip(entries["service_id"], entries["number"]))
    sites = services.public_sites(lang)
    sites = sites[sites["service_id"].isin(num) & ~sites["secret_address"].astype(bool)]
    sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    rows = []
    for (sid, site_id), grp in sites.groupby(["service_id", "site_id"], sort=False):
        forms = tuple(f for f in FORM_ORDER if f in set(grp["form"]))
        first = grp.iloc[0]
        rows.append({"service_id": sid, "site_id": site_id, "number": int(num[sid]), "kod_obce": first["kod_obce"],
                     "obec_name": first["obec_name"], "main_form": forms[0] if forms else "amb", "forms": forms,
                     "approximate": str(first.get("location_method", "")) == "obec_point",
                     "geometry": first.geometry})
    if not rows:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    return out.sort_values(["number", "site_id"]).reset_index(drop=True)


def services_for_obce(entries: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """Entries relevant to some obce: a public site in them, or a service area naming them.

    A service whose sites are all secret and that declares no service area is relevant to
    every part of the district (its obec must not be revealed by where it is listed).
    """
    codes = {str(c) for c in codes}
    keep = []
    for r in entries.itertuples():
        hit = bool(codes.intersection(r.site_obce)) or bool(codes.intersection(r.area_codes))
        if not hit and r.secret and not r.site_obce and not r.area_codes:
            hit = True
        keep.append(hit)
    return entries[np.array(keep, dtype=bool)] if len(entries) else entries
