"""Printed service maps and atlases: vector PDF and SVG, PNG at 300 dpi.

:func:`render_map` draws one sheet (A5, A4 or A3, portrait or landscape): a title block, the
map of the district (obec boundaries, or points where only points are known), one numbered
marker per service × site (colour = working group or kind, shape = form), obec names placed
without collisions, a scale bar in kilometres (EPSG:5514 metres), a north arrow turned to true
north, a legend of only what is on the page, boxes for services based outside the map and for
services with a secret address, an inset locating the district in Czechia (when its outline is
given) and a source line.  :func:`render_atlas` puts one such page per ORP, POÚ or obec into one
PDF.  :func:`compose_map` returns the matplotlib figure and what was placed where (for previews
and checks).

Numbers come from :func:`coverage_app.maps.numbering.number_services` and match the catalogue
(:func:`coverage_app.maps.catalogue.render_catalogue`).  Every number of the catalogue appears
on the district map: as a marker where the service has a public site inside the map frame, or
in one of the two boxes ("služby se sídlem mimo mapu", "služby s neveřejnou adresou").  Service
numbers are set in the ``number`` font (DejaVu Sans Mono Bold) and no other text is, so they can
be read back from the PDF unambiguously.

Layout works in millimetres on the sheet; type in points.  Label placement is greedy: obce by
falling population, each label tried at candidate positions (inside its polygon, or around its
point) and kept at the first whose box (measured with the same font metrics matplotlib draws
with) overlaps no marker, no other label, no obec point and no map furniture.  Markers closer
than their size are displaced into a compact hexagonal cluster (optimal assignment, so leader
lines do not cross) with a thin leader to the true location.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import warnings
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, get_font
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, PathPatch, Polygon as MplPolygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib import patheffects
from pyproj import Transformer
from scipy.optimize import linear_sum_assignment

from coverage_app.i18n import register, t
from coverage_app.maps.numbering import (
    czech_sort_key,
    group_name,
    map_sites,
    service_entries,
    services_for_obce,
)
from coverage_app.maps.style import (
    FORM_ORDER,
    MM_PER_PT,
    SHADING_BANDS,
    WORKING_GROUP_ORDER,
    PrintStyle,
    font_properties,
    get_style,
    paper_margin_mm,
    paper_scale,
    paper_size_mm,
    rc_params,
    text_colour_on,
)
from coverage_app.model import CRS, District, Services

__all__ = [
    "MAP_FORMATS",
    "MapComposition",
    "atlas_units",
    "compose_map",
    "format_data_date",
    "render_atlas",
    "render_map",
    "save_map",
    "shading_band",
]

try:  # matplotlib >= 3.10
    from matplotlib.ft2font import LoadFlags

    _NO_HINTING = LoadFlags.NO_HINTING
except ImportError:  # pragma: no cover - older matplotlib
    from matplotlib.ft2font import LOAD_NO_HINTING as _NO_HINTING

#: File extensions :func:`render_map` writes.
MAP_FORMATS: tuple[str, ...] = (".pdf", ".svg", ".png")

register({
    "print.map.title": {"cs": "Sociální služby – {name}", "en": "Social services – {name}"},
    "print.map.subtitle": {"cs": "Místa poskytování sociálních a navazujících služeb · data k {date}",
                           "en": "Where social and related services are provided · data as of {date}"},
    "print.map.subtitle_nodate": {"cs": "Místa poskytování sociálních a navazujících služeb",
                                  "en": "Where social and related services are provided"},
    "print.atlas.title.obec": {"cs": "Obec {name}", "en": "Obec {name}"},
    "print.atlas.title.pou": {"cs": "POÚ {name}", "en": "POÚ {name}"},
    "print.atlas.title.orp": {"cs": "ORP {name}", "en": "ORP {name}"},
    "print.atlas.subtitle": {"cs": "{district} · sociální služby · data k {date}",
                             "en": "{district} · social services · data as of {date}"},
    "print.atlas.subtitle_nodate": {"cs": "{district} · sociální služby", "en": "{district} · social services"},
    "print.legend.kinds": {"cs": "Druhy služeb", "en": "Kinds of service"},
    "print.legend.forms": {"cs": "Forma poskytování", "en": "Form of provision"},
    "print.legend.form.pob": {"cs": "pobytová (klient v zařízení bydlí)", "en": "residential"},
    "print.legend.form.amb": {"cs": "ambulantní (klient dochází)", "en": "ambulatory (client comes)"},
    "print.legend.form.ter": {"cs": "terénní (sídlo; služba přijíždí za klientem)",
                              "en": "field (base; staff come to the client)"},
    "print.legend.map": {"cs": "Mapa", "en": "Map"},
    "print.legend.obec_boundary": {"cs": "hranice obce", "en": "obec boundary"},
    "print.legend.district_boundary": {"cs": "hranice území ({name})", "en": "boundary of {name}"},
    "print.legend.obec_point": {"cs": "obec", "en": "obec"},
    "print.legend.context": {"cs": "ostatní obce území", "en": "other obce of the area"},
    "print.legend.displaced": {"cs": "skutečná poloha posunuté značky", "en": "true position of a moved marker"},
    "print.legend.shading": {"cs": "Dojezd k nejbližší službě", "en": "Travel time to the nearest service"},
    "print.band.0": {"cs": "do 15 min", "en": "under 15 min"},
    "print.band.1": {"cs": "15–30 min", "en": "15–30 min"},
    "print.band.2": {"cs": "30–45 min", "en": "30–45 min"},
    "print.band.3": {"cs": "45 min a více", "en": "45 min or more"},
    "print.band.missing": {"cs": "bez údaje", "en": "no data"},
    "print.box.outside": {"cs": "Služby se sídlem mimo mapu", "en": "Services based outside the map"},
    "print.box.outside_note": {"cs": "působí i na tomto území", "en": "they also serve this area"},
    "print.box.secret": {"cs": "Služby s neveřejnou adresou", "en": "Services with a withheld address"},
    "print.box.seat": {"cs": "sídlo: {obce}", "en": "based in {obce}"},
    "print.box.no_location": {"cs": "poloha neuvedena", "en": "location not given"},
    "print.box.call": {"cs": "volejte {phone}", "en": "call {phone}"},
    "print.note.numbers": {"cs": "Čísla značek odpovídají číslům v katalogu poskytovatelů.",
                           "en": "Marker numbers match the numbers in the provider catalogue."},
    "print.inset.title": {"cs": "Poloha v Česku", "en": "Location in Czechia"},
    "print.scale.ratio": {"cs": "měřítko 1 : {n} (při tisku na {paper})", "en": "scale 1 : {n} (printed on {paper})"},
    "print.north": {"cs": "S", "en": "N"},
    "print.source": {"cs": "Zdroj: ČÚZK, ČSÚ, MPSV – registr poskytovatelů sociálních služeb; data k {date}",
                     "en": "Source: ČÚZK, ČSÚ, MPSV register of social service providers; data as of {date}"},
    "print.source_nodate": {"cs": "Zdroj: ČÚZK, ČSÚ, MPSV – registr poskytovatelů sociálních služeb",
                            "en": "Source: ČÚZK, ČSÚ, MPSV register of social service providers"},
    "print.source.fictional": {"cs": "fiktivní služby (ukázková data)", "en": "fictional services (demo data)"},
    "print.source.points": {"cs": "obce zobrazeny body, hranice obcí nejsou načteny",
                            "en": "obce shown as points, boundaries not loaded"},
    "print.source.shading": {"cs": "dojezdové doby: {note}", "en": "travel times: {note}"},
    "print.source.tool": {"cs": "mapa: coverage-app", "en": "map: coverage-app"},
    "print.err.format": {"cs": "nepodporovaný formát výstupu „{ext}“ (podporuji {expected})",
                         "en": 'unsupported output format "{ext}" (supported: {expected})'},
    "print.err.atlas_by": {"cs": "atlas lze členit podle obec, pou nebo orp, ne „{value}“",
                           "en": 'an atlas is split by obec, pou or orp, not "{value}"'},
    "print.err.no_obce": {"cs": "území nemá žádné obce", "en": "the area has no obce"},
    "print.warn.overflow": {"cs": "legenda a seznamy služeb se nevejdou na list {paper}; zvolte větší formát",
                            "en": "the legend and the service lists do not fit on {paper}; choose a larger paper"},
})


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
_RC_LOCK = threading.RLock()


@contextmanager
def _print_rc() -> Iterator[None]:
    """matplotlib's print settings (embedded TrueType fonts …) while composing or saving a sheet.

    rcParams are process-wide and the PDF backend reads ``pdf.fonttype`` while it writes, so
    sheets are composed and saved one at a time (the app serves several sessions in threads).
    """
    with _RC_LOCK, matplotlib.rc_context(rc_params()):
        yield


def format_data_date(value: object, lang: str = "cs") -> str:
    """A data date for print: ``date`` → ``4. 9. 2026`` (cs) or ``2026-09-04`` (en); text as is."""
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.day}. {value.month}. {value.year}" if lang == "cs" else value.isoformat()
    return str(value).strip()


def shading_band(minutes: float) -> int | None:
    """Index of the travel-time band of :data:`~coverage_app.maps.style.SHADING_BANDS`
    (0 = under 15 min … 3 = 45 min or more); ``None`` for a missing value."""
    if minutes is None or not np.isfinite(minutes):
        return None
    for i, (lo, hi) in enumerate(SHADING_BANDS):
        if lo <= minutes < hi:
            return i
    return 0 if minutes < 0 else len(SHADING_BANDS) - 1


def _check_format(out: Path, allowed: Sequence[str]) -> str:
    ext = out.suffix.lower()
    if ext not in allowed:
        raise ValueError(t("print.err.format", "cs", ext=ext or "(žádná)", expected=", ".join(allowed)))
    return ext


class _Measure:
    """Text extents in millimetres from the TrueType metrics, unhinted (as PDF and SVG lay text out)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, tuple[float, float, float]] = {}

    def extent(self, text: str, fp: FontProperties, size: float) -> tuple[float, float, float]:
        """Width, height and descent (mm) of one line of text at ``size`` points."""
        key = (text, fp.get_file(), round(size, 3))
        hit = self._cache.get(key)
        if hit is None:
            font = get_font(fp.get_file())
            font.clear()
            font.set_size(size, 72)  # one pixel is one point
            font.set_text(text, 0.0, flags=_NO_HINTING)
            w, h = font.get_width_height()  # 26.6 fixed point
            d = font.get_descent()
            hit = (w / 64.0 * MM_PER_PT, h / 64.0 * MM_PER_PT, d / 64.0 * MM_PER_PT)
            self._cache[key] = hit
        return hit

    def width(self, text: str, fp: FontProperties, size: float) -> float:
        return self.extent(text, fp, size)[0]

    def wrap(self, text: str, fp: FontProperties, size: float, width: float) -> list[str]:
        """Greedy word wrap of ``text`` into lines no wider than ``width`` mm (where possible)."""
        lines: list[str] = []
        width = width * 0.98 - 0.2  # slack for raster hinting at low resolutions
        for para in str(text).split("\n"):
            cur = ""
            for word in para.split(" "):
                cand = f"{cur} {word}" if cur else word
                if not cur or self.width(cand, fp, size) <= width:
                    cur = cand
                else:
                    lines.append(cur)
                    cur = word
            lines.append(cur)
        return lines


