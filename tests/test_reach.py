"""Tests of coverage_app.reach: hand-computed graphs, estimates, isochrones, cross-checks.

Hand graphs are in EPSG:5514 metres; points placed exactly on nodes have zero snapping legs,
so the expected minutes and km below are plain sums of edge lengths / speeds.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from scipy.spatial import Delaunay

from coverage_app import reach
from coverage_app.errors import DataError
from coverage_app.reach import (
    RoadGraph,
    Router,
    build_graph,
    isochrones,
    travel_matrix,
    travel_to_points,
)

def lines(*rows: tuple) -> gpd.GeoDataFrame:
    """Road lines from ``(coords, car_kmh, oneway[, walk_allowed[, entry_allowed]])`` rows."""
    recs = []
    for row in rows:
        coords, car, ow = row[0], row[1], row[2]
        walk = row[3] if len(row) > 3 else True
        entry = row[4] if len(row) > 4 else True
        recs.append({
            "geometry": shapely.LineString(coords),
            "speed_car_kmh": np.nan if car is None else float(car),
            "car_allowed": car is not None,
            "speed_walk_kmh": 5.0 if walk else np.nan,
            "walk_allowed": walk,
            "oneway": ow,
            "entry_allowed": entry,
        })
    return gpd.GeoDataFrame(recs, geometry="geometry", crs="EPSG:5514")


# A(0,0) — B(2000,0) directly at 30 km/h (2 km, 4 min); around: A → C(0,1500) → D(2000,1500)
# → B at 100 km/h (5 km, 3 min); C → D is one-way.
A, B, C, D = (0.0, 0.0), (2000.0, 0.0), (0.0, 1500.0), (2000.0, 1500.0)


@pytest.fixture
def square() -> RoadGraph:
    return build_graph(
        lines(
            ([A, B], 30, 0),
            ([A, C], 100, 0),
            ([C, D], 100, 1),
            ([D, B], 100, 0),
        )
    )


# ------------------------------------------------------------------------------------------
# graph building
# ------------------------------------------------------------------------------------------


def test_graph_nodes_edges_and_weights(square: RoadGraph) -> None:
    assert square.n_nodes == 4
    assert square.n_edges("car") == 7  # 3 two-way roads + 1 one-way
    assert square.n_edges("walk") == 8
    ia, ib = square.nearest_node(np.array([A, B]), mode="car")[0]
    assert square.car_min[ia, ib] == pytest.approx(4.0)
    assert square.car_km[ia, ib] == pytest.approx(2.0)
    assert square.walk_min[ia, ib] == pytest.approx(24.0)  # 2 km at 5 km/h
    assert len(set(square.car_component.tolist())) == 1  # strongly connected despite the one-way


def test_fastest_route_km_is_not_the_shortest(square: RoadGraph) -> None:
    m = travel_matrix(np.array([A]), np.array([B]), square, mode="car")
    assert m.method == "road"
    assert m.minutes[0, 0] == pytest.approx(3.0)  # A-C-D-B: 5 km at 100 km/h
    assert m.km[0, 0] == pytest.approx(5.0)  # not the 2 km of the slow direct road
    assert m.origin_snap_m[0] == 0 and m.dest_snap_m[0] == 0


def test_oneway_is_respected(square: RoadGraph) -> None:
    m = travel_matrix(np.array([B]), np.array([A]), square, mode="car")
    assert m.minutes[0, 0] == pytest.approx(4.0)  # D → C is forbidden: the slow road
    assert m.km[0, 0] == pytest.approx(2.0)
    walk = travel_matrix(np.array([B]), np.array([A]), square, mode="walk")
    assert walk.minutes[0, 0] == pytest.approx(24.0)  # pedestrians ignore one-way streets
    assert walk.km[0, 0] == pytest.approx(2.0)


def test_snapping_legs_at_access_speed(square: RoadGraph) -> None:
    origin = np.array([[0.0, -300.0]])  # 300 m below A
    m = travel_matrix(origin, np.array([B]), square, mode="car")
    assert m.origin_snap_m[0] == pytest.approx(300.0)
    assert m.minutes[0, 0] == pytest.approx(3.0 + 0.3 / 30 * 60)  # + 0.6 min at 30 km/h
    assert m.km[0, 0] == pytest.approx(5.3)
    m2 = travel_matrix(origin, np.array([[2000.0, -100.0]]), square, mode="car", access_speed_kmh=15)
    assert m2.minutes[0, 0] == pytest.approx(3.0 + 0.4 / 15 * 60)
    assert m2.km[0, 0] == pytest.approx(5.4)
    assert m2.params["access_speed_kmh"] == 15


def test_close_points_travel_directly(square: RoadGraph) -> None:
    o = np.array([[0.0, -300.0], [500.0, -400.0]])
    d = np.array([[0.0, -100.0], [500.0, -400.0]])
    m = travel_matrix(o, d, square, mode="car")
    # 200 m apart, 300 + 100 m from A: straight at 30 km/h (0.4 min) beats two legs (0.8 min)
    assert m.minutes[0, 0] == pytest.approx(0.4)
    assert m.km[0, 0] == pytest.approx(0.2)
    assert m.minutes[1, 1] == 0.0 and m.km[1, 1] == 0.0  # the same point


def test_unreachable_pairs_are_inf_and_nan(square: RoadGraph) -> None:
    off = 100_000.0
    g = build_graph(
        lines(
            ([A, B], 30, 0), ([A, C], 100, 0), ([C, D], 100, 1), ([D, B], 100, 0),
            ([(off, 0), (off + 2000, 0)], 30, 0), ([(off, 0), (off, 1500)], 30, 0),
            ([(off, 1500), (off + 2000, 1500)], 30, 0), ([(off + 2000, 0), (off + 2000, 1500)], 30, 0),
        )
    )
    m = travel_matrix(np.array([A]), np.array([B, (off, 0)]), g, mode="car")
    assert m.minutes[0, 0] == pytest.approx(3.0)
    assert np.isinf(m.minutes[0, 1]) and np.isnan(m.km[0, 1])


def test_max_minutes_cuts_the_search(square: RoadGraph) -> None:
    m = travel_matrix(np.array([A, B]), np.array([B, A]), square, mode="car", max_minutes=3.5)
    assert m.minutes[0, 0] == pytest.approx(3.0)
    assert np.isinf(m.minutes[1, 1]) and np.isnan(m.km[1, 1])  # 4 min > 3.5
    assert m.params["max_minutes"] == 3.5


def test_parallel_edges_keep_the_fastest() -> None:
    g = build_graph(lines(([A, B], 30, 0), ([A, B], 60, 0), ([B, (4000.0, 0.0)], 60, 0)))
    m = travel_matrix(np.array([A]), np.array([B]), g, mode="car")
    assert m.minutes[0, 0] == pytest.approx(2.0)
    assert g.n_edges("car") == 4


def test_line_ends_snap_within_tolerance_but_interiors_do_not() -> None:
    gdf = lines(
        ([(0, 0), (1000, 0)], 60, 0),
        ([(1000.4, 0.3), (2000, 0)], 60, 0),  # starts 0.5 m from the end of the first line
    )
    assert build_graph(gdf, snap_tolerance_m=1.0).n_nodes == 3
    assert build_graph(gdf, snap_tolerance_m=0.0).n_nodes == 4
    m = travel_matrix(np.array([[0.0, 0.0]]), np.array([[2000.0, 0.0]]), build_graph(gdf), mode="car")
    assert m.minutes[0, 0] == pytest.approx(2.0, abs=1e-3)
    # two crossing roads with interior vertices 0.5 m apart (a bridge) stay apart ...
    bridge = lines(
        ([(0, 0), (1000, 0), (2000, 0)], 60, 0),
        ([(1000.3, -1000), (1000.3, 0.4), (1000.3, 1000)], 60, 0),
    )
    assert build_graph(bridge, snap_tolerance_m=1.0).n_nodes == 6
    # ... but identical interior vertices are a junction
    cross = lines(
        ([(0, 0), (1000, 0), (2000, 0)], 60, 0),
        ([(1000, -1000), (1000, 0), (1000, 1000)], 60, 0),
    )
    assert build_graph(cross).n_nodes == 5


def test_build_graph_reprojects_and_drops_empty_lines() -> None:
    x0, y0 = -600_000.0, -1_180_000.0  # near Židlochovice, where S-JTSK ↔ WGS 84 is exact enough
    gdf = lines(([(x0, y0), (x0 + 2000, y0)], 30, 0), ([(x0, y0), (x0, y0 + 1500)], 30, 0)).to_crs("EPSG:4326")
    gdf.loc[2] = {"geometry": None, "speed_car_kmh": 50.0, "car_allowed": True, "speed_walk_kmh": 5.0,
                  "walk_allowed": True, "oneway": 0, "entry_allowed": True}
    g = build_graph(gdf)
    assert g.n_nodes == 3
    assert np.allclose(np.sort(g.x), [x0, x0, x0 + 2000], atol=1e-3)


def test_snapping_avoids_small_fragments_and_motorways() -> None:
    g = build_graph(
        lines(
            ([(0, 0), (1000, 0), (2000, 0), (3000, 0)], 50, 0),
            ([(0, 500), (0, 520)], 50, 0),  # a 20 m fragment: not a main component
            ([(-5000, 200), (5000, 200)], 130, 0, False, False),  # motorway: not joined beside it
            ([(-5000, 200), (-5000, 0), (0, 0)], 50, 0),  # its junction
        ),
        main_component_share=0.5,  # 2 nodes vs 7: a fragment (real graphs have thousands)
    )
    node, dist = g.nearest_node(np.array([[0.0, 480.0]]), mode="car")
    assert (g.x[node[0]], g.y[node[0]]) == (0.0, 0.0)
    assert dist[0] == pytest.approx(480.0)
    node, dist = g.nearest_node(1000.0, 210.0, mode="car")  # 10 m from the motorway
    assert (g.x[node[0]], g.y[node[0]]) == (1000.0, 0.0)
    node, _ = g.nearest_node(1000.0, 210.0, mode="walk")
    assert (g.x[node[0]], g.y[node[0]]) == (1000.0, 0.0)


def test_mode_without_edges_raises_data_error() -> None:
    g = build_graph(lines(([A, B], None, 0)))  # a footway only
    with pytest.raises(DataError) as exc:
        travel_matrix(np.array([A]), np.array([B]), g, mode="car")
    assert exc.value.problems[0].code == "err.reach_no_car_edges"
    assert travel_matrix(np.array([A]), np.array([B]), g, mode="walk").minutes[0, 0] == pytest.approx(24.0)


def test_bad_parameters_raise_data_error(square: RoadGraph) -> None:
    with pytest.raises(DataError):
        travel_matrix(np.array([A]), np.array([B]), None, mode="bike")
    with pytest.raises(DataError):
        travel_matrix(np.array([A]), np.array([B]), None, speed_kmh=-5)
    with pytest.raises(DataError):
        travel_matrix(np.array([A]), np.array([B]), None, detour_factor=0.8)
    with pytest.raises(DataError):
        travel_matrix(np.array([[1.0, 2.0, 3.0]]), np.array([B]), square)
    with pytest.raises(DataError) as exc:
        isochrones(square, A, mode="car", direction="sideways")
    assert "to_site" in exc.value.format("en")


# ------------------------------------------------------------------------------------------
# estimate
# ------------------------------------------------------------------------------------------


def test_estimate_by_hand() -> None:
    o = np.array([[0.0, 0.0]])
    d = np.array([[3000.0, 4000.0], [0.0, 0.0]])  # 5 km straight; the same point
    car = travel_matrix(o, d)
    assert car.method == "estimate"
    assert car.km[0, 0] == pytest.approx(6.5)  # 5 km × 1.3
    assert car.minutes[0, 0] == pytest.approx(6.5 / 45 * 60)  # 8.667 min
    assert car.minutes[0, 1] == 0.0
    walk = travel_matrix(o, d, mode="walk")
    assert walk.minutes[0, 0] == pytest.approx(6.5 / 4.5 * 60)
    custom = travel_matrix(o, d, detour_factor=1.2, speed_kmh=60)
    assert custom.km[0, 0] == pytest.approx(6.0) and custom.minutes[0, 0] == pytest.approx(6.0)
    assert custom.params == {"detour_factor": 1.2, "speed_kmh": 60.0, "max_minutes": None}
    capped = travel_matrix(o, d, max_minutes=5)
    assert np.isinf(capped.minutes[0, 0]) and np.isnan(capped.km[0, 0])


def test_points_as_geoseries_are_reprojected() -> None:
    pts = gpd.GeoSeries([shapely.Point(0, 0), shapely.Point(3000, 4000)], crs="EPSG:5514")
    m = travel_matrix(pts.to_crs("EPSG:4326"), pts.to_crs("EPSG:4326"))
    assert m.km[0, 1] == pytest.approx(6.5, rel=1e-6)
    polys = gpd.GeoDataFrame(geometry=pts.buffer(10))
    assert travel_matrix(polys, polys).km[0, 1] == pytest.approx(6.5, rel=1e-3)


# ------------------------------------------------------------------------------------------
# cached updates for the what-if engine
# ------------------------------------------------------------------------------------------


def test_new_and_moved_destinations_reuse_the_cache(square: RoadGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    origins = np.array([A, B, C, (100.0, -50.0)])
    full = travel_matrix(origins, np.array([B, D, (1500.0, 200.0)]), square)
    base = travel_matrix(origins, np.array([B, D]), square)

    def no_search(*args: object, **kwargs: object) -> None:
        raise AssertionError("a new shortest-path search was run")

    monkeypatch.setattr(reach, "dijkstra", no_search)
    added = base.with_destinations(np.array([(1500.0, 200.0)]))
    np.testing.assert_array_equal(added.minutes, full.minutes)
    np.testing.assert_array_equal(added.km, full.km)
    moved = base.with_destinations(np.array([(1500.0, 200.0)]), at=1)
    np.testing.assert_array_equal(moved.minutes[:, 1], full.minutes[:, 2])
    np.testing.assert_array_equal(moved.minutes[:, 0], full.minutes[:, 0])
    cols = travel_to_points(base, np.array([D]))
    np.testing.assert_array_equal(cols.minutes[:, 0], full.minutes[:, 1])
    assert cols.method == "road"
    est = travel_matrix(origins, np.array([B]))
    assert travel_to_points(est, np.array([D])).method == "estimate"


def test_router_deduplicates_origin_nodes(square: RoadGraph) -> None:
    r = Router(np.array([A, (0.0, -10.0), (0.0, 10.0), B]), square)
    assert r._net_min.shape == (2, square.n_nodes)  # three origins snap to A
    m = r.matrix(np.array([B]))
    assert m.minutes[:, 0] == pytest.approx([3.0, 3.02, 3.02, 0.0])


def test_nearest_destination(square: RoadGraph) -> None:
    m = travel_matrix(np.array([A, B]), np.array([D, B]), square)
    j, best = m.nearest()
    assert j.tolist() == [0, 1] and best == pytest.approx([2.1, 0.0])  # A → C → D: 3.5 km


# ------------------------------------------------------------------------------------------
# cross-checks against networkx and igraph
# ------------------------------------------------------------------------------------------


def _random_lines(seed: int, n: int = 300) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 20_000, size=(n, 2)).round(1)
    tri = Delaunay(pts)
    edges = np.unique(np.sort(np.vstack([tri.simplices[:, [0, 1]], tri.simplices[:, [1, 2]],
                                         tri.simplices[:, [0, 2]]]), axis=1), axis=0)
    rows = []
    for a, b in edges:
        speed = float(rng.choice([20.0, 40.0, 50.0, 70.0, 90.0, 130.0]))
        oneway = int(rng.choice([0, 0, 0, 0, 1, -1]))
        rows.append(([tuple(pts[a]), tuple(pts[b])], speed, oneway))
    return lines(*rows)


def _nx_graph(gdf: gpd.GeoDataFrame):  # noqa: ANN202 - test helper
    import networkx as nx

    g = nx.DiGraph()
    for geom, speed, ow in zip(gdf.geometry, gdf["speed_car_kmh"], gdf["oneway"]):
        (ax, ay), (bx, by) = geom.coords
        km = float(np.hypot(bx - ax, by - ay)) / 1000
        if ow >= 0:
            g.add_edge((ax, ay), (bx, by), minutes=km / speed * 60, km=km)
        if ow <= 0:
            g.add_edge((bx, by), (ax, ay), minutes=km / speed * 60, km=km)
    return g


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_networkx_and_igraph_on_random_graphs(seed: int) -> None:
    import igraph as ig
    import networkx as nx

    gdf = _random_lines(seed)
    g = build_graph(gdf, snap_tolerance_m=0.0)
    ok = np.flatnonzero(g.snappable("car"))
    rng = np.random.default_rng(seed)
    o = rng.choice(ok, 12, replace=False)
    d = rng.choice(ok, 40, replace=False)
    m = travel_matrix(g.xy[o], g.xy[d], g, mode="car")
    assert (m.origin_snap_m == 0).all() and (m.dest_snap_m == 0).all()

    nxg = _nx_graph(gdf)
    for i, node in enumerate(o):
        src = (g.x[node], g.y[node])
        dist, paths = nx.single_source_dijkstra(nxg, src, weight="minutes")
        for j, dn in enumerate(d):
            key = (g.x[dn], g.y[dn])
            if key not in dist:
                assert np.isinf(m.minutes[i, j])
                continue
            path = paths[key]
            km = sum(nxg.edges[u, v]["km"] for u, v in zip(path[:-1], path[1:]))
            assert m.minutes[i, j] == pytest.approx(dist[key], rel=1e-6, abs=1e-6)
            assert m.km[i, j] == pytest.approx(km, rel=1e-6, abs=1e-6)

    coo = g.car_min.tocoo()
    ig_g = ig.Graph(n=g.n_nodes, edges=list(zip(coo.row.tolist(), coo.col.tolist())), directed=True)
    ig_d = np.array(ig_g.distances(source=o.tolist(), target=d.tolist(), weights=coo.data.tolist(), mode="out"))
    np.testing.assert_allclose(m.minutes, ig_d, rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------------------------------
# isochrones
# ------------------------------------------------------------------------------------------


@pytest.fixture
def straight_road():  # noqa: ANN201
    # S(0,0) → E(10 km, 0) at 60 km/h (1 km per minute), vertices every km; a slow road back
    # (20 km/h, 3 min per km) 3 km south keeps the network connected when the main road is one-way.
    def build(oneway: int) -> RoadGraph:
        main = [(float(x), 0.0) for x in range(0, 10_001, 1000)]
        back = ([(10_000.0, -1000.0), (10_000.0, -2000.0)] + [(float(x), -3000.0) for x in range(10_000, -1, -1000)]
                + [(0.0, -2000.0), (0.0, -1000.0), (0.0, 0.0)])
        return build_graph(lines((main, 60, oneway), ([(10_000.0, 0.0)] + back, 20, 0)))

    return build


def _contains(iso: gpd.GeoDataFrame, t: float, pts: list[tuple[float, float]]) -> list[bool]:
    geom = iso.loc[iso["minutes"] == t, "geometry"].iloc[0]
    return [bool(geom.covers(shapely.Point(p))) for p in pts]


def test_isochrone_contains_and_excludes_by_hand(straight_road) -> None:  # noqa: ANN001
    g = straight_road(0)
    iso = isochrones(g, (0.0, 0.0), minutes=(4, 5), mode="car", resolution_m=25)
    assert iso["minutes"].tolist() == [4.0, 5.0]
    assert iso.crs.equals("EPSG:5514") and (iso["method"] == "road").all()
    # a point's time = its nearest node's time + straight leg at 30 km/h (500 m per minute)
    inside = [(4000, 300), (4400, 0), (2000, 1400), (0, 2400), (-1900, 0), (-600, -1000)]
    # 4.6, 4.8, 2 + 2.8, 4.8, 3.8, 3 + 1.2 minutes
    outside = [(4600, 0), (2000, 1600), (0, 2600), (-1400, -1000), (6000, 0), (0, -2000)]
    # 5 + 0.8, 2 + 3.2, 5.2, 3 + 2.8, 6, 6 minutes
    assert _contains(iso, 5, inside) == [True] * len(inside)
    assert _contains(iso, 5, outside) == [False] * len(outside)
    assert _contains(iso, 4, [(3000, 400), (4000, 300)]) == [True, False]  # 3.8 and 4.6 minutes
    assert iso.geometry.iloc[1].covers(iso.geometry.iloc[0].buffer(-1))  # nested


@pytest.mark.parametrize("oneway", [0, 1])
@pytest.mark.parametrize("direction", ["to_site", "from_site"])
def test_isochrone_agrees_with_travel_matrix(straight_road, oneway: int, direction: str) -> None:  # noqa: ANN001
    g = straight_road(oneway)
    xs, ys = np.meshgrid(np.arange(-3000, 9000, 173.0), np.arange(-4000, 3000, 173.0))
    pts = np.column_stack([xs.ravel(), ys.ravel()])
    site = np.array([[1300.0, 500.0]])
    if direction == "to_site":
        minutes = travel_matrix(pts, site, g, mode="car").minutes[:, 0]
    else:
        minutes = travel_matrix(site, pts, g, mode="car").minutes[0, :]
    iso = isochrones(g, site, minutes=(3, 6), mode="car", direction=direction, resolution_m=25)
    for t, geom in zip(iso["minutes"], iso.geometry):
        # agreement up to about one grid cell (also where the surface jumps, e.g. at the edge of
        # the direct-trip zone)
        near = shapely.covers(geom.buffer(40), shapely.points(pts))
        well_inside = shapely.covers(geom.buffer(-40), shapely.points(pts))
        assert near[minutes <= t - 0.1].all()
        assert not well_inside[minutes >= t + 0.1].any()
        assert (minutes <= t - 0.1).sum() > 10


def test_isochrone_direction_with_oneway(straight_road) -> None:  # noqa: ANN001
    g = straight_road(1)  # the main road only eastward, away from the site
    out = isochrones(g, (0.0, 0.0), minutes=(5,), mode="car", direction="from_site")
    back = isochrones(g, (0.0, 0.0), minutes=(5,), mode="car", direction="to_site")
    assert _contains(out, 5, [(3000, 0)]) == [True]
    assert _contains(back, 5, [(3000, 0)]) == [False]  # cannot drive back west to the site
    m = travel_matrix(np.array([[3000.0, 0.0]]), np.array([[0.0, 0.0]]), g)
    assert m.minutes[0, 0] == pytest.approx(7 + 16 * 3)  # east to E, then 16 km back at 20 km/h


def test_isochrone_direct_trips_near_an_off_road_site(straight_road) -> None:  # noqa: ANN001
    g = straight_road(0)
    site = (0.0, 1000.0)  # 1 km from the nearest node: 2 minutes to the road
    iso = isochrones(g, site, minutes=(1,), mode="car", resolution_m=25)
    assert _contains(iso, 1, [(300, 1000), (0, 1400)]) == [True, True]  # 0.6 and 0.8 min straight
    assert _contains(iso, 1, [(0, 1600), (0, 0)]) == [False, False]  # 1.2 and 2 min
    m = travel_matrix(np.array([[300.0, 1000.0]]), np.array([site]), g)
    assert m.minutes[0, 0] == pytest.approx(0.6)


def test_isochrone_estimate_is_a_circle() -> None:
    iso = isochrones(None, shapely.Point(0, 0), minutes=(15, 30), mode="car")
    assert iso["method"].tolist() == ["estimate", "estimate"]
    r = 45 * 15 / 60 / 1.3 * 1000  # 8 654 m
    geom = iso.geometry.iloc[0]
    assert geom.covers(shapely.Point(r - 20, 0)) and not geom.covers(shapely.Point(r + 20, 0))
    assert geom.area == pytest.approx(np.pi * r**2, rel=0.01)
    walk = isochrones(None, (0.0, 0.0), minutes=(60,), mode="walk", detour_factor=1.5, speed_kmh=4.5)
    assert walk.geometry.iloc[0].covers(shapely.Point(2990, 0))
    assert not walk.geometry.iloc[0].covers(shapely.Point(3010, 0))


def test_graph_pickles_without_caches(square: RoadGraph) -> None:
    import pickle

    square.nearest_node(0.0, 0.0)
    g2 = pickle.loads(pickle.dumps(square))
    assert g2._cache == {}
    assert travel_matrix(np.array([A]), np.array([B]), g2).minutes[0, 0] == pytest.approx(3.0)


# ------------------------------------------------------------------------------------------
# real data (../shared/realdata)
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zidlochovice(realdata):  # noqa: ANN001, ANN201
    """ArcČR roads of the target districts + the 24 obce of ORP Židlochovice (skips without data)."""
    from coverage_app.io.roads import load_roads

    obce = gpd.read_file(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    z = obce[obce["KOD_ORP"].astype(int) == 6221].to_crs("EPSG:5514")
    roads = load_roads(realdata("districts", "target_silnice_arccr.gpkg"))
    return roads, z.representative_point().reset_index(drop=True), z


@pytest.mark.realdata
def test_zidlochovice_obce_reach_each_other(zidlochovice) -> None:  # noqa: ANN001
    g, pts, z = zidlochovice
    assert len(pts) == 24 and "Holasice" in set(z["NAZ_OBEC"])
    for mode in ("car", "walk"):
        m = travel_matrix(pts, pts, g, mode=mode)
        assert m.method == "road"
        assert np.isfinite(m.minutes).all() and np.isfinite(m.km).all()
        np.testing.assert_allclose(m.minutes, m.minutes.T, rtol=1e-5)  # ArcČR has no one-ways
        assert (np.diag(m.minutes) == 0).all()
    car = travel_matrix(pts, pts, g, mode="car")
    assert 10 < car.minutes.max() < 60  # the district is ~20 km across


@pytest.mark.realdata
def test_matches_networkx_and_igraph_on_arccr(zidlochovice) -> None:  # noqa: ANN001
    import igraph as ig
    import networkx as nx

    g, pts, _ = zidlochovice
    nodes = np.unique(g.nearest_node(pts, mode="car")[0])
    m = travel_matrix(g.xy[nodes], g.xy[nodes], g, mode="car")
    coo = g.car_min.tocoo()
    km = g.car_km.tocoo()
    nxg = nx.DiGraph()
    nxg.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()), weight="minutes")
    for u, v, w in zip(km.row.tolist(), km.col.tolist(), km.data.tolist()):
        nxg.edges[u, v]["km"] = w
    for i, src in enumerate(nodes.tolist()):
        dist, paths = nx.single_source_dijkstra(nxg, src, weight="minutes")
        for j, dst in enumerate(nodes.tolist()):
            path = paths[dst]
            assert m.minutes[i, j] == pytest.approx(dist[dst], rel=1e-6, abs=1e-6)
            length = sum(nxg.edges[a, b]["km"] for a, b in zip(path[:-1], path[1:]))
            assert m.km[i, j] == pytest.approx(length, rel=1e-5, abs=1e-5)
    ig_g = ig.Graph(n=g.n_nodes, edges=list(zip(coo.row.tolist(), coo.col.tolist())), directed=True)
    ig_d = np.array(ig_g.distances(source=nodes.tolist(), target=nodes.tolist(), weights=coo.data.tolist()))
    np.testing.assert_allclose(m.minutes, ig_d, rtol=1e-6, atol=1e-6)


@pytest.mark.realdata
def test_zidlochovice_isochrones_hold_the_obce_within_reach(zidlochovice) -> None:  # noqa: ANN001
    g, pts, z = zidlochovice
    site = pts[(z["NAZ_OBEC"] == "Židlochovice").to_numpy()].iloc[0]
    m = travel_matrix(pts, [site], g, mode="car")
    iso = isochrones(g, site, minutes=(10, 15, 20), mode="car")
    for t, geom in zip(iso["minutes"], iso.geometry):
        inside = shapely.covers(geom, shapely.points(np.column_stack([pts.x, pts.y])))
        assert inside[m.minutes[:, 0] <= t - 0.25].all()
        assert not inside[m.minutes[:, 0] >= t + 0.25].any()
    assert iso.area.is_monotonic_increasing
    assert (m.minutes[:, 0] > 20.25).any()  # the test excludes something


@pytest.mark.realdata
def test_whole_arccr_loads_into_one_graph(zidlochovice, realdata) -> None:  # noqa: ANN001
    from coverage_app.io.roads import load_roads

    _, pts, _ = zidlochovice
    g = load_roads(realdata("rczechia", "silnice_arccr.gpkg"))
    assert g.n_nodes > 80_000
    assert len(np.unique(g.car_component)) == 1  # ArcČR 500 is one network
    m = travel_matrix(pts, pts, g, mode="car")
    assert np.isfinite(m.minutes).all()
