"""Symbols, colours and classes of the indicators; the obce as map features."""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from coverage_app.coverage import Analysis
from coverage_app.i18n import t
from coverage_app.model import CRS, District
from coverage_app.maps.interactive.base import INDICATORS, KIND_PALETTE, SEQUENTIAL, _NO_DATA, _YES_NO, _memo, _wgs84



# ---------------------------------------------------------------------------------------------
# Symbols and colours
# ---------------------------------------------------------------------------------------------
def _shape_points(shape: str, r: float) -> list[tuple[float, float]] | None:
    if shape == "square":
        s = r * 0.9
        return [(-s, -s), (s, -s), (s, s), (-s, s)]
    if shape == "triangle":
        return [(0.0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)]
    if shape == "diamond":
        s = r * 1.25
        return [(0.0, -s), (s, 0.0), (0.0, s), (-s, 0.0)]
    return None


def symbol_svg(shape: str, fill: str, size: int = 18, *, stroke: str = "#000000", dashed: bool = False,
               label: str | None = None, stroke_width: float = 1.5) -> str:
    """A marker symbol as inline SVG (same geometry as the map's markers).

    ``label`` becomes the SVG's accessible name; without it the symbol is hidden from screen
    readers (the text beside it says what it means).
    """
    r = size / 2 - 2
    c = size / 2
    pts = _shape_points(shape, r * 0.85)
    dash = ' stroke-dasharray="3 2"' if dashed else ""
    if pts is None:
        body = f'<circle cx="{c:.1f}" cy="{c:.1f}" r="{r:.1f}"'
    else:
        dy = r * 0.15 if shape == "triangle" else 0.0
        body = '<polygon points="' + " ".join(f"{c + x:.1f},{c + y + dy:.1f}" for x, y in pts) + '"'
    aria = f'role="img" aria-label="{html.escape(label)}"' if label else 'aria-hidden="true" focusable="false"'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
            f'{aria}>{body} fill="{html.escape(fill)}" stroke="{html.escape(stroke)}" stroke-width="{stroke_width:g}"{dash}/></svg>')


def symbol_img(shape: str, fill: str, size: int = 18, *, dashed: bool = False, label: str = "",
               stroke_width: float = 1.5) -> str:
    """The symbol of :func:`symbol_svg` as an ``<img>`` with a data URL.

    For HTML that is sanitised without SVG support (Streamlit's ``st.html``); ``label`` is the
    ``alt`` text (empty = decorative, the text beside it says what it means).
    """
    svg = symbol_svg(shape, fill, size, dashed=dashed, stroke_width=stroke_width)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}" '
            f'alt="{html.escape(label)}" style="vertical-align:middle;flex:0 0 auto">')


def kind_colours(kinds: Sequence[str], catalog=None) -> dict[str, str]:
    """Colour of each kind: with a ``catalog`` the colour of its (first) working group — five
    colour-blind-safe colours that never come near each other, the kind itself told by the
    marker's tooltip and the legend; without one a colour per kind in the given order (the
    palette repeats after 16 kinds)."""
    if catalog is not None:
        from coverage_app.maps.interactive.base import SITUATION_COLOURS

        out = {}
        for k in dict.fromkeys(kinds):
            kobj = catalog.get(k)
            wg = kobj.working_groups[0] if kobj is not None and kobj.working_groups else "ostatni"
            out[k] = SITUATION_COLOURS.get(wg, SITUATION_COLOURS["ostatni"])
        return out
    return {k: KIND_PALETTE[i % len(KIND_PALETTE)] for i, k in enumerate(dict.fromkeys(kinds))}


def _fmt(value: float, lang: str = "cs", digits: int = 1) -> str:
    """A number for labels: no trailing zeros, Czech decimal comma, thin-space thousands."""
    if value is None or not np.isfinite(value):
        return ""
    v = round(float(value), digits)
    if v.is_integer():
        text = f"{int(v):,}"
    else:
        text = f"{v:,.{digits}f}".rstrip("0").rstrip(".")
    if lang == "cs":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


