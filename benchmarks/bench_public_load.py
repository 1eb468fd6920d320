"""Can the public service map take a crowd?  (Static website against the Streamlit page.)

Run from the repository root::

    python benchmarks/bench_public_load.py [--clients 1 10 50 100] [--views 20] [--app-views 5]

A municipal website announcing the map sends tens of people to it at once.  The Streamlit page
is one server session per visitor; the static website (``coverage-app export public-site``) is a
folder of files any web server serves.  This script

* exports the demo's static website and serves it with Python's threaded ``http.server`` (a
  stand-in for the town's web server; nginx or Apache serve files faster still);
* lets ``--clients`` concurrent visitors each load the page ``--views`` times over real HTTP on
  127.0.0.1 — every file a browser fetches for it (index.html, styles, scripts, the services'
  data), a new connection per file — and prints page views per second, the median and 95th
  percentile time of one page view, and the web server's CPU time per view (from /proc);
* as the reference, in the same run, starts ``coverage-app demo`` and opens its public page
  ``--app-views`` times in Chromium (Playwright, one fresh browser context per visitor, as a new
  visitor comes), and prints the Streamlit server's CPU time per view (the CLI and its Streamlit
  child, from /proc) and the time until the page is ready;

and the ratio of the two CPU costs.  Nothing is asserted.  Linux only (reads /proc).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_app_whatif import _free_port, start_server, stop_server  # noqa: E402
from benchmarks.bench_app_public import open_public_page  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time (s) of a process and all its descendants still running."""
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def page_files(index: Path) -> list[str]:
    """The files a browser fetches for the page (relative URLs in ``src``/``href``)."""
    html = index.read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    return ["index.html"] + [r for r in refs if not r.startswith(("data:", "http:", "https:"))]


def _view(base: str, files: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    size = 0
    for f in files:
        with urllib.request.urlopen(f"{base}/{f}", timeout=60) as r:
            size += len(r.read())
    return time.perf_counter() - t0, size


@contextmanager
def file_server(site: Path) -> Iterator[tuple[int, str]]:
    """Python's threaded ``http.server`` serving ``site`` with a listen backlog of 1024 (as web
    servers have; the module's command line keeps 5, which drops connections of a crowd); yields
    its pid and base URL."""
    port = _free_port()
    code = ("import functools, http.server as h, sys\n"
            "class S(h.ThreadingHTTPServer):\n    request_queue_size = 1024\n"
            "handler = functools.partial(h.SimpleHTTPRequestHandler, directory=sys.argv[2])\n"
            "handler.func.log_message = lambda *a: None\n"
            "S(('127.0.0.1', int(sys.argv[1])), handler).serve_forever()\n")
    server = subprocess.Popen([sys.executable, "-c", code, str(port), str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _view(base, ["index.html"])
                break
            except OSError:
                time.sleep(0.1)
        yield server.pid, base
    finally:
        server.terminate()
        server.wait(10)


def static_load(site: Path, clients: list[int], views: int) -> float:
    """Prints the figures under load; returns the server's CPU seconds per view, one visitor at a time."""
    files = page_files(site / "index.html")
    with file_server(site) as (pid, base):
        _, size = _view(base, files)
        print(f"static site: {len(files)} files, {size / 1024:.0f} kB per page view "
              f"(uncompressed), served by Python's http.server")
        for n in clients:
            times: list[float] = []
            failed: list[str] = []
            lock = threading.Lock()

            def visitor() -> None:
                for _ in range(views):
                    try:
                        dt, _ = _view(base, files)
                    except OSError as exc:
                        with lock:
                            failed.append(type(exc).__name__)
                        continue
                    with lock:
                        times.append(dt)

            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            threads = [threading.Thread(target=visitor) for _ in range(n)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            print(f"  {n:4d} concurrent visitors × {views} views: {len(times) / wall:7.1f} views/s, "
                  f"view median {statistics.median(times) * 1000:6.0f} ms, p95 {p95 * 1000:6.0f} ms, "
                  f"server CPU {cpu / len(times) * 1000:6.1f} ms per view, failed views {len(failed)}")
        cpu0 = cpu_seconds(pid)
        for _ in range(200):
            _view(base, files)
        return (cpu_seconds(pid) - cpu0) / 200


def app_views(views: int, tmp: Path) -> float:
    """CPU seconds of the Streamlit server per public page view; prints the figures."""
    from playwright.sync_api import sync_playwright

    proc, base = start_server(tmp / "server.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM,
                                        args=["--no-sandbox", "--disable-background-networking"])
            ready: list[float] = []
            cpu0 = cpu_seconds(proc.pid)
            for _ in range(views):
                ctx, _page, seconds = open_public_page(browser, base, 390, 844, touch=True)
                ready.append(seconds)
                time.sleep(1.0)  # let the session's last messages go out before it is closed
                ctx.close()
            cpu = (cpu_seconds(proc.pid) - cpu0) / views
            browser.close()
    finally:
        stop_server(proc)
    print(f"Streamlit public page: {views} visitors one after another: page ready median "
          f"{statistics.median(ready) * 1000:.0f} ms, max {max(ready) * 1000:.0f} ms; "
          f"server CPU {cpu * 1000:.0f} ms per view")
    return cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50, 100])
    ap.add_argument("--views", type=int, default=20, help="page views per visitor")
    ap.add_argument("--app-views", type=int, default=5, help="Streamlit page views (0 = skip)")
    args = ap.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    subprocess.run([sys.executable, "-m", "coverage_app.cli", "export", "public-site", "--demo", "--out",
                    str(tmp / "web")], check=True, capture_output=True)
    site_cpu = static_load(tmp / "web", args.clients, args.views)
    if args.app_views:
        app_cpu = app_views(args.app_views, tmp)
        print(f"CPU per view, Streamlit page / static site (one visitor at a time): {app_cpu / site_cpu:,.0f} ×")


if __name__ == "__main__":
    main()
