"""Tests of coverage_app.io.roads: OSM (XML, PBF, bz2), speed tables, road-line files, dispatch."""

from __future__ import annotations

import bz2
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage_app.errors import DataError
from coverage_app.io.roads import (
    ARCCR_SPEEDS_KMH,
    CAR_SPEED_FACTOR,
    DEFAULT_LINE_SPEEDS_KMH,
    load_roads,
    parse_maxspeed,
    read_osm,
    read_road_lines,
    read_speed_table,
)
from coverage_app.reach import travel_matrix

REPO = Path(__file__).resolve().parents[1]


def codes(exc: pytest.ExceptionInfo[DataError]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in exc.value.problems]


# ------------------------------------------------------------------------------------------
# OSM
# ------------------------------------------------------------------------------------------

# A 3 × 4 grid of nodes near Židlochovice (0.002° lon ≈ 146 m, 0.002° lat ≈ 222 m).
NODES = {
    1: (49.030, 16.620), 2: (49.030, 16.622), 3: (49.030, 16.624),
    4: (49.032, 16.620), 5: (49.032, 16.622), 6: (49.032, 16.624),
    7: (49.034, 16.620), 8: (49.034, 16.622), 9: (49.034, 16.624),
    10: (49.036, 16.620), 11: (49.036, 16.622), 12: (49.036, 16.624),
}
# way id: (node refs, tags)
WAYS: dict[int, tuple[list[int], dict[str, str]]] = {
    100: ([1, 2, 3], {"highway": "primary", "maxspeed": "50", "name": "Brněnská"}),
    101: ([4, 5], {"highway": "secondary", "maxspeed": "30 mph"}),
    102: ([5, 6], {"highway": "tertiary", "maxspeed": "CZ:rural"}),
    103: ([1, 4], {"highway": "residential", "oneway": "-1"}),
    104: ([2, 5], {"highway": "residential", "oneway": "yes"}),
    105: ([3, 6], {"highway": "living_street", "maxspeed": "CZ:living_street"}),
    106: ([4, 7], {"highway": "footway"}),
    107: ([7, 8], {"highway": "motorway"}),
    108: ([8, 9], {"highway": "service", "access": "private", "foot": "yes"}),
    109: ([9, 6], {"highway": "unclassified", "junction": "roundabout"}),
    110: ([10, 11], {"highway": "trunk", "maxspeed": "none"}),
    111: ([11, 12], {"highway": "living_street", "maxspeed": "walk"}),
    112: ([10, 7], {"highway": "construction"}),
    113: ([12, 9], {"highway": "path", "access": "no"}),
    114: ([5, 8], {"highway": "residential", "maxspeed": "CZ:urban", "name": "Nádražní & <Dlouhá>"}),
    115: ([7, 10], {"highway": "cycleway", "foot": "designated"}),
    116: ([8, 11], {"highway": "steps"}),
    117: ([12, 999], {"highway": "residential"}),  # node 999 is not in the file
    118: ([6, 12], {"highway": "cycleway"}),  # no foot tag: neither cars nor pedestrians
}
#               highway, maxspeed, oneway, limit, car speed, walk, car, walk, entry
EXPECTED = {
    100: ("primary", "50", 0, 50.0, 40.0, 5.0, True, True, True),
    101: ("secondary", "30 mph", 0, 48.28032, 48.28032 * 0.8, 5.0, True, True, True),
    102: ("tertiary", "CZ:rural", 0, 90.0, 72.0, 5.0, True, True, True),
    103: ("residential", None, -1, 50.0, 40.0, 5.0, True, True, True),
    104: ("residential", None, 1, 50.0, 40.0, 5.0, True, True, True),
    105: ("living_street", "CZ:living_street", 0, 20.0, 16.0, 5.0, True, True, True),
    106: ("footway", None, 0, np.nan, np.nan, 5.0, False, True, True),
    107: ("motorway", None, 1, 130.0, 104.0, np.nan, True, False, False),
    108: ("service", None, 0, 30.0, np.nan, 5.0, False, True, True),
    109: ("unclassified", None, 1, 70.0, 56.0, 5.0, True, True, True),
    110: ("trunk", "none", 0, 110.0, 88.0, np.nan, True, False, False),
    111: ("living_street", "walk", 0, 5.0, 4.0, 5.0, True, True, True),
    114: ("residential", "CZ:urban", 0, 50.0, 40.0, 5.0, True, True, True),
    115: ("cycleway", None, 0, np.nan, np.nan, 5.0, False, True, True),
    116: ("steps", None, 0, np.nan, np.nan, 5.0, False, True, True),
}


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_osm_xml(path: Path) -> Path:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="coverage-app tests">']
    out.append('  <bounds minlat="49.029" minlon="16.619" maxlat="49.037" maxlon="16.625"/>')
    for nid, (lat, lon) in NODES.items():
        if nid == 11:
            out.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">'
                       '<tag k="highway" v="crossing"/></node>')
        else:
            out.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, (refs, tags) in WAYS.items():
        out.append(f'  <way id="{wid}" version="1">')
        out.extend(f'    <nd ref="{r}"/>' for r in refs)
        out.extend(f'    <tag k="{k}" v="{_xml_escape(v)}"/>' for k, v in tags.items())
        out.append("  </way>")
    out.append("</osm>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def osm_xml(tmp_path: Path) -> Path:
    return write_osm_xml(tmp_path / "obec.osm")


@pytest.fixture
def osm_pbf(osm_xml: Path) -> Path:
    import osmium

    pbf = osm_xml.with_name("obec.osm.pbf")
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(osm_xml)):
            writer.add(obj)
    return pbf


