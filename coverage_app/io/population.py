"""Population of obce from ČSÚ open data (long format) and from simple wide tables.

Two formats are read into one table indexed by ``kod_obce`` (6-digit text):

* **ČSÚ long format** — one statistical value per row, as in the open data sets of the Czech
  Statistical Office: the demographic sets (``idhod, hodnota, stapro_kod, pohlavi_cis,
  pohlavi_kod, vek_cis, vek_kod, vuzemi_cis, vuzemi_kod, casref_do, pohlavi_txt, vek_txt,
  vuzemi_txt``) and the 2021 census sets such as ``sldb2021_vek5_pohlavi.csv`` / ``…vek10…``
  (``idhod, hodnota, ukaz_kod, vek_cis, vek_kod, pohlavi_cis, pohlavi_kod, uzemi_cis, uzemi_kod,
  sldb_rok, sldb_datum, ukaz_txt, vek_txt, pohlavi_txt, uzemi_txt, uzemi_typ``).  Only obce are
  kept (territory codelist 43; ORP rows have 65, okresy 101, kraje 100).  A blank ``pohlavi_kod``
  means both sexes; where only men and women are given they are added.  A blank ``vek_kod`` /
  ``vek_txt`` is the total of all ages.  When an obec has rows for several reference dates
  (``casref_do``, ``sldb_datum``, ``rok``), only its latest date is used.
* **Wide table** (CSV or XLSX) — one row per obec with an obec code column (``KOD_OBEC``,
  ``kod_obce``, ``kod``…), a total (``POCET_OBYVATEL``, ``obyvatel``…) and optional age columns
  (``0-4``, ``pop_0_4``, ``65+``, ``80p``, ``0–14``, ``15–64``, ``65 a více``…).

Age groups
----------
Age labels are parsed from the text (``0 - 4 roky``, ``85 a více let``, ``0 až 5 (více nebo
rovno 0 a méně než 5)``, ``Od 95 (více nebo rovno 95)``, ``65+``) or from the codes of the ČSÚ
interval codelist 7700 (``400000600005000`` = at least 0 and less than 5).  Note the two Czech
conventions: census labels such as ``0 - 4 roky`` include the upper bound, while codelist 7700
labels ``0 až 5 (… méně než 5)`` exclude it.

Groups are mapped onto the six base bands of :data:`~coverage_app.codelists.BASE_AGE_BANDS`
(0–4, 5–14, 15–24, 25–64, 65–79, 80+).  A group inside one band is added to it exactly.  A group
that spans several bands (``65+`` → 65–79 and 80+, or a 10-year census group ``60 - 69 let``
that straddles 65) is split by a piecewise-constant age density derived from the age shares
(default: ČR shares of 1 Jan 2020, or the user's): each band's share spread evenly over its
years (80+ taken as 80–99).  For a group covering whole bands this is simply the ratio of the
shares; for a straddling group it also weighs the number of years on each side.  Ages that no
column covers get the rest of the total, split the same way.  Every obec with such a split is
flagged ``age_estimated=True`` and the table's ``attrs`` say which bands were estimated.

>>> pop = read_population("sldb2021_vek5_pohlavi.csv", obce={"584282"})      # doctest: +SKIP
>>> pop.loc["584282", ["population", "pop_80p", "age_estimated"]]           # doctest: +SKIP
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from coverage_app.codelists import BASE_AGE_BANDS, DEFAULT_AGE_SHARES, normalize_text
from coverage_app.errors import DataError, Report
from coverage_app.i18n import register, t
from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS
from coverage_app.io.tables import Table, decode_bytes, find_column, parse_number, read_table

__all__ = [
    "AgeGroup",
    "BAND_COLUMNS",
    "TOTAL_COLUMNS",
    "parse_age_label",
    "parse_age_code",
    "groups_to_bands",
    "read_population",
    "read_age_shares",
]

register({
    "err.population_no_obce": {
        "cs": "soubor neobsahuje žádné řádky za obce (číselník území 43)",
        "en": "the file has no rows for obce (territory codelist 43)",
    },
    "err.population_indicators": {
        "cs": "soubor obsahuje více ukazatelů ({values}); uložte jen řádky jednoho ukazatele (počet obyvatel)",
        "en": "the file holds several indicators ({values}); keep the rows of one indicator (population) only",
    },
    "err.bad_age_group": {
        "cs": "„{value}“ není věková skupina (očekávám např. 0–4, 65+, „85 a více let“)",
        "en": '"{value}" is not an age group (expected e.g. 0–4, 65+, "85 a více let")',
    },
    "err.age_groups_overlap": {
        "cs": "věkové skupiny se překrývají ({groups}) a nelze je rozložit na základní skupiny",
        "en": "the age groups overlap ({groups}) and cannot be broken down into the base bands",
    },
    "err.age_groups_inconsistent": {
        "cs": "věková skupina {outer} je menší než skupina {inner}, která v ní leží (obec {obec})",
        "en": "the age group {outer} is smaller than the group {inner} inside it (obec {obec})",
    },
    "err.population_one_sex": {
        "cs": "u obce {obec} je jen údaj za jedno pohlaví ({sex}) a chybí součet za obě",
        "en": "obec {obec} has a value for one sex only ({sex}) and no total of both",
    },
    "err.population_no_value": {
        "cs": "u obce {obec} chybí počet obyvatel i věkové skupiny",
        "en": "obec {obec} has neither a population total nor age groups",
    },
    "warn.population_sum_mismatch": {
        "cs": "součet věkových skupin ({sum}) se liší od počtu obyvatel ({total})",
        "en": "the sum of the age groups ({sum}) differs from the population ({total})",
    },
    "err.age_shares_missing_band": {
        "cs": "chybí podíl pro věkovou skupinu {band}",
        "en": "the share of age band {band} is missing",
    },
    "err.age_shares_sum": {
        "cs": "podíly věkových skupin dávají dohromady {sum}; očekávám 1 (nebo 100 %)",
        "en": "the age shares add up to {sum}; expected 1 (or 100 %)",
    },
    "label.population_csu": {
        "cs": "ČSÚ, {file} (stav k {date})",
        "en": "ČSÚ, {file} (as of {date})",
    },
})

#: An age group in whole years: ``(lower, upper)`` with ``upper`` inclusive, ``None`` = open-ended.
AgeGroup = tuple[int, int | None]

#: ``pop_<band>`` column of each base band, in order.
BAND_COLUMNS: tuple[str, ...] = tuple(b.column for b in BASE_AGE_BANDS)

#: Recognised names of the total column of a wide table (after those of the municipality reader).
TOTAL_COLUMNS: tuple[str, ...] = MUNICIPALITY_COLUMNS["population"] + (
    "celkem", "obyvatel_celkem", "pocet_obyvatel_celkem", "obyvatele_celkem", "total", "pocet",
    "pop_total", "populace",
)

#: Nominal last year of the open base band 80+ when spreading its share over single years.
_MAX_AGE = 99

_CSU_TERRITORY_CIS = ("vuzemi_cis", "uzemi_cis")
_CSU_TERRITORY_KOD = ("vuzemi_kod", "uzemi_kod")
_CSU_DATE = ("casref_do", "sldb_datum", "casref_od", "obdobi", "rok", "sldb_rok")
_CSU_INDICATOR = ("stapro_kod", "ukaz_kod")
#: Indicators that count residents: 2406 (demographic sets), 3162 (2021 census).
_CSU_POPULATION_INDICATORS = ("2406", "3162")
_CSU_OBEC_CIS = "43"


# ---------------------------------------------------------------------------------------------
# Age labels and codes
# ---------------------------------------------------------------------------------------------
_PREFIX = re.compile(r"^(?:pop|vek|obyv|obyvatel|obyvatele|pocet|age|skupina|vekova skupina)[ _]+")
_SUFFIX = re.compile(r"[ _]+(?:let|roku|roky|rok|r\.?|years?|yrs?)$")
_RANGE_EXCL = re.compile(r"vice nebo rovno (\d+) a mene nez (\d+)")
_OPEN_EXCL = re.compile(r"(?:vice nebo rovno (\d+)\)?\s*$|^od (\d+)\b)")
_INTERVAL = re.compile(r"^[<\[]\s*(\d+)\s*[-;,]\s*(\d+|n)\s*\)$")
_OPEN = re.compile(r"^(\d+)\s*(?:\+|p|plus|a\s*vice|a\s*starsi|a\s*vic|and\s*over|or\s*more)(?:\s*(?:let|roku|years?))?$")
_RANGE = re.compile(r"^(\d+)\s*(?:-|az|_|/|to)\s*(\d+)(?:\s*(?:let|roku|roky|rok|r\.?|years?))?$")
_SINGLE = re.compile(r"^(\d+)\s*(?:let|roku|roky|rok|year|years)$")


def parse_age_label(label: object) -> AgeGroup | None:
    """Age group of a label (``0 - 4 roky``, ``65+``, ``85 a více let``, ``pop_80p``…).

    Parameters
    ----------
    label : str
        A ``vek_txt`` value of ČSÚ data or a column header of a wide table.

    Returns
    -------
    tuple of (int, int or None) or None
        ``(lower, upper)`` in whole years, ``upper`` inclusive, ``None`` for an open-ended group;
        ``None`` when the label is not an age group.

    Examples
    --------
    >>> parse_age_label("0 - 4 roky"), parse_age_label("100 a více let"), parse_age_label("pop_80p")
    ((0, 4), (100, None), (80, None))
    >>> parse_age_label("0 až 5 (více nebo rovno 0 a méně než 5)")
    (0, 4)
    """
    if label is None:
        return None
    raw = str(label).replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = normalize_text(raw.replace("\u00a0", " "))
    if not text:
        return None
    m = _RANGE_EXCL.search(text)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2)) - 1
        return (lo, hi) if hi >= lo else None
    m = _OPEN_EXCL.search(text)
    if m:
        return (int(m.group(1) or m.group(2)), None)
    m = _INTERVAL.match(text)
    if m:
        lo = int(m.group(1))
        if m.group(2) == "n":
            return (lo, None)
        hi = int(m.group(2)) - 1
        return (lo, hi) if hi >= lo else None
    text = _PREFIX.sub("", text).strip()
    text = _SUFFIX.sub("", text).strip() if not _SINGLE.match(text) else text
    for pattern in (_OPEN, _RANGE, _SINGLE):
        m = pattern.match(text)
        if not m:
            continue
        lo = int(m.group(1))
        if pattern is _OPEN:
            return (lo, None) if lo <= 120 else None
        hi = int(m.group(2)) if pattern is _RANGE else lo
        if hi < lo or hi > 120:
            return None
        return (lo, hi)
    return None


_CODE_7700 = re.compile(r"^4\d(\d{4})([67])\d(\d{4})\d{3}$")


def parse_age_code(code: object) -> AgeGroup | None:
    """Age group of a code of the ČSÚ interval codelist 7700, e.g. ``400000600005000`` → ``(0, 4)``.

    The 15-digit code reads "at least *lower*" (digits 3–6) and "less than *upper*" (digits 9–12,
    after the operator ``6``) or open-ended (operator ``7``).  Returns ``None`` for other codes.
    """
    m = _CODE_7700.match(str(code).strip())
    if not m:
        return None
    lo = int(m.group(1))
    if m.group(2) == "7":
        return (lo, None)
    hi = int(m.group(3)) - 1
    return (lo, hi) if hi >= lo else None


def _group_label(group: AgeGroup) -> str:
    lo, hi = group
    return f"{lo}+" if hi is None else f"{lo}–{hi}"


def _contains(outer: AgeGroup, inner: AgeGroup) -> bool:
    o_hi = np.inf if outer[1] is None else outer[1]
    i_hi = np.inf if inner[1] is None else inner[1]
    return outer[0] <= inner[0] and i_hi <= o_hi


def _overlap(a: AgeGroup, b: AgeGroup) -> bool:
    a_hi = np.inf if a[1] is None else a[1]
    b_hi = np.inf if b[1] is None else b[1]
    return a[0] <= b_hi and b[0] <= a_hi


def _difference(outer: AgeGroup, inner: AgeGroup) -> AgeGroup | None:
    """``outer`` minus ``inner`` when that is one interval (inner at one end of outer)."""
    if outer == inner or not _contains(outer, inner):
        return None
    if inner[0] == outer[0] and inner[1] is not None:
        return (inner[1] + 1, outer[1])
    if inner[1] == outer[1] and inner[0] > outer[0]:
        return (outer[0], inner[0] - 1)
    return None


# ---------------------------------------------------------------------------------------------
# Groups → base bands
# ---------------------------------------------------------------------------------------------
def _normalised_shares(shares: Mapping[str, float] | None) -> dict[str, float]:
    sh = dict(DEFAULT_AGE_SHARES if shares is None else shares)
    missing = [b.code for b in BASE_AGE_BANDS if b.code not in sh]
    if missing:
        raise ValueError(f"age shares lack bands {missing}")
    if any(float(sh[b.code]) < 0 for b in BASE_AGE_BANDS):
        raise ValueError("age shares must not be negative")
    total = sum(float(sh[b.code]) for b in BASE_AGE_BANDS)
    if total <= 0:
        raise ValueError("age shares must add up to more than zero")
    return {b.code: float(sh[b.code]) / total for b in BASE_AGE_BANDS}


def _band_weights(intervals: list[AgeGroup], shares: dict[str, float]) -> tuple[np.ndarray, bool]:
    """Weights (summing to 1) splitting a group made of ``intervals`` over the base bands.

    Returns the weights and whether the split is an estimate (the group is not inside one band).
    """
    for band in BASE_AGE_BANDS:
        bgroup = (band.lower, band.upper)
        if all(_contains(bgroup, iv) for iv in intervals):
            w = np.array([1.0 if b is band else 0.0 for b in BASE_AGE_BANDS])
            return w, False
    weights = []
    years = []
    for band in BASE_AGE_BANDS:
        b_hi = _MAX_AGE if band.upper is None else band.upper
        width = b_hi - band.lower + 1
        n = 0
        for lo, hi in intervals:
            hi_eff = max(_MAX_AGE, lo) if hi is None else hi
            n += max(0, min(hi_eff, b_hi) - max(lo, band.lower) + 1)
        years.append(n)
        weights.append(shares[band.code] / width * n)
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        w = np.asarray(years, dtype=float)
    return w / w.sum(), True


def _resolve_nested(groups: dict[AgeGroup, np.ndarray], name: str, labels: Mapping[AgeGroup, str],
                    codes: np.ndarray) -> dict[AgeGroup, np.ndarray]:
    """Turn nested groups (``65+`` with ``80+``) into disjoint ones by subtraction."""
    groups = dict(groups)
    changed = True
    while changed:
        changed = False
        keys = sorted(groups, key=lambda g: (g[0], -(np.inf if g[1] is None else g[1])))
        for outer in keys:
            inner = next((g for g in keys if g != outer and _difference(outer, g) is not None), None)
            if inner is None:
                continue
            rest = _difference(outer, inner)
            assert rest is not None
            values = groups.pop(outer) - groups[inner]
            bad = np.flatnonzero(values < -1e-9)
            if len(bad):
                raise DataError.single(name, None, labels.get(outer, _group_label(outer)),
                                       "err.age_groups_inconsistent", outer=_group_label(outer),
                                       inner=_group_label(inner), obec=codes[bad[0]])
            values = np.clip(values, 0.0, None)
            if rest in groups:
                if not np.allclose(groups[rest], values, atol=0.5):
                    raise DataError.single(name, None, None, "err.age_groups_overlap",
                                           groups=", ".join(_group_label(g) for g in (outer, inner, rest)))
            else:
                groups[rest] = values
            changed = True
            break
    keys = list(groups)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if _overlap(a, b):
                raise DataError.single(name, None, None, "err.age_groups_overlap",
                                       groups=f"{_group_label(a)}, {_group_label(b)}")
    return groups


def _uncovered(groups: Iterable[AgeGroup]) -> list[AgeGroup]:
    """Age intervals (from 0 upwards) that no group covers."""
    spans = sorted(groups, key=lambda g: g[0])
    out: list[AgeGroup] = []
    pos = 0
    for lo, hi in spans:
        if lo > pos:
            out.append((pos, lo - 1))
        if hi is None:
            return out
        pos = max(pos, hi + 1)
    out.append((pos, None))
    return out


@dataclass
class _BandResult:
    bands: dict[str, np.ndarray]
    estimated: np.ndarray
    estimated_bands: list[str]
    mismatch: np.ndarray


def groups_to_bands(
    groups: Mapping[AgeGroup, np.ndarray | list[float]],
    total: np.ndarray | list[float] | None = None,
    shares: Mapping[str, float] | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Map age groups onto the six base bands (see the module docstring for the method).

    Parameters
    ----------
    groups : mapping of (lower, upper) to array
        People per obec in each age group (disjoint or nested groups; ``upper`` inclusive,
        ``None`` = open-ended).
    total : array, optional
        Population per obec; ages that no group covers receive ``total`` minus the groups.
    shares : mapping, optional
        Shares of the base bands (default ČR 2020) used where a group must be split.

    Returns
    -------
    bands : DataFrame
        One ``pop_<band>`` column per base band (people, fractional where estimated).
    estimated : ndarray of bool
        Per obec, whether any band is estimated.
    """
    arrays = {g: np.asarray(v, dtype=float) for g, v in groups.items()}
    n = len(next(iter(arrays.values()))) if arrays else (0 if total is None else len(total))
    res = _groups_to_bands(arrays, None if total is None else np.asarray(total, dtype=float), n,
                           _normalised_shares(shares), "", {}, np.array([""] * n))
    return pd.DataFrame(res.bands), res.estimated


