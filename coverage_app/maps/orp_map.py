"""The kraj's choropleth: its ORPs coloured by one indicator of one kind (offline Leaflet).

Built on the same base map as the planner map (:mod:`coverage_app.maps.interactive`: assets
served by the app, no CDN, no tile server unless online).  Each ORP is its obce dissolved (or a
circle at their centre where only points are known), coloured in five classes of a colour-blind
safe sequential palette, with a tooltip naming the ORP, the value and the ORP code in brackets
(the app reads the code of a clicked ORP from it).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.i18n import fmt_num, register, t
from coverage_app.maps.interactive import MapAssets, _base_map, _fit, _geojson_geometry, _wgs84

__all__ = ["ORP_INDICATORS", "orp_map", "orp_classes"]

#: Indicators of the ORP overview a map can show (columns of :func:`coverage_app.kraj.orp_overview`).
ORP_INDICATORS: tuple[str, ...] = ("capacity_per_1000", "share_reached", "share_field", "gaps")

#: Sequential palette, light to dark (viridis steps: distinguishable with deuteranopia and in grey).
PALETTE: tuple[str, ...] = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487")

register({
    "orp.ind.capacity_per_1000": {"cs": "kapacita na 1000 cílové skupiny", "en": "capacity per 1000 of the target group"},
    "orp.ind.share_reached": {"cs": "podíl cílové skupiny v dosahu", "en": "share of the target group reached"},
    "orp.ind.share_field": {"cs": "podíl v působnosti terénních služeb", "en": "share in field services' areas"},
    "orp.ind.gaps": {"cs": "počet mezer", "en": "number of gaps"},
    "orp.no_value": {"cs": "bez údaje", "en": "no data"},
    "orp.average": {"cs": "celé území", "en": "whole area"},
})


def _format(value: float, indicator: str, lang: str) -> str:
    if value is None or not np.isfinite(value):
        return t("orp.no_value", lang)
    if indicator.startswith("share"):
        return f"{fmt_num(100 * value, lang, 0)} %"
    if indicator == "gaps":
        return str(int(value))
    return fmt_num(value, lang, 1)


def orp_classes(values: pd.Series, indicator: str) -> tuple[np.ndarray, list[float]]:
    """Class (0–4, ``-1`` without a value) of each ORP and the class bounds; for gaps more is
    darker, for the other indicators less is darker (darker = worse)."""
    v = values.astype(float).to_numpy()
    ok = np.isfinite(v)
    if not ok.any():
        return np.full(v.size, -1), []
    edges = list(np.unique(np.quantile(v[ok], [0.2, 0.4, 0.6, 0.8])))
    cls = np.where(ok, np.searchsorted(edges, v, side="right"), -1)
    cls = np.clip(cls, -1, len(PALETTE) - 1)
    if indicator != "gaps":
        cls = np.where(ok, len(PALETTE) - 1 - cls, -1)
    return cls, edges


def orp_map(shapes: gpd.GeoDataFrame, overview: pd.DataFrame, kind: str, indicator: str, *,
            assets: MapAssets, basemap: bool = False, lang: str = "cs", selected: str | None = None,
            height_hint: Sequence[float] | None = None) -> folium.Map:
    """The ORPs of ``shapes`` coloured by ``indicator`` of ``kind`` from ``overview``."""
    rows = overview[overview["service_kind"] == kind].set_index("kod_orp")
    values = rows[indicator].reindex(shapes["kod_orp"]).astype(float) if len(rows) else \
        pd.Series(np.nan, index=shapes["kod_orp"])
    cls, _ = orp_classes(values, indicator)
    geo = _wgs84(shapes)
    points_only = not shapes.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    w, s, e, n = geo.total_bounds
    pad = 0.15 if points_only else 0.02  # degrees: room for the circles at the edge
    bounds = [[float(s) - pad, float(w) - pad], [float(n) + pad, float(e) + pad]]
    m = _base_map(bounds, assets, basemap=basemap, lang=lang)
    _fit(m, bounds)
    title = t(f"orp.ind.{indicator}", lang)
    average = rows[{"capacity_per_1000": "district_per_1000",
                    "share_reached": "district_share_reached"}.get(indicator, indicator)] if len(rows) else None
    feats = []
    for i, (code, name, geom) in enumerate(zip(shapes["kod_orp"], shapes["nazev_orp"], geo.geometry)):
        if geom is None or geom.is_empty:
            continue
        if points_only:
            geom = geom.centroid
        value = float(values.iloc[i])
        tip = f"<b>ORP {html.escape(str(name))}</b> ({html.escape(str(code))})<br>{html.escape(title)}: " \
              f"{html.escape(_format(value, indicator, lang))}"
        if average is not None and indicator in ("capacity_per_1000", "share_reached") and len(average):
            tip += f"<br>{t('orp.average', lang)}: {html.escape(_format(float(average.iloc[0]), indicator, lang))}"
        feats.append({"type": "Feature", "geometry": _geojson_geometry(geom), "properties": {
            "kod": str(code), "tip": tip, "fill": PALETTE[cls[i]] if cls[i] >= 0 else "#d9d9d9",
            "sel": str(code) == selected}})
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": feats}, name=title,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#000000", "fill": True,
                                  "weight": 3 if f["properties"]["sel"] else 1, "fillOpacity": 0.85},
        marker=folium.CircleMarker(radius=14) if points_only else None,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    )
    layer.add_to(m)
    return m
