"""Streaming reader of the MPSV registry's JSON (``rpss.json`` and its codelists).

The national export is a large ``{"polozky": [item, item, …]}``; :func:`iter_registry_items`
yields the items one at a time, in linear time and without holding the whole document, and turns
every flaw (invalid or truncated JSON, nesting too deep, UTF-16 or binary bytes, a missing or
empty ``polozky``) into a :class:`~coverage_app.errors.DataError` naming the file and the item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coverage_app.errors import DataError
from coverage_app.i18n import register

__all__ = ["iter_registry_items", "json_text_problem"]

register({
    "err.registry_empty": {"cs": "soubor registru (nebo číselníku) neobsahuje žádnou položku: seznam „polozky“ je "
                                 "prázdný; stáhněte export znovu",
                           "en": "the registry (or codelist) file holds no item: the list \"polozky\" is empty; "
                                 "download the export again"},
    "err.json_too_deep": {
        "cs": "JSON je vnořený příliš hluboko (seznam v\u00a0seznamu…); takový soubor není registr ani číselník",
        "en": "the JSON is nested too deeply (a list in a list…); such a file is neither a registry nor a codelist",
    },
    "err.json_utf16": {
        "cs": "soubor je v\u00a0kódování UTF-16 (Unicode text); JSON uložte v\u00a0UTF-8",
        "en": "the file is UTF-16 (Unicode text); save the JSON as UTF-8",
    },
    "err.json_nul": {
        "cs": "soubor obsahuje nulový bajt (na pozici {pos}): není to text JSON, nebo je poškozený",
        "en": "the file holds a NUL byte (at position {pos}): it is not JSON text, or it is damaged",
    },
    "err.rpss_no_items": {
        "cs": "v souboru chybí seznam položek „polozky“",
        "en": 'the file has no list of items "polozky"',
    },
})

_CHUNK = 1 << 20  # bytes read at a time when streaming


# ---------------------------------------------------------------------------------------------
# Streaming JSON
# ---------------------------------------------------------------------------------------------
class _Stream:
    """Incremental decoding of ``{"polozky": [item, item, …], …}`` from a text file."""

    def __init__(self, fh: Any, name: str):
        self.fh = fh
        self.name = name
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def _skip_ws(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def _expect(self, chars: str, row: int | None = None) -> str:
        ch = self._skip_ws()
        if not ch or ch not in chars:
            raise DataError.single(self.name, row, None, "err.bad_json",
                                   detail=f"očekávám {' nebo '.join(repr(c) for c in chars)}, "
                                          f"nalezeno {ch or 'konec souboru'!r}")
        self.pos += 1
        return ch

    def _value(self, row: int | None = None) -> Any:
        self._skip_ws()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise DataError.single(self.name, row, None, "err.json_too_deep") from None
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise DataError.single(self.name, row, None, "err.bad_json", detail=exc.msg) from None
            if end >= len(self.buf) and not self.eof and isinstance(value, (int, float)):
                # a number may continue in the next chunk
                if self._more():
                    continue
            self.pos = end
            return value

    def items(self) -> Iterator[tuple[int, Any]]:
        """Yield ``(item number, item)`` of the ``polozky`` list (1-based numbers)."""
        first = self._skip_ws()
        if first == "[":  # a bare list of items is accepted too
            yield from self._array()
            return
        self._expect("{")
        found = False
        if self._skip_ws() == "}":
            self.pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise DataError.single(self.name, None, None, "err.bad_json", detail="klíč není řetězec")
                self._expect(":")
                if key == "polozky":
                    if self._skip_ws() != "[":
                        raise DataError.single(self.name, None, "polozky", "err.bad_structure",
                                               detail="„polozky“ není seznam")
                    found = True
                    yield from self._array()
                else:
                    self._value()
                if self._expect(",}") == "}":
                    break
        if not found:
            raise DataError.single(self.name, None, "polozky", "err.rpss_no_items")

    def _array(self) -> Iterator[tuple[int, Any]]:
        self._expect("[")
        n = 0
        if self._skip_ws() == "]":  # an export that came out empty is no registry
            raise DataError.single(self.name, None, "polozky", "err.registry_empty")
        while True:
            n += 1
            yield n, self._value(row=n)
            if self._expect(",]", row=n) == "]":
                return


def json_text_problem(raw: bytes, name: str) -> DataError:
    """The error for JSON bytes holding a NUL: UTF-16 text, or a file that is not text at all."""
    from coverage_app.io.tables import looks_like_utf16

    if looks_like_utf16(raw):
        return DataError.single(name, None, None, "err.json_utf16")
    return DataError.single(name, None, None, "err.json_nul", pos=raw.index(b"\x00"))


def iter_registry_items(path: str | Path, display_name: str | None = None) -> Iterator[tuple[int, Any]]:
    """Stream the items of ``rpss.json`` (or of a codelist) as ``(item number, item)``.

    Raises :class:`DataError` (file, item number) on invalid JSON or when ``polozky`` is missing.
    """
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError.single(name, None, None, "err.file_not_found")
    try:
        with path.open(encoding="utf-8-sig") as fh:
            yield from _Stream(fh, name).items()
    except UnicodeDecodeError as exc:
        with path.open("rb") as fh:
            head = fh.read(4096)
        if b"\x00" in head:
            raise json_text_problem(head, name) from None
        raise DataError.single(name, None, None, "err.encoding", pos=exc.start) from None
