"""Municipalities (obce) from GeoPackage, GeoJSON, Shapefile (also zipped) and CSV.

The reader recognises the usual column names of ČÚZK/RÚIAN, ČSÚ and RCzechia exports
(``KOD_OBEC``, ``kod``, ``kod_obce``, ``NAZ_OBEC``, ``KOD_ORP``, ``POU_KOD``, ``POCET_OBYVATEL``…),
converts ORP/POÚ codes given in the RÚIAN system to ČSÚ codes, and reprojects to EPSG:5514.
CSV files give points as WGS 84 ``lat``/``lon`` or as S-JTSK ``x``/``y`` — negative EPSG:5514
values or RÚIAN's positive ``Y``/``X`` (x = −Y, y = −X).

>>> obce = read_municipalities("obce_polygony_cr.gpkg")          # doctest: +SKIP
>>> district = load_district(obce, "ORP:1376")                   # doctest: +SKIP
>>> len(district), district.total_population                     # doctest: +SKIP
(24, 33816)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from coverage_app.admin import DistrictSpec, district_mask, orp_codes, parse_district_spec, pou_codes
from coverage_app.errors import DataError, Report
from coverage_app.io.tables import find_column, parse_number, read_table
from coverage_app.model import (
    CRS,
    District,
    in_czechia_5514,
    in_czechia_wgs84,
)

__all__ = ["read_municipalities", "load_district", "select_district", "MUNICIPALITY_COLUMNS"]

#: More people than this in one obec (Praha has 1,3 million) is most likely a typing error: warned.
MAX_OBEC_POPULATION = 1_500_000
#: … and above this one (twice Prague) it is impossible: refused, not to reach every count of people.
MAX_POSSIBLE_POPULATION = 3_000_000

#: Recognised column names (first match wins; case and diacritics are ignored).
MUNICIPALITY_COLUMNS: dict[str, tuple[str, ...]] = {
    "kod_obce": ("KOD_OBEC", "kod_obce", "kod_obec", "OBEC_KOD", "obec_kod", "kod", "KOD", "kód obce",
                 "kodobce", "obec_id", "ICOB"),
    "nazev_obce": ("NAZ_OBEC", "nazev_obce", "nazev_obec", "OBEC_NAZEV", "obec_nazev", "nazev", "NAZEV",
                   "název obce", "obec", "name"),
    "kod_pou": ("KOD_POU", "kod_pou", "POU_KOD", "pou_kod", "kod_pou_csu", "kod_pou_ruian"),
    "nazev_pou": ("NAZ_POU", "nazev_pou", "POU_NAZEV", "pou_nazev"),
    "kod_orp": ("KOD_ORP", "kod_orp", "ORP_KOD", "orp_kod", "kod_orp_csu", "kod_orp_ruian"),
    "nazev_orp": ("NAZ_ORP", "nazev_orp", "ORP_NAZEV", "orp_nazev"),
    "kod_okresu": ("KOD_LAU1", "lau1_kod", "kod_lau1", "kod_okresu"),
    "kod_okresu_csu": ("KOD_OKRES", "kod_okres", "okres_kod_csu"),
    "nazev_okresu": ("NAZ_LAU1", "nazev_okresu", "okres", "nazev_lau1"),
    "population": ("POCET_OBYVATEL", "pocet_obyvatel", "obyvatel", "obyvatele", "population",
                   "obyvatel_2020_01_01", "pocet_obyv", "pop"),
    "lat": ("lat", "latitude", "sirka", "zemepisna_sirka", "rep_lat", "y_wgs84", "wgs84_lat"),
    "lon": ("lon", "lng", "long", "longitude", "delka", "zemepisna_delka", "rep_lon", "x_wgs84", "wgs84_lon"),
    "x": ("x", "x_sjtsk", "sjtsk_x", "souradnice x", "souradnice_x", "definicni_bod_x", "X"),
    "y": ("y", "y_sjtsk", "sjtsk_y", "souradnice y", "souradnice_y", "definicni_bod_y", "Y"),
    "status": ("STATUS", "status", "status_obce", "typ_obce"),
}

#: The statuses an obec may have (the column ``status``: printed titles say "Město Židlochovice").
OBEC_STATUSES: tuple[str, ...] = ("obec", "městys", "město", "statutární město", "hlavní město")

_VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".zip", ".fgb", ".gml")


def _column(cols: list[str], key: str) -> str | None:
    hit = find_column(cols, MUNICIPALITY_COLUMNS[key])
    if hit is None and key == "population":
        hit = next((c for c in cols if str(c).lower().startswith(("obyvatel", "pocet_obyv"))), None)
    return hit


def sjtsk_from_pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:5514 x, y from two S-JTSK coordinate columns in any sign and order.

    In Czechia |x| lies in 430–910 km and |y| in 930–1 240 km, so the larger magnitude is the
    y axis: RÚIAN's positive ``Y``/``X`` give x = −Y, y = −X; already negative values pass.
    """
    a = np.abs(np.asarray(a, dtype=float))
    b = np.abs(np.asarray(b, dtype=float))
    x = -np.where(a < b, a, b)
    y = -np.where(a < b, b, a)
    return x, y


