"""Benchmark: public-transport journeys (``coverage_app.transit``) for an ORP and for a kraj.

What is measured, per case: reading and validating the GTFS feed (:func:`read_gtfs`), the
origins × destinations matrix there and back (``TransitRouter(...).matrix``: departure window
6:00–9:00, return window 14:00–18:00, day 2026-10-06, a Tuesday), the peak memory of the case's
process, the share of pairs with a journey there and its median minutes.  Each case runs in a
fresh process, so its peak RSS is its own.  No asserts.

Cases:

* ``demo`` – ORP Židlochovice with the embedded demo feed (``services_data/demo_jr_zidlochovicko``):
  its 24 obce × the distinct points of its service sites;
* ``orp-kraj`` – the same ORP size on a synthetic kraj-size feed: 24 origins and 60 destinations
  near stops inside a 20 × 20 km square in the middle of the area;
* ``kraj`` – a kraj: 300 origins × 600 destinations near stops over the whole area.

The kraj feed is written by :mod:`benchmarks.synthetic_gtfs` as a real GTFS zip into a temporary
folder (≈ 2 000 stops over 100 × 80 km around Brno, ≈ 300 000 stop times, seeded).

Reference, measured in the same process: the bare shortest-path searches on the same graphs.
The forward graph of the departure window and the reversed graph of the return window are built
with the router's own helpers (``_day_events``, ``_build``, ``_walk_pairs``, ``_departures``;
timed apart, not in the reference), each origin wired to them as the router wires it; then
``scipy.sparse.csgraph.dijkstra`` runs from the origins' sources, 8 per call as the router does,
with the same ``limit`` (the 180-minute horizon), once per graph.  Printed: matrix time /
reference time (in the table), and also the time of as many random single sources (a vehicle
departure in the window; an arrival back) with the nodes each search reaches, and matrix time /
(graph build + reference).

    python benchmarks/bench_transit.py            # full size (≈ 300 000 stop times)
    python benchmarks/bench_transit.py --quick    # a smaller synthetic feed, for a smoke run
    python benchmarks/bench_transit.py --seed 11 --repeat 3 --cases demo kraj

``--repeat`` runs read and matrix several times and prints the best (the demo case, a matter of
milliseconds, always at least 3 times).

The issue's targets: all obce × sites of an ORP for a 3-hour window in a few seconds on 2 cores;
a kraj-size feed (≈ 2 000 stops, 300 000 stop times) in under a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
DEMO_FEED = ROOT / "services_data" / "demo_jr_zidlochovicko"
DAY = dt.date(2026, 10, 6)
DEPART = (360.0, 540.0)
BACK = (840.0, 1080.0)
CASES = ("demo", "orp-kraj", "kraj")
#: Synthetic feed and kraj case sizes: full and --quick.
SIZES = {
    False: {"n_stops": 2000, "stop_times": 300_000, "kraj": (300, 600)},
    True: {"n_stops": 400, "stop_times": 40_000, "kraj": (60, 120)},
}
ROW = "@row "


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeat: int, fn):
    best, out = np.inf, None
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def line(name: str, value: float, unit: str = "s", fmt: str = "8.2f") -> None:
    print(f"  {name:<60} {value:{fmt}} {unit}")


# ---------------------------------------------------------------------------------------------
# Origins and destinations
# ---------------------------------------------------------------------------------------------
def demo_points() -> tuple[np.ndarray, np.ndarray]:
    """The 24 obce of ORP Židlochovice and the distinct points of the demo's service sites."""
    from coverage_app.demo import load_demo

    d = load_demo("ORP:6221")
    geom = d.services.sites.geometry
    geom = geom[geom.notna() & ~geom.is_empty]
    dests = np.unique(np.column_stack([geom.x.to_numpy(), geom.y.to_numpy()]), axis=0)
    return d.district.xy(), dests


def near_stops(feed, n: int, rng: np.random.Generator, box: tuple[float, float, float, float] | None = None,
               radius: float = 500.0) -> np.ndarray:
    """``n`` points within ``radius`` m of distinct served stops (inside ``box`` when given)."""
    served = np.unique(feed.st_stop)
    xy = feed.stop_xy[served]
    if box is not None:
        x0, y0, x1, y1 = box
        xy = xy[(xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)]
    pick = xy[rng.choice(len(xy), size=n, replace=n > len(xy))]
    ang = rng.uniform(0, 2 * np.pi, n)
    r = radius * np.sqrt(rng.uniform(0, 1, n))
    return pick + np.column_stack([r * np.cos(ang), r * np.sin(ang)])


