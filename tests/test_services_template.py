"""The service template (CSV/XLSX), custom kinds, site placement and the demo services."""

from __future__ import annotations

import pandas as pd
import pytest

from coverage_app.codelists import KINDS, KindCatalog, default_catalog
from coverage_app.errors import DataError, Report
from coverage_app.io.services import (
    TEMPLATE_COLUMNS,
    read_custom_kinds,
    read_services,
    services_to_frame,
    write_services_template,
)
from coverage_app.locate import expand_service_area, locate_sites

HEADER = "id_sluzby,nazev_sluzby,druh,forma,kapacita,jednotka_kapacity,id_mista,kod_obce,lat,lon,utajena_adresa,uzemni_pusobnost"


def _write(tmp_path, rows: list[str], name="sluzby.csv", header=HEADER):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_two_sites_one_capacity_and_several_forms(tmp_path):
    path = _write(tmp_path, [
        "S1,Stacionář,DruhSocialniSluzby/10,amb,24,klient,a,584282,49.04,16.62,ne,",
        "S1,Stacionář,§ 46,amb,24,klient,b,583081,49.04,16.59,ne,",
        "S2,Odlehčovací,odlehčovací služby,pob,8,luzka,x,583758,49.09,16.60,ne,",
        "S2,Odlehčovací,odlehčovací služby,ter,10,klient,x,583758,49.09,16.60,ne,583758;583766",
    ])
    s = read_services(path)
    assert len(s.services) == 2 and len(s.sites) == 4
    cap = s.capacities.set_index(["service_id", "form", "unit"])["capacity"]
    assert cap[("S1", "amb", "klient")] == 24 and len(cap) == 3
    assert s.services.set_index("service_id").loc["S2", "service_area"] == ("583758", "583766")
    assert s.sites["location_method"].eq("coordinates").all()


