"""Public-transport journeys on GTFS feeds: hand-computed values and a brute-force reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from coverage_app.errors import DataError
from coverage_app.transit import TransitRouter, TransitSettings, read_gtfs
from tests.transit_feeds import (EXCEPTION_DAY, NORMAL_DAY, brute_force, hand_feed, random_feed,
                                 write_feed)

#: 1 m/s and no detour: a point 60 m from a stop is one minute's walk from it.
_EASY = dict(walk_kmh=3.6, walk_detour=1.0, max_walk_m=500.0, transfer_min=2.0, transfer_walk_m=0.0)


_FEED: dict = {}


def _xy(stop: str, dx: float = 60.0) -> np.ndarray:
    """A point ``dx`` metres east of a stop of the hand-made feed (as the feed places it)."""
    feed = _FEED["hand"]
    x, y = feed.stop_xy[list(feed.stop_ids).index(stop)]
    return np.array([[x + dx, y]])


@pytest.fixture()
def hand(tmp_path: Path):
    _FEED["hand"] = read_gtfs(write_feed(tmp_path / "jr", hand_feed(), as_zip=True))
    return _FEED["hand"]


def test_transfer_and_calendar_exception_by_hand(hand) -> None:
    # a normal Tuesday: leave 6:59, walk 1 min, T1a 7:00→7:20, change at B, T2a 7:30→7:50, walk 1 min = 52 min
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A"), _xy("C"))
    assert m.there[0, 0] == pytest.approx(52.0) and m.transfers_there[0, 0] == 1
    # the exception day: T1a does not run; T1b 8:00→8:20, T2b 8:40→9:00: 7:59 → 9:01 = 62 min
    m = TransitRouter(hand, TransitSettings(day=EXCEPTION_DAY, **_EASY)).matrix(_xy("A"), _xy("C"))
    assert m.there[0, 0] == pytest.approx(62.0) and m.transfers_there[0, 0] == 1
    # no change allowed: C cannot be reached
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, max_transfers=0, **_EASY)).matrix(_xy("A"), _xy("C"))
    assert np.isinf(m.there[0, 0])


def test_return_trip_in_the_afternoon_window(hand) -> None:
    # A → B there (T1a 7:00→7:20: 22 min); back from B (T4 15:00→15:20: 22 min), no transfers
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A"), _xy("B"))
    assert m.there[0, 0] == pytest.approx(22.0) and m.back[0, 0] == pytest.approx(22.0)
    assert m.transfers_there[0, 0] == 0 and m.transfers_back[0, 0] == 0
    # leaving the service only after 16:00: no bus home
    late = TransitSettings(day=NORMAL_DAY, back=(960.0, 1080.0), **_EASY)
    m = TransitRouter(hand, late).matrix(_xy("A"), _xy("B"))
    assert np.isinf(m.back[0, 0]) and m.transfers_back[0, 0] == -1
    # C has no bus back at all
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A"), _xy("C"))
    assert np.isfinite(m.there[0, 0]) and np.isinf(m.back[0, 0])


def test_trip_after_midnight_belongs_to_the_day_before(hand) -> None:
    night = dict(_EASY, depart=(0.0, 90.0))
    # Monday's night trip 24:40→25:00 runs at 0:40 on Tuesday: 0:39 → 1:01 = 22 min
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **night)).matrix(_xy("D"), _xy("A"))
    assert m.there[0, 0] == pytest.approx(22.0)
    # on Wednesday nothing runs at night (Tuesday has no night trip)
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY + dt.timedelta(days=1), **night)).matrix(_xy("D"), _xy("A"))
    assert np.isinf(m.there[0, 0])


def test_walk_only_when_the_destination_is_near(hand) -> None:
    m = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A", 0.0), _xy("A", 300.0))
    assert m.there[0, 0] == pytest.approx(5.0) and m.transfers_there[0, 0] == -1


def test_feed_dates_and_default_day(hand) -> None:
    assert hand.valid_from == dt.date(2026, 9, 1) and hand.valid_to == dt.date(2026, 12, 31)
    assert hand.first_working_day(dt.date(2026, 10, 1)) == dt.date(2026, 10, 6)  # the first Tuesday
    assert hand.first_working_day(dt.date(2030, 1, 1)) == dt.date(2026, 9, 1)  # outside: from the start
    assert hand.agencies == ("Fiktivní dopravce (testovací data)",)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7, 8, 9])
def test_random_feeds_agree_with_brute_force(tmp_path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    tables, stops = random_feed(rng, flags=seed % 2 == 0)
    feed = read_gtfs(write_feed(tmp_path / f"r{seed}", tables))
    window = (300.0, 600.0) if seed % 3 else (420.0, 540.0)  # a narrow window cuts trips short
    settings = TransitSettings(day=dt.date(2026, 10, 6), depart=window, walk_kmh=4.0, walk_detour=1.3,
                               max_walk_m=1200.0, max_transfers=int(rng.integers(0, 3)), transfer_min=2.0,
                               transfer_walk_m=float(rng.choice([0.0, 2500.0])), horizon_min=400.0)
    pts = np.array(list(stops.values())) + rng.uniform(-300, 300, size=(len(stops), 2))
    m = TransitRouter(feed, settings).matrix(pts, pts)
    checked = 0
    for i in range(len(pts)):
        for j in range(len(pts)):
            ref, ref_tr = brute_force(feed, settings.day, pts[i], pts[j], settings, settings.depart)
            if np.isinf(ref):
                assert np.isinf(m.there[i, j]), (i, j)
                continue
            assert m.there[i, j] == pytest.approx(ref, abs=1e-6), (i, j)
            assert m.transfers_there[i, j] == ref_tr, (i, j)
            checked += 1
    assert checked > len(pts)  # journeys, not only walks and misses


def _broken(tmp_path: Path, edit) -> DataError:
    tables = hand_feed()
    edit(tables)
    with pytest.raises(DataError) as exc:
        read_gtfs(write_feed(tmp_path / "bad", tables, as_zip=True))
    return exc.value


def test_broken_rows_are_refused_with_file_row_and_column(tmp_path: Path) -> None:
    def bad_time(t):
        t["stop_times.txt"][3][1] = "7:6O:00"
    p = _broken(tmp_path, bad_time).problems[0]
    assert (p.file, p.row, p.column) == ("bad.zip/stop_times.txt", 4, "arrival_time")
    assert "HH:MM:SS" in p.message()

    def unknown_stop(t):
        t["stop_times.txt"][5][3] = "Z"
    p = _broken(tmp_path, unknown_stop).problems[0]
    assert (p.file, p.row, p.column) == ("bad.zip/stop_times.txt", 6, "stop_id")
    assert "stops.txt" in p.message()

    def long_row(t):
        t["trips.txt"][2].append("navíc")
    p = _broken(tmp_path, long_row).problems[0]
    assert (p.file, p.row) == ("bad.zip/trips.txt", 3) and "hlavička 3" in p.message()

    def backwards(t):
        t["stop_times.txt"][2][1] = t["stop_times.txt"][2][2] = "06:50:00"
    p = _broken(tmp_path, backwards).problems[0]
    assert (p.row, p.column) == (3, "arrival_time") and "předchozí zastávce" in p.message()

    def bad_calendar(t):
        t["calendar.txt"][1][2] = "ano"
        t["calendar_dates.txt"][1][2] = "3"
    probs = _broken(tmp_path, bad_calendar).problems
    assert {(p.file, p.row, p.column) for p in probs} == {("bad.zip/calendar.txt", 2, "tuesday"),
                                                          ("bad.zip/calendar_dates.txt", 2, "exception_type")}


def test_missing_files_and_not_a_feed(tmp_path: Path) -> None:
    tables = hand_feed()
    del tables["stops.txt"]
    with pytest.raises(DataError) as exc:
        read_gtfs(write_feed(tmp_path / "nostops", tables))
    assert "stops.txt" in exc.value.format()
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    with pytest.raises(DataError) as exc:
        read_gtfs(junk)
    assert "GTFS" in exc.value.format()


def test_untimed_stops_are_interpolated_and_far_stops_warned(tmp_path: Path) -> None:
    tables = hand_feed()
    st = tables["stop_times.txt"]
    st.insert(2, ["T1a", "", "", "D", "2"])  # an untimed stop between A (7:00) and B (7:20)
    st[3][4] = "3"
    feed = read_gtfs(write_feed(tmp_path / "interp", tables),
                     district_bbox=(-700000.0, -1300000.0, -690000.0, -1290000.0))
    d = int(np.flatnonzero(feed.stop_ids == "D")[0])
    row = np.flatnonzero((feed.st_stop == d) & (feed.trip_ids[feed.st_trip] == "T1a"))[0]
    assert feed.st_arr[row] == 7 * 3600 + 600
    assert any(p.code == "warn.gtfs_stops_outside" for p in feed.warnings.problems)


def test_demo_timetable_in_import_project_and_analyze(tmp_path: Path) -> None:
    """The demo's fictional feed goes into a project (layer jizdni_rad) with its settings, and
    ``analyze --project`` writes the "bez auta" list and the public-transport columns."""
    import pandas as pd

    from coverage_app.cli import cli
    from coverage_app.demo import demo_paths
    from coverage_app.io.project import load_project

    paths = demo_paths()
    project = tmp_path / "p.gpkg"
    args = ["import", "--municipalities", str(paths["municipalities"]), "--services", str(paths["services"]),
            "--custom-kinds", str(paths["custom_kinds"]), "--district", "ORP:6221", "--gtfs", str(paths["timetable"]),
            "--pt-day", "2026-10-06", "--pt-back", "13:00-17:00", "--walk-kmh", "3", "--out", str(project)]
    cli.main(args=args, prog_name="coverage-app", standalone_mode=False)
    proj = load_project(project)
    s = proj.transit_settings()
    assert (s.day, s.back, s.walk_kmh) == (dt.date(2026, 10, 6), (780.0, 1020.0), 3.0)
    assert proj.transit_feed().agencies == ("Fiktivní dopravce (ukázková data, nejezdí)",)
    out = tmp_path / "out"
    cli.main(args=["analyze", "--project", str(project), "--district", "ORP:6221", "--out", str(out)],
             prog_name="coverage-app", standalone_mode=False)
    cov = pd.read_csv(out / "coverage.csv", dtype={"municipality_code": str})
    # the day centre (denní stacionář) of Židlochovice from Nesvačilka: line 902 without a change
    row = cov[(cov["municipality_name"] == "Nesvačilka") & (cov["kind_name"] == "denní stacionáře")].iloc[0]
    assert row["pt_transfers"] == 0 and 30 < row["pt_time_min"] < 80
    assert row["pt_site_name"] != ""
    no_car = pd.read_csv(out / "bez_auta.csv")
    assert len(no_car) and (no_car["travel_time_min"] <= no_car["limit_min"]).all()
    assert no_car["reason"].str.contains("autem").all()
    # residential and field forms have no bus times
    assert cov.loc[cov["kind_name"] == "domovy pro seniory", "pt_time_min"].isna().all()


def test_feed_outside_validity_and_bad_window_are_reported(tmp_path: Path, capsys) -> None:
    from coverage_app.cli import cli
    from coverage_app.transit.router import parse_window

    assert parse_window("6:00-9:00") == (360.0, 540.0) and parse_window("14-18") == (840.0, 1080.0)
    with pytest.raises(DataError):
        parse_window("9:00-6:00")
    out = tmp_path / "o"
    cli.main(args=["analyze", "--demo", "--district", "ORP:6221", "--pt-day", "2030-01-08", "--out", str(out)],
             prog_name="coverage-app", standalone_mode=False)
    err = capsys.readouterr().err
    assert "mimo platnost jízdního řádu" in err


def test_walks_follow_the_walk_network_when_roads_are_loaded(hand) -> None:
    """A stop 400 m away in a straight line but 1.8 km by the only path is out of walking reach."""
    import geopandas as gpd
    from shapely.geometry import LineString

    from coverage_app.reach import build_graph

    ax, ay = hand.stop_xy[list(hand.stop_ids).index("A")]
    home = np.array([[ax, ay + 400.0]])
    path = LineString([(ax, ay + 400.0), (ax + 700.0, ay + 400.0), (ax + 700.0, ay), (ax, ay)])
    roads = gpd.GeoDataFrame({"speed_car_kmh": [np.nan], "speed_walk_kmh": [5.0], "car_allowed": [False],
                              "walk_allowed": [True], "oneway": [0]}, geometry=[path], crs="EPSG:5514")
    graph = build_graph(roads)
    s = TransitSettings(day=NORMAL_DAY, **dict(_EASY, max_walk_m=1000.0))
    straight = TransitRouter(hand, s).matrix(home, _xy("B"))
    assert np.isfinite(straight.there[0, 0])  # 400 m straight: T1a 7:00 → 7:20
    assert straight.there[0, 0] == pytest.approx((400 + 20 * 60 + 60) / 60.0)
    along = TransitRouter(hand, s, walk_graph=graph).matrix(home, _xy("B"))
    assert np.isinf(along.there[0, 0])
    # a longer allowed walk: 1.8 km along the path at 1 m/s = 30 min, then the bus and 1 min
    far = TransitSettings(day=NORMAL_DAY, **dict(_EASY, max_walk_m=2000.0))
    along = TransitRouter(hand, far, walk_graph=graph).matrix(home, _xy("B"))
    assert along.there[0, 0] == pytest.approx((1800 + 20 * 60 + 60) / 60.0, abs=0.1)


def test_feed_edge_cases_from_a_review(tmp_path: Path) -> None:
    # an untimed stop after a long dwell: between 7:15 (departure) and 7:20, not before 7:15
    tables = hand_feed()
    st = tables["stop_times.txt"]
    st[1] = ["T1a", "07:00:00", "07:15:00", "A", "1"]
    st.insert(2, ["T1a", "", "", "D", "2"])
    st[3][4] = "3"
    feed = read_gtfs(write_feed(tmp_path / "dwell", tables))
    d = int(np.flatnonzero(feed.stop_ids == "D")[0])
    row = np.flatnonzero((feed.st_stop == d) & (feed.trip_ids[feed.st_trip] == "T1a"))[0]
    assert 7 * 3600 + 15 * 60 < feed.st_arr[row] < 7 * 3600 + 20 * 60
    # trailing commas on data rows do not shift the columns
    tables = hand_feed()
    tables["agency.txt"][1] = tables["agency.txt"][1] + [""]
    assert read_gtfs(write_feed(tmp_path / "commas", tables)).agencies == ("Fiktivní dopravce (testovací data)",)
    # a header without stop times, a file not in UTF-8, a pickup_type that is no code
    tables = hand_feed()
    tables["stop_times.txt"] = tables["stop_times.txt"][:1]
    with pytest.raises(DataError, match="žádné časy zastavení"):
        read_gtfs(write_feed(tmp_path / "empty", tables))
    folder = write_feed(tmp_path / "cp1250", hand_feed())
    (folder / "stops.txt").write_bytes((folder / "stops.txt").read_text(encoding="utf-8").encode("cp1250"))
    with pytest.raises(DataError) as exc:
        read_gtfs(folder)
    assert exc.value.problems[0].file == "cp1250/stops.txt" and "UTF-8" in exc.value.format()
    tables = hand_feed()
    tables["stop_times.txt"] = [r + (["pickup_type"] if i == 0 else ["x" if i == 2 else "0"])
                                for i, r in enumerate(tables["stop_times.txt"])]
    with pytest.raises(DataError) as exc:
        read_gtfs(write_feed(tmp_path / "pick", tables))
    assert (exc.value.problems[0].row, exc.value.problems[0].column) == (3, "pickup_type")


def test_stops_at_one_place_are_linked_even_without_transfer_walks(tmp_path: Path) -> None:
    """Two platforms at the same point: the change works although transfer_walk_m is 0."""
    tables = hand_feed()
    tables["stops.txt"].append(["B2"] + tables["stops.txt"][2][1:])  # B's twin
    for r in tables["stop_times.txt"][1:]:
        if r[0] in ("T2a", "T2b") and r[3] == "B":
            r[3] = "B2"
    feed = read_gtfs(write_feed(tmp_path / "twin", tables))
    _FEED["hand"] = feed
    m = TransitRouter(feed, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A"), _xy("C"))
    assert m.there[0, 0] == pytest.approx(52.0) and m.transfers_there[0, 0] == 1


def test_without_car_is_unknown_on_a_day_without_trips_and_any_site_within_limit_counts(hand) -> None:
    import pandas as pd

    from coverage_app.transit.indicators import transit_columns

    class _A:  # the parts of an analysis transit_columns reads
        def __init__(self, tm):
            self.transit = tm
            self.district = type("D", (), {"codes": ["1"]})()

    # a Sunday in the feed: no trip runs, so nothing is "by car only"
    sunday = TransitRouter(hand, TransitSettings(day=dt.date(2026, 9, 13), **_EASY)).matrix(_xy("A"), _xy("B"))
    assert not sunday.covered.any()
    cols = transit_columns(_A(sunday), pd.DataFrame({"col": [0]}), np.array(["B"], dtype=object), 45.0,
                           np.array([True]))
    assert not cols["car_only"][0] and np.isnan(cols["pt_time_min"][0])
    # site 0: 10 min there, 50 back; site 1: 40 and 40; limit 45 → reachable by site 1
    tm = TransitRouter(hand, TransitSettings(day=NORMAL_DAY, **_EASY)).matrix(_xy("A"), _xy("B"))
    tm.there, tm.back = np.array([[10.0, 40.0]]), np.array([[50.0, 40.0]])
    tm.transfers_there, tm.transfers_back = np.zeros((1, 2), int), np.zeros((1, 2), int)
    tm.dest_covered = np.array([True, True])
    cols = transit_columns(_A(tm), pd.DataFrame({"col": [0, 1]}), np.array(["A", "B"], dtype=object), 45.0,
                           np.array([True]))
    assert cols["pt_reachable"][0] and not cols["car_only"][0] and cols["pt_site_name"][0] == "B"
