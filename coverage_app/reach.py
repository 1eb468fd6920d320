"""Travel times and distances: a routable road graph, travel-time matrices and isochrones.

Everything here works in **EPSG:5514** (S-JTSK / Křovák East North, metres) and reports
travel time in **minutes** and route length in **km**.  Two methods exist and every result says
which one produced it:

``"road"``
    Fastest route on a :class:`RoadGraph` (built by :func:`build_graph`, usually through
    :func:`coverage_app.io.roads.load_roads`).  Points are snapped to the nearest graph node and
    the straight snapping legs are added at an *access speed* (:data:`ACCESS_SPEED_KMH`).
``"estimate"``
    No road data: straight-line distance × a detour factor (:data:`DEFAULT_DETOUR_FACTOR`)
    at an average door-to-door speed (:data:`ESTIMATE_SPEED_KMH`).

Main entry points: :func:`travel_matrix` (origins × destinations), :class:`Router` /
:func:`travel_to_points` (cached per-origin results: a new or moved site is a look-up, not a
new search — the what-if engine's path) and :func:`isochrones` (areas within 15/30/45 minutes,
drawn from the same rules as the matrix).

The module is pure (no Streamlit, no file access); shortest paths run in compiled code
(:func:`scipy.sparse.csgraph.dijkstra`, one multi-source call), route lengths are summed along
the fastest-path tree by vectorised pointer doubling, never in Python loops over nodes.

Examples
--------
>>> import numpy as np
>>> m = travel_matrix(np.array([[0.0, 0.0]]), np.array([[-13000.0, 0.0]]), mode="car")
>>> m.method, round(float(m.km[0, 0]), 1), round(float(m.minutes[0, 0]), 1)
('estimate', 16.9, 22.5)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from coverage_app.errors import DataError
from coverage_app.i18n import register

__all__ = [
    "ACCESS_SPEED_KMH",
    "CRS",
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_MAIN_COMPONENT_SHARE",
    "DEFAULT_SNAP_TOLERANCE_M",
    "ESTIMATE_SPEED_KMH",
    "MODES",
    "RoadGraph",
    "Router",
    "TravelMatrix",
    "build_graph",
    "isochrones",
    "minutes_to_points",
    "travel_matrix",
    "travel_to_points",
]

Mode = Literal["car", "walk"]
Method = Literal["road", "estimate"]
Direction = Literal["to_site", "from_site"]

#: Coordinate reference system of every coordinate in this module (metres).
CRS = "EPSG:5514"

#: Travel modes.
MODES: tuple[str, ...] = ("car", "walk")

#: Ratio of road distance to straight-line distance used by the ``"estimate"`` method.
#: 1.3 is the usual figure for complete road networks (published circuity factors for European
#: regions lie between 1.2 and 1.4).  (ArcČR 500, which has main roads only, gives a median
#: fastest-route/straight ratio of 1.68 between the obce of ORP Židlochovice, snapping legs
#: included — a property of that sparse network, not of real trips.)
DEFAULT_DETOUR_FACTOR: float = 1.3

#: Average door-to-door speed on the *road* distance (straight line × detour factor) used by the
#: ``"estimate"`` method, km/h.
#:
#: * car 45 km/h — a district trip mixes village streets (≤ 50), rural class II/III roads (60–80)
#:   and a start/stop at both ends; 15–25 km trips between Czech obce typically take 20–30 minutes.
#:   With the 1.3 detour this is 34.6 km/h along the straight line.  Check on real data: between
#:   the 24 obce of ORP Židlochovice the estimate's minutes are within −26 % / +38 % (10th/90th
#:   percentile) of the road method on ArcČR roads, median +6 %.
#: * walk 4.5 km/h — slightly below the 5 km/h used on a road graph: crossings, waiting and an
#:   older target group (seniors walk 3.5–4.5 km/h).
ESTIMATE_SPEED_KMH: dict[str, float] = {"car": 45.0, "walk": 4.5}

#: Speed of the straight *snapping legs* between a point and its nearest graph node, km/h, and of
#: the direct straight-line trip between two points that are close to each other.
#:
#: * car 30 km/h — the leg stands for local streets that are not in the graph (ArcČR 500 has only
#:   class I–III roads; an obec point may be 2–3 km from them), parking and the slow start; on
#:   a street network that is ~1.3× longer than the straight leg this is ~40 km/h driving.
#: * walk 4 km/h — 5 km/h on a path that is ~1.25× longer than the straight leg.
ACCESS_SPEED_KMH: dict[str, float] = {"car": 30.0, "walk": 4.0}

#: Default tolerance (metres) within which line vertices are merged into one node when the input
#: lines are not noded (ArcČR segments).  Identical coordinates are always one node.
DEFAULT_SNAP_TOLERANCE_M: float = 1.0

#: A connected component counts as a *main* component (points may snap to it) when it has at least
#: this share of the nodes of the largest component of that mode.  Smaller components are clip
#: artefacts and unconnected fragments; snapping a point to one would make it unreachable.
DEFAULT_MAIN_COMPONENT_SHARE: float = 0.05

# Origins × nodes searched in one multi-source Dijkstra call (bounds memory: 12 bytes each), and
# in one pointer-doubling block (small enough to stay in the CPU cache).
_CHUNK_ELEMENTS = 1 << 24
_DOUBLING_ELEMENTS = 1 << 20

register(
    {
        "err.reach_no_car_edges": {
            "cs": "silniční síť neobsahuje žádný úsek sjízdný autem",
            "en": "the road network has no segment usable by car",
        },
        "err.reach_no_walk_edges": {
            "cs": "silniční síť neobsahuje žádný úsek schůdný pěšky",
            "en": "the road network has no segment usable on foot",
        },
        "err.reach_bad_mode": {
            "cs": "neznámý způsob dopravy „{value}“ (car nebo walk)",
            "en": 'unknown travel mode "{value}" (car or walk)',
        },
        "err.reach_positive": {
            "cs": "parametr {option} musí být kladné číslo (zadáno {value})",
            "en": "the option {option} must be a positive number (given {value})",
        },
        "err.reach_detour": {
            "cs": "koeficient zajížďky musí být alespoň 1 (zadáno {value})",
            "en": "the detour factor must be at least 1 (given {value})",
        },
        "err.reach_bad_points": {
            "cs": "body musí být dvojice souřadnic x, y v EPSG:5514 nebo bodové geometrie ({detail})",
            "en": "points must be x, y coordinate pairs in EPSG:5514 or point geometries ({detail})",
        },
        "err.reach_bad_direction": {
            "cs": "neznámý směr „{value}“ (to_site nebo from_site)",
            "en": 'unknown direction "{value}" (to_site or from_site)',
        },
    }
)


# ------------------------------------------------------------------------------------------
# validation helpers
# ------------------------------------------------------------------------------------------


def _check_mode(mode: str) -> Mode:
    if mode not in MODES:
        raise DataError.single(None, None, None, "err.reach_bad_mode", value=mode)
    return mode  # type: ignore[return-value]


def _positive(name: str, value: float | None, default: float) -> float:
    if value is None:
        return float(default)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise DataError.single(None, None, None, "err.reach_positive", option=name, value=value) from None
    if not np.isfinite(v) or v <= 0:
        raise DataError.single(None, None, None, "err.reach_positive", option=name, value=value)
    return v


def _detour(value: float | None) -> float:
    v = _positive("detour_factor", value, DEFAULT_DETOUR_FACTOR)
    if v < 1.0:
        raise DataError.single(None, None, None, "err.reach_detour", value=value)
    return v


def _as_xy(points: Any) -> np.ndarray:
    """Coordinates ``(n, 2)`` in EPSG:5514 metres from arrays, ``(x, y)`` pairs or geometries.

    GeoSeries/GeoDataFrames are reprojected to EPSG:5514; non-point geometries are replaced by
    their representative point.
    """
    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if isinstance(points, gpd.GeoSeries):
        geo = points
        if geo.crs is not None and not geo.crs.equals(CRS):
            geo = geo.to_crs(CRS)
        if geo.isna().any() or geo.is_empty.any():
            raise DataError.single(None, None, None, "err.reach_bad_points", detail="empty geometry")
        pts = np.where(geo.geom_type.to_numpy() == "Point", geo.values, geo.representative_point().values)
        return np.column_stack([shapely.get_x(pts), shapely.get_y(pts)]).astype(float)
    if isinstance(points, shapely.Geometry):
        points = [points]
    try:
        arr_obj = np.asarray(points, dtype=object) if not isinstance(points, np.ndarray) else points
    except ValueError as exc:  # ragged input
        raise DataError.single(None, None, None, "err.reach_bad_points", detail=str(exc)) from None
    if arr_obj.dtype == object and arr_obj.size and isinstance(arr_obj.ravel()[0], shapely.Geometry):
        geoms = arr_obj.ravel()
        return _as_xy(gpd.GeoSeries(geoms, crs=CRS))
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError.single(None, None, None, "err.reach_bad_points", detail=str(exc)) from None
    if arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim == 1 and arr.shape[0] == 0:
        arr = arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise DataError.single(None, None, None, "err.reach_bad_points", detail=f"shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise DataError.single(None, None, None, "err.reach_bad_points", detail="NaN/inf")
    return arr


def _straight_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Straight-line distances (km) between every row of ``a`` and every row of ``b``."""
    dx = a[:, 0:1] - b[None, :, 0]
    dy = a[:, 1:2] - b[None, :, 1]
    return np.hypot(dx, dy) / 1000.0


