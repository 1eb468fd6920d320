"""The provider catalogue: an A5 booklet (PDF) for every household.

:func:`render_catalogue` writes, with reportlab: a cover, a page on how to read the catalogue,
one card per service grouped by working group (or by target group), an index of obce → service
numbers and, on the back cover, crisis and emergency lines.  The page count is padded with note
pages to a multiple of four, as saddle-stitched booklets need.

A card shows the map number (the same marker as on the map: shape = form, colour = working
group), name, provider, kind with its paragraph, forms, address of every site — or "adresa
neveřejná, volejte …" for a secret one, phone, e-mail, web, hours, capacity per form and unit,
target groups and service area.  Cards never split across pages.  Only public data is printed
(:func:`coverage_app.maps.numbering.service_entries` reads
:meth:`~coverage_app.model.Services.public_sites`).

Service numbers are set in DejaVu Sans Mono (bold, or regular for the index entries of services
that only come to an obec) and nothing else is, so
the numbers of the catalogue can be compared with those of the map in the PDFs themselves.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import BalancedColumns

from coverage_app.codelists import FORMS, TARGET_GROUPS
from coverage_app.i18n import czech_nbsp, czech_quotes, czech_range, register, t
from coverage_app.maps.crisis_lines import CRISIS_LINES, CrisisLine, default_crisis_lines, read_crisis_lines
from coverage_app.maps.edition import Edition, parse_data_date
from coverage_app.maps.numbering import czech_sort_key, group_name, service_entries
from coverage_app.maps.style import (
    FORM_ORDER,
    WORKING_GROUP_ORDER,
    PrintStyle,
    get_style,
    register_reportlab_fonts,
    text_colour_on,
)
from coverage_app.model import District, Services

__all__ = [
    "CATALOGUE_PAGE_MM",
    "CRISIS_LINES",
    "CrisisLine",
    "default_crisis_lines",
    "read_crisis_lines",
    "render_catalogue",
]

#: Page size of the catalogue (A5 portrait), millimetres.
CATALOGUE_PAGE_MM: tuple[float, float] = (148.0, 210.0)

register({
    "cat.title": {"cs": "Katalog sociálních služeb", "en": "Catalogue of social services"},
    "cat.subtitle": {"cs": "poskytovatelé sociálních a navazujících služeb pro území {name}",
                     "en": "providers of social and related services for {name}"},
    "cat.data_date": {"cs": "Údaje k\u00a0{date}", "en": "Data as of {date}"},
    "cat.cover_note": {"cs": "Čísla služeb v tomto katalogu odpovídají číslům značek na mapě sociálních služeb.",
                       "en": "Service numbers in this catalogue match the marker numbers on the service map."},
    "cat.fictional": {"cs": "Ukázková data: všechny uvedené služby jsou smyšlené.",
                      "en": "Demo data: every service listed is fictional."},
    "cat.howto.title": {"cs": "Jak katalog používat", "en": "How to use this catalogue"},
    "cat.howto.text": {
        "cs": "Služby jsou seřazeny podle skupin, pro které jsou určeny. Každá služba má své číslo; "
              "stejné číslo najdete na mapě u místa, kde služba sídlí. Rejstřík obcí na konci katalogu "
              "ukazuje, které služby působí ve vaší obci. Krizové a tísňové linky jsou na zadní straně.",
        "en": "Services are ordered by the groups they are meant for. Every service has a number; the "
              "same number marks its place on the map. The index of obce at the end shows which services "
              "work in your obec. Crisis and emergency lines are on the back cover.",
    },
    "cat.howto.colours": {"cs": "Barva značky – skupina", "en": "Marker colour – group"},
    "cat.howto.shapes": {"cs": "Tvar značky – forma služby", "en": "Marker shape – form of the service"},
    "cat.howto.form.pob": {"cs": "pobytová – klient v zařízení bydlí", "en": "residential – the client lives there"},
    "cat.howto.form.amb": {"cs": "ambulantní – klient do služby dochází", "en": "ambulatory – the client comes"},
    "cat.howto.form.ter": {"cs": "terénní – pracovníci přijíždějí za klientem domů",
                           "en": "field – staff come to the client's home"},
    "cat.howto.secret": {"cs": "Některá zařízení (např. azylové domy pro oběti domácího násilí) mají ze zákona "
                               "neveřejnou adresu; kontaktujte je telefonicky.",
                         "en": "Some facilities (e.g. shelters for victims of domestic violence) have an address "
                               "withheld by law; contact them by phone."},
    "cat.field.provider": {"cs": "Poskytovatel", "en": "Provider"},
    "cat.field.kind": {"cs": "Druh", "en": "Kind"},
    "cat.field.form": {"cs": "Forma", "en": "Form"},
    "cat.field.address": {"cs": "Adresa", "en": "Address"},
    "cat.field.phone": {"cs": "Tel.", "en": "Phone"},
    "cat.field.email": {"cs": "E-mail", "en": "E-mail"},
    "cat.field.web": {"cs": "Web", "en": "Web"},
    "cat.field.hours": {"cs": "Provozní doba", "en": "Hours"},
    "cat.field.capacity": {"cs": "Kapacita", "en": "Capacity"},
    "cat.field.area": {"cs": "Působnost", "en": "Service area"},
    "cat.field.for": {"cs": "Pro koho", "en": "For"},
    "cat.see_also": {"cs": "Této skupině slouží také služby č. {numbers}.",
                     "en": "This group is also served by services no. {numbers}."},
    "cat.index.title": {"cs": "Rejstřík obcí", "en": "Index of obce"},
    "cat.index.note": {"cs": "U každé obce jsou čísla služeb, které v ní sídlí (tučně) nebo do ní docházejí.",
                       "en": "Each obec lists the services based in it (bold) or coming to it."},
    "cat.index.secret": {"cs": "Služby s neveřejnou adresou (volejte): {numbers}",
                         "en": "Services with a withheld address (call): {numbers}"},
    "cat.index.none": {"cs": "žádná služba", "en": "no service"},
    "cat.notes": {"cs": "Poznámky", "en": "Notes"},
    "cat.crisis.title": {"cs": "Krizové a tísňové linky", "en": "Crisis and emergency lines"},
    "cat.crisis.emergency": {"cs": "Tísňová volání", "en": "Emergency calls"},
    "cat.crisis.lines": {"cs": "Celostátní linky pomoci", "en": "National helplines"},
    "cat.page": {"cs": "strana {n}", "en": "page {n}"},
})


# ---------------------------------------------------------------------------------------------
# Flowables
# ---------------------------------------------------------------------------------------------
class _Badge(Flowable):
    """The map marker of a service: shape by form, fill by group, number inside."""

    def __init__(self, number: int | None, form: str, fill: str, size: float, number_font: str):
        super().__init__()
        self.number = number
        self.form = form
        self.fill = fill
        self.size = size
        self.number_font = number_font
        self.width = size * 1.3
        self.height = size * 1.3

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        s = self.size
        cx, cy = self.width / 2, self.height / 2
        c.setFillColor(ink(self.fill))
        c.setStrokeColor(ink("#000000"))
        c.setLineWidth(0.6)
        if self.form == "pob":
            side = s * 0.9
            c.rect(cx - side / 2, cy - side / 2, side, side, stroke=1, fill=1)
        elif self.form == "ter":
            r = s * 0.92 * 1.4142 / 2
            p = c.beginPath()
            p.moveTo(cx, cy + r)
            p.lineTo(cx + r, cy)
            p.lineTo(cx, cy - r)
            p.lineTo(cx - r, cy)
            p.close()
            c.drawPath(p, stroke=1, fill=1)
        else:
            c.circle(cx, cy, s / 2, stroke=1, fill=1)
        if self.number is not None:
            text = str(self.number)
            fs = s * 0.48 * (0.82 if len(text) >= 3 else 1.0)
            c.setFillColor(ink(text_colour_on(self.fill)))
            c.setFont(self.number_font, fs)
            c.drawCentredString(cx, cy - fs * 0.36, text)


class _GroupBar(Flowable):
    """A full-width bar with the group's name (fill = group colour)."""

    def __init__(self, text: str, fill: str, font: str, size: float = 11.0):
        super().__init__()
        self.text = text
        self.fill = fill
        self.font = font
        self.size = size
        self.height = size * 1.9

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(ink(self.fill))
        c.setStrokeColor(ink("#000000"))
        c.setLineWidth(0.5)
        c.rect(0, 0, self.width, self.height, stroke=1 if self.fill.lower() in ("#ffffff", "#fff") else 0, fill=1)
        c.setFillColor(ink(text_colour_on(self.fill)))
        c.setFont(self.font, self.size)
        c.drawString(3 * mm, self.height / 2 - self.size * 0.35, self.text)


