"""Roads from the Overpass API and a GTFS feed in ``data download``, from a local HTTP server
answering in the real formats (OSM XML of Overpass, GTFS zip)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import urllib.parse
import zipfile
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from coverage_app.errors import DataError
from coverage_app.io.download import Sources, download_district
from coverage_app.io.osm_download import (
    district_bbox,
    overpass_query,
    overpass_url,
    read_roads_source,
)
from coverage_app.io.roads import read_osm
from tests import test_download
from tests.test_download import OBCE, TODAY, _sources, osm_xml

# the local server of tests.test_download (a new instance for this module)
server_root = test_download.server_root
server = test_download.server

OSM_BASE = "2026-11-30T12:00:00Z"
HTML_ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en"><head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8" lang="en"/>
  <title>OSM3S Response</title>
</head>
<body>
<p>The data included in this document is from www.openstreetmap.org. The data is made available under ODbL.</p>
<p><strong style="color:#FF0000">Error</strong>: runtime error: open64: 0 Success /osm3s_osm_base
Dispatcher_Client::request_read_and_idx::rate_limited. Please check /api/status for the quota of your IP address. </p>
</body>
</html>
"""
REMARK = ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="Overpass API 0.7.62.1 084b4234">\n'
          "<note>The data included in this document is from www.openstreetmap.org. The data is made available under "
          f'ODbL.</note>\n<meta osm_base="{OSM_BASE}"/>\n\n'
          '<remark> runtime error: Query timed out in "query" at line 1 after 181 seconds. </remark>\n\n</osm>\n')


def _gtfs_zip(path: Path, members: tuple[str, ...] = ("agency.txt", "stops.txt", "routes.txt", "trips.txt",
                                                        "stop_times.txt", "calendar.txt")) -> Path:
    from tests.transit_feeds import hand_feed

    tables = hand_feed()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in members:
            zf.writestr(name, "\n".join(",".join(r) for r in tables[name]) + "\n")
    return path


@pytest.fixture(scope="module")
def site(server, server_root: Path) -> tuple[str, Counter]:
    """The server of tests.test_download plus Overpass error answers and GTFS feeds."""
    no_meta = re.sub(r"<meta [^>]*/>", "", osm_xml())
    for folder, text in (("html", HTML_ERROR), ("remark", REMARK), ("nometa", no_meta)):
        (server_root / folder).mkdir()
        (server_root / folder / "interpreter").write_text(text, encoding="utf-8")
    (server_root / "gtfs").mkdir()
    _gtfs_zip(server_root / "gtfs" / "IDS_JMK_GTFS.zip")
    _gtfs_zip(server_root / "gtfs" / "bez_casu.zip", ("stops.txt", "routes.txt"))
    (server_root / "gtfs" / "html.zip").write_text("<html><body>Nenalezeno</body></html>", encoding="utf-8")
    return server


def _overpass_requests(counter: Counter, prefix: str = "/api/interpreter") -> list[str]:
    """The ``data`` queries of the requests to an Overpass endpoint."""
    out = []
    for path, n in counter.items():
        parts = urllib.parse.urlsplit(path)
        if parts.path == prefix:
            out += urllib.parse.parse_qs(parts.query)["data"] * n
    return out


def _district_gdf() -> gpd.GeoDataFrame:
    """The obce of ORP Židlochovice as served by tests.test_download (3 km squares, EPSG:5514)."""
    return gpd.GeoDataFrame(geometry=[box(x - 1500, y - 1500, x + 1500, y + 1500) for *_, (x, y) in OBCE[:3]],
                            crs="EPSG:5514")


def _bounds(margin_m: float) -> tuple[float, float, float, float]:
    g = _district_gdf().geometry.union_all().buffer(margin_m, 64)
    return tuple(gpd.GeoSeries([g], crs="EPSG:5514").to_crs("EPSG:4326").total_bounds)


def test_roads_are_fetched_for_the_district_plus_margin(site, tmp_path: Path) -> None:
    base, counter = site
    before = len(_overpass_requests(counter))
    cache = tmp_path / "cache"
    result = download_district("ORP:6221", cache, _sources(base), progress=False, steps=("roads",))
    queries = _overpass_requests(counter)[before:]
    assert len(queries) == 1
    query = queries[0]
    assert query.startswith("[out:xml][timeout:180];") and query.endswith("(._;>;);out body;")
    m = re.search(r'way\["highway"\]\(([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)\)', query)
    south, west, north, east = map(float, m.groups())
    inner, outer = _bounds(4900), _bounds(5300)  # (min_lon, min_lat, max_lon, max_lat)
    assert west <= inner[0] and south <= inner[1] and east >= inner[2] and north >= inner[3]
    assert west >= outer[0] and south >= outer[1] and east <= outer[2] and north <= outer[3]
    # the district's file is OSM XML with car and walk lines
    roads = result.files["roads"]
    assert roads == result.district_dir / "roads.osm"
    lines = read_osm(roads)
    assert lines["car_allowed"].sum() == 1 and lines["walk_allowed"].sum() == 2
    assert lines.crs.to_epsg() == 5514
    # source, licence and date for credits
    side = read_roads_source(roads)
    assert side["licence"] == "ODbL 1.0" and side["attribution"] == "© přispěvatelé OpenStreetMap"
    assert side["date"] == OSM_BASE
    assert side["source"] == f"OpenStreetMap (Overpass API {base}/api/interpreter)"
    assert side["bbox"] == [west, south, east, north]
    # the boundaries came along (the box needs them); the raw answer is in the manifest
    assert "municipalities" in result.files
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))["files"]
    (rel,) = [k for k in manifest if k.startswith("raw/osm/")]
    assert re.fullmatch(r"raw/osm/roads_[0-9a-f]{12}\.osm", rel)
    assert manifest[rel]["url"] == overpass_url(f"{base}/api/interpreter", query)


