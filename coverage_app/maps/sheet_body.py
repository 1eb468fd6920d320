"""The body of a printed map sheet, bottom up: neighbouring obce, the obce (polygons or points,
shaded or plain), roads, the north arrow and scale bar, the numbered markers (moved ones with a
leader to their true place), the obec names and the neighbouring districts' names.

Internal to :mod:`coverage_app.maps.printing`, which plans the sheet (:class:`Plan`) and draws its
title, panel and frame around this body.  Positions in millimetres on the sheet, the base map in
EPSG:5514 metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.patches import Circle

from coverage_app.maps.sheet_context import (
    draw_neighbour_labels,
    draw_neighbours,
    draw_roads,
    neighbour_district_labels,
    neighbours_in_frame,
)
from coverage_app.maps.sheet_draw import (
    draw_approximate_ring,
    draw_badge,
    draw_base,
    draw_furniture,
    draw_obec_names,
    furniture_corner,
    furniture_size,
    obec_dot_radius,
)
from coverage_app.maps.sheet_layout import (
    LEADER_PT,
    Frame,
    Label,
    Measure,
    PanelItem,
    Sizes,
    obec_labels,
    overlaps,
    place_labels,
    thin,
    under_markers,
)
from coverage_app.maps.style import PrintStyle, font_properties

__all__ = ["Plan", "draw_map"]


@dataclass
class Plan:
    """One layout that fits: sizes, areas, markers and the flowed panel."""

    sz: "Sizes"
    map_rect: tuple[float, float, float, float]
    frame: Frame
    msites: gpd.GeoDataFrame
    true_xy: np.ndarray  # (n, 2) true marker positions, mm
    pos_xy: np.ndarray  # (n, 2) drawn marker positions, mm
    radius: np.ndarray  # marker radii, mm
    displaced: np.ndarray
    outside_rows: pd.DataFrame
    secret_rows: pd.DataFrame
    flowed: list[tuple[PanelItem, float, float, float]]


def draw_map(map_ax, over, plan: Plan, *, obce: gpd.GeoDataFrame, focus: set[str], polygons: bool,
              context_obce: gpd.GeoDataFrame | None, roads: gpd.GeoDataFrame | None, shading: pd.Series | None,
              colour_by_number: dict[int, str], style: PrintStyle, base: Sizes, meas: Measure, lang: str,
              paper: str) -> tuple[float, list[dict], list[dict], list, list[Label]]:
    """The map body, bottom up: neighbours, obce, roads, the north arrow and scale bar, markers,
    obec names, the neighbouring districts' names; returns the scale denominator, the marker and
    label rows, the label artists and the obce left unnamed."""
    sz, frame = plan.sz, plan.frame
    fo = obce[obce["kod_obce"].isin(focus)]
    neighbours = neighbours_in_frame(context_obce, set(obce["kod_obce"]), frame.extent)
    draw_neighbours(map_ax, neighbours, style, sz)
    draw_base(map_ax, obce, focus, polygons, style, sz, shading)
    draw_roads(map_ax, roads, frame.extent, sz)
    obec_xy = np.column_stack(frame.to_mm(obce["x"].to_numpy(), obce["y"].to_numpy()))
    district_names = neighbour_district_labels(neighbours, frame, meas, sz)

    scale_den, furniture_box = _draw_north_and_scale(over, plan, fo if polygons else None, obec_xy, base, style,
                                                     meas, lang, paper)
    marker_rows = _draw_markers(over, plan, colour_by_number, sz, base, style)
    taken = np.array([furniture_box] + [(x - r, y - r, x + r, y + r) for (x, y), r in zip(plan.pos_xy, plan.radius)])
    district_names = [n for n in district_names  # never over the scale bar or a marker
                      if not overlaps((n[1] - n[3] / 2, n[2] - n[4] / 2, n[1] + n[3] / 2, n[2] + n[4] / 2), taken)]
    names_boxes = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for _, x, y, w, h in district_names]
    label_rows, label_artists, unplaced = _draw_obec_names(over, obce, focus, obec_xy, polygons, plan,
                                                           [furniture_box, *names_boxes], sz, base, style, meas)
    draw_neighbour_labels(over, district_names, sz, style)
    return scale_den, marker_rows, label_rows, label_artists, unplaced


def _draw_north_and_scale(over, plan: Plan, framed: gpd.GeoDataFrame | None, obec_xy: np.ndarray, base: Sizes,
                          style: PrintStyle, meas: Measure, lang: str,
                          paper: str) -> tuple[float, tuple[float, float, float, float]]:
    """North arrow and scale bar in the frame corner that hides least (of the ``framed`` polygons,
    markers and obec points); returns the scale denominator and the box (mm) to keep labels off."""
    frame, sz = plan.frame, plan.sz
    fur_w, fur_h, bar_km = furniture_size(frame, base, sz, meas, lang, paper)
    area_mm = None
    if framed is not None:
        area_mm = shapely.transform(shapely.union_all(framed.geometry.values).simplify(frame.m_per_mm),
                                    lambda c: np.column_stack(frame.to_mm(c[:, 0], c[:, 1])))
    fur_x, fur_y = furniture_corner(plan.map_rect, plan.pos_xy, plan.radius, fur_w, fur_h, obec_xy, area_mm)
    scale_den = draw_furniture(over, fur_x, fur_y, fur_w, fur_h, bar_km, frame, sz, base, style,
                               font_properties("regular"), font_properties("bold"), lang, paper)
    return scale_den, (fur_x - 1, fur_y - 1, fur_x + fur_w + 1, fur_y + fur_h + 1)


def _draw_markers(over, plan: Plan, colour_by_number: dict[int, str], sz: Sizes, base: Sizes,
                  style: PrintStyle) -> list[dict]:
    """The numbered markers, with a leader to the true position where one was moved; their rows."""
    fp_num = font_properties("number")
    dot_r = 0.45 * base.scale
    rows = []
    for i, row in enumerate(plan.msites.itertuples()):
        (tx, ty), (qx, qy) = plan.true_xy[i], plan.pos_xy[i]
        if plan.displaced[i]:
            over.plot([tx, qx], [ty, qy], color="#000000", lw=max(LEADER_PT, 0.6 * base.scale), zorder=4,
                      solid_capstyle="round")
            over.add_patch(Circle((tx, ty), dot_r, facecolor="#000000", edgecolor="#000000", lw=0, zorder=4.5))
        draw_badge(over, qx, qy, row.main_form, colour_by_number[int(row.number)], int(row.number), sz, style,
                   fp_num, gid=f"marker-{int(row.number)}-{i}")
        if bool(getattr(row, "approximate", False)):  # placed at the obec's point: a dotted ring says so
            draw_approximate_ring(over, qx, qy, float(plan.radius[i]), base.scale, gid=f"approx-{int(row.number)}")
        rows.append({"number": int(row.number), "service_id": row.service_id, "site_id": row.site_id,
                     "x": row.geometry.x, "y": row.geometry.y, "px": float(qx), "py": float(qy),
                     "displaced": bool(plan.displaced[i]), "approximate": bool(getattr(row, "approximate", False))})
    return rows


def _draw_obec_names(over, obce: gpd.GeoDataFrame, focus: set[str], obec_xy: np.ndarray, polygons: bool,
                     plan: Plan, keep_clear: list[tuple[float, float, float, float]], sz: Sizes, base: Sizes,
                     style: PrintStyle, meas: Measure) -> tuple[list[dict], list, list[Label]]:
    """Obec points (where only points are known) and the names placed clear of markers, points and
    the boxes in ``keep_clear`` (the furniture, the neighbouring districts' names); returns the
    label rows, the label artists and the labels that found no place."""
    frame = plan.frame
    dot_r = 0.45 * base.scale
    obstacles = [(x - r - 0.6, y - r - 0.6, x + r + 0.6, y + r + 0.6) for (x, y), r in zip(plan.pos_xy, plan.radius)]
    obstacles += [(x - dot_r, y - dot_r, x + dot_r, y + dot_r)
                  for (x, y), moved in zip(plan.true_xy, plan.displaced) if moved]
    obstacles.extend(keep_clear)
    pop_dot = obec_dot_radius(obce["population"].to_numpy(), base.scale)
    if not polygons:
        for (x, y), r in zip(obec_xy, pop_dot):
            obstacles.append((x - r, y - r, x + r, y + r))
            if frame.inside(x, y):
                over.add_patch(Circle((x, y), r, facecolor=style.obec_point, edgecolor="white", lw=thin(0.3), zorder=3))
    labels = obec_labels(obce, focus, frame, obec_xy, polygons, sz, base)
    owners = plan.msites["kod_obce"].astype(str).to_numpy() if len(plan.msites) else np.zeros(0, dtype=object)
    barriers = [(str(o), shapely.Point(x, y).buffer(r + 0.3)) for (x, y), r, o in zip(plan.pos_xy, plan.radius, owners)]
    barriers += [(str(o), shapely.LineString([tuple(t), tuple(q)]))
                 for t, q, o, moved in zip(plan.true_xy, plan.pos_xy, owners, plan.displaced) if moved]
    barriers += [("", shapely.box(*b)) for b in keep_clear]
    placed, unplaced = place_labels(labels, obstacles, frame, meas, float(np.max(pop_dot)) if len(pop_dot) else 1.0,
                                    led=under_markers(labels, plan.pos_xy, plan.radius, owners), barriers=barriers)
    rows, artists = draw_obec_names(over, placed, style, base.scale)
    return rows, artists, unplaced