def test_parse_maxspeed() -> None:
    assert parse_maxspeed("50") == 50.0
    assert parse_maxspeed(" 70 km/h ") == 70.0
    assert parse_maxspeed("30 mph") == pytest.approx(48.28032)
    assert parse_maxspeed("30mph") == pytest.approx(48.28032)
    assert parse_maxspeed("CZ:urban") == 50.0
    assert parse_maxspeed("cz:rural") == 90.0
    assert parse_maxspeed("CZ:motorway") == 130.0
    assert parse_maxspeed("CZ:living_street") == 20.0
    assert parse_maxspeed("living_street") == 20.0
    assert parse_maxspeed("walk") == 5.0
    assert parse_maxspeed("50;70") == 50.0
    for bad in (None, "", "none", "signals", "DE:urban", "0", "fast", "-30"):
        assert parse_maxspeed(bad) is None


def test_read_osm_xml_tags_speeds_and_access(osm_xml: Path) -> None:
    gdf = read_osm(osm_xml)
    assert gdf.crs.equals("EPSG:5514")
    assert sorted(gdf["osm_id"]) == sorted(EXPECTED)  # construction, closed path, bare cycleway, 1-node way out
    assert (gdf.geom_type == "LineString").all()
    by_id = gdf.set_index("osm_id")
    for wid, (hw, ms, ow, limit, car, walk, car_ok, walk_ok, entry) in EXPECTED.items():
        row = by_id.loc[wid]
        assert row["highway"] == hw, wid
        assert (pd.isna(row["maxspeed"]) if ms is None else row["maxspeed"] == ms), wid
        assert row["oneway"] == ow, wid
        np.testing.assert_allclose([row["limit_kmh"], row["speed_car_kmh"], row["speed_walk_kmh"]],
                                   [limit, car, walk], rtol=1e-6, err_msg=str(wid))
        assert (bool(row["car_allowed"]), bool(row["walk_allowed"]), bool(row["entry_allowed"])) == (
            car_ok, walk_ok, entry), wid
    assert by_id.loc[100, "speed_source"] == "maxspeed" and by_id.loc[103, "speed_source"] == "default"
    assert by_id.loc[100, "name"] == "Brněnská"
    assert by_id.loc[114, "name"] == "Nádražní & <Dlouhá>"
    # 2 × 0.002° of longitude at 49.03° N ≈ 292 m
    assert by_id.loc[100, "geometry"].length == pytest.approx(292.3, abs=1.0)


