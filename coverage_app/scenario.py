"""What-if scenarios, site suggestions and the comparison of two plan periods.

A :class:`Scenario` is a named list of edits to the services — add a site (or a whole new
service), close a site or a service, move a site, change a capacity, change a field service's
declared area.  :func:`run_scenario` applies it to a baseline :class:`~coverage_app.coverage.Analysis`
and recomputes only what changed: new or moved sites cost a look-up in the cached shortest-path
results (no new search), and only the kinds of service touched by an edit are recomputed.
:func:`scenario_delta` lists per obec × kind what changed against the baseline.

:func:`suggest_sites` finds the ``k`` obce where a new site of one kind would cover the most
target population that no existing site or field service reaches within the threshold — the
maximal covering location problem (Church & ReVelle 1974) solved to optimality with spopt's
``MCLP`` and the CBC solver shipped with PuLP.

:func:`compare_periods` compares two service snapshots (two registry files or two templates):
new, ended and changed services, and the change of coverage per obec × kind.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from coverage_app.codelists import CAPACITY_UNITS, FORMS
from coverage_app.coverage import Analysis, _minutes_from, _plain, analyze, compute_kind, make_router
from coverage_app.i18n import register, t
from coverage_app.model import CRS, District, Services
from coverage_app.reach import RoadGraph
from coverage_app.settings import AnalysisSettings

__all__ = [
    "AddSite",
    "RemoveSite",
    "RemoveService",
    "MoveSite",
    "Resize",
    "SetServiceArea",
    "Scenario",
    "apply_scenario",
    "run_scenario",
    "scenario_delta",
    "suggest_sites",
    "suggestion_form",
    "compare_periods",
    "PeriodComparison",
    "DELTA_INDICATORS",
]

register({
    "scenario.new_service_name": {"cs": "Scénář: {name}", "en": "Scenario: {name}"},
    "scenario.unknown_site": {"cs": "místo {site} neexistuje", "en": "site {site} does not exist"},
    "scenario.unknown_service": {"cs": "služba {service} neexistuje", "en": "service {service} does not exist"},
    "scenario.unknown_obec": {"cs": "obec {obec} není mezi načtenými obcemi",
                              "en": "obec {obec} is not among the loaded municipalities"},
    "scenario.no_location": {"cs": "nové místo potřebuje obec nebo souřadnice",
                             "en": "a new site needs an obec or coordinates"},
    "scenario.bad_kind": {"cs": "neznámý druh služby {kind}", "en": "unknown kind of service {kind}"},
    "scenario.bad_form": {"cs": "neznámá forma {form}", "en": "unknown form {form}"},
    "scenario.bad_unit": {"cs": "neznámá jednotka kapacity {unit}", "en": "unknown capacity unit {unit}"},
    "scenario.negative": {"cs": "kapacita nesmí být záporná", "en": "capacity must not be negative"},
    "scenario.form_not_allowed": {
        "cs": "forma {form} není u druhu {kind} podle zákona možná (možné: {allowed})",
        "en": "the form {form} is not allowed for {kind} by the Act (allowed: {allowed})"},
    "suggest.method_field": {
        "cs": "MCLP (maximální pokrytí), optimální řešení řešičem CBC; středisko terénní služby, pokrytí = dojezd "
              "pracovníků ze střediska ≤ {threshold} min; územní působnost = obce v tomto dosahu",
        "en": "MCLP (maximal covering), optimal solution by the CBC solver; a field-service base, covered = the "
              "staff's drive from the base ≤ {threshold} min; service area = the obce within that drive"},
    "suggest.method": {
        "cs": "MCLP (maximální pokrytí), optimální řešení řešičem CBC; pokrytí = dojezd klientů ≤ {threshold} min; "
              "stávající místa a terénní služby zůstávají",
        "en": "MCLP (maximal covering), optimal solution by the CBC solver; covered = travel ≤ {threshold} min; "
              "existing sites and field services kept"},
    "period.new": {"cs": "nová", "en": "new"},
    "period.ended": {"cs": "ukončená", "en": "ended"},
    "period.changed": {"cs": "změněná", "en": "changed"},
    "period.capacity": {"cs": "kapacita {form} {unit}: {a} → {b}", "en": "capacity {form} {unit}: {a} → {b}"},
    "period.sites": {"cs": "počet míst: {a} → {b}", "en": "sites: {a} → {b}"},
    "period.moved": {"cs": "změna míst poskytování", "en": "sites changed"},
    "period.kind": {"cs": "druh: {a} → {b}", "en": "kind: {a} → {b}"},
    "period.area": {"cs": "územní působnost: {a} → {b} obcí", "en": "service area: {a} → {b} obce"},
    "period.name": {"cs": "název: {a} → {b}", "en": "name: {a} → {b}"},
    "period.valid_to": {"cs": "ukončení k {date}", "en": "ends on {date}"},
})


class ScenarioError(ValueError):
    """An edit that cannot be applied (message in Czech, :meth:`message` for English)."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(t(key, "cs", **params))

    def message(self, lang: str = "cs") -> str:
        return t(self.key, lang, **self.params)