class _Rules(Flowable):
    """Ruled lines for notes."""

    def __init__(self, height: float, step: float = 8 * mm):
        super().__init__()
        self.height = height
        self.step = step

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        self.height = min(self.height, availHeight)
        return availWidth, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(ink("#9a9a9a"))
        c.setLineWidth(0.4)
        y = self.height - self.step
        while y > 0:
            c.line(0, y, self.width, y)
            y -= self.step


# ---------------------------------------------------------------------------------------------
# Building the story
# ---------------------------------------------------------------------------------------------
@dataclass
class _Fonts:
    regular: str
    bold: str
    italic: str
    number: str
    number_light: str


#: Type sizes (pt) of the catalogue: (size, leading) per style, normal and large print.
_SIZES: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "base": ((10.0, 13.0), (12.5, 16.0)),
    "small": ((9.5, 12.0), (12.0, 15.2)),
    "name": ((11.5, 14.0), (14.0, 17.0)),
    "title": ((24.0, 28.0), (28.0, 33.0)),
    "subtitle": ((13.0, 16.5), (15.5, 19.5)),
    "district": ((16.0, 20.0), (19.0, 23.0)),
    "h1": ((14.0, 17.0), (17.0, 21.0)),
    "h2": ((11.5, 14.5), (14.0, 17.5)),
    "note": ((9.5, 12.0), (12.0, 15.2)),
    "index": ((9.5, 12.0), (12.0, 15.2)),
    "phone_big": ((18.0, 21.0), (21.0, 25.0)),
    "centre_small": ((9.0, 11.0), (11.0, 13.5)),
    "colophon": ((8.5, 10.8), (10.5, 13.0)),
}