def _groups_to_bands(groups: dict[AgeGroup, np.ndarray], total: np.ndarray | None, n: int,
                     shares: dict[str, float], name: str, labels: Mapping[AgeGroup, str],
                     codes: np.ndarray) -> _BandResult:
    """Map groups onto bands; obce with blank groups are mapped as if those groups were absent."""
    keys = list(groups)
    missing = np.vstack([np.isnan(groups[g]) for g in keys]) if keys else np.zeros((0, n), dtype=bool)
    if not missing.any():
        return _groups_to_bands_complete(groups, total, n, shares, name, labels, codes)
    out = {b.column: np.zeros(n) for b in BASE_AGE_BANDS}
    estimated = np.zeros(n, dtype=bool)
    mismatch = np.zeros(n, dtype=bool)
    est_bands: set[str] = set()
    patterns = {tuple(col) for col in missing.T}
    for pattern in patterns:
        idx = np.flatnonzero((missing.T == np.asarray(pattern)).all(axis=1))
        sub = {g: groups[g][idx] for g, miss in zip(keys, pattern) if not miss}
        res = _groups_to_bands_complete(sub, None if total is None else total[idx], len(idx), shares, name,
                                        labels, codes[idx])
        for col, vals in res.bands.items():
            out[col][idx] = vals
        estimated[idx] = res.estimated
        mismatch[idx] = res.mismatch
        est_bands.update(res.estimated_bands)
    return _BandResult(out, estimated, [b.code for b in BASE_AGE_BANDS if b.code in est_bands], mismatch)


