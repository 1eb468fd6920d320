"""How fast does the planner page redraw after a what-if edit?  (Streamlit app in a real browser.)

Run from the repository root::

    python benchmarks/bench_app_whatif.py [--edits 5] [--headed]

Starts ``coverage-app demo --headless`` on a free port (offline: ``COVERAGE_APP_OFFLINE=1``, and
``COVERAGE_APP_TIMING=1`` so that the app logs how long each script run takes), logs into the
planner page with Playwright and Debian's Chromium (``/usr/bin/chromium``), then makes what-if
edits one after another in the same scenario: ``--edits`` times "close a site", then ``--edits``
times "add a site in an obec".  For every edit it prints

* click → delta table: from the click on "Přidat do scénáře" until the new edit is listed and
  the delta summary and table (or "no change") of the new run are drawn (not stale);
* click → map: until the map's sites differ from those before the click (the iframe of
  streamlit-folium, whether it was updated in place or reloaded), and whether the map's iframe
  was reloaded;
* the server's script run(s) that the click caused (from the app's timing log), when they
  started after the click, and how long after the end of the run the browser showed the delta
  table; with the run's sections (``lap()`` in the page) when the app logs them;

and the median and maximum of each.  Times are taken in the page (``performance.now()`` on the
click event and on the first animation frame that shows the result).  Before each click the
benchmark waits until the server has finished the run caused by choosing the site or obec, so a
click never interrupts a run.  The sites closed are ones drawn on the default map and the obce
have a gap of the default new kind, so every edit changes the map and the delta table.  Nothing
is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMING = re.compile(r"coverage-app timing: (?P<what>\S+) (?P<s>[\d.]+) s start=(?P<start>[\d.]+)(?P<rest>.*)")

# Installed in the page before each click: records the click and the first frames that show the
# new delta table and the new map.  ``n`` = number of edits after the click.
_WATCH = r"""
([n, emptyText]) => {
  const S = window.__bench = {n, t0: null, delta: null, map: null, reloaded: false};
  const frame = () => document.querySelector('%(iframe)s');
  const sig = (doc) => doc ? Array.from(doc.querySelectorAll('path.cm-site-mark')).map(
      e => [e.getAttribute('fill'), e.getAttribute('stroke-width'), e.getAttribute('stroke-dasharray'),
            e.getAttribute('d')].join(',')).sort().join(';') : '';
  const f0 = frame();
  const w0 = f0 ? f0.contentWindow : null;
  S.sig0 = sig(f0 && f0.contentDocument);
  const fresh = (el) => {
    const c = el.closest('[data-testid="stElementContainer"]');
    return c && c.getAttribute('data-stale') !== 'true';
  };
  const deltaReady = () => {
    const md = Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"]'));
    const item = md.find(e => e.textContent.trim().startsWith(n + '. ') && fresh(e));
    if (!item) return false;
    const summary = md.find(e => /Změny v obcích a druzích: \d+/.test(e.textContent) && fresh(e));
    if (summary) {
      // the table of changes is the first HTML table after the summary
      const tables = Array.from(document.querySelectorAll('.cm-table'));
      const table = tables.find(t => summary.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
      return !!(table && fresh(table) && table.querySelector('tbody tr'));
    }
    const none = Array.from(document.querySelectorAll('[data-testid="stAlert"]'))
      .find(e => e.textContent.includes(emptyText) && fresh(e));
    return !!none;
  };
  const mapReady = () => {
    const f = frame();
    if (!f || !f.contentDocument) return false;
    const s = sig(f.contentDocument);
    return s !== '' && s !== S.sig0;
  };
  document.addEventListener('click', () => {
    if (S.t0 === null) { S.t0 = performance.now(); S.click_epoch = (performance.timeOrigin + S.t0) / 1000; }
  }, {capture: true, once: true});
  const tick = () => {
    if (S.t0 !== null) {
      const now = performance.now();
      if (S.delta === null && deltaReady()) S.delta = now - S.t0;
      if (S.map === null && mapReady()) {
        S.map = now - S.t0;
        const f = frame();
        S.reloaded = !f || f.contentWindow !== w0 || !f.contentWindow.__bench_mark;
      }
    }
    if (S.delta === null || S.map === null) requestAnimationFrame(tick);
  };
  if (w0) w0.__bench_mark = true;
  requestAnimationFrame(tick);
}
""".replace("%(iframe)s", FOLIUM_IFRAME.replace("'", "\\'"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(log_path: Path) -> tuple[subprocess.Popen, str]:
    """``coverage-app demo --headless`` on a free port; returns the process and the base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("COVERAGE_APP_PROJECT", "COVERAGE_APP_PLANNER_PASSWORD")}
    env.update(COVERAGE_APP_OFFLINE="1", COVERAGE_APP_TIMING="1", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = log_path.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "coverage_app.cli", "demo", "--headless", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the app did not start:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            pass
        if time.time() > deadline:
            stop_server(proc)
            raise SystemExit(f"the app did not answer within 120 s:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.5)


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the CLI and the Streamlit server it started
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def pick_edits(n: int) -> tuple[list[str], list[str]]:
    """Labels of ``n`` sites drawn on the default planner map, and names of ``n`` obce with a gap
    of the default new-site kind (so every edit changes the map and the delta table)."""
    from coverage_app.app._logic import kinds_for, load_demo_data, site_options
    from coverage_app.coverage import analyze
    from coverage_app.maps.interactive import planner_sites
    from coverage_app.settings import AnalysisSettings

    data = load_demo_data()
    spec = next(iter(data.districts()))
    district = data.district(spec)
    analysis = analyze(district, data.services, data.roads,
                       AnalysisSettings(mode="car", threshold_min=30.0, norms=data.norms),
                       context=data.area_population())
    kinds = [k for k in kinds_for(analysis.services, None) if k in analysis.results]
    options = site_options(analysis.services, kinds)
    on_map = {s["id"] for s in planner_sites(analysis, kinds)}
    sites = [label for sid, label in options.items() if sid in on_map][:n]
    gaps = analysis.gaps
    kind = kinds[0]
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    codes = list(dict.fromkeys(gaps.loc[gaps["service_kind"] == kind, "municipality_code"]))
    codes += [c for c in sorted(names, key=names.get) if c not in codes]
    unique = [c for c in codes if sum(v.startswith(names[c]) for v in names.values()) == 1]
    return sites, [names[c] for c in unique[:n]]


def settle(page, ms: int = 400) -> None:
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(ms)


def wait_for_run(log_path: Path, log_pos: int, timeout_s: float = 60.0) -> None:
    """Wait until the server has logged the end of a script run after ``log_pos`` (when the app
    logs its runs), so that the next click does not interrupt a run still going."""
    if not TIMING.search(log_path.read_text(errors="replace")):
        return  # an app that does not log its runs: only the page tells
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        runs, _ = log_runs(log_path, log_pos)
        if runs:
            return
        time.sleep(0.05)


def pick(page, label: str, text: str, log_path: Path) -> None:
    """Choose ``text`` in the selectbox labelled ``label`` (typing, then Enter)."""
    _, log_pos = log_runs(log_path, 0)
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(text)
    page.keyboard.press("Enter")
    wait_for_run(log_path, log_pos)
    settle(page)
    value = box.input_value()
    if value != text:
        raise SystemExit(f"could not choose {text!r} in {label!r} (got {value!r})")


def log_runs(log_path: Path, start: int) -> tuple[list[tuple[str, float, str, float]], int]:
    text = log_path.read_text(errors="replace")
    runs = [(m["what"], float(m["s"]), m["rest"].strip(), float(m["start"])) for m in TIMING.finditer(text[start:])]
    return runs, len(text)


def one_edit(page, n: int, log_path: Path, empty_text: str) -> dict:
    """Click "Přidat do scénáře" (the ``n``-th edit) and return the times the page recorded."""
    page.evaluate(_WATCH, [n, empty_text])
    _, log_pos = log_runs(log_path, 0)  # runs before the click (choosing the site or obec) are not counted
    page.get_by_role("button", name="Přidat do scénáře").click()
    page.wait_for_function("() => window.__bench.delta !== null && window.__bench.map !== null", timeout=60_000,
                           polling=50)
    result = page.evaluate("() => window.__bench")
    wait_for_run(log_path, log_pos)
    settle(page, 300)
    result["runs"], _ = log_runs(log_path, log_pos)
    return result


def summary(label: str, values: list[float]) -> str:
    return f"{label:<36} median {statistics.median(values):6.0f} ms   max {max(values):6.0f} ms   (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5, help="edits of each kind (close a site, add a site)")
    parser.add_argument("--headed", action="store_true", help="show the browser window")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from coverage_app.app import _texts  # noqa: F401
    from coverage_app.i18n import t

    sites, obce = pick_edits(args.edits)
    empty_text = t("app.wi.delta_none", "cs")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"Chromium headless={not args.headed}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_app_"))
    log_path = tmp / "server.log"
    t_start = time.perf_counter()
    proc, base = start_server(log_path)
    print(f"server up in {time.perf_counter() - t_start:.1f} s ({base}; log {log_path})")
    rows: list[tuple[str, dict]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=not args.headed, args=[
                "--no-sandbox", "--disable-background-networking", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="cs-CZ")
            page.set_default_timeout(90_000)
            t0 = time.perf_counter()
            page.goto(f"{base}/planovani")
            page.get_by_label("Heslo").fill("demo")
            page.get_by_role("button", name="Přihlásit").click()
            page.get_by_text(re.compile(r"Mezery v pokrytí: \d+")).wait_for()
            page.frame_locator(FOLIUM_IFRAME).first.locator("path.cm-site-mark").first.wait_for()
            settle(page, 1000)
            print(f"login and first planner page: {time.perf_counter() - t0:.1f} s")

            n = 0
            _, pos = log_runs(log_path, 0)
            page.get_by_text("zavřít místo", exact=True).click()
            wait_for_run(log_path, pos)
            settle(page)
            for label in sites:
                pick(page, "Místo", label, log_path)
                n += 1
                rows.append(("close", one_edit(page, n, log_path, empty_text)))
            _, pos = log_runs(log_path, 0)
            page.get_by_text("přidat místo", exact=True).click()
            wait_for_run(log_path, pos)
            settle(page)
            for name in obce:
                pick(page, "Obec", name, log_path)
                n += 1
                rows.append(("add", one_edit(page, n, log_path, empty_text)))
            browser.close()
    finally:
        stop_server(proc)

    print()
    print(f"{'edit':<6} {'click→delta':>12} {'click→map':>10} {'iframe':>9}   server runs after the click")
    for what, r in rows:
        runs = ", ".join(f"{w} {s * 1000:.0f} ms (from +{(start - r['click_epoch']) * 1000:.0f} ms)"
                         for w, s, _, start in r["runs"]) or "(no timing log)"
        print(f"{what:<6} {r['delta']:>9.0f} ms {r['map']:>7.0f} ms {'reloaded' if r['reloaded'] else 'updated':>9}   "
              f"{runs}")
    print()
    deltas = [r["delta"] for _, r in rows]
    maps = [r["map"] for _, r in rows]
    print(summary("click → updated delta table", deltas))
    print(summary("click → updated map", maps))
    print(summary("click → both", [max(a, b) for a, b in zip(deltas, maps)]))
    server = [sum(s for _, s, _, _ in r["runs"]) * 1000 for _, r in rows if r["runs"]]
    if server:
        print(summary("server script run(s) per click", server))
        starts = [(r["runs"][0][3] - r["click_epoch"]) * 1000 for _, r in rows if r["runs"]]
        ends = [r["delta"] - (r["runs"][-1][3] + r["runs"][-1][1] - r["click_epoch"]) * 1000
                for _, r in rows if r["runs"]]
        print(summary("click → server run starts", starts))
        print(summary("server run ends → delta table shown", ends))
        sections: dict[str, list[float]] = {}
        for _, r in rows:
            for _, _, rest, _ in r["runs"]:
                for name, ms in re.findall(r"(\S+)=([\d.]+)ms", rest):
                    sections.setdefault(name, []).append(float(ms))
        for name, vals in sections.items():
            print(f"  {name:<34} median {statistics.median(vals):6.1f} ms   max {max(vals):6.1f} ms")
    reloads = sum(r["reloaded"] for _, r in rows)
    print(f"map iframe reloaded on {reloads} of {len(rows)} edits")


if __name__ == "__main__":
    main()
