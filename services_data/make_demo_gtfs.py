"""Write the demo's fictional bus timetable for ORP Židlochovice in GTFS format.

Run from the repository root: ``.venv/bin/python services_data/make_demo_gtfs.py``.  The stops
stand 150 m north of each obec's definition point (``geodata/obce_seed_districts.csv``, facts of
public record); the lines, trips and times are **fictional**, made to show what the tool does
with a timetable, and are marked so in the agency, route and feed names.  Running times are the
straight-line distance × 1.3 at 35 km/h, at least 2 minutes between stops.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "services_data" / "demo_jr_zidlochovicko"
#: Lines: number, stops from the outer end to Židlochovice, departures from the outer end on
#: working days (minutes after midnight of the first stop), from Židlochovice back out.
LINES: dict[str, tuple[tuple[str, ...], list[int], list[int]]] = {
    "901": (("Přísnotice", "Žabčice", "Hrušovany u Brna", "Vojkovice", "Židlochovice"),
            list(range(5 * 60 + 20, 20 * 60, 60)), list(range(6 * 60, 21 * 60, 60))),
    "902": (("Těšany", "Nesvačilka", "Moutnice", "Žatčany", "Měnín", "Blučina", "Židlochovice"),
            [5 * 60 + 40, 6 * 60 + 40, 7 * 60 + 40, 11 * 60 + 40, 14 * 60 + 40, 16 * 60 + 40],
            [6 * 60 + 15, 12 * 60 + 15, 13 * 60 + 15, 15 * 60 + 15, 16 * 60 + 15, 18 * 60 + 15]),
    "903": (("Otmarov", "Opatovice", "Rajhradice", "Popovice", "Rajhrad", "Holasice", "Židlochovice"),
            list(range(5 * 60 + 10, 19 * 60, 60)), list(range(6 * 60 + 30, 20 * 60, 60))),
    "904": (("Medlov", "Bratčice", "Syrovice", "Sobotovice", "Ledce", "Hrušovany u Brna", "Židlochovice"),
            [6 * 60 + 5, 12 * 60 + 5], [13 * 60 + 10, 17 * 60 + 40]),
    "905": (("Nosislav", "Unkovice", "Židlochovice"),
            list(range(5 * 60 + 50, 19 * 60, 120)), list(range(6 * 60 + 45, 20 * 60, 120))),
}
WEEKEND_EVERY = 3  # at weekends only every third trip runs
HOLIDAYS = ("20261224", "20261225", "20270101", "20270329", "20270501", "20270508", "20270705", "20270706",
            "20270928", "20271028", "20271117", "20271224")


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _hms(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def main() -> None:
    obce = {}
    with (ROOT / "geodata" / "obce_seed_districts.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["kod_orp_csu"] == "6221":
                obce[r["nazev_obce"]] = (float(r["lat"]) + 0.00135, float(r["lon"]))
    to_m = Transformer.from_crs("EPSG:4326", "EPSG:5514", always_xy=True)
    xy = {n: to_m.transform(lon, lat) for n, (lat, lon) in obce.items()}
    OUT.mkdir(parents=True, exist_ok=True)
    stop_id = {n: f"FZ{i:02d}" for i, n in enumerate(sorted(obce))}
    _write("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
           [["FIKT", "Fiktivní dopravce (ukázková data, nejezdí)", "https://example.invalid/", "Europe/Prague", "cs"]])
    _write("feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                             "feed_end_date", "feed_version"],
           [["coverage-app: fiktivní jízdní řád pro ukázku", "https://example.invalid/", "cs", "20260101", "20271231",
             "ukazka-1"]])
    _write("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon"],
           [[stop_id[n], f"{n}, náves (fiktivní zastávka)", f"{lat:.6f}", f"{lon:.6f}"]
            for n, (lat, lon) in sorted(obce.items())])
    _write("routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
           [[f"L{num}", "FIKT", num, f"Fiktivní linka {num}: {stops[0]} – Židlochovice (ukázková data)", 3]
            for num, (stops, _, _) in LINES.items()])
    _write("calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                            "start_date", "end_date"],
           [["PRAC", 1, 1, 1, 1, 1, 0, 0, "20260101", "20271231"], ["VIKEND", 0, 0, 0, 0, 0, 1, 1, "20260101", "20271231"]])
    _write("calendar_dates.txt", ["service_id", "date", "exception_type"],
           [["PRAC", d, 2] for d in HOLIDAYS] + [["VIKEND", d, 1] for d in HOLIDAYS])
    trips, times = [], []
    for num, (stops, inbound, outbound) in LINES.items():
        for direction, seq, starts in ((0, stops, inbound), (1, tuple(reversed(stops)), outbound)):
            legs = [max(2, round(math.dist(xy[a], xy[b]) / 1000 * 1.3 / 35 * 60)) for a, b in zip(seq, seq[1:])]
            for k, start in enumerate(starts):
                for service in ("PRAC",) + (("VIKEND",) if k % WEEKEND_EVERY == 0 else ()):
                    tid = f"{num}-{direction}-{start:04d}-{service}"
                    trips.append([f"L{num}", service, tid, seq[-1], direction])
                    t = start
                    for i, name in enumerate(seq):
                        t += legs[i - 1] if i else 0
                        times.append([tid, _hms(t), _hms(t), stop_id[name], i + 1])
    _write("trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"], trips)
    _write("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], times)


if __name__ == "__main__":
    main()
