"""Gaps judged at each kind's level of availability, computed by hand on 3 obce in 2 districts.

Three obce on a line; travel is estimated with detour factor 1 at 60 km/h, so minutes = km:

    A (x=0)  B (x=10 km)  | C (x=35 km)          far sites: x=100 km, x=−200 km
    ORP Židlochovice      | ORP Ivančice          (all in Jihomoravský kraj)
    65+: 200   300        |   100
    15+: 850   1700       |   440
    all: 1000  2000       |   500

Services and what the access model makes of them:

* osobní asistence (§ 39, local, field 30): area {A} → obec gaps B and C;
* pečovatelská služba (§ 40, local, field 30): base at A, area {A, B, C} → all covered, but C is
  35 min from the base: flagged, not a gap;
* domov pro seniory (§ 49, ORP level; the user's rule: travel 30): home at A → ORP Židlochovice
  reaches it (0 and 10 min), ORP Ivančice does not (35 min): one gap row for ORP Ivančice;
* denní stacionář (§ 46, ORP level, travel 30): the only site at x=−200 km is beyond the horizon
  (30 + 15 min) of every obec: it is nobody's nearest and both ORPs are gaps;
* azylový dům (§ 57, regional, travel 60): a site at x=100 km (65 min from C, within 60 + 15 but
  beyond 60) and a secret one without any address that declares A–C as its area: one kraj row,
  0 % within 60 min, nearest named; the secret one counts in capacity (12 beds);
* telefonická krizová pomoc (§ 55, national, remote): loaded → available, no gap;
* tísňová péče (§ 41, regional, remote): only a service far outside the kraj → missing for the kraj.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from coverage_app.access import access_table, read_access
from coverage_app.codelists import AccessRule, KindCatalog, default_access
from coverage_app.coverage import analyze
from coverage_app.errors import DataError
from coverage_app.model import CRS, District, Services
from coverage_app.settings import AnalysisSettings

X0, Y0 = -600_000.0, -1_150_000.0
KM = 1000.0
K = "DruhSocialniSluzby/"
OA, PS, DS, DST, AD, TKP, TP = (K + n for n in ("3", "4", "13", "10", "20", "18", "5"))


def _district() -> District:
    bands = {
        "A": dict(pop_0_4=50, pop_5_14=100, pop_15_24=100, pop_25_64=550, pop_65_79=150, pop_80p=50),
        "B": dict(pop_0_4=100, pop_5_14=200, pop_15_24=200, pop_25_64=1200, pop_65_79=240, pop_80p=60),
        "C": dict(pop_0_4=20, pop_5_14=40, pop_15_24=40, pop_25_64=300, pop_65_79=80, pop_80p=20),
    }
    xs = {"A": 0.0, "B": 10 * KM, "C": 35 * KM}
    codes = {"A": "500001", "B": "500002", "C": "500003"}
    orp = {"A": ("6221", "Židlochovice"), "B": ("6221", "Židlochovice"), "C": ("6212", "Ivančice")}
    rows = []
    for k in "ABC":
        b = bands[k]
        rows.append({"kod_obce": codes[k], "nazev_obce": f"Obec {k}", "kod_pou": "", "kod_orp": orp[k][0],
                     "nazev_orp": orp[k][1], "population": sum(b.values()), "age_estimated": False, **b,
                     "geometry": Point(X0 + xs[k], Y0)})
    return District(gpd.GeoDataFrame(rows, crs=CRS), name="Test", level="custom")


def _services() -> Services:
    pt = lambda km: Point(X0 + km * KM, Y0)  # noqa: E731
    svc = [
        ("OA", OA, ("500001",), ""), ("PS", PS, ("500001", "500002", "500003"), ""), ("DS", DS, (), ""),
        ("DST", DST, (), ""), ("AD", AD, (), ""), ("AD2", AD, ("500001", "500002", "500003"), "+420 111"),
        ("TKP", TKP, (), "+420 116 123"), ("TP", TP, (), "+420 999"),
    ]
    services = pd.DataFrame([{"service_id": i, "service_name": f"Služba {i}", "kind": k, "service_area": a,
                              "phone": p} for i, k, a, p in svc])
    sites = gpd.GeoDataFrame([
        {"service_id": "OA", "site_id": "OA-a", "form": "ter", "kod_obce": "500001", "geometry": pt(0)},
        {"service_id": "PS", "site_id": "PS-a", "form": "ter", "kod_obce": "500001", "geometry": pt(0)},
        {"service_id": "DS", "site_id": "DS-a", "site_name": "Domov A", "form": "pob", "kod_obce": "500001",
         "geometry": pt(0)},
        {"service_id": "DST", "site_id": "DST-x", "site_name": "Stacionář daleko", "form": "amb",
         "kod_obce": "500200", "geometry": pt(-200)},
        {"service_id": "AD", "site_id": "AD-x", "site_name": "Azylový dům", "form": "pob", "kod_obce": "500100",
         "geometry": pt(100)},
        {"service_id": "AD2", "site_id": "AD2-s", "form": "pob", "kod_obce": "", "secret_address": True,
         "location_method": "none", "geometry": None},
        {"service_id": "TKP", "site_id": "TKP-x", "form": "ter", "kod_obce": "500200", "geometry": pt(-200)},
        {"service_id": "TP", "site_id": "TP-x", "form": "ter", "kod_obce": "500200", "geometry": pt(-200)},
    ], crs=CRS)
    caps = pd.DataFrame([
        {"service_id": "OA", "form": "ter", "unit": "klient", "capacity": 10},
        {"service_id": "PS", "form": "ter", "unit": "klient", "capacity": 30},
        {"service_id": "DS", "form": "pob", "unit": "luzka", "capacity": 20},
        {"service_id": "DST", "form": "amb", "unit": "klient", "capacity": 15},
        {"service_id": "AD", "form": "pob", "unit": "luzka", "capacity": 30},
        {"service_id": "AD2", "form": "pob", "unit": "luzka", "capacity": 12},
        {"service_id": "TKP", "form": "ter", "unit": "hovor", "capacity": 100},
        {"service_id": "TP", "form": "ter", "unit": "klient", "capacity": 100},
    ])
    return Services(services, sites, caps)


SETTINGS = AnalysisSettings(detour_factor=1.0, speed_kmh=60.0,
                            access={DS: AccessRule("orp", (("travel", 30.0),), "test: kraj's network 2026")})


@pytest.fixture(scope="module")
def result():
    return analyze(_district(), _services(), None, SETTINGS)


def _gap(gaps: pd.DataFrame, kind: str, scope_code: str) -> pd.Series:
    hit = gaps[(gaps["service_kind"] == kind) & (gaps["scope_code"] == scope_code)]
    assert len(hit) == 1, (kind, scope_code, gaps[["service_kind", "scope_code"]].values.tolist())
    return hit.iloc[0]


def test_gap_rows_by_level_computed_by_hand(result):
    gaps = result.gaps
    keys = sorted(zip(gaps["service_kind"], gaps["scope"], gaps["scope_code"]))
    assert keys == sorted([
        (OA, "obec", "500002"), (OA, "obec", "500003"),
        (DS, "orp", "6212"),
        (DST, "orp", "6221"), (DST, "orp", "6212"),
        (AD, "kraj", "CZ064"),
        (TP, "kraj", "CZ064"),
    ])
    # never one row per obec for regional, national or remote kinds
    assert set(gaps.loc[gaps["scope"] == "obec", "access_level"]) == {"mistni"}
    assert list(gaps["rank"]) == list(range(1, len(gaps) + 1))
    assert gaps["affected_population"].is_monotonic_decreasing


def test_orp_level_gap_names_the_district_and_the_share(result):
    row = _gap(result.gaps, DS, "6212")
    assert row["scope_name"] == "ORP Ivančice"
    assert row["target_population"] == pytest.approx(100) and row["affected_population"] == pytest.approx(100)
    assert row["share_reached"] == 0.0 and row["n_obce_affected"] == 1
    assert "do 30 min dosáhne 0 % cílové skupiny (senioři 65+ let: 0 z 100)" in row["reason"]
    assert "nejbližší domov pro seniory: Domov A (35 min)" in row["reason"]
    assert row["limit_min"] == 30 and row["access_level"] == "orp"


def test_a_site_beyond_reach_is_nobodys_nearest(result):
    cov = result.coverage
    dst = cov[cov["service_kind"] == DST]
    assert (dst["nearest_site_id"] == "").all() and dst["travel_time_min"].isna().all()
    assert "DST-x" not in result.counting_site_ids()
    row = _gap(result.gaps, DST, "6221")
    assert row["affected_population"] == pytest.approx(500)  # 65+ of A and B
    assert "žádné zařízení (denní stacionář) do 45 min" in row["reason"]


def test_regional_kind_is_one_kraj_row_with_the_nearest_site(result):
    row = _gap(result.gaps, AD, "CZ064")
    assert row["scope_name"] == "Jihomoravský kraj"
    assert row["target_population"] == pytest.approx(850 + 1700 + 440)
    assert row["share_reached"] == 0.0 and row["n_obce_affected"] == 3
    # 65 min from C: counts (within 60 + 15) but is beyond the limit; A and B see none within 75 min
    assert "nejbližší azylový dům: Azylový dům (65 min)" in row["reason"]
    ad = result.coverage[result.coverage["service_kind"] == AD].set_index("municipality_name")
    assert ad.loc["Obec C", "travel_time_min"] == pytest.approx(65)
    assert np.isnan(ad.loc["Obec A", "travel_time_min"])


def test_secret_site_without_address_counts_in_capacity_by_its_declared_area(result):
    cap = result.capacity
    ad = cap[(cap["service_kind"] == AD) & (cap["form"] == "pob")].iloc[0]
    assert ad["total_capacity"] == pytest.approx(12)  # the secret shelter; the far one is not the district's
    assert ad["n_services"] == 1


def test_remote_and_national_kinds_are_never_travel_gaps(result):
    av = result.availability.set_index("service_kind")
    assert bool(av.loc[TKP, "available"]) and "+420 116 123" in av.loc[TKP, "services"]
    assert not bool(av.loc[TP, "available"])
    row = _gap(result.gaps, TP, "CZ064")
    assert "tísňová péče" in row["reason"] and "na dálku" in row["reason"]
    assert TKP not in set(result.gaps["service_kind"])


def test_field_service_area_too_far_from_its_base_is_flagged(result):
    ps = result.coverage[result.coverage["service_kind"] == PS].set_index("municipality_name")
    assert ps["field_covered"].all() and not ps["gap"].any()
    assert ps.loc["Obec C", "field_base_min"] == pytest.approx(35)
    assert bool(ps.loc["Obec C", "field_beyond_limit"]) and not bool(ps.loc["Obec B", "field_beyond_limit"])
    assert ps.loc["Obec C", "note"] == "v působnosti, ale 35 min od střediska (limit 30 min)"


def test_every_coverage_row_has_level_and_mode(result):
    cov = result.coverage
    assert cov["access_level"].notna().all() and (cov["access_level"] != "").all()
    lv = cov.drop_duplicates("service_kind").set_index("service_kind")
    assert lv.loc[OA, "access_level"] == "mistni" and lv.loc[OA, "access_mode"] == "field"
    assert lv.loc[PS, "access_mode"] == "field+travel"
    assert lv.loc[TKP, "access_level"] == "cr" and lv.loc[TKP, "access_mode"] == "remote"


def test_gap_summary_counts_units_obce_and_people(result):
    s = result.gap_summary().set_index("service_kind")
    assert s.loc[OA, "n_units"] == 2 and s.loc[OA, "affected_population"] == pytest.approx(2500)
    assert s.loc[DST, "n_units"] == 2 and s.loc[DST, "n_obce_affected"] == 3
    assert s.loc[DST, "affected_population"] == pytest.approx(600)
    assert s.loc[AD, "scope"] == "kraj"
    assert list(result.gap_summary()["working_group"])[0] == "Senioři"


def test_orp_level_norm_is_judged_on_the_units_capacity():
    from coverage_app.settings import Norm

    norm = Norm(DS, 60.0, "luzka", source="plán 2026")  # ORP Židlochovice: 20 beds / 500 = 40 per 1000
    res = analyze(_district(), _services(), None, SETTINGS.replace(norms=(norm,)))
    row = _gap(res.gaps, DS, "6221")
    assert "kapacita 40 lůžek na 1000 (senioři 65+ let) je pod normou 60 (zdroj: plán 2026)" in row["reason"]


# ---------------------------------------------------------------------------------------------
# The access table
# ---------------------------------------------------------------------------------------------
def test_every_builtin_kind_has_a_default_with_a_source_note():
    for kind in KindCatalog():
        rule = default_access(kind)
        assert rule.level in ("mistni", "orp", "kraj", "cr") and rule.modes
        assert "výchozí" in rule.source and "kraj" in rule.source
    assert default_access(KindCatalog()[TKP]).modes == ("remote",)
    assert default_access(KindCatalog()[OA]).modes == ("field",)


def test_access_table_round_trips_through_a_file(tmp_path):
    path = tmp_path / "dostupnost.csv"
    path.write_text("druh;uroven;zpusob;limit_min;zdroj\n"
                    "domovy pro seniory;orp;travel;50;Síť JMK\n"
                    "pečovatelská služba;mistni;field;25;Síť JMK\n"
                    "§ 40;mistni;travel;15;Síť JMK\n"
                    "telefonická krizová pomoc;cr;remote;;Síť JMK\n", encoding="utf-8")
    rules = read_access(path)
    assert rules[DS] == AccessRule("orp", (("travel", 50.0),), "Síť JMK")
    assert rules[PS].limits == (("field", 25.0), ("travel", 15.0))
    assert rules[TKP].remote
    table = access_table(KindCatalog(), rules, only=rules)
    assert set(table["druh"]) == {DS, PS, TKP}


@pytest.mark.parametrize("line,column,word", [
    ("neznámý druh;orp;travel;30;x", "druh", "neznámý"),
    ("domovy pro seniory;okres;travel;30;x", "uroven", "okres"),
    ("domovy pro seniory;orp;autobus;30;x", "zpusob", "autobus"),
    ("domovy pro seniory;orp;travel;;x", "limit_min", "limit"),
    ("domovy pro seniory;orp;travel;pár;x", "limit_min", "pár"),
])
def test_bad_access_rows_are_refused_with_file_row_and_column(tmp_path, line, column, word):
    path = tmp_path / "dostupnost.csv"
    path.write_text("druh;uroven;zpusob;limit_min;zdroj\npečovatelská služba;mistni;field;30;x\n" + line + "\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_access(path)
    p = info.value.problems[0]
    assert p.file == "dostupnost.csv" and p.row == 3 and p.column == column
    assert word in p.message("cs")


def test_two_levels_for_one_kind_are_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("druh;uroven;zpusob;limit_min\n§ 40;mistni;field;30\n§ 40;orp;travel;30\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_access(path)
    assert info.value.problems[0].row == 3 and "dvě různé úrovně" in info.value.problems[0].message("cs")


def test_custom_kind_brings_its_own_access_columns(tmp_path):
    from coverage_app.io.services import read_custom_kinds

    path = tmp_path / "vlastni.csv"
    path.write_text("id;nazev;formy;uroven;zpusob;limit_min\nklub;klub seniorů;amb;orp;travel;40\n",
                    encoding="utf-8")
    kinds = read_custom_kinds(path)
    assert kinds["klub"].access == AccessRule("orp", (("travel", 40.0),), "vlastni.csv")
    assert AnalysisSettings().access_of("klub", kinds).level == "orp"


def test_access_rules_are_kept_in_the_project(tmp_path, demo):
    from coverage_app.io.project import Project, load_project, save_project

    rules = {DS: AccessRule("orp", (("travel", 50.0),), "Síť JMK"), TKP: AccessRule("cr", (("remote", np.nan),), "x")}
    path = save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"}, access=rules),
                        tmp_path / "p.gpkg")
    back = load_project(path).access
    assert back[DS] == rules[DS] and back[TKP].level == "cr" and back[TKP].remote


# ---------------------------------------------------------------------------------------------
# Road-network sanity
# ---------------------------------------------------------------------------------------------
def _grid(n: int = 21, step_km: float = 1.0) -> gpd.GeoDataFrame:
    lines = []
    for i in range(n):
        for j in range(n - 1):
            a = (X0 + i * step_km * KM, Y0 + j * step_km * KM)
            b = (X0 + i * step_km * KM, Y0 + (j + 1) * step_km * KM)
            lines.append(LineString([a, b]))
            lines.append(LineString([(a[1] - Y0 + X0, a[0] - X0 + Y0), (b[1] - Y0 + X0, b[0] - X0 + Y0)]))
    n_lines = len(lines)
    return gpd.GeoDataFrame({"speed_car_kmh": [50.0] * n_lines, "speed_walk_kmh": [5.0] * n_lines,
                             "car_allowed": [True] * n_lines, "walk_allowed": [True] * n_lines},
                            geometry=lines, crs=CRS)


def test_no_network_warning_on_a_grid_that_has_the_local_roads():
    from coverage_app.netcheck import check_network
    from coverage_app.reach import build_graph

    rng = np.random.default_rng(1)
    pts = rng.uniform(1, 19, size=(25, 2)) * KM
    d = District(gpd.GeoDataFrame({"kod_obce": [str(500100 + i) for i in range(25)],
                                   "nazev_obce": [f"Obec {i}" for i in range(25)], "population": 100},
                                  geometry=[Point(X0 + x, Y0 + y) for x, y in pts], crs=CRS))
    graph = build_graph(_grid())
    check = check_network(d, analyze(d, _empty_services(), graph).travel)
    assert check is not None and len(check.pairs) > 30
    assert not check.coarse and check.messages() == []
    assert len(check.suspicious) <= 0.05 * len(check.pairs)
    assert check.pairs["ratio"].median() < 1.2


@pytest.mark.realdata
def test_network_warning_on_arccr_roads_for_orp_zidlochovice(realdata, obce_cr):
    from coverage_app.io.municipalities import load_district
    from coverage_app.io.roads import read_road_lines, read_speed_table
    from coverage_app.reach import build_graph

    dist = load_district(obce_cr, "ORP:6221")
    lines = read_road_lines(realdata("rczechia", "silnice_arccr.gpkg"),
                            speeds=read_speed_table("services_data/rychlosti_silnic_arccr.csv"))
    res = analyze(dist, _empty_services(), build_graph(lines, snap_tolerance_m=1.0))
    msgs = res.network.messages("cs")
    assert res.network.coarse and msgs
    assert ("Rajhrad → Rajhradice" in msgs[0] or "Rajhradice → Rajhrad" in msgs[0]) and "místních komunikací" in msgs[0]
    worst = res.network.suspicious
    assert (worst["ratio"] > 2).all() and (worst["straight_km"] <= 5).all()


def _empty_services() -> Services:
    from coverage_app.model import empty_services

    return empty_services()


def test_remote_kind_is_judged_per_kraj_of_a_district_over_two_kraje():
    """A service whose area lies in one kraj does not make the other kraj's people served."""
    d = _district()
    d.obce.loc[d.obce["kod_obce"] == "500003", "kod_orp"] = "7201"  # obec C in Zlínský kraj
    base = _services()
    sv = base.services.copy()
    sv.at[int(sv.index[sv["service_id"] == "TP"][0]), "service_area"] = ("500001",)
    res = analyze(d, Services(sv, base.sites, base.capacities), None, SETTINGS)
    av = res.availability.set_index(["service_kind", "scope_code"])
    assert bool(av.loc[(TP, "CZ064"), "available"]) and not bool(av.loc[(TP, "CZ072"), "available"])
    assert len(res.gaps[(res.gaps["service_kind"] == TP) & (res.gaps["scope_code"] == "CZ072")]) == 1


