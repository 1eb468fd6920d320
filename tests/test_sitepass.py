"""The engine that searches from the sites, against per-origin Dijkstra (networkx and the Router).

A small road network with one-way streets and mixed speeds; obce and sites scattered beside it
(snapping legs of different lengths, some pairs so close that they travel directly).  Every
answer of :class:`SiteTravel` — nearest site with its km, minutes up to a limit, one obec's row —
must equal an independent per-origin computation.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from coverage_app.reach import ACCESS_SPEED_KMH, Router, build_graph
from coverage_app.sitepass import SiteTravel

X0, Y0 = -600_000.0, -1_150_000.0


@pytest.fixture(scope="module")
def network():
    rng = np.random.default_rng(7)
    lines, speeds, oneway = [], [], []
    n = 9
    step = 800.0
    for i in range(n):
        for j in range(n):
            x, y = X0 + i * step, Y0 + j * step
            if i + 1 < n:
                lines.append(LineString([(x, y), (x + step, y)]))
                speeds.append(float(rng.uniform(25, 95)))
                oneway.append(int(rng.random() < 0.15))
            if j + 1 < n:
                lines.append(LineString([(x, y), (x, y + step)]))
                speeds.append(float(rng.uniform(25, 95)))
                oneway.append(-1 if rng.random() < 0.1 else 0)
    k = len(lines)
    roads = gpd.GeoDataFrame({"speed_car_kmh": speeds, "speed_walk_kmh": [5.0] * k, "car_allowed": [True] * k,
                              "walk_allowed": [True] * k, "oneway": oneway}, geometry=lines, crs="EPSG:5514")
    graph = build_graph(roads)
    obce = np.column_stack([X0 + rng.uniform(-300, n * step, 30), Y0 + rng.uniform(-300, n * step, 30)])
    sites = np.column_stack([X0 + rng.uniform(-300, n * step, 25), Y0 + rng.uniform(-300, n * step, 25)])
    sites[:4] = obce[:4] + rng.normal(0, 60, size=(4, 2))  # sites in the obec itself: direct trips
    return graph, obce, sites


def _networkx_minutes(graph, obce, sites):
    """Per-origin Dijkstra in networkx with the same legs and direct trips (independent code)."""
    nx = pytest.importorskip("networkx")
    mat = graph.minutes("car").tocoo()
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(mat.row.tolist(), mat.col.tolist(), mat.data.tolist()))
    onode, osnap = graph.nearest_node(obce, mode="car")
    dnode, dsnap = graph.nearest_node(sites, mode="car")
    v = ACCESS_SPEED_KMH["car"]
    out = np.full((len(obce), len(sites)), np.inf)
    for i in range(len(obce)):
        dist = nx.single_source_dijkstra_path_length(g, int(onode[i]))
        for j in range(len(sites)):
            d = dist.get(int(dnode[j]), np.inf)
            via = (osnap[i] + dsnap[j]) / 1000 / v * 60 + d
            straight = float(np.hypot(*(obce[i] - sites[j])))
            direct = straight / 1000 / v * 60
            out[i, j] = direct if straight <= osnap[i] + dsnap[j] and direct < via else via
    return out


def test_nearest_equals_per_origin_dijkstra(network):
    graph, obce, sites = network
    travel = SiteTravel(graph, obce, sites)
    ref = _networkx_minutes(graph, obce, sites)
    for cols in (np.arange(len(sites)), np.array([3, 7, 11, 19]), np.array([0, 1, 2, 3])):
        minutes, km, which = travel.nearest(cols)
        want = ref[:, cols].min(axis=1)
        np.testing.assert_allclose(minutes, want, rtol=1e-9, atol=1e-9)
        # the named site is one with that time
        np.testing.assert_allclose(ref[np.arange(len(obce)), cols[which]], want, rtol=1e-9, atol=1e-9)
        # km of the chosen route equals the Router's km to that site (fastest-route length)
        dense = Router(obce, graph).matrix(sites)
        np.testing.assert_allclose(km, dense.km[np.arange(len(obce)), cols[which]], rtol=1e-4, atol=1e-4)
    assert travel.passes == 3  # one search per group, whatever the number of obce


def test_nearest_respects_the_horizon(network):
    graph, obce, sites = network
    travel = SiteTravel(graph, obce, sites)
    minutes, _, _ = travel.nearest(np.arange(len(sites)))
    cap = float(np.median(minutes))
    limited, km, which = travel.nearest(np.arange(len(sites)), cap)
    beyond = minutes > cap
    assert beyond.any() and np.isinf(limited[beyond]).all() and (which[beyond] == -1).all()
    np.testing.assert_allclose(limited[~beyond], minutes[~beyond])


def test_block_and_row_equal_the_router(network):
    graph, obce, sites = network
    travel = SiteTravel(graph, obce, sites)
    ref = _networkx_minutes(graph, obce, sites)
    limit = 4.0
    block = travel.block(np.arange(len(sites)), limit)
    want = np.where(ref <= limit, ref, np.inf)
    np.testing.assert_allclose(block, want, rtol=1e-9, atol=1e-9)
    mins, km = travel.row(5)
    np.testing.assert_allclose(mins, ref[5], rtol=1e-9, atol=1e-9)
    dense = Router(obce, graph).matrix(sites)
    np.testing.assert_allclose(km, dense.km[5], rtol=1e-4, atol=1e-4)


def test_what_if_locations_keep_the_old_searches(network):
    graph, obce, sites = network
    travel = SiteTravel(graph, obce, sites[:20])
    travel.block(np.arange(20), 5.0)
    more = travel.with_destinations(sites[20:])
    assert more.n_locations == 25
    before = more.passes
    block = more.block(np.arange(25), 5.0)
    assert more.passes - before == 5  # only the five new locations were searched
    np.testing.assert_allclose(block, SiteTravel(graph, obce, sites).block(np.arange(25), 5.0))


def test_analysis_on_roads_gives_the_same_nearest_site_as_the_router(network, demo):
    """The whole engine: a district's coverage along roads equals a per-origin computation."""
    import pandas as pd
    from shapely.geometry import Point

    from coverage_app.coverage import analyze
    from coverage_app.model import CRS, District, Services

    graph, obce, sites = network
    district = District(gpd.GeoDataFrame({"kod_obce": [str(500100 + i) for i in range(len(obce))],
                                          "nazev_obce": [f"Obec {i}" for i in range(len(obce))],
                                          "population": 100.0},
                                         geometry=[Point(x, y) for x, y in obce], crs=CRS))
    svc = Services(
        pd.DataFrame([{"service_id": f"S{j}", "service_name": f"Stacionář {j}", "kind": "DruhSocialniSluzby/10"}
                      for j in range(len(sites))]),
        gpd.GeoDataFrame([{"service_id": f"S{j}", "site_id": f"S{j}-a", "form": "amb", "kod_obce": ""}
                          for j in range(len(sites))], geometry=[Point(x, y) for x, y in sites], crs=CRS),
        pd.DataFrame([{"service_id": f"S{j}", "form": "amb", "unit": "klient", "capacity": 10}
                      for j in range(len(sites))]))
    res = analyze(district, svc, graph)
    ref = _networkx_minutes(graph, obce, sites)
    cov = res.coverage
    np.testing.assert_allclose(cov["travel_time_min"].to_numpy(), np.round(ref.min(axis=1), 1), atol=1e-9)


def test_searches_on_the_part_of_a_large_graph_within_reach(network, monkeypatch):
    """On a large graph short searches run on a cut-out around their sites: the same answers."""
    import coverage_app.sitepass as sp

    graph, obce, sites = network
    whole = SiteTravel(graph, obce, sites).block(np.arange(len(sites)), 3.0)
    monkeypatch.setattr(sp, "_LOCAL_FROM_NODES", 1)
    local = SiteTravel(graph, obce, sites)
    np.testing.assert_allclose(local.block(np.arange(len(sites)), 3.0), whole, rtol=1e-12, atol=1e-12)
    assert local.passes == len(sites)
