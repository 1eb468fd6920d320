"""Official data for one district, downloaded into a local cache (``coverage-app data download``).

:func:`download_district` fetches, for an ORP/POÚ (or a list of obce):

* **boundaries** — ČÚZK Shapefile in EPSG:5514.  By default the state file
  (``…/shp/stat/epsg-5514/1.zip``, ~250 MB, cached for a month): it is the only source that
  gives, before anything else is known, which obce belong to an ORP/POÚ (its ``OBCE_P`` layer
  carries ``POU_KOD``/``ORP_KOD`` in the RÚIAN code system, which the shipped crosswalk turns
  into ČSÚ codes).  Only the five ``OBCE_P.*`` members are taken out of the archive.  With
  ``Sources.boundaries_mode = "obce"`` the per-obec archives (``…/shp/obec/epsg-5514/{kod}.zip``)
  are fetched instead; that needs the obce to be known already (``OBCE:…`` spec or ``obce=``).
* **population** — a ČSÚ long-format CSV (default the 2021 census by 5-year age groups).
* **registry** — MPSV ``rpss.json`` and its codelists (kinds, target groups, forms).
* **addresses** — RÚIAN address points ``{YYYYMMDD}_OB_ADR_csv.zip`` of the last day of the
  previous month (falling back one more month when that one is not published yet).
* **roads** — the OpenStreetMap roads and paths of the district plus a margin, from the Overpass
  API (OSM XML, ODbL; see :mod:`coverage_app.io.osm_download`).
* **gtfs** — only when ``Sources.gtfs`` is set: the public-transport feed (GTFS zip) of the
  region's integrated transport system.

Raw downloads live in ``<cache>/raw``; for the district, subsets in the *same formats* are
written to ``<cache>/districts/<ORP_6221>/`` (the obce as GeoPackage, the ČSÚ rows of its obce,
the registry items with a facility in it, the address-point files of its obce, ``roads.osm`` with
``roads.source.json``, ``gtfs.zip``), so that the readers of :mod:`coverage_app.io` load them quickly.  ``<cache>/manifest.json`` lists every
file: URL, time fetched and last checked, size, SHA-256, ETag/Last-Modified.

Files are downloaded to ``*.part`` (resumed with an HTTP range request when the server allows)
and renamed when complete.  A cached file younger than its maximum age is used without any
request; an older one is revalidated with ``If-None-Match``/``If-Modified-Since``.  Network
failures raise :class:`~coverage_app.errors.DataError` with a Czech message
("nelze stáhnout …: síť není dostupná"), never a traceback.

Every URL is configurable (:class:`Sources`): in code, in a TOML/JSON file
(:meth:`Sources.load`) or through the environment variable ``COVERAGE_APP_SOURCES`` (a path to
such a file, or inline JSON).
"""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import socket
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from coverage_app.admin import DistrictSpec, parse_district_spec
from coverage_app.errors import DataError, Report
from coverage_app.i18n import register, t

__all__ = [
    "ENV_VAR",
    "DownloadResult",
    "Sources",
    "default_address_date",
    "download_district",
    "fetch",
]

#: Environment variable naming a TOML/JSON file (or holding inline JSON) that overrides sources.
ENV_VAR = "COVERAGE_APP_SOURCES"

