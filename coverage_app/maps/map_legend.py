"""The side panel of a printed map: the legend of only what is on the sheet (kinds by working
group, forms, map elements, travel-time bands), the boxes of services based outside the map and
of services with a withheld address, the note on numbers and the inset locating the district.

Internal to :mod:`coverage_app.maps.printing`.  :func:`legend_items` returns
:class:`~coverage_app.maps.sheet_layout.PanelItem` s of known height (mm) that the sheet flows
into its panel columns; a heading is kept with what follows it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch, Rectangle

from coverage_app.i18n import czech_nbsp, czech_quotes, register, t
from coverage_app.maps.numbering import group_name
from coverage_app.maps.sheet_context import ROAD_COLOUR
from coverage_app.maps.sheet_draw import draw_approximate_ring, draw_badge, is_field_shading, shading_classes
from coverage_app.maps.sheet_layout import MIN_LINE_PT, Measure, PanelCtx, PanelItem, Sizes, flow_panel, geom_path, thin
from coverage_app.maps.style import FORM_ORDER, MM_PER_PT, WORKING_GROUP_ORDER, PrintStyle, font_properties
from coverage_app.model import CRS, District

register({
    "print.legend.kinds": {"cs": "Druhy služeb", "en": "Kinds of service"},
    "print.legend.forms": {"cs": "Forma poskytování", "en": "Form of provision"},
    "print.legend.form.pob": {"cs": "pobytová (klient v zařízení bydlí)", "en": "residential"},
    "print.legend.form.amb": {"cs": "ambulantní (klient dochází)", "en": "ambulatory (client comes)"},
    "print.legend.form.ter": {"cs": "terénní (sídlo; služba přijíždí za klientem)",
                              "en": "field (base; staff come to the client)"},
    "print.legend.map": {"cs": "Mapa", "en": "Map"},
    "print.legend.obec_boundary": {"cs": "hranice obce", "en": "obec boundary"},
    "print.legend.district_boundary": {"cs": "hranice území ({name})", "en": "boundary of {name}"},
    "print.legend.obec_point": {"cs": "obec", "en": "obec"},
    "print.legend.context": {"cs": "ostatní obce území", "en": "other obce of the area"},
    "print.legend.neighbours": {"cs": "okolní obce (šedě jména sousedních ORP)",
                                "en": "neighbouring obce (neighbouring ORPs named in grey)"},
    "print.legend.roads": {"cs": "silnice (širší = rychlejší)", "en": "roads (wider = faster)"},
    "print.legend.approximate": {"cs": "přibližná poloha: adresa není známa, značka stojí u\u00a0obce",
                                 "en": "approximate position: the address is unknown, the marker stands at the obec"},
    "print.legend.displaced": {"cs": "skutečná poloha posunuté značky", "en": "true position of a moved marker"},
    "print.legend.shading": {"cs": "Dojezd k nejbližší službě", "en": "Travel time to the nearest service"},
    "print.band.0": {"cs": "do 15 min", "en": "under 15 min"},
    "print.band.1": {"cs": "15–30 min", "en": "15–30 min"},
    "print.band.2": {"cs": "30–45 min", "en": "30–45 min"},
    "print.band.3": {"cs": "45 min a více", "en": "45 min or more"},
    "print.band.field_in": {"cs": "v působnosti terénní služby (přijede domů)",
                            "en": "in a field service's area (staff come home)"},
    "print.band.field_out": {"cs": "mimo působnost terénních služeb", "en": "outside every field service's area"},
    "print.band.missing": {"cs": "bez údaje", "en": "no data"},
    "print.list.title": {"cs": "Služby na mapě", "en": "Services on the map"},
    "print.box.outside": {"cs": "Služby se sídlem mimo mapu", "en": "Services based outside the map"},
    "print.box.outside_note": {"cs": "působí i na tomto území", "en": "they also serve this area"},
    "print.box.secret": {"cs": "Služby s neveřejnou adresou", "en": "Services with a withheld address"},
    "print.box.seat": {"cs": "sídlo: {obce}", "en": "based in {obce}"},
    "print.box.no_location": {"cs": "poloha neuvedena", "en": "location not given"},
    "print.box.call": {"cs": "volejte {phone}", "en": "call {phone}"},
    "print.note.numbers": {"cs": "Čísla značek odpovídají číslům v katalogu poskytovatelů.",
                           "en": "Marker numbers match the numbers in the provider catalogue."},
    "print.inset.title": {"cs": "Poloha v Česku", "en": "Location in Czechia"},
})

Swatch = Callable[[object, float, float], None]


class _Panel:
    """Builds panel items: headings, rows with a swatch, and the swatches themselves."""

    def __init__(self, sz: Sizes, meas: Measure, style: PrintStyle, col_w: float) -> None:
        self.sz, self.meas, self.style, self.col_w = sz, meas, style, col_w
        self.items: list[PanelItem] = []
        self.fp_reg, self.fp_bold = font_properties("regular"), font_properties("bold")
        self.fp_num = font_properties("number")
        self.text_x = sz.swatch + 2.2 * sz.scale
        self.section, self._start = "", 0

    def begin(self, name: str) -> None:
        """Start a legend section: its items stay in one column (see :meth:`end`)."""
        self.section, self._start = name, len(self.items)

    def end(self) -> None:
        """Close the section: every item but its last is kept with the next one."""
        part = self.items[self._start:]
        for item in part[:-1]:
            item.keep_with_next = True
        if part:
            part[-1].keep_with_next = False

    def heading(self, text: str, top_gap: float = 2.8) -> None:
        """A bold heading (kept with the next item); ``top_gap`` in mm at scale 1."""
        sz, fp = self.sz, self.fp_bold
        lh = sz.heading * MM_PER_PT * 1.3
        lines = self.meas.wrap(czech_nbsp(text), fp, sz.heading, self.col_w)
        h = top_gap * sz.scale + len(lines) * lh + 0.6 * sz.scale

        def draw(ctx: PanelCtx, x: float, y: float, w: float) -> None:
            for i, ln in enumerate(lines):
                ctx.page.text(x, y - top_gap * sz.scale - i * lh, ln, fontproperties=fp, fontsize=sz.heading,
                              ha="left", va="top", color=self.style.text)
        self.items.append(PanelItem(h, draw, keep_with_next=True, section=self.section))

    def row(self, text: str, swatch: Swatch | None, indent: float = 0.0, size: float | None = None,
            bold: bool = False, sym: float | None = None, keep: bool = False) -> None:
        """A wrapped line of text (``size`` pt) beside a swatch of ``sym`` mm."""
        sz = self.sz
        size = size or sz.text
        lh = size * MM_PER_PT * 1.28
        fp = self.fp_bold if bold else self.fp_reg
        sym = sym or sz.swatch
        tx = max(self.text_x, sym * 1.2 + 1.6 * sz.scale) + indent
        lines = self.meas.wrap(czech_nbsp(czech_quotes(text)), fp, size, self.col_w - tx)
        sym_h = sym * 1.25 if swatch is not None else lh
        h = max(len(lines) * lh, sym_h) + (0.7 if swatch is not None else 0.25) * sz.scale

        def draw(ctx: PanelCtx, x: float, y: float, w: float) -> None:
            cy = y - max(lh, sym_h) / 2
            if swatch is not None:
                swatch(ctx.page, x + indent + sym * 0.62, cy)
            top = cy + lh / 2 if len(lines) == 1 else y
            for i, ln in enumerate(lines):
                ctx.page.text(x + tx, top - i * lh, ln, fontproperties=fp, fontsize=size, ha="left", va="top",
                              color=self.style.text)
        self.items.append(PanelItem(h, draw, keep_with_next=keep, section=self.section))

    def badge(self, form: str, colour: str, number: int | None = None, diameter: float | None = None) -> Swatch:
        def fn(ax, x, y):
            draw_badge(ax, x, y, form, colour, number, self.sz, self.style, self.fp_num,
                       diameter=diameter or self.sz.swatch, gid=f"box-{number}" if number is not None else None)
        return fn

    def line(self, colour: str, lw: float, dashed: bool = False) -> Swatch:
        sw = self.sz.swatch

        def fn(ax, x, y):
            ax.plot([x - sw / 2, x + sw / 2], [y, y], color=colour, lw=lw, solid_capstyle="butt",
                    linestyle=(0, (4, 1.5)) if dashed else "-")
        return fn

    def patch(self, face: str, edge: str = "#8c8c8c", circle: bool = False) -> Swatch:
        sw = self.sz.swatch

        def fn(ax, x, y):
            if circle:
                ax.add_patch(Circle((x, y), sw * 0.45, facecolor=face, edgecolor=edge, lw=thin(0.4)))
            else:
                ax.add_patch(Rectangle((x - sw / 2, y - sw * 0.38), sw, sw * 0.76, facecolor=face, edgecolor=edge,
                                       lw=thin(0.4)))
        return fn

    def approximate(self) -> Swatch:
        """A marker with the dotted ring of an approximately placed site."""
        sz = self.sz

        def fn(ax, x, y):
            draw_badge(ax, x, y, "amb", "#ffffff", None, sz, self.style, self.fp_num, diameter=sz.swatch)
            draw_approximate_ring(ax, x, y, sz.swatch / 2, sz.scale)
        return fn

    @staticmethod
    def dot(r: float, colour: str = "#000000") -> Swatch:
        def fn(ax, x, y):
            ax.add_patch(Circle((x, y), r, facecolor=colour, edgecolor=colour, lw=0))  # no transparent stroke
        return fn


def legend_items(page_entries: pd.DataFrame, msites: gpd.GeoDataFrame, outside_rows: pd.DataFrame,
                 secret_rows: pd.DataFrame, district: District, style: PrintStyle, sz: Sizes, meas: Measure,
                 lang: str, colour_by: str, colour_of: Callable[[object], str], *, polygons: bool,
                 focus_is_all: bool, displaced: bool, shading: pd.Series | None, focus_codes: set[str],
                 shading_title: str | None, czechia_outline: gpd.GeoDataFrame | None, col_w: float,
                 compact: bool = False, service_list: pd.DataFrame | None = None,
                 approximate: bool = False, surroundings: dict[str, bool] | None = None) -> list[PanelItem]:
    """Panel items of one sheet: legend of what is on it, the numbered list of the services on the
    map (``service_list``, when given), side boxes, note, inset (``col_w`` mm wide)."""
    panel = _Panel(sz, meas, style, col_w)
    if len(page_entries):
        _kinds(panel, page_entries, lang, colour_by, colour_of, compact)
        _forms(panel, page_entries, msites, lang)
    _map_elements(panel, district, lang, polygons=polygons, focus_is_all=focus_is_all, displaced=displaced,
                  approximate=approximate, surroundings=surroundings or {})
    if service_list is not None and len(service_list):
        _service_list(panel, service_list, colour_of, lang)
    if shading is not None:
        _shading(panel, shading, focus_codes, shading_title, lang, polygons)
    _boxes(panel, outside_rows, secret_rows, colour_of, lang)
    _note(panel, lang)
    if czechia_outline is not None and len(czechia_outline):
        _inset(panel, czechia_outline, district, lang)
    return panel.items


def _kinds(panel: _Panel, page_entries: pd.DataFrame, lang: str, colour_by: str,
           colour_of: Callable[[object], str], compact: bool) -> None:
    """Kinds on the sheet: by kind colour, or under their working group's colour."""
    sz, style = panel.sz, panel.style
    panel.begin("kinds")
    panel.heading(t("print.legend.kinds", lang), top_gap=0.0)
    ordered = page_entries.sort_values("number")
    if colour_by == "kind":
        labels = {e.kind_id: e.kind_label for e in page_entries.itertuples()}
        for kid in dict.fromkeys(ordered["kind_id"]):
            panel.row(labels[kid], panel.badge("amb", colour_of(page_entries[page_entries["kind_id"] == kid].iloc[0])))
        panel.end()
        return
    first = True
    for wg in WORKING_GROUP_ORDER:
        sub = ordered[ordered["working_group"] == wg]
        if sub.empty:
            continue
        if not first:  # each group with its kinds; the heading goes with the first group
            panel.begin(f"kinds:{wg}")
        first = False
        panel.row(group_name(wg, lang), panel.badge("amb", style.group_colour(wg)), bold=True)
        kinds = list(dict.fromkeys(sub["kind_label"]))
        if compact:
            panel.row(" · ".join(kinds), None, size=sz.small)
        else:
            for k in kinds:
                panel.row(k, None, size=sz.small)
        panel.end()


