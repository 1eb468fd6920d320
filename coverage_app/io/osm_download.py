"""Road network (OpenStreetMap via the Overpass API) and a GTFS feed for a downloaded district.

Used by :func:`coverage_app.io.download.download_district` (steps ``roads`` and ``gtfs``):

* **roads** — every way tagged ``highway=*`` (with its nodes) in the bounding box of the
  district's obce plus a margin (``Sources.roads_margin_km``), requested from the Overpass API as
  OSM XML with ``GET …/interpreter?data=<query>``.  The answer is cached under
  ``raw/osm/roads_<hash of the box>.osm``, checked (an HTML error page or an Overpass ``remark``
  gives a Czech :class:`~coverage_app.errors.DataError` naming the URL) and read once with
  :func:`~coverage_app.io.roads.read_osm`; the district gets ``roads.osm`` and
  ``roads.source.json`` (source, ODbL licence, attribution, data date, box) for credits in maps
  and prints.
* **gtfs** — a public-transport feed (zip) from ``Sources.gtfs``, cached under
  ``raw/gtfs/<name>.zip`` and copied to the district as ``gtfs.zip`` with ``gtfs.source.json``.
  It is not parsed here, only checked to be a zip holding ``stops.txt`` and ``stop_times.txt``.

Downloads go through the caller's ``get(url, dest, step, timeout=None)`` (a wrapper of
:func:`~coverage_app.io.download.fetch`), so the cache, manifest, resuming and network
messages are the same as for the other sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import urllib.parse
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coverage_app.errors import DataError
from coverage_app.i18n import register

if TYPE_CHECKING:
    import geopandas as gpd

    from coverage_app.io.download import Sources

__all__ = [
    "GTFS_REQUIRED",
    "OSM_ATTRIBUTION",
    "OSM_LICENCE",
    "ROADS_SOURCE_NAME",
    "district_bbox",
    "fetch_gtfs",
    "fetch_roads",
    "overpass_query",
    "overpass_url",
    "read_roads_source",
]

#: Licence of OpenStreetMap data.
OSM_LICENCE = "ODbL 1.0"
#: Credit line required by the ODbL wherever the roads are shown.
OSM_ATTRIBUTION = "© přispěvatelé OpenStreetMap"
#: Name of the JSON file next to ``roads.osm`` recording where and when it came from.
ROADS_SOURCE_NAME = "roads.source.json"
#: Files a GTFS zip must hold for the transit module.
GTFS_REQUIRED = ("stops.txt", "stop_times.txt")

#: ``get(url, dest, step, timeout=None) -> Path`` of :func:`download_district`.
Getter = Callable[..., Path]

register({
    "err.osm_not_osm": {
        "cs": "odpověď {url} není soubor OpenStreetMap ({detail}); Overpass API může být přetížené — "
              "zkuste to později nebo nastavte jiný overpass_url",
        "en": "the answer of {url} is not an OpenStreetMap file ({detail}); the Overpass API may be "
              "overloaded — try later or set another overpass_url",
    },
    "err.osm_remark": {
        "cs": "Overpass API ({url}) nevrátilo úplná data: {detail}",
        "en": "the Overpass API ({url}) did not return complete data: {detail}",
    },
    "err.osm_unreadable": {
        "cs": "silnice stažené z {url} nelze přečíst: {detail}",
        "en": "the roads downloaded from {url} cannot be read: {detail}",
    },
    "err.osm_no_roads": {
        "cs": "Overpass API ({url}) nevrátilo pro obvod žádné silnice ani cesty",
        "en": "the Overpass API ({url}) returned no roads or paths for the district",
    },
    "err.gtfs_no_url": {
        "cs": "krok gtfs potřebuje adresu jízdních řádů GTFS (zip integrovaného systému kraje); "
              "nastavte ji v souboru zdrojů jako gtfs = \"https://…\"",
        "en": "the gtfs step needs the address of a GTFS timetable (the zip of the regional "
              "integrated system); set it in the sources file as gtfs = \"https://…\"",
    },
    "err.gtfs_not_zip": {
        "cs": "jízdní řády stažené z {url} nejsou archiv ZIP (GTFS)",
        "en": "the timetable downloaded from {url} is not a ZIP archive (GTFS)",
    },
    "err.gtfs_missing": {
        "cs": "jízdní řády stažené z {url} nejsou GTFS: v archivu chybí {files}",
        "en": "the timetable downloaded from {url} is not GTFS: the archive lacks {files}",
    },
})


# ---------------------------------------------------------------------------------------------
# Roads
# ---------------------------------------------------------------------------------------------
def district_bbox(polygons: gpd.GeoDataFrame, margin_km: float) -> tuple[float, float, float, float]:
    """Bounding box of the district's obce plus ``margin_km`` kilometres, in WGS 84.

    The convex hull of the obce is buffered by the margin in their metric CRS (EPSG:5514) and
    transformed, so the box holds every place within the margin; it is rounded outwards to
    1e-4° (about 10 m) so that the same district gives the same box.

    Returns
    -------
    (min_lon, min_lat, max_lon, max_lat)
        Degrees (the order :func:`~coverage_app.io.roads.read_osm` takes).
    """
    import math

    import geopandas as gpd

    hull = polygons.geometry.union_all().convex_hull.buffer(max(float(margin_km), 0.0) * 1000.0, 32)
    x0, y0, x1, y1 = gpd.GeoSeries([hull], crs=polygons.crs).to_crs("EPSG:4326").total_bounds
    return (math.floor(x0 * 1e4) / 1e4, math.floor(y0 * 1e4) / 1e4,
            math.ceil(x1 * 1e4) / 1e4, math.ceil(y1 * 1e4) / 1e4)


def overpass_query(bbox: tuple[float, float, float, float], timeout_s: int = 180) -> str:
    """Overpass QL for the ways tagged ``highway`` in ``bbox`` (min_lon, min_lat, max_lon, max_lat)
    with their nodes, as OSM XML; ``timeout_s`` is the server's limit in seconds."""
    w, s, e, n = bbox
    return (f"[out:xml][timeout:{int(timeout_s)}];"
            f'(way["highway"]({s:.4f},{w:.4f},{n:.4f},{e:.4f}););(._;>;);out body;')


