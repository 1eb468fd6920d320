"""What-if helpers of the planner page: choices of sites, capacities and field services, the
description of an edit, the sites a scenario adds or closes, and what changed per obec × kind.
Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from coverage_app.codelists import CAPACITY_UNITS, FORMS
from coverage_app.i18n import fmt_num, register, t
from coverage_app.model import District, Services

__all__ = ["capacity_options", "delta_changes", "describe_edit", "field_service_options", "site_changes",
           "site_options"]

register({
    "wi.ch.time": {"cs": "dojezd {a} → {b} min", "en": "travel {a} → {b} min"},
    "wi.ch.reachable": {"cs": "v limitu {a} → {b}", "en": "within the limit {a} → {b}"},
    "wi.ch.field": {"cs": "terénní služba {a} → {b}", "en": "field service {a} → {b}"},
    "wi.ch.e2sfca": {"cs": "dostupná kapacita na 1000 {a} → {b}", "en": "accessible capacity per 1000 {a} → {b}"},
    "wi.ch.field_cap": {"cs": "terénní kapacita na 1000 {a} → {b}", "en": "field capacity per 1000 {a} → {b}"},
    "wi.ch.gap": {"cs": "mezera {a} → {b}", "en": "gap {a} → {b}"},
    "wi.ch.none": {"cs": "—", "en": "—"},
    "col.what_changed": {"cs": "co se změnilo", "en": "what changed"},
})


def field_service_options(services: Services, kinds: Sequence[str] | None = None) -> dict[str, str]:
    """Service id → label of the field services (form ``ter``) of the chosen kinds, whose
    declared service area a what-if may change."""
    sv = services.services
    ter = set(services.capacities.loc[services.capacities["form"] == "ter", "service_id"])
    ter |= set(services.sites.loc[services.sites["form"] == "ter", "service_id"])
    wanted = set(kinds) if kinds else None
    out = {str(sid): str(name) for sid, name, kind in zip(sv["service_id"], sv["service_name"], sv["kind"])
           if sid in ter and (wanted is None or kind in wanted)}
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def _yes_no(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    return t("map.cls.yes", lang) if bool(value) else t("map.cls.no", lang)


def _number(value: object, lang: str, digits: int) -> str:
    v = pd.to_numeric(value, errors="coerce")
    return "–" if pd.isna(v) else fmt_num(float(v), lang, digits)


def delta_changes(delta: pd.DataFrame, lang: str = "cs") -> pd.DataFrame:
    """Per changed obec × kind of :func:`coverage_app.scenario.scenario_delta` only what changed,
    in words with decimal commas: ``dojezd 35 → 12 min; v limitu ne → ano; mezera ano → ne``.

    Columns ``municipality_name``, ``kind_name``, ``target_population``, ``what_changed``.
    """
    spec = (("travel_time_min", "wi.ch.time", 0), ("reachable", "wi.ch.reachable", None),
            ("field_covered", "wi.ch.field", None), ("e2sfca_per_1000", "wi.ch.e2sfca", 2),
            ("field_capacity_per_1000", "wi.ch.field_cap", 2), ("gap", "wi.ch.gap", None))
    rows = []
    for r in delta.to_dict("records"):
        parts = []
        for col, key, digits in spec:
            a, b = r.get(f"{col}_before"), r.get(f"{col}_after")
            if digits is None:
                fa, fb = _yes_no(a, lang), _yes_no(b, lang)
            else:
                fa, fb = _number(a, lang, digits), _number(b, lang, digits)
            if fa != fb:
                parts.append(t(key, lang, a=fa, b=fb))
        if parts:
            rows.append({"municipality_name": r.get("municipality_name"), "kind_name": r.get("kind_name"),
                         "target_population": int(round(float(r.get("target_population") or 0))),
                         "what_changed": "; ".join(parts)})
    return pd.DataFrame(rows, columns=["municipality_name", "kind_name", "target_population", "what_changed"])


def site_options(services: Services, kinds: Sequence[str] | None = None,
                 only: Iterable[str] | None = None) -> dict[str, str]:
    """Site id → label ("service – site (obec)") for choosing a site to close or move; ``only``
    keeps the sites that count for the district (:meth:`Analysis.counting_site_ids`)."""
    sv = services.services
    kind_of = dict(zip(sv["service_id"], sv["kind"]))
    name_of = dict(zip(sv["service_id"], sv["service_name"]))
    wanted = set(kinds) if kinds else None
    sites = services.sites.drop_duplicates("site_id")
    if only is not None:
        sites = sites[sites["site_id"].isin(set(only))]
    out: dict[str, str] = {}
    for service_id, site_id, site_name, obec_name, kod_obce in zip(
            sites["service_id"], sites["site_id"], sites["site_name"], sites["obec_name"], sites["kod_obce"]):
        if service_id not in kind_of:
            continue
        if wanted is not None and kind_of[service_id] not in wanted:
            continue
        name = name_of[service_id]
        site = site_name if site_name and site_name != name else ""
        out[str(site_id)] = f"{name}{' – ' + site if site else ''} ({obec_name or kod_obce})"
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def capacity_options(services: Services, kinds: Sequence[str] | None = None, lang: str = "cs",
                     only: Iterable[str] | None = None) -> dict[str, str]:
    """``service_id|form|unit`` → label with the current capacity (for changing a capacity);
    ``only`` keeps the services with a site that counts for the district."""
    sv = services.services.set_index("service_id")
    keep = None if only is None else set(services.sites.loc[services.sites["site_id"].isin(set(only)), "service_id"])
    out: dict[str, str] = {}
    for r in services.capacities.itertuples():
        if r.service_id not in sv.index or (keep is not None and r.service_id not in keep):
            continue
        if kinds and sv.loc[r.service_id, "kind"] not in set(kinds):
            continue
        form = FORMS[r.form].name_cs if lang == "cs" else FORMS[r.form].name_en
        unit = CAPACITY_UNITS[r.unit].short_cs if lang == "cs" else CAPACITY_UNITS[r.unit].short_en
        out[f"{r.service_id}|{r.form}|{r.unit}"] = (f"{sv.loc[r.service_id, 'service_name']} – {form}: "
                                                   f"{r.capacity:g} {unit}")
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def describe_edit(edit: object, services: Services, district: District, lang: str = "cs") -> str:
    """One line describing a what-if edit (for the list of edits)."""
    from coverage_app.scenario import (
        AddSite,
        MoveSite,
        RemoveService,
        RemoveSite,
        Resize,
        SetServiceArea,
    )

    names = dict(zip(district.obce["kod_obce"], district.obce["nazev_obce"]))
    sv = services.services.set_index("service_id")
    sites = services.sites.drop_duplicates("site_id").set_index("site_id")

    def service_name(sid: str) -> str:
        return str(sv.loc[sid, "service_name"]) if sid in sv.index else sid

    def site_name(site_id: str) -> str:
        if site_id in sites.index:
            r = sites.loc[site_id]
            return f"{service_name(str(r['service_id']))} ({r['obec_name'] or r['kod_obce']})"
        return site_id

    if isinstance(edit, AddSite):
        kind = services.kinds.get(edit.kind or "")
        kname = (kind.name_cs if lang == "cs" else kind.name_en) if kind else (edit.kind or "")
        where = names.get(str(edit.kod_obce), str(edit.kod_obce or ""))
        if edit.x is not None and edit.y is not None:
            where = t("app.edit.at_point", lang, obec=where)
        cap = ""
        if edit.capacity is not None:
            unit = CAPACITY_UNITS.get(edit.unit or "")
            cap = f", {edit.capacity:g} {(unit.short_cs if lang == 'cs' else unit.short_en) if unit else edit.unit or ''}"
        form = FORMS[edit.form].name_cs if lang == "cs" else FORMS[edit.form].name_en
        return t("app.edit.add", lang, kind=kname, form=form, where=where, cap=cap,
                 name=f" „{edit.name}“" if edit.name else "")
    if isinstance(edit, RemoveSite):
        return t("app.edit.remove", lang, site=site_name(edit.site_id))
    if isinstance(edit, RemoveService):
        return t("app.edit.remove_service", lang, service=service_name(edit.service_id))
    if isinstance(edit, MoveSite):
        where = names.get(str(edit.kod_obce), str(edit.kod_obce or ""))
        return t("app.edit.move", lang, site=site_name(edit.site_id), where=where or t("app.edit.point", lang))
    if isinstance(edit, Resize):
        unit = CAPACITY_UNITS[edit.unit]
        form = FORMS[edit.form].name_cs if lang == "cs" else FORMS[edit.form].name_en
        return t("app.edit.resize", lang, service=service_name(edit.service_id), form=form,
                 cap=f"{edit.capacity:g} {unit.short_cs if lang == 'cs' else unit.short_en}")
    if isinstance(edit, SetServiceArea):
        return t("app.edit.area", lang, service=service_name(edit.service_id), n=len(edit.obce))
    return str(edit)


def site_changes(baseline_services: Services, scenario_services: Services) -> dict[str, str]:
    """Site id → ``added``/``removed`` between a baseline and a scenario (for the map)."""
    a = set(baseline_services.sites["site_id"])
    b = set(scenario_services.sites["site_id"])
    out = {s: "added" for s in b - a}
    out.update({s: "removed" for s in a - b})
    return out
