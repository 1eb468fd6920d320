"""The interactive maps (planner, public, HTML export): offline assets, classes, lists, secrets."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from coverage_app.coverage import analyze
from coverage_app.maps import interactive as im
from coverage_app.model import Services

SECRET_SERVICE = "Z-AD-01"
SECRET_STREET = "Lipová"
SECRET_LATLON = (49.04160, 16.59830)  # services_data/demo_sluzby.csv, row of Z-AD-01


@pytest.fixture(scope="module")
def analysis(demo):
    return analyze(demo.district, demo.services)


@pytest.fixture(scope="module")
def assets() -> im.MapAssets:
    return im.static_assets("/app/static/cov-test")


def _external_refs(page: str) -> list[str]:
    """Resources the page would load from off the machine: ``<script src>``, ``<link href>``,
    ``<img src>``, ``<iframe src>`` and CSS ``url()`` (plain links to a service's website are
    not loaded and do not count)."""
    refs = re.findall(r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""",
                      page, re.I)
    refs += re.findall(r"url\(\s*['\"]?([^)'\"]+)", page)
    return [r for r in refs if r.startswith(("http:", "https:", "//"))]


def _script_data(page: str) -> dict:
    """The JSON passed to ``CoverageMap.publicPage`` in an exported page."""
    m = re.search(r"CoverageMap\.publicPage\((\{.*\})\);</script>", page, re.S)
    assert m, "the export calls CoverageMap.publicPage with its data"
    return json.loads(m.group(1).replace("<\\/", "</"))


def _min_distance_m(points: list[tuple[float, float]], lat: float, lon: float) -> float:
    if not points:
        return float("inf")
    arr = np.asarray(points, dtype=float)
    dy = (arr[:, 0] - lat) * 111_320.0
    dx = (arr[:, 1] - lon) * 111_320.0 * np.cos(np.radians(lat))
    return float(np.sqrt(dx ** 2 + dy ** 2).min())


# ---------------------------------------------------------------------------------------------
# Assets
# ---------------------------------------------------------------------------------------------
def test_assets_come_from_installed_packages_and_install_once(tmp_path):
    files = im.asset_files()
    assert {"leaflet.js", "leaflet.css", "coverage_map.js", "coverage_map.css"} <= set(files)
    assert "Leaflet 1.9" in files["leaflet.js"].read_text(encoding="utf-8")[:300]
    name = im.install_assets(tmp_path)
    assert name == f"cov-{im.assets_version()}"
    for rel in files:
        assert (tmp_path / name / rel).is_file()
    stamp = (tmp_path / name / "leaflet.js").stat().st_mtime_ns
    assert im.install_assets(tmp_path) == name  # idempotent
    assert (tmp_path / name / "leaflet.js").stat().st_mtime_ns == stamp
    (tmp_path / "cov-old").mkdir()
    im.install_assets(tmp_path)
    assert (tmp_path / "cov-old").exists()  # stale folders are removed only on a new install


def test_static_and_inline_assets_never_point_to_a_cdn():
    st = im.static_assets("/app/static/cov-x")
    assert [u for _, u in st.js] == ["/app/static/cov-x/leaflet.js", "/app/static/cov-x/coverage_map.js"]
    inline = im.inline_assets()
    for _, url in inline.js + inline.css:
        assert url.startswith("data:")


def test_planner_map_uses_only_local_assets_and_no_tiles_offline(analysis, assets):
    m = im.planner_map(analysis, assets=assets, basemap=False)
    page = m.get_root().render()
    assert _external_refs(page) == []
    assert "/app/static/cov-test/leaflet.js" in page
    assert "tile.openstreetmap.org" not in page
    assert "CoverageMap.obce" in page and "CoverageMap.sites" in page and "CoverageMap.legend" in page


