"""Drawing the body of a printed map: obec polygons or shaded circles, the district outline,
service markers (shape = form, colour = group or kind, number inside), the north arrow and the
scale bar.

Internal to :mod:`coverage_app.maps.printing`; positions in millimetres on the sheet, the base
map in EPSG:5514 metres.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, PathPatch, Polygon as MplPolygon, Rectangle

from coverage_app.i18n import t
from coverage_app.maps.sheet_layout import (
    LEADER_PT,
    Frame,
    Label,
    MIN_TYPE_PT,
    Measure,
    Sizes,
    fmt_km,
    geom_path,
    leader_end,
    nice_length_km,
    round_scale,
    thin,
    true_north_angle,
)
from coverage_app.maps.style import MM_PER_PT, SHADING_BANDS, PrintStyle, font_properties, text_colour_on


def shading_band(minutes: float) -> int | None:
    """Index of the travel-time band of :data:`~coverage_app.maps.style.SHADING_BANDS`
    (0 = under 15 min … 3 = 45 min or more); ``None`` for a missing value."""
    if minutes is None or not np.isfinite(minutes):
        return None
    for i, (lo, hi) in enumerate(SHADING_BANDS):
        if lo <= minutes < hi:
            return i
    return 0 if minutes < 0 else len(SHADING_BANDS) - 1


def obec_dot_radius(pop: np.ndarray, scale: float) -> np.ndarray:
    pop = np.nan_to_num(np.asarray(pop, float))
    return np.where(pop >= 5000, 1.25, np.where(pop >= 1000, 0.95, 0.72)) * scale


def is_field_shading(shading: pd.Series | None) -> bool:
    """Whether a shading is field coverage (``bool`` per obec) rather than travel minutes."""
    return shading is not None and pd.api.types.is_bool_dtype(shading.dtype)


def shading_classes(shading: pd.Series, codes) -> dict[str, int | None]:
    """The colour class of each obec: the travel-time band of its minutes (0–3), or for field
    coverage 0 (in a field service's declared area) and 3 (outside every one); ``None`` = no data."""
    sh = shading.copy()
    sh.index = sh.index.map(str)
    field = is_field_shading(shading)
    out: dict[str, int | None] = {}
    for code in codes:
        value = sh.get(str(code))
        if value is None or (not field and pd.isna(value)):
            out[str(code)] = None
        elif field:
            out[str(code)] = 0 if bool(value) else len(SHADING_BANDS) - 1
        else:
            out[str(code)] = shading_band(float(value))
    return out


def draw_base(ax, obce: gpd.GeoDataFrame, focus: set[str], polygons: bool, style: PrintStyle, sz: Sizes,
               shading: pd.Series | None) -> None:
    """Obec polygons (or shading circles around points) and the district outline, in metres."""
    band_of = shading_classes(shading, obce["kod_obce"]) if shading is not None else {}
    if polygons:
        patches, faces = [], []
        for row in obce.itertuples():
            path = geom_path(row.geometry)
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
        path = geom_path(outline)
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor=style.district_edge, lw=sz.outline, zorder=2,
                                   gid="district-outline"))
        if focus != set(obce["kod_obce"]):
            fo = shapely.union_all(obce[obce["kod_obce"].isin(focus)].geometry.values)
            p2 = geom_path(fo)
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
                                                   lw=thin(sz.line * 0.8), zorder=1))