def ink(hex_colour: str) -> colors.Color:
    """A colour for the catalogue: a neutral grey (black included) as black ink alone (CMYK
    0/0/0/K), so type and rules print on the K plate and a print shop's CMYK conversion keeps them
    there; any other colour as given (RGB, converted for print by the print-shop PDF)."""
    c = colors.HexColor(hex_colour)
    if abs(c.red - c.green) < 1e-3 and abs(c.green - c.blue) < 1e-3:
        return colors.CMYKColor(0, 0, 0, round(1 - c.red, 3))
    return c


def _styles(fonts: _Fonts, large: bool = False) -> dict[str, ParagraphStyle]:
    """Paragraph styles: body 10 pt (12.5 pt in large print), nothing a reader needs under 8.5 pt."""
    i = 1 if large else 0
    fonts_of = {"name": fonts.bold, "title": fonts.bold, "district": fonts.bold, "h1": fonts.bold, "h2": fonts.bold,
                "phone_big": fonts.bold, "note": fonts.italic}
    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=_SIZES["base"][i][0], leading=_SIZES["base"][i][1],
                          textColor=ink("#000000"), alignment=TA_LEFT)
    out = {"base": base}
    for name, sizes in _SIZES.items():
        if name == "base":
            continue
        size, leading = sizes[i]
        extra: dict[str, object] = {}
        if name == "h1":
            extra = {"spaceAfter": 4}
        elif name == "h2":
            extra = {"spaceBefore": 6, "spaceAfter": 2}
        elif name == "index":
            extra = {"leftIndent": 6, "firstLineIndent": -6}
        elif name in ("phone_big", "centre_small"):
            extra = {"alignment": TA_CENTER}
        out[name] = ParagraphStyle(name, parent=base, fontName=fonts_of.get(name, fonts.regular), fontSize=size,
                                   leading=leading, **extra)
    return out


