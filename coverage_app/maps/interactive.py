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
"""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import html
import json
import math
import re
import shutil
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from coverage_app.codelists import (
    FORMS,
    TARGET_GROUPS,
    WORKING_GROUPS,
    KindCatalog,
    resolve_target_group,
)
from coverage_app.coverage import Analysis
from coverage_app.i18n import register, t
from coverage_app.maps.numbering import czech_sort_key, primary_working_group
from coverage_app.model import CRS, District, Services

__all__ = [
    "ASSETS_DIR",
    "FORM_SHAPES",
    "INDICATORS",
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

register({
    "map.ind.gaps": {"cs": "počet mezer (vybrané druhy)", "en": "number of gaps (chosen kinds)"},
    "map.ind.travel_time_min": {"cs": "dojezd k nejbližšímu zařízení (min)", "en": "travel time to the nearest site (min)"},
    "map.ind.reachable": {"cs": "zařízení dosažitelné v limitu", "en": "a site within the threshold"},
    "map.ind.field_covered": {"cs": "v působnosti terénní služby", "en": "in a field service's area"},
    "map.ind.e2sfca_per_1000": {"cs": "dostupná kapacita na 1000 (E2SFCA)", "en": "accessible capacity per 1000 (E2SFCA)"},
    "map.ind.field_capacity_per_1000": {"cs": "kapacita terénních služeb na 1000", "en": "field capacity per 1000"},
    "map.ind.target_population": {"cs": "cílová populace (osob)", "en": "target population (people)"},
    "map.cls.yes": {"cs": "ano", "en": "yes"},
    "map.cls.no": {"cs": "ne", "en": "no"},
    "map.cls.no_data": {"cs": "bez údaje", "en": "no data"},
    "map.cls.no_site": {"cs": "žádné zařízení", "en": "no site"},
    "map.cls.upto": {"cs": "do {b} min", "en": "up to {b} min"},
    "map.cls.band": {"cs": "{a}–{b} min", "en": "{a}–{b} min"},
    "map.cls.over": {"cs": "nad {a} min", "en": "over {a} min"},
    "map.cls.more": {"cs": "{a} a více", "en": "{a} or more"},
    "map.cls.range": {"cs": "{a} – {b}", "en": "{a} – {b}"},
    "map.legend.forms": {"cs": "Forma (tvar značky)", "en": "Form (marker shape)"},
    "map.legend.kinds": {"cs": "Druh služby (barva)", "en": "Kind of service (colour)"},
    "map.legend.situations": {"cs": "Životní situace (barva)", "en": "Life situation (colour)"},
    "map.legend.circles": {"cs": "Kruh = obec, plocha podle počtu obyvatel (hranice obcí nejsou k dispozici)",
                           "en": "Circle = obec, area by population (no obec boundaries loaded)"},
    "map.legend.cluster": {"cs": "číslo = počet služeb na místě (přiblížením se rozdělí)",
                           "en": "number = services at the place (zoom in to split)"},
    "map.legend.added": {"cs": "nové místo (scénář)", "en": "new site (scenario)"},
    "map.legend.removed": {"cs": "zavřené místo (scénář)", "en": "closed site (scenario)"},
    "map.legend.secret": {"cs": "neveřejná adresa (jen pro plánování)", "en": "secret address (planning only)"},
    "map.legend.iso": {"cs": "Dojezd z vybraného místa", "en": "Travel time from the chosen site"},
    "map.tip.secret": {"cs": "neveřejná adresa – nezobrazuje se veřejně", "en": "secret address – never shown in public"},
    "map.attr.plain": {"cs": "Bez podkladové mapy (offline)", "en": "No basemap (offline)"},
    "map.attr.data": {"cs": "Data: {source}", "en": "Data: {source}"},
    "map.services": {"cs": "služeb", "en": "services"},
    "map.phone": {"cs": "tel.", "en": "phone"},
    "sit.seniori": {"cs": "Stáří a péče o blízké", "en": "Old age and caring for a relative"},
    "sit.postizeni": {"cs": "Zdravotní postižení nebo dlouhodobá nemoc", "en": "Disability or long-term illness"},
    "sit.rodiny": {"cs": "Děti, mládež a rodina", "en": "Children, youth and family"},
    "sit.krize": {"cs": "Krize, násilí, závislost, ztráta bydlení", "en": "Crisis, violence, addiction, losing a home"},
    "sit.ostatni": {"cs": "Ostatní a navazující služby", "en": "Other and related services"},
    "pub.title": {"cs": "Kde najdu pomoc?", "en": "Where can I find help?"},
    "pub.subtitle": {"cs": "Sociální a navazující služby – {district}", "en": "Social and related services – {district}"},
    "pub.search": {"cs": "Moje obec", "en": "My obec"},
    "pub.all_obce": {"cs": "všechny obce", "en": "all obce"},
    "pub.count": {"cs": "Nalezeno služeb:", "en": "Services found:"},
    "pub.comes_home": {"cs": "Přijde za vámi domů (terénní služba pro vaši obec)",
                       "en": "Comes to your home (field service for your obec)"},
    "pub.travel": {"cs": "Dojezd autem asi {minutes} min ({km} km)", "en": "About {minutes} min by car ({km} km)"},
    "pub.travel_walk": {"cs": "Pěšky asi {minutes} min ({km} km)", "en": "About {minutes} min on foot ({km} km)"},
    "pub.where": {"cs": "Kde", "en": "Where"},
    "pub.phone": {"cs": "Telefon", "en": "Phone"},
    "pub.email": {"cs": "E-mail", "en": "E-mail"},
    "pub.web": {"cs": "Web", "en": "Web"},
    "pub.hours": {"cs": "Kdy", "en": "When"},
    "pub.for_whom": {"cs": "Pro koho", "en": "For whom"},
    "pub.provider": {"cs": "Poskytovatel", "en": "Provider"},
    "pub.forms": {"cs": "Forma", "en": "Form"},
    "pub.secret_title": {"cs": "Služby s neveřejnou adresou (pro celé území)",
                         "en": "Services with a secret address (for the whole area)"},
    "pub.secret_note": {"cs": "Adresa těchto služeb se nezveřejňuje kvůli bezpečí klientů. Zavolejte.",
                        "en": "The address of these services is withheld for the clients' safety. Please call."},
    "pub.more": {"cs": "Zobrazeno prvních {n} z {total} služeb – vyberte obec nebo zužte výběr.",
                 "en": "Showing the first {n} of {total} services – choose an obec or narrow the filters."},
    "pub.none": {"cs": "Pro zvolené filtry jsme nenašli žádnou službu.", "en": "No service matches the chosen filters."},
    "pub.list_label": {"cs": "Seznam služeb (textová podoba mapy)", "en": "List of services (text version of the map)"},
    "pub.map_label": {"cs": "Mapa služeb – stejné údaje jako v seznamu", "en": "Map of services – the same facts as the list"},
    "pub.legend": {"cs": "Legenda", "en": "Legend"},
    "pub.source": {"cs": "Zdroj dat: {source}. Vytvořeno {date}.", "en": "Data source: {source}. Created {date}."},
    "pub.fictional": {"cs": "Ukázková data: služby jsou smyšlené.", "en": "Demo data: the services are fictional."},
    "pub.noscript": {"cs": "Mapa potřebuje JavaScript; seznam služeb níže funguje i bez něj.",
                     "en": "The map needs JavaScript; the list below works without it."},
})

ASSETS_DIR = Path(__file__).resolve().with_name("assets")

#: Okabe & Ito (2008), then Paul Tol's "muted" scheme: handed out to kinds in order.
KIND_PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
)

#: Colour of each life situation (working group) on the public map (Okabe & Ito).
SITUATION_COLOURS: dict[str, str] = {
    "seniori": "#0072B2", "postizeni": "#009E73", "rodiny": "#E69F00", "krize": "#CC79A7", "ostatni": "#999999",
}

#: Life situations of the public map: the working groups, named the way people ask for help.
LIFE_SITUATIONS: tuple[str, ...] = tuple(WORKING_GROUPS)

#: Shape of a site's marker by form.
FORM_SHAPES: dict[str, str] = {"pob": "square", "amb": "circle", "ter": "triangle"}

#: Viridis, five classes from light to dark (colour-blind safe, monotone lightness).
SEQUENTIAL: tuple[str, ...] = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
_NO_DATA = "#D9D9D9"
_YES_NO = ("#56B4E9", "#D55E00")

#: Indicators the planner map can show (keys of :func:`indicator_values`).
INDICATORS: tuple[str, ...] = ("gaps", "travel_time_min", "reachable", "field_covered", "e2sfca_per_1000",
                               "field_capacity_per_1000", "target_population")

#: OpenStreetMap's standard tiles (used only when online and asked for) with the required attribution.
OSM_TILES: dict[str, str] = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}


# ---------------------------------------------------------------------------------------------
# Assets (Leaflet and our own script), served without any CDN
# ---------------------------------------------------------------------------------------------
def _leaflet_dir() -> Path:
    """Folder of Leaflet 1.9's files in the ``django-js-lib-leaflet`` package."""
    import js_lib_leaflet

    return Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"