@dataclass(frozen=True)
class _Sizes:
    """Type (pt) and symbol (mm) sizes for one paper."""

    scale: float
    title: float
    subtitle: float
    heading: float
    text: float
    small: float
    source: float
    marker: float       # diameter of a circle marker (mm)
    number: float       # number type inside markers (pt)
    swatch: float       # legend swatch (mm)
    line: float         # obec boundary (pt)
    outline: float      # district outline (pt)
    label_sizes: tuple[float, float, float, float]  # obec names by population tier (pt)

    @classmethod
    def for_paper(cls, paper: str, font_scale: float = 1.0) -> "_Sizes":
        s = paper_scale(paper)
        f = s * font_scale

        def pt(v: float, lo: float = 5.5) -> float:
            return max(lo, v * f)
        return cls(scale=s, title=pt(22), subtitle=pt(11.5), heading=pt(9.5), text=pt(8.3), small=pt(7.2),
                   source=pt(6.8, 5.0), marker=max(3.9, 5.0 * s), number=pt(7.6), swatch=max(3.2, 4.2 * s),
                   line=0.5 * s, outline=1.3 * s,
                   label_sizes=(pt(10.5, 6.5), pt(9.0, 6.0), pt(8.0, 5.5), pt(7.0, 5.0)))


# ---------------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------------
def _geom_path(geom: shapely.Geometry) -> MplPath | None:
    """A matplotlib path of a (multi)polygon, holes included."""
    if geom is None or geom.is_empty:
        return None
    polys = [geom] if geom.geom_type == "Polygon" else [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
    paths = []
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            coords = np.asarray(ring.coords)[:, :2]
            if len(coords) < 3:
                continue
            codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
            codes[0] = MplPath.MOVETO
            codes[-1] = MplPath.CLOSEPOLY
            paths.append(MplPath(coords, codes))
    return MplPath.make_compound_path(*paths) if paths else None


class _Frame:
    """Map frame: data extent (EPSG:5514 m) ↔ millimetres on the sheet."""

    def __init__(self, rect: tuple[float, float, float, float], extent: tuple[float, float, float, float]):
        self.rect = rect  # x, y, w, h (mm on the sheet)
        self.extent = extent  # x0, y0, x1, y1 (m)
        self.m_per_mm = (extent[2] - extent[0]) / rect[2]

    def to_mm(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fx, fy, _, _ = self.rect
        return (fx + (np.asarray(x, float) - self.extent[0]) / self.m_per_mm,
                fy + (np.asarray(y, float) - self.extent[1]) / self.m_per_mm)

    def to_data(self, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fx, fy, _, _ = self.rect
        return (self.extent[0] + (np.asarray(px, float) - fx) * self.m_per_mm,
                self.extent[1] + (np.asarray(py, float) - fy) * self.m_per_mm)

    def inside(self, px: np.ndarray, py: np.ndarray, inset: float = 0.0) -> np.ndarray:
        fx, fy, fw, fh = self.rect
        px = np.asarray(px, float)
        py = np.asarray(py, float)
        return (px >= fx + inset) & (px <= fx + fw - inset) & (py >= fy + inset) & (py <= fy + fh - inset)


def _fit_extent(bounds: tuple[float, float, float, float], rect_w: float, rect_h: float, pad_mm: float,
                min_extent_m: float, pad_frac: float = 0.03) -> tuple[float, float, float, float]:
    """Extent (m) with the aspect of the frame that holds ``bounds`` with ``pad_mm`` to spare."""
    x0, y0, x1, y1 = bounds
    dx = max(x1 - x0, min_extent_m * 0.5)
    dy = max(y1 - y0, min_extent_m * 0.5)
    d = max(dx, dy, min_extent_m)
    dx = max(dx, 1.0)
    dy = max(dy, 1.0)
    margin = pad_frac * d
    s = max((dx + 2 * margin) / max(rect_w - 2 * pad_mm, 1.0), (dy + 2 * margin) / max(rect_h - 2 * pad_mm, 1.0),
            min_extent_m / max(rect_w, rect_h))
    cx = (x0 + x1) / 2
    cy = (y0 + y1) / 2
    return (cx - rect_w * s / 2, cy - rect_h * s / 2, cx + rect_w * s / 2, cy + rect_h * s / 2)


def _nice_length_km(max_km: float) -> float:
    """The longest 1, 2, 3, 4 or 5 × 10^k length not longer than ``max_km``."""
    if max_km <= 0:
        return 1.0
    k = math.floor(math.log10(max_km))
    best = 10.0 ** k
    for m in (1.0, 2.0, 3.0, 4.0, 5.0, 10.0):
        if m * 10.0 ** k <= max_km:
            best = m * 10.0 ** k
    return best


def _fmt_km(v: float, lang: str) -> str:
    text = f"{v:g}"
    return text.replace(".", ",") if lang == "cs" else text


def _round_scale(denominator: float) -> int:
    """Scale denominator rounded to three significant digits."""
    if denominator <= 0:
        return 0
    k = max(0, int(math.floor(math.log10(denominator))) - 2)
    return int(round(denominator / 10 ** k) * 10 ** k)


_TO_WGS84 = None


def _true_north_angle(x: float, y: float) -> float:
    """Angle (degrees, counter-clockwise from grid up) of true north at an EPSG:5514 point."""
    global _TO_WGS84
    if _TO_WGS84 is None:
        _TO_WGS84 = (Transformer.from_crs(CRS, "EPSG:4326", always_xy=True),
                     Transformer.from_crs("EPSG:4326", CRS, always_xy=True))
    fwd, back = _TO_WGS84
    lon, lat = fwd.transform(x, y)
    x2, y2 = back.transform(lon, lat + 0.02)
    return math.degrees(math.atan2(-(x2 - x), y2 - y))


# ---------------------------------------------------------------------------------------------
# Marker and label placement
# ---------------------------------------------------------------------------------------------
def _hex_cells(n: int, spacing: float) -> np.ndarray:
    """``n`` cells of a hexagonal lattice nearest to the origin, re-centred on their mean."""
    rings = int(math.ceil(math.sqrt(n))) + 2
    cells = []
    for q in range(-rings, rings + 1):
        for r in range(-rings, rings + 1):
            x = spacing * (q + r / 2.0)
            y = spacing * (r * math.sqrt(3) / 2.0)
            cells.append((math.hypot(x, y), math.atan2(y, x), x, y))
    cells.sort(key=lambda c: (round(c[0], 6), -c[1]))
    pts = np.array([(c[2], c[3]) for c in cells[:n]])
    if n == 2:
        pts = np.array([(-spacing / 2, 0.0), (spacing / 2, 0.0)])
    return pts - pts.mean(axis=0)


def _place_markers(px: np.ndarray, py: np.ndarray, radius: np.ndarray, gap: float,
                   frame: _Frame) -> tuple[np.ndarray, np.ndarray]:
    """Displace overlapping markers into compact clusters; positions in mm."""
    n = len(px)
    if n == 0:
        return px.copy(), py.copy()
    true = np.column_stack([px, py])
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    for i in range(n):
        for j in range(i + 1, n):
            if np.hypot(*(true[i] - true[j])) < radius[i] + radius[j] + gap:
                union(i, j)
    pos = true.copy()
    fx, fy, fw, fh = frame.rect
    for _ in range(30):
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(find(i), []).append(i)
        for members in groups.values():
            if len(members) == 1:
                pos[members[0]] = true[members[0]]
                continue
            spacing = 2 * float(radius[members].max()) + gap
            centre = true[members].mean(axis=0)
            cells = _hex_cells(len(members), spacing) + centre
            cost = ((true[members][:, None, :] - cells[None, :, :]) ** 2).sum(axis=2)
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols):
                pos[members[r]] = cells[c]
            # keep the cluster inside the frame
            lo = pos[members] - radius[members][:, None]
            hi = pos[members] + radius[members][:, None]
            shift = np.zeros(2)
            shift[0] = max(0.0, fx + 1 - lo[:, 0].min()) - max(0.0, hi[:, 0].max() - (fx + fw - 1))
            shift[1] = max(0.0, fy + 1 - lo[:, 1].min()) - max(0.0, hi[:, 1].max() - (fy + fh - 1))
            pos[members] += shift
        merged = False
        for i in range(n):
            for j in range(i + 1, n):
                if find(i) != find(j) and np.hypot(*(pos[i] - pos[j])) < radius[i] + radius[j] + gap * 0.5:
                    union(i, j)
                    merged = True
        if not merged:
            break
    return pos[:, 0], pos[:, 1]


def _overlaps(box: tuple[float, float, float, float], boxes: np.ndarray) -> bool:
    if len(boxes) == 0:
        return False
    x0, y0, x1, y1 = box
    return bool(((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)).any())


@dataclass
class _Label:
    code: str
    name: str
    x: float  # anchor (mm)
    y: float
    size: float
    bold: bool
    polygon: shapely.Geometry | None  # in mm coordinates
    priority: float
    has_dot: bool


def _place_labels(labels: list[_Label], obstacles: list[tuple[float, float, float, float]], frame: _Frame,
                  meas: _Measure, dot_radius: float) -> tuple[list[tuple[_Label, tuple[float, float, float, float], float]], list[_Label]]:
    """Greedy collision-free placement; returns placed (label, box, descent) and the unplaced."""
    fx, fy, fw, fh = frame.rect
    frame_box = (fx + 0.8, fy + 0.8, fx + fw - 0.8, fy + fh - 0.8)
    obs = [tuple(o) for o in obstacles]
    placed: list[tuple[_Label, tuple[float, float, float, float], float]] = []
    unplaced: list[_Label] = []
    dirs = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1),
            (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1)]
    for lab in sorted(labels, key=lambda lb: -lb.priority):
        done = False
        for shrink in (0.0, 0.8, 1.5):
            size = max(5.0, lab.size - shrink)
            fp = font_properties("bold" if lab.bold else "regular")
            w, h, d = meas.extent(lab.name, fp, size)
            cands: list[tuple[float, float]] = []  # lower-left corners
            if lab.has_dot:
                g = dot_radius + 0.6
                for mult in (0.0, 1.8, 3.6, 5.5, 7.5, 10.0):
                    gg = g + mult
                    cands += [(lab.x + gg, lab.y - h / 2 + d * 0.3), (lab.x - gg - w, lab.y - h / 2 + d * 0.3),
                              (lab.x + gg * 0.7, lab.y + gg * 0.7), (lab.x + gg * 0.7, lab.y - gg * 0.7 - h),
                              (lab.x - gg * 0.7 - w, lab.y + gg * 0.7), (lab.x - gg * 0.7 - w, lab.y - gg * 0.7 - h),
                              (lab.x - w / 2, lab.y + gg), (lab.x - w / 2, lab.y - gg - h)]
            else:
                cands.append((lab.x - w / 2, lab.y - h / 2))
                for r in (1.6, 3.0, 4.5, 6.0, 8.0, 10.5, 13.5):
                    for dx, dy in dirs:
                        norm = math.hypot(dx, dy)
                        cands.append((lab.x + r * dx / norm - w / 2, lab.y + r * dy / norm - h / 2))
            obs_arr = np.array(obs, dtype=float).reshape(-1, 4)
            fallback: tuple[float, float] | None = None
            for cx, cy in cands:
                box = (cx, cy, cx + w, cy + h)
                if box[0] < frame_box[0] or box[1] < frame_box[1] or box[2] > frame_box[2] or box[3] > frame_box[3]:
                    continue
                if _overlaps(box, obs_arr):
                    continue
                if lab.polygon is not None and not lab.polygon.contains(shapely.Point(cx + w / 2, cy + h / 2)):
                    if fallback is None and math.hypot(cx + w / 2 - lab.x, cy + h / 2 - lab.y) <= 4.5:
                        fallback = (cx, cy)
                    continue
                fallback = None
                obs.append(box)
                placed.append((lab, box, d))
                lab.size = size
                done = True
                break
            if not done and fallback is not None:
                cx, cy = fallback
                box = (cx, cy, cx + w, cy + h)
                obs.append(box)
                placed.append((lab, box, d))
                lab.size = size
                done = True
            if done:
                break
        if not done:
            unplaced.append(lab)
    return placed, unplaced


