"""Printed service maps and atlases: vector PDF and SVG, PNG at 300 dpi.

:func:`render_map` draws one sheet (A5, A4 or A3, portrait or landscape): a title block, the
map of the district (obec boundaries, or points where only points are known), one numbered
marker per service × site (colour = working group or kind, shape = form), obec names placed
without collisions, a scale bar in kilometres (EPSG:5514 metres), a north arrow turned to true
north, a legend of only what is on the page, boxes for services based outside the map and for
services with a secret address, an inset locating the district in Czechia (when its outline is
given) and a source line.  :func:`render_atlas` puts one such page per ORP, POÚ or obec into one
PDF.  :func:`compose_map` returns the matplotlib figure and what was placed where (for previews
and checks).

Numbers come from :func:`coverage_app.maps.numbering.number_services` and match the catalogue
(:func:`coverage_app.maps.catalogue.render_catalogue`).  Every number of the catalogue appears
on the district map: as a marker where the service has a public site inside the map frame, or
in one of the two boxes ("služby se sídlem mimo mapu", "služby s neveřejnou adresou").  Service
numbers are set in the ``number`` font (DejaVu Sans Mono Bold) and no other text is, so they can
be read back from the PDF unambiguously.

Layout works in millimetres on the sheet; type in points.  Label placement is greedy: obce by
falling population, each label tried at candidate positions (inside its polygon, or around its
point) and kept at the first whose box (measured with the same font metrics matplotlib draws
with) overlaps no marker, no other label, no obec point and no map furniture; a district obec
whose place its markers cover is named at the nearest free place with a leader line to it.
Markers of one obec closer than their size are displaced into a compact hexagonal cluster
(optimal assignment, so leader lines do not cross) with a leader to the true location; clusters
of different obce are pushed apart as wholes.  The map body is drawn by
:mod:`coverage_app.maps.sheet_body`.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from coverage_app.i18n import czech_nbsp, register, t
from coverage_app.maps.edition import Edition, format_data_date, parse_data_date
from coverage_app.maps.map_legend import back_side, legend_items
from coverage_app.maps.numbering import map_sites, service_entries
from coverage_app.maps.sheet_body import Plan, draw_map
from coverage_app.maps.sheet_context import neighbours_in_frame, roads_near
from coverage_app.maps.sheet_draw import is_field_shading, shading_band
from coverage_app.maps.sheet_layout import (
    MOVED_MM,
    Frame,
    Measure,
    PanelCtx,
    PanelItem,
    Sizes,
    fit_extent,
    flow_panel,
    markers_will_move,
    place_markers,
)
from coverage_app.maps.style import (
    MM_PER_PT,
    PrintStyle,
    font_properties,
    get_style,
    paper_margin_mm,
    paper_size_mm,
    rc_params,
)
from coverage_app.model import CRS, District, Services

__all__ = [
    "MAP_FORMATS",
    "MapComposition",
    "compose_map",
    "format_data_date",
    "render_map",
    "save_map",
    "shading_band",
]

#: File extensions :func:`render_map` writes.
MAP_FORMATS: tuple[str, ...] = (".pdf", ".svg", ".png")

register({
    "print.map.title": {"cs": "Sociální služby – {name}", "en": "Social services – {name}"},
    "print.map.subtitle": {"cs": "Místa poskytování sociálních a navazujících služeb · údaje k\u00a0{date}",
                           "en": "Where social and related services are provided · data as of {date}"},
    "print.map.subtitle_nodate": {"cs": "Místa poskytování sociálních a navazujících služeb",
                                  "en": "Where social and related services are provided"},
    "print.atlas.title.pou": {"cs": "POÚ {name}", "en": "POÚ {name}"},
    "print.atlas.title.orp": {"cs": "ORP {name}", "en": "ORP {name}"},
    "print.atlas.subtitle": {"cs": "{district} · sociální služby · údaje k\u00a0{date}",
                             "en": "{district} · social services · data as of {date}"},
    "print.atlas.subtitle_nodate": {"cs": "{district} · sociální služby", "en": "{district} · social services"},
    "print.scale.ratio": {"cs": "měřítko 1 : {n} (při tisku na {paper})", "en": "scale 1 : {n} (printed on {paper})"},
    "print.north": {"cs": "S", "en": "N"},
    "print.err.format": {"cs": "nepodporovaný formát výstupu „{ext}“ (podporuji {expected})",
                         "en": 'unsupported output format "{ext}" (supported: {expected})'},
    "print.err.svg_fonts": {"cs": "písma v SVG: „{value}“ není možnost (možnosti: {expected})",
                            "en": "SVG fonts: \"{value}\" is not an option (options: {expected})"},
    "print.err.atlas_by": {"cs": "atlas lze členit podle obec, pou nebo orp, ne „{value}“",
                           "en": 'an atlas is split by obec, pou or orp, not "{value}"'},
    "print.err.no_obce": {"cs": "území nemá žádné obce", "en": "the area has no obce"},
    "print.warn.back_overflow": {"cs": "seznam {n} služeb se nevejde na zadní stranu listu {paper}; zvolte větší "
                                       "formát, nebo jen některé druhy (--kind)",
                                 "en": "the list of {n} services does not fit the back of the {paper} sheet; choose a "
                                       "larger paper, or some kinds only (--kind)"},
    "print.warn.overflow": {"cs": "legenda a seznamy služeb se nevejdou na list {paper}; zvolte větší formát",
                            "en": "the legend and the service lists do not fit on {paper}; choose a larger paper"},

})


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
_RC_LOCK = threading.RLock()


@contextmanager
def _print_rc() -> Iterator[None]:
    """matplotlib's print settings (embedded TrueType fonts …) while composing or saving a sheet.

    rcParams are process-wide and the PDF backend reads ``pdf.fonttype`` while it writes, so
    sheets are composed and saved one at a time (the app serves several sessions in threads).
    """
    with _RC_LOCK, matplotlib.rc_context(rc_params()):
        yield


def _check_format(out: Path, allowed: Sequence[str]) -> str:
    ext = out.suffix.lower()
    if ext not in allowed:
        raise ValueError(t("print.err.format", "cs", ext=ext or "(žádná)", expected=", ".join(allowed)))
    return ext


# ---------------------------------------------------------------------------------------------
# The composition
# ---------------------------------------------------------------------------------------------
@dataclass
class MapComposition:
    """A composed map sheet: the figure and what was placed where.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
        The sheet (size of the paper; save it with :func:`render_map` or ``savefig``).
    paper, orientation : str
    size_mm : (float, float)
        Sheet width and height (mm).
    frame_mm : (x, y, w, h)
        Map frame on the sheet (mm from the lower-left corner).
    extent : (x0, y0, x1, y1)
        Map extent in EPSG:5514 metres.
    scale_denominator : float
        Map scale 1 : n when printed on ``paper`` at 100 %.
    markers : DataFrame
        One row per marker: ``number``, ``service_id``, ``site_id``, ``x``/``y`` (true
        position, m), ``px``/``py`` (marker centre on the sheet, mm), ``displaced``.
    labels : DataFrame
        Placed obec names: ``kod_obce``, ``name``, ``x0``, ``y0``, ``x1``, ``y1`` (mm), ``size`` (pt),
        ``ax``/``ay`` (the obec's anchor, mm) and ``leader`` (the name stands off its obec, whose own
        markers cover it, with a line to the anchor).
    unlabelled : list of str
        Obec codes whose name found no free place.
    numbers_outside, numbers_secret : list of int
        Numbers listed in the box of services based outside the map and in the box of services
        with a withheld address.
    numbers : set of int
        Every service number printed on the sheet (markers and boxes).
    panel : DataFrame
        The side panel's blocks as placed: ``section`` (``kinds``, ``forms``, ``map``, ``outside``…),
        ``x``, ``top`` and ``height`` (mm).
    back : Figure or None
        The back side: the numbered list of the services on the map, for a sheet with no room for
        it on the front (A5 by default).
    """

    figure: Figure
    paper: str
    orientation: str
    size_mm: tuple[float, float]
    frame_mm: tuple[float, float, float, float]
    extent: tuple[float, float, float, float]
    scale_denominator: float
    markers: pd.DataFrame
    labels: pd.DataFrame
    unlabelled: list[str]
    numbers_outside: list[int]
    numbers_secret: list[int]
    title: str = ""
    label_artists: list = field(default_factory=list, repr=False)
    author: str = ""
    panel: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    back: Figure | None = field(default=None, repr=False)

    @property
    def numbers(self) -> set[int]:
        """Every service number on the sheet: markers, the outside box and the withheld-address box."""
        return set(int(n) for n in self.markers["number"]) | set(self.numbers_outside) | set(self.numbers_secret)


@dataclass
class _Sheet:
    """Fixed areas of a sheet (mm) and the inputs every layout attempt shares."""

    W: float
    H: float
    margin: float
    body_bottom: float
    body_top: float
    gap: float
    base: "Sizes"
    src_lines: list[str]


def _sheet(paper: str, orientation: str, source_line: str, meas: Measure) -> _Sheet:
    W, H = paper_size_mm(paper, orientation)
    margin = paper_margin_mm(paper)
    base = Sizes.for_paper(paper)
    title_h = base.title * MM_PER_PT * 1.15 + base.subtitle * MM_PER_PT * 1.5 + 2.5 * base.scale
    src_lines = meas.wrap(czech_nbsp(source_line), font_properties("regular"), base.source, W - 2 * margin)
    footer_h = len(src_lines) * base.source * MM_PER_PT * 1.35 + 1.5 * base.scale
    return _Sheet(W=W, H=H, margin=margin, body_bottom=margin + footer_h, body_top=H - margin - title_h,
                  gap=5.0 * base.scale, base=base, src_lines=src_lines)


def _plan(sheet: _Sheet, orientation: str, paper: str, bounds: tuple[float, float, float, float],
          entries: pd.DataFrame, sites: gpd.GeoDataFrame, style: PrintStyle, meas: Measure, min_extent_m: float,
          pad_frac: float, legend: Callable[..., list[PanelItem]]) -> Plan:
    """Find the layout: the largest type, the fullest kind list and the smallest panel that fit.

    The panel's share of the body grows until the legend and the boxes fit in its columns, so the
    columns come out filled and the map gets the rest; kinds are run together ("compact") and
    type shrinks (to 90 %, then 80 %) only when the largest panel does not hold them.  When even
    that fails, a warning is issued and the panel overflows at its foot.
    """
    base = sheet.base
    body_w = sheet.W - 2 * sheet.margin
    body_h = sheet.body_top - sheet.body_bottom
    shares = ((0.25, 0.28, 0.31, 0.34, 0.38, 0.42, 0.47, 0.52, 0.58) if orientation == "landscape"
              else (0.14, 0.17, 0.20, 0.23, 0.26, 0.30, 0.34, 0.39, 0.45, 0.52, 0.58, 0.64))
    attempts = [(share, compact, fs) for fs in (1.0, 0.9, 0.8) for compact in (False, True) for share in shares]
    for attempt_no, (share, compact, fscale) in enumerate(attempts):
        last = attempt_no == len(attempts) - 1
        sz = Sizes.for_paper(paper, fscale)
        if orientation == "landscape":
            panel_w = max(share * body_w, 48.0)
            map_rect = (sheet.margin, sheet.body_bottom, body_w - panel_w - sheet.gap, body_h)
            panel_rect = (sheet.margin + body_w - panel_w, sheet.body_bottom, panel_w, body_h)
        else:
            panel_h = max(share * body_h, 40.0)
            map_rect = (sheet.margin, sheet.body_bottom + panel_h + sheet.gap, body_w, body_h - panel_h - sheet.gap)
            panel_rect = (sheet.margin, sheet.body_bottom, body_w, panel_h)
        ncols = max(1, int(panel_rect[2] // (68.0 * base.scale)))
        frame = Frame(map_rect, fit_extent(bounds, map_rect[2], map_rect[3], pad_mm=sz.marker * 0.7,
                                             min_extent_m=min_extent_m, pad_frac=pad_frac))
        # markers of the sites inside the frame
        if len(sites):
            spx, spy = frame.to_mm(sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy())
            in_frame = frame.inside(spx, spy, inset=sz.marker * 0.3)
        else:
            spx = spy = np.zeros(0)
            in_frame = np.zeros(0, dtype=bool)
        msites = sites[in_frame].reset_index(drop=True)
        true_xy = np.column_stack([spx[in_frame], spy[in_frame]]) if len(msites) else np.zeros((0, 2))
        radius = np.array([sz.marker / 2 * (1.3 if f == "ter" else 1.0) * style.form_marker_scale.get(f, 1.0)
                           for f in msites["main_form"]]) if len(msites) else np.zeros(0)
        groups = msites["kod_obce"].astype(str).to_numpy() if len(msites) else None
        # whether markers will move decides a legend row; they are placed once the layout fits
        moves = markers_will_move(true_xy, radius, 0.5 * base.scale, frame, groups)
        on_map = set(int(n) for n in msites["number"])
        secret_rows = entries[entries["secret"] & ~entries["number"].isin(on_map)]
        outside_rows = entries[~entries["number"].isin(on_map) & ~entries["secret"]]
        # the panel
        col_gap = 4.0 * base.scale
        col_w = (panel_rect[2] - (ncols - 1) * col_gap) / ncols
        items = legend(msites=msites, outside_rows=outside_rows, secret_rows=secret_rows, sz=sz, col_w=col_w,
                       compact=compact, displaced=moves)
        columns = [(panel_rect[0] + i * (col_w + col_gap), panel_rect[1], col_w, panel_rect[3]) for i in range(ncols)]
        flowed = flow_panel(items, columns)
        if flowed is None:
            if not last:
                continue
            warnings.warn(t("print.warn.overflow", "cs", paper=paper), UserWarning, stacklevel=4)
            flowed = flow_panel(items, [(c[0], c[1] - 1e4, c[2], c[3] + 1e4) for c in columns]) or []
        qx, qy = place_markers(true_xy[:, 0], true_xy[:, 1], radius, gap=0.5 * base.scale, frame=frame, groups=groups)
        pos_xy = np.column_stack([qx, qy]) if len(msites) else np.zeros((0, 2))
        displaced = np.hypot(*(pos_xy - true_xy).T) > MOVED_MM if len(msites) else np.zeros(0, dtype=bool)
        return Plan(sz=sz, map_rect=map_rect, frame=frame, msites=msites, true_xy=true_xy, pos_xy=pos_xy,
                     radius=radius, displaced=displaced, outside_rows=outside_rows, secret_rows=secret_rows,
                     flowed=flowed)
    raise AssertionError("unreachable")  # pragma: no cover


def _compose(
    district: District,
    entries: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    *,
    focus_codes: Sequence[str],
    paper: str,
    orientation: str,
    style: PrintStyle,
    title: str,
    subtitle: str,
    shading: pd.Series | None,
    shading_title: str | None,
    czechia_outline: gpd.GeoDataFrame | None,
    source_line: str,
    lang: str,
    colour_by: str,
    kind_colours: dict[str, str],
    min_extent_m: float,
    pad_frac: float = 0.03,
    service_list: bool = False,
    context_obce: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    back_list: bool = False,
) -> MapComposition:
    """Lay out and draw one sheet (see :func:`render_map`); ``focus_codes`` are the obce framed;
    ``back_list`` adds a back side listing the services on the map."""
    obce = district.obce
    if obce.empty:
        raise ValueError(t("print.err.no_obce", "cs"))
    meas = Measure()
    polygons = district.has_polygons
    focus = set(focus_codes)
    fo = obce[obce["kod_obce"].isin(focus)]
    entries = entries.reset_index(drop=True)

    def colour_of(entry: object) -> str:
        if colour_by == "kind":
            return kind_colours.get(entry.kind_id, style.group_colour("ostatni"))  # type: ignore[attr-defined]
        return style.group_colour(entry.working_group)  # type: ignore[attr-defined]

    b = obce.total_bounds
    near = (b[0] - 5000, b[1] - 5000, b[2] + 5000, b[3] + 5000)
    surroundings = {"roads": roads_near(roads, tuple(obce.total_bounds)),
                    "neighbours": neighbours_in_frame(context_obce, set(obce["kod_obce"]), near) is not None}

    def legend(*, msites, outside_rows, secret_rows, sz, col_w, compact, displaced) -> list[PanelItem]:
        on_map = entries[entries["number"].isin(set(int(n) for n in msites["number"]))]
        page_entries = pd.concat([on_map, outside_rows, secret_rows])
        return legend_items(page_entries, msites, outside_rows, secret_rows, district, style, sz, meas, lang,
                            colour_by, colour_of, polygons=polygons, focus_is_all=focus == set(obce["kod_obce"]),
                            displaced=displaced, shading=shading, focus_codes=focus, shading_title=shading_title,
                            czechia_outline=czechia_outline, col_w=col_w, compact=compact,
                            service_list=on_map if service_list else None,
                            approximate=bool(msites["approximate"].any()) if "approximate" in msites else False,
                            surroundings=surroundings)

    sheet = _sheet(paper, orientation, source_line, meas)
    base = sheet.base
    geoms = fo.geometry if polygons else gpd.GeoSeries(gpd.points_from_xy(fo["x"], fo["y"]), crs=CRS)
    plan = _plan(sheet, orientation, paper, tuple(geoms.total_bounds), entries, sites, style, meas,
                 min_extent_m, pad_frac, legend)
    sz, frame = plan.sz, plan.frame
    mx, my, mw, mh = plan.map_rect

    with _print_rc():
        fig, page, map_ax, over = _new_figure(sheet, plan)
        _draw_title_block(page, sheet, title, subtitle, sz, style)
        scale_den, marker_rows, label_rows, label_artists, unplaced = draw_map(
            map_ax, over, plan, obce=obce, focus=focus, polygons=polygons, context_obce=context_obce, roads=roads,
            shading=shading, colour_by_number={int(e.number): colour_of(e) for e in entries.itertuples()},
            style=style, base=base, meas=meas, lang=lang, paper=paper)
        over.add_patch(Rectangle((mx, my), mw, mh, fill=False, edgecolor="#000000", lw=0.6 * base.scale, zorder=10))

        # legend, boxes, inset
        ctx = PanelCtx(fig=fig, page=page, extent=frame.extent)
        for item, x, y, w in plan.flowed:
            item.draw(ctx, x, y, w)

        on_map = entries[entries["number"].isin(set(int(n) for n in plan.msites["number"]))]
        back_sz = Sizes.for_paper(paper, font_scale=9.5 / (7.2 * sheet.base.scale))  # the list at 9.5 pt
        back = (back_side((sheet.W, sheet.H), sheet.margin, back_sz, title, on_map, style, meas, lang, colour_of, paper)
                if back_list and len(on_map) else None)

    markers = pd.DataFrame(marker_rows, columns=["number", "service_id", "site_id", "x", "y", "px", "py", "displaced",
                                                 "approximate"])
    labels_df = pd.DataFrame(label_rows, columns=["kod_obce", "name", "x0", "y0", "x1", "y1", "size", "leader", "ax", "ay"])
    return MapComposition(
        figure=fig, paper=paper, orientation=orientation, size_mm=(sheet.W, sheet.H), frame_mm=plan.map_rect,
        extent=frame.extent, scale_denominator=scale_den, markers=markers, labels=labels_df,
        unlabelled=[lb.code for lb in unplaced], numbers_outside=[int(n) for n in plan.outside_rows["number"]],
        numbers_secret=[int(n) for n in plan.secret_rows["number"]], title=title, label_artists=label_artists,
        panel=pd.DataFrame([{"section": item.section, "x": x, "top": y, "height": item.height}
                            for item, x, y, _w in plan.flowed], columns=["section", "x", "top", "height"]),
        back=back,
    )



def _new_figure(sheet: _Sheet, plan: Plan) -> tuple[Figure, object, object, object]:
    """The sheet's figure and its three layers: the page in mm, the map in EPSG:5514 metres, and
    markers and labels in mm above it."""
    W, H = sheet.W, sheet.H
    mx, my, mw, mh = plan.map_rect
    fig = Figure(figsize=(W / 25.4, H / 25.4))
    page = fig.add_axes((0, 0, 1, 1))
    map_ax = fig.add_axes((mx / W, my / H, mw / W, mh / H))
    over = fig.add_axes((0, 0, 1, 1))
    for ax, z in ((page, 0), (map_ax, 1), (over, 2)):
        ax.set_axis_off()
        ax.set_zorder(z)
    for ax in (page, over):
        ax.set_xlim(0, W)
        ax.set_ylim(0, H)
    map_ax.set_xlim(plan.frame.extent[0], plan.frame.extent[2])
    map_ax.set_ylim(plan.frame.extent[1], plan.frame.extent[3])
    return fig, page, map_ax, over


def _draw_title_block(page, sheet: _Sheet, title: str, subtitle: str, sz: Sizes, style: PrintStyle) -> None:
    """Title and subtitle at the top, the source line (wrapped) at the foot of the sheet."""
    fp_reg, fp_bold = font_properties("regular"), font_properties("bold")
    H, margin, base = sheet.H, sheet.margin, sheet.base
    page.text(margin, H - margin, title, fontproperties=fp_bold, fontsize=sz.title, ha="left", va="top",
              color=style.text, gid="title")
    page.text(margin, H - margin - sz.title * MM_PER_PT * 1.25, subtitle, fontproperties=fp_reg,
              fontsize=sz.subtitle, ha="left", va="top", color=style.text, gid="subtitle")
    n_src = len(sheet.src_lines)
    for i, line in enumerate(sheet.src_lines):
        page.text(margin, margin + (n_src - 1 - i) * base.source * MM_PER_PT * 1.35, line, fontproperties=fp_reg,
                  fontsize=base.source, ha="left", va="bottom", color=style.text, gid=f"source-{i}")


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def _edition(edition: Edition | None, data_date: object) -> Edition:
    """The edition of a print; ``data_date`` (a date or its text) replaces the edition's date."""
    ed = edition or Edition()
    if data_date is not None:
        ed = replace(ed, data_date=parse_data_date(data_date))
    return ed


