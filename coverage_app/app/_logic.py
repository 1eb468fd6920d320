"""What the app does besides drawing widgets: loading data, filters, login, downloads, what-if helpers.

Nothing here imports Streamlit, so every function is testable without a browser; the pages
only call these functions, the engine (:mod:`coverage_app.coverage`, :mod:`coverage_app.scenario`)
and the map module (:mod:`coverage_app.maps.interactive`).

Data sources
    :func:`load_demo_data` (the embedded demo), :func:`load_project_data` (a project GeoPackage
    from ``coverage-app import``) and :func:`load_uploaded_data` (files uploaded on the Data
    page).  Each returns an :class:`AppData` whose :attr:`AppData.key` is a hash of the content
    of the inputs — the app caches every result on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import socket
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.app import _texts  # noqa: F401  (registers the app's texts)
from coverage_app.codelists import (
    TARGET_GROUPS,
    resolve_target_group,
)
from coverage_app.errors import DataError, Problem, Report
from coverage_app.i18n import t
from coverage_app.model import CRS, District, Services
from coverage_app.settings import Norm

if TYPE_CHECKING:  # pragma: no cover
    from coverage_app.coverage import Analysis
    from coverage_app.reach import RoadGraph
    from coverage_app.transit import TransitFeed, TransitSettings

__all__ = [
    "AppData",
    "UploadResult",
    "describe_edit",
    "filter_services",
    "hash_password",
    "kinds_for",
    "load_demo_data",
    "load_project_data",
    "load_uploaded_data",
    "nearest_obec",
    "osm_reachable",
    "password_hint",
    "planner_password_configured",
    "problems_frame",
    "table_downloads",
    "verify_password",
    "wgs84_to_5514",
]

DataKind = Literal["demo", "project", "upload"]


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
@dataclass
class AppData:
    """Everything the app shows, from one source (demo, project file or uploaded files).

    Attributes
    ----------
    key : str
        Hash of the content of the inputs (cache key of every result).
    label : str
        What the data is, for the page header ("Ukázková data…", a file name).
    kind : {"demo", "project", "upload"}
    municipalities : GeoDataFrame
        All loaded obce (EPSG:5514), possibly of several districts.
    services, previous_services : Services
        The current snapshot and an optional earlier one (period comparison).
    roads : RoadGraph or None
        Road graph (travel along roads); ``None`` = straight-line estimate.
    norms : tuple of Norm
    access : dict of kind id → AccessRule
        The user's access model (the project's table); kinds not named keep the defaults.
    scenarios : dict
        Saved what-if scenarios (name → JSON-able dict).
    meta : dict
        Facts of the project file (default district, sources, password hash).
    project_path : Path or None
        The project GeoPackage (scenarios are saved into it).
    warnings : Report
        Warnings found while reading.
    population_source : str
    default_district : str
        District spec shown first (``ORP:6221``…).
    timetable : TransitFeed or None
        Public-transport timetable (GTFS) for journeys without a car.
    transit_settings : TransitSettings or None
        The windows and walking settings stored with the timetable (``None`` = defaults).
    """

    key: str
    label: str
    kind: DataKind
    municipalities: gpd.GeoDataFrame
    services: Services
    previous_services: Services | None = None
    roads: "RoadGraph | None" = None
    norms: tuple[Norm, ...] = ()
    access: dict = field(default_factory=dict)
    scenarios: dict[str, dict] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    project_path: Path | None = None
    warnings: Report = field(default_factory=Report)
    population_source: str = ""
    default_district: str = ""
    age_shares: Mapping[str, float] | None = None
    timetable: "TransitFeed | None" = None
    transit_settings: "TransitSettings | None" = None
    _context: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    def districts(self) -> dict[str, str]:
        """District specs the data can show, with labels (the default first)."""
        if self.kind == "demo":
            from coverage_app.demo import DEMO_DISTRICTS

            return {**DEMO_DISTRICTS, "ORP:6221,ORP:8114": t("app.data.demo_both", "cs")}
        obce = self.municipalities
        out: dict[str, str] = {}
        from coverage_app.admin import kraj_codes, orp_codes

        kraj_of = dict(zip(orp_codes()["kod_orp_csu"], orp_codes()["kod_kraje_nuts3"]))
        kraj_name = dict(zip(kraj_codes()["kod_kraje_nuts3"], kraj_codes()["kraj"]))
        orps_by_kraj = obce.drop_duplicates("kod_orp")["kod_orp"].astype(str).map(kraj_of).value_counts()
        for kraj in sorted(k for k, n in orps_by_kraj.items() if k and n > 1):
            out[f"KRAJ:{kraj}"] = kraj_name.get(kraj, kraj)  # a kraj: its ORPs side by side first
        orp = obce[obce["kod_orp"].astype(str) != ""].drop_duplicates("kod_orp")
        for r in orp.sort_values("nazev_orp").itertuples():
            out[f"ORP:{r.kod_orp}"] = f"ORP {r.nazev_orp or r.kod_orp}"
        pou = obce[obce["kod_pou"].astype(str) != ""].drop_duplicates("kod_pou")
        for r in pou.sort_values("nazev_pou").itertuples():
            out[f"POU:{r.kod_pou}"] = f"POÚ {r.nazev_pou or r.kod_pou}"
        if self.default_district and self.default_district in out:
            out = {self.default_district: out[self.default_district],
                   **{k: v for k, v in out.items() if k != self.default_district}}
        elif self.default_district:
            out = {self.default_district: self.default_district, **out}
        if not out and len(obce):  # obce without ORP/POÚ codes: all of them as one custom area
            out = {"OBCE:" + ";".join(obce["kod_obce"].astype(str)): t("app.data.all_obce", "cs", n=len(obce))}
        return out

    def public_districts(self) -> dict[str, str]:
        """Districts of the public page: the demo's two, or the project's default district."""
        all_ = {k: v for k, v in self.districts().items() if "," not in k and not k.startswith("KRAJ:")}
        if self.kind == "demo" or not all_:
            return all_
        first = next(iter(all_))
        return {first: all_[first]}

    def district(self, spec: str) -> District:
        """The :class:`District` for a spec (``ORP:6221``, ``POU:81142``…)."""
        from coverage_app.io.municipalities import load_district

        d = load_district(self.municipalities, spec, population_source=self.population_source)
        if self.age_shares and d.age_is_estimated:
            d.age_shares = dict(self.age_shares)
        return d

    def area_population(self) -> pd.DataFrame:
        """Population and points of every loaded obec: the context of an analysis (denominators of
        field-service areas, demand around the district), as the command line uses it."""
        if self._context is None:
            from coverage_app.model import population_context

            self._context = population_context(self.municipalities)
        return self._context

    @property
    def source_text(self) -> str:
        """Where the services come from, in words a reader understands (for map attributions and
        footers): the demo's label, the MPSV registry, or the project; with the credit of
        OpenStreetMap roads (ODbL) and of the timetable's operators when they are loaded."""
        from coverage_app.maps.interactive.public import services_source

        parts = [services_source(() if self.kind == "demo" else self.services.source_files, self.label)]
        if self.meta.get("roads_attribution"):
            parts.append(t("app.credit.roads", "cs", credit=self.meta["roads_attribution"]))
        if self.timetable is not None and self.timetable.agencies:
            parts.append(t("app.credit.timetable", "cs", agencies=", ".join(self.timetable.agencies)))
        return " · ".join(parts)


