"""The public map as one standalone HTML page for the municipal website (works offline)."""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Mapping, Sequence
from pathlib import Path

from jinja2 import Template

from coverage_app.coverage import Analysis
from coverage_app.i18n import t
from coverage_app.maps.interactive.base import OSM_TILES, PAGE_CSS, _js_json, _wgs84, asset_files
from coverage_app.maps.interactive.public import public_legend_html, public_listing, public_sites, service_reach
from coverage_app.maps.interactive.public_list import public_list_html
from coverage_app.maps.interactive.symbols import _bounds, obec_features
from coverage_app.maps.numbering import czech_sort_key
from coverage_app.model import District, Services

__all__ = ["export_public_map"]


_EXPORT_TEMPLATE = Template("""<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coverage-app">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>{{ title }} – {{ district }}</title>
<style>{{ leaflet_css }}</style>
<style>{{ map_css }}</style>
<style>{{ page_css }}</style>
<style>
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
<script>{{ init_js }}</script>
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
    scripts = (files["leaflet.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
               files["coverage_map.js"].read_text(encoding="utf-8").replace("</script", "<\\/script"),
               f"CoverageMap.publicPage({_js_json(data)});")
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
        page_css=PAGE_CSS.read_text(encoding="utf-8"),
        leaflet_js=scripts[0], map_js=scripts[1], init_js=scripts[2], csp=_csp(scripts, basemap),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path


def _csp(scripts: Sequence[str], basemap: bool) -> str:
    """A strict Content-Security-Policy for the exported page: only its own inline scripts (by
    their SHA-256), no other script, frame, form or connection; images inline (and the OSM tiles
    with a basemap)."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
                      for s in scripts)
    img = "data:" + (" https://tile.openstreetmap.org" if basemap else "")
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src {img}; "
            "base-uri 'none'; form-action 'none'")


def _inline_css(files: Mapping[str, Path]) -> str:
    """Leaflet's CSS with its images embedded as data URLs (the page stays one file)."""
    css = files["leaflet.css"].read_text(encoding="utf-8")
    for rel, p in files.items():
        if rel.startswith("images/"):
            css = css.replace(f"url({rel})", "url(data:image/png;base64," + base64.b64encode(p.read_bytes()).decode("ascii") + ")")
    return css
