"""Public-transport indicators of an analysis: per obec × kind, and the "bez auta" list.

For every obec and kind clients travel to and back the same day (sites of the ambulatory form;
residential and field forms have none), the public-transport journey to the counting site with
the shortest round trip: minutes there (leaving home in the departure window) and back
(leaving the site in the return window), transfers, whether both legs fit the kind's limit, and
whether the obec reaches the kind **only by car** (by car within the limit, by bus or train not).
Obce and sites outside the timetable's area (no stop within ``TransitSettings.area_m``), and
every obec on a day when no trip runs, are unknown, never "only by car".  An obec reaches the kind
by public transport when some site is within the limit both ways; the site shown is the one with
the shortest round trip among those.
:func:`without_car` lists those obce, the largest target group first — the planner's "bez auta"
gap list.  Times are minutes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage_app.i18n import fmt_num, plural, register, t

if TYPE_CHECKING:
    from coverage_app.coverage import Analysis

__all__ = ["PT_COLUMNS", "WITHOUT_CAR_COLUMNS", "WITHOUT_CAR_SUMMARY_COLUMNS", "without_car_summary", "pt_text", "transit_about", "transit_columns", "without_car"]

register({
    "pt.there": {"cs": "autobusem {minutes} min", "en": "by bus {minutes} min"},
    "pt.transfers": {"cs": " ({transfers})", "en": " ({transfers})"},
    "pt.direct": {"cs": " (přímo)", "en": " (direct)"},
    "pt.walk_only": {"cs": "pěšky {minutes} min", "en": "on foot {minutes} min"},
    "pt.back": {"cs": "zpět {minutes} min", "en": "back {minutes} min"},
    "pt.no_back": {"cs": "zpět nejede", "en": "no way back"},
    "pt.none": {"cs": "autobusem nedostupné", "en": "not reachable by bus"},
    "col.pt_site_name": {"cs": "místo nejlépe dostupné veřejnou dopravou", "en": "site best reached by public transport"},
    "col.pt_time_min": {"cs": "veřejnou dopravou tam (min)", "en": "public transport there (min)"},
    "col.pt_back_min": {"cs": "veřejnou dopravou zpět (min)", "en": "public transport back (min)"},
    "col.pt_transfers": {"cs": "přestupů tam", "en": "transfers there"},
    "col.pt_transfers_back": {"cs": "přestupů zpět", "en": "transfers back"},
    "col.pt_reachable": {"cs": "dosažitelné bez auta", "en": "reachable without a car"},
    "col.car_only": {"cs": "jen autem", "en": "by car only"},
    "sheet.without_car": {"cs": "Bez auta", "en": "Without a car"},
    "sheet.without_car_summary": {"cs": "Bez auta – souhrn", "en": "Without a car – summary"},
    "col.n_obce_car_only": {"cs": "obcí jen autem", "en": "obce by car only"},
    "col.car_only_population": {"cs": "cílová populace jen autem", "en": "target population by car only"},
    "col.car_only_share": {"cs": "podíl jen autem (%)", "en": "share by car only (%)"},
    "about.transit": {"cs": "Veřejná doprava", "en": "Public transport"},
    "about.transit_text": {
        "cs": "jízdní řád {feed} ({agencies}), den {day}, odjezd z domova {depart}, návrat {back}; chůze k zastávce "
              "nejvýše {walk_m} m při {walk_kmh} km/h, nejvýše {transfers}; dosažitelné = tam i zpět do limitu druhu",
        "en": "timetable {feed} ({agencies}), day {day}, leaving home {depart}, back {back}; walking to a stop at most "
              "{walk_m} m at {walk_kmh} km/h, at most {transfers}; reachable = there and back within the kind's limit",
    },
    "pt.car_only_reason": {
        "cs": "autem {car} min; {pt} (limit {limit} min)",
        "en": "by car {car} min; {pt} (limit {limit} min)",
    },
})

#: Public-transport columns added to :attr:`Analysis.coverage` (NaN / False without a feed).
PT_COLUMNS: tuple[str, ...] = ("pt_site_name", "pt_time_min", "pt_back_min", "pt_transfers", "pt_transfers_back",
                               "pt_reachable", "car_only")

#: Columns of :func:`without_car`.
WITHOUT_CAR_COLUMNS: tuple[str, ...] = (
    "rank", "municipality_code", "municipality_name", "service_kind", "kind_name", "access_level", "limit_min",
    "target_band", "target_population", "nearest_site_name", "travel_time_min", "pt_site_name", "pt_time_min",
    "pt_back_min", "pt_transfers", "reason",
)


def transit_columns(analysis: "Analysis", sites: pd.DataFrame, names: np.ndarray, limit: float,
                    car_reachable: np.ndarray, unknown: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The :data:`PT_COLUMNS` of one kind.

    Parameters
    ----------
    sites : DataFrame
        The kind's counting travel sites with ``col`` (column of the analysis' travel matrices).
    names : ndarray of str
        Their names (site name, else the service's).
    limit : float
        The kind's travel limit, minutes.
    car_reachable : ndarray of bool
        Per obec, whether a site is within the limit by car.
    unknown : ndarray of bool, optional
        Per obec, whether a site within the limit by car lies outside the timetable's area (then
        "by car only" cannot be told).
    """
    n = len(analysis.district.codes)
    tm = analysis.transit
    out = {"pt_site_name": np.array([""] * n, dtype=object), "pt_time_min": np.full(n, np.nan),
           "pt_back_min": np.full(n, np.nan), "pt_transfers": np.full(n, np.nan),
           "pt_transfers_back": np.full(n, np.nan), "pt_reachable": np.zeros(n, dtype=bool),
           "car_only": np.zeros(n, dtype=bool)}
    if tm is None or not len(sites):
        return out
    cols = sites["col"].to_numpy(dtype=int)
    there, back = tm.there[:, cols], tm.back[:, cols]
    limit_ok = (there <= limit) & (back <= limit)
    round_trip = np.where(np.isfinite(back), there + back, np.inf)
    # the site shown: the shortest round trip among those within the limit both ways, else overall
    rank = np.where(limit_ok, round_trip, 1e6 + np.where(np.isfinite(round_trip), round_trip, 1e6 + there))
    best = np.argmin(rank, axis=1)
    rows = np.arange(n)
    b_there, b_back = there[rows, best], back[rows, best]
    inside = tm.covered if tm.covered is not None else np.ones(n, dtype=bool)
    found = np.isfinite(b_there) & inside
    out["pt_site_name"] = np.where(found, names[best], "")
    out["pt_time_min"] = np.where(found, np.round(b_there, 1), np.nan)
    out["pt_back_min"] = np.where(found & np.isfinite(b_back), np.round(b_back, 1), np.nan)
    out["pt_transfers"] = np.where(found, tm.transfers_there[:, cols][rows, best], np.nan)
    out["pt_transfers_back"] = np.where(found & np.isfinite(b_back), tm.transfers_back[:, cols][rows, best], np.nan)
    out["pt_reachable"] = limit_ok.any(axis=1) & inside
    # by car only: known only when the obec and every site reached by car lie in the feed's area
    unknown = np.zeros(n, dtype=bool) if unknown is None else unknown
    out["car_only"] = car_reachable & ~out["pt_reachable"] & inside & ~unknown
    return out


