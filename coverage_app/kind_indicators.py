"""Indicators of one kind of service per obec, judged by the kind's access rule.

:func:`compute_kind` fills one :class:`KindResult` (coverage per obec, per form, district
capacity, population by travel-time band).  What counts follows the kind's
:class:`~coverage_app.codelists.AccessRule`:

* **which sites count** — the district's own sites, sites of services that declare an obec of the
  district in their service area, and sites elsewhere only when some obec of the district reaches
  them within the kind's travel limit plus a margin (:attr:`AnalysisSettings.reach_margin_min`).
  The nearest site is looked for among them and only within that horizon: a site beyond reach is
  never anyone's nearest (the reason then says "žádný … do N min");
* **travel** — reachable when the nearest counting site of an ambulatory or residential form is
  within the kind's travel limit (minutes);
* **field** — covered when the obec is in a field service's declared area (or, where none is
  declared, within the field limit of its base); where the base is placed, the staff's drive time
  from it is reported and obce beyond the field limit are flagged;
* **remote** — never a travel question (see :mod:`coverage_app.gaps`);
* ``gap`` per obec is set for *local* kinds only; kinds of the ORP, regional and national level
  are judged per unit in :mod:`coverage_app.gaps`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import AGE_BANDS, CAPACITY_UNITS, FORMS, AccessRule, base_bands_of
from coverage_app.i18n import fmt_num, register, t
from coverage_app.indicators import _capacity_table, _e2sfca_for, _main_unit, field_ratio, fmt_dec, time_band_label
from coverage_app.indicators import _num
from coverage_app.transit.indicators import PT_COLUMNS, transit_columns

if TYPE_CHECKING:
    from coverage_app.coverage import Analysis

__all__ = ["COVERAGE_COLUMNS", "KindResult", "capacity_by_unit", "compute_kind", "unit_capacity"]

register({
    "reason.nearest_beyond": {"cs": "nejbližší {kind} {minutes} min (limit {limit} min)",
                              "en": "nearest {kind} {minutes} min (limit {limit} min)"},
    "reason.none_within": {"cs": "žádné zařízení ({kind}) do {horizon} min", "en": "no site ({kind}) within {horizon} min"},
    "reason.outside_field": {"cs": "mimo územní působnost terénních služeb",
                             "en": "outside the service area of field services"},
    "reason.no_field": {"cs": "žádná terénní služba tohoto druhu", "en": "no field service of this kind"},
    "reason.field_far": {"cs": "v působnosti, ale {minutes} min od střediska (limit {limit} min)",
                         "en": "in the service area, but {minutes} min from the base (limit {limit} min)"},
    "reason.field_very_far": {"cs": "v působnosti, ale přes {horizon} min od střediska (limit {limit} min)",
                              "en": "in the service area, but over {horizon} min from the base (limit {limit} min)"},
    "band.field_only": {"cs": "jen terénní služba", "en": "field service only"},
    "band.none": {"cs": "bez dosahu", "en": "out of reach"},
    "reason.below_norm": {
        "cs": "kapacita {value} {unit} na 1000 ({band}) je pod normou {norm}{source}",
        "en": "capacity {value} {unit} per 1000 ({band}) is below the norm {norm}{source}",
    },
    "reason.source": {"cs": " (zdroj: {source})", "en": " (source: {source})"},
})

#: Columns of :attr:`Analysis.coverage` (first the ones the CLI promises).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "municipality_code", "municipality_name", "service_kind", "kind_name", "access_level", "access_mode",
    "limit_min", "target_band", "target_population", "nearest_service_id", "nearest_site_id", "nearest_site_name",
    "nearest_form", "travel_time_min", "distance_km", "time_band", "reachable", "field_covered", "field_basis",
    "field_services", "field_base_min", "field_limit_min", "field_beyond_limit", "reached",
    "e2sfca_per_1000", "e2sfca_shared_per_1000", "e2sfca_unit", "field_capacity_per_1000", "field_unit",
    "gap", "gap_reason", "note", "age_estimated", "method",
) + PT_COLUMNS


@dataclass
class KindResult:
    """Indicators of one kind (kept apart so a what-if recomputes only the kinds it touches).

    ``counting_sites`` are the ``site_id`` of the travel sites that count for the district.
    """

    kind: str
    coverage: pd.DataFrame
    by_form: pd.DataFrame
    capacity: pd.DataFrame
    bands: pd.DataFrame
    rule: AccessRule | None = None
    counting_sites: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Kind:
    """What every step of :func:`compute_kind` needs about one kind."""

    analysis: "Analysis"
    kind: str
    name: str
    singular: str
    rule: AccessRule
    band: str
    pop: pd.Series
    sv: pd.DataFrame
    ksites: gpd.GeoDataFrame
    all_sites: pd.DataFrame
    caps: pd.DataFrame
    kind_ids: set[str]
    memo: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.pop)

    @property
    def codes(self) -> list[str]:
        return self.analysis.district.codes

    @property
    def travel_limit(self) -> float:
        """Travel limit in minutes (the analysis threshold where the kind has no travel mode)."""
        return self.analysis.settings.limit_of(self.rule, "travel")

    @property
    def field_limit(self) -> float:
        return self.analysis.settings.limit_of(self.rule, "field")

    @property
    def field_horizon(self) -> float:
        """Minutes up to which the staff's drive from a base is searched."""
        return self.field_limit + self.analysis.settings.reach_margin_min

    @property
    def horizon(self) -> float:
        """Minutes beyond which a site is out of reach and never anyone's nearest."""
        return self.travel_limit + self.analysis.settings.reach_margin_min