# ---------------------------------------------------------------------------------------------
# Indicators and classes (planner)
# ---------------------------------------------------------------------------------------------
def indicator_values(analysis: Analysis, indicator: str, kinds: Sequence[str] = (),
                     map_kind: str | None = None) -> pd.Series:
    """Values of an indicator per obec (indexed by obec code, district order).

    ``gaps`` counts the gaps of the obec among ``kinds`` (all kinds present when empty); the
    other indicators are columns of :attr:`Analysis.coverage` for ``map_kind`` (default: the
    first of ``kinds``).  ``reachable`` and ``field_covered`` are booleans; travel time is NaN
    where no site of the kind can be reached at all.
    """
    codes = analysis.district.codes
    present = list(analysis.results)
    chosen = [k for k in kinds if k in analysis.results] if kinds else present
    if indicator not in INDICATORS:
        raise KeyError(indicator)
    cov = analysis.coverage
    if indicator == "gaps":
        if cov.empty or not chosen:
            return pd.Series(0, index=pd.Index(codes, name="kod_obce"), name="gaps", dtype=float)
        sub = cov[cov["service_kind"].isin(chosen)]
        counts = sub.groupby("municipality_code")["gap"].sum().reindex(codes).fillna(0).astype(float)
        counts.index.name = "kod_obce"
        return counts.rename("gaps")
    kind = map_kind if map_kind in analysis.results else (chosen[0] if chosen else None)
    if kind is None:
        return pd.Series(np.nan, index=pd.Index(codes, name="kod_obce"), name=indicator, dtype=float)
    values = analysis.indicator_frame(kind, indicator)
    values.index.name = "kod_obce"
    return values.rename(indicator)


@dataclass(frozen=True)
class Classes:
    """Classes of an indicator for a map: label and colour of each class, class of each obec.

    ``index`` holds the class number per obec (``-1`` = no data, shown in :data:`_NO_DATA`).
    """

    title: str
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    index: pd.Series
    no_data_label: str = ""

    def colour_of(self, code: str) -> str:
        """Fill colour of one obec."""
        i = int(self.index.get(code, -1))
        return self.colours[i] if 0 <= i < len(self.colours) else _NO_DATA


def classify(values: pd.Series, indicator: str, *, bands_min: Sequence[float] = (15, 30, 45),
             lang: str = "cs", title: str | None = None) -> Classes:
    """Sort obce into at most five colour classes (see module docstring for the colours).

    * ``travel_time_min``/``pt_time_min``: the travel-time bands (``bands_min``) plus "no site"
      (or "not by public transport");
    * ``reachable``/``field_covered``/``car_only``: yes / no;
    * ``gaps``: 0, 1, 2, 3, 4 and more;
    * the others: 0, then quartiles of the positive values.
    """
    title = title or t(f"map.ind.{indicator}", lang)
    idx = values.index
    if indicator in ("travel_time_min", "pt_time_min"):
        bands = [float(b) for b in bands_min]
        labels = [t("map.cls.upto", lang, b=_fmt(bands[0], lang))]
        labels += [t("map.cls.band", lang, a=_fmt(a, lang), b=_fmt(b, lang)) for a, b in zip(bands, bands[1:])]
        labels += [t("map.cls.over", lang, a=_fmt(bands[-1], lang)),
                   t("map.cls.no_bus" if indicator == "pt_time_min" else "map.cls.no_site", lang)]
        v = values.astype(float).to_numpy()
        cls = np.searchsorted(np.asarray(bands), v, side="left")
        cls = np.where(np.isfinite(v), cls, len(bands) + 1)
        colours = _spread(len(labels))
        return Classes(title, tuple(labels), colours, pd.Series(cls, index=idx))
    if indicator in ("reachable", "field_covered", "car_only"):
        v = values
        cls = np.where(v.isna(), -1, np.where(v.fillna(False).astype(bool), 0, 1))
        colours = _YES_NO[::-1] if indicator == "car_only" else _YES_NO  # "by car only: yes" is the bad case
        return Classes(title, (t("map.cls.yes", lang), t("map.cls.no", lang)), colours, pd.Series(cls, index=idx),
                       t("map.cls.no_data", lang))
    v = values.astype(float)
    if indicator == "gaps":
        top = int(min(max(v.max() if len(v) else 0, 0), 4))
        labels = [_fmt(i, lang) for i in range(top)] + [
            t("map.cls.more", lang, a=_fmt(top, lang)) if top >= 4 else _fmt(top, lang)]
        cls = np.minimum(v.fillna(0).to_numpy(), top).astype(int)
        return Classes(title, tuple(labels), _spread(len(labels)), pd.Series(cls, index=idx))
    finite = v[np.isfinite(v)]
    positive = finite[finite > 0]
    labels = [_fmt(0, lang)] if (finite <= 0).any() else []
    edges: list[float] = []
    if len(positive):
        qs = np.unique(np.quantile(positive.to_numpy(), [0.25, 0.5, 0.75]))
        edges = [float(q) for q in qs if positive.min() < q < positive.max()]
        lows = [float(positive.min())] + edges
        highs = edges + [float(positive.max())]
        digits = 0 if indicator == "target_population" else 2
        for a, b in zip(lows, highs):
            labels.append(t("map.cls.range", lang, a=_fmt(a, lang, digits), b=_fmt(b, lang, digits))
                          if a != b else _fmt(a, lang, digits))
    zero_class = 1 if (finite <= 0).any() else 0
    arr = v.to_numpy()
    cls = np.full(len(arr), -1)
    ok = np.isfinite(arr)
    cls[ok & (arr <= 0)] = 0
    pos = ok & (arr > 0)
    cls[pos] = zero_class + np.searchsorted(np.asarray(edges), arr[pos], side="left")
    colours = _spread(max(len(labels), 1))
    return Classes(title, tuple(labels), colours, pd.Series(cls, index=idx), t("map.cls.no_data", lang))


