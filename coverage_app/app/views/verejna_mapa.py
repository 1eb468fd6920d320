"""Kde najdu pomoc? — the public service map (no login, read-only).

Search your obec, filter by life situation, target group and kind; the list of services that
serve or are reachable from the obec (with contacts) is the text alternative of the map beside it.
Only public data: secret addresses are listed as "adresa neveřejná" with the phone, never mapped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from coverage_app.app._ui import (
    get_analysis,
    get_district,
    get_listing,
    get_markers,
    page_setup,
    show_map,
)
from coverage_app.codelists import TARGET_GROUPS
from coverage_app.maps.interactive import (
    LIFE_SITUATIONS,
    export_public_map,
    public_legend_html,
    public_list_html,
    public_map,
)
from coverage_app.settings import AnalysisSettings

ctx = page_setup()
data = ctx.data
lang = ctx.lang
districts = data.public_districts()

st.markdown(
    """<style>
    .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.05rem; }
    </style>""", unsafe_allow_html=True)
st.title(ctx.t("pub.title"))
st.write(ctx.t("app.pub.intro"))
if data.kind == "demo":
    st.caption(ctx.t("pub.fictional"))

# --- search: every obec of the public districts -------------------------------------------------
obec_district: dict[str, str] = {}
obec_label: dict[str, str] = {}
for spec, label in districts.items():
    d = get_district(data, spec)
    for code, name in zip(d.obce["kod_obce"], d.obce["nazev_obce"]):
        obec_district.setdefault(code, spec)
        obec_label.setdefault(code, f"{name} ({label})" if len(districts) > 1 else str(name))
codes = sorted(obec_label, key=lambda c: obec_label[c])
kod = st.selectbox(ctx.t("pub.search"), codes, index=None, format_func=obec_label.get,
                   placeholder=ctx.t("app.pub.placeholder"), key="pub_obec")

c1, c2, c3 = st.columns(3)
situation = c1.selectbox(ctx.t("app.pub.situation"), [""] + list(LIFE_SITUATIONS),
                         format_func=lambda k: ctx.t(f"sit.{k}") if k else ctx.t("app.all"), key="pub_situation")
groups = [g for g in TARGET_GROUPS.values() if not situation or g.working_group == situation]
target_group = c2.selectbox(ctx.t("app.pub.tg"), [""] + [g.code for g in groups],
                            format_func=lambda c: (TARGET_GROUPS[c].name_cs if lang == "cs" else TARGET_GROUPS[c].name_en)
                            if c else ctx.t("app.all"), key="pub_tg")
kinds = data.services.kinds_present()
kind = c3.selectbox(ctx.t("app.pub.kind"), [""] + kinds,
                    format_func=lambda k: (data.services.kinds[k].name_cs if lang == "cs" else data.services.kinds[k].name_en)
                    if k else ctx.t("app.all"), key="pub_kind")

spec = obec_district.get(kod) if kod else next(iter(districts))
district = get_district(data, spec)
analysis, akey = get_analysis(data, spec, AnalysisSettings(norms=data.norms))
listing = get_listing(analysis, akey, kod=kod, situation=situation, target_group=target_group, kind=kind, lang=lang)
n = len(listing.entries) + len(listing.secret)

left, right = st.columns([2, 3], gap="medium")
with left:
    if kod:
        st.markdown(f'**{ctx.t("app.pub.count_obec", obec=listing.obec_name, n=n)}**')
    else:
        st.markdown(f'**{ctx.t("app.pub.count_all", district=districts[spec], n=n)}**')
    st.html(public_list_html(listing, lang, max_items=None if kod else 150))
with right:
    markers = get_markers(data.services, akey, listing, situation=situation, target_group=target_group, kind=kind,
                          lang=lang)
    m = public_map(district, markers, assets=ctx.assets, home=kod, basemap=ctx.basemap, lang=lang,
                   source=data.source_text)
    show_map(m, key="public_map", height=560, returned=())
    with st.expander(ctx.t("app.pub.legend"), expanded=True):
        st.html(f'<div class="cm-legend-static">{public_legend_html(lang)}</div>'
                "<style>.cm-legend-static .cm-row{display:flex;align-items:center;gap:.4rem;margin:.1rem 0}"
                ".cm-legend-static h4{font-size:1rem;margin:.4rem 0 .2rem}</style>")
    st.caption(ctx.t("app.pub.method", method=analysis.method_text(lang)))

    @st.cache_data(show_spinner=False, max_entries=8)
    def _export(key: str, lang: str, basemap: bool) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            path = export_public_map(district, data.services, analysis, Path(tmp) / "mapa.html", lang=lang,
                                     basemap=basemap, source=data.source_text)
            return path.read_bytes()

    with_tiles = st.checkbox(ctx.t("app.pub.export_basemap"), value=False, key="pub_export_tiles")
    st.download_button(ctx.t("app.pub.export"), lambda: _export(akey, lang, with_tiles), on_click="ignore",
                       file_name=f"kde-najdu-pomoc-{spec.replace(':', '-').lower()}.html", mime="text/html",
                       help=ctx.t("app.pub.export_help"), key="pub_export")