# ---------------------------------------------------------------------------------------------
# Panel flow (legend, boxes, inset)
# ---------------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    """What panel items draw on: the figure, the page axes (mm) and the map extent (m)."""

    fig: Figure
    page: object
    extent: tuple[float, float, float, float]


@dataclass
class _Item:
    height: float
    draw: Callable[["_Ctx", float, float, float], None]
    keep_with_next: bool = False


def _flow(items: list[_Item], columns: list[tuple[float, float, float, float]]) -> list[tuple[_Item, float, float, float]] | None:
    """Place items top-down into columns ``(x, y_bottom, w, h)``; ``None`` when they do not fit."""
    out: list[tuple[_Item, float, float, float]] = []
    ci = 0
    if not columns:
        return None
    x, yb, w, h = columns[0]
    y = yb + h
    i = 0
    while i < len(items):
        item = items[i]
        need = item.height
        j = i
        while items[j].keep_with_next and j + 1 < len(items):
            j += 1
            need += items[j].height
        if need > y - yb + 1e-6 and y < yb + h - 1e-6:
            ci += 1
            if ci >= len(columns):
                return None
            x, yb, w, h = columns[ci]
            y = yb + h
            continue
        if item.height > y - yb + 1e-6:
            return None
        out.append((item, x, y, w))
        y -= item.height
        i += 1
    return out


# ---------------------------------------------------------------------------------------------
# The composition
# ---------------------------------------------------------------------------------------------
@dataclass
class MapComposition:
    """A composed map sheet: the figure and what was placed where.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The sheet (size of the paper; save it with :func:`render_map` or ``savefig``).
    paper, orientation : str
    size_mm : (float, float)
        Sheet width and height (mm).
    frame_mm : (x, y, w, h)
        Map frame on the sheet (mm from the lower-left corner).
    extent : (x0, y0, x1, y1)
        Map extent in EPSG:5514 metres.
    scale_denominator : float
        Map scale 1 : n when printed on ``paper`` at 100 %.
    markers : DataFrame
        One row per marker: ``number``, ``service_id``, ``site_id``, ``x``/``y`` (true
        position, m), ``px``/``py`` (marker centre on the sheet, mm), ``displaced``.
    labels : DataFrame
        Placed obec names: ``kod_obce``, ``name``, ``x0``, ``y0``, ``x1``, ``y1`` (mm), ``size`` (pt).
    unlabelled : list of str
        Obec codes whose name found no free place.
    numbers_outside, numbers_secret : list of int
        Numbers listed in the box of services based outside the map and in the box of services
        with a withheld address.
    numbers : set of int
        Every service number printed on the sheet (markers and boxes).
    """

    figure: Figure
    paper: str
    orientation: str
    size_mm: tuple[float, float]
    frame_mm: tuple[float, float, float, float]
    extent: tuple[float, float, float, float]
    scale_denominator: float
    markers: pd.DataFrame
    labels: pd.DataFrame
    unlabelled: list[str]
    numbers_outside: list[int]
    numbers_secret: list[int]
    title: str = ""
    label_artists: list = field(default_factory=list, repr=False)

    @property
    def numbers(self) -> set[int]:
        """Every service number on the sheet: markers, the outside box and the withheld-address box."""
        return set(int(n) for n in self.markers["number"]) | set(self.numbers_outside) | set(self.numbers_secret)


@dataclass
class _Sheet:
    """Fixed areas of a sheet (mm) and the inputs every layout attempt shares."""

    W: float
    H: float
    margin: float
    body_bottom: float
    body_top: float
    gap: float
    base: "_Sizes"
    src_lines: list[str]


@dataclass
class _Plan:
    """One layout that fits: sizes, areas, markers and the flowed panel."""

    sz: "_Sizes"
    map_rect: tuple[float, float, float, float]
    frame: _Frame
    msites: gpd.GeoDataFrame
    true_xy: np.ndarray  # (n, 2) true marker positions, mm
    pos_xy: np.ndarray  # (n, 2) drawn marker positions, mm
    radius: np.ndarray  # marker radii, mm
    displaced: np.ndarray
    outside_rows: pd.DataFrame
    secret_rows: pd.DataFrame
    flowed: list[tuple[_Item, float, float, float]]


def _sheet(paper: str, orientation: str, source_line: str, meas: _Measure) -> _Sheet:
    W, H = paper_size_mm(paper, orientation)
    margin = paper_margin_mm(paper)
    base = _Sizes.for_paper(paper)
    title_h = base.title * MM_PER_PT * 1.15 + base.subtitle * MM_PER_PT * 1.5 + 2.5 * base.scale
    src_lines = meas.wrap(source_line, font_properties("regular"), base.source, W - 2 * margin)
    footer_h = len(src_lines) * base.source * MM_PER_PT * 1.35 + 1.5 * base.scale
    return _Sheet(W=W, H=H, margin=margin, body_bottom=margin + footer_h, body_top=H - margin - title_h,
                  gap=5.0 * base.scale, base=base, src_lines=src_lines)


