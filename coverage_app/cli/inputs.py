"""Reading the user's files for the commands: what a file holds, the obce and services, the roads."""

from __future__ import annotations

import re

from pathlib import Path

from coverage_app.cli import _exists
from coverage_app.errors import DataError, Problem, Report


def detect_file_kind(path: Path) -> str | None:
    """What an input file holds: ``municipalities``, ``population``, ``services``, ``rpss``,
    ``codelist``, ``addresses``, ``roads``, ``speeds``, ``norms``, ``custom_kinds`` (or ``None``)."""
    from coverage_app.io.tables import find_column, read_table

    suffix = "".join(path.suffixes[-2:]).lower() if path.name.lower().endswith((".osm.pbf", ".osm.bz2")) else path.suffix.lower()
    if suffix in (".osm", ".pbf", ".osm.pbf", ".osm.bz2", ".o5m"):
        return "roads"
    if suffix == ".json":
        return _json_kind(path)
    if suffix in (".gpkg", ".geojson", ".shp", ".zip", ".fgb", ".gml"):
        if suffix == ".zip" and _zip_has_adr(path):
            return "addresses"
        if suffix == ".gpkg" and _is_project(path):
            return "project"
        return _vector_kind(path)
    if suffix not in (".csv", ".xlsx", ".xlsm", ".txt"):
        return None
    table = read_table(path, expected_columns=1)
    cols = list(table.frame.columns)
    if len(cols) == 1 and suffix != ".xlsx":
        raise DataError.single(path.name, 1, None, "err.delimiter", header=str(cols[0])[:80])
    norm = {c.lower() for c in cols}
    if find_column(cols, ("Kód ADM",)) and find_column(cols, ("Souřadnice Y",)):
        return "addresses"
    if find_column(cols, ("na_1000", "per_1000")):
        return "norms"
    from coverage_app.io.services import is_service_area_table

    if is_service_area_table(path):
        return "service_areas"
    if find_column(cols, ("id_sluzby", "service_id", "mpsv_portal_id")) or (
            find_column(cols, ("druh", "druh_kod")) and find_column(cols, ("forma",))):
        return "services"
    if find_column(cols, ("vekova_skupina",)) and find_column(cols, ("id",)) and find_column(cols, ("nazev",)):
        return "custom_kinds"
    from coverage_app.access import is_access_columns

    if is_access_columns(cols):
        return "access"
    if any(("km/h" in str(c).lower() or "kmh" in str(c).lower() or "rychlost" in str(c).lower()
            or "speed" in str(c).lower()) for c in cols) and len(cols) <= 4:
        return "speeds"
    if {"hodnota"} <= norm and (norm & {"vuzemi_kod", "uzemi_kod"}):
        return "population"
    from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS

    has_code = find_column(cols, MUNICIPALITY_COLUMNS["kod_obce"]) is not None
    has_xy = (find_column(cols, MUNICIPALITY_COLUMNS["lat"]) and find_column(cols, MUNICIPALITY_COLUMNS["lon"])) or (
        find_column(cols, MUNICIPALITY_COLUMNS["x"]) and find_column(cols, MUNICIPALITY_COLUMNS["y"]))
    if has_code and has_xy:
        return "municipalities"
    if has_code:
        return "population"
    return None


#: Bytes of a JSON file read to tell what it holds (the national registry is ~100 MB).
_JSON_HEAD = 200_000