def _spread(n: int) -> tuple[str, ...]:
    """``n`` colours of :data:`SEQUENTIAL` from light to dark, as evenly spread as possible."""
    if n <= 0:
        return ()
    if n == 1:
        return (SEQUENTIAL[0],)
    pos = np.linspace(0, len(SEQUENTIAL) - 1, n).round().astype(int)
    return tuple(SEQUENTIAL[i] for i in pos)


def _format_value(value: object, indicator: str, lang: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return t("map.cls.yes" if value else "map.cls.no", lang)
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if not np.isfinite(v):
        return t("map.cls.no_site", lang) if indicator == "travel_time_min" else t("map.cls.no_data", lang)
    digits = 0 if indicator in ("gaps", "target_population") else (1 if indicator == "travel_time_min" else 2)
    return _fmt(v, lang, digits)


def obec_features(district: District, *, classes: Classes | None = None, values: pd.Series | None = None,
                  indicator: str = "", selected: str | None = None, lang: str = "cs",
                  simplify_m: float = 25.0, fill: str | None = None) -> dict:
    """The district's obce as a GeoJSON FeatureCollection in WGS 84 for the map.

    Polygons where the district has them (simplified by ``simplify_m`` metres), else points
    with a radius ``r`` (pixels, area ∝ population).  Properties: ``kod`` (obec code), ``fill``
    (class colour), ``sel`` (the selected obec), ``r`` and ``tip`` (tooltip: name, code and
    value — the code in brackets lets the app tell which obec was clicked).
    """
    obce = district.obce
    polygons = district.has_polygons
    geometries = _obec_geometries(district, simplify_m)
    pop = obce["population"].astype(float).fillna(0.0).to_numpy()
    top = float(pop.max()) if len(pop) and pop.max() > 0 else 1.0
    feats = []
    for i, (kod, nazev) in enumerate(zip(obce["kod_obce"], obce["nazev_obce"])):
        code = str(kod)
        props: dict[str, object] = {"kod": code, "name": str(nazev)}
        tip = f"<b>{html.escape(str(nazev))}</b> ({code})"
        if values is not None and code in values.index:
            tip += f"<br>{html.escape(classes.title if classes else indicator)}: " \
                   f"{html.escape(_format_value(values.loc[code], indicator, lang))}"
        props["tip"] = tip
        props["fill"] = classes.colour_of(code) if classes is not None else (fill or "")
        props["sel"] = code == selected
        if not polygons:
            props["r"] = round(4.0 + 12.0 * math.sqrt(max(pop[i], 0.0) / top), 1)
        if geometries[i] is None:
            continue
        feats.append({"type": "Feature", "properties": props, "geometry": geometries[i]})
    return {"type": "FeatureCollection", "features": feats}


def _obec_geometries(district: District, simplify_m: float) -> list[dict | None]:
    """GeoJSON geometry of each obec in WGS 84 (``None`` when empty), computed once per district
    (shared between calls: never changed by them)."""

    def make() -> list[dict | None]:
        if district.has_polygons:
            geoms = district.obce.geometry.simplify(simplify_m, preserve_topology=True)
            geo = _wgs84(gpd.GeoSeries(geoms.to_numpy(), crs=CRS))
        else:
            geo = _wgs84(district.points().reset_index(drop=True))
        return [None if g is None or g.is_empty else _geojson_geometry(g) for g in geo]

    return _memo(district, f"geometries:{simplify_m}", make)  # type: ignore[return-value]


def _geojson_geometry(geom: BaseGeometry) -> dict:
    """Shapely geometry → GeoJSON mapping with coordinates rounded to 5 decimals (~1 m)."""
    from shapely.geometry import mapping

    def rnd(obj: object) -> object:
        if isinstance(obj, (list, tuple)):
            if obj and isinstance(obj[0], (int, float)):
                return [round(float(c), 5) for c in obj]
            return [rnd(o) for o in obj]
        return obj

    m = mapping(geom)
    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}


def _bounds(district: District, margin: float = 0.02) -> list[list[float]]:
    """[[south, west], [north, east]] of the district in WGS 84 with a small margin (degrees)."""
    total = _memo(district, "bounds", lambda: tuple(_wgs84(district.obce).total_bounds))
    w, s, e, n = total  # type: ignore[misc]
    if not np.all(np.isfinite([w, s, e, n])):
        return [[48.5, 12.0], [51.1, 18.9]]
    return [[float(s) - margin, float(w) - margin], [float(n) + margin, float(e) + margin]]
