"""Fonts of an SVG map: kept as named text (default), embedded in the file, or outlined.

Matplotlib writes SVG text as ``<text>`` with the family, weight and style of each element; a
viewer without DejaVu fonts would substitute others.  :func:`embed_fonts` adds the DejaVu faces the
file uses as ``@font-face`` rules with the TrueType data inside (so the SVG shows the same type
anywhere, text still selectable); ``outline`` turns text into paths when saving (exact shapes,
no text left).
"""

from __future__ import annotations

import base64
import re

from coverage_app.maps.style import FONT_STYLES, font_path

__all__ = ["SVG_FONT_MODES", "embed_fonts"]

#: How an SVG map carries its type: ``name`` (text naming the fonts), ``embed`` (the font files
#: inside the SVG) or ``outline`` (text as paths).
SVG_FONT_MODES: tuple[str, ...] = ("name", "embed", "outline")

_STYLE = re.compile(r'style="([^"]*font-family:[^"]*)"')


def _faces_used(svg: str) -> set[tuple[str, str, str]]:
    faces = set()
    for style in _STYLE.findall(svg):
        family = re.search(r"font-family:\s*'([^']+)'", style)
        weight = "bold" if re.search(r"font-weight:\s*(bold|[6-9]00)", style) else "normal"
        slant = "oblique" if re.search(r"font-style:\s*(oblique|italic)", style) else "normal"
        if family:
            faces.add((family.group(1), weight, slant))
    return faces


def embed_fonts(svg: str) -> str:
    """The SVG with ``@font-face`` rules carrying the DejaVu faces its text uses (TrueType, base64)."""
    rules = []
    for role, (family, weight, slant) in FONT_STYLES.items():
        if (family, weight, slant) not in _faces_used(svg):
            continue
        data = base64.b64encode(font_path(role).read_bytes()).decode("ascii")
        rules.append(f"@font-face{{font-family:'{family}';font-weight:{'700' if weight == 'bold' else '400'};"
                     f"font-style:{slant};src:url(data:font/ttf;base64,{data}) format('truetype');}}")
    if not rules:
        return svg
    block = '<defs><style type="text/css">' + "".join(rules) + "</style></defs>"
    start = re.search(r"<svg\b[^>]*>", svg)
    return svg[:start.end()] + block + svg[start.end():] if start else svg
