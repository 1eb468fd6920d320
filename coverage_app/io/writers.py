"""Writing analysis results: CSV tables, a GeoPackage for QGIS and an XLSX report with Czech headers.

Everything is written into a temporary folder first and moved into the output folder only when
all files are complete, so a failure never leaves half-written results behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.i18n import register, t
from coverage_app.model import CRS

__all__ = ["write_analysis", "atomic_output_dir", "czech_headers", "OUTPUT_FILES"]

#: Files written by :func:`write_analysis`.
#: (``bez_auta.csv`` is added when a timetable is loaded, ``orp_overview.csv`` for several ORPs.)
OUTPUT_FILES: tuple[str, ...] = ("gap_summary.csv", "gaps.csv", "coverage.csv", "coverage_by_form.csv",
                                 "capacity.csv", "availability.csv", "reach_bands.csv", "access.csv",
                                 "network_check.csv", "coverage.gpkg", "report.xlsx")
#: Files an analysis writes only for some inputs (public transport, several ORPs).
OPTIONAL_OUTPUT_FILES: tuple[str, ...] = ("bez_auta.csv", "bez_auta_souhrn.csv", "orp_overview.csv")

register({
    "col.municipality_code": {"cs": "kód obce", "en": "obec code"},
    "col.municipality_name": {"cs": "obec", "en": "obec"},
    "col.service_kind": {"cs": "druh služby (kód)", "en": "kind of service (code)"},
    "col.kind_name": {"cs": "druh služby", "en": "kind of service"},
    "col.target_band": {"cs": "cílová věková skupina", "en": "target age band"},
    "col.target_population": {"cs": "cílová populace (osob)", "en": "target population (people)"},
    "col.nearest_service_id": {"cs": "nejbližší služba (id)", "en": "nearest service (id)"},
    "col.nearest_site_id": {"cs": "nejbližší místo (id)", "en": "nearest site (id)"},
    "col.nearest_site_name": {"cs": "nejbližší místo", "en": "nearest site"},
    "col.nearest_form": {"cs": "forma nejbližšího místa", "en": "form of the nearest site"},
    "col.travel_time_min": {"cs": "dojezd (min)", "en": "travel time (min)"},
    "col.distance_km": {"cs": "vzdálenost (km)", "en": "distance (km)"},
    "col.time_band": {"cs": "časové pásmo (min)", "en": "time band (min)"},
    "col.reachable": {"cs": "dosažitelné v limitu", "en": "reachable within threshold"},
    "col.field_covered": {"cs": "v působnosti terénní služby", "en": "in a field service's area"},
    "col.field_basis": {"cs": "působnost (uvedená / odhadnutá)", "en": "service area (declared / assumed)"},
    "col.field_services": {"cs": "terénní služby (id)", "en": "field services (ids)"},
    "col.e2sfca_per_1000": {"cs": "dostupná kapacita E2SFCA na 1000", "en": "E2SFCA capacity per 1000"},
    "col.e2sfca_unit": {"cs": "jednotka E2SFCA", "en": "E2SFCA unit"},
    "col.field_capacity_per_1000": {"cs": "kapacita terénních služeb na 1000", "en": "field capacity per 1000"},
    "col.field_unit": {"cs": "jednotka terénní kapacity", "en": "field capacity unit"},
    "col.gap": {"cs": "mezera", "en": "gap"},
    "col.gap_reason": {"cs": "důvod", "en": "reason"},
    "col.reason": {"cs": "důvod", "en": "reason"},
    "col.rank": {"cs": "pořadí", "en": "rank"},
    "col.age_estimated": {"cs": "věk odhadnut", "en": "age estimated"},
    "col.method": {"cs": "metoda", "en": "method"},
    "col.form": {"cs": "forma", "en": "form"},
    "col.capacity_unit": {"cs": "jednotka kapacity", "en": "capacity unit"},
    "col.total_capacity": {"cs": "registrovaná kapacita", "en": "registered capacity"},
    "col.n_services": {"cs": "počet služeb", "en": "services"},
    "col.n_sites": {"cs": "počet míst", "en": "sites"},
    "col.capacity_per_1000": {"cs": "kapacita na 1000", "en": "capacity per 1000"},
    "col.attributed_capacity": {"cs": "kapacita připadající na území", "en": "capacity attributed to the area"},
    "col.attributed_per_1000": {"cs": "připadající kapacita na 1000", "en": "attributed capacity per 1000"},
    "col.norm_per_1000": {"cs": "norma na 1000", "en": "norm per 1000"},
    "col.norm_source": {"cs": "zdroj normy", "en": "source of the norm"},
    "col.below_norm": {"cs": "pod normou", "en": "below the norm"},
    "col.n_obce": {"cs": "počet obcí", "en": "obce"},
    "col.reachable_kinds": {"cs": "druhů v dosahu", "en": "kinds within reach"},
    "col.gaps": {"cs": "mezer", "en": "gaps"},
    "col.population": {"cs": "obyvatel", "en": "population"},
    "sheet.coverage": {"cs": "Pokrytí obcí", "en": "Coverage"},
    "sheet.by_form": {"cs": "Pokrytí podle forem", "en": "Coverage by form"},
    "sheet.capacity": {"cs": "Kapacity", "en": "Capacity"},
    "sheet.gaps": {"cs": "Mezery", "en": "Gaps"},
    "sheet.bands": {"cs": "Časová pásma", "en": "Time bands"},
    "sheet.about": {"cs": "O analýze", "en": "About"},
    "about.district": {"cs": "Území", "en": "Area"},
    "about.created": {"cs": "Vytvořeno", "en": "Created"},
    "about.method": {"cs": "Výpočet dojezdu", "en": "Travel times"},
    "about.mode": {"cs": "Doprava", "en": "Mode"},
    "about.threshold": {"cs": "Limit dosažitelnosti (min)", "en": "Reachability threshold (min)"},
    "about.zones": {"cs": "Pásma E2SFCA (min: váha)", "en": "E2SFCA zones (min: weight)"},
    "about.population": {"cs": "Obyvatelstvo", "en": "Population"},
    "about.norms": {"cs": "Normy (zadané uživatelem)", "en": "Norms (user-set)"},
    "about.fictional": {"cs": "Pozor", "en": "Note"},
    "about.fictional_text": {"cs": "data obsahují smyšlené (fiktivní) služby", "en": "the data contain fictional services"},
    "about.sources": {"cs": "Vstupní soubory", "en": "Input files"},
    "method.estimate_short": {"cs": "odhad", "en": "estimate"},
    "basis.declared": {"cs": "uvedená", "en": "declared"},
    "basis.assumed": {"cs": "odhadnutá podle dojezdu", "en": "assumed from travel time"},
    "about.date": {"cs": "Stav služeb k datu", "en": "Services valid on"},
    "about.date_all": {"cs": "všechny načtené služby (bez ohledu na platnost)",
                       "en": "all loaded services (whatever their validity)"},
    "about.e2sfca": {"cs": "Dostupná kapacita (E2SFCA)", "en": "Accessible capacity (E2SFCA)"},
    "about.e2sfca_text": {
        "cs": "„dostupná kapacita E2SFCA na 1000“ bere obvod jako uzavřený (poptávka jen z jeho obcí); "
              "„sdílená“ dělí kapacitu míst i s lidmi okolních obcí v jejich dosahu (je-li načteno obyvatelstvo "
              "okolí) — u obvodů u velkých měst je realističtější, ale předpokládá, že jsou načteny i služby okolí.",
        "en": "\"E2SFCA capacity per 1000\" treats the district as closed (demand from its obce only); the "
              "\"shared\" one shares the sites' capacity with the people of neighbouring obce within reach (when "
              "their population is loaded) — more realistic next to a city, but it assumes the neighbours' services "
              "are loaded too."},
    "about.internal": {"cs": "Určení", "en": "Intended for"},
    "about.internal_text": {
        "cs": "pracovní podklad plánovačů; místa s utajenou adresou jsou počítána v bodě své obce",
        "en": "planners' working material; sites with a secret address are counted at their obec's point"},
    "col.e2sfca_shared_per_1000": {"cs": "sdílená dostupná kapacita E2SFCA na 1000",
                                   "en": "shared E2SFCA capacity per 1000"},
    "col.norm_band": {"cs": "věková skupina normy", "en": "age band of the norm"},
    "col.norm_compared_per_1000": {"cs": "kapacita na 1000 (skupina normy)", "en": "capacity per 1000 (norm's band)"},
    "mode.car": {"cs": "autem", "en": "by car"},
    "mode.walk": {"cs": "pěšky", "en": "on foot"},
    "layer.obce": {"cs": "obce", "en": "obce"},
    "col.access_level": {"cs": "úroveň dostupnosti", "en": "level of availability"},
    "col.access_mode": {"cs": "způsob dostupnosti", "en": "mode of access"},
    "col.limit_min": {"cs": "limit dojezdu (min)", "en": "travel limit (min)"},
    "col.field_base_min": {"cs": "dojezd pracovníků ze střediska (min)", "en": "staff drive from the base (min)"},
    "col.field_limit_min": {"cs": "limit terénní služby (min)", "en": "field limit (min)"},
    "col.field_beyond_limit": {"cs": "středisko dál než limit", "en": "base beyond the limit"},
    "col.reached": {"cs": "dostupné (kterýmkoli způsobem)", "en": "reached (by any mode)"},
    "col.note": {"cs": "poznámka", "en": "note"},
    "col.scope": {"cs": "úroveň mezery", "en": "scope"},
    "col.scope_code": {"cs": "kód území", "en": "unit code"},
    "col.scope_name": {"cs": "území", "en": "unit"},
    "col.affected_population": {"cs": "dotčená cílová populace (osob)", "en": "people affected"},
    "col.share_reached": {"cs": "podíl v dosahu", "en": "share reached"},
    "col.n_obce_affected": {"cs": "dotčených obcí", "en": "obce affected"},
    "col.working_group": {"cs": "pracovní skupina", "en": "working group"},
    "col.n_units": {"cs": "počet území s mezerou", "en": "units with a gap"},
    "col.available": {"cs": "dostupné", "en": "available"},
    "col.services": {"cs": "služby", "en": "services"},
    "col.druh": {"cs": "druh (kód)", "en": "kind (code)"},
    "col.nazev": {"cs": "druh služby", "en": "kind of service"},
    "col.uroven": {"cs": "úroveň dostupnosti", "en": "level of availability"},
    "col.zpusob": {"cs": "způsob", "en": "mode"},
    "col.zdroj": {"cs": "zdroj", "en": "source"},
    "col.from_name": {"cs": "z obce", "en": "from"},
    "col.to_name": {"cs": "do obce", "en": "to"},
    "col.straight_km": {"cs": "vzdušně (km)", "en": "straight line (km)"},
    "col.road_min": {"cs": "po silnici (min)", "en": "by road (min)"},
    "col.estimate_min": {"cs": "odhad (min)", "en": "estimate (min)"},
    "col.ratio": {"cs": "poměr silnice / odhad", "en": "road / estimate"},
    "col.covered_names": {"cs": "nově pokryté obce", "en": "obce newly covered"},
    "col.share_reached_pct": {"cs": "v dosahu (%)", "en": "reached (%)"},
    "col.share_field_pct": {"cs": "v působnosti terénních služeb (%)", "en": "in field areas (%)"},
    "sheet.summary": {"cs": "Souhrn mezer", "en": "Gap summary"},
    "sheet.orp_overview": {"cs": "Přehled ORP", "en": "ORP overview"},
    "about.orp_sheets": {"cs": "listy jednotlivých ORP ({n}) – jsou v orp_overview.csv a na listu „Přehled ORP“",
                         "en": "sheets of each ORP ({n}) – they are in orp_overview.csv and on the sheet \"ORP overview\""},
    "col.kod_orp": {"cs": "kód ORP", "en": "ORP code"},
    "col.nazev_orp": {"cs": "ORP", "en": "ORP"},
    "col.district_per_1000": {"cs": "celé území na 1000", "en": "whole area per 1000"},
    "col.ratio_to_district": {"cs": "poměr k celému území", "en": "ratio to the whole area"},
    "col.district_share_reached": {"cs": "podíl v dosahu (celé území)", "en": "share reached (whole area)"},
    "col.share_field": {"cs": "podíl v působnosti terénních služeb", "en": "share in field services' areas"},
    "sheet.availability": {"cs": "Služby na dálku", "en": "Remote services"},
    "sheet.access": {"cs": "Úrovně dostupnosti", "en": "Access model"},
    "sheet.network": {"cs": "Kontrola sítě", "en": "Network check"},
    "about.network": {"cs": "Silniční síť", "en": "Road network"},
    "about.left_out": {"cs": "Vynechaný list", "en": "Sheet left out"},
    "about.left_out_text": {"cs": "list „{sheet}“ by měl {rows} řádků – celý je v {file} a v coverage.gpkg",
                            "en": "\"{sheet}\" has {rows} rows – it is whole in {file} and in coverage.gpkg"},
    "about.access": {"cs": "Úrovně dostupnosti druhů", "en": "Levels of availability"},
    "about.access_text": {
        "cs": "mezery se posuzují na úrovni druhu (místní: obec; ORP: ORP/POÚ; krajská: kraj; celostátní a na dálku: "
              "zda služba existuje) – viz list „Úrovně dostupnosti“ se zdrojem každého pravidla",
        "en": "gaps are judged at each kind's level (local: obec; ORP: ORP/POÚ; regional: kraj; national and remote: "
              "whether the service exists) – see the sheet \"Access model\" with the source of every rule"},
})


def czech_headers(frame: pd.DataFrame, lang: str = "cs") -> pd.DataFrame:
    """The table with translated column headers (unknown columns keep their name)."""
    return frame.rename(columns={c: t(f"col.{c}", lang) if f"col.{c}" in _known() else c for c in frame.columns})


def _known() -> set[str]:
    from coverage_app.i18n import TEXTS

    return set(TEXTS)


class atomic_output_dir:
    """Context manager: a temporary folder whose files move into ``target`` on success.

    >>> with atomic_output_dir("out") as tmp:          # doctest: +SKIP
    ...     (tmp / "a.csv").write_text("…")
    """

    def __init__(self, target: str | Path, owned: tuple[str, ...] = ()):
        """``owned``: names of files this tool writes into ``target``; those an earlier run left
        there and this run does not write are removed (no stale table beside new ones)."""
        self.target = Path(target)
        self.owned = owned
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        import signal

        parent = self.target.resolve().parent
        parent.mkdir(parents=True, exist_ok=True)
        # a signal between making the folder and entering the block would leave it behind: it
        # waits, and one that came meanwhile ends the command with the folder removed
        blocked = hasattr(signal, "pthread_sigmask")
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT}) if blocked else None
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", dir=parent))
        finally:
            if blocked and self.tmp is None:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
        try:
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
            return self.tmp
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.tmp is not None
        import signal

        # a signal while the files move (or the folder is removed) would leave half of either:
        # it waits until this is done, then ends the command as usual
        stop = {signal.SIGTERM, signal.SIGINT}
        blocked = hasattr(signal, "pthread_sigmask")
        old = signal.pthread_sigmask(signal.SIG_BLOCK, stop) if blocked else None
        try:
            if exc_type is None:
                self.target.mkdir(parents=True, exist_ok=True)
                new = sorted(self.tmp.iterdir())
                for f in new:
                    os.replace(f, self.target / f.name)
                for name in set(self.owned) - {f.name for f in new}:
                    (self.target / name).unlink(missing_ok=True)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)


#: A text cell starting with one of these would be a formula in a spreadsheet (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell that a spreadsheet would take for a formula prefixed with
    ``'`` (OWASP CSV-injection guidance); numbers stay numbers."""
    out = None
    for c in frame.columns:
        col = frame[c]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        text = col.astype(str)
        risky = col.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
        if risky.any():
            out = frame.copy() if out is None else out
            out[c] = col.where(~risky, "'" + text)
    return frame if out is None else out


