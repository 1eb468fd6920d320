"""The embedded demo: the seed districts as points with population, and fictional services.

Municipalities come from ``geodata/obce_seed_districts.csv`` (facts of public record: codes,
names, population on 1 Jan 2020, definition points; no boundaries, no age groups).  Services
come from ``services_data/demo_sluzby.csv`` — every one of them fictional and marked so — and the
bus timetable of ORP Židlochovice from ``services_data/demo_jr_zidlochovicko`` (GTFS; lines and
times fictional, marked so in the agency, route and feed names).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from coverage_app.codelists import KindCatalog
from coverage_app.errors import Report
from coverage_app.io.municipalities import load_district, read_municipalities
from coverage_app.io.services import read_custom_kinds, read_services
from coverage_app.locate import expand_service_areas, locate_sites
from coverage_app.model import District, Services

if TYPE_CHECKING:
    from coverage_app.transit import TransitFeed

__all__ = ["DEMO_DISTRICTS", "DemoData", "demo_root", "demo_paths", "load_demo", "load_demo_municipalities",
           "load_demo_services", "load_demo_timetable"]

#: Districts of the demo that have services: spec → label.
DEMO_DISTRICTS: dict[str, str] = {
    "ORP:6221": "ORP Židlochovice",
    "POU:81142": "POÚ Město Albrechtice",
}


def demo_root() -> Path:
    """Folder holding ``geodata/`` and ``services_data/`` (the repository; or ``COVERAGE_APP_DEMO_DIR``)."""
    env = os.environ.get("COVERAGE_APP_DEMO_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1]


def demo_paths() -> dict[str, Path]:
    """Paths of the demo files."""
    root = demo_root()
    return {
        "municipalities": root / "geodata" / "obce_seed_districts.csv",
        "services": root / "services_data" / "demo_sluzby.csv",
        "services_previous": root / "services_data" / "demo_sluzby_2022.csv",
        "custom_kinds": root / "services_data" / "demo_vlastni_druhy.csv",
        "timetable": root / "services_data" / "demo_jr_zidlochovicko",
    }


@dataclass
class DemoData:
    """Everything the demo loads: all 83 obce, the chosen district, the services and the fictional
    bus timetable of ORP Židlochovice (GTFS, ``services_data/demo_jr_zidlochovicko``)."""

    municipalities: gpd.GeoDataFrame
    district: District
    services: Services
    previous_services: Services
    warnings: Report
    timetable: "TransitFeed | None" = None


def load_demo_municipalities() -> gpd.GeoDataFrame:
    """The 83 obce of the four seed districts (points, EPSG:5514)."""
    return read_municipalities(demo_paths()["municipalities"])


def load_demo_services(municipalities: gpd.GeoDataFrame | None = None, *, previous: bool = False,
                       warnings: Report | None = None) -> Services:
    """The fictional demo services, placed and with service areas expanded to obec codes."""
    paths = demo_paths()
    obce = municipalities if municipalities is not None else load_demo_municipalities()
    kinds: KindCatalog = read_custom_kinds(paths["custom_kinds"])
    services = read_services(paths["services_previous" if previous else "services"], kinds=kinds, warnings=warnings)
    services = locate_sites(services, obce, warnings=warnings)
    services = expand_service_areas(services, obce)
    services.snapshot = "2022" if previous else "2026"
    return services


def load_demo_timetable() -> "TransitFeed":
    """The demo's fictional bus timetable for ORP Židlochovice (real GTFS format, fictional lines)."""
    from coverage_app.transit import read_gtfs

    return read_gtfs(demo_paths()["timetable"])


def load_demo(district: str = "ORP:6221") -> DemoData:
    """Load the demo for one district (``ORP:6221`` or ``POU:81142``; the other two have no services)."""
    warnings = Report()
    obce = load_demo_municipalities()
    dist = load_district(obce, district, population_source="ČSÚ, počet obyvatel k 1. 1. 2020 (demo)")
    services = load_demo_services(obce, warnings=warnings)
    previous = load_demo_services(obce, previous=True)
    return DemoData(obce, dist, services, previous, warnings, load_demo_timetable())