def test_planner_map_adds_osm_tiles_with_attribution_when_asked(analysis, assets):
    page = im.planner_map(analysis, assets=assets, basemap=True).get_root().render()
    assert "tile.openstreetmap.org" in page
    assert "www.openstreetmap.org/copyright" in page and "contributors" in page


# ---------------------------------------------------------------------------------------------
# Planner map: indicators, classes, obce as points or polygons, sites
# ---------------------------------------------------------------------------------------------
def test_gap_indicator_counts_gaps_of_the_chosen_kinds(analysis):
    cov = analysis.coverage
    kinds = ["DruhSocialniSluzby/3", "DruhSocialniSluzby/32"]
    values = im.indicator_values(analysis, "gaps", kinds)
    expected = cov[cov["service_kind"].isin(kinds)].groupby("municipality_code")["gap"].sum()
    assert list(values.index) == analysis.district.codes
    assert values.to_dict() == {k: float(expected.get(k, 0)) for k in analysis.district.codes}


def test_classify_travel_time_uses_the_bands_and_no_site():
    values = pd.Series([5.0, 15.0, 20.0, 44.0, 60.0, np.nan], index=list("abcdef"))
    c = im.classify(values, "travel_time_min", bands_min=(15, 30, 45))
    assert c.labels == ("do 15 min", "15–30 min", "30–45 min", "nad 45 min", "žádné zařízení")
    assert c.index.tolist() == [0, 0, 1, 2, 3, 4]
    assert len(set(c.colours)) == 5
    assert c.colour_of("f") == c.colours[4]


def test_classify_booleans_and_gap_counts():
    yes_no = im.classify(pd.Series([True, False, None], index=list("abc"), dtype=object), "reachable")
    assert yes_no.labels == ("ano", "ne")
    assert yes_no.index.tolist() == [0, 1, -1]
    gaps = im.classify(pd.Series([0, 1, 2, 7], index=list("abcd"), dtype=float), "gaps")
    assert gaps.labels == ("0", "1", "2", "3", "4 a více")
    assert gaps.index.tolist() == [0, 1, 2, 4]


def test_classify_continuous_values_keeps_zero_apart():
    values = pd.Series([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, np.nan], index=list("abcdefg"))
    c = im.classify(values, "e2sfca_per_1000", lang="en")
    assert c.labels[0] == "0"
    assert c.index["a"] == 0 and c.index["g"] == -1
    assert (c.index[["b", "c", "d", "e", "f"]] >= 1).all()
    assert c.index["f"] == len(c.labels) - 1


def test_points_only_district_gets_circles_never_polygons(demo, analysis):
    assert not demo.district.has_polygons
    fc = im.obec_features(demo.district, classes=im.classify(im.indicator_values(analysis, "gaps"), "gaps"),
                          values=im.indicator_values(analysis, "gaps"), indicator="gaps", selected="583758")
    assert len(fc["features"]) == len(demo.district)
    assert {f["geometry"]["type"] for f in fc["features"]} == {"Point"}
    radii = {f["properties"]["kod"]: f["properties"]["r"] for f in fc["features"]}
    pop = demo.district.obce.set_index("kod_obce")["population"]
    assert radii[pop.idxmax()] == max(radii.values())  # area grows with population
    sel = [f for f in fc["features"] if f["properties"]["sel"]]
    assert [f["properties"]["kod"] for f in sel] == ["583758"]
    assert "(583758)" in sel[0]["properties"]["tip"]  # the app reads the clicked obec from here


@pytest.mark.realdata
def test_district_with_polygons_gets_polygons(realdata, demo, assets):
    from coverage_app.io.municipalities import load_district

    district = load_district(realdata("covidvobcich", "obce_polygony_cr.gpkg"), "ORP:6221")
    assert district.has_polygons
    a = analyze(district, demo.services)
    fc = im.obec_features(district, classes=im.classify(im.indicator_values(a, "gaps"), "gaps"),
                          values=im.indicator_values(a, "gaps"), indicator="gaps")
    assert {f["geometry"]["type"] for f in fc["features"]} <= {"Polygon", "MultiPolygon"}
    assert all("r" not in f["properties"] for f in fc["features"])
    page = im.planner_map(a, assets=assets).get_root().render()
    assert '"type":"Polygon"' in page or '"type":"MultiPolygon"' in page
    assert "Kruh = obec" not in page  # the circle note belongs to points-only districts


