"""Entry point of the Streamlit app (``coverage-app demo`` / ``coverage-app serve``): the page router.

Four pages, Czech first (English switchable in the sidebar): the planner's gap explorer (login),
the public service map "Kde najdu pomoc?" (no login), printing, and data.  The pages only call
the engine and the map module; see :mod:`coverage_app.app._ui` and :mod:`coverage_app.app._logic`.
"""

from __future__ import annotations

import logging

import streamlit as st

from coverage_app.app._ui import PAGES_DIR, current_lang, timed_run
from coverage_app.i18n import t

lang = current_lang()
st.set_page_config(page_title=t("app.title", lang), layout="wide")

pages = [
    st.Page(str(PAGES_DIR / "uvod.py"), title=t("app.nav.home", lang), url_path="uvod",
            default=True),
    st.Page(str(PAGES_DIR / "verejna_mapa.py"), title=t("app.nav.public", lang),
            url_path="kde-najdu-pomoc"),
    st.Page(str(PAGES_DIR / "planovani.py"), title=t("app.nav.planner", lang),
            url_path="planovani"),
    st.Page(str(PAGES_DIR / "tisk.py"), title=t("app.nav.print", lang), url_path="tisk"),
    st.Page(str(PAGES_DIR / "data.py"), title=t("app.nav.data", lang),
            url_path="data"),
]
page = st.navigation(pages)
with timed_run(page.url_path or "home"):
    try:
        page.run()
    except Exception:  # a fault: a friendly sentence to the visitor, the detail to the server log
        logging.getLogger("coverage_app.app").exception("page %s failed", page.url_path or "home")
        st.error(t("app.error.friendly", lang))
