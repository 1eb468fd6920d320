"""The app's logic without a browser: data sources, uploads, login, filters, what-if helpers, downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from coverage_app.app import _logic as lg
from coverage_app.coverage import analyze
from coverage_app.scenario import (
    AddSite,
    MoveSite,
    RemoveSite,
    Resize,
    Scenario,
    run_scenario,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO_FILES = [ROOT / "geodata" / "obce_seed_districts.csv", ROOT / "services_data" / "demo_sluzby.csv",
              ROOT / "services_data" / "demo_vlastni_druhy.csv"]


@pytest.fixture(scope="module")
def demo_data() -> lg.AppData:
    return lg.load_demo_data()


def test_demo_data_has_two_districts_and_a_stable_content_key(demo_data):
    assert demo_data.kind == "demo"
    assert list(demo_data.districts()) == ["ORP:6221", "POU:81142", "ORP:6221,ORP:8114"]
    assert list(demo_data.public_districts()) == ["ORP:6221", "POU:81142"]
    assert demo_data.key == lg.load_demo_data().key
    d = demo_data.district("POU:81142")
    assert len(d) == 9 and "Liptaň" in set(d.obce["nazev_obce"])
    assert demo_data.previous_services is not None


def test_project_data_keeps_scenarios_and_keys_on_content(demo_data, tmp_path):
    from coverage_app.io.project import Project, save_project

    scenario = Scenario("Nový stacionář", (AddSite(kind="DruhSocialniSluzby/10", kod_obce="583758", capacity=20,
                                                    unit="klient"),))
    path = save_project(Project(demo_data.municipalities, demo_data.services, demo_data.previous_services, None, (),
                                {scenario.name: scenario.to_dict()}, {"district": "ORP:6221"}), tmp_path / "p.gpkg")
    data = lg.load_project_data(path)
    assert data.kind == "project" and data.project_path == path
    assert next(iter(data.districts())) == "ORP:6221"
    assert data.public_districts() == {"ORP:6221": "ORP Židlochovice"}
    assert Scenario.from_dict(data.scenarios["Nový stacionář"]) == scenario
    key = data.key
    assert lg.load_project_data(path).key == key
    path.write_bytes(path.read_bytes() + b"\0")  # any change of content changes the key
    assert lg._hash_files([path]) != key.removeprefix("project-")


def test_uploads_are_read_like_the_import_command():
    result = lg.load_uploaded_data({p.name: p.read_bytes() for p in DEMO_FILES},
                                   {"demo_sluzby_2022.csv": (ROOT / "services_data" / "demo_sluzby_2022.csv").read_bytes()})
    assert result.ok, lg.problems_frame(result.problems)
    assert result.kinds == {"obce_seed_districts.csv": "municipalities", "demo_sluzby.csv": "services",
                            "demo_vlastni_druhy.csv": "custom_kinds"}
    data = result.data
    assert data.kind == "upload" and data.default_district == "ORP:6221"  # where the services are
    assert len(data.services) == 24 and data.previous_services is not None
    assert all(p.severity == "warning" for p in result.problems)


def test_upload_report_names_file_row_and_column():
    bad = (ROOT / "services_data" / "demo_sluzby.csv").read_text(encoding="utf-8")
    bad = bad.replace("DruhSocialniSluzby/13,pob,80,luzka", "nesmysl,pob,-5,luzka")
    result = lg.load_uploaded_data({"obce.csv": DEMO_FILES[0].read_bytes(), "sluzby.csv": bad.encode("utf-8"),
                                    "x.txt": b"hello"})
    assert not result.ok and result.data is None
    table = lg.problems_frame(result.problems)
    assert list(table.columns) == ["soubor", "řádek", "sloupec", "závažnost", "zpráva"]
    rows = table[table["soubor"] == "sluzby.csv"]
    assert {"druh", "kapacita"} <= set(rows["sloupec"])
    assert 5 in set(rows["řádek"].dropna().astype(int))
    assert (table["soubor"] == "x.txt").any()


def test_upload_without_services_or_obce_says_what_is_missing():
    result = lg.load_uploaded_data({"obce.csv": DEMO_FILES[0].read_bytes()}, lang="en")
    assert not result.ok
    assert "the services file is missing (template or rpss.json)" in [p.message("en") for p in result.problems]


def test_password_rules(demo_data, tmp_path):
    assert lg.verify_password("demo", demo_data, env={})
    assert not lg.verify_password("Demo", demo_data, env={})
    env = {lg.PASSWORD_ENV: "tajne-heslo"}
    assert lg.verify_password("tajne-heslo", demo_data, env=env)
    assert not lg.verify_password("demo", demo_data, env=env)
    hashed = lg.hash_password("plan2026", iterations=1000)
    assert hashed.startswith("pbkdf2_sha256$1000$") and "plan2026" not in hashed
    project = lg.AppData(key="p", label="p", kind="project", municipalities=demo_data.municipalities,
                         services=demo_data.services, meta={"planner_password": hashed})
    assert lg.verify_password("plan2026", project, env={})
    assert not lg.verify_password("demo", project, env={})
    unset = lg.AppData(key="u", label="u", kind="project", municipalities=demo_data.municipalities,
                       services=demo_data.services)
    assert not lg.planner_password_configured(unset, env={})
    assert not lg.verify_password("", unset, env={})
    assert lg.PASSWORD_ENV in lg.password_hint(unset, "cs", env={})
    assert "demo" in lg.password_hint(demo_data, "cs", env={})


def test_offline_switch_skips_the_tile_check(monkeypatch):
    monkeypatch.setenv("COVERAGE_APP_OFFLINE", "1")
    assert lg.osm_reachable() is False


def test_filters_by_form_and_target_group(demo_data):
    field = lg.filter_services(demo_data.services, form="ter")
    assert set(field.sites["form"]) == {"ter"} and set(field.capacities["form"]) <= {"ter"}
    violence = lg.filter_services(demo_data.services, target_group="obeti_nasili")
    assert list(violence.services["service_id"]) == ["Z-AD-01"]
    assert lg.kinds_for(demo_data.services, "rodiny")
    assert set(lg.kinds_for(demo_data.services, "rodiny")) < set(lg.kinds_for(demo_data.services))
    assert "seniori" in lg.target_groups_present(demo_data.services, "seniori")


def test_map_click_helpers(demo_data):
    district = demo_data.district("ORP:6221")
    x, y = lg.wgs84_to_5514(49.0917, 16.6051)  # Rajhrad
    assert -620_000 < x < -580_000 and -1_180_000 < y < -1_150_000
    assert lg.nearest_obec(district, x, y) == "583758"


def test_edit_descriptions_and_site_changes(demo_data):
    district = demo_data.district("ORP:6221")
    services = demo_data.services
    assert lg.describe_edit(RemoveSite("Z-DST-01-hru"), services, district) == \
        "zavřít: Denní stacionář Slunce (fiktivní) (Hrušovany u Brna)"
    assert lg.describe_edit(Resize("Z-DS-01", "pob", "luzka", 100), services, district) == \
        "kapacita: Domov pro seniory Rajhrad (fiktivní) (pobytová) → 100 lůžek"
    assert "Syrovice" in lg.describe_edit(MoveSite("Z-DST-01-hru", kod_obce="583936"), services, district)
    add = AddSite(kind="DruhSocialniSluzby/10", form="amb", kod_obce="583758", capacity=20, unit="klient", name="Nový")
    assert lg.describe_edit(add, services, district) == \
        "nové místo: denní stacionáře (ambulantní) „Nový“, Rajhrad, 20 klientů"
    base = analyze(district, services)
    scen = run_scenario(base, Scenario("x", (add, RemoveSite("Z-DST-01-hru"))))
    changes = lg.site_changes(base.services, scen.services)
    assert changes["Z-DST-01-hru"] == "removed"
    assert list(changes.values()).count("added") == 1
    opts = lg.site_options(services, ["DruhSocialniSluzby/10"])
    assert set(opts) == {"Z-DST-01-zid", "Z-DST-01-hru"}
    caps = lg.capacity_options(services, ["DruhSocialniSluzby/13"])
    assert any(k.startswith("Z-DS-01|pob|luzka") for k in caps)


def test_downloads_are_csv_xlsx_and_geopackage(demo_data, tmp_path):
    import pyogrio

    district = demo_data.district("ORP:6221")
    files = lg.table_downloads(analyze(district, demo_data.services))
    assert set(files) == {"mezery.csv", "pokryti.csv", "kapacity.csv", "report.xlsx", "pokryti.gpkg"}
    # opens right in Czech Excel: BOM, ';', decimal commas, Czech headers and words
    assert files["mezery.csv"].startswith(b"\xef\xbb\xbf")
    gaps = pd.read_csv(io.BytesIO(files["mezery.csv"]), sep=";", encoding="utf-8-sig", decimal=",")
    assert {"pořadí", "kód obce", "důvod"} <= set(gaps.columns)
    cov = pd.read_csv(io.BytesIO(files["pokryti.csv"]), sep=";", encoding="utf-8-sig", decimal=",")
    assert cov["dojezd (min)"].dtype == float and set(cov["dosažitelné v limitu"].dropna()) <= {"ano", "ne"}
    english = lg.table_downloads(analyze(district, demo_data.services), "en")
    assert "rank" in pd.read_csv(io.BytesIO(english["mezery.csv"]), encoding="utf-8-sig").columns
    assert zipfile.is_zipfile(io.BytesIO(files["report.xlsx"]))
    gpkg = tmp_path / "x.gpkg"
    gpkg.write_bytes(files["pokryti.gpkg"])
    assert "obce" in {name for name, _ in pyogrio.list_layers(gpkg)}


def test_isochrones_of_a_site_use_the_analysis_bands(demo_data):
    district = demo_data.district("ORP:6221")
    a = analyze(district, demo_data.services)
    iso = lg.isochrones_for(a, "Z-DST-01-zid")
    assert list(iso["minutes"]) == [15.0, 30.0, 45.0]
    assert iso.geometry.area.is_monotonic_increasing
    assert lg.isochrones_for(a, "no-such-site") is None


def test_upload_services_onto_the_loaded_obce_short_rows_and_unknown_files(demo_data):
    """A services file alone is tried on the obce loaded now; a row cut short is named as such;
    a CSV that is nothing known is refused with the list of what is accepted."""
    services = (ROOT / "services_data" / "demo_sluzby.csv").read_bytes()
    kinds = (ROOT / "services_data" / "demo_vlastni_druhy.csv").read_bytes()
    result = lg.load_uploaded_data({"sluzby.csv": services, "vlastni_druhy.csv": kinds}, base=demo_data)
    assert result.data is not None, [p.format() for p in result.problems]
    assert any(p.code == "app.warn.base_obce" for p in result.problems)
    assert len(result.data.municipalities) == len(demo_data.municipalities)
    lines = services.decode("utf-8").splitlines()
    cut = ",".join(lines[1].split(",")[:5])  # the first service's row cut after five cells
    broken = "\n".join([lines[0], cut] + lines[2:]).encode("utf-8")
    result = lg.load_uploaded_data({"sluzby.csv": broken, "vlastni_druhy.csv": kinds}, base=demo_data)
    (short,) = [p for p in result.problems if p.code == "err.short_row"]
    assert (short.file, short.row) == ("sluzby.csv", 2) and "jen 5 buněk" in short.message()
    result = lg.load_uploaded_data({"nakup.csv": "zbozi;cena\nchleba;35\nmleko;22\n".encode("utf-8")},
                                   base=demo_data)
    (unknown,) = [p for p in result.problems if p.code == "app.err.unknown_file"]
    assert unknown.file == "nakup.csv" and "obce, obyvatelstvo, služby" in unknown.message()
