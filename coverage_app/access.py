"""The access model: at which level each kind of service is planned and how people reach it.

Kraje plan their network of services by *level of availability* (úroveň dostupnosti):
local (``mistni``), ORP-level (``orp``), regional (``kraj``) and national (``cr``), and people
reach a service by travelling to it (``travel``), by staff coming to them (``field``) or remotely
(``remote``).  The built-in rules live in :mod:`coverage_app.codelists`
(:func:`~coverage_app.codelists.default_access`); this module reads the user's table that replaces
them (the kraj's own definition), turns rules into a table for display, editing and storage, and
resolves the rule in force for a kind.

The user's table has one row per kind × mode::

    druh;uroven;zpusob;limit_min;zdroj
    DruhSocialniSluzby/13;orp;travel;45;Síť sociálních služeb JMK 2026
    pečovatelská služba;mistni;field;30;Síť sociálních služeb JMK 2026
    pečovatelská služba;mistni;travel;20;Síť sociálních služeb JMK 2026
    telefonická krizová pomoc;cr;remote;;Síť sociálních služeb JMK 2026

``limit_min`` is in minutes (empty for ``remote``); every row of one kind must give the same
level.  A kind the table does not name keeps its built-in rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from coverage_app.codelists import (
    ACCESS_LEVELS,
    ACCESS_MODES,
    AccessRule,
    KindCatalog,
    default_access,
    parse_access_level,
    parse_access_mode,
)
from coverage_app.errors import Report
from coverage_app.i18n import register
from coverage_app.io.tables import Table, find_column, parse_number, read_table

__all__ = ["ACCESS_TABLE_COLUMNS", "access_of", "access_table", "read_access", "access_from_table",
           "access_from_frame", "is_access_columns"]

register({
    "err.access_level_conflict": {
        "cs": "druh {kind} má v tabulce dvě různé úrovně dostupnosti ({a} a {b}); úroveň platí pro celý druh",
        "en": "kind {kind} has two different levels of availability ({a} and {b}); the level applies to the whole kind"},
    "err.access_limit_needed": {
        "cs": "způsob „{mode}“ potřebuje časový limit v minutách (větší než 0)",
        "en": "mode \"{mode}\" needs a time limit in minutes (greater than 0)"},
    "err.access_mode_twice": {"cs": "druh {kind} má způsob „{mode}“ dvakrát",
                              "en": "kind {kind} has mode \"{mode}\" twice"},
})

#: Columns of the access table (Czech names, as in the user's file).
ACCESS_TABLE_COLUMNS: tuple[str, ...] = ("druh", "uroven", "zpusob", "limit_min", "zdroj")

_COLUMNS = {
    "kind": ("druh", "kind", "druh_sluzby"),
    "level": ("uroven", "úroveň", "level", "uroven_dostupnosti"),
    "mode": ("zpusob", "způsob", "mode", "zpusob_dostupnosti"),
    "limit": ("limit_min", "limit", "minuty", "max_min"),
    "source": ("zdroj", "source", "poznamka"),
}


def access_of(kind_id: str, kinds: KindCatalog, overrides: Mapping[str, AccessRule] | None = None) -> AccessRule:
    """The rule in force for a kind: the user's override, else the kind's own (custom kinds may
    bring one), else the built-in default."""
    if overrides and kind_id in overrides:
        return overrides[kind_id]
    kind = kinds.get(kind_id)
    if kind is None:
        return AccessRule("mistni", (("travel", 30.0),))
    own = getattr(kind, "access", None)
    return own if own is not None else default_access(kind)


def access_table(kinds: KindCatalog, overrides: Mapping[str, AccessRule] | None = None,
                 only: Iterable[str] | None = None, *, lang: str = "cs") -> pd.DataFrame:
    """The rules in force as a table with :data:`ACCESS_TABLE_COLUMNS` (one row per kind × mode),
    plus ``nazev`` (the kind's name) for people; ``limit_min`` is empty for remote modes."""
    wanted = None if only is None else set(only)
    rows = []
    for kind in kinds:
        if wanted is not None and kind.id not in wanted:
            continue
        rule = access_of(kind.id, kinds, overrides)
        for mode, lim in rule.limits:
            rows.append({"druh": kind.id, "nazev": kind.name_cs if lang == "cs" else kind.name_en,
                         "uroven": rule.level, "zpusob": mode,
                         "limit_min": None if (mode == "remote" or not math.isfinite(lim)) else float(lim),
                         "zdroj": rule.source})
    return pd.DataFrame(rows, columns=["druh", "nazev", "uroven", "zpusob", "limit_min", "zdroj"])


def is_access_columns(columns: list[str]) -> bool:
    """Whether a table's columns are those of the kraj's access table (the kind, the level and the
    mode), so that ``validate`` and the app's Data page read it with :func:`read_access`."""
    return all(find_column(columns, _COLUMNS[key]) is not None for key in ("kind", "level", "mode"))


def read_access(path: str | Path, kinds: KindCatalog | None = None) -> dict[str, AccessRule]:
    """Read the user's access table from CSV/XLSX (``druh, uroven, zpusob, limit_min, zdroj``).

    Returns the rules by kind id.  Raises :class:`~coverage_app.errors.DataError` naming file,
    row and column for every bad cell (unknown kind, level or mode, a missing or non-positive
    limit, two levels for one kind).
    """
    return access_from_table(read_table(path), kinds)


def access_from_frame(frame: pd.DataFrame, kinds: KindCatalog | None = None, *,
                      file: str = "tabulka dostupnosti") -> dict[str, AccessRule]:
    """Like :func:`read_access` for a table already in memory (the app's editor, the project)."""
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    text.columns = [str(c).strip() for c in text.columns]
    table = Table(frame=text.reset_index(drop=True), rows=list(range(2, len(text) + 2)), file=file,
                  encoding="", delimiter="")
    return access_from_table(table, kinds)


def access_from_table(table: Table, kinds: KindCatalog | None = None) -> dict[str, AccessRule]:
    """Parse a :class:`~coverage_app.io.tables.Table` of access rules (see :func:`read_access`)."""
    kinds = kinds or KindCatalog()
    report = Report()
    cols = {k: find_column(list(table.frame.columns), v) for k, v in _COLUMNS.items()}
    for key in ("kind", "level", "mode"):
        if cols[key] is None:
            report.add(table.file, 1, _COLUMNS[key][0], "err.missing_column", column=_COLUMNS[key][0])
    report.raise_if_errors()
    levels: dict[str, tuple[str, int]] = {}
    limits: dict[str, list[tuple[str, float]]] = {}
    sources: dict[str, str] = {}
    df = table.frame
    for i, row in enumerate(table.rows):
        r = df.iloc[i]
        if not any(str(v).strip() for v in r.tolist()):
            continue
        kind = kinds.resolve(r[cols["kind"]])
        if kind is None:
            report.add(table.file, row, cols["kind"], "err.unknown_kind", value=r[cols["kind"]])
        level = parse_access_level(r[cols["level"]])
        if level is None:
            report.add(table.file, row, cols["level"], "err.bad_value", value=r[cols["level"]],
                       detail=", ".join(ACCESS_LEVELS))
        mode = parse_access_mode(r[cols["mode"]])
        if mode is None:
            report.add(table.file, row, cols["mode"], "err.bad_value", value=r[cols["mode"]],
                       detail=", ".join(ACCESS_MODES))
        raw_limit = str(r[cols["limit"]]).strip() if cols["limit"] else ""
        limit = math.nan
        if mode in ("travel", "field"):
            column = cols["limit"] or "limit_min"
            try:
                value = parse_number(raw_limit) if raw_limit else None
            except ValueError:
                report.add(table.file, row, column, "err.not_a_number", value=raw_limit)
            else:
                if value is None or not math.isfinite(value) or not value > 0:
                    report.add(table.file, row, column, "err.access_limit_needed", mode=mode)
                else:
                    limit = float(value)
        if kind is None or level is None or mode is None or (mode != "remote" and not math.isfinite(limit)):
            continue
        if kind in levels and levels[kind][0] != level:
            report.add(table.file, row, cols["level"], "err.access_level_conflict", kind=kind,
                       a=levels[kind][0], b=level)
            continue
        if any(m == mode for m, _ in limits.get(kind, [])):
            report.add(table.file, row, cols["mode"], "err.access_mode_twice", kind=kind, mode=mode)
            continue
        levels.setdefault(kind, (level, row))
        limits.setdefault(kind, []).append((mode, limit))
        src = str(r[cols["source"]]).strip() if cols["source"] else ""
        if src:
            sources.setdefault(kind, src)
    report.raise_if_errors()
    return {k: AccessRule(levels[k][0], tuple(limits[k]), sources.get(k, "")) for k in limits}
