"""Public-transport travel times: the best trip in a departure window, there and back.

For one service day the timetable becomes a **time-expanded graph** whose shortest paths are
found in compiled code (:func:`scipy.sparse.csgraph.dijkstra`):

* a *ride* node per stop time and per number of vehicles used so far (``1 … max_transfers + 1``),
  its time the vehicle's arrival at that stop; riding on to the next stop costs the time between
  the two arrivals;
* a *wait* node per departure (stop × time) and per number of vehicles used; waiting at a stop
  links its departures in time order;
* alighting goes to the first departure at the same stop at least ``transfer_min`` later, or at a
  stop within ``transfer_walk_m`` after the walk; boarding a departure moves to the next layer
  (one more vehicle), so a journey never has more than ``max_transfers`` transfers;
* a source per origin reaches every departure from a stop within ``max_walk_m`` that leaves in
  the window, at the cost of the walk.

Every edge weight is a time difference, so the length of a path from a departure is *arrival −
departure*: the shortest path from an origin's source is the fastest door-to-door journey over
all departures in the window ("the best trip in the window", initial waiting at home excluded).
A trip counts when leaving home just in time for its first vehicle falls within the window: with
a window ending at 7:58 and a stop 2 minutes' walk away, a bus at 8:00 counts (leave at 7:58),
one at 8:01 does not.
The return trip runs the same search on the reversed graph of the return window, from the
origin's home.  Transfers are counted exactly: a path's last layer is its number of vehicles
(a tie between two equally fast journeys goes to the one with fewer vehicles).

Walking to and from stops: straight line × ``walk_detour`` at ``walk_kmh`` (4 km/h by default;
slower for older people), at most ``max_walk_m``; an origin within that walk of a destination
may also just walk.  Times are in **minutes**; a missing journey is ``inf``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from coverage_app.errors import DataError
from coverage_app.i18n import register
from coverage_app.transit.feed import TransitFeed

register({
    "err.pt_window": {"cs": "„{value}“ není časové okno ve tvaru 6:00-9:00",
                      "en": '"{value}" is not a time window such as 6:00-9:00'},
})

__all__ = ["format_window", "parse_window", "TransitSettings", "TransitMatrix", "TransitRouter", "transit_matrix"]

_DAY = 86_400
#: Tie-break per vehicle used (seconds): far below one second, so it only orders equal times.
_EPS = 1e-3


def parse_window(text: str, option: str = "") -> tuple[float, float]:
    """``"6:00-9:00"`` (or ``6-9``, ``6:00–9:00``) → ``(360.0, 540.0)`` minutes after midnight."""
    m = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?\s*", str(text))
    if m:
        a = int(m.group(1)) * 60 + int(m.group(2) or 0)
        b = int(m.group(3)) * 60 + int(m.group(4) or 0)
        if a < b <= 30 * 60:
            return float(a), float(b)
    raise DataError.single("", None, option or None, "err.pt_window", value=text)


def format_window(window: tuple[float, float]) -> str:
    """``(360, 540)`` → ``"6:00–9:00"``."""
    return "–".join(f"{int(v) // 60}:{int(v) % 60:02d}" for v in window)


@dataclass(frozen=True)
class TransitSettings:
    """How public-transport journeys are searched.

    Attributes
    ----------
    day : date or None
        Service day; ``None`` = the feed's first working day (a Tuesday) from today on.
    depart : (minutes, minutes)
        Window of leaving home, minutes after midnight (default 6:00–9:00).
    back : (minutes, minutes)
        Window of leaving the service for home (default 14:00–18:00).
    walk_kmh : float
        Walking speed, km/h (default 4; 3 suits older people).
    walk_detour : float
        Walking route / straight line (default 1.3).
    max_walk_m : float
        Longest walk to or from a stop, metres (default 1000).
    max_transfers : int
        Most transfers in one journey (default 2).
    transfer_min : float
        Shortest change at one stop, minutes (default 2).
    transfer_walk_m : float
        Longest walk between two stops to change, metres (default 300).
    horizon_min : float
        Longest journey searched, minutes (default 180).
    area_m : float
        An origin farther than this from every stop of the feed lies outside the timetable's
        area: its journeys are unknown, not missing (default 5000 m).
    """

    day: dt.date | None = None
    depart: tuple[float, float] = (360.0, 540.0)
    back: tuple[float, float] = (840.0, 1080.0)
    walk_kmh: float = 4.0
    walk_detour: float = 1.3
    max_walk_m: float = 1000.0
    max_transfers: int = 2
    transfer_min: float = 2.0
    transfer_walk_m: float = 300.0
    horizon_min: float = 180.0
    area_m: float = 5000.0

    def to_meta(self) -> dict[str, str]:
        """The settings as project facts (``pt_*`` keys)."""
        return {"pt_day": self.day.isoformat() if self.day else "", "pt_depart": format_window(self.depart),
                "pt_back": format_window(self.back), "pt_walk_kmh": str(self.walk_kmh),
                "pt_max_walk_m": str(self.max_walk_m), "pt_max_transfers": str(self.max_transfers)}

    @classmethod
    def from_meta(cls, meta: Mapping[str, str]) -> "TransitSettings":
        """Settings from project facts written by :meth:`to_meta` (missing keys keep the defaults)."""
        kw: dict[str, object] = {}
        if meta.get("pt_day"):
            kw["day"] = dt.date.fromisoformat(meta["pt_day"])
        for key, name in (("pt_depart", "depart"), ("pt_back", "back")):
            if meta.get(key):
                kw[name] = parse_window(meta[key], key)
        for key, name, cast in (("pt_walk_kmh", "walk_kmh", float), ("pt_max_walk_m", "max_walk_m", float),
                                ("pt_max_transfers", "max_transfers", int)):
            if meta.get(key):
                kw[name] = cast(float(meta[key]))
        return cls(**kw)

    def walk_seconds(self, metres: np.ndarray) -> np.ndarray:
        """Walking time in seconds for straight-line metres."""
        return np.round(np.asarray(metres, dtype=float) * self.walk_detour / (self.walk_kmh / 3.6))


@dataclass
class TransitMatrix:
    """Door-to-door public-transport journeys, origins (rows) × destinations (columns).

    ``there``/``back`` are minutes of the best trip leaving home in the departure window /
    leaving the destination in the return window (``inf`` when there is none);
    ``transfers_there``/``transfers_back`` count changes (``-1`` for a walk only or none);
    ``covered`` marks the origins within the timetable's area (see ``TransitSettings.area_m``)
    on a day when its trips run, ``dest_covered`` the destinations within it: journeys of other
    pairs are unknown, not missing.
    """

    there: np.ndarray
    back: np.ndarray
    transfers_there: np.ndarray
    transfers_back: np.ndarray
    day: dt.date | None
    settings: TransitSettings
    feed_name: str = ""
    notes: list[str] = field(default_factory=list)
    covered: np.ndarray | None = None
    dest_covered: np.ndarray | None = None

    def hstack(self, other: "TransitMatrix") -> "TransitMatrix":
        """These journeys and ``other``'s (same origins, more destinations) side by side."""
        dest = (None if self.dest_covered is None or other.dest_covered is None
                else np.concatenate([self.dest_covered, other.dest_covered]))
        return TransitMatrix(np.hstack([self.there, other.there]), np.hstack([self.back, other.back]),
                             np.hstack([self.transfers_there, other.transfers_there]),
                             np.hstack([self.transfers_back, other.transfers_back]), self.day, self.settings,
                             self.feed_name, self.notes, self.covered, dest)

    def subset(self, cols: np.ndarray) -> "TransitMatrix":
        """The same journeys to some destinations only."""
        return TransitMatrix(self.there[:, cols], self.back[:, cols], self.transfers_there[:, cols],
                             self.transfers_back[:, cols], self.day, self.settings, self.feed_name, self.notes,
                             self.covered, None if self.dest_covered is None else self.dest_covered[cols])


