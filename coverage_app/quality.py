"""Data-quality checks a planner should see before trusting the maps.

:func:`data_quality` lists, one row per finding: sites without a RÚIAN address code, sites placed
only at their obec's point or not placed at all, sites outside the district, services without a
registered capacity, field services without a declared service area, and obce whose age bands
are estimated.
"""

from __future__ import annotations

import pandas as pd

from coverage_app.i18n import register, t
from coverage_app.model import District, Services

__all__ = ["data_quality", "QUALITY_CHECKS"]

register({
    "dq.no_address_code": {"cs": "místo bez kódu adresního místa RÚIAN", "en": "site without a RÚIAN address code"},
    "dq.obec_point": {"cs": "místo umístěno jen do bodu obce", "en": "site placed at its obec's point only"},
    "dq.not_placed": {"cs": "místo nelze umístit (chybí poloha i obec)", "en": "site cannot be placed (no location, no obec)"},
    "dq.outside": {"cs": "místo leží mimo území", "en": "site lies outside the area"},
    "dq.no_capacity": {"cs": "služba bez uvedené kapacity", "en": "service without a capacity"},
    "dq.no_area": {"cs": "terénní služba bez uvedené územní působnosti (pokrytí se odhaduje podle dojezdu)",
                   "en": "field service without a declared service area (coverage assumed by travel time)"},
    "dq.age_estimated": {"cs": "věkové skupiny odhadnuty z podílu, nejsou to data ČSÚ",
                         "en": "age bands estimated from a share, not ČSÚ data"},
    "dq.fictional": {"cs": "smyšlená (fiktivní) služba", "en": "fictional service"},
})

#: Check keys in the order they are shown.
QUALITY_CHECKS: tuple[str, ...] = ("not_placed", "obec_point", "no_address_code", "outside", "no_capacity", "no_area",
                                   "age_estimated", "fictional")


def data_quality(district: District, services: Services, lang: str = "cs") -> pd.DataFrame:
    """Findings about the data, one row each.

    Columns: ``check`` (key of :data:`QUALITY_CHECKS`), ``message``, ``service_id``,
    ``service_name``, ``site_id``, ``kod_obce``, ``obec``.
    """
    rows: list[dict[str, object]] = []
    tab = services.table()
    codes = set(district.codes)

    def add(check: str, r=None, **extra):
        rows.append({"check": check, "message": t(f"dq.{check}", lang),
                     "service_id": getattr(r, "service_id", "") if r is not None else "",
                     "service_name": getattr(r, "service_name", "") if r is not None else "",
                     "site_id": getattr(r, "site_id", "") if r is not None else "",
                     "kod_obce": getattr(r, "kod_obce", "") if r is not None else "",
                     "obec": getattr(r, "obec_name", "") if r is not None else "", **extra})

    seen_sites: set[str] = set()
    for r in tab.itertuples():
        if r.site_id in seen_sites:
            continue
        seen_sites.add(r.site_id)
        if r.location_method == "none" or r.geometry is None:
            add("not_placed", r)
        elif r.location_method == "obec_point":
            add("obec_point", r)
        if not r.address_code and r.location_method != "coordinates":
            add("no_address_code", r)
        if r.kod_obce and r.kod_obce not in codes and not (set(r.service_area) & codes):
            add("outside", r)
    with_cap = set(services.capacities["service_id"])
    sv = services.services
    field_ids = set(services.sites.loc[services.sites["form"] == "ter", "service_id"])
    for r in sv.itertuples():
        if r.service_id not in with_cap:
            add("no_capacity", r)
        if r.service_id in field_ids and not r.service_area:
            add("no_area", r)
        if r.fictional:
            add("fictional", r)
    est = district.obce[district.obce["age_estimated"]]
    for r in est.itertuples():
        rows.append({"check": "age_estimated", "message": t("dq.age_estimated", lang), "service_id": "",
                     "service_name": "", "site_id": "", "kod_obce": r.kod_obce, "obec": r.nazev_obce})
    out = pd.DataFrame(rows, columns=["check", "message", "service_id", "service_name", "site_id", "kod_obce", "obec"])
    order = {c: i for i, c in enumerate(QUALITY_CHECKS)}
    return out.sort_values("check", key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)
