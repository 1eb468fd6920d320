"""Sheet geometry of printed maps: text measures, type sizes per paper, the map frame (metres ↔
millimetres), scale-bar lengths, true north, marker clusters, obec-label placement and the flow
of the side panel into columns.

Internal to :mod:`coverage_app.maps.printing`.  Lengths are millimetres on the sheet (origin at
its lower-left corner), type sizes points, map coordinates EPSG:5514 metres.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, get_font
from matplotlib.path import Path as MplPath
from pyproj import Transformer
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from coverage_app.maps.style import MM_PER_PT, font_properties, paper_scale
from coverage_app.model import CRS

try:  # matplotlib >= 3.10
    from matplotlib.ft2font import LoadFlags

    _NO_HINTING = LoadFlags.NO_HINTING
except ImportError:  # pragma: no cover - older matplotlib
    from matplotlib.ft2font import LOAD_NO_HINTING as _NO_HINTING


class Measure:
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


#: The thinnest line printed (pt): a print shop cannot hold thinner ones.
MIN_LINE_PT = 0.25
#: Leader lines from a moved marker to its true position (pt), thick enough to follow.
LEADER_PT = 0.5


def thin(width_pt: float) -> float:
    """A line width (pt) never under :data:`MIN_LINE_PT`."""
    return max(MIN_LINE_PT, float(width_pt))


#: How far (mm) a name may stand from its obec's anchor when no place inside the obec is free.
FALLBACK_MM = 6.0

#: The smallest type on a printed map (pt): legend, boxes, numbers, obec names and the source line
#: stay legible for older readers at every paper size.
MIN_TYPE_PT = 7.0


@dataclass(frozen=True)
class Sizes:
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
    def for_paper(cls, paper: str, font_scale: float = 1.0) -> "Sizes":
        s = paper_scale(paper)
        f = s * font_scale

        def pt(v: float, lo: float = MIN_TYPE_PT) -> float:
            return max(lo, v * f)
        return cls(scale=s, title=pt(22), subtitle=pt(11.5), heading=pt(9.5), text=pt(8.3), small=pt(7.2),
                   source=pt(6.8), marker=max(4.6, 5.0 * s), number=pt(7.6), swatch=max(3.4, 4.2 * s),
                   line=0.5 * s, outline=1.3 * s,
                   label_sizes=(pt(10.5, 8.0), pt(9.0, 7.5), pt(8.0), pt(7.0)))


# ---------------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------------
def geom_path(geom: shapely.Geometry) -> MplPath | None:
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


class Frame:
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


def fit_extent(bounds: tuple[float, float, float, float], rect_w: float, rect_h: float, pad_mm: float,
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


def nice_length_km(max_km: float) -> float:
    """The longest 1, 2, 3, 4 or 5 × 10^k length not longer than ``max_km``."""
    if max_km <= 0:
        return 1.0
    k = math.floor(math.log10(max_km))
    best = 10.0 ** k
    for m in (1.0, 2.0, 3.0, 4.0, 5.0, 10.0):
        if m * 10.0 ** k <= max_km:
            best = m * 10.0 ** k
    return best


def fmt_km(v: float, lang: str) -> str:
    text = f"{v:g}"
    return text.replace(".", ",") if lang == "cs" else text


def round_scale(denominator: float) -> int:
    """Scale denominator rounded to three significant digits."""
    if denominator <= 0:
        return 0
    k = max(0, int(math.floor(math.log10(denominator))) - 2)
    return int(round(denominator / 10 ** k) * 10 ** k)


_TO_WGS84 = None


def true_north_angle(x: float, y: float) -> float:
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
def hex_cells(n: int, spacing: float) -> np.ndarray:
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


def place_markers(px: np.ndarray, py: np.ndarray, radius: np.ndarray, gap: float, frame: Frame,
                  groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Displace overlapping markers into compact clusters; positions in mm.

    Markers of one group (one obec) that touch are set in a hexagonal cluster around their mean
    (optimal assignment, so leader lines do not cross); clusters of different groups are never
    merged: where they would overlap they are pushed apart as wholes, so a town's markers stay
    together and next to their own obec.  Every cluster is kept inside the frame.  Touching pairs
    are found with a KD-tree, so the work grows with the markers that touch, not with all pairs.
    """
    n = len(px)
    if n == 0:
        return px.copy(), py.copy()
    radius = np.asarray(radius, float)
    true = np.column_stack([px, py]).astype(float)
    key = np.unique(np.asarray(groups, dtype=str), return_inverse=True)[1] if groups is not None else np.zeros(n, int)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return int(i)

    def union_pairs(pairs: np.ndarray) -> bool:
        merged = False
        for i, j in pairs:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
                merged = True
        return merged

    union_pairs(_touching(true, radius, gap, same=key))
    pos = true.copy()
    for _ in range(30):
        clusters = _clusters(n, find)
        for members in clusters:
            _arrange(members, true, pos, radius, gap)
        roots = np.array([find(i) for i in range(n)])
        pairs = _touching(pos, radius, gap * 0.5, same=key)
        if not union_pairs(pairs[roots[pairs[:, 0]] != roots[pairs[:, 1]]]):
            break
    clusters = _clusters(n, find)
    for _ in range(20):  # pushing apart and back inside the frame until both hold
        settled = _separate(clusters, pos, radius, gap)
        for members in clusters:
            settled = _keep_inside(members, pos, radius, frame) and settled
        if settled:
            break
    return pos[:, 0], pos[:, 1]


