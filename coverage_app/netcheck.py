"""Is the road network fine enough for the district?  Road times against the straight-line estimate.

A network without local roads (ArcČR 500 has only class I–III roads) sends the trip between two
neighbouring villages round a detour, or snaps an obec to a road kilometres away: road times then
come out 2–2.5× the straight-line estimate, and nothing in the numbers says so.
:func:`check_network` compares, for every pair of the district's obce that are close to each
other, the road time with the estimate (straight line × :data:`~coverage_app.reach.DEFAULT_DETOUR_FACTOR`
at :data:`~coverage_app.reach.ESTIMATE_SPEED_KMH`), and lists obce that snap far from any road.
The warning it gives names the worst pairs and the likely cause.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coverage_app.i18n import fmt_num, plural, register, t
from coverage_app.model import District
from coverage_app.reach import DEFAULT_DETOUR_FACTOR, ESTIMATE_SPEED_KMH

__all__ = ["NetworkCheck", "check_network", "SHORT_PAIR_KM", "DETOUR_RATIO", "FAR_SNAP_M", "MAX_CHECKED_OBCE"]

#: Pairs of obce closer than this (straight line, km) are "short": a complete network joins them
#: almost directly.
SHORT_PAIR_KM: float = 5.0
#: A short pair is suspicious when its road time exceeds the straight-line estimate this many times.
DETOUR_RATIO: float = 2.0
#: An obec whose point lies farther than this from the nearest road node (metres) is badly snapped.
FAR_SNAP_M: float = 1000.0
#: The network is called coarse when at least this share of the short pairs (and at least
#: :data:`MIN_SUSPICIOUS` of them) is suspicious …
COARSE_SHARE: float = 0.05
MIN_SUSPICIOUS: int = 3
#: … or at least this share of the obce is badly snapped.
FAR_SNAP_SHARE: float = 0.20

register({
    "net.coarse": {
        "cs": "Silniční síť je pro tento obvod příliš hrubá: u {n} z {m} dvojic blízkých obcí (do {km} km vzdušně) "
              "je čas po silnici víc než {ratio}× odhad vzdušnou čarou; nejhorší: {pairs}. Pravděpodobná příčina: "
              "síť bez místních komunikací (např. ArcČR 500 má jen silnice I.–III. třídy). Časy mezi sousedními "
              "obcemi jsou proto nadsazené; načtěte úplnou síť (OpenStreetMap).",
        "en": "The road network is too coarse for this district: for {n} of {m} pairs of nearby obce (within "
              "{km} km straight) the road time exceeds {ratio}× the straight-line estimate; worst: {pairs}. Likely "
              "cause: a network without local roads (ArcČR 500 has class I–III roads only). Times between "
              "neighbouring obce are therefore too long; load a complete network (OpenStreetMap)."},
    "net.far_snap": {
        "cs": "{obce} leží dál než {m} km od nejbližší silnice sítě ({names}); cesta z nich je odhadnutá "
              "přímou čarou k silnici.",
        "en": "{obce} lie more than {m} km from the nearest road of the network ({names}); their trips start "
              "with a straight leg to that road."},
    "net.pair": {"cs": "{a} → {b} {road} min po silnici, odhad {est} min",
                 "en": "{a} → {b} {road} min by road, estimate {est} min"},
    "net.pair_far": {"cs": "{a} → {b} po silnici přes {road} min, odhad {est} min",
                     "en": "{a} → {b} over {road} min by road, estimate {est} min"},
})


@dataclass
class NetworkCheck:
    """Result of :func:`check_network`.

    Attributes
    ----------
    pairs : DataFrame
        Short pairs of obce: ``from_code``, ``from_name``, ``to_code``, ``to_name``,
        ``straight_km``, ``road_min``, ``estimate_min``, ``ratio`` (road / estimate), worst first.
    snaps : DataFrame
        Every obec: ``kod_obce``, ``nazev_obce``, ``snap_m`` (metres to the nearest road node).
    coarse : bool
        Whether the network is too coarse (see :data:`COARSE_SHARE`, :data:`FAR_SNAP_SHARE`).
    searched_min : float
        Road times were searched up to this many minutes (``road_min`` is ``inf`` beyond).
    """

    pairs: pd.DataFrame
    snaps: pd.DataFrame
    coarse: bool
    searched_min: float = float("inf")

    @property
    def suspicious(self) -> pd.DataFrame:
        """Short pairs whose road time exceeds :data:`DETOUR_RATIO` × the estimate."""
        return self.pairs[self.pairs["ratio"] > DETOUR_RATIO]

    @property
    def far(self) -> pd.DataFrame:
        """Obce snapped farther than :data:`FAR_SNAP_M` from a road."""
        return self.snaps[self.snaps["snap_m"] > FAR_SNAP_M]

    def messages(self, lang: str = "cs") -> list[str]:
        """The warnings to show once (empty when the network looks fine)."""
        if not self.coarse:
            return []
        out = []
        bad = self.suspicious
        if len(bad) >= MIN_SUSPICIOUS and len(bad) >= COARSE_SHARE * max(len(self.pairs), 1):
            pairs = "; ".join(
                t("net.pair", lang, a=r.from_name, b=r.to_name, road=fmt_num(r.road_min, lang, 1),
                  est=fmt_num(r.estimate_min, lang, 1)) if np.isfinite(r.road_min) else
                t("net.pair_far", lang, a=r.from_name, b=r.to_name, road=fmt_num(self.searched_min, lang, 0),
                  est=fmt_num(r.estimate_min, lang, 1))
                for r in bad.head(3).itertuples())
            out.append(t("net.coarse", lang, n=len(bad), m=len(self.pairs), km=fmt_num(SHORT_PAIR_KM, lang, 0),
                         ratio=fmt_num(DETOUR_RATIO, lang, 1), pairs=pairs))
        far = self.far
        if len(far) >= FAR_SNAP_SHARE * max(len(self.snaps), 1) and len(far):
            names = ", ".join(f"{r.nazev_obce} {fmt_num(r.snap_m / 1000.0, lang, 1)} km"
                              for r in far.sort_values("snap_m", ascending=False).head(5).itertuples())
            out.append(t("net.far_snap", lang, obce=plural(len(far), "obec", lang),
                         m=fmt_num(FAR_SNAP_M / 1000.0, lang, 1), names=names))
        return out


#: Obce farther than this from the road network (metres) are not covered by it …
NOT_COVERED_M: float = 5000.0
#: … and a network that leaves this share of the district's obce uncovered is refused.
NOT_COVERED_SHARE: float = 0.2


def require_cover(district: District, travel, joined_share: float = 1.0 - NOT_COVERED_SHARE) -> None:
    """Refuse the road network of an analysis that does not cover the district (see
    :func:`refuse_uncovered`); a straight-line estimate is never refused."""
    snap = getattr(travel, "origin_snap_m", None)
    if getattr(travel, "method", "") != "road" or snap is None or len(district) == 0:
        return
    labels = travel.graph.components(travel.mode)[np.asarray(travel.origin_node).ravel()]
    refuse_uncovered(district.obce["nazev_obce"].astype(str).to_numpy(), snap, labels,
                     str(travel.params.get("source") or ""), joined_share=joined_share)


def refuse_uncovered(names: np.ndarray, snap_m: np.ndarray, parts: np.ndarray, source: str, *,
                     joined_share: float = 1.0 - NOT_COVERED_SHARE, check_far: bool = True) -> None:
    """Refuse a road network that does not cover a set of obce.

    ``snap_m`` is each obec's distance to the network (metres), ``parts`` the connected part of the
    network its nearest node lies on.  Refused (:class:`~coverage_app.errors.DataError` naming the
    network's file ``source``, the share and example obce) when :data:`NOT_COVERED_SHARE` of the
    obce or more lie farther than :data:`NOT_COVERED_M` from it (``check_far``: a network of another
    area), or when its largest connected part joins less than ``joined_share`` of them (a network
    in pieces: their travel times would be "no route").
    """
    from coverage_app.errors import DataError

    snap = np.asarray(snap_m, dtype=float)
    far = snap > NOT_COVERED_M
    if check_far and len(snap) and far.mean() >= NOT_COVERED_SHARE:
        worst = np.argsort(-snap)[:3]
        raise DataError.single(source, None, None, "err.roads_not_covering",
                               share=fmt_num(100 * far.mean(), "cs", 0), km=fmt_num(NOT_COVERED_M / 1000, "cs", 0),
                               obce=", ".join(f"{names[i]} {fmt_num(snap[i] / 1000, 'cs', 0)} km" for i in worst))
    labels = np.asarray(parts).ravel()
    if len(labels) < 2:
        return
    kinds, counts = np.unique(labels, return_counts=True)
    if counts.max() >= joined_share * len(labels):
        return
    apart = [names[i] for i in np.flatnonzero(labels != kinds[np.argmax(counts)])[:3]]
    raise DataError.single(source, None, None, "err.roads_in_pieces", parts=len(kinds),
                           share=fmt_num(100 * counts.max() / len(labels), "cs", 0), obce=", ".join(apart))


#: At most this many obce start the check (spread evenly over the district); the rest are
#: destinations only.  Enough to judge a network; keeps a national run short.
MAX_CHECKED_OBCE: int = 300
#: Road times are searched up to this multiple of the largest estimate of a short pair; a pair not
#: reached by then is far beyond :data:`DETOUR_RATIO` anyway.
SEARCH_FACTOR: float = 2.5


def check_network(district: District, travel) -> NetworkCheck | None:
    """Compare road times between the district's close obce with the straight-line estimate.

    ``travel`` is the analysis's travel (:mod:`coverage_app.sitepass`); returns ``None`` without
    a road network (the estimate is then used throughout and says so).  Road minutes follow the
    analysis's rules (snapping legs, direct short trips); the estimate uses
    :data:`DEFAULT_DETOUR_FACTOR` at :data:`ESTIMATE_SPEED_KMH` of the mode.  In a large district
    :data:`MAX_CHECKED_OBCE` obce, spread evenly, start the check.
    """
    if getattr(travel, "method", "") != "road" or len(district) < 2:
        return None
    xy = district.xy()
    codes = district.codes
    names = district.obce["nazev_obce"].astype(str).tolist()
    n = len(codes)
    start = np.arange(n) if n <= MAX_CHECKED_OBCE else np.linspace(0, n - 1, MAX_CHECKED_OBCE).round().astype(int)
    speed = ESTIMATE_SPEED_KMH[travel.mode]
    max_estimate = SHORT_PAIR_KM * DEFAULT_DETOUR_FACTOR / speed * 60.0
    # minutes from every obec (rows) to the starting obce (columns), searched from the latter
    road = travel.to_points(xy[start]).block(np.arange(start.size), SEARCH_FACTOR * max_estimate)
    straight_km = np.hypot(xy[:, None, 0] - xy[None, start, 0], xy[:, None, 1] - xy[None, start, 1]) / 1000.0
    estimate = straight_km * DEFAULT_DETOUR_FACTOR / speed * 60.0
    close = (straight_km <= SHORT_PAIR_KM) & (straight_km >= 1.0)
    close &= np.arange(n)[:, None] != start[None, :]
    if n <= MAX_CHECKED_OBCE:  # every pair once
        close &= np.arange(n)[:, None] > start[None, :]
    i, j = np.nonzero(close)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = road[i, j] / estimate[i, j]
    a, b = start[j], i  # from the starting obec to the other one (times are searched towards it)
    pairs = pd.DataFrame({
        "from_code": [codes[x] for x in b], "from_name": [names[x] for x in b],
        "to_code": [codes[x] for x in a], "to_name": [names[x] for x in a],
        "straight_km": np.round(straight_km[i, j], 2), "road_min": np.round(road[i, j], 1),
        "estimate_min": np.round(estimate[i, j], 1), "ratio": np.round(ratio, 2),
    }).sort_values("ratio", ascending=False, kind="mergesort").reset_index(drop=True)
    snap = getattr(travel, "origin_snap_m", None)
    snaps = pd.DataFrame({"kod_obce": codes, "nazev_obce": names,
                          "snap_m": np.round(np.asarray(snap, dtype=float), 0) if snap is not None else 0.0})
    n_bad = int((pairs["ratio"] > DETOUR_RATIO).sum())
    n_far = int((snaps["snap_m"] > FAR_SNAP_M).sum())
    coarse = (n_bad >= MIN_SUSPICIOUS and n_bad >= COARSE_SHARE * max(len(pairs), 1)) or (
        n_far >= 1 and n_far >= FAR_SNAP_SHARE * len(snaps))
    return NetworkCheck(pairs, snaps, bool(coarse), SEARCH_FACTOR * max_estimate)
