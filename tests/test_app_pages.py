"""The Streamlit pages run headless with Streamlit's AppTest on the embedded demo."""

from __future__ import annotations

import json
import os
import shutil
import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

APP = Path(__file__).resolve().parents[1] / "coverage_app" / "app"
VIEWS = APP / "views"
TIMEOUT = 180
SECRET_STREET = "Lipová"


@pytest.fixture(autouse=True)
def _demo_env(monkeypatch):
    """The demo, offline (no probe of the tile server)."""
    monkeypatch.setenv("COVERAGE_APP_DEMO", "1")
    monkeypatch.setenv("COVERAGE_APP_OFFLINE", "1")
    monkeypatch.delenv("COVERAGE_APP_PROJECT", raising=False)
    monkeypatch.delenv("COVERAGE_APP_PLANNER_PASSWORD", raising=False)


def run_page(name: str) -> AppTest:
    at = AppTest.from_file(str(VIEWS / name), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, HTML, headers, captions, alerts)."""
    parts = [m.value for m in at.markdown] + [h.proto.body for h in at.get("html")]
    parts += [e.value for e in at.title] + [e.value for e in at.subheader] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.success] + [e.value for e in at.warning]
    parts += [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def map_args(at: AppTest) -> list[dict]:
    """Arguments of the streamlit-folium components on the page (script, js_links, …); ``script``
    includes the layers sent apart from the map (``feature_group``, see ``show_map(layers=…)``)."""
    out = []
    for c in at.get("component_instance"):
        args = json.loads(c.proto.json_args)
        args["script"] = args["script"] + (args.get("feature_group") or "")
        out.append(args)
    return out


def login(at: AppTest, password: str = "demo") -> AppTest:
    at.text_input(key="password").input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_home_router_runs_the_landing_page():
    at = AppTest.from_file(str(APP / "Home.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Dostupnost sociálních služeb"
    assert "Ukázková data" in texts(at)


def test_public_page_lists_services_for_rajhrad_without_secrets():
    at = run_page("verejna_mapa.py")
    assert at.title[0].value == "Kde najdu pomoc?"
    assert at.text_input(key="pub_query").value == ""
    at.text_input(key="pub_query").set_value("rajhrad").run()  # without diacritics, lower case
    assert not at.exception
    shown = texts(at)
    assert re.search(r"Pro obec Rajhrad jsme našli \d+ služeb", shown)
    assert "Domov pro seniory Rajhrad (fiktivní)" in shown
    assert "adresa neveřejná, volejte +420 000 000 112" in shown
    assert SECRET_STREET not in shown
    (args,) = map_args(at)
    assert "CoverageMap.clusters(" in args["script"] and "CoverageMap.home(" in args["script"]
    assert SECRET_STREET not in args["script"] and "16.5983" not in args["script"]
    for url in args["js_links"] + args["css_links"]:
        assert url.startswith(("data:", "/app/static/")), url[:60]


def test_public_page_filters_and_english():
    at = run_page("verejna_mapa.py")
    at.selectbox(key="pub_situation").set_value("rodiny").run()
    family = texts(at)
    assert "Raná péče Brno-venkov (fiktivní)" in family
    assert "Domov pro seniory Rajhrad (fiktivní)" not in family
    at.selectbox(key="lang_widget").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Where can I find help?"


def test_planner_asks_for_login_first():
    at = run_page("planovani.py")
    assert at.title[0].value == "Přihlášení pro plánovače"
    assert "heslo je „demo“" in texts(at)
    assert not [s for s in at.subheader if s.value.startswith("Mezery")]
    assert not at.get("component_instance")
    login(at, "spatne")
    assert "Nesprávné heslo." in texts(at)


def test_planner_shows_gap_table_after_login(demo):
    from coverage_app.coverage import analyze

    at = login(run_page("planovani.py"))
    expected = len(analyze(demo.district, demo.services).gaps)
    assert f"Mezery v pokrytí: {expected}" in [s.value for s in at.subheader]
    tables = [h.proto.body for h in at.get("html") if "cm-table" in h.proto.body]
    summary = tables[0]  # first on the page: the summary by working group
    assert re.findall(r"<th>([^<]*)</th>", summary)[:3] == ["pracovní skupina", "druh služby", "úroveň dostupnosti"]
    units = re.findall(r'<tr><td class="">[^<]*</td><td class="">[^<]*</td><td class="">[^<]*</td>'
                       r'<td class="n">(\d+)</td>', summary)
    assert sum(int(u) for u in units) == expected
    # then the gaps one by one, each at its level: a table whose long reasons wrap (every column seen)
    (table,) = [h.proto.body for h in at.get("html") if "<th>pořadí</th>" in h.proto.body]
    heads = re.findall(r"<th>([^<]*)</th>", table)
    assert heads[:3] == ["pořadí", "území", "druh služby"] and "důvod" in heads
    assert table.count("<tr>") == expected + 1
    assert "<td class=\"\">ORP Židlochovice</td>" in table  # an ORP-level gap names the district
    (args,) = map_args(at)
    assert '"type":"Point"' in args["script"] and '"type":"Polygon"' not in args["script"]
    assert "CoverageMap.sites(" in args["script"]


def test_planner_what_if_field_area_shows_the_obce_whose_field_coverage_changed():
    """A what-if that lets a field service come to more obce: the delta lists those obce with
    'terénní služba ne → ano'."""
    at = login(run_page("planovani.py"))
    at.radio(key="pl_action").set_value("area").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="wi_area_service").set_value("Z-PS-01").run()  # Pečovatelská služba Židlochovicko
    area = at.multiselect(key="wi_area_obce_Z-PS-01")
    area.set_value(list(area.options)).run()  # every obec of the ORP
    at.button(key="wi_area").click().run()
    assert not at.exception, [e.value for e in at.exception]
    deltas = [h.proto.body for h in at.get("html") if "<th>co se změnilo</th>" in h.proto.body]
    assert deltas and "terénní služba ne → ano" in deltas[0]
    assert "působnost: " in texts(at)


def test_planner_obec_detail(demo):
    at = login(run_page("planovani.py"))
    at.selectbox(key="pl_obec_widget").set_value("583758").run()
    assert not at.exception
    assert "Služby pro obec Rajhrad" in [s.value for s in at.subheader]
    (args,) = map_args(at)
    assert '"kod":"583758","name":"Rajhrad"' in args["script"] and '"sel":true' in args["script"]


def test_planner_what_if_updates_map_and_delta_table():
    at = login(run_page("planovani.py"))
    before = map_args(at)[0]["script"]
    (component,) = at.get("component_instance")
    map_id, base_script = component.proto.id, json.loads(component.proto.json_args)["script"]
    assert "Scénář zatím nemá žádné změny" in texts(at)
    at.radio(key="pl_action").set_value("remove").run()
    at.selectbox(key="wi_site_remove").set_value("Z-DST-01-hru").run()
    at.button(key="wi_remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert re.search(r"Změny v obcích a druzích: \d+; mezer \d+ → \d+\.", shown)
    deltas = [h.proto.body for h in at.get("html") if "<th>co se změnilo</th>" in h.proto.body]
    assert deltas and deltas[0].count("<tr>") > 1
    assert re.search(r"dojezd 1[0-9] → [0-9]+ min", deltas[0])  # only what changed, in words
    assert "zavřít: Denní stacionář Slunce (fiktivní) (Hrušovany u Brna)" in shown
    after = map_args(at)[0]["script"]
    assert after != before
    assert at.radio(key="pl_view").value == "scenario"
    # the same map component with the same base map: the browser only swaps the map's layers
    (component,) = at.get("component_instance")
    assert component.proto.id == map_id
    assert json.loads(component.proto.json_args)["script"] == base_script


def test_planner_add_site_save_and_reopen_scenario():
    at = login(run_page("planovani.py"))
    at.selectbox(key="wi_kind").set_value("DruhSocialniSluzby/13").run()
    at.selectbox(key="wi_obec").set_value("583936").run()
    at.button(key="wi_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "nové místo: domovy pro seniory (pobytová), Syrovice, 20 lůžek" in texts(at)
    at.text_input(key="pl_scenario_name").input("Domov Syrovice").run()
    at.button(key="wi_save").click().run()
    assert "Scénář „Domov Syrovice“ je uložen." in texts(at)
    at.button(key="wi_clear").click().run()
    assert "Scénář zatím nemá žádné změny" in texts(at)
    at.selectbox(key="wi_saved_pick").set_value("Domov Syrovice").run()
    at.button(key="wi_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "nové místo: domovy pro seniory (pobytová), Syrovice, 20 lůžek" in texts(at)
    assert at.text_input(key="pl_scenario_name").value == "Domov Syrovice"


@pytest.mark.slow
def test_planner_site_suggestions_and_periods():
    at = login(run_page("planovani.py"))
    at.selectbox(key="sg_kind").set_value("DruhSocialniSluzby/10").run()
    at.button(key="sg_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Nepokrytá cílová populace" in texts(at)
    labels = [m.label for m in at.metric]
    assert {"Nové služby", "Ukončené služby", "Změněné služby"} <= set(labels)


def test_print_page_shows_what_the_printing_module_offers():
    at = run_page("tisk.py")
    assert at.title[0].value == "Tisk: mapa služeb a katalog"
    assert at.get("image"), "the map preview is shown"
    assert any(b.label == "Připravit mapu (PDF)" for b in at.button)
    assert at.checkbox(key="pr_large").label == "Katalog velkým písmem (12,5 bodu)"
    assert at.checkbox(key="pr_shop").disabled == (shutil.which("gs") is None)


def test_print_page_makes_the_large_print_catalogue_for_the_print_shop():
    if shutil.which("gs") is None:
        if os.environ.get("COVERAGE_APP_REQUIRE_GHOSTSCRIPT"):
            pytest.fail("Ghostscript (gs) is required here")
        pytest.skip("Ghostscript (gs) is not installed")
    at = run_page("tisk.py")
    at.checkbox(key="pr_large").check().run()
    at.checkbox(key="pr_shop").check().run()
    at.button(key="pr_make_catalogue").click().run(timeout=300)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    names = [d.proto.label for d in at.get("download_button")]
    assert names == ["Stáhnout katalog (PDF)"]  # the file itself is read in tests/test_browser.py


def test_data_page_needs_login_and_shows_quality():
    at = run_page("data.py")
    assert at.title[0].value == "Přihlášení pro plánovače"
    login(at)
    assert at.title[0].value == "Data"
    labels = [m.label for m in at.metric]
    assert "místo bez kódu adresního místa RÚIAN" in labels
    assert "věkové skupiny odhadnuty z podílu, nejsou to data ČSÚ" in labels
    (args,) = map_args(at)
    assert "CoverageMap.sites(" in args["script"]


@pytest.mark.realdata
def test_project_with_polygons_draws_polygons_and_keeps_the_password(realdata, demo, tmp_path, monkeypatch):
    """``coverage-app serve --project``: real obec boundaries (never invented), password from the env."""
    from coverage_app.io.municipalities import read_municipalities
    from coverage_app.io.project import Project, save_project

    obce = read_municipalities(realdata("covidvobcich", "obce_polygony_cr.gpkg"))
    obce = obce[obce["kod_orp"].isin(["6221", "8114"])]
    path = save_project(Project(obce, demo.services, None, None, (), {}, {"district": "ORP:6221"}),
                        tmp_path / "projekt.gpkg")
    monkeypatch.delenv("COVERAGE_APP_DEMO")
    monkeypatch.setenv("COVERAGE_APP_PROJECT", str(path))
    monkeypatch.setenv("COVERAGE_APP_PLANNER_PASSWORD", "tajne")

    at = run_page("planovani.py")
    assert "heslo je „demo“" not in texts(at)
    login(at, "demo")
    assert "Nesprávné heslo." in texts(at)
    login(at, "tajne")
    (args,) = map_args(at)
    assert '"type":"Polygon"' in args["script"] or '"type":"MultiPolygon"' in args["script"]
    assert '"r":' not in args["script"].split("CoverageMap.obce(")[1].split("CoverageMap.sites(")[0]

    public = run_page("verejna_mapa.py")
    public.text_input(key="pub_query").set_value("Rajhrad").run()
    (args,) = map_args(public)
    assert "MultiPolygon" in args["script"] or '"type":"Polygon"' in args["script"]
    assert SECRET_STREET not in texts(public) + args["script"]


def test_planner_access_model_tab_applies_the_table():
    at = login(run_page("planovani.py"))
    assert "limity podle druhů" in texts(at)
    at.button(key="acc_apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Úrovně dostupnosti platí pro tuto relaci." in texts(at)
    from coverage_app.app._logic import load_demo_data

    rules = at.session_state[f"pl_access_rules::{load_demo_data().key}"]
    assert rules["DruhSocialniSluzby/13"].level == "orp"  # the defaults, now the session's own table
    at.checkbox(key="pl_uniform").check().run()
    assert "limit 30 min" in texts(at)


def test_planner_kraj_view_shows_the_orps_first_and_opens_one():
    at = login(run_page("planovani.py"))
    at.selectbox(key="district_widget").set_value("ORP:6221,ORP:8114").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Přehled ORP (2) vedle sebe" in [s.value for s in at.subheader]
    table = at.dataframe[0].value  # the ORPs side by side come first
    assert sorted(table["ORP"]) == ["Krnov", "Židlochovice"]
    at.selectbox(key="orp_open").set_value("6221").run()
    at.button(key="orp_open_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["district"] == "ORP:6221"
    assert not [s for s in at.subheader if s.value.startswith("Přehled ORP")]


def test_print_page_limits_new_print_files_per_visitor():
    at = run_page("tisk.py")
    for _ in range(8):  # RENDER_LIMIT of the print page
        at.button(key="pr_make_catalogue").click().run()
    assert not [w for w in at.warning if "mnoho" in w.value]
    at.button(key="pr_make_catalogue").click().run()
    assert [w for w in at.warning if "Tiskových souborů bylo v krátké době vyžádáno mnoho" in w.value]


def test_public_search_ignores_diacritics_and_offers_the_matches():
    at = run_page("verejna_mapa.py")
    at.text_input(key="pub_query").set_value("hrusovany").run()  # one match: chosen at once
    assert re.search(r"Pro obec Hrušovany u Brna jsme našli \d+ služ", texts(at))
    at.text_input(key="pub_query").set_value("RAJHRA").run()  # two matches: a button for each
    labels = [b.label for b in at.button if b.key and b.key.startswith("pub_pick_")]
    assert labels[:2] == ["Rajhrad (ORP Židlochovice)", "Rajhradice (ORP Židlochovice)"]
    assert "jsme našli" not in texts(at)
    next(b for b in at.button if b.label.startswith("Rajhradice")).click().run()
    assert at.text_input(key="pub_query").value == "Rajhradice"
    assert re.search(r"Pro obec Rajhradice jsme našli \d+ služ", texts(at))
    at.text_input(key="pub_query").set_value("xyzzy").run()
    assert any("jsme nenašli" in w.value for w in at.warning)


def test_planner_suggestions_on_the_first_press_name_the_obce():
    at = login(run_page("planovani.py"))
    at.button(key="sg_run").click().run()
    assert not at.exception
    (table,) = [h.proto.body for h in at.get("html") if "<th>nově pokryté obce</th>" in h.proto.body]
    assert "Nesvačilka" in table and not re.search(r">\d{6}[,<]", table)  # names, not codes
    assert re.search(r"Nepokrytá cílová populace \(osob\): [\d\u00a0]+\.", texts(at))