def _target(analysis: "Analysis", band: str) -> pd.Series:
    return analysis.district.target_population(band)


def _band_population(frame: pd.DataFrame | None, band: str) -> np.ndarray | pd.Series | None:
    if frame is None or len(frame) == 0:
        return None
    if band == "total":
        return frame["population"].astype(float)
    cols = [b.column for b in base_bands_of(band)]
    if not all(c in frame for c in cols):
        return None
    return frame[cols].astype(float).sum(axis=1)


def _plain(frame):
    """Text columns as plain Python objects (much faster to filter than Arrow strings)."""
    for c in frame.columns:
        if c != "geometry" and pd.api.types.is_string_dtype(frame[c].dtype):
            frame[c] = frame[c].astype(object)
    return frame


def _tables(analysis: "Analysis") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Services indexed by id, capacities and all sites (placed or not), with plain text columns
    (cached per services object)."""
    key = id(analysis.services)
    cached = getattr(analysis, "_table_cache", None)
    if cached is None or cached[0] != key:
        sv = _plain(analysis.services.services.copy()).set_index("service_id")
        caps = _plain(analysis.services.capacities.copy())
        sites = _plain(pd.DataFrame(analysis.services.sites.drop(columns="geometry")))
        analysis._table_cache = (key, sv, caps, sites)
    return analysis._table_cache[1], analysis._table_cache[2], analysis._table_cache[3]


def _context(analysis: "Analysis", kind: str) -> _Kind:
    s = analysis.settings
    kinds = analysis.services.kinds
    kobj = kinds.get(kind)
    band = s.band_of(kind, kinds)
    sv, caps_all, sites_all = _tables(analysis)
    kind_ids = set(sv.index[sv["kind"] == kind])
    return _Kind(
        analysis=analysis, kind=kind, name=kobj.name_cs if kobj else kind,
        singular=kobj.singular_cs if kobj else kind, rule=s.access_of(kind, kinds), band=band,
        pop=_target(analysis, band), sv=sv,
        ksites=analysis.sites[analysis.sites["service_id"].isin(kind_ids)],
        all_sites=sites_all[sites_all["service_id"].isin(kind_ids)],
        caps=caps_all[caps_all["service_id"].isin(kind_ids)], kind_ids=kind_ids)


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------
@dataclass
class _Nearest:
    minutes: np.ndarray      # best minutes within the horizon (inf otherwise)
    km: np.ndarray
    service: np.ndarray
    site: np.ndarray
    name: np.ndarray
    form: np.ndarray
    reachable: np.ndarray
    counting: pd.DataFrame   # counting travel sites
    any_sites: bool          # any travel site of the kind exists in the data


def _counting_mask(k: _Kind, travel_sites: pd.DataFrame, nearest_of: np.ndarray) -> np.ndarray:
    """Which travel sites count for the district: its own obce's, those of services declaring one
    of its obce, and those that are some obec's nearest within the horizon."""
    codes = set(k.codes)
    own = travel_sites["kod_obce"].isin(codes).to_numpy()
    areas = k.sv["service_area"].reindex(travel_sites["service_id"]).to_numpy()
    declared = np.array([bool(codes.intersection(a)) if isinstance(a, tuple) else False for a in areas], dtype=bool)
    # every site at a location that is some obec's nearest (sites of one address share a location)
    won = travel_sites["col"].to_numpy()[nearest_of[nearest_of >= 0]]
    near = np.isin(travel_sites["col"].to_numpy(), won)
    return own | declared | near