def _groups_to_bands_complete(groups: dict[AgeGroup, np.ndarray], total: np.ndarray | None, n: int,
                              shares: dict[str, float], name: str, labels: Mapping[AgeGroup, str],
                              codes: np.ndarray) -> _BandResult:
    groups = _resolve_nested(groups, name, labels, codes) if groups else {}
    out = {b.column: np.zeros(n) for b in BASE_AGE_BANDS}
    estimated = np.zeros(n, dtype=bool)
    est_bands: set[str] = set()
    covered = np.zeros(n)
    for group, vals in groups.items():
        covered = covered + vals
        w, est = _band_weights([group], shares)
        for band, wb in zip(BASE_AGE_BANDS, w):
            if wb > 0:
                out[band.column] = out[band.column] + vals * wb
                if est:
                    est_bands.add(band.code)
        if est:
            estimated |= vals > 0
    mismatch = np.zeros(n, dtype=bool)
    if total is not None:
        rest_iv = _uncovered(groups) if groups else [(0, None)]
        rest = total - covered
        if rest_iv:
            vals = np.clip(np.nan_to_num(rest, nan=0.0), 0.0, None)
            mismatch = rest < -0.5
            w, est = _band_weights(rest_iv, shares)
            for band, wb in zip(BASE_AGE_BANDS, w):
                if wb > 0:
                    out[band.column] = out[band.column] + vals * wb
                    if est:
                        est_bands.add(band.code)
            if est:
                estimated |= vals > 0
        else:
            mismatch = np.abs(rest) > 0.5
    return _BandResult(out, estimated, [b.code for b in BASE_AGE_BANDS if b.code in est_bands], mismatch)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def read_population(
    path: str | Path,
    *,
    obce: Iterable[str] | None = None,
    age_shares: Mapping[str, float] | None = None,
    indicator: str | None = None,
    sheet: str | int = 0,
    display_name: str | None = None,
    warnings: Report | None = None,
) -> pd.DataFrame:
    """Read population per obec from a ČSÚ long-format CSV or a wide CSV/XLSX table.

    Parameters
    ----------
    path : path
        The file (format recognised from the header: a ``hodnota`` column and a territory code
        column ``vuzemi_kod``/``uzemi_kod`` mean the ČSÚ long format).
    obce : iterable of str, optional
        Keep only these obec codes (read the national file once, keep the district).
    age_shares : mapping of base band code to share, optional
        Shares used where age groups must be split or are missing (default: ČR, 1 Jan 2020).
    indicator : str, optional
        ČSÚ indicator code (``stapro_kod``/``ukaz_kod``) to keep when the file holds several;
        by default the resident population (2406 or 3162) is chosen.
    sheet : str or int
        Sheet of an XLSX workbook.
    display_name : str, optional
        File name used in messages.
    warnings : Report, optional
        Receives warnings (sum of age groups different from the total).

    Returns
    -------
    DataFrame
        Indexed by ``kod_obce`` (6-digit ``str``), sorted, with ``population`` (people) and — when
        the file has age groups — ``pop_0_4`` … ``pop_80p`` (people, fractional where estimated)
        and ``age_estimated`` (bool).  ``attrs`` holds ``source`` (a line for outputs),
        ``file``, ``format`` (``"csu_long"`` or ``"wide"``), ``reference_date`` (ISO date or
        ``""``), ``age_groups`` (labels read), ``estimated_bands`` and ``age_shares`` (the shares
        used, ``None`` when nothing was estimated).

    Raises
    ------
    DataError
        Bad obec codes, duplicate obce, non-numeric or negative values, unknown age groups…,
        each with file, row and column (Czech message).
    """
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError.single(name, None, None, "err.file_not_found")
    shares = _normalised_shares(age_shares)
    keep = None if obce is None else {str(c).strip() for c in obce}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table = read_table(path, sheet=sheet, display_name=name)
    else:
        table = _read_csv_fast(path, name)
    cols = list(table.frame.columns)
    is_long = find_column(cols, ("hodnota",)) is not None and find_column(cols, _CSU_TERRITORY_KOD) is not None
    if is_long:
        out = _from_long(table, name, keep, shares, indicator, warnings)
    else:
        out = _from_wide(table, name, keep, shares, warnings)
    out.attrs["file"] = name
    return out