def _plan(sheet: _Sheet, orientation: str, paper: str, bounds: tuple[float, float, float, float],
          entries: pd.DataFrame, sites: gpd.GeoDataFrame, style: PrintStyle, meas: _Measure, min_extent_m: float,
          pad_frac: float, legend: Callable[..., list[_Item]]) -> _Plan:
    """Find the layout: the largest type, the fullest kind list and the smallest panel that fit.

    The panel's share of the body grows until the legend and the boxes fit in its columns, so the
    columns come out filled and the map gets the rest; kinds are run together ("compact") and
    type shrinks (to 90 %, then 80 %) only when the largest panel does not hold them.  When even
    that fails, a warning is issued and the panel overflows at its foot.
    """
    base = sheet.base
    body_w = sheet.W - 2 * sheet.margin
    body_h = sheet.body_top - sheet.body_bottom
    shares = ((0.25, 0.28, 0.31, 0.34, 0.38, 0.42, 0.47, 0.52) if orientation == "landscape"
              else (0.14, 0.17, 0.20, 0.23, 0.26, 0.30, 0.34, 0.39, 0.45, 0.52))
    attempts = [(share, compact, fs) for fs in (1.0, 0.9, 0.8) for compact in (False, True) for share in shares]
    for attempt_no, (share, compact, fscale) in enumerate(attempts):
        last = attempt_no == len(attempts) - 1
        sz = _Sizes.for_paper(paper, fscale)
        if orientation == "landscape":
            panel_w = max(share * body_w, 48.0)
            map_rect = (sheet.margin, sheet.body_bottom, body_w - panel_w - sheet.gap, body_h)
            panel_rect = (sheet.margin + body_w - panel_w, sheet.body_bottom, panel_w, body_h)
        else:
            panel_h = max(share * body_h, 40.0)
            map_rect = (sheet.margin, sheet.body_bottom + panel_h + sheet.gap, body_w, body_h - panel_h - sheet.gap)
            panel_rect = (sheet.margin, sheet.body_bottom, body_w, panel_h)
        ncols = max(1, int(panel_rect[2] // (68.0 * base.scale)))
        frame = _Frame(map_rect, _fit_extent(bounds, map_rect[2], map_rect[3], pad_mm=sz.marker * 0.7,
                                             min_extent_m=min_extent_m, pad_frac=pad_frac))
        # markers of the sites inside the frame
        if len(sites):
            spx, spy = frame.to_mm(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())
            in_frame = frame.inside(spx, spy, inset=sz.marker * 0.3)
        else:
            spx = spy = np.zeros(0)
            in_frame = np.zeros(0, dtype=bool)
        msites = sites[in_frame].reset_index(drop=True)
        true_xy = np.column_stack([spx[in_frame], spy[in_frame]]) if len(msites) else np.zeros((0, 2))
        radius = np.array([sz.marker / 2 * (1.3 if f == "ter" else 1.0) * style.form_marker_scale.get(f, 1.0)
                           for f in msites["main_form"]]) if len(msites) else np.zeros(0)
        qx, qy = _place_markers(true_xy[:, 0], true_xy[:, 1], radius, gap=0.5 * base.scale, frame=frame)
        pos_xy = np.column_stack([qx, qy]) if len(msites) else np.zeros((0, 2))
        displaced = np.hypot(*(pos_xy - true_xy).T) > 0.05 if len(msites) else np.zeros(0, dtype=bool)
        on_map = set(int(n) for n in msites["number"])
        secret_rows = entries[entries["secret"] & ~entries["number"].isin(on_map)]
        outside_rows = entries[~entries["number"].isin(on_map) & ~entries["secret"]]
        # the panel
        col_gap = 4.0 * base.scale
        col_w = (panel_rect[2] - (ncols - 1) * col_gap) / ncols
        items = legend(msites=msites, outside_rows=outside_rows, secret_rows=secret_rows, sz=sz, col_w=col_w,
                       compact=compact, displaced=bool(displaced.any()))
        columns = [(panel_rect[0] + i * (col_w + col_gap), panel_rect[1], col_w, panel_rect[3]) for i in range(ncols)]
        flowed = _flow(items, columns)
        if flowed is None:
            if not last:
                continue
            warnings.warn(t("print.warn.overflow", "cs", paper=paper), UserWarning, stacklevel=4)
            flowed = _flow(items, [(c[0], c[1] - 1e4, c[2], c[3] + 1e4) for c in columns]) or []
        return _Plan(sz=sz, map_rect=map_rect, frame=frame, msites=msites, true_xy=true_xy, pos_xy=pos_xy,
                     radius=radius, displaced=displaced, outside_rows=outside_rows, secret_rows=secret_rows,
                     flowed=flowed)
    raise AssertionError("unreachable")  # pragma: no cover


def _furniture_corner(plan: _Plan, fur_w: float, fur_h: float, obec_xy: np.ndarray,
                      area_mm: shapely.Geometry | None) -> tuple[float, float]:
    """Lower-left corner (mm) of the north-arrow and scale-bar box: the frame corner that covers
    the fewest markers, obec points and the least of the mapped area."""
    mx, my, mw, mh = plan.map_rect
    corners = [(mx + 2.5, my + 2.5), (mx + mw - 2.5 - fur_w, my + 2.5),
               (mx + 2.5, my + mh - 2.5 - fur_h), (mx + mw - 2.5 - fur_w, my + mh - 2.5 - fur_h)]
    best: tuple[float, tuple[float, float]] | None = None
    qx, qy, r = plan.pos_xy[:, 0], plan.pos_xy[:, 1], plan.radius
    ox, oy = obec_xy[:, 0], obec_xy[:, 1]
    for cx0, cy0 in corners:
        markers = ((qx > cx0 - r) & (qx < cx0 + fur_w + r) & (qy > cy0 - r) & (qy < cy0 + fur_h + r)).sum()
        points = ((ox > cx0 - 3) & (ox < cx0 + fur_w + 3) & (oy > cy0 - 3) & (oy < cy0 + fur_h + 3)).sum()
        score = 10.0 * markers + points
        if area_mm is not None:
            box = shapely.box(cx0, cy0, cx0 + fur_w, cy0 + fur_h)
            score += 8.0 * area_mm.intersection(box).area / (fur_w * fur_h)
        if best is None or score < best[0]:
            best = (score, (cx0, cy0))
    assert best is not None
    return best[1]


def _obec_labels(obce: gpd.GeoDataFrame, focus: set[str], frame: _Frame, obec_xy: np.ndarray, polygons: bool,
                 sz: _Sizes, base: _Sizes) -> list[_Label]:
    """Candidate labels of the obce whose point is in the frame, sized by population."""
    labels = []
    atlas = len(focus) < len(obce)
    for i, row in enumerate(obce.itertuples()):
        x, y = obec_xy[i]
        if not frame.inside(x, y):
            continue
        pop = float(row.population) if np.isfinite(row.population) else 0.0
        tier = 0 if pop >= 5000 else 1 if pop >= 2000 else 2 if pop >= 500 else 3
        poly_mm = None
        if polygons and row.geometry is not None:
            poly_mm = shapely.transform(row.geometry, lambda c: np.column_stack(frame.to_mm(c[:, 0], c[:, 1])))
        in_focus = row.kod_obce in focus
        if in_focus and atlas and len(focus) == 1:
            size = sz.label_sizes[0] + 1.5 * base.scale  # the obec of an atlas page
        elif in_focus:
            size = sz.label_sizes[tier]
        else:
            size = max(sz.label_sizes[tier] - 0.8, 6.0 * base.scale)  # context
        labels.append(_Label(code=row.kod_obce, name=str(row.nazev_obce), x=float(x), y=float(y), size=size,
                             bold=in_focus and (tier == 0 or atlas), polygon=poly_mm,
                             priority=(1e9 if in_focus else 0.0) + pop, has_dot=not polygons))
    return labels


def _compose(
    district: District,
    entries: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    *,
    focus_codes: Sequence[str],
    paper: str,
    orientation: str,
    style: PrintStyle,
    title: str,
    subtitle: str,
    shading: pd.Series | None,
    shading_title: str | None,
    czechia_outline: gpd.GeoDataFrame | None,
    source_line: str,
    lang: str,
    colour_by: str,
    kind_colours: dict[str, str],
    min_extent_m: float,
    pad_frac: float = 0.03,
) -> MapComposition:
    """Lay out and draw one sheet (see :func:`render_map`); ``focus_codes`` are the obce framed."""
    obce = district.obce
    if obce.empty:
        raise ValueError(t("print.err.no_obce", "cs"))
    meas = _Measure()
    polygons = district.has_polygons
    focus = set(focus_codes)
    fo = obce[obce["kod_obce"].isin(focus)]
    entries = entries.reset_index(drop=True)
    fp_reg, fp_bold, fp_num = font_properties("regular"), font_properties("bold"), font_properties("number")

    def colour_of(entry: object) -> str:
        if colour_by == "kind":
            return kind_colours.get(entry.kind_id, style.group_colour("ostatni"))  # type: ignore[attr-defined]
        return style.group_colour(entry.working_group)  # type: ignore[attr-defined]

    def legend(*, msites, outside_rows, secret_rows, sz, col_w, compact, displaced) -> list[_Item]:
        on_map = entries[entries["number"].isin(set(int(n) for n in msites["number"]))]
        page_entries = pd.concat([on_map, outside_rows, secret_rows])
        return _legend_items(page_entries, msites, outside_rows, secret_rows, district, style, sz, meas, lang,
                             colour_by, colour_of, polygons=polygons, focus_is_all=focus == set(obce["kod_obce"]),
                             displaced=displaced, shading=shading, focus_codes=focus, shading_title=shading_title,
                             czechia_outline=czechia_outline, col_w=col_w, compact=compact)

    sheet = _sheet(paper, orientation, source_line, meas)
    base = sheet.base
    geoms = fo.geometry if polygons else gpd.GeoSeries(gpd.points_from_xy(fo["x"], fo["y"]), crs=CRS)
    plan = _plan(sheet, orientation, paper, tuple(geoms.total_bounds), entries, sites, style, meas,
                 min_extent_m, pad_frac, legend)
    sz, frame = plan.sz, plan.frame
    W, H, margin = sheet.W, sheet.H, sheet.margin
    mx, my, mw, mh = plan.map_rect

    with _print_rc():
        fig = Figure(figsize=(W / 25.4, H / 25.4))
        # three layers: the sheet in mm, the map in EPSG:5514 metres, markers and labels in mm
        page = fig.add_axes((0, 0, 1, 1))
        map_ax = fig.add_axes((mx / W, my / H, mw / W, mh / H))
        over = fig.add_axes((0, 0, 1, 1))
        for ax, z in ((page, 0), (map_ax, 1), (over, 2)):
            ax.set_axis_off()
            ax.set_zorder(z)
        for ax in (page, over):
            ax.set_xlim(0, W)
            ax.set_ylim(0, H)
        map_ax.set_xlim(frame.extent[0], frame.extent[2])
        map_ax.set_ylim(frame.extent[1], frame.extent[3])

        # title block and source line
        page.text(margin, H - margin, title, fontproperties=fp_bold, fontsize=sz.title, ha="left", va="top",
                  color=style.text, gid="title")
        page.text(margin, H - margin - sz.title * MM_PER_PT * 1.25, subtitle, fontproperties=fp_reg,
                  fontsize=sz.subtitle, ha="left", va="top", color=style.text, gid="subtitle")
        n_src = len(sheet.src_lines)
        for i, line in enumerate(sheet.src_lines):
            page.text(margin, margin + (n_src - 1 - i) * base.source * MM_PER_PT * 1.35, line, fontproperties=fp_reg,
                      fontsize=base.source, ha="left", va="bottom", color=style.text, gid=f"source-{i}")

        # base map
        _draw_base(map_ax, obce, focus, polygons, style, sz, shading)
        obec_xy = np.column_stack(frame.to_mm(obce["x"].to_numpy(), obce["y"].to_numpy()))

        # north arrow and scale bar
        fur_w, fur_h, bar_km = _furniture_size(frame, base, sz, meas, lang, paper)
        area_mm = None
        if polygons:
            area_mm = shapely.transform(shapely.union_all(fo.geometry.values).simplify(frame.m_per_mm),
                                        lambda c: np.column_stack(frame.to_mm(c[:, 0], c[:, 1])))
        fur_x, fur_y = _furniture_corner(plan, fur_w, fur_h, obec_xy, area_mm)
        scale_den = _draw_furniture(over, fur_x, fur_y, fur_w, fur_h, bar_km, frame, sz, base, style, fp_reg,
                                    fp_bold, lang, paper)

        # markers, with leaders to the true position where displaced
        dot_r = 0.45 * base.scale
        colour_by_number = {int(e.number): colour_of(e) for e in entries.itertuples()}
        marker_rows = []
        for i, row in enumerate(plan.msites.itertuples()):
            (tx, ty), (qx, qy) = plan.true_xy[i], plan.pos_xy[i]
            if plan.displaced[i]:
                over.plot([tx, qx], [ty, qy], color="#000000", lw=0.45 * base.scale, zorder=4, solid_capstyle="round")
                over.add_patch(Circle((tx, ty), dot_r, facecolor="#000000", edgecolor="none", zorder=4.5))
            _draw_badge(over, qx, qy, row.main_form, colour_by_number[int(row.number)], int(row.number), sz, style,
                        fp_num, gid=f"marker-{int(row.number)}-{i}")
            marker_rows.append({"number": int(row.number), "service_id": row.service_id, "site_id": row.site_id,
                                "x": row.geometry.x, "y": row.geometry.y, "px": float(qx), "py": float(qy),
                                "displaced": bool(plan.displaced[i])})

        # obec points (where only points are known) and names
        obstacles = [(x - r - 0.3, y - r - 0.3, x + r + 0.3, y + r + 0.3) for (x, y), r in zip(plan.pos_xy, plan.radius)]
        obstacles += [(x - dot_r, y - dot_r, x + dot_r, y + dot_r)
                      for (x, y), moved in zip(plan.true_xy, plan.displaced) if moved]
        obstacles.append((fur_x - 1, fur_y - 1, fur_x + fur_w + 1, fur_y + fur_h + 1))
        pop_dot = _obec_dot_radius(obce["population"].to_numpy(), base.scale)
        if not polygons:
            for (x, y), r in zip(obec_xy, pop_dot):
                obstacles.append((x - r, y - r, x + r, y + r))
                if frame.inside(x, y):
                    over.add_patch(Circle((x, y), r, facecolor=style.obec_point, edgecolor="white", lw=0.3, zorder=3))
        labels = _obec_labels(obce, focus, frame, obec_xy, polygons, sz, base)
        placed, unplaced = _place_labels(labels, obstacles, frame, meas, float(np.max(pop_dot)) if len(pop_dot) else 1.0)
        label_rows, label_artists = [], []
        for lab, box, d in placed:
            fp = fp_bold if lab.bold else fp_reg
            # the halo is a separate path-only copy, so the label itself stays real text in PDF/SVG
            halo = over.text(box[0], box[1] + d, lab.name, fontproperties=fp, fontsize=lab.size, ha="left",
                             va="baseline", color=style.halo, zorder=5, gid=f"label-{lab.code}-halo")
            halo.set_path_effects([patheffects.withStroke(linewidth=2.2 * base.scale, foreground=style.halo)])
            label_artists.append(over.text(box[0], box[1] + d, lab.name, fontproperties=fp, fontsize=lab.size,
                                           ha="left", va="baseline", color=style.text, zorder=6,
                                           gid=f"label-{lab.code}"))
            label_rows.append({"kod_obce": lab.code, "name": lab.name, "x0": box[0], "y0": box[1], "x1": box[2],
                               "y1": box[3], "size": lab.size})

        over.add_patch(Rectangle((mx, my), mw, mh, fill=False, edgecolor="#000000", lw=0.6 * base.scale, zorder=10))

        # legend, boxes, inset
        ctx = _Ctx(fig=fig, page=page, extent=frame.extent)
        for item, x, y, w in plan.flowed:
            item.draw(ctx, x, y, w)

    markers = pd.DataFrame(marker_rows, columns=["number", "service_id", "site_id", "x", "y", "px", "py", "displaced"])
    labels_df = pd.DataFrame(label_rows, columns=["kod_obce", "name", "x0", "y0", "x1", "y1", "size"])
    return MapComposition(
        figure=fig, paper=paper, orientation=orientation, size_mm=(W, H), frame_mm=plan.map_rect, extent=frame.extent,
        scale_denominator=scale_den, markers=markers, labels=labels_df, unlabelled=[lb.code for lb in unplaced],
        numbers_outside=[int(n) for n in plan.outside_rows["number"]],
        numbers_secret=[int(n) for n in plan.secret_rows["number"]], title=title, label_artists=label_artists,
    )


def _obec_dot_radius(pop: np.ndarray, scale: float) -> np.ndarray:
    pop = np.nan_to_num(np.asarray(pop, float))
    return np.where(pop >= 5000, 1.25, np.where(pop >= 1000, 0.95, 0.72)) * scale


def _draw_base(ax, obce: gpd.GeoDataFrame, focus: set[str], polygons: bool, style: PrintStyle, sz: _Sizes,
               shading: pd.Series | None) -> None:
    """Obec polygons (or shading circles around points) and the district outline, in metres."""
    band_of: dict[str, int | None] = {}
    if shading is not None:
        sh = shading.copy()
        sh.index = sh.index.map(str)
        for code in obce["kod_obce"]:
            band_of[code] = shading_band(float(sh[code])) if code in sh.index and pd.notna(sh[code]) else None
    if polygons:
        patches, faces = [], []
        for row in obce.itertuples():
            path = _geom_path(row.geometry)
            if path is None:
                continue
            patches.append(PathPatch(path))
            if row.kod_obce not in focus:
                faces.append(style.context_fill)
            elif shading is not None:
                b = band_of.get(row.kod_obce)
                faces.append(style.shading_missing if b is None else style.shading[b])
            else:
                faces.append(style.obec_fill)
        coll = PatchCollection(patches, facecolors=faces, edgecolors=style.obec_edge, linewidths=sz.line, zorder=1)
        coll.set_gid("obce")
        ax.add_collection(coll)
        outline = shapely.union_all(obce.geometry.values)
        path = _geom_path(outline)
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor=style.district_edge, lw=sz.outline, zorder=2,
                                   gid="district-outline"))
        if focus != set(obce["kod_obce"]):
            fo = shapely.union_all(obce[obce["kod_obce"].isin(focus)].geometry.values)
            p2 = _geom_path(fo)
            if p2 is not None:
                ax.add_patch(PathPatch(p2, facecolor="none", edgecolor=style.district_edge, lw=sz.outline * 0.8,
                                       zorder=2, linestyle=(0, (4, 1.5)), gid="focus-outline"))
    elif shading is not None:
        # shaded circles around obec points (radius in metres from the frame scale is set by caller's extent)
        x0, x1 = ax.get_xlim()
        fig_w_mm = ax.get_position().width * ax.figure.get_figwidth() * 25.4
        r_m = 3.6 * sz.scale * (x1 - x0) / fig_w_mm
        for row in obce.itertuples():
            b = band_of.get(row.kod_obce)
            face = style.shading_missing if b is None else style.shading[b]
            ax.add_patch(Circle((row.x, row.y), r_m, facecolor=face, edgecolor=style.obec_edge,
                                                   lw=sz.line * 0.8, zorder=1))


