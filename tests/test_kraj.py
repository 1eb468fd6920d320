"""A kraj and all of Czechia: district specs, the ORPs side by side, and the same answers as ORP runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from coverage_app.admin import parse_district_spec
from coverage_app.errors import DataError


@pytest.mark.parametrize("spec,level,key,label", [
    ("KRAJ:CZ072", "KRAJ", "KRAJ:CZ072", "Zlínský kraj"),
    ("KRAJ:3131", "KRAJ", "KRAJ:CZ072", "Zlínský kraj"),        # ČSÚ code
    ("KRAJ:141", "KRAJ", "KRAJ:CZ072", "Zlínský kraj"),         # RÚIAN code
    ("kraj: Zlínský kraj", "KRAJ", "KRAJ:CZ072", "Zlínský kraj"),
    ("KRAJ:vysocina", "KRAJ", "KRAJ:CZ063", "Kraj Vysočina"),
    ("CR", "CR", "CR", "Česká republika"),
    ("ORP:6221,ORP:1724", "MULTI", "ORP:6221,ORP:8114", "ORP Židlochovice, ORP Krnov"),  # RÚIAN 1724
    ("OKRES:CZ0643", "OKRES", "OKRES:CZ0643", "okres CZ0643"),
])
def test_district_specs_beyond_orp(spec, level, key, label):
    d = parse_district_spec(spec)
    assert (d.level, d.key, d.label) == (level, key, label)


def test_unknown_kraj_is_refused_in_czech():
    with pytest.raises(DataError) as info:
        parse_district_spec("KRAJ:CZ999")
    assert "nebyl v datech nalezen" in info.value.problems[0].message("cs")


@pytest.mark.realdata
def test_kraj_okres_and_multi_select_the_right_obce(obce_cr):
    from coverage_app.io.municipalities import load_district

    zlin = load_district(obce_cr, "KRAJ:CZ072")
    assert len(zlin) == 307 and zlin.obce["kod_orp"].nunique() == 13 and zlin.level == "KRAJ"
    okres = load_district(obce_cr, "OKRES:CZ0643")  # Brno-venkov
    assert "584282" in set(okres.obce["kod_obce"]) and okres.name == "okres Brno-venkov"
    two = load_district(obce_cr, "ORP:6221,POU:81142")
    assert len(two) == 24 + 9
    assert len(load_district(obce_cr, "CR")) == 6258


def _small_kraj(obce_cr):
    """ORP Židlochovice and ORP Pohořelice (neighbours) with synthetic services."""
    import geopandas as gpd

    from benchmarks.synthetic import synthetic_services
    from coverage_app.io.municipalities import load_district
    from coverage_app.model import Services

    dist = load_district(obce_cr, "ORP:6221,ORP:6215")
    frames = []
    for orp, grp in dist.obce.groupby("kod_orp"):
        s = synthetic_services(dist.subset(grp["kod_obce"]), seed=int(orp))
        parts = [s.services.copy(), s.sites.copy(), s.capacities.copy()]
        for f in parts:
            f["service_id"] = orp + "-" + f["service_id"]
        parts[1]["site_id"] = orp + "-" + parts[1]["site_id"]
        frames.append(parts)
    svc = Services(pd.concat([f[0] for f in frames]), gpd.GeoDataFrame(pd.concat([f[1] for f in frames]),
                                                                       crs="EPSG:5514"),
                   pd.concat([f[2] for f in frames]))
    return dist, svc


@pytest.fixture(scope="module")
def arccr_graph(realdata):
    from coverage_app.io.roads import read_road_lines, read_speed_table
    from coverage_app.reach import build_graph

    lines = read_road_lines(realdata("rczechia", "silnice_arccr.gpkg"),
                            speeds=read_speed_table("services_data/rychlosti_silnic_arccr.csv"))
    return build_graph(lines, snap_tolerance_m=1.0)


@pytest.mark.realdata
def test_kraj_run_gives_the_orp_runs_nearest_site_times(obce_cr, arccr_graph):
    """The nearest-site minutes of an obec do not depend on how large the analysed area is."""
    from coverage_app.coverage import analyze

    dist, svc = _small_kraj(obce_cr)
    whole = analyze(dist, svc, arccr_graph).coverage.set_index(["municipality_code", "service_kind"])
    for orp in ("6221", "6215"):
        part = analyze(dist.subset(dist.obce.loc[dist.obce["kod_orp"] == orp, "kod_obce"]), svc, arccr_graph)
        cov = part.coverage.set_index(["municipality_code", "service_kind"])
        both = cov.merge(whole, left_index=True, right_index=True, how="left", suffixes=("", "_kraj"))
        # the same site within the horizon, the same minutes and km (a site beyond one ORP's
        # horizon is nobody's nearest in either run)
        assert (both["nearest_site_id"] == both["nearest_site_id_kraj"]).all()
        np.testing.assert_array_equal(both["travel_time_min"].to_numpy(), both["travel_time_min_kraj"].to_numpy())
        np.testing.assert_array_equal(both["distance_km"].to_numpy(), both["distance_km_kraj"].to_numpy())


@pytest.mark.realdata
def test_orp_overview_side_by_side(obce_cr, arccr_graph):
    from coverage_app.coverage import analyze
    from coverage_app.kind_indicators import attributed_by_unit, capacity_by_unit
    from coverage_app.kraj import orp_overview, orp_reports, orp_shapes

    dist, svc = _small_kraj(obce_cr)
    res = analyze(dist, svc, arccr_graph)
    ov = orp_overview(res)
    assert set(ov["kod_orp"]) == {"6221", "6215"} and len(ov) == 2 * len(res.results)
    # the district's own figure is the population-weighted whole of the ORPs' figures
    for kind, grp in ov.groupby("service_kind"):
        w = grp["target_population"].to_numpy()
        cap = (grp["capacity_per_1000"].fillna(0).to_numpy() * w).sum() / w.sum()
        if grp["capacity_unit"].iloc[0]:
            assert cap == pytest.approx(grp["district_per_1000"].iloc[0], rel=1e-3, abs=1e-3)
        share = (grp["share_reached"].to_numpy() * w).sum() / w.sum()
        assert share == pytest.approx(grp["district_share_reached"].iloc[0], abs=1e-3)
    # attribution by table joins equals one capacity table per ORP
    unit_of = pd.Series(dist.obce["kod_orp"].to_numpy(), index=dist.obce["kod_obce"].to_numpy())
    for kind in res.results:
        fast = attributed_by_unit(res, kind, unit_of)
        for orp, table in capacity_by_unit(res, kind, unit_of).items():
            for r in table.itertuples():
                got = fast[(fast["unit"] == orp) & (fast["form"] == r.form) & (fast["capacity_unit"] == r.capacity_unit)]
                assert float(got["attributed_capacity"].sum()) == pytest.approx(r.attributed_capacity, abs=1e-3)
    reports = orp_reports(res, ov)
    assert reports["6221"][0] == "Židlochovice" and len(reports["6221"][1]) == len(res.results)
    shapes = orp_shapes(res)
    assert len(shapes) == 2 and shapes.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()


@pytest.mark.realdata
def test_cli_analyze_kraj_writes_the_overview_and_a_sheet_per_orp(tmp_path, realdata):
    from coverage_app.cli import main
    from coverage_app.demo import demo_paths

    out = tmp_path / "kraj"
    try:
        main(["analyze", "--municipalities", str(realdata("covidvobcich", "obce_polygony_cr.gpkg")),
              "--services", str(demo_paths()["services"]), "--custom-kinds", str(demo_paths()["custom_kinds"]),
              "--roads", str(realdata("rczechia", "silnice_arccr.gpkg")),
              "--road-speeds", str(demo_paths()["services"].parent / "rychlosti_silnic_arccr.csv"),
              "--district", "KRAJ:CZ072", "--out", str(out)])
    except SystemExit as exc:
        assert not exc.code
    ov = pd.read_csv(out / "orp_overview.csv", dtype={"kod_orp": str})
    assert ov["kod_orp"].nunique() == 13
    xlsx = pd.ExcelFile(out / "report.xlsx")
    assert xlsx.sheet_names[:2] == ["Souhrn mezer", "Přehled ORP"]
    assert sum(name.startswith("ORP ") for name in xlsx.sheet_names) == 13
    assert "ORP Zlín" in xlsx.sheet_names
