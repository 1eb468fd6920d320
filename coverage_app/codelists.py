"""Czech domain codelists: kinds of social service, forms, capacity units, target groups, age bands.

This is the one home of Czech domain terms.  The 34 kinds of social service follow Act
No. 108/2006 Sb. (§ 37 counselling, § 39–52 care, § 54–70 prevention) plus the centre of mental
health (centrum duševního zdraví).  Registry codes (``DruhSocialniSluzby/N``) follow the MPSV open
data codelist ``druhy-socialni-sluzby.json``; where a code has been seen in the registry data it is
marked ``registry_code_confirmed``; the others are inferred from the order of the Act and are
overridden by :meth:`KindCatalog.apply_registry_codelist` when the registry's own codelist is
loaded (the registry is authoritative).

Related services outside the Act ("navazující služby": school, counselling, leisure) are
*custom kinds*: add them to a :class:`KindCatalog` with :meth:`KindCatalog.add_custom`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

__all__ = [
    "ACCESS_LEVELS",
    "ACCESS_MODES",
    "AGE_BANDS",
    "AccessRule",
    "DEFAULT_ACCESS_SOURCE",
    "BASE_AGE_BANDS",
    "CAPACITY_UNITS",
    "DEFAULT_AGE_SHARES",
    "FORMS",
    "GROUPS",
    "KINDS",
    "TARGET_GROUPS",
    "WORKING_GROUPS",
    "AgeBand",
    "CapacityUnit",
    "Form",
    "KindCatalog",
    "ServiceKind",
    "TargetGroup",
    "default_catalog",
    "default_access",
    "normalize_text",
    "parse_form",
    "parse_unit",
]


def normalize_text(value: object) -> str:
    """Lower-case, strip diacritics and collapse white space (for lenient matching of names)."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text).strip().lower()


# ---------------------------------------------------------------------------------------------
# Forms and capacity units
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Form:
    """A form of provision (forma poskytování)."""

    code: Literal["pob", "amb", "ter"]
    name_cs: str
    name_en: str
    registry_code: str
    description_cs: str


FORMS: dict[str, Form] = {
    f.code: f
    for f in (
        Form("pob", "pobytová", "residential", "FormaSocialniSluzby/pob",
             "klient v zařízení bydlí"),
        Form("amb", "ambulantní", "ambulatory", "FormaSocialniSluzby/amb",
             "klient za službou dochází nebo je doprovázen či dopravován"),
        Form("ter", "terénní", "field", "FormaSocialniSluzby/ter",
             "služba přichází za klientem do jeho přirozeného prostředí"),
    )
}

_FORM_ALIASES = {
    "pob": "pob", "pobytova": "pob", "residential": "pob", "p": "pob",
    "amb": "amb", "ambulantni": "amb", "ambulatory": "amb", "a": "amb",
    "ter": "ter", "terenni": "ter", "field": "ter", "t": "ter", "outreach": "ter",
}


def parse_form(value: object) -> str | None:
    """Return ``"pob"``, ``"amb"`` or ``"ter"`` for a code, name or registry id; else ``None``."""
    if value is None:
        return None
    text = normalize_text(value)
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    return _FORM_ALIASES.get(text)


@dataclass(frozen=True)
class CapacityUnit:
    """A unit in which the registry states capacity (typ kapacity)."""

    code: Literal["luzka", "klient", "interv", "kontakt", "hovor"]
    name_cs: str
    name_en: str
    registry_code: str
    short_cs: str
    short_en: str


CAPACITY_UNITS: dict[str, CapacityUnit] = {
    u.code: u
    for u in (
        CapacityUnit("luzka", "počet lůžek", "beds", "TypKapacitySocialniSluzby/luzka", "lůžek", "beds"),
        CapacityUnit("klient", "počet klientů", "clients", "TypKapacitySocialniSluzby/klient",
                     "klientů", "clients"),
        CapacityUnit("interv", "počet intervencí (30 min)", "interventions (30 min)",
                     "TypKapacitySocialniSluzby/interv", "intervencí", "interventions"),
        CapacityUnit("kontakt", "počet kontaktů (10 min)", "contacts (10 min)",
                     "TypKapacitySocialniSluzby/kontakt", "kontaktů", "contacts"),
        CapacityUnit("hovor", "počet hovorů", "calls", "TypKapacitySocialniSluzby/hovor", "hovorů", "calls"),
    )
}

_UNIT_ALIASES = {
    "luzka": "luzka", "luzko": "luzka", "lozka": "luzka", "beds": "luzka", "bed": "luzka",
    "pocet luzek": "luzka",
    "klient": "klient", "klienti": "klient", "klientu": "klient", "clients": "klient",
    "client": "klient", "pocet klientu": "klient",
    "interv": "interv", "intervence": "interv", "interventions": "interv", "pocet intervenci": "interv",
    "kontakt": "kontakt", "kontakty": "kontakt", "contacts": "kontakt", "pocet kontaktu": "kontakt",
    "hovor": "hovor", "hovory": "hovor", "calls": "hovor", "pocet hovoru": "hovor",
}


#: Above these capacities of one service × form a value is most likely a typing error (beds, clients,
#: interventions, contacts, calls): it is kept, with a warning naming the file, row and column.
PLAUSIBLE_CAPACITY: dict[str, float] = {"luzka": 1_000, "klient": 10_000, "interv": 500_000,
                                        "kontakt": 500_000, "hovor": 500_000}


