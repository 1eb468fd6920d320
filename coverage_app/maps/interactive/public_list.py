"""The public list of services as accessible HTML: one card per service, how it reaches people,
times, contacts (the text alternative of the public map, used by the app and the exports)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np

from coverage_app.codelists import FORMS
from coverage_app.i18n import TEXTS, czech_nbsp, register, t
from coverage_app.maps.interactive.base import FORM_SHAPES, SITUATION_COLOURS
from coverage_app.maps.interactive.public import PublicListing
from coverage_app.maps.interactive.symbols import _fmt, symbol_img

__all__ = ["LIST_CSS", "card_head_html", "card_rest_html", "czech_nbsp", "public_list_html", "safe_url"]


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


register({
    "pub.how.home": {"cs": "Přijde za vámi domů", "en": "Comes to your home"},
    "pub.how.remote": {"cs": "Pomoc na dálku – zavolejte", "en": "Help from a distance – call"},
    "pub.how.visit": {"cs": "Zajdete nebo zajedete za ní", "en": "You go there"},
    "pub.how.live": {"cs": "Bydlení v zařízení", "en": "You live there"},
    "pub.walk": {"cs": "pěšky asi {minutes} min", "en": "about {minutes} min on foot"},
    "pub.call": {"cs": "Zavolat {phone}", "en": "Call {phone}"},
    "pub.details": {"cs": "Adresa, hodiny a další údaje", "en": "Address, hours and more"},
    "pub.group_count": {"cs": "{name} ({n})", "en": "{name} ({n})"},
})

def _minutes_text(entry: Mapping[str, object], mode: str, lang: str) -> str:
    minutes = entry.get("travel_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    key = "pub.travel_walk" if mode == "walk" else "pub.travel"
    return t(key, lang, minutes=_fmt(max(1.0, round(float(minutes))), lang, 0),  # type: ignore[arg-type]
             km=_fmt(float(entry.get("distance_km") or 0.0), lang, 1))  # type: ignore[arg-type]


def _walk_text(entry: Mapping[str, object], mode: str, lang: str) -> str:
    minutes = entry.get("walk_time_min")
    if mode == "walk" or minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    text = t("pub.walk", lang, minutes=_fmt(max(1.0, float(minutes)), lang, 0))  # type: ignore[arg-type]
    return text[:1].upper() + text[1:]


def _bus_text(entry: Mapping[str, object], lang: str) -> str:
    """``Autobusem asi 35 min (1 přestup)`` where the listing has a public-transport time."""
    from coverage_app.transit.indicators import pt_text

    minutes = entry.get("pt_time_min")
    if minutes is None or not np.isfinite(float(minutes)):  # type: ignore[arg-type]
        return ""
    text = pt_text(float(minutes), float(entry.get("pt_transfers") or 0.0), lang)  # type: ignore[arg-type]
    return text[:1].upper() + text[1:]


def _call_button(phone: str, lang: str) -> str:
    """The phone as a large tap target (``tel:`` link, at least 44 px tall), number unbroken."""
    first = re.split(r"[,;]", phone)[0].strip()
    tel = re.sub(r"[^\d+]", "", first)
    label = t("pub.call", lang, phone=czech_nbsp(first))
    extra = phone[len(first):].strip(" ,;")
    more = f'<div class="cm-phone-more">{html.escape(czech_nbsp(extra))}</div>' if extra else ""
    return (f'<a class="cm-call" href="tel:{html.escape(tel)}" aria-label="{html.escape(label)}">'
            f'<span aria-hidden="true">\u260e</span> {html.escape(label)}</a>{more}')


def _contact_lines(entry: Mapping[str, object], lang: str) -> list[str]:
    out = []
    phone = str(entry.get("phone") or "")
    if phone:
        out.append(_call_button(phone, lang))
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


def _times_line(e: Mapping[str, object], listing_mode: str, lang: str) -> str:
    """Car (or walking), bus and walking times of a service people go to, on one wrapping line."""
    parts = [x for x in (_minutes_text(e, listing_mode, lang), _bus_text(e, lang), _walk_text(e, listing_mode, lang))
             if x]
    if not parts:
        return ""
    return '<div class="cm-times">' + " · ".join(f"<span>{html.escape(czech_nbsp(p))}</span>" for p in parts) + "</div>"


def card_head_html(e: Mapping[str, object], lang: str = "cs") -> str:
    """The heading of a service's card: its symbol (life situation, main form) and name."""
    colour = SITUATION_COLOURS.get(str(e.get("situation") or ""), SITUATION_COLOURS["ostatni"])
    forms = [f.strip() for f in str(e.get("forms") or "").split(",") if f.strip()]
    code_of = {(FORMS[c].name_cs if lang == "cs" else FORMS[c].name_en): c for c in FORMS}
    shape = FORM_SHAPES.get(code_of.get(forms[0], "amb"), "circle") if forms else "circle"
    return f'<h3>{symbol_img(shape, colour, 20)} <span>{html.escape(str(e.get("name") or ""))}</span></h3>'


