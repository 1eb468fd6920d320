"""The validated picture of a district and of the services that reach it.

Two objects carry everything the engine, the maps and the printing need:

* :class:`District` — the obce of an ORP, a POÚ or a custom area: codes, names, population
  (total and by age band, flagged when the bands are estimated), a polygon where known and a
  point (the definition point where given, else the polygon's representative point).  All
  geometry is in EPSG:5514 (S-JTSK / Křovák East North, metres).
* :class:`Services` — three tables: ``services`` (one row per service), ``sites`` (one row per
  service × site × form, with a point) and ``capacities`` (one row per service × form × capacity
  unit).  Capacity belongs to a service and a form, never to a site, so a service with two sites
  is never counted twice; capacities of different units are never added together.

Secret addresses (``secret_address``) are kept for planners' analysis; anything public must go
through :meth:`Services.public_sites`, which removes their location and address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from coverage_app.codelists import (
    AGE_BANDS,
    BASE_AGE_BANDS,
    CAPACITY_UNITS,
    DEFAULT_AGE_SHARES,
    FORMS,
    KindCatalog,
    base_bands_of,
)
from coverage_app.i18n import register, t

__all__ = [
    "CRS",
    "CZECHIA_BOUNDS_5514",
    "CZECHIA_BOUNDS_WGS84",
    "District",
    "Services",
    "SERVICE_COLUMNS",
    "SITE_COLUMNS",
    "CAPACITY_COLUMNS",
    "OBCE_COLUMNS",
    "estimate_age_bands",
    "population_context",
    "empty_services",
    "in_czechia_wgs84",
    "in_czechia_5514",
]

#: The working CRS: S-JTSK / Krovak East North (metres).
CRS = "EPSG:5514"
#: Bounding box of Czechia with a margin: (min_lon, min_lat, max_lon, max_lat).
CZECHIA_BOUNDS_WGS84 = (12.0, 48.5, 18.9, 51.1)
#: Bounding box of Czechia in EPSG:5514 with a margin: (min_x, min_y, max_x, max_y).
CZECHIA_BOUNDS_5514 = (-910_000.0, -1_240_000.0, -420_000.0, -930_000.0)

register({
    "label.secret_address": {"cs": "adresa neveřejná", "en": "address withheld"},
    "label.secret_address_call": {"cs": "adresa neveřejná, volejte {phone}",
                                  "en": "address withheld, call {phone}"},
    "label.estimated": {"cs": "odhad", "en": "estimate"},
})


def in_czechia_wgs84(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Whether WGS 84 points lie in the bounding box of Czechia."""
    x0, y0, x1, y1 = CZECHIA_BOUNDS_WGS84
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def in_czechia_5514(x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    """Whether EPSG:5514 points lie in the bounding box of Czechia."""
    x0, y0, x1, y1 = CZECHIA_BOUNDS_5514
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)


# ---------------------------------------------------------------------------------------------
# District
# ---------------------------------------------------------------------------------------------
#: Columns of :attr:`District.obce` (``pop_<band>`` for every base age band besides these).
OBCE_COLUMNS: tuple[str, ...] = (
    "kod_obce", "nazev_obce", "kod_pou", "nazev_pou", "kod_orp", "nazev_orp",
    "population", "age_estimated", "x", "y", "geometry",
)


