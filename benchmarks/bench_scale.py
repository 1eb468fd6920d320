"""Benchmark: an ORP, a kraj and all of Czechia end to end, and the national case on 1 M road nodes.

Prints stage times and peak memory (no asserts).  Each case runs in a fresh process, so its peak
RSS is its own.  Needs ../shared/realdata (obce polygons, the all-Czechia ArcČR 500 roads); the
services are synthetic (about 50 per ORP, benchmarks/synthetic.py).

    python benchmarks/bench_scale.py            # all cases
    python benchmarks/bench_scale.py KRAJ:CZ072 # one case

Also printed: the nearest-site pass of the engine against one raw multi-source
``scipy.sparse.csgraph.dijkstra(..., min_only=True)`` call on the same graph and sites, and a
what-if edit on the kraj.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "realdata"
CASES = ("ORP:6221", "KRAJ:CZ072", "CR", "CR-1M")


class Clock:
    def __init__(self, label: str):
        self.label = label
        self.rows: list[tuple[str, float]] = []
        self.t0 = time.perf_counter()

    def stage(self, name: str, fn):
        t = time.perf_counter()
        out = fn()
        self.rows.append((name, time.perf_counter() - t))
        return out

    def report(self, extra: str = "") -> None:
        total = time.perf_counter() - self.t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n== {self.label} {extra}")
        for name, sec in self.rows:
            print(f"  {name:<58} {sec:8.2f} s")
        print(f"  {'end to end (all stages)':<58} {total:8.2f} s")
        print(f"  {'peak memory (RSS)':<58} {peak:8.0f} MB")


def synthetic_for(district, seed_base: int = 0):
    """About 50 fictional services per ORP of the district (ids made unique per ORP)."""
    import geopandas as gpd
    import pandas as pd

    from benchmarks.synthetic import synthetic_services
    from coverage_app.model import Services

    parts = []
    for orp, grp in district.obce.groupby("kod_orp"):
        s = synthetic_services(district.subset(grp["kod_obce"]), seed=seed_base + int(orp or 0))
        frames = [s.services.copy(), s.sites.copy(), s.capacities.copy()]
        for f in frames:
            f["service_id"] = f"{orp}-" + f["service_id"]
        frames[1]["site_id"] = f"{orp}-" + frames[1]["site_id"]
        parts.append(frames)
    return Services(pd.concat([p[0] for p in parts], ignore_index=True),
                    gpd.GeoDataFrame(pd.concat([p[1] for p in parts], ignore_index=True), crs="EPSG:5514"),
                    pd.concat([p[2] for p in parts], ignore_index=True))


def grid_graph(n_side: int, bounds: tuple[float, float, float, float], seed: int = 3):
    """A synthetic road network: an ``n_side`` × ``n_side`` grid over ``bounds`` (EPSG:5514), both
    directions, speeds 40–90 km/h."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    from coverage_app.reach import RoadGraph, _csr

    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    xs = np.linspace(x0, x1, n_side)
    ys = np.linspace(y0, y1, n_side)
    gx, gy = np.meshgrid(xs, ys)
    x, y = gx.ravel(), gy.ravel()
    idx = np.arange(n_side * n_side).reshape(n_side, n_side)
    u = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    v = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    u, v = np.r_[u, v], np.r_[v, u]
    km = np.hypot(x[u] - x[v], y[u] - y[v]) / 1000.0
    speed = rng.uniform(40, 90, size=km.size)
    car_min, car_km = _csr(x.size, u, v, km / speed * 60.0, km)
    walk_min, walk_km = _csr(x.size, u, v, km / 5.0 * 60.0, km)
    _, comp = connected_components(car_min, directed=False)
    entry = np.ones(x.size, dtype=bool)
    del sparse
    return RoadGraph(x, y, car_min, walk_min, car_km, walk_km, comp, comp, entry, entry, source="grid")


