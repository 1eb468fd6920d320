"""Gaps judged at each kind's level of availability, a summary first, and remote availability.

* **local** kinds (``mistni``): one row per obec with no reachable site within the kind's limit
  and no field coverage (or below a user norm) — as computed in :mod:`coverage_app.kind_indicators`;
* **ORP-level** kinds (``orp``): one row per ORP (or POÚ, when the district is a POÚ) whose target
  population reaches the kind within its limit for less than
  :attr:`~coverage_app.settings.AnalysisSettings.min_share_reached` of the people, or whose
  registered capacity per 1000 is below a user norm;
* **regional** kinds (``kraj``): one row per kraj of the district, judged the same way on the
  district's people, with the nearest site named;
* **national** kinds and kinds reached **remotely**: never a travel gap; :func:`availability` lists
  them as available (with the services and their phones) or missing for the kraj, and a missing
  one is a gap row of the kraj.

:func:`gap_summary` counts, per kind and working group, the units and obce affected and the
people of the target group concerned — the table a plan document starts with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage_app.codelists import ACCESS_LEVELS, AGE_BANDS, CAPACITY_UNITS, WORKING_GROUPS
from coverage_app.i18n import fmt_num, register, t
from coverage_app.indicators import fmt_dec

if TYPE_CHECKING:
    from coverage_app.coverage import Analysis

__all__ = ["GAP_COLUMNS", "SUMMARY_COLUMNS", "AVAILABILITY_COLUMNS", "availability", "gap_summary", "level_gaps",
           "scope_units"]

register({
    "gap.share": {"cs": "do {limit} min dosáhne {share} % cílové skupiny ({band}: {reached} z {total})",
                  "en": "{share} % of the target group reach it within {limit} min ({band}: {reached} of {total})"},
    "gap.field_share": {"cs": "v působnosti terénních služeb {share} %",
                        "en": "{share} % within the service areas of field services"},
    "gap.unreached": {"cs": "mimo dosah: {obce}", "en": "out of reach: {obce}"},
    "gap.more": {"cs": "{names} a další ({n})", "en": "{names} and others ({n})"},
    "gap.nearest": {"cs": "nejbližší {kind}: {site} ({range} min)", "en": "nearest {kind}: {site} ({range} min)"},
    "gap.remote_missing": {
        "cs": "v načtených datech není žádná služba „{kind}“ pro {unit} (služba na dálku – telefon, tísňové tlačítko)",
        "en": "no \"{kind}\" for {unit} in the loaded data (a remote service – telephone, alarm button)"},
    "gap.national_missing": {
        "cs": "v načtených datech není žádná celostátní služba „{kind}“; doplňte celostátní linky",
        "en": "no national \"{kind}\" in the loaded data; add the national lines"},
    "scope.orp": {"cs": "ORP {name}", "en": "ORP {name}"},
    "scope.pou": {"cs": "POÚ {name}", "en": "POÚ {name}"},
    "scope.kraj_unknown": {"cs": "kraj (neurčen)", "en": "kraj (unknown)"},
})

#: Columns of :attr:`Analysis.gaps` (one row per obec × kind for local kinds, per unit × kind otherwise).
GAP_COLUMNS: tuple[str, ...] = (
    "rank", "scope", "scope_code", "scope_name", "municipality_code", "municipality_name", "service_kind",
    "kind_name", "access_level", "access_mode", "limit_min", "target_band", "target_population",
    "affected_population", "share_reached", "n_obce_affected", "travel_time_min", "reachable", "field_covered",
    "nearest_site_name", "reason", "age_estimated", "method", "pt_time_min", "pt_transfers",
)

#: Columns of :func:`gap_summary`.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "working_group", "service_kind", "kind_name", "access_level", "scope", "n_units", "n_obce_affected",
    "affected_population", "target_band",
)

#: Columns of :func:`availability`.
AVAILABILITY_COLUMNS: tuple[str, ...] = (
    "service_kind", "kind_name", "access_level", "access_mode", "scope", "scope_code", "scope_name", "available",
    "n_services", "services",
)


# ---------------------------------------------------------------------------------------------
# Units of the district
# ---------------------------------------------------------------------------------------------
def _kraj_lookup() -> tuple[dict[str, str], dict[str, str]]:
    from coverage_app.admin import orp_codes

    o = orp_codes()
    return dict(zip(o["kod_orp_csu"], o["kod_kraje_nuts3"])), dict(zip(o["kod_kraje_nuts3"], o["kraj"]))


def scope_units(analysis: "Analysis", level: str) -> pd.DataFrame:
    """The unit of each obec of the district at a level: columns ``scope``, ``scope_code``,
    ``scope_name`` (one row per obec, district order).

    ``mistni`` → the obec; ``orp`` → its ORP (its POÚ when the district is a POÚ); ``kraj`` and
    ``cr`` → its kraj (from the ORP codelist shipped with the package).
    """
    obce = analysis.district.obce
    district = analysis.district
    if level == "mistni":
        return pd.DataFrame({"scope": "obec", "scope_code": obce["kod_obce"].to_numpy(),
                             "scope_name": obce["nazev_obce"].to_numpy()})
    if level == "orp":
        col, scope = ("kod_pou", "pou") if district.level == "POU" else ("kod_orp", "orp")
        name_col = "nazev_pou" if scope == "pou" else "nazev_orp"
        codes = obce[col].astype(str).to_numpy()
        names = obce[name_col].astype(str).to_numpy()
        if not all(codes):
            return pd.DataFrame({"scope": district.level.lower() if district.level != "custom" else scope,
                                 "scope_code": district.code, "scope_name": district.name or ""}, index=obce.index)
        return pd.DataFrame({"scope": scope, "scope_code": codes,
                             "scope_name": [t(f"scope.{scope}", "cs", name=n) for n in names]})
    kraj_of, kraj_name = _kraj_lookup()
    codes = [kraj_of.get(str(c), "") for c in obce["kod_orp"]]
    return pd.DataFrame({"scope": "kraj", "scope_code": codes,
                         "scope_name": [kraj_name.get(c, t("scope.kraj_unknown", "cs")) for c in codes]})


# ---------------------------------------------------------------------------------------------
# Gaps
# ---------------------------------------------------------------------------------------------
def _people(value: float) -> str:
    """Whole people with a non-breaking space between thousands (``21\u00a0642``)."""
    return f"{int(round(value)):,}".replace(",", "\u00a0")


def _obce_list(names: list[str], limit: int = 5) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return t("gap.more", "cs", names=", ".join(names[:limit]), n=len(names) - limit)


def _nearest_text(cov: pd.DataFrame, singular: str, horizon: float) -> tuple[str, str]:
    """The site nearest for most of the unit's target population, with the range of minutes."""
    has = cov["nearest_site_name"].astype(str) != ""
    if not has.any():
        return t("reason.none_within", "cs", kind=singular, horizon=fmt_num(horizon, "cs", 1)), ""
    by_site = cov[has].groupby("nearest_site_name")["target_population"].sum().sort_values(ascending=False)
    site = str(by_site.index[0])
    times = cov.loc[has & (cov["nearest_site_name"] == site), "travel_time_min"].astype(float)
    lo, hi = int(round(times.min())), int(round(times.max()))
    rng = f"{lo}" if lo == hi else f"{lo}–{hi}"
    return t("gap.nearest", "cs", kind=singular, site=site, range=rng), site