def parse_unit(value: object) -> str | None:
    """Return a capacity unit code for a code, name or registry id; else ``None``."""
    if value is None:
        return None
    text = normalize_text(value)
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    return _UNIT_ALIASES.get(text)


# ---------------------------------------------------------------------------------------------
# Age bands
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AgeBand:
    """An age band in whole years, ``upper`` inclusive (``None`` = open-ended)."""

    code: str
    lower: int
    upper: int | None
    name_cs: str
    name_en: str

    @property
    def column(self) -> str:
        """Column name of this band in the district table, e.g. ``pop_65p``."""
        return f"pop_{self.code}"

    def contains(self, other: "AgeBand") -> bool:
        """Whether ``other`` lies entirely within this band."""
        hi = float("inf") if self.upper is None else self.upper
        other_hi = float("inf") if other.upper is None else other.upper
        return self.lower <= other.lower and other_hi <= hi


#: Non-overlapping bands stored per obec; every target band is a union of them.
BASE_AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0_4", 0, 4, "0–4 let", "0–4 years"),
    AgeBand("5_14", 5, 14, "5–14 let", "5–14 years"),
    AgeBand("15_24", 15, 24, "15–24 let", "15–24 years"),
    AgeBand("25_64", 25, 64, "25–64 let", "25–64 years"),
    AgeBand("65_79", 65, 79, "65–79 let", "65–79 years"),
    AgeBand("80p", 80, None, "80 a více let", "80 years and over"),
)

#: Bands a kind of service can target (each a union of base bands).
AGE_BANDS: dict[str, AgeBand] = {
    b.code: b
    for b in (
        AgeBand("total", 0, None, "všichni obyvatelé", "all residents"),
        AgeBand("0_4", 0, 4, "děti 0–4 let", "children 0–4"),
        AgeBand("0_14", 0, 14, "děti 0–14 let", "children 0–14"),
        AgeBand("5_24", 5, 24, "děti a mladí 5–24 let", "young people 5–24"),
        AgeBand("15_24", 15, 24, "mladí 15–24 let", "young people 15–24"),
        AgeBand("15_64", 15, 64, "dospělí 15–64 let", "adults 15–64"),
        AgeBand("15p", 15, None, "dospělí 15+ let", "adults 15+"),
        AgeBand("65p", 65, None, "senioři 65+ let", "older people 65+"),
        AgeBand("80p", 80, None, "senioři 80+ let", "older people 80+"),
    )
}


def base_bands_of(band: str) -> list[AgeBand]:
    """Base bands that make up the target band ``band`` (e.g. ``"65p"`` → 65–79 and 80+)."""
    target = AGE_BANDS[band]
    return [b for b in BASE_AGE_BANDS if target.contains(b)]


#: Default shares of the base bands in the population (Czechia, 1 Jan 2020, ČSÚ, rounded),
#: used only to *estimate* bands where only totals are known; the user can set their own.
DEFAULT_AGE_SHARES: dict[str, float] = {
    "0_4": 0.053,
    "5_14": 0.107,
    "15_24": 0.095,
    "25_64": 0.545,
    "65_79": 0.156,
    "80p": 0.044,
}


# ---------------------------------------------------------------------------------------------
# Working groups and target groups
# ---------------------------------------------------------------------------------------------
#: Working groups of community planning (pracovní skupiny), as in the seed districts.
WORKING_GROUPS: dict[str, dict[str, str]] = {
    "seniori": {"cs": "Senioři", "en": "Older people"},
    "postizeni": {"cs": "Lidé s postižením", "en": "People with disabilities"},
    "rodiny": {"cs": "Děti, mládež a rodiny", "en": "Children, youth and families"},
    "krize": {"cs": "Osoby v krizi a ohrožené sociálním vyloučením",
              "en": "People in crisis or at risk of social exclusion"},
}

#: Groups of kinds by the Act (druhy sociálních služeb).
GROUPS: dict[str, dict[str, str]] = {
    "poradenstvi": {"cs": "sociální poradenství", "en": "social counselling"},
    "pece": {"cs": "služby sociální péče", "en": "social care"},
    "prevence": {"cs": "služby sociální prevence", "en": "social prevention"},
    "navazujici": {"cs": "navazující služby", "en": "related services"},
}


@dataclass(frozen=True)
class TargetGroup:
    """A target group (cílová skupina) of the registry codelist ``CilovaSkupinaOsoby``."""

    code: str
    name_cs: str
    name_en: str
    registry_code: str | None
    working_group: str


