"""Bad inputs are refused or warned by name (file, row, column) in Czech, never taken silently.

Each case is a small file made here in the real format; the expectation names the severity, the
place and words of the Czech message.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from coverage_app.errors import DataError, Report
from coverage_app.io.rpss import RegistryCodelists, read_rpss
from coverage_app.io.services import read_services

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ITEM = json.loads((FIXTURES / "rpss_mini.json").read_text(encoding="utf-8"))["polozky"][1]  # a home, 40 beds


def _registry(tmp_path: Path, **changes) -> Path:
    item = copy.deepcopy(ITEM)
    for key, value in changes.items():
        if key == "pocet":
            item["formy"][0]["kapacity"][0]["pocet"] = value
        else:
            item[key] = value
    path = tmp_path / "rpss.json"
    path.write_text(json.dumps({"polozky": [item]}, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("pocet,word", [(-15, "-15"), (float("nan"), "nan"), (float("inf"), "inf")])
def test_registry_capacity_that_is_no_capacity_is_left_out_with_a_warning(tmp_path, pocet, word):
    warnings = Report()
    svc = read_rpss(_registry(tmp_path, pocet=pocet), RegistryCodelists.from_dir(FIXTURES), warnings=warnings)
    assert svc.capacities.empty  # never NaN, never Infinity in capacity.csv and E2SFCA
    (p,) = [p for p in warnings.problems if p.code == "warn.rpss_bad_capacity"]
    assert (p.file, p.row, p.column) == ("rpss.json", 1, "formy.kapacity.pocet")
    assert "není platná kapacita" in p.message("cs") and word in p.message("cs").lower()


@pytest.mark.parametrize("pocet,code,words", [(0, "warn.capacity_zero", "kapacita je 0"),
                                              (10**12, "warn.capacity_implausible", "nezvykle vysoká")])
def test_registry_capacity_zero_or_implausible_is_warned(tmp_path, pocet, code, words):
    warnings = Report()
    svc = read_rpss(_registry(tmp_path, pocet=pocet), RegistryCodelists.from_dir(FIXTURES), warnings=warnings)
    assert len(svc.capacities) == 1
    (p,) = [p for p in warnings.problems if p.code == code]
    assert p.row == 1 and p.column == "formy.kapacity.pocet" and words in p.message("cs")


def test_registry_end_before_start_is_refused(tmp_path):
    path = _registry(tmp_path, datumPoskytovaniOd="2020-05-01", datumPoskytovaniDo="2019-01-01")
    with pytest.raises(DataError) as info:
        read_rpss(path, RegistryCodelists.from_dir(FIXTURES))
    p = info.value.problems[0]
    assert (p.row, p.column) == (1, "datumPoskytovaniDo") and "je před datem zahájení" in p.message("cs")


HEADER = "id_sluzby,nazev_sluzby,druh,forma,kapacita,jednotka_kapacity,kod_obce,lat,lon\n"


@pytest.mark.parametrize("capacity,code,words", [("0", "warn.capacity_zero", "kapacita je 0"),
                                                 ("1000000000000000", "warn.capacity_implausible",
                                                  "nezvykle vysoká")])
def test_template_capacity_zero_or_implausible_is_warned(tmp_path, capacity, code, words):
    path = tmp_path / "sluzby.csv"
    path.write_text(HEADER + f"S1,Domov,DruhSocialniSluzby/13,pob,{capacity},luzka,584282,49.04,16.62\n",
                    encoding="utf-8")
    warnings = Report()
    read_services(path, warnings=warnings)
    (p,) = [p for p in warnings.problems if p.code == code]
    assert (p.file, p.row, p.column) == ("sluzby.csv", 2, "kapacita") and words in p.message("cs")


@pytest.mark.parametrize("capacity", ["inf", "nan", "-3"])
def test_template_capacity_not_finite_or_negative_is_refused(tmp_path, capacity):
    path = tmp_path / "sluzby.csv"
    path.write_text(HEADER + f"S1,Domov,DruhSocialniSluzby/13,pob,{capacity},luzka,584282,49.04,16.62\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_services(path)
    p = info.value.problems[0]
    assert (p.row, p.column) == (2, "kapacita")


def test_validate_never_echoes_terminal_escape_sequences(tmp_path, capsys):
    """A crafted file cannot make ``validate`` print what it did not find (e.g. a fake summary)."""
    from coverage_app.cli import main

    fake = "\x1b[2K\x1b[1A\x1b[32mNalezeno chyb: 0\x1b[0m"
    path = tmp_path / "sluzby.csv"
    path.write_text(HEADER + f"S1,Domov,{fake},pob,20,luzka,584282,49.04,16.62\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["validate", str(path)])
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err
    assert "řídicí znak \\x1b" in out.err  # named, harmless


def _template(tmp_path: Path, body: bytes, name: str = "sluzby.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(HEADER.encode("utf-8") + body)
    return path


@pytest.mark.parametrize("body,row,column,words", [
    (b"", 1, None, "jen záhlaví"),
    (b"S1,Domov,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62,navic,dalsi\n", 2, None,
     "11 buněk, záhlaví jen 9"),
    (b"S1,Do\x01mov,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62\n", 2, "nazev_sluzby", "řídicí znak \\x01"),
    (b"S1," + b"A" * 6000 + b",DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62\n", 2, "nazev_sluzby",
     "6000 znaků"),
    ("S1,Domov Žabčice,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62\n".encode("utf-8")
     + "S2,Dům Říčany,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62\n".encode("cp1250"), 3, None,
     "míchá kódování"),
])
def test_broken_template_rows_are_refused_by_row_and_column(tmp_path, body, row, column, words):
    with pytest.raises(DataError) as info:
        read_services(_template(tmp_path, body))
    p = info.value.problems[0]
    assert (p.file, p.row, p.column) == ("sluzby.csv", row, column)
    assert words in p.message("cs")


def test_unquoted_service_area_with_the_delimiter_is_not_cut_silently(tmp_path):
    """``584231;584061`` in a ``;`` file without quotes used to lose its second obec: now refused."""
    head = "id_sluzby;nazev_sluzby;druh;forma;kapacita;jednotka_kapacity;kod_obce;uzemni_pusobnost\n"
    path = tmp_path / "sluzby.csv"
    path.write_bytes((head + "S1;Pečovatelská;DruhSocialniSluzby/4;ter;40;klient;584231;584231;584061\n")
                     .encode("cp1250"))
    with pytest.raises(DataError) as info:
        read_services(path)
    assert info.value.problems[0].row == 2 and "uvozovky" in info.value.problems[0].message("cs")


# ---------------------------------------------------------------------------------------------
# Municipality files
# ---------------------------------------------------------------------------------------------
def _obce(rows, crs="EPSG:5514"):
    import geopandas as gpd

    return gpd.GeoDataFrame([{"KOD_OBEC": k, "NAZ_OBEC": n} for k, n, _ in rows],
                            geometry=[g for _, _, g in rows], crs=crs)


def _square(x0, y0, size=1000.0):
    from shapely.geometry import Polygon

    return Polygon([(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size)])


X0, Y0 = -600_000.0, -1_150_000.0


def test_municipality_file_without_obce_is_refused(tmp_path):
    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.gpkg"
    _obce([("584282", "Židlochovice", _square(X0, Y0))]).iloc[0:0].to_file(path)
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    assert "žádnou obec" in info.value.problems[0].message("cs")


def test_shapefile_without_prj_is_refused(tmp_path):
    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.shp"
    _obce([("584282", "Židlochovice", _square(X0, Y0))]).to_file(path)
    path.with_suffix(".prj").unlink()
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    assert ".prj" in info.value.problems[0].message("cs")


def test_metres_declared_as_degrees_are_refused_in_czech(tmp_path):
    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.gpkg"
    _obce([("584282", "Židlochovice", _square(X0, Y0))]).set_crs(4326, allow_override=True).to_file(path)
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    msg = info.value.problems[0].message("cs")
    assert "v metrech" in msg and "EPSG:5514" in msg


def test_points_mixed_with_polygons_are_refused(tmp_path):
    from shapely.geometry import Point

    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.gpkg"
    _obce([("584282", "Židlochovice", _square(X0, Y0)), ("583758", "Rajhrad", _square(X0 + 2000, Y0)),
           ("583766", "Rajhradice", Point(X0 + 5000, Y0))]).to_file(path)
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    p = info.value.problems[0]
    assert (p.row, p.column) == (3, "geometry") and "míchá druhy geometrie" in p.message("cs")


def test_bow_tie_boundary_is_repaired_with_a_warning_naming_the_obec(tmp_path):
    from shapely.geometry import Polygon

    from coverage_app.io.municipalities import read_municipalities

    bow = Polygon([(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)])
    path = tmp_path / "obce.gpkg"
    _obce([("584282", "Židlochovice", _square(X0, Y0)), ("583758", "Rajhrad", bow)]).to_file(path)
    warnings = Report()
    obce = read_municipalities(path, warnings=warnings)
    assert obce.geometry.is_valid.all()
    (p,) = warnings.problems
    assert p.row == 2 and "583758 Rajhrad" in p.message("cs") and "opravena" in p.message("cs")


def test_road_network_of_another_area_is_refused(tmp_path):
    """Roads 280 km away would give 294-minute 'road' times: refused with the share of obce not covered."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from coverage_app.coverage import analyze
    from coverage_app.model import CRS, District, empty_services
    from coverage_app.reach import build_graph

    lines = [LineString([(X0 + 280_000 + 1000 * i, Y0), (X0 + 281_000 + 1000 * i, Y0)]) for i in range(20)]
    roads = gpd.GeoDataFrame({"speed_car_kmh": [50.0] * 20, "speed_walk_kmh": [5.0] * 20, "car_allowed": [True] * 20,
                              "walk_allowed": [True] * 20}, geometry=lines, crs=CRS)
    d = District(gpd.GeoDataFrame({"kod_obce": ["500001", "500002"], "nazev_obce": ["A", "B"], "population": 10.0},
                                  geometry=[Point(X0, Y0), Point(X0 + 3000, Y0)], crs=CRS))
    with pytest.raises(DataError) as info:
        analyze(d, empty_services(), build_graph(roads, source="silnice.gpkg"))
    p = info.value.problems[0]
    assert p.file == "silnice.gpkg" and "nepokrývá území: 100 % obcí" in p.message("cs")