def run_case(case: str) -> None:
    from coverage_app.coverage import analyze
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.io.roads import read_road_lines, read_speed_table
    from coverage_app.io.writers import write_analysis
    from coverage_app.model import population_context
    from coverage_app.reach import build_graph

    clock = Clock(case)
    obce = clock.stage("read all 6 258 obce (GPKG polygons)", lambda: read_municipalities(
        REAL / "covidvobcich" / "obce_polygony_cr.gpkg"))
    if case == "CR-1M":
        b = obce.total_bounds
        graph = clock.stage("build a synthetic 1 000 × 1 000 grid road graph", lambda: grid_graph(
            1000, (b[0] - 5000, b[1] - 5000, b[2] + 5000, b[3] + 5000)))
        spec = "CR"
    else:
        speeds = read_speed_table(ROOT / "services_data" / "rychlosti_silnic_arccr.csv")
        lines = clock.stage("read ArcČR 500 roads of all Czechia", lambda: read_road_lines(
            REAL / "rczechia" / "silnice_arccr.gpkg", speeds=speeds))
        graph = clock.stage("build the road graph", lambda: build_graph(lines, snap_tolerance_m=1.0))
        spec = case
    district = clock.stage(f"select the district {spec}", lambda: load_district(obce, spec))
    services = clock.stage("synthetic services (about 50 per ORP)", lambda: synthetic_for(district))
    context = population_context(obce)
    result = clock.stage("analysis (routing, coverage, E2SFCA, capacity)",
                         lambda: analyze(district, services, graph, context=context))
    gaps = clock.stage("gaps by level and their summary", lambda: (result.gaps, result.gap_summary()))
    out = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        clock.stage("write CSV, GeoPackage, report.xlsx (and the ORP overview)",
                    lambda: write_analysis(result, out / "out"))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    clock.report(f"({len(district)} obce, {len(services.services)} services, {len(services.sites)} sites, "
                 f"graph {graph.n_nodes:,} nodes; {result.travel.passes:,} searches; {len(gaps[0]):,} gaps)")
    if case == "KRAJ:CZ072":
        what_if(result)
    if case in ("CR", "CR-1M"):
        nearest_vs_scipy(result, graph)


def what_if(result) -> None:
    from coverage_app.scenario import AddSite, Resize, Scenario, run_scenario

    sv = result.services
    kod = result.district.codes[len(result.district) // 2]
    scenario = Scenario("nový stacionář a víc lůžek", (
        AddSite(kind="DruhSocialniSluzby/10", form="amb", kod_obce=kod, capacity=20, unit="klient"),
        Resize(service_id=sv.capacities["service_id"].iloc[0], form=sv.capacities["form"].iloc[0],
               unit=sv.capacities["unit"].iloc[0], capacity=99)))
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        after = run_scenario(result, scenario)
        after.gaps
        best = min(best, time.perf_counter() - t)
    print(f"  {'what-if edit on the kraj (add a site + resize, recompute, gaps)':<58} {best:8.2f} s")


def nearest_vs_scipy(result, graph) -> None:
    """One kind's nearest-site pass of the engine against one raw scipy call on the same graph."""
    from scipy import sparse
    from scipy.sparse.csgraph import dijkstra

    from coverage_app.sitepass import SiteTravel

    sites = result.sites[result.sites["service_id"].isin(
        result.services.services.loc[result.services.services["kind"] == "DruhSocialniSluzby/13", "service_id"])]
    cols = sites["col"].to_numpy()
    travel = result.travel
    assert isinstance(travel, SiteTravel)
    rev = sparse.csr_array(graph.car_min.T)
    nodes = np.unique(travel.dest_node[cols])
    raw = engine = np.inf
    for _ in range(3):
        t = time.perf_counter()
        dijkstra(rev, directed=True, indices=nodes, min_only=True)
        raw = min(raw, time.perf_counter() - t)
        t = time.perf_counter()
        travel._nearest(np.asarray(cols, dtype=np.int64), np.inf)  # the search itself, not its memo
        engine = min(engine, time.perf_counter() - t)
    print(f"  nearest site of one kind ({len(cols)} sites, {len(result.district):,} obce):")
    print(f"    {'raw scipy dijkstra(min_only=True), one call':<56} {raw:8.3f} s")
    print(f"    {'engine: the same pass + legs, km along the tree, direct trips':<56} {engine:8.3f} s"
          f"   ratio {engine / raw:4.2f}×")


def main(argv: list[str]) -> None:
    if not (REAL / "rczechia" / "silnice_arccr.gpkg").exists():
        print(f"real data not available: {REAL} (place ../shared/realdata beside the repository)")
        return
    if len(argv) == 1 and argv[0].startswith("--case="):
        run_case(argv[0].split("=", 1)[1])
        return
    cases = argv or list(CASES)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    for case in cases:
        subprocess.run([sys.executable, __file__, f"--case={case}"], check=False)


if __name__ == "__main__":
    main(sys.argv[1:])
