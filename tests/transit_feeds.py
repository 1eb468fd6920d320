"""Small GTFS feeds written for the tests, and an independent brute-force journey search."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
from pyproj import Transformer

_TO_WGS = Transformer.from_crs("EPSG:5514", "EPSG:4326", always_xy=True)

#: A Tuesday; the hand-made feed removes trip T1a on it (calendar_dates exception).
EXCEPTION_DAY = dt.date(2026, 9, 8)
NORMAL_DAY = dt.date(2026, 9, 15)
#: Stops of the hand-made feed, EPSG:5514 metres (about 5 km apart, south of Brno).
HAND_STOPS = {"A": (-598000.0, -1176000.0), "B": (-593000.0, -1176000.0), "C": (-588000.0, -1176000.0),
              "D": (-598000.0, -1171000.0)}


def write_feed(folder: Path, tables: dict[str, list[list[str]]], *, as_zip: bool = False) -> Path:
    """Write ``{file: [header, row, …]}`` as GTFS text files (or a zip of them)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {name: "\n".join(",".join(r) for r in rows) + "\n" for name, rows in tables.items()}
    if as_zip:
        path = folder.with_suffix(".zip")
        with zipfile.ZipFile(path, "w") as zf:
            for name, text in texts.items():
                zf.writestr(name, text)
        return path
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def stops_table(stops: dict[str, tuple[float, float]]) -> list[list[str]]:
    rows = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    for sid, (x, y) in stops.items():
        lon, lat = _TO_WGS.transform(x, y)
        rows.append([sid, f"Zastávka {sid}", f"{lat:.8f}", f"{lon:.8f}"])
    return rows


def hand_feed() -> dict[str, list[list[str]]]:
    """Two lines with a transfer at B, a trip removed on one day, a trip after midnight and a way back.

    * line 1 A→B: T1a 7:00→7:20 (service X, removed on :data:`EXCEPTION_DAY`), T1b 8:00→8:20;
    * line 2 B→C: T2a 7:30→7:50, T2b 8:40→9:00;
    * line 1 back B→A: T4 15:00→15:20;
    * night line D→A: T3 24:40→25:00 on Mondays only (runs in the first hour of Tuesday).
    """
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
          ["T1a", "07:00:00", "07:00:00", "A", "1"], ["T1a", "07:20:00", "07:20:00", "B", "2"],
          ["T1b", "08:00:00", "08:00:00", "A", "1"], ["T1b", "08:20:00", "08:20:00", "B", "2"],
          ["T2a", "07:30:00", "07:30:00", "B", "1"], ["T2a", "07:50:00", "07:50:00", "C", "2"],
          ["T2b", "08:40:00", "08:40:00", "B", "1"], ["T2b", "09:00:00", "09:00:00", "C", "2"],
          ["T4", "15:00:00", "15:00:00", "B", "1"], ["T4", "15:20:00", "15:20:00", "A", "2"],
          ["T3", "24:40:00", "24:40:00", "D", "1"], ["T3", "25:00:00", "25:00:00", "A", "2"]]
    return {
        "agency.txt": [["agency_id", "agency_name", "agency_url", "agency_timezone"],
                       ["F", "Fiktivní dopravce (testovací data)", "https://example.invalid", "Europe/Prague"]],
        "stops.txt": stops_table(HAND_STOPS),
        "routes.txt": [["route_id", "agency_id", "route_short_name", "route_type"],
                       ["L1", "F", "1", "3"], ["L2", "F", "2", "3"], ["N", "F", "N", "3"]],
        "trips.txt": [["route_id", "service_id", "trip_id"], ["L1", "X", "T1a"], ["L1", "WD", "T1b"],
                      ["L2", "WD", "T2a"], ["L2", "WD", "T2b"], ["L1", "WD", "T4"], ["N", "MON", "T3"]],
        "stop_times.txt": st,
        "calendar.txt": [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                          "start_date", "end_date"],
                         ["WD", "1", "1", "1", "1", "1", "0", "0", "20260901", "20261231"],
                         ["X", "1", "1", "1", "1", "1", "0", "0", "20260901", "20261231"],
                         ["MON", "1", "0", "0", "0", "0", "0", "0", "20260901", "20261231"]],
        "calendar_dates.txt": [["service_id", "date", "exception_type"], ["X", EXCEPTION_DAY.strftime("%Y%m%d"), "2"]],
    }