def test_second_run_takes_the_roads_from_the_cache(site, tmp_path: Path) -> None:
    base, counter = site
    cache = tmp_path / "cache"
    download_district("ORP:6221", cache, _sources(base), progress=False, today=TODAY)
    before = sum(counter.values())
    again = download_district("ORP:6221", cache, _sources(base), progress=False, today=TODAY)
    assert sum(counter.values()) == before
    assert again.fetched == [] and any("/api/interpreter?data=" in u for u in again.reused)
    side = read_roads_source(again.files["roads"])
    assert side["date"] == OSM_BASE
    # another margin is another box and another cached file
    wider = download_district("ORP:6221", cache, _sources(base, roads_margin_km=8), progress=False,
                              steps=("roads",))
    assert sum(counter.values()) == before + 1
    assert len(list((cache / "raw" / "osm").glob("roads_*.osm"))) == 2
    assert read_roads_source(wider.files["roads"])["bbox"][0] < side["bbox"][0]


@pytest.mark.parametrize(("folder", "words"), [
    ("html", ("není soubor OpenStreetMap", "rate_limited")),
    ("remark", ("nevrátilo úplná data", "Query timed out")),
])
def test_an_overpass_error_answer_is_a_czech_message(site, tmp_path: Path, folder: str, words: tuple[str, ...]) -> None:
    base, counter = site
    url = f"{base}/{folder}/interpreter"
    for attempt in (1, 2):  # the bad answer is not cached: the second run asks again
        with pytest.raises(DataError) as info:
            download_district("ORP:6221", tmp_path / "cache", _sources(base, overpass_url=url), progress=False,
                              steps=("roads",))
        text = info.value.format("cs")
        assert url in text and all(w in text for w in words), text
        assert "Traceback" not in text
        assert len(_overpass_requests(counter, f"/{folder}/interpreter")) == attempt
    assert info.value.problems[0].code in ("err.osm_not_osm", "err.osm_remark")
    assert not list((tmp_path / "cache" / "raw" / "osm").glob("*.osm"))
    assert "Overpass API" in info.value.format("en")


def test_without_osm_base_the_date_is_that_of_the_download(site, tmp_path: Path) -> None:
    base, _ = site
    sources = _sources(base, overpass_url=f"{base}/nometa/interpreter")
    result = download_district("ORP:6221", tmp_path / "cache", sources, progress=False, steps=("roads",))
    side = read_roads_source(result.files["roads"])
    age = dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(side["date"])
    assert dt.timedelta(seconds=-5) < age < dt.timedelta(minutes=10)
    assert side["date"] == side["downloaded"]


def test_bbox_and_query_helpers() -> None:
    obce = _district_gdf()
    tight = district_bbox(obce, 0)
    exact = tuple(gpd.GeoSeries([obce.geometry.union_all()], crs="EPSG:5514").to_crs("EPSG:4326").total_bounds)
    assert tight[0] <= exact[0] and tight[1] <= exact[1] and tight[2] >= exact[2] and tight[3] >= exact[3]
    assert all(abs(a - b) < 2e-4 for a, b in zip(tight, exact))
    q = overpass_query((16.5, 49.0, 16.7, 49.1), 90)
    assert q == '[out:xml][timeout:90];(way["highway"](49.0000,16.5000,49.1000,16.7000););(._;>;);out body;'
    assert overpass_url("https://x.invalid/api/interpreter", "a b;") == (
        "https://x.invalid/api/interpreter?data=a%20b%3B")
    assert overpass_url("https://x.invalid/i?key=1", "q").endswith("?key=1&data=q")
    s = Sources.from_mapping({"roads_margin_km": "3", "overpass_timeout": "60", "gtfs": "https://x.invalid/g.zip"})
    assert s.roads_margin_km == 3.0 and s.overpass_timeout == 60
    assert Sources().max_age_days["roads"] == 30 and Sources().max_age_days["gtfs"] == 7
    assert Sources().gtfs == "" and Sources().overpass_url == "https://overpass-api.de/api/interpreter"