# ---------------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AddSite:
    """A new site: of a new service (``service_id=None``) or of an existing one.

    A new service needs ``kind``, ``form`` and usually ``capacity`` + ``unit``.  A site added to
    an existing service shares that service's capacity (capacity belongs to service × form);
    give ``capacity`` to set the service × form capacity as well.  The location is ``x``/``y``
    (EPSG:5514 metres) or, failing that, the point of obec ``kod_obce``.
    """

    kind: str | None = None
    form: str = "amb"
    kod_obce: str | None = None
    x: float | None = None
    y: float | None = None
    capacity: float | None = None
    unit: str | None = None
    name: str = ""
    service_id: str | None = None
    service_area: tuple[str, ...] = ()
    op: ClassVar[str] = "add_site"


@dataclass(frozen=True)
class RemoveSite:
    """Close a site (all its forms, or one ``form``); a service left without sites closes."""

    site_id: str
    form: str | None = None
    op: ClassVar[str] = "remove_site"


@dataclass(frozen=True)
class RemoveService:
    """Close a whole service (all sites, forms and capacities)."""

    service_id: str
    op: ClassVar[str] = "remove_service"


@dataclass(frozen=True)
class MoveSite:
    """Move a site to ``x``/``y`` (EPSG:5514 metres) or to the point of obec ``kod_obce``."""

    site_id: str
    x: float | None = None
    y: float | None = None
    kod_obce: str | None = None
    op: ClassVar[str] = "move_site"


@dataclass(frozen=True)
class Resize:
    """Set the capacity of a service × form in one unit (0 keeps the form without capacity)."""

    service_id: str
    form: str
    unit: str
    capacity: float
    op: ClassVar[str] = "resize"


@dataclass(frozen=True)
class SetServiceArea:
    """Replace the declared service area (obec codes) of a field service."""

    service_id: str
    obce: tuple[str, ...]
    op: ClassVar[str] = "set_area"


Edit = AddSite | RemoveSite | RemoveService | MoveSite | Resize | SetServiceArea
_EDIT_TYPES: dict[str, type] = {cls.op: cls for cls in (AddSite, RemoveSite, RemoveService, MoveSite, Resize,
                                                         SetServiceArea)}


