"""Tisk — the printed service map, the atlas and the provider catalogue.

Choose paper, orientation, title, district, kinds and style; a preview of the map; buttons that
make the PDF files.  The printing itself belongs to :mod:`coverage_app.maps.printing` and
:mod:`coverage_app.maps.catalogue`; this page shows only what those modules offer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from coverage_app.app._ui import choose_district, get_district, page_setup

ctx = page_setup()
data = ctx.data
lang = ctx.lang

try:
    from coverage_app.maps.atlas import render_atlas
    from coverage_app.maps.printing import render_map
except ImportError:  # the printing module is optional until it lands
    render_map = render_atlas = None  # type: ignore[assignment]
try:
    from coverage_app.maps.catalogue import render_catalogue
except ImportError:
    render_catalogue = None  # type: ignore[assignment]
try:
    from coverage_app.maps.style import STYLES
    style_names = list(STYLES)
except ImportError:
    style_names = ["colour"]

st.title(ctx.t("app.pr.title"))
st.caption(ctx.t("app.pr.note"))
if render_map is None and render_catalogue is None:
    st.info(ctx.t("app.pr.unavailable"))
    st.stop()

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


def _render(fn, suffix: str, **kwargs) -> bytes:
    """Run a printing function into a temporary file and return its bytes (with the data's edition:
    its date, sources and publisher, from the project)."""
    from coverage_app.maps.edition import Edition

    edition = Edition.from_meta(data.meta, fictional=True if data.kind == "demo" else None)
    with tempfile.TemporaryDirectory(prefix="coverage-app-print-") as tmp:
        out = Path(tmp) / f"tisk{suffix}"
        fn(district, data.services, out, edition=edition, **kwargs)
        return out.read_bytes()


@st.cache_data(show_spinner=False, max_entries=16)
def _map_file(key: str, suffix: str, paper: str, orientation: str, style: str, title: str | None, kinds: tuple[str, ...],
              lang: str, dpi: int) -> bytes:
    kw = dict(paper=paper, orientation=orientation, style=style, title=title, kinds=list(kinds) or None, lang=lang,
              context_obce=data.municipalities)
    if suffix == ".png":
        kw["dpi"] = dpi
    return _render(render_map, suffix, **kw)


@st.cache_data(show_spinner=False, max_entries=4)
def _atlas_file(key: str, paper: str, orientation: str, style: str, kinds: tuple[str, ...], lang: str) -> bytes:
    return _render(render_atlas, ".pdf", paper=paper, orientation=orientation, style=style,
                   kinds=list(kinds) or None, lang=lang, context_obce=data.municipalities)


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue_file(key: str, style: str, lang: str) -> bytes:
    return _render(render_catalogue, ".pdf", style=style, lang=lang)


key = f"{data.key}|{spec}"
params = (paper, orientation, style, title, tuple(kinds), lang)
if render_map is not None:
    st.subheader(ctx.t("app.pr.preview"))
    try:
        with st.spinner(" "):
            preview = _map_file(key, ".png", *params, 80)
        st.image(preview, caption=f"{paper} · {ctx.t(f'app.pr.{orientation}')}", width="stretch")
    except (ValueError, OSError) as exc:
        st.error(ctx.t("app.pr.error", msg=str(exc)))

cols = st.columns(3)
if render_map is not None:
    with cols[0]:
        if st.button(ctx.t("app.pr.make_map"), key="pr_make_map", type="primary") and _allowed():
            st.session_state["pr_map_ready"] = (key, params)
        if st.session_state.get("pr_map_ready") == (key, params):
            try:
                with st.spinner(" "):
                    st.download_button(ctx.t("app.pr.dl_map"), _map_file(key, ".pdf", *params, 300),
                                       file_name="mapa_sluzeb.pdf", mime="application/pdf", key="pr_dl_map")
                    st.download_button(ctx.t("app.pr.dl_map_png"), _map_file(key, ".png", *params, 300),
                                       file_name="mapa_sluzeb.png", mime="image/png", key="pr_dl_png")
            except (ValueError, OSError) as exc:
                st.error(ctx.t("app.pr.error", msg=str(exc)))
if render_atlas is not None:
    with cols[1]:
        atlas_params = (paper, orientation, style, tuple(kinds), lang)
        if st.button(ctx.t("app.pr.make_atlas"), key="pr_make_atlas") and _allowed():
            st.session_state["pr_atlas_ready"] = (key, atlas_params)
        if st.session_state.get("pr_atlas_ready") == (key, atlas_params):
            try:
                with st.spinner(" "):
                    st.download_button(ctx.t("app.pr.dl_atlas"), _atlas_file(key, *atlas_params),
                                       file_name="atlas_obci.pdf", mime="application/pdf", key="pr_dl_atlas")
            except (ValueError, OSError) as exc:
                st.error(ctx.t("app.pr.error", msg=str(exc)))
if render_catalogue is not None:
    with cols[2]:
        if st.button(ctx.t("app.pr.make_catalogue"), key="pr_make_catalogue") and _allowed():
            st.session_state["pr_catalogue_ready"] = (key, style, lang)
        if st.session_state.get("pr_catalogue_ready") == (key, style, lang):
            try:
                with st.spinner(" "):
                    st.download_button(ctx.t("app.pr.dl_catalogue"), _catalogue_file(key, style, lang),
                                       file_name="katalog_sluzeb.pdf", mime="application/pdf", key="pr_dl_catalogue")
            except (ValueError, OSError) as exc:
                st.error(ctx.t("app.pr.error", msg=str(exc)))
