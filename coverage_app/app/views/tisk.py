"""Tisk — the printed service map, the atlas and the provider catalogue.

Choose paper, orientation, title, district, kinds and style; a preview of the map; buttons that
make the PDF files (office PDFs, or the print shop's PDF/X-1a when Ghostscript is there; the
catalogue in large print on request).  The printing itself belongs to
:mod:`coverage_app.maps.printing`, :mod:`coverage_app.maps.catalogue` and
:mod:`coverage_app.maps.print_shop`; this page shows only what those modules offer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from coverage_app.app._ui import choose_district, get_district, page_setup

ctx = page_setup()
data = ctx.data
lang = ctx.lang

from coverage_app.maps.atlas import render_atlas
from coverage_app.maps.catalogue import render_catalogue
from coverage_app.maps.print_shop import ghostscript, print_shop_pdf
from coverage_app.maps.sheet_context import roads_from_graph
from coverage_app.maps.printing import render_map
from coverage_app.maps.style import STYLES

style_names = list(STYLES)
st.title(ctx.t("app.pr.title"))
st.caption(ctx.t("app.pr.note"))

spec = choose_district(ctx, data.districts(), where=st, key="pr_district")
district = get_district(data, spec)
c1, c2, c3 = st.columns(3)
paper = c1.selectbox(ctx.t("app.pr.paper"), ["A4", "A3", "A5"], key="pr_paper")
orientation = c2.selectbox(ctx.t("app.pr.orientation"), ["landscape", "portrait"],
                           format_func=lambda o: ctx.t(f"app.pr.{o}"), key="pr_orientation")
style = c3.selectbox(ctx.t("app.pr.style"), style_names, format_func=lambda s: ctx.t(f"print.style.{s}"),
                     key="pr_style")
title = st.text_input(ctx.t("app.pr.title_field"), key="pr_title", placeholder=ctx.t("app.pr.title_default")) or None
present = data.services.kinds_present()
kinds = st.multiselect(ctx.t("app.pr.kinds"), present, key="pr_kinds", placeholder=ctx.t("app.all"),
                       format_func=lambda k: data.services.kinds[k].name_cs if lang == "cs" else data.services.kinds[k].name_en)
o1, o2 = st.columns(2)
large_print = o1.checkbox(ctx.t("app.pr.large_print"), key="pr_large", help=ctx.t("app.pr.large_print_help"))
has_gs = ghostscript() is not None
print_shop = o2.checkbox(ctx.t("app.pr.print_shop"), key="pr_shop", disabled=not has_gs,
                         help=ctx.t("app.pr.print_shop_help") if has_gs else ctx.t("app.pr.print_shop_missing"))
print_shop = print_shop and has_gs


#: New print files one visitor may ask for within :data:`RENDER_WINDOW_S` (an atlas costs seconds
#: of the server's CPU; the same request again comes from the cache and does not count).
RENDER_LIMIT = 8
RENDER_WINDOW_S = 600.0


def _allowed() -> bool:
    """Count a request for a print file; ``False`` (with a message) over the limit."""
    import time

    now = time.time()
    times = [x for x in st.session_state.get("pr_renders", []) if now - x < RENDER_WINDOW_S]
    if len(times) >= RENDER_LIMIT:
        st.warning(ctx.t("app.pr.too_many", minutes=int((RENDER_WINDOW_S - (now - times[0])) / 60) + 1))
        st.session_state["pr_renders"] = times
        return False
    st.session_state["pr_renders"] = times + [now]
    return True


def _roads():
    """The loaded roads around the district, drawn from the routing graph (``None`` without roads)."""
    return roads_from_graph(data.roads, tuple(district.obce.total_bounds)) if data.roads is not None else None


def _render(fn, suffix: str, shop: bool = False, **kwargs) -> bytes:
    """Run a printing function into a temporary file and return its bytes (with the data's edition:
    its date, sources and publisher, from the project); with ``shop``, the print shop's PDF/X-1a
    made from it."""
    from coverage_app.maps.edition import Edition

    edition = Edition.from_meta(data.meta, fictional=True if data.kind == "demo" else None)
    with tempfile.TemporaryDirectory(prefix="coverage-app-print-") as tmp:
        out = Path(tmp) / f"tisk{suffix}"
        fn(district, data.services, out, edition=edition, **kwargs)
        if shop:
            out = print_shop_pdf(out, Path(tmp) / "tiskarna.pdf")
        return out.read_bytes()


@st.cache_data(show_spinner=False, max_entries=16)
def _map_file(key: str, suffix: str, paper: str, orientation: str, style: str, title: str | None, kinds: tuple[str, ...],
              lang: str, dpi: int, shop: bool = False) -> bytes:
    kw = dict(paper=paper, orientation=orientation, style=style, title=title, kinds=list(kinds) or None, lang=lang,
              context_obce=data.municipalities, roads=_roads())
    if suffix == ".png":
        kw["dpi"] = dpi
    return _render(render_map, suffix, shop=shop and suffix == ".pdf", **kw)


@st.cache_data(show_spinner=False, max_entries=4)
def _atlas_file(key: str, paper: str, orientation: str, style: str, kinds: tuple[str, ...], lang: str,
                shop: bool) -> bytes:
    return _render(render_atlas, ".pdf", shop=shop, paper=paper, orientation=orientation, style=style,
                   kinds=list(kinds) or None, lang=lang, context_obce=data.municipalities, roads=_roads())


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue_file(key: str, style: str, lang: str, large: bool, shop: bool) -> bytes:
    return _render(render_catalogue, ".pdf", shop=shop, style=style, lang=lang, large_print=large)


key = f"{data.key}|{spec}"
params = (paper, orientation, style, title, tuple(kinds), lang)
st.subheader(ctx.t("app.pr.preview"))
try:
    with st.spinner(" "):
        preview = _map_file(key, ".png", *params, 80)
    st.image(preview, caption=f"{paper} · {ctx.t(f'app.pr.{orientation}')}", width="stretch")
except (ValueError, OSError) as exc:
    st.error(ctx.t("app.pr.error", msg=str(exc)))

def _offer(what: str, params: tuple, files: list[tuple[str, object, str, str]], primary: bool = False) -> None:
    """A "make" button for ``what`` (map, atlas, catalogue) and, once pressed for these
    ``params``, its download buttons: ``(label key, make bytes, file name, mime)`` each."""
    if st.button(ctx.t(f"app.pr.make_{what}"), key=f"pr_make_{what}", type="primary" if primary else "secondary") \
            and _allowed():
        st.session_state[f"pr_{what}_ready"] = (key, params)
    if st.session_state.get(f"pr_{what}_ready") != (key, params):
        return
    try:
        with st.spinner(" "):
            for label, make, name, mime in files:
                st.download_button(ctx.t(label), make(), file_name=name, mime=mime, key=f"pr_dl_{name}")
    except (ValueError, OSError, RuntimeError) as exc:
        st.error(ctx.t("app.pr.error", msg=str(exc)))


pdf_end = "_tiskarna.pdf" if print_shop else ".pdf"
atlas_params = (paper, orientation, style, tuple(kinds), lang, print_shop)
catalogue_params = (style, lang, large_print, print_shop)
cols = st.columns(3)
with cols[0]:
    _offer("map", (params, print_shop), [
        ("app.pr.dl_map", lambda: _map_file(key, ".pdf", *params, 300, print_shop), f"mapa_sluzeb{pdf_end}",
         "application/pdf"),
        ("app.pr.dl_map_png", lambda: _map_file(key, ".png", *params, 300), "mapa_sluzeb.png", "image/png")],
        primary=True)
with cols[1]:
    _offer("atlas", atlas_params, [("app.pr.dl_atlas", lambda: _atlas_file(key, *atlas_params),
                                    f"atlas_obci{pdf_end}", "application/pdf")])
with cols[2]:
    _offer("catalogue", catalogue_params, [("app.pr.dl_catalogue", lambda: _catalogue_file(key, *catalogue_params),
                                            f"katalog_sluzeb{pdf_end}", "application/pdf")])