def test_pbf_and_bz2_read_identically_to_xml(osm_xml: Path, osm_pbf: Path) -> None:
    xml = read_osm(osm_xml)
    pbf = read_osm(osm_pbf)
    bz = osm_xml.with_name("obec.osm.bz2")
    bz.write_bytes(bz2.compress(osm_xml.read_bytes()))
    for other in (pbf, read_osm(bz)):
        pd.testing.assert_frame_equal(
            pd.DataFrame(xml.drop(columns="geometry")), pd.DataFrame(other.drop(columns="geometry"))
        )
        assert shapely.equals_exact(xml.geometry.values, other.geometry.values, tolerance=1e-6).all()


def test_read_osm_bbox_and_custom_limits(osm_xml: Path) -> None:
    south = read_osm(osm_xml, bbox=(16.6195, 49.0295, 16.6245, 49.0305))  # the row of nodes 1-2-3
    assert sorted(south["osm_id"]) == [100, 103, 104, 105]
    slow = read_osm(osm_xml, default_limits={"residential": 30}, car_speed_factor=1.0)
    by_id = slow.set_index("osm_id")
    assert by_id.loc[103, "speed_car_kmh"] == 30.0
    assert by_id.loc[114, "speed_car_kmh"] == 50.0  # maxspeed wins over the class default
    with pytest.raises(DataError) as exc:
        read_osm(osm_xml, bbox=(17, 49, 16, 50))
    assert codes(exc) == [(None, None, "err.roads_bad_bbox")]


def test_osm_graph_respects_oneway(osm_xml: Path) -> None:
    gdf = read_osm(osm_xml).set_index("osm_id")
    g = load_roads(osm_xml)
    assert g.snap_tolerance_m == 0.0 and g.source == "obec.osm"
    xy = {nid: np.array(gdf.loc[wid, "geometry"].coords[i]) for nid, wid, i in
          [(1, 100, 0), (2, 100, 1), (4, 103, 1), (5, 101, 1)]}

    def minutes(wid: int, i: int = 0) -> float:
        seg = shapely.LineString(gdf.loc[wid, "geometry"].coords[i : i + 2])
        return seg.length / 1000 / gdf.loc[wid, "speed_car_kmh"] * 60

    m = travel_matrix(np.array([xy[4], xy[1]]), np.array([xy[1], xy[4]]), g, mode="car")
    assert m.minutes[0, 0] == pytest.approx(minutes(103))  # 4 → 1 along the oneway=-1 street
    # 1 → 4 must go round: 1 → 2 (primary), 2 → 5 (oneway=yes), 5 → 4 (secondary)
    assert m.minutes[1, 1] == pytest.approx(minutes(100) + minutes(104) + minutes(101))
    w = travel_matrix(np.array([xy[1]]), np.array([xy[4]]), g, mode="walk")
    assert w.minutes[0, 0] == pytest.approx(gdf.loc[103, "geometry"].length / 1000 / 5 * 60)


def test_read_osm_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError) as exc:
        read_osm(tmp_path / "missing.osm.pbf")
    assert codes(exc) == [(None, None, "err.file_not_found")]
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1' lat='x'", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_osm(broken)
    assert codes(exc) == [(None, None, "err.unreadable")]
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?>\n<osm version="0.6"></osm>\n', encoding="utf-8")
    assert read_osm(empty).empty
    with pytest.raises(DataError) as exc:
        load_roads(empty)
    assert codes(exc) == [(None, None, "err.roads_empty")]


# ------------------------------------------------------------------------------------------
# speed tables
# ------------------------------------------------------------------------------------------


