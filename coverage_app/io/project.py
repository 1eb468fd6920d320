"""The project GeoPackage: one file that the app and every command read.

``coverage-app import`` writes it from the user's files; ``coverage-app serve --project``,
``analyze --project`` and ``print --project`` read it.  Layers (EPSG:5514):

* ``obce`` — all loaded obce with codes, names, population and age bands (polygons or points);
* ``sluzby``, ``mista``, ``kapacity`` — services, sites (points) and capacities;
* ``predchozi_sluzby``, ``predchozi_mista``, ``predchozi_kapacity`` — an earlier snapshot for
  the period comparison (optional);
* ``druhy`` — the kinds of service (the 34 kinds as aligned with the registry codelist, and
  custom kinds); ``normy`` — user norms; ``scenare`` — saved what-if
  scenarios (JSON); ``silnice`` — road lines with speeds (optional); ``meta`` — key/value facts
  (default district, population source, age shares, snapshot labels, creation time).

The file is written to a temporary name and renamed, so a failed import never leaves a broken
project behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from coverage_app.codelists import KindCatalog
from coverage_app.errors import DataError, Problem
from coverage_app.i18n import register
from coverage_app.io.municipalities import load_district
from coverage_app.model import CRS, District, Services
from coverage_app.settings import Norm

register({
    "err.project_layer_missing": {
        "cs": "soubor není projekt této aplikace: chybí vrstva „{layer}“ (projekt vytvoří příkaz coverage-app import)",
        "en": "the file is not a project of this application: the layer \"{layer}\" is missing (coverage-app import "
              "makes a project)"},
})

__all__ = ["Project", "save_project", "load_project", "PROJECT_LAYERS"]

PROJECT_LAYERS = ("obce", "sluzby", "mista", "kapacity", "predchozi_sluzby", "predchozi_mista",
                  "predchozi_kapacity", "druhy", "normy", "dostupnost", "scenare", "silnice", "jizdni_rad", "meta")


@dataclass
class Project:
    """Everything loaded for one planning area.

    Attributes
    ----------
    municipalities : GeoDataFrame
        All loaded obce (may be more than one district), normalised, with population columns.
    services : Services
    previous_services : Services or None
        An earlier snapshot for the period comparison.
    roads : GeoDataFrame or None
        Road lines with ``speed_car_kmh``, ``speed_walk_kmh``, ``car_allowed``, ``walk_allowed``,
        ``oneway`` (see :func:`coverage_app.reach.build_graph`).
    norms : tuple of Norm
    scenarios : dict of name → JSON-able scenario
    meta : dict of str → str
    access : dict of kind id → AccessRule
        The user's access rules (the kraj's levels of availability); kinds not named keep the
        built-in defaults.
    warnings : list of Problem
        What was left out while reading the file (e.g. a damaged saved scenario), by layer, row and
        column.
    damaged_scenarios : dict of name → stored text
        Saved scenarios the tool cannot read; kept as they are when the project is saved again.
    timetable : dict of file name → text, or None
        A GTFS feed's tables (layer ``jizdni_rad``), read by :meth:`transit_feed`.
    """

    municipalities: gpd.GeoDataFrame
    services: Services
    previous_services: Services | None = None
    roads: gpd.GeoDataFrame | None = None
    norms: tuple[Norm, ...] = ()
    scenarios: dict[str, dict] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    access: dict = field(default_factory=dict)
    timetable: dict[str, str] | None = None
    warnings: list = field(default_factory=list)
    damaged_scenarios: dict[str, str] = field(default_factory=dict)
    _graph: object = field(default=None, repr=False, compare=False)
    meta_cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def default_district(self) -> str:
        """District spec stored at import (``ORP:6221``…), or ``""``."""
        return self.meta.get("district", "")

    def district(self, spec: str | None = None) -> District:
        """The :class:`~coverage_app.model.District` for a spec (default: the stored one)."""
        spec = spec or self.default_district
        if not spec:
            raise DataError.single("", None, None, "err.bad_district_spec", value="")
        shares = json.loads(self.meta["age_shares"]) if self.meta.get("age_shares") else None
        d = load_district(self.municipalities, spec, population_source=self.meta.get("population_source", ""))
        if shares and d.age_is_estimated:
            d.age_shares = shares
        return d

    def road_graph(self):
        """The road graph built from :attr:`roads` (cached), or ``None`` without roads."""
        if self.roads is None or len(self.roads) == 0:
            return None
        if self._graph is None:
            from coverage_app.reach import build_graph

            tol = float(self.meta.get("roads_snap_tolerance_m", "1.0") or 1.0)
            self._graph = build_graph(self.roads, snap_tolerance_m=tol, source=self.meta.get("roads_source", "silnice"))
        return self._graph

    def transit_feed(self):
        """The timetable as :class:`~coverage_app.transit.TransitFeed` (cached), or ``None``."""
        if not self.timetable:
            return None
        if "_feed" not in self.meta_cache:
            from coverage_app.transit import read_gtfs

            self.meta_cache["_feed"] = read_gtfs(Path(self.meta.get("pt_feed", "jizdni_rad")), texts=self.timetable)
        return self.meta_cache["_feed"]

    def transit_router(self, walk_graph=None):
        """A :class:`~coverage_app.transit.TransitRouter` on the stored timetable and settings
        (walks on ``walk_graph`` when given), or ``None`` without a timetable."""
        feed = self.transit_feed()
        if feed is None:
            return None
        from coverage_app.transit import TransitRouter

        return TransitRouter(feed, self.transit_settings(), walk_graph=walk_graph)

    def transit_settings(self):
        """The public-transport settings stored at import (:class:`~coverage_app.transit.TransitSettings`)."""
        from coverage_app.transit import TransitSettings

        return TransitSettings.from_meta(self.meta)

    def area_population(self) -> pd.DataFrame:
        """Population and points of all loaded obce, indexed by obec code (the analysis context:
        service-area denominators and the people around the district who share its sites)."""
        from coverage_app.model import population_context

        if "_context" not in self.meta_cache:
            self.meta_cache["_context"] = population_context(self.municipalities)
        return self.meta_cache["_context"]


def _services_frames(services: Services) -> dict[str, pd.DataFrame]:
    sv = services.services.copy()
    for c in ("target_groups", "service_area"):
        sv[c] = sv[c].map(lambda v: ";".join(v))
    for c in ("valid_from", "valid_to"):
        sv[c] = sv[c].map(lambda d: d.isoformat() if d else "")
    st = services.sites.copy()
    st = st.drop(columns=[c for c in st.columns if c not in ("geometry",) and c.startswith("_")])
    return {"services": sv, "sites": st, "capacities": services.capacities.copy()}


def _kinds_frame(kinds: KindCatalog) -> pd.DataFrame:
    """The whole kind catalog (built-in kinds as aligned with the registry, and custom kinds)."""
    return pd.DataFrame([{"id": k.id, "slug": k.slug, "paragraf": k.paragraph or "", "nazev": k.name_cs,
                          "nazev_en": k.name_en, "skupina": k.group, "formy": ";".join(k.forms),
                          "jednotky": ";".join(k.units), "vekova_skupina": k.target_band,
                          "pracovni_skupiny": ";".join(k.working_groups),
                          "kod_overen": bool(k.registry_code_confirmed), "vlastni": bool(k.custom),
                          "dostupnost": k.access.to_text() if k.access else "",
                          "zdroj_dostupnosti": k.access.source if k.access else ""} for k in kinds])


def _kinds_from_frame(frame: pd.DataFrame) -> KindCatalog:
    from coverage_app.codelists import AccessRule, ServiceKind

    kinds: dict[str, ServiceKind] = {}
    for r in frame.fillna("").itertuples():
        split = lambda v: tuple(x for x in str(v).split(";") if x)  # noqa: E731
        kinds[str(r.id)] = ServiceKind(
            id=str(r.id), slug=str(r.slug), paragraph=str(r.paragraf) or None, name_cs=str(r.nazev),
            name_en=str(r.nazev_en), group=str(r.skupina), forms=split(r.formy), units=split(r.jednotky),
            target_band=str(r.vekova_skupina) or "total", working_groups=split(r.pracovni_skupiny),
            registry_code_confirmed=bool(r.kod_overen), custom=bool(r.vlastni),
            access=AccessRule.from_text(r.dostupnost, str(getattr(r, "zdroj_dostupnosti", "")))
            if str(getattr(r, "dostupnost", "") or "") else None)
    return KindCatalog(kinds)


def save_project(project: Project, path: str | Path) -> Path:
    """Write the project GeoPackage (atomically: temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    try:
        obce = project.municipalities.copy()
        obce.to_file(tmp, layer="obce", driver="GPKG", engine="pyogrio")
        for prefix, services in (("", project.services), ("predchozi_", project.previous_services)):
            if services is None:
                continue
            frames = _services_frames(services)
            pyogrio.write_dataframe(frames["services"], tmp, layer=f"{prefix}sluzby")
            sites = frames["sites"]
            if len(sites):
                gpd.GeoDataFrame(sites, geometry="geometry", crs=CRS).to_file(
                    tmp, layer=f"{prefix}mista", driver="GPKG", engine="pyogrio")
            else:
                pyogrio.write_dataframe(pd.DataFrame(sites.drop(columns="geometry")), tmp, layer=f"{prefix}mista")
            pyogrio.write_dataframe(frames["capacities"], tmp, layer=f"{prefix}kapacity")
        kinds = _kinds_frame(project.services.kinds)
        if project.previous_services is not None:
            prev = _kinds_frame(project.previous_services.kinds)
            kinds = pd.concat([kinds, prev[~prev["id"].isin(kinds["id"])]], ignore_index=True)
        pyogrio.write_dataframe(kinds, tmp, layer="druhy")
        if project.norms:
            pyogrio.write_dataframe(pd.DataFrame([{
                "druh": n.kind, "na_1000": n.per_1000, "jednotka": n.unit, "vekova_skupina": n.band or "",
                "forma": n.form or "", "zdroj": n.source} for n in project.norms]), tmp, layer="normy")
        if project.access:
            from coverage_app.access import ACCESS_TABLE_COLUMNS, access_table

            pyogrio.write_dataframe(access_table(project.services.kinds, project.access, project.access)
                                    [list(ACCESS_TABLE_COLUMNS)].fillna({"limit_min": 0.0}), tmp, layer="dostupnost")
        rows = [{"nazev": k, "json": json.dumps(v, ensure_ascii=False)} for k, v in project.scenarios.items()]
        rows += [{"nazev": k, "json": v} for k, v in project.damaged_scenarios.items()
                 if k not in project.scenarios]  # never lost by saving: left for a newer tool or a person
        if rows:
            pyogrio.write_dataframe(pd.DataFrame(rows), tmp, layer="scenare")
        if project.roads is not None and len(project.roads):
            project.roads.to_crs(CRS).to_file(tmp, layer="silnice", driver="GPKG", engine="pyogrio")
        if project.timetable:
            pyogrio.write_dataframe(pd.DataFrame({"soubor": list(project.timetable),
                                                  "obsah": list(project.timetable.values())}), tmp, layer="jizdni_rad")
        meta = dict(project.meta)
        meta.setdefault("created", dt.datetime.now().isoformat(timespec="seconds"))
        meta["snapshot"] = project.services.snapshot
        if project.previous_services is not None:
            meta["previous_snapshot"] = project.previous_services.snapshot
        pyogrio.write_dataframe(pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]}),
                                tmp, layer="meta")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _read(path: Path, layer: str, layers: set[str], geometry: bool = False):
    if layer not in layers:
        return None
    if geometry:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    return pyogrio.read_dataframe(path, layer=layer, read_geometry=False)