def test_gtfs_feed_reaches_the_district_folder(site, server_root: Path, tmp_path: Path) -> None:
    base, counter = site
    feed = f"{base}/gtfs/IDS_JMK_GTFS.zip"
    result = download_district("ORP:6221", tmp_path / "cache", _sources(base, gtfs=feed), progress=False,
                               steps=("boundaries", "gtfs"))
    target = result.files["gtfs"]
    assert target == result.district_dir / "gtfs.zip"
    assert target.read_bytes() == (server_root / "gtfs" / "IDS_JMK_GTFS.zip").read_bytes()
    assert json.loads((result.district_dir / "gtfs.source.json").read_text(encoding="utf-8"))["source"] == feed
    assert list((tmp_path / "cache" / "raw" / "gtfs").glob("IDS_JMK_GTFS_*.zip"))
    # default steps: the feed comes along when it is set, and not at all otherwise
    before = counter["/gtfs/IDS_JMK_GTFS.zip"]
    every = download_district("ORP:6221", tmp_path / "cache", _sources(base, gtfs=feed), progress=False, today=TODAY)
    assert {"roads", "gtfs"} <= set(every.files) and counter["/gtfs/IDS_JMK_GTFS.zip"] == before
    plain = download_district("ORP:6221", tmp_path / "c2", _sources(base), progress=False, today=TODAY)
    assert "gtfs" not in plain.files and "roads" in plain.files


@pytest.mark.parametrize(("name", "code", "words"), [
    ("bez_casu.zip", "err.gtfs_missing", "chybí stop_times.txt"),
    ("html.zip", "err.gtfs_not_zip", "nejsou archiv ZIP"),
    ("", "err.gtfs_no_url", "gtfs = "),
])
def test_a_bad_gtfs_feed_is_a_czech_message(site, tmp_path: Path, name: str, code: str, words: str) -> None:
    base, _ = site
    url = f"{base}/gtfs/{name}" if name else ""
    with pytest.raises(DataError) as info:
        download_district("ORP:6221", tmp_path / "cache", _sources(base, gtfs=url), progress=False,
                          steps=("boundaries", "gtfs"))
    assert info.value.problems[0].code == code
    text = info.value.format("cs")
    assert words in text and url in text and "Traceback" not in text


def _run(*args: str) -> int:
    from coverage_app.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _config(path: Path, base: str, **extra: object) -> Path:
    keys = ("boundaries_state", "boundaries_obec", "population", "rpss", "codelists_base", "addresses",
            "overpass_url", "timeout")
    data = {k: v for k, v in dataclasses.asdict(_sources(base)).items() if k in keys}
    path.write_text(json.dumps({**data, **extra}), encoding="utf-8")
    return path


def test_cli_download_puts_the_roads_into_the_project(site, tmp_path: Path, capsys) -> None:
    base, _ = site
    project = tmp_path / "projekt.gpkg"
    code = _run("data", "download", "--district", "ORP:1376", "--cache", str(tmp_path / "cache"),
                "--sources", str(_config(tmp_path / "zdroje.json", base)), "--quiet", "--project", str(project))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "roads:" in out.out and "roads.osm" in out.out
    silnice = gpd.read_file(project, layer="silnice")
    assert len(silnice) == 2 and silnice.crs.to_epsg() == 5514
    code = _run("data", "download", "--district", "ORP:1376", "--cache", str(tmp_path / "cache"), "--quiet",
                "--sources", str(_config(tmp_path / "zdroje.json", base, overpass_url=f"{base}/html/interpreter")),
                "--step", "roads")
    out = capsys.readouterr()
    assert code == 1 and "není soubor OpenStreetMap" in out.err and "Traceback" not in out.err


def test_cli_download_passes_the_gtfs_feed_to_import(site, tmp_path: Path, capsys) -> None:
    base, _ = site
    project = tmp_path / "projekt.gpkg"
    cfg = _config(tmp_path / "zdroje.json", base, gtfs=f"{base}/gtfs/IDS_JMK_GTFS.zip")
    code = _run("data", "download", "--district", "ORP:1376", "--cache", str(tmp_path / "cache"),
                "--sources", str(cfg), "--quiet", "--project", str(project))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "gtfs.zip" in out.out and project.exists()
    from coverage_app.io.project import load_project

    proj = load_project(project)
    feed = proj.transit_feed()
    assert feed is not None and feed.n_stops == 4 and proj.meta["pt_feed"] == "gtfs.zip"
    assert proj.meta["pt_valid_to"] == "2026-12-31"
    assert "OpenStreetMap" in proj.meta["roads_attribution"] and "ODbL" in proj.meta["roads_attribution"]
    # the analysis uses both: travel along the downloaded roads, and the timetable's journeys
    out = tmp_path / "vysledky"
    code = _run("analyze", "--project", str(project), "--district", "ORP:1376", "--out", str(out))
    assert code == 0, capsys.readouterr().err
    import pandas as pd

    cov = pd.read_csv(out / "coverage.csv")
    assert set(cov["method"]) == {"road"}
    assert (out / "bez_auta.csv").exists() and "pt_time_min" in cov.columns
