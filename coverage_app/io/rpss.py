"""The MPSV registry of social-service providers (open data ``rpss.json``) and its codelists.

``rpss.json`` holds one item per registered service under the root key ``polozky``.  An item
has no coordinates and no name of its own; what this reader takes from it:

=================================  ==========================================================
registry key                       model field
=================================  ==========================================================
``identifikator`` (else ``id``)    ``service_id``
``druhSocialniSluzby.id``          ``kind`` (``DruhSocialniSluzby/N``)
``poskytovatel.nazev`` / ``ico``   ``provider_name`` / ``provider_ico`` (8 digits)
``emaily``/``telefony``/``weby``   ``email``/``phone``/``web`` — every entry joined with
                                   ", "; the provider's when the service gives none
``ciloveSkupiny[].cilovaSkupina``  ``target_groups`` (our code where known, else the
                                   registry's name, else its id)
``datumPoskytovaniOd``/``Do``      ``valid_from``/``valid_to``
``formy[].forma.id``               forms; ``formy[].kapacity[]`` (``pocet``, ``typ.id``) →
                                   ``capacities`` per service × form × unit
``zarizeni[]``                     sites (name, address, ``utajenaAdresa``, ``poskytujeOd/Do``)
``rozsirenePusobnostiVKraji``      ``registry_kraje`` (extra column, see below)
=================================  ==========================================================

Design decisions
----------------
* **Sites × forms.** The registry does not say which form is provided at which facility, so
  every site of a service gets every form of the service (one site row per site × form).
  Capacity stays per service × form (``capacities``), so a service with several sites is never
  counted more than once.  Facilities repeated with the same name, address code and dates are
  read once; facilities at the same address code become one site (their names joined).
* **Service name.** The open data carries no name of the service; the name of its first active
  facility is used (else "kind – provider").
* **Secret addresses.** A facility with ``utajenaAdresa`` keeps only its obec (code and name):
  street, house numbers, postcode and the RÚIAN address code are never stored, so no later
  export, project file or careless use of :attr:`Services.sites` can leak them.  The site is
  placed at its obec's point (enough for obec-level coverage) and flagged ``secret_address``;
  :meth:`Services.public_sites` removes even that from public outputs.  In the open data such
  facilities often have no address at all; they then stay unplaced.
* **Personal data.** Only named keys are read: never ``poskytovatel.statutarniOrgany`` nor
  names of facility heads; nothing is searched as free text.
* **Service area.** The open registry has no list of obce a field service reaches, so
  ``service_area`` stays empty (kraje collect it; it comes through the template).
  ``rozsirenePusobnostiVKraji`` ("extended scope in kraje") lists the *kraje* (ids
  ``Kraj/N``, RÚIAN VÚSC codes) in which the registered service also operates beyond the kraj
  of its registration — kraj level only, too coarse to be a service area; it is kept as the
  tuple ``registry_kraje`` for information.
* **Unknown kinds.** With the registry codelist ``druhy-socialni-sluzby.json`` every registry
  kind is known (:meth:`KindCatalog.apply_registry_codelist` adds the missing ones).  Without
  it, a kind the built-in list does not know makes the reader refuse the file with a problem
  that names the kind and says to load the codelist (never a crash, never a silent loss);
  ``unknown_kinds="skip"`` leaves such services out with a warning each instead.
* **Size.** The national file (> 30 MB, ~100 MB in 2026) is decoded item by item from a
  buffered stream; filters (``obce``, ``kraje``, ``only_kinds``, ``active_on``) are applied
  to each item as it is read, so only the kept services are ever converted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from coverage_app.codelists import (
    PLAUSIBLE_CAPACITY,
    KindCatalog,
    normalize_text,
    parse_form,
    parse_unit,
    resolve_target_group,
)
from coverage_app.errors import DataError, Report
from coverage_app.i18n import register, t
from coverage_app.io.rpss_stream import iter_registry_items, json_text_problem
from coverage_app.model import CRS, Services

__all__ = [
    "CODELIST_FILES",
    "KRAJE",
    "RegistryCodelists",
    "iter_registry_items",
    "json_text_problem",
    "read_codelist",
    "read_codelist_items",
    "read_rpss",
]

register({
    "err.rpss_not_object": {
        "cs": "položka není objekt JSON",
        "en": "the item is not a JSON object",
    },
    "err.rpss_no_id": {
        "cs": "služba nemá identifikátor (identifikator ani id)",
        "en": "the service has no identifier (neither identifikator nor id)",
    },
    "err.rpss_duplicate_id": {
        "cs": "identifikátor služby {value} se opakuje (už u položky {first})",
        "en": "service identifier {value} is repeated (already at item {first})",
    },
    "warn.rpss_unknown_kind": {
        "cs": "druh služby „{value}“ není v číselníku druhů; služba byla vynechána "
              "(načtěte číselník druhy-socialni-sluzby.json z registru)",
        "en": 'kind "{value}" is not in the codelist of kinds; the service was left out '
              "(load the registry codelist druhy-socialni-sluzby.json)",
    },
    "err.rpss_unknown_kind": {
        "cs": "druh služby „{value}“ není v číselníku druhů (poprvé u položky {first}, celkem {count}×); "
              "načtěte číselník druhů registru (druhy-socialni-sluzby.json; v příkazech --registry-codelist, "
              "nebo jej uložte vedle rpss.json)",
        "en": 'kind "{value}" is not in the codelist of kinds (first at item {first}, {count}× in all); '
              'load the registry codelist of kinds (druhy-socialni-sluzby.json; --registry-codelist in the '
              'commands, or save it beside rpss.json)',
    },
    "warn.rpss_unknown_form": {
        "cs": "neznámá forma „{value}“; forma byla vynechána",
        "en": 'unknown form "{value}"; the form was left out',
    },
    "warn.rpss_unknown_unit": {
        "cs": "neznámý typ kapacity „{value}“; kapacita byla vynechána",
        "en": 'unknown capacity type "{value}"; the capacity was left out',
    },
    "warn.rpss_capacity_twice": {
        "cs": "forma {form} má kapacitu v jednotce {unit} uvedenou vícekrát ({values}); použito maximum",
        "en": "form {form} gives its capacity in unit {unit} several times ({values}); the maximum is used",
    },
    "warn.rpss_no_sites": {
        "cs": "služba nemá žádné platné zařízení (místo poskytování)",
        "en": "the service has no valid facility (site)",
    },
    "warn.rpss_no_forms": {
        "cs": "služba nemá uvedenou žádnou formu poskytování",
        "en": "the service gives no form of provision",
    },
    "err.rpss_bbox_needs_points": {
        "cs": "výběr podle obdélníku potřebuje adresní body RÚIAN nebo body obcí",
        "en": "selecting by a bounding box needs RÚIAN address points or obec points",
    },
    "label.rpss_source": {
        "cs": "MPSV, registr poskytovatelů sociálních služeb ({file})",
        "en": "MPSV, registry of social-service providers ({file})",
    },

})

#: Standard file names of the registry codelists (under ``…/od/soubory/ciselniky/``).
CODELIST_FILES: dict[str, str] = {
    "kinds": "druhy-socialni-sluzby.json",
    "target_groups": "cilove-skupiny-osoby.json",
    "forms": "formy-soc-sluzby.json",
    "obce": "obce.json",
}

#: The 14 kraje: RÚIAN VÚSC code → (NUTS 3 code, name).  Registry ids are ``Kraj/<VÚSC>``.
KRAJE: dict[str, tuple[str, str]] = {
    "19": ("CZ010", "Hlavní město Praha"),
    "27": ("CZ020", "Středočeský kraj"),
    "35": ("CZ031", "Jihočeský kraj"),
    "43": ("CZ032", "Plzeňský kraj"),
    "51": ("CZ041", "Karlovarský kraj"),
    "60": ("CZ042", "Ústecký kraj"),
    "78": ("CZ051", "Liberecký kraj"),
    "86": ("CZ052", "Královéhradecký kraj"),
    "94": ("CZ053", "Pardubický kraj"),
    "108": ("CZ063", "Kraj Vysočina"),
    "116": ("CZ064", "Jihomoravský kraj"),
    "124": ("CZ071", "Olomoucký kraj"),
    "141": ("CZ072", "Zlínský kraj"),
    "132": ("CZ080", "Moravskoslezský kraj"),
}

# ---------------------------------------------------------------------------------------------
# Codelists
# ---------------------------------------------------------------------------------------------
def _name_of(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("cs") or next((v for v in value.values() if v), "") or "").strip()
    return "" if value is None else str(value).strip()


def read_codelist_items(path: str | Path, display_name: str | None = None) -> list[dict[str, Any]]:
    """The ``polozky`` of a registry codelist (``{"id": …, "nazev": {"cs": …}, …}``), validated.

    Raises
    ------
    DataError
        Invalid JSON, no ``polozky``, an item that is not an object or has no ``id`` (item
        number as row, key as column).
    """
    name = display_name or Path(path).name
    report = Report()
    items: list[dict[str, Any]] = []
    for n, item in iter_registry_items(path, name):
        if not isinstance(item, Mapping):
            report.add(name, n, None, "err.rpss_not_object")
            continue
        if not item.get("id"):
            report.add(name, n, "id", "err.missing_value")
            continue
        items.append(dict(item))
    report.raise_if_errors()
    return items


def read_codelist(path: str | Path, display_name: str | None = None) -> dict[str, str]:
    """A registry codelist as ``{id: Czech name}`` (``nazev`` given as ``{"cs": …}`` or plain text)."""
    return {str(item["id"]): _name_of(item.get("nazev")) for item in read_codelist_items(path, display_name)}


@dataclass
class RegistryCodelists:
    """Registry codelists used while reading ``rpss.json`` (each optional).

    Attributes
    ----------
    kinds : list of dict
        Items of ``druhy-socialni-sluzby.json`` (applied to the kind catalog).
    target_groups : dict
        ``CilovaSkupinaOsoby/N`` → name (``cilove-skupiny-osoby.json``).
    forms : dict
        ``FormaSocialniSluzby/x`` → name (``formy-soc-sluzby.json``).
    obce : dict
        ``Obec/N`` → ``(obec code, name)`` (``obce.json``; codes taken from its ``kod``).
    """

    kinds: list[dict[str, Any]] = field(default_factory=list)
    target_groups: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)
    obce: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_dir(cls, folder: str | Path) -> "RegistryCodelists":
        """Read the codelists found in a folder under their standard names (:data:`CODELIST_FILES`)."""
        folder = Path(folder)
        return cls.from_paths(**{key: folder / fname for key, fname in CODELIST_FILES.items()
                                 if (folder / fname).exists()})

    @classmethod
    def from_paths(cls, kinds: str | Path | None = None, target_groups: str | Path | None = None,
                   forms: str | Path | None = None, obce: str | Path | None = None) -> "RegistryCodelists":
        """Read the given codelist files."""
        out = cls()
        if kinds is not None:
            out.kinds = read_codelist_items(kinds)
        if target_groups is not None:
            out.target_groups = read_codelist(target_groups)
        if forms is not None:
            out.forms = read_codelist(forms)
        if obce is not None:
            for item in read_codelist_items(obce):
                kod = str(item.get("kod") or _suffix(item["id"]))
                out.obce[str(item["id"])] = (kod, _name_of(item.get("nazev")))
        return out


def _suffix(value: object) -> str:
    text = str(value or "").strip()
    return text.rsplit("/", 1)[1] if "/" in text else text


def _kraj_code(value: object) -> str | None:
    """RÚIAN VÚSC code of a kraj given as ``Kraj/116``, ``116``, ``CZ064`` or its name."""
    text = str(value).strip()
    code = _suffix(text)
    if code in KRAJE:
        return code
    norm = normalize_text(text)
    for vusc, (nuts, kname) in KRAJE.items():
        if norm in (nuts.lower(), normalize_text(kname)):
            return vusc
    return None


# ---------------------------------------------------------------------------------------------
# Reading the registry
# ---------------------------------------------------------------------------------------------
def _ref(obj: Any, key: str) -> str:
    """``obj[key]["id"]`` as text ("" when absent)."""
    val = obj.get(key) if isinstance(obj, Mapping) else None
    if isinstance(val, Mapping):
        return str(val.get("id") or "").strip()
    return "" if val is None else str(val).strip()


def _date(value: Any, name: str, row: int, column: str, report: Report) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        report.add(name, row, column, "err.bad_date", value=value)
        return None


def _contacts(obj: Any, key: str, inner: str) -> list[str]:
    vals = obj.get(key) if isinstance(obj, Mapping) else None
    out: list[str] = []
    if isinstance(vals, list):
        for v in vals:
            text = v.get(inner) if isinstance(v, Mapping) else v
            text = "" if text is None else str(text).strip()
            if text and text not in out:
                out.append(text)
    elif isinstance(vals, str) and vals.strip():
        out.append(vals.strip())
    return out


def _active(start: dt.date | None, end: dt.date | None, day: dt.date | None) -> bool:
    if day is None:
        return True
    return (start is None or start <= day) and (end is None or end >= day)


def _kraje_in(value: Any) -> tuple[str, ...]:
    """Kraj codes (RÚIAN VÚSC) found in ``rozsirenePusobnostiVKraji``, whatever its nesting."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, Mapping):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and v.startswith("Kraj/"):
            code = _suffix(v)
            if code not in found:
                found.append(code)

    walk(value)
    return tuple(found)


