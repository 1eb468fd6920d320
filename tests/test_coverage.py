"""The coverage engine on a 3-obec example computed by hand, and against PySAL ``access``.

Three obce lie on a line (x = 0, 10 and 35 km).  Travel is estimated with detour factor 1 at
60 km/h, so minutes equal kilometres:

    A (x=0)          B (x=10 km)               C (x=35 km)
    65+: 200         65+: 300                  65+: 100

Services:
  S1 domov pro seniory (§ 49), pob, 20 beds at A
  S2 denní stacionář (§ 46), amb, 24 clients shared by two sites: at A and at C
  S3 pečovatelská služba (§ 40), ter, 30 clients, declared area {A, B}, office at C
  S4 odlehčovací služby (§ 44), pob 5 beds + amb 10 clients at B
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from coverage_app.codelists import KINDS, AccessRule
from coverage_app.coverage import analyze, e2sfca, field_ratio, time_band_label
from coverage_app.model import CRS, District, Services
from coverage_app.settings import AnalysisSettings, Norm

X0, Y0 = -600_000.0, -1_150_000.0
KM = 1000.0


def _district() -> District:
    bands = {  # 65+ = 65_79 + 80p
        "A": dict(pop_0_4=50, pop_5_14=100, pop_15_24=100, pop_25_64=550, pop_65_79=150, pop_80p=50),
        "B": dict(pop_0_4=100, pop_5_14=200, pop_15_24=200, pop_25_64=1200, pop_65_79=240, pop_80p=60),
        "C": dict(pop_0_4=20, pop_5_14=40, pop_15_24=40, pop_25_64=300, pop_65_79=80, pop_80p=20),
    }
    xs = {"A": 0.0, "B": 10 * KM, "C": 35 * KM}
    codes = {"A": "500001", "B": "500002", "C": "500003"}
    rows = []
    for k in "ABC":
        b = bands[k]
        rows.append({"kod_obce": codes[k], "nazev_obce": f"Obec {k}", "kod_pou": "", "kod_orp": "",
                     "population": sum(b.values()), "age_estimated": False, **b,
                     "geometry": Point(X0 + xs[k], Y0)})
    return District(gpd.GeoDataFrame(rows, crs=CRS), name="Test", level="custom")


def _services() -> Services:
    pt = lambda km: Point(X0 + km * KM, Y0)  # noqa: E731
    services = pd.DataFrame([
        {"service_id": "S1", "service_name": "Domov A", "kind": "DruhSocialniSluzby/13"},
        {"service_id": "S2", "service_name": "Stacionář", "kind": "DruhSocialniSluzby/10"},
        {"service_id": "S3", "service_name": "Pečovatelská", "kind": "DruhSocialniSluzby/4",
         "service_area": ("500001", "500002")},
        {"service_id": "S4", "service_name": "Odlehčovací", "kind": "DruhSocialniSluzby/8"},
    ])
    sites = gpd.GeoDataFrame([
        {"service_id": "S1", "site_id": "S1-a", "site_name": "Domov A", "form": "pob", "kod_obce": "500001"},
        {"service_id": "S2", "site_id": "S2-a", "site_name": "Stacionář A", "form": "amb", "kod_obce": "500001"},
        {"service_id": "S2", "site_id": "S2-c", "site_name": "Stacionář C", "form": "amb", "kod_obce": "500003"},
        {"service_id": "S3", "site_id": "S3-c", "site_name": "Kancelář C", "form": "ter", "kod_obce": "500003"},
        {"service_id": "S4", "site_id": "S4-b", "site_name": "Odlehčovací B", "form": "pob", "kod_obce": "500002"},
        {"service_id": "S4", "site_id": "S4-b", "site_name": "Odlehčovací B", "form": "amb", "kod_obce": "500002"},
    ], geometry=[pt(0), pt(0), pt(35), pt(35), pt(10), pt(10)], crs=CRS)
    caps = pd.DataFrame([
        {"service_id": "S1", "form": "pob", "unit": "luzka", "capacity": 20},
        {"service_id": "S2", "form": "amb", "unit": "klient", "capacity": 24},
        {"service_id": "S3", "form": "ter", "unit": "klient", "capacity": 30},
        {"service_id": "S4", "form": "pob", "unit": "luzka", "capacity": 5},
        {"service_id": "S4", "form": "amb", "unit": "klient", "capacity": 10},
    ])
    return Services(services, sites, caps)


#: Every kind judged per obec within 30 minutes (travel or field), so that the indicators can be
#: checked by hand obec by obec; the levels of availability are tested in test_access_levels.py.
LOCAL = {k: AccessRule("mistni", (("travel", 30.0), ("field", 30.0))) for k in KINDS}
SETTINGS = AnalysisSettings(detour_factor=1.0, speed_kmh=60.0, access=LOCAL)


@pytest.fixture(scope="module")
def result():
    return analyze(_district(), _services(), None, SETTINGS)


def _row(cov: pd.DataFrame, obec: str, kind: str) -> pd.Series:
    hit = cov[(cov["municipality_name"] == f"Obec {obec}") & (cov["service_kind"] == f"DruhSocialniSluzby/{kind}")]
    assert len(hit) == 1
    return hit.iloc[0]


def test_travel_times_are_the_estimate_by_hand(result):
    cov = result.coverage
    assert result.method == "estimate"
    assert set(cov["method"]) == {"estimate"}
    # kind 13: one site at A
    assert _row(cov, "A", 13)["travel_time_min"] == pytest.approx(0.0)
    assert _row(cov, "B", 13)["travel_time_min"] == pytest.approx(10.0)
    assert _row(cov, "C", 13)["travel_time_min"] == pytest.approx(35.0)
    assert _row(cov, "C", 13)["distance_km"] == pytest.approx(35.0)
    # kind 10: nearest of A and C
    assert _row(cov, "B", 10)["travel_time_min"] == pytest.approx(10.0)
    assert _row(cov, "B", 10)["nearest_site_id"] == "S2-a"
    assert _row(cov, "C", 10)["nearest_site_id"] == "S2-c"
    assert _row(cov, "C", 13)["time_band"] == "30–45"
    assert _row(cov, "B", 13)["time_band"] == "0–15"


def test_reachability_and_field_coverage(result):
    cov = result.coverage
    assert bool(_row(cov, "B", 13)["reachable"]) and not bool(_row(cov, "C", 13)["reachable"])
    # field service S3 declares A and B; its office at C does not make C covered
    assert bool(_row(cov, "A", 4)["field_covered"]) and bool(_row(cov, "B", 4)["field_covered"])
    assert not bool(_row(cov, "C", 4)["field_covered"])
    assert _row(cov, "A", 4)["field_basis"] == "declared"
    # clients do not travel to a field service's office
    assert not bool(_row(cov, "C", 4)["reachable"])
    assert np.isnan(_row(cov, "C", 4)["travel_time_min"])


def test_target_population_is_the_kinds_age_band(result):
    cov = result.coverage
    assert _row(cov, "A", 13)["target_population"] == 200  # 65+
    assert _row(cov, "B", 13)["target_population"] == 300
    assert _row(cov, "C", 13)["target_population"] == 100


def test_e2sfca_by_hand(result):
    cov = result.coverage
    # S1: 20 beds at A; A (0 min) and B (10 min) weight 1, C (35 min) outside → R = 20 / 500
    assert _row(cov, "A", 13)["e2sfca_per_1000"] == pytest.approx(40.0)
    assert _row(cov, "B", 13)["e2sfca_per_1000"] == pytest.approx(40.0)
    assert _row(cov, "C", 13)["e2sfca_per_1000"] == pytest.approx(0.0)
    assert _row(cov, "A", 13)["e2sfca_unit"] == "luzka"
    # S2: 24 clients split 12/12 over its two sites
    r_a = 12 / (200 + 300)                 # site at A: A and B weight 1, C none
    r_c = 12 / (300 * 0.22 + 100)          # site at C: B at 25 min weight 0.22, C weight 1
    assert _row(cov, "A", 10)["e2sfca_per_1000"] == pytest.approx(1000 * r_a, abs=1e-3)
    assert _row(cov, "B", 10)["e2sfca_per_1000"] == pytest.approx(1000 * (r_a + 0.22 * r_c), abs=1e-3)
    assert _row(cov, "C", 10)["e2sfca_per_1000"] == pytest.approx(1000 * r_c, abs=1e-3)


def test_two_sites_share_one_capacity(result):
    cap = result.capacity
    row = cap[(cap["service_kind"] == "DruhSocialniSluzby/10")].iloc[0]
    assert row["total_capacity"] == 24  # not 48
    assert row["n_services"] == 1 and row["n_sites"] == 2
    assert row["capacity_per_1000"] == pytest.approx(24 / 600 * 1000)
    # the supply placed at sites adds up to the capacity once: sum_i P_i * A_i = total supply
    cov = result.coverage
    sub = cov[cov["service_kind"] == "DruhSocialniSluzby/10"]
    assert (sub["target_population"] * sub["e2sfca_per_1000"] / 1000).sum() == pytest.approx(24.0, rel=1e-4)


def test_beds_and_clients_are_never_added(result):
    cap = result.capacity
    s4 = cap[cap["service_kind"] == "DruhSocialniSluzby/8"].set_index(["form", "capacity_unit"])
    assert s4.loc[("pob", "luzka"), "total_capacity"] == 5
    assert s4.loc[("amb", "klient"), "total_capacity"] == 10
    assert len(s4) == 2
    by_form = result.coverage_by_form
    b = by_form[(by_form["municipality_name"] == "Obec B") & (by_form["service_kind"] == "DruhSocialniSluzby/8")]
    assert set(zip(b["form"], b["capacity_unit"])) == {("pob", "luzka"), ("amb", "klient")}
    # each unit's E2SFCA on its own: beds 5 among A, B (10 min), C (25 min, 0.22)
    beds = b.set_index("capacity_unit").loc["luzka", "capacity_per_1000"]
    assert beds == pytest.approx(1000 * 5 / (200 + 300 + 0.22 * 100), abs=1e-3)


def test_field_capacity_per_1000(result):
    cov = result.coverage
    assert _row(cov, "A", 4)["field_capacity_per_1000"] == pytest.approx(1000 * 30 / 500)
    assert _row(cov, "C", 4)["field_capacity_per_1000"] == 0


def test_gaps_are_ranked_with_czech_reasons(result):
    gaps = result.gaps
    keys = set(zip(gaps["municipality_name"], gaps["service_kind"]))
    assert ("Obec C", "DruhSocialniSluzby/13") in keys
    assert ("Obec C", "DruhSocialniSluzby/4") in keys
    assert ("Obec A", "DruhSocialniSluzby/4") not in keys  # field-covered
    assert list(gaps["rank"]) == list(range(1, len(gaps) + 1))
    assert gaps["target_population"].is_monotonic_decreasing
    assert set(gaps["scope"]) == {"obec"}
    reason = gaps.set_index(["municipality_name", "service_kind"]).loc[("Obec C", "DruhSocialniSluzby/13"), "reason"]
    assert reason.startswith("nejbližší domov pro seniory 35 min")
    reason4 = gaps.set_index(["municipality_name", "service_kind"]).loc[("Obec C", "DruhSocialniSluzby/4"), "reason"]
    assert "mimo územní působnost terénních služeb" in reason4


def test_threshold_and_walk_settings_change_reachability():
    res = analyze(_district(), _services(), None, AnalysisSettings(detour_factor=1.0, speed_kmh=60.0,
                                                                   uniform_limit_min=40))
    cov = res.coverage
    assert bool(_row(cov, "C", 13)["reachable"])
    walk = analyze(_district(), _services(), None, AnalysisSettings(mode="walk", uniform_limit_min=180))
    assert _row(walk.coverage, "B", 13)["travel_time_min"] == pytest.approx(10 * 1.3 / 4.5 * 60, abs=0.1)
    # on foot with the kind's own limit (45 min + 15 min margin) the home 173 min away is nobody's nearest
    walk = analyze(_district(), _services(), None, AnalysisSettings(mode="walk"))
    row = _row(walk.coverage, "B", 13)
    assert np.isnan(row["travel_time_min"]) and row["nearest_site_id"] == ""


def test_user_norm_makes_a_gap_and_says_its_source():
    norm = Norm("DruhSocialniSluzby/13", 45.0, "luzka", source="návrh pracovní skupiny 2026")
    res = analyze(_district(), _services(), None, AnalysisSettings(detour_factor=1.0, speed_kmh=60.0, norms=(norm,),
                                                                    access=LOCAL))
    gaps = res.gaps.set_index(["municipality_name", "service_kind"])
    # A has 40 beds per 1000 (< 45): a gap although it is reachable
    assert ("Obec A", "DruhSocialniSluzby/13") in gaps.index
    assert "pod normou 45" in gaps.loc[("Obec A", "DruhSocialniSluzby/13"), "reason"]
    assert "návrh pracovní skupiny 2026" in gaps.loc[("Obec A", "DruhSocialniSluzby/13"), "reason"]
    cap = res.capacity.set_index("service_kind").loc["DruhSocialniSluzby/13"]
    assert cap["norm_per_1000"] == 45 and bool(cap["below_norm"])  # 20 / 600 * 1000 = 33.3


def test_no_norm_is_built_in(result):
    assert result.settings.norms == ()
    assert result.capacity["norm_per_1000"].isna().all()


def test_indicator_functions_directly():
    settings = AnalysisSettings()
    # weights: zones upper-inclusive
    assert list(settings.zone_weight([0, 10, 10.01, 20, 30, 30.01, np.inf])) == [1.0, 1.0, 0.68, 0.68, 0.22, 0, 0]
    acc = e2sfca(np.array([100.0, 100.0]), np.array([10.0]), np.array([[5.0], [15.0]]), settings)
    r = 10 / (100 + 68)
    assert acc == pytest.approx([r, 0.68 * r])
    idx = pd.Index(["1", "2"])
    fr = field_ratio(pd.Series([100.0, 300.0], index=idx), {"s": 8.0}, {"s": ["1", "2", "9"]},
                     pd.Series([400.0], index=pd.Index(["9"])))
    assert fr.tolist() == pytest.approx([8 / 800, 8 / 800])
    assert time_band_label(15) == "0–15" and time_band_label(15.5) == "15–30" and time_band_label(50) == "45+"
    assert time_band_label(np.inf) == ""


def test_obec_detail_lists_reachable_and_field_services(result):
    detail = result.obec_detail("500001")
    names = set(detail["service_name"])
    assert {"Domov A", "Stacionář", "Pečovatelská", "Odlehčovací"} <= names


def test_e2sfca_matches_pysal_access_on_a_real_district(realdata):
    """E2SFCA of the engine equals PySAL access's on ORP Židlochovice with synthetic sites."""
    access = pytest.importorskip("access")
    from access import weights

    from coverage_app.io.municipalities import load_district, read_municipalities

    obce = read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    district = load_district(obce, "ORP:6221")
    pts = district.points()
    rng = np.random.default_rng(7)
    chosen = rng.choice(len(pts), size=5, replace=False)
    services = pd.DataFrame([{"service_id": f"D{i}", "service_name": f"Domov {i}",
                              "kind": "DruhSocialniSluzby/13"} for i in range(4)])
    site_rows, geoms = [], []
    for i, j in enumerate(chosen):
        sid = f"D{min(i, 3)}"  # D3 has two sites sharing its capacity
        site_rows.append({"service_id": sid, "site_id": f"site{i}", "form": "pob",
                          "kod_obce": district.codes[j]})
        geoms.append(Point(pts.iloc[j].x + 300, pts.iloc[j].y + 200))
    caps = pd.DataFrame([{"service_id": f"D{i}", "form": "pob", "unit": "luzka", "capacity": c}
                         for i, c in enumerate([40, 25, 60, 30])])
    svc = Services(services, gpd.GeoDataFrame(site_rows, geometry=geoms, crs=CRS), caps)
    res = analyze(district, svc, None, AnalysisSettings(speed_kmh=40))
    ours = res.indicator_frame("DruhSocialniSluzby/13", "e2sfca_per_1000")

    pop = district.target_population("65p")
    demand = pd.DataFrame({"pop": pop.to_numpy()}, index=pd.Index(district.codes, name="origin"))
    sites = res.sites.reset_index(drop=True)
    n_sites = sites.groupby("service_id")["site_id"].transform("count")
    cap_of = dict(zip(caps.service_id, caps.capacity))
    supply = pd.DataFrame({"cap": np.array([cap_of[s] for s in sites.service_id]) / n_sites.to_numpy()},
                          index=pd.Index(sites["site_id"], name="dest"))
    rows = []
    for i, code in enumerate(district.codes):
        for k, s in sites.iterrows():
            rows.append({"origin": code, "dest": s["site_id"], "cost": res.travel.minutes[i, int(s["col"])]})
    cost = pd.DataFrame(rows)
    acc = access.Access(demand_df=demand, demand_index=True, demand_value="pop", supply_df=supply,
                        supply_index=True, supply_value="cap", cost_df=cost, cost_origin="origin",
                        cost_dest="dest", cost_name="cost")
    theirs = acc.enhanced_two_stage_fca(name="e2", cost="cost", max_cost=30,
                                        weight_fn=weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22}))
    theirs = theirs.iloc[:, 0].reindex(district.codes).fillna(0) * 1000
    assert np.allclose(ours.to_numpy(dtype=float), theirs.to_numpy(dtype=float), atol=1e-3)


