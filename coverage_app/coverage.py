"""Coverage of a district by social services: reachability, field coverage, capacity, gaps.

Everything here is pure (no Streamlit): :func:`analyze` takes a
:class:`~coverage_app.model.District`, :class:`~coverage_app.model.Services`, an optional road
graph and :class:`~coverage_app.settings.AnalysisSettings`, and returns an :class:`Analysis`
with these tables:

``coverage``
    One row per obec × kind present among the services, judged by the kind's access rule (level
    of availability ``access_level``, modes ``access_mode``, time limit ``limit_min``): the
    nearest counting site to which clients travel (forms ``amb``/``pob``: id, name, minutes, km),
    whether it is reachable within the limit, whether a field service (form ``ter``) declares the
    obec in its service area and how far its base is, the target population (the kind's age
    band), E2SFCA accessibility per 1000 of the target population (Luo & Qi 2009, in one capacity
    unit), the field capacity per 1000, whether it is an obec-level gap and the method
    (``road`` or ``estimate``).  See :mod:`coverage_app.kind_indicators`.
``coverage_by_form``
    The same per obec × kind × form × capacity unit.
``capacity``
    One row per kind × form × capacity unit over the district: registered capacity (each
    service × form counted once however many sites it has) and capacity per 1000 of the target
    population.  Different units are never added.
``gaps``
    Gaps judged at each kind's level: per obec for local kinds, per ORP/POÚ for ORP-level kinds,
    per kraj for regional ones, remote and national kinds as missing for the kraj — ranked by the
    people of the target group affected, each with a plain Czech reason (:mod:`coverage_app.gaps`).
``gap_summary``
    Per working group and kind: units and obce affected and the people concerned.
``availability``
    National and remote kinds: available (with the services' phones) or missing.
``reach_bands``
    Target population per kind by travel-time band (0–15, 15–30, 30–45, over 45 minutes).
``network_check``
    Road times against the straight-line estimate between the district's obce: a coarse network
    (one without local roads) is reported (:mod:`coverage_app.netcheck`).

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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage_app.codelists import CAPACITY_UNITS, FORMS
from coverage_app.gaps import GAP_COLUMNS, availability, gap_summary, level_gaps
from coverage_app.i18n import register, t
from coverage_app.indicators import (
    CAPACITY_COLUMNS,
    area_capacity,
    compare_capacity,
    e2sfca,
    field_ratio,
    fmt_dec,
    time_band_label,
)
from coverage_app.kind_indicators import COVERAGE_COLUMNS, KindResult, _plain, compute_kind
from coverage_app.model import District, Services
from coverage_app.netcheck import NetworkCheck, check_network, require_cover
from coverage_app.reach import RoadGraph, Router
from coverage_app.sitepass import DenseTravel, SiteTravel, travel_for
from coverage_app.settings import AnalysisSettings
from coverage_app.transit.indicators import without_car
from coverage_app.transit.router import TransitMatrix, TransitRouter

__all__ = [
    "Analysis",
    "KindResult",
    "analyze",
    "area_capacity",
    "compare_capacity",
    "compute_kind",
    "e2sfca",
    "field_ratio",
    "time_band_label",
    "COVERAGE_COLUMNS",
    "CAPACITY_COLUMNS",
    "GAP_COLUMNS",
]

register({
    "method.road": {"cs": "po silnicích", "en": "along roads"},
    "method.estimate": {
        "cs": "odhad: vzdušná vzdálenost × {detour} při {speed} km/h",
        "en": "estimate: straight line × {detour} at {speed} km/h",
    },
})



@dataclass
class Analysis:
    """Result of :func:`analyze` (see the module docstring for the tables).

    Attributes
    ----------
    district, services, settings
        The inputs (services filtered to the reference date).
    travel : SiteTravel or DenseTravel
        Obce (rows, district order) × site locations (columns, see ``sites["col"]``): the nearest
        location of a group, minutes up to a limit, one obec's row (:mod:`coverage_app.sitepass`).
    sites : GeoDataFrame
        The services' sites with a point, with ``col`` (column in ``travel``).
    results : dict of kind id → KindResult
    network : NetworkCheck or None
        Road times against the straight-line estimate (``None`` without roads).
    transit : TransitMatrix or None
        Public-transport journeys obce × site locations, there and back (``None`` without a
        timetable; :mod:`coverage_app.transit`).
    """

    district: District
    services: Services
    settings: AnalysisSettings
    travel: SiteTravel | DenseTravel
    sites: gpd.GeoDataFrame
    results: dict[str, KindResult]
    area_population: pd.DataFrame | None = None
    unplaced_sites: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference_capacity: dict[str, pd.DataFrame] = field(default_factory=dict)
    outside: pd.DataFrame | None = None
    outside_minutes: np.ndarray | None = None
    network: NetworkCheck | None = None
    transit: TransitMatrix | None = None
    transit_router: TransitRouter | None = field(default=None, repr=False)

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
        return t("method.estimate", lang, detour=fmt_dec(p.get("detour_factor", 1.3), lang),
                 speed=fmt_dec(p.get("speed_kmh", 45), lang))

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
        """Gaps at each kind's level, ranked by the people affected (:data:`GAP_COLUMNS`);
        made once per set of kind results (a what-if replaces the results it changes)."""
        token = list(self.results.items())  # the result objects themselves, compared by identity
        cached = self.__dict__.get("_gaps_cache")
        if cached is None or len(cached[0]) != len(token) or any(
                a[0] != b[0] or a[1] is not b[1] for a, b in zip(cached[0], token)):
            cached = (token, level_gaps(self))
            self.__dict__["_gaps_cache"] = cached
        return cached[1].copy()

    def gap_summary(self, lang: str = "cs") -> pd.DataFrame:
        """Per working group and kind: units and obce affected, people concerned."""
        return gap_summary(self, self.gaps, lang)

    @property
    def availability(self) -> pd.DataFrame:
        """National and remote kinds: available (services with phones) or missing, per kraj."""
        return availability(self)

    def counting_site_ids(self) -> set[str]:
        """Sites that count for the district: its own sites, sites within reach and sites of
        services that declare an obec of the district (the what-if lists offer only these)."""
        codes = set(self.district.codes)
        out: set[str] = set()
        for res in self.results.values():
            out |= set(res.counting_sites)
        sv = self.services.services
        serving = set(sv.loc[sv["service_area"].map(lambda a: bool(codes & set(a))), "service_id"])
        st = self.sites
        out |= set(st.loc[st["kod_obce"].isin(codes) | st["service_id"].isin(serving), "site_id"])
        return out

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
        row_minutes, row_km = self.travel.row(i)
        rows = []
        for (sid, form), grp in tab.groupby(["service_id", "form"], sort=False):
            cols = grp["col"].dropna().astype(int).to_numpy()
            minutes = row_minutes[cols] if cols.size else np.array([])
            km = row_km[cols] if cols.size else np.array([])
            best = int(np.argmin(minutes)) if minutes.size else -1
            first = grp.iloc[best if best >= 0 else 0]
            area = set(first["service_area"])
            in_area = form == "ter" and kod_obce in area
            m = float(minutes[best]) if best >= 0 else math.inf
            rule = self.settings.access_of(first["kind"], self.services.kinds)
            limit = self.settings.limit_of(rule, "travel" if form in self.settings.travel_forms else "field")
            reach = form in self.settings.travel_forms and m <= limit
            if not (in_area or reach or (form == "ter" and not area and m <= limit)):
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
                "access_level": rule.level, "access_mode": rule.mode_code,
                "site_name": first["site_name"], "obec_name": "" if public and secret else first["obec_name"],
                "site_obec": "" if public and secret else first["kod_obce"],
                "address": first.get("address_text", ""),
                "travel_time_min": round(m, 1) if np.isfinite(m) else np.nan,
                "distance_km": round(float(km[best]), 2) if best >= 0 and np.isfinite(km[best]) else np.nan,
                "in_service_area": in_area, "secret_address": bool(first["secret_address"]),
                "capacity": "; ".join(f"{fmt_dec(c.capacity, lang)} {CAPACITY_UNITS[c.unit].short_cs if lang == 'cs' else CAPACITY_UNITS[c.unit].short_en}"
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

    def without_car(self, lang: str = "cs") -> pd.DataFrame:
        """Obce × kinds reached by car within the limit but not by public transport (the "bez
        auta" list, :func:`coverage_app.transit.indicators.without_car`)."""
        return without_car(self, lang)

    def indicator_frame(self, kind: str, indicator: str) -> pd.Series:
        """One indicator of one kind per obec (indexed by obec code), e.g. for a map."""
        cov = self.coverage
        sub = cov[cov["service_kind"] == kind].set_index("municipality_code")
        return sub[indicator].reindex(self.district.codes)



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
    progress: Callable[[int, int], None] | None = None,
    transit: TransitRouter | None = None,
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
    progress : callable, optional
        Called as ``progress(done, total)`` after each kind of service (for a progress bar).
    transit : TransitRouter, optional
        Public-transport journeys on a timetable (adds the ``pt_*`` and ``car_only`` columns).
    """
    settings = settings or AnalysisSettings()
    if settings.reference_date is not None:
        services = services.active_on(settings.reference_date)
    placed = services.sites.geometry.notna() & ~services.sites.geometry.is_empty
    unplaced = pd.DataFrame(services.sites.loc[~placed].drop(columns="geometry"))
    sites = _plain(services.sites.loc[placed].copy())
    locations, cols = _site_locations(sites)
    sites["col"] = cols
    if router is None and roads is None:
        router = make_router(district, roads, settings)
    travel = travel_for(district.xy(), locations, roads, router, mode=settings.mode,
                        access_speed_kmh=settings.access_speed_kmh)
    if router is not None and isinstance(travel, SiteTravel):
        travel._router = router  # a router made earlier (the app's) serves the maps' dense matrix
    analysis = Analysis(district, services, settings, travel, sites, {}, context, unplaced)
    analysis.outside, analysis.outside_minutes = _outside_demand(district, context, locations, travel.router,
                                                                 settings)
    require_cover(district, travel)  # a network of another area is refused, not used
    analysis.network = check_network(district, travel)
    if transit is not None:
        analysis.transit = transit.matrix(district.xy(), locations)
        analysis.transit_router = transit
    present = services.kinds_present()
    for done, kind in enumerate(present):
        analysis.results[kind] = compute_kind(analysis, kind)
        if progress is not None:
            progress(done + 1, len(present))
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