def overpass_url(endpoint: str, query: str) -> str:
    """``endpoint?data=<query>`` (``&data=`` when the endpoint already has a query string)."""
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}data={urllib.parse.quote(query, safe='')}"


def _scan_osm(path: Path) -> tuple[str | None, str | None, str | None]:
    """``(problem, remark, osm_base)`` from the head and tail of a downloaded file.

    ``problem`` is a short text when the file is no OSM XML (e.g. an HTML error page);
    ``remark`` the text of an Overpass ``<remark>`` (a runtime error or timeout).
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(16384)
        fh.seek(max(size - 16384, 0))
        tail = fh.read()
    text_head = head.decode("utf-8", "replace")
    if not re.match(r"\s*(<\?xml[^>]*>\s*)?<osm[\s>]", text_head):
        plain = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text_head))).strip()
        hit = re.search(r"(?i)error\b.*", plain)
        return (hit.group(0) if hit else plain)[:200] or "prázdná odpověď", None, None
    remark = None
    for chunk in (text_head, tail.decode("utf-8", "replace")):
        m = re.search(r"<remark>(.*?)</remark>", chunk, re.DOTALL)
        if m:
            remark = re.sub(r"\s+", " ", html.unescape(m.group(1))).strip()[:300]
            break
    base = re.search(r'<meta\s[^>]*osm_base="([^"]+)"', text_head)
    return None, remark, base.group(1) if base else None


def _check_osm(path: Path, url: str, bbox: tuple[float, float, float, float]) -> str | None:
    """Raise a :class:`DataError` naming ``url`` unless ``path`` holds OSM XML with roads in
    ``bbox``; returns the ``osm_base`` timestamp of the data (or ``None``)."""
    from coverage_app.io.roads import read_osm

    problem, remark, base = _scan_osm(path)
    if problem is not None:
        raise DataError.single(url, None, None, "err.osm_not_osm", url=url, detail=problem)
    if remark is not None:
        raise DataError.single(url, None, None, "err.osm_remark", url=url, detail=remark)
    try:
        lines = read_osm(path, bbox=bbox)
    except DataError as exc:
        detail = "; ".join(p.message("cs") for p in exc.problems)
        raise DataError.single(url, None, None, "err.osm_unreadable", url=url, detail=detail) from None
    if lines.empty:
        raise DataError.single(url, None, None, "err.osm_no_roads", url=url)
    return base


def _copy(source: Path, target: Path) -> Path:
    """Copy through a ``.part`` file, so that an interrupted copy never looks complete."""
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    os.replace(tmp, target)
    return target


def _write_json(target: Path, data: dict[str, Any]) -> None:
    tmp = target.with_name(target.name + ".part")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def _fetched_on(path: Path) -> str:
    """UTC time (ISO, seconds) when the cached file was written, i.e. downloaded."""
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    return stamp.isoformat()


def fetch_roads(get: Getter, polygons: gpd.GeoDataFrame, raw: Path, district_dir: Path,
                sources: Sources) -> Path:
    """Download the roads around the district, check them and write ``roads.osm`` with its source.

    Parameters
    ----------
    get : callable
        ``get(url, dest, step, timeout=None) -> Path`` (cached download).
    polygons : GeoDataFrame
        The district's obce (any metric CRS; EPSG:5514 from ČÚZK).
    raw, district_dir : Path
        Cache folder of raw downloads and the district's folder.
    sources : Sources
        ``overpass_url``, ``overpass_timeout`` (s), ``roads_margin_km`` (km), ``timeout`` (s).

    Returns
    -------
    Path
        ``district_dir / "roads.osm"``; ``roads.source.json`` is written next to it.

    Raises
    ------
    DataError
        Network failure, or an answer that is no OSM XML, an Overpass error or no roads.
    """
    bbox = district_bbox(polygons, sources.roads_margin_km)
    query = overpass_query(bbox, sources.overpass_timeout)
    url = overpass_url(sources.overpass_url, query)
    key = hashlib.sha1(json.dumps(bbox).encode()).hexdigest()[:12]
    dest = raw / "osm" / f"roads_{key}.osm"
    # the server works up to overpass_timeout before it sends the first byte
    path = get(url, dest, "roads", timeout=max(sources.timeout, sources.overpass_timeout + 30.0))
    try:
        osm_base = _check_osm(path, sources.overpass_url, bbox)
    except DataError:
        path.unlink(missing_ok=True)  # a bad answer is not kept as a fresh cached copy
        raise
    target = _copy(path, district_dir / "roads.osm")
    _write_json(district_dir / ROADS_SOURCE_NAME, {
        "source": f"OpenStreetMap (Overpass API {sources.overpass_url})",
        "licence": OSM_LICENCE,
        "attribution": OSM_ATTRIBUTION,
        "date": osm_base or _fetched_on(path),
        "downloaded": _fetched_on(path),
        "bbox": list(bbox),
        "bbox_order": "min_lon, min_lat, max_lon, max_lat (WGS 84)",
        "query": query,
    })
    return target


def read_roads_source(roads: str | Path) -> dict[str, Any] | None:
    """The ``roads.source.json`` next to a downloaded ``roads.osm`` (``None`` when there is none)."""
    side = Path(roads).with_name(ROADS_SOURCE_NAME)
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def roads_credit(roads: str | Path) -> dict[str, str]:
    """What a map showing these roads must credit: ``roads_attribution`` (and ``roads_date``) from
    a downloaded file's ``roads.source.json``; for any other OpenStreetMap file (``.osm``,
    ``.pbf``…) the OpenStreetMap credit and licence, the ODbL asking for it wherever the roads are
    shown; empty for a line file (ArcČR and the like), whose licence the file does not say."""
    from coverage_app.io.roads import OSM_EXTENSIONS

    info = read_roads_source(roads)
    if info:
        return {"roads_attribution": f"{info.get('attribution', '')} ({info.get('licence', '')})".strip(),
                "roads_date": str(info.get("date", ""))}
    if any(Path(roads).name.casefold().endswith(ext) for ext in OSM_EXTENSIONS):
        return {"roads_attribution": f"{OSM_ATTRIBUTION} ({OSM_LICENCE})"}
    return {}


# ---------------------------------------------------------------------------------------------
# GTFS
# ---------------------------------------------------------------------------------------------
def _gtfs_name(url: str) -> str:
    """Cache file name of a feed: its URL's file name (sanitised) and a short hash of the URL."""
    stem = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.zip$", "", stem, flags=re.IGNORECASE)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._") or "gtfs"
    return f"{stem[:60]}_{hashlib.sha1(url.encode()).hexdigest()[:8]}.zip"


