"""Data — upload files, see the validation report, choose the district, check data quality (login).

The uploaded data replace the app's default data for this browser session only; they can be
downloaded as a project GeoPackage for ``coverage-app serve --project``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

import coverage_app.cli  # noqa: F401  (registers the names of file kinds)
from coverage_app.app._logic import UploadResult, problems_frame
from coverage_app.app._upload import read_uploads, size_problems, upload_limits
from coverage_app.app._texts import FILE_KIND_KEYS
from coverage_app.app._ui import (
    choose_district,
    get_district,
    page_setup,
    require_login,
    show_map,
)
from coverage_app.maps.interactive import sites_map
from coverage_app.quality import QUALITY_CHECKS, data_quality

ctx = page_setup()
if not require_login(ctx):
    st.stop()
data = ctx.data
lang = ctx.lang
ss = st.session_state

st.title(ctx.t("app.dt.title"))

# --- the data in use ----------------------------------------------------------------------------
st.subheader(ctx.t("app.dt.current"))
st.write(ctx.t("app.data.label", label=data.label) + " · " + ctx.t(
    "app.home.counts", obce=len(data.municipalities), services=len(data.services.services),
    sites=data.services.sites["site_id"].nunique()))
if data.kind == "upload":
    st.info(ctx.t("app.dt.using_upload"))
    c1, c2 = st.columns(2)
    if c1.button(ctx.t("app.dt.reset"), key="dt_reset"):
        ss.pop("upload_data", None)
        ss.pop("district", None)
        st.rerun()

    @st.cache_data(show_spinner=False, max_entries=2)
    def _project_bytes(key: str) -> bytes:
        from coverage_app.io.project import Project, save_project

        with tempfile.TemporaryDirectory() as tmp:
            project = Project(data.municipalities, data.services, data.previous_services, None, data.norms, {},
                              {"district": data.default_district, "population_source": data.population_source})
            return save_project(project, Path(tmp) / "projekt.gpkg").read_bytes()

    c2.download_button(ctx.t("app.dt.save_project"), _project_bytes(data.key), file_name="projekt.gpkg",
                       mime="application/geopackage+sqlite3", key="dt_project")

spec = choose_district(ctx, data.districts(), where=st, key="dt_district")
district = get_district(data, spec)

# --- upload ---------------------------------------------------------------------------------------
st.subheader(ctx.t("app.dt.upload"))
st.caption(ctx.t("app.dt.upload_help"))
files = st.file_uploader(ctx.t("app.dt.files"), accept_multiple_files=True, key="dt_files")
previous = st.file_uploader(ctx.t("app.dt.previous"), accept_multiple_files=True, key="dt_previous")
if st.button(ctx.t("app.dt.check"), key="dt_check", type="primary", disabled=not files):
    limits = upload_limits(float(st.get_option("server.maxUploadSize")))
    too_big = size_problems({f.name: f.size for f in [*files, *(previous or [])]}, limits, lang)
    if too_big:
        ss["dt_result"] = UploadResult(None, too_big, {})
    else:
        waiting, cancel = st.empty(), st.empty()
        cancel.button(ctx.t("app.dt.cancel"), key="dt_cancel")  # a click reruns the page: the reading is killed
        ss["dt_result"] = read_uploads(
            {f.name: f.getvalue() for f in files}, {f.name: f.getvalue() for f in previous or []}, lang=lang,
            base=data, limits=limits,
            tick=lambda s: waiting.info(ctx.t("app.dt.reading", seconds=int(s), limit=int(limits.seconds))))
        waiting.empty()
        cancel.empty()
elif ss.get("dt_cancel"):
    ss.pop("dt_result", None)
    st.info(ctx.t("app.dt.cancelled"))
result = ss.get("dt_result")
if result is not None:
    st.markdown(f"**{ctx.t('app.dt.recognised')}**")
    st.dataframe(pd.DataFrame({ctx.t("app.col.file"): list(result.kinds),
                               ctx.t("app.dt.kind_col"): [ctx.t(FILE_KIND_KEYS.get(k, k)) for k in result.kinds.values()]}),
                 hide_index=True)
    st.markdown(f"**{ctx.t('app.dt.report')}**")
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        st.error(ctx.t("app.dt.report_err", n=len(errors)))
    else:
        st.success(ctx.t("app.dt.report_ok", n=len(result.problems)))
    if result.problems:
        st.dataframe(problems_frame(result.problems, lang), hide_index=True, key="dt_problems")
    if result.ok and st.button(ctx.t("app.dt.use"), key="dt_use"):
        ss["upload_data"] = result.data
        ss["district"] = result.data.default_district
        ss.pop("dt_result", None)
        st.rerun()

# --- data quality -----------------------------------------------------------------------------
st.subheader(ctx.t("app.dt.quality"))
quality = data_quality(district, data.services, lang)
site_findings = (quality[quality["site_id"].astype(str) != ""].groupby("site_id")["message"]
                 .agg(lambda x: "; ".join(dict.fromkeys(x))).to_dict())
st.caption(ctx.t("app.dt.map"))
show_map(sites_map(district, data.services, assets=ctx.assets, findings=site_findings, basemap=ctx.basemap,
                   lang=lang, source=data.source_text), key="data_map", height=460)
if quality.empty:
    st.success(ctx.t("app.dt.quality_none"))
else:
    counts = quality["check"].value_counts()
    checks = [c for c in QUALITY_CHECKS if c in counts.index]
    cols = st.columns(min(4, len(checks)) or 1)
    for i, check in enumerate(checks):
        cols[i % len(cols)].metric(ctx.t(f"dq.{check}"), int(counts[check]))
    for check in checks:
        part = quality[quality["check"] == check].drop(columns=["check", "message"])
        with st.expander(f"{ctx.t(f'dq.{check}')} ({len(part)})"):
            st.dataframe(part.rename(columns={"service_id": "id", "kod_obce": ctx.t("app.pl.obec")}), hide_index=True)
if data.warnings.problems:
    with st.expander(f"{ctx.t('app.dt.warnings')} ({len(data.warnings.problems)})"):
        st.dataframe(problems_frame(data.warnings.problems, lang), hide_index=True)