def _nearest(k: _Kind) -> _Nearest:
    """The nearest travel site of the kind within the horizon (one search from the kind's sites)."""
    a = k.analysis
    n = k.n
    travel_sites = k.ksites[k.ksites["form"].isin(a.settings.travel_forms)].reset_index(drop=True)
    empty = np.array([""] * n, dtype=object)
    if len(travel_sites) == 0:
        return _Nearest(np.full(n, np.inf), np.full(n, np.nan), empty, empty.copy(), empty.copy(), empty.copy(),
                        np.zeros(n, dtype=bool), travel_sites, False)
    best, km, j = a.travel.nearest(travel_sites["col"].to_numpy(), k.horizon)
    has = j >= 0
    jj = np.where(has, j, 0)
    ts = travel_sites
    site_names = _site_labels(k, ts)
    counting = ts[_counting_mask(k, ts, j)]
    return _Nearest(
        minutes=best, km=km,
        service=np.where(has, ts["service_id"].to_numpy()[jj], ""), site=np.where(has, ts["site_id"].to_numpy()[jj], ""),
        name=np.where(has, site_names[jj], ""), form=np.where(has, ts["form"].to_numpy()[jj], ""),
        reachable=has & (best <= k.travel_limit), counting=counting, any_sites=True)


@dataclass
class _Field:
    areas: dict[str, tuple[str, ...]]
    covered_by: list[list[str]]
    covered: np.ndarray
    basis: list[str]
    base_min: np.ndarray     # staff's drive from the nearest covering base (nan when unknown)
    beyond: np.ndarray


def _field(k: _Kind) -> _Field:
    a = k.analysis
    s = a.settings
    n = k.n
    codes = k.codes
    field_ids = sorted((set(k.ksites.loc[k.ksites["form"] == "ter", "service_id"])
                        | set(k.caps.loc[k.caps["form"] == "ter", "service_id"])) & k.kind_ids)
    areas: dict[str, tuple[str, ...]] = {}
    basis: dict[str, str] = {}
    base_cols: dict[str, np.ndarray] = {}
    for sid in field_ids:
        mine = k.ksites[k.ksites["service_id"] == sid]
        ter = mine[mine["form"] == "ter"]
        base_cols[sid] = (ter if len(ter) else mine)["col"].to_numpy()
    all_bases = np.unique(np.concatenate(list(base_cols.values()))) if base_cols else np.zeros(0, dtype=np.int64)
    # assumed areas: the obce within the field limit of the base (a short search per such base)
    undeclared = {sid for sid in field_ids if not (tuple(k.sv.loc[sid, "service_area"]) if sid in k.sv.index else ())}
    assumed_cols = np.unique(np.concatenate([base_cols[sid] for sid in undeclared])) \
        if undeclared and s.assume_field_area else np.zeros(0, dtype=np.int64)
    assumed_block = a.travel.block(assumed_cols, k.field_limit) if assumed_cols.size else np.empty((n, 0))
    assumed_pos = {int(c): p for p, c in enumerate(assumed_cols)}
    for sid in field_ids:
        declared = tuple(k.sv.loc[sid, "service_area"]) if sid in k.sv.index else ()
        if declared:
            areas[sid], basis[sid] = declared, "declared"
        elif s.assume_field_area:
            cols = [assumed_pos[int(c)] for c in base_cols[sid]]
            near = (assumed_block[:, cols] <= k.field_limit).any(axis=1) if cols else np.zeros(n, dtype=bool)
            areas[sid], basis[sid] = tuple(c for c, ok in zip(codes, near) if ok), "assumed"
    covered_by: list[list[str]] = [[] for _ in range(n)]
    basis_of: list[set[str]] = [set() for _ in range(n)]
    pos = {c: i for i, c in enumerate(codes)}
    for sid, area in areas.items():
        for c in area:
            i = pos.get(c)
            if i is not None:
                covered_by[i].append(sid)
                basis_of[i].add(basis[sid])
    base_min = _base_minutes(k, covered_by, base_cols, all_bases)
    covered = np.array([bool(x) for x in covered_by], dtype=bool)
    beyond = covered & ~np.isnan(base_min) & (np.nan_to_num(base_min, nan=0.0) > k.field_limit)
    field_basis = ["declared" if "declared" in b else ("assumed" if b else "") for b in basis_of]
    return _Field(areas, covered_by, covered, field_basis, base_min, beyond)