def test_obce_without_target_population_are_not_gaps():
    d = _district()
    d.obce.loc[d.obce["nazev_obce"] == "Obec C", ["pop_65_79", "pop_80p"]] = 0.0
    res = analyze(d, _services(), None, SETTINGS)
    gaps = res.gaps
    assert not ((gaps["municipality_name"] == "Obec C") & (gaps["service_kind"] == "DruhSocialniSluzby/13")).any()


def test_shared_e2sfca_counts_the_people_around_the_district():
    """An obec D outside the district, 5 km from site A, competes for the 20 beds of S1."""
    context = pd.DataFrame({"population": [4000.0], "pop_0_4": [0.0], "pop_5_14": [0.0], "pop_15_24": [0.0],
                            "pop_25_64": [3000.0], "pop_65_79": [800.0], "pop_80p": [200.0],
                            "x": [X0 - 5 * KM], "y": [Y0]}, index=pd.Index(["599999"]))
    res = analyze(_district(), _services(), None, SETTINGS, context=context)
    a = _row(res.coverage, "A", 13)
    assert a["e2sfca_per_1000"] == pytest.approx(40.0)                     # closed district: 20 / 500
    assert a["e2sfca_shared_per_1000"] == pytest.approx(1000 * 20 / (500 + 1000), abs=1e-3)  # D: 1000 people 65+
    # the stacionář at C is 40 km from D: D does not compete for it
    c10 = _row(res.coverage, "C", 10)
    assert c10["e2sfca_shared_per_1000"] == pytest.approx(1000 * 12 / (300 * 0.22 + 100), abs=1e-3)


def test_norm_in_another_age_band_is_compared_in_that_band():
    norm = Norm("DruhSocialniSluzby/13", 160.0, "luzka", band="80p", source="test")
    res = analyze(_district(), _services(), None, AnalysisSettings(detour_factor=1.0, speed_kmh=60.0, norms=(norm,),
                                                                    access=LOCAL))
    cap = res.capacity.set_index("service_kind").loc["DruhSocialniSluzby/13"]
    assert cap["norm_band"] == "80p"
    assert cap["norm_compared_per_1000"] == pytest.approx(20 / (50 + 60 + 20) * 1000, abs=1e-3)
    assert bool(cap["below_norm"])  # 20 beds / 130 people 80+ × 1000 = 153.8 < 160