def _draw_badge(ax, x: float, y: float, form: str, fill: str, number: int | None, sz: _Sizes, style: PrintStyle,
                fp_num: FontProperties, gid: str | None = None, diameter: float | None = None) -> None:
    """A service marker (shape = form, fill = colour) with its number, at (x, y) mm."""
    d = diameter if diameter is not None else sz.marker
    marker = style.form_markers.get(form, "o")
    ms = d / MM_PER_PT * style.form_marker_scale.get(form, 1.0)
    line = Line2D([x], [y], marker=marker, markersize=ms, markerfacecolor=fill, markeredgecolor=style.marker_edge,
                  markeredgewidth=0.55 * sz.scale, linestyle="none", zorder=4.8)
    if gid:
        line.set_gid(gid)
    ax.add_line(line)
    if number is not None:
        text = str(number)
        size = sz.number * (d / sz.marker) * (0.82 if len(text) >= 3 else 1.0)
        ax.text(x, y - 0.36 * size * MM_PER_PT, text, fontproperties=fp_num, fontsize=size, ha="center", va="baseline",
                color=text_colour_on(fill), zorder=4.9, gid=f"number-{number}" if gid else None)


def _scale_text(frame: _Frame, lang: str, paper: str) -> str:
    den = frame.m_per_mm * 1000.0
    return t("print.scale.ratio", lang, n=f"{_round_scale(den):,}".replace(",", "\u00a0"), paper=paper)


