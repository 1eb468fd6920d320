"""RÚIAN address points (adresní místa) from the ČÚZK CSV exchange format.

ČÚZK publishes one CSV per obec, ``{YYYYMMDD}_OB_{kod_obce}_ADR.csv`` (Windows-1250, ``;``),
and all of them in one archive ``{YYYYMMDD}_OB_ADR_csv.zip`` (about 6 250 members).  The
header is::

    Kód ADM;Kód obce;Název obce;Kód MOMC;Název MOMC;Kód obvodu Prahy;Název obvodu Prahy;
    Kód části obce;Název části obce;Kód ulice;Název ulice;Typ SO;Číslo domovní;Číslo orientační;
    Znak čísla orientačního;PSČ;Souřadnice Y;Souřadnice X;Platí Od

(older files say ``Kód MOP;Název MOP`` in the 6th and 7th columns; both are accepted).
Coordinates are S-JTSK with positive values (``Souřadnice Y`` 430–910 km, ``Souřadnice X``
930–1 240 km); in EPSG:5514 ``x = −Y`` and ``y = −X``.  Some rows have no coordinates: they are
kept with NaN and counted (``attrs["without_coordinates"]``).

The national archive is read member by member straight from the zip (nothing is extracted);
with ``obce=`` only the members of those obce are opened.

>>> pts = read_address_points("20260831_OB_ADR_csv.zip", obce={"584282", "583031"})  # doctest: +SKIP
>>> pts.loc["8338752", ["x", "y"]]                                                  # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from coverage_app.codelists import normalize_text
from coverage_app.errors import DataError, Report
from coverage_app.i18n import register
from coverage_app.io.tables import decode_bytes
from coverage_app.model import in_czechia_5514

__all__ = [
    "ADDRESS_COLUMNS",
    "RUIAN_HEADER",
    "RUIAN_HEADER_OLD",
    "member_obec",
    "read_address_points",
]

register({
    "err.ruian_header": {
        "cs": "hlavička neodpovídá souboru adresních míst RÚIAN: sloupec {index} má být „{expected}“, "
              "je „{found}“",
        "en": 'the header is not that of a RÚIAN address-point file: column {index} should be "{expected}", '
              'it is "{found}"',
    },
    "err.ruian_no_files": {
        "cs": "nebyl nalezen žádný soubor adresních míst (*_ADR.csv)",
        "en": "no address-point file (*_ADR.csv) was found",
    },
    "warn.ruian_without_coordinates": {
        "cs": "{count} adresních míst nemá souřadnice (ponechána bez polohy)",
        "en": "{count} address points have no coordinates (kept without a location)",
    },
})

#: Header of the current ČÚZK address-point CSV.
RUIAN_HEADER: tuple[str, ...] = (
    "Kód ADM", "Kód obce", "Název obce", "Kód MOMC", "Název MOMC", "Kód obvodu Prahy",
    "Název obvodu Prahy", "Kód části obce", "Název části obce", "Kód ulice", "Název ulice", "Typ SO",
    "Číslo domovní", "Číslo orientační", "Znak čísla orientačního", "PSČ", "Souřadnice Y",
    "Souřadnice X", "Platí Od",
)
#: Header of older files (``Kód MOP;Název MOP`` in the 6th–7th columns).
RUIAN_HEADER_OLD: tuple[str, ...] = RUIAN_HEADER[:5] + ("Kód MOP", "Název MOP") + RUIAN_HEADER[7:]

#: Columns of the returned table (index: ``kod_adm``, the address code as text).
ADDRESS_COLUMNS: tuple[str, ...] = (
    "x", "y", "kod_obce", "nazev_obce", "cast_obce", "street", "house_type", "house_number",
    "orientation_number", "psc",
)

_MEMBER = re.compile(r"(?:^|/)(\d{8})_OB_(\d{6})_ADR\.csv$", re.IGNORECASE)


def member_obec(name: str) -> str | None:
    """Obec code in a file name ``20260831_OB_584282_ADR.csv`` (``None`` for other names)."""
    m = _MEMBER.search(name.replace("\\", "/"))
    return m.group(2) if m else None


def _header_ok(header: list[str], name: str) -> None:
    got = [h.strip().lstrip("\ufeff") for h in header]
    if tuple(got) in (RUIAN_HEADER, RUIAN_HEADER_OLD):
        return
    norm = [normalize_text(h) for h in got]
    for variant in (RUIAN_HEADER, RUIAN_HEADER_OLD):
        if norm == [normalize_text(h) for h in variant]:
            return
    expected = RUIAN_HEADER if len(got) < 6 or normalize_text(got[5]) != normalize_text("Kód MOP") else RUIAN_HEADER_OLD
    for i, exp in enumerate(expected):
        found = got[i] if i < len(got) else ""
        if normalize_text(found) != normalize_text(exp):
            raise DataError.single(name, 1, found or None, "err.ruian_header", index=i + 1, expected=exp,
                                   found=found)
    raise DataError.single(name, 1, None, "err.ruian_header", index=len(expected) + 1, expected="",
                           found=got[len(expected)] if len(got) > len(expected) else "")


def _numbers(col: pd.Series, rows: np.ndarray, column: str, name: str, report: Report, integer: bool) -> np.ndarray:
    text = col.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    text = text.where(~(text.str.contains(",", regex=False) & ~text.str.contains(".", regex=False)),
                      text.str.replace(",", ".", regex=False))
    vals = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(vals) & (text != "").to_numpy())
    for i in bad[:50]:
        report.add(name, int(rows[i]), column, "err.not_an_integer" if integer else "err.not_a_number",
                   value=col.iloc[i])
    if integer:
        frac = np.flatnonzero(~np.isnan(vals) & (vals != np.floor(vals)))
        for i in frac[:50]:
            report.add(name, int(rows[i]), column, "err.not_an_integer", value=col.iloc[i])
    return vals


def _check_widths(data: bytes, name: str) -> None:
    """Raise :class:`DataError` for rows with more or fewer cells than the RÚIAN header (at most 50
    named, by line), before pandas would shift or pad them silently.

    Counts the ``;`` of every line on the raw bytes (``;`` and the line feed are single ASCII bytes
    in both UTF-8 and Windows-1250), in linear time.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    if not len(arr):
        return
    breaks = np.flatnonzero(arr == 0x0A)
    starts = np.r_[0, breaks + 1]
    ends = np.r_[breaks, len(arr)]
    cells = np.bincount(np.searchsorted(breaks, np.flatnonzero(arr == 0x3B)), minlength=len(starts)) + 1
    length = ends - starts
    ends_with_cr = (length > 0) & (arr[np.maximum(ends - 1, 0)] == 0x0D)
    blank = length - ends_with_cr <= 0
    width = len(RUIAN_HEADER)
    bad = np.flatnonzero((cells != width) & ~blank)
    bad = bad[bad > 0]  # line 1 is the header, checked by name
    if not len(bad):
        return
    report = Report()
    for i in bad[:50]:
        code = "err.extra_cells" if cells[i] > width else "err.short_row"
        report.add(name, int(i) + 1, None, code, n=int(cells[i]), width=width)
    report.raise_if_errors()


