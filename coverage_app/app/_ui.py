"""Streamlit helpers shared by the pages: language, data source, login, caches and maps.

Results are cached with ``st.cache_resource`` on the content hash of the inputs
(:attr:`AppData.key`) and on the settings, so a page re-run only looks results up; a what-if
edit recomputes only the kinds it touches (:func:`coverage_app.scenario.run_scenario`).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import streamlit as st

from coverage_app.app import _texts  # noqa: F401  (registers the app's texts)
from coverage_app.app._logic import (
    AppData,
    filter_services,
    load_demo_data,
    load_project_data,
    osm_reachable,
    password_binding,
    password_hint,
    planner_password_configured,
    verify_password,
)
from coverage_app.coverage import Analysis, analyze, make_router
from coverage_app.errors import DataError
from coverage_app.i18n import LANGS, t
from coverage_app.maps.interactive import (
    MapAssets,
    MapLayers,
    PublicListing,
    inline_assets,
    install_assets,
    service_reach,
    static_assets,
)
from coverage_app.model import District, Services
from coverage_app.reach import RoadGraph, Router
from coverage_app.scenario import Scenario
from coverage_app.settings import AnalysisSettings

APP_DIR = Path(__file__).resolve().parent
STATIC_DIR = APP_DIR / "static"
PAGES_DIR = APP_DIR / "views"

_LANG_NAMES = {"cs": "Čeština", "en": "English"}


@dataclass
class PageContext:
    """What every page needs: the language, the data, the map assets and whether tiles can load."""

    lang: str
    data: AppData
    assets: MapAssets
    basemap: bool

    def t(self, key: str, **params: object) -> str:
        """Translate a text key into the page's language."""
        return t(key, self.lang, **params)


# ---------------------------------------------------------------------------------------------
# Timing of script runs (COVERAGE_APP_TIMING=1; used by benchmarks/bench_app_whatif.py)
# ---------------------------------------------------------------------------------------------
_TIMING = os.environ.get("COVERAGE_APP_TIMING", "") not in ("", "0")
_timing = threading.local()  # each session's script runs in its own thread


@contextmanager
def timed_run(what: str) -> Iterator[None]:
    """Log the duration of a script run and of its sections (:func:`lap`) to stderr as
    ``coverage-app timing: <what> <seconds> s start=<epoch s> <section>=<ms>ms …`` — only when
    the environment variable ``COVERAGE_APP_TIMING`` is set; otherwise does nothing."""
    if not _TIMING:
        yield
        return
    outer = getattr(_timing, "sections", None), getattr(_timing, "last", 0.0)
    _timing.sections = sections = {}
    start = time.time()
    _timing.last = t0 = time.perf_counter()
    try:
        yield
    finally:
        total = time.perf_counter() - t0
        _timing.sections, _timing.last = outer
        parts = " ".join(f"{k}={v * 1000:.1f}ms" for k, v in sections.items())
        print(f"coverage-app timing: {what} {total:.3f} s start={start:.3f} {parts}".rstrip(), file=sys.stderr,
              flush=True)


def lap(name: str) -> None:
    """Add the time since the previous lap (or the start of the run) to the section ``name`` of
    the current :func:`timed_run` (does nothing without ``COVERAGE_APP_TIMING``)."""
    sections = getattr(_timing, "sections", None) if _TIMING else None
    if sections is None:
        return
    now = time.perf_counter()
    sections[name] = sections.get(name, 0.0) + now - _timing.last
    _timing.last = now


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------
def current_lang() -> str:
    """The chosen language: session, else ``?lang=`` in the URL, else Czech."""
    lang = st.session_state.get("lang")
    if lang in LANGS:
        return str(lang)
    qp = st.query_params.get("lang")
    return qp if qp in LANGS else "cs"


def _on_lang() -> None:
    st.session_state["lang"] = st.session_state["lang_widget"]