def _unit_norm_reasons(analysis: "Analysis", kind: str, codes: set[str], by_unit: pd.DataFrame,
                       unit: str) -> list[str]:
    """The user's norms the unit falls short of; ``by_unit`` is the kind's capacity attributed to
    every unit at once (:func:`~coverage_app.kind_indicators.attributed_by_unit`)."""
    s = analysis.settings
    out = []
    mine = by_unit[by_unit["unit"] == str(unit)]
    for norm in s.norms_for(kind):
        rows = mine[(mine["capacity_unit"] == norm.unit) & (mine["form"] == norm.form if norm.form else True)]
        value = float(rows["attributed_capacity"].sum()) if len(rows) else 0.0
        band = norm.band or s.band_of(kind, analysis.services.kinds)
        popu = float(analysis.district.target_population(band).loc[lambda x: x.index.isin(codes)].sum())
        per1000 = value / popu * 1000.0 if popu > 0 else np.nan
        if np.isfinite(per1000) and per1000 < norm.per_1000:
            src = t("reason.source", "cs", source=norm.source) if norm.source else ""
            out.append(t("reason.below_norm", "cs", value=fmt_dec(per1000), unit=CAPACITY_UNITS[norm.unit].short_cs,
                         band=AGE_BANDS[band].name_cs, norm=fmt_dec(norm.per_1000), source=src))
    return out