# ------------------------------------------------------------------------------------------
# the graph
# ------------------------------------------------------------------------------------------


@dataclass(eq=False)
class RoadGraph:
    """A routable road network in EPSG:5514.

    Node ``i`` lies at ``(x[i], y[i])`` (metres).  Each mode has two CSR matrices with identical
    sparsity: minutes (edge weight for the fastest route) and km (the length of that same edge),
    so the length of a fastest route can be summed along it.  A directed entry ``[u, v]`` means
    one may travel from ``u`` to ``v``; car one-way streets have a single direction, walking
    edges both.  Parallel edges are reduced to the fastest one.

    Attributes
    ----------
    x, y : ndarray of float, shape (n_nodes,)
        Node coordinates, EPSG:5514 metres.
    car_min, walk_min : scipy.sparse.csr_array, shape (n_nodes, n_nodes)
        Edge travel times in minutes (no entry = no edge).
    car_km, walk_km : scipy.sparse.csr_array, shape (n_nodes, n_nodes)
        Edge lengths in km, aligned entry by entry with ``car_min`` / ``walk_min``.
    car_component, walk_component : ndarray of int
        Connected-component label of each node (strong components for car, which respect one-way
        streets; plain components for walking).
    car_entry, walk_entry : ndarray of bool
        Whether a point beside the road may join the network at this node (``False`` for nodes
        that only touch motorways and speed roads, which are entered at junctions only).
    main_component_share : float
        Components with at least this share of the nodes of the largest component of the mode
        are *main* components; points snap only to nodes of main components.
    snap_tolerance_m : float
        Tolerance (metres) used to merge line ends into nodes when the graph was built.
    source : str
        Where the network came from (file name), for messages and provenance.
    """

    x: np.ndarray
    y: np.ndarray
    car_min: sparse.csr_array
    walk_min: sparse.csr_array
    car_km: sparse.csr_array
    walk_km: sparse.csr_array
    car_component: np.ndarray
    walk_component: np.ndarray
    car_entry: np.ndarray
    walk_entry: np.ndarray
    main_component_share: float = DEFAULT_MAIN_COMPONENT_SHARE
    snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M
    source: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- basic accessors -----------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.x.shape[0])

    @property
    def xy(self) -> np.ndarray:
        """Node coordinates, shape ``(n_nodes, 2)``, EPSG:5514 metres."""
        return np.column_stack([self.x, self.y])

    def minutes(self, mode: str) -> sparse.csr_array:
        """Edge travel times (minutes) of ``mode``."""
        return self.car_min if _check_mode(mode) == "car" else self.walk_min

    def km(self, mode: str) -> sparse.csr_array:
        """Edge lengths (km) of ``mode``, aligned with :meth:`minutes`."""
        return self.car_km if _check_mode(mode) == "car" else self.walk_km

    def components(self, mode: str) -> np.ndarray:
        """Component label of every node for ``mode``."""
        return self.car_component if _check_mode(mode) == "car" else self.walk_component

    def n_edges(self, mode: str) -> int:
        """Number of directed edges of ``mode``."""
        return int(self.minutes(mode).nnz)

    def snappable(self, mode: str) -> np.ndarray:
        """Boolean mask of nodes points may snap to: main components of ``mode`` and entry nodes."""
        key = f"snappable_{mode}"
        if key not in self._cache:
            labels = self.components(mode)
            mat = self.minutes(mode)
            has_edge = (np.diff(mat.indptr) > 0) | (np.bincount(mat.indices, minlength=self.n_nodes) > 0)
            sizes = np.bincount(labels[has_edge], minlength=int(labels.max()) + 1 if labels.size else 0)
            if sizes.size == 0 or sizes.max() < 2:
                mask = np.zeros(self.n_nodes, dtype=bool)
            else:
                main = sizes >= max(2.0, self.main_component_share * sizes.max())
                entry = self.car_entry if mode == "car" else self.walk_entry
                mask = main[labels] & has_edge & entry
                if not mask.any():  # only non-entry roads (e.g. a motorway-only file)
                    mask = main[labels] & has_edge
            self._cache[key] = mask
        return self._cache[key]

    def nearest_node(self, x: Any, y: Any | None = None, mode: str = "car") -> tuple[np.ndarray, np.ndarray]:
        """Snap points to the nearest node usable by ``mode`` in a main component.

        Parameters
        ----------
        x, y : array-like of float
            Coordinates in EPSG:5514 metres; alternatively ``x`` may be an ``(n, 2)`` array,
            a GeoSeries or a GeoDataFrame and ``y`` is left out.
        mode : {"car", "walk"}

        Returns
        -------
        nodes : ndarray of int64
            Node ids.
        dist_m : ndarray of float
            Straight-line snapping distance in metres.
        """
        mode = _check_mode(mode)
        xy = _as_xy(x) if y is None else _as_xy(np.column_stack([np.ravel(x), np.ravel(y)]))
        key = f"tree_{mode}"
        if key not in self._cache:
            ids = np.flatnonzero(self.snappable(mode))
            if ids.size == 0:
                code = "err.reach_no_car_edges" if mode == "car" else "err.reach_no_walk_edges"
                raise DataError.single(self.source or None, None, None, code)
            self._cache[key] = (cKDTree(np.column_stack([self.x[ids], self.y[ids]])), ids)
        tree, ids = self._cache[key]
        if xy.shape[0] == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        dist, pos = tree.query(xy, workers=-1)
        return ids[pos].astype(np.int64), np.asarray(dist, dtype=float)

    # -- internals used by the router ------------------------------------------------------

    def _edge_keys(self, mode: Mode) -> np.ndarray:
        """Sorted ``u * n + v`` keys of the CSR entries of ``mode`` (for vectorised look-ups)."""
        key = f"keys_{mode}"
        if key not in self._cache:
            mat = self.minutes(mode)
            rows = np.repeat(np.arange(self.n_nodes, dtype=np.int64), np.diff(mat.indptr))
            self._cache[key] = rows * self.n_nodes + mat.indices.astype(np.int64)
        return self._cache[key]

    def _edge_values(self, mode: Mode, which: Literal["min", "km"], u: np.ndarray, v: np.ndarray) -> np.ndarray:
        keys = self._edge_keys(mode)
        pos = np.searchsorted(keys, u.astype(np.int64) * self.n_nodes + v.astype(np.int64))
        mat = self.minutes(mode) if which == "min" else self.km(mode)
        return mat.data[pos]

    def _transposed(self, mode: Mode) -> sparse.csr_array:
        key = f"T_{mode}"
        if key not in self._cache:
            self._cache[key] = sparse.csr_array(self.minutes(mode).T)
        return self._cache[key]

    def __getstate__(self) -> dict[str, Any]:  # caches (KD-trees) are rebuilt on demand
        state = self.__dict__.copy()
        state["_cache"] = {}
        return state


