"""Municipality reader: real formats, code systems, districts, bad input."""

from __future__ import annotations

import time
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from coverage_app.admin import parse_district_spec
from coverage_app.errors import DataError
from coverage_app.io.municipalities import load_district, read_municipalities, select_district

# three real obce of ORP Židlochovice with made-up square "boundaries" around real points
OBCE = [
    ("583758", "Rajhrad", 16.6039, 49.0902, 3928),
    ("583031", "Holasice", 16.6076, 49.0759, 1222),
    ("584282", "Židlochovice", 16.6188, 49.0395, 3834),
]


def _gdf(code_col="KOD_OBEC", name_col="NAZ_OBEC", with_orp=True) -> gpd.GeoDataFrame:
    pts = gpd.GeoSeries([Point(lon, lat) for _, _, lon, lat, _ in OBCE], crs=4326).to_crs(5514)
    polys = [box(p.x - 900, p.y - 900, p.x + 900, p.y + 900) for p in pts]
    data = {code_col: [int(c) for c, *_ in OBCE], name_col: [n for _, n, *_ in OBCE],
            "POCET_OBYVATEL": [p for *_, p in OBCE]}
    if with_orp:
        data["KOD_ORP"] = [6221] * 3
        data["KOD_POU"] = [62211] * 3
    return gpd.GeoDataFrame(data, geometry=polys, crs=5514)


@pytest.mark.filterwarnings("ignore:Column names longer than 10:UserWarning")
@pytest.mark.filterwarnings("ignore:Normalized/laundered field name:RuntimeWarning")
@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".shp"])
def test_vector_formats(tmp_path, ext):
    path = tmp_path / f"obce{ext}"
    gdf = _gdf()
    (gdf.to_crs(4326) if ext == ".geojson" else gdf).to_file(path)
    obce = read_municipalities(path)
    assert obce.crs.to_epsg() == 5514
    assert list(obce["kod_obce"]) == ["583758", "583031", "584282"]
    assert obce["population"].tolist() == [3928, 1222, 3834]
    assert set(obce["kod_orp"]) == {"6221"} and set(obce["nazev_orp"]) == {"Židlochovice"}
    assert obce.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()


@pytest.mark.filterwarnings("ignore:Column names longer than 10:UserWarning")
@pytest.mark.filterwarnings("ignore:Normalized/laundered field name:RuntimeWarning")
def test_zipped_shapefile_with_ruian_codes(tmp_path):
    gdf = _gdf(code_col="KOD", name_col="NAZEV", with_orp=False)
    gdf["POU_KOD"] = 2801  # RÚIAN code of POÚ Židlochovice
    shp = tmp_path / "shp"
    shp.mkdir()
    gdf.to_file(shp / "OBCE_P.shp")
    zpath = tmp_path / "obce.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in shp.iterdir():
            zf.write(f, f.name)
    obce = read_municipalities(zpath)
    assert set(obce["kod_pou"]) == {"62211"}  # converted to the ČSÚ code
    assert set(obce["kod_orp"]) == {"6221"}   # ORP derived from the POÚ
    d = load_district(obce, "ORP:1376")
    assert len(d) == 3


def test_csv_with_lat_lon(tmp_path):
    path = tmp_path / "obce.csv"
    pd.DataFrame({"kod_obce": [c for c, *_ in OBCE], "nazev": [n for _, n, *_ in OBCE],
                  "lat": [la for *_, la, _ in OBCE], "lon": [lo for _, _, lo, _, _ in OBCE],
                  "kod_orp": 6221}).to_csv(path, index=False)
    obce = read_municipalities(path)
    assert obce.geometry.geom_type.eq("Point").all()
    assert obce["x"].lt(0).all() and obce["y"].lt(0).all()