#: A marker moved less than this (mm) keeps its place (no leader, no legend row).
MOVED_MM = 0.05


def markers_will_move(true_xy: np.ndarray, radius: np.ndarray, gap: float, frame: Frame,
                      groups: np.ndarray | None = None) -> bool:
    """Whether :func:`place_markers` will move any marker, without placing them: two markers of
    one obec touch (closer than ``r_i + r_j + gap`` mm), two of different obce overlap (closer
    than ``r_i + r_j + gap / 2``), or one is not 1 mm clear of the frame's edge (less
    :data:`MOVED_MM`)."""
    if not len(true_xy):
        return False
    radius = np.asarray(radius, float)
    key = np.unique(np.asarray(groups, dtype=str), return_inverse=True)[1] if groups is not None else None
    if len(_touching(true_xy, radius, gap, same=key)) or len(_touching(true_xy, radius, gap * 0.5)):
        return True
    fx, fy, fw, fh = frame.rect
    lo, hi = true_xy - radius[:, None], true_xy + radius[:, None]
    clear = 1.0 - MOVED_MM  # a shift under MOVED_MM is no move
    return bool((lo[:, 0] < fx + clear).any() or (lo[:, 1] < fy + clear).any() or (hi[:, 0] > fx + fw - clear).any()
                or (hi[:, 1] > fy + fh - clear).any())