def language_switch() -> str:
    """The language selector in the sidebar; returns the language."""
    lang = current_lang()
    st.sidebar.selectbox(t("app.lang", lang), LANGS, index=LANGS.index(lang), format_func=_LANG_NAMES.get,
                         key="lang_widget", on_change=_on_lang)
    return lang


# ---------------------------------------------------------------------------------------------
# Data source
# ---------------------------------------------------------------------------------------------
def _source() -> tuple[str, str, str]:
    """(kind, path, stamp) of the app's default data: a project file or the demo."""
    path = os.environ.get("COVERAGE_APP_PROJECT", "")
    if path and not os.environ.get("COVERAGE_APP_DEMO"):
        p = Path(path)
        stamp = f"{p.stat().st_mtime_ns}-{p.stat().st_size}" if p.exists() else "missing"
        return "project", str(p), stamp
    return "demo", "", ""


@st.cache_resource(show_spinner=False, max_entries=4)
def _default_data(kind: str, path: str, stamp: str) -> AppData:
    """Load the default data once per content (``stamp`` changes when the file changes)."""
    if kind == "project":
        return load_project_data(path)
    return load_demo_data()


def current_data() -> AppData:
    """The data of this session: uploaded on the Data page, else the app's default data."""
    uploaded = st.session_state.get("upload_data")
    if isinstance(uploaded, AppData):
        return uploaded
    kind, path, stamp = _source()
    try:
        with st.spinner(" "):
            return _default_data(kind, path, stamp)
    except DataError as exc:
        st.error(t("app.data.error", current_lang()) + "\n\n" + exc.format(current_lang()))
        st.stop()
        raise  # pragma: no cover - st.stop raises


# ---------------------------------------------------------------------------------------------
# Map assets and basemap
# ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _installed_assets() -> str | None:
    """Copy Leaflet and the map script into the static folder (once); ``None`` when not writable."""
    try:
        return install_assets(STATIC_DIR)
    except OSError:
        return None


def map_assets() -> MapAssets:
    """Assets served by the app (static serving), else embedded as data URLs — never a CDN."""
    name = _installed_assets()
    try:
        serving = bool(st.get_option("server.enableStaticServing"))
    except RuntimeError:  # pragma: no cover - option unknown outside a server
        serving = False
    if name is None or not serving:
        return inline_assets()
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return static_assets(f"{prefix}/app/static/{name}")


@st.cache_data(ttl=600, show_spinner=False)
def _online() -> bool:
    return osm_reachable()


def basemap_switch(lang: str) -> bool:
    """Sidebar switch of the OpenStreetMap basemap (only offered when the tile server answers)."""
    online = _online()
    if not online:
        st.sidebar.caption(t("app.basemap_off", lang))
        return False
    return bool(st.sidebar.toggle(t("app.basemap", lang), value=True, key="basemap"))


_TABLE_CSS = """
.cm-table{overflow-y:auto;border:1px solid #ddd;border-radius:6px}
.cm-table table{border-collapse:collapse;width:100%;font-size:.9rem;line-height:1.35}
.cm-table th{position:sticky;top:0;background:#f0f2f6;text-align:left;padding:.35rem .45rem;font-weight:600;
  border-bottom:1px solid #ccc;z-index:1}
.cm-table td{padding:.3rem .45rem;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:break-word}
.cm-table{overflow-x:hidden}
.cm-table td.n{text-align:right;white-space:nowrap}
"""


_CSS = """
<style>
[data-testid="stSidebarNav"] a span { font-size: 1rem; }
iframe[title="streamlit_folium.st_folium"] { border: 1px solid #bbb; border-radius: 6px; }
""" + _TABLE_CSS + """
</style>
"""


def _widget_texts_css(lang: str) -> str:
    """Streamlit's own English words of the file uploader replaced by the translation table's
    (the originals are hidden, the words come as generated content)."""
    limit = int(st.get_option("server.maxUploadSize"))
    button = t("app.upload.button", lang).replace('"', "")
    hint = t("app.upload.hint", lang, mb=limit).replace('"', "")
    return ("<style>"
            '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]{display:none}'
            f'[data-testid="stFileUploaderDropzone"] button>div::after{{content:"{button}"}}'
            '[data-testid="stFileUploaderDropzoneInstructions"] span{display:none}'
            f'[data-testid="stFileUploaderDropzoneInstructions"]>div::after{{content:"{hint}";font-size:.9rem}}'
            "</style>")


