"""Map building blocks: texts, colours, the Leaflet assets served by the app, script elements,
the base map without any CDN or tile server."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import html
import json
import shutil
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from coverage_app.codelists import (
    WORKING_GROUPS,
)
from coverage_app.i18n import register, t



register({
    "map.ind.gaps": {"cs": "počet mezer (vybrané druhy)", "en": "number of gaps (chosen kinds)"},
    "map.ind.travel_time_min": {"cs": "dojezd k nejbližšímu zařízení (min)", "en": "travel time to the nearest site (min)"},
    "map.ind.reachable": {"cs": "zařízení dosažitelné v limitu", "en": "a site within the threshold"},
    "map.ind.field_covered": {"cs": "v působnosti terénní služby", "en": "in a field service's area"},
    "map.ind.e2sfca_per_1000": {"cs": "dostupná kapacita na 1000 (E2SFCA)", "en": "accessible capacity per 1000 (E2SFCA)"},
    "map.ind.field_capacity_per_1000": {"cs": "kapacita terénních služeb na 1000", "en": "field capacity per 1000"},
    "map.ind.target_population": {"cs": "cílová populace (osob)", "en": "target population (people)"},
    "map.ind.pt_time_min": {"cs": "bez auta: veřejnou dopravou tam (min)", "en": "without a car: public transport there (min)"},
    "map.ind.car_only": {"cs": "bez auta: dosažitelné jen autem", "en": "without a car: reached by car only"},
    "map.cls.no_bus": {"cs": "veřejnou dopravou nedostupné", "en": "not reachable by public transport"},
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
    "map.legend.kinds": {"cs": "Barva: pracovní skupina a její druhy služeb", "en": "Colour: working group and its kinds of service"},
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

ASSETS_DIR = Path(__file__).resolve().parents[1] / "assets"
#: The public page's layout rules, shared by the single-file export and the static website.
PAGE_CSS = ASSETS_DIR / "public_page.css"

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
                               "field_capacity_per_1000", "target_population", "pt_time_min", "car_only")
#: Indicators that need a public-transport timetable.
TRANSIT_INDICATORS: tuple[str, ...] = ("pt_time_min", "car_only")

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
    """JSON safe inside an HTML ``<script>``: no ``<``, ``>`` or ``&`` at all (so neither ``</script>``
    nor ``<!--`` can change how the browser reads the script), no raw U+2028/2029."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


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
