"""The planner page's kraj view: the ORPs side by side first, then a click into one ORP.

Shown when the chosen area has several ORPs (a kraj, several ORPs, all of Czechia): a choropleth
of the ORPs for one kind and indicator, the table of the ORPs for that kind against the whole
area and the norm, and a choice that opens one ORP's own analysis on the same page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from coverage_app.app._ui import frame, memo, show_map
from coverage_app.maps.orp_map import ORP_INDICATORS, orp_map

__all__ = ["orp_overview_section"]


def orp_overview_section(ctx, analysis, analysis_key: str, kinds: Sequence[str],
                         kind_name: Callable[[str], str]) -> None:
    """Draw the kraj view of ``analysis`` (only when it has more than one ORP)."""
    from coverage_app.kraj import orp_overview, orp_shapes

    if analysis.district.obce["kod_orp"].nunique() < 2 or not kinds:
        return
    lang = ctx.lang
    ss = st.session_state
    st.subheader(ctx.t("app.orp.title", n=analysis.district.obce["kod_orp"].nunique()))
    st.caption(ctx.t("app.orp.note"))
    overview = memo(f"orp_overview|{analysis_key}|{lang}", lambda: orp_overview(analysis, lang))
    shapes = memo(f"orp_shapes|{analysis_key}", lambda: orp_shapes(analysis), large=True)
    c1, c2 = st.columns(2)
    kind = c1.selectbox(ctx.t("app.orp.kind"), list(kinds), format_func=kind_name, key="orp_kind")
    indicator = c2.selectbox(ctx.t("app.orp.indicator"), list(ORP_INDICATORS),
                             format_func=lambda i: ctx.t(f"orp.ind.{i}"), key="orp_indicator")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        m = memo(f"orp_map|{analysis_key}|{kind}|{indicator}|{lang}",
                 lambda: orp_map(shapes, overview, kind, indicator, assets=ctx.assets, basemap=ctx.basemap,
                                 lang=lang), large=True)
        show_map(m, key="orp_map", height=480)
    rows = overview[overview["service_kind"] == kind]
    with right:
        table = frame(rows[["nazev_orp", "target_population", "capacity_per_1000", "district_per_1000",
                            "share_reached", "share_field", "gaps"]].assign(
            share_reached=lambda r: (100 * r["share_reached"]).round(0),
            share_field=lambda r: (100 * r["share_field"]).round(0),
            target_population=lambda r: r["target_population"].round(0)).rename(columns={
                "share_reached": "share_reached_pct", "share_field": "share_field_pct"}), lang)
        st.dataframe(table, hide_index=True, height=min(480, 38 + 35 * len(table)), key="orp_table")
    names = dict(zip(rows["kod_orp"], rows["nazev_orp"]))
    codes = sorted(names, key=lambda c: names[c])

    def _open() -> None:
        ss["district"] = f"ORP:{ss['orp_open']}"
        ss["district_widget"] = ss["district"]

    c3, c4 = st.columns([3, 1])
    c3.selectbox(ctx.t("app.orp.open"), codes, format_func=lambda c: f"ORP {names[c]}", key="orp_open")
    c4.button(ctx.t("app.orp.open_button"), key="orp_open_button", on_click=_open)
    st.download_button(ctx.t("app.orp.download"), _csv(frame(overview, lang)), file_name="prehled_orp.csv",
                       mime="text/csv", key="orp_dl", on_click="ignore")
    st.divider()


def _csv(table: pd.DataFrame) -> bytes:
    from coverage_app.io.writers import csv_safe

    return csv_safe(table).to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