def page_setup() -> PageContext:
    """Language switch, data, map assets and basemap switch for a page."""
    lang = language_switch()
    data = current_data()
    st.markdown(_CSS + _widget_texts_css(lang), unsafe_allow_html=True)
    basemap = basemap_switch(lang)
    st.sidebar.caption(t("app.data.label", lang, label=data.label))
    return PageContext(lang=lang, data=data, assets=map_assets(), basemap=basemap)


# ---------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def _login_guard():
    from coverage_app.app._login import LoginGuard

    return LoginGuard()  # one for the whole server: failures count across sessions of an address


def _login_keys() -> tuple[tuple[str, ...], str]:
    """Keys the failures are counted by (the client address and the browser session)."""
    import uuid

    address = str(getattr(st.context, "ip_address", "") or "")
    session = st.session_state.setdefault("_login_session", uuid.uuid4().hex)
    return (f"ip:{address or '?'}", f"session:{session}"), address


def require_login(ctx: PageContext) -> bool:
    """Show the login form unless the planner is logged in; ``True`` when logged in.

    Guessing is slowed down and logged (:mod:`coverage_app.app._login`); a login survives a
    reload through a signed token in the page address.
    """
    from coverage_app.app._login import check_token, make_token, server_secret, token_hours, token_id

    token_key = "prihlaseni"
    guard = _login_guard()
    bound = password_binding(ctx.data)
    token = st.query_params.get(token_key)
    if (not st.session_state.get("planner_ok") and check_token(token, server_secret(), bound=bound)
            and not guard.revoked(token_id(token)[0])):
        st.session_state["planner_ok"] = True
    if st.session_state.get("planner_ok"):
        if st.sidebar.button(ctx.t("app.login.logout"), key="logout"):
            st.session_state["planner_ok"] = False
            if token:  # the token is revoked, not only removed from the address
                guard.revoke(*token_id(token))
            st.query_params.pop(token_key, None)
            st.rerun()
        return True
    st.title(ctx.t("app.login.title"))
    st.write(ctx.t("app.login.why"))
    configured = planner_password_configured(ctx.data)
    hint = password_hint(ctx.data, ctx.lang)
    if configured:
        st.info(hint)
    else:
        st.warning(hint)
    with st.form("login_form"):
        password = st.text_input(ctx.t("app.login.password"), type="password", key="password",
                                 disabled=not configured)
        submitted = st.form_submit_button(ctx.t("app.login.submit"), disabled=not configured)
    if submitted:
        keys, address = _login_keys()
        wait = guard.attempt(keys)  # one attempt at a time per address and session
        if wait > 0:  # refused without checking the password: guessing costs time, not CPU
            st.error(ctx.t("app.login.locked" if guard.locked(keys) else "app.login.wait",
                           seconds=int(wait + 0.999), minutes=int(wait / 60 + 0.999)))
            return False
        if verify_password(password, ctx.data):
            guard.success(keys, address)
            st.session_state["planner_ok"] = True
            if token_hours() > 0:
                st.query_params[token_key] = make_token(server_secret(), token_hours(), bound=bound)
            st.rerun()
        wait = guard.failure(keys, address)
        st.error(ctx.t("app.login.wrong") + (" " + ctx.t("app.login.wait", seconds=int(wait + 0.999),
                                                             minutes=int(wait / 60 + 0.999)) if wait else ""))
    return False


