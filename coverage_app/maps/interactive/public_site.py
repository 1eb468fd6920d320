"""The public map as a static website: ``index.html``, scripts, styles and the data, for any web
server of a municipality (or opened from a disk, offline).

The page is the phone-first public page of the app: a search that ignores diacritics and case
(and finds parts of obce where known), the help for the chosen obec grouped by life situation,
how each service reaches people, times by car, bus and on foot, a large call button, and the map
one tap away.  Everything the page shows is in ``data/sluzby.js`` (``window.COVERAGE_DATA``; the
same object as ``data/sluzby.json`` for other uses) — no request leaves the site, no script is
inline (a strict Content-Security-Policy holds), and secret addresses appear nowhere: services
whose every site is secret are listed for the whole district with their phone only.

Layout of the folder::

    index.html
    assets/leaflet.js, leaflet.css, images/…, coverage_map.js, coverage_map.css,
           public_site.js, public_site.css
    data/sluzby.js, data/sluzby.json
"""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from pathlib import Path

import numpy as np

from coverage_app.app import _texts  # noqa: F401  (the public page's texts)
from coverage_app.codelists import normalize_text
from coverage_app.coverage import Analysis
from coverage_app.i18n import _PLURALS, t
from coverage_app.maps.interactive.base import ASSETS_DIR, OSM_TILES, PAGE_CSS, _wgs84, asset_files
from coverage_app.maps.interactive.public import public_legend_html, public_listing, public_sites, service_reach
from coverage_app.maps.interactive.public_list import LIST_CSS, card_head_html, card_rest_html
from coverage_app.maps.interactive.symbols import _bounds, obec_features
from coverage_app.maps.numbering import czech_sort_key

__all__ = ["export_public_site", "public_site_data"]

#: Texts the page's script needs (keys of the translation table).
_TEXT_KEYS = ("pub.title", "pub.search", "app.pub.query_placeholder", "app.pub.pick", "app.pub.to_map",
              "app.pub.to_list", "pub.how.home", "pub.how.remote", "pub.how.visit", "pub.how.live", "pub.travel",
              "pub.travel_walk", "pub.walk", "pt.there", "pt.direct", "pt.walk_only", "pub.group_count",
              "pub.secret_title", "pub.secret_note", "pub.none", "map.services", "map.phone", "pub.list_label",
              "pub.map_label", "pub.legend", "pub.noscript", "pub.fictional", "app.pub.count_obec",
              "app.pub.not_found")


def _num(value: object, digits: int = 1) -> float | None:
    v = float(value) if value is not None else np.nan  # type: ignore[arg-type]
    return round(v, digits) if np.isfinite(v) else None


def public_site_data(analysis: Analysis, *, lang: str = "cs", source: str = "", title: str | None = None) -> dict:
    """Everything the static page shows, as one JSON-able object.

    ``services``: one record per public service (``head`` and ``rest`` are its card's HTML, the
    same for every obec); ``obce``: code, name, search key and parts; ``reach``: per obec code the
    services that reach it in the order of the app's list, each ``[service index, how, car
    minutes, km, bus minutes, transfers, walking minutes]``; ``secret``: services with secret
    addresses (name, kind, phone, "adresa neveřejná"); ``sites``, ``map_obce``, ``points``,
    ``bounds``: the map; ``texts``, ``plurals``: the page's words.
    """
    district = analysis.district
    reach = service_reach(analysis)
    whole = public_listing(analysis, lang=lang, reach=reach)
    index: dict[str, int] = {}
    services = []
    for e in whole.entries.to_dict("records"):
        index[str(e["service_id"])] = len(services)
        services.append({"id": str(e["service_id"]), "name": str(e["name"]), "situation": str(e["situation"]),
                         "head": card_head_html(e, lang), "rest": card_rest_html(e, lang)})
    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    parts = district.obce["casti_obce"] if "casti_obce" in district.obce else None
    obce = []
    per_obec: dict[str, list] = {}
    for i, code in enumerate(district.codes):
        part_text = str(parts.iloc[i]) if parts is not None and isinstance(parts.iloc[i], str) else ""
        obce.append({"code": code, "name": str(names[code]), "key": normalize_text(names[code]),
                     "parts": [normalize_text(p) for p in part_text.split(";") if p]})
        rows = public_listing(analysis, kod_obce=code, lang=lang, reach=reach).entries
        per_obec[code] = [[index[str(r.service_id)], str(r.reach), _num(r.travel_time_min, 0), _num(r.distance_km),
                           _num(r.pt_time_min, 0), _num(r.pt_transfers, 0), _num(r.walk_time_min, 0)]
                          for r in rows.itertuples() if str(r.service_id) in index]
    obce.sort(key=lambda o: czech_sort_key(o["name"]))
    secret = [{"name": str(e["name"]), "kind": str(e["kind_name"]), "phone": str(e["phone"]),
               "address": str(e["address"])} for e in whole.secret.to_dict("records")]
    pts = _wgs84(district.points())
    fc = obec_features(district, lang=lang, fill="#FFFFFF")
    for f in fc["features"]:
        f["properties"]["tip"] = html.escape(str(f["properties"]["name"]))
        if "r" in f["properties"]:
            f["properties"]["r"], f["properties"]["fill"] = 4, "#6B6B6B"
    fictional = bool(analysis.services.services["fictional"].any()) if len(analysis.services.services) else False
    return {
        "title": title or t("pub.title", lang), "district": district.name, "lang": lang, "mode": analysis.settings.mode,
        "services": services, "obce": obce, "reach": per_obec, "secret": secret,
        "sites": public_sites(analysis.services, service_ids=set(index), lang=lang), "map_obce": fc,
        "points": {c: {"la": round(float(p.y), 6), "lo": round(float(p.x), 6), "name": str(names[c])}
                   for c, p in pts.items()},
        "bounds": _bounds(district), "fictional": fictional,
        "texts": {k: t(k, lang) for k in _TEXT_KEYS},
        "plurals": {w: list(_PLURALS[w][lang if lang in _PLURALS[w] else "cs"]) for w in ("service_acc", "transfer")},
        "situations": {k: t(f"sit.{k}", lang) for k in ("seniori", "postizeni", "rodiny", "krize", "ostatni")},
        "source": source, "created": dt.date.today().isoformat(),
    }


