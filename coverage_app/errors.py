"""Problems found in input data, with their place (file, row, column) and a message in Czech.

Readers collect :class:`Problem` objects; when any of them is an error they raise
:class:`DataError` carrying all of them, so that ``coverage-app validate`` can report every
problem at once.  Row numbers are what a user sees in a spreadsheet: the header is row 1, the
first data row is row 2.  For JSON inputs ``row`` is the 1-based item number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from coverage_app.i18n import t

Severity = Literal["error", "warning"]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Longest value a message repeats (a 200 000-character cell is cut, not echoed whole).
MAX_ECHO = 200


def printable(value: object) -> object:
    """A value safe to show in a message: control characters (a terminal's escape sequences,
    bidirectional overrides) written as ``\\x1b`` and the like, and long text cut; other types as they are."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256
                        else f"\\u{ord(m.group(0)):04x}", value)
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


@dataclass(frozen=True)
class Problem:
    """One problem in an input file.

    Attributes
    ----------
    file : str
        File name as the user gave it (``""`` when it does not come from a file).
    row : int or None
        Row as shown in a spreadsheet (header = 1) or item number in JSON; ``None`` for the file.
    column : str or None
        Column (or JSON key) name; ``None`` for a whole row or file.
    code : str
        Message key in :mod:`coverage_app.i18n` (``err.*`` or ``warn.*``).
    params : tuple of (name, value)
        Values filled into the message.
    severity : {"error", "warning"}
    """

    file: str
    row: int | None
    column: str | None
    code: str
    params: tuple[tuple[str, object], ...] = ()
    severity: Severity = "error"

    @classmethod
    def make(
        cls,
        file: str | Path | None,
        row: int | None,
        column: str | None,
        code: str,
        /,
        severity: Severity = "error",
        **params: object,
    ) -> "Problem":
        """Build a problem; ``params`` fill the message named by ``code``."""
        return cls(
            file=str(file) if file is not None else "",
            row=None if row is None else int(row),
            column=column,
            code=code,
            params=tuple(sorted(params.items())),
            severity=severity,
        )

    def message(self, lang: str = "cs") -> str:
        """The message alone, e.g. ``chybí povinný sloupec „kod_obce“``."""
        from coverage_app.i18n import fmt_num

        params = {k: fmt_num(v, lang, 6) if isinstance(v, float) else printable(v) for k, v in self.params}
        return t(self.code, lang, **params)

    def location(self, lang: str = "cs") -> str:
        """Where the problem is, e.g. ``soubor sluzby.csv, řádek 5, sloupec „kapacita“``."""
        parts = []
        if self.file:
            parts.append(t("loc.file", lang, file=printable(self.file)))
        if self.row is not None:
            parts.append(t("loc.row", lang, row=self.row))
        if self.column:
            parts.append(t("loc.column", lang, column=printable(self.column)))
        return ", ".join(parts)

    def format(self, lang: str = "cs") -> str:
        """Location, severity and message on one line."""
        loc = self.location(lang)
        sev = t(f"severity.{self.severity}", lang)
        return f"{loc}: {sev}: {self.message(lang)}" if loc else f"{sev}: {self.message(lang)}"

    def as_dict(self, lang: str = "cs") -> dict[str, object]:
        """A flat record for tables (file, row, column, severity, message)."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "message": self.message(lang),
        }

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.format("cs")


class DataError(Exception):
    """Input data that cannot be used; carries every :class:`Problem` found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.format("cs") for p in self.problems))

    @classmethod
    def single(
        cls, file: str | Path | None, row: int | None, column: str | None, code: str, /, **params: object
    ) -> "DataError":
        """A data error with one problem."""
        return cls([Problem.make(file, row, column, code, "error", **params)])

    def format(self, lang: str = "cs") -> str:
        """All problems, one per line."""
        return "\n".join(p.format(lang) for p in self.problems)


@dataclass
class Report:
    """Problems collected while reading; errors make :meth:`raise_if_errors` raise."""

    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: str | Path | None,
        row: int | None,
        column: str | None,
        code: str,
        /,
        severity: Severity = "error",
        **params: object,
    ) -> None:
        """Record one problem."""
        self.problems.append(Problem.make(file, row, column, code, severity, **params))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record several problems."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        """Raise :class:`DataError` with all problems when any is an error."""
        if self.errors:
            raise DataError(self.problems)