def _base_minutes(k: _Kind, covered_by: list[list[str]], base_cols: dict[str, np.ndarray],
                  all_bases: np.ndarray) -> np.ndarray:
    """The staff's drive (minutes) to each covered obec from the nearest base of the services
    covering it; ``nan`` where no base is placed, ``inf`` beyond the field limit + margin.

    One search from all the kind's bases finds each obec's nearest base; where that base is a
    covering service's, it is the answer.  Only the other obce (a base of another service lies
    nearer) need the covering services' own bases, searched up to the limit + margin.
    """
    n = k.n
    out = np.full(n, np.nan)
    if not all_bases.size:
        return out
    owner: dict[int, set[str]] = {}
    for sid, cols in base_cols.items():
        for c in cols:
            owner.setdefault(int(c), set()).add(sid)
    minutes, _, which = k.analysis.travel.nearest(all_bases, k.field_horizon)
    unsure: dict[int, list[int]] = {}
    for i, sids in enumerate(covered_by):
        placed = [sid for sid in sids if base_cols.get(sid, np.empty(0)).size]
        if not placed:
            continue
        nearest_owner = owner.get(int(all_bases[which[i]]), set()) if which[i] >= 0 else set()
        if nearest_owner.intersection(placed):
            out[i] = minutes[i]
        else:
            unsure[i] = sorted({int(c) for sid in placed for c in base_cols[sid]})
    if unsure:
        cols = np.array(sorted({c for v in unsure.values() for c in v}), dtype=np.int64)
        block = k.analysis.travel.block(cols, k.field_horizon)
        at = {int(c): p for p, c in enumerate(cols)}
        for i, own in unsure.items():
            out[i] = float(np.min(block[i, [at[c] for c in own]]))
    return out


@dataclass
class _Capacity:
    e2_by_unit: dict[tuple[str, str], np.ndarray]
    field_by_unit: dict[str, pd.Series]
    e2_unit: str | None
    field_unit: str | None
    e2_main: np.ndarray
    e2_shared: np.ndarray
    field_main: np.ndarray
    travel_caps: pd.DataFrame
    field_caps: pd.DataFrame


def _capacity_indices(k: _Kind, near: _Nearest, fld: _Field) -> _Capacity:
    """E2SFCA per form × unit over the kind's travel sites and the field ratio per unit."""
    from coverage_app.coverage import _outside_target

    a = k.analysis
    s = a.settings
    n = k.n
    travel_sites = k.ksites[k.ksites["form"].isin(s.travel_forms)]
    travel_caps = k.caps[k.caps["form"].isin(s.travel_forms)]
    field_caps = k.caps[k.caps["form"] == "ter"]
    area_pop = _band_population(a.area_population, k.band)
    out_pop = _outside_target(a, k.band)
    popv = k.pop.to_numpy()
    e2: dict[tuple[str, str], np.ndarray] = {}
    e2_shared: dict[tuple[str, str], np.ndarray] = {}
    for (form, unit), grp in travel_caps.groupby(["form", "unit"]):
        fsites = travel_sites[travel_sites["form"] == form]
        e2[(form, unit)] = _e2sfca_for(grp, fsites, a.travel, popv, s)
        e2_shared[(form, unit)] = (_e2sfca_for(grp, fsites, a.travel, popv, s, out_pop, a.outside_minutes)
                                   if out_pop is not None else e2[(form, unit)])
    field_by_unit = {}
    for unit, grp in field_caps.groupby("unit"):
        supply = dict(zip(grp["service_id"], grp["capacity"].astype(float)))
        field_by_unit[unit] = field_ratio(k.pop, supply, fld.areas, area_pop)
    kobj = a.services.kinds.get(k.kind)
    preferred = list(kobj.units) if kobj else list(CAPACITY_UNITS)
    if len(travel_sites):
        within = (a.travel.block(travel_sites["col"].to_numpy(), s.catchment_min) <= s.catchment_min).any(axis=0)
        near_ids = set(travel_sites.loc[within, "service_id"])
    else:
        near_ids = set()
    district_codes = set(k.codes)
    serving = {sid for sid, area in fld.areas.items() if district_codes.intersection(area)}
    e2_unit = (_main_unit(travel_caps.loc[travel_caps["service_id"].isin(near_ids), "unit"], preferred)
               or _main_unit(travel_caps["unit"], preferred))
    field_unit = (_main_unit(field_caps.loc[field_caps["service_id"].isin(serving), "unit"], preferred)
                  or _main_unit(field_caps["unit"], preferred))
    e2_main, e2_sh = np.zeros(n), np.zeros(n)
    for (form, unit), arr in e2.items():
        if unit == e2_unit:
            e2_main = e2_main + arr
            e2_sh = e2_sh + e2_shared[(form, unit)]
    field_main = field_by_unit[field_unit].to_numpy() if field_unit else np.zeros(n)
    return _Capacity(e2, field_by_unit, e2_unit, field_unit, e2_main, e2_sh, field_main, travel_caps, field_caps)