@pytest.mark.parametrize("row,column,code", [
    ("S1,A,nesmysl,amb,5,klient,,584282,,,ne,", "druh", "err.unknown_kind"),
    ("S1,A,DruhSocialniSluzby/10,xyz,5,klient,,584282,,,ne,", "forma", "err.unknown_form"),
    ("S1,A,DruhSocialniSluzby/10,amb,-5,klient,,584282,,,ne,", "kapacita", "err.negative"),
    ("S1,A,DruhSocialniSluzby/10,amb,pět,klient,,584282,,,ne,", "kapacita", "err.not_a_number"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,postele,,584282,,,ne,", "jednotka_kapacity", "err.unknown_unit"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,,,584282,,,ne,", "jednotka_kapacity", "err.capacity_without_unit"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,klient,,58428,,,ne,", "kod_obce", "err.bad_obec_code"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,klient,,584282,16.62,49.04,ne,", "lat", "err.latlon_swapped"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,klient,,584282,48.1,11.5,ne,", "lat", "err.outside_czechia"),
    ("S1,A,DruhSocialniSluzby/10,amb,5,klient,,584282,,,možná,", "utajena_adresa", "err.bad_bool"),
    ("S1,A,DruhSocialniSluzby/10,ter,5,klient,,584282,,,ne,58428x", "uzemni_pusobnost", "err.bad_obec_code"),
    (",A,DruhSocialniSluzby/10,amb,5,klient,,584282,,,ne,", "id_sluzby", "err.missing_value"),
])
def test_bad_cells_name_row_and_column(tmp_path, row, column, code):
    path = _write(tmp_path, ["S0,OK,DruhSocialniSluzby/13,pob,20,luzka,,584282,,,ne,", row])
    with pytest.raises(DataError) as info:
        read_services(path)
    hit = [p for p in info.value.problems if p.code == code]
    assert hit, info.value.format()
    assert hit[0].row == 3 and hit[0].column == column and hit[0].file == "sluzby.csv"


def test_capacity_conflict_between_sites_is_refused(tmp_path):
    path = _write(tmp_path, [
        "S1,Stacionář,DruhSocialniSluzby/10,amb,24,klient,a,584282,,,ne,",
        "S1,Stacionář,DruhSocialniSluzby/10,amb,30,klient,b,583081,,,ne,",
    ])
    with pytest.raises(DataError) as info:
        read_services(path)
    p = info.value.problems[0]
    assert p.code == "err.capacity_conflict" and p.row == 3
    assert "ne místu" in p.message("cs")


def test_missing_required_column(tmp_path):
    path = _write(tmp_path, ["S1,A,amb"], header="id_sluzby,nazev_sluzby,forma")
    with pytest.raises(DataError) as info:
        read_services(path)
    assert [(p.code, p.column, p.row) for p in info.value.problems] == [("err.missing_column", "druh", 1)]


def test_semicolon_cp1250_file(tmp_path):
    text = (HEADER.replace(",", ";") + "\nS1;Pečovatelská služba Žabčice;pečovatelská služba;ter;40;klient;;584231;;;ne;"
            "\"584231;584061\"\n")
    path = tmp_path / "sluzby.csv"
    path.write_bytes(text.encode("cp1250"))
    s = read_services(path)
    assert s.services["service_name"].iloc[0] == "Pečovatelská služba Žabčice"
    assert s.services["kind"].iloc[0] == "DruhSocialniSluzby/4"


def test_custom_kinds_in_xlsx_and_csv(tmp_path):
    path = tmp_path / "sablona.xlsx"
    write_services_template(path, example=True)
    s = read_services(path)
    assert "skola" in s.kinds and s.kinds["skola"].custom
    csv = tmp_path / "druhy.csv"
    csv.write_text("id,nazev,vekova_skupina,pracovni_skupiny\nklub,klub mládeže,5_24,rodiny\n", encoding="utf-8")
    catalog = read_custom_kinds(csv)
    assert catalog["klub"].target_band == "5_24" and len(catalog) == 35
    bad = tmp_path / "bad.csv"
    bad.write_text("id,nazev,vekova_skupina\nDruhSocialniSluzby/13,x,65p\n", encoding="utf-8")
    with pytest.raises(DataError):
        read_custom_kinds(bad)


def test_blank_templates_in_services_data_match_the_schema():
    from coverage_app.demo import demo_root

    root = demo_root() / "services_data"
    from coverage_app.io.tables import read_table

    table = read_table(root / "sablona_sluzby.csv", allow_empty=True)
    assert table.delimiter == ";" and (root / "sablona_sluzby.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    header = list(table.frame.columns)
    assert header == [c.name for c in TEMPLATE_COLUMNS]
    schema = (root / "SCHEMA.md").read_text(encoding="utf-8")
    for c in TEMPLATE_COLUMNS:
        assert f"`{c.name}`" in schema
    xlsx = pd.ExcelFile(root / "sablona_sluzby.xlsx")
    assert {"sluzby", "vlastni_druhy", "popis_sloupcu"} <= set(xlsx.sheet_names)


def test_site_placement_by_address_point_then_obec_point(tmp_path, demo):
    path = _write(tmp_path, [
        "S1,A,DruhSocialniSluzby/13,pob,20,luzka,,584282,,,ne,",
    ], header=HEADER)
    s = read_services(path)
    # an address point for an address code placed on the site
    s.sites["address_code"] = ["12345"]
    addr = pd.DataFrame({"x": [-598000.0], "y": [-1178000.0], "kod_obce": ["584282"]}, index=pd.Index(["12345"]))
    warnings = Report()
    placed = locate_sites(s, demo.municipalities, addr, warnings=warnings)
    assert placed.sites["location_method"].iloc[0] == "address_point"
    assert placed.sites.geometry.iloc[0].x == -598000.0
    placed2 = locate_sites(s, demo.municipalities, None, warnings=warnings)
    assert placed2.sites["location_method"].iloc[0] == "obec_point"
    assert warnings.warnings and warnings.warnings[0].row == 2


def test_service_area_tokens_expand(demo):
    area = expand_service_area(("ORP:1376", "597571"), demo.municipalities)
    assert len(area) == 25 and "583031" in area and "597571" in area


def test_demo_services_meet_the_brief(demo):
    s = demo.services
    assert s.services["fictional"].all()
    assert s.services["service_name"].str.contains("(fiktivní)", regex=False).all()
    assert s.services["kind"].nunique() >= 12
    assert set(s.sites["form"]) == {"pob", "amb", "ter"}
    assert set(s.capacities["unit"]) >= {"luzka", "klient", "interv", "kontakt", "hovor"}
    ter = s.services.set_index("service_id").loc[s.sites.loc[s.sites["form"] == "ter", "service_id"].unique()]
    assert (ter["service_area"].map(len) > 0).all()
    two = s.sites.groupby(["service_id", "form"])["site_id"].nunique()
    assert (two >= 2).any()
    assert s.sites["secret_address"].sum() == 1
    secret_service = s.sites.loc[s.sites["secret_address"], "service_id"].iloc[0]
    assert s.services.set_index("service_id").loc[secret_service, "kind"] == "DruhSocialniSluzby/20"
    # both demo districts have services
    assert {"Z", "A"} == {sid[0] for sid in s.services["service_id"]}


def test_public_view_hides_secret_sites(demo):
    pub = demo.services.public_sites()
    secret = pub[pub["secret_address"]]
    assert len(secret) == 1
    assert secret.geometry.isna().all()
    assert (secret[["street", "house_number", "psc", "address_code"]] == "").all().all()
    assert secret["address_text"].iloc[0].startswith("adresa neveřejná")
    frame = services_to_frame(demo.services, public=True)
    text = frame.to_csv()
    assert "Lipová" not in text
    row = frame[frame["utajena_adresa"] == "ano"].iloc[0]
    assert row["lat"] == "" and row["lon"] == ""


def test_catalog_resolves_every_kind():
    c = default_catalog()
    assert len(KINDS) == 34 and len(c) == 34
    for k in KINDS.values():
        assert c.resolve(k.id) == k.id
        assert c.resolve(k.name_cs.upper()) == k.id
        if k.paragraph:
            assert c.resolve(f"§ {k.paragraph}") == k.id
    assert c.resolve("domovy pro seniory") == "DruhSocialniSluzby/13"
    assert c.resolve("nic takového") is None


def test_registry_codelist_is_authoritative():
    catalog = KindCatalog()
    changed = catalog.apply_registry_codelist([
        {"id": "DruhSocialniSluzby/13", "nazev": {"cs": "domovy pro seniory"}},
        {"id": "DruhSocialniSluzby/35", "nazev": {"cs": "centrum duševního zdraví"}},
        {"id": "DruhSocialniSluzby/99", "nazev": {"cs": "nový druh služby"}},
    ])
    assert "DruhSocialniSluzby/35" in catalog and catalog["DruhSocialniSluzby/35"].slug == "centrum_dusevniho_zdravi"
    assert catalog["DruhSocialniSluzby/99"].name_cs == "nový druh služby"
    assert "DruhSocialniSluzby/35" in changed and "DruhSocialniSluzby/13" not in changed


def test_site_with_coordinates_gets_its_obec_and_counts_in_capacity(tmp_path, obce_cr):
    from coverage_app.coverage import analyze
    from coverage_app.io.municipalities import load_district

    path = _write(tmp_path, [
        "S1,Stacionář A,DruhSocialniSluzby/10,amb,15,klient,,584282,49.0395,16.6188,ne,",
        "S2,Stacionář B,DruhSocialniSluzby/10,amb,30,klient,,,49.0920,16.6293,ne,",   # Rajhradice, no obec code
    ])
    s = locate_sites(read_services(path), obce_cr)
    assert s.sites.set_index("service_id").loc["S2", "kod_obce"] == "583766"
    res = analyze(load_district(obce_cr, "ORP:6221"), s)
    cap = res.capacity.set_index("service_kind").loc["DruhSocialniSluzby/10"]
    assert cap["total_capacity"] == 45 and cap["n_services"] == 2


def test_second_capacity_unit_of_the_same_site_and_form(tmp_path):
    path = _write(tmp_path, [
        "S1,Odlehčovací,DruhSocialniSluzby/8,pob,10,luzka,x,583758,49.09,16.60,ne,",
        "S1,Odlehčovací,DruhSocialniSluzby/8,pob,12,klient,x,583758,49.09,16.60,ne,",
    ])
    s = read_services(path)
    assert len(s.sites) == 1
    assert sorted(s.capacities["unit"]) == ["klient", "luzka"]


def test_secret_address_is_never_kept(tmp_path, demo):
    path = _write(tmp_path, ["S1,Azylový dům,azylové domy,pob,10,luzka,,583081,49.041,16.598,ano,"],
                  header=HEADER)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "utajena_adresa,uzemni_pusobnost", "utajena_adresa,uzemni_pusobnost,ulice,cislo_domovni").replace(
        ",ano,\n", ",ano,,Tajná,99\n"), encoding="utf-8")
    s = read_services(path)
    site = s.sites.iloc[0]
    assert site["street"] == "" and site["house_number"] == "" and site.geometry is None
    placed = locate_sites(s, demo.municipalities)
    assert placed.sites["location_method"].iloc[0] == "obec_point"
    bad = _write(tmp_path, ["S1,Azylový dům,azylové domy,pob,10,luzka,,,49.041,16.598,ano,"], name="bad.csv")
    with pytest.raises(DataError) as info:
        read_services(bad)
    assert info.value.problems[0].code == "err.secret_needs_obec"


