"""Generated corpus of bad inputs, second part: municipality vector files, roads, the MPSV registry,
zip archives and stored projects, run through ``coverage-app validate``, ``import`` and ``analyze``.

Every case keeps the contract of :mod:`tests.corpus_contract`.
"""

from __future__ import annotations

import copy
import json
import warnings
import zipfile
from pathlib import Path

import pytest

from tests.corpus_contract import Case, check_contract, param

FIXTURES = Path(__file__).resolve().parent / "fixtures"
X0, Y0 = -600_000.0, -1_160_000.0  # near Židlochovice, EPSG:5514


# ---------------------------------------------------------------------------------------------
# municipality vector files
# ---------------------------------------------------------------------------------------------
def _square(x0: float, y0: float, size: float = 1000.0):
    from shapely.geometry import Polygon

    return Polygon([(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size)])


def _bow_tie(x0: float, y0: float):
    from shapely.geometry import Polygon

    return Polygon([(x0, y0), (x0 + 1000, y0 + 1000), (x0 + 1000, y0), (x0, y0 + 1000)])


def obce_file(rows=None, crs: object = "EPSG:5514", *, drop_prj: bool = False, population=None,
              code_column: str = "KOD_OBEC", empty: bool = False):
    """A function writing obce (``rows`` of (code, name, geometry)) in the format of the file's suffix."""
    def write(path: Path) -> None:
        import geopandas as gpd

        data = rows if rows is not None else [("584282", "Židlochovice", _square(X0, Y0)),
                                              ("583758", "Rajhrad", _square(X0 + 2000, Y0))]
        attrs = {code_column: [r[0] for r in data], "NAZ_OBEC": [r[1] for r in data]}
        if population is not None:
            attrs["POCET_OBYVATEL"] = population
        gdf = gpd.GeoDataFrame(attrs, geometry=[r[2] for r in data], crs=crs)
        if empty:
            gdf = gdf.iloc[0:0]
        with warnings.catch_warnings():  # pyogrio warns about a file without a CRS: that is the case
            warnings.simplefilter("ignore", UserWarning)
            gdf.to_file(path)
        if drop_prj:
            path.with_suffix(".prj").unlink()
    return write


def _shapefile_zip(path: Path) -> None:
    """A zipped shapefile of two obce."""
    folder = path.parent / "shp"
    folder.mkdir()
    obce_file()(folder / "obce.shp")
    with zipfile.ZipFile(path, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)


def v(case_id: str, name: str, content, outcome: str = "refused", row: int | None = None,
      column: str | None = None, *words: str) -> object:
    return param(Case(case_id, {name: content}, outcome, row, column, words))


def _points_mixed():
    from shapely.geometry import Point

    return [("584282", "Židlochovice", _square(X0, Y0)), ("583758", "Rajhrad", _square(X0 + 2000, Y0)),
            ("583766", "Rajhradice", Point(X0 + 5000, Y0))]


def _with_empty():
    from shapely.geometry import Polygon

    return [("584282", "Židlochovice", _square(X0, Y0)), ("583758", "Rajhrad", Polygon())]


GEOJSON_METRES_NO_CRS = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"KOD_OBEC": "584282", "NAZ_OBEC": "Židlochovice"},
     "geometry": {"type": "Point", "coordinates": [X0, Y0]}}]})

