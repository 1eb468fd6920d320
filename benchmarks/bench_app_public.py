"""How fast is the public page "Kde najdu pomoc?" for a visitor?  (Streamlit app in a real browser.)

Run from the repository root::

    python benchmarks/bench_app_public.py [--repeat 5]

Starts ``coverage-app demo --headless`` on a free port (offline) and, with Playwright and
Debian's Chromium, opens the public page in a fresh browser context ``--repeat`` times, on a
1280 px desktop and on a 390 px touch phone.  For each it prints

* first render: from navigation until the search field and the district's count are shown;
* search: from typing an obec without diacritics ("nesvacilka") and Enter until the obec's
  list (its count and the first card) is shown;
* the static website (``coverage-app export public-site``) opened from a disk: until the search
  field is ready, and from typing until the first card is shown;

with the median and the maximum.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_app_whatif import start_server, stop_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def open_public_page(browser, base: str, width: int, height: int, touch: bool):
    """A fresh visitor's public page, ready to type an obec: ``(context, page, seconds to ready)``."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    t0 = time.perf_counter()
    page.goto(f"{base}/kde-najdu-pomoc")
    page.get_by_label("Moje obec").wait_for()
    page.get_by_text("Napište obec a uvidíte").wait_for()
    return ctx, page, time.perf_counter() - t0


def _app_round(browser, base: str, width: int, height: int, touch: bool) -> tuple[float, float]:
    ctx, page, first = open_public_page(browser, base, width, height, touch)
    box = page.get_by_label("Moje obec")
    box.click()
    box.fill("nesvacilka")
    t1 = time.perf_counter()
    page.keyboard.press("Enter")
    page.get_by_text("Pro obec Nesvačilka jsme našli").wait_for()
    page.locator("li.cm-item").first.wait_for()
    search = time.perf_counter() - t1
    ctx.close()
    return first, search


def _site_round(browser, index: Path, width: int, height: int, touch: bool) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(index.as_uri())
    page.locator("#cm-map .leaflet-marker-icon").first.wait_for()
    first = time.perf_counter() - t0
    t1 = time.perf_counter()
    page.fill("#cm-query", "nesvacilka")
    page.locator("li.cm-item").first.wait_for()
    search = time.perf_counter() - t1
    ctx.close()
    return first, search


def _line(label: str, values: list[float]) -> str:
    return (f"{label:<44} median {statistics.median(values) * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms"
            f"   (n={len(values)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"python {platform.python_version()} on {platform.machine()}; Chromium headless")
    tmp = Path(tempfile.mkdtemp(prefix="bench_public_"))
    subprocess.run([sys.executable, "-m", "coverage_app.cli", "export", "public-site", "--demo", "--out",
                    str(tmp / "web")], check=True, capture_output=True)
    proc, base = start_server(tmp / "server.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox",
                                                                        "--disable-background-networking"])
            for name, size in (("desktop 1280 px", (1280, 900, False)), ("phone 390 px, touch", (390, 844, True))):
                app = [_app_round(browser, base, *size) for _ in range(args.repeat)]
                site = [_site_round(browser, tmp / "web" / "index.html", *size) for _ in range(args.repeat)]
                print(f"\n{name}")
                print(_line("app: first render", [a for a, _ in app]))
                print(_line("app: search 'nesvacilka' → list", [b for _, b in app]))
                print(_line("static site: first render (map drawn)", [a for a, _ in site]))
                print(_line("static site: search → list", [b for _, b in site]))
            browser.close()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
