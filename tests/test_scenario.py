"""What-if scenarios, site suggestions (MCLP) and period comparison."""

from __future__ import annotations

import itertools

import pandas as pd
import numpy as np
import pytest

from coverage_app.coverage import analyze
from coverage_app.scenario import (
    AddSite,
    MoveSite,
    RemoveService,
    RemoveSite,
    Resize,
    Scenario,
    ScenarioError,
    SetServiceArea,
    apply_scenario,
    compare_periods,
    run_scenario,
    scenario_delta,
    suggest_sites,
)
from tests.test_coverage import SETTINGS, _district, _services


@pytest.fixture(scope="module")
def base():
    return analyze(_district(), _services(), None, SETTINGS)


def _full(base, scenario):
    """The scenario computed from scratch (the reference for the incremental path)."""
    services, _ = apply_scenario(base.services, scenario, base.district.obce)
    return analyze(base.district, services, None, base.settings)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    key = ["municipality_code", "service_kind"]
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


EDITS = [
    AddSite(kind="DruhSocialniSluzby/13", form="pob", kod_obce="500003", capacity=10, unit="luzka", name="Domov C"),
    Resize(service_id="S1", form="pob", unit="luzka", capacity=50),
    RemoveSite(site_id="S2-c"),
    MoveSite(site_id="S1-a", kod_obce="500002"),
    RemoveService(service_id="S4"),
    SetServiceArea(service_id="S3", obce=("500001", "500002", "500003")),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: type(e).__name__)
def test_incremental_equals_full_recompute(base, edit):
    scenario = Scenario("t", (edit,))
    fast = run_scenario(base, scenario)
    _same(fast.coverage, _full(base, scenario).coverage)
    _same(fast.capacity.rename(columns={"service_kind": "municipality_code", "form": "service_kind"}),
          _full(base, scenario).capacity.rename(columns={"service_kind": "municipality_code", "form": "service_kind"}))


def test_new_site_closes_a_gap_and_the_delta_says_so(base):
    scenario = Scenario("Domov v C", (EDITS[0],))
    after = run_scenario(base, scenario)
    delta = scenario_delta(base, after)
    row = delta[(delta["municipality_name"] == "Obec C") & (delta["service_kind"] == "DruhSocialniSluzby/13")].iloc[0]
    assert row["travel_time_min_before"] == pytest.approx(35.0)
    assert row["travel_time_min_after"] == pytest.approx(0.0)
    assert bool(row["gap_before"]) and not bool(row["gap_after"])
    assert row["travel_time_min_change"] == pytest.approx(-35.0)
    # only kind 13 changed
    assert set(delta["service_kind"]) == {"DruhSocialniSluzby/13"}
    assert "Obec C" in set(base.gaps.query("service_kind == 'DruhSocialniSluzby/13'")["municipality_name"])
    assert "Obec C" not in set(after.gaps.query("service_kind == 'DruhSocialniSluzby/13'")["municipality_name"])


def test_removing_one_of_two_sites_keeps_the_capacity(base):
    after = run_scenario(base, Scenario("x", (RemoveSite(site_id="S2-c"),)))
    cap = after.capacity.set_index("service_kind").loc["DruhSocialniSluzby/10"]
    assert cap["total_capacity"] == 24 and cap["n_sites"] == 1
    # all 24 clients now sit at A: A and B weight 1 → 24 / 500
    cov = after.coverage
    a = cov[(cov["municipality_name"] == "Obec A") & (cov["service_kind"] == "DruhSocialniSluzby/10")].iloc[0]
    assert a["e2sfca_per_1000"] == pytest.approx(1000 * 24 / 500, abs=1e-3)


def test_closing_the_last_site_closes_the_service(base):
    services, touched = apply_scenario(base.services, Scenario("x", (RemoveSite(site_id="S1-a"),)),
                                       base.district.obce)
    assert "S1" not in set(services.services["service_id"])
    assert "S1" not in set(services.capacities["service_id"])
    assert touched == {"DruhSocialniSluzby/13"}


def test_baseline_is_not_modified(base):
    before = base.coverage.copy()
    run_scenario(base, Scenario("x", tuple(EDITS)))
    _same(base.coverage, before)


def test_scenario_round_trips_through_json():
    s = Scenario("Plán 2027", tuple(EDITS), note="pracovní skupina senioři")
    assert Scenario.from_dict(s.to_dict()) == s
    import json

    assert Scenario.from_dict(json.loads(s.to_json())) == s


@pytest.mark.parametrize("edit", [
    RemoveSite(site_id="nope"), Resize(service_id="nope", form="pob", unit="luzka", capacity=1),
    AddSite(kind="neexistuje", form="amb", kod_obce="500001"), AddSite(kind="DruhSocialniSluzby/13", form="xyz",
                                                                        kod_obce="500001"),
    AddSite(kind="DruhSocialniSluzby/13", form="pob"), Resize(service_id="S1", form="pob", unit="luzka", capacity=-1),
])
def test_bad_edits_are_refused_in_czech(base, edit):
    with pytest.raises(ScenarioError) as info:
        run_scenario(base, Scenario("x", (edit,)))
    assert info.value.message("cs") and info.value.message("en")


def test_scenario_saved_in_the_project(tmp_path, demo):
    from coverage_app.io.project import Project, load_project, save_project

    s = Scenario("Stacionář Těšany", (AddSite(kind="DruhSocialniSluzby/10", form="amb", kod_obce="583995",
                                               capacity=15, unit="klient"),))
    path = save_project(Project(demo.municipalities, demo.services, scenarios={s.name: s.to_dict()},
                                meta={"district": "ORP:6221"}), tmp_path / "p.gpkg")
    back = load_project(path)
    assert Scenario.from_dict(back.scenarios["Stacionář Těšany"]) == s