def test_secret_site_without_obec_counts_by_its_declared_area(tmp_path, demo):
    from coverage_app.coverage import analyze
    from coverage_app.errors import Report

    path = _write(tmp_path, ["S1,Azylový dům,azylové domy,pob,10,luzka,,,,,ano,ORP:6221"], name="area.csv")
    warnings = Report()
    s = read_services(path, warnings=warnings)
    assert [p.code for p in warnings.problems] == ["warn.secret_by_area"]
    placed = locate_sites(s, demo.municipalities)
    from coverage_app.locate import expand_service_areas

    placed = expand_service_areas(placed, demo.municipalities)
    res = analyze(demo.district, placed)
    cap = res.capacity[res.capacity["service_kind"] == "DruhSocialniSluzby/20"]
    assert cap["total_capacity"].tolist() == [10.0]
    assert (res.coverage.loc[res.coverage["service_kind"] == "DruhSocialniSluzby/20", "nearest_site_id"] == "").all()


def test_infinite_or_nan_numbers_are_refused(tmp_path):
    for value in ("inf", "nan"):
        path = _write(tmp_path, [f"S1,A,DruhSocialniSluzby/10,amb,{value},klient,,584282,,,ne,"])
        with pytest.raises(DataError) as info:
            read_services(path)
        assert info.value.problems[0].code == "err.not_a_number"