def _table_style(fonts: _Fonts, commands: list) -> TableStyle:
    """A table style whose cell font is embedded DejaVu (reportlab would set Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("TEXTCOLOR", (0, 0), (-1, -1), ink("#000000"))] + commands)


def _num(n: int, fonts: _Fonts, bold: bool = True) -> str:
    """A service number in the number font, bold or regular (paragraph markup)."""
    return f'<font name="{fonts.number if bold else fonts.number_light}">{int(n)}</font>'


def _card(e: pd.Series, fill: str, fonts: _Fonts, st: dict[str, ParagraphStyle], lang: str,
          width: float, large: bool = False) -> Flowable:
    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{escape(t(key, lang))}:</b> {escape(czech_nbsp(value))}", st["base"])

    parts: list[Flowable] = [_para(e["name"], st["name"])]
    if e["provider"]:
        parts.append(_para(e["provider"], st["small"]))
    forms = ", ".join(FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en for f in e["forms"])
    parts.append(Paragraph(f"<b>{escape(t('cat.field.kind', lang))}:</b> {escape(czech_nbsp(e['kind_label']))}"
                           + (f" · <b>{escape(t('cat.field.form', lang))}:</b> {escape(forms)}" if forms else ""),
                           st["base"]))
    for addr in e["addresses"]:
        parts.append(field("cat.field.address", addr))
    contact = []
    if e["phone"]:
        contact.append(f"<b>{escape(t('cat.field.phone', lang))}:</b> {escape(czech_nbsp(e['phone']))}")
    if e["email"]:
        contact.append(f"<b>{escape(t('cat.field.email', lang))}:</b> {escape(e['email'])}")
    if contact:
        parts.append(Paragraph(" · ".join(contact), st["base"]))
    if e["web"]:
        parts.append(field("cat.field.web", e["web"]))
    if e["hours"]:
        parts.append(field("cat.field.hours", czech_range(e["hours"])))
    if e["capacity_text"]:
        parts.append(field("cat.field.capacity", e["capacity_text"]))
    if e["target_group_names"]:
        parts.append(field("cat.field.for", ", ".join(e["target_group_names"])))
    if e["area_text"]:
        parts.append(field("cat.field.area", e["area_text"]))
    if e["description"]:
        parts.append(_para(e["description"], st["note"]))
    badge_mm, col_mm = (10.0, 14.0) if large else (8.2, 12.0)
    badge = _Badge(int(e["number"]), e["main_form"], fill, badge_mm * mm, fonts.number)
    table = Table([[badge, parts]], colWidths=[col_mm * mm, width - col_mm * mm])
    table.setStyle(_table_style(fonts, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, ink("#8c8c8c")),
    ]))
    return KeepTogether([table])


def _group_key(e: pd.Series, by: str) -> str:
    return e["working_group"] if by == "working_group" else e["target_group"]


def _group_order(by: str) -> list[str]:
    if by == "working_group":
        return list(WORKING_GROUP_ORDER)
    return list(TARGET_GROUPS) + ["ostatni"]


def _secondary_groups(e: pd.Series, by: str) -> list[str]:
    if by == "working_group":
        return [g for g in e["working_groups"] if g != e["working_group"]]
    from coverage_app.codelists import resolve_target_group
    out = []
    for name in e["target_group_names"]:
        code = resolve_target_group(name)
        if code and code != e["target_group"]:
            out.append(code)
    return out


def _story(district: District, entries: pd.DataFrame, *, style: PrintStyle, fonts: _Fonts, lang: str,
           group_by: str, title: str, subtitle: str, edition: Edition, intro: str | None,
           crisis_lines: Sequence[CrisisLine], width: float, height: float, notes_pages: int,
           large: bool = False) -> list[Flowable]:
    """The whole booklet: cover, how to read, cards by group, index of obce, notes, back cover."""
    st = _styles(fonts, large)
    story = _cover(district, entries, st, lang, title, subtitle, edition)
    story += _howto(entries, st, fonts, style, lang, intro, width, large)
    story += _cards(entries, st, fonts, style, lang, group_by, width, large)
    story += _index(district, entries, st, fonts, lang, width, height)
    for _ in range(notes_pages):  # to make the booklet a multiple of four
        story += [PageBreak(), Paragraph(escape(t("cat.notes", lang)), st["h1"]), _Rules(height - 20 * mm)]
    story += _back_cover(district, entries, st, fonts, lang, crisis_lines, edition, width)
    return story


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text with Czech non-breaking spaces (after one-letter words, in numbers)."""
    return Paragraph(escape(czech_nbsp(czech_quotes(text))), style)