def _touching(pos: np.ndarray, radius: np.ndarray, gap: float, same: np.ndarray | None = None) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, of markers closer than ``r_i + r_j + gap`` (mm), of the
    same group only when ``same`` (group numbers) is given; shape ``(k, 2)``."""
    if len(pos) < 2:
        return np.zeros((0, 2), dtype=int)
    pairs = cKDTree(pos).query_pairs(2 * float(radius.max()) + gap, output_type="ndarray")
    if not len(pairs):
        return np.zeros((0, 2), dtype=int)
    i, j = pairs[:, 0], pairs[:, 1]
    keep = np.hypot(*(pos[i] - pos[j]).T) < radius[i] + radius[j] + gap
    if same is not None:
        keep &= same[i] == same[j]
    return pairs[keep]


def _clusters(n: int, find: Callable[[int], int]) -> list[list[int]]:
    out: dict[int, list[int]] = {}
    for i in range(n):
        out.setdefault(find(i), []).append(i)
    return list(out.values())


def _arrange(members: list[int], true: np.ndarray, pos: np.ndarray, radius: np.ndarray, gap: float) -> None:
    """A cluster's markers in hexagonal cells around their mean true position."""
    if len(members) == 1:
        pos[members[0]] = true[members[0]]
        return
    spacing = 2 * float(radius[members].max()) + gap
    cells = hex_cells(len(members), spacing) + true[members].mean(axis=0)
    cost = ((true[members][:, None, :] - cells[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    for r, c in zip(rows, cols):
        pos[members[r]] = cells[c]


def _separate(clusters: list[list[int]], pos: np.ndarray, radius: np.ndarray, gap: float,
              rounds: int = 80) -> bool:
    """Push clusters (of different obce) apart as wholes until no two of their markers overlap;
    ``True`` when nothing had to move.  Each round pushes, one pair after another, the pairs of
    clusters found touching at its start."""
    owner = np.empty(len(pos), dtype=int)
    for c, members in enumerate(clusters):
        owner[members] = c
    untouched = True
    for _ in range(rounds):
        pairs = _touching(pos, radius, gap * 0.5)
        ca, cb = owner[pairs[:, 0]], owner[pairs[:, 1]]
        across = np.unique(np.sort(np.column_stack([ca, cb])[ca != cb], axis=1), axis=0)
        moved = False
        for a, b in across:
            ma, mb = clusters[a], clusters[b]
            d = pos[ma][:, None, :] - pos[mb][None, :, :]
            dist = np.hypot(d[..., 0], d[..., 1])
            need = radius[ma][:, None] + radius[mb][None, :] + gap * 0.5
            overlap = float((need - dist).max())
            if overlap <= 1e-6:
                continue
            axis = pos[mb].mean(axis=0) - pos[ma].mean(axis=0)
            norm = float(np.hypot(*axis))
            axis = axis / norm if norm > 1e-9 else np.array([1.0, 0.0])
            pos[ma] -= axis * (overlap / 2 + 0.05)
            pos[mb] += axis * (overlap / 2 + 0.05)
            moved = True
        if not moved:
            return untouched
        untouched = False
    return untouched


def _keep_inside(members: list[int], pos: np.ndarray, radius: np.ndarray, frame: Frame) -> bool:
    """Shift a cluster back inside the frame (1 mm clear of its edge); ``True`` when it was inside."""
    fx, fy, fw, fh = frame.rect
    lo = pos[members] - radius[members][:, None]
    hi = pos[members] + radius[members][:, None]
    shift = np.zeros(2)
    shift[0] = max(0.0, fx + 1 - lo[:, 0].min()) - max(0.0, hi[:, 0].max() - (fx + fw - 1))
    shift[1] = max(0.0, fy + 1 - lo[:, 1].min()) - max(0.0, hi[:, 1].max() - (fy + fh - 1))
    pos[members] += shift
    return not shift.any()


def overlaps(box: tuple[float, float, float, float], boxes: np.ndarray) -> bool:
    if len(boxes) == 0:
        return False
    x0, y0, x1, y1 = box
    return bool(((boxes[:, 0] < x1) & (boxes[:, 2] > x0) & (boxes[:, 1] < y1) & (boxes[:, 3] > y0)).any())


@dataclass
class Label:
    code: str
    name: str
    x: float  # anchor (mm)
    y: float
    size: float
    bold: bool
    polygon: shapely.Geometry | None  # in mm coordinates
    priority: float
    has_dot: bool
    leader: bool = False  # set when the name stands away from its obec with a line to it


def place_labels(labels: list[Label], obstacles: list[tuple[float, float, float, float]], frame: Frame,
                 meas: Measure, dot_radius: float, led: set[str] | frozenset[str] = frozenset(),
                 barriers: list[tuple[str, shapely.Geometry]] = (),
                 ) -> tuple[list[tuple[Label, tuple[float, float, float, float], float]], list[Label]]:
    """Greedy collision-free placement; returns placed (label, box, descent) and the unplaced.

    Every name is first tried at its obec.  Then a district obec in ``led`` (codes: obce whose
    place markers cover, :func:`under_markers`) whose name found no place there is set nearby
    with a leader line to it, in order of priority; the line crosses no name, no other leader and
    none of ``barriers`` (``(owner obec code, geometry)``: markers, the lines of moved markers,
    the furniture) except the obec's own markers and those over its anchor."""
    fx, fy, fw, fh = frame.rect
    frame_box = (fx + 0.8, fy + 0.8, fx + fw - 0.8, fy + fh - 0.8)
    obs = [tuple(o) for o in obstacles]
    placed: list[tuple[Label, tuple[float, float, float, float], float]] = []
    unplaced: list[Label] = []
    leaders: list[shapely.LineString] = []  # leader lines of names set away from their obec
    dirs = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1),
            (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1)]
    for lab in sorted(labels, key=lambda lb: -lb.priority):
        done = False
        for shrink in (0.0, 0.8, 1.5):
            size = max(MIN_TYPE_PT, lab.size - shrink)
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
                if overlaps(box, obs_arr) or crosses(box, leaders):
                    continue
                if lab.polygon is not None and not lab.polygon.contains(shapely.Point(cx + w / 2, cy + h / 2)):
                    if fallback is None and math.hypot(cx + w / 2 - lab.x, cy + h / 2 - lab.y) <= FALLBACK_MM:
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
    owners = np.array([o for o, _ in barriers], dtype=object)
    shapes = np.array([g for _, g in barriers], dtype=object)
    still = []
    for lab in unplaced:  # in priority order, after every name that fits at its obec
        if not (lab.priority >= FOCUS_PRIORITY and lab.code in led
                and _place_with_leader(lab, obs, placed, leaders, frame_box, meas, owners, shapes)):
            still.append(lab)
    return placed, still


#: Labels of the district's own obce have at least this priority (population is added to it).
FOCUS_PRIORITY = 1e9
#: How far (mm) a name may stand from its obec when it needs a leader line to it.
LEADER_REACH_MM = (4.0, 6.0, 8.0, 10.5, 13.5, 17.0)


def _place_with_leader(lab: Label, obs: list[tuple[float, float, float, float]],
                       placed: list[tuple[Label, tuple[float, float, float, float], float]],
                       leaders: list[shapely.LineString], frame_box: tuple[float, float, float, float], meas: Measure,
                       owners: np.ndarray, shapes: np.ndarray) -> bool:
    """A district obec's name that finds no place at its obec (markers cover it): the nearest free
    place within :data:`LEADER_REACH_MM`, joined to the obec by a leader line that crosses no
    other name, no other leader and no barrier (``shapes``, owned by ``owners``) but the obec's
    own and those over its anchor; ``True`` when placed (``lab.leader`` is then set)."""
    size = max(MIN_TYPE_PT, lab.size - 0.8)
    fp = font_properties("bold" if lab.bold else "regular")
    w, h, d = meas.extent(lab.name, fp, size)
    obs_arr = np.array(obs, dtype=float).reshape(-1, 4)
    names = [box for _, box, _ in placed]
    anchor = shapely.Point(lab.x, lab.y)
    blocking = shapes[(owners != lab.code) & ~shapely.intersects(shapes, anchor.buffer(0.2))] if len(shapes) else shapes
    for reach in LEADER_REACH_MM:
        best: tuple[float, tuple[float, float, float, float], shapely.LineString] | None = None
        for k in range(24):
            a = 2 * math.pi * k / 24
            cx, cy = lab.x + reach * math.cos(a), lab.y + reach * math.sin(a)
            # the box touches the circle of the reach on the side towards the obec
            box = (cx - w / 2 + w / 2 * math.cos(a), cy - h / 2 + h / 2 * math.sin(a),
                   cx + w / 2 + w / 2 * math.cos(a), cy + h / 2 + h / 2 * math.sin(a))
            if (box[0] < frame_box[0] or box[1] < frame_box[1] or box[2] > frame_box[2]
                    or box[3] > frame_box[3] or overlaps(box, obs_arr) or crosses(box, leaders)):
                continue
            end = leader_end(box, lab.x, lab.y)
            line = shapely.LineString([(lab.x, lab.y), end])
            if (crosses(line, names) or any(line.crosses(other) for other in leaders)
                    or (len(blocking) and shapely.intersects(line, blocking).any())):
                continue
            dist = math.hypot(end[0] - lab.x, end[1] - lab.y)
            if best is None or dist < best[0]:
                best = (dist, box, line)
        if best is not None:
            _, box, line = best
            leaders.append(line)
            obs.append(box)
            placed.append((lab, box, d))
            lab.size, lab.leader = size, True
            return True
    return False


def crosses(item: tuple[float, float, float, float] | shapely.Geometry, others: list) -> bool:
    """Whether a box (or a line) meets any of ``others`` (lines, or boxes as 4-tuples)."""
    if not others:
        return False
    geom = shapely.box(*item) if isinstance(item, tuple) else item
    if isinstance(others[0], tuple):
        arr = np.asarray(others, dtype=float)
        targets = shapely.box(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])
    else:
        targets = np.asarray(others, dtype=object)
    return bool(shapely.intersects(geom, targets).any())