def _whole_kraj_loaded(analysis: "Analysis", kraj: str) -> bool:
    from coverage_app.admin import orp_codes

    o = orp_codes()
    orps = set(o.loc[o["kod_kraje_nuts3"] == kraj, "kod_orp_csu"])
    return bool(orps) and orps <= set(analysis.district.obce["kod_orp"].astype(str))


def _unit_rows(analysis: "Analysis", kind: str, cov: pd.DataFrame) -> list[dict]:
    """Gap rows of an ORP-level or regional kind, one per unit that falls short."""
    s = analysis.settings
    kobj = analysis.services.kinds.get(kind)
    singular = kobj.singular_cs if kobj else kind
    rule = s.access_of(kind, analysis.services.kinds)
    units = scope_units(analysis, rule.level)
    cov = cov.reset_index(drop=True).join(units)
    rows = []
    travel_limit = s.limit_of(rule, "travel") if "travel" in rule.modes else s.limit_of(rule, "field")
    horizon = s.limit_of(rule, "travel") + s.reach_margin_min
    by_unit = None
    if s.norms_for(kind):  # the capacity of every unit at once, not one capacity table per unit
        from coverage_app.kind_indicators import attributed_by_unit

        by_unit = attributed_by_unit(analysis, kind, cov.set_index("municipality_code")["scope_code"])
    for (scope, code, name), grp in cov.groupby(["scope", "scope_code", "scope_name"], sort=False):
        pop = grp["target_population"].astype(float)
        total = float(pop.sum())
        if total <= 0:
            continue
        reached = float(pop[grp["reached"].astype(bool)].sum())
        share = reached / total
        access_short = share < s.min_share_reached
        norm_reasons = []
        if by_unit is not None and (rule.level == "orp" or (rule.level == "kraj"
                                                            and _whole_kraj_loaded(analysis, str(code)))):
            norm_reasons = _unit_norm_reasons(analysis, kind, set(grp["municipality_code"]), by_unit, code)
        if not (access_short or norm_reasons):
            continue
        band = AGE_BANDS[grp["target_band"].iloc[0]].name_cs
        parts = []
        if access_short:
            # rounded down: 89,6 % is a gap under a 90 % threshold and must not read "90 %"
            parts.append(t("gap.share", "cs", limit=fmt_num(travel_limit, "cs", 1),
                           share=fmt_num(np.floor(100 * share), "cs", 0),
                           band=band, reached=_people(reached), total=_people(total)))
            if "field" in rule.modes and "travel" in rule.modes:
                fshare = float(pop[grp["field_covered"].astype(bool)].sum()) / total
                parts.append(t("gap.field_share", "cs", share=fmt_num(100 * fshare, "cs", 0)))
            unreached = grp.loc[~grp["reached"].astype(bool) & (pop > 0)].sort_values(
                "target_population", ascending=False)["municipality_name"].tolist()
            if unreached:
                parts.append(t("gap.unreached", "cs", obce=_obce_list(unreached)))
        near_text, site = ("", "")
        if "travel" in rule.modes:
            near_text, site = _nearest_text(grp, singular, horizon)
            parts.append(near_text)
        parts.extend(norm_reasons)
        times = grp["travel_time_min"].astype(float)
        unreached_mask = ~grp["reached"].astype(bool)
        rows.append({
            "scope": scope, "scope_code": code, "scope_name": name, "municipality_code": "",
            "municipality_name": "", "service_kind": kind, "kind_name": grp["kind_name"].iloc[0],
            "access_level": rule.level, "access_mode": rule.mode_code,
            "limit_min": travel_limit, "target_band": grp["target_band"].iloc[0],
            "target_population": round(total, 1),
            "affected_population": round(float(pop[unreached_mask].sum()) if access_short else total, 1),
            "share_reached": round(share, 4), "n_obce_affected": int((unreached_mask & (pop > 0)).sum()),
            "travel_time_min": float(times.max()) if times.notna().any() else np.nan,
            "reachable": bool(grp["reachable"].all()), "field_covered": bool(grp["field_covered"].all()),
            "nearest_site_name": site, "reason": "; ".join(p for p in parts if p),
            "age_estimated": bool(grp["age_estimated"].any()), "method": grp["method"].iloc[0],
        })
    return rows