def random_feed(rng: np.random.Generator, n_stops: int = 9, n_routes: int = 6, trips_per_route: int = 6,
                flags: bool = False) -> tuple[dict[str, list[list[str]]], dict[str, tuple[float, float]]]:
    """A random feed of whole-minute times on one weekday service (stops 1.5–6 km apart); with
    ``flags`` some stops allow no boarding or no alighting (``pickup_type``/``drop_off_type`` 1)."""
    stops = {f"S{i}": (-600000.0 + rng.uniform(0, 12000), -1180000.0 + rng.uniform(0, 12000)) for i in range(n_stops)}
    ids = list(stops)
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]
          + (["pickup_type", "drop_off_type"] if flags else [])]
    trips = [["route_id", "service_id", "trip_id"]]
    routes = [["route_id", "route_short_name", "route_type"]]
    for r in range(n_routes):
        path = list(rng.choice(ids, size=int(rng.integers(2, 6)), replace=False))
        routes.append([f"R{r}", str(r), "3"])
        for k in range(trips_per_route):
            trip = f"R{r}T{k}"
            trips.append([f"R{r}", "WD", trip])
            t = int(rng.integers(5 * 60, 10 * 60))
            for q, sid in enumerate(path):
                if q:
                    t += int(rng.integers(3, 15))
                dwell = int(rng.integers(0, 2))
                st.append([trip, f"{t // 60:02d}:{t % 60:02d}:00", f"{(t + dwell) // 60:02d}:{(t + dwell) % 60:02d}:00",
                           sid, str(q + 1)]
                          + ([str(int(rng.random() < 0.2)), str(int(rng.random() < 0.2))] if flags else []))
                t += dwell
    tables = {
        "stops.txt": stops_table(stops), "routes.txt": routes, "trips.txt": trips, "stop_times.txt": st,
        "calendar.txt": [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                          "start_date", "end_date"], ["WD", "1", "1", "1", "1", "1", "0", "0", "20260101", "20271231"]],
    }
    return tables, stops


def brute_force(feed, day: dt.date, origin: np.ndarray, dest: np.ndarray, settings, window: tuple[float, float]
                ) -> tuple[float, int]:
    """Fastest door-to-door journey (minutes, transfers) leaving ``origin`` in ``window`` (minutes),
    by trying every moment of leaving home that catches a departure and scanning every trip round by round (plain Python).

    Rules: walk straight × detour at the walking speed up to ``max_walk_m`` to and from stops (or
    all the way); the first vehicle is one that leaving home just in time for falls in the window;
    board when at the stop by the departure; change at the same stop after ``transfer_min`` or at
    another stop within ``transfer_walk_m`` (stops at one place always) after the walk; at most
    ``max_transfers + 1`` vehicles; of equally fast journeys the one with fewer vehicles.  Trips
    of the day before count with times − 24 h.
    """
    s = settings
    speed = s.walk_kmh / 3.6
    xy = feed.stop_xy

    def walk_s(a, b):
        d = float(np.hypot(*(np.asarray(a) - np.asarray(b))))
        return round(d * s.walk_detour / speed), d * s.walk_detour

    trips: dict[tuple[int, int], list[tuple[int, int, int, bool, bool]]] = {}
    for offset, d in ((0, day), (-86400, day - dt.timedelta(days=1))):
        active = feed.active_trips(d)
        for i in range(feed.n_stop_times):
            tr = int(feed.st_trip[i])
            if active[tr]:
                trips.setdefault((tr, offset), []).append((int(feed.st_stop[i]), int(feed.st_arr[i]) + offset,
                                                           int(feed.st_dep[i]) + offset, bool(feed.st_pickup[i]),
                                                           bool(feed.st_dropoff[i])))
    access = {j: walk_s(origin, xy[j]) for j in range(feed.n_stops)}
    egress = {j: walk_s(xy[j], dest) for j in range(feed.n_stops)}
    direct, direct_m = walk_s(origin, dest)
    best, best_tr = (direct, -1) if direct_m <= s.max_walk_m else (np.inf, -1)
    tr_s = round(s.transfer_min * 60)
    start, end = window[0] * 60, window[1] * 60
    taus = set()
    for stops in trips.values():  # every moment of leaving home just in time for a first vehicle in the window
        for (stop, _arr, dep, _pick, _drop) in stops:
            w, m = access[stop]
            if m <= s.max_walk_m and start <= dep - w <= end:
                taus.add(dep - w)
    for tau in sorted(taus):
        # the first vehicle: one caught leaving home at tau (without waiting is how tau was found)
        ready = {j: tau + w for j, (w, m) in access.items() if m <= s.max_walk_m}
        for vehicles in range(1, s.max_transfers + 2):
            arrived: dict[int, int] = {}
            for stops in trips.values():
                on = False
                for (stop, arr, dep, pick, drop) in stops:
                    if on and drop and arr < arrived.get(stop, np.inf):
                        arrived[stop] = arr
                    first_ok = vehicles > 1 or start <= dep - access[stop][0] <= end
                    if not on and pick and first_ok and ready.get(stop, np.inf) <= dep:
                        on = True
            for stop, arr in arrived.items():
                w, m = egress[stop]
                if m <= s.max_walk_m and (arr + w - tau, vehicles - 1) < (best, best_tr if np.isfinite(best) else 99):
                    best, best_tr = arr + w - tau, vehicles - 1
            nxt: dict[int, int] = {}
            for stop, arr in arrived.items():
                for j in range(feed.n_stops):
                    if j == stop:
                        t = arr + tr_s
                    else:
                        w, m = walk_s(xy[stop], xy[j])
                        if np.hypot(*(xy[stop] - xy[j])) > max(s.transfer_walk_m, 1.0):
                            continue
                        t = arr + max(w, tr_s)
                    nxt[j] = min(nxt.get(j, np.inf), t)
            ready = nxt
    return best / 60.0, best_tr