def _source_line(entries: pd.DataFrame, district: District, edition: Edition, lang: str,
                 shading_note: str | None, field_shading: bool = False, roads: gpd.GeoDataFrame | None = None) -> str:
    """Sources of what the sheet shows (only what was loaded: the roads when drawn), publisher,
    edition, the tool."""
    fictional = bool(len(entries) and entries["fictional"].any())
    return edition.source_line(lang, boundaries=district.has_polygons, fictional=fictional,
                               travel_note=None if field_shading else shading_note,
                               area_note=shading_note if field_shading else None,
                               roads_drawn=roads_near(roads, tuple(district.obce.total_bounds)))


def _prepare(district: District, services: Services, kinds: Iterable[str] | None, lang: str,
             style: PrintStyle) -> tuple[pd.DataFrame, gpd.GeoDataFrame, dict[str, str]]:
    entries = service_entries(services, district, lang)
    kind_order = list(dict.fromkeys(entries["kind_id"])) if len(entries) else []
    kind_colours = style.kind_colours(kind_order)
    if kinds is not None:
        wanted = {services.kinds.resolve(k) or str(k) for k in kinds}
        entries = entries[entries["kind_id"].isin(wanted)].reset_index(drop=True)
    sites = map_sites(services, entries, lang)
    return entries, sites, kind_colours