def _read_csv_fast(path: Path, name: str) -> Table:
    """A CSV as text cells with spreadsheet row numbers (pandas' C parser; national files are large)."""
    from coverage_app.io.tables import _sniff_delimiter

    data = path.read_bytes()
    text, encoding = decode_bytes(data, name)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise DataError.single(name, None, None, "err.empty_file")
    delimiter = _sniff_delimiter(first)
    if delimiter not in first:
        raise DataError.single(name, 1, None, "err.delimiter", header=first.strip()[:80])
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, skipinitialspace=False, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError.single(name, None, None, "err.unreadable", detail=str(exc).splitlines()[0]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip())
    rows = np.arange(len(frame)) + 2
    blank = (frame == "").all(axis=1).to_numpy()
    frame = frame[~blank].reset_index(drop=True)
    return Table(frame, [int(r) for r in rows[~blank]], name, encoding, delimiter)


def _numbers(values: pd.Series, rows: np.ndarray, column: str, name: str, report: Report,
             required: bool = True) -> np.ndarray:
    """Parse a column of numbers (vectorised, with a per-row fallback for messages)."""
    text = values.astype(str).str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    comma_decimal = text.str.contains(",", regex=False) & ~text.str.contains(".", regex=False)
    fast = pd.to_numeric(text.where(~comma_decimal, text.str.replace(",", ".", regex=False)), errors="coerce")
    out = fast.to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(out))
    for i in bad:
        raw = values.iloc[i]
        if str(raw).strip() == "":
            if required:
                report.add(name, int(rows[i]), column, "err.missing_value")
            continue
        try:
            num = parse_number(raw)
        except ValueError:
            report.add(name, int(rows[i]), column, "err.not_a_number", value=raw)
            continue
        out[i] = np.nan if num is None else num
    neg = np.flatnonzero(out < 0)
    for i in neg:
        report.add(name, int(rows[i]), column, "err.negative", value=values.iloc[i])
    return out