def _norm_check(k: _Kind, cap: _Capacity, fld: _Field) -> tuple[np.ndarray, list[list[str]]]:
    """Obce whose accessible capacity per 1000 is below a user norm (local kinds only)."""
    a = k.analysis
    s = a.settings
    n = k.n
    fail = np.zeros(n, dtype=bool)
    reasons: list[list[str]] = [[] for _ in range(n)]
    if k.rule.level != "mistni":
        return fail, reasons  # judged per ORP/kraj from the unit's capacity (coverage_app.gaps)
    travel_sites = k.ksites[k.ksites["form"].isin(s.travel_forms)]
    for norm in s.norms_for(k.kind):
        nband = norm.band or k.band
        npop = k.pop if nband == k.band else _target(a, nband)
        value = np.zeros(n)
        for (form, unit), grp in cap.travel_caps.groupby(["form", "unit"]):
            if unit == norm.unit and norm.form in (None, form):
                value += cap.e2_by_unit[(form, unit)] if nband == k.band else _e2sfca_for(
                    grp, travel_sites[travel_sites["form"] == form], a.travel, npop.to_numpy(), s)
        if norm.form in (None, "ter") and norm.unit in set(cap.field_caps["unit"]):
            grp = cap.field_caps[cap.field_caps["unit"] == norm.unit]
            supply = dict(zip(grp["service_id"], grp["capacity"].astype(float)))
            value += field_ratio(npop, supply, fld.areas, _band_population(a.area_population, nband)).to_numpy()
        per1000 = value * 1000.0
        low = per1000 < norm.per_1000
        fail |= low
        unit_txt = CAPACITY_UNITS[norm.unit].short_cs
        src = t("reason.source", "cs", source=norm.source) if norm.source else ""
        for i in np.flatnonzero(low):
            reasons[i].append(t("reason.below_norm", "cs", value=fmt_dec(per1000[i]), unit=unit_txt,
                                band=AGE_BANDS[nband].name_cs, norm=fmt_dec(norm.per_1000), source=src))
    return fail, reasons


def _reached(k: _Kind, near: _Nearest, fld: _Field) -> np.ndarray:
    """Obce reached by one of the kind's modes (travel within the limit, or field coverage)."""
    modes = k.rule.modes
    reached = np.zeros(k.n, dtype=bool)
    if "travel" in modes:
        reached |= near.reachable
    if "field" in modes:
        reached |= fld.covered
    return reached


def _obec_reasons(k: _Kind, near: _Nearest, fld: _Field, access_gap: np.ndarray,
                  norm_reason: list[list[str]]) -> tuple[list[str], list[str]]:
    """Plain Czech reason of each obec's gap, and a note (field base too far) for the others."""
    modes = k.rule.modes
    has_field = bool(fld.areas)
    popv = k.pop.to_numpy(dtype=float)
    reasons, notes = [], []
    limit = fmt_num(k.travel_limit, "cs", 1)
    for i in range(k.n):
        parts: list[str] = []
        if access_gap[i] and popv[i] > 0:
            if "travel" in modes:
                if np.isfinite(near.minutes[i]):
                    parts.append(t("reason.nearest_beyond", "cs", kind=k.singular,
                                   minutes=fmt_num(near.minutes[i], "cs", 1), limit=limit))
                else:
                    parts.append(t("reason.none_within", "cs", kind=k.singular, horizon=fmt_num(k.horizon, "cs", 1)))
            if "field" in modes:
                parts.append(t("reason.outside_field", "cs") if has_field else t("reason.no_field", "cs"))
        if popv[i] > 0:
            parts.extend(norm_reason[i])
        reasons.append("; ".join(parts))
        if not fld.beyond[i]:
            notes.append("")
        elif np.isfinite(fld.base_min[i]):
            notes.append(t("reason.field_far", "cs", minutes=int(round(fld.base_min[i])),
                           limit=fmt_num(k.field_limit, "cs", 1)))
        else:
            notes.append(t("reason.field_very_far", "cs", horizon=fmt_num(k.field_horizon, "cs", 1),
                           limit=fmt_num(k.field_limit, "cs", 1)))
    return reasons, notes