def test_csv_with_ruian_positive_y_x_in_windows_1250(tmp_path):
    path = tmp_path / "obce.csv"
    pts = gpd.GeoSeries([Point(lon, lat) for _, _, lon, lat, _ in OBCE], crs=4326).to_crs(5514)
    text = "Kód obce;Název obce;Souřadnice Y;Souřadnice X\n" + "".join(
        f"{c};{n};{-p.x:.2f};{-p.y:.2f}\n" for (c, n, *_), p in zip(OBCE, pts))
    path.write_bytes(text.encode("cp1250"))
    obce = read_municipalities(path)
    assert obce["nazev_obce"].tolist()[2] == "Židlochovice"
    assert np.allclose(obce["x"], pts.x, atol=0.01) and np.allclose(obce["y"], pts.y, atol=0.01)


@pytest.mark.parametrize("content,column,code", [
    ("kod_obce,nazev,lat,lon\n583758,Rajhrad,16.6039,49.0902\n", "lat", "err.latlon_swapped"),
    ("kod_obce,nazev,lat,lon\n583758,Rajhrad,52.5,13.4\n", "lat", "err.outside_czechia"),
    ("kod_obce,nazev,lat,lon\n58375,Rajhrad,49.09,16.60\n", "kod_obce", "err.bad_obec_code"),
    ("kod_obce,nazev,lat,lon\n583758,Rajhrad,49.09,16.60\n583758,Rajhrad,49.09,16.60\n", "kod_obce",
     "err.duplicate_code"),
    ("kod_obce,nazev,lat,lon,obyvatel\n583758,Rajhrad,49.09,16.60,-5\n", "obyvatel", "err.negative"),
])
def test_bad_csv_rows_name_row_and_column(tmp_path, content, column, code):
    path = tmp_path / "obce.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_municipalities(path)
    problem = next(p for p in info.value.problems if p.code == code)
    assert problem.column == column and problem.row >= 2 and problem.file == "obce.csv"
    assert "řádek" in problem.format("cs")


def test_district_specs_in_both_code_systems():
    assert parse_district_spec("ORP:6221") == parse_district_spec("ORP:1376") == parse_district_spec("Židlochovice")
    assert parse_district_spec("POU:81142") == parse_district_spec("POÚ:3468") == \
        parse_district_spec("POÚ Město Albrechtice")
    assert parse_district_spec("62211").level == "POU"
    with pytest.raises(DataError):
        parse_district_spec("ORP:9999")
    with pytest.raises(DataError):
        parse_district_spec("Janov")  # several POÚ/ORP? none: unknown; never a guess by name of an obec


def test_demo_points_district(demo):
    d = demo.district
    assert len(d) == 24 and d.total_population == 33816
    assert not d.has_polygons and d.age_is_estimated
    assert "odhad" in d.describe_population("cs")


def test_real_polygons_districts(obce_cr):
    zid = load_district(obce_cr, "ORP:6221")
    assert len(zid) == 24 and zid.total_population == 33816
    assert "Holasice" in set(zid.obce["nazev_obce"])
    assert zid.has_polygons
    assert len(load_district(obce_cr, "ORP:1376")) == 24
    alb = load_district(obce_cr, "POU:81142")
    assert len(alb) == 9 and alb.total_population == 7839
    assert "Liptaň" in set(alb.obce["nazev_obce"])
    assert len(load_district(obce_cr, "POU:3468")) == 9
    part, spec = select_district(obce_cr, "ORP Zábřeh")
    assert len(part) == 28 and spec.code == "7113"


def test_all_obce_load(realdata):
    start = time.perf_counter()
    obce = read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    elapsed = time.perf_counter() - start
    assert len(obce) == 6258 and obce["kod_obce"].is_unique
    print(f"all 6 258 obce loaded in {elapsed:.2f} s")  # a figure, not an assert (see benchmarks/)


def test_definition_points_as_origins(obce_cr, realdata):
    points = read_municipalities(realdata("rczechia", "obce_body_2024-06.gpkg"))
    d = load_district(obce_cr, "ORP:6221", points=points)
    pts = points.set_index("kod_obce").loc[d.codes]
    assert np.allclose(d.obce["x"], pts["x"]) and np.allclose(d.obce["y"], pts["y"])
    # every definition point lies in (or on the generalised border of) its polygon
    inside = [poly.buffer(300).contains(Point(x, y)) for poly, x, y in zip(d.obce.geometry, d.obce.x, d.obce.y)]
    assert all(inside)