def _check_codes(codes: pd.Series, rows: np.ndarray, column: str, name: str, report: Report) -> np.ndarray:
    ok = codes.str.fullmatch(r"\d{6}").to_numpy()
    for i in np.flatnonzero(~ok):
        report.add(name, int(rows[i]), column, "err.bad_obec_code", value=codes.iloc[i])
    return ok


def _iso_date(value: str) -> str:
    text = str(value).strip()
    if not text:
        return ""
    m = re.match(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})", text)
    if m:
        return f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return m.group(0)
    if re.fullmatch(r"\d{4}", text):
        return text
    return text


def _from_long(table: Table, name: str, keep: set[str] | None, shares: dict[str, float],
               indicator: str | None, warnings: Report | None) -> pd.DataFrame:
    df = table.frame
    rows = np.asarray(table.rows)
    cols = list(df.columns)
    report = Report()
    val_col = find_column(cols, ("hodnota",))
    kod_col = find_column(cols, _CSU_TERRITORY_KOD)
    cis_col = find_column(cols, _CSU_TERRITORY_CIS)
    typ_col = find_column(cols, ("uzemi_typ", "vuzemi_typ"))
    assert val_col is not None and kod_col is not None
    if cis_col is not None:
        mask = (df[cis_col] == _CSU_OBEC_CIS).to_numpy()
    elif typ_col is not None:
        mask = df[typ_col].map(normalize_text).eq("obec").to_numpy()
    else:
        mask = df[kod_col].str.fullmatch(r"\d{6}").to_numpy()
    if not mask.any():
        raise DataError.single(name, None, cis_col or kod_col, "err.population_no_obce")
    df = df[mask].reset_index(drop=True)
    rows = rows[mask]
    if keep is not None:
        sel = df[kod_col].isin(keep).to_numpy()
        df = df[sel].reset_index(drop=True)
        rows = rows[sel]
    if not len(df):
        return _empty(name, "csu_long")
    ind_col = find_column(cols, _CSU_INDICATOR)
    if ind_col is not None and len(df):
        values = sorted(v for v in df[ind_col].unique())
        if indicator is not None:
            chosen = [str(indicator)]
        elif len(values) > 1:
            chosen = [v for v in values if v in _CSU_POPULATION_INDICATORS]
            if len(chosen) != 1:
                raise DataError.single(name, None, ind_col, "err.population_indicators", values=", ".join(values))
        else:
            chosen = values
        sel = df[ind_col].isin(chosen).to_numpy()
        df = df[sel].reset_index(drop=True)
        rows = rows[sel]
    codes = df[kod_col].astype(str)
    _check_codes(codes, rows, kod_col, name, report)
    value = _numbers(df[val_col], rows, val_col, name, report)
    report.raise_if_errors()

    # reference date: keep each obec's latest
    date_col = find_column(cols, _CSU_DATE)
    dates = df[date_col].map(_iso_date) if date_col else pd.Series("", index=df.index)
    latest = dates.groupby(codes).transform("max")
    sel = (dates == latest).to_numpy()
    df, rows, codes, value, dates = df[sel].reset_index(drop=True), rows[sel], codes[sel].reset_index(drop=True), value[sel], dates[sel].reset_index(drop=True)

    # sex: "" = both, "1" men, "2" women
    sex_col = find_column(cols, ("pohlavi_kod",))
    sex_txt = find_column(cols, ("pohlavi_txt", "pohlavi_text"))
    if sex_col is not None:
        sex = df[sex_col].astype(str)
    elif sex_txt is not None:
        sex = df[sex_txt].map(normalize_text).map({"": "", "muz": "1", "muzi": "1", "zena": "2", "zeny": "2",
                                                   "celkem": ""}).fillna("?")
    else:
        sex = pd.Series("", index=df.index)

    # age groups
    age_kod = find_column(cols, ("vek_kod",))
    age_txt = find_column(cols, ("vek_txt", "vek_text"))
    kod_vals = df[age_kod].astype(str) if age_kod else pd.Series("", index=df.index)
    txt_vals = df[age_txt].astype(str) if age_txt else pd.Series("", index=df.index)
    pair = kod_vals + "\x1f" + txt_vals
    group_of: dict[str, AgeGroup | None] = {}
    labels: dict[AgeGroup, str] = {}
    first_row = pd.Series(rows, index=df.index).groupby(pair).first()
    for key, row in first_row.items():
        kod, txt = str(key).split("\x1f", 1)
        if not kod and not txt:
            group_of[key] = None
            continue
        grp = parse_age_code(kod) or parse_age_label(txt) or (parse_age_label(kod) if not txt else None)
        if grp is None:
            report.add(name, int(row), age_txt or age_kod, "err.bad_age_group", value=txt or kod)
            continue
        group_of[key] = grp
        labels.setdefault(grp, txt or kod)
    report.raise_if_errors()
    age_key = pair.map(lambda k: "" if group_of[k] is None else _group_label(group_of[k]))

    # duplicates of obec × date × age × sex
    key = codes + "|" + dates + "|" + age_key + "|" + sex
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        first_of = pd.Series(rows, index=df.index)[dup].groupby(key[dup]).transform("first")
        for i in np.flatnonzero(dup):
            if rows[i] != first_of.loc[i]:
                report.add(name, int(rows[i]), kod_col, "err.duplicate_code",
                           value=f"{codes.iloc[i]} {age_key.iloc[i] or 'celkem'} {sex.iloc[i] or ''}".strip(),
                           first=int(first_of.loc[i]))
        report.raise_if_errors()

    long = pd.DataFrame({"kod": codes.to_numpy(), "age": age_key.to_numpy(), "sex": sex.to_numpy(),
                         "value": value, "row": rows})
    both = long[long["sex"] == ""]
    by_sex = long[long["sex"] != ""]
    tot = both.set_index(["kod", "age"])["value"]
    missing_both = by_sex.groupby(["kod", "age"])
    summed = missing_both["value"].sum()
    nsex = missing_both["sex"].nunique()
    need = summed.index.difference(tot.index)
    for k in need:
        if nsex.loc[k] < 2:
            sub = by_sex.set_index(["kod", "age"]).loc[[k]]
            report.add(name, int(sub["row"].iloc[0]), sex_col or sex_txt, "err.population_one_sex",
                       obec=k[0], sex=str(sub["sex"].iloc[0]))
    report.raise_if_errors()
    values = pd.concat([tot, summed.loc[need]]) if len(need) else tot
    wide = values.unstack("age")
    obec_codes = wide.index.to_numpy(dtype=str)
    total = wide[""].to_numpy(dtype=float) if "" in wide.columns else None
    group_cols = {grp: wide[_group_label(grp)].to_numpy(dtype=float)
                  for grp in set(g for g in group_of.values() if g is not None)
                  if _group_label(grp) in wide.columns}
    date = max((d for d in dates.unique() if d), default="")
    source = t("label.population_csu", "cs", file=name, date=date) if date else f"ČSÚ, {name}"
    return _assemble(obec_codes, total, group_cols, labels, shares, name, source, "csu_long", date,
                     warnings, {c: r for c, r in zip(codes, rows)})