def _cover(district: District, entries: pd.DataFrame, st: dict[str, ParagraphStyle], lang: str, title: str,
           subtitle: str, edition: Edition) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 38 * mm), _para(title, st["title"]), Spacer(1, 4 * mm),
                             _para(subtitle, st["subtitle"]), Spacer(1, 10 * mm),
                             _para(district.name or "", st["district"])]
    if edition.data_date:
        story += [Spacer(1, 3 * mm), _para(t("cat.data_date", lang, date=edition.date_text(lang)), st["base"])]
    story += [Spacer(1, 22 * mm), _para(t("cat.cover_note", lang), st["base"])]
    if bool(len(entries) and entries["fictional"].any()):
        story += [Spacer(1, 3 * mm), _para(t("cat.fictional", lang), st["note"])]
    if edition.publisher:
        story += [Spacer(1, 6 * mm), _para(t("ed.publisher", lang, publisher=edition.publisher), st["base"])]
    return story + [NextPageTemplate("body"), PageBreak()]


def _legend_table(rows: list[list[Flowable]], fonts: _Fonts, width: float, badge_w: float) -> Table:
    tab = Table(rows, colWidths=[badge_w, width - badge_w])
    tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return tab


def _howto(entries: pd.DataFrame, st: dict[str, ParagraphStyle], fonts: _Fonts, style: PrintStyle, lang: str,
           intro: str | None, width: float, large: bool) -> list[Flowable]:
    """How to read the catalogue: the text, the colours of the groups and the shapes of the forms."""
    story: list[Flowable] = [_para(t("cat.howto.title", lang), st["h1"]),
                             _para(intro if intro is not None else t("cat.howto.text", lang), st["base"])]
    badge, badge_w = (7.0 * mm, 12 * mm) if large else (5.5 * mm, 10 * mm)
    groups = [g for g in WORKING_GROUP_ORDER if g in set(entries["working_group"])]
    if groups:
        story.append(_para(t("cat.howto.colours", lang), st["h2"]))
        story.append(_legend_table([[_Badge(None, "amb", style.group_colour(g), badge, fonts.number),
                                     _para(group_name(g, lang), st["base"])] for g in groups], fonts, width, badge_w))
    forms = [f for f in FORM_ORDER if f in set(entries["main_form"])]
    if forms:
        story.append(_para(t("cat.howto.shapes", lang), st["h2"]))
        story.append(_legend_table([[_Badge(None, f, "#ffffff", badge, fonts.number),
                                     _para(t(f"cat.howto.form.{f}", lang), st["base"])] for f in forms],
                                   fonts, width, badge_w))
    if len(entries) and entries["secret"].any():
        story += [Spacer(1, 3 * mm), _para(t("cat.howto.secret", lang), st["note"])]
    return story + [PageBreak()]