# ---------------------------------------------------------------------------------------------
# The time-expanded graph of one window
# ---------------------------------------------------------------------------------------------
@dataclass
class _Events:
    """Stop times of one day within a time range, sorted by trip then time."""

    trip: np.ndarray
    stop: np.ndarray
    arr: np.ndarray
    dep: np.ndarray
    pickup: np.ndarray
    dropoff: np.ndarray
    nxt: np.ndarray      # index of the next stop time of the same trip, -1 at the end


def _day_events(feed: TransitFeed, day: dt.date, t0: float, t1: float) -> _Events:
    """Stop times of trips running on ``day`` (and of the day before, after midnight) with
    times in ``[t0, t1]`` seconds."""
    parts = []
    for offset, d in ((0, day), (-_DAY, day - dt.timedelta(days=1))):
        active = feed.active_trips(d)[feed.st_trip]
        arr, dep = feed.st_arr + offset, feed.st_dep + offset
        keep = active & (dep >= t0) & (arr <= t1)
        if offset:
            keep &= feed.st_arr >= _DAY + t0 - 1  # only the after-midnight part of yesterday's trips
        idx = np.flatnonzero(keep)
        parts.append((feed.st_trip[idx] * 2 + (1 if offset else 0), idx, offset))
    trip = np.concatenate([p[0] for p in parts])
    idx = np.concatenate([p[1] for p in parts])
    off = np.concatenate([np.full(len(p[1]), p[2]) for p in parts])
    order = np.lexsort((feed.st_arr[idx], trip))
    trip, idx, off = trip[order], idx[order], off[order]
    same_next = np.r_[trip[1:] == trip[:-1], False]
    nxt = np.where(same_next, np.arange(len(trip)) + 1, -1)
    return _Events(trip, feed.st_stop[idx], feed.st_arr[idx] + off, feed.st_dep[idx] + off,
                   feed.st_pickup[idx], feed.st_dropoff[idx], nxt)


