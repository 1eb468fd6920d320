"""The contract every bad input must keep, for the generated corpus (tests/test_bad_input_corpus*.py).

A case is a small file (or several) in the real format, run through the real command line.  The
contract: the command refuses the input (exit code 1) or takes it with a warning (exit code 0),
as the case declares; the output holds no traceback, no "Neočekávaná chyba", no raw ESC byte;
the message is Czech and names the file, and where it applies the row and the column as the
reader names them; text of a third-party library (pandas, GDAL, sqlite, json, zipfile) never
stands alone — a Czech sentence comes first; and a refused ``import``/``analyze`` leaves no
output behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from coverage_app.errors import printable

Outcome = Literal["refused", "warned", "accepted"]
Content = bytes | str | Callable[[Path], None]

#: A Czech sentence: letters with diacritics, or (e.g. "rychlost … je mimo rozsah") common Czech words.
_CZECH = re.compile(r"[áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽ]|\b(?:je|jsou|není|nebo|mimo|jen|při|chybí)\b")
#: Fragments of third-party error text (pandas, GDAL/pyogrio, sqlite, json, zipfile, Python).
TECHNICAL = ("Traceback", "Errno", "Error", "error:", "Expecting", "Unterminated", "Extra data", "not recognized",
             "No such file", "File is not a zip", "zipfile", "sqlite", "pyogrio", "GDAL", "could not convert",
             "invalid literal", "Tokenizing", "codec can't", "recursion", "password required", "encrypted",
             "Unsupported", "unsupported", "Bad CRC", "Bad magic", "Expected ", "C error", "Invalid")


@dataclass(frozen=True)
class Case:
    """One bad input and what the command must say about it.

    ``files`` maps file names to their content (bytes, text written as UTF-8, or a function
    writing the file); ``args`` are the command's arguments where ``@name`` stands for the file
    ``name`` in the test's folder and ``@@key`` for a file of the embedded demo (default:
    ``validate @<first file>``).  ``file`` is the name the message must give (default the first
    file), ``row``/``column`` the place, ``words`` further text of the message.  ``out`` is an
    output (relative to the test's folder) that must not exist after a refusal.
    """

    id: str
    files: Mapping[str, Content]
    outcome: Outcome
    row: int | None = None
    column: str | None = None
    words: tuple[str, ...] = ()
    file: str | None = None
    args: tuple[str, ...] | None = None
    out: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def param(case: Case):
    """The case as a ``pytest.param`` with its readable id."""
    return pytest.param(case, id=case.id)


def _argv(case: Case, tmp_path: Path) -> list[str]:
    from coverage_app.demo import demo_paths

    args = case.args or ("validate", "@" + next(iter(case.files)))
    out = []
    for a in args:
        if a.startswith("@@"):
            out.append(str(demo_paths()[a[2:]]))
        elif a.startswith("@"):
            out.append(str(tmp_path / a[1:]))
        else:
            out.append(a)
    return out


def run_case(case: Case, tmp_path: Path, capsys) -> tuple[int, str, str]:
    """Write the case's files, run the command in-process; (exit code, stdout, stderr)."""
    from coverage_app.cli import main

    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    capsys.readouterr()
    try:
        main(_argv(case, tmp_path))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _message_part(line: str) -> str:
    """What follows the severity (``…: chyba: `` / ``…: upozornění: `` / ``Chyba: ``) in a line."""
    for sep in (": chyba: ", ": upozornění: ", "chyba: ", "upozornění: ", "Chyba: "):
        if sep in line:
            return line.split(sep, 1)[1]
    return line


def check_contract(case: Case, tmp_path: Path, capsys) -> str:
    """Run the case and assert the contract; returns the whole output for further checks."""
    code, out, err = run_case(case, tmp_path, capsys)
    text = out + err
    shown = f"exit {code}\n--- stdout\n{out[:3000]}\n--- stderr\n{err[:3000]}"
    assert "Traceback" not in text, shown
    assert "Neočekávaná chyba" not in text, shown
    assert "\x1b" not in text, shown
    assert max((len(ln) for ln in text.splitlines()), default=0) < 3000, "a line of the output is not cut"
    expected_code = 1 if case.outcome == "refused" else 0
    assert code == expected_code, shown
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for ln in lines:  # third-party text never alone: a Czech sentence comes first
        msg = _message_part(ln)
        for marker in TECHNICAL:
            at = msg.find(marker)
            if at >= 0:
                assert _CZECH.search(msg[:at]), f"technical text without a Czech sentence first: {ln!r}\n{shown}"
    fname = str(printable(case.file or next(iter(case.files))))
    if case.outcome == "accepted":
        assert not [ln for ln in lines if ": chyba: " in ln or ": upozornění: " in ln], shown
        return text
    severity = ": chyba: " if case.outcome == "refused" else ": upozornění: "
    hits = [ln for ln in lines if fname in ln and severity in ln]
    assert hits, f"no {severity.strip(': ')} naming {fname}\n{shown}"
    for ln in hits:
        assert _CZECH.search(_message_part(ln)), f"not a Czech message: {ln!r}"
    if case.row is not None:
        hits = [ln for ln in hits if re.search(rf"řádek {case.row}(?!\d)", ln)]
        assert hits, f"row {case.row} not named\n{shown}"
    if case.column is not None:
        hits = [ln for ln in hits if f"sloupec „{case.column}“" in ln]
        assert hits, f"column {case.column} not named\n{shown}"
    for word in case.words:
        assert any(word in ln for ln in hits), f"{word!r} not in the message\n{shown}"
    if case.out is not None and case.outcome == "refused":
        target = tmp_path / case.out
        assert not target.exists(), f"{case.out} was written by a refused command"
        assert not [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")], "temporary left"
    return text
