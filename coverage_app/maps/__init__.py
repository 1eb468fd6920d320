"""Maps: printed service maps, atlases and the provider catalogue (PDF/SVG/PNG).

The printing functions are imported lazily so that ``import coverage_app.maps`` (e.g. by the
interactive map) does not load matplotlib and reportlab.

Public API
----------
render_map(district, services, out, *, paper="A3", orientation="landscape", style="colour", ...)
    One map sheet (PDF, SVG or PNG by extension).
render_atlas(district, services, out, *, by="obec" | "pou" | "orp", ...)
    One page per unit, one PDF.
render_catalogue(district, services, out, *, group_by="working_group" | "target_group", ...)
    A5 booklet PDF of provider cards, obec index and crisis lines.
compose_map(...)
    The matplotlib figure and placement details of a map sheet (for previews and checks).
number_services(services, district)
    The print numbers shared by map, atlas and catalogue.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "CRISIS_LINES",
    "CrisisLine",
    "MapComposition",
    "STYLES",
    "atlas_units",
    "compose_map",
    "get_style",
    "number_services",
    "relevant_service_ids",
    "render_atlas",
    "render_catalogue",
    "render_map",
    "save_map",
    "service_entries",
]

_WHERE = {
    "CRISIS_LINES": "coverage_app.maps.catalogue",
    "CrisisLine": "coverage_app.maps.catalogue",
    "render_catalogue": "coverage_app.maps.catalogue",
    "MapComposition": "coverage_app.maps.printing",
    "atlas_units": "coverage_app.maps.atlas",
    "compose_map": "coverage_app.maps.printing",
    "render_atlas": "coverage_app.maps.atlas",
    "render_map": "coverage_app.maps.printing",
    "save_map": "coverage_app.maps.printing",
    "number_services": "coverage_app.maps.numbering",
    "relevant_service_ids": "coverage_app.maps.numbering",
    "service_entries": "coverage_app.maps.numbering",
    "STYLES": "coverage_app.maps.style",
    "get_style": "coverage_app.maps.style",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coverage_app.maps' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
