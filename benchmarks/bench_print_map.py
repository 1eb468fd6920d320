"""How long does an A3 map of ORP Židlochovice take at 300 dpi?

Run from the repository root::

    python benchmarks/bench_print_map.py [--repeat 3] [--out DIR]

Uses the real obec polygons from ``../shared/realdata`` when present (with the Czechia outline
for the inset), else the embedded demo points; services are the demo's fictional ones.  Prints
the time of loading (not part of the figure), of composing the sheet, and of writing PNG
(300 dpi), PDF and SVG, and of turning the PDF into the print shop's PDF/X-1a (Ghostscript);
then of the demo's A5 catalogue and its print-shop PDF — each the median of ``--repeat`` runs.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median is printed)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the outputs (default: temporary)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import geopandas as gpd

    from coverage_app.demo import load_demo
    from coverage_app.io.municipalities import load_district, read_municipalities
    from coverage_app.maps.printing import compose_map, save_map

    demo = load_demo("ORP:6221")
    polygons = REALDATA / "covidvobcich" / "obce_polygony_cr.gpkg"
    outline_path = REALDATA / "rczechia" / "republika_2024-06.gpkg"
    if polygons.exists():
        district = load_district(read_municipalities(polygons), "ORP:6221")
        source = f"real polygons ({polygons.name})"
    else:
        district = demo.district
        source = "demo points (../shared/realdata not found)"
    outline = gpd.read_file(outline_path) if outline_path.exists() else None
    load_s = time.perf_counter() - t0

    out_dir = args.out or Path(tempfile.mkdtemp(prefix="bench_print_"))
    out_dir.mkdir(parents=True, exist_ok=True)

    def compose():
        return compose_map(district, demo.services, paper="A3", orientation="landscape", czechia_outline=outline)

    compose_s = _median_time(compose, args.repeat)
    comp = compose()
    png_s = _median_time(lambda: save_map(comp, out_dir / "mapa_a3.png", dpi=300), args.repeat)
    pdf_s = _median_time(lambda: save_map(comp, out_dir / "mapa_a3.pdf"), args.repeat)
    svg_s = _median_time(lambda: save_map(comp, out_dir / "mapa_a3.svg"), args.repeat)
    from coverage_app.maps.print_shop import ghostscript, print_shop_pdf

    from coverage_app.maps.catalogue import render_catalogue

    catalogue_s = _median_time(lambda: render_catalogue(demo.district, demo.services, out_dir / "katalog.pdf"),
                               args.repeat)
    shop_s = catalogue_shop_s = None
    if ghostscript() is not None:
        shop_s = _median_time(lambda: print_shop_pdf(out_dir / "mapa_a3.pdf", out_dir / "mapa_a3_tiskarna.pdf"),
                              args.repeat)
        catalogue_shop_s = _median_time(lambda: print_shop_pdf(out_dir / "katalog.pdf",
                                                               out_dir / "katalog_tiskarna.pdf"), args.repeat)

    print(f"A3 landscape map of ORP Židlochovice, {len(district)} obce, {source}; "
          f"{len(comp.markers)} markers, {len(comp.numbers)} numbered services")
    print(f"  load data            {load_s:7.2f} s (once, not part of the map)")
    print(f"  compose sheet        {compose_s:7.2f} s (layout, labels, legend)")
    print(f"  write PNG 300 dpi    {png_s:7.2f} s")
    print(f"  write PDF            {pdf_s:7.2f} s")
    print(f"  write SVG            {svg_s:7.2f} s")
    if shop_s is None:
        print("  print-shop PDF/X     (Ghostscript not installed)")
    else:
        print(f"  print-shop PDF/X     {shop_s:7.2f} s (office PDF → bleed, marks, CMYK, PDF/X-1a, checks)")
    print(f"  A3 300 dpi total     {compose_s + png_s:7.2f} s (compose + PNG), median of {args.repeat}")
    from pypdf import PdfReader

    pages = len(PdfReader(out_dir / "katalog.pdf").pages)
    print(f"  catalogue A5 PDF     {catalogue_s:7.2f} s ({pages} pages, demo services)")
    if catalogue_shop_s is not None:
        print(f"  catalogue PDF/X-1a   {catalogue_shop_s:7.2f} s (office PDF → print shop's)")
    print(f"  outputs in {out_dir}")


if __name__ == "__main__":
    main()