@dataclass(frozen=True)
class Scenario:
    """A named list of edits (JSON-able with :meth:`to_dict` / :meth:`from_dict`)."""

    name: str
    edits: tuple[Edit, ...] = ()
    note: str = ""

    def add(self, edit: Edit) -> "Scenario":
        """A copy with one more edit."""
        return Scenario(self.name, self.edits + (edit,), self.note)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for saving (``{"name", "note", "edits": [{"op": …, …}]}``)."""
        return {"name": self.name, "note": self.note,
                "edits": [{"op": e.op, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(e).items()}}
                          for e in self.edits]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Scenario":
        edits = []
        for raw in data.get("edits", []):
            raw = dict(raw)
            kind = _EDIT_TYPES[raw.pop("op")]
            for key in ("service_area", "obce"):
                if key in raw and raw[key] is not None:
                    raw[key] = tuple(str(c) for c in raw[key])
            edits.append(kind(**raw))
        return cls(str(data.get("name", "")), tuple(edits), str(data.get("note", "")))


# ---------------------------------------------------------------------------------------------
# Applying edits
# ---------------------------------------------------------------------------------------------
def _obec_point(obce: pd.DataFrame, kod: str) -> Point:
    hit = obce.loc[obce["kod_obce"] == str(kod)]
    if hit.empty:
        raise ScenarioError("scenario.unknown_obec", obec=kod)
    return Point(float(hit["x"].iloc[0]), float(hit["y"].iloc[0]))


def _obec_name(obce: pd.DataFrame, kod: str) -> str:
    hit = obce.loc[obce["kod_obce"] == str(kod), "nazev_obce"]
    return str(hit.iloc[0]) if len(hit) else ""


def apply_scenario(services: Services, scenario: Scenario, obce: pd.DataFrame) -> tuple[Services, set[str]]:
    """Apply the edits to a copy of ``services``.

    Parameters
    ----------
    services : Services
    scenario : Scenario
    obce : DataFrame
        Obce with ``kod_obce``, ``nazev_obce``, ``x``, ``y`` (for locations given by obec).

    Returns
    -------
    (Services, set of str)
        The edited services and the kinds the edits touch.

    Raises
    ------
    ScenarioError
        When an edit names an unknown site, service, obec, kind, form or unit.
    """
    sv = services.services.copy()
    sites = services.sites.copy()
    caps = services.capacities.copy()
    kinds = services.kinds
    touched: set[str] = set()
    counter = itertools.count(1)

    def kind_of(service_id: str) -> str:
        hit = sv.loc[sv["service_id"] == service_id, "kind"]
        if hit.empty:
            raise ScenarioError("scenario.unknown_service", service=service_id)
        return str(hit.iloc[0])

    def check_site(site_id: str) -> pd.Series:
        mask = sites["site_id"] == site_id
        if not mask.any():
            raise ScenarioError("scenario.unknown_site", site=site_id)
        return mask

    def set_capacity(service_id: str, form: str, unit: str, capacity: float) -> None:
        nonlocal caps
        if unit not in CAPACITY_UNITS:
            raise ScenarioError("scenario.bad_unit", unit=unit)
        if capacity < 0:
            raise ScenarioError("scenario.negative")
        mask = (caps["service_id"] == service_id) & (caps["form"] == form) & (caps["unit"] == unit)
        if mask.any():
            caps.loc[mask, "capacity"] = float(capacity)
        else:
            caps = pd.concat([caps, pd.DataFrame([{"service_id": service_id, "form": form, "unit": unit,
                                                   "capacity": float(capacity)}])], ignore_index=True)

    for edit in scenario.edits:
        if isinstance(edit, AddSite):
            if edit.form not in FORMS:
                raise ScenarioError("scenario.bad_form", form=edit.form)
            if edit.x is not None and edit.y is not None:
                point = Point(float(edit.x), float(edit.y))
            elif edit.kod_obce:
                point = _obec_point(obce, edit.kod_obce)
            else:
                raise ScenarioError("scenario.no_location")
            kod = str(edit.kod_obce or "")
            if edit.service_id and (sv["service_id"] == edit.service_id).any():
                sid = edit.service_id
                kind = kind_of(sid)
            else:
                kind = kinds.resolve(edit.kind) if edit.kind else None
                if kind is None:
                    raise ScenarioError("scenario.bad_kind", kind=edit.kind)
                sid = edit.service_id or f"scenar-{next(counter)}"
                while (sv["service_id"] == sid).any():
                    sid = f"scenar-{next(counter)}"
                kobj = kinds.get(kind)
                label = edit.name or (kobj.name_cs if kobj else kind)
                row = {c: None for c in sv.columns}
                row.update({"service_id": sid, "service_name": t("scenario.new_service_name", "cs", name=label),
                            "provider_name": "", "provider_ico": "", "kind": kind, "target_groups": (),
                            "service_area": tuple(edit.service_area), "valid_from": None, "valid_to": None,
                            "phone": "", "email": "", "web": "", "hours": "", "description": "",
                            "fictional": True, "source": f"scénář {scenario.name}"})
                sv = pd.concat([sv, pd.DataFrame([row])], ignore_index=True)
            site_id = f"{sid}#s{next(counter)}"
            new_site = {c: "" for c in sites.columns if c != "geometry"}
            new_site.update({"service_id": sid, "site_id": site_id, "site_name": edit.name or site_id, "form": edit.form,
                             "kod_obce": kod, "obec_name": _obec_name(obce, kod) if kod else "",
                             "secret_address": False, "location_method": "coordinates" if edit.x is not None else
                             "obec_point"})
            if "source_row" in new_site:
                new_site["source_row"] = None
            sites = gpd.GeoDataFrame(pd.concat([sites, gpd.GeoDataFrame([new_site], geometry=[point], crs=CRS)],
                                               ignore_index=True), geometry="geometry", crs=CRS)
            if edit.capacity is not None:
                unit = edit.unit or (kinds.get(kind).units[0] if kinds.get(kind) else "klient")
                set_capacity(sid, edit.form, unit, edit.capacity)
            touched.add(kind)
        elif isinstance(edit, RemoveSite):
            mask = check_site(edit.site_id)
            if edit.form:
                mask &= sites["form"] == edit.form
            affected = set(sites.loc[mask, "service_id"])
            for sid in affected:
                touched.add(kind_of(sid))
            sites = sites.loc[~mask].copy()
            for sid in affected:
                left_forms = set(sites.loc[sites["service_id"] == sid, "form"])
                caps = caps[~((caps["service_id"] == sid) & ~caps["form"].isin(left_forms))]
                if not left_forms:
                    sv = sv[sv["service_id"] != sid]
        elif isinstance(edit, RemoveService):
            touched.add(kind_of(edit.service_id))
            sv = sv[sv["service_id"] != edit.service_id]
            sites = sites[sites["service_id"] != edit.service_id]
            caps = caps[caps["service_id"] != edit.service_id]
        elif isinstance(edit, MoveSite):
            mask = check_site(edit.site_id)
            if edit.x is not None and edit.y is not None:
                point = Point(float(edit.x), float(edit.y))
            elif edit.kod_obce:
                point = _obec_point(obce, edit.kod_obce)
                sites.loc[mask, "kod_obce"] = str(edit.kod_obce)
                sites.loc[mask, "obec_name"] = _obec_name(obce, edit.kod_obce)
            else:
                raise ScenarioError("scenario.no_location")
            geoms = sites.geometry.copy()
            geoms[mask] = point
            sites = sites.set_geometry(geoms)
            for sid in set(sites.loc[mask, "service_id"]):
                touched.add(kind_of(sid))
        elif isinstance(edit, Resize):
            touched.add(kind_of(edit.service_id))
            if edit.form not in FORMS:
                raise ScenarioError("scenario.bad_form", form=edit.form)
            set_capacity(edit.service_id, edit.form, edit.unit, edit.capacity)
        elif isinstance(edit, SetServiceArea):
            touched.add(kind_of(edit.service_id))
            idx = sv.index[sv["service_id"] == edit.service_id]
            sv.loc[idx, "service_area"] = pd.Series([tuple(str(c) for c in edit.obce)] * len(idx), index=idx)
        else:  # pragma: no cover - typing guard
            raise TypeError(edit)
    out = Services(sv.reset_index(drop=True), gpd.GeoDataFrame(sites.reset_index(drop=True), crs=CRS),
                   caps.reset_index(drop=True), kinds, snapshot=services.snapshot, source_files=services.source_files)
    return out, touched


def _extend_transit(baseline: Analysis, new_xy: np.ndarray):
    """The baseline's public-transport journeys with columns for new site locations (searched on
    the baseline's timetable router)."""
    tm, router = baseline.transit, baseline.transit_router
    if tm is None or router is None or not len(new_xy):
        return tm
    return tm.hstack(router.matrix(baseline.district.xy(), new_xy))