def _cards(entries: pd.DataFrame, st: dict[str, ParagraphStyle], fonts: _Fonts, style: PrintStyle, lang: str,
           group_by: str, width: float, large: bool) -> list[Flowable]:
    """One section per group: its bar, its cards, and the numbers of services it shares."""
    story: list[Flowable] = []
    keyed = entries.assign(_g=[_group_key(e, group_by) for _, e in entries.iterrows()])
    for g in _group_order(group_by):
        sub = keyed[keyed["_g"] == g].sort_values("number")
        also = sorted(int(e["number"]) for _, e in entries.iterrows()
                      if g in _secondary_groups(e, group_by) and _group_key(e, group_by) != g)
        if sub.empty and not also:
            continue
        fill = style.group_colour(g) if group_by == "working_group" else style.group_colour(
            TARGET_GROUPS[g].working_group if g in TARGET_GROUPS else "ostatni")
        bar = [_GroupBar(group_name(g, lang, by=group_by), fill, fonts.bold, size=st["h2"].fontSize + 1),
               Spacer(1, 1.5 * mm)]
        cards = [_card(e, style.group_colour(e["working_group"]), fonts, st, lang, width, large)
                 for _, e in sub.iterrows()]
        story.append(KeepTogether(bar + cards[:1]))  # the bar never stands alone at the foot of a page
        story.extend(cards[1:])
        if also:
            nums = ", ".join(_num(n, fonts) for n in also)
            story.append(Spacer(1, 1.5 * mm))
            story.append(Paragraph(escape(czech_nbsp(t("cat.see_also", lang, numbers="\x00"))).replace("\x00", nums),
                                   st["note"]))
        story.append(Spacer(1, 4 * mm))
    return story


def _index(district: District, entries: pd.DataFrame, st: dict[str, ParagraphStyle], fonts: _Fonts, lang: str,
           width: float, height: float) -> list[Flowable]:
    """Index of obce → numbers (kept on one page when it fits on what is left of the last card page)."""
    index: list[Flowable] = [_para(t("cat.index.title", lang), st["h1"]), _para(t("cat.index.note", lang), st["note"]),
                             Spacer(1, 2 * mm)]
    paras = []
    for code, name in sorted(zip(district.obce["kod_obce"], district.obce["nazev_obce"]),
                             key=lambda p: czech_sort_key(p[1])):
        seated = sorted(int(e.number) for e in entries.itertuples() if code in e.site_obce)
        serving = sorted(int(e.number) for e in entries.itertuples()
                         if code in e.area_codes and code not in e.site_obce)
        items = sorted([(n, True) for n in seated] + [(n, False) for n in serving])
        nums = (", ".join(_num(n, fonts, bold=b) for n, b in items) if items
                else escape(t("cat.index.none", lang)))
        paras.append(Paragraph(f"{escape(czech_nbsp(str(name)))}: {nums}", st["index"]))
    col_w = (width - 6) / 2
    rows_h = sum(p.wrap(col_w, height)[1] for p in paras) / 2 + 2 * st["index"].leading
    index.append(BalancedColumns(paras, nCols=2, spaceBefore=0, innerPadding=6, leftPadding=0, rightPadding=0))
    secret = entries[entries["secret"]]
    if len(secret):
        nums = ", ".join(_num(n, fonts) for n in secret["number"])
        index += [Spacer(1, 3 * mm),
                  Paragraph(escape(czech_nbsp(t("cat.index.secret", lang, numbers="\x00"))).replace("\x00", nums),
                            st["base"])]
    need = rows_h + sum(f.wrap(width, height)[1] for f in index if not isinstance(f, BalancedColumns)) + 6
    return [CondPageBreak(min(0.95 * height, need)), Spacer(1, 2 * mm)] + index