def _hash_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode())
        for f in (sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p] if p.exists() else []):
            digest.update(f.name.encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def load_demo_data() -> AppData:
    """The embedded demo: 83 obce of the four seed districts (points) and fictional services."""
    from coverage_app.demo import (
        demo_paths,
        load_demo_municipalities,
        load_demo_services,
        load_demo_timetable,
    )

    paths = demo_paths()
    report = Report()
    obce = load_demo_municipalities()
    services = load_demo_services(obce, warnings=report)
    previous = load_demo_services(obce, previous=True)
    return AppData(
        key="demo-" + _hash_files(paths.values()), label=t("app.data.demo", "cs"), kind="demo",
        municipalities=obce, services=services, previous_services=previous, warnings=report,
        population_source="ČSÚ, počet obyvatel k 1. 1. 2020 (demo)", default_district="ORP:6221",
        timetable=load_demo_timetable(),
    )


def load_project_data(path: str | Path) -> AppData:
    """A project GeoPackage written by ``coverage-app import`` (raises :class:`DataError`)."""
    import json

    from coverage_app.io.project import load_project

    path = Path(path)
    project = load_project(path)
    shares = json.loads(project.meta["age_shares"]) if project.meta.get("age_shares") else None
    return AppData(
        key="project-" + _hash_files([path]), label=path.name, kind="project",
        municipalities=project.municipalities, services=project.services,
        previous_services=project.previous_services, roads=project.road_graph(), norms=project.norms,
        access=dict(project.access),
        scenarios=dict(project.scenarios), meta=dict(project.meta), project_path=path,
        warnings=Report(list(project.warnings)),
        population_source=project.meta.get("population_source", ""), default_district=project.default_district,
        age_shares=shares, timetable=project.transit_feed(),
        transit_settings=project.transit_settings() if project.timetable else None,
    )


# ---------------------------------------------------------------------------------------------
# Uploads (Data page)
# ---------------------------------------------------------------------------------------------
@dataclass
class UploadResult:
    """Outcome of reading uploaded files: the data (when usable) and every problem found."""

    data: AppData | None
    problems: list[Problem]
    kinds: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.severity == "error" for p in self.problems)