def draw_badge(ax, x: float, y: float, form: str, fill: str, number: int | None, sz: Sizes, style: PrintStyle,
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


def scale_text(frame: Frame, lang: str, paper: str) -> str:
    den = frame.m_per_mm * 1000.0
    return t("print.scale.ratio", lang, n=f"{round_scale(den):,}".replace(",", "\u00a0"), paper=paper)


def furniture_size(frame: Frame, base: Sizes, sz: Sizes, meas: Measure, lang: str,
                    paper: str) -> tuple[float, float, float]:
    """Width and height (mm) of the north-arrow and scale-bar box, and the bar length (km)."""
    s = base.scale
    bar_km = nice_length_km(62.0 * s * frame.m_per_mm / 1000.0)
    bar_w = bar_km * 1000.0 / frame.m_per_mm
    text_w = meas.width(scale_text(frame, lang, paper), font_properties("regular"), max(MIN_TYPE_PT, sz.small * 0.9))
    label_w = meas.width(fmt_km(bar_km, lang) + " km", font_properties("regular"), sz.small)
    w = 16.0 * s + max(bar_w + label_w / 2, text_w) + 4.0 * s
    return w, 19.0 * s, bar_km


def draw_furniture(ax, x: float, y: float, w: float, h: float, bar_km: float, frame: Frame, sz: Sizes,
                    base: Sizes, style: PrintStyle, fp_reg: FontProperties, fp_bold: FontProperties, lang: str,
                    paper: str) -> float:
    """North arrow and scale bar in a white box at (x, y) mm; returns the scale denominator."""
    s = base.scale
    ax.add_patch(Rectangle((x, y), w, h, facecolor="white", edgecolor="#000000", lw=thin(0.4 * s), zorder=7))
    # north arrow (true north: EPSG:5514 grid north differs by the meridian convergence, 5–10°)
    fx, fy, fw, fh = frame.rect
    cxm, cym = frame.to_data(fx + fw / 2, fy + fh / 2)
    ang = math.radians(true_north_angle(float(cxm), float(cym)))
    ax_c, ay_c = x + 7.5 * s, y + h * 0.42
    L = h * 0.58
    ux, uy = -math.sin(ang), math.cos(ang)  # unit vector to true north
    nx, ny = -uy, ux
    half = 2.3 * s
    tip = (ax_c + ux * L / 2, ay_c + uy * L / 2)
    tail = (ax_c - ux * L / 2, ay_c - uy * L / 2)
    notch = (ax_c - ux * L * 0.28, ay_c - uy * L * 0.28)
    ax.add_patch(MplPolygon([tip, (tail[0] + nx * half, tail[1] + ny * half), notch], closed=True,
                            facecolor="#000000", edgecolor="#000000", lw=thin(0.45 * s), zorder=8))
    ax.add_patch(MplPolygon([tip, (tail[0] - nx * half, tail[1] - ny * half), notch], closed=True,
                            facecolor="white", edgecolor="#000000", lw=thin(0.45 * s), zorder=8))
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
                               edgecolor="#000000", lw=thin(0.35 * s), zorder=8))
    for k in ([0, nseg // 2, nseg] if nseg == 4 else [0, 1, 2]):
        label = fmt_km(L_km * k / nseg, lang)
        ax.text(bar_x + k * seg, bar_y + bh + 0.7 * s, label, fontproperties=fp_reg, fontsize=sz.small,
                ha="center", va="bottom", color=style.text, zorder=8)
        if k == nseg:
            half = font_properties("regular")
            ax.text(bar_x + k * seg + 0.5 * Measure().width(label, half, sz.small) + 0.8 * s, bar_y + bh + 0.7 * s,
                    "km", fontproperties=fp_reg, fontsize=sz.small, ha="left", va="bottom", color=style.text, zorder=8)
    den = frame.m_per_mm * 1000.0
    ax.text(bar_x, bar_y - 1.0 * s, scale_text(frame, lang, paper), fontproperties=fp_reg, fontsize=max(MIN_TYPE_PT, sz.small * 0.9),
            ha="left", va="top", color=style.text, zorder=8, gid="scale-ratio")
    return den


def furniture_corner(map_rect: tuple[float, float, float, float], pos_xy: np.ndarray, radius: np.ndarray,
                     fur_w: float, fur_h: float, obec_xy: np.ndarray,
                     area_mm: shapely.Geometry | None) -> tuple[float, float]:
    """Lower-left corner (mm) of the north-arrow and scale-bar box: the frame corner that covers
    the fewest markers, obec points and the least of the mapped area."""
    mx, my, mw, mh = map_rect
    corners = [(mx + 2.5, my + 2.5), (mx + mw - 2.5 - fur_w, my + 2.5),
               (mx + 2.5, my + mh - 2.5 - fur_h), (mx + mw - 2.5 - fur_w, my + mh - 2.5 - fur_h)]
    best: tuple[float, tuple[float, float]] | None = None
    qx, qy, r = pos_xy[:, 0], pos_xy[:, 1], radius
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


def draw_approximate_ring(ax, x: float, y: float, radius: float, scale: float, gid: str | None = None) -> None:
    """A dotted ring around a marker (centre and radius in mm) whose site is only approximately
    placed: at its obec's point, for want of an address or coordinates."""
    ring = Circle((x, y), radius + 0.9 * scale, facecolor="none", edgecolor="#000000", lw=0.6 * scale,
                  linestyle=(0, (1.0, 1.2)), zorder=4.7)
    if gid:
        ring.set_gid(gid)
    ax.add_patch(ring)


#: A name's leader line is dark grey, a moved marker's black with a dot at its true place.
NAME_LEADER_COLOUR = "#5a5a5a"


def draw_obec_names(ax, placed: list[tuple[Label, tuple[float, float, float, float], float]], style: PrintStyle,
                    scale: float) -> tuple[list[dict], list]:
    """The placed obec names (``(label, box mm, descent mm)`` from
    :func:`~coverage_app.maps.sheet_layout.place_labels`) with a halo, and a leader line to the obec
    for a name set off it; returns the label rows and the text artists."""
    rows, artists = [], []
    fp_reg, fp_bold = font_properties("regular"), font_properties("bold")
    for lab, box, d in placed:
        fp = fp_bold if lab.bold else fp_reg
        if lab.leader:  # the name stands off its obec (its own markers cover it): a line to the obec
            ex, ey = leader_end(box, lab.x, lab.y)
            ax.plot([lab.x, ex], [lab.y, ey], color=NAME_LEADER_COLOUR, lw=LEADER_PT, zorder=3.6,
                    solid_capstyle="butt", gid=f"label-{lab.code}-leader")
        # the halo is a separate path-only copy, so the label itself stays real text in PDF/SVG
        halo = ax.text(box[0], box[1] + d, lab.name, fontproperties=fp, fontsize=lab.size, ha="left",
                       va="baseline", color=style.halo, zorder=5, gid=f"label-{lab.code}-halo")
        halo.set_path_effects([patheffects.withStroke(linewidth=2.2 * scale, foreground=style.halo)])
        artists.append(ax.text(box[0], box[1] + d, lab.name, fontproperties=fp, fontsize=lab.size, ha="left",
                               va="baseline", color=style.text, zorder=6, gid=f"label-{lab.code}"))
        rows.append({"kod_obce": lab.code, "name": lab.name, "x0": box[0], "y0": box[1], "x1": box[2],
                     "y1": box[3], "size": lab.size, "leader": lab.leader, "ax": lab.x,
                     "ay": lab.y})
    return rows, artists