def centre_square(side: float = 20_000.0) -> tuple[float, float, float, float]:
    from benchmarks.synthetic_gtfs import BRNO_AREA

    x0, y0, x1, y1 = BRNO_AREA
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2


# ---------------------------------------------------------------------------------------------
# The reference: bare Dijkstra on the router's graphs
# ---------------------------------------------------------------------------------------------
def _timed_searches(mat, sources: np.ndarray, limit: float, chunk: int) -> tuple[float, float]:
    """Seconds of bare ``dijkstra`` from ``sources`` (``chunk`` per call) and nodes reached per source."""
    from scipy.sparse.csgraph import dijkstra

    spent, reached = 0.0, 0
    for a in range(0, len(sources), chunk):
        t = time.perf_counter()
        dist = dijkstra(mat, indices=sources[a:a + chunk], limit=limit)
        spent += time.perf_counter() - t
        reached += int(np.isfinite(dist).sum())
    return spent, reached / max(len(sources), 1)


def reference(feed, settings, origins: np.ndarray, rng: np.random.Generator, chunk: int = 8) -> dict:
    """The router's two graphs, built with its own helpers (timed apart), and bare ``dijkstra``
    on them, ``chunk`` sources per call and the same ``limit``, from

    * ``same``: the origins' own sources, wired as the router wires them (walk to every departure
      from a stop near the origin in the window; back: the reversed graph, from the origin's home);
    * ``random``: as many single random sources (a vehicle departure in the window there; an
      arrival with every vehicle used back, so the reversed search crosses every layer).
    """
    from coverage_app.transit.router import (
        _EPS,
        _build,
        _day_events,
        _departures,
        _walk_pairs,
        _with_rows,
    )

    s = settings
    limit = s.horizon_min * 60.0
    n = len(origins)
    out: dict = {}
    for name, window in (("there", s.depart), ("back", s.back)):
        t0, t1 = window[0] * 60.0, window[1] * 60.0
        t = time.perf_counter()
        ev = _day_events(feed, s.day, t0, t1 + limit)
        g = _build(feed, ev, s, n)
        base = g.matrix.shape[0] - n
        out[f"nodes_{name}"], out[f"edges_{name}"] = int(g.matrix.shape[0] - n), int(g.matrix.nnz)
        if name == "there":
            o, e, w = _departures(g, _walk_pairs(origins, feed, s), (t0, t1))
            mat = _with_rows(g.matrix, base + o, g.ride(1, ev.nxt[e]), w)
            be = g.board_ev[(ev.dep[g.board_ev] >= t0) & (ev.dep[g.board_ev] <= t1)]
            cand = g.ride(1, ev.nxt[be])
        else:
            op, ost, ow = _walk_pairs(origins, feed, s)
            drop = np.flatnonzero(ev.dropoff)
            drop = drop[np.argsort(ev.stop[drop], kind="stable")]
            lo = np.searchsorted(ev.stop[drop], ost)
            cnt = np.searchsorted(ev.stop[drop], ost, side="right") - lo
            rep = np.repeat(np.arange(len(op)), cnt)
            k = np.repeat(lo, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
            rows = [g.ride(layer, drop[k]) for layer in range(1, g.layers + 1)]
            cols = [base + op[rep]] * g.layers
            wts = [ow[rep] + layer * _EPS for layer in range(1, g.layers + 1)]
            mat = _with_rows(g.matrix, np.concatenate(rows), np.concatenate(cols), np.concatenate(wts)).T.tocsr()
            cand = g.ride(g.layers, np.flatnonzero(ev.dropoff & (ev.arr >= t0) & (ev.arr <= t1 + limit)))
        out[f"build_{name}"] = time.perf_counter() - t
        out[f"events_{name}"] = len(ev.trip)
        out[f"wired_{name}"] = int(mat.nnz - out[f"edges_{name}"])
        out[f"same_{name}"], out[f"reached_same_{name}"] = _timed_searches(mat, base + np.arange(n), limit, chunk)
        rand = rng.choice(cand, size=n, replace=n > len(cand)) if len(cand) else np.empty(0, int)
        out[f"rand_{name}"], out[f"reached_rand_{name}"] = _timed_searches(mat, rand, limit, chunk)
        del g, mat, ev
    out["same"] = out["same_there"] + out["same_back"]
    out["rand"] = out["rand_there"] + out["rand_back"]
    out["build"] = out["build_there"] + out["build_back"]
    return out


# ---------------------------------------------------------------------------------------------
# One case (in its own process)
# ---------------------------------------------------------------------------------------------
def run_case(case: str, feed_path: Path | None, quick: bool, seed: int, repeat: int) -> None:
    from coverage_app.transit import TransitRouter, TransitSettings, read_gtfs
    from coverage_app.transit.router import format_window

    rng = np.random.default_rng(seed + 1)
    if case == "demo":  # milliseconds: the best of at least 3 runs
        repeat = max(repeat, 3)
        origins, dests = demo_points()
        path = DEMO_FEED
    else:
        path = feed_path
    t_read, feed = best_of(repeat, lambda: read_gtfs(path))
    if case == "orp-kraj":
        box = centre_square()
        origins, dests = near_stops(feed, 24, rng, box), near_stops(feed, 60, rng, box)
    elif case == "kraj":
        n_o, n_d = SIZES[quick]["kraj"]
        origins, dests = near_stops(feed, n_o, rng), near_stops(feed, n_d, rng)
    settings = TransitSettings(day=DAY, depart=DEPART, back=BACK)
    t_matrix, m = best_of(repeat, lambda: TransitRouter(feed, settings).matrix(origins, dests))
    rss = peak_mb()
    ref = reference(feed, settings, origins, rng)

    there, back = m.there, m.back
    fin_t, fin_b = np.isfinite(there), np.isfinite(back)
    med_t = float(np.median(there[fin_t])) if fin_t.any() else float("nan")
    med_b = float(np.median(back[fin_b])) if fin_b.any() else float("nan")
    tr = m.transfers_there[fin_t]
    print(f"\n== {case}: feed {feed.name} – {feed.n_stops:,} stops, {len(np.unique(feed.st_stop)):,} served, "
          f"{len(feed.trip_ids):,} trips, {feed.n_stop_times:,} stop times; "
          f"{len(origins)} origins × {len(dests)} destinations ({len(origins) * len(dests):,} pairs)")
    line("read_gtfs (read and validate the feed)", t_read, fmt="8.3f")
    line(f"matrix: there ({format_window(settings.depart)}) and back ({format_window(settings.back)})", t_matrix,
         fmt="8.3f")
    line("  per origin", t_matrix / max(len(origins), 1) * 1000, "ms", "8.1f")
    line("peak memory (RSS) after the matrix", rss, "MB", "8.0f")
    line("pairs with a journey there", 100 * fin_t.mean(), "%", "8.1f")
    line("pairs with a journey back", 100 * fin_b.mean(), "%", "8.1f")
    line("median journey there (finite pairs)", med_t, "min", "8.1f")
    line("median journey back (finite pairs)", med_b, "min", "8.1f")
    if len(tr):
        print(f"  {'journeys there: walk only / 0 / 1 / 2 transfers':<60} "
              + " / ".join(f"{100 * np.mean(tr == k):.0f} %" for k in (-1, 0, 1, 2)))
    h = settings.horizon_min
    for name, w in (("there", settings.depart), ("back", settings.back)):
        span = format_window((w[0], w[1] + h))
        print(f"  graph {name + ':':<6} {ref['events_' + name]:,} stop times in {span}, {ref['nodes_' + name]:,} "
              f"nodes, {ref['edges_' + name]:,} edges (+ {ref['wired_' + name]:,} edges to/from the origins)")
    line("  both graphs built by the router's helpers (not in reference)", ref["build"], fmt="8.3f")
    line(f"reference: bare dijkstra, the origins' {len(origins)} + {len(origins)} sources", ref["same"], fmt="8.3f")
    line("  there / back", ref["same_there"], f"s / {ref['same_back']:.3f} s", fmt="8.3f")
    print(f"  {'  nodes reached per source there / back':<60} {ref['reached_same_there']:8,.0f} / "
          f"{ref['reached_same_back']:,.0f}")
    line(f"bare dijkstra, {len(origins)} + {len(origins)} random single sources", ref["rand"], fmt="8.3f")
    line("  there / back", ref["rand_there"], f"s / {ref['rand_back']:.3f} s", fmt="8.3f")
    print(f"  {'  nodes reached per source there / back':<60} {ref['reached_rand_there']:8,.0f} / "
          f"{ref['reached_rand_back']:,.0f}")
    ratio = t_matrix / ref["same"] if ref["same"] > 0 else float("nan")
    print(f"  {'ratio matrix / reference (the origins sources)':<60} {ratio:8.2f} ×")
    if ref["rand"] > 0:
        print(f"  {'ratio matrix / random single sources':<60} {t_matrix / ref['rand']:8.2f} ×")
    print(f"  {'ratio matrix / (graph build + reference)':<60} {t_matrix / (ref['build'] + ref['same']):8.2f} ×")
    line("peak memory (RSS) at the end of the case", peak_mb(), "MB", "8.0f")
    print(ROW + json.dumps({
        "case": case, "stops": feed.n_stops, "stop_times": feed.n_stop_times, "origins": len(origins),
        "dests": len(dests), "read": t_read, "matrix": t_matrix, "ref": ref["same"], "ratio": ratio, "rss": rss}),
        flush=True)


def write_feed(path: Path, quick: bool, seed: int) -> None:
    from benchmarks.synthetic_gtfs import write_synthetic_gtfs

    size = SIZES[quick]
    t = time.perf_counter()
    info = write_synthetic_gtfs(path, seed=seed, n_stops=size["n_stops"], target_stop_times=size["stop_times"])
    print(f"synthetic kraj feed (seed {seed}): {info.n_stops:,} stops, {info.n_lines} lines, {info.n_trips:,} trips, "
          f"{info.n_stop_times:,} stop times, zip {info.bytes_zip / 1e6:.1f} MB; written in "
          f"{time.perf_counter() - t:.2f} s", flush=True)


def table(rows: list[dict]) -> None:
    head = (f"{'case':<10} {'stops':>6} {'stop_times':>10} {'orig × dest':>12} {'read s':>7} {'matrix s':>9} "
            f"{'ref s':>7} {'ratio':>6} {'RSS MB':>7}")
    print("\n" + head)
    print("-" * len(head))
    for r in rows:
        od = f"{r['origins']} × {r['dests']}"
        print(f"{r['case']:<10} {r['stops']:>6,} {r['stop_times']:>10,} {od:>12} {r['read']:>7.3f} "
              f"{r['matrix']:>9.3f} {r['ref']:>7.3f} {r['ratio']:>6.2f} {r['rss']:>7.0f}")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller synthetic feed (smoke run)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the synthetic feed and the points")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of read and matrix per case, the best printed (the demo: at least 3)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES), help="cases to run")
    parser.add_argument("--case", help=argparse.SUPPRESS)   # internal: one case in this process
    parser.add_argument("--feed", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write-feed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        run_case(args.case, args.feed, args.quick, args.seed, args.repeat)
        return
    if args.write_feed:
        write_feed(args.write_feed, args.quick, args.seed)
        return

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
          f"{'  (--quick)' if args.quick else ''}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-transit-"))
    rows: list[dict] = []
    common = [f"--seed={args.seed}", f"--repeat={args.repeat}"] + (["--quick"] if args.quick else [])
    try:
        feed_path = tmp / "synthetic_kraj.zip"
        if any(c != "demo" for c in args.cases):
            # written in its own process too: a child inherits its parent's peak RSS at the fork
            subprocess.run([sys.executable, __file__, f"--write-feed={feed_path}"] + common, check=True)
        for case in args.cases:
            cmd = [sys.executable, __file__, f"--case={case}", f"--feed={feed_path}"] + common
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
            for text in proc.stdout.splitlines():
                if text.startswith(ROW):
                    rows.append(json.loads(text[len(ROW):]))
                else:
                    print(text)
            if proc.returncode:
                print(f"  case {case} failed (exit code {proc.returncode})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    table(rows)


if __name__ == "__main__":
    main(sys.argv[1:])