def problems_frame(problems: Sequence[Problem], lang: str = "cs") -> pd.DataFrame:
    """Problems as a table: file, row, column, severity, message (translated headers)."""
    rows = [p.as_dict(lang) for p in problems]
    frame = pd.DataFrame(rows, columns=["file", "row", "column", "severity", "message"])
    frame["severity"] = frame["severity"].map(lambda s: t(f"severity.{s}", lang))
    # a person reads it: no "None" where a problem has no row or column
    frame["row"] = [("" if pd.isna(r) else str(int(r))) for r in frame["row"]]
    frame["column"] = frame["column"].fillna("")
    return frame.rename(columns={c: t(f"app.col.{c}", lang) for c in frame.columns})


def _read_one(path: Path, kind: str, context: dict, warnings: Report) -> None:
    """Read one uploaded file with its reader (raises :class:`DataError`)."""
    if kind == "municipalities":
        from coverage_app.io.municipalities import read_municipalities

        context["municipalities"] = read_municipalities(path)
    elif kind == "custom_kinds":
        from coverage_app.io.services import read_custom_kinds

        context["kinds"] = read_custom_kinds(path, context.get("kinds"))
    elif kind == "services":
        from coverage_app.io.services import read_services

        read_services(path, kinds=context.get("kinds"), warnings=warnings)
    elif kind == "rpss":
        from coverage_app.io.rpss import read_rpss

        read_rpss(path)
    elif kind == "population":
        from coverage_app.io.population import read_population

        read_population(path)
    elif kind == "addresses":
        from coverage_app.io.addresses import read_address_points

        read_address_points(path)
    elif kind == "norms":
        from coverage_app.settings import read_norms

        context["norm_paths"] = context.get("norm_paths", []) + [path]
        read_norms(path, context.get("kinds"))
    elif kind == "speeds":
        from coverage_app.io.roads import read_speed_table

        read_speed_table(path)
    elif kind == "access":
        from coverage_app.access import read_access

        read_access(path, context.get("kinds"))
    elif kind == "roads":
        pass  # read once, when the graph is built
    elif kind == "codelist":
        from coverage_app.io.rpss import read_codelist

        read_codelist(path)


_READ_ORDER = ("custom_kinds", "speeds", "municipalities", "population", "codelist", "addresses", "norms",
               "access", "services", "rpss", "roads")