def _roads(lines):
    import geopandas as gpd

    from coverage_app.model import CRS

    n = len(lines)
    return gpd.GeoDataFrame({"speed_car_kmh": [50.0] * n, "speed_walk_kmh": [5.0] * n, "car_allowed": [True] * n,
                             "walk_allowed": [True] * n}, geometry=lines, crs=CRS)


def test_road_network_in_pieces_is_refused_with_the_share_it_joins():
    """One short road beside each of five obce and none between them: every time would be "no route"."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from coverage_app.coverage import analyze
    from coverage_app.model import CRS, District, empty_services
    from coverage_app.reach import build_graph

    xs = [X0 + 4000 * i for i in range(5)]
    lines = [LineString([(x - 300, Y0 + 100), (x + 300, Y0 + 100)]) for x in xs]
    d = District(gpd.GeoDataFrame({"kod_obce": [f"50000{i}" for i in range(5)], "nazev_obce": list("ABCDE"),
                                   "population": 10.0}, geometry=[Point(x, Y0) for x in xs], crs=CRS))
    with pytest.raises(DataError) as info:
        analyze(d, empty_services(), build_graph(_roads(lines), source="silnice.gpkg"))
    p = info.value.problems[0]
    assert p.file == "silnice.gpkg" and "není souvislá: obce leží na 5 oddělených kusech" in p.message("cs")
    assert "jen 20 % obcí" in p.message("cs")
    # joined by one road along them, the same obce are fine
    joined = lines + [LineString([(a + 300, Y0 + 100), (b - 300, Y0 + 100)]) for a, b in zip(xs, xs[1:])]
    analyze(d, empty_services(), build_graph(_roads(joined), source="silnice.gpkg"))


def test_speed_table_of_zeros_names_the_speed_table(tmp_path):
    from coverage_app.io.roads import read_speed_table

    path = tmp_path / "rychlosti.csv"
    path.write_text("trida;rychlost_kmh\ndálnice;0\nsilnice I. třídy;0\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_speed_table(path)
    p = info.value.problems[0]
    assert p.file == "rychlosti.csv" and "rychlost 0 km/h" in p.message("cs")


# ---------------------------------------------------------------------------------------------
# Archives
# ---------------------------------------------------------------------------------------------
def test_zip_bomb_is_refused_before_it_is_expanded(tmp_path):
    import zipfile

    from coverage_app.io.addresses import read_address_points

    path = tmp_path / "adresy.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("20240101_OB_599999_ADR.csv", b"0" * (50 * 1024**2))  # 50 MB of zeros: ~50 kB packed
    assert path.stat().st_size < 1024**2
    with pytest.raises(DataError) as info:
        read_address_points(path)
    p = info.value.problems[0]
    assert p.file == "adresy.zip" and "zip bomba" in p.message("cs")


def test_zip_member_outside_the_archive_is_refused(tmp_path):
    import zipfile

    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../etc/obce.shp", b"x")
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    assert "mimo archiv" in info.value.problems[0].message("cs")


def test_damaged_project_layers_are_named_in_czech(tmp_path, demo):
    import pyogrio

    from coverage_app.io.project import Project, load_project, save_project

    path = save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"},
                                scenarios={"Plán": {"name": "Plán", "edits": []}}), tmp_path / "p.gpkg")
    import pandas as pd

    pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ["{nedokončený"]}), path, layer="scenare")
    project = load_project(path)  # the damaged scenario is left out, the rest is usable
    (p,) = project.warnings
    assert project.scenarios == {} and len(project.services.services)
    assert (p.file, p.row, p.column) == ("p.gpkg: scenare", 1, "json") and "poškozený" in p.message("cs")
    pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ['{"edits": []}']}), path, layer="scenare")
    pyogrio.write_dataframe(pd.DataFrame({"druh": ["DruhSocialniSluzby/13"], "na_1000": ["hodně"],
                                          "jednotka": ["luzka"], "vekova_skupina": [""], "forma": [""],
                                          "zdroj": [""]}), path, layer="normy")
    with pytest.raises(DataError) as info:
        load_project(path)
    p = info.value.problems[0]
    assert (p.file, p.row, p.column) == ("p.gpkg: normy", 1, "na_1000") and "není číslo" in p.message("cs")


def test_implausible_population_and_unknown_orp_code_are_warned(tmp_path):
    from coverage_app.io.municipalities import read_municipalities

    path = tmp_path / "obce.csv"
    path.write_text("kod_obce,nazev_obce,kod_orp,obyvatel,lat,lon\n"
                    "584282,Židlochovice,6221,2000000,49.0395,16.6188\n"
                    "583758,Rajhrad,9999,3700,49.0903,16.6036\n", encoding="utf-8")
    warnings = Report()
    read_municipalities(path, warnings=warnings)
    by_code = {p.code: p for p in warnings.problems}
    p = by_code["warn.population_implausible"]
    assert (p.row, p.column) == (2, "obyvatel") and "nejde o překlep" in p.message("cs")
    p = by_code["warn.unknown_orp"]
    assert (p.row, p.column) == (3, "kod_orp") and "9999" in p.message("cs")
    # a population no obec can have would swamp every count of people: refused
    path.write_text(path.read_text(encoding="utf-8").replace("2000000", "1000000000000"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    p = info.value.problems[0]
    assert (p.row, p.column) == (2, "obyvatel") and "nemůže mít 1000000000000 obyvatel" in p.message("cs")


def _zip_with_declared_size(path: Path, data: bytes, declared: int) -> None:
    """A zip whose one member's headers declare ``declared`` bytes instead of its real size."""
    import struct
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("20260831_OB_583031_ADR.csv", data)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info, start_dir = zf.infolist()[0], zf.start_dir
    struct.pack_into("<I", raw, info.header_offset + 22, declared)  # local header: uncompressed size
    struct.pack_into("<I", raw, start_dir + 24, declared)  # central directory: uncompressed size
    path.write_bytes(bytes(raw))