def pt_text(minutes: float, transfers: float, lang: str = "cs", back: float | None = None,
            with_back: bool = False) -> str:
    """``autobusem 35 min (1 přestup)`` — or ``pěšky 12 min``, ``autobusem nedostupné``;
    with ``with_back`` also ``, zpět 40 min`` / ``, zpět nejede``."""
    if minutes is None or not np.isfinite(minutes):
        return t("pt.none", lang)
    m = fmt_num(max(1.0, round(float(minutes))), lang, 0)
    if transfers is not None and np.isfinite(transfers) and transfers < 0:
        text = t("pt.walk_only", lang, minutes=m)
    else:
        n = int(transfers) if transfers is not None and np.isfinite(transfers) else 0
        text = t("pt.there", lang, minutes=m) + (t("pt.transfers", lang, transfers=plural(n, "transfer", lang))
                                                 if n > 0 else t("pt.direct", lang))
    if with_back:
        if back is None or not np.isfinite(back):
            text += ", " + t("pt.no_back", lang)
        else:
            text += ", " + t("pt.back", lang, minutes=fmt_num(max(1.0, round(float(back))), lang, 0))
    return text


#: Columns of :func:`without_car_summary`.
WITHOUT_CAR_SUMMARY_COLUMNS: tuple[str, ...] = (
    "service_kind", "kind_name", "access_level", "limit_min", "target_band", "n_obce_car_only",
    "car_only_population", "target_population", "car_only_share",
)