def _forms(panel: _Panel, page_entries: pd.DataFrame, msites: gpd.GeoDataFrame, lang: str) -> None:
    """Forms of the markers and of the boxed services (white badges of their shapes)."""
    boxed = page_entries.loc[~page_entries["number"].isin(set(msites["number"])), "main_form"]
    present = set(msites["main_form"]) | set(boxed)
    forms = [f for f in FORM_ORDER if f in present]
    if forms:
        panel.begin("forms")
        panel.heading(t("print.legend.forms", lang))
        for f in forms:
            panel.row(t(f"print.legend.form.{f}", lang), panel.badge(f, "#ffffff"))
        panel.end()


def _map_elements(panel: _Panel, district: District, lang: str, *, polygons: bool, focus_is_all: bool,
                  displaced: bool, approximate: bool = False, surroundings: dict[str, bool] | None = None) -> None:
    sz, style = panel.sz, panel.style
    panel.begin("map")
    panel.heading(t("print.legend.map", lang))
    if polygons:
        panel.row(t("print.legend.obec_boundary", lang), panel.line(style.obec_edge, sz.line * 1.2))
        panel.row(t("print.legend.district_boundary", lang, name=district.name or ""),
                  panel.line(style.district_edge, sz.outline))
        if not focus_is_all:
            panel.row(t("print.legend.context", lang), panel.patch(style.context_fill))
    else:
        panel.row(t("print.legend.obec_point", lang), panel.dot(0.95 * sz.scale))
    if (surroundings or {}).get("neighbours"):
        panel.row(t("print.legend.neighbours", lang), panel.patch(style.context_fill))
    if (surroundings or {}).get("roads"):
        panel.row(t("print.legend.roads", lang), panel.line(ROAD_COLOUR, max(MIN_LINE_PT, 1.0 * sz.scale)))
    if displaced:
        panel.row(t("print.legend.displaced", lang), panel.dot(0.45 * sz.scale))
    if approximate:
        panel.row(t("print.legend.approximate", lang), panel.approximate())
    panel.end()