def test_shipped_arccr_table_matches_the_constant() -> None:
    assert read_speed_table(REPO / "services_data" / "rychlosti_silnic_arccr.csv") == ARCCR_SPEEDS_KMH


def test_read_speed_table_utf8_comma_without_header(tmp_path: Path) -> None:
    f = tmp_path / "rychlosti.csv"
    f.write_text("dálnice,120\nsilnice I. třídy,80\n\nneevidovaná silnice,0\n", encoding="utf-8")
    assert read_speed_table(f) == {"dálnice": 120.0, "silnice I. třídy": 80.0, "neevidovaná silnice": 0.0}


def test_read_speed_table_cp1250_semicolon_header_decimal_comma(tmp_path: Path) -> None:
    f = tmp_path / "rychlosti.csv"
    text = "# moje rychlosti\r\ntřída;rychlost (km/h);poznámka\r\nsilnice II. třídy;70,5;úzká\r\nobytná zóna;20 km/h\r\n"
    f.write_bytes(text.encode("cp1250"))
    assert read_speed_table(f) == {"silnice II. třídy": 70.5, "obytná zóna": 20.0}


def test_read_speed_table_reports_every_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "rychlosti.csv"
    f.write_text(
        "trida;rychlost_kmh\n"
        ";50\n"  # 2: no class
        "dálnice;rychle\n"  # 3: not a number
        "silnice;250\n"  # 4: out of range
        "osamělá\n"  # 5: one column
        "dálnice;100\n"  # 6: fine
        "Dálnice ;120\n"  # 7: the same class again with another speed
        "dálnice;100\n"  # 8: a harmless repetition
        "stezka;\n",  # 9: no speed
        encoding="utf-8",
    )
    with pytest.raises(DataError) as exc:
        read_speed_table(f)
    assert codes(exc) == [
        (2, "trida", "err.missing_value"),
        (3, "rychlost_kmh", "err.not_a_number"),
        (4, "rychlost_kmh", "err.roads_speed_range"),
        (5, None, "err.roads_short_row"),
        (7, "trida", "err.roads_duplicate_class"),
        (9, "rychlost_kmh", "err.missing_value"),
    ]
    text = exc.value.format("cs")
    assert "soubor rychlosti.csv, řádek 3, sloupec „rychlost_kmh“" in text
    assert "„rychle“ není číslo" in text
    assert "už na řádku 6" in text
    assert "row 3" in exc.value.format("en")