def _upload_meta(by_kind: Mapping[str, list[Path]]) -> dict[str, str]:
    """What prints say of uploaded data: the services files (their date is unknown in an upload)
    and the roads' credit."""
    from coverage_app.maps.edition import Edition

    from coverage_app.io.osm_download import roads_credit

    files = tuple(p.name for p in by_kind.get("services", []) + by_kind.get("rpss", []))
    meta = Edition(services_files=files).to_meta()
    if by_kind.get("roads"):
        meta.update(roads_credit(by_kind["roads"][0]))
    return meta


def load_uploaded_data(files: Mapping[str, bytes], previous: Mapping[str, bytes] | None = None, *,
                       district: str = "", lang: str = "cs", base: AppData | None = None) -> UploadResult:
    """Read uploaded files (any mix the command ``coverage-app import`` accepts).

    The kind of every file is recognised from its content (:func:`coverage_app.cli.detect_file_kind`);
    every file is read by its reader and every problem is collected (file, row, column,
    message).  When there are no errors and at least the obce and the services are present,
    the data are assembled as ``coverage-app import`` does.  Without a municipalities file the
    obce of ``base`` (the data loaded now: the demo or a project) are used, so a registry file or
    a services template can be tried on the obce already loaded.
    """
    from coverage_app.cli import detect_file_kind, load_inputs

    problems: list[Problem] = []
    warnings = Report()
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="coverage-app-upload-") as tmp:
        root = Path(tmp)
        paths: dict[str, Path] = {}
        for name, content in sorted(files.items()):
            safe = Path(name).name or "soubor"
            p = root / safe
            p.write_bytes(content)
            paths[safe] = p
            digest.update(safe.encode())
            digest.update(content)
        prev_paths: list[Path] = []
        if previous:
            (root / "predchozi").mkdir()
            for name, content in sorted(previous.items()):
                p = root / "predchozi" / (Path(name).name or "soubor")
                p.write_bytes(content)
                prev_paths.append(p)
                digest.update(b"prev:" + p.name.encode())
                digest.update(content)
        kinds: dict[str, str] = {}
        for name, p in paths.items():
            try:
                kind = detect_file_kind(p)
            except DataError as exc:
                problems.extend(exc.problems)
                continue
            if kind is None:
                problems.append(Problem.make(name, None, None, "app.err.unknown_file"))
            elif kind == "project":  # a whole project is opened by the server, not mixed with uploads
                problems.append(Problem.make(name, None, None, "app.err.project_upload", file=name))
            else:
                kinds[name] = kind
        context: dict = {}
        order = {k: i for i, k in enumerate(_READ_ORDER)}
        for name, kind in sorted(kinds.items(), key=lambda kv: order.get(kv[1], 99)):
            try:
                _read_one(paths[name], kind, context, warnings)
            except DataError as exc:
                problems.extend(exc.problems)
        problems.extend(warnings.problems)
        by_kind: dict[str, list[Path]] = {}
        for name, kind in kinds.items():
            by_kind.setdefault(kind, []).append(paths[name])
        if "municipalities" not in by_kind and base is not None and len(base.municipalities):
            loaded = root / "obce_nactene.gpkg"
            base.municipalities.drop(columns=["source_row"], errors="ignore").to_file(loaded, layer="obce",
                                                                                       driver="GPKG")
            by_kind["municipalities"] = [loaded]
            problems.append(Problem.make("", None, None, "app.warn.base_obce", "warning", label=base.label))
        if "municipalities" not in by_kind:
            problems.append(Problem.make("", None, None, "app.err.need_municipalities"))
        if "services" not in by_kind and "rpss" not in by_kind:
            problems.append(Problem.make("", None, None, "app.err.need_services"))
        if any(p.severity == "error" for p in problems):
            return UploadResult(None, problems, kinds)
        try:
            build_warnings = Report()
            obce, services, shares = load_inputs(
                municipalities=by_kind["municipalities"][0],
                population=(by_kind.get("population") or [None])[0],
                points=by_kind["municipalities"][1] if len(by_kind["municipalities"]) > 1 else None,
                services=tuple(by_kind.get("services", []) + by_kind.get("rpss", [])),
                custom_kinds=(by_kind.get("custom_kinds") or [None])[0],
                addresses=tuple(by_kind.get("addresses", [])),
                age_shares=None,
                registry_codelists=(by_kind.get("codelist") or [None])[0],
                warnings=build_warnings,
            )
            services.snapshot = ", ".join(p.name for p in by_kind.get("services", []) + by_kind.get("rpss", []))
            prev_services = None
            if prev_paths:
                _, prev_services, _ = load_inputs(
                    municipalities=by_kind["municipalities"][0], population=None, points=None,
                    services=tuple(prev_paths), custom_kinds=(by_kind.get("custom_kinds") or [None])[0],
                    addresses=tuple(by_kind.get("addresses", [])), age_shares=None,
                    registry_codelists=(by_kind.get("codelist") or [None])[0])
                prev_services.snapshot = ", ".join(p.name for p in prev_paths)
            norms: tuple[Norm, ...] = ()
            if by_kind.get("norms"):
                from coverage_app.settings import read_norms

                norms = tuple(n for p in by_kind["norms"] for n in read_norms(p, services.kinds))
            access: dict = {}
            if by_kind.get("access"):
                from coverage_app.access import read_access

                for p in by_kind["access"]:
                    access.update(read_access(p, services.kinds))
            graph = None
            if by_kind.get("roads"):
                from coverage_app.io.roads import load_roads, read_speed_table

                speeds = read_speed_table(by_kind["speeds"][0]) if by_kind.get("speeds") else None
                graph = load_roads(by_kind["roads"][0], road_speeds=speeds)
        except DataError as exc:
            return UploadResult(None, problems + list(exc.problems), kinds)
        problems.extend(build_warnings.problems)
        spec = district or _busiest_district(obce, services)
        label = ", ".join(sorted(paths))
        data = AppData(key="upload-" + digest.hexdigest()[:16], label=label, kind="upload", municipalities=obce,
                       services=services, previous_services=prev_services, roads=graph, norms=norms,
                       access=access, warnings=Report(list(build_warnings.problems)),
                       meta=_upload_meta(by_kind),
                       population_source=", ".join(p.name for p in by_kind.get("population", []))
                       or by_kind["municipalities"][0].name,
                       default_district=spec, age_shares=shares)
        return UploadResult(data, problems, kinds)