TARGET_GROUPS: dict[str, TargetGroup] = {
    g.code: g
    for g in (
        TargetGroup("seniori", "senioři", "older people", "CilovaSkupinaOsoby/24", "seniori"),
        TargetGroup("pecujici", "pečující osoby", "carers", "CilovaSkupinaOsoby/26", "seniori"),
        TargetGroup("paliativni", "osoby s potřebou paliativní péče", "people in need of palliative care",
                    "CilovaSkupinaOsoby/27", "seniori"),
        TargetGroup("demence", "osoby žijící s demencí", "people living with dementia",
                    "CilovaSkupinaOsoby/30", "seniori"),
        TargetGroup("zdravotni_postizeni", "osoby se zdravotním postižením", "people with disabilities",
                    None, "postizeni"),
        TargetGroup("mentalni_postizeni", "osoby s mentálním postižením", "people with intellectual disabilities",
                    None, "postizeni"),
        TargetGroup("telesne_postizeni", "osoby s tělesným postižením", "people with physical disabilities",
                    None, "postizeni"),
        TargetGroup("kombinovane_postizeni", "osoby s kombinovaným postižením", "people with multiple disabilities",
                    None, "postizeni"),
        TargetGroup("zrakove_postizeni", "osoby se zrakovým postižením", "people with visual impairment",
                    None, "postizeni"),
        TargetGroup("sluchove_postizeni", "osoby se sluchovým postižením", "people with hearing impairment",
                    None, "postizeni"),
        TargetGroup("chronicke_onemocneni", "osoby s chronickým onemocněním", "people with chronic illness",
                    None, "postizeni"),
        TargetGroup("dusevni_onemocneni", "osoby s chronickým duševním onemocněním", "people with chronic mental illness",
                    None, "postizeni"),
        TargetGroup("rodiny_s_detmi", "rodiny s dítětem/dětmi", "families with children", None, "rodiny"),
        TargetGroup("deti_mladez", "děti a mládež ve věku od 6 do 26 let ohrožené společensky nežádoucími jevy",
                    "children and youth 6–26 at risk", None, "rodiny"),
        TargetGroup("opoustejici_ustavni_peci", "osoby do 26 let věku opouštějící školská zařízení pro výkon ústavní péče",
                    "young people under 26 leaving institutional care", None, "rodiny"),
        TargetGroup("osoby_v_krizi", "osoby v krizi", "people in crisis", None, "krize"),
        TargetGroup("obeti_nasili", "oběti domácího násilí", "victims of domestic violence", None, "krize"),
        TargetGroup("obeti_trestne_cinnosti", "oběti trestné činnosti", "victims of crime", None, "krize"),
        TargetGroup("obeti_obchodu_s_lidmi", "oběti obchodu s lidmi", "victims of human trafficking", None, "krize"),
        TargetGroup("bez_pristresi", "osoby bez přístřeší", "homeless people", None, "krize"),
        TargetGroup("rizikovy_zpusob_zivota", "osoby, které vedou rizikový způsob života nebo jsou tímto způsobem života ohroženy",
                    "people with a high-risk lifestyle", None, "krize"),
        TargetGroup("navykove_latky", "osoby ohrožené závislostí nebo závislé na návykových látkách",
                    "people using or at risk of addiction", None, "krize"),
        TargetGroup("socialne_vyloucene_komunity", "osoby žijící v sociálně vyloučených komunitách",
                    "people in socially excluded communities", None, "krize"),
        TargetGroup("pachatele", "pachatelé trestné činnosti", "offenders", None, "krize"),
        TargetGroup("etnicke_mensiny", "etnické menšiny", "ethnic minorities", None, "krize"),
        TargetGroup("imigranti", "imigranti a azylanti", "immigrants and asylum seekers", None, "krize"),
    )
}


def resolve_target_group(value: object) -> str | None:
    """Target-group code for a code, registry id (``CilovaSkupinaOsoby/24``) or Czech name."""
    if value is None:
        return None
    raw = str(value).strip()
    if raw in TARGET_GROUPS:
        return raw
    for g in TARGET_GROUPS.values():
        if g.registry_code and raw == g.registry_code:
            return g.code
    norm = normalize_text(raw)
    for g in TARGET_GROUPS.values():
        if norm in (normalize_text(g.name_cs), normalize_text(g.name_en), g.code):
            return g.code
    return None


# ---------------------------------------------------------------------------------------------
# Access model: level of availability (úroveň dostupnosti) and mode of access
# ---------------------------------------------------------------------------------------------
#: Levels of availability at which kraje plan the network of services (úroveň dostupnosti,
#: spádovost).  ``scope`` is the unit a gap of the level is judged for.
ACCESS_LEVELS: dict[str, dict[str, str]] = {
    "mistni": {"cs": "místní", "en": "local", "scope": "obec",
               "note_cs": "v každé obci nebo v jejím blízkém centru", "note_en": "in or near every obec"},
    "orp": {"cs": "oblastní (ORP)", "en": "ORP level", "scope": "orp",
            "note_cs": "alespoň jedna dosažitelná v rámci ORP/POÚ", "note_en": "one reachable within the ORP/POÚ"},
    "kraj": {"cs": "krajská (regionální)", "en": "regional", "scope": "kraj",
             "note_cs": "několik v kraji", "note_en": "a few per kraj"},
    "cr": {"cs": "celostátní (nadregionální)", "en": "national", "scope": "kraj",
           "note_cs": "pro celou republiku", "note_en": "for the whole country"},
}

#: How people reach a service.
ACCESS_MODES: dict[str, dict[str, str]] = {
    "travel": {"cs": "klient dojíždí", "en": "client travels", "forms": "amb pob"},
    "field": {"cs": "služba přijíždí za klientem", "en": "staff come to the client", "forms": "ter"},
    "remote": {"cs": "na dálku (telefon, tlačítko)", "en": "remote (telephone, alarm button)", "forms": ""},
}