def test_read_speed_table_file_level_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("# jen komentář\n\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_speed_table(empty)
    assert codes(exc) == [(None, None, "err.empty_file")]
    header_only = tmp_path / "header.csv"
    header_only.write_text("trida;rychlost\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_speed_table(header_only)
    assert codes(exc) == [(None, None, "err.empty_file")]
    one_col = tmp_path / "one.csv"
    one_col.write_text("trida\ndálnice\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_speed_table(one_col)
    assert codes(exc) == [(1, None, "err.delimiter")]
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"d\xe1lnice;120\n\x81\x83;5\n")
    with pytest.raises(DataError) as exc:
        read_speed_table(binary)
    assert codes(exc) == [(None, None, "err.encoding")]


# ------------------------------------------------------------------------------------------
# road lines
# ------------------------------------------------------------------------------------------

X0, Y0 = -600_000.0, -1_180_000.0  # near Židlochovice, EPSG:5514


def arccr_like(classes: list[object]) -> gpd.GeoDataFrame:
    """Lines in EPSG:4326, one 1 km segment per class, chained west → east."""
    geoms = [shapely.LineString([(X0 + 1000 * i, Y0), (X0 + 1000 * (i + 1), Y0)]) for i in range(len(classes))]
    gdf = gpd.GeoDataFrame({"TRIDA": classes, "CISLO_SILNICE": [str(i) for i in range(len(classes))]},
                           geometry=geoms, crs="EPSG:5514")
    return gdf.to_crs("EPSG:4326")


def test_read_road_lines_arccr_classes(tmp_path: Path) -> None:
    f = tmp_path / "silnice.gpkg"
    arccr_like(["dálnice", "Silnice  I. třídy", "silnice III. třídy", "neevidovaná silnice"]).to_file(f)
    out = read_road_lines(f)
    assert out.crs.equals("EPSG:5514")
    assert out["speed_car_kmh"].tolist() == [120.0, 80.0, 60.0, 40.0]
    assert out["car_allowed"].all()
    assert out["walk_allowed"].tolist() == [False, True, True, True]
    assert np.isnan(out["speed_walk_kmh"].iloc[0]) and (out["speed_walk_kmh"].iloc[1:] == 5.0).all()
    assert out["entry_allowed"].tolist() == [False, True, True, True]
    assert (out["oneway"] == 0).all()
    assert out["road_class"].iloc[1] == "Silnice  I. třídy" and "CISLO_SILNICE" in out.columns
    assert out.geometry.iloc[0].length == pytest.approx(1000.0, abs=0.01)
    g = load_roads(f)
    assert g.snap_tolerance_m == 1.0
    m = travel_matrix(np.array([[X0 + 1000, Y0]]), np.array([[X0 + 4000, Y0]]), g)
    # PROJ (without grid files) picks per point between S-JTSK ↔ WGS 84 transformations that
    # differ by ~0.7 m, so the round trip through EPSG:4326 moves some vertices by < 1 m
    assert m.minutes[0, 0] == pytest.approx(60 / 80 + 60 / 60 + 60 / 40, abs=0.01)  # 3.25 min
    assert m.km[0, 0] == pytest.approx(3.0, abs=0.005)


def test_unknown_and_missing_classes_are_named(tmp_path: Path) -> None:
    f = tmp_path / "silnice.gpkg"
    arccr_like(["silnice II. třídy", "polní cesta", None, "polní cesta", "lesní cesta", ""]).to_file(f)
    with pytest.raises(DataError) as exc:
        read_road_lines(f)
    assert codes(exc) == [
        (3, "TRIDA", "err.roads_missing_class"),
        (5, "TRIDA", "err.roads_unknown_class"),
        (2, "TRIDA", "err.roads_unknown_class"),
    ]
    text = exc.value.format("cs")
    assert "třída silnice „polní cesta“ není v tabulce rychlostí (2 úseků)" in text
    assert "2 úseků nemá vyplněnou třídu" in text
    # a user table that covers them
    table = tmp_path / "moje.csv"
    table.write_text("silnice II. třídy;70\npolní cesta;0\nlesní cesta;15\n", encoding="utf-8")
    arccr_like(["silnice II. třídy", "polní cesta", "lesní cesta"]).to_file(f)
    out = read_road_lines(f, speeds=table)
    assert out["car_allowed"].tolist() == [True, False, True]
    assert np.isnan(out["speed_car_kmh"].iloc[1]) and out["speed_walk_kmh"].iloc[1] == 5.0
    assert read_road_lines(f, speeds={"silnice II. třídy": 70, "polní cesta": 10, "lesní cesta": 10}) is not None


def test_zipped_shapefile_and_missing_crs(tmp_path: Path) -> None:
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    arccr_like(["silnice I. třídy", "silnice II. třídy"]).rename(columns={"CISLO_SILNICE": "CISLO"}).to_file(
        shp_dir / "silnice.shp")
    zpath = tmp_path / "silnice.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for part in shp_dir.iterdir():
            z.write(part, part.name)
    from_zip = read_road_lines(zpath)
    assert from_zip["speed_car_kmh"].tolist() == [80.0, 70.0]
    assert from_zip.attrs["problems"] == []
    (shp_dir / "silnice.prj").unlink()
    guessed = read_road_lines(shp_dir / "silnice.shp")
    assert guessed.crs.equals("EPSG:5514")
    assert [p.code for p in guessed.attrs["problems"]] == ["warn.roads_crs_assumed"]
    assert shapely.equals_exact(guessed.geometry.values, from_zip.geometry.values, tolerance=1e-3).all()


def test_read_road_lines_structure_errors(tmp_path: Path) -> None:
    pts = tmp_path / "body.gpkg"
    gpd.GeoDataFrame({"TRIDA": ["dálnice"]}, geometry=[shapely.Point(16.6, 49.0)], crs="EPSG:4326").to_file(pts)
    with pytest.raises(DataError) as exc:
        read_road_lines(pts)
    assert codes(exc) == [(None, None, "err.roads_not_lines")]
    nocls = tmp_path / "bez_tridy.gpkg"
    arccr_like(["dálnice"]).rename(columns={"TRIDA": "druh"}).to_file(nocls)
    with pytest.raises(DataError) as exc:
        read_road_lines(nocls)
    assert codes(exc) == [(None, None, "err.missing_one_of")]
    with pytest.raises(DataError) as exc:
        read_road_lines(nocls, class_column="kategorie")
    assert codes(exc) == [(None, None, "err.missing_column")]
    assert read_road_lines(nocls, class_column="druh")["speed_car_kmh"].tolist() == [120.0]
    with pytest.raises(DataError) as exc:
        load_roads(tmp_path / "silnice.txt")
    assert codes(exc) == [(None, None, "err.file_not_found")]
    (tmp_path / "silnice.txt").write_text("x", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_roads(tmp_path / "silnice.txt")
    assert codes(exc) == [(None, None, "err.unknown_format")]


def test_geofabrik_style_lines_with_oneway(tmp_path: Path) -> None:
    geoms = [shapely.LineString([(X0 + 1000 * i, Y0), (X0 + 1000 * (i + 1), Y0)]) for i in range(4)]
    gdf = gpd.GeoDataFrame(
        {"fclass": ["primary", "residential", "footway", "track_grade2"], "oneway": ["B", "F", "B", "T"]},
        geometry=geoms, crs="EPSG:5514",
    )
    f = tmp_path / "gis_osm_roads_free_1.geojson"
    gdf.to_file(f, driver="GeoJSON")
    out = read_road_lines(f)
    assert out["oneway"].tolist() == [0, 1, 0, -1]
    assert out["speed_car_kmh"].iloc[0] == pytest.approx(90 * CAR_SPEED_FACTOR)
    assert out["car_allowed"].tolist() == [True, True, False, True]
    assert DEFAULT_LINE_SPEEDS_KMH["residential"] == pytest.approx(40.0)
    g = load_roads(f)
    n = g.nearest_node(np.array([[X0 + 1000 * i, Y0] for i in range(5)]), mode="walk")[0]
    assert g.car_min[n[1], n[2]] == pytest.approx(1.5)  # 1 km at 40 km/h along the one-way street
    assert g.car_min[n[2], n[1]] == 0  # no edge against it
    assert g.car_min[n[4], n[3]] == pytest.approx(60 / 24) and g.car_min[n[3], n[4]] == 0  # "T"
    assert g.car_min[n[2], n[3]] == 0 and g.walk_min[n[2], n[3]] == pytest.approx(12.0)  # footway


# ------------------------------------------------------------------------------------------
# real data
# ------------------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("name, rows", [(("rczechia", "silnice_arccr.gpkg"), 18_979),
                                        (("districts", "target_silnice_arccr.gpkg"), 2_396)])
def test_real_arccr_roads_read_with_the_default_table(realdata, name: tuple[str, str], rows: int) -> None:  # noqa: ANN001
    out = read_road_lines(realdata(*name))
    assert len(out) == rows and out.crs.equals("EPSG:5514")
    assert set(out["road_class"]) <= set(ARCCR_SPEEDS_KMH)
    assert out["car_allowed"].all()
    assert out.attrs["problems"] == []
    minx, miny, maxx, maxy = out.total_bounds
    assert -910_000 < minx < maxx < -430_000 and -1_240_000 < miny < maxy < -930_000