def _brute_force_best(analysis, kind, k):
    from coverage_app.scenario import _uncovered, suggestion_form

    form = suggestion_form(analysis, kind)
    pop, unc = _uncovered(analysis, kind, form)
    rule = analysis.settings.access_of(kind, analysis.services.kinds)
    limit = analysis.settings.limit_of(rule, "field" if form == "ter" else "travel")
    xy = analysis.district.xy()
    times = analysis.travel.to_points(xy).minutes
    cover = times <= limit
    best = 0.0
    for combo in itertools.combinations(range(len(pop)), k):
        covered = cover[:, list(combo)].any(axis=1) & unc
        best = max(best, float(pop[covered].sum()))
    return best


@pytest.mark.parametrize("kind,k", [("DruhSocialniSluzby/13", 1), ("DruhSocialniSluzby/28", 2),
                                    ("DruhSocialniSluzby/10", 1), ("DruhSocialniSluzby/3", 2)])
def test_site_suggestion_is_optimal(demo, kind, k):
    analysis = analyze(demo.district, demo.services)
    sug = suggest_sites(analysis, kind, k=k)
    best = _brute_force_best(analysis, kind, k)
    got = float(sug["newly_covered"].sum()) if len(sug) else 0.0
    assert got == pytest.approx(best, abs=0.2)
    assert sug.attrs.get("solver_status", "Optimal") == "Optimal"


@pytest.mark.parametrize("kind,form", [("DruhSocialniSluzby/3", "ter"), ("DruhSocialniSluzby/28", "ter"),
                                       ("DruhSocialniSluzby/13", "pob"), ("DruhSocialniSluzby/10", "amb")])
def test_suggestions_respect_the_forms_of_the_act(demo, kind, form):
    analysis = analyze(demo.district, demo.services)
    sug = suggest_sites(analysis, kind, k=2)
    assert set(sug["form"]) <= {form}
    kobj = demo.services.kinds[kind]
    assert all(f in kobj.forms for f in sug["form"])


def test_field_only_kind_is_never_suggested_as_an_ambulatory_site(demo):
    analysis = analyze(demo.district, demo.services)
    with pytest.raises(ScenarioError) as info:
        suggest_sites(analysis, "DruhSocialniSluzby/3", k=1, form="amb")  # osobní asistence: § 39 field only
    assert "terénní" in info.value.message("cs")


def test_suggested_field_base_really_covers_what_it_claims(demo):
    analysis = analyze(demo.district, demo.services)
    sug = suggest_sites(analysis, "DruhSocialniSluzby/28", k=1)
    assert len(sug) == 1 and sug["form"].iloc[0] == "ter"
    area = tuple(sug["service_area"].iloc[0].split(";"))
    assert set(sug["covered_obce"].iloc[0].split(";")) <= set(area)
    after = run_scenario(analysis, Scenario("s", (AddSite(kind="DruhSocialniSluzby/28", form="ter",
                                                          kod_obce=sug["kod_obce"].iloc[0], capacity=5,
                                                          unit="klient", service_area=area),)))
    before_gap = analysis.coverage.query("service_kind == 'DruhSocialniSluzby/28' and gap")["target_population"].sum()
    after_gap = after.coverage.query("service_kind == 'DruhSocialniSluzby/28' and gap")["target_population"].sum()
    assert before_gap - after_gap == pytest.approx(sug["newly_covered"].iloc[0], abs=0.5)


def test_residential_suggestion_is_one_site_per_orp_with_the_capacity_the_norm_asks_for(demo):
    from coverage_app.settings import AnalysisSettings, Norm

    norm = Norm("DruhSocialniSluzby/13", 50.0, "luzka", source="test")
    analysis = analyze(demo.district, demo.services, settings=AnalysisSettings(norms=(norm,), uniform_limit_min=10))
    sug = suggest_sites(analysis, "DruhSocialniSluzby/13", k=3)
    assert len(sug) == 1  # one ORP in the district: one site
    assert sug["form"].iloc[0] == "pob" and sug["capacity_unit"].iloc[0] == "luzka"
    pop65 = analysis.district.target_population("65p").sum()
    have = analysis.capacity.query("service_kind == 'DruhSocialniSluzby/13'")["attributed_capacity"].sum()
    assert sug["capacity"].iloc[0] == pytest.approx(np.ceil(50 * pop65 / 1000 - have))


def test_period_comparison_on_the_demo(demo):
    pc = compare_periods(demo.previous_services, demo.services, demo.district)
    assert set(pc.new["service_id"]) == {"Z-NZDM-01", "Z-STD-01"}
    assert set(pc.ended["service_id"]) == {"Z-PS-02"}
    changed = pc.changed.set_index("service_id")
    assert "70 → 80" in changed.loc["Z-DS-01", "changes"]
    assert "územní působnost" in changed.loc["Z-PS-01", "changes"]
    # Z-PS-01 reaches 4 more obce in the new period: they become field-covered
    cd = pc.coverage_delta
    gained = cd[(cd["service_kind"] == "DruhSocialniSluzby/4") & cd["field_covered_after"].astype(bool)
                & ~cd["field_covered_before"].astype(bool)]
    assert len(gained) >= 4
    assert len(pc.summary()) == 3
