"""Kde najdu pomoc? — the public service map (no login, read-only), phone first.

Type your obec (diacritics and case do not matter; parts of obce are found too where known);
the help for it follows at once, grouped by life situation, each with how it reaches people
(comes to your home / you go there / call / you live there), the times by car, bus and on foot,
and the phone as a large button.  On a phone the list comes first and the map is one tap away
("Ukázat na mapě"); on a wide screen list and map stand side by side.  Only public data: secret
addresses are listed as "adresa neveřejná" with the phone, never mapped.
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
    memo,
    page_setup,
    show_map,
)
from coverage_app.codelists import TARGET_GROUPS, normalize_text
from coverage_app.i18n import plural
from coverage_app.maps.interactive import (
    LIFE_SITUATIONS,
    export_public_map,
    public_legend_html,
    public_list_html,
    public_map,
)
from coverage_app.maps.interactive.public import find_obce
from coverage_app.settings import AnalysisSettings

ctx = page_setup()
data = ctx.data
lang = ctx.lang
ss = st.session_state
districts = data.public_districts()

st.markdown(
    """<style>
    .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.05rem; }
    .stMainBlockContainer input { font-size: 1.1rem !important; min-height: 48px; }
    [data-testid="InputInstructions"] { display: none; }
    .stMainBlockContainer .stButton button { min-height: 44px; font-size: 1.05rem; }
    .cm-jump { display: none; }
    @media (max-width: 640px) {
      .stMainBlockContainer { padding-top: 2.2rem; }
      .stMainBlockContainer h1 { font-size: 1.7rem; padding-top: 0; }
      .cm-jump { display: inline-flex; align-items: center; min-height: 44px; padding: .3rem .9rem;
                 border: 2px solid #0b4f8a; border-radius: 22px; font-weight: 700; color: #0b4f8a;
                 text-decoration: none; margin: .2rem 0 .4rem; }
    }
    </style>""", unsafe_allow_html=True)
st.title(ctx.t("pub.title"))
st.caption(ctx.t("app.pub.intro") + (" " + ctx.t("pub.fictional") if data.kind == "demo" else ""))


# --- search: every obec of the public districts -------------------------------------------------
def _obce_index() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """Obec code → district spec, label, name and its parts (části obce), for the search."""
    where: dict[str, str] = {}
    label: dict[str, str] = {}
    names: dict[str, str] = {}
    parts: dict[str, str] = {}
    for spec, dlabel in districts.items():
        d = get_district(data, spec)
        cols = d.obce.get("casti_obce")
        for i, (code, name) in enumerate(zip(d.obce["kod_obce"], d.obce["nazev_obce"])):
            if code in where:
                continue
            where[code], names[code] = spec, str(name)
            label[code] = f"{name} ({dlabel})" if len(districts) > 1 else str(name)
            parts[code] = str(cols.iloc[i]) if cols is not None and isinstance(cols.iloc[i], str) else ""
    return where, label, names, parts


obec_district, obec_label, obec_names, obec_parts = memo(f"pub_obce|{data.key}", _obce_index)


def _pick(code: str) -> None:
    ss["pub_code"] = code
    ss["pub_query"] = obec_names[code]


query = st.text_input(ctx.t("pub.search"), key="pub_query", placeholder=ctx.t("app.pub.query_placeholder"))
matches = find_obce(query, obec_names, obec_parts) if query.strip() else []
exact = [c for c in matches if normalize_text(obec_names[c]) == normalize_text(query)]
kod = None
if ss.get("pub_code") in exact:
    kod = ss["pub_code"]
elif len(exact) == 1 or (len(matches) == 1 and not exact):
    kod = (exact or matches)[0]
if query.strip() and kod is None:
    if matches:
        st.markdown(f"**{ctx.t('app.pub.pick')}**")
        for code in matches:
            st.button(obec_label[code], key=f"pub_pick_{code}", on_click=_pick, args=(code,), width="stretch")
    else:
        st.warning(ctx.t("app.pub.not_found", query=query.strip(), example=next(iter(sorted(obec_names.values())))))

with st.expander(ctx.t("app.pub.refine")):
    c1, c2, c3 = st.columns(3)
    situation = c1.selectbox(ctx.t("app.pub.situation"), [""] + list(LIFE_SITUATIONS),
                             format_func=lambda k: ctx.t(f"sit.{k}") if k else ctx.t("app.all"), key="pub_situation")
    groups = [g for g in TARGET_GROUPS.values() if not situation or g.working_group == situation]
    target_group = c2.selectbox(ctx.t("app.pub.tg"), [""] + [g.code for g in groups],
                                format_func=lambda c: (TARGET_GROUPS[c].name_cs if lang == "cs"
                                                       else TARGET_GROUPS[c].name_en) if c else ctx.t("app.all"),
                                key="pub_tg")
    kinds = data.services.kinds_present()
    kind = c3.selectbox(ctx.t("app.pub.kind"), [""] + kinds,
                        format_func=lambda k: (data.services.kinds[k].name_cs if lang == "cs"
                                               else data.services.kinds[k].name_en) if k else ctx.t("app.all"),
                        key="pub_kind")

spec = obec_district.get(kod) if kod else next(iter(districts))
district = get_district(data, spec)
analysis, akey = get_analysis(data, spec, AnalysisSettings(norms=data.norms))
listing = get_listing(analysis, akey, kod=kod, situation=situation, target_group=target_group, kind=kind, lang=lang)
n = plural(len(listing.entries) + len(listing.secret), "service_acc" if kod else "service", lang)

left, right = st.columns([2, 3], gap="medium")
with left:
    st.html('<div id="cm-seznam"></div>')
    if kod:
        st.markdown(f'**{ctx.t("app.pub.count_obec", obec=listing.obec_name, n=n)}**')
    else:
        st.markdown(f'**{ctx.t("app.pub.count_all", district=districts[spec], n=n)}**')
    st.html(f'<a class="cm-jump" href="#cm-mapa">{ctx.t("app.pub.to_map")}</a>')
    st.html(public_list_html(listing, lang, max_items=None if kod else 150, group=bool(kod), heading_level=3))
with right:
    st.html(f'<div id="cm-mapa"></div><a class="cm-jump" href="#cm-seznam">{ctx.t("app.pub.to_list")}</a>')
    markers = get_markers(data.services, akey, listing, situation=situation, target_group=target_group, kind=kind,
                          lang=lang)
    m = public_map(district, markers, assets=ctx.assets, home=kod, basemap=ctx.basemap, lang=lang,
                   source=data.source_text)
    show_map(m, key="public_map", height=560, returned=())
    with st.expander(ctx.t("app.pub.legend")):
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
