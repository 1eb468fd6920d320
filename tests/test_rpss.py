"""MPSV registry reader (rpss.json) on fictional fixtures in the real structure and on real sample rows."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from coverage_app.codelists import KindCatalog
from coverage_app.errors import DataError, Report
from coverage_app.io.addresses import read_address_points
from coverage_app.io.municipalities import read_municipalities
from coverage_app.io.rpss import (
    RegistryCodelists,
    iter_registry_items,
    read_codelist,
    read_codelist_items,
    read_rpss,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "rpss_mini.json"
DEMO_OBCE = Path(__file__).resolve().parents[1] / "geodata" / "obce_seed_districts.csv"
DAY = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def codelists() -> RegistryCodelists:
    return RegistryCodelists.from_dir(FIXTURES)


@pytest.fixture(scope="module")
def services(codelists: RegistryCodelists):
    return read_rpss(MINI, codelists, active_on=DAY)


def test_kinds_forms_units_and_capacity_counted_once(services) -> None:
    sv = services.services.set_index("service_id")
    assert sv.loc["9100001", "kind"] == "DruhSocialniSluzby/4"
    assert sv.loc["9100002", "kind"] == "DruhSocialniSluzby/13"
    # two sites share one capacity per form: 2 sites × 2 forms = 4 site rows, 2 capacity rows
    st = services.sites[services.sites["service_id"] == "9100001"]
    assert len(st) == 4 and st["site_id"].nunique() == 2
    assert sorted(st["form"].unique()) == ["amb", "ter"]
    cap = services.capacities[services.capacities["service_id"] == "9100001"]
    assert len(cap) == 2
    assert services.capacity_of("9100001", "ter", "klient") == 40
    assert services.capacity_of("9100001", "amb", "klient") == 5
    # respite care: three forms in two units
    assert services.capacity_of("9100004", "pob", "luzka") == 4
    assert services.capacity_of("9100004", "amb", "klient") == 3
    assert services.capacity_of("9100004", "ter", "klient") == 10
    assert services.capacity_of("9100006", "amb", "kontakt") == 6
    assert services.capacity_of("9100006", "ter", "interv") == 4


def test_sites_addresses_and_validity(services) -> None:
    st = services.sites.set_index(["site_id", "form"])
    a = st.loc[("9100001:adm90000001", "ter")]
    assert (a["kod_obce"], a["street"], a["house_number"], a["orientation_number"], a["psc"], a["address_code"]) == (
        "584282", "Náměstí Míru", "11", "2", "66701", "90000001")
    # the facility listed twice is one site; the ended facility is left out
    assert list(services.sites.loc[services.sites["service_id"] == "9100002", "site_id"]) == ["9100002:adm90000003"]
    # a facility without an address code keeps its obec and street
    d = services.sites[services.sites["service_id"] == "9100004"].iloc[0]
    assert d["address_code"] == "" and d["kod_obce"] == "583031" and d["street"] == "Polní"
    sv = services.services.set_index("service_id")
    assert "9100005" not in sv.index  # ended 2020-12-31
    assert sv.loc["9100002", "valid_from"] == dt.date(2005, 6, 1)
    assert sv.loc["9100002", "hours"] == "nepřetržitě"
    every = read_rpss(MINI, FIXTURES)  # without active_on the ended service is read
    assert "9100005" in set(every.services["service_id"])
    assert every.services.set_index("service_id").loc["9100005", "valid_to"] == dt.date(2020, 12, 31)
    assert len(every.active_on(DAY)) == len(services)


def test_provider_contacts_and_target_groups(services) -> None:
    sv = services.services.set_index("service_id")
    a = sv.loc["9100001"]
    assert a["provider_ico"] == "99000001"
    assert a["phone"] == "900000001, 900000002"
    assert a["email"] == "pecovatelska@example.invalid"
    assert a["web"] == "https://pecovatelska.example.invalid"
    assert a["service_name"].startswith("Pečovatelská služba Fiktivov")
    assert a["target_groups"] == ("seniori", "pecujici")
    # no contact of its own: the provider's
    assert sv.loc["9100004", "phone"] == "900000099"
    assert sv.loc["9100003", "target_groups"] == ("obeti_nasili",)
    # a group our list does not know keeps its registry name
    assert sv.loc["9100006", "target_groups"] == ("pecujici", "osoby v modelové situaci (fiktivní skupina)")
    assert sv.loc["9100007", "registry_kraje"] == ("116",)
    assert set(sv["service_area"]) == {()}


def test_secret_address_is_not_stored_and_not_public(services) -> None:
    st = services.sites[services.sites["service_id"] == "9100003"]
    assert len(st) == 1
    s = st.iloc[0]
    assert s["secret_address"]
    assert s["kod_obce"] == "584282"
    assert (s["street"], s["house_number"], s["orientation_number"], s["psc"], s["address_code"]) == ("",) * 5
    located = read_rpss(MINI, FIXTURES, active_on=DAY, municipalities=read_municipalities(DEMO_OBCE))
    sec = located.sites[located.sites["service_id"] == "9100003"].iloc[0]
    assert sec["location_method"] == "obec_point"
    public = located.public_sites()
    row = public[public["service_id"] == "9100003"].iloc[0]
    assert row.geometry is None and "adresa neveřejná" in row["address_text"]
    everything = located.services.to_csv() + located.sites.drop(columns="geometry").to_csv()
    assert "Skrytá" not in everything and "90000005" not in everything


def test_personal_data_never_read(services) -> None:
    tables = [services.services, services.sites.drop(columns="geometry"), services.capacities]
    text = " ".join(t.to_csv() for t in tables)
    assert "Tajmila" not in text and "Neunikajici" not in text
    raw = MINI.read_text(encoding="utf-8")
    assert "statutarniOrgany" in raw and "Neunikajici" in raw  # the fixture does carry them


def test_unknown_kind_from_codelist_or_left_out_with_warning(codelists) -> None:
    with_cl = read_rpss(MINI, codelists, active_on=DAY)
    assert "DruhSocialniSluzby/90" in with_cl.kinds
    assert with_cl.kinds["DruhSocialniSluzby/90"].name_cs.startswith("podpora pečujících")
    with pytest.raises(DataError) as info:
        read_rpss(MINI, active_on=DAY)
    p = info.value.problems[0]
    assert (p.code, p.row, p.column) == ("err.rpss_unknown_kind", 6, "druhSocialniSluzby")
    assert "DruhSocialniSluzby/90" in info.value.format("cs") and "druhy-socialni-sluzby.json" in p.message("cs")
    warnings = Report()
    without = read_rpss(MINI, active_on=DAY, warnings=warnings, unknown_kinds="skip")
    assert "9100006" not in set(without.services["service_id"])
    unknown = [p for p in warnings.problems if p.code == "warn.rpss_unknown_kind"]
    assert len(unknown) == 1 and unknown[0].row == 6 and unknown[0].column == "druhSocialniSluzby"
    assert "druhy-socialni-sluzby.json" in unknown[0].message("cs")


def test_filters_obce_kraje_kinds_and_bbox(codelists) -> None:
    district = read_rpss(MINI, codelists, active_on=DAY, obce={"584282", "583031"})
    assert "9100007" not in set(district.services["service_id"])
    assert len(district) == 5
    zlin = read_rpss(MINI, codelists, kraje=["CZ072"])
    assert read_rpss(MINI, kraje=["Zlínský kraj"]).services["service_id"].tolist() == ["9100007"]
    assert list(zlin.services["service_id"]) == ["9100007"]
    assert list(read_rpss(MINI, codelists, kraje=["Kraj/141"]).services["service_id"]) == ["9100007"]
    homes = read_rpss(MINI, codelists, only_kinds=["§ 49"])
    assert list(homes.services["service_id"]) == ["9100002"]
    points = read_address_points(sorted(FIXTURES.glob("*_ADR.csv")))
    # a box around Holasice only (its address points and its obec point)
    box = (-599900.0, -1174500.0, -599600.0, -1173800.0)
    inbox = read_rpss(MINI, codelists, active_on=DAY, bbox_5514=box, address_points=points,
                      municipalities=read_municipalities(DEMO_OBCE))
    assert set(inbox.services["service_id"]) == {"9100002", "9100004"}
    with pytest.raises(DataError) as info:
        read_rpss(MINI, codelists, bbox_5514=box)
    assert info.value.problems[0].code == "err.rpss_bbox_needs_points"


def test_sites_placed_by_address_points(codelists) -> None:
    points = read_address_points(sorted(FIXTURES.glob("*_ADR.csv")))
    warnings = Report()
    located = read_rpss(MINI, codelists, active_on=DAY, address_points=points,
                        municipalities=read_municipalities(DEMO_OBCE), warnings=warnings)
    st = located.sites.set_index(["site_id", "form"])
    a = st.loc[("9100001:adm90000001", "ter")]
    assert a["location_method"] == "address_point"
    assert (a.geometry.x, a.geometry.y) == pytest.approx((-599242.76, -1178029.78))
    d = located.sites[located.sites["service_id"] == "9100004"].iloc[0]
    assert d["location_method"] == "obec_point" and d["obec_name"] == "Holasice"


def test_streaming_in_tiny_chunks_gives_the_same(monkeypatch, codelists) -> None:
    whole = read_rpss(MINI, codelists, active_on=DAY)
    from coverage_app.io import rpss_stream

    monkeypatch.setattr(rpss_stream, "_CHUNK", 7)
    pieces = read_rpss(MINI, codelists, active_on=DAY)
    assert pieces.services.drop(columns=["source"]).equals(whole.services.drop(columns=["source"]))
    assert pieces.capacities.equals(whole.capacities)
    assert [n for n, _ in iter_registry_items(MINI)] == list(range(1, 8))


def test_codelists() -> None:
    kinds = read_codelist(FIXTURES / "druhy-socialni-sluzby.json")
    assert kinds["DruhSocialniSluzby/13"] == "domovy pro seniory"
    forms = read_codelist(FIXTURES / "formy-soc-sluzby.json")
    assert set(forms) == {"FormaSocialniSluzby/amb", "FormaSocialniSluzby/pob", "FormaSocialniSluzby/ter"}
    catalog = KindCatalog()
    catalog.apply_registry_codelist(read_codelist_items(FIXTURES / "druhy-socialni-sluzby.json"))
    assert catalog["DruhSocialniSluzby/20"].slug == "azylove_domy"


def test_bad_json_and_structure_are_data_errors(tmp_path: Path) -> None:
    broken = tmp_path / "rpss.json"
    broken.write_text('{"polozky": [{"identifikator": "1"}, {"identifikator": ', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_rpss(broken)
    p = info.value.problems[0]
    assert p.code == "err.bad_json" and p.row == 2 and p.file == "rpss.json"
    assert "neplatný JSON" in info.value.format("cs")
    nolist = tmp_path / "jine.json"
    nolist.write_text('{"data": []}', encoding="utf-8")
    with pytest.raises(DataError) as info2:
        read_rpss(nolist)
    assert info2.value.problems[0].code == "err.rpss_no_items"
    bad_items = tmp_path / "polozky.json"
    bad_items.write_text(json.dumps({"polozky": [
        "text", {"druhSocialniSluzby": {"id": "DruhSocialniSluzby/4"}},
        {"identifikator": "5", "druhSocialniSluzby": {"id": "DruhSocialniSluzby/4"}, "datumPoskytovaniOd": "1.1.x"},
    ]}), encoding="utf-8")
    with pytest.raises(DataError) as info3:
        read_rpss(bad_items)
    found = {(p.row, p.column, p.code) for p in info3.value.problems}
    assert (1, None, "err.rpss_not_object") in found
    assert (2, "identifikator", "err.rpss_no_id") in found
    assert (3, "datumPoskytovaniOd", "err.bad_date") in found
    assert "položka 2" not in info3.value.format("cs")  # the location reads "řádek 2"


def _registry_from_sample_rows(rows: list[dict[str, str]]) -> dict:
    """Items in the rpss.json structure built from the real sample rows (one row per service × facility × form)."""
    by_service: dict[str, dict] = {}
    facilities: dict[str, dict[tuple, dict]] = defaultdict(dict)
    forms: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in rows:
        sid = r["mpsv_portal_id"]
        by_service.setdefault(sid, {
            "portalId": int(sid.split("-")[1]), "id": None, "identifikator": sid,
            "datumPoskytovaniOd": r["datum_poskytovani_od"] or None, "datumPoskytovaniDo": r["datum_poskytovani_do"] or None,
            "kontaktniAdresy": [], "druhSocialniSluzby": {"id": r["druh_kod"]},
            "poskytovatel": {"nazev": r["poskytovatel_nazev"], "ico": r["poskytovatel_ico"]},
            "emaily": [], "telefony": [], "faxy": [], "weby": [], "ciloveSkupiny": [
                {"cilovaSkupina": {"id": "CilovaSkupinaOsoby/24"}}],
            "vekoveSkupiny": [], "doplnujiciInformaceVekoveSkupiny": None, "rozsirenePusobnostiVKraji": [],
            "doplnkoveUdaje": None,
        })
        key = (r["kod_adresniho_mista"], r["ulice"], r["cislo_domovni"], r["nazev_sluzby"])
        facilities[sid].setdefault(key, {
            "nazev": r["nazev_sluzby"], "utajenaAdresa": False, "poskytujeOd": None, "poskytujeDo": None,
            "adresa": None if not (r["kod_adresniho_mista"] or r["kod_obce"]) else {
                "kodAdresnihoMista": int(r["kod_adresniho_mista"]) if r["kod_adresniho_mista"] else None,
                "psc": r["psc"] or None, "obec": {"id": f"Obec/{r['kod_obce']}"} if r["kod_obce"] else None,
                "ulice": {"nazev": r["ulice"]} if r["ulice"] else None,
                "cisloDomovni": int(r["cislo_domovni"]) if r["cislo_domovni"] else None,
                "cisloOrientacni": r["cislo_orientacni"] or None},
        })
        form = forms[sid].setdefault(r["forma"], {"forma": {"id": f"FormaSocialniSluzby/{r['forma']}"},
                                                  "nepretrzitePoskytovani": None, "casoveRozsahy": None,
                                                  "kapacity": []})
        cap = {"pocet": int(r["kapacita_pocet"]), "popis": None,
               "typ": {"id": f"TypKapacitySocialniSluzby/{r['kapacita_typ']}"}}
        if cap not in form["kapacity"]:
            form["kapacity"].append(cap)
    items = []
    for sid, item in by_service.items():
        item["zarizeni"] = list(facilities[sid].values())
        item["formy"] = list(forms[sid].values())
        items.append(item)
    return {"polozky": items}


@pytest.mark.realdata
def test_real_sample_rows_round_trip(tmp_path: Path, realdata) -> None:  # noqa: ANN001
    sample = realdata("mpsv_rpss_sample", "rpss_seniori_sample.csv")
    with sample.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = tmp_path / "rpss.json"
    path.write_text(json.dumps(_registry_from_sample_rows(rows), ensure_ascii=False), encoding="utf-8")
    services = read_rpss(path)
    expected_caps = {(r["mpsv_portal_id"], r["forma"], r["kapacita_typ"]): float(r["kapacita_pocet"]) for r in rows}
    got = {(c.service_id, c.form, c.unit): c.capacity for c in services.capacities.itertuples()}
    assert got == expected_caps  # one capacity per service × form × unit, never per facility
    kinds = {r["mpsv_portal_id"]: r["druh_kod"] for r in rows}
    assert dict(zip(services.services["service_id"], services.services["kind"])) == kinds
    # mpsv-4429: two facilities × two forms, capacity 24 beds counted once
    st = services.sites[services.sites["service_id"] == "mpsv-4429"]
    assert st["site_id"].nunique() == 2 and len(st) == 4
    assert services.capacities.query("service_id == 'mpsv-4429' and unit == 'luzka'")["capacity"].sum() == 24
    forms = defaultdict(set)
    for r in rows:
        forms[r["mpsv_portal_id"]].add(r["forma"])
    got_forms = services.sites.groupby("service_id")["form"].agg(set).to_dict()
    assert {k: v for k, v in got_forms.items()} == {k: v for k, v in forms.items() if k in got_forms}