def test_planner_sites_colour_by_kind_shape_by_form(analysis):
    kinds = ["DruhSocialniSluzby/13", "DruhSocialniSluzby/4", "DruhSocialniSluzby/20"]
    colours = im.kind_colours(kinds)
    sites = im.planner_sites(analysis, kinds, colours=colours)
    by_id = {s["id"]: s for s in sites}
    home = next(s for s in sites if s["tip"].startswith("<b>Domov pro seniory Rajhrad"))
    assert home["s"] == "square" and home["c"] == colours["DruhSocialniSluzby/13"]
    assert by_id["Z-PS-01-zid"]["s"] == "triangle"
    secret = [s for s in sites if "neveřejná" in s["tip"]]
    assert secret and all(s.get("d") == 1 for s in secret)  # planners see it, dashed
    assert len(set(colours.values())) == 3


def test_planner_sites_mark_closed_sites(analysis):
    sites = im.planner_sites(analysis, changes={"Z-DST-01-hru": "removed"})
    removed = [s for s in sites if s["id"] == "Z-DST-01-hru"]
    assert removed and removed[0]["c"] == "#FFFFFF"


def test_planner_layers_apart_from_a_base_map_that_stays_the_same(demo, analysis, assets):
    from coverage_app.scenario import RemoveSite, Scenario, run_scenario

    closed = "Z-DST-01-hru"
    scenario = run_scenario(analysis, Scenario("x", (RemoveSite(site_id=closed),)))
    base = im.planner_base_map(demo.district, assets=assets).get_root().render()
    assert "CoverageMap.fit(" in base and "CoverageMap.sites(" not in base and "CoverageMap.obce(" not in base

    before = im.planner_layers(analysis)
    after = im.planner_layers(scenario, site_changes={closed: "removed"}, baseline=analysis)
    assert [fn for fn, _, _ in before.calls] == ["obce", "sites", "legend"]
    assert before.calls != after.calls and after.size > 0
    sites = json.loads(dict((fn, p) for fn, p, _ in after.calls)["sites"])
    mark = [s for s in sites if s["id"] == closed]
    assert mark and mark[0]["c"] == "#FFFFFF"  # a closed site is drawn (from the baseline), white and dashed
    assert [s["id"] for s in json.loads(dict((fn, p) for fn, p, _ in before.calls)["sites"])].count(closed) == 1

    # the whole map is the base map with the layers in a feature group that draws them
    page = im.planner_map(scenario, assets=assets, site_changes={closed: "removed"}, baseline=analysis)
    page = page.get_root().render()
    assert "L.featureGroup(" in page
    for fn, payload, _ in after.calls:
        assert f"CoverageMap.{fn}(feature_group_" in page and payload in page


def test_map_layers_are_cached_json_and_make_a_new_feature_group_each_time(analysis):
    layers = im.planner_layers(analysis, indicator="travel_time_min", legend_parts=("classes",))
    a, b = layers.feature_group(), layers.feature_group()
    assert a is not b and len(a._children) == len(b._children) == len(layers.calls)
    for fn, payload, options in layers.calls:
        json.loads(payload)
        json.loads(options)
    assert layers == im.planner_layers(analysis, indicator="travel_time_min", legend_parts=("classes",))