_LEVEL_ALIASES = {"mistni": "mistni", "local": "mistni", "obec": "mistni", "orp": "orp", "oblastni": "orp",
                  "pou": "orp", "kraj": "kraj", "krajska": "kraj", "regionalni": "kraj", "regional": "kraj",
                  "cr": "cr", "celostatni": "cr", "nadregionalni": "cr", "national": "cr"}
_MODE_ALIASES = {"travel": "travel", "dojizdi": "travel", "dojezd": "travel", "ambulantni": "travel",
                 "pobytova": "travel", "field": "field", "terenni": "field", "prijede": "field",
                 "remote": "remote", "dalku": "remote", "na dalku": "remote", "telefon": "remote",
                 "telefonicky": "remote",
                 # the words of the report's sheet, so that it can be edited and read back
                 "klient dojizdi": "travel", "client travels": "travel",
                 "sluzba prijizdi za klientem": "field", "staff come to the client": "field",
                 "na dalku (telefon, tlacitko)": "remote", "remote (telephone, alarm button)": "remote"}


def parse_access_level(value: object) -> str | None:
    """``mistni``, ``orp``, ``kraj`` or ``cr`` for a code or a Czech/English name; else ``None``."""
    return _LEVEL_ALIASES.get(normalize_text(value).split(" ")[0]) if value is not None else None


def parse_access_mode(value: object) -> str | None:
    """``travel``, ``field`` or ``remote`` for a code or a Czech/English word; else ``None``."""
    if value is None:
        return None
    text = normalize_text(value)
    return _MODE_ALIASES.get(text) or _MODE_ALIASES.get(text.split(" ")[0])


#: Source note of every built-in access rule: a default, to be replaced by the kraj's own table.
DEFAULT_ACCESS_SOURCE = ("výchozí hodnota nástroje (podle běžných krajských sítí služeb) – nahraďte "
                         "definicí sítě sociálních služeb vašeho kraje")


@dataclass(frozen=True)
class AccessRule:
    """Level of availability and modes of access of one kind of service.

    Attributes
    ----------
    level : {"mistni", "orp", "kraj", "cr"}
        Unit at which a gap is judged: the obec, the ORP/POÚ, the kraj; national kinds are
        never a travel gap.
    limits : tuple of (mode, minutes)
        The modes (``travel``: clients travel to an ambulatory or residential site; ``field``:
        staff come from the base to the obec; ``remote``: telephone, alarm button) with the time
        limit of each in minutes (``nan`` for ``remote``).  Order = importance.
    source : str
        Where the rule comes from (the kraj's network definition, or the built-in default).
    """

    level: str
    limits: tuple[tuple[str, float], ...]
    source: str = DEFAULT_ACCESS_SOURCE

    def __post_init__(self) -> None:
        if self.level not in ACCESS_LEVELS:
            raise ValueError(f"unknown access level {self.level!r}")
        for mode, _ in self.limits:
            if mode not in ACCESS_MODES:
                raise ValueError(f"unknown access mode {mode!r}")

    @property
    def modes(self) -> tuple[str, ...]:
        """The modes of access, most important first."""
        return tuple(m for m, _ in self.limits)

    def limit(self, mode: str) -> float | None:
        """Time limit of a mode in minutes (``None`` when the kind has no such mode)."""
        for m, v in self.limits:
            if m == mode:
                return float(v)
        return None

    @property
    def travel_limit(self) -> float | None:
        """Minutes within which clients should reach a site (``None``: clients do not travel)."""
        return self.limit("travel")

    @property
    def field_limit(self) -> float | None:
        """Minutes within which staff should reach the client from the base (``None``: no field mode)."""
        return self.limit("field")

    @property
    def remote(self) -> bool:
        """Whether the service is reached remotely (never a travel gap)."""
        return "remote" in self.modes

    @property
    def mode_code(self) -> str:
        """Modes joined by ``+`` (``field+travel``) for tables."""
        return "+".join(self.modes)

    def to_text(self) -> str:
        """Compact form ``orp travel:45 field:30`` (see :meth:`from_text`)."""
        parts = [m if m == "remote" or lim != lim else f"{m}:{lim:g}" for m, lim in self.limits]
        return " ".join([self.level, *parts])

    @classmethod
    def from_text(cls, text: str, source: str = DEFAULT_ACCESS_SOURCE) -> "AccessRule":
        """Parse :meth:`to_text` (``ValueError`` when it is not one)."""
        level, *modes = str(text).split()
        limits = []
        for part in modes:
            mode, _, lim = part.partition(":")
            limits.append((mode, float(lim) if lim else float("nan")))
        return cls(level, tuple(limits), source)

    def label(self, lang: str = "cs") -> str:
        """``oblastní (ORP); klient dojíždí ≤ 45 min`` — level and modes in words."""
        parts = []
        for mode, lim in self.limits:
            name = ACCESS_MODES[mode][lang]
            shown = f"{lim:g}".replace(".", ",") if lang == "cs" else f"{lim:g}"
            parts.append(name if mode == "remote" or lim != lim else f"{name} ≤ {shown} min")
        return f"{ACCESS_LEVELS[self.level][lang]}; {', '.join(parts)}"


def _acc(level: str, modes: str) -> AccessRule:
    return AccessRule.from_text(f"{level} {modes}")