def under_markers(labels: list[Label], pos: np.ndarray, radius: np.ndarray, owners: np.ndarray | None = None,
                  reach: float = 1.0) -> set[str]:
    """Codes of the labels whose obec's place markers cover: the anchor lies under a marker (or
    within ``reach`` mm of one), or inside the cluster of the obec's own markers (``owners``: the
    obec code of each marker).  Only such names may stand off their obec with a leader line."""
    if not len(pos) or not labels:
        return set()
    pos = np.asarray(pos, float)
    radius = np.asarray(radius, float)
    dist, idx = cKDTree(pos).query(np.array([(lab.x, lab.y) for lab in labels]))
    out = {lab.code for lab, d, i in zip(labels, dist, idx) if d <= float(radius[i]) + reach}
    if owners is not None:
        owners = np.asarray(owners, dtype=object)
        for lab in labels:
            own = owners == lab.code
            if lab.code not in out and own.sum() >= 2:
                hull = shapely.MultiPoint(pos[own]).convex_hull.buffer(float(radius[own].max()) + reach)
                if hull.contains(shapely.Point(lab.x, lab.y)):
                    out.add(lab.code)
    return out


def leader_end(box: tuple[float, float, float, float], x: float, y: float) -> tuple[float, float]:
    """Where a leader line from ``(x, y)`` meets the label ``box`` (its nearest point, mm)."""
    return (min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3]))