def read_municipalities(path: str | Path, layer: str | None = None, *,
                        display_name: str | None = None, warnings: Report | None = None) -> gpd.GeoDataFrame:
    """Read obce from a vector file or a CSV into a normalised table (EPSG:5514).

    Returns a GeoDataFrame with ``kod_obce``, ``nazev_obce``, ``kod_pou``, ``nazev_pou``,
    ``kod_orp``, ``nazev_orp`` (ČSÚ codes; RÚIAN codes are converted), ``population`` (people,
    NaN where the file has none), ``x``/``y`` (the obec point in metres where the file gives one,
    else NaN) and ``geometry`` (polygon, or point for point files), plus ``source_row``.

    Raises
    ------
    DataError
        With every problem found (missing columns, bad codes, coordinates outside Czechia or
        with latitude and longitude swapped, no obec at all, no coordinate system, metres declared
        as degrees, points mixed with polygons…), each naming file, row and column.

    Invalid polygons (a bow-tie) are repaired, each with a warning naming the obec, into
    ``warnings`` when given.
    """
    path = Path(path)
    name = display_name or path.name
    if not path.exists():
        raise DataError.single(name, None, None, "err.file_not_found")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".xlsx"):
        return _read_csv(path, name, warnings)
    if suffix not in _VECTOR_SUFFIXES:
        raise DataError.single(name, None, None, "err.unknown_format", ext=suffix,
                               expected="GPKG, GeoJSON, SHP, ZIP (SHP), CSV, XLSX")
    if suffix == ".zip":
        from coverage_app.io.archives import open_zip

        open_zip(path, name).close()  # a bomb is refused before GDAL expands it
    try:
        gdf = gpd.read_file(path, layer=layer) if layer else _read_vector(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
        raise DataError.single(name, None, None, "err.unreadable", detail=str(exc).splitlines()[0]) from None
    return _normalise_vector(gdf, name, warnings)


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    """Read the obce layer of a vector file (for multi-layer files, the layer with an obec code)."""
    layers = pyogrio.list_layers(path)
    if len(layers) <= 1:
        return gpd.read_file(path)
    best = None
    for lname, _gtype in layers:
        cols = list(pyogrio.read_info(path, layer=lname)["fields"])
        if _column(cols, "kod_obce") is not None:
            lname_norm = str(lname).lower()
            if best is None or "obec" in lname_norm or "obce" in lname_norm:
                best = lname
    return gpd.read_file(path, layer=best) if best is not None else gpd.read_file(path)


def _normalise_vector(gdf: gpd.GeoDataFrame, name: str, warnings: Report | None = None) -> gpd.GeoDataFrame:
    report = Report()
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    kod = _column(cols, "kod_obce")
    if kod is None:
        raise DataError.single(name, None, None, "err.missing_one_of",
                               columns=", ".join(MUNICIPALITY_COLUMNS["kod_obce"][:4]))
    if len(gdf) == 0:
        raise DataError.single(name, None, None, "err.no_obce")
    _check_geometry_kinds(gdf, name)
    minx, miny, maxx, maxy = gdf.total_bounds
    in_degrees = abs(minx) <= 180 and abs(maxx) <= 180 and abs(miny) <= 90 and abs(maxy) <= 90
    if gdf.crs is None:
        if not name.lower().endswith((".geojson", ".json")):  # GeoJSON is WGS 84 by the standard
            raise DataError.single(name, None, None, "err.no_crs")
        gdf = gdf.set_crs(4326, allow_override=True)
    if gdf.crs.is_geographic and not in_degrees:
        raise DataError.single(name, None, None, "err.crs_mismatch", crs=gdf.crs.to_string(),
                               x=round(float(minx)), y=round(float(miny)))
    gdf = gdf.to_crs(CRS)
    rows = list(range(1, len(gdf) + 1))
    out = pd.DataFrame(index=gdf.index)
    _fill_attributes(out, gdf, cols, name, rows, report, warnings)
    out["x"] = np.nan
    out["y"] = np.nan
    geom = gdf.geometry
    pts = geom.geom_type == "Point"
    out.loc[pts, "x"] = geom[pts].x
    out.loc[pts, "y"] = geom[pts].y
    empty = pd.Series(~_has_geometry(geom), index=geom.index)
    for i in np.flatnonzero(empty.to_numpy()):
        report.add(name, rows[i], None, "err.no_geometry")
    if (~empty).any():
        c = geom[~empty].representative_point()
        outside = ~in_czechia_5514(c.x.to_numpy(), c.y.to_numpy())
        cx, cy = c.x.to_numpy(), c.y.to_numpy()
        for j, i in enumerate(np.flatnonzero(~empty.to_numpy())):
            if outside[j]:
                report.add(name, rows[i], "geometry", "err.outside_czechia", x=round(float(cx[j])),
                           y=round(float(cy[j])))
    report.raise_if_errors()
    invalid = ~geom.is_valid & ~empty
    if invalid.any():
        for i in np.flatnonzero(invalid.to_numpy()):
            if warnings is not None:
                warnings.add(name, rows[i], "geometry", "warn.geometry_repaired", severity="warning",
                             obec=f"{out['kod_obce'].iloc[i]} {out['nazev_obce'].iloc[i]}".strip())
        geom = geom.where(~invalid, geom.make_valid())
    res = gpd.GeoDataFrame(out, geometry=geom, crs=CRS)
    res["source_row"] = rows
    return res.reset_index(drop=True)


def _check_geometry_kinds(gdf: gpd.GeoDataFrame, name: str) -> None:
    """Points and polygons in one layer are refused (the first row of the less common kind named)."""
    kinds = gdf.geometry.geom_type.map({"Polygon": "polygon", "MultiPolygon": "polygon", "Point": "point",
                                        "MultiPoint": "point"}).fillna("other")
    present = kinds[_has_geometry(gdf.geometry)]
    if present.nunique() > 1:
        minority = present.value_counts().index[-1]
        row = int(np.flatnonzero((kinds == minority).to_numpy())[0]) + 1
        raise DataError.single(name, row, "geometry", "err.mixed_geometry",
                               kinds=", ".join(sorted(set(present))))


def _has_geometry(geom: gpd.GeoSeries) -> np.ndarray:
    """Rows with a geometry that is neither missing nor empty (without GeoPandas' warning about
    ``notna`` on empty geometries)."""
    return np.fromiter((g is not None and not g.is_empty for g in geom.array), dtype=bool, count=len(geom))


def _fill_attributes(out: pd.DataFrame, src: pd.DataFrame, cols: list[str], name: str, rows: list[int],
                     report: Report, warnings: Report | None = None) -> None:
    kod = _column(cols, "kod_obce")
    codes = src[kod].map(_code_text)
    first_row: dict[str, int] = {}
    for i, c in enumerate(codes):
        if not (c.isdigit() and len(c) == 6):
            report.add(name, rows[i], kod, "err.bad_obec_code", value=c)
        elif c in first_row:
            report.add(name, rows[i], kod, "err.duplicate_code", value=c, first=first_row[c])
        else:
            first_row[c] = rows[i]
    out["kod_obce"] = codes.to_numpy()
    nazev = _column(cols, "nazev_obce")
    out["nazev_obce"] = src[nazev].fillna("").astype(str).to_numpy() if nazev else ""
    pou = _column(cols, "kod_pou")
    orp = _column(cols, "kod_orp")
    pou_csu = _map_unique(src[pou], lambda v: _pou_to_csu(_code_text(v))) if pou else pd.Series("", index=src.index)
    out["kod_pou"] = pou_csu.to_numpy()
    if orp:
        orp_csu = _map_unique(src[orp], lambda v: _orp_to_csu(_code_text(v)))
    else:
        orp_by_pou = pou_codes().set_index("kod_pou_csu")["kod_orp_csu"]
        orp_csu = pou_csu.map(orp_by_pou).fillna("")
    out["kod_orp"] = orp_csu.to_numpy()
    if warnings is not None:  # an ORP code of neither codelist: districts by ORP would miss these obce
        known = set(orp_codes()["kod_orp_csu"])
        seen: set[str] = set()
        for i, code in enumerate(out["kod_orp"].tolist()):
            if code and code not in known and code not in seen:
                seen.add(code)
                warnings.add(name, rows[i], orp or "kod_orp", "warn.unknown_orp", severity="warning", value=code)
    npou = _column(cols, "nazev_pou")
    norp = _column(cols, "nazev_orp")
    pou_names = pou_codes().set_index("kod_pou_csu")["nazev_pou"]
    orp_names = orp_codes().set_index("kod_orp_csu")["nazev_orp"]
    out["nazev_pou"] = (src[npou].fillna("").astype(str).to_numpy() if npou
                        else out["kod_pou"].map(pou_names).fillna("").to_numpy())
    out["nazev_orp"] = (src[norp].fillna("").astype(str).to_numpy() if norp
                        else out["kod_orp"].map(orp_names).fillna("").to_numpy())
    status = _column(cols, "status")
    if status:  # optional: "město", "městys" or "obec" (anything else is left out)
        values = src[status].fillna("").astype(str).str.strip().str.lower()
        out["status"] = values.where(values.isin(OBEC_STATUSES), "").to_numpy()
    for key in ("kod_okresu", "kod_okresu_csu", "nazev_okresu"):  # optional: OKRES:… districts
        col = _column(cols, key)
        if col:
            out[key] = src[col].map(_code_text).astype(str).to_numpy()
    popc = _column(cols, "population")
    if popc:
        vals = []
        for i, v in enumerate(src[popc].tolist()):
            try:
                num = parse_number(v) if isinstance(v, str) else (None if pd.isna(v) else float(v))
            except ValueError:
                report.add(name, rows[i], popc, "err.not_a_number", value=v)
                num = None
            if num is not None and num < 0:
                report.add(name, rows[i], popc, "err.negative", value=v)
            elif num is not None and num > MAX_POSSIBLE_POPULATION:
                report.add(name, rows[i], popc, "err.population_impossible", value=v,
                           limit=f"{MAX_POSSIBLE_POPULATION:,}".replace(",", "\u00a0"))
            elif num is not None and num > MAX_OBEC_POPULATION and warnings is not None:
                warnings.add(name, rows[i], popc, "warn.population_implausible", severity="warning",
                             value=v, limit=f"{MAX_OBEC_POPULATION:,}".replace(",", " "))
            vals.append(np.nan if num is None else num)
        out["population"] = vals
    else:
        out["population"] = np.nan


def _map_unique(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computing ``fn`` once per distinct value (codes repeat a lot)."""
    values = values.astype(object)
    lookup = {v: fn(v) for v in pd.unique(values)}
    return pd.Series([lookup[v] for v in values], index=values.index, dtype=object)


def _code_text(v: object) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    s = str(v).strip()
    return s[:-2] if s.endswith(".0") and s[:-2].isdigit() else s


def _orp_to_csu(code: str) -> str:
    from coverage_app.admin import to_csu_orp

    return (to_csu_orp(code) or code) if code else ""


def _pou_to_csu(code: str) -> str:
    from coverage_app.admin import to_csu_pou

    return (to_csu_pou(code) or code) if code else ""


def _read_csv(path: Path, name: str, warnings: Report | None = None) -> gpd.GeoDataFrame:
    table = read_table(path, display_name=name)
    df = table.frame
    cols = list(df.columns)
    report = Report()
    kod = _column(cols, "kod_obce")
    if kod is None:
        raise DataError.single(name, 1, None, "err.missing_one_of",
                               columns=", ".join(MUNICIPALITY_COLUMNS["kod_obce"][:4]))
    out = pd.DataFrame(index=df.index)
    _fill_attributes(out, df, cols, name, table.rows, report, warnings)
    lat, lon = _column(cols, "lat"), _column(cols, "lon")
    xc, yc = _column(cols, "x"), _column(cols, "y")
    if not ((lat and lon) or (xc and yc)):
        report.add(name, 1, None, "err.missing_one_of", columns="lat + lon, x + y, Souřadnice Y + Souřadnice X")
        report.raise_if_errors()
    xs = np.full(len(df), np.nan)
    ys = np.full(len(df), np.nan)
    ca, cb = (lon, lat) if (lat and lon) else (xc, yc)
    for i in range(len(df)):
        row = table.rows[i]
        try:
            a = parse_number(df.iloc[i][ca])
        except ValueError:
            report.add(name, row, ca, "err.not_a_number", value=df.iloc[i][ca])
            continue
        try:
            b = parse_number(df.iloc[i][cb])
        except ValueError:
            report.add(name, row, cb, "err.not_a_number", value=df.iloc[i][cb])
            continue
        if a is None or b is None:
            report.add(name, row, ca if a is None else cb, "err.missing_value")
            continue
        if lat and lon:
            lo, la = a, b
            if not in_czechia_wgs84(lo, la):
                if in_czechia_wgs84(la, lo):
                    report.add(name, row, lat, "err.latlon_swapped", lat=la, lon=lo)
                else:
                    report.add(name, row, lat, "err.outside_czechia", x=lo, y=la)
                continue
            xs[i], ys[i] = lo, la
        else:
            x, y = sjtsk_from_pair(np.array([a]), np.array([b]))
            if not in_czechia_5514(x, y)[0]:
                report.add(name, row, xc, "err.outside_czechia", x=a, y=b)
                continue
            xs[i], ys[i] = x[0], y[0]
    report.raise_if_errors()
    if lat and lon:
        pts = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=4326).to_crs(CRS)
    else:
        pts = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=CRS)
    out["x"] = pts.x.to_numpy()
    out["y"] = pts.y.to_numpy()
    res = gpd.GeoDataFrame(out, geometry=pts.to_numpy(), crs=CRS)
    res["source_row"] = table.rows
    return res.reset_index(drop=True)


def select_district(obce: gpd.GeoDataFrame, spec: str | DistrictSpec) -> tuple[gpd.GeoDataFrame, DistrictSpec]:
    """The obce of a district (``ORP:6221``, ``ORP:1376``, ``POU:81142``, a name…).

    Raises :class:`DataError` when the district is unknown or has no obce in the data.
    """
    resolved = spec if isinstance(spec, DistrictSpec) else parse_district_spec(spec)
    mask = district_mask(obce, resolved)
    if not mask.any():
        raise DataError.single("", None, None, "err.unknown_district", value=str(spec))
    return obce[mask].copy(), resolved


def load_district(
    municipalities: gpd.GeoDataFrame | str | Path,
    spec: str | DistrictSpec,
    *,
    population: pd.DataFrame | None = None,
    population_source: str = "",
    age_shares: Mapping[str, float] | None = None,
    points: gpd.GeoDataFrame | str | Path | None = None,
) -> District:
    """Build a :class:`~coverage_app.model.District` for one ORP/POÚ (or list of obce).

    Parameters
    ----------
    municipalities : GeoDataFrame or path
        Obce as returned by :func:`read_municipalities`, or a file to read.
    spec : str or DistrictSpec
        ``ORP:6221``, ``ORP:1376``, ``POU:81142``, ``POU:3468``, a name, ``OBCE:584282;583031``.
    population : DataFrame, optional
        Indexed by ``kod_obce`` with ``population`` and optionally ``pop_<band>`` columns (from
        :mod:`coverage_app.io.population`); replaces the population of the municipality file.
    age_shares : mapping, optional
        Shares of the base age bands used where bands must be estimated (default: ČR 2020).
    points : GeoDataFrame or path, optional
        Definition points of the obce (e.g. RÚIAN ``obce_body``); used as travel origins instead
        of the polygons' representative points.
    """
    sources: list[str] = []
    if not isinstance(municipalities, gpd.GeoDataFrame):
        sources.append(Path(municipalities).name)
        municipalities = read_municipalities(municipalities)
    part, resolved = select_district(municipalities, spec)
    if points is not None:
        if not isinstance(points, gpd.GeoDataFrame):
            sources.append(Path(points).name)
            points = read_municipalities(points)
        pts = points.set_index("kod_obce")
        px = part["kod_obce"].map(pts["x"].where(pts["x"].notna(), pts.geometry.representative_point().x))
        py = part["kod_obce"].map(pts["y"].where(pts["y"].notna(), pts.geometry.representative_point().y))
        part["x"] = px.where(px.notna(), part["x"])
        part["y"] = py.where(py.notna(), part["y"])
    if resolved.level == "OBCE":
        missing = sorted(set(resolved.obce) - set(part["kod_obce"]))
        if missing:
            raise DataError.single("", None, None, "err.unknown_obec_code", value=", ".join(missing))
    level = resolved.level if resolved.level in ("ORP", "POU", "KRAJ", "OKRES", "CR") else "custom"
    label = resolved.label
    if resolved.level == "OKRES" and "nazev_okresu" in part and part["nazev_okresu"].iloc[0]:
        label = f"okres {part['nazev_okresu'].iloc[0]}"
    district = District(part.drop(columns=["source_row"], errors="ignore"), name=label,
                        level=level, code=resolved.code,
                        population_source=population_source, source_files=tuple(sources))
    if population is not None:
        district = district.with_population(population, source=population_source, age_shares=age_shares)
    elif age_shares is not None:
        district = district.with_population(district.obce.set_index("kod_obce")[["population"]],
                                            source=population_source, age_shares=age_shares)
    return district
