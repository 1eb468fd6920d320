"""Placing service sites on the map and expanding declared service areas.

A site is placed, in this order, by its own coordinates, by its RÚIAN address point
(``kodAdresnihoMista``), or — flagged — at the point of its obec.  Every site records how it was
placed in ``location_method`` (``coordinates``, ``address_point``, ``obec_point`` or ``none``).
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from coverage_app.admin import to_csu_orp, to_csu_pou
from coverage_app.errors import Report
from coverage_app.model import CRS, Services

__all__ = ["locate_sites", "expand_service_area", "expand_service_areas"]


def locate_sites(
    services: Services,
    obce: gpd.GeoDataFrame | pd.DataFrame,
    address_points: pd.DataFrame | None = None,
    warnings: Report | None = None,
) -> Services:
    """Give every site a point (EPSG:5514).

    Parameters
    ----------
    services : Services
        Sites with or without points.
    obce : DataFrame
        Obce with ``kod_obce``, ``x``, ``y`` (metres, EPSG:5514) and optionally ``nazev_obce`` —
        e.g. all obce of Czechia from :func:`coverage_app.io.municipalities.read_municipalities`.
    address_points : DataFrame, optional
        RÚIAN address points indexed by the address code (``str``) with ``x``/``y`` (EPSG:5514)
        and optionally ``kod_obce`` (see :mod:`coverage_app.io.addresses`).
    warnings : Report, optional
        Receives one warning per site placed at its obec's point or not placed at all.

    Returns
    -------
    Services
        A copy; sites already with coordinates keep them.
    """
    sites = services.sites.copy()
    obce_idx = obce.set_index(obce["kod_obce"].astype(str))
    names = obce_idx["nazev_obce"] if "nazev_obce" in obce_idx else pd.Series(dtype=str)
    src_rows = list(sites["source_row"]) if "source_row" in sites else [None] * len(sites)
    src_file = services.source_files[0] if services.source_files else ""
    geoms = list(sites.geometry)
    methods = list(sites["location_method"])
    kods = list(sites["kod_obce"])
    obec_names = list(sites["obec_name"])
    warned: set[str] = set()
    site_ids = list(sites["site_id"])
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
            if warnings is not None and site_ids[i] not in warned:
                warned.add(site_ids[i])
                code_txt = str(code) if code else ""
                key = "warn.address_code_not_found" if code_txt and address_points is not None else "warn.site_at_obec_point"
                warnings.add(src_file, _row(src_rows[i]), "kod_adresniho_mista",
                             key, severity="warning", value=code_txt, obec=f"{kod} {obec_names[i]}".strip())
            continue
        methods[i] = "none"
        if warnings is not None and site_ids[i] not in warned:
            warned.add(site_ids[i])
            warnings.add(src_file, _row(src_rows[i]), "kod_obce",
                         "warn.site_at_obec_point", severity="warning", obec=kod or "?")
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
