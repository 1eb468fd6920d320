"""The atlas: one printed map page per obec, POÚ or ORP of a district, in one PDF.

Each page is a sheet of :mod:`coverage_app.maps.printing` framing its unit, with the services
relevant to the unit under their district-wide numbers (those of the catalogue).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from coverage_app.i18n import t
from coverage_app.maps.edition import Edition
from coverage_app.maps.numbering import czech_sort_key, services_for_obce
from coverage_app.maps.printing import (
    _check_format,
    _compose_page,
    _edition,
    _lists_services,
    _prepare,
    _print_rc,
    _source_line,
)
from coverage_app.maps.sheet_draw import is_field_shading
from coverage_app.maps.style import PrintStyle, get_style
from coverage_app.model import District, Services

__all__ = ["atlas_units", "render_atlas"]


def atlas_units(district: District, by: str = "obec") -> list[tuple[str, str, list[str]]]:
    """Pages of an atlas: ``(unit code, unit name, obec codes)`` per obec, POÚ or ORP.

    Units are in Czech alphabetical order of their names.
    """
    if by not in ("obec", "pou", "orp"):
        raise ValueError(t("print.err.atlas_by", "cs", value=by))
    obce = district.obce
    if by == "obec":
        units = [(r.kod_obce, r.nazev_obce, [r.kod_obce]) for r in obce.itertuples()]
    else:
        code_col, name_col = (f"kod_{by}", f"nazev_{by}")
        units = []
        for code, grp in obce.groupby(code_col, sort=False):
            name = str(grp[name_col].iloc[0]) or str(code)
            units.append((str(code), name, grp["kod_obce"].tolist()))
    return sorted(units, key=lambda u: czech_sort_key(u[1]))


def render_atlas(
    district: District,
    services: Services,
    out: str | Path,
    *,
    by: str = "obec",
    paper: str = "A4",
    orientation: str = "portrait",
    style: str | PrintStyle = "colour",
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
) -> Path:
    """Print an atlas: one map page per obec, POÚ or ORP of the district, in one PDF.

    Each page frames its unit (the rest of the district drawn for context), shows the services
    relevant to the unit — a public site in it, or a service area naming its obce — with their
    district-wide numbers (the catalogue's), and has its own legend of only what is on it.
    Services relevant to the unit whose sites lie outside the page frame are listed in the
    page's box "služby se sídlem mimo mapu"; services with a secret address in its box of
    withheld addresses.

    Parameters
    ----------
    by : {"obec", "pou", "orp"}
        Unit of a page.
    out : path
        ``.pdf`` only (one file, one page per unit).
    Other parameters
        As :func:`render_map`.

    Returns
    -------
    Path
        The written PDF.
    """
    out = Path(out)
    _check_format(out, (".pdf",))
    st = get_style(style)
    entries, sites, kind_colours = _prepare(district, services, kinds, lang, st)
    ed = _edition(edition, data_date)
    date_text = ed.date_text(lang)
    units = atlas_units(district, by)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _print_rc():
        meta = {"Title": t("print.map.title", lang, name=district.name or ""), "Creator": "coverage-app"}
        if ed.publisher:
            meta["Author"] = ed.publisher
        with PdfPages(out, metadata=meta) as pdf:
            for _code, name, codes in units:
                page_entries = services_for_obce(entries, codes).reset_index(drop=True)
                page_sites = sites[sites["number"].isin(set(page_entries["number"]))].reset_index(drop=True)
                title = _unit_title(district, by, _code, name, lang)
                subtitle = (t("print.atlas.subtitle", lang, district=district.name or "", date=date_text) if date_text
                            else t("print.atlas.subtitle_nodate", lang, district=district.name or ""))
                comp = _compose_page(
                    district, page_entries, page_sites, focus_codes=codes, paper=paper, orientation=orientation,
                    style=st, title=title, subtitle=subtitle, shading=shading, shading_title=shading_title,
                    czechia_outline=czechia_outline,
                    source_line=_source_line(page_entries, district, ed, lang, shading_note,
                                             is_field_shading(shading), roads), lang=lang,
                    colour_by=colour_by, kind_colours=kind_colours, min_extent_m=5000.0 if by == "obec" else 3000.0,
                    pad_frac=0.3 if by == "obec" else 0.05, service_list=_lists_services(service_list, paper),
                    context_obce=context_obce, roads=roads)
                pdf.savefig(comp.figure)
    return out


def _unit_title(district: District, by: str, code: str, name: str, lang: str) -> str:
    """A page's title: "Město Židlochovice", "Městys …", "Obec …" by the obec's status where the
    data give it, else the name alone (a town is never called "Obec"); "ORP …", "POÚ …"."""
    if by != "obec":
        return t(f"print.atlas.title.{by}", lang, name=name)
    obce = district.obce
    status = ""
    if "status" in obce:
        hit = obce.loc[obce["kod_obce"] == code, "status"]
        status = str(hit.iloc[0]) if len(hit) else ""
    if not status:
        return name
    return f"{status[:1].upper()}{status[1:]} {name}"