def _json_kind(path: Path) -> str | None:
    """What a ``.json`` file holds (``rpss``, ``codelist``, a vector kind or ``None``).

    An empty file, UTF-16 text and a small file that is not JSON at all (or nested too deeply to
    be data) raise :class:`DataError` saying so; a large file is judged by its beginning only.
    """
    import json

    from coverage_app.io import rpss  # noqa: F401  (registers the JSON messages)

    name = path.name
    with path.open("rb") as fh:
        raw = fh.read(_JSON_HEAD + 1)
    whole = len(raw) <= _JSON_HEAD
    raw = raw[:_JSON_HEAD]
    if not raw.strip():
        raise DataError.single(name, None, None, "err.empty_file")
    if b"\x00" in raw:
        from coverage_app.io.rpss import json_text_problem

        raise json_text_problem(raw, name)
    head = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "druhSocialniSluzby" in head:
        return "rpss"  # the registry's reader says what is wrong with it (no "polozky", bad JSON…)
    if re.search(r'"polozky"\s*:\s*\[\s*\]', head):  # an export that came out empty
        raise DataError.single(name, None, "polozky", "err.registry_empty")
    if '"polozky"' in head:
        return "codelist"
    if '"FeatureCollection"' in head or '"features"' in head:
        return _vector_kind(path)

    try:
        value = json.loads(head)
    except RecursionError:
        raise DataError.single(name, None, None, "err.json_too_deep") from None
    except ValueError as exc:
        if "polozky" in head:
            return "rpss"
        if whole:
            detail = (f"{exc.msg} (řádek {exc.lineno}, znak {exc.colno})" if isinstance(exc, json.JSONDecodeError)
                      else str(exc))
            raise DataError.single(name, None, None, "err.bad_json", detail=detail) from None
    else:
        if not isinstance(value, (dict, list)):
            raise DataError.single(name, None, None, "err.bad_structure",
                                   detail="JSON obsahuje jedinou hodnotu, ne objekt se seznamem „polozky“")
    return None


def _is_project(path: Path) -> bool:
    """Whether a GeoPackage is a project of ``coverage-app import`` (its layers ``meta`` and ``sluzby``)."""
    import pyogrio

    try:
        layers = {str(name) for name, _ in pyogrio.list_layers(path)}
    except Exception:  # noqa: BLE001  (the vector reader says what is wrong with the file)
        return False
    return {"meta", "sluzby", "obce"} <= layers


def _zip_has_adr(path: Path) -> bool:
    """Whether a zip holds RÚIAN address-point files; a bomb, a member outside the archive, an
    encrypted member or a file that is no zip raise :class:`DataError` (:func:`open_zip`)."""
    from coverage_app.io.archives import open_zip

    with open_zip(path) as zf:
        names = zf.namelist()
    if not names:
        raise DataError.single(path.name, None, None, "err.empty_file")
    return any(n.lower().endswith("_adr.csv") for n in names)


def _vector_kind(path: Path) -> str | None:
    """``municipalities`` or ``roads`` for a vector file by its fields and geometry type.

    A file GDAL cannot open raises :class:`DataError` with a Czech sentence and GDAL's words
    after it; a layer with no features and no obec code is refused as empty.
    """
    import pyogrio

    from coverage_app.io.municipalities import MUNICIPALITY_COLUMNS
    from coverage_app.io.tables import find_column

    try:
        layers = pyogrio.list_layers(path)
        infos = [(gtype, pyogrio.read_info(path, layer=lname)) for lname, gtype in layers]
    except Exception as exc:  # pyogrio's DataSourceError & co.: the file is not what its suffix says
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError.single(path.name, None, None, "err.unreadable", detail=detail) from None
    for gtype, info in infos:
        if find_column(list(info["fields"]), MUNICIPALITY_COLUMNS["kod_obce"]):
            return "municipalities"
    for gtype, info in infos:
        if gtype and "LineString" in str(gtype):
            return "roads"
    for gtype, info in infos:
        if gtype and ("Polygon" in str(gtype) or "Point" in str(gtype)):
            return "municipalities"  # its reader names the missing obec code column
    if infos and all(info.get("features", 0) == 0 for _, info in infos):
        raise DataError.single(path.name, None, None, "err.empty_file")
    return None



#: File names of custom kinds looked for beside a services template when ``--custom-kinds`` is not given.
CUSTOM_KINDS_NAMES: tuple[str, ...] = ("vlastni_druhy.csv", "vlastni_druhy.xlsx", "demo_vlastni_druhy.csv",
                                       "sablona_vlastni_druhy.csv")


