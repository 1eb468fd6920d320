"""Downloading a district's official data from a local HTTP server serving files in the real formats."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.server
import json
import shutil
import socket
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from coverage_app.errors import DataError
from coverage_app.io.addresses import read_address_points
from coverage_app.io.download import ENV_VAR, Sources, default_address_date, download_district, fetch
from coverage_app.io.municipalities import load_district, read_municipalities
from coverage_app.io.population import read_population
from coverage_app.io.rpss import read_rpss

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 22)  # address points of 2026-10-31

#: Obce of the fictional state file: code, name, RÚIAN POÚ, RÚIAN ORP, a point in EPSG:5514.
OBCE = [
    (584282, "Židlochovice", 2801, 1376, (-599243.0, -1178030.0)),
    (583031, "Holasice", 2801, 1376, (-599705.0, -1174211.0)),
    (582859, "Blučina", 2801, 1376, (-596000.0, -1180500.0)),
    (500011, "Želechovice nad Dřevnicí", 2933, 1465, (-512000.0, -1168000.0)),
]


def _state_zip(folder: Path) -> Path:
    """A ČÚZK-like state archive: ``1/OBCE_P.*`` (plus another layer) in EPSG:5514."""
    work = folder / "shp"
    work.mkdir()
    gdf = gpd.GeoDataFrame(
        {"KOD": [o[0] for o in OBCE], "NAZEV": [o[1] for o in OBCE], "POU_KOD": [o[2] for o in OBCE],
         "ORP_KOD": [o[3] for o in OBCE]},
        geometry=[box(x - 1500, y - 1500, x + 1500, y + 1500) for *_, (x, y) in OBCE], crs="EPSG:5514")
    gdf.to_file(work / "OBCE_P.shp", encoding="utf-8")
    gdf.assign(KOD=[1, 2, 3, 4]).to_file(work / "KATUZE_P.shp", encoding="utf-8")
    archive = folder / "1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(work.iterdir()):
            zf.write(f, f"1/{f.name}")
    shutil.rmtree(work)
    return archive


def _obec_zip(folder: Path, code: int) -> Path:
    work = folder / f"shp{code}"
    work.mkdir()
    o = next(o for o in OBCE if o[0] == code)
    x, y = o[4]
    gpd.GeoDataFrame({"KOD": [o[0]], "NAZEV": [o[1]], "POU_KOD": [o[2]], "ORP_KOD": [o[3]]},
                     geometry=[box(x - 1000, y - 1000, x + 1000, y + 1000)], crs="EPSG:5514").to_file(
        work / "OBCE_P.shp", encoding="utf-8")
    archive = folder / f"{code}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(work.iterdir()):
            zf.write(f, f"{code}/{f.name}")
    shutil.rmtree(work)
    return archive


def _census(path: Path) -> Path:
    header = ["idhod", "hodnota", "ukaz_kod", "vek_cis", "vek_kod", "pohlavi_cis", "pohlavi_kod", "uzemi_cis",
              "uzemi_kod", "sldb_rok", "sldb_datum", "ukaz_txt", "vek_txt", "pohlavi_txt", "uzemi_txt", "uzemi_typ"]
    groups = [(a, a + 4) for a in range(0, 100, 5)] + [(100, None)]
    rows, n = [], 1
    places = [("43", str(o[0]), o[1], "obec") for o in OBCE] + [("65", "6221", "Židlochovice", "správní obvod ORP")]
    for cis, code, name, typ in places:
        vals = [10 + i for i in range(len(groups))]
        for (lo, hi), v in zip(groups, vals):
            label = f"{lo} a více let" if hi is None else f"{lo} - {hi} {'roky' if lo == 0 else 'let'}"
            rows.append([n, v, "3162", "1035", f"{lo}", "102", "", cis, code, "2021", "2021-03-26",
                         "Počet obyvatel", label, "", name, typ])
            n += 1
        rows.append([n, sum(vals), "3162", "", "", "102", "", cis, code, "2021", "2021-03-26", "Počet obyvatel",
                     "", "", name, typ])
        n += 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(header)
        w.writerows(rows)
    return path


def osm_xml(osm_base: str = "2026-11-30T12:00:00Z") -> str:
    """An Overpass API answer (OSM XML): a secondary road through the obce of ORP Židlochovice and
    a footway off it, nodes first as Overpass writes them."""
    from pyproj import Transformer

    to_wgs = Transformer.from_crs("EPSG:5514", "EPSG:4326", always_xy=True)
    pts = [to_wgs.transform(*o[4]) for o in OBCE[:3]]
    pts.append((pts[0][0] + 0.004, pts[0][1] + 0.003))
    nodes = "".join(f'  <node id="{100 + i}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n'
                    for i, (lon, lat) in enumerate(pts))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="Overpass API 0.7.62.1 084b4234">\n'
            "<note>The data included in this document is from www.openstreetmap.org. The data is made available "
            "under ODbL.</note>\n"
            f'<meta osm_base="{osm_base}"/>\n\n{nodes}'
            '  <way id="10">\n    <nd ref="101"/>\n    <nd ref="100"/>\n    <nd ref="102"/>\n'
            '    <tag k="highway" v="secondary"/>\n    <tag k="maxspeed" v="90"/>\n    <tag k="ref" v="416"/>\n'
            "  </way>\n"
            '  <way id="11">\n    <nd ref="100"/>\n    <nd ref="103"/>\n    <tag k="highway" v="footway"/>\n'
            "  </way>\n\n</osm>\n")


def _address_zip(path: Path) -> Path:
    other = ("Kód ADM;Kód obce;Název obce;Kód MOMC;Název MOMC;Kód obvodu Prahy;Název obvodu Prahy;Kód části obce;"
             "Název části obce;Kód ulice;Název ulice;Typ SO;Číslo domovní;Číslo orientační;"
             "Znak čísla orientačního;PSČ;Souřadnice Y;Souřadnice X;Platí Od\r\n"
             "90000030;500011;Želechovice nad Dřevnicí;;;;;1;Želechovice nad Dřevnicí;;;č.p.;1;;;76311;"
             "512000.00;1168000.00;2020-01-01T00:00:00\r\n").encode("cp1250")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(FIXTURES.glob("*_ADR.csv")):
            zf.write(f, "CSV/" + f.name.replace("20260831", "20261031"))
        zf.writestr("CSV/20261031_OB_500011_ADR.csv", other)
    return path


@pytest.fixture(scope="module")
def server_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("srv")
    (root / "cuzk" / "obec").mkdir(parents=True)
    _state_zip(root / "cuzk")
    for o in OBCE:
        _obec_zip(root / "cuzk" / "obec", o[0])
    (root / "csu").mkdir()
    _census(root / "csu" / "sldb2021_vek5_pohlavi.csv")
    (root / "mpsv" / "ciselniky").mkdir(parents=True)
    shutil.copy(FIXTURES / "rpss_mini.json", root / "mpsv" / "rpss.json")
    for name in ("druhy-socialni-sluzby.json", "cilove-skupiny-osoby.json", "formy-soc-sluzby.json"):
        shutil.copy(FIXTURES / name, root / "mpsv" / "ciselniky" / name)
    (root / "ruian").mkdir()
    _address_zip(root / "ruian" / "20261031_OB_ADR_csv.zip")
    (root / "api").mkdir()
    (root / "api" / "interpreter").write_text(osm_xml(), encoding="utf-8")  # answers ?data=… too
    return root


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with request counting and byte ranges (for resuming)."""

    counter: Counter = Counter()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass

    def do_GET(self) -> None:  # noqa: N802 - name of the base class
        type(self).counter[self.path] += 1
        if self.path == "/broken/rpss.json":  # the connection drops after 10 of 1000 bytes
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"polozky"')
            self.wfile.flush()
            self.close_connection = True
            return
        rng = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if rng and rng.startswith("bytes=") and path.is_file():
            start = int(rng[6:].split("-")[0])
            data = path.read_bytes()[start:]
            self.send_response(206)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Content-Range", f"bytes {start}-{start + len(data) - 1}/{path.stat().st_size}")
            self.end_headers()
            self.wfile.write(data)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def server(server_root: Path) -> Iterator[tuple[str, Counter]]:
    counter: Counter = Counter()
    handler = type("Handler", (_Handler,), {"counter": counter})

    def make(*args, **kwargs):
        return handler(*args, directory=str(server_root), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", counter
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _sources(base: str, **kw: object) -> Sources:
    return Sources.from_mapping({
        "boundaries_state": f"{base}/cuzk/1.zip",
        "boundaries_obec": f"{base}/cuzk/obec/{{kod_obce}}.zip",
        "population": f"{base}/csu/sldb2021_vek5_pohlavi.csv",
        "rpss": f"{base}/mpsv/rpss.json",
        "codelists_base": f"{base}/mpsv/ciselniky/",
        "addresses": f"{base}/ruian/{{date}}_OB_ADR_csv.zip",
        "overpass_url": f"{base}/api/interpreter",
        "timeout": 5,
        **kw,
    })


def test_download_district_and_load_it(server, tmp_path: Path) -> None:
    base, counter = server
    cache = tmp_path / "cache"
    result = download_district("ORP:6221", cache, _sources(base), progress=False, today=TODAY)
    assert result.obce == ("582859", "583031", "584282")
    assert set(result.files) == {"municipalities", "municipalities_all", "population", "rpss", "codelists",
                                 "addresses", "roads"}
    assert len(read_municipalities(result.files["municipalities_all"])) == len(OBCE)
    assert len(result.fetched) == 8 and result.reused == []
    assert "staženo 8 souborů" in result.summary()
    # the readers load the district's files
    district = load_district(result.files["municipalities"], "ORP:6221",
                             population=read_population(result.files["population"]))
    assert len(district) == 3 and district.has_polygons
    assert not district.age_is_estimated
    assert "sldb2021_vek5_pohlavi.csv" in district.population_source
    services = read_rpss(result.files["rpss"], result.files["codelists"], active_on=dt.date(2024, 1, 1))
    assert "9100007" not in set(services.services["service_id"])  # outside the district
    assert "9100001" in set(services.services["service_id"])
    points = read_address_points(result.files["addresses"])
    assert set(points["kod_obce"]) == {"584282", "583031"}
    # manifest: url, size and sha256 of every download
    manifest = json.loads((cache / "manifest.json").read_text(encoding="utf-8"))["files"]
    entry = manifest["raw/mpsv/rpss.json"]
    assert entry["url"] == f"{base}/mpsv/rpss.json"
    assert entry["sha256"] == hashlib.sha256((FIXTURES / "rpss_mini.json").read_bytes()).hexdigest()
    assert entry["size"] == (FIXTURES / "rpss_mini.json").stat().st_size
    assert not list(cache.rglob("*.part"))


def test_second_run_uses_the_cache_without_requests(server, tmp_path: Path) -> None:
    base, counter = server
    cache = tmp_path / "cache"
    download_district("ORP:6221", cache, _sources(base), progress=False, today=TODAY)
    before = sum(counter.values())
    again = download_district("ORP:6221", cache, _sources(base), progress=False, today=TODAY)
    assert sum(counter.values()) == before
    assert again.fetched == [] and len(again.reused) == 8
    # stale cache: revalidated with If-Modified-Since, nothing downloaded again
    stale = _sources(base, max_age_days={k: 0 for k in ("boundaries", "population", "registry", "codelists",
                                                        "addresses")})
    third = download_district("ORP:6221", cache, stale, progress=False, today=TODAY)
    assert sum(counter.values()) == before + 7
    assert third.fetched == []


def test_http_404_and_refused_connection_give_czech_messages(server, tmp_path: Path) -> None:
    base, _ = server
    with pytest.raises(DataError) as info:
        fetch(f"{base}/neni/rpss.json", tmp_path / "rpss.json", tmp_path, progress=False)
    text = info.value.format("cs")
    assert "nelze stáhnout" in text and "404" in text and "Traceback" not in text
    assert not (tmp_path / "rpss.json").exists()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(DataError) as info2:
        download_district("ORP:6221", tmp_path / "c", _sources(f"http://127.0.0.1:{port}"), progress=False,
                          today=TODAY)
    p = info2.value.problems[0]
    assert p.code == "err.download_offline"
    assert "síť není dostupná" in info2.value.format("cs")
    assert "network is not available" in info2.value.format("en")


def test_address_points_fall_back_one_month(server, server_root: Path, tmp_path: Path) -> None:
    base, _ = server
    result = download_district("ORP:6221", tmp_path / "cache", _sources(base), progress=False,
                               today=dt.date(2026, 12, 3), steps=("boundaries", "addresses"))
    assert result.files["addresses"].name == "20261031_OB_ADR_csv.zip"
    assert default_address_date(dt.date(2026, 1, 15)) == "20251231"
    assert default_address_date(dt.date(2026, 3, 1), months_back=2) == "20260131"


def test_boundaries_per_obec_for_a_list_of_obce(server, tmp_path: Path) -> None:
    base, counter = server
    result = download_district("OBCE:584282;583031", tmp_path / "cache", _sources(base, boundaries_mode="obce"),
                               progress=False, steps=("boundaries",))
    assert result.obce == ("583031", "584282")
    assert counter["/cuzk/obec/584282.zip"] >= 1
    obce = read_municipalities(result.files["municipalities"])
    assert sorted(obce["kod_obce"]) == ["583031", "584282"]
    with pytest.raises(DataError) as info:
        download_district("ORP:6221", tmp_path / "c2", _sources(base, boundaries_mode="obce"), progress=False)
    assert info.value.problems[0].code == "err.download_needs_obce"


def test_interrupted_download_is_resumed(server, server_root: Path, tmp_path: Path) -> None:
    base, counter = server
    data = (server_root / "mpsv" / "rpss.json").read_bytes()
    dest = tmp_path / "raw" / "rpss.json"
    dest.parent.mkdir(parents=True)
    (dest.parent / "rpss.json.part").write_bytes(data[:1000])
    path, downloaded = fetch(f"{base}/mpsv/rpss.json", dest, tmp_path, progress=False)
    assert downloaded and path.read_bytes() == data


def test_broken_transfer_keeps_the_part_for_resuming(server, tmp_path: Path) -> None:
    base, _ = server
    dest = tmp_path / "raw" / "rpss.json"
    with pytest.raises(DataError) as info:
        fetch(f"{base}/broken/rpss.json", dest, tmp_path, progress=False)
    assert info.value.problems[0].code == "err.download_incomplete"
    assert "naváže se" in info.value.format("cs")
    assert not dest.exists()
    assert (dest.parent / "rpss.json.part").read_bytes() == b'{"polozky"'


def test_sources_from_toml_json_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "zdroje.toml"
    toml.write_text('[sources]\nrpss = "https://example.invalid/rpss.json"\ntimeout = 5\n'
                    "[sources.max_age_days]\nregistry = 3\n", encoding="utf-8")
    s = Sources.load(toml)
    assert s.rpss == "https://example.invalid/rpss.json" and s.timeout == 5.0
    assert s.max_age_days["registry"] == 3 and s.max_age_days["addresses"] == 30
    monkeypatch.setenv(ENV_VAR, str(toml))
    assert Sources.from_env().rpss == "https://example.invalid/rpss.json"
    monkeypatch.setenv(ENV_VAR, '{"population": "https://example.invalid/obyv.csv"}')
    assert Sources.from_env().population == "https://example.invalid/obyv.csv"
    bad = tmp_path / "zdroje.json"
    bad.write_text('{"neznamy": 1}', encoding="utf-8")
    with pytest.raises(DataError) as info:
        Sources.load(bad)
    assert "neznámé klíče neznamy" in info.value.format("cs")


def test_cli_download_then_import_and_analyze(server, tmp_path: Path, capsys) -> None:
    """`coverage-app data download --project` fetches, imports, and the project analyses."""
    import json

    from coverage_app.cli import main

    base, _ = server
    cfg = tmp_path / "zdroje.json"
    cfg.write_text(json.dumps({
        "boundaries_state": f"{base}/cuzk/1.zip", "boundaries_obec": f"{base}/cuzk/obec/{{kod_obce}}.zip",
        "population": f"{base}/csu/sldb2021_vek5_pohlavi.csv", "rpss": f"{base}/mpsv/rpss.json",
        "codelists_base": f"{base}/mpsv/ciselniky/", "addresses": f"{base}/ruian/{{date}}_OB_ADR_csv.zip",
        "overpass_url": f"{base}/api/interpreter", "timeout": 5}), encoding="utf-8")
    project = tmp_path / "projekt.gpkg"

    def run(*args: str) -> int:
        try:
            main(list(args))
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    code = run("data", "download", "--district", "ORP:1376", "--cache", str(tmp_path / "cache"),
               "--sources", str(cfg), "--quiet", "--project", str(project))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert project.exists()
    code = run("analyze", "--project", str(project), "--district", "ORP:6221", "--out", str(tmp_path / "o"))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert (tmp_path / "o" / "coverage.csv").exists()
    # offline: a refused connection is a Czech message and exit code 1, no traceback
    cfg.write_text(json.dumps({"boundaries_state": "http://127.0.0.1:9/1.zip", "timeout": 2}), encoding="utf-8")
    code = run("data", "download", "--district", "ORP:6221", "--cache", str(tmp_path / "cache2"),
               "--sources", str(cfg), "--quiet")
    out = capsys.readouterr()
    assert code == 1 and "nelze stáhnout" in out.err and "Traceback" not in out.err