def card_rest_html(e: Mapping[str, object], lang: str = "cs") -> str:
    """The rest of a card, the same for every obec: the call button, the kind and form, and the
    folded details (addresses, other contacts, provider, for whom, description)."""
    contacts = _contact_lines(e, lang)
    parts = []
    if contacts and contacts[0].startswith('<a class="cm-call"'):
        parts.append(contacts.pop(0))
    parts.append(f'<div class="cm-kind">{html.escape(str(e.get("kind_name") or ""))}'
                 + (f" · {html.escape(str(e.get('forms')))}" if e.get("forms") else "") + "</div>")
    more = []
    addresses = [str(a) for a in (e.get("addresses") or [])] or ([str(e["address"])] if e.get("address") else [])  # type: ignore[union-attr]
    for a in addresses:
        more.append(f'<div><span class="cm-k">{html.escape(t("pub.where", lang))}:</span> {html.escape(czech_nbsp(a))}</div>')
    more.extend(contacts)
    if e.get("provider"):
        more.append(f'<div><span class="cm-k">{html.escape(t("pub.provider", lang))}:</span> '
                    f'{html.escape(str(e["provider"]))}</div>')
    if e.get("target_groups"):
        more.append(f'<div><span class="cm-k">{html.escape(t("pub.for_whom", lang))}:</span> '
                    f'{html.escape(str(e["target_groups"]))}</div>')
    if e.get("description"):
        more.append(f'<p class="cm-desc">{html.escape(czech_nbsp(str(e["description"])))}</p>')
    if more:
        parts.append(f'<details class="cm-more"><summary>{html.escape(t("pub.details", lang))}</summary>'
                     + "".join(more) + "</details>")
    return "".join(parts)


def _entry_html(e: Mapping[str, object], listing_mode: str, lang: str, *, with_obce: bool) -> str:
    """One service: name, how it reaches people, times, a call button; the rest folded away."""
    attrs = f' data-obce="{html.escape(" ".join(e.get("obce") or []))}"' if with_obce else ""  # type: ignore[arg-type]
    reach = str(e.get("reach") or ("home" if e.get("comes_home") else "visit"))
    lines = [f'<li class="cm-item"{attrs}>', card_head_html(e, lang),
             f'<div class="cm-how cm-how-{html.escape(reach)}">{html.escape(t(f"pub.how.{reach}", lang))}</div>']
    if reach in ("visit", "live"):
        lines.append(_times_line(e, listing_mode, lang))
    lines.append(card_rest_html(e, lang))
    lines.append("</li>")
    return "".join(lines)


LIST_CSS = """
.cm-list{font-size:1.05rem;line-height:1.5;color:#000}
.cm-list ul{list-style:none;margin:0;padding:0}
.cm-item{border:1px solid #bbb;border-radius:6px;padding:.6rem .8rem;margin:0 0 .6rem;background:#fff}
.cm-item h3{font-size:1.12rem;margin:0 0 .2rem;display:flex;gap:.4rem;align-items:center;line-height:1.3}
.cm-item h3 svg{flex:0 0 auto}
.cm-kind{color:#333;font-style:italic;font-size:.95rem}
.cm-how{font-weight:700;margin:.1rem 0}
.cm-how-home{color:#005a32}
.cm-how-remote{color:#08306b}
.cm-times{margin:.1rem 0 .3rem}
.cm-times span{white-space:nowrap}
.cm-call{display:inline-flex;align-items:center;gap:.4rem;min-height:44px;padding:.45rem .9rem;margin:.25rem 0;
  border:2px solid #0b4f8a;border-radius:22px;background:#eef5fc;font-weight:700;text-decoration:none!important;
  white-space:nowrap;max-width:100%}
.cm-call:focus{outline:3px solid #000;outline-offset:2px}
.cm-phone-more{font-size:.95rem}
.cm-more{margin:.3rem 0 0}
.cm-more summary{cursor:pointer;min-height:44px;display:flex;align-items:center;color:#0b4f8a;font-weight:600}
.cm-group{margin:0 0 .8rem}
.cm-group>h2,.cm-group>h3{font-size:1.1rem;margin:.8rem 0 .4rem}
.cm-k{font-weight:600}
.cm-desc{margin:.3rem 0 0;color:#222}
.cm-list a{color:#0b4f8a;text-decoration:underline}
.cm-list a:focus{outline:3px solid #000;outline-offset:2px}
.cm-secret{border:2px solid #000;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0;background:#fff}
.cm-secret h2{font-size:1.1rem;margin:0 0 .3rem}
"""


def public_list_html(listing: PublicListing, lang: str = "cs", *, with_obce: bool = False,
                     heading_level: int = 2, max_items: int | None = None, group: bool = False) -> str:
    """The public list as accessible HTML (the text alternative of the map).

    ``with_obce`` adds ``data-obce`` attributes (codes of the obce each service serves) used by
    the obec filter of the HTML export.  ``max_items`` shows only the first entries, with a
    note how many there are (for very large data sets before an obec is chosen).  ``group``
    puts the services under headings of life situations (in the order of the listing: the group
    of the first service first).
    """
    h = max(1, min(heading_level, 5))
    parts = [f"<style>{LIST_CSS}</style>", f'<section class="cm-list" aria-label="{html.escape(t("pub.list_label", lang))}">']
    if listing.entries.empty and listing.secret.empty:
        parts.append(f"<p>{html.escape(t('pub.none', lang))}</p>")
    if len(listing.entries):
        records = listing.entries.to_dict("records")
        shown = records if max_items is None else records[:max_items]
        groups: dict[str, list[dict]] = {}
        for e in shown:
            groups.setdefault(str(e.get("situation") or "ostatni") if group else "", []).append(e)
        for key, items in groups.items():
            if key:
                name = t(f"sit.{key}", lang) if f"sit.{key}" in TEXTS else key
                parts.append(f'<div class="cm-group"><h{h}>{html.escape(t("pub.group_count", lang, name=name, n=len(items)))}'
                             f"</h{h}>")
            parts.append("<ul>")
            parts.extend(_entry_html(e, listing.mode, lang, with_obce=with_obce) for e in items)
            parts.append("</ul>" + ("</div>" if key else ""))
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