def _busiest_district(obce: pd.DataFrame, services: Services) -> str:
    """The ORP (else POÚ) with the most service sites, else with the most obce (``""`` if none)."""
    for level in ("orp", "pou"):
        col = f"kod_{level}"
        codes = obce.set_index("kod_obce")[col].astype(str)
        at_sites = services.sites["kod_obce"].map(codes).dropna()
        at_sites = at_sites[at_sites != ""]
        pool = at_sites if len(at_sites) else codes[codes != ""]
        if len(pool):
            return f"{level.upper()}:{pool.value_counts().index[0]}"
    return ""


# ---------------------------------------------------------------------------------------------
# Filters of the planner
# ---------------------------------------------------------------------------------------------
def filter_services(services: Services, *, form: str | None = None, target_group: str | None = None) -> Services:
    """Only services for a target group and only their sites and capacities of one form.

    ``target_group`` is a code of :data:`~coverage_app.codelists.TARGET_GROUPS`; ``form`` is
    ``pob``, ``amb`` or ``ter``.  ``None`` keeps everything.
    """
    out = services
    if target_group:
        keep = [r.service_id for r in services.services.itertuples()
                if target_group in {resolve_target_group(tg) for tg in r.target_groups}]
        out = out.filter(keep)
    if form:
        sites = out.sites[out.sites["form"] == form]
        caps = out.capacities[out.capacities["form"] == form]
        ids = set(sites["service_id"]) | set(caps["service_id"])
        out = Services(out.services[out.services["service_id"].isin(ids)].copy(), sites.copy(), caps.copy(),
                       out.kinds, snapshot=out.snapshot, source_files=out.source_files)
    return out


