"""Placing service sites on the map and expanding declared service areas.

A site is placed, in this order, by its own coordinates, by its RÚIAN address point
(``kodAdresnihoMista``), or — flagged — at the point of its obec.  A site with a point but no
obec code gets the obec it lies in.  Every site records how it was
placed in ``location_method`` (``coordinates``, ``address_point``, ``obec_point`` or ``none``).
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from coverage_app.admin import to_csu_orp, to_csu_pou
from coverage_app.errors import Report
from coverage_app.model import CRS, Services

__all__ = ["assign_obce", "locate_sites", "expand_service_area", "expand_service_areas"]


def _obec_xy(obce: pd.DataFrame) -> np.ndarray:
    """Obec points (metres): ``x``/``y`` where given, else the polygon's representative point."""
    xy = (np.array(obce[["x", "y"]].to_numpy(dtype=float), copy=True) if {"x", "y"} <= set(obce.columns)
          else np.full((len(obce), 2), np.nan))
    missing = np.isnan(xy).any(axis=1)
    if missing.any() and isinstance(obce, gpd.GeoDataFrame):
        rep = obce.geometry[missing].representative_point()
        xy[missing, 0] = rep.x.to_numpy()
        xy[missing, 1] = rep.y.to_numpy()
    return xy


def assign_obce(points: gpd.GeoSeries, obce: gpd.GeoDataFrame) -> list[str]:
    """Obec code of each point (EPSG:5514): the polygon containing it, else the nearest obec point.

    ``obce`` has ``kod_obce`` and ``x``/``y``; polygons are used where its geometries are polygons
    (a point on a generalised border may fall into the neighbour; the nearest definition point
    decides then).  Empty points give ``""``.
    """
    from scipy.spatial import cKDTree

    out = [""] * len(points)
    valid = [i for i, g in enumerate(points) if g is not None and not g.is_empty]
    if not valid or len(obce) == 0:
        return out
    pts = gpd.GeoSeries([points.iloc[i] for i in valid], crs=CRS)
    codes = obce["kod_obce"].astype(str).to_numpy()
    polys = obce[obce.geometry.geom_type.isin(["Polygon", "MultiPolygon"])] if isinstance(obce, gpd.GeoDataFrame) \
        else obce.iloc[0:0]
    hit: dict[int, str] = {}
    if len(polys):
        joined = gpd.sjoin(gpd.GeoDataFrame(geometry=pts.values, crs=CRS),
                           gpd.GeoDataFrame({"kod": polys["kod_obce"].astype(str).to_numpy()},
                                            geometry=polys.geometry.values, crs=CRS),
                           how="left", predicate="within")
        for idx, kod in joined["kod"].items():
            if isinstance(kod, str) and idx not in hit:
                hit[int(idx)] = kod
    tree = cKDTree(_obec_xy(obce))
    _, nearest = tree.query(np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()]))
    for k, i in enumerate(valid):
        out[i] = hit.get(k, codes[int(nearest[k])])
    return out