def without_car_summary(analysis: "Analysis") -> pd.DataFrame:
    """Per kind with bus times: the obce and the people of the target group who reach the kind
    within its limit only by car, and their share of the target group (%), largest first."""
    rows = []
    for kind, res in analysis.results.items():
        cov = res.coverage
        if analysis.transit is None or cov.empty or not cov["pt_time_min"].notna().any():
            continue
        pop = cov["target_population"].astype(float)
        car_only = cov["car_only"].astype(bool) & (pop > 0)
        total = float(pop.sum())
        rows.append({
            "service_kind": kind, "kind_name": cov["kind_name"].iloc[0], "access_level": cov["access_level"].iloc[0],
            "limit_min": cov["limit_min"].iloc[0], "target_band": cov["target_band"].iloc[0],
            "n_obce_car_only": int(car_only.sum()), "car_only_population": round(float(pop[car_only].sum()), 1),
            "target_population": round(total, 1),
            "car_only_share": round(100.0 * float(pop[car_only].sum()) / total, 1) if total > 0 else np.nan,
        })
    if not rows:
        return pd.DataFrame(columns=list(WITHOUT_CAR_SUMMARY_COLUMNS))
    out = pd.DataFrame(rows).sort_values(["car_only_population", "kind_name"], ascending=[False, True],
                                         kind="mergesort")
    return out[list(WITHOUT_CAR_SUMMARY_COLUMNS)].reset_index(drop=True)


def transit_about(analysis: "Analysis", lang: str = "cs") -> str:
    """One line describing the timetable and the settings of the public-transport journeys ("" without)."""
    from coverage_app.transit.router import format_window

    tm = analysis.transit
    if tm is None:
        return ""
    s = tm.settings
    router = analysis.transit_router
    agencies = ", ".join(router.feed.agencies) if router is not None else ""
    return t("about.transit_text", lang, feed=tm.feed_name, agencies=agencies,
             day=tm.day.strftime("%-d. %-m. %Y") if tm.day else "–", depart=format_window(s.depart),
             back=format_window(s.back), walk_m=fmt_num(s.max_walk_m, lang, 0), walk_kmh=fmt_num(s.walk_kmh, lang, 1),
             transfers=plural(s.max_transfers, "transfer", lang))


def without_car(analysis: "Analysis", lang: str = "cs") -> pd.DataFrame:
    """Obce × kinds reached by car within the kind's limit but not by public transport there and
    back — the "bez auta" list, the largest target group first (:data:`WITHOUT_CAR_COLUMNS`).
    Empty without a timetable."""
    if analysis.transit is None:
        return pd.DataFrame(columns=list(WITHOUT_CAR_COLUMNS))
    frames = [r.coverage[r.coverage["car_only"].astype(bool)] for r in analysis.results.values()
              if len(r.coverage) and "car_only" in r.coverage]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(WITHOUT_CAR_COLUMNS))
    cov = pd.concat(frames, ignore_index=True)
    cov = cov[cov["target_population"].astype(float) > 0]
    reasons = [t("pt.car_only_reason", lang, car=fmt_num(round(c), lang, 0),
                 pt=pt_text(p, tr, lang, back=b, with_back=True), limit=fmt_num(lim, lang, 0))
               for c, p, tr, b, lim in zip(cov["travel_time_min"], cov["pt_time_min"], cov["pt_transfers"],
                                           cov["pt_back_min"], cov["limit_min"])]
    out = cov.assign(reason=reasons).sort_values(["target_population", "municipality_name", "service_kind"],
                                                 ascending=[False, True, True], kind="mergesort")
    out["rank"] = np.arange(1, len(out) + 1)
    return out[list(WITHOUT_CAR_COLUMNS)].reset_index(drop=True)