def _back_cover(district: District, entries: pd.DataFrame, st: dict[str, ParagraphStyle], fonts: _Fonts, lang: str,
                crisis_lines: Sequence[CrisisLine], edition: Edition, width: float) -> list[Flowable]:
    """Crisis and emergency lines, then the colophon: date of the data, sources, publisher, edition."""
    story: list[Flowable] = [NextPageTemplate("back"), PageBreak(), _para(t("cat.crisis.title", lang), st["h1"])]
    emergency = [c for c in crisis_lines if c.emergency]
    others = [c for c in crisis_lines if not c.emergency]
    if emergency:
        story.append(_para(t("cat.crisis.emergency", lang), st["h2"]))
        cells = [[_para(c.phone, st["phone_big"]) for c in emergency],
                 [_para(c.who, st["centre_small"]) for c in emergency]]
        tab = Table(cells, colWidths=[width / len(emergency)] * len(emergency))
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                          ("BOX", (0, 0), (-1, -1), 0.6, ink("#000000")),
                                          ("LINEAFTER", (0, 0), (-2, -1), 0.4, ink("#8c8c8c")),
                                          ("TOPPADDING", (0, 0), (-1, 0), 5), ("BOTTOMPADDING", (0, -1), (-1, -1), 5)]))
        story.append(tab)
    if others:
        story.append(_para(t("cat.crisis.lines", lang), st["h2"]))
        rows = []
        for c in others:
            detail = "<br/>".join(escape(czech_nbsp(x)) for x in (c.who, c.hours) if x)
            rows.append([Paragraph(f"<b>{escape(czech_nbsp(c.phone))}</b>", st["base"]),
                         Paragraph(f"<b>{escape(czech_nbsp(c.name))}</b>" + (f"<br/>{detail}" if detail else ""),
                                   st["base"])])
        phone_w = max(stringWidth(czech_nbsp(c.phone), fonts.bold, st["base"].fontSize) for c in others) + 5 * mm
        tab = Table(rows, colWidths=[phone_w, width - phone_w])
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                          ("LINEBELOW", (0, 0), (-1, -1), 0.4, ink("#8c8c8c")),
                                          ("LEFTPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                          ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story.append(tab)
    fictional = bool(len(entries) and entries["fictional"].any())
    colophon = [t("cat.data_date", lang, date=edition.date_text(lang))] if edition.data_date else []
    colophon.append(t("ed.source", lang, parts="; ".join(edition.source_parts(
        lang, boundaries=district.has_polygons, fictional=fictional))))
    if edition.publisher:
        colophon.append(t("ed.publisher", lang, publisher=edition.publisher))
    if edition.edition:
        colophon.append(edition.edition)
    story += [Spacer(1, 4 * mm), _para(". ".join(c.rstrip(".") for c in colophon) + ".", st["colophon"])]
    return story


class _Doc(BaseDocTemplate):
    """A5 booklet with a cover, body pages (header and page number) and a back cover."""

    def __init__(self, target, *, header: str, footer: str, fonts: _Fonts, cover_colours: Sequence[str] = (), **kw):
        super().__init__(target, **kw)
        self.cover_colours = list(cover_colours)
        self.header = header
        self.footer = footer
        self.fonts = fonts
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[frame], onPage=self._cover),
            PageTemplate(id="body", frames=[frame], onPage=self._body),
            PageTemplate(id="back", frames=[frame]),
        ])

    def _cover(self, canvas, doc) -> None:  # noqa: ANN001
        """Bands in the working groups' colours at the top of the cover (inside the margins: no bleed needed)."""
        if not self.cover_colours:
            return
        canvas.saveState()
        w, h = self.pagesize
        band = 6 * mm
        step = self.width / len(self.cover_colours)
        for i, colour in enumerate(self.cover_colours):
            canvas.setFillColor(ink(colour))
            canvas.rect(self.leftMargin + i * step, h - self.topMargin - band, step, band, stroke=0, fill=1)
        canvas.restoreState()

    def _body(self, canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        w, h = self.pagesize
        canvas.setFont(self.fonts.regular, 8.5)
        canvas.setFillColor(ink("#000000"))
        canvas.drawString(self.leftMargin, h - 9 * mm, self.header)
        canvas.setStrokeColor(ink("#8c8c8c"))
        canvas.setLineWidth(0.4)
        canvas.line(self.leftMargin, h - 10.2 * mm, w - self.rightMargin, h - 10.2 * mm)
        canvas.setFont(self.fonts.regular, 10)
        canvas.drawCentredString(w / 2, 7 * mm, str(doc.page))
        canvas.setFont(self.fonts.regular, 8.5)
        if self.footer:
            canvas.setFont(self.fonts.regular, 8.5)
            canvas.drawRightString(w - self.rightMargin, 7 * mm, self.footer)
        canvas.restoreState()


def render_catalogue(
    district: District,
    services: Services,
    out: str | Path,
    *,
    group_by: str = "working_group",
    style: str | PrintStyle = "colour",
    title: str | None = None,
    subtitle: str | None = None,
    intro: str | None = None,
    crisis_lines: Iterable[CrisisLine] | None = None,
    data_date: object = None,
    lang: str = "cs",
    pad_to_multiple: int = 4,
    edition: Edition | None = None,
    large_print: bool = False,
) -> Path:
    """Print the provider catalogue of a district as an A5 booklet PDF.

    Parameters
    ----------
    district : District
    services : Services
        All services; those relevant to the district get a card (same numbers as the map).
    out : path
        ``.pdf`` file.
    group_by : {"working_group", "target_group"}
        Sections of the catalogue: the four working groups of community planning (and "other"),
        or the registry's target groups.  A service is carded once, under its primary group;
        the other groups it serves list its number at the end of their section.
    style : {"colour", "grayscale", "cvd"} or PrintStyle
    title, subtitle : str, optional
        Cover texts (default "Katalog sociálních služeb" and the district).
    intro : str, optional
        Text of the "how to use" page (default explains numbers, index and back cover).
    crisis_lines : iterable of CrisisLine, optional
        Back-cover lines (default :data:`CRISIS_LINES`, or :func:`default_crisis_lines` for
        ``lang="en"``; a user's table: :func:`read_crisis_lines`).
    data_date : date or str, optional
        Date of the data ("Údaje k …"): a date, ``2026-09-01`` or ``1. 9. 2026``; replaces the
        edition's date.  Without either, no date is printed.
    lang : {"cs", "en"}
    pad_to_multiple : int
        Add note pages so the page count is a multiple of this (4 for saddle stitching; 1 for none).
    edition : Edition, optional
        Date of the data, sources loaded, publisher and edition (cover and back-cover colophon;
        the publisher is the PDF's author).
    large_print : bool
        Body type 12.5 pt instead of 10 pt, larger markers (fewer cards per page), for readers
        with low vision.

    Returns
    -------
    Path
        The written PDF (A5 portrait, 148 × 210 mm, fonts embedded).
    """
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise ValueError(t("print.err.format", "cs", ext=out.suffix or "(žádná)", expected=".pdf"))
    if group_by not in ("working_group", "target_group"):
        raise ValueError(t("err.option", "cs", option="group_by", detail=str(group_by)))
    st = get_style(style)
    names = register_reportlab_fonts()
    fonts = _Fonts(names["regular"], names["bold"], names["italic"], names["number"], names["number_light"])
    entries = service_entries(services, district, lang)
    ed = edition or Edition()
    if data_date is not None:
        ed = replace(ed, data_date=parse_data_date(data_date))
    date_text = ed.date_text(lang)
    title = title if title is not None else t("cat.title", lang)
    subtitle = subtitle if subtitle is not None else t("cat.subtitle", lang, name=district.name or "")
    lines = tuple(crisis_lines) if crisis_lines is not None else (CRISIS_LINES if lang == "cs" else default_crisis_lines(lang))
    page_w, page_h = CATALOGUE_PAGE_MM[0] * mm, CATALOGUE_PAGE_MM[1] * mm
    margins = dict(leftMargin=12 * mm, rightMargin=12 * mm, topMargin=14 * mm, bottomMargin=13 * mm)
    header = f"{title} – {district.name}" if district.name else title
    footer = t("cat.data_date", lang, date=date_text) if date_text else ""
    frame_w = page_w - margins["leftMargin"] - margins["rightMargin"]
    frame_h = page_h - margins["topMargin"] - margins["bottomMargin"]

    def build(target, notes: int) -> int:
        cover = [st.group_colour(g) for g in WORKING_GROUP_ORDER if g != "ostatni"]
        doc = _Doc(target, header=header, footer=footer, fonts=fonts, cover_colours=cover, pagesize=(page_w, page_h),
                   title=title, initialFontName=fonts.regular, initialFontSize=10,
                   author=ed.publisher or "coverage-app", subject=header, creator="coverage-app", **margins)
        story = _story(district, entries, style=st, fonts=fonts, lang=lang, group_by=group_by, title=title,
                       subtitle=subtitle, edition=ed, intro=intro, crisis_lines=lines, width=frame_w,
                       height=frame_h, notes_pages=notes, large=large_print)
        doc.build(story)
        return doc.page

    pages = build(io.BytesIO(), 0)
    step = max(1, int(pad_to_multiple))
    notes = (-pages) % step
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        build(fh, notes)
    return out