def _custom_kinds_beside(services: tuple[Path, ...], warnings: Report | None) -> Path | None:
    """A custom-kinds table in the folder of a services template (``vlastni_druhy.csv``…), used
    with a notice when ``--custom-kinds`` is not given."""
    for path in services:
        if path.suffix.lower() == ".json":
            continue
        stem = path.stem.lower()
        candidates = [path.with_name(f"{stem}_vlastni_druhy.csv"), path.with_name(stem.replace("sluzby", "vlastni_druhy")
                                                                                   + ".csv")]
        candidates += [path.with_name(n) for n in CUSTOM_KINDS_NAMES]
        for cand in candidates:
            if cand != path and cand.exists():
                if warnings is not None:
                    warnings.add(cand.name, None, None, "warn.custom_kinds_beside", severity="warning",
                                 services=path.name)
                return cand
    return None


def _parts_of(obce, address_points) -> list[str]:
    """Names of the parts of each obec (části obce, from the RÚIAN address points) other than the
    obec's own name, ``;``-joined — the public search finds an obec by them."""
    if address_points is None or "cast_obce" not in address_points:
        return [""] * len(obce)
    pts = address_points[["kod_obce", "cast_obce"]].dropna().drop_duplicates()
    names = dict(zip(obce["kod_obce"], obce["nazev_obce"]))
    parts: dict[str, list[str]] = {}
    for code, part in zip(pts["kod_obce"].astype(str), pts["cast_obce"].astype(str)):
        if part and part != names.get(code):
            parts.setdefault(code, []).append(part)
    return [";".join(sorted(set(parts.get(c, [])))) for c in obce["kod_obce"]]