def _coverage_frame(k: _Kind, near: _Nearest, fld: _Field, cap: _Capacity, norm_fail: np.ndarray,
                    norm_reason: list[list[str]]) -> tuple[pd.DataFrame, list[str]]:
    a = k.analysis
    s = a.settings
    reached = _reached(k, near, fld)
    popv = k.pop.to_numpy(dtype=float)
    travel_or_field = bool({"travel", "field"} & set(k.rule.modes))
    access_gap = ~reached & travel_or_field
    local = k.rule.level == "mistni"
    gap = local & (access_gap | norm_fail) & (popv > 0)  # nobody of the target group there: no gap
    reasons, notes = _obec_reasons(k, near, fld, access_gap, norm_reason)
    bands = [time_band_label(m, s.bands_min) for m in near.minutes]
    has = np.isfinite(near.minutes)
    district = a.district
    cov = pd.DataFrame({
        "municipality_code": k.codes,
        "municipality_name": district.obce["nazev_obce"].tolist(),
        "service_kind": k.kind,
        "kind_name": k.name,
        "access_level": k.rule.level,
        "access_mode": k.rule.mode_code,
        "limit_min": k.travel_limit if "travel" in k.rule.modes else np.nan,
        "target_band": k.band,
        "target_population": np.round(popv, 1),
        "nearest_service_id": near.service,
        "nearest_site_id": near.site,
        "nearest_site_name": near.name,
        "nearest_form": near.form,
        "travel_time_min": np.where(has, np.round(near.minutes, 1), np.nan),
        "distance_km": np.where(has, np.round(near.km, 2), np.nan),
        "time_band": bands,
        "reachable": near.reachable,
        "field_covered": fld.covered,
        "field_basis": fld.basis,
        "field_services": [";".join(x) for x in fld.covered_by],
        "field_base_min": np.round(np.where(np.isinf(fld.base_min), np.nan, fld.base_min), 1),
        "field_limit_min": k.field_limit if "field" in k.rule.modes else np.nan,
        "field_beyond_limit": fld.beyond,
        "reached": reached,
        "e2sfca_per_1000": np.round(cap.e2_main * 1000.0, 4),
        "e2sfca_shared_per_1000": np.round(cap.e2_shared * 1000.0, 4),
        "e2sfca_unit": cap.e2_unit or "",
        "field_capacity_per_1000": np.round(cap.field_main * 1000.0, 4),
        "field_unit": cap.field_unit or "",
        "gap": gap,
        "gap_reason": reasons,
        "note": notes,
        "age_estimated": district.obce["age_estimated"].to_numpy() & (k.band != "total"),
        "method": a.travel.method,
    })
    return cov, bands


def _by_form(k: _Kind, near: _Nearest, fld: _Field, cap: _Capacity) -> pd.DataFrame:
    """The indicators per obec × form × capacity unit (only counting sites are anyone's nearest)."""
    a = k.analysis
    s = a.settings
    n = k.n
    rows = []
    for form in FORMS:
        f_units = sorted(set(k.caps.loc[k.caps["form"] == form, "unit"]))
        f_sites = k.ksites[k.ksites["form"] == form].reset_index(drop=True)
        if not (set(f_sites["service_id"]) | set(k.caps.loc[k.caps["form"] == form, "service_id"])):
            continue
        if form in s.travel_forms and len(f_sites):
            fmin, fkm, fj = a.travel.nearest(f_sites["col"].to_numpy(), k.horizon)
            fok = fj >= 0
            jj = np.where(fok, fj, 0)
            f_near = np.where(fok, f_sites["service_id"].to_numpy()[jj], "")
            f_site = np.where(fok, f_sites["site_id"].to_numpy()[jj], "")
        else:
            fmin, fkm = np.full(n, np.inf), np.full(n, np.nan)
            fok = np.zeros(n, dtype=bool)
            f_near = f_site = np.array([""] * n, dtype=object)
        for unit in f_units or [""]:
            if form == "ter":
                value = cap.field_by_unit[unit].to_numpy() if unit in cap.field_by_unit else np.zeros(n)
            else:
                value = cap.e2_by_unit.get((form, unit), np.zeros(n))
            rows.append(pd.DataFrame({
                "municipality_code": k.codes, "municipality_name": a.district.obce["nazev_obce"].tolist(),
                "service_kind": k.kind, "form": form, "capacity_unit": unit,
                "target_population": np.round(k.pop.to_numpy(), 1),
                "nearest_service_id": f_near, "nearest_site_id": f_site,
                "travel_time_min": np.where(fok, np.round(fmin, 1), np.nan),
                "distance_km": np.where(fok, np.round(fkm, 2), np.nan),
                "reachable": fok & (fmin <= k.travel_limit) if form != "ter" else False,
                "field_covered": fld.covered if form == "ter" else False,
                "capacity_per_1000": np.round(value * 1000.0, 4),
                "method": a.travel.method,
            }))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _band_table(k: _Kind, bands: list[str], fld: _Field) -> pd.DataFrame:
    """Target population per travel-time band, field-only and out of reach."""
    s = k.analysis.settings
    labels = [time_band_label(b - 1e-9, s.bands_min) for b in s.bands_min] + [f"{_num(s.bands_min[-1])}+"]
    popv = k.pop.to_numpy()
    arr = np.array(bands, dtype=object)
    rows = []
    for lab in labels:
        mask = arr == lab
        rows.append({"service_kind": k.kind, "kind_name": k.name, "time_band": lab,
                     "target_population": round(float(popv[mask].sum()), 1), "n_obce": int(mask.sum())})
    none = arr == ""
    for label, mask in ((t("band.field_only", "cs"), none & fld.covered),
                        (t("band.none", "cs"), none & ~fld.covered)):
        rows.append({"service_kind": k.kind, "kind_name": k.name, "time_band": label,
                     "target_population": round(float(popv[mask].sum()), 1), "n_obce": int(mask.sum())})
    return pd.DataFrame(rows)