def _code_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes in readable words (age bands, forms, units, method, basis of the service area)."""
    from coverage_app.codelists import AGE_BANDS, CAPACITY_UNITS, FORMS

    out = frame.copy()
    bands = {k: (b.name_cs if lang == "cs" else b.name_en) for k, b in AGE_BANDS.items()}
    forms = {k: (f.name_cs if lang == "cs" else f.name_en) for k, f in FORMS.items()}
    units = {k: (u.name_cs if lang == "cs" else u.name_en) for k, u in CAPACITY_UNITS.items()}
    from coverage_app.codelists import ACCESS_LEVELS, ACCESS_MODES

    levels = {k: v[lang] for k, v in ACCESS_LEVELS.items()}
    modes = {k: v[lang] for k, v in ACCESS_MODES.items()}
    words = {
        "access_level": levels, "uroven": levels, "zpusob": modes,
        "target_band": bands, "norm_band": bands, "form": forms, "nearest_form": forms,
        "capacity_unit": units, "e2sfca_unit": units, "field_unit": units,
        "method": {"road": t("method.road", lang), "estimate": t("method.estimate_short", lang)},
        "field_basis": {"declared": t("basis.declared", lang), "assumed": t("basis.assumed", lang)},
    }
    for col, mapping in words.items():
        if col in out:
            out[col] = out[col].map(lambda v, m=mapping: m.get(v, v) if isinstance(v, str) else v)
    if "access_mode" in out:  # "field+travel" → "služba přijíždí za klientem + klient dojíždí"
        out["access_mode"] = out["access_mode"].map(
            lambda v: " + ".join(modes.get(m, m) for m in v.split("+")) if isinstance(v, str) and v else v)
    return out


def _bool_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    yes, no = ("ano", "ne") if lang == "cs" else ("yes", "no")
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].map({True: yes, False: no})
    return out


def spreadsheet_csv(frame: pd.DataFrame, lang: str = "cs") -> bytes:
    """A table as a CSV that opens right in a spreadsheet of the reader's language: in Czech
    ``;``-separated with decimal commas, Czech headers, codes and yes/no in words, UTF-8 with a
    byte-order mark (Czech Excel reads diacritics then); in English ``,`` and decimal points.
    Formula-like text is defused (:func:`csv_safe`).  The CLI's CSVs stay machine-readable."""
    table = czech_headers(_bool_text(_code_text(frame, lang), lang), lang)
    sep, dec = (";", ",") if lang == "cs" else (",", ".")
    return csv_safe(table).to_csv(index=False, sep=sep, decimal=dec).encode("utf-8-sig")


