"""Úvod: what the app offers and on which data."""

from __future__ import annotations

import streamlit as st

from coverage_app.app._ui import PAGES_DIR, page_setup

ctx = page_setup()
data = ctx.data
st.title(ctx.t("app.title"))
st.write(ctx.t("app.home.intro"))
st.caption(ctx.t("app.data.label", label=data.label) + " · " + ctx.t(
    "app.home.counts", obce=len(data.municipalities), services=len(data.services.services),
    sites=data.services.sites["site_id"].nunique()))
if data.kind == "demo":
    st.info(ctx.t("app.demo_note"))

for page, title_key, text_key in (
    ("verejna_mapa.py", "app.nav.public", "app.home.public"),
    ("planovani.py", "app.nav.planner", "app.home.planner"),
    ("tisk.py", "app.nav.print", "app.home.print"),
    ("data.py", "app.nav.data", "app.home.data"),
):
    with st.container(border=True):
        st.page_link(str(PAGES_DIR / page), label=ctx.t(title_key))
        st.write(ctx.t(text_key))