def run_scenario(baseline: Analysis, scenario: Scenario) -> Analysis:
    """The baseline analysis with a scenario's edits applied, recomputing only what changed.

    New and moved sites get travel-time columns from the baseline's cached router (a look-up, no
    new shortest-path search); only the kinds touched by the edits are recomputed, the others are
    shared with the baseline.
    """
    services, touched = apply_scenario(baseline.services, scenario, baseline.district.obce)
    placed = services.sites.geometry.notna() & ~services.sites.geometry.is_empty
    sites = _plain(services.sites.loc[placed].copy())
    base_xy = {}
    for r in baseline.sites[["col"]].join(baseline.sites.geometry.rename("g")).itertuples():
        base_xy[(round(r.g.x, 1), round(r.g.y, 1))] = int(r.col)
    cols = np.empty(len(sites), dtype=int)
    new_xy: list[tuple[float, float]] = []
    new_pos: dict[tuple[float, float], int] = {}
    n_base = baseline.travel.n_locations
    for i, g in enumerate(sites.geometry):
        key = (round(g.x, 1), round(g.y, 1))
        if key in base_xy:
            cols[i] = base_xy[key]
        else:
            if key not in new_pos:
                new_pos[key] = n_base + len(new_xy)
                new_xy.append(key)
            cols[i] = new_pos[key]
    sites["col"] = cols
    travel = baseline.travel.with_destinations(np.array(new_xy, dtype=float)) if new_xy else baseline.travel
    result = Analysis(baseline.district, services, baseline.settings, travel, sites, dict(baseline.results),
                      baseline.area_population, baseline.unplaced_sites, dict(baseline.reference_capacity),
                      baseline.outside, baseline.outside_minutes, baseline.network)
    if new_xy and baseline.outside is not None and baseline.outside_minutes is not None:
        extra = _minutes_from(baseline.travel.router, baseline.outside[["x", "y"]].to_numpy(dtype=float),
                              np.array(new_xy, dtype=float), baseline.settings.catchment_min)
        result.outside_minutes = np.hstack([baseline.outside_minutes, extra])
    result.transit = _extend_transit(baseline, np.array(new_xy, dtype=float))
    result.transit_router = baseline.transit_router
    present = set(services.kinds_present())
    for kind in list(result.results):
        if kind not in present:
            del result.results[kind]
    for kind in touched:
        if kind in present:
            result.results[kind] = compute_kind(result, kind)
    order = [k for k in services.kinds_present()]
    result.results = {k: result.results[k] for k in order if k in result.results}
    return result