@dataclass
class _Graph:
    matrix: sparse.csr_array
    events: _Events
    layers: int
    n_ride: int          # ride nodes per layer (= events)
    wait_key: np.ndarray  # sorted stop * 2 * _DAY*2 + time of the wait nodes (one layer)
    board_ev: np.ndarray  # event index of every boarding (stop time with pickup and a next stop)

    def ride(self, layer: int, ev: np.ndarray) -> np.ndarray:
        return (layer - 1) * self.n_ride + ev

    def wait(self, layer: int, w: np.ndarray) -> np.ndarray:
        return self.layers * self.n_ride + (layer - 1) * len(self.wait_key) + w


def _ranges(start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every index of the ranges ``[start, start + count)`` and the number of its range."""
    owner = np.repeat(np.arange(len(start)), count)
    return np.repeat(start, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)), owner


def _key(stop: np.ndarray, t: np.ndarray) -> np.ndarray:
    return stop.astype(np.int64) * (4 * _DAY) + (t.astype(np.int64) + _DAY)


def _first_wait(g_key: np.ndarray, stop: np.ndarray, ready: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the first wait node at ``stop`` not before ``ready`` seconds (and whether one exists)."""
    pos = np.searchsorted(g_key, _key(stop, ready))
    ok = pos < len(g_key)
    ok[ok] &= (g_key[pos[ok]] // (4 * _DAY)) == stop[ok]
    return pos, ok


def _build(feed: TransitFeed, ev: _Events, s: TransitSettings, extra_nodes: int) -> _Graph:
    """The layered time-expanded graph of the events (plus ``extra_nodes`` source nodes at the end)."""
    n = len(ev.trip)
    L = s.max_transfers + 1
    can_board = ev.pickup & (ev.nxt >= 0)
    board_ev = np.flatnonzero(can_board)
    wait_key = np.unique(_key(ev.stop[board_ev], ev.dep[board_ev]))
    nw = len(wait_key)
    g = _Graph(sparse.csr_array((1, 1)), ev, L, n, wait_key, board_ev)
    rows, cols, w = [], [], []

    def add(r: np.ndarray, c: np.ndarray, wt: np.ndarray) -> None:
        rows.append(r), cols.append(c), w.append(wt.astype(float))

    has_next = np.flatnonzero(ev.nxt >= 0)
    ride_w = ev.arr[ev.nxt[has_next]] - ev.arr[has_next]
    board_w = ev.arr[ev.nxt[board_ev]] - ev.dep[board_ev]
    board_wait = np.searchsorted(wait_key, _key(ev.stop[board_ev], ev.dep[board_ev]))
    chain = np.flatnonzero(wait_key[1:] // (4 * _DAY) == wait_key[:-1] // (4 * _DAY))
    chain_w = (wait_key[chain + 1] - wait_key[chain]).astype(float)
    alight = _alight_edges(feed, ev, s, wait_key)
    for layer in range(1, L + 1):
        add(g.ride(layer, has_next), g.ride(layer, ev.nxt[has_next]), ride_w)
        if layer < L:
            add(g.wait(layer, board_wait), g.ride(layer + 1, ev.nxt[board_ev]), board_w)
            add(g.wait(layer, chain), g.wait(layer, chain + 1), chain_w)
            add(g.ride(layer, alight[0]), g.wait(layer, alight[1]), alight[2])
    size = L * n + (L - 1) * nw + extra_nodes
    g.matrix = _csr(size, rows, cols, w)
    return g


def _alight_edges(feed: TransitFeed, ev: _Events, s: TransitSettings, wait_key: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(event, wait node, seconds) of every change: at the same stop after ``transfer_min`` and
    at stops within ``transfer_walk_m`` after the walk."""
    off = np.flatnonzero(ev.dropoff)
    src_ev, dst_stop, ready = [off], [ev.stop[off]], [ev.arr[off] + round(s.transfer_min * 60)]
    if feed.n_stops > 1:
        tree = feed.stop_tree
        # stops at one place (platforms of one stop) are always linked, whatever transfer_walk_m
        pairs = tree.query_pairs(max(s.transfer_walk_m, 1.0), output_type="ndarray")
        if len(pairs):
            pairs = np.vstack([pairs, pairs[:, ::-1]])
            walk = s.walk_seconds(np.hypot(*(feed.stop_xy[pairs[:, 0]] - feed.stop_xy[pairs[:, 1]]).T))
            walk = np.maximum(walk, round(s.transfer_min * 60))
            order = np.argsort(pairs[:, 0], kind="stable")
            pairs, walk = pairs[order], walk[order]
            start = np.searchsorted(pairs[:, 0], ev.stop[off])
            k, rep = _ranges(start, np.searchsorted(pairs[:, 0], ev.stop[off], side="right") - start)
            src_ev.append(off[rep]), dst_stop.append(pairs[k, 1]), ready.append(ev.arr[off[rep]] + walk[k])
    e, stop, t = np.concatenate(src_ev), np.concatenate(dst_stop), np.concatenate(ready)
    pos, ok = _first_wait(wait_key, stop, t)
    return e[ok], pos[ok], (wait_key[pos[ok]] % (4 * _DAY) - _DAY - ev.arr[e[ok]]).astype(float)


def _csr(size: int, rows: list, cols: list, w: list) -> sparse.csr_array:
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(w)
    order = np.lexsort((v, c, r))  # one edge per node pair, the shortest (a sparse matrix would add them up)
    r, c, v = r[order], c[order], v[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    v = np.maximum(v[first], 0.0) + 1e-9  # scipy drops explicit zeros: a zero-second edge must stay an edge
    return sparse.csr_array((v, (r[first], c[first])), shape=(size, size))


# ---------------------------------------------------------------------------------------------
# Walking legs and the search
# ---------------------------------------------------------------------------------------------
def _walk_pairs(points: np.ndarray, feed: TransitFeed, s: TransitSettings, graph=None) -> tuple[np.ndarray, ...]:
    """(point index, stop index, walk seconds) of every stop within ``max_walk_m`` walk of a point:
    along the walk network of ``graph`` (a :class:`~coverage_app.reach.RoadGraph`) when given,
    else straight line × ``walk_detour``."""
    if not len(points) or not feed.n_stops:
        return np.empty(0, int), np.empty(0, int), np.empty(0)
    tree = feed.stop_tree
    near = tree.query_ball_point(points, s.max_walk_m / (1.0 if graph is not None else s.walk_detour))
    p = np.repeat(np.arange(len(points)), [len(x) for x in near])
    st = np.fromiter((j for x in near for j in x), dtype=np.int64, count=len(p))
    if graph is None:
        return p, st, s.walk_seconds(np.hypot(*(points[p] - feed.stop_xy[st]).T))
    metres = _network_metres(graph, points, feed.stop_xy, p, st)
    ok = metres <= s.max_walk_m
    return p[ok], st[ok], np.round(metres[ok] / (s.walk_kmh / 3.6))


def _network_metres(graph, a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Walking route length (metres) of the pairs ``(a[ia], b[ib])`` on the graph's walk network."""
    from coverage_app.reach import travel_matrix

    if not len(ia):
        return np.empty(0)
    ua, ra = np.unique(ia, return_inverse=True)
    ub, rb = np.unique(ib, return_inverse=True)
    km = travel_matrix(a[ua], b[ub], graph, mode="walk").km
    return np.where(np.isfinite(km[ra, rb]), km[ra, rb] * 1000.0, np.inf)


def _departures(g: _Graph, pairs: tuple[np.ndarray, ...], window: tuple[float, float]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point, boarding event, seconds from leaving the point to the vehicle's next stop) of every
    departure from a stop near a point that leaves the point within ``window`` (seconds)."""
    ev = g.events
    b = g.board_ev
    key = _key(ev.stop[b], ev.dep[b])
    order = np.argsort(key, kind="stable")
    b, key = b[order], key[order]
    p, st, walk = pairs
    lo = np.searchsorted(key, _key(st, window[0] + walk))
    hi = np.searchsorted(key, _key(st, window[1] + walk), side="right")
    k, rep = _ranges(lo, np.maximum(hi - lo, 0))
    e = b[k]
    return p[rep], e, walk[rep] + ev.arr[ev.nxt[e]] - ev.dep[e]


def _group_min(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, np.inf)
    np.minimum.at(out, groups, values)
    return out


class TransitRouter:
    """Public-transport journeys on one feed and one day (see the module docstring).

    Parameters
    ----------
    feed : TransitFeed
    settings : TransitSettings, optional
    today : date, optional
        Used to choose the default day (the first working day of the feed from today on).
    walk_graph : RoadGraph, optional
        Walks to and from stops (and walks all the way) follow its walk network; without it
        straight line × ``walk_detour``.
    """

    def __init__(self, feed: TransitFeed, settings: TransitSettings | None = None, *, today: dt.date | None = None,
                 walk_graph=None):
        self.feed = feed
        self.walk_graph = walk_graph
        self.settings = settings or TransitSettings()
        self.day = self.settings.day or feed.first_working_day(today or dt.date.today())
        self.notes: list[str] = []

    def _window_s(self, window: tuple[float, float]) -> tuple[float, float]:
        return window[0] * 60.0, window[1] * 60.0

    def _events(self, window: tuple[float, float]) -> _Events:
        t0, t1 = self._window_s(window)
        return _day_events(self.feed, self.day, t0, t1 + self.settings.horizon_min * 60.0)

    def matrix(self, origins: np.ndarray, dests: np.ndarray, *, chunk: int = 8) -> TransitMatrix:
        """Best journeys origins → destinations (departure window) and back (return window).

        ``origins``/``dests`` are ``(n, 2)`` EPSG:5514 metres.  Dijkstra runs twice per origin
        (there on the graph of the departure window, back on the reversed graph of the return
        window), ``chunk`` origins per call.
        """
        origins = np.asarray(origins, dtype=float).reshape(-1, 2)
        dests = np.asarray(dests, dtype=float).reshape(-1, 2)
        shape = (len(origins), len(dests))
        inf = np.full(shape, np.inf)
        if self.day is None or not len(origins) or not len(dests):
            none = np.full(shape, -1)
            return TransitMatrix(inf, inf.copy(), none, none.copy(), self.day, self.settings, self.feed.name,
                                 covered=self.covered(origins), dest_covered=self.covered(dests))
        there, vt = self._there(origins, dests, chunk)
        back, vb = self._back(origins, dests, chunk)
        walk = self._walk_only(origins, dests)
        there_s = np.minimum(there, walk)
        back_s = np.minimum(back, walk)
        tt = np.where(walk <= there, -1, vt - 1)
        tb = np.where(walk <= back, -1, vb - 1)
        return TransitMatrix(there_s / 60.0, back_s / 60.0, np.where(np.isfinite(there_s), tt, -1),
                             np.where(np.isfinite(back_s), tb, -1), self.day, self.settings, self.feed.name,
                             list(self.notes), self.covered(origins), self.covered(dests))

    def covered(self, points: np.ndarray) -> np.ndarray:
        """Which points lie within the timetable's area (a stop within ``area_m``) on a day when
        its trips run (on a day without any trip every journey is unknown)."""
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if not self.feed.n_stops or self.day is None or not self.feed.active_trips(self.day).any():
            return np.zeros(len(points), dtype=bool)
        d, _ = self.feed.stop_tree.query(points)
        return d <= self.settings.area_m

    def _walk_only(self, origins: np.ndarray, dests: np.ndarray) -> np.ndarray:
        """Seconds of walking all the way where that is within ``max_walk_m`` (else ``inf``)."""
        s = self.settings
        d = np.hypot(origins[:, None, 0] - dests[None, :, 0], origins[:, None, 1] - dests[None, :, 1])
        if self.walk_graph is None:
            return np.where(d * s.walk_detour <= s.max_walk_m, s.walk_seconds(d), np.inf)
        out = np.full(d.shape, np.inf)
        io, idst = np.nonzero(d <= s.max_walk_m)
        metres = _network_metres(self.walk_graph, origins, dests, io, idst)
        ok = metres <= s.max_walk_m
        out[io[ok], idst[ok]] = np.round(metres[ok] / (s.walk_kmh / 3.6))
        return out

    def _split(self, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Seconds and vehicles of a cost carrying the per-vehicle tie-break."""
        finite = np.isfinite(cost)
        secs = np.where(finite, np.floor(np.where(finite, cost, 0.0) + 1e-6), np.inf)
        vehicles = np.where(finite, np.round((np.where(finite, cost, 0.0) - np.where(finite, secs, 0.0)) / _EPS), 0)
        return secs, vehicles.astype(int)

    def _there(self, origins: np.ndarray, dests: np.ndarray, chunk: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.settings
        ev = self._events(s.depart)
        g = _build(self.feed, ev, s, len(origins))
        src = g.matrix.shape[0] - len(origins)
        o, e, w = _departures(g, _walk_pairs(origins, self.feed, s, self.walk_graph), self._window_s(s.depart))
        mat = _with_rows(g.matrix, src + o, g.ride(1, ev.nxt[e]), w)
        dp, dst, dw = _walk_pairs(dests, self.feed, s, self.walk_graph)
        layer_eps = (np.arange(1, g.layers + 1) * _EPS)[:, None]
        out = np.full((len(origins), len(dests)), np.inf)
        for a in range(0, len(origins), chunk):
            idx = np.arange(a, min(a + chunk, len(origins)))
            dist = dijkstra(mat, indices=src + idx, limit=s.horizon_min * 60.0)
            for r, i in enumerate(idx):
                ride = dist[r, : g.layers * g.n_ride].reshape(g.layers, g.n_ride) + layer_eps
                best = np.where(ev.dropoff, ride.min(axis=0), np.inf)
                at_stop = _group_min(best, ev.stop, self.feed.n_stops)
                out[i] = _group_min(at_stop[dst] + dw, dp, len(dests))
        return self._split(out)

    def _back(self, origins: np.ndarray, dests: np.ndarray, chunk: int) -> tuple[np.ndarray, np.ndarray]:
        """Journeys leaving each destination in the return window to each origin (reversed search)."""
        s = self.settings
        ev = self._events(s.back)
        g = _build(self.feed, ev, s, len(origins))
        sink = g.matrix.shape[0] - len(origins)
        op, ost, ow = _walk_pairs(origins, self.feed, s, self.walk_graph)
        # arriving home: every ride node at a stop near the origin, in every layer, + the walk
        alight = np.flatnonzero(ev.dropoff)
        evs = alight[np.argsort(ev.stop[alight], kind="stable")]
        lo = np.searchsorted(ev.stop[evs], ost)
        k, rep = _ranges(lo, np.searchsorted(ev.stop[evs], ost, side="right") - lo)
        rows, cols, wts = [], [], []
        for layer in range(1, g.layers + 1):
            rows.append(g.ride(layer, evs[k])), cols.append(sink + op[rep]), wts.append(ow[rep] + layer * _EPS)
        mat = _with_rows(g.matrix, np.concatenate(rows), np.concatenate(cols), np.concatenate(wts))
        rev = mat.T.tocsr()
        d_, e_, w_ = _departures(g, _walk_pairs(dests, self.feed, s, self.walk_graph), self._window_s(s.back))
        entry = g.ride(1, ev.nxt[e_])
        out = np.full((len(origins), len(dests)), np.inf)
        for a in range(0, len(origins), chunk):
            idx = np.arange(a, min(a + chunk, len(origins)))
            dist = dijkstra(rev, indices=sink + idx, limit=s.horizon_min * 60.0)
            for r, i in enumerate(idx):
                out[i] = _group_min(w_ + dist[r, entry], d_, len(dests))
        return self._split(out)


def _with_rows(base: sparse.csr_array, r: np.ndarray, c: np.ndarray, w: np.ndarray) -> sparse.csr_array:
    """``base`` plus edges (same shape)."""
    coo = base.tocoo()
    return _csr(base.shape[0], [coo.row, r.astype(np.int64)], [coo.col, c.astype(np.int64)],
                [coo.data - 1e-9, np.asarray(w, dtype=float)])


def transit_matrix(feed: TransitFeed, origins: np.ndarray, dests: np.ndarray,
                   settings: TransitSettings | None = None) -> TransitMatrix:
    """Shortcut for ``TransitRouter(feed, settings).matrix(origins, dests)``."""
    return TransitRouter(feed, settings).matrix(origins, dests)