def compose_map(
    district: District,
    services: Services,
    *,
    paper: str = "A3",
    orientation: str = "landscape",
    style: str | PrintStyle = "colour",
    title: str | None = None,
    subtitle: str | None = None,
    kinds: Iterable[str] | None = None,
    shading: pd.Series | None = None,
    shading_title: str | None = None,
    shading_note: str | None = None,
    czechia_outline: gpd.GeoDataFrame | None = None,
    data_date: object = None,
    lang: str = "cs",
    colour_by: str = "working_group",
    edition: Edition | None = None,
    service_list: bool | None = None,
    context_obce: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
) -> MapComposition:
    """Compose a printed service map of a district (see :func:`render_map` for the parameters).

    Returns
    -------
    MapComposition
        The figure and the placement of markers, labels and boxes.
    """
    st = get_style(style)
    entries, sites, kind_colours = _prepare(district, services, kinds, lang, st)
    ed = _edition(edition, data_date)
    date_text = ed.date_text(lang)
    title = title if title is not None else t("print.map.title", lang, name=(district.name or ""))
    if subtitle is None:
        subtitle = t("print.map.subtitle", lang, date=date_text) if date_text else t("print.map.subtitle_nodate", lang)
    comp = _compose_page(district, entries, sites, focus_codes=district.codes, paper=paper, orientation=orientation,
                         style=st, title=title, subtitle=subtitle, shading=shading, shading_title=shading_title,
                         czechia_outline=czechia_outline,
                         source_line=_source_line(entries, district, ed, lang, shading_note,
                                                  is_field_shading(shading), roads), lang=lang,
                         colour_by=colour_by, kind_colours=kind_colours, min_extent_m=3000.0,
                         service_list=_lists_services(service_list, paper), context_obce=context_obce, roads=roads,
                         back_list=not _lists_services(service_list, paper) and service_list is None)
    comp.author = ed.publisher
    return comp


