"""Generated corpus of bad tabular inputs run through ``coverage-app validate`` (and ``analyze``).

Services template (CSV and XLSX), municipality and population tables, norms, the kraj's access
table, custom kinds, speed tables, RÚIAN address points and odd strings.  Every case keeps the
contract of :mod:`tests.corpus_contract`; vector files, roads, the registry, archives and
projects are in ``test_bad_input_corpus_geo.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_contract import Case, check_contract, param

# ---------------------------------------------------------------------------------------------
# builders
# ---------------------------------------------------------------------------------------------
SVC_COLS = ("id_sluzby", "nazev_sluzby", "druh", "forma", "kapacita", "jednotka_kapacity", "kod_obce", "lat", "lon")
SVC_GOOD = {"id_sluzby": "S1", "nazev_sluzby": "Domov Žabčice", "druh": "DruhSocialniSluzby/13", "forma": "pob",
            "kapacita": "20", "jednotka_kapacity": "luzka", "kod_obce": "584282", "lat": "49.04", "lon": "16.62"}


def svc(*rows: dict, cols: tuple[str, ...] = SVC_COLS, sep: str = ",", encoding: str = "utf-8",
        newline: str = "\n", header: str | None = None) -> bytes:
    """A services template: the good row changed by each ``rows`` dict (one row ``{}`` by default)."""
    rows = rows or ({},)
    lines = [header if header is not None else sep.join(cols)]
    lines += [sep.join(str({**SVC_GOOD, **r}.get(c, "")) for c in cols) for r in rows]
    return (newline.join(lines) + newline).encode(encoding)


def s(case_id: str, content: bytes, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str, name: str = "sluzby.csv") -> object:
    """A services-template case validated alone."""
    return param(Case(case_id, {name: content}, outcome, row, column, words))


def xlsx(rows: list[list[object]], extra_sheets: dict[str, list[list[object]]] | None = None):
    """A function writing a workbook whose first sheet holds ``rows`` (header first)."""
    def write(path: Path) -> None:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "sluzby"
        for r in rows:
            ws.append(r)
        for title, sheet_rows in (extra_sheets or {}).items():
            other = wb.create_sheet(title)
            for r in sheet_rows:
                other.append(r)
        wb.save(path)
    return write


XHEAD = list(SVC_COLS)
XROW = [SVC_GOOD[c] for c in SVC_COLS]


def xrow(**changes: object) -> list[object]:
    return [changes.get(c, SVC_GOOD[c]) for c in SVC_COLS]


def x(case_id: str, content, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str, file: str | None = None) -> object:
    return param(Case(case_id, {"sluzby.xlsx": content}, outcome, row, column, words, file=file))


LONG = "A" * 200_000

SERVICES = [
    s("svc-empty-file", b"", "refused", None, None, "neobsahuje žádná data"),
    s("svc-header-only", (",".join(SVC_COLS) + "\n").encode(), "refused", 1, None, "jen záhlaví"),
    s("svc-blank-lines-only", b"\n\n  \n", "refused", None, None, "neobsahuje žádná data"),
    s("svc-bom-is-accepted", b"\xef\xbb\xbf" + svc(), "accepted"),
    s("svc-semicolon-cp1250-crlf-accepted", svc(sep=";", encoding="cp1250", newline="\r\n"), "accepted"),
    s("svc-tab-accepted", svc(sep="\t"), "accepted"),
    s("svc-pipe-delimiter", svc(sep="|"), "refused", 1, None, "oddělovač"),
    s("svc-utf16-bom", svc(encoding="utf-16"), "refused", None, None, "UTF-16"),
    s("svc-utf16-be-no-bom", svc(encoding="utf-16-be"), "refused", None, None, "UTF-16"),
    s("svc-mixed-utf8-cp1250", svc({}, {"id_sluzby": "S2"}).replace(b"S2,Domov \xc5\xbdab\xc4\x8dice",
                                                                     "S2,Domov Žabčice".encode("cp1250")),
      "refused", 3, None, "míchá kódování"),
    s("svc-extra-cells", svc({"lon": "16.62,navic,dalsi"}), "refused", 2, None, "buněk"),
    s("svc-row-cut-short", (",".join(SVC_COLS) + "\nS1,Domov,DruhSocialniSluzby/13\n").encode(), "refused", 2,
      None, "zkrácený"),
    s("svc-missing-column-druh", svc(cols=tuple(c for c in SVC_COLS if c != "druh")), "refused", 1, "druh",
      "chybí povinný sloupec"),
    s("svc-missing-column-id", svc(cols=tuple(c for c in SVC_COLS if c != "id_sluzby")), "refused", 1, "id_sluzby",
      "chybí povinný sloupec"),
    s("svc-duplicate-header-column", svc(cols=SVC_COLS + ("druh",)), "refused", 1, "druh", "dvakrát"),
    s("svc-duplicate-id-same-site", svc({}, {}), "refused", 3, "forma", "opakuje"),
    s("svc-duplicate-id-other-kind", svc({}, {"druh": "DruhSocialniSluzby/14", "lat": "49.05"}), "refused", 3,
      "druh", "různé hodnoty"),
    s("svc-missing-id-value", svc({"id_sluzby": ""}), "refused", 2, "id_sluzby", "chybí povinná hodnota"),
    s("svc-unknown-kind-code", svc({"druh": "DruhSocialniSluzby/999"}), "refused", 2, "druh", "neznámý druh"),
    s("svc-unknown-kind-name", svc({"druh": "domov důchodců"}), "refused", 2, "druh", "neznámý druh"),
    s("svc-unknown-form", svc({"forma": "xyz"}), "refused", 2, "forma", "neznámá forma"),
    s("svc-empty-form", svc({"forma": ""}), "refused", 2, "forma", "chybí povinná hodnota"),
    s("svc-capacity-minus-one", svc({"kapacita": "-1"}), "refused", 2, "kapacita", "záporná"),
    s("svc-capacity-nan", svc({"kapacita": "NaN"}), "refused", 2, "kapacita", "není číslo"),
    s("svc-capacity-inf", svc({"kapacita": "inf"}), "refused", 2, "kapacita", "není číslo"),
    s("svc-capacity-1e400", svc({"kapacita": "1e400"}), "refused", 2, "kapacita", "není číslo"),
    s("svc-capacity-zero", svc({"kapacita": "0"}), "warned", 2, "kapacita", "kapacita je 0"),
    s("svc-capacity-1e15", svc({"kapacita": "1e15"}), "warned", 2, "kapacita", "nezvykle vysoká"),
    s("svc-capacity-text", svc({"kapacita": "dvacet"}), "refused", 2, "kapacita", "není číslo"),
    s("svc-capacity-without-unit", svc({"jednotka_kapacity": ""}), "refused", 2, "jednotka_kapacity", "jednotka"),
    s("svc-unit-unknown", svc({"jednotka_kapacity": "postele"}), "refused", 2, "jednotka_kapacity",
      "neznámá jednotka"),
    s("svc-unit-not-for-kind", svc({"jednotka_kapacity": "hovor"}), "warned", 2, "jednotka_kapacity", "hovor",
      "domovy pro seniory"),
    s("svc-capacity-conflict", svc({}, {"lat": "49.05", "kapacita": "30"}), "refused", 3, "kapacita"),
    s("svc-latlon-swapped", svc({"lat": "16.62", "lon": "49.04"}), "refused", 2, "lat", "prohozené"),
    s("svc-latlon-berlin", svc({"lat": "52.52", "lon": "13.40"}), "refused", 2, "lat", "mimo Českou republiku"),
    s("svc-lat-text", svc({"lat": "severně"}), "refused", 2, "lat", "není číslo"),
    s("svc-lon-text", svc({"lon": "16.62E"}), "refused", 2, "lon", "není číslo"),
    s("svc-lon-missing", svc({"lon": ""}), "refused", 2, "lon", "chybí"),
    s("svc-bad-obec-code", svc({"kod_obce": "58428"}), "refused", 2, "kod_obce", "není kód obce"),
    s("svc-control-char", svc({"nazev_sluzby": "Do\x01mov"}), "refused", 2, "nazev_sluzby", "řídicí znak \\x01"),
    s("svc-terminal-escape", svc({"druh": "\x1b[2J\x1b[32mNalezeno chyb: 0\x1b[0m"}), "refused", 2, "druh",
      "\\x1b"),
    s("svc-200000-char-cell", svc({"nazev_sluzby": LONG}), "refused", 2, None, "delší než"),
    s("svc-formula-hyperlink", svc({"nazev_sluzby": '"=HYPERLINK(""http://x.example"",""klik"")"'}), "warned", 2,
      "nazev_sluzby", "apostrofem"),
    s("svc-formula-at-sum", svc({"nazev_sluzby": "@SUM(1)"}), "warned", 2, "nazev_sluzby", "apostrofem"),
    s("svc-formula-plus", svc({"nazev_sluzby": "+1"}), "warned", 2, "nazev_sluzby", "apostrofem"),
    s("svc-line-separator-u2028", svc({"nazev_sluzby": "Domov\u2028Žabčice"}), "refused", 2, "nazev_sluzby",
      "\\u2028"),
    s("svc-bidi-override-u202e", svc({"nazev_sluzby": "Domov \u202eecivhcbaŽ"}), "refused", 2, "nazev_sluzby",
      "\\u202e"),
    s("svc-nul-byte", svc({"nazev_sluzby": "Do\x00mov"}), "refused", 2, None, "nulový bajt"),
    s("svc-unterminated-quote", svc({"nazev_sluzby": '"Domov'}, {"id_sluzby": "S2"}), "refused", 2, "nazev_sluzby",
      "uzavírací uvozovky"),
    s("svc-very-long-line", svc({"lon": "16.62" + ",x" * 100_000}), "refused", 2, None, "100009 buněk"),
    s("svc-date-order", svc({"platnost_od": "2020-05-01", "platnost_do": "2019-01-01"},
                            cols=SVC_COLS + ("platnost_od", "platnost_do")), "refused", 2, "platnost_do",
      "je před datem zahájení"),
    s("svc-bad-date", svc({"platnost_od": "31.13.2020"}, cols=SVC_COLS + ("platnost_od",)), "refused", 2,
      "platnost_od", "není datum"),
    s("svc-bad-bool", svc({"utajena_adresa": "možná"}, cols=SVC_COLS + ("utajena_adresa",)), "refused", 2,
      "utajena_adresa", "ano/ne"),
    s("svc-secret-without-obec", svc({"utajena_adresa": "ano", "kod_obce": ""}, cols=SVC_COLS + ("utajena_adresa",)),
      "refused", 2, "kod_obce", "utajenou adresou"),
    s("svc-bad-service-area", svc({"uzemni_pusobnost": "584282;Rajhrad"}, cols=SVC_COLS + ("uzemni_pusobnost",)),
      "refused", 2, "uzemni_pusobnost", "Rajhrad"),
    s("svc-address-code-text", svc({"kod_adresniho_mista": "dvanáct"}, cols=SVC_COLS + ("kod_adresniho_mista",)),
      "refused", 2, "kod_adresniho_mista", "dvanáct"),
    x("xlsx-header-only", xlsx([XHEAD]), "refused", 1, None, "jen záhlaví"),
    x("xlsx-empty-workbook", xlsx([]), "refused", None, None, "žádná data"),
    x("xlsx-capacity-minus-one", xlsx([XHEAD, xrow(kapacita=-1)]), "refused", 2, "kapacita", "záporná"),
    x("xlsx-capacity-text", xlsx([XHEAD, xrow(kapacita="hodně")]), "refused", 2, "kapacita", "není číslo"),
    x("xlsx-capacity-1e15", xlsx([XHEAD, xrow(kapacita=1e15)]), "warned", 2, "kapacita", "nezvykle vysoká"),
    x("xlsx-formula-hyperlink", xlsx([XHEAD, xrow(nazev_sluzby='=HYPERLINK("http://x.example","klik")')]),
      "refused", 2, "nazev_sluzby"),
    x("xlsx-formula-at", xlsx([XHEAD, xrow(nazev_sluzby="@SUM(1)")]), "warned", 2, "nazev_sluzby", "apostrofem"),
    x("xlsx-missing-column", xlsx([XHEAD[:2] + XHEAD[3:], XROW[:2] + XROW[3:]]), "refused", 1, "druh"),
    x("xlsx-duplicate-id", xlsx([XHEAD, XROW, XROW]), "refused", 3, "forma", "opakuje"),
    x("xlsx-latlon-swapped", xlsx([XHEAD, xrow(lat=16.62, lon=49.04)]), "refused", 2, "lat", "prohozené"),
    x("xlsx-long-cell", xlsx([XHEAD, xrow(nazev_sluzby="B" * 30_000)]), "refused", 2, "nazev_sluzby", "30000 znaků"),
    x("xlsx-custom-kinds-sheet-bad-form", xlsx([XHEAD, xrow(druh="klub")], {"vlastni_druhy": [
        ["id", "nazev", "formy", "vekova_skupina"], ["klub", "klub seniorů", "venku", "65p"]]}), "refused", 2,
      "formy", "neznámá forma", file="sluzby.xlsx [vlastni_druhy]"),
    x("xlsx-not-a-workbook", b"id_sluzby,nazev\nS1,Domov\n", "refused", None, None, "nelze přečíst"),
    x("xlsx-truncated-zip", b"PK\x03\x04" + b"\x00" * 40, "refused", None, None, "nelze přečíst"),
]

# ---------------------------------------------------------------------------------------------
# municipalities and population as tables
# ---------------------------------------------------------------------------------------------
OBCE_HEAD = "kod_obce,nazev_obce,kod_orp,obyvatel,lat,lon\n"
OBEC_1 = "584282,Židlochovice,6221,3800,49.0395,16.6188\n"
OBEC_2 = "583758,Rajhrad,6221,3700,49.0903,16.6036\n"


def o(case_id: str, body: str, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str) -> object:
    return param(Case(case_id, {"obce.csv": OBCE_HEAD + body}, outcome, row, column, words))


CSU_HEAD = ("idhod,hodnota,stapro_kod,pohlavi_cis,pohlavi_kod,vek_cis,vek_kod,vuzemi_cis,vuzemi_kod,casref_do,"
            "pohlavi_txt,vek_txt,vuzemi_txt\n")


def csu(code: str = "584282", value: str = "3800", cis: str = "43", idhod: str = "1", sex: str = "",
        age: str = "", ind: str = "2406") -> str:
    return f"{idhod},{value},{ind},{'102' if sex else ''},{sex},,,{cis},{code},2020-01-01,,{age},Obec\n"


def p(case_id: str, body: str, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str, name: str = "obyvatelstvo.csv") -> object:
    return param(Case(case_id, {name: body}, outcome, row, column, words))


MUNICIPALITY_TABLES = [
    o("obce-csv-header-only", "", "refused", 1, None, "jen záhlaví"),
    o("obce-csv-duplicate-code", OBEC_1 + OBEC_1.replace("3800", "3801"), "refused", 3, "kod_obce", "opakuje"),
    o("obce-csv-population-1e12", OBEC_1.replace("3800", "1000000000000"), "refused", 2, "obyvatel", "nemůže mít"),
    o("obce-csv-population-2-million", OBEC_1.replace("3800", "2000000"), "warned", 2, "obyvatel", "překlep"),
    o("obce-csv-population-negative", OBEC_1.replace("3800", "-5"), "refused", 2, "obyvatel", "záporná"),
    o("obce-csv-population-text", OBEC_1.replace("3800", "hodně"), "refused", 2, "obyvatel", "není číslo"),
    o("obce-csv-unknown-orp", OBEC_1 + OBEC_2.replace("6221", "9999"), "warned", 3, "kod_orp", "9999"),
    o("obce-csv-bad-code", OBEC_1.replace("584282", "58428"), "refused", 2, "kod_obce", "není kód obce"),
    o("obce-csv-lat-text", OBEC_1.replace("49.0395", "sever"), "refused", 2, "lat", "není číslo"),
    o("obce-csv-latlon-swapped", OBEC_1.replace("49.0395,16.6188", "16.6188,49.0395"), "refused", 2, "lat",
      "prohozené"),
    o("obce-csv-outside-czechia", OBEC_1.replace("49.0395,16.6188", "48.85,2.35"), "refused", 2, "lat",
      "mimo Českou republiku"),
    p("csu-empty-file", "", "refused", None, None, "neobsahuje žádná data"),
    p("csu-header-only", CSU_HEAD, "refused", 1, None, "jen záhlaví"),
    p("csu-duplicate-rows", CSU_HEAD + csu() + csu(idhod="2"), "refused", 3, "vuzemi_kod", "opakuje"),
    p("csu-negative", CSU_HEAD + csu(value="-15"), "refused", 2, "hodnota", "záporná"),
    p("csu-non-numeric", CSU_HEAD + csu(value="tři tisíce"), "refused", 2, "hodnota", "není číslo"),
    p("csu-bad-obec-code", CSU_HEAD + csu(code="58428"), "refused", 2, "vuzemi_kod", "není kód obce"),
    p("csu-orp-rows-only", CSU_HEAD + csu(code="6221", cis="65"), "refused", None, None, "číselník území 43"),
    p("csu-two-indicators", CSU_HEAD + csu(ind="2407") + csu(code="583758", ind="2408", idhod="2"), "refused", None,
      "stapro_kod", "více ukazatelů"),
    p("csu-one-sex-only", CSU_HEAD + csu(sex="1"), "refused", 2, None, "jedno pohlaví"),
    p("csu-bad-age-label", CSU_HEAD + csu(age="dospělí"), "refused", 2, None, "není věková skupina"),
    p("wide-duplicate", "kod_obce;obyvatel\n584282;3800\n584282;3801\n", "refused", 3, "kod_obce", "opakuje",
      name="obyvatele.csv"),
    p("wide-negative", "kod_obce;obyvatel\n584282;-3800\n", "refused", 2, "obyvatel", "záporná", name="obyvatele.csv"),
    p("wide-text", "kod_obce;obyvatel\n584282;mnoho\n", "refused", 2, "obyvatel", "není číslo", name="obyvatele.csv"),
    p("wide-header-only", "kod_obce;obyvatel\n", "refused", 1, None, "jen záhlaví", name="obyvatele.csv"),
    param(Case("csu-unknown-obec-code", {"obce.csv": OBCE_HEAD + OBEC_1, "obyvatelstvo.csv": CSU_HEAD + csu()
                                         + csu(code="599999", idhod="2")},
               "warned", 3, "vuzemi_kod", ("599999",), file="obyvatelstvo.csv",
               args=("validate", "@obce.csv", "@obyvatelstvo.csv"))),
]

# ---------------------------------------------------------------------------------------------
# norms, access table, custom kinds, speeds
# ---------------------------------------------------------------------------------------------
NORM_HEAD = "druh;na_1000;jednotka;zdroj\n"
ACCESS_HEAD = "druh;uroven;zpusob;limit_min;zdroj\n"
KINDS_HEAD = "id;nazev;formy;jednotky;vekova_skupina;uroven;zpusob;limit_min\n"
KIND_OK = "klub_senioru;klub seniorů;amb;klient;65p;;;\n"


def t(case_id: str, name: str, body: str, outcome: str = "refused", row: int | None = None,
      column: str | None = None, *words: str) -> object:
    return param(Case(case_id, {name: body}, outcome, row, column, words))


SETTINGS_TABLES = [
    t("norms-non-numeric", "normy.csv", NORM_HEAD + "DruhSocialniSluzby/13;hodně;luzka;KPSS\n", "refused", 2,
      "na_1000", "není číslo"),
    t("norms-negative", "normy.csv", NORM_HEAD + "DruhSocialniSluzby/13;-25;luzka;KPSS\n", "refused", 2, "na_1000",
      "záporná"),
    t("norms-infinite", "normy.csv", NORM_HEAD + "DruhSocialniSluzby/13;inf;luzka;KPSS\n", "refused", 2, "na_1000"),
    t("norms-unknown-kind", "normy.csv", NORM_HEAD + "DruhSocialniSluzby/999;25;luzka;KPSS\n", "refused", 2, "druh",
      "neznámý druh"),
    t("norms-unknown-unit", "normy.csv", NORM_HEAD + "DruhSocialniSluzby/13;25;postele;KPSS\n", "refused", 2,
      "jednotka", "neznámá jednotka"),
    t("norms-missing-unit-column", "normy.csv", "druh;na_1000\nDruhSocialniSluzby/13;25\n", "refused", 1,
      "jednotka", "chybí povinný sloupec"),
    t("norms-bad-age-band", "normy.csv", "druh;na_1000;jednotka;vekova_skupina\nDruhSocialniSluzby/13;25;luzka;"
      "staří\n", "refused", 2, "vekova_skupina", "staří"),
    t("access-unknown-level", "dostupnost.csv", ACCESS_HEAD + "denní stacionáře;okres;travel;10;JMK\n", "refused", 2,
      "uroven", "okres"),
    t("access-unknown-mode", "dostupnost.csv", ACCESS_HEAD + "denní stacionáře;orp;autobus;10;JMK\n", "refused", 2,
      "zpusob", "autobus"),
    t("access-negative-limit", "dostupnost.csv", ACCESS_HEAD + "denní stacionáře;orp;travel;-10;JMK\n", "refused", 2,
      "limit_min", "časový limit"),
    t("access-limit-text", "dostupnost.csv", ACCESS_HEAD + "denní stacionáře;orp;travel;půl hodiny;JMK\n", "refused",
      2, "limit_min", "není číslo"),
    t("access-unknown-kind", "dostupnost.csv", ACCESS_HEAD + "hlídání psů;orp;travel;10;JMK\n", "refused", 2, "druh",
      "neznámý druh"),
    t("access-two-levels", "dostupnost.csv", ACCESS_HEAD + "denní stacionáře;orp;travel;10;JMK\n"
      "denní stacionáře;mistni;field;10;JMK\n", "refused", 3, "uroven", "dvě různé úrovně"),
    t("kinds-unknown-form", "vlastni_druhy.csv", KINDS_HEAD + "klub;klub;venku;klient;65p;;;\n", "refused", 2,
      "formy", "neznámá forma"),
    t("kinds-unknown-unit", "vlastni_druhy.csv", KINDS_HEAD + "klub;klub;amb;židle;65p;;;\n", "refused", 2,
      "jednotky", "neznámá jednotka"),
    t("kinds-bad-band", "vlastni_druhy.csv", KINDS_HEAD + "klub;klub;amb;klient;staří;;;\n", "refused", 2,
      "vekova_skupina", "staří"),
    t("kinds-id-of-the-act", "vlastni_druhy.csv", KINDS_HEAD + "DruhSocialniSluzby/13;klub;amb;klient;65p;;;\n",
      "refused", 2, "id", "zákona"),
    t("kinds-bad-level", "vlastni_druhy.csv", KINDS_HEAD + "klub;klub;amb;klient;65p;okres;;\n", "refused", 2,
      "uroven", "okres"),
    t("kinds-negative-limit", "vlastni_druhy.csv", KINDS_HEAD + "klub;klub;amb;klient;65p;mistni;travel;-5\n",
      "refused", 2, "limit_min", "-5"),
    t("kinds-missing-id", "vlastni_druhy.csv", KINDS_HEAD + ";klub;amb;klient;65p;;;\n", "refused", 2, "id",
      "chybí povinná hodnota"),
    t("speeds-zeros", "rychlosti.csv", "trida;rychlost_kmh\ndálnice;0\nsilnice I. třídy;0\n", "refused", None,
      "rychlost_kmh", "rychlost 0 km/h"),
    t("speeds-negative", "rychlosti.csv", "trida;rychlost_kmh\ndálnice;-120\n", "refused", 2, "rychlost_kmh",
      "mimo rozsah"),
    t("speeds-text", "rychlosti.csv", "trida;rychlost_kmh\ndálnice;rychle\n", "refused", 2, "rychlost_kmh",
      "není číslo"),
    t("speeds-missing-speed", "rychlosti.csv", "trida;rychlost_kmh\ndálnice;\n", "refused", 2, "rychlost_kmh",
      "chybí povinná hodnota"),
    t("speeds-missing-column", "rychlosti.csv", "trida;rychlost_kmh\ndálnice\nsilnice I. třídy\n", "refused", 2),
    t("speeds-class-twice", "rychlosti.csv", "trida;rychlost_kmh\ndálnice;120\nDálnice;100\n", "refused", 3, "trida"),
]

# ---------------------------------------------------------------------------------------------
# RÚIAN address points
# ---------------------------------------------------------------------------------------------
ADR_HEAD = ("Kód ADM;Kód obce;Název obce;Kód MOMC;Název MOMC;Kód obvodu Prahy;Název obvodu Prahy;Kód části obce;"
            "Název části obce;Kód ulice;Název ulice;Typ SO;Číslo domovní;Číslo orientační;Znak čísla orientačního;"
            "PSČ;Souřadnice Y;Souřadnice X;Platí Od\n")
ADR_ROW = "8338752;599999;Trojanovice;;;;;168491;Trojanovice;;;č.p.;2;;;74401;479862.17;1133960.17;2022-08-24T00:00:00\n"
ADR_NAME = "20240101_OB_599999_ADR.csv"


def a(case_id: str, body: str, outcome: str = "refused", row: int | None = None, column: str | None = None,
      *words: str, encoding: str = "cp1250") -> object:
    return param(Case(case_id, {ADR_NAME: (ADR_HEAD + body).encode(encoding)}, outcome, row, column, words))


ADDRESSES = [
    a("adr-extra-cells", ADR_ROW + ADR_ROW.replace("8338752", "8338753").rstrip("\n") + ";navic;dalsi\n", "refused",
      3, None, "buněk"),
    a("adr-short-row", ADR_ROW + "8338753;599999;Trojanovice\n", "refused", 3, None, "buněk"),
    param(Case("adr-missing-columns", {ADR_NAME: (ADR_HEAD.replace(";Souřadnice X", "")
                                                     + ADR_ROW.replace(";1133960.17", "")).encode("cp1250")},
               "refused", 1, "Platí Od", ("RÚIAN", "Souřadnice X"))),
    a("adr-utf16", ADR_ROW, "refused", None, None, "UTF-16", encoding="utf-16"),
    a("adr-utf8-accepted", ADR_ROW, "accepted", encoding="utf-8"),
    a("adr-coordinates-text", ADR_ROW.replace("479862.17", "neznámá"), "refused", 2, "Souřadnice Y", "není číslo"),
    a("adr-outside-czechia", ADR_ROW.replace("479862.17", "79862.17"), "refused", 2, "Souřadnice Y",
      "mimo Českou republiku"),
    a("adr-duplicate-code", ADR_ROW + ADR_ROW, "refused", 3, "Kód ADM", "opakuje"),
    a("adr-bad-obec-code", ADR_ROW.replace(";599999;", ";59999;"), "refused", 2, "Kód obce", "není kód obce"),
    a("adr-code-text", ADR_ROW.replace("8338752", "osm"), "refused", 2, "Kód ADM", "není celé číslo"),
    a("adr-header-only", "", "refused", 1, None, "jen záhlaví"),
    a("adr-without-coordinates-warned", ADR_ROW + ADR_ROW.replace("8338752", "8338753").replace(
        "479862.17;1133960.17", ";"), "warned", None, "Souřadnice Y", "nemá souřadnice"),
]

# ---------------------------------------------------------------------------------------------
# odd strings
# ---------------------------------------------------------------------------------------------
ODD = [
    param(Case("odd-escape-in-file-name", {"sluzby\x1b[31m.csv": svc({"kapacita": "-1"})}, "refused", 2,
               "kapacita", ("záporná",))),
    param(Case("odd-escape-in-header", {"sluzby.csv": "id_sluzby\x1b[2J|nazev\nS1|Domov\n"}, "refused", 1, None,
               ("oddělovač", "\\x1b"))),
    param(Case("odd-nul-only-file", {"sluzby.csv": b"\x00" * 64}, "refused", 1, None, ("nulový bajt",))),
    param(Case("odd-one-huge-line", {"sluzby.csv": b"id_sluzby" + b"x" * 2_000_000 + b"\n"}, "refused", 1, None,
               ("delší než",))),
    param(Case("odd-u2029-in-municipality-name", {"obce.csv": OBCE_HEAD + OBEC_1.replace("Židlochovice",
                                                                                       "Židlo\u2029chovice")},
               "refused", 2, "nazev_obce", ("\\u2029",))),
    param(Case("odd-escape-in-population-code", {"obyvatele.csv": "kod_obce;obyvatel\n\x1b]0;x\x07;3800\n"}, "refused",
               2, "kod_obce", ("\\x1b",))),
]

CASES = SERVICES + MUNICIPALITY_TABLES + SETTINGS_TABLES + ADDRESSES + ODD


@pytest.mark.parametrize("case", CASES)
def test_bad_table_keeps_the_contract(case: Case, tmp_path: Path, capsys) -> None:
    check_contract(case, tmp_path, capsys)


@pytest.mark.parametrize("case", [
    param(Case("analyze-access-negative-limit", {"dostupnost.csv": ACCESS_HEAD + "denní stacionáře;orp;travel;-10;JMK\n"},
               "refused", 2, "limit_min", ("časový limit",),
               args=("analyze", "--demo", "--district", "ORP:6221", "--access", "@dostupnost.csv", "--out", "@vysledky"),
               out="vysledky")),
    param(Case("import-norms-non-numeric", {"normy.csv": NORM_HEAD + "DruhSocialniSluzby/13;hodně;luzka;KPSS\n"},
               "refused", 2, "na_1000", ("není číslo",),
               args=("import", "--municipalities", "@@municipalities", "--services", "@@services", "--custom-kinds",
                     "@@custom_kinds", "--norms", "@normy.csv", "--district", "ORP:6221", "--out", "@projekt.gpkg"),
               out="projekt.gpkg")),
    param(Case("analyze-services-formula-warned", {"sluzby.csv": svc({"nazev_sluzby": "=1+1"})}, "warned", 2,
               "nazev_sluzby", ("apostrofem",),
               args=("analyze", "--municipalities", "@@municipalities", "--services", "@sluzby.csv", "--district",
                     "ORP:6221", "--out", "@vysledky"), out="vysledky")),
])
def test_bad_table_refused_by_import_and_analyze(case: Case, tmp_path: Path, capsys) -> None:
    check_contract(case, tmp_path, capsys)


def test_the_corpus_is_large_enough() -> None:
    from tests import test_bad_input_corpus_geo as geo

    assert len(CASES) + 3 + len(geo.CASES) + len(geo.COMMAND_CASES) >= 110