def _shading(panel: _Panel, shading: pd.Series, focus_codes: set[str], shading_title: str | None, lang: str,
             polygons: bool) -> None:
    """The travel-time bands present among the framed obce (and "no data" where one lacks a time)."""
    style = panel.style
    classes = shading_classes(shading, sorted(focus_codes))
    bands = {b for b in classes.values() if b is not None}
    missing = any(b is None for b in classes.values())
    field = is_field_shading(shading)
    panel.begin("shading")
    panel.heading(shading_title or t("print.legend.shading", lang))
    for b in sorted(bands):
        label = t("print.band.field_in" if b == 0 else "print.band.field_out", lang) if field else \
            t(f"print.band.{b}", lang)
        panel.row(label, panel.patch(style.shading[b], circle=not polygons))
    if missing:
        panel.row(t("print.band.missing", lang), panel.patch(style.shading_missing, circle=not polygons))
    panel.end()


def _boxes(panel: _Panel, outside_rows: pd.DataFrame, secret_rows: pd.DataFrame,
           colour_of: Callable[[object], str], lang: str) -> None:
    """Services based outside the map, and services with a withheld address (phone only)."""
    sz = panel.sz
    if len(outside_rows):
        panel.begin("outside")
        panel.heading(t("print.box.outside", lang))
        panel.row(t("print.box.outside_note", lang), None, size=sz.small, keep=True)
        for e in outside_rows.sort_values("number").itertuples():
            where = (t("print.box.seat", lang, obce=", ".join(e.site_obec_names)) if e.site_obec_names
                     else t("print.box.no_location", lang))
            parts = [e.name, where] + ([e.phone] if e.phone else [])
            panel.row(" – ".join(parts), panel.badge(e.main_form, colour_of(e), e.number, diameter=sz.marker),
                      size=sz.small, sym=sz.marker)
        panel.end()
    if len(secret_rows):
        panel.begin("secret")
        panel.heading(t("print.box.secret", lang))
        for e in secret_rows.sort_values("number").itertuples():
            parts = [e.name] + ([t("print.box.call", lang, phone=e.phone)] if e.phone else [])
            panel.row(" – ".join(parts), panel.badge(e.main_form, colour_of(e), e.number, diameter=sz.marker),
                      size=sz.small, sym=sz.marker)
        panel.end()