def load_inputs(*, municipalities: Path, population: Path | None, points: Path | None, services: tuple[Path, ...],
                custom_kinds: Path | None, addresses: tuple[Path, ...], age_shares: Path | None,
                registry_codelists: Path | None = None, warnings: Report | None = None):
    """Read the user's files into (obce table with population, Services); shared by import and analyze."""
    from coverage_app.codelists import KindCatalog
    from coverage_app.io.municipalities import read_municipalities
    from coverage_app.io.services import read_custom_kinds, read_services
    from coverage_app.locate import expand_service_areas, locate_sites
    from coverage_app.model import District

    for p in (municipalities, population, points, custom_kinds, age_shares, *services, *addresses):
        _exists(p)
    obce = read_municipalities(municipalities, warnings=warnings)
    if points is not None:
        pts = read_municipalities(points).set_index("kod_obce")
        rp = pts.geometry.representative_point()
        px = obce["kod_obce"].map(pts["x"].fillna(rp.x))
        py = obce["kod_obce"].map(pts["y"].fillna(rp.y))
        obce["x"] = px.where(px.notna(), obce["x"])
        obce["y"] = py.where(py.notna(), obce["y"])
    shares = None
    if age_shares is not None:
        from coverage_app.io.population import read_age_shares

        shares = read_age_shares(age_shares)
    full = District(obce.drop(columns=["source_row"], errors="ignore"), name="all")
    if population is not None:
        from coverage_app.io.population import read_population

        full = full.with_population(read_population(population, age_shares=shares), age_shares=shares)
    elif shares is not None:
        full = full.with_population(full.obce.set_index("kod_obce")[["population"]], age_shares=shares)
    obce_all = full.obce
    kinds = KindCatalog()
    codelists = None
    rpss_files = [p for p in services if p.suffix.lower() == ".json"]
    if registry_codelists is None and rpss_files:
        from coverage_app.io.rpss import CODELIST_FILES

        for folder in (rpss_files[0].parent, rpss_files[0].parent / "ciselniky", rpss_files[0].parent / "codelists"):
            if (folder / CODELIST_FILES["kinds"]).exists():
                registry_codelists = folder
                break
    if registry_codelists is not None:
        from coverage_app.io.rpss import RegistryCodelists

        _exists(registry_codelists)
        codelists = (RegistryCodelists.from_dir(registry_codelists) if registry_codelists.is_dir()
                     else RegistryCodelists.from_paths(kinds=registry_codelists))
        if codelists.kinds:
            kinds.apply_registry_codelist(codelists.kinds)
    if custom_kinds is None:
        custom_kinds = _custom_kinds_beside(services, warnings)
    if custom_kinds is not None:
        kinds = read_custom_kinds(custom_kinds, kinds)
    address_points = None
    if addresses:
        from coverage_app.io.addresses import read_address_points

        address_points = read_address_points(list(addresses) if len(addresses) > 1 else addresses[0])
        obce_all = obce_all.assign(casti_obce=_parts_of(obce_all, address_points))
    from coverage_app.io.services import is_service_area_table, read_service_areas

    merged = None
    origin: dict[str, str] = {}
    area_files = [p for p in services if p.suffix.lower() != ".json" and is_service_area_table(p)]
    for path in services:
        if path in area_files:
            continue
        if path.suffix.lower() == ".json":
            from coverage_app.io.rpss import read_rpss

            part = read_rpss(path, codelists, kinds=kinds, warnings=warnings)
        else:
            part = read_services(path, kinds=kinds, warnings=warnings)
        clash = [sid for sid in part.services["service_id"] if sid in origin]
        if clash:
            raise DataError([Problem.make(path.name, None, "id_sluzby", "err.service_in_two_files", "error",
                                          service=sid, other=origin[sid]) for sid in clash[:20]])
        origin.update({sid: path.name for sid in part.services["service_id"]})
        kinds = part.kinds
        merged = part if merged is None else merged.concat(part)
    if merged is None:
        from coverage_app.model import empty_services

        merged = empty_services(kinds)
    for path in area_files:  # the kraj's lists of obce for services loaded above
        areas = read_service_areas(path)
        sv = merged.services
        known = set(sv["service_id"])
        for sid in sorted(set(areas) - known):
            (warnings or Report()).add(path.name, None, "id_sluzby", "warn.area_unknown_service", "warning",
                                       service=sid)
        sv["service_area"] = [areas.get(sid, area) for sid, area in zip(sv["service_id"], sv["service_area"])]
    merged = locate_sites(merged, obce_all, address_points, warnings=warnings)
    merged = expand_service_areas(merged, obce_all)
    obce_all.attrs["population_source"] = full.population_source
    return obce_all, merged, shares



def _road_lines(roads: Path, road_speeds: Path | None, district=None):
    """Road lines with speeds and the snapping tolerance that suits the file (0 m for OSM).

    For OSM files only the ways within about 30 km of the district are read.
    """
    from coverage_app.io import roads as roads_io

    if roads_io._is_osm(roads):
        bbox = None
        if district is not None:
            x0, y0, x1, y1 = district.to_wgs84().total_bounds
            bbox = (x0 - 0.4, y0 - 0.27, x1 + 0.4, y1 + 0.27)
        limits = roads_io.read_speed_table(road_speeds) if road_speeds is not None else None
        return roads_io.read_osm(roads, bbox=bbox, default_limits=limits), 0.0
    speeds = roads_io.read_speed_table(road_speeds) if road_speeds is not None else None
    return roads_io.read_road_lines(roads, speeds=speeds), roads_io.DEFAULT_SNAP_TOLERANCE_M



def _road_graph(roads: Path, road_speeds: Path | None, district=None):
    from coverage_app.reach import build_graph

    _exists(roads)
    _exists(road_speeds)
    lines, tol = _road_lines(roads, road_speeds, district)
    return build_graph(lines, snap_tolerance_m=tol, source=roads.name)


# ---------------------------------------------------------------------------------------------
# analyze
# ---------------------------------------------------------------------------------------------