def obec_labels(obce: gpd.GeoDataFrame, focus: set[str], frame: Frame, obec_xy: np.ndarray, polygons: bool,
                 sz: Sizes, base: Sizes) -> list[Label]:
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
            size = max(sz.label_sizes[tier] - 0.8, MIN_TYPE_PT)  # context
        labels.append(Label(code=row.kod_obce, name=str(row.nazev_obce), x=float(x), y=float(y), size=size,
                             bold=in_focus and (tier == 0 or atlas), polygon=poly_mm,
                             priority=(FOCUS_PRIORITY if in_focus else 0.0) + pop, has_dot=not polygons))
    return labels


# ---------------------------------------------------------------------------------------------
# Panel flow (legend, boxes, inset)
# ---------------------------------------------------------------------------------------------
@dataclass
class PanelCtx:
    """What panel items draw on: the figure, the page axes (mm) and the map extent (m)."""

    fig: Figure
    page: object
    extent: tuple[float, float, float, float]


@dataclass
class PanelItem:
    """One block of the side panel: its height (mm), how to draw it at (x, y top, width) mm,
    whether it stays in one column with the next block, and the legend section it belongs to."""

    height: float
    draw: Callable[["PanelCtx", float, float, float], None]
    keep_with_next: bool = False
    section: str = ""


def flow_panel(items: list[PanelItem], columns: list[tuple[float, float, float, float]]) -> list[tuple[PanelItem, float, float, float]] | None:
    """Place items top-down into columns ``(x, y_bottom, w, h)``; ``None`` when they do not fit.

    Items chained by ``keep_with_next`` (a whole legend section) go to the next column together;
    a chain taller than a column is split, but never between its first two items (a heading and
    its first row).
    """
    out: list[tuple[PanelItem, float, float, float]] = []
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
        if need > h + 1e-6:  # the chain fits no column: keep the item with its next one only
            need = item.height + (items[i + 1].height if item.keep_with_next and i + 1 < len(items) else 0.0)
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