def _lists_services(service_list: bool | None, paper: str) -> bool:
    """Whether a sheet lists its services: as asked, else on A3 and A4 (an A5 has no room)."""
    return bool(service_list) if service_list is not None else str(paper).upper() in ("A3", "A4")


def _compose_page(district: District, entries: pd.DataFrame, sites: gpd.GeoDataFrame, **kw) -> MapComposition:
    """Validate paper and orientation, then compose one sheet."""
    paper = str(kw["paper"]).upper()
    kw["paper"] = paper
    paper_size_mm(paper, kw["orientation"])  # raises on a bad paper or orientation
    return _compose(district, entries, sites, **kw)


def render_map(
    district: District,
    services: Services,
    out: str | Path,
    *,
    paper: str = "A3",
    orientation: str = "landscape",
    style: str | PrintStyle = "colour",
    title: str | None = None,
    subtitle: str | None = None,
    kinds: Iterable[str] | None = None,
    shading: pd.Series | None = None,
    shading_title: str | None = None,
    shading_note: str | None = None,
    czechia_outline: gpd.GeoDataFrame | None = None,
    data_date: object = None,
    lang: str = "cs",
    colour_by: str = "working_group",
    dpi: int = 300,
    edition: Edition | None = None,
    service_list: bool | None = None,
    context_obce: gpd.GeoDataFrame | None = None,
    roads: gpd.GeoDataFrame | None = None,
    svg_fonts: str = "name",
) -> Path:
    """Print a numbered service map of a district to PDF, SVG or PNG.

    Parameters
    ----------
    district : District
        The area (polygons where loaded, else points).
    services : Services
        All services; those relevant to the district are numbered and shown (only their public
        sites — secret addresses never reach the sheet).
    out : path
        Output file; the format follows the extension: ``.pdf`` (vector, fonts embedded),
        ``.svg`` (vector, text kept as text) or ``.png`` (raster at ``dpi``).
    paper : {"A3", "A4", "A5"}
    orientation : {"landscape", "portrait"}
    style : {"colour", "grayscale", "cvd"} or PrintStyle
    title, subtitle : str, optional
        Defaults: "Sociální služby – {district}" and the data date.
    kinds : iterable of str, optional
        Only these kinds (ids, paragraphs, names); numbers stay those of the full catalogue.
    shading : Series, optional
        Travel time (minutes) to the nearest site of a chosen kind, indexed by ``kod_obce``;
        drawn as 0–15 / 15–30 / 30–45 / 45+ min bands (polygons filled, or shaded circles
        around obec points).  A ``bool`` Series shades field coverage instead (in a field
        service's declared area or not), for kinds whose staff come to the client.
    shading_title : str, optional
        Legend heading for the shading, e.g. "Dojezd k nejbližší pečovatelské službě".
    shading_note : str, optional
        How the travel times were computed (added to the source line).
    czechia_outline : GeoDataFrame, optional
        Outline of Czechia (any CRS) for the inset; no inset without it.
    data_date : date or str, optional
        Date of the data ("údaje k …"): a date, ``2026-09-01`` or ``1. 9. 2026``; replaces the
        edition's date.  Without either, no date is printed.
    edition : Edition, optional
        The data date, the sources loaded, the publisher and the edition (from the project's
        ``meta``: :meth:`Edition.from_meta`); the source line names only what was loaded.
    service_list : bool, optional
        Print the numbered list of the services on the map (name, obec, phone) beside the legend,
        so the map can be read without the catalogue; default on A3 and A4, off on A5.
    context_obce : GeoDataFrame, optional
        All loaded obce: those around the district are drawn in grey, with their ORP names.
    roads : GeoDataFrame, optional
        The loaded road lines (``speed_car_kmh``), drawn beneath the markers, wider for faster
        roads.
    svg_fonts : {"name", "embed", "outline"}
        SVG only: see :func:`save_map`.
    lang : {"cs", "en"}
    colour_by : {"working_group", "kind"}
        Marker colour: the service's working group (default; five colours that survive
        grayscale and colour-blind print) or its kind (a palette of twelve, repeated beyond).
    dpi : int
        Resolution of PNG output (dots per inch); ignored for PDF and SVG.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> from coverage_app.demo import load_demo
    >>> demo = load_demo("ORP:6221")
    >>> render_map(demo.district, demo.services, "mapa.pdf", paper="A3")  # doctest: +SKIP
    """
    out = Path(out)
    _check_format(out, MAP_FORMATS)
    comp = compose_map(district, services, paper=paper, orientation=orientation, style=style, title=title,
                       subtitle=subtitle, kinds=kinds, shading=shading, shading_title=shading_title,
                       shading_note=shading_note, czechia_outline=czechia_outline, data_date=data_date, lang=lang,
                       colour_by=colour_by, edition=edition, service_list=service_list,
                       context_obce=context_obce, roads=roads)
    return save_map(comp, out, dpi=dpi, svg_fonts=svg_fonts)