# ---------------------------------------------------------------------------------------------
# Public list and map
# ---------------------------------------------------------------------------------------------
def test_service_reach_agrees_with_obec_detail_for_public_sites(analysis):
    reach = im.service_reach(analysis)
    for code in analysis.district.codes:
        detail = analysis.obec_detail(code, public=True)
        detail = detail[~detail["secret_address"]]
        here = reach[reach["kod_obce"] == code]
        assert set(zip(detail["service_id"], detail["form"])) == set(zip(here["service_id"], here["form"])), code
    assert SECRET_SERVICE not in set(reach["service_id"])  # no travel time to a secret site, ever


def test_public_listing_for_rajhrad(analysis):
    listing = im.public_listing(analysis, kod_obce="583758")
    assert listing.obec_name == "Rajhrad"
    names = listing.entries["name"].tolist()
    assert "Domov pro seniory Rajhrad (fiktivní)" in names
    home = listing.entries.set_index("name").loc["Pečovatelská služba Židlochovicko (fiktivní)"]
    assert bool(home["comes_home"])
    assert SECRET_SERVICE not in set(listing.entries["service_id"])
    secret = listing.secret.set_index("service_id").loc[SECRET_SERVICE]
    assert secret["address"] == "adresa neveřejná, volejte +420 000 000 112"
    assert secret["phone"] == "+420 000 000 112"
    assert SECRET_STREET not in listing.entries.to_string() + listing.secret.to_string()


def test_public_listing_filters(analysis):
    everything = im.public_listing(analysis)
    seniors = im.public_listing(analysis, situation="seniori")
    assert 0 < len(seniors.entries) < len(everything.entries)
    kind = im.public_listing(analysis, kind="DruhSocialniSluzby/13")
    assert set(kind.entries["kind"]) == {"DruhSocialniSluzby/13"}
    families = im.public_listing(analysis, target_group="obeti_nasili")
    assert families.entries.empty and SECRET_SERVICE in set(families.secret["service_id"])


def test_public_list_html_is_the_text_alternative(analysis):
    listing = im.public_listing(analysis, kod_obce="583758")
    page = im.public_list_html(listing)
    assert page.count('<li class="cm-item"') == len(listing.entries) + len(listing.secret)
    assert "tel:+420000000103" in page
    assert "adresa neveřejná, volejte +420 000 000 112" in page
    assert SECRET_STREET not in page
    assert "<svg" not in page  # symbols as <img>, so Streamlit's sanitiser keeps them


def test_public_sites_leave_out_secret_sites(demo):
    sites = im.public_sites(demo.services)
    assert SECRET_SERVICE not in {s["id"] for s in sites}
    assert all(SECRET_STREET not in s["a"] for s in sites)
    assert _min_distance_m([(s["la"], s["lo"]) for s in sites], *SECRET_LATLON) > 50
    placed = demo.services.public_sites()
    placed = placed[placed.geometry.notna()]
    assert len(sites) == placed.drop_duplicates(["site_id", "service_id"]).shape[0]


def test_public_map_has_one_cluster_layer(demo, assets):
    sites = im.public_sites(demo.services)
    page = im.public_map(demo.district, sites, assets=assets, home="583758").get_root().render()
    assert page.count("CoverageMap.clusters(") == 1
    assert "CoverageMap.home(" in page
    assert SECRET_STREET not in page
    assert _external_refs(page) == []


# ---------------------------------------------------------------------------------------------
# Standalone HTML export
# ---------------------------------------------------------------------------------------------
def test_export_is_one_offline_file_without_secrets(demo, analysis, tmp_path):
    path = im.export_public_map(demo.district, demo.services, analysis, tmp_path / "mapa.html")
    page = path.read_text(encoding="utf-8")
    assert _external_refs(page) == []
    assert "<script src" not in page and "<link" not in page
    assert "Leaflet 1.9.4" in page  # inlined
    assert "CoverageMap.publicPage(" in page
    assert "Kde najdu pomoc?" in page and 'lang="cs"' in page
    assert SECRET_STREET not in page and "Lipová 13" not in page
    assert "adresa neveřejná, volejte +420 000 000 112" in page
    data = _script_data(page)
    assert _min_distance_m([(s["la"], s["lo"]) for s in data["sites"]], *SECRET_LATLON) > 50
    assert f"{SECRET_LATLON[1]:.4f}" not in page
    assert data["tiles"] is None
    codes = set(demo.district.codes)
    for attr in re.findall(r'data-obce="([^"]*)"', page):
        assert set(attr.split()) <= codes
    assert page.count("<option value=") == len(demo.district) + 1