def test_sites_at_one_address_all_count_for_the_district():
    import geopandas as gpd
    from shapely.geometry import Point

    svc = _services()
    extra = gpd.GeoDataFrame([{"service_id": "DS", "site_id": "DS-b", "site_name": "Domov A, druhý vchod",
                               "form": "pob", "kod_obce": "500001"}],
                             geometry=[Point(X0, Y0)], crs=CRS)
    svc = Services(svc.services, gpd.GeoDataFrame(pd.concat([svc.sites, extra], ignore_index=True), crs=CRS),
                   svc.capacities)
    res = analyze(_district(), svc, None, SETTINGS)
    assert {"DS-a", "DS-b"} <= res.counting_site_ids()


def test_share_just_under_the_threshold_never_reads_as_reaching_it():
    from coverage_app.gaps import _unit_rows

    res = analyze(_district(), _services(), None, SETTINGS.replace(min_share_reached=0.9))
    cov = res.results[DS].coverage.copy()
    cov["reached"] = [True, True, False]
    cov["target_population"] = [448.0, 448.0, 104.0]  # 896 of 1000 = 89,6 %
    cov["kod_orp"] = "6221"
    rows = _unit_rows(res, DS, cov.assign(municipality_code=["500001", "500002", "500003"]))
    texts = " ".join(r["reason"] for r in rows)
    assert "dosáhne 89 %" in texts or "dosáhne 0 %" in texts


def test_access_table_is_recognised_by_validate_and_the_data_page(tmp_path, capsys):
    from coverage_app.app import _logic as lg
    from coverage_app.cli import detect_file_kind, main

    root = Path(__file__).resolve().parents[1]
    table = "druh;uroven;zpusob;limit_min;zdroj\ndomovy pro seniory;orp;travel;50;Síť JMK\n"
    path = tmp_path / "dostupnost.csv"
    path.write_text(table, encoding="utf-8")
    assert detect_file_kind(path) == "access"
    try:
        main(["validate", str(path)])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert "úrovně dostupnosti" in capsys.readouterr().out
    files = {p.name: p.read_bytes() for p in (root / "geodata" / "obce_seed_districts.csv",
                                               root / "services_data" / "demo_sluzby.csv",
                                               root / "services_data" / "demo_vlastni_druhy.csv")}
    result = lg.load_uploaded_data({**files, "dostupnost.csv": table.encode("utf-8")})
    assert result.ok and result.kinds["dostupnost.csv"] == "access"
    assert result.data.access[DS] == AccessRule("orp", (("travel", 50.0),), "Síť JMK")