def _csr(n: int, u: np.ndarray, v: np.ndarray, *values: np.ndarray) -> list[sparse.csr_array]:
    """CSR arrays sharing one sparsity pattern; ``(u, v)`` pairs must be unique."""
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    idx_dtype = np.int32 if max(n, len(u)) < np.iinfo(np.int32).max else np.int64
    indices = v.astype(idx_dtype)
    indptr = indptr.astype(idx_dtype)
    out = []
    for val in values:
        m = sparse.csr_array((val[order].astype(float), indices, indptr), shape=(n, n))
        m.has_sorted_indices = True
        out.append(m)
    return out


def _fastest_unique(u: np.ndarray, v: np.ndarray, minutes: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, ...]:
    """Keep, for every ``(u, v)`` pair, the fastest of the parallel edges (and its length)."""
    if u.size == 0:
        return u, v, minutes, km
    order = np.lexsort((km, minutes, v, u))
    u, v, minutes, km = u[order], v[order], minutes[order], km[order]
    first = np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]
    return u[first], v[first], minutes[first], km[first]


def _components(mat: sparse.csr_array, directed: bool) -> np.ndarray:
    if mat.shape[0] == 0:
        return np.zeros(0, dtype=np.int32)
    _, labels = connected_components(mat, directed=directed, connection="strong")
    return labels.astype(np.int32)


