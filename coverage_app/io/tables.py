"""Reading tabular files the way Czech offices produce them.

CSV files come in UTF-8 (with or without BOM) or Windows-1250, separated by commas, semicolons
or tabs; spreadsheets come as XLSX.  :func:`read_table` returns every cell as text together with
the spreadsheet row number of each record (header = row 1), so that readers can report problems
precisely.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from coverage_app.errors import DataError, Report
from coverage_app.i18n import register

__all__ = ["Table", "read_table", "decode_bytes", "find_column", "looks_like_utf16", "parse_number"]

_DELIMITERS = (";", ",", "\t")


@dataclass
class Table:
    """Cells of a table as text.

    Attributes
    ----------
    frame : DataFrame
        All cells as ``str`` (empty string for a blank cell), columns as in the header
        (surrounding white space removed).
    rows : list of int
        Spreadsheet row number of each record (header = 1).
    file : str
        Name of the file (for messages).
    encoding, delimiter : str
        What was detected (``"xlsx"`` for spreadsheets).
    """

    frame: pd.DataFrame
    rows: list[int]
    file: str
    encoding: str = "utf-8"
    delimiter: str = ","

    def __len__(self) -> int:
        return len(self.frame)


_CZECH_LETTERS = set("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ")


def decode_bytes(data: bytes, file: str) -> tuple[str, str]:
    """Decode UTF-8 (BOM allowed), Windows-1250 or ISO-8859-2; raise :class:`DataError` otherwise.

    UTF-16/32 and binary files (NUL bytes) are refused with a message that says how to save the
    file.  Between the two single-byte Czech encodings the one giving more Czech letters wins.
    """
    if b"\x00" in data[:65536]:
        pos = data.index(b"\x00")
        if looks_like_utf16(data):
            raise DataError.single(file, None, None, "err.encoding_utf16", pos=pos)
        row = data.count(b"\n", 0, pos) + 1
        raise DataError.single(file, row, None, "err.nul_byte", row=row)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf_error = exc
    _refuse_mixed_encoding(data, file)
    best: tuple[int, str, str] | None = None
    for enc in ("cp1250", "iso-8859-2"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = sum(ch in _CZECH_LETTERS for ch in text)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None:
        raise DataError.single(file, None, None, "err.encoding", pos=utf_error.start)
    return best[1], best[2]


def looks_like_utf16(data: bytes) -> bool:
    """Whether bytes are UTF-16 text: a byte-order mark, or (Latin text) a NUL in every other byte."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:400]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return False
    return ((odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even))
            or (even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd)))


def _refuse_mixed_encoding(data: bytes, file: str) -> None:
    """A file with some lines in UTF-8 (with Czech letters) and others not is refused, naming the
    first line in the other encoding: read as one encoding, every Czech name of the other would
    be garbled."""
    utf8_czech = 0
    first_other = None
    for number, line in enumerate(data.splitlines(), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if first_other is None:
                first_other = number
            continue
        if any(b >= 0x80 for b in line):
            utf8_czech += 1
        if utf8_czech and first_other is not None:
            break
    if utf8_czech and first_other is not None:
        raise DataError.single(file, first_other, None, "err.mixed_encoding", row=first_other)


#: The longest text a cell may hold (characters); a longer one is a broken file, not data.
MAX_CELL = 5000
#: Invisible characters no cell may hold: C0/C1 controls (a terminal's escape sequences), the Unicode
#: line and paragraph separators (a line break inside a name) and bidirectional overrides (text shown
#: in another order than it is stored).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

register({
    "err.nul_byte": {"cs": "soubor obsahuje nulový bajt (na řádku {row}): není to text CSV, nebo je poškozený",
                     "en": "the file holds a NUL byte (on line {row}): it is not CSV text, or it is damaged"},
    "err.duplicate_column": {"cs": "sloupec „{column}“ je v záhlaví dvakrát (sloupce {a} a {b}); ponechte jen jeden",
                             "en": "the column \"{column}\" is twice in the header (columns {a} and {b}); keep one"},
    "err.csv_field_limit": {
        "cs": "řádek nelze přečíst: buňka je delší než {limit} znaků (nejvýš {max} znaků; chybí uzavírací "
              "uvozovky, nebo je soubor poškozený)",
        "en": "the row cannot be read: a cell is longer than {limit} characters (at most {max}; a closing quote is "
              "missing, or the file is damaged)"},
    "err.unclosed_quote": {"cs": "buňka začíná uvozovkami, které se neuzavírají, a\u00a0pohltila další řádky; "
                                 "doplňte uzavírací uvozovky",
                           "en": "the cell opens a quote that is never closed and swallowed the following lines; add "
                                 "the closing quote"},
    "err.csv_broken": {"cs": "řádek nelze přečíst jako CSV (technicky: {detail})",
                       "en": "the row cannot be read as CSV (technically: {detail})"},
})


def _char_name(ch: str) -> str:
    """An invisible character written as ``\\x1b`` or ``\\u2028``."""
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"


def _check_cells(records: list[list[str]], rows: list[int], header: list[str], name: str) -> None:
    """Rows with more cells than the header, control characters and overlong cells, by row and
    column (all of them at once)."""
    report = Report()
    width = len(header)
    for rec, row in zip(records, rows):
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            report.add(name, row, None, "err.extra_cells", n=len(rec), width=width)
        elif 1 < len(rec) < width and width - len(rec) > 1:  # a row cut short (one missing last cell is kept)
            broken = next((c for c, value in enumerate(rec) if "\n" in value), None)
            if broken is not None:  # an opening quote never closed swallowed the lines after it
                report.add(name, row, header[broken], "err.unclosed_quote")
            else:
                report.add(name, row, None, "err.short_row", n=len(rec), width=width)
        for c, value in enumerate(rec[:width]):
            if len(value) > MAX_CELL:
                report.add(name, row, header[c], "err.cell_too_long", n=len(value), limit=MAX_CELL)
            elif _CONTROL_CHARS.search(value):
                report.add(name, row, header[c], "err.control_char",
                           char=_char_name(_CONTROL_CHARS.search(value).group(0)))
        if len(report.problems) >= 200:
            break
    report.raise_if_errors()


def _sniff_delimiter(header: str) -> str:
    counts = {d: 0 for d in _DELIMITERS}
    in_quotes = False
    for ch in header:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: str | Path, *, sheet: str | int | None = 0, display_name: str | None = None,
               expected_columns: int = 2, allow_empty: bool = False) -> Table:
    """Read a CSV (UTF-8/Windows-1250; ``,`` ``;`` or tab) or an XLSX sheet as text cells.

    Parameters
    ----------
    path : path
        The file.
    sheet : str or int, optional
        Sheet of an XLSX workbook (default the first).
    display_name : str, optional
        Name used in messages (default the file name).
    expected_columns : int
        A CSV whose header has fewer columns than this is refused as having a wrong delimiter.
    allow_empty : bool
        Accept a header without data rows (else refused: a blank template is no data).

    Rows with more cells than the header, control characters and cells over :data:`MAX_CELL`
    characters are refused by row and column; so is a file mixing two character encodings.
    """
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError.single(name, None, None, "err.file_not_found")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types
            raise DataError.single(name, None, None, "err.unreadable", detail=str(exc)) from None
        if len(frame.columns) == 0:  # a sheet without a single cell
            raise DataError.single(name, None, None, "err.empty_file")
        frame = frame.fillna("")
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.map(lambda v: str(v).strip())
        blank = (frame == "").all(axis=1)
        frame = frame[~blank]
        rows = [int(i) + 2 for i in frame.index]
        frame = frame.reset_index(drop=True)
        if frame.empty and not allow_empty:
            raise DataError.single(name, 1, None, "err.header_only")
        _check_cells(frame.to_numpy().tolist(), rows, list(frame.columns), name)
        return Table(frame, rows, name, "xlsx", "")
    if suffix not in (".csv", ".txt", ".tsv", ""):
        raise DataError.single(name, None, None, "err.unknown_format", ext=suffix, expected="CSV, XLSX")
    text, encoding = decode_bytes(path.read_bytes(), name)
    return read_csv_text(text, name, encoding=encoding, expected_columns=expected_columns, allow_empty=allow_empty)