def _assemble(codes: np.ndarray, total: np.ndarray | None, groups: dict[AgeGroup, np.ndarray],
              labels: Mapping[AgeGroup, str], shares: dict[str, float], name: str, source: str, fmt: str,
              date: str, warnings: Report | None, rows_of: Mapping[str, int],
              group_columns: Mapping[AgeGroup, str] | None = None) -> pd.DataFrame:
    n = len(codes)
    report = Report()
    if total is not None and groups:
        # a total missing for an obec: the sum of its groups when they cover every age
        keys = list(groups)
        for i in np.flatnonzero(np.isnan(total)):
            present = [g for g in keys if not np.isnan(groups[g][i])]
            if present and not _uncovered(present):
                total = total.copy()
                total[i] = sum(groups[g][i] for g in present)
    if total is None:
        if not groups:
            raise DataError.single(name, None, None, "err.missing_one_of", columns=", ".join(TOTAL_COLUMNS[:3]))
        stacked = np.vstack(list(groups.values()))
        total = np.where(np.isnan(stacked).all(axis=0), np.nan, np.nansum(stacked, axis=0))
    for i in np.flatnonzero(np.isnan(total)):
        report.add(name, rows_of.get(str(codes[i])), None, "err.population_no_value", obec=codes[i])
    report.raise_if_errors()
    out = pd.DataFrame({"population": total}, index=pd.Index(codes.astype(str), name="kod_obce"))
    attrs: dict[str, object] = {
        "source": source, "format": fmt, "reference_date": date,
        "age_groups": [labels.get(g, _group_label(g)) for g in sorted(groups, key=lambda g: g[0])],
        "estimated_bands": [], "age_shares": None,
    }
    if groups:
        res = _groups_to_bands(groups, total, n, shares, name, group_columns or labels, codes)
        for col, vals in res.bands.items():
            out[col] = vals
        out["age_estimated"] = res.estimated
        attrs["estimated_bands"] = res.estimated_bands
        attrs["age_shares"] = dict(shares) if res.estimated.any() else None
        if warnings is not None:
            sums = np.nansum(np.vstack(list(groups.values())), axis=0)
            for i in np.flatnonzero(res.mismatch):
                warnings.add(name, rows_of.get(str(codes[i])), None, "warn.population_sum_mismatch",
                             severity="warning", sum=_fmt(sums[i]), total=_fmt(total[i]))
    out = out.sort_index()
    out.attrs.update(attrs)
    return out


