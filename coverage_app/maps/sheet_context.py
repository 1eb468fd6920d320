"""The surroundings of a printed map, from loaded data only (no tile server): neighbouring obce in
grey, the loaded road network beneath the markers (wider for faster roads) and the names of the
neighbouring districts (ORP) in grey, so a reader can find their way.

Internal to :mod:`coverage_app.maps.printing`; the map axes are in EPSG:5514 metres, widths in
points (never under 0.25 pt, the thinnest line a print shop holds).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch

from coverage_app.maps.sheet_layout import MIN_LINE_PT, MIN_TYPE_PT, Frame, Measure, Sizes, geom_path
from coverage_app.maps.style import PrintStyle, font_properties
from coverage_app.model import CRS

#: Road widths (pt at A3) by the car speed of the road (km/h): motorway, class I, class II, others.
ROAD_WIDTHS: tuple[tuple[float, float], ...] = ((100.0, 1.6), (70.0, 1.0), (55.0, 0.6), (0.0, 0.35))
ROAD_COLOUR = "#b5b5b5"
NEIGHBOUR_TEXT = "#8a8a8a"


def _box(extent: tuple[float, float, float, float]) -> shapely.Geometry:
    return shapely.box(*extent)


def neighbours_in_frame(all_obce: gpd.GeoDataFrame | None, district_codes: set[str],
                        extent: tuple[float, float, float, float]) -> gpd.GeoDataFrame | None:
    """Obce outside the district whose boundary reaches into the map frame (polygons only)."""
    if all_obce is None or not len(all_obce):
        return None
    obce = all_obce.to_crs(CRS) if all_obce.crs is not None and not all_obce.crs.equals(CRS) else all_obce
    polys = obce[obce.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    near = polys[~polys["kod_obce"].astype(str).isin(district_codes) & polys.intersects(_box(extent))]
    return near if len(near) else None


def draw_neighbours(ax, neighbours: gpd.GeoDataFrame | None, style: PrintStyle, sz: Sizes) -> None:
    """Neighbouring obce in the context grey with thin boundaries, beneath everything else."""
    if neighbours is None:
        return
    patches = [PathPatch(p) for p in (geom_path(g) for g in neighbours.geometry) if p is not None]
    coll = PatchCollection(patches, facecolors=style.context_fill, edgecolors=style.obec_edge,
                           linewidths=max(MIN_LINE_PT, sz.line * 0.8), zorder=0.5)
    coll.set_gid("neighbours")
    ax.add_collection(coll)


def draw_roads(ax, roads: gpd.GeoDataFrame | None, extent: tuple[float, float, float, float], sz: Sizes) -> int:
    """The loaded road network inside the frame, in grey, wider for faster roads; returns the
    number of road pieces drawn."""
    if roads is None or not len(roads):
        return 0
    lines = roads.to_crs(CRS) if roads.crs is not None and not roads.crs.equals(CRS) else roads
    lines = lines[lines.intersects(_box(extent))]
    if "car_allowed" in lines:
        lines = lines[lines["car_allowed"].astype(bool)]
    if not len(lines):
        return 0
    speed = lines["speed_car_kmh"].to_numpy(float) if "speed_car_kmh" in lines else np.full(len(lines), 50.0)
    widths = np.array([next(w for lo, w in ROAD_WIDTHS if s >= lo) for s in np.nan_to_num(speed)])
    drawn = 0
    for width in sorted(set(widths)):  # thin roads first, the wide ones on top
        segments = [np.asarray(c)[:, :2] for g in lines.geometry[widths == width] for c in _line_coords(g)]
        coll = LineCollection(segments, colors=ROAD_COLOUR, linewidths=max(MIN_LINE_PT, width * sz.scale),
                              capstyle="round", joinstyle="round", zorder=1.4 + width / 100)
        coll.set_gid(f"roads-{width:g}")
        ax.add_collection(coll)
        drawn += len(segments)
    return drawn


def roads_near(roads: gpd.GeoDataFrame | None, bounds: tuple[float, float, float, float],
               margin_m: float = 5000.0) -> bool:
    """Whether any of ``roads`` lies within ``margin_m`` metres of ``bounds`` (EPSG:5514): what a
    map of that area draws, and so credits."""
    if roads is None or not len(roads):
        return False
    lines = roads.to_crs(CRS) if roads.crs is not None and not roads.crs.equals(CRS) else roads
    x0, y0, x1, y1 = bounds
    return bool(lines.intersects(shapely.box(x0 - margin_m, y0 - margin_m, x1 + margin_m, y1 + margin_m)).any())


def roads_from_graph(graph, bounds: tuple[float, float, float, float] | None = None,
                     margin: float = 0.5) -> gpd.GeoDataFrame | None:
    """The drivable roads of a routing graph as lines for :func:`draw_roads`: one segment per car
    edge (every vertex of a loaded road is a node, so the segments are the roads' own shape), with
    ``speed_car_kmh`` from the edge's length and time.  With ``bounds`` (EPSG:5514 m) only the
    edges with an end inside the bounds widened by ``margin`` of their size and 1 km more on each
    side (a map frame reaches beyond its district).  ``None`` for no graph or no drivable edge there."""
    if graph is None:
        return None
    coo = graph.car_min.tocoo()
    km = graph.car_km.tocoo()
    if not len(coo.data):
        return None
    i, j = coo.row, coo.col
    keep = (i < j) | (graph.car_min[j, i] == 0)  # each two-way road once, one-way streets too
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        dx, dy = (x1 - x0) * margin + 1000.0, (y1 - y0) * margin + 1000.0
        inside = (graph.x >= x0 - dx) & (graph.x <= x1 + dx) & (graph.y >= y0 - dy) & (graph.y <= y1 + dy)
        keep &= inside[i] | inside[j]
    if not keep.any():
        return None
    i, j = i[keep], j[keep]
    minutes = np.asarray(coo.data[keep], float)
    speed = np.where(minutes > 0, np.asarray(km.data[keep], float) / np.maximum(minutes, 1e-9) * 60.0, 0.0)
    lines = shapely.linestrings(np.stack([np.column_stack([graph.x[i], graph.y[i]]),
                                          np.column_stack([graph.x[j], graph.y[j]])], axis=1))
    return gpd.GeoDataFrame({"speed_car_kmh": speed}, geometry=lines, crs=CRS)


def _line_coords(geom: shapely.Geometry) -> list:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom.coords]
    return [g.coords for g in getattr(geom, "geoms", []) if g.geom_type == "LineString"]


def neighbour_district_labels(neighbours: gpd.GeoDataFrame | None, frame: Frame, meas: Measure,
                              sz: Sizes) -> list[tuple[str, float, float, float, float]]:
    """Names of the neighbouring ORPs (or POÚ) reaching into the frame, each at a point of its part
    of the frame: ``(name, x, y, width, height)`` in mm, the box centred on the point."""
    if neighbours is None or "nazev_orp" not in neighbours:
        return []
    out = []
    fp = font_properties("italic")
    size = max(MIN_TYPE_PT, sz.label_sizes[1])
    for name, grp in neighbours.groupby(neighbours["nazev_orp"].astype(str)):
        if not name:
            continue
        w, h, _ = meas.extent(f"ORP {name}", fp, size)
        # the label's centre must keep the whole label inside the frame (and 1 mm from its edge)
        x0, y0 = frame.to_data(frame.rect[0] + w / 2 + 1, frame.rect[1] + h / 2 + 1)
        x1, y1 = frame.to_data(frame.rect[0] + frame.rect[2] - w / 2 - 1, frame.rect[1] + frame.rect[3] - h / 2 - 1)
        if x1 <= x0 or y1 <= y0:
            continue
        inner = shapely.box(float(x0), float(y0), float(x1), float(y1))
        part = shapely.union_all(grp.geometry.values).intersection(inner)
        if part.is_empty or part.area < 0.01 * inner.area:
            continue
        pt = part.representative_point()
        px, py = frame.to_mm(pt.x, pt.y)
        if any(abs(px - ox) < (w + ow) / 2 and abs(py - oy) < (h + oh) / 2 for _, ox, oy, ow, oh in out):
            continue  # two neighbours' names would overlap: the later one is left out
        out.append((f"ORP {name}", float(px), float(py), w, h))
    return out


def draw_neighbour_labels(over, labels: list[tuple[str, float, float, float, float]], sz: Sizes,
                          style: PrintStyle) -> None:
    """The neighbouring districts' names in grey italic (beneath the obec names)."""
    size = max(MIN_TYPE_PT, sz.label_sizes[1])
    for name, x, y, _w, _h in labels:
        over.text(x, y, name, fontproperties=font_properties("italic"), fontsize=size, ha="center", va="center",
                  color=NEIGHBOUR_TEXT, zorder=3.5, gid=f"neighbour-{name}")