def build_graph(
    lines: gpd.GeoDataFrame,
    snap_tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
    main_component_share: float = DEFAULT_MAIN_COMPONENT_SHARE,
    source: str = "",
) -> RoadGraph:
    """Build a :class:`RoadGraph` from road lines.

    Every line vertex becomes a node; consecutive vertices of a line become an edge.  Vertices
    with identical coordinates are one node (this is how OSM ways share nodes).  When
    ``snap_tolerance_m > 0`` a line *end* is also merged with any vertex closer than the
    tolerance (undershoots/overshoots of un-noded data such as ArcČR); two interior vertices
    that are merely close are not merged, since they may be a bridge over another road.  Merging
    uses a KD-tree and a connected-components pass, never pairwise Python loops.

    Parameters
    ----------
    lines : GeoDataFrame
        (Multi)LineStrings with columns ``speed_car_kmh``, ``speed_walk_kmh`` (km/h),
        ``car_allowed``, ``walk_allowed`` (bool) and optionally ``oneway`` (1 = car only along the
        digitised direction, -1 = only against it, 0 = both; default 0) and ``entry_allowed``
        (bool, default ``True``: whether a point beside the road may join it anywhere).  Any CRS;
        it is reprojected to EPSG:5514.
    snap_tolerance_m : float, default 1.0
        Merge distance for line ends, metres (0 = identical coordinates only).
    main_component_share : float, default 0.05
        See :attr:`RoadGraph.main_component_share`.
    source : str
        File name for messages.

    Returns
    -------
    RoadGraph
    """
    geo = lines.geometry
    if geo.crs is not None and not geo.crs.equals(CRS):
        lines = lines.to_crs(CRS)
    lines = lines[~(lines.geometry.isna() | lines.geometry.is_empty)]
    lines = lines.explode(index_parts=False, ignore_index=True)
    n_lines = len(lines)

    def col(name: str, default: Any) -> np.ndarray:
        if name in lines.columns:
            return lines[name].to_numpy()
        return np.full(n_lines, default)

    car_speed = pd.to_numeric(pd.Series(col("speed_car_kmh", np.nan)), errors="coerce").to_numpy(float)
    walk_speed = pd.to_numeric(pd.Series(col("speed_walk_kmh", np.nan)), errors="coerce").to_numpy(float)
    car_ok = col("car_allowed", True).astype(bool) & np.isfinite(car_speed) & (car_speed > 0)
    walk_ok = col("walk_allowed", True).astype(bool) & np.isfinite(walk_speed) & (walk_speed > 0)
    oneway = pd.to_numeric(pd.Series(col("oneway", 0)), errors="coerce").fillna(0).to_numpy().astype(np.int8)
    entry = col("entry_allowed", True).astype(bool)

    coords, line_of = shapely.get_coordinates(lines.geometry.values, return_index=True)
    if coords.shape[0] == 0:
        empty = sparse.csr_array((0, 0))
        z = np.zeros(0)
        return RoadGraph(z, z, empty, empty, empty, empty, z.astype(np.int32), z.astype(np.int32),
                         z.astype(bool), z.astype(bool), main_component_share, snap_tolerance_m, source)

    # 1. identical coordinates -> one node
    uniq, inv = np.unique(coords, axis=0, return_inverse=True)
    inv = inv.ravel()
    first = np.r_[True, line_of[1:] != line_of[:-1]]
    last = np.r_[line_of[1:] != line_of[:-1], True]
    # 2. line ends within the tolerance of any vertex -> one node (union-find by components)
    if snap_tolerance_m and snap_tolerance_m > 0 and uniq.shape[0] > 1:
        is_end = np.zeros(uniq.shape[0], dtype=bool)
        is_end[inv[first | last]] = True
        pairs = cKDTree(uniq).query_pairs(float(snap_tolerance_m), output_type="ndarray")
        if pairs.size:
            pairs = pairs[is_end[pairs[:, 0]] | is_end[pairs[:, 1]]]
        if pairs.size:
            m = uniq.shape[0]
            link = sparse.coo_array(
                (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(m, m)
            ).tocsr()
            _, group = connected_components(link, directed=False)
            cnt = np.bincount(group)
            nodes_xy = np.column_stack(
                [np.bincount(group, weights=uniq[:, 0]) / cnt, np.bincount(group, weights=uniq[:, 1]) / cnt]
            )
            node_of_vertex = group[inv]
        else:
            nodes_xy, node_of_vertex = uniq, inv
    else:
        nodes_xy, node_of_vertex = uniq, inv
    n = nodes_xy.shape[0]

    # 3. edges between consecutive vertices of the same line
    same = line_of[1:] == line_of[:-1]
    a = node_of_vertex[:-1][same].astype(np.int64)
    b = node_of_vertex[1:][same].astype(np.int64)
    li = line_of[:-1][same]
    seg_km = np.hypot(*(coords[1:][same] - coords[:-1][same]).T) / 1000.0
    keep = (a != b) & (seg_km > 0)
    a, b, li, seg_km = a[keep], b[keep], li[keep], seg_km[keep]

    # car: directed by oneway
    c = car_ok[li]
    ow = oneway[li]
    fwd = c & (ow >= 0)
    bwd = c & (ow <= 0)
    cu = np.r_[a[fwd], b[bwd]]
    cv = np.r_[b[fwd], a[bwd]]
    ckm = np.r_[seg_km[fwd], seg_km[bwd]]
    cmin = ckm / np.r_[car_speed[li][fwd], car_speed[li][bwd]] * 60.0
    cu, cv, cmin, ckm = _fastest_unique(cu, cv, cmin, ckm)
    car_min, car_km = _csr(n, cu, cv, cmin, ckm)

    w = walk_ok[li]
    wu = np.r_[a[w], b[w]]
    wv = np.r_[b[w], a[w]]
    wkm = np.r_[seg_km[w], seg_km[w]]
    wmin = wkm / np.r_[walk_speed[li][w], walk_speed[li][w]] * 60.0
    wu, wv, wmin, wkm = _fastest_unique(wu, wv, wmin, wkm)
    walk_min, walk_km = _csr(n, wu, wv, wmin, wkm)

    # entry nodes: touch at least one edge of that mode whose line may be joined from beside it
    car_entry = np.zeros(n, dtype=bool)
    ce = c & entry[li]
    car_entry[a[ce]] = True
    car_entry[b[ce]] = True
    walk_entry = np.zeros(n, dtype=bool)
    walk_entry[a[w]] = True
    walk_entry[b[w]] = True

    return RoadGraph(
        x=nodes_xy[:, 0].astype(float),
        y=nodes_xy[:, 1].astype(float),
        car_min=car_min,
        walk_min=walk_min,
        car_km=car_km,
        walk_km=walk_km,
        car_component=_components(car_min, directed=True),
        walk_component=_components(walk_min, directed=False),
        car_entry=car_entry,
        walk_entry=walk_entry,
        main_component_share=float(main_component_share),
        snap_tolerance_m=float(snap_tolerance_m or 0.0),
        source=str(source),
    )


# ------------------------------------------------------------------------------------------
# route lengths along the fastest-path tree (vectorised pointer doubling)
# ------------------------------------------------------------------------------------------


def _tree_lengths(graph: RoadGraph, mode: Mode, dist: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Length (km) of the fastest route to every node, summed along the predecessor tree.

    ``pred[r, v]`` is the node before ``v`` on the fastest route from the source of row ``r``
    (``< 0`` at the source and at unreachable nodes).  Pointer doubling ("list ranking") adds
    the edge lengths of all ancestors in ``O(log depth)`` vectorised steps, so no Python loop
    runs over nodes or paths.
    """
    k, n = pred.shape
    has = pred >= 0
    rows, cols = np.nonzero(has)
    acc = np.zeros(k * n, dtype=float)
    flat = rows.astype(np.int64) * n + cols
    acc[flat] = graph._edge_values(mode, "km", pred[rows, cols], cols)
    anc = np.full(k * n, -1, dtype=np.int64)
    anc[flat] = rows.astype(np.int64) * n + pred[rows, cols]
    active = flat
    while active.size:
        up = anc[active]
        acc[active] += acc[up]  # right-hand sides are evaluated before the writes: a synchronous step
        nxt = anc[up]
        anc[active] = nxt
        active = active[nxt >= 0]
    out = acc.reshape(k, n)
    out[~np.isfinite(dist)] = np.nan
    return out


# ------------------------------------------------------------------------------------------
# travel matrices
# ------------------------------------------------------------------------------------------


@dataclass(eq=False)
class TravelMatrix:
    """Travel times and route lengths from origins (rows) to destinations (columns).

    Attributes
    ----------
    minutes : ndarray of float, shape (n_origins, n_destinations)
        Travel time in minutes; ``inf`` where the destination cannot be reached (or lies beyond
        ``max_minutes``).
    km : ndarray of float, shape (n_origins, n_destinations)
        Length of that (fastest) route in km, snapping legs included; ``NaN`` where unreachable.
    method : {"road", "estimate"}
        ``"road"`` = fastest route on a road graph, ``"estimate"`` = straight line × detour.
    mode : {"car", "walk"}
    params : dict
        The parameters actually used (speeds in km/h, detour factor, max_minutes, source, …).
    origin_snap_m, dest_snap_m : ndarray of float or None
        Snapping distance (metres) of every origin / destination to its graph node (``"road"``
        only).
    router : Router or None
        The cached router; :meth:`to_points` and :meth:`with_destinations` reuse it.
    """

    minutes: np.ndarray
    km: np.ndarray
    method: Method
    mode: Mode
    params: dict[str, Any]
    origin_snap_m: np.ndarray | None = None
    dest_snap_m: np.ndarray | None = None
    router: Router | None = field(default=None, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_origins, n_destinations)``."""
        return self.minutes.shape  # type: ignore[return-value]

    def nearest(self) -> tuple[np.ndarray, np.ndarray]:
        """Per origin: column index of the fastest destination (-1 if none) and its minutes."""
        if self.minutes.shape[1] == 0:
            n = self.minutes.shape[0]
            return np.full(n, -1), np.full(n, np.inf)
        j = np.argmin(self.minutes, axis=1)
        best = self.minutes[np.arange(self.minutes.shape[0]), j]
        return np.where(np.isfinite(best), j, -1), best

    def to_points(self, dest_xy: Any) -> TravelMatrix:
        """Travel from the same origins to other points (a look-up in the cached router)."""
        if self.router is None:
            raise ValueError("this TravelMatrix carries no router")
        return self.router.matrix(dest_xy)

    def with_destinations(self, dest_xy: Any, at: int | Sequence[int] | None = None) -> TravelMatrix:
        """A copy with destination columns added (``at=None``) or replaced at the indices ``at``.

        This is the what-if update: a new or moved site costs a look-up in the cached per-origin
        distances, not a new shortest-path search.
        """
        new = self.to_points(dest_xy)
        minutes, km = self.minutes.copy(), self.km.copy()
        snap = None if self.dest_snap_m is None else self.dest_snap_m.copy()
        if at is None:
            minutes = np.hstack([minutes, new.minutes])
            km = np.hstack([km, new.km])
            if snap is not None and new.dest_snap_m is not None:
                snap = np.r_[snap, new.dest_snap_m]
        else:
            idx = np.atleast_1d(np.asarray(at, dtype=int))
            if idx.size != new.minutes.shape[1]:
                raise ValueError("`at` must give one column per new destination")
            minutes[:, idx] = new.minutes
            km[:, idx] = new.km
            if snap is not None and new.dest_snap_m is not None:
                snap[idx] = new.dest_snap_m
        return TravelMatrix(minutes, km, self.method, self.mode, dict(self.params),
                            self.origin_snap_m, snap, self.router)


class Router:
    """Fastest routes from a fixed set of origins, cached for cheap repeated look-ups.

    On construction one multi-source :func:`~scipy.sparse.csgraph.dijkstra` runs from the
    (distinct) nodes the origins snap to; the travel time and fastest-route length to *every*
    node are kept (``float32``, i.e. 8 bytes per origin node and graph node: 24 obce × 100 000
    nodes = 19 MB).  :meth:`matrix` then answers any set of destinations with a look-up.  Without
    a graph it applies the straight-line estimate.

    Parameters
    ----------
    origins_xy : array-like, shape (n, 2), or GeoSeries/GeoDataFrame
        Origins, EPSG:5514 metres (geometries are reprojected; polygons use a representative
        point).
    graph : RoadGraph or None
        Road graph; ``None`` selects the ``"estimate"`` method.
    mode : {"car", "walk"}
    detour_factor : float, default 1.3
        Road / straight-line distance ratio (``"estimate"`` only).
    speed_kmh : float, optional
        Average speed on the road distance (``"estimate"`` only), default
        :data:`ESTIMATE_SPEED_KMH`.
    access_speed_kmh : float, optional
        Speed of the straight snapping legs and of direct short trips (``"road"`` only),
        default :data:`ACCESS_SPEED_KMH`.
    max_minutes : float, optional
        Routes longer than this are reported as unreachable (``inf``); the search stops there,
        which makes it much faster on a large graph.
    """

    def __init__(
        self,
        origins_xy: Any,
        graph: RoadGraph | None = None,
        mode: str = "car",
        *,
        detour_factor: float | None = DEFAULT_DETOUR_FACTOR,
        speed_kmh: float | None = None,
        access_speed_kmh: float | None = None,
        max_minutes: float | None = None,
    ) -> None:
        self.mode: Mode = _check_mode(mode)
        self.graph = graph
        self.origins_xy = _as_xy(origins_xy)
        self.max_minutes = None if max_minutes is None else _positive("max_minutes", max_minutes, 1.0)
        if graph is None:
            self.method: Method = "estimate"
            self.detour_factor = _detour(detour_factor)
            self.speed_kmh = _positive("speed_kmh", speed_kmh, ESTIMATE_SPEED_KMH[self.mode])
            self.params: dict[str, Any] = {
                "detour_factor": self.detour_factor,
                "speed_kmh": self.speed_kmh,
                "max_minutes": self.max_minutes,
            }
            return
        self.method = "road"
        self.access_speed_kmh = _positive("access_speed_kmh", access_speed_kmh, ACCESS_SPEED_KMH[self.mode])
        self.params = {
            "access_speed_kmh": self.access_speed_kmh,
            "max_minutes": self.max_minutes,
            "snap_tolerance_m": graph.snap_tolerance_m,
            "source": graph.source,
        }
        nodes, snap_m = graph.nearest_node(self.origins_xy, mode=self.mode)
        self.origin_node = nodes
        self.origin_snap_m = snap_m
        uniq, row = np.unique(nodes, return_inverse=True)
        self._sources = uniq
        self._row = row.ravel()
        self._net_min, self._net_km = self._search(uniq)

    def _search(self, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Network minutes and fastest-route km from each source node to every node (float32)."""
        g = self.graph
        assert g is not None
        n = g.n_nodes
        k = sources.size
        out_min = np.empty((k, n), dtype=np.float32)
        out_km = np.empty((k, n), dtype=np.float32)
        limit = np.inf if self.max_minutes is None else float(self.max_minutes)
        step = max(1, _CHUNK_ELEMENTS // max(n, 1))
        mat = g.minutes(self.mode)
        for s in range(0, k, step):
            idx = sources[s : s + step]
            dist, pred = dijkstra(mat, directed=True, indices=idx, return_predecessors=True, limit=limit)
            dist = np.atleast_2d(dist)
            pred = np.atleast_2d(pred)
            out_min[s : s + step] = dist
            sub = max(1, _DOUBLING_ELEMENTS // max(n, 1))  # smaller blocks stay in cache
            for r in range(0, dist.shape[0], sub):
                out_km[s + r : s + r + sub] = _tree_lengths(g, self.mode, dist[r : r + sub], pred[r : r + sub])
        return out_min, out_km

    def matrix(self, dest_xy: Any) -> TravelMatrix:
        """Travel matrix from the router's origins to ``dest_xy`` (EPSG:5514 metres).

        For the ``"road"`` method: minutes = origin leg + network + destination leg, the legs at
        the access speed along the straight snapping distance.  Two points that are closer to
        each other than the sum of their snapping distances (e.g. a site in the obec itself)
        travel directly, straight at the access speed, when that is faster; km is then the
        straight distance.
        """
        dxy = _as_xy(dest_xy)
        oxy = self.origins_xy
        straight = _straight_km(oxy, dxy)
        if self.method == "estimate":
            km = straight * self.detour_factor
            minutes = km / self.speed_kmh * 60.0
            return self._finish(minutes, km, None, None)
        g = self.graph
        assert g is not None
        dnode, dsnap = g.nearest_node(dxy, mode=self.mode)
        v = self.access_speed_kmh
        net_min = self._net_min[np.ix_(self._row, dnode)].astype(float)
        net_km = self._net_km[np.ix_(self._row, dnode)].astype(float)
        minutes, use_direct = _add_legs(net_min, self.origin_snap_m, dsnap, straight, v)
        km = np.where(use_direct, straight, net_km + (self.origin_snap_m[:, None] + dsnap[None, :]) / 1000.0)
        return self._finish(minutes, km, self.origin_snap_m, dsnap)

    def _finish(self, minutes: np.ndarray, km: np.ndarray, osnap: np.ndarray | None,
                dsnap: np.ndarray | None) -> TravelMatrix:
        bad = ~np.isfinite(minutes)
        if self.max_minutes is not None:
            bad |= minutes > self.max_minutes
        minutes = np.where(bad, np.inf, minutes)
        km = np.where(bad, np.nan, km)
        return TravelMatrix(minutes, km, self.method, self.mode, dict(self.params), osnap, dsnap, self)


def travel_matrix(
    origins_xy: Any,
    dest_xy: Any,
    graph: RoadGraph | None = None,
    mode: str = "car",
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float | None = None,
    access_speed_kmh: float | None = None,
    max_minutes: float | None = None,
) -> TravelMatrix:
    """Travel time (minutes) and route length (km) from every origin to every destination.

    Parameters
    ----------
    origins_xy, dest_xy : array-like, shape (n, 2), or GeoSeries/GeoDataFrame
        Points in EPSG:5514 metres (geometries are reprojected; polygons use a representative
        point).
    graph : RoadGraph, optional
        With a graph the fastest road route is used (``method="road"``): both ends snap to the
        nearest usable node of a main component, the straight snapping legs are added at
        ``access_speed_kmh`` (in minutes and km), and km is the length of the *fastest* route,
        not of the shortest one.  Without a graph (``method="estimate"``):
        straight line × ``detour_factor`` at ``speed_kmh``.
    mode : {"car", "walk"}
    detour_factor : float, default 1.3
        Road / straight-line distance ratio for the estimate.
    speed_kmh : float, optional
        Estimate speed along the road distance, km/h (default car 45, walk 4.5).
    access_speed_kmh : float, optional
        Speed of the snapping legs, km/h (default car 30, walk 4).
    max_minutes : float, optional
        Pairs farther than this (minutes) are ``inf`` / ``NaN``; bounds the road search.

    Returns
    -------
    TravelMatrix
        ``minutes`` and ``km`` of shape ``(n_origins, n_destinations)``, ``method``, ``params``;
        unreachable pairs have ``inf`` minutes and ``NaN`` km.  The matrix keeps its
        :class:`Router` so that :meth:`TravelMatrix.with_destinations` is cheap.

    Examples
    --------
    >>> import numpy as np
    >>> m = travel_matrix(np.array([[0.0, 0.0]]), np.array([[-3000.0, 4000.0]]), mode="walk",
    ...                   detour_factor=1.2, speed_kmh=4.0)
    >>> float(m.km[0, 0]), float(m.minutes[0, 0])
    (6.0, 90.0)
    """
    router = Router(
        origins_xy,
        graph,
        mode,
        detour_factor=detour_factor,
        speed_kmh=speed_kmh,
        access_speed_kmh=access_speed_kmh,
        max_minutes=max_minutes,
    )
    return router.matrix(dest_xy)


def _add_legs(net_min: np.ndarray, osnap_m: np.ndarray, dsnap_m: np.ndarray, straight_km: np.ndarray,
              speed_kmh: float) -> tuple[np.ndarray, np.ndarray]:
    """Network minutes plus the straight snapping legs at ``speed_kmh``.

    Points closer to each other than to the network (e.g. a site in the same village) travel
    directly at the access speed instead of driving to the graph and back.  Returns the minutes
    and the mask of such direct trips.
    """
    legs_km = (osnap_m[:, None] + dsnap_m[None, :]) / 1000.0
    minutes = net_min + legs_km / speed_kmh * 60.0
    direct = straight_km / speed_kmh * 60.0
    use_direct = (straight_km <= legs_km) & (direct < minutes)
    return np.where(use_direct, direct, minutes), use_direct


def minutes_to_points(
    origins_xy: Any,
    dest_xy: Any,
    graph: RoadGraph | None = None,
    mode: str = "car",
    *,
    detour_factor: float | None = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float | None = None,
    access_speed_kmh: float | None = None,
    max_minutes: float | None = None,
) -> np.ndarray:
    """Travel minutes from many origins to a few destinations, without caching per origin.

    The same travel rules as :class:`Router` (snapping legs, direct trips, estimate), but the
    search runs backwards from each destination on the reversed graph, bounded by
    ``max_minutes``: the cost grows with the number of destinations, not of origins.  Used for
    the population around a district that competes for its sites (E2SFCA step 1).

    Returns
    -------
    ndarray of float, shape (n_origins, n_destinations)
        Minutes; ``inf`` where unreachable or beyond ``max_minutes``.
    """
    oxy = _as_xy(origins_xy)
    dxy = _as_xy(dest_xy)
    if graph is None:
        mode_ = _check_mode(mode)
        detour = _detour(detour_factor)
        speed = _positive("speed_kmh", speed_kmh, ESTIMATE_SPEED_KMH[mode_])
        minutes = _straight_km(oxy, dxy) * detour / speed * 60.0
    else:
        mode_ = _check_mode(mode)
        v = _positive("access_speed_kmh", access_speed_kmh, ACCESS_SPEED_KMH[mode_])
        onode, osnap = graph.nearest_node(oxy, mode=mode_)
        dnode, dsnap = graph.nearest_node(dxy, mode=mode_)
        uniq, col = np.unique(dnode, return_inverse=True)
        limit = np.inf if max_minutes is None else float(max_minutes)
        net = np.empty((oxy.shape[0], uniq.size), dtype=float)
        mat_t = graph._transposed(mode_)
        step = max(1, _CHUNK_ELEMENTS // max(graph.n_nodes, 1))
        for k in range(0, uniq.size, step):
            dist = np.atleast_2d(dijkstra(mat_t, directed=True, indices=uniq[k:k + step], limit=limit))
            net[:, k:k + step] = dist[:, onode].T
        minutes, _ = _add_legs(net[:, col.ravel()], osnap, dsnap, _straight_km(oxy, dxy), v)
    bad = ~np.isfinite(minutes)
    if max_minutes is not None:
        bad |= minutes > max_minutes
    return np.where(bad, np.inf, minutes)


def travel_to_points(source: TravelMatrix | Router, new_dest_xy: Any) -> TravelMatrix:
    """Travel from the origins of an existing matrix (or router) to new or moved points.

    Reuses the cached per-origin shortest-path results: the cost is a snap and a look-up, not
    a new search.  Use :meth:`TravelMatrix.with_destinations` to splice the columns into the
    original matrix.

    Parameters
    ----------
    source : TravelMatrix or Router
    new_dest_xy : array-like, shape (m, 2), or point geometries
        EPSG:5514 metres.

    Returns
    -------
    TravelMatrix
        Shape ``(n_origins, m)``, same method and parameters as ``source``.
    """
    router = source.router if isinstance(source, TravelMatrix) else source
    if router is None:
        raise ValueError("the matrix carries no router")
    return router.matrix(new_dest_xy)


# ------------------------------------------------------------------------------------------
# isochrones
# ------------------------------------------------------------------------------------------


def _rings_to_geometry(points: list[np.ndarray], offsets: list[np.ndarray], min_hole_m2: float) -> shapely.Geometry:
    """Polygons from contourpy ``OuterOffset`` output (first ring outer, the rest holes)."""
    polys = []
    for pts, off in zip(points, offsets):
        rings = [pts[a:b] for a, b in zip(off[:-1], off[1:]) if b - a >= 4]
        if not rings:
            continue
        holes = [r for r in rings[1:] if shapely.Polygon(r).area >= min_hole_m2]
        polys.append(shapely.Polygon(rings[0], holes))
    if not polys:
        return shapely.Polygon()
    geom = shapely.make_valid(shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0])
    return shapely.union_all(shapely.get_parts(geom)) if geom.geom_type == "GeometryCollection" else geom


def isochrones(
    graph: RoadGraph | None,
    site_xy: Any,
    minutes: Iterable[float] = (15, 30, 45),
    mode: str = "car",
    *,
    direction: str = "to_site",
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float | None = None,
    access_speed_kmh: float | None = None,
    resolution_m: float = 50.0,
    max_cells: int = 1_000_000,
) -> gpd.GeoDataFrame:
    """Areas from which a site is reached within T minutes, one polygon row per T (EPSG:5514).

    With a graph the area is the contour of a *travel-time surface* that follows the rules of
    :func:`travel_matrix` exactly: one search from the site gives the network time of every
    node; a point's time is its straight leg to its nearest usable node at the access speed plus
    that node's time (or the direct straight trip when the point is close to the site).  The
    surface is evaluated on a grid (``resolution_m``) and contoured with marching squares
    (contourpy), so the map and the travel-time table agree up to about one grid cell: an obec
    shown inside the 30-minute area has at most ~30 minutes in the table.  The areas follow the
    roads (wide where they are fast), leave out land whose nearest road is slow to reach (across
    a river without a bridge, beside a motorway without an exit), and keep holes larger than four
    grid cells.

    Without a graph: a circle of radius ``speed × T / detour`` (the ``"estimate"`` method).

    Parameters
    ----------
    graph : RoadGraph or None
    site_xy : (x, y) or point geometry
        The site, EPSG:5514 metres.
    minutes : iterable of float, default (15, 30, 45)
        Thresholds T (minutes); one row each.  Rows are nested (the 30-minute area contains the
        15-minute one): draw the largest first.
    mode : {"car", "walk"}
    direction : {"to_site", "from_site"}, default "to_site"
        ``"to_site"``: clients travel to the site (ambulatory and residential services) — the
        search runs on the reversed car graph, so one-way streets are used in the right
        direction, as in ``travel_matrix(points, [site])``; ``"from_site"``: staff travel from
        the site (field services), as in ``travel_matrix([site], points)``.  Identical on foot.
    detour_factor, speed_kmh : float
        For the estimate (no graph); defaults as in :func:`travel_matrix`.
    access_speed_kmh : float, optional
        Speed of the snapping legs, km/h (default car 30, walk 4).
    resolution_m : float, default 50
        Grid cell, metres; coarsened automatically so that the grid has at most ``max_cells``.
    max_cells : int, default 1 000 000
        Bound on the grid size (memory ~50 bytes per cell).

    Returns
    -------
    GeoDataFrame
        Columns ``minutes``, ``mode``, ``method``, ``direction``, ``geometry`` (Polygon or
        MultiPolygon, empty when nothing is reached), CRS EPSG:5514, rows in increasing
        ``minutes``.
    """
    mode = _check_mode(mode)
    if direction not in ("to_site", "from_site"):
        raise DataError.single(None, None, None, "err.reach_bad_direction", value=direction)
    site = _as_xy(site_xy)
    if site.shape[0] != 1:
        raise DataError.single(None, None, None, "err.reach_bad_points", detail="one site expected")
    sx, sy = float(site[0, 0]), float(site[0, 1])
    ts = sorted({_positive("minutes", m, 1.0) for m in minutes})
    rows: list[dict[str, Any]] = []

    if graph is None:
        detour = _detour(detour_factor)
        speed = _positive("speed_kmh", speed_kmh, ESTIMATE_SPEED_KMH[mode])
        for t in ts:
            radius = speed * t / 60.0 / detour * 1000.0
            rows.append({"minutes": t, "mode": mode, "method": "estimate", "direction": direction,
                         "geometry": shapely.Point(sx, sy).buffer(radius, quad_segs=32)})
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)

    import contourpy  # a dependency of matplotlib; only isochrones need it

    v_acc = _positive("access_speed_kmh", access_speed_kmh, ACCESS_SPEED_KMH[mode])
    res = _positive("resolution_m", resolution_m, 50.0)
    m_per_min = v_acc * 1000.0 / 60.0
    node, snap = graph.nearest_node(site, mode=mode)
    snap_s = float(snap[0])
    leg = snap_s / m_per_min
    mat = graph.minutes(mode) if (direction == "from_site" or mode == "walk") else graph._transposed(mode)
    tmax = max(ts)
    dist = np.asarray(dijkstra(mat, directed=True, indices=int(node[0]), limit=max(tmax - leg, 0.0)), float) + leg

    # extent: every point within tmax is within (tmax - t_node) * access speed of a reached node,
    # or within tmax * access speed of the site (direct trips)
    reached = np.flatnonzero(graph.snappable(mode) & (dist < tmax))
    r = (tmax - dist[reached]) * m_per_min
    r_site = tmax * m_per_min
    xmin = min(float(np.min(graph.x[reached] - r, initial=np.inf)), sx - r_site)
    xmax = max(float(np.max(graph.x[reached] + r, initial=-np.inf)), sx + r_site)
    ymin = min(float(np.min(graph.y[reached] - r, initial=np.inf)), sy - r_site)
    ymax = max(float(np.max(graph.y[reached] + r, initial=-np.inf)), sy + r_site)
    res = max(res, float(np.sqrt((xmax - xmin) * (ymax - ymin) / max(int(max_cells), 1))))
    xs = np.arange(xmin - 2 * res, xmax + 2 * res, res)
    ys = np.arange(ymin - 2 * res, ymax + 2 * res, res)
    gx, gy = np.meshgrid(xs, ys)
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    cnode, cdist = graph.nearest_node(cells, mode=mode)
    tgrid = dist[cnode] + cdist / m_per_min
    straight = np.hypot(cells[:, 0] - sx, cells[:, 1] - sy)
    direct = straight <= cdist + snap_s
    tgrid = np.where(direct, np.minimum(tgrid, straight / m_per_min), tgrid)
    z = np.where(np.isfinite(tgrid), tgrid, 1e9).reshape(gy.shape)
    gen = contourpy.contour_generator(xs, ys, z, fill_type=contourpy.FillType.OuterOffset)
    for t in ts:
        pts, offs = gen.filled(-1.0, float(t))
        geom = _rings_to_geometry(pts, offs, 4.0 * res * res)
        rows.append({"minutes": t, "mode": mode, "method": "road", "direction": direction, "geometry": geom})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