# ---------------------------------------------------------------------------------------------
# Districts and analyses (cached on content)
# ---------------------------------------------------------------------------------------------
def choose_district(ctx: PageContext, options: dict[str, str], *, where: Any = st.sidebar,
                    key: str = "district_widget") -> str:
    """A district selector shared by the pages (the choice is kept in ``st.session_state``)."""
    specs = list(options)
    current = st.session_state.get("district")
    if current not in specs:
        current = specs[0]
    spec = where.selectbox(ctx.t("app.district"), specs, index=specs.index(current), format_func=options.get, key=key)
    st.session_state["district"] = spec
    return spec


@st.cache_resource(show_spinner=False, max_entries=8)
def _district(data_key: str, spec: str, _data: AppData) -> District:
    return _data.district(spec)


def get_district(data: AppData, spec: str) -> District:
    """The district (cached per data content and spec)."""
    return _district(data.key, spec, data)


@st.cache_resource(show_spinner=False, max_entries=8)
def _router(data_key: str, spec: str, mode: str, detour: float, speed: float | None, _district: District,
            _roads: RoadGraph | None) -> Router:
    settings = AnalysisSettings(mode=mode, detour_factor=detour, speed_kmh=speed)
    return make_router(_district, _roads, settings)


@st.cache_resource(show_spinner=False, max_entries=8)
def _filtered(data_key: str, form: str, target_group: str, _services: Services) -> Services:
    return filter_services(_services, form=form or None, target_group=target_group or None)