def asset_files() -> dict[str, Path]:
    """Files the maps need, by their path relative to the asset folder the browser sees."""
    leaflet = _leaflet_dir()
    files = {
        "leaflet.js": leaflet / "leaflet.js",
        "leaflet.css": leaflet / "leaflet.css",
        "coverage_map.js": ASSETS_DIR / "coverage_map.js",
        "coverage_map.css": ASSETS_DIR / "coverage_map.css",
    }
    for img in sorted((leaflet / "images").glob("*.png")):
        files[f"images/{img.name}"] = img
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"map assets missing: {missing}")
    return files


def assets_version() -> str:
    """Short hash of the content of every asset file (a new version gets a new folder/URL)."""
    digest = hashlib.sha256()
    for name, path in sorted(asset_files().items()):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def install_assets(static_dir: str | Path) -> str:
    """Copy the assets into ``static_dir/cov-<version>/`` (once) and return that folder's name.

    The app serves ``static_dir`` itself (Streamlit static serving), so the browser loads
    Leaflet from the app, never from a CDN.  Safe to call on every page run.
    """
    static_dir = Path(static_dir)
    name = f"cov-{assets_version()}"
    target = static_dir / name
    marker = target / ".complete"
    if marker.exists():
        return name
    tmp = static_dir / f".{name}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    for rel, src in asset_files().items():
        dst = tmp / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    (tmp / ".complete").write_text(name, encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    for old in static_dir.glob("cov-*"):
        if old.is_dir() and old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return name


@dataclass(frozen=True)
class MapAssets:
    """Where the browser loads the map's scripts and styles from: ``(name, url)`` pairs."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


def static_assets(base_url: str) -> MapAssets:
    """Assets served by the app under ``base_url`` (e.g. ``/app/static/cov-1a2b3c4d5e``)."""
    base = base_url.rstrip("/")
    return MapAssets(
        js=(("leaflet", f"{base}/leaflet.js"), ("coverage_map", f"{base}/coverage_map.js")),
        css=(("leaflet_css", f"{base}/leaflet.css"), ("coverage_map_css", f"{base}/coverage_map.css")),
    )


def inline_assets() -> MapAssets:
    """Assets embedded as ``data:`` URLs (when the app cannot write its static folder)."""
    files = asset_files()

    def data_url(path: Path, mime: str) -> str:
        return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")

    css = files["leaflet.css"].read_text(encoding="utf-8")
    for rel, path in files.items():
        if rel.startswith("images/"):
            css = css.replace(f"url({rel})", f"url({data_url(path, 'image/png')})")
    leaflet_css = "data:text/css;base64," + base64.b64encode(css.encode("utf-8")).decode("ascii")
    return MapAssets(
        js=(("leaflet", data_url(files["leaflet.js"], "text/javascript")),
            ("coverage_map", data_url(files["coverage_map.js"], "text/javascript"))),
        css=(("leaflet_css", leaflet_css), ("coverage_map_css", data_url(files["coverage_map.css"], "text/css"))),
    )


def _js_json(value: object) -> str:
    """JSON safe inside an HTML ``<script>`` (no ``</``, no raw U+2028/2029)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class _Call(MacroElement):
    """A call ``CoverageMap.<fn>(map, payload, options)`` in the map's script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = CoverageMap.{{ this.fn }}({{ this._parent.get_name() }}, {{ this.payload }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, fn: str, payload: object, options: Mapping[str, object] | None = None, *,
                 serialised: bool = False) -> None:
        super().__init__()
        self._name = f"cm_{fn}"
        self.fn = fn
        if serialised:  # payload and options are already JSON (see MapLayers)
            self.payload, self.options = str(payload), str(options or "{}")
        else:
            self.payload = _js_json(payload)
            self.options = _js_json(dict(options or {}))


class _Attribution(MacroElement):
    """Text added to the map's attribution control (data source, "no basemap")."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "cm_attribution"
        self.text = _js_json(text)


class _PlainBackground(MacroElement):
    """Marks the map container for the plain (tile-less) background."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().classList.add('cm-plain');
        {% endmacro %}
        """
    )


@dataclass(frozen=True)
class MapLayers:
    """Layers of a map apart from the map itself: calls ``CoverageMap.<fn>(group, payload, options)``
    with the JSON already written, so they are cheap to keep in a cache and to send again.

    :meth:`feature_group` turns them into a new folium feature group each time: added to a map
    it draws them with the map (:func:`planner_map`); handed to streamlit-folium apart from a
    map that stays the same (``feature_group_to_add``) it replaces the layers of the map already
    shown, without reloading the map (the app's planner page).
    """

    calls: tuple[tuple[str, str, str], ...]

    def feature_group(self) -> folium.FeatureGroup:
        """A new folium feature group drawing the layers (a folium element is used once)."""
        group = folium.FeatureGroup(name="coverage-layers", control=False)
        for fn, payload, options in self.calls:
            _Call(fn, payload, options, serialised=True).add_to(group)
        return group

    @property
    def size(self) -> int:
        """Characters of JSON in the layers (what a change of layers sends to the browser)."""
        return sum(len(p) + len(o) for _, p, o in self.calls)


def _layer_call(fn: str, payload: object, options: Mapping[str, object] | None = None) -> tuple[str, str, str]:
    return fn, _js_json(payload), _js_json(dict(options or {}))


_PROJ_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="coverage-map-proj")


def _wgs84(data: gpd.GeoSeries | gpd.GeoDataFrame):
    """``data.to_crs(4326)``, always in one long-lived thread.

    PROJ prepares itself anew in every thread that uses it (about 40 ms), and Streamlit runs
    each page run in a new thread: without this, every re-run of a map page paid that again.
    """
    return _PROJ_THREAD.submit(data.to_crs, 4326).result()


_MEMO: dict[tuple[int, str], tuple[weakref.ref, object]] = {}


def _memo(owner: object, name: str, make: Callable[[], object]) -> object:
    """``make()`` computed once per live ``owner`` object (e.g. a district's bounds in WGS 84).

    The cached value is shared: callers must not change it.
    """
    key = (id(owner), name)
    hit = _MEMO.get(key)
    if hit is not None and hit[0]() is owner:
        return hit[1]
    value = make()
    _MEMO[key] = (weakref.ref(owner, lambda _ref, k=key: _MEMO.pop(k, None)), value)
    return value


def _base_map(bounds: Sequence[Sequence[float]], assets: MapAssets, *, basemap: bool, lang: str,
              source: str = "") -> folium.Map:
    """A folium map that loads only ``assets`` (no CDN), with or without OSM tiles."""
    (s, w), (n, e) = bounds
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2], zoom_start=10, tiles=None, control_scale=True,
                   min_zoom=5, max_zoom=18, zoom_snap=0.25, zoom_delta=0.5)
    m.default_js = list(assets.js)
    m.default_css = list(assets.css)
    if basemap:
        folium.TileLayer(tiles=OSM_TILES["url"], attr=OSM_TILES["attribution"], name="OpenStreetMap",
                         max_zoom=19).add_to(m)
    else:
        _PlainBackground().add_to(m)
        _Attribution(t("map.attr.plain", lang)).add_to(m)
    if source:
        _Attribution(t("map.attr.data", lang, source=html.escape(source))).add_to(m)
    return m  # the caller fits the view with _fit() once the frame has its size


def _fit(m: folium.Map, bounds: Sequence[Sequence[float]], *, center: Sequence[float] | None = None,
         zoom: int = 12) -> None:
    """Fit ``m`` to ``bounds`` (or centre it) once its frame has its final size."""
    _Call("fit", [list(b) for b in bounds], {"center": list(center) if center else None, "zoom": zoom}).add_to(m)


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


