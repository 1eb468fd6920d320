"""A synthetic kraj-size GTFS feed (for benchmarks; every stop, line and trip is fictional).

Stops are spread over a rectangle in EPSG:5514 (by default about 100 × 80 km around Brno): part
of them uniformly, the rest clustered around "towns" (so some stops are a short walk apart, as
in real feeds).  A line is a random walk over nearest neighbours that prefers to keep its
heading (10–30 stops); its trips run both ways every 15–60 minutes from 4:30 to 23:00 at about
35 km/h (straight line × 1.25, whole minutes between stops).  One weekday service
(``calendar.txt``, Monday–Friday).  Lines are added until the stop times reach the target.

    from benchmarks.synthetic_gtfs import write_synthetic_gtfs
    info = write_synthetic_gtfs(Path("kraj.zip"), seed=7)   # ≈ 2 000 stops, ≈ 300 000 stop times
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

#: The default area: x −640 000…−540 000, y −1 210 000…−1 130 000 (EPSG:5514, around Brno).
BRNO_AREA = (-640_000.0, -1_210_000.0, -540_000.0, -1_130_000.0)
HEADWAYS_MIN = (15, 30, 45, 60, 60, 60, 60, 60)


@dataclass
class SyntheticFeed:
    """What was written: the zip, its sizes and the stops (EPSG:5514) for choosing points near them."""

    path: Path
    stop_xy: np.ndarray
    n_stops: int
    n_lines: int
    n_trips: int
    n_stop_times: int
    bytes_zip: int
    start_date: str
    end_date: str


def _stops(rng: np.random.Generator, n: int, area: tuple[float, float, float, float],
           clustered: float = 0.4, towns: int = 40) -> np.ndarray:
    x0, y0, x1, y1 = area
    n_cl = int(n * clustered)
    uni = np.column_stack([rng.uniform(x0, x1, n - n_cl), rng.uniform(y0, y1, n - n_cl)])
    centres = np.column_stack([rng.uniform(x0, x1, towns), rng.uniform(y0, y1, towns)])
    which = rng.integers(towns, size=n_cl)
    cl = centres[which] + rng.normal(0.0, 1500.0, size=(n_cl, 2))
    xy = np.vstack([uni, cl])
    xy[:, 0] = np.clip(xy[:, 0], x0, x1)
    xy[:, 1] = np.clip(xy[:, 1], y0, y1)
    return xy


def _line(rng: np.random.Generator, xy: np.ndarray, tree: cKDTree, length: int, k: int = 8) -> list[int]:
    """A path of up to ``length`` distinct stops: each step to one of the ``k`` nearest unused
    neighbours, preferring to go on in the same direction."""
    path = [int(rng.integers(len(xy)))]
    heading = rng.normal(size=2)
    heading /= np.linalg.norm(heading)
    used = set(path)
    while len(path) < length:
        d, nb = tree.query(xy[path[-1]], k=k + 1)
        cand = [(dd, j) for dd, j in zip(d[1:], nb[1:]) if j not in used and dd > 50.0]
        if not cand:
            break
        vec = np.array([xy[j] - xy[path[-1]] for _, j in cand])
        cos = vec @ heading / np.maximum(np.linalg.norm(vec, axis=1), 1e-9)
        score = cos + rng.normal(0.0, 0.35, size=len(cand))
        j = cand[int(np.argmax(score))][1]
        step = xy[j] - xy[path[-1]]
        heading = 0.7 * heading + 0.3 * step / np.linalg.norm(step)
        heading /= np.linalg.norm(heading)
        path.append(int(j))
        used.add(int(j))
    return path


def _hms(seconds: np.ndarray) -> np.ndarray:
    s = seconds.astype(np.int64)
    return np.char.add(np.char.add(np.char.zfill((s // 3600).astype(str), 2), ":"),
                       np.char.add(np.char.add(np.char.zfill((s // 60 % 60).astype(str), 2), ":"),
                                   np.char.zfill((s % 60).astype(str), 2)))


def write_synthetic_gtfs(path: Path, *, seed: int = 7, n_stops: int = 2000, target_stop_times: int = 300_000,
                         area: tuple[float, float, float, float] = BRNO_AREA, stops_per_line: tuple[int, int] = (10, 30),
                         speed_kmh: float = 35.0, detour: float = 1.25, first: float = 4.5 * 3600,
                         last: float = 23.0 * 3600, start_date: str = "20260101", end_date: str = "20271231"
                         ) -> SyntheticFeed:
    """Write a seeded synthetic GTFS zip to ``path`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    xy = _stops(rng, n_stops, area)
    tree = cKDTree(xy)
    trip_ids: list[str] = []
    trip_route: list[str] = []
    st_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (trip index, stops, seconds)
    total = 0
    n_lines = 0
    while total < target_stop_times:
        walk = _line(rng, xy, tree, int(rng.integers(stops_per_line[0], stops_per_line[1] + 1)))
        if len(walk) < stops_per_line[0]:
            continue
        n_lines += 1
        route = f"L{n_lines:03d}"
        stops = np.asarray(walk)
        metres = np.hypot(*np.diff(xy[stops], axis=0).T) * detour
        hop = np.maximum(np.round(metres / (speed_kmh / 3.6) / 60.0), 1.0) * 60.0
        head = float(rng.choice(HEADWAYS_MIN)) * 60.0
        for direction, seq in ((0, stops), (1, stops[::-1])):
            offs = np.r_[0.0, np.cumsum(hop if direction == 0 else hop[::-1])]
            t = first + float(rng.integers(0, int(head // 60))) * 60.0
            while t <= last:
                trip_ids.append(f"{route}-{direction}-{int(t) // 60:04d}")
                trip_route.append(route)
                st_parts.append((np.full(len(seq), len(trip_ids) - 1), seq, t + offs))
                total += len(seq)
                t += head
    trip_idx = np.concatenate([p[0] for p in st_parts])
    stop_idx = np.concatenate([p[1] for p in st_parts])
    secs = np.concatenate([p[2] for p in st_parts])
    seq = np.concatenate([np.arange(1, len(p[1]) + 1) for p in st_parts])

    lon, lat = Transformer.from_crs("EPSG:5514", "EPSG:4326", always_xy=True).transform(xy[:, 0], xy[:, 1])
    stop_ids = np.array([f"S{i:05d}" for i in range(n_stops)])
    trips = np.asarray(trip_ids)
    hms = _hms(secs)
    tables = {
        "agency.txt": pd.DataFrame({"agency_id": ["SYN"], "agency_name": ["Synthetic operator (benchmark, fictional)"],
                                    "agency_url": ["https://example.invalid/"], "agency_timezone": ["Europe/Prague"]}),
        "stops.txt": pd.DataFrame({"stop_id": stop_ids, "stop_name": [f"Stop {i} (fictional)" for i in range(n_stops)],
                                   "stop_lat": np.round(lat, 6), "stop_lon": np.round(lon, 6)}),
        "routes.txt": pd.DataFrame({"route_id": [f"L{i:03d}" for i in range(1, n_lines + 1)], "agency_id": "SYN",
                                    "route_short_name": [str(800 + i) for i in range(1, n_lines + 1)],
                                    "route_type": 3}),
        "trips.txt": pd.DataFrame({"route_id": trip_route, "service_id": "WD", "trip_id": trips,
                                   "direction_id": [t.split("-")[1] for t in trip_ids]}),
        "stop_times.txt": pd.DataFrame({"trip_id": trips[trip_idx], "arrival_time": hms, "departure_time": hms,
                                        "stop_id": stop_ids[stop_idx], "stop_sequence": seq}),
        "calendar.txt": pd.DataFrame({"service_id": ["WD"], "monday": [1], "tuesday": [1], "wednesday": [1],
                                      "thursday": [1], "friday": [1], "saturday": [0], "sunday": [0],
                                      "start_date": [start_date], "end_date": [end_date]}),
    }
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, frame in tables.items():
            buf = io.StringIO()
            frame.to_csv(buf, index=False)
            zf.writestr(name, buf.getvalue())
    return SyntheticFeed(path, xy, n_stops, n_lines, len(trips), len(trip_idx), path.stat().st_size,
                         start_date, end_date)