def _parse(data: bytes, name: str, codes: set[str] | None, obce: set[str] | None, report: Report) -> pd.DataFrame:
    text, _enc = decode_bytes(data, name)
    first = text.split("\n", 1)[0].rstrip("\r")
    header = first.split(";")
    _header_ok(header, name)
    _check_widths(data, name)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, header=None,
                            skip_blank_lines=True, quoting=3, engine="c").iloc[1:].reset_index(drop=True)
    except pd.errors.ParserError as exc:
        raise DataError.single(name, None, None, "err.unreadable", detail=str(exc).strip()) from None
    frame.columns = list(RUIAN_HEADER)
    frame = frame.apply(lambda s: s.str.strip())
    rows = np.arange(len(frame)) + 2
    if codes is not None:
        sel = frame["Kód ADM"].isin(codes).to_numpy()
        frame, rows = frame[sel].reset_index(drop=True), rows[sel]
    if obce is not None:
        sel = frame["Kód obce"].isin(obce).to_numpy()
        frame, rows = frame[sel].reset_index(drop=True), rows[sel]
    adm = _numbers(frame["Kód ADM"], rows, "Kód ADM", name, report, integer=True)
    for i in np.flatnonzero(np.isnan(adm) & (frame["Kód ADM"] == "").to_numpy())[:50]:
        report.add(name, int(rows[i]), "Kód ADM", "err.missing_value")
    bad_obec = ~frame["Kód obce"].str.fullmatch(r"\d{6}").to_numpy()
    for i in np.flatnonzero(bad_obec)[:50]:
        report.add(name, int(rows[i]), "Kód obce", "err.bad_obec_code", value=frame["Kód obce"].iloc[i])
    yy = _numbers(frame["Souřadnice Y"], rows, "Souřadnice Y", name, report, integer=False)
    xx = _numbers(frame["Souřadnice X"], rows, "Souřadnice X", name, report, integer=False)
    x = -np.abs(yy)
    y = -np.abs(xx)
    has = ~np.isnan(x) & ~np.isnan(y)
    outside = has & ~in_czechia_5514(x, y)
    for i in np.flatnonzero(outside)[:50]:
        report.add(name, int(rows[i]), "Souřadnice Y", "err.outside_czechia",
                   x=frame["Souřadnice Y"].iloc[i], y=frame["Souřadnice X"].iloc[i])
    out = pd.DataFrame({
        "kod_adm": frame["Kód ADM"].str.replace(r"\.0$", "", regex=True).to_numpy(),
        "x": np.where(has, x, np.nan),
        "y": np.where(has, y, np.nan),
        "kod_obce": frame["Kód obce"].to_numpy(),
        "nazev_obce": frame["Název obce"].to_numpy(),
        "cast_obce": frame["Název části obce"].to_numpy(),
        "street": frame["Název ulice"].to_numpy(),
        "house_type": frame["Typ SO"].to_numpy(),
        "house_number": frame["Číslo domovní"].to_numpy(),
        "orientation_number": (frame["Číslo orientační"] + frame["Znak čísla orientačního"]).to_numpy(),
        "psc": frame["PSČ"].to_numpy(),
        "_row": rows,
    })
    out.attrs["file"] = name
    return out