def test_differing_names_of_one_service_are_a_warning_kind_is_an_error(tmp_path):
    path = _write(tmp_path, [
        "S1,Odlehčovací služby - nemocnice a.s.,DruhSocialniSluzby/8,pob,24,luzka,a,584282,,,ne,",
        "S1,Odlehčovací služby - nemocnice,DruhSocialniSluzby/8,pob,24,luzka,b,583081,,,ne,",
    ])
    report = Report()
    s = read_services(path, warnings=report)
    assert s.services["service_name"].tolist() == ["Odlehčovací služby - nemocnice a.s."]  # the first one
    [w] = report.warnings
    assert (w.code, w.row, w.column) == ("warn.service_conflict", 3, "nazev_sluzby")
    bad = _write(tmp_path, [
        "S1,Služba,DruhSocialniSluzby/8,pob,24,luzka,a,584282,,,ne,",
        "S1,Služba,DruhSocialniSluzby/13,pob,24,luzka,b,583081,,,ne,",
    ], name="zle.csv")
    with pytest.raises(DataError) as info:
        read_services(bad)
    assert [(p.code, p.row, p.column) for p in info.value.problems] == [("err.service_conflict", 3, "druh")]


def test_site_without_any_location_stays_in_the_catalogue_once_warned(tmp_path, demo):
    path = _write(tmp_path, [
        "S1,Domov,DruhSocialniSluzby/13,pob,49,luzka,,,,,ne,",
        "S2,Pečovatelská služba,DruhSocialniSluzby/4,ter,20,klient,,584282,,,ne,584282",
    ])
    report = Report()
    s = read_services(path, warnings=report)
    assert [(w.code, w.row, w.column) for w in report.warnings] == [("warn.site_no_location", 2, "kod_obce")]
    placed = locate_sites(s, demo.district.obce, warnings=report)
    # S1 is not reported a second time when placing; S2 is reported as placed at its obec's point
    assert [(w.code, w.row) for w in report.warnings] == [("warn.site_no_location", 2),
                                                          ("warn.site_at_obec_point", 3)]
    methods = placed.sites.set_index("service_id")["location_method"]
    assert methods["S1"] == "none" and methods["S2"] == "obec_point"
    assert placed.capacities.set_index("service_id").loc["S1", "capacity"] == 49


@pytest.mark.realdata
def test_real_registry_rows_load_as_a_table(realdata):
    """The flat registry extract (one row per service × facility × form) reads without errors."""
    path = realdata("mpsv_rpss_sample", "rpss_seniori_sample.csv")
    report = Report()
    s = read_services(path, warnings=report)
    raw = pd.read_csv(path, dtype=str)
    assert len(s.services) == raw["mpsv_portal_id"].nunique()
    assert report.errors == []
    # mpsv-4429: two facilities, 24 beds counted once for the service and form
    cap = s.capacities.set_index(["service_id", "form", "unit"])["capacity"]
    assert cap[("mpsv-4429", "pob", "luzka")] == 24
    assert s.sites.query("service_id == 'mpsv-4429'")["site_id"].nunique() == 2
    no_place = {w.row for w in report.warnings if w.code == "warn.site_no_location"}
    assert no_place == {i + 2 for i in raw.index[raw["kod_obce"].isna() & raw["lat"].isna()
                                                  & raw["kod_adresniho_mista"].isna()]}