def estimate_age_bands(total: pd.Series, shares: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Estimate base age bands from totals with a share per band.

    Parameters
    ----------
    total : Series
        Population per obec (people).
    shares : mapping of base band code to share (0–1), optional
        Defaults to :data:`~coverage_app.codelists.DEFAULT_AGE_SHARES` (ČR, 1 Jan 2020).  Shares
        are normalised to sum to 1.

    Returns
    -------
    DataFrame
        One ``pop_<band>`` column per base band (people, fractional; estimates keep decimals so
        that the bands add up to the total).
    """
    shares = dict(DEFAULT_AGE_SHARES if shares is None else shares)
    missing = [b.code for b in BASE_AGE_BANDS if b.code not in shares]
    if missing:
        raise ValueError(f"age shares lack bands {missing}")
    if any(v < 0 for v in shares.values()):
        raise ValueError("age shares must not be negative")
    s = sum(shares[b.code] for b in BASE_AGE_BANDS)
    if s <= 0:
        raise ValueError("age shares must add up to more than zero")
    tot = pd.to_numeric(total, errors="coerce").astype(float)
    return pd.DataFrame({b.column: tot * (shares[b.code] / s) for b in BASE_AGE_BANDS}, index=total.index)


@dataclass
class District:
    """The obce of one administrative district (ORP, POÚ) or of a custom area.

    Attributes
    ----------
    obce : GeoDataFrame
        EPSG:5514; one row per obec with the columns of :data:`OBCE_COLUMNS` and ``pop_<band>``
        for the base age bands.  ``kod_obce`` is a 6-digit string, unique.  ``geometry`` is the
        polygon where known, else the point; ``x``/``y`` is the obec's point (metres) from which
        travel is measured.  ``age_estimated`` is ``True`` where the age bands are estimated.
    name : str
        Display name, e.g. ``"ORP Židlochovice"``.
    level : {"ORP", "POU", "KRAJ", "OKRES", "CR", "custom"}
    code : str
        ČSÚ code of the ORP (4 digits) or POÚ (5 digits), NUTS3 of a kraj (``CZ072``); ``""`` for a
        custom area.
    population_source : str
        Where the population comes from and its date (shown on outputs).
    age_shares : mapping or None
        Shares used where bands are estimated (``None`` when no band is estimated).
    """

    obce: gpd.GeoDataFrame
    name: str = ""
    level: Literal["ORP", "POU", "KRAJ", "OKRES", "CR", "custom"] = "custom"
    code: str = ""
    population_source: str = ""
    age_shares: Mapping[str, float] | None = None
    source_files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.obce = _normalise_obce(self.obce)

    # -- basic facts -------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.obce)

    @property
    def codes(self) -> list[str]:
        """Obec codes (6-digit strings) in table order."""
        return self.obce["kod_obce"].tolist()

    @property
    def has_polygons(self) -> bool:
        """Whether every obec has a polygon (otherwise maps show points, never invented borders)."""
        geom_types = self.obce.geometry.geom_type
        return bool(len(self.obce)) and bool(geom_types.isin(["Polygon", "MultiPolygon"]).all())

    @property
    def age_is_estimated(self) -> bool:
        """Whether any obec has estimated age bands."""
        return bool(self.obce["age_estimated"].any())

    @property
    def total_population(self) -> int:
        """Sum of the population of all obce (people)."""
        return int(round(float(self.obce["population"].sum())))

    def points(self) -> gpd.GeoSeries:
        """Obec points (EPSG:5514) indexed by ``kod_obce``."""
        return gpd.GeoSeries(gpd.points_from_xy(self.obce["x"], self.obce["y"]), crs=CRS,
                             index=pd.Index(self.obce["kod_obce"], name="kod_obce"))

    def xy(self) -> np.ndarray:
        """Obec points as an ``(n, 2)`` array of EPSG:5514 metres."""
        return self.obce[["x", "y"]].to_numpy(dtype=float)

    def target_population(self, band: str = "total") -> pd.Series:
        """People in an age band per obec (indexed by ``kod_obce``).

        ``band`` is a key of :data:`~coverage_app.codelists.AGE_BANDS`; ``"total"`` is the whole
        population.  Values may be fractional where bands are estimated.
        """
        idx = pd.Index(self.obce["kod_obce"], name="kod_obce")
        if band == "total":
            return pd.Series(self.obce["population"].to_numpy(dtype=float), index=idx, name="total")
        if band not in AGE_BANDS:
            raise KeyError(f"unknown age band {band!r}")
        cols = [b.column for b in base_bands_of(band)]
        values = self.obce[cols].to_numpy(dtype=float).sum(axis=1)
        return pd.Series(values, index=idx, name=band)

    def subset(self, codes: Iterable[str], name: str | None = None) -> "District":
        """A district made of some of these obce (e.g. one POÚ of an ORP)."""
        codes = {str(c) for c in codes}
        part = self.obce[self.obce["kod_obce"].isin(codes)].copy()
        return District(part, name=name or self.name, level="custom" if name else self.level,
                        code=self.code if not name else "", population_source=self.population_source,
                        age_shares=self.age_shares, source_files=self.source_files)

    def with_population(self, population: pd.DataFrame, source: str = "",
                        age_shares: Mapping[str, float] | None = None) -> "District":
        """Replace population by a table indexed by ``kod_obce``.

        ``population`` has ``population`` and optionally ``pop_<band>`` columns and
        ``age_estimated``.  Obce missing in it keep their old values.  Where bands are missing
        they are estimated from ``age_shares`` (default ČR shares) and flagged.  When
        ``source``/``age_shares`` are not given, ``population.attrs["source"]`` and
        ``population.attrs["age_shares"]`` (set by :func:`coverage_app.io.population.read_population`)
        are used.
        """
        if age_shares is None and population.attrs.get("age_shares"):
            age_shares = dict(population.attrs["age_shares"])
        source = source or str(population.attrs.get("source") or "")
        obce = self.obce.copy()
        pop = population.copy()
        pop.index = pop.index.astype(str)
        key = obce["kod_obce"]
        if "population" in pop:
            new_total = key.map(pop["population"])
            obce["population"] = new_total.fillna(obce["population"]).astype(float)
        band_cols = [b.column for b in BASE_AGE_BANDS]
        have_bands = all(c in pop for c in band_cols)
        shares = age_shares
        if have_bands:
            for c in band_cols:
                obce[c] = key.map(pop[c]).astype(float)
            est_flag = key.map(pop["age_estimated"]) if "age_estimated" in pop else pd.Series(False, index=obce.index)
            missing = obce[band_cols].isna().any(axis=1)
            obce["age_estimated"] = est_flag.fillna(True).astype(bool) | missing
        else:
            missing = pd.Series(True, index=obce.index)
            obce["age_estimated"] = True
        if missing.any():
            est = estimate_age_bands(obce.loc[missing, "population"], shares)
            for c in band_cols:
                obce.loc[missing, c] = est[c]
            shares = dict(shares or DEFAULT_AGE_SHARES)
        return District(obce, name=self.name, level=self.level, code=self.code,
                        population_source=source or self.population_source,
                        age_shares=shares if obce["age_estimated"].any() else None,
                        source_files=self.source_files)

    def to_wgs84(self) -> gpd.GeoDataFrame:
        """The obce table in EPSG:4326 (for web maps), with ``lon``/``lat`` of the points."""
        out = self.obce.to_crs(4326)
        pts = self.points().to_crs(4326)
        out["lon"] = pts.x.to_numpy()
        out["lat"] = pts.y.to_numpy()
        return out

    def describe_population(self, lang: str = "cs") -> str:
        """A line for outputs: source of population and whether bands are estimated."""
        text = self.population_source or ""
        if self.age_is_estimated:
            from coverage_app.i18n import fmt_num

            shares = self.age_shares or DEFAULT_AGE_SHARES
            share = ", ".join(f"{b.name_cs if lang == 'cs' else b.name_en} "
                              f"{fmt_num(100 * float(shares[b.code]), lang, 1)} %" for b in BASE_AGE_BANDS)
            text = f"{text}; {t('warn.age_estimated', lang, share=share)}" if text else t("warn.age_estimated", lang, share=share)
        return text


def population_context(obce: gpd.GeoDataFrame) -> pd.DataFrame:
    """Population (total and base bands) and points of all loaded obce, indexed by obec code.

    The context of an analysis: denominators of field-service areas that reach beyond the
    district, the people around the district who share its sites (E2SFCA), and the ORP of each
    obec (the kraj of sites outside the district).  Bands missing
    in ``obce`` are estimated (see :func:`estimate_age_bands`).
    """
    table = District(obce.drop(columns=["source_row"], errors="ignore")).obce
    cols = ["population"] + [b.column for b in BASE_AGE_BANDS] + ["x", "y", "kod_orp"]
    return pd.DataFrame(table.set_index("kod_obce")[cols])


def _normalise_obce(obce: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Check and complete the obce table (types, CRS, points, age bands)."""
    if not isinstance(obce, gpd.GeoDataFrame):
        raise TypeError("District.obce must be a GeoDataFrame")
    if obce.crs is None:
        raise ValueError("District.obce has no CRS")
    gdf = obce.to_crs(CRS) if not obce.crs.equals(CRS) else obce.copy()
    gdf = gdf.reset_index(drop=True)
    if "kod_obce" not in gdf:
        raise ValueError("District.obce lacks kod_obce")
    gdf["kod_obce"] = gdf["kod_obce"].map(_code_str)
    if gdf["kod_obce"].duplicated().any():
        dup = gdf.loc[gdf["kod_obce"].duplicated(), "kod_obce"].tolist()
        raise ValueError(f"duplicate obec codes {dup}")
    for col in ("nazev_obce", "kod_pou", "nazev_pou", "kod_orp", "nazev_orp"):
        if col not in gdf:
            gdf[col] = ""
        gdf[col] = gdf[col].fillna("").map(lambda v: _code_str(v) if col.startswith("kod") and v != "" else str(v))
    if "population" not in gdf:
        gdf["population"] = np.nan
    gdf["population"] = pd.to_numeric(gdf["population"], errors="coerce").astype(float)
    if "x" not in gdf or "y" not in gdf:
        gdf["x"] = np.nan
        gdf["y"] = np.nan
    need = gdf["x"].isna() | gdf["y"].isna()
    if need.any():
        rep = gdf.loc[need].geometry.representative_point()
        gdf.loc[need, "x"] = rep.x.to_numpy()
        gdf.loc[need, "y"] = rep.y.to_numpy()
    gdf["x"] = gdf["x"].astype(float)
    gdf["y"] = gdf["y"].astype(float)
    band_cols = [b.column for b in BASE_AGE_BANDS]
    if "age_estimated" not in gdf:
        gdf["age_estimated"] = not all(c in gdf for c in band_cols)
    gdf["age_estimated"] = gdf["age_estimated"].fillna(True).astype(bool)
    if not all(c in gdf for c in band_cols):
        est = estimate_age_bands(gdf["population"])
        for c in band_cols:
            gdf[c] = est[c]
        gdf["age_estimated"] = True
    other = [c for c in gdf.columns if c not in OBCE_COLUMNS and c not in band_cols]
    ordered = [c for c in OBCE_COLUMNS if c != "geometry"] + band_cols + other + ["geometry"]
    return gpd.GeoDataFrame(gdf[ordered], geometry="geometry", crs=CRS)


def _code_str(value: object) -> str:
    """A code as a string without a trailing ``.0`` (``584282.0`` → ``"584282"``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------
#: One row per service.
SERVICE_COLUMNS: tuple[str, ...] = (
    "service_id",      # unique id (registry "identifikator" or the user's id)
    "service_name",
    "provider_name",
    "provider_ico",    # 8 digits as text
    "kind",            # kind id: DruhSocialniSluzby/N or a custom kind id
    "target_groups",   # tuple of target-group codes (codelists.TARGET_GROUPS) or registry names
    "service_area",    # tuple of obec codes the service declares it reaches (územní působnost)
    "valid_from",      # datetime.date or None
    "valid_to",        # datetime.date or None
    "phone",
    "email",
    "web",
    "hours",
    "description",
    "fictional",       # bool: a made-up service (demo)
    "source",          # where the record comes from (file name, "MPSV rpss.json 2026-09-04", …)
)

#: One row per service × site × form (GeoDataFrame, EPSG:5514 points).
SITE_COLUMNS: tuple[str, ...] = (
    "service_id",
    "site_id",         # unique per service × site (shared by that site's forms)
    "site_name",
    "form",            # pob | amb | ter
    "kod_obce",        # obec of the site (6-digit string)
    "obec_name",
    "street",
    "house_number",
    "orientation_number",
    "psc",
    "address_code",    # RÚIAN kodAdresnihoMista, "" when unknown
    "secret_address",  # bool: the address must never be shown in public
    "location_method",  # coordinates | address_point | obec_point | none
    "geometry",
)

#: One row per service × form × capacity unit.
CAPACITY_COLUMNS: tuple[str, ...] = ("service_id", "form", "unit", "capacity")

LocationMethod = Literal["coordinates", "address_point", "obec_point", "none"]


def empty_services(kinds: KindCatalog | None = None) -> "Services":
    """A :class:`Services` object without any rows."""
    return Services(
        services=pd.DataFrame({c: pd.Series(dtype=object) for c in SERVICE_COLUMNS}),
        sites=gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in SITE_COLUMNS if c != "geometry"},
                               geometry=gpd.GeoSeries([], crs=CRS), crs=CRS),
        capacities=pd.DataFrame({c: pd.Series(dtype=object) for c in CAPACITY_COLUMNS}),
        kinds=kinds or KindCatalog(),
    )


@dataclass
class Services:
    """Social services and their sites, forms and capacities.

    Attributes
    ----------
    services : DataFrame
        One row per service (:data:`SERVICE_COLUMNS`), ``service_id`` unique.
    sites : GeoDataFrame
        One row per service × site × form (:data:`SITE_COLUMNS`), EPSG:5514 points (``None``
        where the site could not be placed).
    capacities : DataFrame
        One row per service × form × unit (:data:`CAPACITY_COLUMNS`); ``capacity`` is the
        registered maximum (beds, clients, interventions, contacts or calls).
    kinds : KindCatalog
        The kinds the services may use, custom related services included.
    snapshot : str
        Label of the data snapshot (e.g. the registry date) for period comparison.
    """

    services: pd.DataFrame
    sites: gpd.GeoDataFrame
    capacities: pd.DataFrame
    kinds: KindCatalog = field(default_factory=KindCatalog)
    snapshot: str = ""
    source_files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.services, self.sites, self.capacities = _normalise_services(
            self.services, self.sites, self.capacities)
        self.validate()

    # -- invariants --------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ``ValueError`` when the three tables contradict each other."""
        sv = self.services
        if sv["service_id"].duplicated().any():
            raise ValueError(f"duplicate service ids: {sorted(set(sv.loc[sv['service_id'].duplicated(), 'service_id']))}")
        ids = set(sv["service_id"])
        orphan = set(self.sites["service_id"]) - ids
        if orphan:
            raise ValueError(f"sites of unknown services: {sorted(orphan)}")
        orphan = set(self.capacities["service_id"]) - ids
        if orphan:
            raise ValueError(f"capacities of unknown services: {sorted(orphan)}")
        unknown = set(sv["kind"]) - set(self.kinds.kinds)
        if unknown:
            raise ValueError(f"unknown kinds: {sorted(unknown)}")
        bad_forms = set(self.sites["form"]) - set(FORMS)
        bad_forms |= set(self.capacities["form"]) - set(FORMS)
        if bad_forms:
            raise ValueError(f"unknown forms: {sorted(bad_forms)}")
        bad_units = set(self.capacities["unit"]) - set(CAPACITY_UNITS)
        if bad_units:
            raise ValueError(f"unknown capacity units: {sorted(bad_units)}")
        if (self.capacities["capacity"].astype(float) < 0).any():
            raise ValueError("negative capacity")
        key = self.capacities[["service_id", "form", "unit"]]
        if key.duplicated().any():
            raise ValueError("a capacity is given twice for one service × form × unit")
        if self.sites[["site_id", "form"]].duplicated().any():
            raise ValueError("a site appears twice with the same form")

    # -- views -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.services)

    def table(self) -> gpd.GeoDataFrame:
        """Sites joined with their service's attributes (one row per service × site × form)."""
        cols = [c for c in self.services.columns if c != "service_id"]
        out = self.sites.merge(self.services, on="service_id", how="left", suffixes=("", "_service"))
        out = gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)
        return out[[c for c in self.sites.columns if c != "geometry"] + cols + ["geometry"]]

    def public_sites(self, lang: str = "cs") -> gpd.GeoDataFrame:
        """:meth:`table` safe for anything public (maps, HTML export, print, catalogue).

        Sites with a secret address lose their point and every address field; ``address_text``
        says "adresa neveřejná" (with the phone when known).  Use this, never :attr:`sites`,
        for public outputs.
        """
        tab = self.table()
        secret = tab["secret_address"].astype(bool)
        tab["address_text"] = [format_address(r) for r in tab.itertuples()]
        for col in ("street", "house_number", "orientation_number", "psc", "address_code"):
            tab.loc[secret, col] = ""
        tab.loc[secret, "site_name"] = tab.loc[secret, "service_name"]
        phones = tab.loc[secret, "phone"].fillna("").astype(str)
        tab.loc[secret, "address_text"] = [
            t("label.secret_address_call", lang, phone=p) if p else t("label.secret_address", lang) for p in phones
        ]
        geoms = tab.geometry.copy()
        geoms[secret] = None
        tab = tab.set_geometry(geoms)
        return tab

    def capacity_of(self, service_id: str, form: str, unit: str) -> float:
        """Registered capacity of one service × form in one unit (0 when not registered)."""
        c = self.capacities
        hit = c[(c["service_id"] == service_id) & (c["form"] == form) & (c["unit"] == unit)]
        return float(hit["capacity"].iloc[0]) if len(hit) else 0.0

    def kinds_present(self) -> list[str]:
        """Kind ids used by at least one service, in codelist order."""
        used = set(self.services["kind"])
        return [k.id for k in self.kinds if k.id in used]

    def active_on(self, day: dt.date) -> "Services":
        """Services valid on ``day`` (by ``valid_from``/``valid_to``)."""
        sv = self.services
        ok = (sv["valid_from"].isna() | (sv["valid_from"].map(lambda d: d is None or d <= day))) & (
            sv["valid_to"].isna() | (sv["valid_to"].map(lambda d: d is None or d >= day)))
        return self.filter(sv.loc[ok, "service_id"])

    def serving_ids(self, codes: Iterable[str]) -> list[str]:
        """Ids of services with a site in these obce or a declared service area reaching into them
        (in table order)."""
        codes = {str(c) for c in codes}
        by_site = set(self.sites.loc[self.sites["kod_obce"].isin(codes), "service_id"])
        sv = self.services
        by_area = {sid for sid, area in zip(sv["service_id"], sv["service_area"]) if codes.intersection(area)}
        keep = by_site | by_area
        return [sid for sid in sv["service_id"] if sid in keep]

    def filter(self, service_ids: Iterable[str]) -> "Services":
        """Only these services (with their sites and capacities)."""
        ids = set(service_ids)
        return Services(
            services=self.services[self.services["service_id"].isin(ids)].copy(),
            sites=self.sites[self.sites["service_id"].isin(ids)].copy(),
            capacities=self.capacities[self.capacities["service_id"].isin(ids)].copy(),
            kinds=self.kinds, snapshot=self.snapshot, source_files=self.source_files,
        )

    def concat(self, other: "Services") -> "Services":
        """Both sets of services (ids must not clash)."""
        kinds = self.kinds.copy()
        for k in other.kinds.custom:
            kinds.kinds.setdefault(k.id, k)
        return Services(
            services=pd.concat([self.services, other.services], ignore_index=True),
            sites=gpd.GeoDataFrame(pd.concat([self.sites, other.sites], ignore_index=True), crs=CRS),
            capacities=pd.concat([self.capacities, other.capacities], ignore_index=True),
            kinds=kinds, snapshot=self.snapshot or other.snapshot,
            source_files=self.source_files + other.source_files,
        )