def _site_labels(k: _Kind, sites: pd.DataFrame) -> np.ndarray:
    """Each site's name, or its service's name where the site has none."""
    site_names = sites["site_name"].astype(str).to_numpy(dtype=object)
    service_names = sites["service_id"].map(k.sv["service_name"]).fillna("").astype(str).to_numpy(dtype=object)
    return np.where(site_names == "", service_names, site_names)


def _transit(k: _Kind, near: _Nearest) -> dict[str, np.ndarray]:
    """Public-transport columns (:mod:`coverage_app.transit.indicators`) for the sites clients
    travel to and back the same day (form ``amb``); residential and field forms have none."""
    sites = near.counting[near.counting["form"] == "amb"] if "travel" in k.rule.modes else near.counting.iloc[:0]
    car = np.zeros(k.n, dtype=bool)
    unknown = np.zeros(k.n, dtype=bool)
    tm = k.analysis.transit
    if len(sites) and tm is not None:
        cols = sites["col"].to_numpy(dtype=int)
        car = k.analysis.travel.nearest(cols, k.horizon)[0] <= k.travel_limit
        outside = cols[~tm.dest_covered[cols]] if tm.dest_covered is not None else cols[:0]
        if len(outside):  # a site beyond the timetable's area within the car limit: by bus unknown
            unknown = k.analysis.travel.nearest(outside, k.horizon)[0] <= k.travel_limit
    names = _site_labels(k, sites) if len(sites) else np.array([], dtype=object)
    return transit_columns(k.analysis, sites, names, k.travel_limit, car, unknown)


def compute_kind(analysis: "Analysis", kind: str) -> KindResult:
    """Indicators of one kind (coverage, by form, capacity, time bands), by its access rule."""
    k = _context(analysis, kind)
    near = _nearest(k)
    fld = _field(k)
    cap = _capacity_indices(k, near, fld)
    norm_fail, norm_reason = _norm_check(k, cap, fld)
    cov, bands = _coverage_frame(k, near, fld, cap, norm_fail, norm_reason)
    cov = cov.assign(**_transit(k, near))
    capacity = district_capacity(k, fld.areas, set(analysis.district.codes), k.pop)
    return KindResult(kind, cov, _by_form(k, near, fld, cap), capacity, _band_table(k, bands, fld), k.rule,
                      frozenset(near.counting["site_id"]) if len(near.counting) else frozenset())


def district_capacity(k: _Kind, areas: Mapping[str, tuple[str, ...]], codes: set[str], pop: pd.Series) -> pd.DataFrame:
    """Registered capacity of the kind in an area (the district, or one of its ORP/POÚ)."""
    a = k.analysis
    if "_declared" not in k.memo:
        sv = k.sv.loc[k.sv.index.isin(k.kind_ids), "service_area"]
        k.memo["_declared"] = {sid: tuple(area) for sid, area in sv.items() if len(area)}
        area_pop = _band_population(a.area_population, k.band)
        k.memo["_known"] = k.pop if area_pop is None else area_pop.combine_first(k.pop)
    areas = {**k.memo["_declared"], **areas}
    return _capacity_table(codes, a.settings, k.kind, k.name, k.band, pop, k.caps, k.all_sites, areas,
                           k.memo["_known"],
                           pop_of=lambda b: _target(a, b).loc[lambda x: x.index.isin(codes)],
                           age_estimated=a.district.age_is_estimated)