class _KeptAnalysis(Analysis):
    """An analysis kept in the app's cache, never changed again: its tables, which
    :class:`~coverage_app.coverage.Analysis` concatenates from the kinds on every access
    (``coverage``, ``gaps``, …), are made once and handed out as copies."""

    def _kept(self, name: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        kept = self.__dict__.setdefault("_kept_tables", {})
        if name not in kept:
            kept[name] = make()
        return kept[name].copy()

    @property
    def coverage(self) -> pd.DataFrame:
        return self._kept("coverage", lambda: Analysis.coverage.fget(self))

    @property
    def coverage_by_form(self) -> pd.DataFrame:
        return self._kept("coverage_by_form", lambda: Analysis.coverage_by_form.fget(self))

    @property
    def capacity(self) -> pd.DataFrame:
        return self._kept(f"capacity:{sorted(self.reference_capacity)}", lambda: Analysis.capacity.fget(self))

    @property
    def reach_bands(self) -> pd.DataFrame:
        return self._kept("reach_bands", lambda: Analysis.reach_bands.fget(self))

    @property
    def gaps(self) -> pd.DataFrame:
        return self._kept("gaps", lambda: Analysis.gaps.fget(self))


def _keep(analysis: Analysis) -> Analysis:
    """Mark an analysis as kept (see :class:`_KeptAnalysis`); it must not be changed afterwards."""
    if type(analysis) is Analysis:
        analysis.__class__ = _KeptAnalysis
    return analysis


@st.cache_resource(show_spinner=False, max_entries=4)
def _transit_router(data_key: str, _data: AppData):
    """The public-transport router of the data's timetable (``None`` without one)."""
    if _data.timetable is None:
        return None
    from coverage_app.transit import TransitRouter

    return TransitRouter(_data.timetable, _data.transit_settings, walk_graph=_data.roads)


@st.cache_resource(show_spinner=False, max_entries=24)
def _analysis(key: str, _district: District, _services: Services, _roads: RoadGraph | None,
              _settings: AnalysisSettings, _context: pd.DataFrame | None, _router: Router,
              _progress: Callable[[int, int], None] | None = None, _transit=None) -> Analysis:
    return _keep(analyze(_district, _services, _roads, _settings, context=_context, router=_router,
                         progress=_progress, transit=_transit))


def get_analysis(data: AppData, spec: str, settings: AnalysisSettings, *, form: str = "",
                 target_group: str = "") -> tuple[Analysis, str]:
    """The analysis of a district for settings and filters, and its cache key."""
    district = get_district(data, spec)
    services = _filtered(data.key, form, target_group, data.services) if (form or target_group) else data.services
    router = _router(data.key, spec, settings.mode, settings.detour_factor, settings.speed_kmh, district, data.roads)
    key = f"{data.key}|{spec}|{form}|{target_group}|{settings!r}"
    bar = st.empty()  # a progress bar while a new analysis runs (a kraj takes seconds)
    lang = st.session_state.get("lang", "cs")

    def progress(done: int, total: int) -> None:
        if len(district) > 60:
            bar.progress(done / max(total, 1), text=t("app.progress.kinds", lang, done=done, total=total))

    result = _analysis(key, district, services, data.roads, settings, data.area_population(), router, progress,
                       _transit_router(data.key, data))
    bar.empty()
    return result, key


@st.cache_resource(show_spinner=False, max_entries=32)
def _scenario(base_key: str, scenario_json: str, _baseline: Analysis) -> Analysis:
    from coverage_app.scenario import Scenario, run_scenario

    return _keep(run_scenario(_baseline, Scenario.from_dict(json.loads(scenario_json))))


def edits_key(scenario: Scenario) -> str:
    """The content of a scenario's edits as text (its name and note change no result)."""
    return json.dumps(scenario.to_dict()["edits"], sort_keys=True, ensure_ascii=False)


def get_scenario(baseline: Analysis, base_key: str, scenario: Scenario) -> Analysis:
    """A scenario's analysis (cached per baseline and the scenario's edits)."""
    return _scenario(base_key, json.dumps({"edits": json.loads(edits_key(scenario))}, ensure_ascii=False), baseline)


@st.cache_resource(show_spinner=False, max_entries=512)
def _memo(key: str, _make: Callable[[], Any]) -> Any:
    return _make()


@st.cache_resource(show_spinner=False, max_entries=48)
def _memo_large(key: str, _make: Callable[[], Any]) -> Any:
    return _make()


def memo(key: str, make: Callable[[], Any], *, large: bool = False) -> Any:
    """``make()`` once per ``key`` (shared by all sessions, so the result must not be changed).

    For what a page shows of cached analyses — tables for display, map layers, option lists —
    so that a re-run only looks them up.  ``key`` must name everything the result depends on
    (the analysis key, the scenario's edits, filters, language …).  ``large`` results (map
    layers, files) are kept in a smaller cache.
    """
    return (_memo_large if large else _memo)(key, make)


@st.cache_resource(show_spinner=False, max_entries=64)
def _listing(key: str, kod: str, situation: str, target_group: str, kind: str, lang: str,
             _analysis: Analysis) -> PublicListing:
    from coverage_app.maps.interactive import public_listing

    return public_listing(_analysis, kod_obce=kod or None, situation=situation or None,
                          target_group=target_group or None, kind=kind or None, lang=lang,
                          reach=get_reach(_analysis, key))


def get_listing(analysis: Analysis, key: str, *, kod: str | None, situation: str | None,
                target_group: str | None, kind: str | None, lang: str) -> PublicListing:
    """:func:`~coverage_app.maps.interactive.public_listing` (cached per analysis and filters)."""
    return _listing(key, kod or "", situation or "", target_group or "", kind or "", lang, analysis)


@st.cache_resource(show_spinner=False, max_entries=64)
def _markers(key: str, kod: str, situation: str, target_group: str, kind: str, lang: str, _services: Services,
             _ids: frozenset) -> list[dict]:
    from coverage_app.maps.interactive import public_sites

    return public_sites(_services, service_ids=_ids, lang=lang)


def get_markers(services: Services, key: str, listing: PublicListing, *, situation: str | None, target_group: str | None,
                kind: str | None, lang: str) -> list[dict]:
    """Markers of the services of a public listing (cached like the listing)."""
    ids = frozenset(listing.entries["service_id"]) if len(listing.entries) else frozenset()
    return _markers(key, listing.obec or "", situation or "", target_group or "", kind or "", lang, services, ids)


@st.cache_resource(show_spinner=False, max_entries=16)
def _reach(key: str, _analysis: Analysis) -> pd.DataFrame:
    return service_reach(_analysis)


def get_reach(analysis: Analysis, key: str) -> pd.DataFrame:
    """:func:`~coverage_app.maps.interactive.service_reach` of an analysis (cached)."""
    return _reach(key, analysis)


# ---------------------------------------------------------------------------------------------
# Maps
# ---------------------------------------------------------------------------------------------
def show_map(m: folium.Map, *, key: str, height: int = 560, returned: Sequence[str] = (),
             on_change: Callable[[], None] | None = None, layers: MapLayers | None = None) -> dict:
    """Render a folium map with streamlit-folium (assets from the app, never a CDN).

    ``on_change`` runs before the re-run that a map interaction triggers; the interaction's
    values (``returned``) are then in ``st.session_state[key]``.

    ``layers`` are sent apart from the map (streamlit-folium's ``feature_group_to_add``): as long
    as ``m`` stays the same, the browser keeps the map (and the user's view of it) and only
    replaces these layers, instead of reloading the whole map when they change.
    """
    from streamlit_folium import st_folium

    out = st_folium(m, key=key, height=height, use_container_width=True, returned_objects=list(returned),
                    on_change=on_change, feature_group_to_add=layers.feature_group() if layers is not None else None)
    return out or {}


def _cell(value: object, lang: str) -> str:
    """A table cell as text: whole numbers with non-breaking thousands, decimals with a comma."""
    import html as _html

    from coverage_app.i18n import fmt_num

    if isinstance(value, (bool, np.bool_)):
        return t("map.cls.yes" if value else "map.cls.no", lang)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}".replace(",", "\u00a0")
    if isinstance(value, (float, np.floating)):  # (:func:`frame` already wrote columns with gaps as text)
        if not np.isfinite(value):
            return "—"
        if abs(value) >= 1000:  # people, capacities: whole numbers with non-breaking thousands
            return f"{int(round(float(value))):,}".replace(",", "\u00a0")
        return fmt_num(float(value), lang, 2)
    return _html.escape(str(value) if value is not None and not (isinstance(value, float) and np.isnan(value)) else "—")