#: Default access model by kind slug (a starting point; each kraj defines its own network).
#: Limits: 20–30 min for local kinds, 30–45 min for day services and ORP-level kinds,
#: 45–60 min for residential and regional kinds; field limits are the staff's drive from the base.
_DEFAULT_ACCESS: dict[str, AccessRule] = {
    "odborne_socialni_poradenstvi": _acc("orp", "travel:45 field:45"),
    "osobni_asistence": _acc("mistni", "field:30"),
    "pecovatelska_sluzba": _acc("mistni", "field:30 travel:20"),
    "tisnova_pece": _acc("kraj", "remote"),
    "pruvodcovske_a_predcitatelske_sluzby": _acc("orp", "field:45 travel:45"),
    "podpora_samostatneho_bydleni": _acc("orp", "field:45"),
    "odlehcovaci_sluzby": _acc("orp", "travel:45 field:30"),
    "centra_dennich_sluzeb": _acc("orp", "travel:30"),
    "denni_stacionare": _acc("orp", "travel:30"),
    "tydenni_stacionare": _acc("kraj", "travel:60"),
    "domovy_pro_osoby_se_zdravotnim_postizenim": _acc("kraj", "travel:60"),
    "domovy_pro_seniory": _acc("orp", "travel:45"),
    "domovy_se_zvlastnim_rezimem": _acc("orp", "travel:60"),
    "chranene_bydleni": _acc("kraj", "travel:60"),
    "socialni_sluzby_ve_zdravotnickych_zarizenich": _acc("orp", "travel:45"),
    "rana_pece": _acc("kraj", "field:90"),
    "telefonicka_krizova_pomoc": _acc("cr", "remote"),
    "tlumocnicke_sluzby": _acc("cr", "remote field:90"),
    "azylove_domy": _acc("kraj", "travel:60"),
    "domy_na_pul_cesty": _acc("kraj", "travel:60"),
    "kontaktni_centra": _acc("kraj", "travel:45 field:45"),
    "krizova_pomoc": _acc("kraj", "travel:60"),
    "intervencni_centra": _acc("kraj", "travel:60 field:60"),
    "nizkoprahova_denni_centra": _acc("orp", "travel:30"),
    "nizkoprahova_zarizeni_pro_deti_a_mladez": _acc("orp", "travel:30 field:30"),
    "nocleharny": _acc("orp", "travel:30"),
    "sluzby_nasledne_pece": _acc("kraj", "travel:60"),
    "socialne_aktivizacni_sluzby_pro_rodiny_s_detmi": _acc("mistni", "field:30"),
    "socialne_aktivizacni_sluzby_pro_seniory_a_ozp": _acc("mistni", "travel:30 field:30"),
    "socialne_terapeuticke_dilny": _acc("orp", "travel:30"),
    "terapeuticke_komunity": _acc("kraj", "travel:90"),
    "terenni_programy": _acc("orp", "field:45"),
    "socialni_rehabilitace": _acc("orp", "travel:45 field:45"),
    "centrum_dusevniho_zdravi": _acc("orp", "field:45 travel:45"),
}

_MODE_OF_FORM = {"amb": "travel", "pob": "travel", "ter": "field"}


def default_access(kind: "ServiceKind") -> AccessRule:
    """The built-in access rule of a kind (by slug); custom kinds and kinds unknown here are
    local, reached by the modes their forms imply within 30 minutes."""
    rule = _DEFAULT_ACCESS.get(kind.slug)
    if rule is not None:
        return rule
    modes = list(dict.fromkeys(_MODE_OF_FORM[f] for f in kind.forms if f in _MODE_OF_FORM)) or ["travel"]
    return AccessRule("mistni", tuple((m, 30.0) for m in modes))


# ---------------------------------------------------------------------------------------------
# Kinds of service
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceKind:
    """A kind of service (druh sociální služby) or a custom related service.

    Attributes
    ----------
    id : str
        Identifier used in outputs: the registry code (``DruhSocialniSluzby/13``) for kinds of
        the Act, the user's id for custom kinds.
    slug : str
        Short ASCII name (``domovy_pro_seniory``), also accepted in input files.
    paragraph : str or None
        Paragraph of Act 108/2006 Sb. (``"49"``, ``"60a"``); ``None`` for custom kinds.
    name_cs, name_en : str
    group : {"poradenstvi", "pece", "prevence", "navazujici"}
    forms : tuple of str
        Usual forms (``pob``, ``amb``, ``ter``).
    units : tuple of str
        Usual capacity units, most usual first.
    target_band : str
        Default age band of the target population (key of :data:`AGE_BANDS`).
    working_groups : tuple of str
        Keys of :data:`WORKING_GROUPS` that plan this kind.
    registry_code_confirmed : bool
        The registry code was seen in registry data (else inferred from the order of the Act).
    custom : bool
        A related service added by the user.
    access : AccessRule or None
        The kind's own access rule (custom kinds may bring one); ``None`` = the built-in default
        (:func:`default_access`).
    """

    id: str
    slug: str
    paragraph: str | None
    name_cs: str
    name_en: str
    group: str
    forms: tuple[str, ...]
    units: tuple[str, ...]
    target_band: str
    working_groups: tuple[str, ...]
    registry_code_confirmed: bool = False
    custom: bool = False
    access: AccessRule | None = None

    @property
    def registry_code(self) -> str | None:
        """``DruhSocialniSluzby/N`` or ``None`` for custom kinds and kinds without a known code."""
        return self.id if self.id.startswith("DruhSocialniSluzby/") else None

    @property
    def singular_cs(self) -> str:
        """Czech name of one service of the kind (``denní stacionář``), for sentences."""
        return _SINGULAR_CS.get(self.slug, self.name_cs)

    def label(self, lang: str = "cs") -> str:
        """Name with the paragraph, e.g. ``domovy pro seniory (§ 49)``."""
        name = self.name_cs if lang == "cs" else self.name_en
        return f"{name} (§ {self.paragraph})" if self.paragraph else name