def read_csv_text(text: str, name: str, *, encoding: str = "utf-8", expected_columns: int = 2,
                  allow_empty: bool = False) -> Table:
    """Parse CSV text (see :func:`read_table`)."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise DataError.single(name, None, None, "err.empty_file")
    delimiter = _sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    records: list[list[str]] = []
    rows: list[int] = []
    start = 1
    for rec in _records(reader, name):
        line = start
        start = reader.line_num + 1
        if header is None:
            if not any(c.strip() for c in rec):
                continue
            header = [c.strip() for c in rec]
            continue
        if not any(c.strip() for c in rec):
            continue
        records.append([c.strip() for c in rec])
        rows.append(line)
    if header is None:
        raise DataError.single(name, None, None, "err.empty_file")
    if len(header) < expected_columns:
        raise DataError.single(name, 1, None, "err.delimiter", header=first.strip()[:80])
    _check_header(header, name)
    if not records and not allow_empty:
        raise DataError.single(name, 1, None, "err.header_only")
    _check_cells(records, rows, header, name)
    width = len(header)
    fixed = [(r + [""] * width)[:width] for r in records]
    frame = pd.DataFrame(fixed, columns=header, dtype=object)
    return Table(frame, rows, name, encoding, delimiter)


def _records(reader, name: str):
    """The records of a ``csv.reader``; its errors (a cell over the module's field limit, a NUL)
    become a :class:`DataError` naming the row where reading stopped."""
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = reader.line_num or 1
            if "field larger than field limit" in str(exc):
                raise DataError.single(name, row, None, "err.csv_field_limit", limit=csv.field_size_limit(),
                                       max=MAX_CELL) from None
            raise DataError.single(name, row, None, "err.csv_broken", detail=str(exc)) from None
        yield rec


def _check_header(header: list[str], name: str) -> None:
    """A column named twice is refused (which one would the readers take?); blank names may repeat."""
    first: dict[str, int] = {}
    for i, col in enumerate(header, start=1):
        if not col:
            continue
        if col in first:
            raise DataError.single(name, 1, col, "err.duplicate_column", column=col, a=first[col], b=i)
        first[col] = i


def find_column(columns: list[str] | pd.Index, candidates: tuple[str, ...]) -> str | None:
    """First column whose name matches one of ``candidates`` (case-insensitive, diacritics ignored)."""
    from coverage_app.codelists import normalize_text

    norm = {normalize_text(c).replace(" ", "_"): c for c in columns}
    for cand in candidates:
        hit = norm.get(normalize_text(cand).replace(" ", "_"))
        if hit is not None:
            return hit
    return None


def parse_number(value: str) -> float | None:
    """A number written the Czech or the English way (``1 234,5`` or ``1234.5``); ``None`` if blank.

    Raises ``ValueError`` when the text is not a number.
    """
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)  # "nan", "inf" are not data
    return value
