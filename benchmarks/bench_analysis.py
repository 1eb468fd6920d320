"""Benchmark: the whole analysis of ORP Židlochovice on real data, one what-if, shortest paths.

Prints figures (no asserts).  Needs ../shared/realdata (obce polygons, ArcČR roads).

    python benchmarks/bench_analysis.py
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "realdata"


def timed(label: str, fn, repeat: int = 1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<62} {best * 1000:10.1f} ms")
    return out


def main() -> None:
    from benchmarks.synthetic import synthetic_services
    from coverage_app.coverage import analyze, make_router
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.io.roads import read_road_lines, read_speed_table
    from coverage_app.reach import build_graph
    from coverage_app.scenario import AddSite, Resize, Scenario, run_scenario, scenario_delta
    from coverage_app.settings import AnalysisSettings

    print(f"machine: {platform.machine()}, {platform.processor() or ''} python {platform.python_version()}")
    obce = timed("read all 6 258 obce (GPKG polygons)", lambda: read_municipalities(
        REAL / "covidvobcich" / "obce_polygony_cr.gpkg"))
    district = timed("select ORP Židlochovice (24 obce)", lambda: load_district(obce, "ORP:6221"))
    speeds = read_speed_table(ROOT / "services_data" / "rychlosti_silnic_arccr.csv")
    lines = timed("read ArcČR roads (target districts + 10 km)", lambda: read_road_lines(
        REAL / "districts" / "target_silnice_arccr.gpkg", speeds=speeds))
    graph = timed("build the road graph", lambda: build_graph(lines, source="target_silnice_arccr.gpkg"))
    print(f"  graph: {graph.n_nodes} nodes, {graph.n_edges('car')} car edges")
    near = obce[(obce["kod_orp"] != "6221")].copy()
    c = district.obce[["x", "y"]].mean()
    near = near[np.hypot(near["x"] - c["x"], near["y"] - c["y"]) < 25_000]
    near["x"] = near.geometry.representative_point().x
    near["y"] = near.geometry.representative_point().y
    services = synthetic_services(district, near)
    print(f"  synthetic services: {len(services.services)} services, {len(services.sites)} sites, "
          f"{services.services['kind'].nunique()} kinds")
    from coverage_app.model import population_context

    context = timed("population context of all obce (for shared E2SFCA)", lambda: population_context(obce))
    settings = AnalysisSettings()
    router = timed("router: Dijkstra from the 24 obce (scipy, multi-source)",
                   lambda: make_router(district, graph, settings))
    result = timed("whole analysis (coverage, E2SFCA, gaps, capacity), cached router",
                   lambda: analyze(district, services, graph, settings, router=router, context=context), repeat=3)
    timed("whole analysis including the router", lambda: analyze(district, services, graph, settings,
                                                                 context=context), repeat=3)
    if result.outside is not None:
        print(f"  neighbouring obce sharing the sites: {len(result.outside)}")
    print(f"  {len(result.coverage)} obec × kind rows, {len(result.gaps)} gaps")
    scenario = Scenario("nový stacionář a víc lůžek", (
        AddSite(kind="DruhSocialniSluzby/10", form="amb", kod_obce="583995", capacity=20, unit="klient"),
        Resize(service_id=services.services["service_id"].iloc[0], form=services.sites["form"].iloc[0],
               unit=services.capacities["unit"].iloc[0], capacity=99)))
    after = timed("what-if recompute (add a site + resize, incremental)", lambda: run_scenario(result, scenario),
                  repeat=5)
    delta = timed("what-if delta table", lambda: scenario_delta(result, after), repeat=5)
    print(f"  delta rows: {len(delta)}")
    try:
        from benchmarks.bench_shortest_paths import main as sp_main
    except ImportError:  # pragma: no cover
        return
    print()
    sp_main()


if __name__ == "__main__":
    main()