_INDEX = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coverage-app">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; base-uri 'none'; form-action 'none'">
<title>{title} – {district}</title>
<link rel="stylesheet" href="assets/leaflet.css">
<link rel="stylesheet" href="assets/coverage_map.css">
<link rel="stylesheet" href="assets/public_site.css">
</head>
<body>
<header><h1>{title}</h1><p>{subtitle}</p>{fictional}</header>
<main class="cm-page">
<div class="cm-side" id="cm-seznam">
<label for="cm-query">{search}</label>
<input id="cm-query" type="search" autocomplete="off" placeholder="{placeholder}">
<div id="cm-picks" aria-live="polite"></div>
<p id="cm-count" class="cm-count" aria-live="polite"></p>
<a class="cm-jump" href="#cm-mapa">{to_map}</a>
<section class="cm-list" id="cm-results" aria-label="{list_label}"></section>
</div>
<div class="cm-mapwrap" id="cm-mapa">
<a class="cm-jump" href="#cm-seznam">{to_list}</a>
<div id="cm-map" role="region" aria-label="{map_label}"></div>
<noscript><p>{noscript}</p></noscript>
<div class="cm-static-legend" aria-label="{legend_label}">{legend}</div>
</div>
</main>
<footer><p class="cm-note">{source_line}</p></footer>
<script src="assets/leaflet.js"></script>
<script src="assets/coverage_map.js"></script>
<script src="data/sluzby.js"></script>
<script src="assets/public_site.js"></script>
</body>
</html>
"""


def export_public_site(analysis: Analysis, out_dir: str | Path, *, lang: str = "cs", title: str | None = None,
                       basemap: bool = False, source: str = "") -> Path:
    """Write the static public website into ``out_dir`` (created; replaced atomically).

    Returns the path of ``index.html``.  With ``basemap`` the map loads OpenStreetMap tiles when
    the reader is online (and the policy allows their server); otherwise nothing is fetched.
    """
    out = Path(out_dir)
    data = public_site_data(analysis, lang=lang, source=source, title=title)
    data["tiles"] = OSM_TILES if basemap else None
    data["attribution"] = t("map.attr.plain", lang) + (" · " + t("map.attr.data", lang, source=source) if source else "")
    tmp = out.with_name(f".{out.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "assets").mkdir(parents=True)
    (tmp / "data").mkdir()
    for rel, src in asset_files().items():
        dst = tmp / "assets" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    shutil.copyfile(ASSETS_DIR / "public_site.js", tmp / "assets" / "public_site.js")
    (tmp / "assets" / "public_site.css").write_text(
        LIST_CSS + PAGE_CSS.read_text(encoding="utf-8") + (ASSETS_DIR / "public_site.css").read_text(encoding="utf-8"),
        encoding="utf-8")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    (tmp / "data" / "sluzby.json").write_text(text, encoding="utf-8")
    (tmp / "data" / "sluzby.js").write_text("window.COVERAGE_DATA = " + text.replace("</", "<\\/") + ";\n",
                                            encoding="utf-8")
    e = html.escape
    page = _INDEX.format(
        lang=lang, title=e(data["title"]), district=e(data["district"]),
        subtitle=e(t("pub.subtitle", lang, district=data["district"])),
        fictional=f'<p class="cm-note"><strong>{e(t("pub.fictional", lang))}</strong></p>' if data["fictional"] else "",
        search=e(t("pub.search", lang)), placeholder=e(t("app.pub.query_placeholder", lang)),
        to_map=e(t("app.pub.to_map", lang)), to_list=e(t("app.pub.to_list", lang)),
        list_label=e(t("pub.list_label", lang)), map_label=e(t("pub.map_label", lang)),
        noscript=e(t("pub.noscript", lang)), legend_label=e(t("pub.legend", lang)), legend=public_legend_html(lang),
        source_line=e(t("pub.source", lang, source=source or "—", date=dt.date.today().strftime("%-d. %-m. %Y")
                        if lang == "cs" else dt.date.today().isoformat())),
        tiles=" https://tile.openstreetmap.org" if basemap else "",
    )
    (tmp / "index.html").write_text(page, encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out / "index.html"