def unit_capacity(analysis: "Analysis", kind: str, codes: set[str]) -> pd.DataFrame:
    """Registered capacity of a kind in some obce of the district (one ORP/POÚ), per form × unit,
    per 1000 of their target population (see :func:`district_capacity`)."""
    k = _context(analysis, kind)
    fld = _field(k)
    pop = k.pop[k.pop.index.isin(codes)]
    return district_capacity(k, fld.areas, codes, pop)



def attributed_by_unit(analysis: "Analysis", kind: str, unit_of: pd.Series) -> pd.DataFrame:
    """Capacity of a kind attributed to every unit at once (``unit_of``: obec code → unit code,
    e.g. its ORP): columns ``unit``, ``form``, ``capacity_unit``, ``attributed_capacity``.

    The same counting as :func:`district_capacity` for each unit (a service × form counts in a
    unit where it has a site, or where its declared area reaches for field services and sites
    without an address; field capacity scaled by the share of the area's target population in
    the unit), computed with table joins instead of one pass per unit.
    """
    k = _context(analysis, kind)
    fld = _field(k)
    district_capacity(k, {}, set(), k.pop.iloc[0:0])  # fills the kind's memo (declared areas, population)
    areas = {**k.memo["_declared"], **fld.areas}
    known = k.memo["_known"]
    unit_of = unit_of.astype(str)
    sites = k.all_sites[["service_id", "form", "kod_obce", "location_method"]]
    placed = set(zip(sites.loc[sites["location_method"] != "none", "service_id"],
                     sites.loc[sites["location_method"] != "none", "form"]))
    by_site = sites.assign(unit=sites["kod_obce"].map(unit_of)).dropna(subset=["unit"])[
        ["service_id", "form", "unit"]].drop_duplicates()
    pairs = pd.DataFrame([(sid, c) for sid, area in areas.items() for c in dict.fromkeys(area)],
                         columns=["service_id", "kod_obce"])
    pairs["pop"] = pairs["kod_obce"].map(known).fillna(0.0).astype(float)
    pairs["unit"] = pairs["kod_obce"].map(unit_of)
    total = pairs.groupby("service_id")["pop"].sum()
    in_unit = pairs.dropna(subset=["unit"]).groupby(["service_id", "unit"])["pop"].sum().reset_index()
    tot = in_unit["service_id"].map(total).to_numpy(dtype=float) if len(in_unit) else np.zeros(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        in_unit["share"] = np.where(tot > 0, in_unit["pop"].to_numpy(dtype=float) / tot, 1.0)
    share = {(a, u): v for a, u, v in zip(in_unit["service_id"], in_unit["unit"], in_unit["share"])}
    area_units = in_unit.groupby("service_id")["unit"].agg(list).to_dict()
    rows = []
    site_units = by_site.groupby(["service_id", "form"])["unit"].agg(list).to_dict()
    for sid, form, cu, cap in zip(k.caps["service_id"], k.caps["form"], k.caps["unit"], k.caps["capacity"]):
        units = set(site_units.get((sid, form), ()))
        if form == "ter" or (sid, form) not in placed:
            units |= set(area_units.get(sid, ()))
        for u in units:
            f = share.get((sid, u), 0.0) if form == "ter" and areas.get(sid) else 1.0
            rows.append((u, form, cu, float(cap) * f))
    out = pd.DataFrame(rows, columns=["unit", "form", "capacity_unit", "attributed_capacity"])
    return out.groupby(["unit", "form", "capacity_unit"], as_index=False)["attributed_capacity"].sum()


def capacity_by_unit(analysis: "Analysis", kind: str, unit_of: pd.Series) -> dict[str, pd.DataFrame]:
    """:func:`unit_capacity` for every unit at once (``unit_of``: obec code → unit code, e.g. its
    ORP); the kind's field areas are found once."""
    k = _context(analysis, kind)
    fld = _field(k)
    out = {}
    for unit, members in unit_of.groupby(unit_of, sort=False):
        codes = set(members.index)
        out[str(unit)] = district_capacity(k, fld.areas, codes, k.pop[k.pop.index.isin(codes)])
    return out