def _empty(name: str, fmt: str) -> pd.DataFrame:
    """A population table without rows (no obec of the file was asked for)."""
    out = pd.DataFrame({"population": pd.Series(dtype=float)}, index=pd.Index([], dtype=str, name="kod_obce"))
    out.attrs.update({"source": name, "format": fmt, "reference_date": "", "age_groups": [],
                      "estimated_bands": [], "age_shares": None})
    return out


def _fmt(v: float) -> str:
    return str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.1f}"


def _from_wide(table: Table, name: str, keep: set[str] | None, shares: dict[str, float],
               warnings: Report | None) -> pd.DataFrame:
    df = table.frame
    rows = np.asarray(table.rows)
    cols = list(df.columns)
    report = Report()
    kod_col = find_column(cols, MUNICIPALITY_COLUMNS["kod_obce"])
    if kod_col is None:
        raise DataError.single(name, 1, None, "err.missing_one_of",
                               columns=", ".join(MUNICIPALITY_COLUMNS["kod_obce"][:4]))
    tot_col = find_column(cols, TOTAL_COLUMNS)
    if tot_col is None:
        tot_col = next((c for c in cols if normalize_text(c).startswith(("obyvatel", "pocet_obyv", "pocet obyv"))
                        and parse_age_label(c) is None), None)
    skip = {kod_col, tot_col} | {find_column(cols, MUNICIPALITY_COLUMNS[k]) for k in
                                  ("nazev_obce", "kod_pou", "nazev_pou", "kod_orp", "nazev_orp")}
    group_cols: dict[AgeGroup, str] = {}
    for c in cols:
        if c in skip:
            continue
        grp = parse_age_label(c)
        if grp is None:
            continue
        if grp in group_cols:
            report.add(name, 1, c, "err.duplicate_code", value=c, first=1)
            continue
        group_cols[grp] = c
    if tot_col is None and not group_cols:
        raise DataError.single(name, 1, None, "err.missing_one_of", columns=", ".join(TOTAL_COLUMNS[:3]))
    report.raise_if_errors()
    codes = df[kod_col].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    if keep is not None:
        sel = codes.isin(keep).to_numpy()
        df, rows, codes = df[sel].reset_index(drop=True), rows[sel], codes[sel].reset_index(drop=True)
    _check_codes(codes, rows, kod_col, name, report)
    first: dict[str, int] = {}
    for code, row in zip(codes, rows):
        if code in first:
            report.add(name, int(row), kod_col, "err.duplicate_code", value=code, first=first[code])
        else:
            first[code] = int(row)
    total = _numbers(df[tot_col], rows, tot_col, name, report, required=not group_cols) if tot_col else None
    groups = {g: _numbers(df[c], rows, c, name, report, required=False) for g, c in group_cols.items()}
    report.raise_if_errors()
    m = re.search(r"(\d{4}-\d{2}-\d{2})", name)
    date = m.group(1) if m else ""
    return _assemble(codes.to_numpy(dtype=str), total, groups, {g: c for g, c in group_cols.items()}, shares,
                     name, f"{name}", "wide", date, warnings, first, group_cols)