def _str_cols(frame: pd.DataFrame, cols) -> pd.DataFrame:
    for c in cols:
        if c in frame:
            frame[c] = frame[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else
                                    (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    return frame


def _services_from(path: Path, layers: set[str], prefix: str, kinds: KindCatalog, snapshot: str) -> Services | None:
    sv = _read(path, f"{prefix}sluzby", layers)
    if sv is None:
        return None
    sv = _str_cols(sv, ("service_id", "provider_ico", "phone", "email", "web", "hours", "description",
                        "service_name", "provider_name", "source", "kind", "target_groups", "service_area",
                        "valid_from", "valid_to"))
    sv["fictional"] = sv["fictional"].astype(bool)
    st = _read(path, f"{prefix}mista", layers, geometry=True)
    if st is None or "geometry" not in st:
        st = gpd.GeoDataFrame(st if st is not None else pd.DataFrame(), geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    st = _str_cols(st, ("service_id", "site_id", "site_name", "form", "kod_obce", "obec_name", "street",
                        "house_number", "orientation_number", "psc", "address_code", "location_method"))
    st["secret_address"] = st["secret_address"].astype(bool) if "secret_address" in st else False
    cp = _read(path, f"{prefix}kapacity", layers)
    cp = _str_cols(cp if cp is not None else pd.DataFrame(columns=["service_id", "form", "unit", "capacity"]),
                   ("service_id", "form", "unit"))
    return Services(sv, st, cp, kinds, snapshot=snapshot, source_files=(path.name,))


def load_project(path: str | Path) -> Project:
    """Read a project GeoPackage written by :func:`save_project`.

    Raises :class:`DataError` (Czech message) when the file is missing or not a project.
    """
    path = Path(path)
    if not path.exists():
        raise DataError.single(path.name, None, None, "err.file_not_found")
    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    except Exception as exc:
        raise DataError.single(path.name, None, None, "err.unreadable", detail=str(exc).splitlines()[0]) from None
    missing = [x for x in ("obce", "sluzby", "meta") if x not in layers]
    if missing:
        raise DataError.single(path.name, None, None, "err.project_layer_missing", layer=missing[0])
    meta_df = _read(path, "meta", layers)
    meta = dict(zip(meta_df["key"].astype(str), meta_df["value"].astype(str)))
    obce = gpd.read_file(path, layer="obce", engine="pyogrio")
    obce = _str_cols(obce, ("kod_obce", "kod_pou", "kod_orp", "nazev_obce", "nazev_pou", "nazev_orp"))
    if "age_estimated" in obce:
        obce["age_estimated"] = obce["age_estimated"].astype(bool)
    kf = _read(path, "druhy", layers)
    kinds = _kinds_from_frame(kf) if kf is not None else KindCatalog()
    services = _services_from(path, layers, "", kinds, meta.get("snapshot", ""))
    previous = _services_from(path, layers, "predchozi_", kinds, meta.get("previous_snapshot", ""))
    norms: tuple[Norm, ...] = ()
    nf = _read(path, "normy", layers)
    if nf is not None:
        _refuse_text_in_number_column(path, "normy", "na_1000")
        out = []
        for row, r in enumerate(nf.fillna("").itertuples(), start=1):
            try:
                value = float(r.na_1000)
            except (TypeError, ValueError):
                raise DataError.single(f"{path.name}: normy", row, "na_1000", "err.not_a_number",
                                       value=r.na_1000) from None
            if not math.isfinite(value):  # "nan", "inf" parse as floats but are no norm
                raise DataError.single(f"{path.name}: normy", row, "na_1000", "err.not_a_number", value=r.na_1000)
            if value < 0:
                raise DataError.single(f"{path.name}: normy", row, "na_1000", "err.negative", value=r.na_1000)
            out.append(Norm(str(r.druh), value, str(r.jednotka), str(r.vekova_skupina or "") or None,
                            str(r.forma or "") or None, str(r.zdroj or "")))
        norms = tuple(out)
    access = {}
    af = _read(path, "dostupnost", layers)
    if af is not None and len(af):
        from coverage_app.access import access_from_frame

        af["limit_min"] = af["limit_min"].where(af["zpusob"] != "remote", None)
        access = access_from_frame(af, kinds, file=f"{path.name}: dostupnost")
    scenarios, skipped, damaged = _read_scenarios(path, _read(path, "scenare", layers))
    roads = _read(path, "silnice", layers, geometry=True)
    tt = _read(path, "jizdni_rad", layers)
    timetable = dict(zip(tt["soubor"].astype(str), tt["obsah"].astype(str))) if tt is not None and len(tt) else None
    return Project(obce, services, previous, roads, norms, scenarios, meta, access=access, timetable=timetable,
                   warnings=skipped, damaged_scenarios=damaged)


def _refuse_text_in_number_column(path: Path, layer: str, column: str) -> None:
    """A number column edited by hand may hold text (SQLite keeps it; GDAL would read 0): refused,
    naming the layer, the row and the column."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = db.execute(f'SELECT "{column}", typeof("{column}") FROM "{layer}" ORDER BY rowid').fetchall()
    except sqlite3.Error:
        return  # the layer is read by GDAL, which reports what it cannot read
    for row, (value, kind) in enumerate(rows, start=1):
        if kind in ("text", "blob"):
            try:
                float(value)
            except (TypeError, ValueError):
                raise DataError.single(f"{path.name}: {layer}", row, column, "err.not_a_number",
                                       value=str(value)[:80]) from None


def _read_scenarios(path: Path, sf: pd.DataFrame | None) -> tuple[dict[str, dict], list[Problem], dict[str, str]]:
    """Saved what-if scenarios; a damaged one (not JSON, or edits the tool does not know) is left
    out with a warning naming it, so the rest of the project stays usable, and returned as its
    stored text so that saving the project keeps it."""
    from coverage_app.scenario import Scenario

    scenarios: dict[str, dict] = {}
    skipped: list[Problem] = []
    damaged: dict[str, str] = {}
    for row, r in enumerate(sf.itertuples() if sf is not None else (), start=1):
        try:
            value = json.loads(r.json)
            Scenario.from_dict(value)  # its edits must be ones the tool can apply
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            skipped.append(Problem.make(f"{path.name}: scenare", row, "json", "warn.project_scenario_skipped",
                                        "warning", name=str(r.nazev), detail=f"{type(exc).__name__}: {exc}"[:200]))
            damaged[str(r.nazev)] = str(r.json)
            continue
        scenarios[str(r.nazev)] = value
    return scenarios, skipped, damaged


def update_scenarios(path: str | Path, scenarios: Mapping[str, dict]) -> None:
    """Replace the saved scenarios of a project file (other layers untouched)."""
    project = load_project(path)
    project.scenarios = dict(scenarios)
    save_project(project, path)
