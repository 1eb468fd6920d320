"""The planner's access-model editor: the kraj's levels of availability, modes and time limits.

Shown as a tab of the planner page.  The table starts from the rules in force (the project's
table, else the built-in defaults with their source note), is edited in place, checked with the
same reader as a file (:func:`coverage_app.access.access_from_frame`: every bad cell named by row
and column), applied to this session and — for a project file — stored in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from coverage_app.access import ACCESS_TABLE_COLUMNS, access_from_frame, access_table
from coverage_app.app._logic import AppData, problems_frame
from coverage_app.codelists import ACCESS_LEVELS, ACCESS_MODES, AccessRule
from coverage_app.errors import DataError
from coverage_app.io.writers import csv_safe

__all__ = ["access_rules_in_force", "access_tab"]

_STATE = "pl_access_rules"


def access_rules_in_force(data: AppData) -> dict[str, AccessRule]:
    """The user's rules for this session: edited here, else the project's."""
    key = f"{_STATE}::{data.key}"
    if key not in st.session_state:
        st.session_state[key] = dict(data.access)
    return st.session_state[key]


def _save_to_project(data: AppData, rules: Mapping[str, AccessRule]) -> None:
    from coverage_app.io.project import load_project, save_project

    assert data.project_path is not None
    project = load_project(data.project_path)
    project.access = dict(rules)
    save_project(project, data.project_path)


def access_tab(ctx, data: AppData, kinds_present: Sequence[str]) -> None:
    """Draw the editor for the kinds present in the district."""
    lang = ctx.lang
    catalog = data.services.kinds
    rules = access_rules_in_force(data)
    st.write(ctx.t("app.acc.intro"))
    flash = st.session_state.pop("acc_flash", None)
    if flash:
        st.success(flash)
    table = access_table(catalog, rules, only=kinds_present, lang=lang)
    edited = st.data_editor(
        table, hide_index=True, num_rows="dynamic", key=f"acc_editor_{data.key}", width="stretch",
        column_config={
            "druh": st.column_config.TextColumn(ctx.t("app.acc.col.kind_code"), disabled=False),
            "nazev": st.column_config.TextColumn(ctx.t("app.acc.col.kind"), disabled=True),
            "uroven": st.column_config.SelectboxColumn(
                ctx.t("app.acc.col.level"), options=list(ACCESS_LEVELS), required=True,
                help=", ".join(f"{k} = {v[lang]}" for k, v in ACCESS_LEVELS.items())),
            "zpusob": st.column_config.SelectboxColumn(
                ctx.t("app.acc.col.mode"), options=list(ACCESS_MODES), required=True,
                help=", ".join(f"{k} = {v[lang]}" for k, v in ACCESS_MODES.items())),
            "limit_min": st.column_config.NumberColumn(ctx.t("app.acc.col.limit"), min_value=1, max_value=600,
                                                       step=5, format="%d"),
            "zdroj": st.column_config.TextColumn(ctx.t("app.acc.col.source"), width="large"),
        })
    c1, c2, c3 = st.columns(3)
    if c1.button(ctx.t("app.acc.apply"), key="acc_apply", type="primary"):
        try:
            new = access_from_frame(pd.DataFrame(edited)[list(ACCESS_TABLE_COLUMNS)], catalog,
                                    file=ctx.t("app.acc.file"))
        except DataError as exc:
            st.error(ctx.t("app.acc.errors"))
            st.dataframe(problems_frame(exc.problems, lang), hide_index=True)
        else:
            rules.clear()
            rules.update(new)
            if data.project_path is not None:
                _save_to_project(data, rules)
                st.session_state["acc_flash"] = ctx.t("app.acc.saved_project", file=data.project_path.name)
            else:
                st.session_state["acc_flash"] = ctx.t("app.acc.applied")
            st.rerun()  # the gaps above are recomputed with the new table
    if c2.button(ctx.t("app.acc.reset"), key="acc_reset", disabled=not rules):
        rules.clear()
        st.rerun()
    c3.download_button(ctx.t("app.acc.download"),
                       csv_safe(table[list(ACCESS_TABLE_COLUMNS)]).to_csv(index=False, sep=";", decimal=",")
                       .encode("utf-8-sig"),
                       file_name="urovne_dostupnosti.csv", mime="text/csv", key="acc_dl", on_click="ignore")
