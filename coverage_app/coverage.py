"""Coverage of a district by social services: reachability, field coverage, capacity, gaps.

Everything here is pure (no Streamlit): :func:`analyze` takes a
:class:`~coverage_app.model.District`, :class:`~coverage_app.model.Services`, an optional road
graph and :class:`~coverage_app.settings.AnalysisSettings`, and returns an :class:`Analysis`
with these tables:

``coverage``
    One row per obec × kind present among the services: the nearest site to which clients travel
    (forms ``amb``/``pob``: id, name, minutes, km), whether it is reachable within the threshold,
    whether a field service (form ``ter``) declares the obec in its service area, the target
    population (the kind's age band), E2SFCA accessibility per 1000 of the target population
    (Luo & Qi 2009, in one capacity unit), the field capacity per 1000, whether it is a gap and
    the method (``road`` or ``estimate``).
``coverage_by_form``
    The same per obec × kind × form × capacity unit.
``capacity``
    One row per kind × form × capacity unit over the district: registered capacity (each
    service × form counted once however many sites it has) and capacity per 1000 of the target
    population.  Different units are never added.
``gaps``
    Obec × kind rows with no reachable site and no field coverage, or below a user norm, ranked
    by the target population affected, each with a plain Czech reason.
``reach_bands``
    Target population per kind by travel-time band (0–15, 15–30, 30–45, over 45 minutes).

Definitions (units):

* travel time in minutes, distance in km (along roads, or straight line × detour factor);
* capacity of a service × form is split equally among its located sites of that form when
  supply is placed at sites (E2SFCA), so a service with two sites is never counted twice;
* E2SFCA: ``R_j = S_j / Σ_i P_i W(t_ij)``, ``A_i = Σ_j R_j W(t_ij)``, reported as
  ``1000 · A_i`` (capacity units per 1000 people of the target band); demand are the district's
  obce;
* field capacity per 1000: for each field service ``S / Σ_{i ∈ area} P_i`` summed over the
  services whose declared area contains the obec (population of area obce outside the district
  is used when known, see ``context`` of :func:`analyze`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import AGE_BANDS, CAPACITY_UNITS, FORMS
from coverage_app.i18n import register, t
from coverage_app.model import District, Services
from coverage_app.reach import RoadGraph, Router, TravelMatrix
from coverage_app.settings import AnalysisSettings

__all__ = [
    "Analysis",
    "KindResult",
    "analyze",
    "e2sfca",
    "field_ratio",
    "time_band_label",
    "COVERAGE_COLUMNS",
    "CAPACITY_COLUMNS",
    "GAP_COLUMNS",
]

register({
    "reason.nearest_beyond": {"cs": "nejbližší {kind} {minutes} min", "en": "nearest {kind} {minutes} min"},
    "reason.no_site": {"cs": "žádné zařízení (ambulantní ani pobytové): {kind}",
                       "en": "no ambulatory or residential site: {kind}"},
    "reason.outside_field": {"cs": "mimo územní působnost terénních služeb",
                             "en": "outside the service area of field services"},
    "reason.no_field": {"cs": "žádná terénní služba tohoto druhu", "en": "no field service of this kind"},
    "band.field_only": {"cs": "jen terénní služba", "en": "field service only"},
    "band.none": {"cs": "bez dosahu", "en": "out of reach"},
    "reason.unreachable": {"cs": "nejbližší {kind} není po silniční síti dosažitelný",
                           "en": "the nearest {kind} cannot be reached over the road network"},
    "reason.below_norm": {
        "cs": "kapacita {value} {unit} na 1000 ({band}) je pod normou {norm}{source}",
        "en": "capacity {value} {unit} per 1000 ({band}) is below the norm {norm}{source}",
    },
    "reason.source": {"cs": " (zdroj: {source})", "en": " (source: {source})"},
    "method.road": {"cs": "po silnicích", "en": "along roads"},
    "method.estimate": {
        "cs": "odhad: vzdušná vzdálenost × {detour} při {speed} km/h",
        "en": "estimate: straight line × {detour} at {speed} km/h",
    },
})

#: Columns of :attr:`Analysis.coverage` (first the ones the CLI promises).
COVERAGE_COLUMNS: tuple[str, ...] = (
    "municipality_code", "municipality_name", "service_kind", "kind_name", "target_band",
    "target_population", "nearest_service_id", "nearest_site_id", "nearest_site_name", "nearest_form",
    "travel_time_min", "distance_km", "time_band", "reachable", "field_covered", "field_basis",
    "field_services", "e2sfca_per_1000", "e2sfca_shared_per_1000", "e2sfca_unit", "field_capacity_per_1000",
    "field_unit",
    "gap", "gap_reason", "age_estimated", "method",
)

#: Columns of :attr:`Analysis.capacity`.
CAPACITY_COLUMNS: tuple[str, ...] = (
    "service_kind", "kind_name", "form", "capacity_unit", "total_capacity", "n_services", "n_sites",
    "target_band", "target_population", "capacity_per_1000", "attributed_capacity", "attributed_per_1000",
    "norm_per_1000", "norm_band", "norm_compared_per_1000", "norm_source", "below_norm", "age_estimated",
)

#: Columns of :attr:`Analysis.gaps`.
GAP_COLUMNS: tuple[str, ...] = (
    "rank", "municipality_code", "municipality_name", "service_kind", "kind_name", "target_band",
    "target_population", "travel_time_min", "reachable", "field_covered", "reason", "age_estimated", "method",
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
    out = pd.Series(0.0, index=population.index)
    known = population if area_population is None else area_population.combine_first(population)
    for sid, cap in supply.items():
        area = [c for c in dict.fromkeys(areas.get(sid, ())) if c in known.index]
        denom = float(known.loc[area].sum()) if area else 0.0
        if denom <= 0:
            continue
        inside = [c for c in area if c in out.index]
        out.loc[inside] += cap / denom
    return out


# ---------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------
@dataclass
class KindResult:
    """Indicators of one kind (kept apart so a what-if recomputes only the kinds it touches)."""

    kind: str
    coverage: pd.DataFrame
    by_form: pd.DataFrame
    capacity: pd.DataFrame
    bands: pd.DataFrame


@dataclass
class Analysis:
    """Result of :func:`analyze` (see the module docstring for the tables).

    Attributes
    ----------
    district, services, settings
        The inputs (services filtered to the reference date).
    travel : TravelMatrix
        Obce (rows, district order) × site locations (columns, see ``sites["col"]``).
    sites : GeoDataFrame
        The services' sites with a point, with ``col`` (column in ``travel``).
    results : dict of kind id → KindResult
    """

    district: District
    services: Services
    settings: AnalysisSettings
    travel: TravelMatrix
    sites: gpd.GeoDataFrame
    results: dict[str, KindResult]
    area_population: pd.DataFrame | None = None
    unplaced_sites: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference_capacity: dict[str, pd.DataFrame] = field(default_factory=dict)
    outside: pd.DataFrame | None = None
    outside_minutes: np.ndarray | None = None

    def compare_with(self, label: str, services: Services, population: pd.DataFrame, codes: Iterable[str]) -> None:
        """Add a larger area's capacity per 1000 (e.g. ``kraj``, ``cr``) beside the district's.

        ``services`` should cover that whole area (e.g. the national registry file); the
        ``capacity`` table then has ``per_1000_<label>`` and ``ratio_to_<label>`` columns.
        """
        self.reference_capacity[label] = area_capacity(services, population, codes, self.settings)

    @property
    def method(self) -> str:
        """``road`` or ``estimate``."""
        return self.travel.method

    def method_text(self, lang: str = "cs") -> str:
        """How travel times were computed, in words."""
        if self.method == "road":
            return t("method.road", lang)
        p = self.travel.params
        return t("method.estimate", lang, detour=_fmt_dec(p.get("detour_factor", 1.3), lang),
                 speed=_fmt_dec(p.get("speed_kmh", 45), lang))

    def _concat(self, attr: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
        frames = [getattr(r, attr) for r in self.results.values() if len(getattr(r, attr))]
        if not frames:
            return pd.DataFrame(columns=list(columns or ()))
        return pd.concat(frames, ignore_index=True)

    @property
    def coverage(self) -> pd.DataFrame:
        """One row per obec × kind (:data:`COVERAGE_COLUMNS`)."""
        return self._concat("coverage", COVERAGE_COLUMNS)

    @property
    def coverage_by_form(self) -> pd.DataFrame:
        """One row per obec × kind × form × capacity unit."""
        return self._concat("by_form")

    @property
    def capacity(self) -> pd.DataFrame:
        """One row per kind × form × capacity unit over the district (:data:`CAPACITY_COLUMNS`),
        with a larger area's level beside it for every :meth:`compare_with`."""
        out = self._concat("capacity", CAPACITY_COLUMNS)
        for label, other in self.reference_capacity.items():
            out = compare_capacity(out, other, label)
        return out

    @property
    def reach_bands(self) -> pd.DataFrame:
        """Target population by kind and travel-time band."""
        return self._concat("bands")

    @property
    def gaps(self) -> pd.DataFrame:
        """Gaps ranked by the target population affected (:data:`GAP_COLUMNS`)."""
        cov = self.coverage
        if cov.empty:
            return pd.DataFrame(columns=list(GAP_COLUMNS))
        g = cov[cov["gap"]].copy()
        g = g.sort_values(["target_population", "municipality_name", "service_kind"],
                          ascending=[False, True, True], kind="mergesort")
        g["rank"] = np.arange(1, len(g) + 1)
        g = g.rename(columns={"gap_reason": "reason"})
        return g[list(GAP_COLUMNS)].reset_index(drop=True)

    def obec_detail(self, kod_obce: str, *, public: bool = False, lang: str = "cs") -> pd.DataFrame:
        """Services that serve or are reachable from one obec, nearest first.

        One row per service × form: kind, form, minutes and km to its nearest site (``amb``/``pob``),
        whether the obec is in its service area (``ter``), and the contacts.  With
        ``public=True`` secret addresses are withheld (see :meth:`Services.public_sites`).
        """
        codes = self.district.codes
        if kod_obce not in codes:
            raise KeyError(kod_obce)
        i = codes.index(kod_obce)
        tab = self.services.public_sites(lang) if public else self.services.table()
        tab = tab.merge(self.sites[["site_id", "form", "col"]], on=["site_id", "form"], how="left")
        rows = []
        for (sid, form), grp in tab.groupby(["service_id", "form"], sort=False):
            cols = grp["col"].dropna().astype(int).to_numpy()
            minutes = self.travel.minutes[i, cols] if cols.size else np.array([])
            km = self.travel.km[i, cols] if cols.size else np.array([])
            best = int(np.argmin(minutes)) if minutes.size else -1
            first = grp.iloc[best if best >= 0 else 0]
            area = set(first["service_area"])
            in_area = form == "ter" and kod_obce in area
            m = float(minutes[best]) if best >= 0 else math.inf
            reach = form in self.settings.travel_forms and m <= self.settings.threshold_min
            if not (in_area or reach or (form == "ter" and not area and m <= self.settings.threshold_min)):
                continue
            kind = self.services.kinds.get(first["kind"])
            caps = self.services.capacities
            cap = caps[(caps["service_id"] == sid) & (caps["form"] == form)]
            secret = bool(first["secret_address"])
            if public and secret:
                # nothing that would locate a secret site: no obec, no travel time, no distance
                m = math.inf
                km = np.full_like(km, np.nan, dtype=float)
                best = -1
            rows.append({
                "service_id": sid, "service_name": first["service_name"], "provider_name": first["provider_name"],
                "kind": first["kind"], "kind_name": kind.name_cs if lang == "cs" and kind else (kind.name_en if kind else ""),
                "form": form, "form_name": FORMS[form].name_cs if lang == "cs" else FORMS[form].name_en,
                "site_name": first["site_name"], "obec_name": "" if public and secret else first["obec_name"],
                "site_obec": "" if public and secret else first["kod_obce"],
                "address": first.get("address_text", ""),
                "travel_time_min": round(m, 1) if np.isfinite(m) else np.nan,
                "distance_km": round(float(km[best]), 2) if best >= 0 and np.isfinite(km[best]) else np.nan,
                "in_service_area": in_area, "secret_address": bool(first["secret_address"]),
                "capacity": "; ".join(f"{_fmt_dec(c.capacity, lang)} {CAPACITY_UNITS[c.unit].short_cs if lang == 'cs' else CAPACITY_UNITS[c.unit].short_en}"
                                      for c in cap.itertuples()),
                "phone": first["phone"], "email": first["email"], "web": first["web"], "hours": first["hours"],
                "fictional": bool(first["fictional"]),
            })
        out = pd.DataFrame(rows)
        if out.empty:
            return out
        # a site in the obec itself first, then services that come to the obec, then by travel time
        local = out["site_obec"].eq(kod_obce) & ~out["form"].eq("ter")
        out["_order"] = np.where(local, -2.0, np.where(out["in_service_area"], -1.0,
                                                      out["travel_time_min"].fillna(np.inf)))
        return out.sort_values(["_order", "service_name"]).drop(columns=["_order", "site_obec"]).reset_index(drop=True)

    def indicator_frame(self, kind: str, indicator: str) -> pd.Series:
        """One indicator of one kind per obec (indexed by obec code), e.g. for a map."""
        cov = self.coverage
        sub = cov[cov["service_kind"] == kind].set_index("municipality_code")
        return sub[indicator].reindex(self.district.codes)


