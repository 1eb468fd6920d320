"""The crisis and emergency lines on the back cover of the catalogue, and the table a user edits.

The defaults are the national lines (checked against public sources); a kraj or a town adds its
own crisis centre or changes a number for an edition with a CSV/XLSX table::

    cislo;nazev;pro_koho;doba;tisnove
    112;Jednotné evropské číslo tísňového volání;;;ano
    116 123;Linka první psychické pomoci;dospělí v psychické krizi;zdarma;ne

(``coverage-app template --crisis-lines linky.csv`` writes the defaults as such a table.)  Every
bad cell is named by file, row and column.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coverage_app.errors import Report
from coverage_app.i18n import register, t
from coverage_app.io.tables import find_column, read_table

__all__ = ["CRISIS_COLUMNS", "CRISIS_LINES", "CrisisLine", "default_crisis_lines", "read_crisis_lines",
           "write_crisis_lines"]

register({
    "cat.line.112": {"cs": "Jednotné evropské číslo tísňového volání", "en": "European emergency number"},
    "cat.line.155": {"cs": "Zdravotnická záchranná služba", "en": "Ambulance"},
    "cat.line.158": {"cs": "Policie ČR", "en": "Police"},
    "cat.line.150": {"cs": "Hasičský záchranný sbor", "en": "Fire and rescue"},
    "cat.line.116111": {"cs": "Linka bezpečí", "en": "Linka bezpečí (child helpline)"},
    "cat.line.116111.who": {"cs": "děti, mládež a studenti do 26 let", "en": "children, young people and students up to 26"},
    "cat.line.116000": {"cs": "Linka pro rodinu a školu", "en": "Family and school line"},
    "cat.line.116000.who": {"cs": "dospělí, kteří mají starost o dítě", "en": "adults worried about a child"},
    "cat.line.116123": {"cs": "Linka první psychické pomoci", "en": "First psychological aid line"},
    "cat.line.116123.who": {"cs": "dospělí v psychické krizi a jejich blízcí", "en": "adults in mental crisis and their close ones"},
    "cat.line.116006": {"cs": "Linka pomoci obětem kriminality a domácího násilí",
                        "en": "Helpline for victims of crime and domestic violence"},
    "cat.line.116006.who": {"cs": "oběti a svědci trestných činů, ohrožení domácím násilím",
                            "en": "victims and witnesses of crime, people at risk of domestic violence"},
    "cat.line.800200007": {"cs": "Linka seniorů", "en": "Senior line"},
    "cat.line.800200007.who": {"cs": "senioři a ti, kdo o ně pečují", "en": "older people and their carers"},
    "cat.line.800157157": {"cs": "Senior telefon", "en": "Senior telefon"},
    "cat.line.800157157.who": {"cs": "senioři a pečující", "en": "older people and carers"},
    "cat.line.800350000": {"cs": "Národní linka pro odvykání", "en": "National quitline"},
    "cat.line.800350000.who": {"cs": "kouření a jiné závislosti", "en": "smoking and other addictions"},
    "cat.hours.nonstop": {"cs": "nonstop, zdarma", "en": "24/7, free"},
    "cat.hours.8_20": {"cs": "denně 8–20 h, zdarma", "en": "daily 8 am–8 pm, free"},
    "cat.hours.free": {"cs": "zdarma", "en": "free"},
    "err.crisis_phone": {"cs": "číslo linky „{value}“ není telefonní číslo (jen číslice a mezery)",
                         "en": "the line's number \"{value}\" is not a phone number (digits and spaces only)"},
    "err.crisis_flag": {"cs": "„{value}“ není ano/ne", "en": "\"{value}\" is not yes/no"},
    "err.crisis_empty": {"cs": "tabulka linek neobsahuje žádnou linku", "en": "the table holds no line"},
})

#: Columns of the user's table: (column, accepted names).
CRISIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": ("cislo", "telefon", "phone", "number"),
    "name": ("nazev", "name"),
    "who": ("pro_koho", "who"),
    "hours": ("doba", "hours"),
    "emergency": ("tisnove", "emergency"),
}


@dataclass(frozen=True)
class CrisisLine:
    """A helpline or emergency number printed on the back cover.

    Attributes
    ----------
    name : str
        Name of the line, e.g. "Linka bezpečí".
    phone : str
        Number as dialled, e.g. "116 111".
    who : str
        Whom it is for.
    hours : str
        When it answers (and whether free), e.g. "nonstop, zdarma"; ``""`` when not stated.
    emergency : bool
        An emergency number (112, 155, 158, 150), printed large at the top.
    """

    name: str
    phone: str
    who: str = ""
    hours: str = ""
    emergency: bool = False


def default_crisis_lines(lang: str = "cs") -> tuple[CrisisLine, ...]:
    """The national lines printed unless the caller passes its own list.

    Numbers checked against public sources (2024–2025): Linka bezpečí 116 111 (nonstop),
    Linka pro rodinu a školu 116 000, Linka první psychické pomoci 116 123, Linka pomoci obětem
    kriminality a domácího násilí 116 006 (Bílý kruh bezpečí, nonstop, free), Linka seniorů
    800 200 007 (Elpida, daily 8–20), Senior telefon 800 157 157 (Život 90), Národní linka
    pro odvykání 800 350 000; emergency numbers 112, 155, 158, 150.  Hours are given only where
    a source states them; operators change hours, so check before each print run.
    """
    def line(num: str, phone: str, hours: str = "") -> CrisisLine:
        return CrisisLine(t(f"cat.line.{num}", lang), phone, t(f"cat.line.{num}.who", lang),
                          t(hours, lang) if hours else "")
    return (
        CrisisLine("112", "112", t("cat.line.112", lang), emergency=True),
        CrisisLine("155", "155", t("cat.line.155", lang), emergency=True),
        CrisisLine("158", "158", t("cat.line.158", lang), emergency=True),
        CrisisLine("150", "150", t("cat.line.150", lang), emergency=True),
        line("116111", "116 111", "cat.hours.nonstop"),
        line("116000", "116 000", "cat.hours.free"),
        line("116123", "116 123", "cat.hours.free"),
        line("116006", "116 006", "cat.hours.nonstop"),
        line("800200007", "800 200 007", "cat.hours.8_20"),
        line("800157157", "800 157 157", "cat.hours.free"),
        line("800350000", "800 350 000", "cat.hours.free"),
    )


#: Default lines in Czech (override through ``render_catalogue(..., crisis_lines=...)``).
CRISIS_LINES: tuple[CrisisLine, ...] = default_crisis_lines("cs")


def read_crisis_lines(path: str | Path) -> tuple[CrisisLine, ...]:
    """The user's table of lines (CSV or XLSX, columns :data:`CRISIS_COLUMNS`), in its order.

    Raises :class:`~coverage_app.errors.DataError` naming file, row and column of every bad cell.
    """
    table = read_table(path)
    cols = {key: find_column(list(table.frame.columns), names) for key, names in CRISIS_COLUMNS.items()}
    report = Report()
    for key in ("phone", "name"):
        if cols[key] is None:
            report.add(table.file, 1, CRISIS_COLUMNS[key][0], "err.missing_column", column=CRISIS_COLUMNS[key][0])
    report.raise_if_errors()
    lines = []
    for row_no, rec in zip(table.rows, table.frame.to_dict("records")):
        def cell(key: str) -> str:
            return str(rec.get(cols[key], "") if cols[key] else "").strip()
        phone, flag = cell("phone"), cell("emergency").lower()
        if not phone.replace(" ", "").replace("\u00a0", "").isdigit():
            report.add(table.file, row_no, cols["phone"], "err.crisis_phone", value=phone)
        if not cell("name"):
            report.add(table.file, row_no, cols["name"], "err.missing_value")
        if flag not in ("", "ano", "ne", "yes", "no", "1", "0"):
            report.add(table.file, row_no, cols["emergency"], "err.crisis_flag", value=flag)
        lines.append(CrisisLine(cell("name"), phone, cell("who"), cell("hours"), flag in ("ano", "yes", "1")))
    if not lines:
        report.add(table.file, None, None, "err.crisis_empty")
    report.raise_if_errors()
    return tuple(lines)


def write_crisis_lines(path: str | Path, lines: Sequence[CrisisLine] = CRISIS_LINES) -> Path:
    """Write lines as the user's table (UTF-8 CSV with ``;``), e.g. the defaults to edit."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([names[0] for names in CRISIS_COLUMNS.values()])
        for c in lines:
            w.writerow([c.phone, c.name, c.who, c.hours, "ano" if c.emergency else "ne"])
    return path