def save_map(composition: MapComposition, out: str | Path, *, dpi: int = 300, svg_fonts: str = "name") -> Path:
    """Write a composed sheet to PDF, SVG or PNG (format from the extension).

    Parameters
    ----------
    composition : MapComposition
        From :func:`compose_map`.
    out : path
        ``.pdf`` (vector, TrueType fonts embedded), ``.svg`` (vector, text as text) or
        ``.png`` (raster).
    dpi : int
        Resolution of PNG output (dots per inch); the PNG records it.
    svg_fonts : {"name", "embed", "outline"}
        SVG text naming its fonts (bold, oblique and monospaced kept), with the font files
        embedded, or outlined as paths.

    Returns
    -------
    Path
        The written file.
    """
    from coverage_app.maps.svg_fonts import SVG_FONT_MODES, embed_fonts

    out = Path(out)
    ext = _check_format(out, MAP_FORMATS)
    if svg_fonts not in SVG_FONT_MODES:
        raise ValueError(t("print.err.svg_fonts", "cs", value=svg_fonts, expected=", ".join(SVG_FONT_MODES)))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig, title = composition.figure, composition.title
    with _print_rc():
        if ext == ".pdf":
            meta = {"Title": title, "Creator": "coverage-app", "Subject": title}
            if composition.author:
                meta["Author"] = composition.author
            if composition.back is None:
                fig.savefig(out, format="pdf", metadata=meta)
            else:  # front and back: one PDF of two pages, for double-sided printing
                with PdfPages(out, metadata=meta) as pdf:
                    pdf.savefig(fig)
                    pdf.savefig(composition.back)
        elif ext == ".svg":
            with matplotlib.rc_context({"svg.fonttype": "path" if svg_fonts == "outline" else "none"}):
                fig.savefig(out, format="svg", metadata={"Title": title, "Creator": "coverage-app"})
            if svg_fonts == "embed":
                out.write_text(embed_fonts(out.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            fig.savefig(out, format="png", dpi=dpi, metadata={"Title": title, "Software": "coverage-app"})
        if composition.back is not None and ext != ".pdf":  # single-page formats: the back beside it
            back = out.with_name(f"{out.stem}-zadni{out.suffix}")
            composition.back.savefig(back, format=ext[1:], **({"dpi": dpi} if ext == ".png" else {}))
    return out