def _fmt_dec(v: float, lang: str = "cs") -> str:
    text = _num(round(float(v), 2))
    return text.replace(".", ",") if lang == "cs" else text


def _plain(frame):
    """Text columns as plain Python objects: much faster to filter and index than Arrow strings
    for the many small selections of :func:`compute_kind`."""
    for c in frame.columns:
        if c != "geometry" and pd.api.types.is_string_dtype(frame[c].dtype):
            frame[c] = frame[c].astype(object)
    return frame


def _site_locations(sites: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Unique site locations (metres) and the column of each site."""
    xy = np.column_stack([sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()])
    if len(xy) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=int)
    key = np.round(xy, 1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    return uniq, inverse.ravel()


def make_router(district: District, graph: RoadGraph | None, settings: AnalysisSettings) -> Router:
    """The router from the district's obce points for these settings."""
    return Router(district.xy(), graph, settings.mode, detour_factor=settings.detour_factor,
                  speed_kmh=settings.speed_kmh, access_speed_kmh=settings.access_speed_kmh)


def analyze(
    district: District,
    services: Services,
    roads: RoadGraph | None = None,
    settings: AnalysisSettings | None = None,
    *,
    context: pd.DataFrame | None = None,
    router: Router | None = None,
) -> Analysis:
    """Compute reachability and coverage of a district (see the module docstring).

    Parameters
    ----------
    district : District
    services : Services
        Sites must be placed (see :func:`coverage_app.locate.locate_sites`); sites without a
        point are left out of travel times and listed in ``Analysis.unplaced_sites``.
    roads : RoadGraph, optional
        Road graph (method ``road``); without it travel is estimated (method ``estimate``).
    settings : AnalysisSettings, optional
    context : DataFrame, optional
        Population of obce outside the district (indexed by obec code, ``population`` and
        ``pop_<band>`` columns, e.g. all obce of the municipality file) used as denominators of
        declared field-service areas that reach beyond the district.
    router : Router, optional
        A router built earlier for the same district, roads and settings (reused by what-ifs).
    """
    settings = settings or AnalysisSettings()
    if settings.reference_date is not None:
        services = services.active_on(settings.reference_date)
    placed = services.sites.geometry.notna() & ~services.sites.geometry.is_empty
    unplaced = pd.DataFrame(services.sites.loc[~placed].drop(columns="geometry"))
    sites = _plain(services.sites.loc[placed].copy())
    locations, cols = _site_locations(sites)
    sites["col"] = cols
    if router is None:
        router = make_router(district, roads, settings)
    travel = router.matrix(locations)
    analysis = Analysis(district, services, settings, travel, sites, {}, context, unplaced)
    analysis.outside, analysis.outside_minutes = _outside_demand(district, context, locations, router, settings)
    for kind in services.kinds_present():
        analysis.results[kind] = compute_kind(analysis, kind)
    return analysis


#: Highest speed used to bound the search for neighbouring demand (km/h).
_MAX_SPEED_KMH = {"car": 130.0, "walk": 6.0}


def _outside_demand(district: District, context: pd.DataFrame | None, locations: np.ndarray, router: Router,
                    settings: AnalysisSettings) -> tuple[pd.DataFrame | None, np.ndarray | None]:
    """Obce around the district whose people compete for the same sites, and their travel minutes.

    Taken from ``context`` (population and ``x``/``y`` of all loaded obce): obce outside the
    district with people, within reach of a site inside the largest E2SFCA zone.
    """
    if context is None or len(context) == 0 or len(locations) == 0 or not {"x", "y"} <= set(context.columns):
        return None, None
    from scipy.spatial import cKDTree

    ctx = context[~context.index.astype(str).isin(set(district.codes))]
    ctx = ctx[(pd.to_numeric(ctx["population"], errors="coerce").fillna(0) > 0) & ctx["x"].notna() & ctx["y"].notna()]
    if ctx.empty:
        return None, None
    if router.method == "road":
        vmax = _MAX_SPEED_KMH[settings.mode]
    else:
        vmax = router.speed_kmh / router.detour_factor
    radius_m = settings.catchment_min / 60.0 * vmax * 1000.0 + 2000.0
    dist, _ = cKDTree(locations).query(ctx[["x", "y"]].to_numpy(dtype=float))
    ctx = ctx[dist <= radius_m]
    if ctx.empty:
        return None, None
    minutes = _minutes_from(router, ctx[["x", "y"]].to_numpy(dtype=float), locations, settings.catchment_min)
    keep = np.isfinite(minutes).any(axis=1)
    if not keep.any():
        return None, None
    return ctx[keep].copy(), minutes[keep]


def _minutes_from(router: Router, origins: np.ndarray, dests: np.ndarray, max_minutes: float) -> np.ndarray:
    """Minutes from other origins to ``dests`` with the same travel rules as ``router``."""
    from coverage_app.reach import minutes_to_points

    if router.method == "road":
        return minutes_to_points(origins, dests, router.graph, router.mode, access_speed_kmh=router.access_speed_kmh,
                                 max_minutes=max_minutes)
    return minutes_to_points(origins, dests, None, router.mode, detour_factor=router.detour_factor,
                             speed_kmh=router.speed_kmh, max_minutes=max_minutes)


def _outside_target(analysis: Analysis, band: str) -> np.ndarray | None:
    out = analysis.outside
    if out is None:
        return None
    if band == "total":
        return out["population"].to_numpy(dtype=float)
    from coverage_app.codelists import base_bands_of

    cols = [b.column for b in base_bands_of(band)]
    if not all(c in out for c in cols):
        return None
    return out[cols].to_numpy(dtype=float).sum(axis=1)


def _target(analysis: Analysis, band: str) -> pd.Series:
    return analysis.district.target_population(band)


def _area_population(analysis: Analysis, band: str) -> pd.Series | None:
    ctx = analysis.area_population
    if ctx is None or len(ctx) == 0:
        return None
    if band == "total":
        return ctx["population"].astype(float)
    from coverage_app.codelists import base_bands_of

    cols = [b.column for b in base_bands_of(band)]
    if not all(c in ctx for c in cols):
        return None
    return ctx[cols].astype(float).sum(axis=1)


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


def _tables(analysis: Analysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Services indexed by id and capacities, with plain text columns (cached per services object)."""
    key = id(analysis.services)
    cached = getattr(analysis, "_table_cache", None)
    if cached is None or cached[0] != key:
        sv = _plain(analysis.services.services.copy()).set_index("service_id")
        caps = _plain(analysis.services.capacities.copy())
        analysis._table_cache = (key, sv, caps)
    return analysis._table_cache[1], analysis._table_cache[2]


def compute_kind(analysis: Analysis, kind: str) -> KindResult:
    """Indicators of one kind (coverage, by form, capacity, time bands)."""
    s = analysis.settings
    district = analysis.district
    services = analysis.services
    kinds = services.kinds
    kobj = kinds.get(kind)
    kname = kobj.name_cs if kobj else kind
    ksing = kobj.singular_cs if kobj else kind
    band = s.band_of(kind, kinds)
    pop = _target(analysis, band)
    codes = district.codes
    names = district.obce["nazev_obce"].tolist()
    n = len(codes)
    sv, caps_all = _tables(analysis)
    kind_ids = set(sv.index[sv["kind"] == kind])
    ksites = analysis.sites[analysis.sites["service_id"].isin(kind_ids)]
    caps = caps_all[caps_all["service_id"].isin(kind_ids)]
    travel_sites = ksites[ksites["form"].isin(s.travel_forms)]
    minutes_all = analysis.travel.minutes
    km_all = analysis.travel.km

    # -- nearest travel site -----------------------------------------------------------------
    if len(travel_sites):
        tcols = travel_sites["col"].to_numpy()
        tmin = minutes_all[:, tcols]
        tkm = km_all[:, tcols]
        j = np.argmin(tmin, axis=1)
        best_min = tmin[np.arange(n), j]
        best_km = tkm[np.arange(n), j]
        has = np.isfinite(best_min)
        ts = travel_sites.reset_index(drop=True)
        near_service = np.where(has, ts["service_id"].to_numpy()[j], "")
        near_site = np.where(has, ts["site_id"].to_numpy()[j], "")
        site_names = ts["site_name"].astype(str).to_numpy()
        service_names = ts["service_id"].map(sv["service_name"]).fillna("").astype(str).to_numpy()
        site_names = np.where(site_names == "", service_names, site_names)
        near_name = np.where(has, site_names[j], "")
        near_form = np.where(has, ts["form"].to_numpy()[j], "")
    else:
        tmin = np.empty((n, 0))
        best_min = np.full(n, np.inf)
        best_km = np.full(n, np.nan)
        has = np.zeros(n, dtype=bool)
        near_service = near_site = near_name = near_form = np.array([""] * n, dtype=object)
    reachable = has & (best_min <= s.threshold_min)

    # -- field coverage ----------------------------------------------------------------------
    field_ids = sorted(set(ksites.loc[ksites["form"] == "ter", "service_id"])
                       | set(caps.loc[caps["form"] == "ter", "service_id"]) & kind_ids)
    areas: dict[str, tuple[str, ...]] = {}
    basis: dict[str, str] = {}
    for sid in field_ids:
        declared = tuple(sv.loc[sid, "service_area"]) if sid in sv.index else ()
        if declared:
            areas[sid] = declared
            basis[sid] = "declared"
        elif s.assume_field_area:
            base_cols = ksites.loc[(ksites["service_id"] == sid), "col"].to_numpy()
            if base_cols.size:
                near = (minutes_all[:, base_cols] <= s.threshold_min).any(axis=1)
                areas[sid] = tuple(c for c, ok in zip(codes, near) if ok)
            else:
                areas[sid] = ()
            basis[sid] = "assumed"
    covered_by: list[list[str]] = [[] for _ in range(n)]
    basis_of: list[set[str]] = [set() for _ in range(n)]
    pos = {c: i for i, c in enumerate(codes)}
    for sid, area in areas.items():
        for c in area:
            i = pos.get(c)
            if i is not None:
                covered_by[i].append(sid)
                basis_of[i].add(basis[sid])
    field_covered = np.array([bool(x) for x in covered_by])
    field_basis = ["declared" if "declared" in b else ("assumed" if b else "") for b in basis_of]

    # -- capacity per unit: E2SFCA (travel sites) and field ratio ----------------------------
    travel_caps = caps[caps["form"].isin(s.travel_forms)]
    field_caps = caps[caps["form"] == "ter"]
    area_pop = _area_population(analysis, band)
    out_pop = _outside_target(analysis, band)
    e2_by_unit: dict[tuple[str, str], np.ndarray] = {}
    e2_shared_by_unit: dict[tuple[str, str], np.ndarray] = {}
    for (form, unit), grp in travel_caps.groupby(["form", "unit"]):
        fsites = travel_sites[travel_sites["form"] == form]
        e2_by_unit[(form, unit)] = _e2sfca_for(grp, fsites, tmin_cols=minutes_all, pop=pop.to_numpy(), settings=s)
        e2_shared_by_unit[(form, unit)] = (
            _e2sfca_for(grp, fsites, minutes_all, pop.to_numpy(), s, out_pop, analysis.outside_minutes)
            if out_pop is not None else e2_by_unit[(form, unit)])
    field_by_unit: dict[str, pd.Series] = {}
    for unit, grp in field_caps.groupby("unit"):
        supply = dict(zip(grp["service_id"], grp["capacity"].astype(float)))
        field_by_unit[unit] = field_ratio(pop, supply, areas, area_pop)

    # the unit reported per obec: the most common one among the services within reach of the district
    preferred = list(kobj.units) if kobj else list(CAPACITY_UNITS)
    if len(travel_sites):
        within = (tmin <= s.catchment_min).any(axis=0)
        near_ids = set(travel_sites.loc[within, "service_id"])
    else:
        near_ids = set()
    serving_ids = {sid for sid, area in areas.items() if set(area) & set(codes)}
    e2_unit = (_main_unit(travel_caps.loc[travel_caps["service_id"].isin(near_ids), "unit"], preferred)
               or _main_unit(travel_caps["unit"], preferred))
    field_unit = (_main_unit(field_caps.loc[field_caps["service_id"].isin(serving_ids), "unit"], preferred)
                  or _main_unit(field_caps["unit"], preferred))
    e2_main = np.zeros(n)
    e2_shared = np.zeros(n)
    if e2_unit:
        for (form, unit), arr in e2_by_unit.items():
            if unit == e2_unit:
                e2_main = e2_main + arr
                e2_shared = e2_shared + e2_shared_by_unit[(form, unit)]
    field_main = field_by_unit[field_unit].to_numpy() if field_unit else np.zeros(n)

    # -- norms -------------------------------------------------------------------------------
    norm_fail = np.zeros(n, dtype=bool)
    norm_reason: list[list[str]] = [[] for _ in range(n)]
    for norm in s.norms_for(kind):
        nband = norm.band or band
        npop = pop if nband == band else _target(analysis, nband)
        value = np.zeros(n)
        for (form, unit), grp in travel_caps.groupby(["form", "unit"]):
            if unit == norm.unit and (norm.form in (None, form)):
                value += e2_by_unit[(form, unit)] if nband == band else _e2sfca_for(
                    grp, travel_sites[travel_sites["form"] == form], minutes_all, npop.to_numpy(), s)
        if norm.form in (None, "ter") and norm.unit in set(field_caps["unit"]):
            grp = field_caps[field_caps["unit"] == norm.unit]
            supply = dict(zip(grp["service_id"], grp["capacity"].astype(float)))
            value += field_ratio(npop, supply, areas, _area_population(analysis, nband)).to_numpy()
        per1000 = value * 1000.0
        fail = per1000 < norm.per_1000
        norm_fail |= fail
        unit_txt = CAPACITY_UNITS[norm.unit].short_cs
        src = t("reason.source", "cs", source=norm.source) if norm.source else ""
        for i in np.flatnonzero(fail):
            norm_reason[i].append(t("reason.below_norm", "cs", value=_fmt_dec(per1000[i]), unit=unit_txt,
                                    band=AGE_BANDS[nband].name_cs, norm=_fmt_dec(norm.per_1000), source=src))

    # -- gaps and reasons --------------------------------------------------------------------
    has_field_services = bool(areas)
    field_kind = has_field_services or (kobj is not None and "ter" in kobj.forms)
    site_kind = len(travel_sites) > 0 or kobj is None or any(f in kobj.forms for f in s.travel_forms)
    access_gap = ~reachable & ~field_covered
    popv = pop.to_numpy(dtype=float)
    gap = (access_gap | norm_fail) & (popv > 0)  # nobody of the target group there: no gap
    reasons = []
    for i in range(n):
        parts: list[str] = []
        if access_gap[i] and popv[i] > 0:
            if len(travel_sites):
                if np.isfinite(best_min[i]):
                    parts.append(t("reason.nearest_beyond", "cs", kind=ksing, minutes=int(round(best_min[i]))))
                else:
                    parts.append(t("reason.unreachable", "cs", kind=ksing))
            elif site_kind and not has_field_services:
                parts.append(t("reason.no_site", "cs", kind=ksing))
            if has_field_services:
                parts.append(t("reason.outside_field", "cs"))
            elif field_kind:
                parts.append(t("reason.no_field", "cs"))
        if popv[i] > 0:
            parts.extend(norm_reason[i])
        reasons.append("; ".join(parts))

    bands = [time_band_label(m, s.bands_min) for m in best_min]
    cov = pd.DataFrame({
        "municipality_code": codes,
        "municipality_name": names,
        "service_kind": kind,
        "kind_name": kname,
        "target_band": band,
        "target_population": np.round(pop.to_numpy(), 1),
        "nearest_service_id": near_service,
        "nearest_site_id": near_site,
        "nearest_site_name": near_name,
        "nearest_form": near_form,
        "travel_time_min": np.where(has, np.round(best_min, 1), np.nan),
        "distance_km": np.where(has, np.round(best_km, 2), np.nan),
        "time_band": bands,
        "reachable": reachable,
        "field_covered": field_covered,
        "field_basis": field_basis,
        "field_services": [";".join(x) for x in covered_by],
        "e2sfca_per_1000": np.round(e2_main * 1000.0, 4),
        "e2sfca_shared_per_1000": np.round(e2_shared * 1000.0, 4),
        "e2sfca_unit": e2_unit or "",
        "field_capacity_per_1000": np.round(field_main * 1000.0, 4),
        "field_unit": field_unit or "",
        "gap": gap,
        "gap_reason": reasons,
        "age_estimated": district.obce["age_estimated"].to_numpy() & (band != "total"),
        "method": analysis.travel.method,
    })

    # -- by form ------------------------------------------------------------------------------
    rows = []
    for form in FORMS:
        f_units = sorted(set(caps.loc[caps["form"] == form, "unit"]))
        f_sites = ksites[ksites["form"] == form]
        f_services = set(f_sites["service_id"]) | set(caps.loc[caps["form"] == form, "service_id"])
        if not f_services:
            continue
        if form in s.travel_forms and len(f_sites):
            fm = minutes_all[:, f_sites["col"].to_numpy()]
            fk = km_all[:, f_sites["col"].to_numpy()]
            fj = np.argmin(fm, axis=1)
            fmin = fm[np.arange(n), fj]
            fkm = fk[np.arange(n), fj]
            fs = f_sites.reset_index(drop=True)
            fok = np.isfinite(fmin)
            f_near = np.where(fok, fs["service_id"].to_numpy()[fj], "")
            f_site = np.where(fok, fs["site_id"].to_numpy()[fj], "")
        else:
            fmin = np.full(n, np.inf)
            fkm = np.full(n, np.nan)
            fok = np.zeros(n, dtype=bool)
            f_near = f_site = np.array([""] * n, dtype=object)
        for unit in f_units or [""]:
            if form == "ter":
                value = field_by_unit[unit].to_numpy() if unit in field_by_unit else np.zeros(n)
            else:
                value = e2_by_unit.get((form, unit), np.zeros(n))
            rows.append(pd.DataFrame({
                "municipality_code": codes, "municipality_name": names, "service_kind": kind, "form": form,
                "capacity_unit": unit, "target_population": np.round(pop.to_numpy(), 1),
                "nearest_service_id": f_near, "nearest_site_id": f_site,
                "travel_time_min": np.where(fok, np.round(fmin, 1), np.nan),
                "distance_km": np.where(fok, np.round(fkm, 2), np.nan),
                "reachable": fok & (fmin <= s.threshold_min) if form != "ter" else False,
                "field_covered": field_covered if form == "ter" else False,
                "capacity_per_1000": np.round(value * 1000.0, 4),
                "method": analysis.travel.method,
            }))
    by_form = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()

    # -- district capacity ---------------------------------------------------------------------
    capacity = _capacity_table(set(district.codes), s, kind, kname, band, pop, caps, ksites, areas, area_pop,
                               pop_of=lambda b: _target(analysis, b), age_estimated=district.age_is_estimated)

    # -- population by travel-time band --------------------------------------------------------
    labels = [time_band_label(b - 1e-9, s.bands_min) for b in s.bands_min] + [f"{_num(s.bands_min[-1])}+"]
    band_rows = []
    popv = pop.to_numpy()
    for lab in labels:
        mask = np.array([b == lab for b in bands])
        band_rows.append({"service_kind": kind, "kind_name": kname, "time_band": lab,
                          "target_population": round(float(popv[mask].sum()), 1), "n_obce": int(mask.sum())})
    none = np.array([b == "" for b in bands])
    field_only = none & field_covered
    for label, mask in ((t("band.field_only", "cs"), field_only), (t("band.none", "cs"), none & ~field_covered)):
        band_rows.append({"service_kind": kind, "kind_name": kname, "time_band": label,
                          "target_population": round(float(popv[mask].sum()), 1), "n_obce": int(mask.sum())})
    return KindResult(kind, cov, by_form, capacity, pd.DataFrame(band_rows))


def _e2sfca_for(caps: pd.DataFrame, sites: gpd.GeoDataFrame, tmin_cols: np.ndarray, pop: np.ndarray,
                settings: AnalysisSettings, other_pop: np.ndarray | None = None,
                other_minutes: np.ndarray | None = None) -> np.ndarray:
    """E2SFCA of one form × unit: capacity split equally over each service's located sites.

    ``other_pop``/``other_minutes`` (all site locations as columns) add the demand of obce around
    the district to step 1.
    """
    if sites.empty or caps.empty:
        return np.zeros(pop.size)
    cap = dict(zip(caps["service_id"], caps["capacity"].astype(float)))
    n_sites = sites.groupby("service_id")["site_id"].transform("count").to_numpy()
    supply = np.array([cap.get(sid, 0.0) for sid in sites["service_id"]]) / n_sites
    cols = sites["col"].to_numpy()
    minutes = tmin_cols[:, cols]
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
    site_obce = ksites.groupby(["service_id", "form"])["kod_obce"].agg(lambda x: set(x))
    n_sites = ksites.groupby(["service_id", "form"])["site_id"].nunique()
    known = pop if area_pop is None else area_pop.combine_first(pop)
    for (form, unit), grp in caps.groupby(["form", "unit"]):
        total = attributed = 0.0
        n_serv = n_site = 0
        for r in grp.itertuples():
            key = (r.service_id, form)
            in_district = bool(site_obce.get(key, set()) & codes)
            area = [c for c in areas.get(r.service_id, ()) if c]
            serves = form == "ter" and bool(set(area) & codes)
            if not (in_district or serves):
                continue
            share = 1.0
            if form == "ter" and area:
                inside = [c for c in area if c in codes]
                denom = float(known.reindex(area).fillna(0).sum())
                share = float(pop.reindex(inside).fillna(0).sum()) / denom if denom > 0 else 1.0
            total += float(r.capacity)
            attributed += float(r.capacity) * share
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
