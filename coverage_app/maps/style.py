"""Print styles: paper sizes, fonts with Czech glyphs, colours, marker shapes.

Everything printed (the service map, the atlas and the catalogue) takes its look from a
:class:`PrintStyle`.  Three styles are built in (:data:`STYLES`):

* ``"colour"`` — conventional colours for offset or digital colour print;
* ``"grayscale"`` — only neutral greys (R = G = B), for black-and-white print and photocopies;
* ``"cvd"`` — colour-blind-safe colours (Okabe & Ito 2008; Paul Tol's *muted* scheme), every
  distinction also carried by shape, number or lightness.

Body text is always pure black (``#000000``).  Fonts are the DejaVu family shipped with
matplotlib (full Czech diacritics, free licence); they are embedded in every PDF as TrueType
subsets (``/FontFile2``) — by matplotlib with ``pdf.fonttype = 42`` and by reportlab through
:func:`register_reportlab_fonts`.  No style relies on a tile server or on fonts installed on the
machine.

Sizes: paper in millimetres, type in points (1 pt = 25.4 / 72 mm).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import matplotlib
from matplotlib.font_manager import FontProperties

from coverage_app.codelists import WORKING_GROUPS
from coverage_app.i18n import register

__all__ = [
    "FONT_FILES",
    "FONT_STYLES",
    "FORM_ORDER",
    "MM_PER_PT",
    "PAPER_SIZES_MM",
    "REPORTLAB_FONT_NAMES",
    "STYLES",
    "SHADING_BANDS",
    "WORKING_GROUP_ORDER",
    "Orientation",
    "Paper",
    "PrintStyle",
    "font_path",
    "font_properties",
    "get_style",
    "paper_margin_mm",
    "paper_scale",
    "paper_size_mm",
    "register_reportlab_fonts",
    "rc_params",
    "text_colour_on",
]

Paper = Literal["A5", "A4", "A3"]
Orientation = Literal["portrait", "landscape"]

#: Millimetres per typographic point.
MM_PER_PT: float = 25.4 / 72.0

#: ISO 216 sizes, portrait, (width, height) in millimetres.
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {
    "A5": (148.0, 210.0),
    "A4": (210.0, 297.0),
    "A3": (297.0, 420.0),
}

#: Print-safe margin per paper (mm): nothing is placed closer to the trimmed edge.
_MARGINS_MM: dict[str, float] = {"A5": 8.0, "A4": 9.0, "A3": 10.0}

#: Type scale per paper relative to A3 (A5 stays legible at arm's length).
_PAPER_SCALE: dict[str, float] = {"A5": 0.7, "A4": 0.84, "A3": 1.0}

#: Forms in the order in which the "main" form of a site is chosen (residential first).
FORM_ORDER: tuple[str, ...] = ("pob", "amb", "ter")

#: Travel-time bands of the optional coverage shading: (lower, upper) in minutes, upper open.
SHADING_BANDS: tuple[tuple[float, float], ...] = ((0.0, 15.0), (15.0, 30.0), (30.0, 45.0), (45.0, float("inf")))

register({
    "print.style.colour": {"cs": "barevný", "en": "colour"},
    "print.style.grayscale": {"cs": "odstíny šedi", "en": "grayscale"},
    "print.style.cvd": {"cs": "barvy bezpečné pro poruchy barvocitu", "en": "colour-blind safe"},
    "print.wg.ostatni": {"cs": "Ostatní a navazující služby", "en": "Other and related services"},
    "print.err.paper": {"cs": "neznámý formát papíru „{value}“ (A5, A4 nebo A3)",
                        "en": 'unknown paper size "{value}" (A5, A4 or A3)'},
    "print.err.orientation": {"cs": "neznámá orientace „{value}“ (portrait nebo landscape)",
                              "en": 'unknown orientation "{value}" (portrait or landscape)'},
    "print.err.style": {"cs": "neznámý styl tisku „{value}“ (colour, grayscale nebo cvd)",
                        "en": 'unknown print style "{value}" (colour, grayscale or cvd)'},
})


# ---------------------------------------------------------------------------------------------
# Paper
# ---------------------------------------------------------------------------------------------
def paper_size_mm(paper: str = "A3", orientation: str = "landscape") -> tuple[float, float]:
    """Width and height of a sheet in millimetres.

    Parameters
    ----------
    paper : {"A5", "A4", "A3"}
    orientation : {"portrait", "landscape"}

    Returns
    -------
    (float, float)
        Width and height (mm), e.g. ``(420.0, 297.0)`` for A3 landscape.

    Raises
    ------
    ValueError
        For an unknown paper or orientation (message in Czech).
    """
    key = str(paper).upper()
    if key not in PAPER_SIZES_MM:
        from coverage_app.i18n import t
        raise ValueError(t("print.err.paper", "cs", value=paper))
    if orientation not in ("portrait", "landscape"):
        from coverage_app.i18n import t
        raise ValueError(t("print.err.orientation", "cs", value=orientation))
    w, h = PAPER_SIZES_MM[key]
    return (h, w) if orientation == "landscape" else (w, h)


def paper_margin_mm(paper: str = "A3") -> float:
    """Print-safe margin of a paper size (mm)."""
    return _MARGINS_MM[str(paper).upper()]


def paper_scale(paper: str = "A3") -> float:
    """Type and symbol scale of a paper size relative to A3 (A3 = 1)."""
    return _PAPER_SCALE[str(paper).upper()]


# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------
FontRole = Literal["regular", "bold", "italic", "bold_italic", "number", "number_light"]

#: TrueType files (in matplotlib's data folder) used for each role.  The monospaced faces
#: (``number``, bold, and ``number_light``, regular) set service numbers only — on the map, in its
#: side boxes and in the catalogue — so that service numbers can be told from any other figure on
#: the page (scale bar, minutes, dates, phone numbers).
FONT_FILES: dict[str, str] = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
    "bold_italic": "DejaVuSans-BoldOblique.ttf",
    "number": "DejaVuSansMono-Bold.ttf",
    "number_light": "DejaVuSansMono.ttf",
}

#: Names under which the fonts are registered in reportlab.
REPORTLAB_FONT_NAMES: dict[str, str] = {
    "regular": "DejaVuSans",
    "bold": "DejaVuSans-Bold",
    "italic": "DejaVuSans-Oblique",
    "bold_italic": "DejaVuSans-BoldOblique",
    "number": "DejaVuSansMono-Bold",
    "number_light": "DejaVuSansMono",
}


def font_path(role: str = "regular") -> Path:
    """Path of the TrueType file for a font role (``regular``, ``bold``, ``italic``,
    ``bold_italic``, ``number``, ``number_light``); the DejaVu fonts shipped with matplotlib."""
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / FONT_FILES[role]
    if not path.exists():  # pragma: no cover - matplotlib always ships DejaVu
        raise FileNotFoundError(path)
    return path


#: Family, weight and style of each role, written into SVG text (the file decides PDF and PNG).
FONT_STYLES: dict[str, tuple[str, str, str]] = {
    "regular": ("DejaVu Sans", "normal", "normal"), "bold": ("DejaVu Sans", "bold", "normal"),
    "italic": ("DejaVu Sans", "normal", "oblique"), "bold_italic": ("DejaVu Sans", "bold", "oblique"),
    "number": ("DejaVu Sans Mono", "bold", "normal"), "number_light": ("DejaVu Sans Mono", "normal", "normal"),
}


def font_properties(role: str = "regular", size: float | None = None) -> FontProperties:
    """matplotlib font properties bound to the TrueType file of ``role`` (size in points), with
    the role's family, weight and style set too, so SVG text keeps bold, oblique and monospaced."""
    family, weight, style = FONT_STYLES.get(role, FONT_STYLES["regular"])
    fp = FontProperties(family=family, weight=weight, style=style, fname=str(font_path(role)))
    if size is not None:
        fp.set_size(size)
    return fp


