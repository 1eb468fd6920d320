"""The one translation table of the project: every text a user reads (UI, messages, headers).

Czech is the first language; English is kept for every key.  Use :func:`t`::

    >>> t("err.missing_column", column="kod_obce")
    'chybí povinný sloupec „kod_obce“'
    >>> t("err.missing_column", lang="en", column="kod_obce")
    'required column "kod_obce" is missing'

Modules may register their own keys with :func:`register` (at import time), so the table stays
one mapping while each module owns the texts it uses.  A missing key raises ``KeyError`` in tests
(``COVERAGE_APP_STRICT_I18N=1``) and falls back to the key itself otherwise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

LANGS: tuple[str, ...] = ("cs", "en")
DEFAULT_LANG = "cs"

TEXTS: dict[str, dict[str, str]] = {
    # --- location of a problem -------------------------------------------------------------
    "loc.file": {"cs": "soubor {file}", "en": "file {file}"},
    "loc.row": {"cs": "řádek {row}", "en": "row {row}"},
    "loc.column": {"cs": "sloupec „{column}“", "en": 'column "{column}"'},
    "severity.error": {"cs": "chyba", "en": "error"},
    "severity.warning": {"cs": "upozornění", "en": "warning"},
    # --- generic data errors ---------------------------------------------------------------
    "err.file_not_found": {"cs": "soubor neexistuje", "en": "the file does not exist"},
    "err.unknown_format": {
        "cs": "neznámý formát souboru (přípona „{ext}“); očekávám {expected}",
        "en": 'unknown file format (extension "{ext}"); expected {expected}',
    },
    "err.unreadable": {"cs": "soubor nelze přečíst: {detail}", "en": "the file cannot be read: {detail}"},
    "err.encoding": {
        "cs": "soubor není v kódování UTF-8 ani Windows-1250 (chybný bajt na pozici {pos})",
        "en": "the file is neither UTF-8 nor Windows-1250 (bad byte at position {pos})",
    },
    "err.encoding_utf16": {
        "cs": "soubor je v kódování UTF-16 (Unicode text); uložte jej jako CSV v UTF-8 nebo Windows-1250",
        "en": "the file is UTF-16 (Unicode text); save it as CSV in UTF-8 or Windows-1250",
    },
    "err.delimiter": {
        "cs": "nelze rozpoznat oddělovač sloupců; hlavička má jediný sloupec „{header}“ "
        "(použijte čárku nebo středník)",
        "en": 'cannot recognise the column delimiter; the header is a single column "{header}" '
        "(use a comma or a semicolon)",
    },
    "err.empty_file": {"cs": "soubor neobsahuje žádná data", "en": "the file contains no data"},
    "err.missing_column": {
        "cs": "chybí povinný sloupec „{column}“",
        "en": 'required column "{column}" is missing',
    },
    "err.missing_one_of": {
        "cs": "chybí sloupec; očekávám jeden z: {columns}",
        "en": "a column is missing; expected one of: {columns}",
    },
    "err.missing_value": {"cs": "chybí povinná hodnota", "en": "a required value is missing"},
    "err.not_a_number": {"cs": "„{value}“ není číslo", "en": '"{value}" is not a number'},
    "err.not_an_integer": {"cs": "„{value}“ není celé číslo", "en": '"{value}" is not a whole number'},
    "err.negative": {"cs": "hodnota {value} je záporná", "en": "the value {value} is negative"},
    "err.bad_date": {
        "cs": "„{value}“ není datum (očekávám RRRR-MM-DD nebo D. M. RRRR)",
        "en": '"{value}" is not a date (expected YYYY-MM-DD or D. M. YYYY)',
    },
    "warn.rpss_bad_capacity": {"cs": "„{value}“ není platná kapacita (musí být konečné číslo ≥ 0); kapacita "
                                      "byla vynechána",
                                "en": "\"{value}\" is not a valid capacity (it must be a finite number ≥ 0); "
                                      "the capacity was left out"},
    "warn.capacity_zero": {"cs": "kapacita je 0: služba se počítá bez kapacity",
                           "en": "the capacity is 0: the service counts without capacity"},
    "warn.capacity_implausible": {
        "cs": "kapacita {value} ({unit}) je nezvykle vysoká (víc než {limit}); ověřte ji, nejde o překlep?",
        "en": "the capacity {value} ({unit}) is unusually high (over {limit}); check it for a typing error"},
    "err.mixed_encoding": {
        "cs": "soubor míchá kódování znaků: část řádků je v UTF-8, řádek {row} v jiném (Windows-1250?); uložte celý "
              "soubor v jednom kódování, nejlépe UTF-8",
        "en": "the file mixes character encodings: some lines are UTF-8, line {row} another (Windows-1250?); save "
              "the whole file in one encoding, preferably UTF-8"},
    "err.header_only": {"cs": "soubor má jen záhlaví, žádný řádek s daty", "en": "the file has a header and no data rows"},
    "err.short_row": {"cs": "řádek má jen {n} buněk, záhlaví {width}; řádek je zkrácený nebo rozdělený na dva",
                      "en": "the row has only {n} cells, the header {width}; the row is cut short or split in two"},
    "err.extra_cells": {"cs": "řádek má {n} buněk, záhlaví jen {width}; přebytečné buňky nelze přiřadit sloupcům "
                              "(chybí uvozovky kolem textu s oddělovačem?)",
                        "en": "the row has {n} cells, the header only {width}; the extra cells belong to no column "
                              "(quotes missing around a text with the delimiter?)"},
    "err.cell_too_long": {"cs": "buňka má {n} znaků (nejvýš {limit}); soubor je nejspíš poškozený",
                          "en": "the cell has {n} characters (at most {limit}); the file is probably broken"},
    "err.control_char": {"cs": "buňka obsahuje neviditelný řídicí znak {char}; smažte ho",
                         "en": "the cell holds an invisible control character {char}; delete it"},
    "err.date_order": {
        "cs": "datum ukončení {end} je před datem zahájení {start}",
        "en": "the end date {end} is before the start date {start}",
    },
    "err.bad_bool": {
        "cs": "„{value}“ není ano/ne",
        "en": '"{value}" is not yes/no',
    },
    "err.bad_obec_code": {
        "cs": "„{value}“ není kód obce (šestimístné číslo, např. 584282)",
        "en": '"{value}" is not an obec code (six digits, e.g. 584282)',
    },
    "err.unknown_obec_code": {
        "cs": "kód obce {value} není mezi načtenými obcemi",
        "en": "obec code {value} is not among the loaded municipalities",
    },
    "err.duplicate_code": {
        "cs": "kód {value} se opakuje (už na řádku {first})",
        "en": "code {value} is repeated (already on row {first})",
    },
    "err.outside_czechia": {
        "cs": "souřadnice ({x}; {y}) leží mimo Českou republiku",
        "en": "the coordinates ({x}; {y}) lie outside Czechia",
    },
    "err.latlon_swapped": {
        "cs": "souřadnice jsou zřejmě prohozené: lat={lat}, lon={lon} (v Česku je lat 48,5–51,1 a lon 12,0–18,9)",
        "en": "the coordinates seem swapped: lat={lat}, lon={lon} (in Czechia lat is 48.5–51.1 and lon 12.0–18.9)",
    },
    "err.roads_in_pieces": {
        "cs": "silniční síť není souvislá: obce leží na {parts} oddělených kusech sítě a\u00a0největší z\u00a0nich "
              "spojuje jen {share} % obcí (mimo něj např. {obce}); chybějí silnice mezi nimi, nebo je síť oříznutá?",
        "en": "the road network is not connected: the obce lie on {parts} separate pieces of it and the largest "
              "joins only {share} % of them (outside it e.g. {obce}); are roads between them missing, or is the "
              "network clipped?"},
    "err.roads_not_covering": {
        "cs": "silniční síť nepokrývá území: {share} % obcí leží dál než {km} km od ní (např. {obce}); jde o síť "
              "jiného území, nebo o úseky, které spolu nesouvisejí?",
        "en": "the road network does not cover the area: {share} % of the obce lie more than {km} km from it (e.g. "
              "{obce}); is it the network of another area, or pieces that do not connect?"},
    "warn.project_scenario_skipped": {
        "cs": "uložený scénář „{name}“ je poškozený a vynechává se (v souboru zůstává); ostatní data projektu se "
              "použijí (technicky: {detail})",
        "en": "the saved scenario \"{name}\" is damaged and left out (it stays in the file); the rest of the "
              "project is used "
              "(technically: {detail})"},
    "err.shading_secret": {"cs": "druh „{kind}“ má místo s utajenou adresou: stínování dojezdem by ho na veřejné mapě "
                                 "prozradilo; zvolte jiný druh",
                           "en": "the kind \"{kind}\" has a site with a secret address: shading by travel time would "
                                 "reveal it on a public map; choose another kind"},
    "err.roads_all_zero": {"cs": "všechny třídy silnic mají rychlost 0 km/h (jen pro pěší): autem by nevedla "
                                 "žádná cesta; doplňte rychlosti v km/h",
                           "en": "every road class has the speed 0 km/h (walking only): no route for cars; fill in "
                                 "the speeds in km/h"},
    "err.population_impossible": {"cs": "obec nemůže mít {value} obyvatel (víc než {limit}, dvojnásobek Prahy); "
                                        "opravte překlep",
                                  "en": "an obec cannot have {value} inhabitants (more than {limit}, twice Prague); "
                                        "correct the typing error"},
    "warn.population_implausible": {"cs": "obec má {value} obyvatel, víc než kterákoli česká obec (nad {limit}); "
                                          "nejde o překlep?",
                                    "en": "the obec has {value} inhabitants, more than any Czech obec (over {limit}); "
                                          "a typing error?"},
    "warn.unknown_orp": {"cs": "kód ORP {value} není v číselníku ORP (ČSÚ ani RÚIAN); obce s ním nepatří do žádného "
                               "ORP a výběr podle ORP je vynechá",
                         "en": "the ORP code {value} is in neither ORP codelist (ČSÚ, RÚIAN); its obce belong to no ORP "
                               "and a choice by ORP leaves them out"},
    "err.no_obce": {"cs": "soubor neobsahuje žádnou obec", "en": "the file holds no obec"},
    "err.no_crs": {"cs": "soubor neudává souřadnicový systém (u shapefilu chybí soubor .prj); uložte ho znovu "
                         "s EPSG:5514 (S-JTSK) nebo WGS 84",
                   "en": "the file gives no coordinate system (a shapefile without its .prj); save it again with "
                         "EPSG:5514 (S-JTSK) or WGS 84"},
    "err.crs_mismatch": {"cs": "soubor tvrdí, že je v zeměpisných stupních ({crs}), ale souřadnice jsou v metrech "
                               "(např. {x}, {y}); opravte souřadnicový systém souboru (nejspíš EPSG:5514)",
                         "en": "the file says it is in degrees ({crs}) but the coordinates are metres (e.g. {x}, {y}); "
                               "fix the file's coordinate system (most likely EPSG:5514)"},
    "err.mixed_geometry": {"cs": "soubor míchá druhy geometrie ({kinds}); obce mají být buď všechny plochy, nebo "
                                 "všechny body",
                           "en": "the file mixes kinds of geometry ({kinds}); the obce must be all areas or all "
                                 "points"},
    "warn.geometry_repaired": {"cs": "hranice obce {obec} je neplatná (např. překřížená); byla opravena",
                               "en": "the boundary of obec {obec} is invalid (e.g. self-crossing); it was repaired"},
    "err.no_geometry": {
        "cs": "obec nemá polohu (chybí geometrie i souřadnice)",
        "en": "the obec has no location (no geometry and no coordinates)",
    },
    "err.unknown_kind": {
        "cs": "neznámý druh služby „{value}“ (použijte kód DruhSocialniSluzby/N, paragraf, název "
        "nebo vlastní druh – vlastní druhy načtěte volbou --custom-kinds SOUBOR nebo je uložte vedle "
        "šablony jako vlastni_druhy.csv)",
        "en": 'unknown kind of service "{value}" (use a DruhSocialniSluzby/N code, a paragraph, '
        "a name or a custom kind – load custom kinds with --custom-kinds FILE or save them beside the "
        "template as vlastni_druhy.csv)",
    },
    "warn.custom_kinds_beside": {
        "cs": "vlastní druhy služeb načteny ze souboru vedle {services} (jiný soubor zadejte volbou --custom-kinds)",
        "en": "custom kinds of service read from the file beside {services} (give another with --custom-kinds)",
    },
    "err.unknown_form": {
        "cs": "neznámá forma „{value}“ (pob, amb nebo ter)",
        "en": 'unknown form "{value}" (pob, amb or ter)',
    },
    "err.unknown_unit": {
        "cs": "neznámá jednotka kapacity „{value}“ (luzka, klient, interv, kontakt nebo hovor)",
        "en": 'unknown capacity unit "{value}" (luzka, klient, interv, kontakt or hovor)',
    },
    "err.capacity_without_unit": {
        "cs": "kapacita je vyplněna, ale chybí její jednotka",
        "en": "a capacity is given without its unit",
    },
    "err.capacity_conflict": {
        "cs": "služba {service} má u formy {form} v jednotce {unit} dvě různé kapacity ({a} a {b}); "
        "kapacita patří službě a formě, ne místu — uveďte ji u všech míst stejně",
        "en": "service {service} has two different capacities ({a} and {b}) for form {form} in unit "
        "{unit}; capacity belongs to the service and form, not to a site — give the same value at every site",
    },
    "err.service_conflict": {
        "cs": "služba {service} má v různých řádcích různé hodnoty ve sloupci „{column}“ ({a} / {b})",
        "en": 'service {service} has different values in column "{column}" on different rows ({a} / {b})',
    },
    "warn.service_conflict": {
        "cs": "služba {service} má v různých řádcích různé hodnoty ve sloupci „{column}“ ({a} / {b}); "
              "platí první hodnota",
        "en": 'service {service} has different values in column "{column}" on different rows ({a} / {b}); '
              "the first one is kept",
    },
    "warn.site_no_location": {
        "cs": "místo nemá souřadnice, kód adresního místa ani kód obce: služba zůstane v katalogu, "
              "ale do dojezdových časů nevstupuje",
        "en": "the site has no coordinates, address code or obec code: the service stays in the catalogue "
              "but is left out of travel times",
    },
    "err.secret_needs_obec": {
        "cs": "u místa s utajenou adresou je povinný kód obce nebo územní působnost služby (adresa ani souřadnice "
              "se nenačítají)",
        "en": "a site with a secret address needs its obec code or the service's area (its address and "
              "coordinates are not read)",
    },
    "warn.secret_by_area": {
        "cs": "místo s utajenou adresou bez obce: kapacita se počítá podle územní působnosti služby, dojezd se "
              "nepočítá",
        "en": "a site with a secret address and no obec: its capacity counts by the service's area, no travel "
              "time is computed",
    },
    "err.unknown_district": {
        "cs": "správní obvod „{value}“ nebyl v datech nalezen",
        "en": 'the district "{value}" was not found in the data',
    },
    "err.no_okres_columns": {
        "cs": "soubor obcí neobsahuje okresy (sloupec KOD_LAU1, KOD_OKRES nebo NAZ_LAU1); zvolte ORP, POÚ nebo kraj",
        "en": "the municipality file has no okres columns (KOD_LAU1, KOD_OKRES or NAZ_LAU1); choose an ORP, POÚ or kraj",
    },
    "err.ambiguous_district": {
        "cs": "název „{value}“ odpovídá více obvodům ({matches}); zadejte kód",
        "en": 'the name "{value}" matches several districts ({matches}); give a code',
    },
    "err.bad_district_spec": {
        "cs": "„{value}“ není obvod; zadejte např. ORP:6221, ORP:1376, POU:81142 nebo název",
        "en": '"{value}" is not a district; give e.g. ORP:6221, ORP:1376, POU:81142 or a name',
    },
    "err.bad_json": {
        "cs": "neplatný JSON: {detail}",
        "en": "invalid JSON: {detail}",
    },
    "err.bad_structure": {
        "cs": "neočekávaná struktura: {detail}",
        "en": "unexpected structure: {detail}",
    },
    "err.bad_value": {
        "cs": "neplatná hodnota „{value}“: {detail}",
        "en": 'invalid value "{value}": {detail}',
    },
    "err.option": {
        "cs": "chybný parametr {option}: {detail}",
        "en": "bad option {option}: {detail}",
    },
    # --- warnings ----------------------------------------------------------------------------
    "warn.site_at_obec_point": {
        "cs": "místo nemá kód adresního místa ani souřadnice; umístěno do definičního bodu obce {obec}",
        "en": "the site has no address-point code and no coordinates; placed at the definition point of obec {obec}",
    },
    "warn.site_unknown_obec": {
        "cs": "místo nelze umístit: obec {obec} není mezi načtenými obcemi a místo nemá souřadnice ani adresní bod; "
              "do výpočtů nevstupuje",
        "en": "the site cannot be placed: obec {obec} is not among the loaded municipalities and the site has no "
              "coordinates or address point; it is left out of the results",
    },
    "warn.site_not_placed": {
        "cs": "místo nelze umístit (chybí souřadnice, adresní bod i kód obce); do výpočtů nevstupuje",
        "en": "the site cannot be placed (no coordinates, address point or obec code); it is left out of the results",
    },
    "warn.address_code_not_found": {
        "cs": "kód adresního místa {value} nebyl v adresních bodech RÚIAN nalezen; umístěno do bodu obce {obec}",
        "en": "address-point code {value} was not found among the RÚIAN address points; placed at the point of obec {obec}",
    },
    "warn.no_capacity": {
        "cs": "služba nemá uvedenou kapacitu",
        "en": "the service has no capacity given",
    },
    "warn.age_estimated": {
        "cs": "věkové skupiny jsou odhadnuty z podílu ({share}), nejsou to data ČSÚ",
        "en": "age bands are estimated from a share ({share}), they are not ČSÚ data",
    },
    "warn.row_without_coordinates": {
        "cs": "řádek nemá souřadnice a byl vynechán",
        "en": "the row has no coordinates and was skipped",
    },
}


#: Czech plural forms (1 / 2–4 / 5+) and English (1 / other) of counted words.
_PLURALS: dict[str, dict[str, tuple[str, ...]]] = {
    "obec": {"cs": ("obec", "obce", "obcí"), "en": ("obec", "obce", "obce")},
    "kind": {"cs": ("druh služeb", "druhy služeb", "druhů služeb"), "en": ("kind of service", "kinds of service")},
    "gap": {"cs": ("mezera", "mezery", "mezer"), "en": ("gap", "gaps")},
    "row": {"cs": ("řádek", "řádky", "řádků"), "en": ("row", "rows")},
    "service": {"cs": ("služba", "služby", "služeb"), "en": ("service", "services")},
    "service_acc": {"cs": ("službu", "služby", "služeb"), "en": ("service", "services")},
    "site": {"cs": ("místo", "místa", "míst"), "en": ("site", "sites")},
    "transfer": {"cs": ("přestup", "přestupy", "přestupů"), "en": ("transfer", "transfers")},
}


def plural(n: int, word: str, lang: str = DEFAULT_LANG) -> str:
    """``n`` with the right plural form: ``plural(1, "obec")`` → ``"1 obec"``, 3 → ``"3 obce"``, 5 → ``"5 obcí"``."""
    forms = _PLURALS[word][lang if lang in _PLURALS[word] else DEFAULT_LANG]
    if lang == "cs":
        form = forms[0] if n == 1 else forms[1] if 2 <= n <= 4 else forms[2]
    else:
        form = forms[0] if n == 1 else forms[1]
    return f"{n} {form}"


def fmt_num(value: float, lang: str = DEFAULT_LANG, digits: int = 2) -> str:
    """A number for text: decimal comma in Czech, trailing zeros dropped (``5.30`` → ``5,3``)."""
    text = f"{round(float(value), digits):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "cs" else text


def register(texts: Mapping[str, Mapping[str, str]]) -> None:
    """Add keys to the table (each must give every language in :data:`LANGS`)."""
    for key, val in texts.items():
        missing = [lang for lang in LANGS if lang not in val]
        if missing:
            raise ValueError(f"i18n key {key!r} lacks {missing}")
        if key in TEXTS and dict(TEXTS[key]) != dict(val):
            raise ValueError(f"i18n key {key!r} registered twice with different texts")
        TEXTS[key] = dict(val)


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (``"cs"`` or ``"en"``) and fill ``params`` in."""
    entry = TEXTS.get(key)
    if entry is None:
        if os.environ.get("COVERAGE_APP_STRICT_I18N"):
            raise KeyError(key)
        return key
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text


