"""The project's own service template (CSV or XLSX), its blank form and schema description.

One row per service × site × form (a service with two sites and two forms has four rows).
Capacity belongs to the service and form: every row of the same service and form repeats the
same capacity (or leaves it blank on all but one row); different values are refused.  Columns
are Czech (English aliases are accepted); see :data:`TEMPLATE_COLUMNS` and
``services_data/SCHEMA.md``.  Related services outside the Act use custom kinds, defined in a
sheet ``vlastni_druhy`` of the workbook or in a separate CSV (:func:`read_custom_kinds`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import (
    AGE_BANDS,
    PLAUSIBLE_CAPACITY,
    WORKING_GROUPS,
    KindCatalog,
    parse_form,
    parse_unit,
)
from coverage_app.errors import DataError, Report
from coverage_app.i18n import register
from coverage_app.io.municipalities import sjtsk_from_pair
from coverage_app.io.tables import Table, find_column, parse_number, read_table
from coverage_app.model import CRS, Services, in_czechia_5514, in_czechia_wgs84

__all__ = [
    "TEMPLATE_COLUMNS",
    "CUSTOM_KIND_COLUMNS",
    "TemplateColumn",
    "read_services",
    "read_custom_kinds",
    "write_services_template",
    "services_to_frame",
    "parse_bool",
    "parse_date",
    "is_service_area_table",
    "read_service_areas",
]


@dataclass(frozen=True)
class TemplateColumn:
    """A column of the service template."""

    name: str                 # Czech header
    field: str                # field of the model
    required: bool
    description_cs: str
    example: str
    aliases: tuple[str, ...] = ()


TEMPLATE_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("id_sluzby", "service_id", True, "Jednoznačný identifikátor služby (z registru, nebo vlastní). "
                   "Všechny řádky jedné služby mají stejné id.", "7583412", ("service_id", "identifikator", "mpsv_portal_id")),
    TemplateColumn("nazev_sluzby", "service_name", True, "Název služby.", "Pečovatelská služba Rajhrad",
                   ("service_name", "nazev")),
    TemplateColumn("poskytovatel", "provider_name", False, "Název poskytovatele.", "Město Rajhrad",
                   ("provider", "provider_name", "poskytovatel_nazev")),
    TemplateColumn("ico", "provider_ico", False, "IČO poskytovatele (8 číslic, jako text).", "00282537",
                   ("provider_ico", "poskytovatel_ico")),
    TemplateColumn("druh", "kind", True, "Druh služby: kód registru (DruhSocialniSluzby/4), paragraf (§ 40), "
                   "název (pečovatelská služba) nebo id vlastního druhu.", "DruhSocialniSluzby/4", ("kind", "druh_kod")),
    TemplateColumn("forma", "form", True, "Forma: pob (pobytová), amb (ambulantní), ter (terénní).", "ter",
                   ("form",)),
    TemplateColumn("kapacita", "capacity", False, "Registrovaná kapacita služby v dané formě (maximum, ne volná "
                   "místa). Patří službě a formě, ne místu: u všech míst stejná hodnota.", "40", ("capacity", "kapacita_pocet")),
    TemplateColumn("jednotka_kapacity", "capacity_unit", False, "Jednotka kapacity: luzka, klient, interv "
                   "(intervence 30 min), kontakt (10 min), hovor.", "klient", ("capacity_unit", "jednotka", "kapacita_typ")),
    TemplateColumn("id_mista", "site_id", False, "Identifikátor místa poskytování (nepovinný; jinak se odvodí "
                   "z adresy).", "rajhrad-1", ("site_id",)),
    TemplateColumn("nazev_mista", "site_name", False, "Název místa (zařízení).", "Dům s pečovatelskou službou",
                   ("site_name",)),
    TemplateColumn("kod_obce", "kod_obce", False, "Kód obce, kde místo leží (6 číslic). Bez něj, bez souřadnic "
                   "i bez kódu adresního místa nelze místo umístit: služba zůstane v katalogu, ale do dojezdů "
                   "nevstupuje.", "583669", ("obec_kod", "site_obec_code")),
    TemplateColumn("obec", "obec_name", False, "Název obce místa (pro čtení; páruje se kódem).", "Rajhrad",
                   ("obec_name", "nazev_obce")),
    TemplateColumn("ulice", "street", False, "Ulice.", "Masarykova", ("street",)),
    TemplateColumn("cislo_domovni", "house_number", False, "Číslo domovní (popisné).", "1", ("house_number",)),
    TemplateColumn("cislo_orientacni", "orientation_number", False, "Číslo orientační.", "", ("orientation_number",)),
    TemplateColumn("psc", "psc", False, "PSČ.", "66461", ("postcode",)),
    TemplateColumn("kod_adresniho_mista", "address_code", False, "Kód adresního místa RÚIAN "
                   "(kodAdresnihoMista); podle něj se místo umístí na mapu.", "", ("address_code", "kod_adm")),
    TemplateColumn("lat", "lat", False, "Zeměpisná šířka WGS 84 (nepovinné; přednost před adresou).", "",
                   ("latitude",)),
    TemplateColumn("lon", "lon", False, "Zeměpisná délka WGS 84.", "", ("longitude", "lng")),
    TemplateColumn("utajena_adresa", "secret_address", False, "ano = adresa je ze zákona utajená (např. azylový "
                   "dům pro oběti násilí). Pak se ulice, čísla, PSČ, kód adresního místa ani souřadnice vůbec "
                   "nenačtou: místo se počítá v bodě obce (kod_obce je povinný) a veřejně se ukáže jen "
                   "„adresa neveřejná“ s telefonem.", "ne", ("secret_address",)),
    TemplateColumn("uzemni_pusobnost", "service_area", False, "U terénních služeb: kódy obcí, kam služba "
                   "dojíždí, oddělené středníkem; lze uvést i ORP:6221 nebo POU:62211.", "583669;584282",
                   ("service_area",)),
    TemplateColumn("cilove_skupiny", "target_groups", False, "Cílové skupiny oddělené středníkem (kód nebo název "
                   "z číselníku registru).", "seniori;zdravotni_postizeni", ("target_groups",)),
    TemplateColumn("platnost_od", "valid_from", False, "Datum zahájení poskytování (RRRR-MM-DD).", "2015-01-01",
                   ("valid_from", "datum_poskytovani_od")),
    TemplateColumn("platnost_do", "valid_to", False, "Datum ukončení (prázdné = trvá).", "",
                   ("valid_to", "datum_poskytovani_do")),
    TemplateColumn("telefon", "phone", False, "Telefon služby.", "+420 547 000 000", ("phone",)),
    TemplateColumn("email", "email", False, "E-mail.", "", ("e-mail",)),
    TemplateColumn("web", "web", False, "Webová stránka.", "", ("www", "url")),
    TemplateColumn("provozni_doba", "hours", False, "Provozní doba, je-li známa.", "po–pá 7–15.30", ("hours",)),
    TemplateColumn("popis", "description", False, "Krátký popis pro katalog.", "", ("description",)),
    TemplateColumn("fiktivni", "fictional", False, "ano = smyšlená služba (ukázková data).", "ne", ("fictional",)),
)

#: Service-level fields that may differ between rows of one service (the first value is kept, with a warning).
_DESCRIPTIVE = frozenset({"service_name", "provider_name", "phone", "email", "web", "hours", "description"})

#: Free-text fields whose text beginning like a spreadsheet formula (``=``, ``+``, ``@``) is warned: the
#: outputs write it behind an apostrophe, so Excel shows ``=HYPERLINK(…)`` instead of running it.
#: Telephone numbers (``+420 …``) are not here.
_FORMULA_FIELDS = ("service_name", "provider_name", "site_name", "obec_name", "street", "description")
_FORMULA_START = ("=", "+", "@")
#: A web address the public outputs link to (others, e.g. ``javascript:``, are shown as text only).
_WEB = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+", re.IGNORECASE)

register({
    "warn.unknown_column": {"cs": "sloupec není ve šabloně a nepoužije se (překlep v názvu?)",
                            "en": "the column is not in the template and is not used (a typing error in its name?)"},
    "warn.web_not_link": {"cs": "webová adresa „{value}“ nezačíná http://, https:// ani www.; veřejná mapa ji ukáže "
                                "jen jako text, ne jako odkaz",
                          "en": "the web address \"{value}\" does not begin with http://, https:// or www.; the public "
                                "map shows it as text, not as a link"},
    "warn.formula": {
        "cs": "text začíná znakem „{char}“ jako vzorec tabulkového procesoru; ve výstupech (CSV, XLSX) se zapíše "
              "s\u00a0apostrofem, aby se nespustil — je to opravdu název?",
        "en": "the text begins with \"{char}\" like a spreadsheet formula; the outputs (CSV, XLSX) write it behind an "
              "apostrophe so that it never runs — is it really a name?"},
    "err.limit_not_positive": {"cs": "časový limit {value} min musí být větší než 0",
                               "en": "the time limit {value} min must be greater than 0"},
    "warn.unit_unusual": {
        "cs": "jednotka kapacity „{unit}“ není u\u00a0druhu „{kind}“ obvyklá (obvyklé: {usual}); ověřte ji",
        "en": "the capacity unit \"{unit}\" is unusual for the kind \"{kind}\" (usual: {usual}); check it"},
})

_SERVICE_LEVEL = ("service_name", "provider_name", "provider_ico", "kind", "target_groups", "service_area",
                  "valid_from", "valid_to", "phone", "email", "web", "hours", "description", "fictional")

#: Columns of a custom-kinds table (sheet ``vlastni_druhy`` or a CSV).
CUSTOM_KIND_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn("id", "id", True, "Identifikátor vlastního druhu (nesmí začínat DruhSocialniSluzby/).",
                   "skola", ()),
    TemplateColumn("nazev", "name_cs", True, "Název česky.", "základní škola", ("name", "nazev_cs")),
    TemplateColumn("nazev_en", "name_en", False, "Název anglicky.", "primary school", ("name_en",)),
    TemplateColumn("formy", "forms", False, "Obvyklé formy oddělené středníkem (pob;amb;ter).", "amb", ("forms",)),
    TemplateColumn("jednotky", "units", False, "Jednotky kapacity oddělené středníkem.", "klient", ("units",)),
    TemplateColumn("vekova_skupina", "target_band", False, "Cílová věková skupina: " + ", ".join(AGE_BANDS) + ".",
                   "5_24", ("target_band",)),
    TemplateColumn("pracovni_skupiny", "working_groups", False, "Pracovní skupiny: " + ", ".join(WORKING_GROUPS)
                   + " (oddělené středníkem).", "rodiny", ("working_groups",)),
    TemplateColumn("uroven", "access_level", False, "Úroveň dostupnosti: mistni, orp, kraj, cr (výchozí mistni).",
                   "mistni", ("uroven_dostupnosti", "level")),
    TemplateColumn("zpusob", "access_modes", False, "Způsob dostupnosti: travel (klient dojíždí), field (služba "
                   "přijede), remote (na dálku); více oddělených středníkem (výchozí podle forem).", "travel",
                   ("mode", "zpusob_dostupnosti")),
    TemplateColumn("limit_min", "access_limit", False, "Časový limit dojezdu v minutách (výchozí 30).", "30",
                   ("limit",)),
)

_TRUE = {"ano", "a", "yes", "y", "true", "1", "pravda", "x"}
_FALSE = {"ne", "n", "no", "false", "0", "nepravda", ""}


def parse_bool(value: str) -> bool:
    """``ano``/``ne`` (also yes/no, 1/0, true/false); raise ``ValueError`` otherwise."""
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


_CZ_DATE = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")


def parse_date(value: str) -> dt.date | None:
    """``2024-05-01``, ``2024-05-01T00:00:00`` or ``1. 5. 2024``; ``None`` for blank."""
    text = str(value).strip()
    if not text:
        return None
    m = _CZ_DATE.match(text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return dt.date.fromisoformat(text[:10])


def _columns_map(table: Table, spec: tuple[TemplateColumn, ...], report: Report) -> dict[str, str]:
    cols = list(table.frame.columns)
    found: dict[str, str] = {}
    for col in spec:
        hit = find_column(cols, (col.name, col.field) + col.aliases)
        if hit is not None:
            found[col.field] = hit
        elif col.required:
            report.add(table.file, 1, col.name, "err.missing_column", column=col.name)
    return found


def read_custom_kinds(path: str | Path, kinds: KindCatalog | None = None, *, sheet: str | int = 0,
                      display_name: str | None = None) -> KindCatalog:
    """Read custom kinds (related services) into a copy of ``kinds`` (default: the 34 kinds)."""
    table = read_table(path, sheet=sheet, display_name=display_name)
    return _custom_kinds_from_table(table, kinds)


def _custom_kinds_from_table(table: Table, kinds: KindCatalog | None) -> KindCatalog:
    catalog = (kinds or KindCatalog()).copy()
    report = Report()
    cols = _columns_map(table, CUSTOM_KIND_COLUMNS, report)
    report.raise_if_errors()
    df = table.frame
    for i, row_no in enumerate(table.rows):
        def cell(field: str) -> str:
            return str(df.iloc[i][cols[field]]).strip() if field in cols else ""

        kid = cell("id")
        if not kid:
            report.add(table.file, row_no, cols["id"], "err.missing_value")
            continue
        forms = [f for f in re.split(r"[;,\s]+", cell("forms")) if f] or ["amb"]
        bad = [f for f in forms if parse_form(f) is None]
        for f in bad:
            report.add(table.file, row_no, cols.get("forms"), "err.unknown_form", value=f)
        units = [u for u in re.split(r"[;,\s]+", cell("units")) if u] or ["klient"]
        for u in units:
            if parse_unit(u) is None:
                report.add(table.file, row_no, cols.get("units"), "err.unknown_unit", value=u)
        band = cell("target_band") or "total"
        if band not in AGE_BANDS:
            report.add(table.file, row_no, cols.get("target_band"), "err.bad_value", value=band,
                       detail=", ".join(AGE_BANDS))
            continue
        wgs = [w for w in re.split(r"[;,\s]+", cell("working_groups")) if w]
        for w in wgs:
            if w not in WORKING_GROUPS:
                report.add(table.file, row_no, cols.get("working_groups"), "err.bad_value", value=w,
                           detail=", ".join(WORKING_GROUPS))
        if bad or kid.startswith("DruhSocialniSluzby/") or (kid in catalog and not catalog[kid].custom):
            if not bad:
                report.add(table.file, row_no, cols["id"], "err.bad_value", value=kid,
                           detail="id patří druhu podle zákona / belongs to a kind of the Act")
            continue
        access = _custom_access(table, row_no, cols, cell, [parse_form(f) for f in forms], report)
        catalog.add_custom(kid, cell("name_cs") or kid, cell("name_en") or None,
                           forms=[parse_form(f) for f in forms], units=[parse_unit(u) or u for u in units],
                           target_band=band, working_groups=[w for w in wgs if w in WORKING_GROUPS], access=access)
    report.raise_if_errors()
    return catalog


def _custom_access(table: Table, row_no: int, cols: dict, cell, forms: list[str], report: Report):
    """The access rule of a custom kind from its optional columns (``None`` = default)."""
    from coverage_app.codelists import (
        ACCESS_LEVELS,
        ACCESS_MODES,
        AccessRule,
        parse_access_level,
        parse_access_mode,
    )

    level_raw, modes_raw, limit_raw = cell("access_level"), cell("access_modes"), cell("access_limit")
    if not (level_raw or modes_raw or limit_raw):
        return None
    level = parse_access_level(level_raw) if level_raw else "mistni"
    if level is None:
        report.add(table.file, row_no, cols.get("access_level"), "err.bad_value", value=level_raw,
                   detail=", ".join(ACCESS_LEVELS))
        return None
    modes = [parse_access_mode(m) for m in re.split(r"[;,\s]+", modes_raw) if m] if modes_raw else list(
        dict.fromkeys({"amb": "travel", "pob": "travel", "ter": "field"}[f] for f in forms if f))
    if any(m is None for m in modes):
        report.add(table.file, row_no, cols.get("access_modes"), "err.bad_value", value=modes_raw,
                   detail=", ".join(ACCESS_MODES))
        return None
    limit = 30.0
    if limit_raw:
        try:
            value = parse_number(limit_raw)
        except ValueError:
            value = None
        if value is None:
            report.add(table.file, row_no, cols.get("access_limit"), "err.not_a_number", value=limit_raw)
            return None
        if not value > 0:
            report.add(table.file, row_no, cols.get("access_limit"), "err.limit_not_positive", value=limit_raw)
            return None
        limit = float(value)
    return AccessRule(level, tuple((m, float("nan") if m == "remote" else limit) for m in modes or ["travel"]),
                      source=table.file)


def read_services(
    path: str | Path,
    *,
    kinds: KindCatalog | None = None,
    sheet: str | int = 0,
    display_name: str | None = None,
    warnings: Report | None = None,
) -> Services:
    """Read the service template (CSV or XLSX) into :class:`~coverage_app.model.Services`.

    Sites get a point when the row gives coordinates (``lat``/``lon`` in WGS 84, or ``x``/``y``
    in S-JTSK); the others are placed later by :func:`coverage_app.locate.locate_sites` (RÚIAN
    address point by ``kod_adresniho_mista``, else the obec's point, flagged).

    Parameters
    ----------
    path : path
        ``.csv`` or ``.xlsx``; a workbook's sheet ``vlastni_druhy`` defines custom kinds.
    kinds : KindCatalog, optional
        Kinds allowed (default: the 34 kinds of the Act); custom kinds are added to a copy.
    warnings : Report, optional
        Receives warnings (e.g. a service without capacity).

    Raises
    ------
    DataError
        With every problem found, each naming file, row and column (Czech message).
    """
    path = Path(path)
    name = display_name or path.name
    catalog = (kinds or KindCatalog()).copy()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            sheets = wb.sheetnames
            wb.close()
        except Exception as exc:
            raise DataError.single(name, None, None, "err.unreadable", detail=str(exc)) from None
        if "vlastni_druhy" in sheets:
            catalog = _custom_kinds_from_table(
                read_table(path, sheet="vlastni_druhy", display_name=f"{name} [vlastni_druhy]"), catalog)
        if isinstance(sheet, int) and sheets and sheets[sheet] == "vlastni_druhy":
            sheet = next(s for s in sheets if s != "vlastni_druhy")
    table = read_table(path, sheet=sheet, display_name=name)
    return services_from_table(table, catalog, source=name, warnings=warnings)


def services_from_table(table: Table, kinds: KindCatalog, *, source: str = "",
                        warnings: Report | None = None) -> Services:
    """Validate template rows (see :func:`read_services`) and build the three tables."""
    report = Report()
    cols = _columns_map(table, TEMPLATE_COLUMNS, report)
    xcol = find_column(list(table.frame.columns), ("x", "x_sjtsk", "souradnice_x"))
    ycol = find_column(list(table.frame.columns), ("y", "y_sjtsk", "souradnice_y"))
    report.raise_if_errors()
    df = table.frame
    f = table.file
    if warnings is not None:  # a column the tool does not know is not read: said once, not lost silently
        used = set(cols.values()) | {xcol, ycol}
        for c in df.columns:
            if c and c not in used and not str(c).startswith("Unnamed"):
                warnings.add(f, 1, str(c), "warn.unknown_column", severity="warning")

    values = {c: [str(v) for v in df[c].tolist()] for c in df.columns}  # cells by column: no Series per look-up

    def cell(i: int, field: str) -> str:
        return values[cols[field]][i].strip() if field in cols else ""

    services: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    sites: list[dict] = []
    caps: dict[tuple[str, str, str], tuple[float, int]] = {}
    site_keys: dict[tuple[str, str], str] = {}
    kept_site_forms: set[tuple[str, str]] = set()
    n_of: dict[str, int] = {}
    seen_site_form: dict[tuple[str, str], int] = {}
    for i, row in enumerate(table.rows):
        sid = cell(i, "service_id")
        if not sid:
            report.add(f, row, cols["service_id"], "err.missing_value")
            continue
        rec: dict[str, object] = {"service_id": sid}
        rec["service_name"] = cell(i, "service_name")
        if not rec["service_name"]:
            report.add(f, row, cols["service_name"], "err.missing_value")
        for fld in ("provider_name", "provider_ico", "phone", "email", "web", "hours", "description"):
            rec[fld] = cell(i, fld)
        if rec["web"] and not _WEB.fullmatch(rec["web"]) and warnings is not None:
            warnings.add(f, row, cols.get("web"), "warn.web_not_link", severity="warning", value=rec["web"][:80])
        for fld in _FORMULA_FIELDS:
            text = cell(i, fld)
            if text.startswith(_FORMULA_START) and warnings is not None:
                warnings.add(f, row, cols.get(fld), "warn.formula", severity="warning", char=text[0])
        if rec["provider_ico"].isdigit() and len(rec["provider_ico"]) < 8:
            rec["provider_ico"] = rec["provider_ico"].zfill(8)  # a spreadsheet drops leading zeros
        raw_kind = cell(i, "kind")
        kind = kinds.resolve(raw_kind)
        if not raw_kind:
            report.add(f, row, cols["kind"], "err.missing_value")
        elif kind is None:
            report.add(f, row, cols["kind"], "err.unknown_kind", value=raw_kind)
        rec["kind"] = kind or ""
        raw_form = cell(i, "form")
        form = parse_form(raw_form)
        if form is None:
            report.add(f, row, cols["form"], "err.missing_value" if not raw_form else "err.unknown_form",
                       value=raw_form)
        rec["target_groups"] = tuple(p.strip() for p in re.split(r"[;,]", cell(i, "target_groups")) if p.strip())
        area = tuple(p.strip() for p in re.split(r"[;,\s]+", cell(i, "service_area")) if p.strip())
        for token in area:
            if not (re.fullmatch(r"\d{6}", token) or re.fullmatch(r"(?i)(ORP|POU|POÚ):\d+", token)):
                report.add(f, row, cols.get("service_area"), "err.bad_obec_code", value=token)
        rec["service_area"] = area
        for fld in ("valid_from", "valid_to"):
            try:
                rec[fld] = parse_date(cell(i, fld))
            except ValueError:
                report.add(f, row, cols.get(fld), "err.bad_date", value=cell(i, fld))
                rec[fld] = None
        if rec["valid_from"] and rec["valid_to"] and rec["valid_to"] < rec["valid_from"]:
            report.add(f, row, cols.get("valid_to"), "err.date_order", start=rec["valid_from"], end=rec["valid_to"])
        try:
            rec["fictional"] = parse_bool(cell(i, "fictional"))
        except ValueError:
            report.add(f, row, cols.get("fictional"), "err.bad_bool", value=cell(i, "fictional"))
            rec["fictional"] = False
        # service-level consistency across rows
        if sid in services:
            prev = services[sid]
            for fld in _SERVICE_LEVEL:
                a, b = prev.get(fld), rec.get(fld)
                if fld in ("target_groups", "service_area"):
                    if b and a and set(a) != set(b):
                        report.add(f, row, cols.get(fld), "err.service_conflict", service=sid,
                                   column=cols.get(fld, fld), a=";".join(a), b=";".join(b))
                    elif b and not a:
                        prev[fld] = b
                    continue
                if b in ("", None) or a == b:
                    continue
                if a in ("", None):
                    prev[fld] = b
                    continue
                if fld in _DESCRIPTIVE:
                    # registry exports name a service after each facility: keep the first, say so
                    if warnings is not None:
                        warnings.add(f, row, cols.get(fld), "warn.service_conflict", severity="warning",
                                     service=sid, column=cols.get(fld, fld), a=a, b=b)
                    continue
                report.add(f, row, cols.get(fld), "err.service_conflict", service=sid,
                           column=cols.get(fld, fld), a=a, b=b)
        else:
            services[sid] = rec
            first_row[sid] = row
        # capacity of service × form × unit
        raw_cap = cell(i, "capacity")
        raw_unit = cell(i, "capacity_unit")
        cap = None
        if raw_cap:
            try:
                cap = parse_number(raw_cap)
            except ValueError:
                report.add(f, row, cols["capacity"], "err.not_a_number", value=raw_cap)
            if cap is not None and cap < 0:
                report.add(f, row, cols["capacity"], "err.negative", value=raw_cap)
                cap = None
            elif cap is not None and warnings is not None:
                limit = PLAUSIBLE_CAPACITY.get(parse_unit(cell(i, "capacity_unit")) or "", float("inf"))
                if cap == 0:
                    warnings.add(f, row, cols["capacity"], "warn.capacity_zero", severity="warning")
                elif cap > limit:
                    warnings.add(f, row, cols["capacity"], "warn.capacity_implausible", severity="warning",
                                 value=raw_cap, unit=cell(i, "capacity_unit"), limit=f"{limit:g}")
        unit = parse_unit(raw_unit) if raw_unit else None
        if raw_unit and unit is None:
            report.add(f, row, cols.get("capacity_unit"), "err.unknown_unit", value=raw_unit)
        if cap is not None and not raw_unit:
            report.add(f, row, cols.get("capacity_unit", "jednotka_kapacity"), "err.capacity_without_unit")
        if cap is not None and unit and form:
            key = (sid, form, unit)
            if key not in caps and kind and warnings is not None:
                _warn_unusual_unit(kinds, kind, unit, f, row, cols.get("capacity_unit"), warnings)
            if key in caps and caps[key][0] != cap:
                report.add(f, row, cols["capacity"], "err.capacity_conflict", service=sid, form=form, unit=unit,
                           a=_fmt(caps[key][0]), b=_fmt(cap))
            caps.setdefault(key, (cap, row))
        # site and its location
        site: dict[str, object] = {"service_id": sid, "form": form or ""}
        for fld in ("site_name", "obec_name", "street", "house_number", "orientation_number", "psc", "address_code"):
            site[fld] = cell(i, fld)
        kod = cell(i, "kod_obce")
        if kod and not re.fullmatch(r"\d{6}", kod):
            report.add(f, row, cols.get("kod_obce"), "err.bad_obec_code", value=kod)
        site["kod_obce"] = kod
        if site["address_code"] and not re.fullmatch(r"\d{1,10}", str(site["address_code"])):
            report.add(f, row, cols.get("address_code"), "err.bad_value", value=site["address_code"],
                       detail="kód adresního místa je číslo / the address code is a number")
        try:
            secret = parse_bool(cell(i, "secret_address"))
        except ValueError:
            report.add(f, row, cols.get("secret_address"), "err.bad_bool", value=cell(i, "secret_address"))
            secret = False
        site["secret_address"] = secret
        if secret:
            # a secret address is never kept: the site counts at its obec's point
            for fld in ("street", "house_number", "orientation_number", "psc", "address_code"):
                site[fld] = ""
            point = None
            if not kod and cell(i, "service_area"):
                # attributed to the district by the area its service declares; no travel times
                if warnings is not None:
                    warnings.add(f, row, cols.get("kod_obce", "kod_obce"), "warn.secret_by_area", severity="warning")
            elif not kod:
                report.add(f, row, cols.get("kod_obce", "kod_obce"), "err.secret_needs_obec")
        else:
            point = _row_point(i, row, values, cols, xcol, ycol, f, report)
        site["geometry"] = point
        site["location_method"] = "coordinates" if point is not None else "none"
        if point is None and not kod and not site["address_code"] and not secret and warnings is not None:
            # as in the registry, where some facilities have no address: kept for the catalogue,
            # left out of travel times (locate_sites cannot place it)
            warnings.add(f, row, cols.get("kod_obce", "kod_obce"), "warn.site_no_location", severity="warning")
        explicit = cell(i, "site_id")
        key = (sid, explicit or _site_key(site))
        if key not in site_keys:
            n_of[sid] = n_of.get(sid, 0) + 1  # sites of the service so far (a count, not a scan)
            site_keys[key] = explicit or f"{sid}#{n_of[sid]}"
        site["site_id"] = site_keys[key]
        if form:
            sf = (str(site["site_id"]), form, unit or "")
            if sf in seen_site_form:
                report.add(f, row, cols["form"], "err.duplicate_code",
                           value=f"{sid} / {site['site_id']} / {form}" + (f" / {unit}" if unit else ""),
                           first=seen_site_form[sf])
            seen_site_form[sf] = row
            if (site["site_id"], form) in kept_site_forms:
                continue  # the same site and form with another capacity unit: one site row
            kept_site_forms.add((site["site_id"], form))
        site["source_row"] = row
        site["source_file"] = f
        sites.append(site)
    report.raise_if_errors()
    cap_rows = [{"service_id": k[0], "form": k[1], "unit": k[2], "capacity": v[0]} for k, v in caps.items()]
    if warnings is not None:
        with_cap = {k[0] for k in caps}
        for sid, row in first_row.items():
            if sid not in with_cap:
                warnings.add(f, row, cols.get("capacity", "kapacita"), "warn.no_capacity", severity="warning")
    for s in services.values():
        s["source"] = source or f
    site_frame = pd.DataFrame(sites)
    if site_frame.empty:
        site_gdf = gpd.GeoDataFrame(site_frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    else:
        site_gdf = gpd.GeoDataFrame(site_frame, geometry="geometry", crs=CRS)
    return Services(
        services=pd.DataFrame(list(services.values())),
        sites=site_gdf,
        capacities=pd.DataFrame(cap_rows, columns=["service_id", "form", "unit", "capacity"]),
        kinds=kinds,
        source_files=(f,),
    )


def _warn_unusual_unit(kinds: KindCatalog, kind: str, unit: str, file: str, row: int, column: str | None,
                       warnings: Report) -> None:
    """Warn when a capacity unit is not among the kind's usual units (beds of a helpline)."""
    info = kinds.get(kind)
    usual = tuple(getattr(info, "units", ()) or ())
    if info is not None and usual and unit not in usual:
        warnings.add(file, row, column, "warn.unit_unusual", severity="warning", unit=unit, kind=info.name_cs,
                     usual=", ".join(usual))


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _site_key(site: dict) -> str:
    if site["geometry"] is not None:
        return f"pt:{round(site['geometry'].x, 1)}:{round(site['geometry'].y, 1)}"
    if site["address_code"]:
        return f"adm:{site['address_code']}"
    return "adr:" + "|".join(str(site[k]).lower() for k in ("kod_obce", "street", "house_number",
                                                              "orientation_number", "site_name"))


@lru_cache(maxsize=1)
def _wgs84_to_5514():
    from pyproj import Transformer

    return Transformer.from_crs(4326, CRS, always_xy=True)


def _row_point(i: int, row: int, df: dict[str, list[str]], cols: dict[str, str], xcol: str | None, ycol: str | None,
               f: str, report: Report):
    from shapely.geometry import Point

    latc, lonc = cols.get("lat"), cols.get("lon")
    if latc and lonc and (str(df[latc][i]).strip() or str(df[lonc][i]).strip()):
        try:
            lat = parse_number(df[latc][i])
        except ValueError:
            report.add(f, row, latc, "err.not_a_number", value=df[latc][i])
            return None
        try:
            lon = parse_number(df[lonc][i])
        except ValueError:
            report.add(f, row, lonc, "err.not_a_number", value=df[lonc][i])
            return None
        if lat is None or lon is None:
            report.add(f, row, latc if lat is None else lonc, "err.missing_value")
            return None
        if not in_czechia_wgs84(lon, lat):
            if in_czechia_wgs84(lat, lon):
                report.add(f, row, latc, "err.latlon_swapped", lat=lat, lon=lon)
            else:
                report.add(f, row, latc, "err.outside_czechia", x=lon, y=lat)
            return None
        x, y = _wgs84_to_5514().transform(lon, lat)  # one transformer for the whole file
        return Point(float(x), float(y))
    if xcol and ycol and (str(df[xcol][i]).strip() or str(df[ycol][i]).strip()):
        try:
            a = parse_number(df[xcol][i])
            b = parse_number(df[ycol][i])
        except ValueError:
            report.add(f, row, xcol, "err.not_a_number", value=df[xcol][i])
            return None
        if a is None or b is None:
            report.add(f, row, xcol if a is None else ycol, "err.missing_value")
            return None
        x, y = sjtsk_from_pair(np.array([a]), np.array([b]))
        if not in_czechia_5514(x, y)[0]:
            report.add(f, row, xcol, "err.outside_czechia", x=a, y=b)
            return None
        return Point(float(x[0]), float(y[0]))
    return None


def services_to_frame(services: Services, *, public: bool = False, lang: str = "cs") -> pd.DataFrame:
    """Services as template rows (one row per service × site × form, Czech headers).

    With ``public=True`` secret addresses are blanked (see :meth:`Services.public_sites`).
    Coordinates are written as WGS 84 ``lat``/``lon`` (blank for secret sites when public).
    """
    tab = services.public_sites(lang) if public else services.table()
    pts = tab.geometry.to_crs(4326)
    caps = services.capacities
    rows = []
    for r, pt in zip(tab.itertuples(index=False), pts):
        cap = caps[(caps["service_id"] == r.service_id) & (caps["form"] == r.form)]
        cap_rows = list(cap.itertuples(index=False)) or [None]
        for c in cap_rows:
            rows.append({
                "id_sluzby": r.service_id, "nazev_sluzby": r.service_name, "poskytovatel": r.provider_name,
                "ico": r.provider_ico, "druh": r.kind, "forma": r.form,
                "kapacita": "" if c is None else _fmt(c.capacity), "jednotka_kapacity": "" if c is None else c.unit,
                "id_mista": r.site_id, "nazev_mista": r.site_name, "kod_obce": r.kod_obce, "obec": r.obec_name,
                "ulice": r.street, "cislo_domovni": r.house_number, "cislo_orientacni": r.orientation_number,
                "psc": r.psc, "kod_adresniho_mista": r.address_code,
                "lat": "" if pt is None or pt.is_empty else round(pt.y, 6),
                "lon": "" if pt is None or pt.is_empty else round(pt.x, 6),
                "utajena_adresa": "ano" if r.secret_address else "ne",
                "uzemni_pusobnost": ";".join(r.service_area), "cilove_skupiny": ";".join(r.target_groups),
                "platnost_od": r.valid_from.isoformat() if r.valid_from else "",
                "platnost_do": r.valid_to.isoformat() if r.valid_to else "",
                "telefon": r.phone, "email": r.email, "web": r.web, "provozni_doba": r.hours, "popis": r.description,
                "fiktivni": "ano" if r.fictional else "ne",
            })
    out = pd.DataFrame(rows, columns=[c.name for c in TEMPLATE_COLUMNS])
    return out


def is_service_area_table(path: str | Path) -> bool:
    """Whether a CSV/XLSX only adds service areas (columns ``id_sluzby`` and ``uzemni_pusobnost``,
    no ``druh``/``forma``) — e.g. the kraj's list of obce for the services of the registry."""
    try:
        table = read_table(path, expected_columns=1)
    except DataError:
        return False
    cols = list(table.frame.columns)
    has = lambda names: find_column(cols, names) is not None  # noqa: E731
    return (has(("id_sluzby", "service_id", "identifikator")) and has(("uzemni_pusobnost", "service_area"))
            and not has(("druh", "kind", "druh_kod")) and not has(("forma", "form")))


def read_service_areas(path: str | Path, *, display_name: str | None = None) -> dict[str, tuple[str, ...]]:
    """Declared service areas by service id from a table ``id_sluzby, uzemni_pusobnost``.

    The open registry does not carry the obce a field service reaches; kraje collect them.  One
    row per service (obec codes separated by ``;``, or ``ORP:…``/``POU:…``), or one row per
    service × obec.  Raises :class:`DataError` with file, row and column for bad codes.
    """
    table = read_table(path, display_name=display_name)
    report = Report()
    cols = list(table.frame.columns)
    cid = find_column(cols, ("id_sluzby", "service_id", "identifikator"))
    carea = find_column(cols, ("uzemni_pusobnost", "service_area"))
    for name, col in (("id_sluzby", cid), ("uzemni_pusobnost", carea)):
        if col is None:
            report.add(table.file, 1, name, "err.missing_column", column=name)
    report.raise_if_errors()
    out: dict[str, list[str]] = {}
    for i, row in enumerate(table.rows):
        sid = str(table.frame.iloc[i][cid]).strip()
        if not sid:
            report.add(table.file, row, cid, "err.missing_value")
            continue
        for token in (p.strip() for p in re.split(r"[;,\s]+", str(table.frame.iloc[i][carea])) if p.strip()):
            if not (re.fullmatch(r"\d{6}", token) or re.fullmatch(r"(?i)(ORP|POU|POÚ):\d+", token)):
                report.add(table.file, row, carea, "err.bad_obec_code", value=token)
                continue
            out.setdefault(sid, []).append(token)
    report.raise_if_errors()
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def write_services_template(path: str | Path, example: bool = True) -> Path:
    """Write a blank template (CSV or XLSX by extension) with an optional example row.

    The CSV is UTF-8 with a BOM and semicolons, as Czech Excel expects.

    The XLSX also has a ``vlastni_druhy`` sheet for custom kinds and a ``popis_sloupcu``
    sheet describing every column.
    """
    path = Path(path)
    header = [c.name for c in TEMPLATE_COLUMNS]
    rows = [[c.example for c in TEMPLATE_COLUMNS]] if example else []
    frame = pd.DataFrame(rows, columns=header)
    if path.suffix.lower() == ".xlsx":
        kinds = pd.DataFrame([[c.example for c in CUSTOM_KIND_COLUMNS]] if example else [],
                             columns=[c.name for c in CUSTOM_KIND_COLUMNS])
        doc = pd.DataFrame([{"sloupec": c.name, "povinny": "ano" if c.required else "ne", "popis": c.description_cs,
                             "priklad": c.example} for c in TEMPLATE_COLUMNS + CUSTOM_KIND_COLUMNS])
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            frame.to_excel(xw, sheet_name="sluzby", index=False)
            kinds.to_excel(xw, sheet_name="vlastni_druhy", index=False)
            doc.to_excel(xw, sheet_name="popis_sloupcu", index=False)
    else:  # Czech Excel opens a semicolon-separated UTF-8 file with a BOM correctly
        frame.to_csv(path, index=False, encoding="utf-8-sig", sep=";")
    return path