def _obec_rows(cov: pd.DataFrame) -> list[dict]:
    g = cov[cov["gap"].astype(bool)]
    if g.empty:
        return []
    out = pd.DataFrame({
        "scope": "obec", "scope_code": g["municipality_code"], "scope_name": g["municipality_name"],
        "municipality_code": g["municipality_code"], "municipality_name": g["municipality_name"],
        "service_kind": g["service_kind"], "kind_name": g["kind_name"], "access_level": g["access_level"],
        "access_mode": g["access_mode"], "limit_min": g["limit_min"], "target_band": g["target_band"],
        "target_population": g["target_population"], "affected_population": g["target_population"],
        "share_reached": 0.0, "n_obce_affected": 1, "travel_time_min": g["travel_time_min"],
        "reachable": g["reachable"], "field_covered": g["field_covered"],
        "nearest_site_name": g["nearest_site_name"], "reason": g["gap_reason"],
        "age_estimated": g["age_estimated"], "method": g["method"], "pt_time_min": g["pt_time_min"],
        "pt_transfers": g["pt_transfers"],
    })
    return out.to_dict("records")


def level_gaps(analysis: "Analysis") -> pd.DataFrame:
    """Gaps of every kind at its level, ranked by the people of the target group affected
    (:data:`GAP_COLUMNS`)."""
    rows: list[dict] = []
    avail = availability(analysis)
    missing = avail[~avail["available"].astype(bool)] if len(avail) else avail
    judged_remotely = set(avail["service_kind"]) if len(avail) else set()
    for kind, res in analysis.results.items():
        cov = res.coverage
        if kind in judged_remotely or cov.empty:
            continue
        level = cov["access_level"].iloc[0]
        rows.extend(_obec_rows(cov) if level == "mistni" else _unit_rows(analysis, kind, cov))
    for r in missing.itertuples():
        cov = analysis.results[r.service_kind].coverage
        units = scope_units(analysis, "kraj")
        sel = units["scope_code"].to_numpy() == r.scope_code
        pop = float(cov["target_population"].to_numpy(dtype=float)[sel].sum())
        key = "gap.national_missing" if r.access_level == "cr" else "gap.remote_missing"
        rows.append({
            "scope": r.scope, "scope_code": r.scope_code, "scope_name": r.scope_name, "municipality_code": "",
            "municipality_name": "", "service_kind": r.service_kind, "kind_name": r.kind_name,
            "access_level": r.access_level, "access_mode": r.access_mode, "limit_min": np.nan,
            "target_band": cov["target_band"].iloc[0], "target_population": round(pop, 1),
            "affected_population": round(pop, 1), "share_reached": 0.0, "n_obce_affected": int(sel.sum()),
            "travel_time_min": np.nan, "reachable": False, "field_covered": False, "nearest_site_name": "",
            "reason": t(key, "cs", kind=r.kind_name, unit=r.scope_name),
            "age_estimated": bool(cov["age_estimated"].any()), "method": cov["method"].iloc[0],
        })
    if not rows:
        return pd.DataFrame(columns=list(GAP_COLUMNS))
    g = pd.DataFrame(rows)
    g = g.sort_values(["affected_population", "scope_name", "service_kind"], ascending=[False, True, True],
                      kind="mergesort")
    g["rank"] = np.arange(1, len(g) + 1)
    return g.reindex(columns=list(GAP_COLUMNS)).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Remote and national kinds
