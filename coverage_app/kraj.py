"""The kraj's view: its ORPs side by side, per kind and working group, against the kraj's average.

For a district made of several ORPs (a kraj, ``ORP:6221,ORP:7105``, all of Czechia)
:func:`orp_overview` gives one row per ORP × kind:

* the target population and the registered capacity per 1000 of it in the kind's main unit
  (services of the ORP: a site in it or a declared area reaching it, field capacity attributed
  by the share of the area's people), beside the same figure over the whole district and the
  user's norm;
* the share of the target group that reaches the kind within its limit (travel or field), and the
  share living in the declared areas of field services;
* the gaps of the ORP: obec-level gaps in its obce plus one when the ORP itself falls short
  (an ORP-level kind).

:func:`orp_reports` cuts the analysis into one small report per ORP (its overview rows and its
gaps), as a kraj sends them to each ORP; :func:`orp_shapes` gives the ORPs' outlines for the
choropleth (obce dissolved; points where only points are known).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import ACCESS_LEVELS, WORKING_GROUPS

if TYPE_CHECKING:
    from coverage_app.coverage import Analysis

__all__ = ["OVERVIEW_COLUMNS", "orp_overview", "orp_reports", "orp_shapes", "orps_of"]

#: Columns of :func:`orp_overview`.
OVERVIEW_COLUMNS: tuple[str, ...] = (
    "kod_orp", "nazev_orp", "working_group", "service_kind", "kind_name", "access_level", "target_population",
    "capacity_unit", "capacity_per_1000", "district_per_1000", "ratio_to_district", "norm_per_1000",
    "below_norm", "share_reached", "district_share_reached", "share_field", "gaps",
)


def orps_of(analysis: "Analysis") -> pd.DataFrame:
    """The ORPs of the district: ``kod_orp``, ``nazev_orp``, ``n_obce``, ``population``."""
    o = analysis.district.obce
    g = o.groupby("kod_orp", sort=False).agg(nazev_orp=("nazev_orp", "first"), n_obce=("kod_obce", "size"),
                                             population=("population", "sum")).reset_index()
    return g.sort_values("nazev_orp", kind="stable").reset_index(drop=True)


def _main_unit(cap: pd.DataFrame, kind_units: tuple[str, ...]) -> str | None:
    units = list(dict.fromkeys(cap["capacity_unit"]))
    for u in kind_units:
        if u in units:
            return u
    return units[0] if units else None


def orp_overview(analysis: "Analysis", lang: str = "cs") -> pd.DataFrame:
    """One row per ORP × kind (:data:`OVERVIEW_COLUMNS`); shares 0–1, capacity per 1000 people
    of the kind's target group."""
    from coverage_app.kind_indicators import attributed_by_unit

    obce = analysis.district.obce
    orp_of = dict(zip(obce["kod_obce"], obce["kod_orp"]))
    orps = orps_of(analysis)
    gaps = analysis.gaps
    obec_gaps = gaps[gaps["scope"] == "obec"].assign(kod_orp=lambda g: g["municipality_code"].map(orp_of))
    unit_gaps = gaps[gaps["scope"] == "orp"]
    kinds = analysis.services.kinds
    s = analysis.settings
    rows = []
    for kind, res in analysis.results.items():
        cov = res.coverage.assign(kod_orp=lambda c: c["municipality_code"].map(orp_of))
        kobj = kinds.get(kind)
        wg = (kobj.working_groups[0] if kobj and kobj.working_groups else "")
        level = cov["access_level"].iloc[0]
        by_orp = attributed_by_unit(analysis, kind, cov.set_index("municipality_code")["kod_orp"])
        district_cap = res.capacity
        unit = _main_unit(district_cap, tuple(kobj.units) if kobj else ())
        pop = cov["target_population"].astype(float)
        total_pop = float(pop.sum())
        d_share = float(pop[cov["reached"].astype(bool)].sum()) / total_pop if total_pop > 0 else np.nan
        d_cap = float(district_cap.loc[district_cap["capacity_unit"] == unit, "attributed_capacity"].sum()) if unit else 0.0
        d_per1000 = d_cap / total_pop * 1000.0 if total_pop > 0 and unit else np.nan
        norm = next((n for n in s.norms_for(kind) if n.unit == unit), None)
        norm_per1000 = _norm_compared(analysis, kind, norm, by_orp, orps) if norm else None
        key = cov["kod_orp"]
        tp = pop.groupby(key).sum().reindex(orps["kod_orp"]).fillna(0.0)
        reached = pop.where(cov["reached"].astype(bool), 0.0).groupby(key).sum().reindex(orps["kod_orp"]).fillna(0.0)
        infield = pop.where(cov["field_covered"].astype(bool), 0.0).groupby(key).sum().reindex(orps["kod_orp"]).fillna(0.0)
        mine = by_orp[by_orp["capacity_unit"] == unit] if unit else by_orp.iloc[0:0]
        value = mine.groupby("unit")["attributed_capacity"].sum().reindex(orps["kod_orp"].astype(str)).fillna(0.0)
        n_gaps = (obec_gaps[obec_gaps["service_kind"] == kind].groupby("kod_orp").size()
                  .reindex(orps["kod_orp"]).fillna(0)
                  + unit_gaps[unit_gaps["service_kind"] == kind].groupby("scope_code").size()
                  .reindex(orps["kod_orp"]).fillna(0))
        with np.errstate(divide="ignore", invalid="ignore"):
            per1000 = np.where(tp.to_numpy() > 0, value.to_numpy() / tp.to_numpy() * 1000.0, np.nan) if unit \
                else np.full(len(orps), np.nan)
            share = np.where(tp.to_numpy() > 0, reached.to_numpy() / tp.to_numpy(), np.nan)
            fshare = np.where(tp.to_numpy() > 0, infield.to_numpy() / tp.to_numpy(), np.nan)
        for n_, r in enumerate(orps.itertuples()):
            p1000 = float(per1000[n_])
            rows.append({
                "kod_orp": r.kod_orp, "nazev_orp": r.nazev_orp,
                "working_group": WORKING_GROUPS[wg][lang] if wg in WORKING_GROUPS else "",
                "service_kind": kind, "kind_name": res.coverage["kind_name"].iloc[0],
                "access_level": ACCESS_LEVELS[level][lang] if level in ACCESS_LEVELS else level,
                "target_population": round(float(tp.iloc[n_]), 1), "capacity_unit": unit or "",
                "capacity_per_1000": round(p1000, 3) if np.isfinite(p1000) else np.nan,
                "district_per_1000": round(d_per1000, 3) if np.isfinite(d_per1000) else np.nan,
                "ratio_to_district": round(p1000 / d_per1000, 3) if np.isfinite(p1000) and d_per1000 else np.nan,
                "norm_per_1000": norm.per_1000 if norm else np.nan,
                "below_norm": bool(norm is not None and np.isfinite(norm_per1000[n_])
                                   and norm_per1000[n_] < norm.per_1000),
                "share_reached": round(float(share[n_]), 4) if np.isfinite(share[n_]) else np.nan,
                "district_share_reached": round(d_share, 4) if np.isfinite(d_share) else np.nan,
                "share_field": round(float(fshare[n_]), 4) if np.isfinite(fshare[n_]) else np.nan,
                "gaps": int(n_gaps.iloc[n_]),
            })
    out = pd.DataFrame(rows, columns=list(OVERVIEW_COLUMNS))
    order = {WORKING_GROUPS[k][lang]: i for i, k in enumerate(WORKING_GROUPS)}
    out["_o"] = out["working_group"].map(order).fillna(len(order))
    return out.sort_values(["_o", "kind_name", "nazev_orp"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _norm_compared(analysis: "Analysis", kind: str, norm, by_orp: pd.DataFrame, orps: pd.DataFrame) -> np.ndarray:
    """Capacity per 1000 of each ORP as the norm measures it: in the norm's unit and form, per
    1000 people of the norm's age band."""
    band = norm.band or analysis.settings.band_of(kind, analysis.services.kinds)
    pop = analysis.district.target_population(band)
    orp_of = pd.Series(analysis.district.obce["kod_orp"].to_numpy(), index=pop.index)
    npop = pop.groupby(orp_of).sum().reindex(orps["kod_orp"]).fillna(0.0).to_numpy()
    keep = by_orp["capacity_unit"] == norm.unit
    if norm.form:
        keep &= by_orp["form"] == norm.form
    mine = by_orp[keep]
    value = mine.groupby("unit")["attributed_capacity"].sum().reindex(orps["kod_orp"].astype(str)).fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(npop > 0, value.to_numpy() / npop * 1000.0, np.nan)


def orp_reports(analysis: "Analysis", overview: pd.DataFrame | None = None,
                lang: str = "cs") -> dict[str, tuple[str, pd.DataFrame, pd.DataFrame]]:
    """Per ORP code: its name, its overview rows and its gaps (obec gaps in its obce and its own
    ORP-level gaps; regional gaps of its kraj)."""
    overview = orp_overview(analysis, lang) if overview is None else overview
    obce = analysis.district.obce
    gaps = analysis.gaps
    out = {}
    for r in orps_of(analysis).itertuples():
        codes = set(obce.loc[obce["kod_orp"] == r.kod_orp, "kod_obce"])
        mine = gaps[gaps["municipality_code"].isin(codes) | (gaps["scope_code"] == r.kod_orp)
                    | (gaps["scope"] == "kraj")]
        out[r.kod_orp] = (str(r.nazev_orp), overview[overview["kod_orp"] == r.kod_orp], mine)
    return out


def orp_shapes(analysis: "Analysis") -> gpd.GeoDataFrame:
    """Outline of each ORP of the district (its obce dissolved; the obce's points where only
    points are known), EPSG:5514, with ``kod_orp`` and ``nazev_orp``."""
    o = analysis.district.obce[["kod_orp", "nazev_orp", "geometry"]]
    shapes = o.dissolve(by="kod_orp", aggfunc="first").reset_index()
    return gpd.GeoDataFrame(shapes, geometry="geometry", crs=o.crs)