#: One-letter Czech prepositions and conjunctions that may not end a line.
_ONE_LETTER = re.compile(r"(?<![\w\u00a0])([kKsSvVzZoOuUaAiI]) ")
_IN_NUMBER = re.compile(r"(?<=\d) (?=\d)")
_SECTION = re.compile(r"§ (?=\d)")
#: A number and the unit or the thing it counts (``30 min``, ``6 klientů``, ``8 lůžek``, ``50 %``).
_UNIT = re.compile(r"(?<=\d) (?=(?:Kč|MB|kB|%|[a-záčďéěíňóřšťúůýž]))")


def czech_nbsp(text: str) -> str:
    """Czech typography for running text: non-breaking spaces after a one-letter preposition or
    conjunction (``v obci`` → ``v\u00a0obci``), inside numbers (``800 200 007``), after ``§`` and
    between a number and its unit or the thing it counts (``30 min``, ``6 klientů``), so that none
    of them is split at a line end."""
    text = _ONE_LETTER.sub("\\1\u00a0", str(text))
    text = _IN_NUMBER.sub("\u00a0", text)
    text = _SECTION.sub("§\u00a0", text)
    return _UNIT.sub("\u00a0", text)


_STRAIGHT_QUOTES = re.compile(r'"([^"\n]+)"')
_RANGE = re.compile(r"(?<=\d)\s?-\s?(?=\d)")
_DAYS = re.compile(r"\b(po|út|st|čt|pá|so|ne)\s?-\s?(po|út|st|čt|pá|so|ne)\b", re.IGNORECASE)


def czech_quotes(text: str) -> str:
    """Straight double quotes in pairs as Czech „…“."""
    return _STRAIGHT_QUOTES.sub("\u201e\\1\u201c", str(text))


def czech_range(text: str) -> str:
    """A range of numbers or times with an en dash: ``7.00-15.30`` → ``7.00–15.30``, ``8 - 20`` → ``8–20``."""
    return _DAYS.sub("\\1\u2013\\2", _RANGE.sub("\u2013", str(text)))