def test_zip_member_lying_about_its_size_is_read_in_bounded_memory(tmp_path):
    import tracemalloc

    from coverage_app.io.archives import open_zip, read_member

    path = tmp_path / "adresy.zip"
    _zip_with_declared_size(path, b"0" * (300 * 1024**2), 5000)  # 300 MB of zeros that say 5 kB
    tracemalloc.start()
    with pytest.raises(DataError) as info, open_zip(path) as zf:
        read_member(zf, zf.infolist()[0], path.name)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * 1024**2, peak
    assert "adresy.zip" == info.value.problems[0].file and "poškozený" in info.value.problems[0].message("cs")


def test_zip_member_over_the_memory_cap_is_refused_before_it_is_read(tmp_path):
    from coverage_app.io.archives import open_zip, read_member

    path = tmp_path / "adresy.zip"
    import random

    data = random.Random(1).randbytes(3 * 1024**2)  # incompressible: no bomb by ratio
    _zip_with_declared_size(path, data, len(data))
    with pytest.raises(DataError) as info, open_zip(path) as zf:
        read_member(zf, zf.infolist()[0], path.name, max_bytes=2 * 1024**2)
    assert "má po rozbalení přes 2 MB" in info.value.problems[0].message("cs")


def test_validate_lists_at_most_200_problems_per_file_and_counts_the_rest(tmp_path, capsys):
    from coverage_app.cli import main

    path = tmp_path / "sluzby.csv"
    path.write_text(HEADER + "".join(f"S{i},Domov,xx,pob,20,luzka,584282,49.04,16.62\n" for i in range(1000)),
                    encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["validate", str(path)])
    err = capsys.readouterr().err.splitlines()
    assert len([ln for ln in err if "neznámý druh" in ln]) == 200
    assert "soubor sluzby.csv: … a dalších 800 problémů (opravte nejdřív ty vypsané)" in err
    assert err[-1] == "Nalezeno chyb: 1000, upozornění: 0."