def _service_list(panel: _Panel, entries: pd.DataFrame, colour_of: Callable[[object], str], lang: str) -> None:
    """Every service marked on the map by its number, in the catalogue's order: name, obec, phone
    (a household with the map alone can tell what number 7 is)."""
    sz = panel.sz
    panel.begin("list")
    panel.heading(t("print.list.title", lang))
    for e in entries.sort_values("number").itertuples():
        parts = [e.name] + ([", ".join(e.site_obec_names)] if e.site_obec_names else []) + ([e.phone] if e.phone else [])
        panel.row(" – ".join(parts), panel.badge(e.main_form, colour_of(e), e.number, diameter=sz.marker),
                  size=sz.small, sym=sz.marker)
    panel.end()


def service_list_items(entries: pd.DataFrame, style: PrintStyle, sz: Sizes, meas: Measure, lang: str,
                       colour_of: Callable[[object], str], col_w: float) -> list[PanelItem]:
    """The numbered list of services alone (for the back side of a sheet with no room for it)."""
    panel = _Panel(sz, meas, style, col_w)
    _service_list(panel, entries, colour_of, lang)
    return panel.items


def back_side(size_mm: tuple[float, float], margin: float, sz: Sizes, title: str, on_map: pd.DataFrame,
              style: PrintStyle, meas: Measure, lang: str, colour_of: Callable[[object], str],
              paper: str = "") -> Figure:
    """The back side of a sheet (``size_mm``): its title and the numbered list of the services on
    the map in two columns, for a paper with no room for the list beside the map."""
    W, H = size_mm
    fig = Figure(figsize=(W / 25.4, H / 25.4))
    page = fig.add_axes((0, 0, 1, 1))
    page.set_axis_off()
    page.set_xlim(0, W)
    page.set_ylim(0, H)
    page.text(margin, H - margin, title, fontproperties=font_properties("bold"), fontsize=sz.subtitle, ha="left",
              va="top", color=style.text, gid="back-title")
    gap = 5.0 * sz.scale
    top = H - margin - sz.subtitle * MM_PER_PT * 1.6
    flowed = None
    for ncols in (1, 2, 3):  # as few columns as hold the list: long names wrap least
        col_w = (W - 2 * margin - (ncols - 1) * gap) / ncols
        items = service_list_items(on_map, style, sz, meas, lang, colour_of, col_w)
        columns = [(margin + i * (col_w + gap), margin, col_w, top - margin) for i in range(ncols)]
        flowed = flow_panel(items, columns)
        if flowed is not None:
            break
    if flowed is None:
        warnings.warn(t("print.warn.back_overflow", "cs", paper=paper, n=len(on_map)), UserWarning, stacklevel=4)
        flowed = flow_panel(items, [(c[0], c[1] - 1e4, c[2], c[3] + 1e4) for c in columns]) or []
    ctx = PanelCtx(fig=fig, page=page, extent=None)
    for item, x, y, w in flowed:
        item.draw(ctx, x, y, w)
    return fig


