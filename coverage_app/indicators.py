"""Indicator functions of the coverage engine, each testable by hand on a small example.

* :func:`time_band_label` — travel-time band of minutes (``0–15``, ``15–30``…);
* :func:`e2sfca` — enhanced two-step floating catchment accessibility (Luo & Qi 2009), capacity
  units per person of the target band (× 1000 for "per 1000 people");
* :func:`field_ratio` — field-service capacity per person whose catchment is the declared area;
* :func:`area_capacity` / :func:`compare_capacity` — registered capacity per 1000 of any area
  (district, kraj, Czechia), a service × form counted once, units never added together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.model import Services
from coverage_app.settings import AnalysisSettings

__all__ = ["CAPACITY_COLUMNS", "area_capacity", "compare_capacity", "e2sfca", "field_ratio", "fmt_dec",
           "time_band_label"]

#: Columns of :attr:`Analysis.capacity`.
CAPACITY_COLUMNS: tuple[str, ...] = (
    "service_kind", "kind_name", "form", "capacity_unit", "total_capacity", "n_services", "n_sites",
    "target_band", "target_population", "capacity_per_1000", "attributed_capacity", "attributed_per_1000",
    "norm_per_1000", "norm_band", "norm_compared_per_1000", "norm_source", "below_norm", "age_estimated",
)



def time_band_label(minutes: float, bands: Iterable[float] = (15, 30, 45)) -> str:
    """Band of a travel time: ``0–15``, ``15–30``, ``30–45``, ``45+`` (``""`` when unreachable)."""
    if minutes is None or not np.isfinite(minutes):
        return ""
    lo = 0.0
    for b in bands:
        if minutes <= b:
            return f"{_num(lo)}–{_num(b)}"
        lo = b
    return f"{_num(lo)}+"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# ---------------------------------------------------------------------------------------------
# Indicator functions (each testable by hand on a 3-obec example)
# ---------------------------------------------------------------------------------------------
def e2sfca(population: np.ndarray, supply: np.ndarray, minutes: np.ndarray,
           settings: AnalysisSettings | None = None, *, other_population: np.ndarray | None = None,
           other_minutes: np.ndarray | None = None) -> np.ndarray:
    """Enhanced two-step floating catchment area accessibility (Luo & Qi 2009).

    Parameters
    ----------
    population : array, shape (n,)
        Demand at each origin (people of the target band).
    supply : array, shape (m,)
        Capacity at each site (one unit only — never mix units).
    minutes : array, shape (n, m)
        Travel times (``inf`` = unreachable).
    settings : AnalysisSettings, optional
        Zones and weights (default 0–10/10–20/20–30 min with 1.00/0.68/0.22).
    other_population, other_minutes : arrays, shapes (k,) and (k, m), optional
        Demand outside the study area that competes for the same sites (step 1 only).

    Returns
    -------
    array, shape (n,)
        Accessible capacity per person; multiply by 1000 for "per 1000 people".
    """
    settings = settings or AnalysisSettings()
    pop = np.asarray(population, dtype=float)
    sup = np.asarray(supply, dtype=float)
    if sup.size == 0 or pop.size == 0:
        return np.zeros(pop.size)
    w = settings.zone_weight(minutes)
    demand = pop @ w  # weighted population in each site's catchment
    if other_population is not None and other_minutes is not None and len(other_population):
        demand = demand + np.asarray(other_population, dtype=float) @ settings.zone_weight(other_minutes)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand > 0, sup / demand, 0.0)
    return w @ ratio


def field_ratio(population: pd.Series, supply: Mapping[str, float], areas: Mapping[str, Iterable[str]],
                area_population: pd.Series | None = None) -> pd.Series:
    """Field-service capacity per person for each obec (a 2SFCA whose catchment is the declared area).

    Parameters
    ----------
    population : Series
        Target population of the district's obce, indexed by obec code.
    supply : mapping service id → capacity
        Capacity of each field service in one unit.
    areas : mapping service id → obec codes
        Declared service areas.
    area_population : Series, optional
        Target population of any obec (also outside the district) for the denominators; obce
        missing here fall back to ``population``.

    Returns
    -------
    Series
        Capacity per person of the target band, indexed like ``population``; ``× 1000`` for
        "per 1000 people".
    """
    known = population if area_population is None else area_population.combine_first(population)
    sids = [sid for sid in supply if areas.get(sid)]
    k_idx, pos = _area_pairs(sids, areas, known.index)
    kv = known.to_numpy(dtype=float)
    denom = np.bincount(k_idx, weights=kv[pos], minlength=len(sids))
    cap = np.array([float(supply[sid]) for sid in sids])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(denom > 0, cap / denom, 0.0)
    out = np.zeros(len(population))
    at = population.index.get_indexer(known.index[pos])
    inside = at >= 0
    np.add.at(out, at[inside], ratio[k_idx[inside]])
    return pd.Series(out, index=population.index)


def _area_pairs(sids: list[str], areas: Mapping[str, Iterable[str]], index: pd.Index
                ) -> tuple[np.ndarray, np.ndarray]:
    """Service number and position in ``index`` of every distinct (service, obec of its area)
    pair whose obec is in ``index`` (arrays, for sums per service without a loop over obce)."""
    k_list, code_list = [], []
    for k, sid in enumerate(sids):
        area = list(dict.fromkeys(areas.get(sid, ())))
        k_list.append(np.full(len(area), k, dtype=np.int64))
        code_list.extend(area)
    if not code_list:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    k_idx = np.concatenate(k_list)
    pos = index.get_indexer(pd.Index(code_list, dtype=object))
    keep = pos >= 0
    return k_idx[keep], pos[keep]


# ---------------------------------------------------------------------------------------------
# Analysis

def fmt_dec(v: float, lang: str = "cs") -> str:
    """A number rounded to 2 decimals, without trailing zeros; decimal comma in Czech."""
    text = _num(round(float(v), 2))
    return text.replace(".", ",") if lang == "cs" else text


def _main_unit(units: Iterable[str], preferred: Iterable[str]) -> str | None:
    units = list(units)
    if not units:
        return None
    counts = pd.Series(units).value_counts()
    best = counts[counts == counts.max()].index.tolist()
    for u in preferred:
        if u in best:
            return u
    return sorted(best)[0]



def _e2sfca_for(caps: pd.DataFrame, sites: gpd.GeoDataFrame, travel, pop: np.ndarray,
                settings: AnalysisSettings, other_pop: np.ndarray | None = None,
                other_minutes: np.ndarray | None = None) -> np.ndarray:
    """E2SFCA of one form × unit: capacity split equally over each service's located sites.

    ``travel`` answers ``block(cols, max_minutes)`` (obce × the sites' locations, minutes; see
    :mod:`coverage_app.sitepass`); only the largest zone's catchment is searched.
    ``other_pop``/``other_minutes`` (all site locations as columns) add the demand of obce around
    the district to step 1.
    """
    if sites.empty or caps.empty:
        return np.zeros(pop.size)
    cap = dict(zip(caps["service_id"], caps["capacity"].astype(float)))
    n_sites = sites.groupby("service_id")["site_id"].transform("count").to_numpy()
    supply = np.array([cap.get(sid, 0.0) for sid in sites["service_id"]]) / n_sites
    cols = sites["col"].to_numpy()
    minutes = travel.block(cols, settings.catchment_min)
    if other_pop is not None and other_minutes is not None:
        return e2sfca(pop, supply, minutes, settings, other_population=other_pop, other_minutes=other_minutes[:, cols])
    return e2sfca(pop, supply, minutes, settings)


def _capacity_table(codes: set[str], s: AnalysisSettings, kind: str, kname: str, band: str, pop: pd.Series,
                    caps: pd.DataFrame, ksites: gpd.GeoDataFrame, areas: Mapping[str, tuple[str, ...]],
                    area_pop: pd.Series | None, pop_of=None, age_estimated: bool = False) -> pd.DataFrame:
    """Registered capacity of one kind in the district by form × unit.

    A service × form counts (once) when one of its sites of that form lies in an obec of the
    district, or — for field services — when its service area includes an obec of the district.
    ``attributed_capacity`` scales a field service's capacity by the share of its area's target
    population living in the district (when the population of the whole area is known).
    """
    total_pop = float(pop.sum())
    rows = []
    keys = list(zip(ksites["service_id"], ksites["form"]))
    n_sites = pd.Series(list(zip(keys, ksites["site_id"]))).drop_duplicates().map(lambda v: v[0]).value_counts() \
        if len(keys) else pd.Series(dtype=int)
    in_codes = ksites["kod_obce"].isin(codes).to_numpy()
    site_in = {k for k, ok in zip(keys, in_codes) if ok}
    if "location_method" in ksites:
        placed = {k for k, m in zip(keys, ksites["location_method"]) if m != "none"}
    else:
        placed = set(keys)
    if area_pop is None:
        known = pop
    elif area_pop.index.isin(pop.index).sum() == len(pop):  # already holds the district's obce
        known = area_pop
    else:
        known = area_pop.combine_first(pop)
    shares = _area_shares(sorted({sid for sid in caps["service_id"] if areas.get(sid)}), areas, codes, pop, known)
    for (form, unit), grp in caps.groupby(["form", "unit"]):
        total = attributed = 0.0
        n_serv = n_site = 0
        for sid, capacity in zip(grp["service_id"], grp["capacity"]):
            key = (sid, form)
            # a field service by its declared area; a site without any address (e.g. a secret
            # one) by the area its service declares
            serves = (form == "ter" or key not in placed) and shares.get(sid, (0.0, False))[1]
            if not (key in site_in or serves):
                continue
            share = shares.get(sid, (1.0, False))[0] if form == "ter" else 1.0
            r_capacity = float(capacity)
            total += r_capacity
            attributed += r_capacity * share
            n_serv += 1
            n_site += int(n_sites.get(key, 0))
        if n_serv == 0:
            continue
        norm = next((nm for nm in s.norms_for(kind) if nm.unit == unit and nm.form in (None, form)), None)
        per1000 = total / total_pop * 1000.0 if total_pop > 0 else np.nan
        attr1000 = attributed / total_pop * 1000.0 if total_pop > 0 else np.nan
        norm_band = (norm.band or band) if norm else ""
        if norm is not None and norm_band != band and pop_of is not None:
            npop = float(pop_of(norm_band).sum())
            compared = attributed / npop * 1000.0 if npop > 0 else np.nan
        else:
            compared = attr1000
        rows.append({
            "service_kind": kind, "kind_name": kname, "form": form, "capacity_unit": unit,
            "total_capacity": total, "n_services": n_serv, "n_sites": n_site, "target_band": band,
            "target_population": round(total_pop, 1), "capacity_per_1000": round(per1000, 4),
            "attributed_capacity": round(attributed, 3), "attributed_per_1000": round(attr1000, 4),
            "norm_per_1000": norm.per_1000 if norm else np.nan, "norm_band": norm_band,
            "norm_compared_per_1000": round(compared, 4) if norm else np.nan,
            "norm_source": norm.source if norm else "",
            "below_norm": bool(norm is not None and compared < norm.per_1000),
            "age_estimated": bool(age_estimated and (band != "total" or (norm_band not in ("", "total")))),
        })
    return pd.DataFrame(rows, columns=list(CAPACITY_COLUMNS))


def _area_shares(sids: list[str], areas: Mapping[str, tuple[str, ...]], codes: set[str], pop: pd.Series,
                 known: pd.Series) -> dict[str, tuple[float, bool]]:
    """Per service with a declared area: the share of its area's target population living in
    ``codes`` (1 when the area's population is unknown) and whether the area reaches ``codes``."""
    if not sids:
        return {}
    k_idx, pos = _area_pairs(sids, areas, known.index)
    kv = known.fillna(0).to_numpy(dtype=float)
    inside = known.index[pos].isin(codes)
    denom = np.bincount(k_idx, weights=kv[pos], minlength=len(sids))
    num = np.bincount(k_idx[inside], weights=kv[pos][inside], minlength=len(sids))
    touches = np.bincount(k_idx[inside], minlength=len(sids)) > 0
    # obce of the area unknown to ``known`` but in ``codes`` still make it reach the district
    for k, sid in enumerate(sids):
        if not touches[k] and codes.intersection(areas.get(sid, ())):
            touches[k] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(denom > 0, num / denom, 1.0)
    return {sid: (float(share[k]), bool(touches[k])) for k, sid in enumerate(sids)}


def area_capacity(services: Services, population: pd.DataFrame, codes: Iterable[str],
                  settings: AnalysisSettings | None = None) -> pd.DataFrame:
    """Registered capacity per 1000 over any area (e.g. the kraj or Czechia), per kind × form × unit.

    Parameters
    ----------
    services : Services
        Services of the larger area (e.g. the national registry file).
    population : DataFrame
        Indexed by obec code with ``population`` and ``pop_<band>`` columns (all obce loaded).
    codes : iterable of str
        Obce of the area.

    Counting is the same as for the district's ``capacity`` table (a service × form once; field
    services by declared area); travel is not needed.
    """
    from coverage_app.codelists import base_bands_of

    settings = settings or AnalysisSettings()
    codes = [c for c in dict.fromkeys(str(c) for c in codes) if c in population.index]
    sv = services.services.set_index("service_id")
    frames = []
    for kind in services.kinds_present():
        kobj = services.kinds.get(kind)
        band = settings.band_of(kind, services.kinds)
        cols = ["population"] if band == "total" else [b.column for b in base_bands_of(band)]
        pop_all = population[cols].astype(float).sum(axis=1)
        pop = pop_all.loc[codes]
        ids = set(sv.index[sv["kind"] == kind])
        caps = services.capacities[services.capacities["service_id"].isin(ids)]
        ksites = services.sites[services.sites["service_id"].isin(ids)]
        areas = {sid: tuple(sv.loc[sid, "service_area"]) for sid in ids if len(sv.loc[sid, "service_area"])}
        frames.append(_capacity_table(set(codes), settings, kind, kobj.name_cs if kobj else kind, band, pop, caps,
                                      ksites, areas, pop_all))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(CAPACITY_COLUMNS))


def compare_capacity(district_capacity: pd.DataFrame, other: pd.DataFrame, label: str) -> pd.DataFrame:
    """District capacity per 1000 beside another area's (e.g. ``kraj``, ``cr``), per kind × form × unit.

    Adds ``per_1000_<label>`` and ``ratio_to_<label>`` (district / area; 1 = the same level).
    """
    key = ["service_kind", "form", "capacity_unit"]
    right = other[key + ["capacity_per_1000"]].rename(columns={"capacity_per_1000": f"per_1000_{label}"})
    out = district_capacity.merge(right, on=key, how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        out[f"ratio_to_{label}"] = (out["capacity_per_1000"] / out[f"per_1000_{label}"]).round(3)
    return out