def html_table(df: pd.DataFrame, lang: str, *, max_height: int = 420, numeric: Sequence[str] = (),
               short: dict[str, str] | None = None) -> str:
    """A display table (headers already translated, e.g. by :func:`frame`) as an HTML table whose
    long texts wrap — every column readable without sideways scrolling; scrolls down when long."""
    import html as _html

    short = short or {}
    head = "".join(f"<th>{_html.escape(short.get(str(c), str(c)))}</th>" for c in df.columns)
    num = {i for i, c in enumerate(df.columns) if c in numeric or pd.api.types.is_numeric_dtype(df[c].dtype)}
    body = "".join("<tr>" + "".join(f'<td class="{"n" if i in num else ""}">{_cell(v, lang)}</td>'
                                    for i, v in enumerate(row)) + "</tr>" for row in df.itertuples(index=False))
    return (f'<div class="cm-table" style="max-height:{max_height}px"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")




def frame(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table for display: translated headers (the writers' ``col.*`` texts, else the app's
    ``app.col.*``), codes in words, yes/no for booleans, a dash for missing numbers."""
    from coverage_app.i18n import TEXTS, fmt_num
    from coverage_app.io.writers import _code_text, czech_headers

    out = _code_text(df, lang)
    yes, no = t("map.cls.yes", lang), t("map.cls.no", lang)
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].map({True: yes, False: no})
        elif pd.api.types.is_float_dtype(out[c].dtype) and out[c].isna().any():
            # a missing travel time etc. shows as a dash, not as "None"; as text, which is what
            # Streamlit would make of numbers mixed with dashes anyway (after a failed attempt
            # that logs a traceback on every run)
            out[c] = out[c].map(lambda v: "—" if pd.isna(v) else fmt_num(float(v), lang, 2)).astype("string")
    out = out.rename(columns={c: t(f"app.col.{c}", lang) for c in out.columns
                              if f"col.{c}" not in TEXTS and f"app.col.{c}" in TEXTS})
    return czech_headers(out, lang)