def locate_sites(
    services: Services,
    obce: gpd.GeoDataFrame | pd.DataFrame,
    address_points: pd.DataFrame | None = None,
    warnings: Report | None = None,
) -> Services:
    """Give every site a point (EPSG:5514) and an obec.

    Parameters
    ----------
    services : Services
        Sites with or without points.
    obce : DataFrame
        Obce with ``kod_obce``, ``x``, ``y`` (metres, EPSG:5514) and optionally ``nazev_obce`` and
        polygons — e.g. all obce of Czechia from
        :func:`coverage_app.io.municipalities.read_municipalities`.
    address_points : DataFrame, optional
        RÚIAN address points indexed by the address code (``str``) with ``x``/``y`` (EPSG:5514)
        and optionally ``kod_obce`` (see :mod:`coverage_app.io.addresses`).
    warnings : Report, optional
        Receives one warning per site placed at its obec's point or not placed at all (with the
        file and row the site comes from).

    Returns
    -------
    Services
        A copy; sites already with coordinates keep them; sites with a point but no obec code
        get the obec they lie in (:func:`assign_obce`).
    """
    sites = services.sites.copy()
    xy = _obec_xy(obce)
    obce = obce.assign(x=xy[:, 0], y=xy[:, 1])
    obce_idx = obce.set_index(obce["kod_obce"].astype(str))
    names = obce_idx["nazev_obce"] if "nazev_obce" in obce_idx else pd.Series(dtype=str)
    src_rows = list(sites["source_row"]) if "source_row" in sites else [None] * len(sites)
    default_file = services.source_files[0] if services.source_files else ""
    src_files = [str(f) if isinstance(f, str) and f else default_file
                 for f in (sites["source_file"] if "source_file" in sites else [None] * len(sites))]
    geoms = list(sites.geometry)
    methods = list(sites["location_method"])
    kods = list(sites["kod_obce"])
    obec_names = list(sites["obec_name"])
    warned: set[str] = set()
    site_ids = list(sites["site_id"])
    # rows the reader already reported as having nothing to place them by
    read_unplaceable = {(p.file, p.row) for p in (warnings.problems if warnings is not None else ())
                        if p.code == "warn.site_no_location"}

    def warn(i: int, column: str, key: str, **params: object) -> None:
        if warnings is not None and site_ids[i] not in warned:
            warned.add(site_ids[i])
            warnings.add(src_files[i], _row(src_rows[i]), column, key, severity="warning", **params)

    for i, (geom, code, kod) in enumerate(zip(geoms, sites["address_code"], kods)):
        if geom is not None and not geom.is_empty:
            methods[i] = "coordinates" if methods[i] in ("", "none") else methods[i]
            continue
        if code and address_points is not None and str(code) in address_points.index:
            hit = address_points.loc[str(code)]
            if isinstance(hit, pd.DataFrame):
                hit = hit.iloc[0]
            if pd.notna(hit["x"]) and pd.notna(hit["y"]):
                geoms[i] = Point(float(hit["x"]), float(hit["y"]))
                methods[i] = "address_point"
                if not kod and "kod_obce" in hit and pd.notna(hit["kod_obce"]):
                    kods[i] = str(hit["kod_obce"])
                continue
        if kod and kod in obce_idx.index:
            row = obce_idx.loc[kod]
            geoms[i] = Point(float(row["x"]), float(row["y"]))
            methods[i] = "obec_point"
            if not obec_names[i] and kod in names.index:
                obec_names[i] = str(names.loc[kod])
            code_txt = str(code) if code else ""
            if code_txt and address_points is not None:
                warn(i, "kod_adresniho_mista", "warn.address_code_not_found", value=code_txt,
                     obec=f"{kod} {obec_names[i]}".strip())
            elif not sites["secret_address"].iloc[i]:
                warn(i, "kod_adresniho_mista", "warn.site_at_obec_point", obec=f"{kod} {obec_names[i]}".strip())
            continue
        methods[i] = "none"
        if kod:
            warn(i, "kod_obce", "warn.site_unknown_obec", obec=kod)
        elif (src_files[i], _row(src_rows[i])) not in read_unplaceable:
            warn(i, "kod_obce", "warn.site_not_placed")
    missing = [i for i, (k, g) in enumerate(zip(kods, geoms)) if not k and g is not None and not g.is_empty]
    if missing:
        found = assign_obce(gpd.GeoSeries([geoms[i] for i in missing], crs=CRS), obce)
        for i, kod in zip(missing, found):
            kods[i] = kod
            if not obec_names[i] and kod in names.index:
                obec_names[i] = str(names.loc[kod])
    sites["kod_obce"] = kods
    sites["obec_name"] = obec_names
    sites["location_method"] = methods
    sites = gpd.GeoDataFrame(sites.drop(columns="geometry"), geometry=gpd.GeoSeries(geoms, crs=CRS), crs=CRS)
    return Services(services.services.copy(), sites, services.capacities.copy(), services.kinds,
                    services.snapshot, services.source_files)


def _row(value: object) -> int | None:
    try:
        return None if value is None or pd.isna(value) else int(value)
    except (TypeError, ValueError):
        return None


_TOKEN = re.compile(r"(?i)^(ORP|POU|POÚ):(\d+)$")


def expand_service_area(tokens: tuple[str, ...] | list[str], obce: pd.DataFrame) -> tuple[str, ...]:
    """Obec codes of a declared service area; ``ORP:6221``/``POU:62211`` tokens become their obce.

    ``obce`` has ``kod_obce``, ``kod_orp`` and ``kod_pou`` (ČSÚ codes).  Unknown tokens are kept
    out; obec codes are kept as they are (they may lie outside the loaded district).
    """
    out: list[str] = []
    for tok in tokens:
        m = _TOKEN.match(str(tok).strip())
        if not m:
            out.append(str(tok).strip())
            continue
        level, code = m.group(1).upper().replace("Ú", "U"), m.group(2)
        if level == "ORP":
            csu = to_csu_orp(code) or code
            out.extend(obce.loc[obce["kod_orp"].astype(str) == csu, "kod_obce"].astype(str))
        else:
            csu = to_csu_pou(code) or code
            out.extend(obce.loc[obce["kod_pou"].astype(str) == csu, "kod_obce"].astype(str))
    return tuple(dict.fromkeys(out))


def expand_service_areas(services: Services, obce: pd.DataFrame) -> Services:
    """A copy of ``services`` whose service areas list obec codes only (see :func:`expand_service_area`)."""
    sv = services.services.copy()
    sv["service_area"] = [expand_service_area(a, obce) for a in sv["service_area"]]
    return Services(sv, services.sites.copy(), services.capacities.copy(), services.kinds,
                    services.snapshot, services.source_files)