def _k(num: int | None, slug: str, par: str | None, cs: str, en: str, group: str, forms: str,
       units: str, band: str, wgs: str, confirmed: bool) -> ServiceKind:
    return ServiceKind(
        id=f"DruhSocialniSluzby/{num}" if num is not None else slug,
        slug=slug, paragraph=par, name_cs=cs, name_en=en, group=group,
        forms=tuple(forms.split()), units=tuple(units.split()), target_band=band,
        working_groups=tuple(wgs.split()), registry_code_confirmed=confirmed,
    )


_BUILTIN: tuple[ServiceKind, ...] = (
    # § 37 social counselling
    _k(1, "odborne_socialni_poradenstvi", "37", "odborné sociální poradenství", "specialised social counselling",
       "poradenstvi", "amb ter", "kontakt interv klient", "total", "seniori postizeni rodiny krize", True),
    # § 39–52 social care
    _k(3, "osobni_asistence", "39", "osobní asistence", "personal assistance",
       "pece", "ter", "klient", "total", "postizeni seniori", True),
    _k(4, "pecovatelska_sluzba", "40", "pečovatelská služba", "home care service",
       "pece", "ter amb", "klient", "65p", "seniori postizeni", True),
    _k(5, "tisnova_pece", "41", "tísňová péče", "emergency alarm service",
       "pece", "ter", "klient", "65p", "seniori postizeni", True),
    _k(6, "pruvodcovske_a_predcitatelske_sluzby", "42", "průvodcovské a předčitatelské služby",
       "guide and reading services", "pece", "ter amb", "klient", "total", "postizeni seniori", True),
    _k(7, "podpora_samostatneho_bydleni", "43", "podpora samostatného bydlení", "supported independent living",
       "pece", "ter", "klient", "15p", "postizeni", False),
    _k(8, "odlehcovaci_sluzby", "44", "odlehčovací služby", "respite care",
       "pece", "pob amb ter", "luzka klient", "65p", "seniori postizeni", True),
    _k(9, "centra_dennich_sluzeb", "45", "centra denních služeb", "day service centres",
       "pece", "amb", "klient", "65p", "seniori postizeni", True),
    _k(10, "denni_stacionare", "46", "denní stacionáře", "day care centres",
       "pece", "amb", "klient", "65p", "seniori postizeni", True),
    _k(11, "tydenni_stacionare", "47", "týdenní stacionáře", "weekly care centres",
       "pece", "pob", "luzka", "15p", "postizeni seniori", True),
    _k(12, "domovy_pro_osoby_se_zdravotnim_postizenim", "48", "domovy pro osoby se zdravotním postižením",
       "homes for people with disabilities", "pece", "pob", "luzka", "total", "postizeni", True),
    _k(13, "domovy_pro_seniory", "49", "domovy pro seniory", "homes for older people",
       "pece", "pob", "luzka", "65p", "seniori", True),
    _k(14, "domovy_se_zvlastnim_rezimem", "50", "domovy se zvláštním režimem", "homes with a special regime",
       "pece", "pob", "luzka", "65p", "seniori postizeni", True),
    _k(15, "chranene_bydleni", "51", "chráněné bydlení", "sheltered housing",
       "pece", "pob", "luzka", "15p", "postizeni", True),
    _k(16, "socialni_sluzby_ve_zdravotnickych_zarizenich", "52",
       "sociální služby poskytované ve zdravotnických zařízeních lůžkové péče",
       "social services in inpatient health care facilities", "pece", "pob", "luzka", "65p", "seniori", False),
    # § 54–70 social prevention
    _k(17, "rana_pece", "54", "raná péče", "early intervention",
       "prevence", "ter amb", "klient", "0_4", "rodiny postizeni", False),
    _k(18, "telefonicka_krizova_pomoc", "55", "telefonická krizová pomoc", "crisis helpline",
       "prevence", "ter amb", "hovor kontakt", "total", "krize rodiny", True),
    _k(19, "tlumocnicke_sluzby", "56", "tlumočnické služby", "interpreting services",
       "prevence", "ter amb", "klient kontakt interv", "total", "postizeni", True),
    _k(20, "azylove_domy", "57", "azylové domy", "shelters",
       "prevence", "pob", "luzka", "15p", "krize rodiny", False),
    _k(21, "domy_na_pul_cesty", "58", "domy na půl cesty", "halfway houses",
       "prevence", "pob", "luzka", "15_24", "krize rodiny", False),
    _k(22, "kontaktni_centra", "59", "kontaktní centra", "drop-in centres for drug users",
       "prevence", "amb ter", "kontakt klient", "15_64", "krize", False),
    _k(23, "krizova_pomoc", "60", "krizová pomoc", "crisis intervention",
       "prevence", "amb ter pob", "klient kontakt luzka", "total", "krize", True),
    _k(34, "intervencni_centra", "60a", "intervenční centra", "intervention centres (domestic violence)",
       "prevence", "amb ter pob", "klient kontakt", "total", "krize", False),
    _k(24, "nizkoprahova_denni_centra", "61", "nízkoprahová denní centra", "low-threshold day centres",
       "prevence", "amb ter", "klient kontakt", "15p", "krize", False),
    _k(25, "nizkoprahova_zarizeni_pro_deti_a_mladez", "62", "nízkoprahová zařízení pro děti a mládež",
       "low-threshold facilities for children and youth", "prevence", "amb ter", "klient kontakt", "5_24",
       "rodiny", False),
    _k(26, "nocleharny", "63", "noclehárny", "night shelters",
       "prevence", "amb", "luzka", "15p", "krize", False),
    _k(27, "sluzby_nasledne_pece", "64", "služby následné péče", "aftercare services",
       "prevence", "amb pob", "klient luzka", "15_64", "krize postizeni", False),
    _k(28, "socialne_aktivizacni_sluzby_pro_rodiny_s_detmi", "65",
       "sociálně aktivizační služby pro rodiny s dětmi", "social activation services for families with children",
       "prevence", "ter amb", "klient interv", "0_14", "rodiny", True),
    _k(29, "socialne_aktivizacni_sluzby_pro_seniory_a_ozp", "66",
       "sociálně aktivizační služby pro seniory a osoby se zdravotním postižením",
       "social activation services for older people and people with disabilities",
       "prevence", "amb ter", "klient kontakt", "65p", "seniori postizeni", True),
    _k(30, "socialne_terapeuticke_dilny", "67", "sociálně terapeutické dílny", "social therapy workshops",
       "prevence", "amb", "klient", "15_64", "postizeni", True),
    _k(31, "terapeuticke_komunity", "68", "terapeutické komunity", "therapeutic communities",
       "prevence", "pob", "luzka", "15_64", "krize", False),
    _k(32, "terenni_programy", "69", "terénní programy", "outreach programmes",
       "prevence", "ter", "kontakt klient interv", "15_64", "krize rodiny", True),
    _k(33, "socialni_rehabilitace", "70", "sociální rehabilitace", "social rehabilitation",
       "prevence", "amb ter pob", "klient interv luzka", "15_64", "postizeni krize", True),
    # centre of mental health (its registry code is taken from the registry codelist when loaded)
    _k(None, "centrum_dusevniho_zdravi", None, "centrum duševního zdraví", "community mental health centre",
       "prevence", "ter amb", "klient", "15p", "postizeni krize", False),
)

