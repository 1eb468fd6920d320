"""Administrative districts: ORP and POÚ in both code systems (ČSÚ and RÚIAN).

ORP and POÚ have two official code systems: ČSÚ (ORP 4 digits, e.g. Židlochovice 6221; POÚ 5
digits, e.g. 62211) and RÚIAN (ORP Židlochovice 1376, POÚ 2801).  The crosswalk ships with the
package (``coverage_app/data/orp_kody.csv`` and ``pou_kody.csv``, public codelists).  Obec codes are
the same in both systems and are the only join key; names are never used to join.

A district is named by a *spec*: ``ORP:6221``, ``ORP:1376``, ``POU:81142``, ``POÚ:3468``, a bare
code, a name (``Židlochovice``, ``ORP Židlochovice``, ``POÚ Město Albrechtice``), a list of obce
(``OBCE:584282;583031``), a kraj (``KRAJ:CZ072``, ``KRAJ:3131`` (ČSÚ), ``KRAJ:141`` (RÚIAN) or
``KRAJ:Zlínský kraj``), an okres (``OKRES:CZ0643`` or its name, matched against the okres columns
of the municipality file), the whole country (``CR``) or several of these joined by commas
(``ORP:6221,ORP:7105``).  The kraj codelist ships with the package (``data/kraje.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import pandas as pd

from coverage_app.codelists import normalize_text
from coverage_app.errors import DataError

__all__ = ["DistrictSpec", "kraj_codes", "orp_codes", "pou_codes", "parse_district_spec", "to_csu_orp",
           "to_csu_pou", "district_mask", "district_alternatives"]

Level = Literal["ORP", "POU", "OBCE", "KRAJ", "OKRES", "CR", "MULTI"]


@lru_cache(maxsize=1)
def kraj_codes() -> pd.DataFrame:
    """Kraj codelist: ``kod_kraje_nuts3``, ``kod_kraje_csu``, ``kod_kraje_ruian``, ``kraj``."""
    with resources.files("coverage_app.data").joinpath("kraje.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str)


@lru_cache(maxsize=1)
def orp_codes() -> pd.DataFrame:
    """ORP codelist: ``kod_orp_csu``, ``kod_orp_ruian``, ``nazev_orp``, ``kod_kraje_nuts3``, ``kraj``."""
    with resources.files("coverage_app.data").joinpath("orp_kody.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str)


@lru_cache(maxsize=1)
def pou_codes() -> pd.DataFrame:
    """POÚ codelist: ``kod_pou_csu``, ``kod_pou_ruian``, ``nazev_pou``, ``kod_orp_csu``, ``kod_orp_ruian``."""
    with resources.files("coverage_app.data").joinpath("pou_kody.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str)


@lru_cache(maxsize=1)
def _orp_lookup() -> dict[str, str]:
    o = orp_codes()
    out = dict(zip(o["kod_orp_ruian"], o["kod_orp_csu"]))
    out.update(zip(o["kod_orp_csu"], o["kod_orp_csu"]))  # a ČSÚ code wins over an equal RÚIAN code
    return out


@lru_cache(maxsize=1)
def _pou_lookup() -> dict[str, str]:
    p = pou_codes()
    out = dict(zip(p["kod_pou_ruian"], p["kod_pou_csu"]))
    out.update(zip(p["kod_pou_csu"], p["kod_pou_csu"]))
    return out


def to_csu_orp(code: str) -> str | None:
    """ČSÚ code of an ORP given in either system (``"1376"`` → ``"6221"``); ``None`` if unknown."""
    return _orp_lookup().get(str(code).strip())


def to_csu_pou(code: str) -> str | None:
    """ČSÚ code of a POÚ given in either system (``"3468"`` → ``"81142"``); ``None`` if unknown."""
    return _pou_lookup().get(str(code).strip())


@dataclass(frozen=True)
class DistrictSpec:
    """A resolved district: level, ČSÚ code, RÚIAN code and official name."""

    level: Level
    code: str
    ruian_code: str
    name: str
    obce: tuple[str, ...] = ()
    parts: tuple["DistrictSpec", ...] = ()

    @property
    def label(self) -> str:
        """``ORP Židlochovice``, ``POÚ Město Albrechtice``, ``Zlínský kraj``, ``Česká republika``…"""
        if self.level == "OBCE":
            return self.name or "vybrané obce"
        if self.level in ("KRAJ", "CR"):
            return self.name
        if self.level == "OKRES":
            return f"okres {self.name}"
        if self.level == "MULTI":
            return ", ".join(p.label for p in self.parts)
        return f"{'ORP' if self.level == 'ORP' else 'POÚ'} {self.name}"

    @property
    def key(self) -> str:
        """Canonical spec string, e.g. ``ORP:6221``, ``KRAJ:CZ072``, ``CR``."""
        if self.level == "OBCE":
            return "OBCE:" + ";".join(self.obce)
        if self.level == "CR":
            return "CR"
        if self.level == "MULTI":
            return ",".join(p.key for p in self.parts)
        return f"{self.level}:{self.code}"


_SPEC_RE = re.compile(r"^\s*(ORP|POU|POÚ|OBCE|KRAJ|OKRES)\s*[:= ]\s*(.+?)\s*$", re.IGNORECASE)
_CR = {"cr", "čr", "cz", "cesko", "česko", "ceska republika", "česká republika"}


def _kraj_spec(value: str) -> DistrictSpec:
    k = kraj_codes()
    raw = str(value).strip()
    norm = normalize_text(raw)
    for r in k.itertuples():
        if raw.upper() == r.kod_kraje_nuts3 or raw in (r.kod_kraje_csu, r.kod_kraje_ruian) or \
                norm in (normalize_text(r.kraj), re.sub(r"^kraj | kraj$", "", normalize_text(r.kraj))):
            return DistrictSpec("KRAJ", r.kod_kraje_nuts3, r.kod_kraje_ruian, r.kraj)
    raise DataError.single("", None, None, "err.unknown_district", value=f"KRAJ:{value}")


def _orp_spec(csu: str) -> DistrictSpec:
    row = orp_codes().set_index("kod_orp_csu").loc[csu]
    return DistrictSpec("ORP", csu, str(row["kod_orp_ruian"]), str(row["nazev_orp"]))


def _pou_spec(csu: str) -> DistrictSpec:
    row = pou_codes().set_index("kod_pou_csu").loc[csu]
    return DistrictSpec("POU", csu, str(row["kod_pou_ruian"]), str(row["nazev_pou"]))


def parse_district_spec(spec: str) -> DistrictSpec:
    """Resolve a district spec (see module docstring) against the shipped codelists.

    A bare code is read as an ORP first (ČSÚ, then RÚIAN code) and then as a POÚ; a bare name
    as an ORP first.  :func:`district_alternatives` lists what else it could mean.  Raises
    :class:`DataError` (Czech message) when the spec is unknown, or when a name matches several
    districts of the same level.
    """
    raw = str(spec).strip()
    if not raw:
        raise DataError.single("", None, None, "err.bad_district_spec", value=spec)
    if "," in raw and not raw.upper().startswith("OBCE"):
        parts = tuple(parse_district_spec(p) for p in raw.split(",") if p.strip())
        if len(parts) == 1:
            return parts[0]
        return DistrictSpec("MULTI", ",".join(p.key for p in parts), "", "", (), parts)
    if normalize_text(raw) in {normalize_text(c) for c in _CR}:
        return DistrictSpec("CR", "CZ", "1", "Česká republika")
    m = _SPEC_RE.match(raw)
    level = None
    value = raw
    if m:
        level = m.group(1).upper().replace("Ú", "U")
        value = m.group(2)
    if level == "KRAJ":
        return _kraj_spec(value)
    if level == "OKRES":
        return DistrictSpec("OKRES", value.strip(), "", value.strip())
    if level == "OBCE":
        codes = tuple(c for c in re.split(r"[;,\s]+", value) if c)
        if not codes or not all(c.isdigit() and len(c) == 6 for c in codes):
            raise DataError.single("", None, None, "err.bad_district_spec", value=spec)
        return DistrictSpec("OBCE", "", "", "", codes)
    if value.isdigit():
        if level in (None, "ORP"):
            csu = to_csu_orp(value)
            if csu:
                return _orp_spec(csu)
        if level in (None, "POU"):
            csu = to_csu_pou(value)
            if csu:
                return _pou_spec(csu)
        raise DataError.single("", None, None, "err.unknown_district", value=spec)
    norm = normalize_text(value)
    # "ORP Zidlochovice" / "POU Mesto Albrechtice" without a colon
    m2 = re.match(r"^(orp|pou)\s+(.+)$", norm)
    if m2 and level is None:
        level = m2.group(1).upper()
        norm = m2.group(2)
    orp_hits = [] if level == "POU" else [
        c for c, n in zip(orp_codes()["kod_orp_csu"], orp_codes()["nazev_orp"]) if normalize_text(n) == norm]
    pou_hits = [] if level == "ORP" else [
        c for c, n in zip(pou_codes()["kod_pou_csu"], pou_codes()["nazev_pou"]) if normalize_text(n) == norm]
    if len(orp_hits) == 1:
        return _orp_spec(orp_hits[0])
    if not orp_hits and len(pou_hits) == 1:
        return _pou_spec(pou_hits[0])
    if len(orp_hits) + len(pou_hits) > 1:
        matches = ", ".join([f"ORP:{c}" for c in orp_hits] + [f"POU:{c}" for c in pou_hits])
        raise DataError.single("", None, None, "err.ambiguous_district", value=spec, matches=matches)
    raise DataError.single("", None, None, "err.unknown_district", value=spec)


def district_alternatives(spec: str) -> list[str]:
    """Other districts a bare code or name could also mean (as specs), besides the one chosen.

    Bare codes prefer the ORP (ČSÚ code, then RÚIAN code) and then the POÚ; names prefer the
    ORP.  ``ORP:…``/``POU:…`` specs are never ambiguous.
    """
    raw = str(spec).strip()
    if not raw or _SPEC_RE.match(raw):
        return []
    try:
        chosen = parse_district_spec(raw)
    except DataError:
        return []
    out: list[str] = []
    if raw.isdigit():
        for level, csu in (("ORP", to_csu_orp(raw)), ("POU", to_csu_pou(raw))):
            if csu and f"{level}:{csu}" != chosen.key:
                out.append(f"{level}:{raw}")
    else:
        norm = normalize_text(raw)
        for c, n in zip(pou_codes()["kod_pou_csu"], pou_codes()["nazev_pou"]):
            if normalize_text(n) == norm and f"POU:{c}" != chosen.key:
                out.append(f"POU:{c}")
    return out


def district_mask(obce: pd.DataFrame, spec: DistrictSpec) -> pd.Series:
    """Boolean mask of the obce (normalised table with ČSÚ ``kod_orp``/``kod_pou``) in ``spec``.

    A kraj is the ORPs of the kraj (ORP codelist); an okres is matched against the okres columns
    of the municipality file (``kod_okresu``: LAU1 such as ``CZ0643`` or the ČSÚ code;
    ``nazev_okresu``), which must be there.
    """
    if spec.level == "ORP":
        return obce["kod_orp"].astype(str) == spec.code
    if spec.level == "POU":
        return obce["kod_pou"].astype(str) == spec.code
    if spec.level == "CR":
        return pd.Series(True, index=obce.index)
    if spec.level == "KRAJ":
        o = orp_codes()
        orps = set(o.loc[o["kod_kraje_nuts3"] == spec.code, "kod_orp_csu"])
        return obce["kod_orp"].astype(str).isin(orps)
    if spec.level == "OKRES":
        if "kod_okresu" not in obce and "nazev_okresu" not in obce:
            raise DataError.single("", None, "kod_okresu", "err.no_okres_columns")
        value = normalize_text(spec.code)
        mask = pd.Series(False, index=obce.index)
        for col in ("kod_okresu", "kod_okresu_csu", "nazev_okresu"):
            if col in obce:
                mask |= obce[col].astype(str).map(normalize_text) == value
        return mask
    if spec.level == "MULTI":
        mask = pd.Series(False, index=obce.index)
        for part in spec.parts:
            mask |= district_mask(obce, part)
        return mask
    return obce["kod_obce"].astype(str).isin(set(spec.obce))