register({
    "err.download_offline": {
        "cs": "nelze stáhnout {url}: síť není dostupná ({detail})",
        "en": "cannot download {url}: the network is not available ({detail})",
    },
    "err.download_http": {
        "cs": "nelze stáhnout {url}: server odpověděl {status} {reason}",
        "en": "cannot download {url}: the server answered {status} {reason}",
    },
    "err.download_timeout": {
        "cs": "nelze stáhnout {url}: server neodpověděl do {seconds} s",
        "en": "cannot download {url}: the server did not answer within {seconds} s",
    },
    "err.download_incomplete": {
        "cs": "stahování {url} bylo přerušeno po {got} z {total} bajtů; spusťte stahování znovu, naváže se",
        "en": "the download of {url} stopped after {got} of {total} bytes; run it again to resume",
    },
    "err.sources_config": {
        "cs": "nastavení zdrojů nelze přečíst: {detail}",
        "en": "the source settings cannot be read: {detail}",
    },
    "err.download_needs_obce": {
        "cs": "stahování hranic po obcích potřebuje znát obce obvodu {value}; zadejte je (OBCE:…) "
              "nebo použijte celostátní soubor ČÚZK",
        "en": "downloading boundaries per obec needs the obce of {value}; give them (OBCE:…) "
              "or use the ČÚZK state file",
    },
    "err.download_no_layer": {
        "cs": "v archivu ČÚZK chybí vrstva obcí (OBCE_P)",
        "en": "the ČÚZK archive has no obce layer (OBCE_P)",
    },
    "msg.download_done": {
        "cs": "{label}: staženo {fetched} souborů, z mezipaměti {reused}; data obvodu ve složce {folder}",
        "en": "{label}: {fetched} files downloaded, {reused} from the cache; district data in {folder}",
    },
})

_STEPS = ("boundaries", "population", "registry", "addresses", "roads", "gtfs")