@dataclass
class _Facility:
    name: str
    secret: bool
    address: Mapping[str, Any]
    key: tuple


def read_rpss(
    path: str | Path,
    codelists: RegistryCodelists | str | Path | None = None,
    *,
    kinds: KindCatalog | None = None,
    only_kinds: Iterable[str] | None = None,
    active_on: dt.date | str | None = None,
    bbox_5514: tuple[float, float, float, float] | None = None,
    obce: Iterable[str] | None = None,
    kraje: Iterable[str] | None = None,
    address_points: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
    snapshot: str | None = None,
    unknown_kinds: str = "error",
    display_name: str | None = None,
    warnings: Report | None = None,
) -> Services:
    """Read the MPSV registry ``rpss.json`` into :class:`~coverage_app.model.Services`.

    Parameters
    ----------
    path : path
        ``rpss.json`` (national or a subset in the same structure).
    codelists : RegistryCodelists or folder, optional
        Registry codelists (a folder is searched for the standard file names).  The kinds
        codelist is applied to the kind catalog first; target groups and obce give names.
    kinds : KindCatalog, optional
        Catalog to start from (default: the 34 kinds of the Act); a copy is extended.
    only_kinds : iterable of str, optional
        Keep only these kinds (registry ids, ``§ 49``, names…).
    active_on : date or ISO string, optional
        Keep only services (and facilities) provided on that day.
    bbox_5514 : (min_x, min_y, max_x, max_y), optional
        Keep services with a site inside this box (EPSG:5514 metres); needs ``address_points``
        and/or ``municipalities`` to place the sites.
    obce : iterable of str, optional
        Keep services with a facility in one of these obce (6-digit codes); a service whose
        facilities have no address is judged by its contact address.  Kept services keep all
        their sites (a site just outside the district still serves it).
    kraje : iterable of str, optional
        Keep services with a facility in one of these kraje (``Kraj/116``, ``116``, ``CZ064``
        or the name).
    address_points : DataFrame, optional
        RÚIAN address points (:func:`coverage_app.io.addresses.read_address_points`); when
        given (or ``municipalities``), sites are placed with
        :func:`coverage_app.locate.locate_sites`.
    municipalities : DataFrame, optional
        Obce with ``kod_obce``, ``x``, ``y`` (EPSG:5514) for sites without an address point.
    snapshot : str, optional
        Label of the data snapshot (default: the file's modification date).
    unknown_kinds : {"error", "skip"}
        What to do with services of a kind neither the catalog nor the kinds codelist knows:
        refuse the file with one problem per unknown kind (default), or leave those services
        out with a warning each.
    display_name : str, optional
        File name used in messages.
    warnings : Report, optional
        Receives warnings (left-out services of unknown kinds, services without sites…).

    Returns
    -------
    Services
        One service per kept registry item; sites = facilities × forms; capacities per
        service × form × unit.  ``services`` has an extra column ``registry_kraje``.

    Raises
    ------
    DataError
        Invalid JSON or structure, with the item number as row and the key as column.
    """
    path = Path(path)
    name = display_name or path.name
    report = Report()
    catalog = (kinds or KindCatalog()).copy()
    if codelists is not None and not isinstance(codelists, RegistryCodelists):
        codelists = RegistryCodelists.from_dir(codelists)
    cl = codelists or RegistryCodelists()
    if cl.kinds:
        catalog.apply_registry_codelist(cl.kinds)
    wanted_kinds: set[str] | None = None
    if only_kinds is not None:
        wanted_kinds = set()
        for k in only_kinds:
            kid = catalog.resolve(k)
            if kid is None:
                raise DataError.single("", None, None, "err.unknown_kind", value=k)
            wanted_kinds.add(kid)
    day = dt.date.fromisoformat(active_on) if isinstance(active_on, str) else active_on
    keep_obce = None if obce is None else {str(c).strip() for c in obce}
    keep_kraje = None
    if kraje is not None:
        keep_kraje = set()
        for k in kraje:
            code = _kraj_code(k)
            if code is None:
                raise DataError.single("", None, None, "err.bad_value", value=k,
                                       detail="kraj: Kraj/116, 116, CZ064 nebo název")
            keep_kraje.add(code)
    if bbox_5514 is not None and address_points is None and municipalities is None:
        raise DataError.single(name, None, None, "err.rpss_bbox_needs_points")

    if unknown_kinds not in ("error", "skip"):
        raise DataError.single("", None, None, "err.option", option="unknown_kinds", detail="error, skip")
    unknown: dict[str, list[int]] = {}
    services: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    caps: list[dict[str, Any]] = []
    first_item: dict[str, int] = {}
    source = t("label.rpss_source", "cs", file=name)
    for n, item in iter_registry_items(path, name):
        if not isinstance(item, Mapping):
            report.add(name, n, None, "err.rpss_not_object")
            continue
        kind_raw = _ref(item, "druhSocialniSluzby")
        kind = catalog.resolve(kind_raw) if kind_raw else None
        if wanted_kinds is not None and kind not in wanted_kinds:
            continue
        start = _date(item.get("datumPoskytovaniOd"), name, n, "datumPoskytovaniOd", report)
        end = _date(item.get("datumPoskytovaniDo"), name, n, "datumPoskytovaniDo", report)
        if start and end and end < start:
            report.add(name, n, "datumPoskytovaniDo", "err.date_order", start=start, end=end)
            continue
        if not _active(start, end, day):
            continue
        facilities = _facilities(item, day, name, n, report)
        if keep_obce is not None or keep_kraje is not None:
            if not _in_area(item, facilities, keep_obce, keep_kraje, cl):
                continue
        sid = str(item.get("identifikator") or item.get("id") or "").strip()
        if not sid:
            report.add(name, n, "identifikator", "err.rpss_no_id")
            continue
        if sid in first_item:
            report.add(name, n, "identifikator", "err.rpss_duplicate_id", value=sid, first=first_item[sid])
            continue
        first_item[sid] = n
        if not kind_raw:
            report.add(name, n, "druhSocialniSluzby", "err.missing_value")
            continue
        if kind is None:
            unknown.setdefault(kind_raw, []).append(n)
            if unknown_kinds == "skip" and warnings is not None:
                warnings.add(name, n, "druhSocialniSluzby", "warn.rpss_unknown_kind", severity="warning",
                             value=kind_raw)
            continue
        rec = _service_record(item, sid, kind, catalog, cl, start, end, facilities, source)
        forms = _forms(item, sid, name, n, warnings, caps)
        if not forms and warnings is not None:
            warnings.add(name, n, "formy", "warn.rpss_no_forms", severity="warning")
        site_rows = _site_rows(sid, facilities, forms, cl, n)
        if not facilities and warnings is not None:
            warnings.add(name, n, "zarizeni", "warn.rpss_no_sites", severity="warning")
        services.append(rec)
        sites.extend(site_rows)
    if unknown_kinds == "error":
        for kind_raw, items in unknown.items():
            report.add(name, items[0], "druhSocialniSluzby", "err.rpss_unknown_kind", value=kind_raw,
                       first=items[0], count=len(items))
    report.raise_if_errors()

    site_frame = pd.DataFrame(sites)
    if site_frame.empty:
        site_gdf = gpd.GeoDataFrame(site_frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    else:
        site_frame["geometry"] = None
        site_gdf = gpd.GeoDataFrame(site_frame, geometry="geometry", crs=CRS)
    if snapshot is None:
        snapshot = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    result = Services(
        services=pd.DataFrame(services),
        sites=site_gdf,
        capacities=pd.DataFrame(caps, columns=["service_id", "form", "unit", "capacity"]),
        kinds=catalog,
        snapshot=snapshot,
        source_files=(name,),
    )
    if address_points is not None or municipalities is not None:
        from coverage_app.locate import locate_sites

        obce_frame = municipalities if municipalities is not None else pd.DataFrame(
            {"kod_obce": pd.Series(dtype=str), "x": pd.Series(dtype=float), "y": pd.Series(dtype=float)})
        result = locate_sites(result, obce_frame, address_points, warnings=warnings)
    if bbox_5514 is not None:
        x0, y0, x1, y1 = bbox_5514
        st = result.sites
        inside = st.geometry.x.between(x0, x1) & st.geometry.y.between(y0, y1)
        result = result.filter(set(st.loc[inside.to_numpy(dtype=bool), "service_id"]))
    return result


def _facilities(item: Mapping[str, Any], day: dt.date | None, name: str, n: int,
                report: Report) -> list[_Facility]:
    out: list[_Facility] = []
    seen: set[tuple] = set()
    raw = item.get("zarizeni") or []
    if not isinstance(raw, list):
        report.add(name, n, "zarizeni", "err.bad_structure", detail="„zarizeni“ není seznam")
        return out
    for z in raw:
        if not isinstance(z, Mapping):
            report.add(name, n, "zarizeni", "err.bad_structure", detail="zařízení není objekt")
            continue
        start = _date(z.get("poskytujeOd"), name, n, "zarizeni.poskytujeOd", report)
        end = _date(z.get("poskytujeDo"), name, n, "zarizeni.poskytujeDo", report)
        if not _active(start, end, day):
            continue
        adr = z.get("adresa") if isinstance(z.get("adresa"), Mapping) else {}
        fname = str(z.get("nazev") or "").strip()
        key = (fname, adr.get("kodAdresnihoMista"), z.get("poskytujeOd"), z.get("poskytujeDo"))
        if key in seen:
            continue
        seen.add(key)
        out.append(_Facility(fname, bool(z.get("utajenaAdresa")), adr, key))
    return out


def _obec_of(address: Mapping[str, Any], cl: RegistryCodelists) -> tuple[str, str]:
    oid = _ref(address, "obec")
    if not oid:
        return "", ""
    if oid in cl.obce:
        return cl.obce[oid]
    return _suffix(oid), ""


def _in_area(item: Mapping[str, Any], facilities: list[_Facility], keep_obce: set[str] | None,
             keep_kraje: set[str] | None, cl: RegistryCodelists) -> bool:
    addresses = [f.address for f in facilities if f.address]
    if not addresses:
        contact = item.get("kontaktniAdresy") or []
        contact = contact if isinstance(contact, list) else [contact]
        for c in contact:
            if isinstance(c, Mapping):
                addresses.append(c.get("adresa") if isinstance(c.get("adresa"), Mapping) else c)
    for adr in addresses:
        if keep_obce is not None and _obec_of(adr, cl)[0] in keep_obce:
            return True
        if keep_kraje is not None and _suffix(_ref(adr, "kraj")) in keep_kraje:
            return True
    return False


def _service_record(item: Mapping[str, Any], sid: str, kind: str, catalog: KindCatalog, cl: RegistryCodelists,
                    start: dt.date | None, end: dt.date | None, facilities: list[_Facility],
                    source: str) -> dict[str, Any]:
    prov = item.get("poskytovatel") if isinstance(item.get("poskytovatel"), Mapping) else {}
    # only these keys of the provider are read: never its statutory bodies (personal data)
    provider_name = str(prov.get("nazev") or "").strip()
    ico = str(prov.get("ico") or "").strip()
    if ico.isdigit():
        ico = ico.zfill(8)
    emails = _contacts(item, "emaily", "email") or _contacts(prov, "emaily", "email")
    phones = _contacts(item, "telefony", "telefon") or _contacts(prov, "telefony", "telefon")
    webs = _contacts(item, "weby", "web") or _contacts(prov, "weby", "web")
    groups: list[str] = []
    for g in item.get("ciloveSkupiny") or []:
        gid = _ref(g, "cilovaSkupina") if isinstance(g, Mapping) else str(g)
        if not gid:
            continue
        gname = cl.target_groups.get(gid, "")
        code = resolve_target_group(gid) or (resolve_target_group(gname) if gname else None)
        val = code or gname or gid
        if val not in groups:
            groups.append(val)
    names = [f.name for f in facilities if f.name]
    k = catalog.get(kind)
    service_name = names[0] if names else f"{k.name_cs if k else kind} – {provider_name}".strip(" –")
    forms = item.get("formy") or []
    nonstop = bool(forms) and all(isinstance(f, Mapping) and f.get("nepretrzitePoskytovani") is True
                                  for f in forms)
    return {
        "service_id": sid,
        "service_name": service_name,
        "provider_name": provider_name,
        "provider_ico": ico,
        "kind": kind,
        "target_groups": tuple(groups),
        "service_area": (),
        "valid_from": start,
        "valid_to": end,
        "phone": ", ".join(phones),
        "email": ", ".join(emails),
        "web": ", ".join(webs),
        "hours": "nepřetržitě" if nonstop else "",
        "description": "",
        "fictional": False,
        "source": source,
        "registry_kraje": _kraje_in(item.get("rozsirenePusobnostiVKraji")),
    }


def _forms(item: Mapping[str, Any], sid: str, name: str, n: int, warnings: Report | None,
           caps: list[dict[str, Any]]) -> list[str]:
    """Forms of a service; its capacities (one per form × unit) are appended to ``caps``."""
    forms: list[str] = []
    raw = item.get("formy") or []
    if not isinstance(raw, list):
        return forms
    by_key: dict[tuple[str, str], list[float]] = {}
    for f in raw:
        if not isinstance(f, Mapping):
            continue
        fid = _ref(f, "forma")
        form = parse_form(fid)
        if form is None:
            if warnings is not None:
                warnings.add(name, n, "formy.forma", "warn.rpss_unknown_form", severity="warning", value=fid)
            continue
        if form not in forms:
            forms.append(form)
        for c in f.get("kapacity") or []:
            if not isinstance(c, Mapping):
                continue
            tid = _ref(c, "typ")
            unit = parse_unit(tid)
            if unit is None:
                if warnings is not None:
                    warnings.add(name, n, "formy.kapacity.typ", "warn.rpss_unknown_unit", severity="warning",
                                 value=tid)
                continue
            try:
                if isinstance(c.get("pocet"), bool):  # JSON true/false is no count
                    raise TypeError("bool")
                num = float(c.get("pocet"))
            except (TypeError, ValueError):
                if warnings is not None:
                    warnings.add(name, n, "formy.kapacity.pocet", "err.not_a_number", severity="warning",
                                 value=c.get("pocet"))
                continue
            if not math.isfinite(num) or num < 0:  # NaN, Infinity, −15: not a capacity
                if warnings is not None:
                    warnings.add(name, n, "formy.kapacity.pocet", "warn.rpss_bad_capacity", severity="warning",
                                 value=c.get("pocet"))
                continue
            if warnings is not None and num == 0:
                warnings.add(name, n, "formy.kapacity.pocet", "warn.capacity_zero", severity="warning")
            elif warnings is not None and num > PLAUSIBLE_CAPACITY.get(unit, math.inf):
                warnings.add(name, n, "formy.kapacity.pocet", "warn.capacity_implausible", severity="warning",
                             value=f"{num:g}", unit=unit, limit=f"{PLAUSIBLE_CAPACITY[unit]:g}")
            by_key.setdefault((form, unit), []).append(num)
    for (form, unit), values in by_key.items():
        if len(set(values)) > 1 and warnings is not None:
            warnings.add(name, n, "formy.kapacity", "warn.rpss_capacity_twice", severity="warning",
                         form=form, unit=unit, values=", ".join(f"{v:g}" for v in values))
        caps.append({"service_id": sid, "form": form, "unit": unit, "capacity": max(values)})
    return forms


def _site_rows(sid: str, facilities: list[_Facility], forms: list[str], cl: RegistryCodelists,
               n: int) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for f in facilities:
        adr = f.address
        kod_obce, obec_name = _obec_of(adr, cl) if adr else ("", "")
        code = adr.get("kodAdresnihoMista") if adr else None
        code = "" if code in (None, "") else str(code).strip()
        if f.secret:
            # keep the obec only: no street, numbers, postcode or address code
            street = house = orient = psc = code = ""
        else:
            street = str((adr.get("ulice") or {}).get("nazev") or "") if isinstance(adr.get("ulice"), Mapping) else ""
            house = "" if adr.get("cisloDomovni") in (None, "") else str(adr.get("cisloDomovni")).strip()
            orient = "" if adr.get("cisloOrientacni") in (None, "") else str(adr.get("cisloOrientacni")).strip()
            psc = str(adr.get("psc") or "").replace(" ", "")
        if code:
            site_id = f"{sid}:adm{code}"
        else:
            digest = hashlib.sha1("|".join([f.name, kod_obce, street, house, orient, str(f.secret)])
                                  .encode("utf-8")).hexdigest()[:8]
            site_id = f"{sid}:{digest}"
        if site_id in merged:
            prev = merged[site_id]
            if f.name and f.name not in prev["site_name"].split("; "):
                prev["site_name"] = f"{prev['site_name']}; {f.name}" if prev["site_name"] else f.name
            continue
        merged[site_id] = {
            "service_id": sid, "site_id": site_id, "site_name": f.name, "kod_obce": kod_obce,
            "obec_name": obec_name, "street": street, "house_number": house, "orientation_number": orient,
            "psc": psc, "address_code": code, "secret_address": f.secret, "location_method": "none",
            "source_row": n,
        }
    return [dict(site, form=form) for site in merged.values() for form in forms]