#: Indicators compared by :func:`scenario_delta`.
DELTA_INDICATORS: tuple[str, ...] = ("travel_time_min", "reachable", "field_covered", "e2sfca_per_1000",
                                     "field_capacity_per_1000", "gap")


def scenario_delta(baseline: Analysis, scenario: Analysis, *, all_rows: bool = False) -> pd.DataFrame:
    """Per obec × kind: each indicator before and after, and the change; only changed rows.

    Columns: ``municipality_code``, ``municipality_name``, ``service_kind``, ``kind_name``,
    ``target_population`` and for every indicator of :data:`DELTA_INDICATORS` ``<name>_before``,
    ``<name>_after`` (plus ``<name>_change`` for numbers); ``changed`` says whether anything
    changed.
    """
    key = ["municipality_code", "service_kind"]
    a = baseline.coverage
    b = scenario.coverage
    cols = key + ["municipality_name", "kind_name", "target_population"] + list(DELTA_INDICATORS)
    a = a[cols] if len(a) else pd.DataFrame(columns=cols)
    b = b[cols] if len(b) else pd.DataFrame(columns=cols)
    m = a.merge(b, on=key, how="outer", suffixes=("_before", "_after"))
    for c in ("municipality_name", "kind_name", "target_population"):
        m[c] = m[f"{c}_after"].combine_first(m[f"{c}_before"])
        m = m.drop(columns=[f"{c}_before", f"{c}_after"])
    changed = np.zeros(len(m), dtype=bool)
    for c in DELTA_INDICATORS:
        before, after = m[f"{c}_before"], m[f"{c}_after"]
        if c in ("reachable", "field_covered", "gap"):
            bb = before.astype("boolean")
            aa = after.astype("boolean")
            diff = (bb != aa).fillna(True).to_numpy(dtype=bool)
        else:
            bf = pd.to_numeric(before, errors="coerce").to_numpy(dtype=float)
            af = pd.to_numeric(after, errors="coerce").to_numpy(dtype=float)
            m[f"{c}_change"] = np.round(af - bf, 4)
            both_nan = np.isnan(bf) & np.isnan(af)
            diff = ~both_nan & ~(np.isclose(bf, af, rtol=1e-9, atol=1e-6))
        changed |= diff
    m["changed"] = changed
    order = ["municipality_code", "municipality_name", "service_kind", "kind_name", "target_population"]
    rest = [c for c in m.columns if c not in order]
    m = m[order + rest]
    if not all_rows:
        m = m[m["changed"]]
    return m.sort_values(["service_kind", "target_population"], ascending=[True, False]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Site suggestions (MCLP)
# ---------------------------------------------------------------------------------------------
def _uncovered(analysis: Analysis, kind: str, form: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Target population per obec and a mask of obce the kind does not reach (by its access rule;
    for a field suggestion, the obce outside every field service's area)."""
    district = analysis.district
    band = analysis.settings.band_of(kind, analysis.services.kinds)
    pop = district.target_population(band).to_numpy(dtype=float)
    if kind in analysis.results:
        cov = analysis.results[kind].coverage
        covered = cov["reached"].to_numpy(dtype=bool)
        if form == "ter":
            covered = covered | cov["field_covered"].to_numpy(dtype=bool)
    else:
        covered = np.zeros(len(pop), dtype=bool)
    return pop, ~covered


def suggestion_form(analysis: Analysis, kind: str) -> str:
    """The form a new site of a kind should have: ``ter`` for kinds reached by staff coming
    (field-only kinds get a base and a service area), ``pob`` for residential kinds, else ``amb``
    — always a form the kind allows."""
    kobj = analysis.services.kinds.get(kind)
    forms = tuple(kobj.forms) if kobj and kobj.forms else ("amb",)
    rule = analysis.settings.access_of(kind, analysis.services.kinds)
    if (rule.modes and rule.modes[0] == "field" and "ter" in forms) or forms == ("ter",):
        return "ter"
    if "pob" in forms and "amb" not in forms:
        return "pob"
    return "amb" if "amb" in forms else forms[0]


def _mclp(cost: np.ndarray, weights: np.ndarray, threshold: float, p: int, name: str):
    """Indices of the chosen candidates (optimal MCLP, CBC) and the solver status."""
    from spopt.locate import MCLP
    import pulp

    cost_finite = np.where(np.isfinite(cost), cost, threshold * 1e3)
    model = MCLP.from_cost_matrix(cost_finite, weights, service_radius=threshold, p_facilities=p, name=name)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    chosen = [j for j in range(cost.shape[1]) if model.fac2cli[j] is not None and
              pulp.value(model.fac_vars[j]) is not None and pulp.value(model.fac_vars[j]) > 0.5]
    return chosen, pulp.LpStatus[model.problem.status]


def _needed_capacity(analysis: Analysis, kind: str, codes: set[str]) -> tuple[float, str]:
    """Capacity a unit lacks against the user's norm (``nan`` without a norm) and its unit."""
    from coverage_app.kind_indicators import unit_capacity

    s = analysis.settings
    kobj = analysis.services.kinds.get(kind)
    for norm in s.norms_for(kind):
        band = norm.band or s.band_of(kind, analysis.services.kinds)
        pop = float(analysis.district.target_population(band).loc[lambda x: x.index.isin(codes)].sum())
        cap = unit_capacity(analysis, kind, codes)
        have = float(cap.loc[cap["capacity_unit"] == norm.unit, "attributed_capacity"].sum()) if len(cap) else 0.0
        return max(0.0, float(np.ceil(norm.per_1000 * pop / 1000.0 - have))), norm.unit
    return float("nan"), (kobj.units[0] if kobj and kobj.units else "klient")


def _choose(times: np.ndarray, weights: np.ndarray, threshold: float, k: int, cand_idx: list[int],
            demand_idx: np.ndarray, units: np.ndarray | None, name: str) -> tuple[list[int], str]:
    """The optimal candidates (positions in ``cand_idx``): ``k`` over the whole district, or —
    with ``units`` (residential kinds) — one in each ORP/POÚ that has demand, at most ``k``."""
    if units is None:
        groups = [(list(range(len(cand_idx))), min(int(k), len(cand_idx)))]
    else:
        groups = []
        for u in dict.fromkeys(units):
            members = [c for c, ci in enumerate(cand_idx) if units[ci] == u]
            if members and (units[demand_idx] == u).any():
                groups.append((members, 1))
    picks: list[tuple[float, list[int]]] = []
    status = "Optimal"
    for members, p in groups:
        picked, st_ = _mclp(times[:, members], weights, threshold, p, name)
        chosen = [members[j] for j in picked]
        gain = float(weights[(times[:, chosen] <= threshold).any(axis=1)].sum()) if chosen else 0.0
        picks.append((gain, chosen))
        status = st_ if st_ != "Optimal" else status
    if units is not None:  # one site in each of the k ORPs/POÚ where it reaches the most people
        picks = sorted(picks, key=lambda g: -g[0])[: max(int(k), 0)]
    return list(dict.fromkeys(c for _, chosen in picks for c in chosen)), status


def _by_gain(chosen: list[int], cover: np.ndarray, weights: np.ndarray):
    """The chosen candidates ordered greedily by the people each adds (the set itself is optimal):
    yields (candidate, mask of the demand it newly covers, cumulative people)."""
    remaining = list(chosen)
    covered = np.zeros(cover.shape[0], dtype=bool)
    cumulative = 0.0
    while remaining:
        gains = [float(weights[cover[:, j] & ~covered].sum()) for j in remaining]
        if max(gains) <= 0:
            break  # the other chosen sites add nothing: not worth suggesting
        best = remaining[int(np.argmax(gains))]
        newly = cover[:, best] & ~covered
        covered |= newly
        cumulative += float(weights[newly].sum())
        remaining.remove(best)
        yield best, newly, cumulative


def suggest_sites(analysis: Analysis, kind: str, k: int = 3, *, form: str | None = None,
                  candidates: Sequence[str] | None = None, threshold_min: float | None = None,
                  lang: str = "cs") -> pd.DataFrame:
    """Where new sites of ``kind`` would reach the most target population the kind does not reach.

    The suggestion respects the kind (see :func:`suggestion_form`): a field-only kind gets a base
    and the obce its service area should declare (covered = the staff's drive from the base within
    the kind's field limit); a residential kind gets one site per ORP/POÚ of the district that
    falls short, with the capacity the unit lacks against the user's norm; an ambulatory kind gets
    sites (covered = travel within the kind's travel limit).  A form the kind does not allow is
    refused.  The maximal covering location problem is solved to optimality (spopt ``MCLP``, CBC).

    Parameters
    ----------
    analysis : Analysis
        The baseline (its router is reused for the candidate points).
    kind : str
        Kind id.
    k : int
        Number of new sites (for residential kinds at most one per ORP/POÚ).
    form : str, optional
        ``amb``, ``pob`` or ``ter``; default :func:`suggestion_form`.
    candidates : sequence of obec codes, optional
        Where a site may open (default: every obec of the district).
    threshold_min : float, optional
        Coverage limit in minutes (default: the kind's limit for the form).

    Returns
    -------
    DataFrame
        One row per chosen obec: ``rank``, ``kod_obce``, ``nazev_obce``, ``form``, ``newly_covered``
        (people, marginal in rank order), ``cumulative_covered``, ``covered_obce`` (codes),
        ``covered_names``, ``service_area`` (codes to declare, field services), ``capacity`` and
        ``capacity_unit`` (residential: what the norm asks for; ``nan`` without a norm),
        ``method``; ``attrs["uncovered_total"]`` = people not reached before.
    """
    import pulp  # noqa: F401  (the solver must be there)

    kobj = analysis.services.kinds.get(kind)
    if kobj is None:
        raise ScenarioError("scenario.bad_kind", kind=kind)
    form = form or suggestion_form(analysis, kind)
    if form not in FORMS:
        raise ScenarioError("scenario.bad_form", form=form)
    if kobj.forms and form not in kobj.forms:
        raise ScenarioError("scenario.form_not_allowed", form=FORMS[form].name_cs, kind=kobj.name_cs,
                            allowed=", ".join(FORMS[f].name_cs for f in kobj.forms if f in FORMS))
    s = analysis.settings
    rule = s.access_of(kind, analysis.services.kinds)
    threshold = float(threshold_min if threshold_min is not None else
                      s.limit_of(rule, "field" if form == "ter" else "travel"))
    district = analysis.district
    codes = district.codes
    names = district.obce["nazev_obce"].tolist()
    pop, uncovered = _uncovered(analysis, kind, form)
    cand_codes = list(candidates) if candidates is not None else list(codes)
    cand_idx = [codes.index(c) for c in cand_codes if c in codes]
    method = t("suggest.method_field" if form == "ter" else "suggest.method", lang, threshold=f"{threshold:g}")
    columns = ["rank", "kod_obce", "nazev_obce", "form", "newly_covered", "cumulative_covered", "covered_obce",
               "covered_names", "service_area", "capacity", "capacity_unit", "method"]
    demand_idx = np.flatnonzero(uncovered & (pop > 0))

    def empty() -> pd.DataFrame:
        out = pd.DataFrame(columns=columns)
        out.attrs["uncovered_total"] = float(pop[uncovered].sum())
        return out

    if demand_idx.size == 0 or not cand_idx or k <= 0:
        return empty()
    # minutes obce (rows) × candidates (cols); for a field base the staff drive base → obec
    times = analysis.travel.to_points(district.xy()[cand_idx]).block(np.arange(len(cand_idx)), threshold)
    cover_all = times <= threshold
    weights = pop[demand_idx]
    units = None
    if form == "pob":
        from coverage_app.gaps import scope_units

        units = scope_units(analysis, "orp")["scope_code"].to_numpy()
    chosen, status = _choose(times[demand_idx], weights, threshold, k, cand_idx, demand_idx, units, f"mclp-{kind}")
    rows = []
    for best, newly, cumulative in _by_gain(chosen, cover_all[demand_idx], weights):
        ci = cand_idx[best]
        capacity, unit = (float("nan"), kobj.units[0] if kobj.units else "klient")
        if units is not None:
            capacity, unit = _needed_capacity(analysis, kind, {c for c, u in zip(codes, units) if u == units[ci]})
        area = [codes[i] for i in np.flatnonzero(cover_all[:, best])] if form == "ter" else []
        newly_idx = [demand_idx[i] for i in np.flatnonzero(newly)]
        rows.append({"rank": len(rows) + 1, "kod_obce": codes[ci], "nazev_obce": names[ci], "form": form,
                     "newly_covered": round(float(weights[newly].sum()), 1),
                     "cumulative_covered": round(cumulative, 1),
                     "covered_obce": ";".join(codes[i] for i in newly_idx),
                     "covered_names": ", ".join(names[i] for i in newly_idx),
                     "service_area": ";".join(area), "capacity": capacity, "capacity_unit": unit,
                     "method": method})
    out = pd.DataFrame(rows, columns=columns)
    out.attrs["uncovered_total"] = float(pop[uncovered].sum())
    out.attrs["solver_status"] = status
    return out


# ---------------------------------------------------------------------------------------------
# Period comparison
# ---------------------------------------------------------------------------------------------
@dataclass
class PeriodComparison:
    """Differences between two service snapshots.

    Attributes
    ----------
    new, ended, changed : DataFrame
        Services only in the new snapshot, only in the old one (or ended by their validity date),
        and in both but different (``changes`` says what, in Czech).
    coverage_delta : DataFrame
        :func:`scenario_delta` of the two analyses (only obce × kinds that changed).
    old, new_analysis : Analysis
    """

    new: pd.DataFrame
    ended: pd.DataFrame
    changed: pd.DataFrame
    coverage_delta: pd.DataFrame
    old_analysis: Analysis = field(repr=False)
    new_analysis: Analysis = field(repr=False)

    def summary(self, lang: str = "cs") -> pd.DataFrame:
        """Counts of new, ended and changed services."""
        return pd.DataFrame({"": [t("period.new", lang), t("period.ended", lang), t("period.changed", lang)],
                             "n": [len(self.new), len(self.ended), len(self.changed)]})


def _service_brief(services: Services, ids: Iterable[str]) -> pd.DataFrame:
    sv = services.services.set_index("service_id")
    rows = []
    for sid in ids:
        r = sv.loc[sid]
        kind = services.kinds.get(r["kind"])
        caps = services.capacities[services.capacities["service_id"] == sid]
        rows.append({"service_id": sid, "service_name": r["service_name"], "provider_name": r["provider_name"],
                     "service_kind": r["kind"], "kind_name": kind.name_cs if kind else r["kind"],
                     "capacity": "; ".join(f"{c.form} {c.capacity:g} {c.unit}" for c in caps.itertuples()),
                     "obce": ", ".join(sorted(set(services.sites.loc[services.sites["service_id"] == sid,
                                                                      "obec_name"]) - {""}))})
    return pd.DataFrame(rows, columns=["service_id", "service_name", "provider_name", "service_kind", "kind_name",
                                       "capacity", "obce"])


def _changes(old: Services, new: Services, sid: str, lang: str) -> list[str]:
    out: list[str] = []
    a = old.services.set_index("service_id").loc[sid]
    b = new.services.set_index("service_id").loc[sid]
    if a["kind"] != b["kind"]:
        out.append(t("period.kind", lang, a=a["kind"], b=b["kind"]))
    if a["service_name"] != b["service_name"]:
        out.append(t("period.name", lang, a=a["service_name"], b=b["service_name"]))
    ca = old.capacities[old.capacities["service_id"] == sid].set_index(["form", "unit"])["capacity"]
    cb = new.capacities[new.capacities["service_id"] == sid].set_index(["form", "unit"])["capacity"]
    for key in sorted(set(ca.index) | set(cb.index)):
        va, vb = ca.get(key, np.nan), cb.get(key, np.nan)
        if not (np.isnan(va) and np.isnan(vb)) and va != vb:
            fmt = lambda v: "—" if np.isnan(v) else f"{v:g}"  # noqa: E731
            out.append(t("period.capacity", lang, form=key[0], unit=key[1], a=fmt(va), b=fmt(vb)))
    sa = old.sites[old.sites["service_id"] == sid]
    sb = new.sites[new.sites["service_id"] == sid]
    if sa["site_id"].nunique() != sb["site_id"].nunique():
        out.append(t("period.sites", lang, a=sa["site_id"].nunique(), b=sb["site_id"].nunique()))
    else:
        pa = {(round(g.x), round(g.y)) for g in sa.geometry if g is not None}
        pb = {(round(g.x), round(g.y)) for g in sb.geometry if g is not None}
        if pa != pb:
            out.append(t("period.moved", lang))
    if set(a["service_area"]) != set(b["service_area"]):
        out.append(t("period.area", lang, a=len(set(a["service_area"])), b=len(set(b["service_area"]))))
    if a["valid_to"] != b["valid_to"] and b["valid_to"] is not None:
        out.append(t("period.valid_to", lang, date=b["valid_to"].isoformat()))
    return out


def compare_periods(old: Services, new: Services, district: District, roads: RoadGraph | None = None,
                    settings: AnalysisSettings | None = None, *, context: pd.DataFrame | None = None,
                    lang: str = "cs") -> PeriodComparison:
    """Compare two snapshots of services (e.g. two registry files a plan period apart).

    Services are matched by ``service_id``.  Both snapshots are analysed with the same router,
    and the coverage change per obec × kind is :func:`scenario_delta` of the two analyses.
    """
    settings = settings or AnalysisSettings()
    router = make_router(district, roads, settings)
    a = analyze(district, old, roads, settings, context=context, router=router)
    b = analyze(district, new, roads, settings, context=context, router=router)
    # only services that serve the district (a site in it or a service area reaching into it)
    ids_a = set(old.serving_ids(district.codes))
    ids_b = set(new.serving_ids(district.codes))
    all_a = set(old.services["service_id"])
    all_b = set(new.services["service_id"])
    new_ids = sorted(ids_b - all_a)
    ended_ids = sorted(ids_a - all_b)
    changed_rows = []
    for sid in sorted((ids_a | ids_b) & all_a & all_b):
        ch = _changes(old, new, sid, lang)
        if ch:
            changed_rows.append((sid, "; ".join(ch)))
    changed = _service_brief(new, [s for s, _ in changed_rows])
    changed["changes"] = [c for _, c in changed_rows]
    return PeriodComparison(_service_brief(new, new_ids), _service_brief(old, ended_ids), changed,
                            scenario_delta(a, b), a, b)