def read_age_shares(path: str | Path, *, sheet: str | int = 0, display_name: str | None = None) -> dict[str, float]:
    """Read a user table of age-band shares (used to estimate bands where only totals are known).

    The table has a band column (``band``, ``skupina``, ``vekova_skupina``…; values such as
    ``0_4``, ``pop_0_4``, ``0–4``, ``80+``, ``80 a více``) and a share column (``share``,
    ``podil``…) as a fraction (0.053) or a percentage (5.3 or ``5,3 %``).

    Returns
    -------
    dict
        Base band code → share, normalised to add up to 1.

    Raises
    ------
    DataError
        Unknown band, missing band, bad or negative number, or shares that do not add up to
        1 or 100 % (± 2 %).
    """
    path = Path(path)
    name = display_name or path.name
    table = read_table(path, sheet=sheet, display_name=name)
    cols = list(table.frame.columns)
    band_col = find_column(cols, ("band", "pasmo", "skupina", "vekova_skupina", "vekova skupina", "vek",
                                  "age_band", "age", "kod"))
    share_col = find_column(cols, ("share", "podil", "podil_pct", "procento", "procenta", "pct", "percent"))
    report = Report()
    if band_col is None:
        report.add(name, 1, None, "err.missing_one_of", columns="band, skupina, vekova_skupina")
    if share_col is None:
        report.add(name, 1, None, "err.missing_one_of", columns="share, podil, procento")
    report.raise_if_errors()
    assert band_col is not None and share_col is not None
    by_group = {(b.lower, b.upper): b.code for b in BASE_AGE_BANDS}
    shares: dict[str, float] = {}
    first: dict[str, int] = {}
    percent_text = False
    for i, row in enumerate(table.rows):
        raw_band = str(table.frame.iloc[i][band_col]).strip()
        raw_share = str(table.frame.iloc[i][share_col]).strip()
        code = raw_band if raw_band in {b.code for b in BASE_AGE_BANDS} else None
        if code is None:
            grp = parse_age_label(raw_band)
            code = by_group.get(grp) if grp else None
        if code is None:
            report.add(name, row, band_col, "err.bad_age_group", value=raw_band)
            continue
        if code in first:
            report.add(name, row, band_col, "err.duplicate_code", value=raw_band, first=first[code])
            continue
        first[code] = row
        if raw_share.endswith("%"):
            percent_text = True
            raw_share = raw_share[:-1].strip()
        try:
            val = parse_number(raw_share)
        except ValueError:
            report.add(name, row, share_col, "err.not_a_number", value=raw_share)
            continue
        if val is None:
            report.add(name, row, share_col, "err.missing_value")
            continue
        if val < 0:
            report.add(name, row, share_col, "err.negative", value=raw_share)
            continue
        shares[code] = val
    for b in BASE_AGE_BANDS:
        if b.code not in first:
            report.add(name, None, band_col, "err.age_shares_missing_band", band=b.name_cs)
    report.raise_if_errors()
    total = sum(shares.values())
    scale = 100.0 if (percent_text or total > 1.5) else 1.0
    if abs(total / scale - 1.0) > 0.02:
        raise DataError.single(name, None, share_col, "err.age_shares_sum",
                               sum=f"{total:g}" + (" %" if scale == 100.0 else ""))
    return {b.code: shares[b.code] / total for b in BASE_AGE_BANDS}