def test_export_with_basemap_and_english(demo, analysis, tmp_path):
    page = im.export_public_map(demo.district, demo.services, analysis, tmp_path / "en.html", lang="en",
                                basemap=True).read_text(encoding="utf-8")
    assert 'lang="en"' in page and "Where can I find help?" in page
    assert _script_data(page)["tiles"]["url"].startswith("https://tile.openstreetmap.org/")
    assert SECRET_STREET not in page


def _synthetic_services(demo, n: int = 7000) -> Services:
    """``n`` fictional services spread over the district's bounding box (for size checks)."""
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = demo.district.obce.total_bounds
    codes = demo.district.codes
    kinds = [k for k in demo.services.kinds_present() if k.startswith("DruhSocialniSluzby/")]
    sv, st, cp = [], [], []
    for i in range(n):
        sid = f"S{i:05d}"
        kind = kinds[i % len(kinds)]
        form = demo.services.kinds[kind].forms[0]
        sv.append({"service_id": sid, "service_name": f"Služba {i}", "provider_name": "Poskytovatel", "kind": kind,
                   "target_groups": ("seniori",), "phone": "+420 000 000 000", "fictional": True})
        st.append({"service_id": sid, "site_id": f"{sid}-1", "site_name": f"Místo {i}", "form": form,
                   "kod_obce": codes[i % len(codes)], "obec_name": "", "street": "Ulice", "house_number": str(i),
                   "secret_address": i % 500 == 0, "location_method": "coordinates",
                   "geometry": Point(rng.uniform(x0, x1), rng.uniform(y0, y1))})
        cp.append({"service_id": sid, "form": form, "unit": demo.services.kinds[kind].units[0], "capacity": 10})
    return Services(pd.DataFrame(sv), gpd.GeoDataFrame(st, geometry="geometry", crs="EPSG:5514"),
                    pd.DataFrame(cp), demo.services.kinds)


@pytest.mark.slow
def test_seven_thousand_services_make_one_compact_layer(demo, assets, tmp_path):
    services = _synthetic_services(demo)
    sites = im.public_sites(services)
    assert len(sites) == 7000 - 14  # every 500th is secret
    page = im.public_map(demo.district, sites, assets=assets).get_root().render()
    assert page.count("CoverageMap.clusters(") == 1
    assert page.count("L.marker(") == 0 and page.count("L.circleMarker(") == 0  # no per-site markers
    assert len(page) < 3_500_000