def _furniture_size(frame: _Frame, base: _Sizes, sz: _Sizes, meas: _Measure, lang: str,
                    paper: str) -> tuple[float, float, float]:
    """Width and height (mm) of the north-arrow and scale-bar box, and the bar length (km)."""
    s = base.scale
    bar_km = _nice_length_km(62.0 * s * frame.m_per_mm / 1000.0)
    bar_w = bar_km * 1000.0 / frame.m_per_mm
    text_w = meas.width(_scale_text(frame, lang, paper), font_properties("regular"), sz.small * 0.9)
    label_w = meas.width(_fmt_km(bar_km, lang) + " km", font_properties("regular"), sz.small)
    w = 16.0 * s + max(bar_w + label_w / 2, text_w) + 4.0 * s
    return w, 19.0 * s, bar_km


def _draw_furniture(ax, x: float, y: float, w: float, h: float, bar_km: float, frame: _Frame, sz: _Sizes,
                    base: _Sizes, style: PrintStyle, fp_reg: FontProperties, fp_bold: FontProperties, lang: str,
                    paper: str) -> float:
    """North arrow and scale bar in a white box at (x, y) mm; returns the scale denominator."""
    s = base.scale
    ax.add_patch(Rectangle((x, y), w, h, facecolor="white", edgecolor="#000000", lw=0.4 * s, zorder=7))
    # north arrow (true north: EPSG:5514 grid north differs by the meridian convergence, 5–10°)
    fx, fy, fw, fh = frame.rect
    cxm, cym = frame.to_data(fx + fw / 2, fy + fh / 2)
    ang = math.radians(_true_north_angle(float(cxm), float(cym)))
    ax_c, ay_c = x + 7.5 * s, y + h * 0.42
    L = h * 0.58
    ux, uy = -math.sin(ang), math.cos(ang)  # unit vector to true north
    nx, ny = -uy, ux
    half = 2.3 * s
    tip = (ax_c + ux * L / 2, ay_c + uy * L / 2)
    tail = (ax_c - ux * L / 2, ay_c - uy * L / 2)
    notch = (ax_c - ux * L * 0.28, ay_c - uy * L * 0.28)
    ax.add_patch(MplPolygon([tip, (tail[0] + nx * half, tail[1] + ny * half), notch], closed=True,
                            facecolor="#000000", edgecolor="#000000", lw=0.45 * s, zorder=8))
    ax.add_patch(MplPolygon([tip, (tail[0] - nx * half, tail[1] - ny * half), notch], closed=True,
                            facecolor="white", edgecolor="#000000", lw=0.45 * s, zorder=8))
    ax.text(tip[0] + ux * 1.0 * s, tip[1] + uy * 1.0 * s, t("print.north", lang), fontproperties=fp_bold,
            fontsize=sz.text, ha="center", va="bottom", color=style.text, zorder=8, gid="north",
            rotation=math.degrees(ang), rotation_mode="anchor")
    # scale bar
    bar_x = x + 16.0 * s
    L_km = bar_km
    bar_w = L_km * 1000.0 / frame.m_per_mm
    nseg = 4 if bar_w > 30 * s else 2
    seg = bar_w / nseg
    bar_y = y + h * 0.45
    bh = 1.5 * s
    for i in range(nseg):
        ax.add_patch(Rectangle((bar_x + i * seg, bar_y), seg, bh, facecolor="#000000" if i % 2 == 0 else "white",
                               edgecolor="#000000", lw=0.35 * s, zorder=8))
    for k in ([0, nseg // 2, nseg] if nseg == 4 else [0, 1, 2]):
        label = _fmt_km(L_km * k / nseg, lang)
        ax.text(bar_x + k * seg, bar_y + bh + 0.7 * s, label, fontproperties=fp_reg, fontsize=sz.small,
                ha="center", va="bottom", color=style.text, zorder=8)
        if k == nseg:
            half = font_properties("regular")
            ax.text(bar_x + k * seg + 0.5 * _Measure().width(label, half, sz.small) + 0.8 * s, bar_y + bh + 0.7 * s,
                    "km", fontproperties=fp_reg, fontsize=sz.small, ha="left", va="bottom", color=style.text, zorder=8)
    den = frame.m_per_mm * 1000.0
    ax.text(bar_x, bar_y - 1.0 * s, _scale_text(frame, lang, paper), fontproperties=fp_reg, fontsize=sz.small * 0.9,
            ha="left", va="top", color=style.text, zorder=8, gid="scale-ratio")
    return den


def _legend_items(page_entries: pd.DataFrame, msites: gpd.GeoDataFrame, outside_rows: pd.DataFrame,
                  secret_rows: pd.DataFrame, district: District, style: PrintStyle, sz: _Sizes, meas: _Measure,
                  lang: str, colour_by: str, colour_of, *, polygons: bool, focus_is_all: bool, displaced: bool,
                  shading: pd.Series | None, focus_codes: set[str], shading_title: str | None,
                  czechia_outline: gpd.GeoDataFrame | None, col_w: float, compact: bool = False) -> list[_Item]:
    """Panel items: legend of what is on the page, side boxes, note, inset."""
    flow: list[_Item] = []
    fp_reg = font_properties("regular")
    fp_bold = font_properties("bold")
    fp_num = font_properties("number")
    lh_head = sz.heading * MM_PER_PT * 1.3
    sw = sz.swatch
    text_x = sw + 2.2 * sz.scale

    def heading(text: str, top_gap: float = 2.8) -> None:
        lines = meas.wrap(text, fp_bold, sz.heading, col_w)
        h = top_gap * sz.scale + len(lines) * lh_head + 0.6 * sz.scale

        def draw(ctx: _Ctx, x: float, y: float, w: float, lines=lines) -> None:
            for i, ln in enumerate(lines):
                ctx.page.text(x, y - top_gap * sz.scale - i * lh_head, ln, fontproperties=fp_bold, fontsize=sz.heading,
                               ha="left", va="top", color=style.text)
        flow.append(_Item(h, draw, keep_with_next=True))

    def row(text: str, swatch: Callable[[object, float, float], None] | None, indent: float = 0.0,
            size: float | None = None, bold: bool = False, sym: float | None = None, keep: bool = False) -> None:
        size = size or sz.text
        lh = size * MM_PER_PT * 1.28
        fp = fp_bold if bold else fp_reg
        sym = sym or sw
        tx = max(text_x, sym * 1.2 + 1.6 * sz.scale) + indent
        lines = meas.wrap(text, fp, size, col_w - tx)
        sym_h = sym * 1.25 if swatch is not None else lh
        h = max(len(lines) * lh, sym_h) + (0.7 if swatch is not None else 0.25) * sz.scale

        def draw(ctx: _Ctx, x: float, y: float, w: float, lines=lines) -> None:
            cy = y - max(lh, sym_h) / 2
            if swatch is not None:
                swatch(ctx.page, x + indent + sym * 0.62, cy)
            top = cy + lh / 2 if len(lines) == 1 else y
            for i, ln in enumerate(lines):
                ctx.page.text(x + tx, top - i * lh, ln, fontproperties=fp, fontsize=size, ha="left", va="top",
                               color=style.text)
        flow.append(_Item(h, draw, keep_with_next=keep))

    def badge_swatch(form: str, colour: str, number: int | None = None, diameter: float | None = None):
        def fn(ax, x, y):
            _draw_badge(ax, x, y, form, colour, number, sz, style, fp_num, diameter=diameter or sw,
                        gid=f"box-{number}" if number is not None else None)
        return fn

    def line_swatch(colour: str, lw: float, dashed: bool = False):
        def fn(ax, x, y):
            ax.plot([x - sw / 2, x + sw / 2], [y, y], color=colour, lw=lw, solid_capstyle="butt",
                    linestyle=(0, (4, 1.5)) if dashed else "-")
        return fn

    def patch_swatch(face: str, edge: str = "#8c8c8c", circle: bool = False):
        def fn(ax, x, y):
            if circle:
                ax.add_patch(Circle((x, y), sw * 0.45, facecolor=face, edgecolor=edge, lw=0.4))
            else:
                ax.add_patch(Rectangle((x - sw / 2, y - sw * 0.38), sw, sw * 0.76, facecolor=face, edgecolor=edge, lw=0.4))
        return fn

    def dot_swatch(r: float, colour: str = "#000000"):
        def fn(ax, x, y):
            ax.add_patch(Circle((x, y), r, facecolor=colour, edgecolor="none"))
        return fn

    # kinds
    if len(page_entries):
        heading(t("print.legend.kinds", lang), top_gap=0.0)
        if colour_by == "kind":
            seen = []
            for e in page_entries.sort_values("number").itertuples():
                if e.kind_id not in seen:
                    seen.append(e.kind_id)
            labels = {e.kind_id: e.kind_label for e in page_entries.itertuples()}
            for kid in seen:
                row(labels[kid], badge_swatch("amb", colour_of(page_entries[page_entries["kind_id"] == kid].iloc[0])))
        else:
            for wg in WORKING_GROUP_ORDER:
                sub = page_entries[page_entries["working_group"] == wg]
                if sub.empty:
                    continue
                row(group_name(wg, lang), badge_swatch("amb", style.group_colour(wg)), bold=True, keep=True)
                kinds = []
                for e in sub.sort_values("number").itertuples():
                    if e.kind_label not in kinds:
                        kinds.append(e.kind_label)
                if compact:
                    row(" · ".join(kinds), None, size=sz.small)
                else:
                    for k in kinds:
                        row(k, None, size=sz.small)
        # forms
        forms_present = [f for f in FORM_ORDER if f in set(msites["main_form"]) | set(page_entries.loc[~page_entries["number"].isin(set(msites["number"])), "main_form"])]
        if forms_present:
            heading(t("print.legend.forms", lang))
            for f in forms_present:
                row(t(f"print.legend.form.{f}", lang), badge_swatch(f, "#ffffff"))
    # map elements
    heading(t("print.legend.map", lang))
    if polygons:
        row(t("print.legend.obec_boundary", lang), line_swatch(style.obec_edge, sz.line * 1.2))
        row(t("print.legend.district_boundary", lang, name=district.name or ""), line_swatch(style.district_edge, sz.outline))
        if not focus_is_all:
            row(t("print.legend.context", lang), patch_swatch(style.context_fill))
    else:
        row(t("print.legend.obec_point", lang), dot_swatch(0.95 * sz.scale))
    if displaced:
        row(t("print.legend.displaced", lang), dot_swatch(0.45 * sz.scale))
    # shading
    if shading is not None:
        sh = shading.copy()
        sh.index = sh.index.map(str)
        bands = []
        missing = False
        for code in focus_codes:
            v = sh.get(code, np.nan)
            b = shading_band(float(v)) if pd.notna(v) else None
            if b is None:
                missing = True
            else:
                bands.append(b)
        heading(shading_title or t("print.legend.shading", lang))
        for b in sorted(set(bands)):
            row(t(f"print.band.{b}", lang), patch_swatch(style.shading[b], circle=not polygons))
        if missing:
            row(t("print.band.missing", lang), patch_swatch(style.shading_missing, circle=not polygons))
    # boxes
    if len(outside_rows):
        heading(t("print.box.outside", lang))
        row(t("print.box.outside_note", lang), None, size=sz.small, keep=True)
        for e in outside_rows.sort_values("number").itertuples():
            where = (t("print.box.seat", lang, obce=", ".join(e.site_obec_names)) if e.site_obec_names
                     else t("print.box.no_location", lang))
            parts = [e.name, where] + ([e.phone] if e.phone else [])
            row(" – ".join(parts), badge_swatch(e.main_form, colour_of(e), e.number, diameter=sz.marker), size=sz.small,
                sym=sz.marker)
    if len(secret_rows):
        heading(t("print.box.secret", lang))
        for e in secret_rows.sort_values("number").itertuples():
            parts = [e.name] + ([t("print.box.call", lang, phone=e.phone)] if e.phone else [])
            row(" – ".join(parts), badge_swatch(e.main_form, colour_of(e), e.number, diameter=sz.marker), size=sz.small,
                sym=sz.marker)
    # note
    note_lines = meas.wrap(t("print.note.numbers", lang), font_properties("italic"), sz.small, col_w)
    nh = 2.5 * sz.scale + len(note_lines) * sz.small * MM_PER_PT * 1.28

    def draw_note(ctx: _Ctx, x: float, y: float, w: float, lines=note_lines) -> None:
        for i, ln in enumerate(lines):
            ctx.page.text(x, y - 2.5 * sz.scale - i * sz.small * MM_PER_PT * 1.28, ln,
                           fontproperties=font_properties("italic"), fontsize=sz.small, ha="left", va="top",
                           color=style.text)
    flow.append(_Item(nh, draw_note))
    # inset
    if czechia_outline is not None and len(czechia_outline):
        cz = czechia_outline.to_crs(CRS) if czechia_outline.crs is not None and not czechia_outline.crs.equals(CRS) else czechia_outline
        cb = cz.total_bounds
        iw = min(col_w, 70.0 * sz.scale)
        ih = iw * (cb[3] - cb[1]) / (cb[2] - cb[0])
        title_h = sz.small * MM_PER_PT * 1.4
        h = 3.5 * sz.scale + title_h + ih

        def draw_inset(ctx: _Ctx, x: float, y: float, w: float, iw=iw, ih=ih, cz=cz, cb=cb) -> None:
            fig = ctx.fig
            W = fig.get_figwidth() * 25.4
            H = fig.get_figheight() * 25.4
            ctx.page.text(x, y - 3.5 * sz.scale, t("print.inset.title", lang), fontproperties=fp_bold,
                           fontsize=sz.small, ha="left", va="top", color=style.text)
            y0 = y - h
            ax = fig.add_axes((x / W, y0 / H, iw / W, ih / H))
            ax.set_axis_off()
            ax.set_zorder(3)
            ax.set_xlim(cb[0], cb[2])
            ax.set_ylim(cb[1], cb[3])
            simple = cz.geometry.simplify(300)
            for g in simple:
                p = _geom_path(g)
                if p is not None:
                    ax.add_patch(PathPatch(p, facecolor=style.inset_land, edgecolor="#555555", lw=0.4 * sz.scale))
            obce = district.obce
            if district.has_polygons:
                p = _geom_path(shapely.union_all(obce.geometry.values).simplify(150))
                if p is not None:
                    ax.add_patch(PathPatch(p, facecolor="#000000", edgecolor="#000000", lw=0.3 * sz.scale))
            else:
                ax.plot(obce["x"], obce["y"], "o", color="#000000", ms=1.0 * sz.scale, mew=0)
            ext = ctx.extent
            if ext is not None:
                ex0, ey0, ex1, ey1 = ext
                # at least 2.5 mm so that a small frame stays visible
                mpm = (cb[2] - cb[0]) / iw
                minw = 2.5 * mpm
                cxm, cym = (ex0 + ex1) / 2, (ey0 + ey1) / 2
                ww, hh = max(ex1 - ex0, minw), max(ey1 - ey0, minw)
                ax.add_patch(Rectangle((cxm - ww / 2, cym - hh / 2), ww, hh, fill=False, edgecolor=style.accent,
                                       lw=0.9 * sz.scale))
        flow.append(_Item(h, draw_inset))
    return flow


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def _data_date(data_date: object, services: Services, lang: str) -> str:
    text = format_data_date(data_date, lang)
    return text or str(services.snapshot or "")


def _source_line(entries: pd.DataFrame, district: District, date_text: str, lang: str,
                 shading_note: str | None) -> str:
    parts = [t("print.source", lang, date=date_text) if date_text else t("print.source_nodate", lang)]
    if len(entries) and bool(entries["fictional"].any()):
        parts.append(t("print.source.fictional", lang))
    if not district.has_polygons:
        parts.append(t("print.source.points", lang))
    if shading_note:
        parts.append(t("print.source.shading", lang, note=shading_note))
    parts.append(t("print.source.tool", lang))
    return "; ".join(parts)


def _prepare(district: District, services: Services, kinds: Iterable[str] | None, lang: str,
             style: PrintStyle) -> tuple[pd.DataFrame, gpd.GeoDataFrame, dict[str, str]]:
    entries = service_entries(services, district, lang)
    kind_order = list(dict.fromkeys(entries["kind_id"])) if len(entries) else []
    kind_colours = style.kind_colours(kind_order)
    if kinds is not None:
        wanted = {services.kinds.resolve(k) or str(k) for k in kinds}
        entries = entries[entries["kind_id"].isin(wanted)].reset_index(drop=True)
    sites = map_sites(services, entries, lang)
    return entries, sites, kind_colours


def compose_map(
    district: District,
    services: Services,
    *,
    paper: str = "A3",
    orientation: str = "landscape",
    style: str | PrintStyle = "colour",
    title: str | None = None,
    subtitle: str | None = None,
    kinds: Iterable[str] | None = None,
    shading: pd.Series | None = None,
    shading_title: str | None = None,
    shading_note: str | None = None,
    czechia_outline: gpd.GeoDataFrame | None = None,
    data_date: object = None,
    lang: str = "cs",
    colour_by: str = "working_group",
) -> MapComposition:
    """Compose a printed service map of a district (see :func:`render_map` for the parameters).

    Returns
    -------
    MapComposition
        The figure and the placement of markers, labels and boxes.
    """
    st = get_style(style)
    entries, sites, kind_colours = _prepare(district, services, kinds, lang, st)
    date_text = _data_date(data_date, services, lang)
    title = title if title is not None else t("print.map.title", lang, name=(district.name or ""))
    if subtitle is None:
        subtitle = t("print.map.subtitle", lang, date=date_text) if date_text else t("print.map.subtitle_nodate", lang)
    return _compose_page(district, entries, sites, focus_codes=district.codes, paper=paper, orientation=orientation,
                         style=st, title=title, subtitle=subtitle, shading=shading, shading_title=shading_title,
                         czechia_outline=czechia_outline,
                         source_line=_source_line(entries, district, date_text, lang, shading_note), lang=lang,
                         colour_by=colour_by, kind_colours=kind_colours, min_extent_m=3000.0)


def _compose_page(district: District, entries: pd.DataFrame, sites: gpd.GeoDataFrame, **kw) -> MapComposition:
    """Validate paper and orientation, then compose one sheet."""
    paper = str(kw["paper"]).upper()
    kw["paper"] = paper
    paper_size_mm(paper, kw["orientation"])  # raises on a bad paper or orientation
    return _compose(district, entries, sites, **kw)


def render_map(
    district: District,
    services: Services,
    out: str | Path,
    *,
    paper: str = "A3",
    orientation: str = "landscape",
    style: str | PrintStyle = "colour",
    title: str | None = None,
    subtitle: str | None = None,
    kinds: Iterable[str] | None = None,
    shading: pd.Series | None = None,
    shading_title: str | None = None,
    shading_note: str | None = None,
    czechia_outline: gpd.GeoDataFrame | None = None,
    data_date: object = None,
    lang: str = "cs",
    colour_by: str = "working_group",
    dpi: int = 300,
) -> Path:
    """Print a numbered service map of a district to PDF, SVG or PNG.

    Parameters
    ----------
    district : District
        The area (polygons where loaded, else points).
    services : Services
        All services; those relevant to the district are numbered and shown (only their public
        sites — secret addresses never reach the sheet).
    out : path
        Output file; the format follows the extension: ``.pdf`` (vector, fonts embedded),
        ``.svg`` (vector, text kept as text) or ``.png`` (raster at ``dpi``).
    paper : {"A3", "A4", "A5"}
    orientation : {"landscape", "portrait"}
    style : {"colour", "grayscale", "cvd"} or PrintStyle
    title, subtitle : str, optional
        Defaults: "Sociální služby – {district}" and the data date.
    kinds : iterable of str, optional
        Only these kinds (ids, paragraphs, names); numbers stay those of the full catalogue.
    shading : Series, optional
        Travel time (minutes) to the nearest site of a chosen kind, indexed by ``kod_obce``;
        drawn as 0–15 / 15–30 / 30–45 / 45+ min bands (polygons filled, or shaded circles
        around obec points).
    shading_title : str, optional
        Legend heading for the shading, e.g. "Dojezd k nejbližší pečovatelské službě".
    shading_note : str, optional
        How the travel times were computed (added to the source line).
    czechia_outline : GeoDataFrame, optional
        Outline of Czechia (any CRS) for the inset; no inset without it.
    data_date : date or str, optional
        Date of the data (default: the services' snapshot label).
    lang : {"cs", "en"}
    colour_by : {"working_group", "kind"}
        Marker colour: the service's working group (default; five colours that survive
        grayscale and colour-blind print) or its kind (a palette of twelve, repeated beyond).
    dpi : int
        Resolution of PNG output (dots per inch); ignored for PDF and SVG.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> from coverage_app.demo import load_demo
    >>> demo = load_demo("ORP:6221")
    >>> render_map(demo.district, demo.services, "mapa.pdf", paper="A3")  # doctest: +SKIP
    """
    out = Path(out)
    _check_format(out, MAP_FORMATS)
    comp = compose_map(district, services, paper=paper, orientation=orientation, style=style, title=title,
                       subtitle=subtitle, kinds=kinds, shading=shading, shading_title=shading_title,
                       shading_note=shading_note, czechia_outline=czechia_outline, data_date=data_date, lang=lang,
                       colour_by=colour_by)
    return save_map(comp, out, dpi=dpi)


def save_map(composition: MapComposition, out: str | Path, *, dpi: int = 300) -> Path:
    """Write a composed sheet to PDF, SVG or PNG (format from the extension).

    Parameters
    ----------
    composition : MapComposition
        From :func:`compose_map`.
    out : path
        ``.pdf`` (vector, TrueType fonts embedded), ``.svg`` (vector, text as text) or
        ``.png`` (raster).
    dpi : int
        Resolution of PNG output (dots per inch); the PNG records it.

    Returns
    -------
    Path
        The written file.
    """
    out = Path(out)
    ext = _check_format(out, MAP_FORMATS)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig, title = composition.figure, composition.title
    with _print_rc():
        if ext == ".pdf":
            fig.savefig(out, format="pdf", metadata={"Title": title, "Creator": "coverage-app", "Subject": title})
        elif ext == ".svg":
            fig.savefig(out, format="svg", metadata={"Title": title, "Creator": "coverage-app"})
        else:
            fig.savefig(out, format="png", dpi=dpi, metadata={"Title": title, "Software": "coverage-app"})
    return out


def atlas_units(district: District, by: str = "obec") -> list[tuple[str, str, list[str]]]:
    """Pages of an atlas: ``(unit code, unit name, obec codes)`` per obec, POÚ or ORP.

    Units are in Czech alphabetical order of their names.
    """
    if by not in ("obec", "pou", "orp"):
        raise ValueError(t("print.err.atlas_by", "cs", value=by))
    obce = district.obce
    if by == "obec":
        units = [(r.kod_obce, r.nazev_obce, [r.kod_obce]) for r in obce.itertuples()]
    else:
        code_col, name_col = (f"kod_{by}", f"nazev_{by}")
        units = []
        for code, grp in obce.groupby(code_col, sort=False):
            name = str(grp[name_col].iloc[0]) or str(code)
            units.append((str(code), name, grp["kod_obce"].tolist()))
    return sorted(units, key=lambda u: czech_sort_key(u[1]))


def render_atlas(
    district: District,
    services: Services,
    out: str | Path,
    *,
    by: str = "obec",
    paper: str = "A4",
    orientation: str = "portrait",
    style: str | PrintStyle = "colour",
    kinds: Iterable[str] | None = None,
    shading: pd.Series | None = None,
    shading_title: str | None = None,
    shading_note: str | None = None,
    czechia_outline: gpd.GeoDataFrame | None = None,
    data_date: object = None,
    lang: str = "cs",
    colour_by: str = "working_group",
) -> Path:
    """Print an atlas: one map page per obec, POÚ or ORP of the district, in one PDF.

    Each page frames its unit (the rest of the district drawn for context), shows the services
    relevant to the unit — a public site in it, or a service area naming its obce — with their
    district-wide numbers (the catalogue's), and has its own legend of only what is on it.
    Services relevant to the unit whose sites lie outside the page frame are listed in the
    page's box "služby se sídlem mimo mapu"; services with a secret address in its box of
    withheld addresses.

    Parameters
    ----------
    by : {"obec", "pou", "orp"}
        Unit of a page.
    out : path
        ``.pdf`` only (one file, one page per unit).
    Other parameters
        As :func:`render_map`.

    Returns
    -------
    Path
        The written PDF.
    """
    out = Path(out)
    _check_format(out, (".pdf",))
    st = get_style(style)
    entries, sites, kind_colours = _prepare(district, services, kinds, lang, st)
    date_text = _data_date(data_date, services, lang)
    units = atlas_units(district, by)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _print_rc():
        with PdfPages(out, metadata={"Title": t("print.map.title", lang, name=district.name or ""),
                                     "Creator": "coverage-app"}) as pdf:
            for _code, name, codes in units:
                page_entries = services_for_obce(entries, codes).reset_index(drop=True)
                page_sites = sites[sites["number"].isin(set(page_entries["number"]))].reset_index(drop=True)
                title = t(f"print.atlas.title.{by}", lang, name=name)
                subtitle = (t("print.atlas.subtitle", lang, district=district.name or "", date=date_text) if date_text
                            else t("print.atlas.subtitle_nodate", lang, district=district.name or ""))
                comp = _compose_page(
                    district, page_entries, page_sites, focus_codes=codes, paper=paper, orientation=orientation,
                    style=st, title=title, subtitle=subtitle, shading=shading, shading_title=shading_title,
                    czechia_outline=czechia_outline,
                    source_line=_source_line(page_entries, district, date_text, lang, shading_note), lang=lang,
                    colour_by=colour_by, kind_colours=kind_colours, min_extent_m=5000.0 if by == "obec" else 3000.0,
                    pad_frac=0.3 if by == "obec" else 0.05)
                pdf.savefig(comp.figure)
    return out
