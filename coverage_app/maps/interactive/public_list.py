"""The public list of services as accessible HTML: one card per service, how it reaches people,
times, contacts (the text alternative of the public map, used by the app and the exports)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np

from coverage_app.codelists import FORMS
from coverage_app.i18n import t
from coverage_app.maps.interactive.base import FORM_SHAPES, SITUATION_COLOURS
from coverage_app.maps.interactive.public import PublicListing
from coverage_app.maps.interactive.symbols import _fmt, symbol_img

__all__ = ["public_list_html", "safe_url"]


def safe_url(value: str) -> str:
    """The address to link to: ``http(s)://…`` as it is, ``www.…`` with ``https://``; anything
    else (``javascript:``, ``data:``…) gives ``""`` and is shown as text.  The map's popups apply the
    same rule (``safeUrl`` in coverage_map.js)."""
    v = str(value or "").strip()
    if re.fullmatch(r"https?://[^\s\"'<>]+", v, flags=re.IGNORECASE):
        return v
    if re.fullmatch(r"www\.[^\s\"'<>:]+", v, flags=re.IGNORECASE):
        return "https://" + v
    return ""


def _minutes_text(entry: Mapping[str, object], mode: str, lang: str) -> str:
    minutes = entry.get("travel_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    key = "pub.travel_walk" if mode == "walk" else "pub.travel"
    return t(key, lang, minutes=_fmt(max(1.0, round(float(minutes))), lang, 0),  # type: ignore[arg-type]
             km=_fmt(float(entry.get("distance_km") or 0.0), lang, 1))  # type: ignore[arg-type]


def _bus_text(entry: Mapping[str, object], lang: str) -> str:
    """``Autobusem asi 35 min (1 přestup)`` where the listing has a public-transport time."""
    from coverage_app.transit.indicators import pt_text

    minutes = entry.get("pt_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    text = pt_text(float(minutes), float(entry.get("pt_transfers") or 0.0), lang)  # type: ignore[arg-type]
    return text[:1].upper() + text[1:]


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
    web = str(entry.get("web") or "").strip()
    if web:
        href = safe_url(web)  # only web addresses become links; anything else stays text
        link = (f'<a href="{html.escape(href)}" target="_blank" rel="noopener">{html.escape(web)}</a>' if href
                else html.escape(web))
        out.append(f'<div><span class="cm-k">{html.escape(t("pub.web", lang))}:</span> {link}</div>')
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
    bus = _bus_text(e, lang)
    if bus:
        lines.append(f'<div class="cm-reach"><strong>{html.escape(bus)}</strong></div>')
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
