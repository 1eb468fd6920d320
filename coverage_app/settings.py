"""Settings of an analysis and user-set norms (the one settings object of the project).

No norm is built in: there is no binding national norm for social services in Czechia, so every
:class:`Norm` is the user's, with a source note that travels to every output that uses it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from coverage_app.codelists import AGE_BANDS, AccessRule, KindCatalog, parse_form, parse_unit
from coverage_app.errors import Report
from coverage_app.io.tables import find_column, parse_number, read_table

__all__ = ["AnalysisSettings", "Norm", "read_norms", "DEFAULT_E2SFCA_ZONES"]

#: Luo & Qi (2009) zones: (upper bound in minutes, weight); 0–10 → 1.00, 10–20 → 0.68, 20–30 → 0.22.
DEFAULT_E2SFCA_ZONES: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))


@dataclass(frozen=True)
class Norm:
    """A user-set norm: ``per_1000`` units of capacity per 1000 people of an age band.

    Attributes
    ----------
    kind : str
        Kind id (``DruhSocialniSluzby/13`` or a custom kind).
    per_1000 : float
        Capacity per 1000 people of ``band`` (e.g. 25 beds per 1000 people aged 65+).
    unit : str
        Capacity unit (``luzka``, ``klient``, ``interv``, ``kontakt``, ``hovor``).
    band : str or None
        Age band (key of :data:`~coverage_app.codelists.AGE_BANDS`); ``None`` = the kind's band.
    form : str or None
        Only this form (``pob``, ``amb``, ``ter``); ``None`` = all forms with that unit.
    source : str
        Where the norm comes from (shown with every comparison).
    """

    kind: str
    per_1000: float
    unit: str
    band: str | None = None
    form: str | None = None
    source: str = ""


@dataclass(frozen=True)
class AnalysisSettings:
    """How reachability and coverage are computed.

    Attributes
    ----------
    mode : {"car", "walk"}
    threshold_min : float
        A site is *reachable* within this many minutes (default 30).
    bands_min : tuple of float
        Travel-time bands for maps and summaries (default 15/30/45 minutes).
    detour_factor : float
        Road / straight-line ratio of the estimate without roads (default 1.3).
    speed_kmh : float or None
        Speed of the estimate (km/h); ``None`` = the mode's default (car 45, walk 4.5).
    access_speed_kmh : float or None
        Speed of the snapping legs on a road graph (km/h); ``None`` = default (car 30, walk 4).
    e2sfca_zones : tuple of (minutes, weight)
        Upper bound of each travel-time zone and its weight, ascending (Luo & Qi defaults).
    norms : tuple of Norm
        User-set norms (none by default).
    target_bands : mapping of kind id to age band
        Overrides of the kinds' default target age bands.
    travel_forms : tuple of str
        Forms to which clients travel (default ``amb`` and ``pob``); ``ter`` is covered by the
        declared service area instead.
    assume_field_area : bool
        A field service that declares no service area is taken to cover the obce within
        ``threshold_min`` of its sites (flagged ``assumed``); with ``False`` it covers none.
    reference_date : date or None
        Only services valid on this day (by their validity dates); ``None`` = all loaded.
    access : mapping of kind id to AccessRule
        The user's access rules (the kraj's level of availability, modes and time limits), which
        replace the built-in defaults of :func:`~coverage_app.codelists.default_access`.
    uniform_limit_min : float or None
        One time limit (minutes) for every kind and mode instead of the kinds' own limits.
    reach_margin_min : float
        A site outside the district counts for it when some obec reaches it within the kind's
        travel limit plus this margin (minutes); beyond limit + margin no site is anyone's
        nearest.
    min_share_reached : float
        An ORP-level or regional kind is a gap of its unit when less than this share (0–1) of the
        unit's target population reaches it within the limit (default 0.9).
    """

    mode: Literal["car", "walk"] = "car"
    threshold_min: float = 30.0
    bands_min: tuple[float, ...] = (15.0, 30.0, 45.0)
    detour_factor: float = 1.3
    speed_kmh: float | None = None
    access_speed_kmh: float | None = None
    e2sfca_zones: tuple[tuple[float, float], ...] = DEFAULT_E2SFCA_ZONES
    norms: tuple[Norm, ...] = ()
    target_bands: Mapping[str, str] = field(default_factory=dict)
    travel_forms: tuple[str, ...] = ("amb", "pob")
    assume_field_area: bool = True
    reference_date: dt.date | None = None
    access: Mapping[str, AccessRule] = field(default_factory=dict)
    uniform_limit_min: float | None = None
    reach_margin_min: float = 15.0
    min_share_reached: float = 0.9

    def __post_init__(self) -> None:
        if self.mode not in ("car", "walk"):
            raise ValueError(f"mode must be car or walk, not {self.mode!r}")
        if not self.threshold_min > 0:
            raise ValueError("threshold_min must be positive")
        if not self.detour_factor >= 1.0:
            raise ValueError("detour_factor must be at least 1")
        if self.speed_kmh is not None and not self.speed_kmh > 0:
            raise ValueError("speed_kmh must be positive")
        zones = list(self.e2sfca_zones)
        if not zones or any(b <= a for (a, _), (b, _) in zip(zones, zones[1:])):
            raise ValueError("e2sfca_zones must be ascending")
        if any(w < 0 for _, w in zones):
            raise ValueError("e2sfca weights must not be negative")
        if self.uniform_limit_min is not None and not self.uniform_limit_min > 0:
            raise ValueError("uniform_limit_min must be positive")
        if not self.reach_margin_min >= 0:
            raise ValueError("reach_margin_min must not be negative")
        if not 0.0 <= self.min_share_reached <= 1.0:
            raise ValueError("min_share_reached must lie between 0 and 1")
        for kind, band in self.target_bands.items():
            if band not in AGE_BANDS:
                raise ValueError(f"unknown age band {band!r} for {kind}")

    def band_of(self, kind_id: str, kinds: KindCatalog) -> str:
        """Target age band of a kind (override, else the kind's default, else ``total``)."""
        if kind_id in self.target_bands:
            return self.target_bands[kind_id]
        kind = kinds.get(kind_id)
        return kind.target_band if kind is not None else "total"

    def access_of(self, kind_id: str, kinds: KindCatalog) -> AccessRule:
        """The access rule in force for a kind (the user's, else the kind's default)."""
        from coverage_app.access import access_of

        return access_of(kind_id, kinds, self.access)

    def limit_of(self, rule: AccessRule, mode: str) -> float:
        """Time limit of a mode in minutes: :attr:`uniform_limit_min` when set, else the rule's,
        else :attr:`threshold_min` (a kind without that mode)."""
        if self.uniform_limit_min is not None:
            return float(self.uniform_limit_min)
        value = rule.limit(mode)
        return float(value) if value is not None and value == value else float(self.threshold_min)

    def zone_weight(self, minutes):
        """E2SFCA weight of travel times (0 beyond the last zone); upper bounds inclusive."""
        import numpy as np

        m = np.asarray(minutes, dtype=float)
        w = np.zeros_like(m)
        for upper, weight in reversed(self.e2sfca_zones):
            w = np.where(m <= upper, weight, w)
        return np.where(np.isfinite(m), w, 0.0)

    @property
    def catchment_min(self) -> float:
        """The largest E2SFCA zone bound (minutes)."""
        return float(self.e2sfca_zones[-1][0])

    def norms_for(self, kind_id: str) -> list[Norm]:
        """Norms that apply to a kind."""
        return [n for n in self.norms if n.kind == kind_id]

    def replace(self, **changes) -> "AnalysisSettings":
        """A copy with some settings changed."""
        return replace(self, **changes)


_NORM_COLUMNS = {
    "kind": ("druh", "kind"),
    "per_1000": ("na_1000", "per_1000", "norma", "hodnota"),
    "unit": ("jednotka", "unit", "jednotka_kapacity"),
    "band": ("vekova_skupina", "band", "age_band"),
    "form": ("forma", "form"),
    "source": ("zdroj", "source", "poznamka"),
}


def read_norms(path: str | Path, kinds: KindCatalog | None = None) -> tuple[Norm, ...]:
    """Read user norms from CSV/XLSX: ``druh, na_1000, jednotka[, vekova_skupina, forma, zdroj]``.

    Raises :class:`DataError` with file, row and column for every bad cell.
    """
    kinds = kinds or KindCatalog()
    table = read_table(path)
    report = Report()
    cols = {k: find_column(list(table.frame.columns), v) for k, v in _NORM_COLUMNS.items()}
    for key in ("kind", "per_1000", "unit"):
        if cols[key] is None:
            report.add(table.file, 1, _NORM_COLUMNS[key][0], "err.missing_column", column=_NORM_COLUMNS[key][0])
    report.raise_if_errors()
    out: list[Norm] = []
    for i, row in enumerate(table.rows):
        r = table.frame.iloc[i]
        kind = kinds.resolve(r[cols["kind"]])
        if kind is None:
            report.add(table.file, row, cols["kind"], "err.unknown_kind", value=r[cols["kind"]])
        try:
            val = parse_number(r[cols["per_1000"]])
        except ValueError:
            report.add(table.file, row, cols["per_1000"], "err.not_a_number", value=r[cols["per_1000"]])
            val = math.nan  # said once: not also "missing"
        if val is None:
            report.add(table.file, row, cols["per_1000"], "err.missing_value")
        elif val < 0:
            report.add(table.file, row, cols["per_1000"], "err.negative", value=val)
        unit = parse_unit(r[cols["unit"]])
        if unit is None:
            report.add(table.file, row, cols["unit"], "err.unknown_unit", value=r[cols["unit"]])
        band = str(r[cols["band"]]).strip() if cols["band"] else ""
        if band and band not in AGE_BANDS:
            report.add(table.file, row, cols["band"], "err.bad_value", value=band, detail=", ".join(AGE_BANDS))
        form_raw = str(r[cols["form"]]).strip() if cols["form"] else ""
        form = parse_form(form_raw) if form_raw else None
        if form_raw and form is None:
            report.add(table.file, row, cols["form"], "err.unknown_form", value=form_raw)
        source = str(r[cols["source"]]).strip() if cols["source"] else ""
        if kind and val is not None and val >= 0 and unit:  # NaN compares False
            out.append(Norm(kind, float(val), unit, band or None, form, source))
    report.raise_if_errors()
    return tuple(out)