def format_address(row: object) -> str:
    """Postal address of a site row: ``Street 12/3, 66701 Obec`` (house number only if no street)."""
    street = str(getattr(row, "street", "") or "")
    hn = str(getattr(row, "house_number", "") or "")
    on = str(getattr(row, "orientation_number", "") or "")
    psc = str(getattr(row, "psc", "") or "")
    obec = str(getattr(row, "obec_name", "") or "")
    number = f"{hn}/{on}" if hn and on else hn or on
    first = f"{street} {number}".strip() if street else (f"č. p. {hn}" if hn else "")
    if not street and number and obec and hn:
        first = f"{obec} {number}"
    last = f"{psc[:3]} {psc[3:]} {obec}".strip() if len(psc) == 5 else f"{psc} {obec}".strip()
    return ", ".join(p for p in (first, last) if p)


def _normalise_services(services: pd.DataFrame, sites: gpd.GeoDataFrame, capacities: pd.DataFrame
                        ) -> tuple[pd.DataFrame, gpd.GeoDataFrame, pd.DataFrame]:
    sv = services.copy().reset_index(drop=True)
    for c in SERVICE_COLUMNS:
        if c not in sv:
            sv[c] = None
    sv["service_id"] = sv["service_id"].map(_code_str)
    for c in ("target_groups", "service_area"):
        sv[c] = sv[c].map(_as_tuple)
    sv["service_area"] = sv["service_area"].map(lambda tup: tuple(_code_str(v) for v in tup))
    sv["fictional"] = sv["fictional"].fillna(False).astype(bool)
    for c in ("service_name", "provider_name", "provider_ico", "phone", "email", "web", "hours",
              "description", "source", "kind"):
        sv[c] = sv[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
    for c in ("valid_from", "valid_to"):
        sv[c] = sv[c].map(_as_date).astype(object)
    sv = sv[list(SERVICE_COLUMNS) + [c for c in sv.columns if c not in SERVICE_COLUMNS]]

    st = sites.copy().reset_index(drop=True)
    if not isinstance(st, gpd.GeoDataFrame) or st.geometry.name not in st:
        st = gpd.GeoDataFrame(st, geometry=gpd.GeoSeries([None] * len(st), crs=CRS), crs=CRS)
    if st.crs is None:
        st = st.set_crs(CRS)
    elif not st.crs.equals(CRS):
        st = st.to_crs(CRS)
    if st.geometry.name != "geometry":
        st = st.rename_geometry("geometry")
    for c in SITE_COLUMNS:
        if c not in st:
            st[c] = None
    st["service_id"] = st["service_id"].map(_code_str)
    st["kod_obce"] = st["kod_obce"].map(_code_str)
    for c in ("site_id", "site_name", "obec_name", "street", "house_number", "orientation_number",
              "psc", "address_code", "location_method", "form"):
        st[c] = st[c].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else _code_str(v) if c in ("address_code", "psc", "house_number") else str(v))
    st["secret_address"] = st["secret_address"].fillna(False).astype(bool)
    st.loc[st["location_method"] == "", "location_method"] = "none"
    st = gpd.GeoDataFrame(st[list(SITE_COLUMNS) + [c for c in st.columns if c not in SITE_COLUMNS]],
                          geometry="geometry", crs=CRS)

    cp = capacities.copy().reset_index(drop=True)
    for c in CAPACITY_COLUMNS:
        if c not in cp:
            cp[c] = None
    cp["service_id"] = cp["service_id"].map(_code_str)
    cp["capacity"] = pd.to_numeric(cp["capacity"], errors="coerce").astype(float)
    cp = cp[cp["capacity"].notna()][list(CAPACITY_COLUMNS)].reset_index(drop=True)
    return sv, st, cp


def _as_tuple(value: object) -> tuple:
    if value is None:
        return ()
    if isinstance(value, float) and np.isnan(value):
        return ()
    if isinstance(value, str):
        parts = [p.strip() for p in value.replace(",", ";").split(";")]
        return tuple(p for p in parts if p)
    if isinstance(value, (list, tuple, set, np.ndarray, pd.Series)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _as_date(value: object) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    return dt.date.fromisoformat(text[:10])


def point_or_none(x: float | None, y: float | None) -> Point | None:
    """A shapely point, or ``None`` when a coordinate is missing."""
    if x is None or y is None or not np.isfinite(x) or not np.isfinite(y):
        return None
    return Point(float(x), float(y))