def kinds_for(services: Services, working_group: str | None = None) -> list[str]:
    """Kinds present among the services, in codelist order; only a working group's when given."""
    present = services.kinds_present()
    if not working_group:
        return present
    wg = {k.id for k in services.kinds.by_working_group(working_group)}
    return [k for k in present if k in wg]


def target_groups_present(services: Services, working_group: str | None = None) -> list[str]:
    """Target-group codes used by the services (codelist order), of one working group when given."""
    used = {resolve_target_group(tg) for tgs in services.services["target_groups"] for tg in tgs}
    return [code for code, g in TARGET_GROUPS.items()
            if code in used and (not working_group or g.working_group == working_group)]


# ---------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------
PASSWORD_ENV = "COVERAGE_APP_PLANNER_PASSWORD"
_PBKDF2 = "pbkdf2_sha256"


def hash_password(password: str, *, iterations: int = 240_000, salt: bytes | None = None) -> str:
    """A salted PBKDF2-SHA256 hash for the project meta key ``planner_password``.

    Format: ``pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>``.
    """
    salt = salt or secrets.token_bytes(16)
    dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_PBKDF2}${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(dk).decode()}"


def _check_hash(password: str, stored: str) -> bool:
    try:
        algo, iters, salt_b64, hash_b64 = stored.split("$")
        if algo != _PBKDF2:
            return False
        dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt_b64), int(iters))
        return hmac.compare_digest(dk, base64.b64decode(hash_b64))
    except (ValueError, TypeError):
        return False


def planner_password_configured(data: AppData, env: Mapping[str, str] | None = None) -> bool:
    """Whether a planner can log in at all (a password is set, or this is the demo)."""
    env = os.environ if env is None else env
    return bool(env.get(PASSWORD_ENV)) or bool(data.meta.get("planner_password")) or data.kind == "demo"


def verify_password(given: str, data: AppData, env: Mapping[str, str] | None = None) -> bool:
    """Check the planner password (constant-time comparison).

    Order: the environment variable ``COVERAGE_APP_PLANNER_PASSWORD``; the project meta key
    ``planner_password`` (a :func:`hash_password` hash); in the demo, ``demo``.  Without any of
    them nobody can log in.
    """
    env = os.environ if env is None else env
    given_b = str(given).encode("utf-8")
    if env.get(PASSWORD_ENV):
        return hmac.compare_digest(given_b, env[PASSWORD_ENV].encode("utf-8"))
    if data.meta.get("planner_password"):
        return _check_hash(str(given), data.meta["planner_password"])
    if data.kind == "demo":
        return hmac.compare_digest(given_b, b"demo")
    return False


def password_binding(data: AppData, env: Mapping[str, str] | None = None) -> str:
    """A fingerprint of the planner password in force (never the password): login tokens are
    signed with it, so setting a new password ends every login."""
    env = os.environ if env is None else env
    secret = env.get(PASSWORD_ENV) or data.meta.get("planner_password") or ("demo" if data.kind == "demo" else "")
    return hashlib.sha256(("coverage-app-login|" + str(secret)).encode("utf-8")).hexdigest()


def password_hint(data: AppData, lang: str = "cs", env: Mapping[str, str] | None = None) -> str:
    """What the login page says about the password."""
    env = os.environ if env is None else env
    if env.get(PASSWORD_ENV) or data.meta.get("planner_password"):
        return t("app.login.hint_set", lang)
    if data.kind == "demo":
        return t("app.login.hint_demo", lang)
    return t("app.login.hint_missing", lang, env=PASSWORD_ENV)


# ---------------------------------------------------------------------------------------------
# Online check (OpenStreetMap basemap only when it can load)
# ---------------------------------------------------------------------------------------------
def osm_reachable(timeout: float = 1.5, host: str = "tile.openstreetmap.org") -> bool:
    """Whether the OSM tile server answers a TCP connection within ``timeout`` seconds.

    ``COVERAGE_APP_OFFLINE=1`` forces ``False`` (no attempt).  The check runs in a thread so
    that a hanging name lookup cannot block the page longer than ``timeout``.
    """
    if os.environ.get("COVERAGE_APP_OFFLINE"):
        return False
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, 443), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    th = threading.Thread(target=probe, daemon=True)
    th.start()
    th.join(timeout + 0.2)
    return bool(result and result[0])