def _note(panel: _Panel, lang: str) -> None:
    sz, style = panel.sz, panel.style
    fp = font_properties("italic")
    lines = panel.meas.wrap(czech_nbsp(t("print.note.numbers", lang)), fp, sz.small, panel.col_w)
    lh = sz.small * MM_PER_PT * 1.28

    def draw(ctx: PanelCtx, x: float, y: float, w: float) -> None:
        for i, ln in enumerate(lines):
            ctx.page.text(x, y - 2.5 * sz.scale - i * lh, ln, fontproperties=fp, fontsize=sz.small, ha="left",
                          va="top", color=style.text)
    panel.items.append(PanelItem(2.5 * sz.scale + len(lines) * lh, draw, section="note"))


def _inset(panel: _Panel, czechia_outline: gpd.GeoDataFrame, district: District, lang: str) -> None:
    """Czechia with the district in black and the map frame as a rectangle (at least 2.5 mm)."""
    sz, style = panel.sz, panel.style
    cz = (czechia_outline.to_crs(CRS) if czechia_outline.crs is not None and not czechia_outline.crs.equals(CRS)
          else czechia_outline)
    cb = cz.total_bounds
    iw = min(panel.col_w, 70.0 * sz.scale)
    ih = iw * (cb[3] - cb[1]) / (cb[2] - cb[0])
    h = 3.5 * sz.scale + sz.small * MM_PER_PT * 1.4 + ih

    def draw(ctx: PanelCtx, x: float, y: float, w: float) -> None:
        fig = ctx.fig
        W, H = fig.get_figwidth() * 25.4, fig.get_figheight() * 25.4
        ctx.page.text(x, y - 3.5 * sz.scale, t("print.inset.title", lang), fontproperties=panel.fp_bold,
                      fontsize=sz.small, ha="left", va="top", color=style.text)
        ax = fig.add_axes((x / W, (y - h) / H, iw / W, ih / H))
        ax.set_axis_off()
        ax.set_zorder(3)
        ax.set_xlim(cb[0], cb[2])
        ax.set_ylim(cb[1], cb[3])
        for g in cz.geometry.simplify(300):
            p = geom_path(g)
            if p is not None:
                ax.add_patch(PathPatch(p, facecolor=style.inset_land, edgecolor="#555555", lw=thin(0.4 * sz.scale)))
        obce = district.obce
        if district.has_polygons:
            p = geom_path(shapely.union_all(obce.geometry.values).simplify(150))
            if p is not None:
                ax.add_patch(PathPatch(p, facecolor="#000000", edgecolor="#000000", lw=thin(0.3 * sz.scale)))
        else:
            ax.plot(obce["x"], obce["y"], "o", color="#000000", ms=1.0 * sz.scale, mew=0)
        if ctx.extent is not None:
            ex0, ey0, ex1, ey1 = ctx.extent
            minw = 2.5 * (cb[2] - cb[0]) / iw  # 2.5 mm: a small frame stays visible
            cxm, cym = (ex0 + ex1) / 2, (ey0 + ey1) / 2
            ww, hh = max(ex1 - ex0, minw), max(ey1 - ey0, minw)
            ax.add_patch(Rectangle((cxm - ww / 2, cym - hh / 2), ww, hh, fill=False, edgecolor=style.accent,
                                   lw=0.9 * sz.scale))
    panel.items.append(PanelItem(h, draw, section="inset"))
