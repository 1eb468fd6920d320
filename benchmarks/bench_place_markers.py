"""How long does placing the markers of a printed map take as the sheet fills up?

Run from the repository root::

    python benchmarks/bench_place_markers.py [--sizes 100,300,600,1500] [--repeat 3] [--kraj]

Synthetic but shaped like a kraj on an A3 sheet (frame 300 × 250 mm, markers 4.6 mm across):
obce scattered over the frame, sites given to obce by a Zipf law (a few towns with many services,
most villages with one or none), every site at its obec's point.  Prints, per size, the median
time of :func:`coverage_app.maps.sheet_layout.place_markers`, the number of clusters of more than
one marker, the largest move of a marker (mm) and whether any two markers still overlap; and, as
a reference measured in the same run, the time scipy's KD-tree takes to list the touching pairs
once.  With ``--kraj`` (needs ``../shared/realdata``) it also composes a whole A3 sheet of the
Zlínský kraj (real obec polygons, fictional services of benchmarks/synthetic.py, about 20 per kind)
and prints its time and what was placed.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _sheet(n_sites: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Marker centres (mm) and obec keys of ``n_sites`` sites over an A3 frame."""
    rng = np.random.default_rng(seed)
    n_obce = max(20, n_sites)
    obce = np.column_stack([rng.uniform(15, 315, n_obce), rng.uniform(15, 265, n_obce)])
    weights = 1.0 / np.arange(1, n_obce + 1) ** 1.1
    owner = rng.choice(n_obce, size=n_sites, p=weights / weights.sum())
    xy = obce[owner] + rng.normal(0, 0.4, (n_sites, 2))  # addresses within a town
    return xy[:, 0], xy[:, 1], owner.astype(str)


def _kraj_sheet(repeat: int) -> None:
    """Compose an A3 landscape sheet of the Zlínský kraj with synthetic services; print figures."""
    from benchmarks.synthetic import synthetic_services
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.maps.printing import compose_map

    path = ROOT.parent / "shared" / "realdata" / "districts" / "target_obce_polygony.gpkg"
    if not path.exists():
        print(f"--kraj: {path} not found, skipped")
        return
    obce = read_municipalities(path)
    zlin = obce[obce["kod_orp"].astype(str).str.startswith("72")]
    district = load_district(obce, "OBCE:" + ";".join(zlin["kod_obce"]))
    services = synthetic_services(district, per_kind=(15, 25))
    times, comp = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        comp = compose_map(district, services, paper="A3", orientation="landscape")
        times.append(time.perf_counter() - t0)
    print(f"A3 sheet of the Zlínský kraj: {len(district.obce)} obce, {len(services.services)} services, "
          f"{len(comp.markers)} markers: compose {statistics.median(times):.2f} s (median of {repeat}); "
          f"{len(comp.labels)} obce named ({int(comp.labels['leader'].sum())} with a leader)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300,600,1500", help="numbers of markers, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median is printed)")
    parser.add_argument("--kraj", action="store_true", help="also compose an A3 sheet of the Zlínský kraj")
    args = parser.parse_args()

    from coverage_app.maps.sheet_layout import Frame, place_markers

    frame = Frame((10.0, 10.0, 310.0, 260.0), (0.0, 0.0, 310_000.0, 260_000.0))
    r, gap = 2.3, 0.5
    print("markers  place_markers  clusters>1  largest move  overlaps  KD-tree pairs (reference)")
    for n in (int(v) for v in args.sizes.split(",")):
        px, py, keys = _sheet(n)
        radius = np.full(n, r)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            qx, qy = place_markers(px, py, radius, gap, frame, groups=keys)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cKDTree(np.column_stack([px, py])).query_pairs(2 * r + gap)
        ref = time.perf_counter() - t0
        pos = np.column_stack([qx, qy])
        close = cKDTree(pos).query_pairs(2 * r - 1e-6)
        moved = float(np.hypot(qx - px, qy - py).max())
        clusters = len({k for k in keys if (keys == k).sum() > 1})
        print(f"{n:7d}  {statistics.median(times):11.3f} s  {clusters:10d}  {moved:9.1f} mm  {len(close):8d}  "
              f"{ref * 1000:8.2f} ms")
    if args.kraj:
        import warnings

        warnings.simplefilter("ignore", UserWarning)  # a kraj's list overflows an A3 sheet; the time is what counts
        _kraj_sheet(args.repeat)


if __name__ == "__main__":
    main()