@lru_cache(maxsize=1)
def register_reportlab_fonts() -> dict[str, str]:
    """Register the DejaVu TrueType fonts with reportlab (once) and return role → font name.

    The family ``DejaVuSans`` is registered with its bold and italic faces, so ``<b>`` and
    ``<i>`` work in reportlab paragraphs.  reportlab embeds TrueType subsets (``/FontFile2``)
    with a ``ToUnicode`` map, so Czech text stays extractable from the PDF.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for role, name in REPORTLAB_FONT_NAMES.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(font_path(role))))
    pdfmetrics.registerFontFamily(
        REPORTLAB_FONT_NAMES["regular"], normal=REPORTLAB_FONT_NAMES["regular"],
        bold=REPORTLAB_FONT_NAMES["bold"], italic=REPORTLAB_FONT_NAMES["italic"],
        boldItalic=REPORTLAB_FONT_NAMES["bold_italic"])
    return dict(REPORTLAB_FONT_NAMES)


def rc_params() -> dict[str, object]:
    """matplotlib settings for print output (use with ``matplotlib.rc_context``).

    TrueType (Type 42) fonts embedded in PDF and PS; SVG keeps text as ``<text>`` elements
    (editable, searchable); DejaVu Sans everywhere; deterministic SVG ids; no
    ``axes.unicode_minus`` substitution surprises.
    """
    return {
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "coverage-app",
        "pdf.compression": 6,
        "font.family": "DejaVu Sans",
        "text.color": "#000000",
        "axes.unicode_minus": True,
        "path.simplify": True,
        "savefig.facecolor": "white",
        "savefig.transparent": False,
    }


# ---------------------------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------------------------
def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance)."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in _rgb(fill))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # contrast with black vs with white
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


@dataclass(frozen=True)
class PrintStyle:
    """Colours and symbols of one print style.

    Attributes
    ----------
    name : str
        ``colour``, ``grayscale`` or ``cvd``.
    working_group_colours : mapping
        Fill of markers per working group (keys of
        :data:`~coverage_app.codelists.WORKING_GROUPS` and ``"ostatni"``).
    kind_palette : tuple of str
        Colours handed out to kinds in order when markers are coloured by kind.
    shading : tuple of str
        Fills of the four travel-time bands of :data:`SHADING_BANDS` (short to long).
    shading_missing : str
        Fill of obce without a travel time.
    obec_fill, context_fill : str
        Fill of the obce of the mapped area and of other obce shown for context.
    obec_edge, district_edge : str
        Lines of obec boundaries and of the district outline.
    obec_point : str
        Dot of an obec where only points are known.
    accent : str
        Frame of the mapped area in the inset, group bars in the catalogue.
    inset_land : str
        Fill of Czechia in the inset.
    marker_edge : str
        Outline of service markers.
    text : str
        Body text — pure black in every style.
    halo : str
        Halo behind map labels.
    """

    name: str
    working_group_colours: Mapping[str, str]
    kind_palette: tuple[str, ...]
    shading: tuple[str, str, str, str]
    shading_missing: str
    obec_fill: str
    context_fill: str
    obec_edge: str
    district_edge: str
    obec_point: str
    accent: str
    inset_land: str
    marker_edge: str = "#000000"
    text: str = "#000000"
    halo: str = "#ffffff"
    form_markers: Mapping[str, str] = field(default_factory=lambda: {"pob": "s", "amb": "o", "ter": "D"})
    form_marker_scale: Mapping[str, float] = field(default_factory=lambda: {"pob": 0.9, "amb": 1.0, "ter": 0.92})

    def group_colour(self, working_group: str) -> str:
        """Marker fill of a working group (``ostatni`` for anything unknown)."""
        return self.working_group_colours.get(working_group, self.working_group_colours["ostatni"])

    def kind_colours(self, kind_ids: list[str]) -> dict[str, str]:
        """Colours for kinds in the given order (the palette repeats after its end)."""
        return {k: self.kind_palette[i % len(self.kind_palette)] for i, k in enumerate(kind_ids)}

    def all_colours(self) -> list[str]:
        """Every colour the style may put on paper (for checks such as "grey only")."""
        out = list(self.working_group_colours.values()) + list(self.kind_palette) + list(self.shading)
        out += [self.shading_missing, self.obec_fill, self.context_fill, self.obec_edge, self.district_edge,
                self.obec_point, self.accent, self.inset_land, self.marker_edge, self.text, self.halo]
        return out


#: Working-group colours that colour-blind readers and photocopies tell apart: blue (seniors), light
#: green (disability), yellow (families), vermillion (crisis), dark grey (other).  Checked in the
#: tests by simulating deuteranopia, protanopia and tritanopia (colorspacious) and by their Rec. 601
#: grey values.
SAFE_GROUP_COLOURS: dict[str, str] = {"seniori": "#1f5fa8", "postizeni": "#7fc97f", "rodiny": "#ffd92f",
                                      "krize": "#d55e00", "ostatni": "#333333"}

STYLES: dict[str, PrintStyle] = {
    "colour": PrintStyle(
        name="colour",
        # safe by default: the groups stay apart for deuteranopes and protanopes (CIELAB ΔE ≥ 33
        # simulated, Machado et al. 2009) and on a black-and-white photocopy (grey values ≥ 33 apart)
        working_group_colours=SAFE_GROUP_COLOURS,
        kind_palette=("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                      "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"),
        shading=("#ffffe5", "#fee391", "#fec44f", "#fe9929"),
        shading_missing="#ffffff",
        obec_fill="#f5f3ec",
        context_fill="#e4e4e4",
        obec_edge="#8c8c8c",
        district_edge="#000000",
        obec_point="#000000",
        accent="#c0392b",
        inset_land="#dcdcdc",
    ),
    "grayscale": PrintStyle(
        name="grayscale",
        working_group_colours={"seniori": "#1a1a1a", "postizeni": "#595959", "rodiny": "#9a9a9a",
                               "krize": "#d0d0d0", "ostatni": "#ffffff"},
        kind_palette=("#1a1a1a", "#595959", "#9a9a9a", "#d0d0d0", "#ffffff"),
        shading=("#f5f5f5", "#dedede", "#bdbdbd", "#999999"),
        shading_missing="#ffffff",
        obec_fill="#f7f7f7",
        context_fill="#e6e6e6",
        obec_edge="#8c8c8c",
        district_edge="#000000",
        obec_point="#000000",
        accent="#000000",
        inset_land="#d9d9d9",
    ),
    "cvd": PrintStyle(
        name="cvd",
        working_group_colours=SAFE_GROUP_COLOURS,
        # Paul Tol's "muted" scheme, then Okabe & Ito
        kind_palette=("#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77", "#cc6677",
                      "#882255", "#aa4499", "#0072b2", "#e69f00", "#d55e00"),
        # light part of the sequential YlGnBu scheme: lightness falls monotonically
        shading=("#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4"),
        shading_missing="#ffffff",
        obec_fill="#f5f3ec",
        context_fill="#e4e4e4",
        obec_edge="#8c8c8c",
        district_edge="#000000",
        obec_point="#000000",
        accent="#d55e00",
        inset_land="#dcdcdc",
    ),
}

#: Order of working groups on paper (``ostatni`` last).
WORKING_GROUP_ORDER: tuple[str, ...] = tuple(WORKING_GROUPS) + ("ostatni",)


def get_style(style: str | PrintStyle = "colour") -> PrintStyle:
    """The :class:`PrintStyle` named ``style`` (``colour``, ``grayscale``, ``cvd``; ``color``
    is accepted); a :class:`PrintStyle` is returned as it is.

    Raises
    ------
    ValueError
        For an unknown style name (message in Czech).
    """
    if isinstance(style, PrintStyle):
        return style
    key = {"color": "colour", "grey": "grayscale", "gray": "grayscale", "greyscale": "grayscale",
           "colourblind": "cvd", "colorblind": "cvd"}.get(str(style).lower(), str(style).lower())
    if key not in STYLES:
        from coverage_app.i18n import t
        raise ValueError(t("print.err.style", "cs", value=style))
    return STYLES[key]