def test_validate_checks_roads_against_the_obce_given_with_them(tmp_path, capsys):
    from shapely.geometry import LineString

    from coverage_app.cli import main
    from coverage_app.demo import demo_paths, load_demo

    obce = load_demo("ORP:6221").district.obce
    xy = list(zip(obce["x"], obce["y"]))
    import geopandas as gpd

    from coverage_app.model import CRS

    pieces = gpd.GeoDataFrame({"TRIDA": ["silnice I. třídy"] * len(xy)},
                              geometry=[LineString([(x - 300, y + 100), (x + 300, y + 100)]) for x, y in xy], crs=CRS)
    path = tmp_path / "silnice.gpkg"
    pieces.to_file(path, layer="silnice", driver="GPKG")
    with pytest.raises(SystemExit) as info:
        main(["validate", str(demo_paths()["municipalities"]), str(path)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "soubor silnice.gpkg: chyba: silniční síť není souvislá" in err


def test_validate_reads_a_project_and_the_data_page_says_how_to_open_one(tmp_path, capsys, demo):
    import pandas as pd
    import pyogrio

    from coverage_app.app import _logic as lg
    from coverage_app.cli import main
    from coverage_app.io.project import Project, save_project

    path = save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"}), tmp_path / "p.gpkg")
    pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ["{nedokončený"]}), path, layer="scenare")
    try:
        main(["validate", str(path)])
    except SystemExit as exc:
        assert exc.code in (0, None)
    out = capsys.readouterr()
    assert "p.gpkg: v pořádku (projekt" in out.out
    assert "p.gpkg: scenare, řádek 1, sloupec „json“: upozornění: uložený scénář „Plán“ je poškozený" in out.err
    result = lg.load_uploaded_data({"p.gpkg": path.read_bytes()})
    assert any("coverage-app serve --project p.gpkg" in p.message("cs") for p in result.problems)


