"""Travel searched from the sites: the engine whose cost grows with sites and kinds, not obce × nodes.

:class:`SiteTravel` answers what the coverage engine asks of travel between the district's obce
(rows) and the sites' locations (columns) with searches that start at the sites, on the reversed
road graph:

* :meth:`SiteTravel.nearest` — for every obec the nearest of a group of locations (a kind, a kind ×
  form) with its minutes and the km of that same route: **one** multi-source
  :func:`scipy.sparse.csgraph.dijkstra` pass (``min_only=True``) from the group, the source index
  naming the location, km summed along the predecessor tree by pointer doubling;
* :meth:`SiteTravel.block` — minutes from every obec to some locations up to a limit (E2SFCA
  catchments, field bases): time-limited passes from the locations, only the obce's entries kept;
* :meth:`SiteTravel.row` — one obec to every location (the obec's detail): one forward pass.

Every location is a *virtual node* joined to the node it snaps to by its straight snapping leg, so
a multi-source pass adds each location's own leg exactly; the obec's leg is added after the search.
Two points closer to each other than to the network travel directly at the access speed
(the rule of :class:`~coverage_app.reach.Router`), found with a KD-tree, not a loop over pairs.
Memory is the graph plus one node vector per pass: a kraj or all of Czechia never holds an
obce × nodes matrix.

:class:`DenseTravel` offers the same methods over a dense :class:`~coverage_app.reach.TravelMatrix`
(the straight-line estimate without roads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from coverage_app.reach import ACCESS_SPEED_KMH, RoadGraph, Router, TravelMatrix, _as_xy, _check_mode

__all__ = ["DenseTravel", "SiteTravel", "travel_for"]

#: Elements of the dense output of one time-limited search call: small, because scipy fills the
#: whole block per call and a short search costs less than writing a large block (measured on the
#: all-Czechia ArcČR graph: one source per call 0.27 ms, 92 per call 0.52 ms per source).
_BLOCK_ELEMENTS = 1 << 18
#: From this many graph nodes, short searches run on the part of the graph within their reach.
_LOCAL_FROM_NODES = 200_000
#: Up to this many obce × graph nodes, the dense matrix for maps is made by a Router from the obce.
_ROUTER_CELLS = 40_000_000


def _legs_min(snap_m: np.ndarray, speed_kmh: float) -> np.ndarray:
    return np.asarray(snap_m, dtype=float) / 1000.0 / speed_kmh * 60.0


@dataclass(eq=False)
class _Augmented:
    """The reversed graph of a mode plus one virtual node per location (edge = its snapping leg)."""

    minutes: sparse.csr_array
    km: sparse.csr_array
    keys: np.ndarray          # sorted row * N + col of the entries (edge look-ups)
    n_nodes: int              # real nodes; virtual node of location j is n_nodes + j


def _augment(graph: RoadGraph, mode: str, dnode: np.ndarray, dsnap_m: np.ndarray, speed_kmh: float) -> _Augmented:
    n = graph.n_nodes
    m = dnode.size
    rmin = sparse.coo_array(graph.minutes(mode).T)
    rkm = sparse.coo_array(graph.km(mode).T)
    # the transposes of two CSR arrays with one sparsity pattern share their entry order
    rows = np.r_[rmin.row.astype(np.int64), n + np.arange(m, dtype=np.int64)]
    cols = np.r_[rmin.col.astype(np.int64), dnode.astype(np.int64)]
    # a location on its node gets a tiny positive leg: an explicit zero would be no edge at all
    vmin = np.r_[rmin.data, np.maximum(_legs_min(dsnap_m, speed_kmh), 1e-9)]
    vkm = np.r_[rkm.data, np.asarray(dsnap_m, dtype=float) / 1000.0]
    size = n + m
    order = np.lexsort((cols, rows))
    rows, cols, vmin, vkm = rows[order], cols[order], vmin[order], vkm[order]
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=indptr[1:])
    idx = cols.astype(np.int32 if size < np.iinfo(np.int32).max else np.int64)
    ptr = indptr.astype(idx.dtype)
    a_min = sparse.csr_array((vmin, idx, ptr), shape=(size, size))
    a_km = sparse.csr_array((vkm, idx.copy(), ptr.copy()), shape=(size, size))
    return _Augmented(a_min, a_km, rows * size + cols, n)


def _path_km(aug: _Augmented, pred: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """km of the route to every node of one search, summed along its predecessor tree.

    Pointer doubling: each step adds the ancestors' sums, ``O(log depth)`` vectorised steps.
    """
    size = pred.size
    has = pred >= 0
    nodes = np.flatnonzero(has)
    acc = np.zeros(size, dtype=float)
    keys = pred[nodes].astype(np.int64) * size + nodes
    acc[nodes] = aug.km.data[np.searchsorted(aug.keys, keys)]
    anc = np.full(size, -1, dtype=np.int64)
    anc[nodes] = pred[nodes]
    active = nodes
    while active.size:
        up = anc[active]
        acc[active] += acc[up]
        nxt = anc[up]
        anc[active] = nxt
        active = active[nxt >= 0]
    acc[~np.isfinite(dist)] = np.nan
    return acc


class SiteTravel:
    """Travel from a district's obce to site locations, searched from the sites (see the module).

    Parameters
    ----------
    graph : RoadGraph
    origins_xy : array (n, 2)
        The obce's points, EPSG:5514 metres.
    locations_xy : array (m, 2)
        The sites' locations, EPSG:5514 metres.
    mode : {"car", "walk"}
    access_speed_kmh : float, optional
        Speed of the snapping legs and of direct short trips (default
        :data:`~coverage_app.reach.ACCESS_SPEED_KMH`).
    """

    method = "road"

    def __init__(self, graph: RoadGraph, origins_xy: Any, locations_xy: Any, mode: str = "car", *,
                 access_speed_kmh: float | None = None, _origins: tuple | None = None) -> None:
        self.graph = graph
        self.mode = _check_mode(mode)
        self.access_speed_kmh = float(access_speed_kmh or ACCESS_SPEED_KMH[self.mode])
        self.origins_xy = _as_xy(origins_xy)
        self.locations_xy = _as_xy(locations_xy) if len(locations_xy) else np.empty((0, 2))
        if _origins is None:
            onode, osnap = graph.nearest_node(self.origins_xy, mode=self.mode)
        else:
            onode, osnap = _origins
        self.origin_node, self.origin_snap_m = onode, osnap
        if len(self.locations_xy):
            self.dest_node, self.dest_snap_m = graph.nearest_node(self.locations_xy, mode=self.mode)
        else:
            self.dest_node, self.dest_snap_m = np.zeros(0, dtype=np.int64), np.zeros(0)
        self.params: dict[str, Any] = {"access_speed_kmh": self.access_speed_kmh, "max_minutes": None,
                                       "snap_tolerance_m": graph.snap_tolerance_m, "source": graph.source,
                                       "engine": "sites"}
        self._aug: _Augmented | None = None
        self._blocks: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = {}
        self._nearest_memo: dict[tuple[bytes, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._dense: TravelMatrix | None = None
        self._router: Router | None = None
        self.passes = 0  # number of shortest-path searches run (for benchmarks)

    # -- shape and compatibility --------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return (self.origins_xy.shape[0], self.locations_xy.shape[0])

    @property
    def n_locations(self) -> int:
        return self.locations_xy.shape[0]

    @property
    def router(self) -> "SiteTravel":
        """Travel rules for other origins (``method``, ``graph``, ``mode``, ``access_speed_kmh``)."""
        return self

    def _augmented(self) -> _Augmented:
        if self._aug is None:
            self._aug = _augment(self.graph, self.mode, self.dest_node, self.dest_snap_m, self.access_speed_kmh)
        return self._aug

    # -- direct short trips ----------------------------------------------------------------------
    def _direct_pairs(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Obec × location pairs (among ``cols``) closer than the sum of their snapping legs:
        rows, positions in ``cols``, minutes and km of the straight trip."""
        if cols.size == 0 or self.origins_xy.shape[0] == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0), np.zeros(0)
        dxy = self.locations_xy[cols]
        reach = float(self.origin_snap_m.max(initial=0.0) + self.dest_snap_m[cols].max(initial=0.0))
        pairs = cKDTree(self.origins_xy).sparse_distance_matrix(cKDTree(dxy), max_distance=reach,
                                                                 output_type="ndarray")
        i = pairs["i"].astype(np.int64)
        j = pairs["j"].astype(np.int64)
        d = pairs["v"].astype(float)
        keep = d <= self.origin_snap_m[i] + self.dest_snap_m[cols[j]]
        i, j, d = i[keep], j[keep], d[keep]
        return i, j, d / 1000.0 / self.access_speed_kmh * 60.0, d / 1000.0

    # -- the three questions ---------------------------------------------------------------------
    def nearest(self, cols: Sequence[int], max_minutes: float = np.inf
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every obec the nearest location among ``cols``: minutes, km and the position in
        ``cols`` (``-1`` and ``inf`` when none lies within ``max_minutes``)."""
        cols = np.asarray(cols, dtype=np.int64)
        n = self.origins_xy.shape[0]
        if cols.size == 0:
            return np.full(n, np.inf), np.full(n, np.nan), np.full(n, -1, dtype=np.int64)
        key = (cols.tobytes(), float(max_minutes))
        if key in self._nearest_memo:  # the same group asked again (a kind with one form)
            return tuple(a.copy() for a in self._nearest_memo[key])  # type: ignore[return-value]
        out = self._nearest(cols, max_minutes)
        self._nearest_memo[key] = out
        return tuple(a.copy() for a in out)  # type: ignore[return-value]

    def _nearest(self, cols: np.ndarray, max_minutes: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        aug = self._augmented()
        sources = aug.n_nodes + cols
        limit = np.inf if not np.isfinite(max_minutes) else float(max_minutes)
        dist, pred, src = dijkstra(aug.minutes, directed=True, indices=sources, return_predecessors=True,
                                   min_only=True, limit=limit)
        self.passes += 1
        km_all = _path_km(aug, pred, dist)
        onode = self.origin_node
        legs = _legs_min(self.origin_snap_m, self.access_speed_kmh)
        minutes = dist[onode] + legs
        km = km_all[onode] + self.origin_snap_m / 1000.0
        s = src[onode]
        which = _positions(np.where(s >= 0, s - aug.n_nodes, -1), cols)
        i, j, dm, dk = self._direct_pairs(cols)
        if i.size:
            order = np.lexsort((dm, i))
            i, j, dm, dk = i[order], j[order], dm[order], dk[order]
            first = np.r_[True, i[1:] != i[:-1]]
            i, j, dm, dk = i[first], j[first], dm[first], dk[first]
            better = dm < minutes[i]
            minutes[i[better]] = dm[better]
            km[i[better]] = dk[better]
            which[i[better]] = j[better]
        bad = ~np.isfinite(minutes) | (minutes > max_minutes) | (which < 0)
        return np.where(bad, np.inf, minutes), np.where(bad, np.nan, km), np.where(bad, -1, which)

    def _column(self, col: int, limit: float) -> tuple[np.ndarray, np.ndarray]:
        key = (int(col), float(limit))
        if key not in self._blocks:
            self._fill([int(col)], float(limit))
        return self._blocks[key]

    def _fill(self, cols: list[int], limit: float) -> None:
        """Time-limited searches from ``cols``; keeps, per location, the obce within ``limit``.

        On a large graph the searches of nearby locations run on the part of the graph within
        reach of them (a route of ``limit`` minutes never leaves the circle of ``limit`` × the
        fastest edge speed around its start), so a short search does not pay for the whole graph.
        """
        aug = self._augmented()
        size = aug.minutes.shape[0]
        if size >= _LOCAL_FROM_NODES and np.isfinite(limit):
            self._fill_local(cols, limit)
            return
        step = max(1, _BLOCK_ELEMENTS // max(size, 1))
        for k in range(0, len(cols), step):
            chunk = cols[k:k + step]
            dist = np.atleast_2d(dijkstra(aug.minutes, directed=True, indices=aug.n_nodes + np.asarray(chunk),
                                          limit=limit))
            self.passes += len(chunk)
            self._keep(chunk, dist[:, self.origin_node], limit)

    def _keep(self, chunk: Sequence[int], at_nodes: np.ndarray, limit: float) -> None:
        at_obce = at_nodes + _legs_min(self.origin_snap_m, self.access_speed_kmh)[None, :]
        for r, c in enumerate(chunk):
            row = at_obce[r]
            idx = np.flatnonzero(row <= limit)
            self._blocks[(c, limit)] = (idx, row[idx])

    def _fill_local(self, cols: list[int], limit: float) -> None:
        aug = self._augmented()
        size = aug.minutes.shape[0]
        if "node_xy" not in self.__dict__:
            self.node_xy = np.vstack([self.graph.xy, self.locations_xy])
            speeds = aug.km.data / np.maximum(aug.minutes.data, 1e-12) * 60.0
            self.vmax_kmh = float(max(speeds.max(initial=0.0), self.access_speed_kmh))
        reach_m = limit / 60.0 * self.vmax_kmh * 1000.0 + 1.0
        loc = self.locations_xy[cols]
        cell = np.floor(loc / reach_m).astype(np.int64)
        order = np.lexsort((cell[:, 0], cell[:, 1]))
        cols_arr = np.asarray(cols)[order]
        cell = cell[order]
        starts = np.flatnonzero(np.r_[True, (cell[1:] != cell[:-1]).any(axis=1)])
        bounds = np.r_[starts, len(cols_arr)]
        x, y = self.node_xy[:, 0], self.node_xy[:, 1]
        for a, b in zip(bounds[:-1], bounds[1:]):
            for k in range(a, b, 64):
                chunk = cols_arr[k:min(b, k + 64)].tolist()
                cxy = self.locations_xy[chunk]
                x0, y0 = cxy.min(axis=0) - reach_m
                x1, y1 = cxy.max(axis=0) + reach_m
                keep = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
                pos = np.full(size, -1, dtype=np.int64)
                pos[keep] = np.arange(keep.size)
                sub = aug.minutes[keep][:, keep]
                dist = np.atleast_2d(dijkstra(sub, directed=True, indices=pos[aug.n_nodes + np.asarray(chunk)],
                                              limit=limit))
                self.passes += len(chunk)
                at = np.full((len(chunk), self.origin_node.size), np.inf)
                o = pos[self.origin_node]
                inside = o >= 0
                at[:, inside] = dist[:, o[inside]]
                self._keep(chunk, at, limit)

    def block(self, cols: Sequence[int], max_minutes: float) -> np.ndarray:
        """Minutes from every obec (rows) to the locations ``cols`` (columns); ``inf`` beyond
        ``max_minutes``."""
        cols = np.asarray(cols, dtype=np.int64)
        n = self.origins_xy.shape[0]
        out = np.full((n, cols.size), np.inf)
        if cols.size == 0 or n == 0:
            return out
        limit = float(max_minutes)
        if not np.isfinite(limit):
            return self.dense().minutes[:, cols].copy()
        todo = sorted({int(c) for c in cols if (int(c), limit) not in self._blocks})
        if todo:
            self._fill(todo, limit)
        for k, c in enumerate(cols):
            idx, vals = self._blocks[(int(c), limit)]
            out[idx, k] = vals
        i, j, dm, _ = self._direct_pairs(cols)
        if i.size:
            np.minimum.at(out, (i, j), np.where(dm <= limit, dm, np.inf))
        return out

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Minutes and km from obec ``i`` to every location (one forward search)."""
        from coverage_app.reach import _add_legs, _straight_km, _tree_lengths

        m = self.n_locations
        if m == 0:
            return np.zeros(0), np.zeros(0)
        dist, pred = dijkstra(self.graph.minutes(self.mode), directed=True, indices=int(self.origin_node[i]),
                              return_predecessors=True)
        self.passes += 1
        km_nodes = _tree_lengths(self.graph, self.mode, dist[None, :], pred[None, :])[0]
        straight = _straight_km(self.origins_xy[i:i + 1], self.locations_xy)
        minutes, direct = _add_legs(dist[None, self.dest_node], self.origin_snap_m[i:i + 1], self.dest_snap_m,
                                    straight, self.access_speed_kmh)
        km = np.where(direct, straight, km_nodes[None, self.dest_node]
                      + (self.origin_snap_m[i] + self.dest_snap_m[None, :]) / 1000.0)
        bad = ~np.isfinite(minutes)
        return np.where(bad, np.inf, minutes)[0], np.where(bad, np.nan, km)[0]

    # -- dense views (maps, small districts) -------------------------------------------------------
    def dense(self) -> TravelMatrix:
        """The whole obce × locations matrix (for maps of one district); made by a router from the
        obce when that is small, else by unlimited searches from the locations."""
        if self._dense is None:
            n, m = self.shape
            if n * self.graph.n_nodes <= _ROUTER_CELLS or n <= m:
                if self._router is None:
                    self._router = Router(self.origins_xy, self.graph, self.mode,
                                          access_speed_kmh=self.access_speed_kmh)
                self._dense = self._router.matrix(self.locations_xy)
            else:
                minutes = np.full((n, m), np.inf)
                km = np.full((n, m), np.nan)
                for c in range(m):
                    mins, kms, _ = self.nearest([c])
                    minutes[:, c], km[:, c] = mins, kms
                self._dense = TravelMatrix(minutes, km, "road", self.mode, dict(self.params),
                                           self.origin_snap_m, self.dest_snap_m, None)
        return self._dense

    @property
    def minutes(self) -> np.ndarray:
        return self.dense().minutes

    @property
    def km(self) -> np.ndarray:
        return self.dense().km

    # -- what-if and other destinations ---------------------------------------------------------
    def with_destinations(self, dest_xy: Any) -> "SiteTravel":
        """The same obce with more locations appended (a what-if's new or moved sites); searches
        already made for the old locations are kept."""
        new = SiteTravel(self.graph, self.origins_xy, np.vstack([self.locations_xy, _as_xy(dest_xy)]),
                         self.mode, access_speed_kmh=self.access_speed_kmh,
                         _origins=(self.origin_node, self.origin_snap_m))
        new._blocks = dict(self._blocks)
        new._router = self._router
        return new

    def to_points(self, dest_xy: Any) -> "SiteTravel":
        """The same obce to other points (candidate sites, the obce themselves)."""
        return SiteTravel(self.graph, self.origins_xy, _as_xy(dest_xy), self.mode,
                          access_speed_kmh=self.access_speed_kmh, _origins=(self.origin_node, self.origin_snap_m))


def _positions(loc: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Position in ``cols`` of each location index in ``loc`` (``-1`` when not found)."""
    order = np.argsort(cols, kind="stable")
    sorted_cols = cols[order]
    pos = np.searchsorted(sorted_cols, loc)
    pos = np.clip(pos, 0, len(cols) - 1)
    found = (loc >= 0) & (sorted_cols[pos] == loc)
    return np.where(found, order[pos], -1).astype(np.int64)


class DenseTravel:
    """The methods of :class:`SiteTravel` over a dense :class:`~coverage_app.reach.TravelMatrix`
    (the straight-line estimate, or a matrix made by a router)."""

    def __init__(self, matrix: TravelMatrix):
        self.matrix = matrix
        self.method = matrix.method
        self.mode = matrix.mode
        self.params = matrix.params
        self.router = matrix.router
        self.origin_snap_m = matrix.origin_snap_m
        self.passes = 0

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def n_locations(self) -> int:
        return self.matrix.shape[1]

    @property
    def minutes(self) -> np.ndarray:
        return self.matrix.minutes

    @property
    def km(self) -> np.ndarray:
        return self.matrix.km

    def dense(self) -> TravelMatrix:
        return self.matrix

    def nearest(self, cols: Sequence[int], max_minutes: float = np.inf
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols = np.asarray(cols, dtype=np.int64)
        n = self.matrix.shape[0]
        if cols.size == 0:
            return np.full(n, np.inf), np.full(n, np.nan), np.full(n, -1, dtype=np.int64)
        tmin = self.matrix.minutes[:, cols]
        j = np.argmin(tmin, axis=1)
        best = tmin[np.arange(n), j]
        km = self.matrix.km[:, cols][np.arange(n), j]
        bad = ~np.isfinite(best) | (best > max_minutes)
        return np.where(bad, np.inf, best), np.where(bad, np.nan, km), np.where(bad, -1, j)

    def block(self, cols: Sequence[int], max_minutes: float) -> np.ndarray:
        out = self.matrix.minutes[:, np.asarray(cols, dtype=np.int64)].copy()
        out[out > max_minutes] = np.inf
        return out

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        return self.matrix.minutes[i].copy(), self.matrix.km[i].copy()

    def with_destinations(self, dest_xy: Any) -> "DenseTravel":
        return DenseTravel(self.matrix.with_destinations(dest_xy))

    def to_points(self, dest_xy: Any) -> "DenseTravel":
        return DenseTravel(self.matrix.to_points(dest_xy))


def travel_for(origins_xy: Any, locations_xy: Any, graph: RoadGraph | None, router: Router | None, *,
               mode: str, access_speed_kmh: float | None) -> SiteTravel | DenseTravel:
    """Travel of an analysis: searched from the sites on a road graph, else the dense estimate."""
    if graph is not None:
        origins = None
        if router is not None and getattr(router, "method", "") == "road":
            origins = (router.origin_node, router.origin_snap_m)
        return SiteTravel(graph, origins_xy, locations_xy, mode, access_speed_kmh=access_speed_kmh,
                          _origins=origins)
    assert router is not None
    return DenseTravel(router.matrix(locations_xy))