_SINGULAR_CS: dict[str, str] = {
    "pruvodcovske_a_predcitatelske_sluzby": "průvodcovská a předčitatelská služba",
    "odlehcovaci_sluzby": "odlehčovací služba",
    "centra_dennich_sluzeb": "centrum denních služeb",
    "denni_stacionare": "denní stacionář",
    "tydenni_stacionare": "týdenní stacionář",
    "domovy_pro_osoby_se_zdravotnim_postizenim": "domov pro osoby se zdravotním postižením",
    "domovy_pro_seniory": "domov pro seniory",
    "domovy_se_zvlastnim_rezimem": "domov se zvláštním režimem",
    "socialni_sluzby_ve_zdravotnickych_zarizenich": "sociální služba ve zdravotnickém zařízení lůžkové péče",
    "tlumocnicke_sluzby": "tlumočnická služba",
    "azylove_domy": "azylový dům",
    "domy_na_pul_cesty": "dům na půl cesty",
    "kontaktni_centra": "kontaktní centrum",
    "intervencni_centra": "intervenční centrum",
    "nizkoprahova_denni_centra": "nízkoprahové denní centrum",
    "nizkoprahova_zarizeni_pro_deti_a_mladez": "nízkoprahové zařízení pro děti a mládež",
    "nocleharny": "noclehárna",
    "sluzby_nasledne_pece": "služba následné péče",
    "socialne_aktivizacni_sluzby_pro_rodiny_s_detmi": "sociálně aktivizační služba pro rodiny s dětmi",
    "socialne_aktivizacni_sluzby_pro_seniory_a_ozp":
        "sociálně aktivizační služba pro seniory a osoby se zdravotním postižením",
    "socialne_terapeuticke_dilny": "sociálně terapeutická dílna",
    "terapeuticke_komunity": "terapeutická komunita",
    "terenni_programy": "terénní program",
}

#: The 34 built-in kinds by id.
KINDS: dict[str, ServiceKind] = {k.id: k for k in _BUILTIN}
assert len(KINDS) == 34


_PAR_RE = re.compile(r"^(?:§|par\.?|paragraf)\s*(\d{2}a?)$", re.IGNORECASE)


