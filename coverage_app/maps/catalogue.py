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
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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
from coverage_app.i18n import register, t
from coverage_app.maps.numbering import czech_sort_key, group_name, service_entries
from coverage_app.maps.printing import format_data_date
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
    "render_catalogue",
]

#: Page size of the catalogue (A5 portrait), millimetres.
CATALOGUE_PAGE_MM: tuple[float, float] = (148.0, 210.0)

register({
    "cat.title": {"cs": "Katalog sociálních služeb", "en": "Catalogue of social services"},
    "cat.subtitle": {"cs": "poskytovatelé sociálních a navazujících služeb pro území {name}",
                     "en": "providers of social and related services for {name}"},
    "cat.data_date": {"cs": "Údaje k {date}", "en": "Data as of {date}"},
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
    "cat.crisis.note": {"cs": "Čísla celostátních linek ověřte před tiskem; ke dni vydání je lze upravit.",
                        "en": "Check the national numbers before printing; they can be changed for each edition."},
    "cat.page": {"cs": "strana {n}", "en": "page {n}"},
    # crisis lines (defaults; the user may pass their own list)
    "cat.line.112": {"cs": "Jednotné evropské číslo tísňového volání", "en": "European emergency number"},
    "cat.line.155": {"cs": "Zdravotnická záchranná služba", "en": "Ambulance"},
    "cat.line.158": {"cs": "Policie ČR", "en": "Police"},
    "cat.line.150": {"cs": "Hasičský záchranný sbor", "en": "Fire and rescue"},
    "cat.line.116111": {"cs": "Linka bezpečí", "en": "Linka bezpečí (child helpline)"},
    "cat.line.116111.who": {"cs": "děti, mládež a studenti do 26 let", "en": "children, young people and students up to 26"},
    "cat.line.116000": {"cs": "Linka pro rodinu a školu", "en": "Family and school line"},
    "cat.line.116000.who": {"cs": "dospělí, kteří mají starost o dítě", "en": "adults worried about a child"},
    "cat.line.116123": {"cs": "Linka první psychické pomoci", "en": "First psychological aid line"},
    "cat.line.116123.who": {"cs": "dospělí v psychické krizi a jejich blízcí", "en": "adults in mental crisis and their close ones"},
    "cat.line.116006": {"cs": "Linka pomoci obětem kriminality a domácího násilí",
                        "en": "Helpline for victims of crime and domestic violence"},
    "cat.line.116006.who": {"cs": "oběti a svědci trestných činů, ohrožení domácím násilím",
                            "en": "victims and witnesses of crime, people at risk of domestic violence"},
    "cat.line.800200007": {"cs": "Linka seniorů", "en": "Senior line"},
    "cat.line.800200007.who": {"cs": "senioři a ti, kdo o ně pečují", "en": "older people and their carers"},
    "cat.line.800157157": {"cs": "Senior telefon", "en": "Senior telefon"},
    "cat.line.800157157.who": {"cs": "senioři a pečující", "en": "older people and carers"},
    "cat.line.800350000": {"cs": "Národní linka pro odvykání", "en": "National quitline"},
    "cat.line.800350000.who": {"cs": "kouření a jiné závislosti", "en": "smoking and other addictions"},
    "cat.hours.nonstop": {"cs": "nonstop, zdarma", "en": "24/7, free"},
    "cat.hours.8_20": {"cs": "denně 8–20 h, zdarma", "en": "daily 8 am–8 pm, free"},
    "cat.hours.free": {"cs": "zdarma", "en": "free"},
})


@dataclass(frozen=True)
class CrisisLine:
    """A helpline or emergency number printed on the back cover.

    Attributes
    ----------
    name : str
        Name of the line, e.g. "Linka bezpečí".
    phone : str
        Number as dialled, e.g. "116 111".
    who : str
        Whom it is for.
    hours : str
        When it answers (and whether free), e.g. "nonstop, zdarma"; ``""`` when not stated.
    emergency : bool
        An emergency number (112, 155, 158, 150), printed large at the top.
    """

    name: str
    phone: str
    who: str = ""
    hours: str = ""
    emergency: bool = False