def test_unknown_template_column_and_a_web_address_that_is_no_link_are_warned(tmp_path):
    path = tmp_path / "sluzby.csv"
    path.write_text("id_sluzby,nazev_sluzby,druh,forma,kapacita,jednotka_kapacity,kod_obce,lat,lon,web,telefn\n"
                    "S1,Domov,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62,javascript:alert(1),+420 1\n",
                    encoding="utf-8")
    warnings = Report()
    read_services(path, warnings=warnings)
    by_code = {p.code: p for p in warnings.problems}
    p = by_code["warn.unknown_column"]
    assert (p.file, p.row, p.column) == ("sluzby.csv", 1, "telefn") and "překlep" in p.message("cs")
    p = by_code["warn.web_not_link"]
    assert (p.row, p.column) == (2, "web") and "javascript:alert(1)" in p.message("cs")


def test_saving_a_project_keeps_a_scenario_it_cannot_read(tmp_path, demo):
    import pyogrio

    from coverage_app.io.project import Project, load_project, save_project, update_scenarios

    path = save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"}), tmp_path / "p.gpkg")
    pd_ = __import__("pandas")
    pyogrio.write_dataframe(pd_.DataFrame({"nazev": ["Z budoucí verze"], "json": ['{"edits": [{"op": "explode"}]}']}),
                            path, layer="scenare")
    update_scenarios(path, {"Nový": {"name": "Nový", "edits": []}})  # the planner saves another scenario
    stored = pyogrio.read_dataframe(path, layer="scenare", read_geometry=False)
    assert set(stored["nazev"]) == {"Nový", "Z budoucí verze"}
    assert load_project(path).damaged_scenarios == {"Z budoucí verze": '{"edits": [{"op": "explode"}]}'}