@dataclass
class KindCatalog:
    """The kinds a data set may use: the 34 built-in kinds plus custom related services.

    One catalog travels with a :class:`~coverage_app.model.Services` object, so custom kinds
    are data, not global state.
    """

    kinds: dict[str, ServiceKind] = field(default_factory=lambda: dict(KINDS))

    def __iter__(self) -> Iterator[ServiceKind]:
        return iter(self.kinds.values())

    def __len__(self) -> int:
        return len(self.kinds)

    def __contains__(self, kind_id: object) -> bool:
        return kind_id in self.kinds

    def __getitem__(self, kind_id: str) -> ServiceKind:
        return self.kinds[kind_id]

    def get(self, kind_id: str) -> ServiceKind | None:
        """The kind with this id, or ``None``."""
        return self.kinds.get(kind_id)

    def copy(self) -> "KindCatalog":
        return KindCatalog(dict(self.kinds))

    @property
    def custom(self) -> list[ServiceKind]:
        """Custom kinds only."""
        return [k for k in self.kinds.values() if k.custom]

    def add_custom(
        self,
        kind_id: str,
        name_cs: str,
        name_en: str | None = None,
        *,
        forms: Iterable[str] = ("amb",),
        units: Iterable[str] = ("klient",),
        target_band: str = "total",
        working_groups: Iterable[str] = (),
        access: AccessRule | None = None,
    ) -> ServiceKind:
        """Add a related service (navazující služba) such as a school or a leisure club.

        ``kind_id`` must not look like a registry code; it is what outputs show as the kind.
        """
        kind_id = str(kind_id).strip()
        if not kind_id or kind_id.startswith("DruhSocialniSluzby/"):
            raise ValueError(f"invalid custom kind id {kind_id!r}")
        if target_band not in AGE_BANDS:
            raise ValueError(f"unknown age band {target_band!r}")
        kind = ServiceKind(
            id=kind_id, slug=kind_id, paragraph=None, name_cs=name_cs, name_en=name_en or name_cs,
            group="navazujici", forms=tuple(forms), units=tuple(units), target_band=target_band,
            working_groups=tuple(working_groups), registry_code_confirmed=False, custom=True, access=access,
        )
        existing = self.kinds.get(kind_id)
        if existing is not None and not existing.custom:
            raise ValueError(f"{kind_id!r} is a kind of the Act")
        self.kinds[kind_id] = kind
        return kind

    def resolve(self, value: object) -> str | None:
        """Kind id for a registry code, ``§ 49``, slug, id, Czech/English name or custom id.

        Returns ``None`` when nothing matches.  Plain numbers are read as registry codes
        (``13`` → ``DruhSocialniSluzby/13``).
        """
        if value is None:
            return None
        raw = str(value).strip()
        if not raw:
            return None
        if raw in self.kinds:
            return raw
        if raw.isdigit():
            cand = f"DruhSocialniSluzby/{int(raw)}"
            return cand if cand in self.kinds else None
        m = _PAR_RE.match(raw)
        if m:
            for k in self.kinds.values():
                if k.paragraph == m.group(1):
                    return k.id
            return None
        norm = normalize_text(raw)
        for k in self.kinds.values():
            if norm in (k.slug, normalize_text(k.name_cs), normalize_text(k.name_en), normalize_text(k.id)):
                return k.id
        return None

    def apply_registry_codelist(self, items: Iterable[Mapping[str, object]]) -> list[str]:
        """Align registry codes with the registry's own codelist ``druhy-socialni-sluzby.json``.

        ``items`` are the codelist's ``polozky`` (``{"id": "DruhSocialniSluzby/13", "nazev":
        {"cs": "domovy pro seniory"}}``).  A kind whose Czech name matches takes the registry id;
        registry kinds unknown here are added (group guessed as prevention, target band total).
        Returns the ids that changed or were added.
        """
        by_name = {normalize_text(k.name_cs): k for k in self.kinds.values() if not k.custom}
        changed: list[str] = []
        for item in items:
            rid = str(item.get("id", ""))
            name = item.get("nazev")
            name_cs = str(name.get("cs") if isinstance(name, Mapping) else name or "").strip()
            if not rid or not name_cs:
                continue
            kind = by_name.get(normalize_text(name_cs))
            if kind is None:
                slug = re.sub(r"[^a-z0-9]+", "_", normalize_text(name_cs)).strip("_")
                kind = ServiceKind(rid, slug, None, name_cs, name_cs, "prevence", ("amb", "ter"),
                                   ("klient",), "total", (), True, False)
                self.kinds[rid] = kind
                changed.append(rid)
                continue
            if kind.id != rid or not kind.registry_code_confirmed:
                del self.kinds[kind.id]
                # a different kind may hold the id under the inferred numbering: it gives way
                displaced = self.kinds.pop(rid, None)
                self.kinds[rid] = replace(kind, id=rid, registry_code_confirmed=True)
                if displaced is not None and displaced.slug != kind.slug:
                    self.kinds[f"{displaced.slug}"] = replace(displaced, id=displaced.slug,
                                                               registry_code_confirmed=False)
                changed.append(rid)
        return changed

    def by_working_group(self, wg: str) -> list[ServiceKind]:
        """Kinds planned by a working group (key of :data:`WORKING_GROUPS`)."""
        return [k for k in self.kinds.values() if wg in k.working_groups]


def default_catalog() -> KindCatalog:
    """A fresh catalog with the 34 built-in kinds."""
    return KindCatalog()