def default_crisis_lines(lang: str = "cs") -> tuple[CrisisLine, ...]:
    """The national lines printed unless the caller passes its own list.

    Numbers checked against public sources (2024–2025): Linka bezpečí 116 111 (nonstop),
    Linka pro rodinu a školu 116 000, Linka první psychické pomoci 116 123, Linka pomoci obětem
    kriminality a domácího násilí 116 006 (Bílý kruh bezpečí, nonstop, free), Linka seniorů
    800 200 007 (Elpida, daily 8–20), Senior telefon 800 157 157 (Život 90), Národní linka
    pro odvykání 800 350 000; emergency numbers 112, 155, 158, 150.  Hours are given only where
    a source states them; operators change hours, so check before each print run.
    """
    def line(num: str, phone: str, hours: str = "") -> CrisisLine:
        return CrisisLine(t(f"cat.line.{num}", lang), phone, t(f"cat.line.{num}.who", lang),
                          t(hours, lang) if hours else "")
    return (
        CrisisLine("112", "112", t("cat.line.112", lang), emergency=True),
        CrisisLine("155", "155", t("cat.line.155", lang), emergency=True),
        CrisisLine("158", "158", t("cat.line.158", lang), emergency=True),
        CrisisLine("150", "150", t("cat.line.150", lang), emergency=True),
        line("116111", "116 111", "cat.hours.nonstop"),
        line("116000", "116 000", "cat.hours.free"),
        line("116123", "116 123", "cat.hours.free"),
        line("116006", "116 006", "cat.hours.nonstop"),
        line("800200007", "800 200 007", "cat.hours.8_20"),
        line("800157157", "800 157 157", "cat.hours.free"),
        line("800350000", "800 350 000", "cat.hours.free"),
    )


#: Default lines in Czech (override through ``render_catalogue(..., crisis_lines=...)``).
CRISIS_LINES: tuple[CrisisLine, ...] = default_crisis_lines("cs")


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
        c.setFillColor(colors.HexColor(self.fill))
        c.setStrokeColor(colors.black)
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
            c.setFillColor(colors.HexColor(text_colour_on(self.fill)))
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
        c.setFillColor(colors.HexColor(self.fill))
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.5)
        c.rect(0, 0, self.width, self.height, stroke=1 if self.fill.lower() in ("#ffffff", "#fff") else 0, fill=1)
        c.setFillColor(colors.HexColor(text_colour_on(self.fill)))
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
        c.setStrokeColor(colors.HexColor("#9a9a9a"))
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


def _styles(fonts: _Fonts) -> dict[str, ParagraphStyle]:
    black = colors.black
    base = ParagraphStyle("base", fontName=fonts.regular, fontSize=8.2, leading=10.4, textColor=black,
                          alignment=TA_LEFT)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.4, leading=9.2),
        "name": ParagraphStyle("name", parent=base, fontName=fonts.bold, fontSize=9.6, leading=11.6),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.bold, fontSize=24, leading=28),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12.5, leading=16),
        "district": ParagraphStyle("district", parent=base, fontName=fonts.bold, fontSize=16, leading=20),
        "h1": ParagraphStyle("h1", parent=base, fontName=fonts.bold, fontSize=13, leading=16, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=fonts.bold, fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=2),
        "note": ParagraphStyle("note", parent=base, fontName=fonts.italic, fontSize=7.6, leading=9.6),
        "index": ParagraphStyle("index", parent=base, fontSize=7.6, leading=9.3, leftIndent=6, firstLineIndent=-6),
        "phone_big": ParagraphStyle("phone_big", parent=base, fontName=fonts.bold, fontSize=17, leading=20,
                                    alignment=TA_CENTER),
        "centre_small": ParagraphStyle("centre_small", parent=base, fontSize=7.2, leading=8.8, alignment=TA_CENTER),
    }