@dataclass
class Sources:
    """Where the official data come from (every URL can be changed).

    Attributes
    ----------
    boundaries_state : str
        ČÚZK Shapefile of the whole state (EPSG:5514).
    boundaries_obec : str
        ČÚZK Shapefile of one obec; ``{kod_obce}`` is filled in.
    boundaries_mode : {"state", "obce"}
        Which of the two to use (see the module docstring).
    population : str
        ČSÚ long-format CSV with obce (``vuzemi_cis``/``uzemi_cis`` 43).
    rpss : str
        MPSV registry ``rpss.json``.
    codelists_base : str
        Folder URL of the registry codelists.
    codelists : tuple of str
        Codelist file names fetched from ``codelists_base``.
    addresses : str
        RÚIAN address points; ``{date}`` is filled with ``YYYYMMDD``.
    address_date : str
        ``YYYYMMDD`` of the address-point file; empty = last day of the previous month.
    overpass_url : str
        Overpass API endpoint (``…/api/interpreter``) for the OpenStreetMap roads.
    overpass_timeout : int
        Seconds the Overpass server may work on the query (``[timeout:…]``).
    roads_margin_km : float
        Kilometres around the district's obce whose roads are fetched too.
    gtfs : str
        URL of a GTFS zip (public transport); empty = none is fetched.
    timeout : float
        Seconds to wait for a server before giving up.
    max_age_days : dict
        Per step, how old (days) a cached file may be before it is revalidated.
    user_agent : str
        ``User-Agent`` header sent with every request.
    """

    boundaries_state: str = "https://services.cuzk.cz/shp/stat/epsg-5514/1.zip"
    boundaries_obec: str = "https://services.cuzk.cz/shp/obec/epsg-5514/{kod_obce}.zip"
    boundaries_mode: str = "state"
    population: str = ("https://csu.gov.cz/docs/107508/669330fa-7201-a927-a7c8-16e45db63de0/"
                       "sldb2021_vek5_pohlavi.csv?version=1.0")
    rpss: str = "https://data.mpsv.cz/od/soubory/rpss/rpss.json"
    codelists_base: str = "https://data.mpsv.cz/od/soubory/ciselniky/"
    codelists: tuple[str, ...] = ("druhy-socialni-sluzby.json", "cilove-skupiny-osoby.json",
                                  "formy-soc-sluzby.json")
    addresses: str = "https://vdp.cuzk.cz/vymenny_format/csv/{date}_OB_ADR_csv.zip"
    address_date: str = ""
    overpass_url: str = "https://overpass-api.de/api/interpreter"
    overpass_timeout: int = 180
    roads_margin_km: float = 5.0
    gtfs: str = ""
    timeout: float = 60.0
    max_age_days: dict[str, float] = field(default_factory=lambda: {
        "boundaries": 30.0, "population": 90.0, "registry": 1.0, "codelists": 7.0, "addresses": 30.0,
        "roads": 30.0, "gtfs": 7.0})
    user_agent: str = "coverage-app (data download; https://pypi.org/project/coverage-app/)"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: "Sources | None" = None) -> "Sources":
        """Sources with the keys of ``data`` overriding ``base`` (default: the built-in sources)."""
        base = base or cls()
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise DataError.single("", None, None, "err.sources_config",
                                   detail=f"neznámé klíče {', '.join(unknown)} (známé: {', '.join(sorted(names))})")
        values = dataclasses.asdict(base)
        for key, val in data.items():
            if key == "codelists":
                val = tuple(val)
            elif key == "max_age_days":
                val = {**values["max_age_days"], **dict(val)}
            elif key in ("timeout", "roads_margin_km"):
                val = float(val)
            elif key == "overpass_timeout":
                val = int(val)
            values[key] = val
        if values["boundaries_mode"] not in ("state", "obce"):
            raise DataError.single("", None, None, "err.sources_config",
                                   detail="boundaries_mode musí být „state“ nebo „obce“")
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path, base: "Sources | None" = None) -> "Sources":
        """Read overrides from a TOML or JSON file (keys as the attributes; a ``[sources]`` table is accepted)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (OSError, tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataError.single(path.name, None, None, "err.sources_config", detail=str(exc)) from None
        if isinstance(data, Mapping) and isinstance(data.get("sources"), Mapping):
            data = data["sources"]
        if not isinstance(data, Mapping):
            raise DataError.single(path.name, None, None, "err.sources_config", detail="očekávám tabulku klíčů")
        return cls.from_mapping(data, base)

    @classmethod
    def from_env(cls) -> "Sources":
        """The built-in sources, overridden by ``$COVERAGE_APP_SOURCES`` (file path or inline JSON)."""
        value = os.environ.get(ENV_VAR, "").strip()
        if not value:
            return cls()
        if value.startswith("{"):
            try:
                data = json.loads(value)
            except json.JSONDecodeError as exc:
                raise DataError.single(ENV_VAR, None, None, "err.sources_config", detail=str(exc)) from None
            return cls.from_mapping(data)
        return cls.load(value)


def default_address_date(today: dt.date | None = None, months_back: int = 1) -> str:
    """``YYYYMMDD`` of the last day of the month ``months_back`` months before ``today``."""
    today = today or dt.date.today()
    year, month = today.year, today.month - months_back
    while month < 1:
        month += 12
        year -= 1
    return f"{year:04d}{month:02d}{calendar.monthrange(year, month)[1]:02d}"


# ---------------------------------------------------------------------------------------------
# Manifest and fetching
# ---------------------------------------------------------------------------------------------
def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class _Manifest:
    def __init__(self, cache_dir: Path):
        self.path = cache_dir / "manifest.json"
        self.data: dict[str, Any] = {"version": 1, "files": {}}
        if self.path.exists():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and isinstance(loaded.get("files"), dict):
                    self.data = loaded
            except (OSError, json.JSONDecodeError):
                pass

    def entry(self, rel: str) -> dict[str, Any] | None:
        return self.data["files"].get(rel)

    def set(self, rel: str, entry: dict[str, Any]) -> None:
        self.data["files"][rel] = entry
        self.save()

    def save(self) -> None:
        tmp = self.path.with_suffix(".json.part")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _network_error(url: str, exc: BaseException, timeout: float) -> DataError:
    if isinstance(exc, urllib.error.HTTPError):
        return DataError.single(url, None, None, "err.download_http", url=url, status=exc.code, reason=exc.reason or "")
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return DataError.single(url, None, None, "err.download_timeout", url=url, seconds=f"{timeout:g}")
    detail = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return DataError.single(url, None, None, "err.download_offline", url=url, detail=detail)


def fetch(url: str, dest: str | Path, cache_dir: str | Path, *, max_age_days: float = 1.0, force: bool = False,
          progress: bool = True, timeout: float = 60.0, user_agent: str = "coverage-app") -> tuple[Path, bool]:
    """Download ``url`` to ``dest`` unless a fresh copy is cached.

    Parameters
    ----------
    url : str
        Source.
    dest : path
        Target file (inside ``cache_dir``).
    cache_dir : path
        Folder holding ``manifest.json``.
    max_age_days : float
        A cached copy checked less than this many days ago is used without any request; an
        older one is revalidated (ETag / Last-Modified).
    force : bool
        Download even when cached.
    progress : bool
        Show a progress bar (bytes).
    timeout : float
        Seconds to wait for the server.

    Returns
    -------
    (Path, bool)
        The file and whether it was (re)downloaded now.

    Raises
    ------
    DataError
        The server is unreachable, answers an error, times out or the transfer breaks off.
    """
    cache_dir = Path(cache_dir)
    dest = Path(dest)
    manifest = _Manifest(cache_dir)
    rel = dest.relative_to(cache_dir).as_posix() if dest.is_relative_to(cache_dir) else str(dest)
    entry = manifest.entry(rel)
    now = _now()
    if entry and dest.exists() and entry.get("url") == url and not force:
        checked = dt.datetime.fromisoformat(entry.get("checked_at") or entry["fetched_at"])
        if (now - checked).total_seconds() < max_age_days * 86400:
            return dest, False
    headers = {"User-Agent": user_agent, "Accept-Encoding": "identity"}
    revalidate = bool(entry and dest.exists() and entry.get("url") == url and not force)
    if revalidate:
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    if offset:
        headers["Range"] = f"bytes={offset}-"
    dest.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - URLs are the user's sources
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and revalidate:
            entry["checked_at"] = now.isoformat()
            manifest.set(rel, entry)
            return dest, False
        if exc.code == 416 and offset:
            part.unlink(missing_ok=True)
            return fetch(url, dest, cache_dir, max_age_days=max_age_days, force=force, progress=progress,
                         timeout=timeout, user_agent=user_agent)
        raise _network_error(url, exc, timeout) from None
    except (urllib.error.URLError, OSError) as exc:
        raise _network_error(url, exc, timeout) from None
    with response:
        status = getattr(response, "status", 200)
        mode = "ab" if (status == 206 and offset) else "wb"
        start = offset if mode == "ab" else 0
        length = response.headers.get("Content-Length")
        total = start + int(length) if length and length.isdigit() else None
        got = start
        bar = tqdm(total=total, initial=start, unit="B", unit_scale=True, unit_divisor=1024,
                   desc=dest.name, disable=not progress, leave=False)
        try:
            with part.open(mode) as out:
                while True:
                    chunk = response.read(1 << 16)
                    if not chunk:
                        break
                    out.write(chunk)
                    got += len(chunk)
                    bar.update(len(chunk))
        except http.client.IncompleteRead:
            raise DataError.single(url, None, None, "err.download_incomplete", url=url, got=got,
                                   total=total if total is not None else "?") from None
        except (OSError, http.client.HTTPException) as exc:
            raise _network_error(url, exc, timeout) from None
        finally:
            bar.close()
        if total is not None and got < total:
            raise DataError.single(url, None, None, "err.download_incomplete", url=url, got=got, total=total)
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
    os.replace(part, dest)
    manifest.set(rel, {
        "url": url, "path": rel, "fetched_at": now.isoformat(), "checked_at": now.isoformat(),
        "size": dest.stat().st_size, "sha256": _sha256(dest), "etag": etag, "last_modified": last_modified,
    })
    return dest, True


# ---------------------------------------------------------------------------------------------
# The district
# ---------------------------------------------------------------------------------------------
@dataclass
class DownloadResult:
    """What :func:`download_district` fetched and where the district's files are.

    Attributes
    ----------
    spec : DistrictSpec
        The district.
    cache_dir, district_dir : Path
        The cache and the district's folder in it.
    obce : tuple of str
        Obec codes of the district.
    files : dict of str to Path
        ``municipalities`` (GPKG of the district's obce), ``municipalities_all`` (the ČÚZK
        ``OBCE_P.shp`` of the whole state, in state mode — to place sites outside the district),
        ``population`` (ČSÚ CSV subset), ``rpss`` (registry subset), ``codelists`` (folder),
        ``addresses`` (zip of the address-point CSVs of the district's obce and of the obce of
        its services' sites), ``roads`` (OSM XML of the district plus the margin), ``gtfs``
        (GTFS zip) — those of the steps run.
    fetched, reused : list of str
        URLs downloaded now / taken from the cache.
    population_source : str
        Line describing the population data (for outputs).
    warnings : Report
        Warnings met while preparing the files.
    """

    spec: DistrictSpec
    cache_dir: Path
    district_dir: Path
    obce: tuple[str, ...]
    files: dict[str, Path] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    population_source: str = ""
    warnings: Report = field(default_factory=Report)

    def summary(self, lang: str = "cs") -> str:
        """One line for the CLI."""
        return t("msg.download_done", lang, label=self.spec.label, fetched=len(self.fetched),
                 reused=len(self.reused), folder=self.district_dir)


def _district_folder(spec: DistrictSpec) -> str:
    if spec.level == "OBCE":
        digest = hashlib.sha1(";".join(sorted(spec.obce)).encode()).hexdigest()[:10]
        return f"OBCE_{digest}"
    return re.sub(r"[^A-Za-z0-9_]+", "_", f"{spec.level}_{spec.code}")


def _url_name(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"


def download_district(
    spec: str | DistrictSpec,
    cache_dir: str | Path,
    sources: Sources | None = None,
    progress: bool = True,
    *,
    obce: Iterable[str] | None = None,
    steps: Iterable[str] | None = None,
    force: bool = False,
    today: dt.date | None = None,
) -> DownloadResult:
    """Fetch the official data of a district into ``cache_dir`` and prepare its files.

    Parameters
    ----------
    spec : str or DistrictSpec
        ``ORP:6221``, ``ORP:1376``, ``POU:81142``, a name, or ``OBCE:584282;583031``.
    cache_dir : path
        Cache folder (created when missing).
    sources : Sources, optional
        URLs and settings (default: :meth:`Sources.from_env`).
    progress : bool
        Show progress bars (bytes).
    obce : iterable of str, optional
        Obec codes of the district when already known (needed for ``boundaries_mode="obce"``
        with an ORP/POÚ spec; otherwise they come from the ČÚZK state file).
    steps : iterable of str, optional
        Any of ``"boundaries"``, ``"population"``, ``"registry"``, ``"addresses"``, ``"roads"``,
        ``"gtfs"``; default all, ``"gtfs"`` only when ``Sources.gtfs`` is set.  The boundaries
        are fetched anyway when the obce of the district are not known otherwise or the roads
        are asked for (their box comes from the obce polygons).
    force : bool
        Download again even when the cache is fresh.
    today : date, optional
        Date used to choose the address-point file (default: today).

    Returns
    -------
    DownloadResult

    Raises
    ------
    DataError
        Unknown district, unreachable or failing server (Czech message), unreadable download.
    """
    from coverage_app.io.municipalities import read_municipalities, select_district

    resolved = spec if isinstance(spec, DistrictSpec) else parse_district_spec(spec)
    src = sources or Sources.from_env()
    cache = Path(cache_dir)
    raw = cache / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    explicit = steps is not None
    steps = tuple(steps) if steps is not None else _STEPS
    for s in steps:
        if s not in _STEPS:
            raise DataError.single("", None, None, "err.option", option="steps", detail=", ".join(_STEPS))
    district_dir = cache / "districts" / _district_folder(resolved)
    district_dir.mkdir(parents=True, exist_ok=True)
    result = DownloadResult(resolved, cache, district_dir, ())

    def get(url: str, dest: Path, step: str, timeout: float | None = None) -> Path:
        path, downloaded = fetch(url, dest, cache, max_age_days=src.max_age_days.get(step, 1.0), force=force,
                                 progress=progress, timeout=timeout or src.timeout, user_agent=src.user_agent)
        (result.fetched if downloaded else result.reused).append(url)
        return path

    known = tuple(sorted({str(c) for c in obce})) if obce is not None else (
        resolved.obce if resolved.level == "OBCE" else ())

    # boundaries: which obce are in the district, and their polygons
    if "boundaries" in steps or "roads" in steps or not known:
        if src.boundaries_mode == "state":
            archive = get(src.boundaries_state, raw / "cuzk" / "stat_epsg5514.zip", "boundaries")
            layer = _extract_layer(archive, raw / "cuzk" / "stat_obce", ("OBCE_P",))
            obce_all = read_municipalities(layer)
            part, _ = select_district(obce_all, resolved)
        else:
            if not known:
                raise DataError.single("", None, None, "err.download_needs_obce", value=resolved.label)
            frames = []
            for kod in known:
                archive = get(src.boundaries_obec.format(kod_obce=kod), raw / "cuzk" / "obec" / f"{kod}.zip",
                              "boundaries")
                layer = _extract_layer(archive, raw / "cuzk" / "obec" / kod, ("OBCE_P", "OBEC_P"))
                frames.append(read_municipalities(layer))
            import geopandas as gpd

            allp = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
            part = allp[allp["kod_obce"].isin(known)].copy()
        known = tuple(sorted(part["kod_obce"]))
        target = district_dir / "obce.gpkg"
        part.drop(columns=["source_row"], errors="ignore").to_file(target, layer="obce", driver="GPKG")
        result.files["municipalities"] = target
        if src.boundaries_mode == "state":
            result.files["municipalities_all"] = layer
    result.obce = known
    keep = set(known)

    if "population" in steps:
        path = get(src.population, raw / "csu" / _url_name(src.population), "population")
        target = district_dir / path.name
        _subset_csu(path, target, keep)
        from coverage_app.io.population import read_population

        pop = read_population(target, obce=keep, warnings=result.warnings)
        result.population_source = str(pop.attrs.get("source", ""))
        result.files["population"] = target

    if "registry" in steps:
        cl_dir = raw / "mpsv" / "ciselniky"
        for fname in src.codelists:
            get(src.codelists_base.rstrip("/") + "/" + fname, cl_dir / fname, "codelists")
        rpss = get(src.rpss, raw / "mpsv" / _url_name(src.rpss), "registry")
        target = district_dir / "rpss.json"
        _subset_rpss(rpss, target, keep)
        result.files["rpss"] = target
        result.files["codelists"] = cl_dir

    if "addresses" in steps:
        date = src.address_date or default_address_date(today)
        try:
            archive = get(src.addresses.format(date=date), raw / "ruian" / f"{date}_OB_ADR_csv.zip", "addresses")
        except DataError as exc:
            if src.address_date or not any(p.code == "err.download_http" and dict(p.params).get("status") == 404
                                           for p in exc.problems):
                raise
            date = default_address_date(today, months_back=2)
            archive = get(src.addresses.format(date=date), raw / "ruian" / f"{date}_OB_ADR_csv.zip", "addresses")
        target = district_dir / f"{date}_OB_ADR_csv.zip"
        wanted = set(keep)
        if "rpss" in result.files:
            # sites of the district's services that lie outside it are placed too
            wanted |= _registry_obce(result.files["rpss"])
        _subset_addresses(archive, target, wanted)
        result.files["addresses"] = target

    from coverage_app.io.osm_download import fetch_gtfs, fetch_roads

    if "roads" in steps:
        result.files["roads"] = fetch_roads(get, part, raw, district_dir, src)
    if "gtfs" in steps and (src.gtfs or explicit):
        result.files["gtfs"] = fetch_gtfs(get, src.gtfs, raw, district_dir)
    return result


def _extract_layer(archive: Path, folder: Path, layers: tuple[str, ...]) -> Path:
    """Take the members of one Shapefile layer (``OBCE_P.shp/.shx/.dbf/.prj/.cpg``) out of a zip."""
    from coverage_app.io.archives import open_zip

    with open_zip(archive) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        for layer in layers:
            chosen = [i for i in members if Path(i.filename).stem.upper() == layer]
            if any(i.filename.lower().endswith(".shp") for i in chosen):
                break
        else:
            raise DataError.single(archive.name, None, None, "err.download_no_layer")
        folder.mkdir(parents=True, exist_ok=True)
        shp = None
        for info in chosen:
            target = folder / Path(info.filename).name
            tmp = target.with_name(target.name + ".part")
            with zf.open(info) as src, open(tmp, "wb") as out:
                shutil.copyfileobj(src, out)
            os.replace(tmp, target)
            if target.suffix.lower() == ".shp":
                shp = target
    assert shp is not None
    return shp


def _subset_csu(source: Path, target: Path, obce: set[str]) -> None:
    """Write the rows of a ČSÚ long-format CSV that belong to ``obce`` (same header and encoding).

    ČSÚ files have one record per line (no line breaks inside fields).
    """
    from coverage_app.io.tables import decode_bytes

    text, encoding = decode_bytes(source.read_bytes(), source.name)
    lines = text.splitlines(keepends=True)
    if not lines:
        raise DataError.single(source.name, None, None, "err.empty_file")
    header = lines[0]
    delim = ";" if header.count(";") > header.count(",") else ","
    cols = [c.strip().lower() for c in next(csv.reader(io.StringIO(header), delimiter=delim))]
    cols[0] = cols[0].lstrip("\ufeff")
    idx = next((cols.index(c) for c in ("vuzemi_kod", "uzemi_kod") if c in cols), None)
    cis = next((cols.index(c) for c in ("vuzemi_cis", "uzemi_cis") if c in cols), None)
    if idx is None:
        shutil.copyfile(source, target)
        return
    out = [header]
    for line in lines[1:]:
        rec = next(csv.reader([line], delimiter=delim), [])
        if len(rec) > idx and rec[idx].strip() in obce and (cis is None or rec[cis].strip() == "43"):
            out.append(line)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes("".join(out).encode("utf-8" if encoding == "utf-8" else "cp1250"))
    os.replace(tmp, target)


def _subset_rpss(source: Path, target: Path, obce: set[str]) -> None:
    """Write the registry items with a facility (or contact address) in ``obce``, same structure."""
    from coverage_app.io.rpss import RegistryCodelists, _facilities, _in_area, iter_registry_items

    report = Report()
    kept = []
    cl = RegistryCodelists()
    for n, item in iter_registry_items(source):
        if isinstance(item, Mapping) and _in_area(item, _facilities(item, None, source.name, n, report), obce, None, cl):
            kept.append(item)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump({"polozky": kept}, fh, ensure_ascii=False)
    os.replace(tmp, target)


def _registry_obce(path: Path) -> set[str]:
    """Obec codes of all facilities in a registry file."""
    from coverage_app.io.rpss import RegistryCodelists, _obec_of, iter_registry_items

    cl = RegistryCodelists()
    out: set[str] = set()
    for _n, item in iter_registry_items(path):
        for z in (item.get("zarizeni") or []) if isinstance(item, Mapping) else []:
            if isinstance(z, Mapping) and isinstance(z.get("adresa"), Mapping):
                code = _obec_of(z["adresa"], cl)[0]
                if code:
                    out.add(code)
    return out


def _subset_addresses(source: Path, target: Path, obce: set[str]) -> None:
    """Copy the address-point CSVs of ``obce`` from the national zip into a small zip."""
    from coverage_app.io.addresses import member_obec

    from coverage_app.io.archives import open_zip

    zf = open_zip(source)
    tmp = target.with_name(target.name + ".part")
    with zf, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            if member_obec(info.filename) in obce:
                out.writestr(Path(info.filename).name, zf.read(info))
    os.replace(tmp, target)
