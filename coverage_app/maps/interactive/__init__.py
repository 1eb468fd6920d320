"""Interactive maps: the planner's gap map, the public service map and its standalone HTML export.

Pure functions (no Streamlit), so the app and the command line build the same maps.

Offline first
    Maps never need a CDN or a tile server.  Leaflet comes from the ``django-js-lib-leaflet``
    package (PyPI); the layers are drawn by this project's own script ``assets/coverage_map.js``
    (no Leaflet plugin).  :class:`MapAssets` says where the browser finds these files: served by
    the app (:func:`install_assets` + :func:`static_assets`), embedded as ``data:`` URLs
    (:func:`inline_assets`) or inlined into the exported page (:func:`export_public_map`).
    Without tiles the map is a plain background with obce boundaries (or points) and sites;
    an OpenStreetMap basemap with its attribution is added only when asked for
    (:data:`OSM_TILES`).

Never invented borders
    Obce are drawn as polygons only when the district has them; where only points are known
    they are proportional circles (area ∝ population).

Secret addresses
    Everything public (the public map, its list, the HTML export) is built from
    :meth:`~coverage_app.model.Services.public_sites` only: a site with a secret address has no
    point and no address there.  Such services are listed in a separate box for the whole
    district ("adresa neveřejná", with the phone) and never get a marker, a travel time or an
    obec.  The planner's map (behind a login) shows every site.

Colours
    Colour-blind safe: kinds and life situations take Okabe & Ito (2008) colours, then Paul Tol's
    "muted" scheme; classes of an indicator take viridis (lightness falls monotonically); the
    form of a site is its shape (residential = square, ambulatory = circle, field = triangle),
    so no distinction rests on colour alone.

The package is split along its concerns: :mod:`~coverage_app.maps.interactive.base` (texts,
colours, the assets served by the app, script elements, the base map),
:mod:`~coverage_app.maps.interactive.symbols` (symbols, indicator classes, obce as features),
:mod:`~coverage_app.maps.interactive.planner` (the planner's map) and
:mod:`~coverage_app.maps.interactive.public` (the public map, its list and the HTML export).
"""

from __future__ import annotations

from coverage_app.maps.interactive.base import (  # noqa: F401
    ASSETS_DIR,
    FORM_SHAPES,
    INDICATORS,
    KIND_PALETTE,
    LIFE_SITUATIONS,
    OSM_TILES,
    SEQUENTIAL,
    SITUATION_COLOURS,
    TRANSIT_INDICATORS,
    MapAssets,
    MapLayers,
    asset_files,
    assets_version,
    inline_assets,
    install_assets,
    static_assets,
    _base_map,
    _fit,
    _wgs84,
    _js_json,
    _memo,
)
from coverage_app.maps.interactive.symbols import (  # noqa: F401
    Classes,
    classify,
    indicator_values,
    kind_colours,
    obec_features,
    symbol_img,
    symbol_svg,
    _geojson_geometry,
)
from coverage_app.maps.interactive.planner import (  # noqa: F401
    planner_base_map,
    planner_layers,
    planner_legend_html,
    planner_map,
    planner_sites,
    sites_map,
)
from coverage_app.maps.interactive.public import (  # noqa: F401
    PublicListing,
    public_legend_html,
    public_listing,
    public_map,
    public_sites,
    service_reach,
    service_situations,
)
from coverage_app.maps.interactive.public_export import export_public_map  # noqa: F401
from coverage_app.maps.interactive.public_list import public_list_html  # noqa: F401

__all__ = [
    "ASSETS_DIR",
    "FORM_SHAPES",
    "INDICATORS",
    "TRANSIT_INDICATORS",
    "KIND_PALETTE",
    "LIFE_SITUATIONS",
    "OSM_TILES",
    "SEQUENTIAL",
    "SITUATION_COLOURS",
    "Classes",
    "MapAssets",
    "MapLayers",
    "PublicListing",
    "asset_files",
    "assets_version",
    "classify",
    "export_public_map",
    "indicator_values",
    "inline_assets",
    "install_assets",
    "kind_colours",
    "obec_features",
    "planner_base_map",
    "planner_layers",
    "planner_legend_html",
    "planner_map",
    "planner_sites",
    "public_legend_html",
    "public_list_html",
    "public_listing",
    "public_map",
    "public_sites",
    "service_reach",
    "service_situations",
    "sites_map",
    "static_assets",
    "symbol_img",
    "symbol_svg",
]