def test_cli_exports_the_public_map(tmp_path):
    from click.testing import CliRunner

    from coverage_app.cli import cli

    out = tmp_path / "verejna.html"
    result = CliRunner().invoke(cli, ["export", "public-map", "--demo", "--district", "ORP:6221", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "CoverageMap.publicPage(" in page and SECRET_STREET not in page
    bad = CliRunner().invoke(cli, ["export", "public-map", "--demo", "--out", str(tmp_path / "x.pdf")])
    assert bad.exit_code != 0


@pytest.mark.parametrize("web,href", [("https://example.org/a", "https://example.org/a"),
                                      ("www.obec.cz", "https://www.obec.cz"), ("javascript:alert(1)", ""),
                                      ("data:text/html,x", ""), ('https://a" onmouseover="x', "")])
def test_only_web_addresses_are_linked_in_the_list(web, href):
    from coverage_app.maps.interactive.public_list import safe_url

    assert safe_url(web) == href


def test_find_obce_ignores_diacritics_case_and_finds_parts():
    from coverage_app.maps.interactive.public import find_obce

    names = {"1": "Liptaň", "2": "Hrušovany u Brna", "3": "Rajhrad", "4": "Rajhradice", "5": "Brno"}
    parts = {"3": "Loučky;Rajhrad-zámek", "1": ""}
    assert find_obce("liptan", names) == ["1"]
    assert find_obce("HRUSOVANY", names) == ["2"]
    assert find_obce("brn", names) == ["5", "2"]  # name start before a word start
    assert find_obce("rajhrad", names) == ["3", "4"]  # the exact name first
    assert find_obce("loucky", names, parts) == ["3"]  # a part of an obec
    assert find_obce("  ", names) == [] and find_obce("x", names) == []


def test_public_card_reach_labels_call_button_and_czech_spaces(demo):
    from coverage_app.coverage import analyze
    from coverage_app.maps.interactive.public import public_listing
    from coverage_app.maps.interactive.public_list import public_list_html

    listing = public_listing(analyze(demo.district, demo.services), kod_obce="583499")
    reach = dict(zip(listing.entries["name"], listing.entries["reach"]))
    assert reach["Linka důvěry Jih (fiktivní)"] == "remote"  # a telephone line never "comes home"
    assert reach["Raná péče Brno-venkov (fiktivní)"] == "home"
    assert reach["Domov pro seniory Rajhrad (fiktivní)"] == "live"
    assert reach["Denní stacionář Slunce (fiktivní)"] == "visit"
    page = public_list_html(listing, group=True)
    assert "Pomoc na dálku – zavolejte" in page and "Přijde za vámi domů" in page
    assert 'class="cm-call" href="tel:+420000000102"' in page
    assert "Zavolat +420\u00a0000\u00a0000\u00a0102" in page  # the number never breaks
    assert page.index("Stáří a péče o blízké (") < page.index("Denní stacionář Slunce")


def test_public_site_data_and_folder(demo, tmp_path):
    """The static site: every file in place, the data as JSON and as a script, no secret address,
    bus times and 'comes home' per obec."""
    import json

    from coverage_app.coverage import analyze
    from coverage_app.demo import load_demo_timetable
    from coverage_app.maps.interactive.public_site import export_public_site
    from coverage_app.transit import TransitRouter

    a = analyze(demo.district, demo.services, transit=TransitRouter(load_demo_timetable()))
    index = export_public_site(a, tmp_path / "web", source="Ukázková data")
    web = tmp_path / "web"
    for rel in ("index.html", "assets/leaflet.js", "assets/coverage_map.js", "assets/public_site.js",
                "assets/public_site.css", "data/sluzby.json", "data/sluzby.js"):
        assert (web / rel).exists(), rel
    page = index.read_text(encoding="utf-8")
    assert "<script>" not in page and "script-src 'self'" in page  # no inline script
    data = json.loads((web / "data" / "sluzby.json").read_text(encoding="utf-8"))
    everything = (web / "data" / "sluzby.js").read_text(encoding="utf-8") + page
    assert "Lipová" not in everything and "16.5983" not in everything  # the secret address
    assert any("volejte" in s["address"] for s in data["secret"])
    code = demo.district.obce.set_index("nazev_obce").loc["Nesvačilka", "kod_obce"]
    rows = data["reach"][code]
    names = {data["services"][r[0]]["name"]: r for r in rows}
    assert names["Raná péče Brno-venkov (fiktivní)"][1] == "home"
    assert names["Linka důvěry Jih (fiktivní)"][1] == "remote"
    day_centre = names["Denní stacionář Slunce (fiktivní)"]
    assert day_centre[1] == "visit" and day_centre[2] > 0 and day_centre[4] is not None  # car and bus minutes
    assert {o["key"] for o in data["obce"]} >= {"nesvacilka", "hrusovany u brna"}