def _sources(paths: str | Path | Iterable[str | Path], obce: set[str] | None) -> Iterator[tuple[str, bytes]]:
    """Yield ``(display name, bytes)`` of every address-point CSV in files, folders and zips."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    found = False
    for item in items:
        p = Path(item)
        if not p.exists():
            raise DataError.single(p.name, None, None, "err.file_not_found")
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.suffix.lower() in (".csv", ".zip"))
            for f in files:
                if f.suffix.lower() == ".zip":
                    for out in _zip_members(f, obce):
                        found = True
                        yield out
                elif member_obec(f.name) is not None and (obce is None or member_obec(f.name) in obce):
                    found = True
                    yield f.name, f.read_bytes()
        elif p.suffix.lower() == ".zip":
            for out in _zip_members(p, obce):
                found = True
                yield out
        else:
            code = member_obec(p.name)
            if obce is not None and code is not None and code not in obce:
                continue
            found = True
            yield p.name, p.read_bytes()
    if not found and obce is None:
        raise DataError.single(", ".join(Path(i).name for i in items), None, None, "err.ruian_no_files")


def _zip_members(path: Path, obce: set[str] | None) -> Iterator[tuple[str, bytes]]:
    from coverage_app.io.archives import open_zip, read_member

    with open_zip(path) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".csv"):
                continue
            code = member_obec(info.filename)
            if obce is not None and code is not None and code not in obce:
                continue
            yield f"{path.name}/{info.filename}", read_member(zf, info, path.name)


def read_address_points(
    paths_or_zip: str | Path | Iterable[str | Path],
    codes: Iterable[str | int] | None = None,
    *,
    obce: Iterable[str] | None = None,
    warnings: Report | None = None,
) -> pd.DataFrame:
    """Read RÚIAN address points into a table indexed by address code.

    Parameters
    ----------
    paths_or_zip : path or iterable of paths
        Per-obec CSV files, folders holding them, and/or zips of them (the national
        ``{YYYYMMDD}_OB_ADR_csv.zip``); zip members are read without extracting.
    codes : iterable of str or int, optional
        Keep only these address codes (``kodAdresnihoMista``) — e.g. the codes of the sites.
    obce : iterable of str, optional
        Read only the files (zip members) of these obce (6-digit codes).
    warnings : Report, optional
        Receives one warning with the number of address points without coordinates.

    Returns
    -------
    DataFrame
        Index ``kod_adm`` (address code as text); columns ``x``, ``y`` (EPSG:5514 metres, NaN
        where the file has no coordinates), ``kod_obce``, ``nazev_obce``, ``cast_obce``,
        ``street``, ``house_type`` (``č.p.``/``č.ev.``), ``house_number``,
        ``orientation_number`` (with its letter), ``psc``.  ``attrs`` holds ``files`` (names
        read) and ``without_coordinates`` (count).

    Raises
    ------
    DataError
        A wrong header, a bad number or obec code, a point outside Czechia or a repeated
        address code — with file (zip member), row and column.
    """
    code_set = None if codes is None else {str(c).strip() for c in codes}
    obce_set = None if obce is None else {str(c).strip() for c in obce}
    report = Report()
    parts: list[pd.DataFrame] = []
    names: list[str] = []
    for name, data in _sources(paths_or_zip, obce_set):
        part = _parse(data, name, code_set, obce_set, report)
        part["_file"] = name
        parts.append(part)
        names.append(name)
    report.raise_if_errors()
    if parts:
        table = pd.concat(parts, ignore_index=True)
    else:
        table = pd.DataFrame({c: pd.Series(dtype=float if c in ("x", "y") else object)
                              for c in ("kod_adm",) + ADDRESS_COLUMNS + ("_row", "_file")})
    dup = table["kod_adm"].duplicated(keep="first").to_numpy()
    if dup.any():
        first = table.drop_duplicates("kod_adm").set_index("kod_adm")
        for i in np.flatnonzero(dup)[:50]:
            code = table["kod_adm"].iloc[i]
            report.add(table["_file"].iloc[i], int(table["_row"].iloc[i]), "Kód ADM", "err.duplicate_code",
                       value=code, first=f"{int(first.loc[code, '_row'])} ({first.loc[code, '_file']})")
        report.raise_if_errors()
    out = table.set_index("kod_adm")[list(ADDRESS_COLUMNS)]
    out.index.name = "kod_adm"
    missing = int(out["x"].isna().sum())
    out.attrs["files"] = names
    out.attrs["without_coordinates"] = missing
    if missing and warnings is not None:
        warnings.add(", ".join(names[:3]) + (" …" if len(names) > 3 else ""), None, "Souřadnice Y",
                     "warn.ruian_without_coordinates", severity="warning", count=missing)
    return out
