"""Road networks: OpenStreetMap files and any road-line file, with speeds, into a routable graph.

Two kinds of input:

* **OSM** (``.osm``, ``.osm.xml``, ``.osm.pbf``, ``.pbf``, ``.osm.bz2``, ``.osm.gz``, ``.o5m``) read
  with pyosmium by :func:`read_osm`: ways tagged ``highway=*``, speed from ``maxspeed`` or
  Czech defaults by class (:data:`OSM_DEFAULT_LIMITS_KMH`) times :data:`CAR_SPEED_FACTOR`,
  one-way streets, access tags.
* **Road lines** (GPKG, GeoJSON, SHP, zipped SHP, FlatGeobuf, GML) by :func:`read_road_lines`:
  a class column (e.g. ArcČR ``TRIDA``) mapped to speeds by a table — the shipped
  :data:`ARCCR_SPEEDS_KMH` (also ``services_data/rychlosti_silnic_arccr.csv`` for editing) or
  the user's own CSV read by :func:`read_speed_table`.

:func:`load_roads` picks the reader by extension and builds a
:class:`~coverage_app.reach.RoadGraph`.  All outputs are in EPSG:5514; speeds in km/h.
Problems in the data raise :class:`~coverage_app.errors.DataError` with file, row and column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from coverage_app.errors import DataError, Problem, Report
from coverage_app.i18n import register
from coverage_app.reach import (
    CRS,
    DEFAULT_MAIN_COMPONENT_SHARE,
    DEFAULT_SNAP_TOLERANCE_M,
    RoadGraph,
    build_graph,
)

__all__ = [
    "ARCCR_SPEEDS_KMH",
    "CAR_SPEED_FACTOR",
    "DEFAULT_LINE_SPEEDS_KMH",
    "NO_WALK_CLASSES",
    "OSM_DEFAULT_LIMITS_KMH",
    "OSM_EXTENSIONS",
    "WALK_SPEED_KMH",
    "load_roads",
    "parse_maxspeed",
    "read_osm",
    "read_road_lines",
    "read_speed_table",
]

# ------------------------------------------------------------------------------------------
# speed tables
# ------------------------------------------------------------------------------------------

#: Walking speed on every road open to pedestrians, km/h.
WALK_SPEED_KMH: float = 5.0

#: Czech speed limits assumed for an OSM way without a usable ``maxspeed``, km/h, by
#: ``highway`` value.  Sources: zákon 361/2000 Sb. § 18 (motorway 130, outside built-up areas
#: 90 — also on class I–III roads, motorroads 110, built-up areas 50, living street
#: "obytná zóna" 20); ramps (``*_link``) are usually signed 60–80 and links in towns 50;
#: ``unclassified`` (local roads between villages) 70, ``service`` 30 and ``track`` 30 are
#: typical posted/design speeds.  Classes absent here carry no cars.  The travel speed used for
#: routing is the limit times :data:`CAR_SPEED_FACTOR`.
OSM_DEFAULT_LIMITS_KMH: dict[str, float] = {
    "motorway": 130.0,
    "motorway_link": 80.0,
    "trunk": 110.0,
    "trunk_link": 80.0,
    "primary": 90.0,
    "primary_link": 50.0,
    "secondary": 90.0,
    "secondary_link": 50.0,
    "tertiary": 90.0,
    "tertiary_link": 50.0,
    "unclassified": 70.0,
    "residential": 50.0,
    "living_street": 20.0,
    "service": 30.0,
    "road": 50.0,
    "track": 30.0,
}

#: Travel speed = speed limit × this factor for OSM ways (from ``maxspeed`` or the defaults).
#: A limit is the free-flow maximum; curves, junctions, villages on through roads and traffic
#: make the average lower.  0.8 is the ``speed_reduction`` of the OSRM car profile.  Pass
#: ``car_speed_factor=1.0`` to :func:`read_osm` for free-flow times.
CAR_SPEED_FACTOR: float = 0.8

#: Czech ``maxspeed`` zone values (``CZ:*``, OSM wiki "Default speed limits"), km/h.
_MAXSPEED_ZONES: dict[str, float] = {
    "cz:urban": 50.0,
    "cz:rural": 90.0,
    "cz:trunk": 110.0,
    "cz:motorway": 130.0,
    "cz:living_street": 20.0,
    "cz:pedestrian_zone": 20.0,
    "living_street": 20.0,
    "walk": 5.0,
}

#: Highway classes routable on foot by default (besides the car classes other than
#: motorways/motorroads).  ``cycleway`` and ``bridleway`` only with ``foot=yes|designated``.
_WALK_ONLY = {"footway", "path", "steps", "pedestrian", "corridor"}
_FOOT_IF_TAGGED = {"cycleway", "bridleway"}
_NO_WALK_OSM = {"motorway", "motorway_link", "trunk", "trunk_link"}
#: Roads entered only at junctions (no snapping of points beside them).
_NO_ENTRY_OSM = {"motorway", "trunk"}

_YES = {"yes", "designated", "permissive", "destination", "customers", "official"}
_NO = {"no", "private", "agricultural", "forestry", "delivery", "permit", "military", "use_sidepath"}

#: Default speed table for ArcČR 500 roads (column ``TRIDA``), km/h — typical *travel* speeds,
#: not limits, used as they are (no factor):
#:
#: * dálnice 120 — limit 130, lower with lorries, works and ramps;
#: * rychlostní silnice 100 — limit 110 (110/130 on the parts that became motorways);
#: * silnice I. třídy 80 — 90 outside villages, 50 through them;
#: * silnice II. třídy 70 and III. třídy 60 — narrower, curvy, through every village;
#: * neevidovaná silnice 40 — local and unregistered roads, town streets.
#:
#: The same table ships as ``services_data/rychlosti_silnic_arccr.csv`` for editing.
ARCCR_SPEEDS_KMH: dict[str, float] = {
    "dálnice": 120.0,
    "rychlostní silnice": 100.0,
    "silnice I. třídy": 80.0,
    "silnice II. třídy": 70.0,
    "silnice III. třídy": 60.0,
    "neevidovaná silnice": 40.0,
}

#: Classes of road lines that pedestrians may not use and that are entered only at junctions.
NO_WALK_CLASSES: frozenset[str] = frozenset(
    {"dálnice", "rychlostní silnice", "motorway", "motorway_link", "trunk", "trunk_link"}
)
_NO_ENTRY_LINES = frozenset({"dálnice", "rychlostní silnice", "motorway", "trunk"})

#: Default table for :func:`read_road_lines`: ArcČR classes, OSM ``highway`` values (travel
#: speed = :data:`OSM_DEFAULT_LIMITS_KMH` × :data:`CAR_SPEED_FACTOR`; 0 = no cars, e.g.
#: footways) and the extra ``fclass`` values of the Geofabrik shapefiles (``track_grade1``–``5``,
#: ``unknown``).  A value 0 km/h means "no cars, pedestrians only".
DEFAULT_LINE_SPEEDS_KMH: dict[str, float] = {
    **ARCCR_SPEEDS_KMH,
    **{k: round(v * CAR_SPEED_FACTOR, 1) for k, v in OSM_DEFAULT_LIMITS_KMH.items()},
    **{k: 0.0 for k in sorted(_WALK_ONLY | _FOOT_IF_TAGGED)},
    **{f"track_grade{i}": 30.0 * CAR_SPEED_FACTOR for i in range(1, 6)},
    "unknown": 30.0 * CAR_SPEED_FACTOR,
}

#: File name endings read as OSM data.
OSM_EXTENSIONS: tuple[str, ...] = (".osm", ".osm.xml", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz", ".o5m")
_LINE_EXTENSIONS: tuple[str, ...] = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml")

# Plausible extents of Czechia for guessing a missing CRS.
_BOUNDS_4326 = (11.5, 48.3, 19.2, 51.3)
_BOUNDS_5514 = (-920_000.0, -1_250_000.0, -420_000.0, -920_000.0)

register(
    {
        "err.roads_unknown_class": {
            "cs": "třída silnice „{value}“ není v tabulce rychlostí ({count} úseků); "
            "doplňte ji do tabulky (CSV: třída;rychlost v km/h, 0 = jen pro pěší)",
            "en": 'road class "{value}" is not in the speed table ({count} segments); '
            "add it to the table (CSV: class;speed in km/h, 0 = pedestrians only)",
        },
        "err.roads_missing_class": {
            "cs": "{count} úseků nemá vyplněnou třídu silnice (první je úsek č. {first})",
            "en": "{count} segments have no road class (the first is segment no. {first})",
        },
        "err.roads_speed_range": {
            "cs": "rychlost {value} km/h je mimo rozsah 0–200 km/h",
            "en": "the speed {value} km/h is outside the range 0–200 km/h",
        },
        "err.roads_duplicate_class": {
            "cs": "třída „{value}“ je v tabulce podruhé (už na řádku {first}) s jinou rychlostí",
            "en": 'the class "{value}" appears a second time (already on row {first}) with another speed',
        },
        "err.roads_short_row": {
            "cs": "řádek má {count} sloupec/sloupců; očekávám dva: třídu silnice a rychlost v km/h",
            "en": "the row has {count} column(s); expected two: road class and speed in km/h",
        },
        "err.roads_not_lines": {
            "cs": "vrstva neobsahuje jen linie (nalezeno: {types})",
            "en": "the layer does not contain lines only (found: {types})",
        },
        "err.roads_no_crs": {
            "cs": "soubor nemá souřadnicový systém a souřadnice nevypadají ani jako EPSG:4326 "
            "(zeměpisné stupně), ani jako EPSG:5514 (S-JTSK)",
            "en": "the file has no coordinate reference system and the coordinates look like "
            "neither EPSG:4326 (degrees) nor EPSG:5514 (S-JTSK)",
        },
        "err.roads_empty": {
            "cs": "soubor neobsahuje žádné silnice použitelné autem ani pěšky",
            "en": "the file contains no road usable by car or on foot",
        },
        "err.roads_bad_bbox": {
            "cs": "výřez „{value}“ není (min_lon, min_lat, max_lon, max_lat) ve stupních WGS 84",
            "en": 'the bounding box "{value}" is not (min_lon, min_lat, max_lon, max_lat) in WGS 84 degrees',
        },
        "warn.roads_crs_assumed": {
            "cs": "soubor nemá souřadnicový systém; podle rozsahu souřadnic předpokládám {crs}",
            "en": "the file has no coordinate reference system; judging by the coordinates it is {crs}",
        },
        "warn.roads_empty_geometry": {
            "cs": "{count} úseků nemá geometrii a byly vynechány",
            "en": "{count} segments have no geometry and were skipped",
        },
    }
)


def _norm(value: object) -> str:
    """Class name for matching: trimmed, single spaces, case-folded."""
    return " ".join(str(value).split()).casefold()


# ------------------------------------------------------------------------------------------
# OSM
# ------------------------------------------------------------------------------------------

_NUM_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


@lru_cache(maxsize=4096)
def parse_maxspeed(value: str | None) -> float | None:
    """Speed limit in km/h from an OSM ``maxspeed`` value, or ``None`` when it does not parse.

    Understands numbers (``"50"``, ``"50 km/h"``), miles (``"30 mph"`` → 48.28), Czech zone
    values (``"CZ:urban"`` 50, ``"CZ:rural"`` 90, ``"CZ:trunk"`` 110, ``"CZ:motorway"`` 130,
    ``"CZ:living_street"``/``"living_street"`` 20) and ``"walk"`` (5).  Several values
    (``"50;70"``) give the lowest.  ``"none"``, ``"signals"``, other countries' zones and values
    ≤ 0 give ``None`` (the class default applies).

    Examples
    --------
    >>> parse_maxspeed("50"), parse_maxspeed("CZ:rural"), parse_maxspeed("none")
    (50.0, 90.0, None)
    """
    if value is None:
        return None
    found: list[float] = []
    for part in str(value).split(";"):
        p = part.strip()
        if not p:
            continue
        zone = _MAXSPEED_ZONES.get(p.casefold())
        if zone is not None:
            found.append(zone)
            continue
        m = _NUM_RE.match(p)
        if m:
            v = float(m.group(1))
            if (m.group(2) or "").lower() == "mph":
                v *= 1.609344
            if v > 0:
                found.append(v)
    return min(found) if found else None


def _decide(tags: Mapping[str, str], keys: tuple[str, ...], default: bool) -> bool:
    """Access for a mode: the most specific of ``keys`` that is present decides."""
    for k in keys:
        val = tags.get(k)
        if val is None:
            continue
        val = val.strip().casefold()
        if val in _YES:
            return True
        if val in _NO:
            return False
    return default


def _oneway(tag: str | None, highway: str, junction: str | None) -> int:
    """OSM ``oneway`` → 1 (along the way), -1 (against it) or 0 (both directions) for cars."""
    v = (tag or "").strip().casefold()
    if v in ("yes", "1", "true"):
        return 1
    if v in ("-1", "reverse"):
        return -1
    if v in ("no", "0", "false", "reversible", "alternating"):
        return 0
    if highway == "motorway" or (junction or "").casefold() in ("roundabout", "circular"):
        return 1
    return 0


def _check_bbox(bbox: Any) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    try:
        b = tuple(float(v) for v in bbox)
    except (TypeError, ValueError):
        raise DataError.single(None, None, None, "err.roads_bad_bbox", value=bbox) from None
    if len(b) != 4 or not (b[0] < b[2] and b[1] < b[3]) or not all(map(math.isfinite, b)):
        raise DataError.single(None, None, None, "err.roads_bad_bbox", value=bbox)
    return b  # type: ignore[return-value]


def _exists(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise DataError.single(p.name, None, None, "err.file_not_found")
    return p


def read_osm(
    path: str | Path,
    bbox: tuple[float, float, float, float] | None = None,
    *,
    default_limits: Mapping[str, float] | None = None,
    car_speed_factor: float = CAR_SPEED_FACTOR,
    walk_kmh: float = WALK_SPEED_KMH,
) -> gpd.GeoDataFrame:
    """Read the roads of an OSM file (PBF, XML, compressed XML) with pyosmium.

    Ways with ``highway=*`` usable by car or on foot are kept (not ``construction``,
    ``proposed``, ``platform``, …).  Car speed: ``maxspeed`` when it parses
    (:func:`parse_maxspeed`), otherwise the Czech default limit of the class
    (:data:`OSM_DEFAULT_LIMITS_KMH`), times ``car_speed_factor``.  Cars may not use footways,
    paths, steps, pedestrian zones; pedestrians may not use motorways and motorroads
    (``trunk``).  ``access``/``vehicle``/``motor_vehicle``/``motorcar``/``foot`` tags override
    the class default (``private``, ``no``, ``agricultural`` … close a way; ``destination`` keeps
    it open).

    Parameters
    ----------
    path : str or Path
        ``.osm``, ``.osm.xml``, ``.osm.pbf``/``.pbf``, ``.osm.bz2``, ``.osm.gz`` or ``.o5m``.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        WGS 84 degrees; ways with at least one node inside are kept whole.
    default_limits : mapping, optional
        Limits (km/h) by ``highway`` value replacing :data:`OSM_DEFAULT_LIMITS_KMH` entries.
    car_speed_factor : float, default 0.8
        Travel speed / limit (1.0 = free flow).
    walk_kmh : float, default 5
        Walking speed, km/h.

    Returns
    -------
    GeoDataFrame
        One row per way, CRS EPSG:5514, columns ``osm_id``, ``highway``, ``name``,
        ``maxspeed`` (raw tag), ``oneway`` (1 along the way, -1 against it, 0 both; implied for
        motorways and roundabouts), ``limit_kmh``, ``speed_source`` (``"maxspeed"`` or
        ``"default"``), ``speed_car_kmh`` (NaN where cars may not go), ``speed_walk_kmh`` (NaN
        where pedestrians may not go), ``car_allowed``, ``walk_allowed``, ``entry_allowed``
        (``False`` on motorways/motorroads, joined only at junctions), ``geometry`` (LineString).
    """
    import osmium  # imported here: a heavy extension only this reader needs

    p = _exists(path)
    box = _check_bbox(bbox)
    limits = dict(OSM_DEFAULT_LIMITS_KMH)
    if default_limits:
        limits.update({str(k).strip(): float(v) for k, v in default_limits.items()})
    routable = set(limits) | _WALK_ONLY | _FOOT_IF_TAGGED

    ids: list[int] = []
    recs: list[tuple[Any, ...]] = []
    lon: list[float] = []
    lat: list[float] = []
    counts: list[int] = []
    try:
        fp = (
            osmium.FileProcessor(str(p), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for w in fp:
            tags = w.tags
            hw = tags.get("highway")
            if hw not in routable:
                continue
            k = 0
            for nd in w.nodes:
                loc = nd.location
                if loc.valid():
                    lon.append(loc.lon)
                    lat.append(loc.lat)
                    k += 1
            if k < 2:
                del lon[len(lon) - k :], lat[len(lat) - k :]
                continue
            counts.append(k)
            ids.append(w.id)
            t = {key: tags.get(key) for key in ("access", "vehicle", "motor_vehicle", "motorcar", "foot")}
            recs.append((hw, tags.get("name"), tags.get("maxspeed"), tags.get("oneway"), tags.get("junction"), t))
    except DataError:
        raise
    except Exception as exc:  # osmium reports parse errors as RuntimeError and friends
        raise DataError.single(p.name, None, None, "err.unreadable", detail=str(exc)) from None

    columns = ["osm_id", "highway", "name", "maxspeed", "oneway", "limit_kmh", "speed_source",
               "speed_car_kmh", "speed_walk_kmh", "car_allowed", "walk_allowed", "entry_allowed"]
    if not ids:
        out = gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
        out.attrs["source"] = p.name
        return out

    lon_a = np.asarray(lon)
    lat_a = np.asarray(lat)
    cnt = np.asarray(counts)
    way_of = np.repeat(np.arange(cnt.size), cnt)
    keep = np.ones(cnt.size, dtype=bool)
    if box is not None:
        inside = (lon_a >= box[0]) & (lon_a <= box[2]) & (lat_a >= box[1]) & (lat_a <= box[3])
        starts = np.r_[0, np.cumsum(cnt)[:-1]]
        keep = np.logical_or.reduceat(inside, starts)

    rows = []
    for (hw, name, maxspeed, ow, junction, acc) in recs:
        car_default = hw in limits
        car = _decide(acc, ("motorcar", "motor_vehicle", "vehicle", "access"), car_default)
        walk_default = hw not in _NO_WALK_OSM and hw not in _FOOT_IF_TAGGED
        walk = _decide(acc, ("foot", "access"), walk_default)
        if hw in _FOOT_IF_TAGGED:
            walk = (acc.get("foot") or "").strip().casefold() in _YES
        parsed = parse_maxspeed(maxspeed)
        if parsed is not None:
            limit, source = parsed, "maxspeed"
        else:
            limit, source = limits.get(hw, np.nan), "default"
        if not car or not np.isfinite(limit) or limit <= 0:
            car = False
        speed_car = limit * car_speed_factor if car else np.nan
        rows.append((hw, name, maxspeed, _oneway(ow, hw, junction), limit,
                     source if car else None, speed_car, float(walk_kmh) if walk else np.nan, car, walk,
                     hw not in _NO_ENTRY_OSM))

    xy = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(lon_a, lat_a)
    lines = shapely.linestrings(np.column_stack(xy), indices=way_of)
    df = pd.DataFrame(rows, columns=columns[1:])
    df.insert(0, "osm_id", np.asarray(ids, dtype=np.int64))
    df["oneway"] = df["oneway"].astype(np.int8)
    df["car_allowed"] = df["car_allowed"].astype(bool)
    df["walk_allowed"] = df["walk_allowed"].astype(bool)
    df["entry_allowed"] = df["entry_allowed"].astype(bool)
    out = gpd.GeoDataFrame(df, geometry=lines, crs=CRS)
    out = out[keep & (out["car_allowed"] | out["walk_allowed"]).to_numpy()].reset_index(drop=True)
    out.attrs["source"] = p.name
    return out


# ------------------------------------------------------------------------------------------
# speed tables (CSV)
# ------------------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf_pos = exc.start
    try:
        return raw.decode("cp1250")
    except UnicodeDecodeError:
        raise DataError.single(name, None, None, "err.encoding", pos=utf_pos) from None


def _parse_speed(text: str) -> float | None:
    s = text.strip().casefold().replace("km/h", "").replace(",", ".").strip()
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def read_speed_table(path: str | Path) -> dict[str, float]:
    """Read a table of road classes and speeds (km/h) from a CSV file.

    Two columns: road class (e.g. ``silnice II. třídy`` or ``residential``) and speed in km/h
    (0 = no cars, pedestrians only).  UTF-8 or Windows-1250; comma or semicolon separated
    (a decimal comma works with semicolons); an optional header row; lines starting with ``#``
    are comments; further columns (e.g. a note) are ignored.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    dict of str to float
        Class as written (trimmed) → speed, km/h.

    Raises
    ------
    DataError
        With file, row and column for every bad row: missing class, speed that is not a number,
        outside 0–200 km/h, a class given twice with different speeds, an empty table.
    """
    p = _exists(path)
    text = _decode(p.read_bytes(), p.name)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        raise DataError.single(p.name, None, None, "err.empty_file")
    if ";" in first:
        delim = ";"
    elif "," in first or "\t" in first:
        delim = "," if "," in first else "\t"
    else:
        raise DataError.single(p.name, 1, None, "err.delimiter", header=first.strip())
    report = Report()
    table: dict[str, float] = {}
    seen: dict[str, tuple[int, float]] = {}
    names = ("A", "B")
    header_done = False
    for rowno, row in enumerate(csv.reader(io.StringIO(text), delimiter=delim), start=1):
        if not row or all(not c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if not header_done:
            header_done = True
            if len(row) >= 2 and _parse_speed(row[1]) is None and row[1].strip():
                names = (row[0].strip() or "A", row[1].strip() or "B")
                continue
        if len(row) < 2:
            report.add(p.name, rowno, None, "err.roads_short_row", count=len(row))
            continue
        cls, sp = row[0].strip(), row[1].strip()
        bad = False
        if not cls:
            report.add(p.name, rowno, names[0], "err.missing_value")
            bad = True
        if not sp:
            report.add(p.name, rowno, names[1], "err.missing_value")
            continue
        speed = _parse_speed(sp)
        if speed is None:
            report.add(p.name, rowno, names[1], "err.not_a_number", value=sp)
            continue
        if speed < 0 or speed > 200:
            report.add(p.name, rowno, names[1], "err.roads_speed_range", value=sp)
            continue
        if bad:
            continue
        key = _norm(cls)
        if key in seen:
            if seen[key][1] != speed:
                report.add(p.name, rowno, names[0], "err.roads_duplicate_class", value=cls, first=seen[key][0])
            continue
        seen[key] = (rowno, speed)
        table[cls] = speed
    if not table and not report.errors:
        report.add(p.name, None, None, "err.empty_file")
    elif table and not report.errors and not any(v > 0 for v in table.values()):
        report.add(p.name, None, names[1], "err.roads_all_zero")  # the table's fault, not the roads'
    report.raise_if_errors()
    return table


# ------------------------------------------------------------------------------------------
# road lines (GPKG / GeoJSON / SHP)
# ------------------------------------------------------------------------------------------

_CLASS_COLUMNS = ("TRIDA", "trida", "třída", "TRIDA_SIL", "highway", "fclass", "class", "road_class", "typ")


def _guess_crs(gdf: gpd.GeoDataFrame, name: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    minx, miny, maxx, maxy = gdf.total_bounds
    b = _BOUNDS_4326
    if b[0] <= minx and maxx <= b[2] and b[1] <= miny and maxy <= b[3]:
        crs = "EPSG:4326"
    else:
        b = _BOUNDS_5514
        if b[0] <= minx and maxx <= b[2] and b[1] <= miny and maxy <= b[3]:
            crs = CRS
        else:
            raise DataError.single(name, None, None, "err.roads_no_crs")
    problems.append(Problem.make(name, None, None, "warn.roads_crs_assumed", "warning", crs=crs))
    return gdf.set_crs(crs)


def _line_oneway(values: pd.Series) -> np.ndarray:
    """``oneway`` of a line file: OSM values or Geofabrik codes (F along, T against, B both)."""
    def one(v: object) -> int:
        s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip().casefold()
        if s in ("yes", "1", "true", "f"):
            return 1
        if s in ("-1", "reverse", "t"):
            return -1
        return 0

    return np.fromiter((one(v) for v in values), dtype=np.int8, count=len(values))


def read_road_lines(
    path: str | Path,
    class_column: str | None = None,
    speeds: Mapping[str, float] | str | Path | None = None,
    layer: str | int | None = None,
    *,
    walk_kmh: float = WALK_SPEED_KMH,
) -> gpd.GeoDataFrame:
    """Read road lines with a class column and give every line its car and walking speed.

    Parameters
    ----------
    path : str or Path
        GPKG, GeoJSON, SHP, zipped SHP (``.zip``), FlatGeobuf or GML with (Multi)LineStrings.
        A missing CRS is guessed from the coordinates (WGS 84 degrees or S-JTSK metres) with
        a warning; anything else is reprojected to EPSG:5514.
    class_column : str, optional
        Column with the road class; by default the first of ``TRIDA``, ``highway``, ``fclass``,
        ``class``, ``road_class``, ``typ`` that exists.
    speeds : mapping or path, optional
        Class → car speed, km/h (0 = pedestrians only), or the path of a CSV for
        :func:`read_speed_table`.  Default: :data:`DEFAULT_LINE_SPEEDS_KMH` (ArcČR classes,
        OSM/Geofabrik classes).  Classes match ignoring case and extra spaces.
    layer : str or int, optional
        Layer of a multi-layer file.
    walk_kmh : float, default 5
        Walking speed on every class except :data:`NO_WALK_CLASSES` (motorways, speed roads).

    Returns
    -------
    GeoDataFrame
        The file's columns plus ``road_class``, ``speed_car_kmh`` (NaN where no cars),
        ``speed_walk_kmh`` (NaN where no pedestrians), ``car_allowed``, ``walk_allowed``,
        ``oneway`` (from a ``oneway`` column if the file has one — OSM values or Geofabrik
        F/T/B — else 0, both ways), ``entry_allowed``; CRS EPSG:5514.  Warnings (skipped empty
        geometries, an assumed CRS) are in ``attrs["problems"]``.

    Raises
    ------
    DataError
        File missing or unreadable, no class column, non-line geometries, classes missing from
        the table (each value named with its column; the row is the number of its first
        feature, 1 = the first feature of the layer), bad CSV table.
    """
    p = _exists(path)
    if speeds is None:
        table: Mapping[str, float] = DEFAULT_LINE_SPEEDS_KMH
    elif isinstance(speeds, (str, Path)):
        table = read_speed_table(speeds)
    else:
        table = speeds
    lookup: dict[str, float] = {}
    for k, v in table.items():
        try:
            speed = float(v)
        except (TypeError, ValueError):
            raise DataError.single(None, None, None, "err.not_a_number", value=v) from None
        if not (0 <= speed <= 200):
            raise DataError.single(None, None, None, "err.roads_speed_range", value=v)
        lookup[_norm(k)] = speed
    if p.suffix.lower() == ".zip":
        from coverage_app.io.archives import open_zip

        open_zip(p).close()  # a bomb is refused before GDAL expands it
    try:
        gdf = gpd.read_file(p, layer=layer) if layer is not None else gpd.read_file(p)
    except Exception as exc:  # pyogrio raises DataSourceError & co.
        raise DataError.single(p.name, None, None, "err.unreadable", detail=str(exc)) from None
    problems: list[Problem] = []
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        problems.append(Problem.make(p.name, None, None, "warn.roads_empty_geometry", "warning",
                                     count=int(empty.sum())))
    feature_no = np.arange(1, len(gdf) + 1)[~empty.to_numpy()]
    gdf = gdf[~empty].reset_index(drop=True)
    if gdf.empty:
        raise DataError.single(p.name, None, None, "err.roads_empty")
    types = set(gdf.geom_type.unique())
    if not types <= {"LineString", "MultiLineString"}:
        raise DataError.single(p.name, None, None, "err.roads_not_lines", types=", ".join(sorted(types)))
    if gdf.crs is None:
        gdf = _guess_crs(gdf, p.name, problems)

    if class_column is None:
        by_fold = {str(c).casefold(): c for c in gdf.columns if c != gdf.geometry.name}
        class_column = next((by_fold[c.casefold()] for c in _CLASS_COLUMNS if c.casefold() in by_fold), None)
        if class_column is None:
            raise DataError.single(p.name, None, None, "err.missing_one_of", columns=", ".join(_CLASS_COLUMNS[:7]))
    elif class_column not in gdf.columns:
        raise DataError.single(p.name, None, None, "err.missing_column", column=class_column)

    raw = gdf[class_column]
    missing = raw.isna() | (raw.astype(str).str.strip() == "")
    report = Report(problems=list(problems))
    if missing.any():
        report.add(p.name, int(feature_no[np.flatnonzero(missing.to_numpy())[0]]), class_column,
                   "err.roads_missing_class", count=int(missing.sum()),
                   first=int(feature_no[np.flatnonzero(missing.to_numpy())[0]]))
    raw_str = raw.where(~missing, "").astype(str)
    uniq = pd.unique(raw_str)
    keys = raw_str.map(dict(zip(uniq, map(_norm, uniq))))
    unknown = ~missing & ~keys.isin(list(lookup))
    if unknown.any():
        sub = pd.DataFrame({"key": keys[unknown], "value": raw[unknown].astype(str), "pos": np.flatnonzero(unknown)})
        for _, grp in sub.groupby("key", sort=True):
            report.add(p.name, int(feature_no[grp["pos"].iloc[0]]), class_column, "err.roads_unknown_class",
                       value=grp["value"].iloc[0], count=len(grp))
    report.raise_if_errors()

    speed = keys.map(lookup).to_numpy(dtype=float)
    no_walk = keys.isin({_norm(c) for c in NO_WALK_CLASSES}).to_numpy()
    no_entry = keys.isin({_norm(c) for c in _NO_ENTRY_LINES}).to_numpy()
    out = gdf.to_crs(CRS) if not gdf.crs.equals(CRS) else gdf.copy()
    out["road_class"] = raw.astype(str).to_numpy()
    out["car_allowed"] = speed > 0
    out["speed_car_kmh"] = np.where(speed > 0, speed, np.nan)
    out["walk_allowed"] = ~no_walk
    out["speed_walk_kmh"] = np.where(no_walk, np.nan, float(walk_kmh))
    if "oneway" in gdf.columns:
        out = out.rename(columns={"oneway": "oneway_tag"})
        out["oneway"] = _line_oneway(gdf["oneway"])
    else:
        out["oneway"] = np.zeros(len(out), dtype=np.int8)
    out["entry_allowed"] = ~no_entry
    out.attrs["problems"] = report.problems
    out.attrs["source"] = p.name
    return out


# ------------------------------------------------------------------------------------------
# dispatch
# ------------------------------------------------------------------------------------------


def _is_osm(path: Path) -> bool:
    name = path.name.casefold()
    return any(name.endswith(ext) for ext in OSM_EXTENSIONS)


def load_roads(
    path: str | Path,
    road_speeds: Mapping[str, float] | str | Path | None = None,
    class_column: str | None = None,
    *,
    snap_tolerance_m: float | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    layer: str | int | None = None,
    main_component_share: float = DEFAULT_MAIN_COMPONENT_SHARE,
) -> RoadGraph:
    """Read a road file (chosen by extension) and build a routable graph.

    Parameters
    ----------
    path : str or Path
        OSM (:data:`OSM_EXTENSIONS`) or a line file (GPKG, GeoJSON, SHP, ZIP, FGB, GML).
    road_speeds : mapping or CSV path, optional
        Line files: class → car speed in km/h (see :func:`read_road_lines`).  OSM: speed
        *limits* by ``highway`` value used where a way has no ``maxspeed`` (times
        :data:`CAR_SPEED_FACTOR`).
    class_column : str, optional
        Class column of a line file.
    snap_tolerance_m : float, optional
        Line ends closer than this (metres) are joined; default 0 for OSM (ways share nodes)
        and 1 m for line files.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        OSM only: keep ways with a node in this WGS 84 box.
    layer : str or int, optional
        Layer of a line file.
    main_component_share : float, default 0.05
        See :class:`~coverage_app.reach.RoadGraph`.

    Returns
    -------
    RoadGraph
    """
    p = _exists(path)
    name = p.name.casefold()
    if _is_osm(p):
        limits = read_speed_table(road_speeds) if isinstance(road_speeds, (str, Path)) else road_speeds
        lines = read_osm(p, bbox=bbox, default_limits=limits)
        tol = 0.0 if snap_tolerance_m is None else snap_tolerance_m
    elif any(name.endswith(ext) for ext in _LINE_EXTENSIONS) or p.is_dir():
        lines = read_road_lines(p, class_column=class_column, speeds=road_speeds, layer=layer)
        tol = DEFAULT_SNAP_TOLERANCE_M if snap_tolerance_m is None else snap_tolerance_m
    else:
        ext = "".join(p.suffixes) or p.suffix
        raise DataError.single(p.name, None, None, "err.unknown_format", ext=ext,
                               expected=", ".join(OSM_EXTENSIONS + _LINE_EXTENSIONS))
    if lines.empty:
        raise DataError.single(p.name, None, None, "err.roads_empty")
    graph = build_graph(lines, snap_tolerance_m=tol, main_component_share=main_component_share, source=p.name)
    if graph.n_edges("car") == 0 and graph.n_edges("walk") == 0:
        raise DataError.single(p.name, None, None, "err.roads_empty")
    return graph