# ---------------------------------------------------------------------------------------------
def _site_kraj(analysis: "Analysis") -> dict[str, str]:
    """Kraj (NUTS3) of every obec known to the analysis (district and context)."""
    kraj_of, _ = _kraj_lookup()
    out = {str(c): kraj_of.get(str(o), "") for c, o in zip(analysis.district.obce["kod_obce"],
                                                            analysis.district.obce["kod_orp"])}
    ctx = analysis.area_population
    if ctx is not None and "kod_orp" in ctx:
        for c, o in zip(ctx.index.astype(str), ctx["kod_orp"].astype(str)):
            out.setdefault(c, kraj_of.get(o, ""))
    return out


def availability(analysis: "Analysis") -> pd.DataFrame:
    """National kinds and kinds reached remotely, per kraj of the district: available (the
    services, with their phones) or missing (:data:`AVAILABILITY_COLUMNS`).

    A national kind is available when any service of it is loaded; a remote kind of another
    level when one of its services has a site in the kraj or declares an obec of the district.
    """
    s = analysis.settings
    kinds = analysis.services.kinds
    sv = analysis.services.services
    sites = analysis.services.sites
    per_obec = scope_units(analysis, "kraj")
    units = per_obec.drop_duplicates()
    obce_codes = analysis.district.obce["kod_obce"].to_numpy()
    kraj_of_obec = None
    rows = []
    for kind in analysis.results:
        rule = s.access_of(kind, kinds)
        if not (rule.level == "cr" or rule.remote):
            continue
        kobj = kinds.get(kind)
        mine = sv[sv["kind"] == kind]
        for u in units.itertuples():
            if rule.level == "cr":
                ok = mine
            else:
                if kraj_of_obec is None:
                    kraj_of_obec = _site_kraj(analysis)
                in_kraj = set(sites.loc[sites["kod_obce"].map(lambda c: kraj_of_obec.get(str(c), "")) == u.scope_code,
                                        "service_id"])
                codes = set(obce_codes[per_obec["scope_code"].to_numpy() == u.scope_code])  # this kraj's obce
                ok = mine[mine["service_id"].isin(in_kraj) | mine["service_area"].map(lambda a: bool(codes & set(a)))]
            listed = [f"{r.service_name} ({r.phone})" if r.phone else str(r.service_name) for r in ok.itertuples()]
            rows.append({"service_kind": kind, "kind_name": kobj.name_cs if kobj else kind,
                         "access_level": rule.level, "access_mode": rule.mode_code, "scope": u.scope,
                         "scope_code": u.scope_code, "scope_name": u.scope_name, "available": bool(len(ok)),
                         "n_services": int(len(ok)), "services": "; ".join(listed)})
    return pd.DataFrame(rows, columns=list(AVAILABILITY_COLUMNS))


# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------
def gap_summary(analysis: "Analysis", gaps: pd.DataFrame | None = None, lang: str = "cs") -> pd.DataFrame:
    """Per working group and kind: the units (obce, ORP/POÚ, kraje) with a gap, the obce affected
    and the people of the target group concerned (:data:`SUMMARY_COLUMNS`), working groups in
    their usual order, the largest gap first within each."""
    gaps = level_gaps(analysis) if gaps is None else gaps
    if gaps.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    kinds = analysis.services.kinds
    order = {wg: i for i, wg in enumerate(WORKING_GROUPS)}
    rows = []
    for kind, grp in gaps.groupby("service_kind", sort=False):
        kobj = kinds.get(kind)
        wgs = (kobj.working_groups if kobj else ()) or ("",)
        wg = wgs[0]
        level = grp["access_level"].iloc[0]
        rows.append({
            "working_group": WORKING_GROUPS[wg][lang] if wg in WORKING_GROUPS else "",
            "_order": order.get(wg, len(order)), "service_kind": kind, "kind_name": grp["kind_name"].iloc[0],
            "access_level": ACCESS_LEVELS[level][lang] if level in ACCESS_LEVELS else level,
            "scope": grp["scope"].iloc[0], "n_units": int(len(grp)),
            "n_obce_affected": int(grp["n_obce_affected"].sum()),
            "affected_population": round(float(grp["affected_population"].sum()), 1),
            "target_band": grp["target_band"].iloc[0],
        })
    out = pd.DataFrame(rows).sort_values(["_order", "affected_population"], ascending=[True, False], kind="mergesort")
    return out.drop(columns="_order")[list(SUMMARY_COLUMNS)].reset_index(drop=True)