MUNICIPALITY_FILES = [
    v("obce-gpkg-header-only", "obce.gpkg", obce_file(empty=True), "refused", None, None, "žádnou obec"),
    v("obce-geojson-no-features", "obce.geojson", '{"type": "FeatureCollection", "features": []}', "refused"),
    v("obce-gpkg-no-crs", "obce.gpkg", obce_file(crs=None), "refused", None, None, "souřadnicový systém"),
    v("obce-shp-no-prj", "obce.shp", obce_file(drop_prj=True), "refused", None, None, ".prj"),
    v("obce-geojson-metres-no-crs", "obce.geojson", GEOJSON_METRES_NO_CRS, "refused", None, None, "EPSG:5514"),
    v("obce-metres-declared-4326", "obce.gpkg", obce_file(crs="EPSG:4326"), "refused", None, None, "v metrech"),
    v("obce-mixed-geometry", "obce.gpkg", obce_file(rows=_points_mixed()),
      "refused", 3, "geometry", "míchá druhy geometrie"),
    v("obce-bow-tie-repaired", "obce.gpkg", obce_file(rows=[("584282", "Židlochovice", _square(X0, Y0)),
                                                           ("583758", "Rajhrad", _bow_tie(X0 + 2000, Y0))]),
      "warned", 2, "geometry", "583758 Rajhrad", "opravena"),
    v("obce-empty-geometry", "obce.gpkg", obce_file(rows=_with_empty()), "refused", 2),
    v("obce-duplicate-code", "obce.gpkg", obce_file(rows=[("584282", "Židlochovice", _square(X0, Y0)),
                                                          ("584282", "Rajhrad", _square(X0 + 2000, Y0))]),
      "refused", 2, "KOD_OBEC", "opakuje"),
    v("obce-missing-code-column", "obce.gpkg", obce_file(code_column="CISLO"), "refused", None, None, "KOD_OBEC"),
    v("obce-population-1e12", "obce.gpkg", obce_file(population=[1e12, 3700]), "refused", 1, "POCET_OBYVATEL",
      "nemůže mít"),
    v("obce-population-2-million", "obce.gpkg", obce_file(population=[2e6, 3700]), "warned", 1, "POCET_OBYVATEL",
      "překlep"),
    v("obce-population-negative", "obce.gpkg", obce_file(population=[-3800, 3700]), "refused", 1, "POCET_OBYVATEL",
      "záporná"),
    v("obce-population-text", "obce.gpkg", obce_file(population=["hodně", "3700"]), "refused", 1, "POCET_OBYVATEL",
      "není číslo"),
    v("obce-bad-code", "obce.gpkg", obce_file(rows=[("Židlo", "Židlochovice", _square(X0, Y0))]), "refused", 1,
      "KOD_OBEC", "není kód obce"),
    v("obce-outside-czechia", "obce.gpkg", obce_file(rows=[("584282", "Židlochovice", _square(X0 + 900_000, Y0))]),
      "refused", 1, "geometry", "mimo Českou republiku"),
    v("obce-gpkg-not-sqlite", "obce.gpkg", b"this is no GeoPackage\n" * 20, "refused", None, None, "nelze přečíst"),
    v("obce-geojson-truncated", "obce.geojson", GEOJSON_METRES_NO_CRS[:60], "refused", None, None, "nelze přečíst"),
    v("obce-zipped-shp-accepted", "obce.zip", _shapefile_zip, "accepted"),
    param(Case("obce-unknown-orp-code", {"obce.csv": "kod_obce,nazev_obce,kod_orp,lat,lon\n"
                                         "584282,Židlochovice,12,49.0395,16.6188\n"}, "warned", 2, "kod_orp", ("12",))),
]


# ---------------------------------------------------------------------------------------------
# roads
# ---------------------------------------------------------------------------------------------
def roads_file(lines=None, classes=None, crs: object = "EPSG:5514", *, class_column: str = "TRIDA"):
    """A function writing road lines (default: a connected grid around Židlochovice)."""
    def write(path: Path) -> None:
        import geopandas as gpd

        data = lines if lines is not None else []
        cls = classes if classes is not None else ["silnice I. třídy"] * len(data)
        gdf = gpd.GeoDataFrame({class_column: cls}, geometry=data, crs=crs)
        gdf.to_file(path)
    return write


def _far_lines():
    from shapely.geometry import LineString

    # 280 km east of ORP Židlochovice (still in the file's CRS, far from the district)
    return [LineString([(-598_000 + 280_000 + 1000 * i, -1_162_000), (-597_000 + 280_000 + 1000 * i, -1_162_000)])
            for i in range(20)]