def kind_colours(kinds: Sequence[str]) -> dict[str, str]:
    """Colour of each kind, in the given order (the palette repeats after 16 kinds)."""
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

    * ``travel_time_min``: the travel-time bands (``bands_min``) plus "no site";
    * ``reachable``/``field_covered``: yes / no;
    * ``gaps``: 0, 1, 2, 3, 4 and more;
    * the others: 0, then quartiles of the positive values.
    """
    title = title or t(f"map.ind.{indicator}", lang)
    idx = values.index
    if indicator == "travel_time_min":
        bands = [float(b) for b in bands_min]
        labels = [t("map.cls.upto", lang, b=_fmt(bands[0], lang))]
        labels += [t("map.cls.band", lang, a=_fmt(a, lang), b=_fmt(b, lang)) for a, b in zip(bands, bands[1:])]
        labels += [t("map.cls.over", lang, a=_fmt(bands[-1], lang)), t("map.cls.no_site", lang)]
        v = values.astype(float).to_numpy()
        cls = np.searchsorted(np.asarray(bands), v, side="left")
        cls = np.where(np.isfinite(v), cls, len(bands) + 1)
        colours = _spread(len(labels))
        return Classes(title, tuple(labels), colours, pd.Series(cls, index=idx))
    if indicator in ("reachable", "field_covered"):
        v = values
        cls = np.where(v.isna(), -1, np.where(v.fillna(False).astype(bool), 0, 1))
        return Classes(title, (t("map.cls.yes", lang), t("map.cls.no", lang)), _YES_NO, pd.Series(cls, index=idx),
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


# ---------------------------------------------------------------------------------------------
# Planner map
# ---------------------------------------------------------------------------------------------
def planner_sites(analysis: Analysis, kinds: Sequence[str] = (), *, form: str | None = None,
                  colours: Mapping[str, str] | None = None, changes: Mapping[str, str] | None = None,
                  lang: str = "cs", max_minutes: float | None = None,
                  site_ids: Iterable[str] | None = None) -> list[dict]:
    """Sites for the planner map: colour by kind, shape by form (one marker per site × form).

    Only sites of ``kinds`` (all when empty) and ``form`` (all when ``None``) within
    ``max_minutes`` of some obec of the district (default: the last travel-time band + 15) or
    inside it, or of field services whose area reaches the district.  ``changes`` maps site ids
    to ``"added"``/``"removed"`` (scenario) for a distinct outline.  Secret sites are shown
    (planners analyse them) with a dashed outline and a note in the tooltip.  ``site_ids``
    limits the result to these sites.
    """
    sites = analysis.sites
    if site_ids is not None:
        sites = sites[sites["site_id"].astype(str).isin(set(site_ids))]
    if sites.empty:
        return []
    kinds = list(kinds) or list(analysis.results)
    colours = dict(colours or kind_colours(kinds))
    changes = dict(changes or {})
    sv = analysis.services.services
    services = dict(zip(sv["service_id"], zip(sv["kind"], sv["service_name"], sv["service_area"])))
    catalog = analysis.services.kinds
    limit = float(max_minutes if max_minutes is not None else max(analysis.settings.bands_min) + 15.0)
    codes = set(analysis.district.codes)
    minutes = analysis.travel.minutes
    best = minutes.min(axis=0) if minutes.size else np.array([])
    wgs = _wgs84(sites.geometry)
    secret_tip = t("map.tip.secret", lang)
    out: list[dict] = []
    for sid, site_id, site_form, col, kod, site_name, secret, geom in zip(
            sites["service_id"], sites["site_id"], sites["form"], sites["col"], sites["kod_obce"],
            sites["site_name"], sites["secret_address"], wgs):
        if sid not in services:
            continue
        kind, service_name, service_area = services[sid]
        if kind not in kinds or (form and site_form != form):
            continue
        col = int(col)
        near = col < best.size and np.isfinite(best[col]) and best[col] <= limit
        serves = site_form == "ter" and bool(codes.intersection(service_area))
        if not (near or serves or kod in codes):
            continue
        kobj = catalog.get(kind)
        kname = kobj.name_cs if kobj and lang == "cs" else (kobj.name_en if kobj else kind)
        fname = FORMS[site_form].name_cs if lang == "cs" else FORMS[site_form].name_en
        secret = bool(secret)
        tip = (f"<b>{html.escape(str(service_name))}</b><br>{html.escape(str(site_name))}"
               f"<br>{html.escape(kname)} · {html.escape(fname)}")
        if secret:
            tip += f"<br><i>{html.escape(secret_tip)}</i>"
        change = changes.get(str(site_id))
        item = {"la": round(geom.y, 6), "lo": round(geom.x, 6), "s": FORM_SHAPES.get(site_form, "circle"),
                "c": colours.get(kind, "#999999"), "tip": tip, "id": str(site_id)}
        if secret:
            item["d"] = 1
        if change == "added":
            item.update({"w": 3.5, "r": 9})
        elif change == "removed":
            item.update({"c": "#FFFFFF", "d": 1, "o": 0.9})
        out.append(item)
    return out


_ROW = 'style="display:flex;align-items:center;gap:6px;margin:2px 0"'
_HEAD = 'style="font-weight:700;margin:6px 0 3px"'


def _swatch(colour: str, opacity: float = 1.0) -> str:
    return (f'<span style="display:inline-block;width:16px;height:12px;border:1px solid #333;flex:0 0 auto;'
            f'background:{colour};opacity:{opacity}"></span>')


def planner_legend_html(classes: Classes | None, kinds: Sequence[str], colours: Mapping[str, str], *,
                        catalog: KindCatalog, points_only: bool, lang: str = "cs", scenario: bool = False,
                        isochrones: Sequence[float] = (),
                        parts: Sequence[str] = ("classes", "kinds", "forms")) -> str:
    """HTML of the planner map's legend, inline-styled (usable inside the map and in a page).

    ``parts`` chooses the sections: ``classes`` (the indicator's classes and isochrones),
    ``kinds`` (colour of each kind) and ``forms`` (shape of each form, secret, scenario marks).
    """
    out: list[str] = []
    if "classes" in parts and classes is not None:
        out.append(f"<div {_HEAD}>{html.escape(classes.title)}</div>")
        for label, colour in zip(classes.labels, classes.colours):
            out.append(f"<div {_ROW}>{_swatch(colour)}<span>{html.escape(label)}</span></div>")
        if (classes.index < 0).any():
            out.append(f"<div {_ROW}>{_swatch(_NO_DATA)}"
                       f"<span>{html.escape(classes.no_data_label or t('map.cls.no_data', lang))}</span></div>")
        if points_only:
            out.append(f'<div style="font-size:85%;max-width:240px">{html.escape(t("map.legend.circles", lang))}</div>')
    if "classes" in parts and isochrones:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.iso', lang))}</div>")
        for m, colour in zip(sorted(isochrones), _iso_colours(len(isochrones))):
            out.append(f"<div {_ROW}>{_swatch(colour, 0.6)}"
                       f"<span>{html.escape(t('map.cls.upto', lang, b=_fmt(m, lang)))}</span></div>")
    if "kinds" in parts and kinds:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.kinds', lang))}</div>")
        out.append('<div style="display:flex;flex-wrap:wrap;column-gap:18px">')
        for k in kinds:
            kobj = catalog.get(k)
            name = (kobj.name_cs if lang == "cs" else kobj.name_en) if kobj else k
            out.append(f"<div {_ROW}>{symbol_img('circle', colours.get(k, '#999999'), 16)}"
                       f"<span>{html.escape(name)}</span></div>")
        out.append("</div>")
    if "forms" in parts:
        out.append(f"<div {_HEAD}>{html.escape(t('map.legend.forms', lang))}</div>")
        out.append('<div style="display:flex;flex-wrap:wrap;column-gap:18px">')
        for code, shape in FORM_SHAPES.items():
            name = FORMS[code].name_cs if lang == "cs" else FORMS[code].name_en
            out.append(f"<div {_ROW}>{symbol_img(shape, '#BBBBBB', 16)}<span>{html.escape(name)}</span></div>")
        out.append(f"<div {_ROW}>{symbol_img('circle', '#BBBBBB', 16, dashed=True)}"
                   f"<span>{html.escape(t('map.legend.secret', lang))}</span></div>")
        if scenario:
            out.append(f"<div {_ROW}>{symbol_img('circle', '#BBBBBB', 18, stroke_width=3.5)}"
                       f"<span>{html.escape(t('map.legend.added', lang))}</span></div>")
            out.append(f"<div {_ROW}>{symbol_img('circle', '#FFFFFF', 16, dashed=True)}"
                       f"<span>{html.escape(t('map.legend.removed', lang))}</span></div>")
        out.append("</div>")
    return "".join(out)


def _iso_colours(n: int) -> tuple[str, ...]:
    return tuple(reversed(_spread(n))) if n else ()


def planner_base_map(district: District, *, assets: MapAssets, basemap: bool = False, lang: str = "cs",
                     source: str = "") -> folium.Map:
    """The planner map without its layers: background, attribution, the view of the district.

    It depends only on the district and these arguments, so it stays the same while the layers
    (:func:`planner_layers`) change — the app then updates the layers of the map already shown.
    """
    bounds = _bounds(district)
    m = _base_map(bounds, assets, basemap=basemap, lang=lang, source=source)
    _fit(m, bounds)
    return m


def planner_layers(analysis: Analysis, *, kinds: Sequence[str] = (), indicator: str = "gaps",
                   map_kind: str | None = None, form: str | None = None, selected_obec: str | None = None,
                   isochrones: gpd.GeoDataFrame | None = None, site_changes: Mapping[str, str] | None = None,
                   baseline: Analysis | None = None, lang: str = "cs",
                   legend_parts: Sequence[str] = ("classes", "kinds", "forms")) -> MapLayers:
    """The layers of the planner map (see :func:`planner_map` for the arguments): isochrones,
    obce, sites and the legend, in drawing order.

    ``baseline`` is the analysis a scenario started from: sites the scenario closes
    (``site_changes`` = ``"removed"``) are no longer in ``analysis`` and are drawn from it.
    """
    district = analysis.district
    kinds = [k for k in kinds if k in analysis.results] or list(analysis.results)
    values = indicator_values(analysis, indicator, kinds, map_kind)
    kobj = analysis.services.kinds.get(map_kind or (kinds[0] if kinds else ""))
    title = t(f"map.ind.{indicator}", lang)
    if indicator != "gaps" and kobj is not None:
        title = f"{title}: {kobj.name_cs if lang == 'cs' else kobj.name_en}"
    classes = classify(values, indicator, bands_min=analysis.settings.bands_min, lang=lang, title=title)
    calls: list[tuple[str, str, str]] = []
    if isochrones is not None and len(isochrones):
        iso = _wgs84(isochrones)
        mins = sorted(float(x) for x in iso["minutes"].unique())
        cmap = dict(zip(mins, _iso_colours(len(mins))))
        feats = [{"type": "Feature", "properties": {"minutes": float(r.minutes), "fill": cmap[float(r.minutes)],
                                                    "line": "#333333"},
                  "geometry": _geojson_geometry(r.geometry)} for r in iso.itertuples() if r.geometry is not None]
        calls.append(_layer_call("areas", {"type": "FeatureCollection", "features": feats}, {"fillOpacity": 0.2}))
    fc = obec_features(district, classes=classes, values=values, indicator=indicator, selected=selected_obec,
                       lang=lang)
    polygons = district.has_polygons
    calls.append(_layer_call("obce", fc, {"fillOpacity": 0.7 if polygons else 0.85}))
    colours = kind_colours(kinds)
    sites = planner_sites(analysis, kinds, form=form, colours=colours, changes=site_changes, lang=lang)
    removed = {s for s, c in (site_changes or {}).items() if c == "removed"}
    if baseline is not None and removed:
        drawn = {s["id"] for s in sites}
        sites += [s for s in planner_sites(baseline, kinds, form=form, colours=colours, changes=site_changes,
                                           lang=lang, site_ids=removed) if s["id"] not in drawn]
    calls.append(_layer_call("sites", sites, {"radius": 7}))
    legend = planner_legend_html(classes, kinds, colours, catalog=analysis.services.kinds,
                                 points_only=not polygons, lang=lang,
                                 scenario=bool(site_changes),
                                 isochrones=sorted(isochrones["minutes"].unique()) if isochrones is not None and len(isochrones) else (),
                                 parts=legend_parts)
    if legend:
        calls.append(_layer_call("legend", legend, {"position": "bottomright"}))
    return MapLayers(tuple(calls))


def planner_map(analysis: Analysis, *, assets: MapAssets, kinds: Sequence[str] = (), indicator: str = "gaps",
                map_kind: str | None = None, form: str | None = None, selected_obec: str | None = None,
                isochrones: gpd.GeoDataFrame | None = None, site_changes: Mapping[str, str] | None = None,
                basemap: bool = False, lang: str = "cs", source: str = "",
                legend_parts: Sequence[str] = ("classes", "kinds", "forms"),
                baseline: Analysis | None = None) -> folium.Map:
    """The planner's gap map: an indicator per obec, the sites, optional isochrones, a legend.

    The map of :func:`planner_base_map` with the layers of :func:`planner_layers` (the app
    shows the two apart, so that a change of the layers does not reload the map).

    Parameters
    ----------
    analysis : Analysis
        Baseline or scenario analysis (see :mod:`coverage_app.coverage`).
    assets : MapAssets
        Where the browser loads Leaflet and the map script from (never a CDN).
    kinds : kind ids
        Kinds shown (sites, legend) and counted by the ``gaps`` indicator; all when empty.
    indicator : str
        One of :data:`INDICATORS`.
    map_kind : str, optional
        Kind of the per-kind indicators (default the first of ``kinds``).
    form : {"pob", "amb", "ter"}, optional
        Only sites of this form.
    selected_obec : str, optional
        Obec code drawn with a thick outline.
    isochrones : GeoDataFrame, optional
        From :func:`coverage_app.reach.isochrones` (``minutes`` column, EPSG:5514).
    site_changes : mapping, optional
        Site id → ``"added"``/``"removed"`` (what-if scenario).
    basemap : bool
        Add OpenStreetMap tiles (only when online); otherwise a plain background.
    legend_parts : sequence of str
        Sections of :func:`planner_legend_html` drawn inside the map (the page may show the
        others beside it).
    baseline : Analysis, optional
        The analysis a scenario started from (sites the scenario closes are drawn from it).
    """
    m = planner_base_map(analysis.district, assets=assets, basemap=basemap, lang=lang, source=source)
    planner_layers(analysis, kinds=kinds, indicator=indicator, map_kind=map_kind, form=form,
                   selected_obec=selected_obec, isochrones=isochrones, site_changes=site_changes,
                   baseline=baseline, lang=lang, legend_parts=legend_parts).feature_group().add_to(m)
    return m


def sites_map(district: District, services: Services, *, assets: MapAssets,
              findings: Mapping[str, str] | None = None, basemap: bool = False, lang: str = "cs",
              source: str = "", margin_m: float = 20_000.0) -> folium.Map:
    """The planner's data check: every placed site near the district over its obce.

    Sites with a finding of the quality checks (``findings``: site id → text) are vermillion,
    the others blue; the shape is the form.  Sites within ``margin_m`` metres of the district's
    bounding box are drawn (secret sites included: this map is behind the login).
    """
    findings = dict(findings or {})
    m = _base_map(_bounds(district), assets, basemap=basemap, lang=lang, source=source)
    fc = obec_features(district, lang=lang, fill="#FFFFFF")
    for f in fc["features"]:
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    _Call("obce", fc, {"fillOpacity": 0.1 if district.has_polygons else 0.7, "edge": "#6B6B6B"}).add_to(m)
    x0, y0, x1, y1 = district.obce.total_bounds
    tab = services.table()
    tab = tab[tab.geometry.notna()]
    if len(tab):
        xs, ys = tab.geometry.x, tab.geometry.y
        tab = tab[(xs >= x0 - margin_m) & (xs <= x1 + margin_m) & (ys >= y0 - margin_m) & (ys <= y1 + margin_m)]
    items: list[dict] = []
    if len(tab):
        wgs = _wgs84(tab)
        for (_, row), geom in zip(tab.iterrows(), wgs.geometry):
            note = findings.get(str(row["site_id"]), "")
            tip = (f"<b>{html.escape(str(row['service_name']))}</b><br>{html.escape(str(row['site_name']))}"
                   f"<br>{html.escape(str(row['obec_name'] or row['kod_obce']))}")
            if note:
                tip += f"<br><i>{html.escape(note)}</i>"
            items.append({"la": round(geom.y, 6), "lo": round(geom.x, 6), "s": FORM_SHAPES.get(row["form"], "circle"),
                          "c": "#D55E00" if note else "#0072B2", "tip": tip, "id": str(row["site_id"]),
                          **({"d": 1} if bool(row["secret_address"]) else {})})
    _Call("sites", items, {"radius": 7}).add_to(m)
    _fit(m, _bounds(district))
    return m


# ---------------------------------------------------------------------------------------------
# Public map: which services serve or are reachable from an obec
# ---------------------------------------------------------------------------------------------
def service_reach(analysis: Analysis) -> pd.DataFrame:
    """Which service × form serves which obec of the district, from public sites only.

    The rule is the one of :meth:`Analysis.obec_detail`: a field service (``ter``) serves the
    obce of its declared service area (or, without one, those within the threshold of its
    base); a service clients travel to (``amb``/``pob``) serves the obce within the threshold
    of its nearest site.  Sites with a secret address are left out entirely, so no travel time
    to them is ever published.  Vectorised over all sites (thousands of services are fine).

    Returns
    -------
    DataFrame
        ``service_id``, ``form``, ``kod_obce``, ``travel_time_min`` (to the nearest public site,
        NaN for pure field coverage), ``distance_km``, ``in_service_area``, ``site_name``,
        ``address`` of that nearest site.
    """
    s = analysis.settings
    codes = analysis.district.codes
    code_arr = np.asarray(codes, dtype=object)
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    cols = ["service_id", "form", "kod_obce", "travel_time_min", "distance_km", "in_service_area", "site_name", "address"]
    sv = analysis.services.services.set_index("service_id")
    all_sites = analysis.services.sites
    secret_ids = set(all_sites.loc[all_sites["secret_address"].astype(bool), "service_id"])
    sites = analysis.sites
    sites = sites[~sites["secret_address"].astype(bool) & sites["service_id"].isin(sv.index)]
    public = analysis.services.public_sites()
    addr = public[~public["secret_address"].astype(bool)].drop_duplicates("site_id").set_index("site_id")["address_text"]
    frames: list[pd.DataFrame] = []
    if len(sites) and n:
        sites = sites.assign(_g=sites.groupby(["service_id", "form"], sort=False).ngroup().to_numpy())
        sites = sites.sort_values("_g", kind="stable").reset_index(drop=True)
        g = sites["_g"].to_numpy()
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        sizes = np.diff(np.r_[starts, len(g)])
        site_cols = sites["col"].to_numpy(dtype=int)
        minutes = analysis.travel.minutes[:, site_cols]
        km = analysis.travel.km[:, site_cols]
        best = np.repeat(starts[None, :], n, axis=0)  # index (into sites) of the nearest site per obec × group
        for gi in np.flatnonzero(sizes > 1):
            a, b = starts[gi], starts[gi] + sizes[gi]
            best[:, gi] = a + np.argmin(minutes[:, a:b], axis=1)
        rows = np.arange(n)[:, None]
        mins = minutes[rows, best]
        kms = km[rows, best]
        g_sid = sites["service_id"].to_numpy()[starts]
        g_form = sites["form"].to_numpy()[starts]
        areas = [tuple(sv.at[sid, "service_area"]) for sid in g_sid]
        is_ter = g_form == "ter"
        has_area = np.array([bool(a) for a in areas])
        travel = np.isin(g_form, list(s.travel_forms)) | (is_ter & ~has_area)
        in_area = np.zeros((n, len(starts)), dtype=bool)
        for gi in np.flatnonzero(is_ter & has_area):
            idx = [pos[c] for c in areas[gi] if c in pos]
            in_area[idx, gi] = True
        near = travel[None, :] & (mins <= s.threshold_min)
        oi, gi = np.nonzero(in_area | near)
        if oi.size:
            b = best[oi, gi]
            site_ids = sites["site_id"].to_numpy()[b]
            timed = travel[gi] & np.isfinite(mins[oi, gi])
            frames.append(pd.DataFrame({
                "service_id": g_sid[gi], "form": g_form[gi], "kod_obce": code_arr[oi],
                "travel_time_min": np.where(timed, np.round(mins[oi, gi], 1), np.nan),
                "distance_km": np.where(timed & np.isfinite(kms[oi, gi]), np.round(kms[oi, gi], 2), np.nan),
                "in_service_area": in_area[oi, gi],
                "site_name": sites["site_name"].to_numpy()[b],
                "address": addr.reindex(site_ids).fillna("").astype(str).to_numpy(),
            }))
    # field services without any located public site still serve their declared area
    placed = set(zip(sites["service_id"], sites["form"])) if len(sites) else set()
    caps = analysis.services.capacities
    field_ids = set(caps.loc[caps["form"] == "ter", "service_id"]) | set(all_sites.loc[all_sites["form"] == "ter",
                                                                                       "service_id"])
    for sid in sorted(field_ids):
        if (sid, "ter") in placed or sid not in sv.index or sid in secret_ids:
            continue
        area = [c for c in sv.at[sid, "service_area"] if c in pos]
        if area:
            frames.append(pd.DataFrame({"service_id": sid, "form": "ter", "kod_obce": area, "travel_time_min": np.nan,
                                        "distance_km": np.nan, "in_service_area": True, "site_name": "",
                                        "address": ""}))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return pd.concat(frames, ignore_index=True)[cols]


def service_situations(services: Services) -> pd.Series:
    """Life situations (working-group keys) of each service, indexed by service id.

    From the service's target groups where the codelist knows them, else from its kind.
    """
    out = {}
    for row in services.services.itertuples():
        wgs = []
        for tg in row.target_groups:
            code = resolve_target_group(tg)
            if code and TARGET_GROUPS[code].working_group not in wgs:
                wgs.append(TARGET_GROUPS[code].working_group)
        if not wgs:
            kind = services.kinds.get(row.kind)
            wgs = list(kind.working_groups) if kind else []
        out[row.service_id] = tuple(wgs)
    return pd.Series(out, dtype=object)


def _service_filter(services: Services, *, situation: str | None, target_group: str | None,
                    kind: str | None) -> set[str]:
    """Ids of the services matching the public filters."""
    sv = services.services
    keep = set(sv["service_id"])
    if situation:
        sits = service_situations(services)
        keep &= {sid for sid, wgs in sits.items() if situation in wgs}
    if target_group:
        keep &= {row.service_id for row in sv.itertuples()
                 if target_group in {resolve_target_group(tg) for tg in row.target_groups}}
    if kind:
        keep &= set(sv.loc[sv["kind"] == kind, "service_id"])
    return keep


@dataclass
class PublicListing:
    """What the public page lists.

    Attributes
    ----------
    entries : DataFrame
        One row per service with a public site (nearest first for a chosen obec, else by kind and
        name): ``service_id, name, provider, kind, kind_name, situation, forms, comes_home,
        travel_time_min, distance_km, site_name, address, addresses, phone, email, web, hours,
        target_groups, description, obce`` (codes of the obce it serves), ``fictional``.
    secret : DataFrame
        Services whose every site has a secret address, relevant to the district: ``service_id,
        name, provider, kind_name, phone, email, web, hours, address`` ("adresa neveřejná…").
    obec : str or None
        The chosen obec code.
    """

    entries: pd.DataFrame
    secret: pd.DataFrame
    obec: str | None = None
    obec_name: str = ""
    mode: str = "car"


_ENTRY_COLUMNS = ("service_id", "name", "provider", "kind", "kind_name", "situation", "forms", "comes_home",
                  "travel_time_min", "distance_km", "site_name", "address", "addresses", "phone", "email", "web",
                  "hours", "target_groups", "description", "obce", "fictional")
_SECRET_COLUMNS = ("service_id", "name", "provider", "kind", "kind_name", "situation", "phone", "email", "web",
                   "hours", "address", "target_groups", "description", "fictional")


def public_listing(analysis: Analysis, *, kod_obce: str | None = None, situation: str | None = None,
                   target_group: str | None = None, kind: str | None = None, lang: str = "cs",
                   reach: pd.DataFrame | None = None) -> PublicListing:
    """The services the public page lists for an obec (or for the whole district).

    Only :meth:`Services.public_sites` data is used: services whose sites all have secret
    addresses go to :attr:`PublicListing.secret` (for the whole district, never tied to an
    obec); the others are listed with their public addresses.  ``reach`` is
    :func:`service_reach` of the analysis (pass it when cached).
    """
    services = analysis.services
    catalog = services.kinds
    codes = analysis.district.codes
    code_set = set(codes)
    reach = service_reach(analysis) if reach is None else reach
    keep = _service_filter(services, situation=situation, target_group=target_group, kind=kind)
    records = services.services.set_index("service_id").to_dict("index")
    public = services.public_sites(lang)
    kind_rank = {k.id: i for i, k in enumerate(catalog)}
    secret_sites = services.sites[services.sites["secret_address"].astype(bool)]
    secret_flags = services.sites["secret_address"].astype(bool)
    all_secret = set(secret_flags.groupby(services.sites["service_id"]).all().pipe(lambda x: x[x].index))
    memo: dict[tuple, str] = {}

    def names_of(kind_id: str) -> str:
        k = catalog.get(kind_id)
        return (k.name_cs if lang == "cs" else k.name_en) if k else kind_id

    def tg_names(tgs: tuple) -> str:
        key = ("tg", tgs)
        if key not in memo:
            out = []
            for tg in tgs:
                code = resolve_target_group(tg)
                out.append((TARGET_GROUPS[code].name_cs if lang == "cs" else TARGET_GROUPS[code].name_en)
                           if code else str(tg))
            memo[key] = ", ".join(out)
        return memo[key]

    def situation_of(rec: Mapping) -> str:
        key = ("wg", str(rec["kind"]), tuple(rec["target_groups"]))
        if key not in memo:
            kobj = catalog.get(str(rec["kind"]))
            memo[key] = primary_working_group(list(rec["target_groups"]), kobj.working_groups if kobj else ())
        return memo[key]

    def card(sid: str, rec: Mapping) -> dict:
        return {"service_id": sid, "name": str(rec["service_name"]), "provider": str(rec["provider_name"]),
                "kind": str(rec["kind"]), "kind_name": names_of(str(rec["kind"])), "situation": situation_of(rec),
                "phone": str(rec["phone"]), "email": str(rec["email"]), "web": str(rec["web"]),
                "hours": str(rec["hours"]), "target_groups": tg_names(tuple(rec["target_groups"])),
                "description": str(rec["description"]), "fictional": bool(rec["fictional"])}

    served_sets: dict[str, set[str]] = {}
    forms_of: dict[str, set[str]] = {}
    for sid, code, form in zip(reach["service_id"].to_numpy(dtype=object), reach["kod_obce"].to_numpy(dtype=object),
                               reach["form"].to_numpy(dtype=object)):
        served_sets.setdefault(sid, set()).add(code)
        forms_of.setdefault(sid, set()).add(form)
    served = {sid: sorted(v) for sid, v in served_sets.items()}
    home_of: dict[str, bool] = {}
    nearest: dict[str, dict] = {}
    if kod_obce and len(reach):
        here = reach[reach["kod_obce"] == kod_obce]
        home_of = here.groupby("service_id")["in_service_area"].any().to_dict()
        timed = here[here["travel_time_min"].notna()].sort_values("travel_time_min", kind="mergesort")
        nearest = timed.drop_duplicates("service_id").set_index("service_id").to_dict("index")
    located = public[public.geometry.notna() & ~public["secret_address"].astype(bool)]
    addresses_of: dict[str, list[str]] = {}
    for sid, a in zip(located["service_id"].to_numpy(dtype=object), located["address_text"].to_numpy(dtype=object)):
        if a and a not in addresses_of.setdefault(sid, []):
            addresses_of[sid].append(str(a))
    form_names = {f: (FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en) for f in FORMS}
    rows = []
    for sid, rec in records.items():
        if sid not in keep or sid in all_secret or sid not in served:
            continue
        if kod_obce and sid not in home_of:
            continue
        near = nearest.get(sid)
        addresses = addresses_of.get(sid, [])
        row = card(sid, rec)
        row.update({
            "forms": ", ".join(form_names[f] for f in ("pob", "amb", "ter") if f in forms_of.get(sid, set())),
            "comes_home": bool(home_of.get(sid, False)),
            "travel_time_min": float(near["travel_time_min"]) if near else np.nan,
            "distance_km": float(near["distance_km"]) if near else np.nan,
            "site_name": str(near["site_name"]) if near else "",
            "address": (str(near["address"]) if near else "") or (addresses[0] if addresses else ""),
            "addresses": addresses, "obce": served[sid],
        })
        rows.append(row)
    entries = pd.DataFrame(rows, columns=list(_ENTRY_COLUMNS))
    if len(entries):
        if kod_obce:
            entries["_o"] = np.where(entries["comes_home"] & entries["travel_time_min"].isna(), -1.0,
                                     entries["travel_time_min"].fillna(-0.5))
            entries["_k"] = [czech_sort_key(n) for n in entries["name"]]
            entries = entries.sort_values(["_o", "_k"], kind="mergesort").drop(columns=["_o", "_k"])
        else:
            entries["_r"] = entries["kind"].map(lambda k: kind_rank.get(k, 999))
            entries["_k"] = entries["name"].map(czech_sort_key)
            entries = entries.sort_values(["_r", "_k"], kind="mergesort").drop(columns=["_r", "_k"])
        entries = entries.reset_index(drop=True)
    secret_rows = []
    secret_obce: dict[str, set[str]] = {}
    for sid, code in zip(secret_sites["service_id"].to_numpy(dtype=object), secret_sites["kod_obce"].to_numpy(dtype=object)):
        secret_obce.setdefault(sid, set()).add(code)
    secret_addr = public[public["secret_address"].astype(bool)].drop_duplicates("service_id").set_index(
        "service_id")["address_text"]
    for sid in sorted(all_secret & keep & set(records), key=lambda x: czech_sort_key(str(records[x]["service_name"]))):
        rec = records[sid]
        if not (secret_obce.get(sid, set()) & code_set or code_set.intersection(rec["service_area"])):
            continue
        row = card(sid, rec)
        row["address"] = str(secret_addr.get(sid, "")) or t("label.secret_address", lang)
        secret_rows.append(row)
    secret = pd.DataFrame(secret_rows, columns=list(_SECRET_COLUMNS))
    name = ""
    if kod_obce and kod_obce in code_set:
        name = str(analysis.district.obce.set_index("kod_obce").loc[kod_obce, "nazev_obce"])
    return PublicListing(entries, secret, kod_obce, name, analysis.settings.mode)


def public_sites(services: Services, *, service_ids: Iterable[str] | None = None, lang: str = "cs") -> list[dict]:
    """Markers of the public map: one per public site (secret sites never), compact for JSON.

    Keys: ``la``/``lo`` (WGS 84), ``n`` name, ``k`` kind, ``f`` forms, ``a`` address, ``p`` phone,
    ``w`` web, ``h`` hours, ``c`` colour (life situation), ``s`` shape (main form), ``id``.
    """
    tab = services.public_sites(lang)
    tab = tab[tab.geometry.notna() & ~tab["secret_address"].astype(bool)]
    if service_ids is not None:
        tab = tab[tab["service_id"].isin(set(service_ids))]
    if tab.empty:
        return []
    order = {"pob": 0, "amb": 1, "ter": 2}
    forms = (tab.assign(_o=tab["form"].map(order)).sort_values("_o").groupby(["site_id", "service_id"], sort=False)["form"]
             .agg(lambda x: list(dict.fromkeys(x))))
    first = tab.drop_duplicates(["site_id", "service_id"]).set_index(["site_id", "service_id"])
    wgs = _wgs84(gpd.GeoSeries(first.geometry.to_numpy(), crs=CRS))
    catalog = services.kinds
    colour_of: dict[tuple, str] = {}
    out = []
    first = first.reset_index()
    for row, pt in zip(first.itertuples(index=False), wgs):
        key = (row.site_id, row.service_id)
        fl = forms.get(key, [])
        kind = catalog.get(str(row.kind))
        tgs = tuple(row.target_groups)
        ck = (str(row.kind), tgs)
        if ck not in colour_of:
            wg = primary_working_group(list(tgs), kind.working_groups if kind else ())
            colour_of[ck] = SITUATION_COLOURS.get(wg, SITUATION_COLOURS["ostatni"])
        out.append({
            "la": round(float(pt.y), 6), "lo": round(float(pt.x), 6),
            "n": str(row.service_name), "k": (kind.name_cs if lang == "cs" else kind.name_en) if kind else "",
            "f": ", ".join(FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en for f in fl),
            "a": str(row.address_text), "p": str(row.phone), "w": str(row.web),
            "h": str(row.hours), "c": colour_of[ck],
            "s": FORM_SHAPES[fl[0]] if fl else "circle", "id": str(row.service_id),
        })
    return out


def public_legend_html(lang: str = "cs") -> str:
    """Legend of the public map (life situation by colour, form by shape, clusters), inline-styled HTML."""
    row = 'style="display:flex;align-items:center;gap:.4rem;margin:.15rem 0"'
    head = 'style="font-size:1rem;font-weight:700;margin:.5rem 0 .2rem"'
    parts = [f"<div {head}>{html.escape(t('map.legend.situations', lang))}</div>"]
    for key in list(LIFE_SITUATIONS) + ["ostatni"]:
        parts.append(f"<div {row}>{symbol_img('circle', SITUATION_COLOURS[key], 18)}"
                     f"<span>{html.escape(t(f'sit.{key}', lang))}</span></div>")
    parts.append(f"<div {head}>{html.escape(t('map.legend.forms', lang))}</div>")
    for code, shape in FORM_SHAPES.items():
        name = FORMS[code].name_cs if lang == "cs" else FORMS[code].name_en
        parts.append(f"<div {row}>{symbol_img(shape, '#BBBBBB', 18)}<span>{html.escape(name)}</span></div>")
    parts.append(f'<div {row}><span style="display:inline-flex;align-items:center;justify-content:center;'
                 'width:24px;height:24px;border-radius:50%;background:#1a1a1a;color:#fff;font-weight:700;'
                 f'font-size:12px;border:2px solid #fff;box-shadow:0 0 0 1px #000">5</span>'
                 f"<span>{html.escape(t('map.legend.cluster', lang))}</span></div>")
    return "".join(parts)


def public_map(district: District, sites: list[dict], *, assets: MapAssets, home: str | None = None,
               basemap: bool = False, lang: str = "cs", source: str = "", legend: bool = False) -> folium.Map:
    """The public service map: obce as a light background, sites clustered on a grid.

    ``sites`` come from :func:`public_sites` (never a secret site).  ``home`` is the obec code
    the user searched for (ringed and centred).  One script layer draws every site, so the map
    stays fluid with thousands of services.
    """
    m = _base_map(_bounds(district), assets, basemap=basemap, lang=lang, source=source)
    fc = obec_features(district, lang=lang, selected=home, fill="#FFFFFF")
    for f in fc["features"]:
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    _Call("obce", fc, {"fillOpacity": 0.1 if district.has_polygons else 0.7, "edge": "#6B6B6B"}).add_to(m)
    _Call("clusters", sites, {"cell": 60, "size": 24,
                              "texts": {"services": t("map.services", lang), "phone": t("map.phone", lang)}}).add_to(m)
    center = None
    if home and home in set(district.codes):
        pt = _wgs84(district.points()).loc[home]
        name = str(district.obce.set_index("kod_obce").loc[home, "nazev_obce"])
        center = [round(float(pt.y), 6), round(float(pt.x), 6)]
        _Call("home", {"la": center[0], "lo": center[1], "name": name}, {}).add_to(m)
    if legend:
        _Call("legend", public_legend_html(lang), {"position": "bottomright"}).add_to(m)
    _fit(m, _bounds(district), center=center, zoom=12)
    return m


# ---------------------------------------------------------------------------------------------
# The public list (HTML) and the standalone export
# ---------------------------------------------------------------------------------------------
def _minutes_text(entry: Mapping[str, object], mode: str, lang: str) -> str:
    minutes = entry.get("travel_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    key = "pub.travel_walk" if mode == "walk" else "pub.travel"
    return t(key, lang, minutes=_fmt(max(1.0, round(float(minutes))), lang, 0),  # type: ignore[arg-type]
             km=_fmt(float(entry.get("distance_km") or 0.0), lang, 1))  # type: ignore[arg-type]


def _contact_lines(entry: Mapping[str, object], lang: str) -> list[str]:
    out = []
    phone = str(entry.get("phone") or "")
    if phone:
        tel = re.sub(r"[^\d+]", "", phone)
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.phone", lang))}:</span> '
                   f'<a href="tel:{html.escape(tel)}">{html.escape(phone)}</a></div>')
    email = str(entry.get("email") or "")
    if email:
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.email", lang))}:</span> '
                   f'<a href="mailto:{html.escape(email)}">{html.escape(email)}</a></div>')
    web = str(entry.get("web") or "")
    if web:
        href = web if re.match(r"^https?://", web) else f"https://{web}"
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.web", lang))}:</span> '
                   f'<a href="{html.escape(href)}" target="_blank" rel="noopener">{html.escape(web)}</a></div>')
    hours = str(entry.get("hours") or "")
    if hours:
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.hours", lang))}:</span> {html.escape(hours)}</div>')
    return out


def _entry_html(e: Mapping[str, object], listing_mode: str, lang: str, *, with_obce: bool) -> str:
    colour = SITUATION_COLOURS.get(str(e.get("situation") or ""), SITUATION_COLOURS["ostatni"])
    forms = [f.strip() for f in str(e.get("forms") or "").split(",") if f.strip()]
    code_of = {(FORMS[c].name_cs if lang == "cs" else FORMS[c].name_en): c for c in FORMS}
    shape = FORM_SHAPES.get(code_of.get(forms[0], "amb"), "circle") if forms else "circle"
    attrs = f' data-obce="{html.escape(" ".join(e.get("obce") or []))}"' if with_obce else ""  # type: ignore[arg-type]
    lines = [f'<li class="cm-item"{attrs}>',
             f'<h3>{symbol_img(shape, colour, 20)} <span>{html.escape(str(e.get("name") or ""))}</span></h3>',
             f'<div class="cm-kind">{html.escape(str(e.get("kind_name") or ""))}'
             + (f" · {html.escape(str(e.get('forms')))}" if e.get("forms") else "") + "</div>"]
    if e.get("comes_home"):
        lines.append(f'<div class="cm-reach"><strong>{html.escape(t("pub.comes_home", lang))}</strong></div>')
    travel = _minutes_text(e, listing_mode, lang)
    if travel:
        lines.append(f'<div class="cm-reach"><strong>{html.escape(travel)}</strong></div>')
    addresses = [str(a) for a in (e.get("addresses") or [])] or ([str(e["address"])] if e.get("address") else [])  # type: ignore[union-attr]
    for a in addresses:
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.where", lang))}:</span> {html.escape(a)}</div>')
    lines.extend(_contact_lines(e, lang))
    if e.get("provider"):
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.provider", lang))}:</span> '
                     f'{html.escape(str(e["provider"]))}</div>')
    if e.get("target_groups"):
        lines.append(f'<div><span class="cm-k">{html.escape(t("pub.for_whom", lang))}:</span> '
                     f'{html.escape(str(e["target_groups"]))}</div>')
    if e.get("description"):
        lines.append(f'<p class="cm-desc">{html.escape(str(e["description"]))}</p>')
    lines.append("</li>")
    return "".join(lines)


_LIST_CSS = """
.cm-list{font-size:1.05rem;line-height:1.5;color:#000}
.cm-list ul{list-style:none;margin:0;padding:0}
.cm-item{border:1px solid #bbb;border-radius:6px;padding:.6rem .8rem;margin:0 0 .6rem;background:#fff}
.cm-item h3{font-size:1.12rem;margin:0 0 .2rem;display:flex;gap:.4rem;align-items:center;line-height:1.3}
.cm-item h3 svg{flex:0 0 auto}
.cm-kind{color:#333;font-style:italic}
.cm-reach{margin:.15rem 0}
.cm-k{font-weight:600}
.cm-desc{margin:.3rem 0 0;color:#222}
.cm-list a{color:#0b4f8a;text-decoration:underline}
.cm-list a:focus{outline:3px solid #000;outline-offset:2px}
.cm-secret{border:2px solid #000;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0;background:#fff}
.cm-secret h2{font-size:1.1rem;margin:0 0 .3rem}
"""


def public_list_html(listing: PublicListing, lang: str = "cs", *, with_obce: bool = False,
                     heading_level: int = 2, max_items: int | None = None) -> str:
    """The public list as accessible HTML (the text alternative of the map).

    ``with_obce`` adds ``data-obce`` attributes (codes of the obce each service serves) used by
    the obec filter of the HTML export.  ``max_items`` shows only the first entries, with a
    note how many there are (for very large data sets before an obec is chosen).
    """
    h = max(1, min(heading_level, 5))
    parts = [f"<style>{_LIST_CSS}</style>", f'<section class="cm-list" aria-label="{html.escape(t("pub.list_label", lang))}">']
    if listing.entries.empty and listing.secret.empty:
        parts.append(f"<p>{html.escape(t('pub.none', lang))}</p>")
    if len(listing.entries):
        records = listing.entries.to_dict("records")
        shown = records if max_items is None else records[:max_items]
        parts.append("<ul>")
        for e in shown:
            parts.append(_entry_html(e, listing.mode, lang, with_obce=with_obce))
        parts.append("</ul>")
        if len(shown) < len(records):
            parts.append(f"<p><strong>{html.escape(t('pub.more', lang, n=len(shown), total=len(records)))}</strong></p>")
    if len(listing.secret):
        all_attr = ' data-obce="" data-all="1"' if with_obce else ""
        parts.append(f'<div class="cm-secret"{all_attr}><h{h}>{html.escape(t("pub.secret_title", lang))}</h{h}>'
                     f"<p>{html.escape(t('pub.secret_note', lang))}</p><ul>")
        for e in listing.secret.to_dict("records"):
            parts.append(f'<li class="cm-item"{all_attr}><h3>{html.escape(str(e["name"]))}</h3>'
                         f'<div class="cm-kind">{html.escape(str(e["kind_name"]))}</div>'
                         f'<div><span class="cm-k">{html.escape(t("pub.where", lang))}:</span> '
                         f'{html.escape(str(e["address"]))}</div>' + "".join(_contact_lines(e, lang)) + "</li>")
        parts.append("</ul></div>")
    parts.append("</section>")
    return "".join(parts)


_EXPORT_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coverage-app">
<title>{{ title }} – {{ district }}</title>
<style>{{ leaflet_css }}</style>
<style>{{ map_css }}</style>
<style>
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 "Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#000;background:#fafafa}
header,footer{padding:.8rem 1rem}
header h1{margin:0;font-size:1.7rem}
header p{margin:.2rem 0 0}
.cm-page{display:flex;gap:1rem;padding:0 1rem 1rem;align-items:flex-start}
.cm-side{flex:1 1 40%;min-width:0}
.cm-mapwrap{flex:1 1 60%;position:sticky;top:.5rem}
#cm-map{height:78vh;min-height:420px;border:1px solid #999;border-radius:6px}
label{font-weight:700;display:block;margin:.2rem 0}
select{font-size:1.05rem;padding:.45rem;width:100%;max-width:26rem;border:2px solid #333;border-radius:4px;background:#fff}
select:focus{outline:3px solid #000;outline-offset:2px}
.cm-count{margin:.6rem 0}
.cm-static-legend{margin-top:.6rem;background:#fff;border:1px solid #bbb;border-radius:6px;padding:.5rem .8rem}
.cm-static-legend .cm-row{display:flex;align-items:center;gap:.4rem}
.cm-note{font-size:.95rem;color:#222}
@media (max-width: 760px){
  .cm-page{flex-direction:column}
  .cm-mapwrap{position:static;width:100%}
  #cm-map{height:60vh;min-height:320px}
}
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p>{{ subtitle }}</p>
{% if fictional %}<p class="cm-note"><strong>{{ fictional }}</strong></p>{% endif %}
</header>
<main class="cm-page">
<div class="cm-side">
<label for="cm-obec">{{ search_label }}</label>
<select id="cm-obec">
<option value="">{{ all_obce }}</option>
{% for code, name in obce %}<option value="{{ code }}">{{ name }}</option>
{% endfor %}</select>
<p class="cm-count" aria-live="polite">{{ count_label }} <strong id="cm-count">{{ count }}</strong></p>
{{ list_html }}
</div>
<div class="cm-mapwrap">
<div id="cm-map" role="region" aria-label="{{ map_label }}"></div>
<noscript><p>{{ noscript }}</p></noscript>
<div class="cm-static-legend" aria-label="{{ legend_label }}">{{ legend_html }}</div>
</div>
</main>
<footer><p class="cm-note">{{ source_line }}</p></footer>
<script>{{ leaflet_js }}</script>
<script>{{ map_js }}</script>
<script>CoverageMap.publicPage({{ data }});</script>
</body>
</html>
""")


def export_public_map(district: District, services: Services, analysis: Analysis | None, path: str | Path, *,
                      lang: str = "cs", title: str | None = None, basemap: bool = False,
                      source: str = "") -> Path:
    """Write the public map as one self-contained HTML file for a municipal website.

    Leaflet and the map script are inlined (no CDN; the page works offline).  The page holds the
    same list as the app (the text alternative of the map) with an obec filter, the clustered
    markers of :func:`public_sites` and a legend.  Secret addresses appear nowhere — not as a
    point, not as an address, not as a travel time.  With ``basemap=True`` the page loads
    OpenStreetMap tiles when the reader is online (attribution included).

    Parameters
    ----------
    district : District
    services : Services
    analysis : Analysis or None
        Analysis of ``district`` and ``services`` (computed when ``None``).
    path : path
        The ``.html`` file to write.
    lang : {"cs", "en"}
    title : str, optional
        Page title (default "Kde najdu pomoc?").
    basemap : bool
        Add an OpenStreetMap basemap (needs the reader to be online).
    source : str
        Data source named in the footer.
    """
    import datetime as dt

    from coverage_app.coverage import analyze

    if analysis is None:
        analysis = analyze(district, services)
    path = Path(path)
    files = asset_files()
    reach = service_reach(analysis)
    listing = public_listing(analysis, lang=lang, reach=reach)
    ids = set(listing.entries["service_id"]) if len(listing.entries) else set()
    sites = public_sites(services, service_ids=ids, lang=lang)
    fc = obec_features(district, lang=lang, fill="#FFFFFF")
    for f in fc["features"]:
        f["properties"].pop("tip", None)
        f["properties"]["tip"] = html.escape(str(f["properties"]["name"]))
        if "r" in f["properties"]:
            f["properties"]["r"] = 4
            f["properties"]["fill"] = "#6B6B6B"
    pts = _wgs84(district.points())
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    points = {code: {"la": round(float(p.y), 6), "lo": round(float(p.x), 6), "name": names[code]}
              for code, p in pts.items()}
    data = {
        "sites": sites, "obce": fc, "points": points, "bounds": _bounds(district),
        "texts": {"services": t("map.services", lang), "phone": t("map.phone", lang)},
        "tiles": OSM_TILES if basemap else None,
        "attribution": t("map.attr.plain", lang) + (" · " + html.escape(t("map.attr.data", lang, source=source)) if source else ""),
    }
    obce_sorted = sorted(names.items(), key=lambda kv: czech_sort_key(kv[1]))
    fictional = bool(services.services["fictional"].any()) if len(services.services) else False
    page = _EXPORT_TEMPLATE.render(
        lang=lang, title=html.escape(title or t("pub.title", lang)), district=html.escape(district.name),
        subtitle=html.escape(t("pub.subtitle", lang, district=district.name)),
        fictional=html.escape(t("pub.fictional", lang)) if fictional else "",
        search_label=html.escape(t("pub.search", lang)), all_obce=html.escape(t("pub.all_obce", lang)),
        obce=[(c, html.escape(n)) for c, n in obce_sorted], count_label=html.escape(t("pub.count", lang)),
        count=len(listing.entries) + len(listing.secret), list_html=public_list_html(listing, lang, with_obce=True),
        map_label=html.escape(t("pub.map_label", lang)), noscript=html.escape(t("pub.noscript", lang)),
        legend_label=html.escape(t("pub.legend", lang)), legend_html=public_legend_html(lang),
        source_line=html.escape(t("pub.source", lang, source=source or ", ".join(services.source_files) or "—",
                                  date=dt.date.today().strftime("%d. %m. %Y") if lang == "cs" else dt.date.today().isoformat())),
        leaflet_css=_inline_css(files), map_css=files["coverage_map.css"].read_text(encoding="utf-8"),
        leaflet_js=files["leaflet.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
        map_js=files["coverage_map.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
        data=_js_json(data),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def _inline_css(files: Mapping[str, Path]) -> str:
    """Leaflet's CSS with its images embedded as data URLs (the page stays one file)."""
    css = files["leaflet.css"].read_text(encoding="utf-8")
    for rel, p in files.items():
        if rel.startswith("images/"):
            css = css.replace(f"url({rel})", "url(data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii") + ")")
    return css