def _check_gtfs(path: Path, url: str) -> None:
    """Raise a :class:`DataError` naming ``url`` unless ``path`` is a (safe) zip holding
    :data:`GTFS_REQUIRED` at its top level."""
    from coverage_app.io.archives import open_zip

    if not zipfile.is_zipfile(path):
        raise DataError.single(url, None, None, "err.gtfs_not_zip", url=url)
    with open_zip(path, name=url) as zf:
        names = {n.replace("\\", "/").lstrip("/") for n in zf.namelist()}
    missing = [f for f in GTFS_REQUIRED if f not in names]
    if missing:
        raise DataError.single(url, None, None, "err.gtfs_missing", url=url, files=", ".join(missing))


def fetch_gtfs(get: Getter, url: str, raw: Path, district_dir: Path) -> Path:
    """Download a GTFS feed, check it and copy it to ``district_dir / "gtfs.zip"``.

    Parameters
    ----------
    get : callable
        ``get(url, dest, step, timeout=None) -> Path`` (cached download).
    url : str
        Address of the feed (``Sources.gtfs``); empty raises the ``err.gtfs_no_url`` error.
    raw, district_dir : Path
        Cache folder of raw downloads and the district's folder.

    Returns
    -------
    Path
        ``gtfs.zip``; ``gtfs.source.json`` (source URL, download time) is written next to it.
    """
    if not url:
        raise DataError.single("", None, None, "err.gtfs_no_url")
    path = get(url, raw / "gtfs" / _gtfs_name(url), "gtfs")
    try:
        _check_gtfs(path, url)
    except DataError:
        path.unlink(missing_ok=True)
        raise
    target = _copy(path, district_dir / "gtfs.zip")
    _write_json(district_dir / "gtfs.source.json", {"source": url, "date": _fetched_on(path)})
    return target