def _table_style(fonts: _Fonts, commands: list) -> TableStyle:
    """A table style whose cell font is embedded DejaVu (reportlab would set Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.regular), ("FONTSIZE", (0, 0), (-1, -1), 8),
                       ("TEXTCOLOR", (0, 0), (-1, -1), colors.black)] + commands)


def _num(n: int, fonts: _Fonts, bold: bool = True) -> str:
    """A service number in the number font, bold or regular (paragraph markup)."""
    return f'<font name="{fonts.number if bold else fonts.number_light}">{int(n)}</font>'


def _card(e: pd.Series, fill: str, fonts: _Fonts, st: dict[str, ParagraphStyle], lang: str,
          width: float) -> Flowable:
    def field(key: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{escape(t(key, lang))}:</b> {escape(value)}", st["base"])

    parts: list[Flowable] = [Paragraph(escape(e["name"]), st["name"])]
    if e["provider"]:
        parts.append(Paragraph(escape(e["provider"]), st["small"]))
    forms = ", ".join(FORMS[f].name_cs if lang == "cs" else FORMS[f].name_en for f in e["forms"])
    parts.append(Paragraph(f"<b>{escape(t('cat.field.kind', lang))}:</b> {escape(e['kind_label'])}"
                           + (f" · <b>{escape(t('cat.field.form', lang))}:</b> {escape(forms)}" if forms else ""),
                           st["base"]))
    for addr in e["addresses"]:
        parts.append(field("cat.field.address", addr))
    contact = []
    if e["phone"]:
        contact.append(f"<b>{escape(t('cat.field.phone', lang))}:</b> {escape(e['phone'])}")
    if e["email"]:
        contact.append(f"<b>{escape(t('cat.field.email', lang))}:</b> {escape(e['email'])}")
    if contact:
        parts.append(Paragraph(" · ".join(contact), st["base"]))
    if e["web"]:
        parts.append(field("cat.field.web", e["web"]))
    if e["hours"]:
        parts.append(field("cat.field.hours", e["hours"]))
    if e["capacity_text"]:
        parts.append(field("cat.field.capacity", e["capacity_text"]))
    if e["target_group_names"]:
        parts.append(field("cat.field.for", ", ".join(e["target_group_names"])))
    if e["area_text"]:
        parts.append(field("cat.field.area", e["area_text"]))
    if e["description"]:
        parts.append(Paragraph(escape(e["description"]), st["note"]))
    badge = _Badge(int(e["number"]), e["main_form"], fill, 8.2 * mm, fonts.number)
    table = Table([[badge, parts]], colWidths=[12 * mm, width - 12 * mm])
    table.setStyle(_table_style(fonts, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
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
           group_by: str, title: str, subtitle: str, date_text: str, intro: str | None,
           crisis_lines: Sequence[CrisisLine], width: float, height: float, notes_pages: int) -> list[Flowable]:
    st = _styles(fonts)
    story: list[Flowable] = []
    fictional = bool(len(entries) and entries["fictional"].any())
    # cover
    story += [Spacer(1, 38 * mm), Paragraph(escape(title), st["title"]), Spacer(1, 4 * mm),
              Paragraph(escape(subtitle), st["subtitle"]), Spacer(1, 10 * mm),
              Paragraph(escape(district.name or ""), st["district"])]
    if date_text:
        story += [Spacer(1, 3 * mm), Paragraph(escape(t("cat.data_date", lang, date=date_text)), st["base"])]
    story += [Spacer(1, 22 * mm), Paragraph(escape(t("cat.cover_note", lang)), st["base"])]
    if fictional:
        story += [Spacer(1, 3 * mm), Paragraph(escape(t("cat.fictional", lang)), st["note"])]
    story += [NextPageTemplate("body"), PageBreak()]

    # how to read
    story.append(Paragraph(escape(t("cat.howto.title", lang)), st["h1"]))
    story.append(Paragraph(escape(intro if intro is not None else t("cat.howto.text", lang)), st["base"]))
    groups_present = [g for g in WORKING_GROUP_ORDER if g in set(entries["working_group"])]
    if groups_present:
        story.append(Paragraph(escape(t("cat.howto.colours", lang)), st["h2"]))
        rows = [[_Badge(None, "amb", style.group_colour(g), 5.5 * mm, fonts.number),
                 Paragraph(escape(group_name(g, lang)), st["base"])] for g in groups_present]
        tab = Table(rows, colWidths=[10 * mm, width - 10 * mm])
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        story.append(tab)
    forms_present = [f for f in FORM_ORDER if f in set(entries["main_form"])]
    if forms_present:
        story.append(Paragraph(escape(t("cat.howto.shapes", lang)), st["h2"]))
        rows = [[_Badge(None, f, "#ffffff", 5.5 * mm, fonts.number),
                 Paragraph(escape(t(f"cat.howto.form.{f}", lang)), st["base"])] for f in forms_present]
        tab = Table(rows, colWidths=[10 * mm, width - 10 * mm])
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        story.append(tab)
    if len(entries) and entries["secret"].any():
        story += [Spacer(1, 3 * mm), Paragraph(escape(t("cat.howto.secret", lang)), st["note"])]
    story.append(PageBreak())

    # groups of cards
    order = _group_order(group_by)
    keyed = entries.assign(_g=[_group_key(e, group_by) for _, e in entries.iterrows()])
    for g in order:
        sub = keyed[keyed["_g"] == g].sort_values("number")
        also = sorted(int(e["number"]) for _, e in entries.iterrows()
                      if g in _secondary_groups(e, group_by) and _group_key(e, group_by) != g)
        if sub.empty and not also:
            continue
        fill = style.group_colour(g) if group_by == "working_group" else style.group_colour(
            TARGET_GROUPS[g].working_group if g in TARGET_GROUPS else "ostatni")
        bar = [_GroupBar(group_name(g, lang, by=group_by), fill, fonts.bold), Spacer(1, 1.5 * mm)]
        cards = [_card(e, style.group_colour(e["working_group"]), fonts, st, lang, width) for _, e in sub.iterrows()]
        # the bar never stands alone at the foot of a page
        story.append(KeepTogether(bar + cards[:1]))
        story.extend(cards[1:])
        if also:
            nums = ", ".join(_num(n, fonts) for n in also)
            story.append(Spacer(1, 1.5 * mm))
            story.append(Paragraph(escape(t("cat.see_also", lang, numbers="\x00")).replace("\x00", nums), st["note"]))
        story.append(Spacer(1, 4 * mm))

    # index of obce (kept on one page when it fits on what is left of the last card page)
    index: list[Flowable] = [Paragraph(escape(t("cat.index.title", lang)), st["h1"]),
                             Paragraph(escape(t("cat.index.note", lang)), st["note"]), Spacer(1, 2 * mm)]
    paras = []
    for code, name in sorted(zip(district.obce["kod_obce"], district.obce["nazev_obce"]), key=lambda p: czech_sort_key(p[1])):
        seated = sorted(int(e.number) for e in entries.itertuples() if code in e.site_obce)
        serving = sorted(int(e.number) for e in entries.itertuples()
                         if code in e.area_codes and code not in e.site_obce)
        items = sorted([(n, True) for n in seated] + [(n, False) for n in serving])
        if items:
            nums = ", ".join(_num(n, fonts, bold=seated) for n, seated in items)
        else:
            nums = escape(t("cat.index.none", lang))
        paras.append(Paragraph(f"{escape(str(name))}: {nums}", st["index"]))
    col_w = (width - 6) / 2
    rows_h = sum(p.wrap(col_w, height)[1] for p in paras) / 2 + 2 * st["index"].leading
    index.append(BalancedColumns(paras, nCols=2, spaceBefore=0, innerPadding=6, leftPadding=0, rightPadding=0))
    secret = entries[entries["secret"]]
    if len(secret):
        nums = ", ".join(_num(n, fonts) for n in secret["number"])
        index += [Spacer(1, 3 * mm),
                  Paragraph(escape(t("cat.index.secret", lang, numbers="\x00")).replace("\x00", nums), st["base"])]
    need = rows_h + sum(f.wrap(width, height)[1] for f in index if not isinstance(f, BalancedColumns)) + 6
    story.append(CondPageBreak(min(0.95 * height, need)))
    story.append(Spacer(1, 2 * mm))
    story.extend(index)

    # notes pages to make the booklet a multiple of four
    for _ in range(notes_pages):
        story.append(PageBreak())
        story.append(Paragraph(escape(t("cat.notes", lang)), st["h1"]))
        story.append(_Rules(height - 20 * mm))

    # crisis lines: back cover
    story.append(NextPageTemplate("back"))
    story.append(PageBreak())
    story.append(Paragraph(escape(t("cat.crisis.title", lang)), st["h1"]))
    emergency = [c for c in crisis_lines if c.emergency]
    others = [c for c in crisis_lines if not c.emergency]
    if emergency:
        story.append(Paragraph(escape(t("cat.crisis.emergency", lang)), st["h2"]))
        cells = [[Paragraph(escape(c.phone), st["phone_big"]) for c in emergency],
                 [Paragraph(escape(c.who), st["centre_small"]) for c in emergency]]
        tab = Table(cells, colWidths=[width / len(emergency)] * len(emergency))
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                                 ("LINEAFTER", (0, 0), (-2, -1), 0.4, colors.HexColor("#8c8c8c")),
                                 ("TOPPADDING", (0, 0), (-1, 0), 5), ("BOTTOMPADDING", (0, -1), (-1, -1), 5)]))
        story.append(tab)
    if others:
        story.append(Paragraph(escape(t("cat.crisis.lines", lang)), st["h2"]))
        rows = []
        for c in others:
            detail = "<br/>".join(escape(x) for x in (c.who, c.hours) if x)
            rows.append([Paragraph(f"<b>{escape(c.phone)}</b>", st["base"]),
                         Paragraph(f"<b>{escape(c.name)}</b>" + (f"<br/>{detail}" if detail else ""), st["base"])])
        tab = Table(rows, colWidths=[28 * mm, width - 28 * mm])
        tab.setStyle(_table_style(fonts, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 3),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story.append(tab)
    story += [Spacer(1, 3 * mm), Paragraph(escape(t("cat.crisis.note", lang)), st["note"])]
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
            canvas.setFillColor(colors.HexColor(colour))
            canvas.rect(self.leftMargin + i * step, h - self.topMargin - band, step, band, stroke=0, fill=1)
        canvas.restoreState()

    def _body(self, canvas, doc) -> None:  # noqa: ANN001
        canvas.saveState()
        w, h = self.pagesize
        canvas.setFont(self.fonts.regular, 7)
        canvas.setFillColor(colors.black)
        canvas.drawString(self.leftMargin, h - 9 * mm, self.header)
        canvas.setStrokeColor(colors.HexColor("#8c8c8c"))
        canvas.setLineWidth(0.4)
        canvas.line(self.leftMargin, h - 10.2 * mm, w - self.rightMargin, h - 10.2 * mm)
        canvas.drawCentredString(w / 2, 7 * mm, str(doc.page))
        if self.footer:
            canvas.setFont(self.fonts.regular, 6.2)
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
        ``lang="en"``).
    data_date : date or str, optional
        Date of the data (default: the services' snapshot label).
    lang : {"cs", "en"}
    pad_to_multiple : int
        Add note pages so the page count is a multiple of this (4 for saddle stitching; 1 for none).

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
    date_text = format_data_date(data_date, lang) or str(services.snapshot or "")
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
                   title=title, initialFontName=fonts.regular, initialFontSize=8, invariant=1,
                   author="coverage-app", subject=header, creator="coverage-app", **margins)
        story = _story(district, entries, style=st, fonts=fonts, lang=lang, group_by=group_by, title=title,
                       subtitle=subtitle, date_text=date_text, intro=intro, crisis_lines=lines, width=frame_w,
                       height=frame_h, notes_pages=notes)
        doc.build(story)
        return doc.page

    pages = build(io.BytesIO(), 0)
    step = max(1, int(pad_to_multiple))
    notes = (-pages) % step
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        build(fh, notes)
    return out