def _unconnected_lines():
    from shapely.geometry import LineString

    # 30 pieces of 200 m each 3 km apart across the district: no two join
    return [LineString([(-603_000 + 3000 * (i % 6), -1_172_000 + 3000 * (i // 6)),
                        (-602_800 + 3000 * (i % 6), -1_172_000 + 3000 * (i // 6))]) for i in range(30)]


def _one_line():
    from shapely.geometry import LineString

    return [LineString([(X0, Y0), (X0 + 1000, Y0)])]


ANALYZE = ("analyze", "--municipalities", "@@municipalities", "--services", "@@services", "--custom-kinds",
           "@@custom_kinds", "--district", "ORP:6221", "--out", "@vysledky")

ROADS = [
    v("roads-gpkg-empty", "silnice.gpkg", roads_file([]), "refused", None, None, "žádná data"),
    v("roads-unknown-class", "silnice.gpkg", roads_file(_one_line(), ["kozí stezka"]), "refused", 1, "TRIDA",
      "kozí stezka"),
    v("roads-no-class-column", "silnice.gpkg", roads_file(_one_line(), class_column="NAZEV"), "refused", None, None,
      "TRIDA"),
    v("roads-osm-empty", "silnice.osm", '<?xml version="1.0"?><osm version="0.6"></osm>', "refused", None, None,
      "žádné silnice"),
    v("roads-osm-not-xml", "silnice.osm", "this is not OpenStreetMap\n", "refused", None, None, "nelze přečíst"),
    v("roads-osm-zero-bytes", "silnice.osm.pbf", b"", "refused"),
    param(Case("roads-280-km-away", {"silnice.gpkg": roads_file(_far_lines())}, "refused", None, None,
               ("nepokrývá území",), args=ANALYZE + ("--roads", "@silnice.gpkg"), out="vysledky")),
    param(Case("roads-unconnected-pieces", {"silnice.gpkg": roads_file(_unconnected_lines())}, "refused", None, None,
               ("nepokrývá území", "nesouvisejí"), args=ANALYZE + ("--roads", "@silnice.gpkg"), out="vysledky")),
    param(Case("roads-speed-table-zeros-in-analyze", {"silnice.gpkg": roads_file(_one_line()),
                                                      "rychlosti.csv": "trida;rychlost_kmh\nsilnice I. třídy;0\n"},
               "refused", None, "rychlost_kmh", ("0 km/h",), file="rychlosti.csv",
               args=ANALYZE + ("--roads", "@silnice.gpkg", "--road-speeds", "@rychlosti.csv"), out="vysledky")),
]

# ---------------------------------------------------------------------------------------------
# MPSV registry (rpss.json)
# ---------------------------------------------------------------------------------------------
ITEM = json.loads((FIXTURES / "rpss_mini.json").read_text(encoding="utf-8"))["polozky"][1]  # a home, 40 beds


def registry(*items: dict, **changes) -> str:
    """``{"polozky": [item]}`` with the fixture's home changed (``pocet`` = its first capacity)."""
    item = copy.deepcopy(ITEM)
    for key, value in changes.items():
        if key == "pocet":
            item["formy"][0]["kapacity"][0]["pocet"] = value
        elif key in ("forma", "typ"):
            target = item["formy"][0] if key == "forma" else item["formy"][0]["kapacity"][0]
            target[key] = {"id": value}
        elif value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return json.dumps({"polozky": list(items) or [item]}, ensure_ascii=False, allow_nan=True)


def r(case_id: str, content, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str) -> object:
    return param(Case(case_id, {"rpss.json": content}, outcome, row, column, words))


GOOD_REGISTRY = registry()
REGISTRY = [
    r("rpss-empty-file", b"", "refused", None, None, "neobsahuje žádná data"),
    r("rpss-not-json", "Toto není JSON, ale text.\n", "refused", None, None, "JSON"),
    r("rpss-truncated", GOOD_REGISTRY[: len(GOOD_REGISTRY) // 2], "refused", 1, None, "JSON"),
    r("rpss-deeply-nested-lists", "[" * 100_000 + "]" * 100_000, "refused", None, None, "vnořen"),
    r("rpss-deeply-nested-in-items", '{"polozky": [' + "[" * 100_000 + "]" * 100_000 + "]}", "refused", 1, None,
      "vnořen"),
    r("rpss-top-level-string", '"polozky"', "refused", None, None, "JSON"),
    r("rpss-top-level-number", "42", "refused"),
    r("rpss-missing-polozky", GOOD_REGISTRY.replace('"polozky"', '"data"'), "refused", None, "polozky",
      "polozky"),
    r("rpss-polozky-not-a-list", '{"polozky": {"druhSocialniSluzby": 1}}', "refused", None, "polozky", "není seznam"),
    r("rpss-item-not-object", '{"polozky": [' + json.dumps(ITEM) + ', 5], "x": "druhSocialniSluzby"}', "refused", 2,
      None, "není objekt"),
    r("rpss-pocet-minus-15", registry(pocet=-15), "warned", 1, "formy.kapacity.pocet", "-15"),
    r("rpss-pocet-nan", registry(pocet=float("nan")), "warned", 1, "formy.kapacity.pocet", "„nan“"),
    r("rpss-pocet-infinity", registry(pocet=float("inf")), "warned", 1, "formy.kapacity.pocet", "„inf“"),
    r("rpss-pocet-1e12", registry(pocet=10**12), "warned", 1, "formy.kapacity.pocet", "nezvykle vysoká"),
    r("rpss-pocet-text", registry(pocet="čtyřicet"), "warned", 1, "formy.kapacity.pocet", "není číslo"),
    r("rpss-pocet-true", registry(pocet=True), "warned", 1, "formy.kapacity.pocet", "není číslo"),
    r("rpss-empty-export", '{"polozky": []}', "refused", None, "polozky", "neobsahuje žádnou položku"),
    r("rpss-empty-export-with-date", '{"datum": "2026-09-01", "polozky": [ ]}', "refused", None, "polozky",
      "neobsahuje žádnou položku"),
    r("rpss-end-before-start", registry(datumPoskytovaniOd="2020-05-01", datumPoskytovaniDo="2019-01-01"), "refused",
      1, "datumPoskytovaniDo", "je před datem zahájení"),
    r("rpss-bad-date", registry(datumPoskytovaniOd="2020-13-45"), "refused", 1, "datumPoskytovaniOd", "není datum"),
    r("rpss-unknown-kind", registry(druhSocialniSluzby={"id": "DruhSocialniSluzby/999"}), "refused", 1,
      "druhSocialniSluzby", "DruhSocialniSluzby/999"),
    r("rpss-unknown-form", registry(forma="FormaSocialniSluzby/xyz"), "warned", 1, "formy.forma", "neznámá forma"),
    r("rpss-unknown-capacity-type", registry(typ="TypKapacitySocialniSluzby/postele"), "warned", 1,
      "formy.kapacity.typ", "neznámý typ kapacity"),
    r("rpss-no-identifier", registry(identifikator=None, id=None), "refused", 1, "identifikator", "identifikátor"),
    r("rpss-duplicate-identifier", registry(ITEM, ITEM), "refused", 2, "identifikator", "opakuje"),
    r("rpss-zarizeni-not-a-list", registry(zarizeni="Domov"), "refused", 1, "zarizeni", "není seznam"),
    r("rpss-utf16", GOOD_REGISTRY.encode("utf-16"), "refused", None, None, "UTF-16"),
    r("rpss-nul-bytes", b"\x00" * 32 + GOOD_REGISTRY.encode(), "refused", None, None, "nulový bajt"),
    r("rpss-escape-in-kind", registry(druhSocialniSluzby={"id": "\x1b[2J\x1b[31mDruh"}), "refused", 1,
      "druhSocialniSluzby", "\\x1b"),
]


# ---------------------------------------------------------------------------------------------
# zip archives
# ---------------------------------------------------------------------------------------------
ADR_MEMBER = "20240101_OB_599999_ADR.csv"


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED):
    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w", compression=compression) as zf:
            for name, data in members.items():
                zf.writestr(name, data)
    return write


def _bomb(path: Path) -> None:
    _zip({ADR_MEMBER: b"0" * (64 * 1024**2)})(path)  # 64 MB of zeros, ~64 kB packed
    assert path.stat().st_size < 1024**2


def _declares_gigabytes(path: Path) -> None:
    """A small zip whose table of contents declares a member of 4 GB (a forged size)."""
    _zip({ADR_MEMBER: b"0" * 1000})(path)
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # uncompressed size in the central directory
    path.write_bytes(bytes(data))


def _too_many(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for i in range(20_001):
            zf.writestr(f"{i}.txt", b"")
        zf.writestr(ADR_MEMBER, b"")


def _encrypted(path: Path) -> None:
    """A zip whose member is flagged as encrypted (zipfile cannot write real encryption)."""
    _zip({ADR_MEMBER: b"Kod ADM;x\n"}, zipfile.ZIP_STORED)(path)
    data = bytearray(path.read_bytes())
    data[6] |= 0x01  # local header: general purpose flag, bit 0 = encrypted
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 0x01  # central directory: the same flag
    path.write_bytes(bytes(data))


def _corrupted_member(path: Path) -> None:
    """A zip whose member's data no longer matches its CRC."""
    _zip({ADR_MEMBER: b"A" * 2000}, zipfile.ZIP_STORED)(path)
    data = bytearray(path.read_bytes())
    at = data.find(b"AAAA")
    data[at:at + 4] = b"BBBB"
    path.write_bytes(bytes(data))


ARCHIVES = [
    v("zip-bomb-addresses", "adresy.zip", _bomb, "refused", None, None, "zip bomba"),
    v("zip-declares-gigabytes", "adresy.zip", _declares_gigabytes, "refused", None, None, "GB"),
    v("zip-too-many-members", "adresy.zip", _too_many, "refused", None, None, "20002 souborů"),
    v("zip-traversal-member", "adresy.zip", _zip({"../../etc/" + ADR_MEMBER: b"x"}), "refused", None, None,
      "mimo archiv"),
    v("zip-traversal-shapefile", "obce.zip", _zip({"../obce.shp": b"x"}), "refused", None, None, "mimo archiv"),
    v("zip-not-a-zip", "obce.zip", b"Toto neni zip.\n" * 10, "refused", None, None, "nelze přečíst"),
    v("zip-encrypted-member", "adresy.zip", _encrypted, "refused", None, None, "heslem"),
    v("zip-corrupted-member", "adresy.zip", _corrupted_member, "refused", None, None, "poškozen"),
    v("zip-bomb-shapefile", "obce.zip", _zip({"obce.shp": b"0" * (64 * 1024**2)}), "refused", None, None,
      "zip bomba"),
    v("zip-empty-archive", "obce.zip", _zip({}), "refused", None, None, "žádná data"),
]


# ---------------------------------------------------------------------------------------------
# stored projects
# ---------------------------------------------------------------------------------------------
def _project(damage: str):
    """A function writing a project of the demo with one layer damaged."""
    def write(path: Path) -> None:
        import pandas as pd
        import pyogrio

        from coverage_app.demo import load_demo
        from coverage_app.io.project import Project, save_project

        demo = load_demo("ORP:6221")
        save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"},
                             scenarios={"Plán": {"name": "Plán", "edits": []}}), path)
        if damage == "scenario":
            pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ["{nedokončený"]}), path, layer="scenare")
        elif damage == "norm":
            pyogrio.write_dataframe(pd.DataFrame({"druh": ["DruhSocialniSluzby/13"], "na_1000": ["hodně"],
                                                  "jednotka": ["luzka"], "vekova_skupina": [""], "forma": [""],
                                                  "zdroj": [""]}), path, layer="normy")
        elif damage == "scenario-unknown-edit":
            pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ['{"edits": [{"op": "explode"}]}']}),
                                    path, layer="scenare")
        elif damage == "norm-sqlite-text":  # a number column edited by hand (sqlite keeps the text)
            import sqlite3

            from coverage_app.settings import Norm

            save_project(Project(demo.municipalities, demo.services, meta={"district": "ORP:6221"},
                                 norms=(Norm("DruhSocialniSluzby/13", 30.0, "luzka", None, None, ""),)), path)
            with sqlite3.connect(path) as db:
                db.execute("UPDATE normy SET na_1000 = 'třicet'")
        elif damage == "scenario-nested":
            pyogrio.write_dataframe(pd.DataFrame({"nazev": ["Plán"], "json": ["[" * 50_000 + "]" * 50_000]}), path,
                                    layer="scenare")
    return write


def _analyze_project(name: str) -> tuple[str, ...]:
    return ("analyze", "--project", f"@{name}", "--district", "ORP:6221", "--out", "@vysledky")


PROJECTS = [
    # a damaged saved scenario is left out with a warning: the rest of the project stays usable
    param(Case("project-broken-scenario", {"p.gpkg": _project("scenario")}, "warned", 1, "json",
               ("poškozený a vynechává se",), file="p.gpkg: scenare", args=_analyze_project("p.gpkg"))),
    param(Case("project-scenario-unknown-edit", {"p.gpkg": _project("scenario-unknown-edit")}, "warned", 1, "json",
               ("poškozený a vynechává se", "explode"), file="p.gpkg: scenare", args=_analyze_project("p.gpkg"))),
    param(Case("project-norm-text-in-a-number-column", {"p.gpkg": _project("norm-sqlite-text")}, "refused", 1,
               "na_1000", ("není číslo", "třicet"), file="p.gpkg: normy", args=_analyze_project("p.gpkg"),
               out="vysledky")),
    param(Case("project-norm-not-a-number", {"p.gpkg": _project("norm")}, "refused", 1, "na_1000", ("není číslo",),
               file="p.gpkg: normy", args=_analyze_project("p.gpkg"), out="vysledky")),
    param(Case("project-scenario-deeply-nested", {"p.gpkg": _project("scenario-nested")}, "warned", 1, "json",
               ("poškozený a vynechává se",), file="p.gpkg: scenare", args=_analyze_project("p.gpkg"))),
    param(Case("project-not-a-geopackage", {"p.gpkg": b"no project here\n" * 30}, "refused", None, None,
               ("nelze přečíst",), args=_analyze_project("p.gpkg"), out="vysledky")),
    param(Case("import-into-existing-folder-path-refused", {"sluzby.csv": "id_sluzby,nazev_sluzby,druh,forma\n"
                                                            "S1,Domov,DruhSocialniSluzby/999,pob\n"},
               "refused", 2, "druh", ("neznámý druh",),
               args=("import", "--municipalities", "@@municipalities", "--services", "@sluzby.csv", "--district",
                     "ORP:6221", "--out", "@projekt.gpkg"), out="projekt.gpkg")),
]

ADR_HEAD = ("Kód ADM;Kód obce;Název obce;Kód MOMC;Název MOMC;Kód obvodu Prahy;Název obvodu Prahy;Kód části obce;"
            "Název části obce;Kód ulice;Název ulice;Typ SO;Číslo domovní;Číslo orientační;Znak čísla orientačního;"
            "PSČ;Souřadnice Y;Souřadnice X;Platí Od\n")
ADR_ROW = "8338752;584282;Židlochovice;;;;;1;Židlochovice;;;č.p.;2;;;66701;598000.0;1162000.0;2022-08-24T00:00:00\n"


def _with_addresses(name: str) -> tuple[str, ...]:
    return ANALYZE + ("--addresses", f"@{name}")


def _project_norm(value: str):
    """A project of the demo whose stored norm is ``value`` (a number the reader must not take)."""
    def write(path: Path) -> None:
        import pandas as pd
        import pyogrio

        _project("none")(path)
        pyogrio.write_dataframe(pd.DataFrame({"druh": ["DruhSocialniSluzby/13"], "na_1000": [value],
                                              "jednotka": ["luzka"], "vekova_skupina": [""], "forma": [""],
                                              "zdroj": [""]}), path, layer="normy")
    return write


def _with_registry(name: str = "rpss.json") -> tuple[str, ...]:
    return ("analyze", "--municipalities", "@@municipalities", "--services", f"@{name}", "--district", "ORP:6221",
            "--out", "@vysledky")


COMMANDS = [
    param(Case("analyze-addresses-extra-cells", {ADR_MEMBER: (ADR_HEAD + ADR_ROW.rstrip("\n") + ";navic;x\n")
                                                 .encode("cp1250")}, "refused", 2, None, ("21 buněk",),
               args=_with_addresses(ADR_MEMBER), out="vysledky")),
    param(Case("analyze-addresses-short-row", {ADR_MEMBER: (ADR_HEAD + ADR_ROW + "8338753;584282\n").encode("cp1250")},
               "refused", 3, None, ("zkrácený",), args=_with_addresses(ADR_MEMBER), out="vysledky")),
    param(Case("analyze-addresses-encrypted-zip", {"adresy.zip": _encrypted}, "refused", None, None, ("heslem",),
               args=_with_addresses("adresy.zip"), out="vysledky")),
    param(Case("analyze-addresses-corrupted-zip", {"adresy.zip": _corrupted_member}, "refused", None, None,
               ("poškozený",), args=_with_addresses("adresy.zip"), out="vysledky")),
    param(Case("analyze-registry-utf16", {"rpss.json": GOOD_REGISTRY.encode("utf-16")}, "refused", None, None,
               ("UTF-16",), args=_with_registry(), out="vysledky")),
    param(Case("analyze-registry-deeply-nested", {"rpss.json": '{"polozky": [' + "[" * 100_000 + "]" * 100_000 + "]}"},
               "refused", 1, None, ("vnořený",), args=_with_registry(), out="vysledky")),
    param(Case("analyze-registry-truncated", {"rpss.json": GOOD_REGISTRY[:-40]}, "refused", 1, None, ("JSON",),
               args=_with_registry(), out="vysledky")),
    param(Case("import-municipalities-zip-bomb", {"obce.zip": _zip({"obce.shp": b"0" * (64 * 1024**2)})}, "refused",
               None, None, ("zip bomba",), args=("import", "--municipalities", "@obce.zip", "--services", "@@services",
                                                 "--custom-kinds", "@@custom_kinds", "--out", "@projekt.gpkg"),
               out="projekt.gpkg")),
    param(Case("project-norm-infinite", {"p.gpkg": _project_norm("inf")}, "refused", 1, "na_1000", ("není číslo",),
               file="p.gpkg: normy", args=_analyze_project("p.gpkg"), out="vysledky")),
    param(Case("project-norm-negative", {"p.gpkg": _project_norm("-25")}, "refused", 1, "na_1000", ("záporná",),
               file="p.gpkg: normy", args=_analyze_project("p.gpkg"), out="vysledky")),
    param(Case("project-of-another-kind", {"p.gpkg": obce_file()}, "refused", None, None, ("není projekt",),
               args=_analyze_project("p.gpkg"), out="vysledky")),
]

CASES = MUNICIPALITY_FILES + ROADS[:6] + REGISTRY + ARCHIVES
COMMAND_CASES = ROADS[6:] + PROJECTS + COMMANDS


@pytest.mark.parametrize("case", CASES)
def test_bad_file_keeps_the_contract(case: Case, tmp_path: Path, capsys) -> None:
    check_contract(case, tmp_path, capsys)


@pytest.mark.parametrize("case", COMMAND_CASES)
def test_bad_input_refused_by_analyze_and_import(case: Case, tmp_path: Path, capsys) -> None:
    check_contract(case, tmp_path, capsys)
