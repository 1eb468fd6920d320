"""Time shortest-path searches: scipy (used by coverage_app.reach) vs networkx vs igraph.

Graphs: the ArcČR 500 roads of all Czechia and a clip around ORP Židlochovice (the ORP plus
10 km), both read from ``../shared/realdata`` next to the repository.  Origins: the 24 obce of
ORP Židlochovice (representative points, snapped to the car graph).  Each routine runs once;
the figures are printed, nothing is asserted.

Run::

    python benchmarks/bench_shortest_paths.py [path/to/realdata]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from scipy.sparse.csgraph import dijkstra

from coverage_app.io.roads import read_road_lines
from coverage_app.reach import RoadGraph, Router, build_graph

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench(name: str, g: RoadGraph, origins_xy: np.ndarray) -> None:
    import igraph as ig
    import networkx as nx

    nodes = np.unique(g.nearest_node(origins_xy, mode="car")[0])
    mat = g.car_min
    coo = mat.tocoo()
    print(f"\n{name}: {g.n_nodes:,} nodes, {mat.nnz:,} directed car edges, {nodes.size} origin nodes")

    t_scipy, d_scipy = timed(lambda: dijkstra(mat, directed=True, indices=nodes))
    t_limit, _ = timed(lambda: dijkstra(mat, directed=True, indices=nodes, limit=30.0))
    t_router, router = timed(lambda: Router(origins_xy, g, "car"))

    t_nx_build, nxg = timed(lambda: _nx_graph(nx, coo))
    t_nx, d_nx = timed(lambda: [nx.single_source_dijkstra_path_length(nxg, int(s), weight="w") for s in nodes])

    t_ig_build, igg = timed(lambda: ig.Graph(n=g.n_nodes, edges=np.column_stack([coo.row, coo.col]).tolist(),
                                            directed=True, edge_attrs={"w": coo.data.tolist()}))
    t_ig, d_ig = timed(lambda: np.asarray(igg.distances(source=nodes.tolist(), weights="w", mode="out")))

    nx_dense = np.full_like(d_scipy, np.inf)
    for i, dist in enumerate(d_nx):
        nx_dense[i, list(dist.keys())] = list(dist.values())
    fin = np.isfinite(d_scipy)
    diff_nx = float(np.max(np.abs(nx_dense[fin] - d_scipy[fin]))) if fin.any() else 0.0
    diff_ig = float(np.max(np.abs(d_ig[fin] - d_scipy[fin]))) if fin.any() else 0.0

    rows = [
        ("scipy dijkstra, multi-source, one call", t_scipy, 1.0),
        ("scipy dijkstra, limit=30 min", t_limit, t_limit / t_scipy),
        ("Router (dijkstra + predecessors + fastest-route km, float32 cache)", t_router, t_router / t_scipy),
        ("networkx single_source_dijkstra_path_length per source", t_nx, t_nx / t_scipy),
        ("igraph Graph.distances (all sources, one call)", t_ig, t_ig / t_scipy),
    ]
    print(f"  {'routine':70s} {'seconds':>9s} {'× scipy':>9s}")
    for label, t, ratio in rows:
        print(f"  {label:70s} {t:9.4f} {ratio:9.1f}")
    print(f"  graph construction (not in the times above): networkx {t_nx_build:.3f} s, igraph {t_ig_build:.3f} s")
    print(f"  max |difference| vs scipy: networkx {diff_nx:.2e} min, igraph {diff_ig:.2e} min; "
          f"reachable pairs {int(fin.sum()):,} of {fin.size:,}")
    del router


def _nx_graph(nx: Any, coo: Any) -> Any:
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()), weight="w")
    return g


def main(realdata: Path = REALDATA) -> None:
    roads_all = realdata / "rczechia" / "silnice_arccr.gpkg"
    roads_target = realdata / "districts" / "target_silnice_arccr.gpkg"
    obce_path = realdata / "covidvobcich" / "obce_polygony_cr.gpkg"
    if not (roads_all.exists() and roads_target.exists() and obce_path.exists()):
        print(f"real data not found in {realdata}; nothing to measure")
        return
    obce = gpd.read_file(obce_path)
    z = obce[obce["KOD_ORP"].astype(int) == 6221].to_crs("EPSG:5514")
    pts = z.representative_point()
    origins = np.column_stack([pts.x, pts.y])
    print(f"origins: {len(z)} obce of ORP Židlochovice (ČSÚ 6221)")

    t_load, lines_all = timed(lambda: read_road_lines(roads_all))
    t_graph, g_all = timed(lambda: build_graph(lines_all, snap_tolerance_m=1.0, source=roads_all.name))
    print(f"ArcČR Czechia: read {t_load:.2f} s, graph {t_graph:.2f} s")

    lines_t = read_road_lines(roads_target)
    area = z.dissolve().buffer(10_000).iloc[0]
    clip = lines_t[lines_t.intersects(area)]
    g_clip = build_graph(clip, snap_tolerance_m=1.0, source="Židlochovice + 10 km")

    bench("ArcČR 500, all Czechia", g_all, origins)
    bench("ArcČR 500, ORP Židlochovice + 10 km", g_clip, origins)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REALDATA)