def write_analysis(analysis, out_dir: str | Path, *, lang: str = "cs",
                   extra: dict[str, Callable[[Path], None]] | None = None,
                   progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write all tables of an :class:`~coverage_app.coverage.Analysis` into ``out_dir``.

    Files: ``gap_summary.csv`` (per working group and kind: units, obce and people affected),
    ``gaps.csv`` (gaps at each kind's level with ``scope``, ``scope_code``, ``scope_name``),
    ``coverage.csv`` (obec × kind with ``access_level`` and ``access_mode``),
    ``coverage_by_form.csv``, ``capacity.csv``, ``availability.csv`` (national and remote kinds),
    ``reach_bands.csv``, ``access.csv`` (the access rules used, with their sources),
    ``network_check.csv`` (road times of nearby obce against the straight-line estimate),
    ``bez_auta.csv`` and ``bez_auta_souhrn.csv`` with a timetable (obce × kinds reached by car but
    not by public transport, and per kind the people of the target group concerned)
    (UTF-8, machine-readable English headers, ``True``/``False``),
    ``coverage.gpkg`` (layers ``obce``, ``coverage``, ``gaps``, ``sites`` in EPSG:5514) and
    ``report.xlsx`` (Czech headers, one sheet per table, and a sheet about the analysis).
    Nothing is written into ``out_dir`` unless every file was produced.
    """
    from coverage_app.access import access_table

    coverage = analysis.coverage
    gaps = analysis.gaps
    network = analysis.network
    tables = {
        "gap_summary.csv": analysis.gap_summary(lang),
        "gaps.csv": gaps,
        "coverage.csv": coverage,
        "coverage_by_form.csv": analysis.coverage_by_form,
        "capacity.csv": analysis.capacity,
        "availability.csv": analysis.availability,
        "reach_bands.csv": analysis.reach_bands,
        "access.csv": access_table(analysis.services.kinds, analysis.settings.access, analysis.results, lang=lang),
        "network_check.csv": network.pairs if network is not None else pd.DataFrame(
            columns=["from_code", "from_name", "to_code", "to_name", "straight_km", "road_min", "estimate_min",
                     "ratio"]),
    }
    if analysis.transit is not None:
        from coverage_app.transit.indicators import without_car_summary

        tables["bez_auta_souhrn.csv"] = without_car_summary(analysis)
        tables["bez_auta.csv"] = analysis.without_car(lang)
    if analysis.district.obce["kod_orp"].nunique() > 1:  # a kraj or several ORPs: side by side
        from coverage_app.kraj import orp_overview

        tables["orp_overview.csv"] = orp_overview(analysis, lang)
    step = progress or (lambda name: None)
    with atomic_output_dir(out_dir, owned=OUTPUT_FILES + OPTIONAL_OUTPUT_FILES + tuple(extra or {})) as tmp:
        for name, frame in tables.items():
            step(name)
            csv_safe(frame).to_csv(tmp / name, index=False, encoding="utf-8")
        step("coverage.gpkg")
        _write_gpkg(analysis, tmp / "coverage.gpkg")
        step("report.xlsx")
        _write_xlsx(analysis, tables, tmp / "report.xlsx", lang)
        for name, fn in (extra or {}).items():
            fn(tmp / name)
        written = [Path(out_dir) / f.name for f in tmp.iterdir()]
    return sorted(written)


def _write_gpkg(analysis, path: Path) -> None:
    obce = analysis.district.obce
    geo = obce[["kod_obce", "nazev_obce", "population", "age_estimated", "geometry"]].rename(
        columns={"kod_obce": "municipality_code", "nazev_obce": "municipality_name"})
    cov = analysis.coverage
    if len(cov):
        summary = cov.groupby("municipality_code").agg(
            reachable_kinds=("reachable", "sum"), field_kinds=("field_covered", "sum"), gaps=("gap", "sum"))
        geo = geo.merge(summary, left_on="municipality_code", right_index=True, how="left")
    layers = {"obce": gpd.GeoDataFrame(geo, geometry="geometry", crs=CRS)}
    shapes = obce.set_index("kod_obce").geometry
    if len(cov):
        layers["coverage"] = gpd.GeoDataFrame(cov.copy(), geometry=cov["municipality_code"].map(shapes).values,
                                              crs=CRS)
        gaps = analysis.gaps
        if len(gaps):
            layers["gaps"] = gpd.GeoDataFrame(gaps.copy(), geometry=_gap_shapes(analysis, gaps).values, crs=CRS)
    # the sites that matter for the district: services serving it and the nearest sites of its obce
    keep = set(analysis.services.serving_ids(analysis.district.codes))
    if len(cov):
        keep |= set(cov["nearest_service_id"].dropna()) - {""}
    sites = analysis.services.table()
    sites = sites[sites.geometry.notna() & sites["service_id"].isin(keep)].copy()
    for c in ("target_groups", "service_area"):
        sites[c] = sites[c].map(lambda v: ";".join(v))
    for c in ("valid_from", "valid_to"):
        sites[c] = sites[c].map(lambda d: d.isoformat() if d else "")
    sites = sites.drop(columns=[c for c in ("source_row",) if c in sites])
    layers["sites"] = sites
    for name, layer in layers.items():
        layer.to_file(path, layer=name, driver="GPKG", engine="pyogrio")


def _gap_shapes(analysis, gaps: pd.DataFrame) -> gpd.GeoSeries:
    """The obec of an obec-level gap; the union of the unit's obce for an ORP, POÚ or kraj gap."""
    from coverage_app.gaps import scope_units

    obce = analysis.district.obce
    shapes = obce.set_index("kod_obce").geometry
    out = gaps["municipality_code"].map(shapes)
    for level in ("orp", "kraj"):
        units = scope_units(analysis, level)
        members = units.assign(kod_obce=obce["kod_obce"].to_numpy()).groupby("scope_code")["kod_obce"].agg(list)
        for i in gaps.index[(gaps["scope"] != "obec") & out.isna()]:
            codes = members.get(gaps.at[i, "scope_code"])
            if codes:
                out.at[i] = shapes.loc[codes].union_all()
    return gpd.GeoSeries(out, crs=CRS)


def _about_rows(analysis, lang: str) -> list[tuple[str, str]]:
    s = analysis.settings
    rows = [
        (t("about.district", lang), analysis.district.name),
        (t("about.created", lang), dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
        (t("about.method", lang), analysis.method_text(lang)),
        (t("about.mode", lang), t(f"mode.{s.mode}", lang)),
        (t("about.access", lang), t("about.access_text", lang)),
        (t("about.zones", lang), ", ".join(f"≤{u:g}: {w:g}" for u, w in s.e2sfca_zones)),
        (t("about.population", lang), analysis.district.describe_population(lang)),
        (t("about.date", lang), s.reference_date.strftime("%-d. %-m. %Y") if s.reference_date and lang == "cs"
         else s.reference_date.isoformat() if s.reference_date else t("about.date_all", lang)),
        (t("about.e2sfca", lang), t("about.e2sfca_text", lang)),
        (t("about.internal", lang), t("about.internal_text", lang)),
    ]
    if analysis.network is not None:
        for msg in analysis.network.messages(lang):
            rows.append((t("about.network", lang), msg))
    if analysis.transit is not None:
        from coverage_app.transit.indicators import transit_about

        rows.append((t("about.transit", lang), transit_about(analysis, lang)))
    for n in s.norms:
        rows.append((t("about.norms", lang), f"{n.kind}: {n.per_1000:g} {n.unit} / 1000 ({n.band or ''}) {n.source}"))
    if analysis.services.services["fictional"].any():
        rows.append((t("about.fictional", lang), t("about.fictional_text", lang)))
    files = tuple(analysis.district.source_files) + tuple(analysis.services.source_files)
    if files:
        rows.append((t("about.sources", lang), ", ".join(files)))
    return rows


#: A sheet of the report holds at most this many rows; a longer table is summarised and left in
#: its CSV and the GeoPackage (Excel itself stops at 1 048 576 rows, and a national detail table
#: is read in a GIS or a database, not scrolled).
XLSX_MAX_ROWS: int = 100_000


def _write_xlsx(analysis, tables: dict[str, pd.DataFrame], path: Path, lang: str) -> None:
    """The report with Czech headers: autofilter, frozen header, one sheet per table, the gap
    summary first; written row by row in constant memory (xlsxwriter)."""
    import xlsxwriter

    sheets = [
        ("sheet.summary", "gap_summary.csv"), ("sheet.gaps", "gaps.csv"), ("sheet.availability", "availability.csv"),
        ("sheet.coverage", "coverage.csv"), ("sheet.capacity", "capacity.csv"), ("sheet.bands", "reach_bands.csv"),
        ("sheet.by_form", "coverage_by_form.csv"), ("sheet.access", "access.csv"),
        ("sheet.network", "network_check.csv"),
    ]
    about = _about_rows(analysis, lang)
    if "bez_auta.csv" in tables:
        sheets[2:2] = [("sheet.without_car_summary", "bez_auta_souhrn.csv"), ("sheet.without_car", "bez_auta.csv")]
    extra: list[tuple[str, pd.DataFrame]] = []
    if "orp_overview.csv" in tables:
        sheets.insert(1, ("sheet.orp_overview", "orp_overview.csv"))
        extra = _orp_sheets(analysis, tables["orp_overview.csv"], tables["gaps.csv"], lang, about)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "nan_inf_to_errors": True,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        for key, name in sheets:
            frame = tables[name]
            if len(frame) > XLSX_MAX_ROWS:
                about.append((t("about.left_out", lang), t("about.left_out_text", lang, sheet=t(key, lang),
                                                          rows=f"{len(frame):,}".replace(",", " "), file=name)))
                continue
            _sheet(wb, t(key, lang), czech_headers(_bool_text(_code_text(frame, lang), lang), lang), bold)
        for title, frame in extra:
            _sheet(wb, title, frame, bold)
        ws = wb.add_worksheet(t("sheet.about", lang)[:31])
        ws.set_column(0, 0, 32)
        ws.set_column(1, 1, 100)
        for r, (a, b) in enumerate(about):
            ws.write_string(r, 0, str(a), bold)
            ws.write_string(r, 1, str(b))
    finally:
        wb.close()


#: One sheet per ORP (as a kraj sends each ORP its report) up to this many ORPs; beyond, the
#: overview sheet and orp_overview.csv carry them.
XLSX_MAX_ORP_SHEETS: int = 30


def _orp_sheets(analysis, overview: pd.DataFrame, gaps: pd.DataFrame, lang: str,
                about: list[tuple[str, str]]) -> list[tuple[str, list[pd.DataFrame]]]:
    """A sheet per ORP: its rows of the overview, then its gaps."""
    from coverage_app.kraj import orp_reports

    reports = orp_reports(analysis, overview, lang)
    if len(reports) > XLSX_MAX_ORP_SHEETS:
        about.append((t("about.left_out", lang), t("about.orp_sheets", lang, n=len(reports))))
        return []
    out = []
    used: set[str] = set()
    for code, (name, rows, own_gaps) in reports.items():
        title = f"ORP {name}"[:31]
        if title in used:
            title = f"ORP {code}"
        used.add(title)
        head = rows.drop(columns=["kod_orp", "nazev_orp"])
        tail = own_gaps[["scope_name", "kind_name", "affected_population", "reason"]]
        out.append((title, [czech_headers(_bool_text(_code_text(f, lang), lang), lang) for f in (head, tail)]))
    return out


def _sheet(wb, title: str, frame: pd.DataFrame | list[pd.DataFrame], header_format) -> None:
    """Tables as a sheet (several stacked with a blank row between): header, values (numbers as
    numbers, text as text), widths, filter and frozen header on the first table."""
    ws = wb.add_worksheet(title[:31])
    frames = frame if isinstance(frame, list) else [frame]
    widths: dict[int, int] = {}
    for f in frames:
        sample = f.head(200)
        for c, name in enumerate(f.columns):
            w = max([len(str(name))] + [len(str(v)) for v in sample.iloc[:, c].tolist()])
            widths[c] = max(widths.get(c, 0), w)
    for c, w in widths.items():
        ws.set_column(c, c, min(max(10, w + 2), 60))
    first = frames[0]
    ws.freeze_panes(1, 0)
    if len(first.columns):
        ws.autofilter(0, 0, max(len(first), 1), len(first.columns) - 1)
    row0 = 0
    for f in frames:
        for c, name in enumerate(f.columns):
            ws.write_string(row0, c, str(name), header_format)
        _rows(ws, f, row0 + 1)
        row0 += len(f) + 2


def _rows(ws, frame: pd.DataFrame, start: int) -> None:
    columns = [frame.iloc[:, c].to_numpy(dtype=object) for c in range(len(frame.columns))]
    for r in range(len(frame)):
        for c, values in enumerate(columns):
            v = values[r]
            if v is None or (isinstance(v, float) and v != v):
                continue
            if isinstance(v, (bool, np.bool_)):
                ws.write_string(start + r, c, "ano" if v else "ne")
            elif isinstance(v, (int, float, np.integer, np.floating)):
                fv = float(v)
                if np.isfinite(fv):
                    ws.write_number(start + r, c, fv)
            else:
                ws.write_string(start + r, c, str(v))