# ---------------------------------------------------------------------------------------------
# Map clicks and what-if helpers
# ---------------------------------------------------------------------------------------------
def wgs84_to_5514(lat: float, lon: float) -> tuple[float, float]:
    """EPSG:4326 latitude/longitude → EPSG:5514 x, y (metres)."""
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, CRS, always_xy=True)
    x, y = tr.transform(float(lon), float(lat))
    return float(x), float(y)


def nearest_obec(district: District, x: float, y: float) -> str:
    """Code of the district's obec whose polygon contains the point, else of the nearest point."""
    from shapely.geometry import Point

    pt = Point(x, y)
    obce = district.obce
    if district.has_polygons:
        hit = obce[obce.geometry.contains(pt)]
        if len(hit):
            return str(hit["kod_obce"].iloc[0])
    xy = district.xy()
    i = int(np.argmin((xy[:, 0] - x) ** 2 + (xy[:, 1] - y) ** 2))
    return str(obce["kod_obce"].iloc[i])


from coverage_app.app._whatif import (  # noqa: E402,F401  (what-if helpers, kept importable from here)
    capacity_options,
    delta_changes,
    describe_edit,
    field_service_options,
    site_changes,
    site_options,
)


# ---------------------------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------------------------
def table_downloads(analysis: "Analysis", lang: str = "cs") -> dict[str, bytes]:
    """The analysis as files for download: CSV tables, the XLSX report and the GeoPackage.

    Keys are file names (``mezery.csv``, ``pokryti.csv``, ``kapacity.csv``, ``report.xlsx``,
    ``pokryti.gpkg``, with a timetable ``bez_auta.csv``): the CSVs for a spreadsheet in the
    reader's language (:func:`coverage_app.io.writers.spreadsheet_csv`), the report and the
    GeoPackage as :func:`coverage_app.io.writers.write_analysis` writes them.
    """
    from coverage_app.io.writers import spreadsheet_csv, write_analysis

    names = {"report.xlsx": "report.xlsx", "coverage.gpkg": "pokryti.gpkg"}
    with tempfile.TemporaryDirectory(prefix="coverage-app-dl-") as tmp:
        out = Path(tmp) / "out"
        write_analysis(analysis, out, lang=lang)
        files = {names[f.name]: f.read_bytes() for f in sorted(out.iterdir()) if f.name in names}
    files["mezery.csv"] = spreadsheet_csv(analysis.gaps, lang)
    files["pokryti.csv"] = spreadsheet_csv(analysis.coverage, lang)
    files["kapacity.csv"] = spreadsheet_csv(analysis.capacity, lang)
    if analysis.transit is not None:
        files["bez_auta.csv"] = spreadsheet_csv(analysis.without_car(lang), lang)
    return files


def isochrones_for(analysis: "Analysis", site_id: str, roads: "RoadGraph | None" = None) -> gpd.GeoDataFrame | None:
    """Isochrones (the analysis's travel-time bands) of one site, EPSG:5514, or ``None``."""
    from coverage_app.reach import isochrones

    sites = analysis.sites[analysis.sites["site_id"] == site_id]
    if sites.empty:
        return None
    row = sites.iloc[0]
    s = analysis.settings
    direction = "from_site" if row["form"] == "ter" else "to_site"
    params = analysis.travel.params
    detour = float(params.get("detour_factor", s.detour_factor))
    speed = params.get("speed_kmh", s.speed_kmh)
    return isochrones(roads, (row.geometry.x, row.geometry.y), minutes=s.bands_min, mode=s.mode, direction=direction,
                      detour_factor=detour, speed_kmh=speed, access_speed_kmh=s.access_speed_kmh)
