"""Reading a GTFS timetable feed (zip or folder) with validation by file, row and column.

The tables are read as text with pandas (C parser), checked, and handed to
:class:`gtfs_kit.Feed` (the maintained GTFS library this module builds on: it owns the calendar
rules, :func:`gtfs_kit.trips.get_active_services`, and the feed's dates).  What the router needs
is kept as numpy arrays in :class:`TransitFeed`:

* stops with coordinates in EPSG:5514 (metres);
* stop times sorted by trip and ``stop_sequence``, times in **seconds after midnight of the
  service day** (``25:10:00`` is 90 600 s: a trip after midnight belongs to the day before);
  intermediate stops without times are interpolated along the trip;
* which trips run on which day (calendar and calendar_dates exceptions, through gtfs_kit).

Every problem is reported with the file inside the feed (``jr.zip/stop_times.txt``), the row as
a spreadsheet shows it (header = 1) and the column; all errors of the feed come at once
(:class:`~coverage_app.errors.DataError`).  Stops far outside the district are a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer
from scipy.spatial import cKDTree

from coverage_app.errors import DataError, Report
from coverage_app.i18n import register

__all__ = ["TransitFeed", "feed_texts", "read_gtfs", "REQUIRED_FILES", "MAX_FEED_BYTES"]

register({
    "err.gtfs_not_feed": {
        "cs": "není to jízdní řád GTFS (zip nebo složka se soubory stops.txt, routes.txt, trips.txt, "
              "stop_times.txt a calendar.txt nebo calendar_dates.txt)",
        "en": "this is not a GTFS feed (a zip or folder with stops.txt, routes.txt, trips.txt, stop_times.txt "
              "and calendar.txt or calendar_dates.txt)",
    },
    "err.gtfs_missing_file": {"cs": "v jízdním řádu chybí soubor {name}", "en": "the feed has no file {name}"},
    "err.gtfs_no_calendar": {
        "cs": "v jízdním řádu chybí kalendář (calendar.txt nebo calendar_dates.txt): nelze určit, kdy spoje jedou",
        "en": "the feed has no calendar (calendar.txt or calendar_dates.txt): it cannot tell when trips run",
    },
    "err.gtfs_csv": {"cs": "soubor nelze přečíst jako CSV: {detail}", "en": "the file cannot be read as CSV: {detail}"},
    "err.gtfs_row_width": {
        "cs": "řádek má {n} hodnot, hlavička {width}",
        "en": "the row has {n} values, the header {width}",
    },
    "err.gtfs_time": {
        "cs": "„{value}“ není čas ve tvaru HH:MM:SS (po půlnoci může být i 25:10:00)",
        "en": '"{value}" is not a time HH:MM:SS (after midnight it may be 25:10:00)',
    },
    "err.gtfs_date": {"cs": "„{value}“ není datum ve tvaru RRRRMMDD", "en": '"{value}" is not a date YYYYMMDD'},
    "err.gtfs_number": {"cs": "„{value}“ není číslo", "en": '"{value}" is not a number'},
    "err.gtfs_flag": {"cs": "„{value}“ není 0 ani 1", "en": '"{value}" is neither 0 nor 1'},
    "err.gtfs_exception": {"cs": "„{value}“ není 1 (spoj jede navíc) ani 2 (nejede)",
                           "en": '"{value}" is neither 1 (added) nor 2 (removed)'},
    "err.gtfs_latlon": {"cs": "souřadnice {value} je mimo rozsah", "en": "the coordinate {value} is out of range"},
    "err.gtfs_unknown_ref": {"cs": "„{value}“ není v souboru {target}", "en": '"{value}" is not in the file {target}'},
    "err.gtfs_duplicate": {"cs": "„{value}“ se opakuje (poprvé na řádku {first})",
                           "en": '"{value}" is repeated (first on row {first})'},
    "err.gtfs_order": {
        "cs": "čas {value} je dřív než na předchozí zastávce spoje {trip}",
        "en": "the time {value} is earlier than at the trip's previous stop ({trip})",
    },
    "err.gtfs_dep_before_arr": {"cs": "odjezd {dep} je dřív než příjezd {arr}",
                                "en": "the departure {dep} is earlier than the arrival {arr}"},
    "err.gtfs_end_times": {
        "cs": "první a poslední zastávka spoje {trip} musí mít čas",
        "en": "the first and last stop of trip {trip} must have a time",
    },
    "err.gtfs_dates_order": {"cs": "konec platnosti {end} je před začátkem {start}",
                             "en": "the end date {end} is before the start date {start}"},
    "err.gtfs_more": {"cs": "a dalších {n} chyb stejného druhu", "en": "and {n} more errors of the same kind"},
    "err.gtfs_pickup": {"cs": "„{value}“ není 0, 1, 2 ani 3", "en": '"{value}" is not 0, 1, 2 or 3'},
    "err.gtfs_no_stop_times": {"cs": "jízdní řád nemá žádné časy zastavení (stop_times.txt je prázdný)",
                               "en": "the feed has no stop times (stop_times.txt is empty)"},
    "err.gtfs_encoding": {
        "cs": "soubor není v kódování UTF-8, které GTFS předepisuje (chybný bajt na řádku {line}); uložte jej v UTF-8",
        "en": "the file is not UTF-8, which GTFS requires (bad byte on line {line}); save it as UTF-8",
    },
    "err.gtfs_too_big": {"cs": "jízdní řád je po rozbalení větší než {limit} MB",
                         "en": "the feed is larger than {limit} MB when unpacked"},
    "warn.gtfs_stops_outside": {
        "cs": "{n} zastávek leží daleko mimo řešené území (např. {names}); pro výpočet nevadí",
        "en": "{n} stops lie far outside the district (e.g. {names}); they do no harm",
    },
    "warn.gtfs_frequencies": {
        "cs": "frequencies.txt: spoje zadané intervalem byly rozepsány na jednotlivé jízdy ({n})",
        "en": "frequencies.txt: trips given by headway were expanded into single trips ({n})",
    },
    "warn.gtfs_no_coords": {
        "cs": "zastávka bez souřadnic (typ {value}) se nepoužije",
        "en": "a stop without coordinates (type {value}) is not used",
    },
})

#: Files a usable feed must have (plus calendar.txt or calendar_dates.txt).
REQUIRED_FILES: tuple[str, ...] = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
_OPTIONAL_FILES: tuple[str, ...] = ("agency.txt", "calendar.txt", "calendar_dates.txt", "feed_info.txt",
                                    "frequencies.txt")
_REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "stops.txt": ("stop_id",),
    "routes.txt": ("route_id",),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence"),
    "calendar.txt": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                     "start_date", "end_date"),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
}
#: Largest unpacked feed read (bytes); the national feed of all Czech lines is about 1 GB.
MAX_FEED_BYTES = 2_000_000_000
#: Problems of one kind listed before the rest is counted.
_MAX_LISTED = 20
_TIME = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class TransitFeed:
    """A validated GTFS feed, ready for :class:`coverage_app.transit.router.TransitRouter`.

    Attributes
    ----------
    name : str
        File or folder name of the feed.
    gtfs : gtfs_kit.Feed
        The feed's tables as text (gtfs_kit's model; calendar rules come from gtfs_kit).
    stop_ids, stop_names : ndarray of str
        Stops with coordinates, in this order everywhere.
    stop_xy : ndarray, shape (n_stops, 2)
        Stop positions, EPSG:5514 metres.
    trip_ids, trip_service, trip_route : ndarray of str
        Trips, their service and route ids.
    st_trip, st_stop : ndarray of int
        Stop times (sorted by trip, then ``stop_sequence``): trip index and stop index.
    st_arr, st_dep : ndarray of int
        Arrival and departure, seconds after midnight of the service day (may exceed 86 400).
    st_pickup, st_dropoff : ndarray of bool
        Boarding / alighting allowed (``pickup_type``/``drop_off_type`` other than 1).
    valid_from, valid_to : date or None
        First and last day of service in the feed.
    agencies : tuple of str
        Agency names (for credits).
    warnings : Report
    """

    name: str
    gtfs: object
    stop_ids: np.ndarray
    stop_names: np.ndarray
    stop_xy: np.ndarray
    trip_ids: np.ndarray
    trip_service: np.ndarray
    trip_route: np.ndarray
    st_trip: np.ndarray
    st_stop: np.ndarray
    st_arr: np.ndarray
    st_dep: np.ndarray
    st_pickup: np.ndarray
    st_dropoff: np.ndarray
    valid_from: dt.date | None
    valid_to: dt.date | None
    agencies: tuple[str, ...] = ()
    warnings: Report = field(default_factory=Report)

    @functools.cached_property
    def stop_tree(self) -> cKDTree:
        """Spatial index of the stops (metres), made once."""
        return cKDTree(self.stop_xy)

    @property
    def n_stops(self) -> int:
        return len(self.stop_ids)

    @property
    def n_stop_times(self) -> int:
        return len(self.st_trip)

    def active_trips(self, day: dt.date) -> np.ndarray:
        """Boolean mask over trips running on ``day`` (calendar and its exceptions, via gtfs_kit)."""
        from gtfs_kit.trips import get_active_services

        active = set(get_active_services(self.gtfs, day.strftime("%Y%m%d")))
        return np.isin(self.trip_service, list(active)) if active else np.zeros(len(self.trip_ids), dtype=bool)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies within the feed's validity."""
        return self.valid_from is not None and self.valid_to is not None and self.valid_from <= day <= self.valid_to

    def first_working_day(self, today: dt.date | None = None) -> dt.date | None:
        """The first Tuesday of the feed's validity from ``today`` on (or from its start when
        ``today`` is outside it) on which trips run: the default day of an analysis."""
        if self.valid_from is None or self.valid_to is None:
            return None
        start = today if today is not None and self.covers(today) else self.valid_from
        day = start + dt.timedelta(days=(1 - start.weekday()) % 7)
        while day <= self.valid_to:
            if self.active_trips(day).any():
                return day
            day += dt.timedelta(days=7)
        return None


# ---------------------------------------------------------------------------------------------
# Reading the files
# ---------------------------------------------------------------------------------------------
class _Source:
    """The feed's files in a zip, a folder or a mapping of file name → text."""

    def __init__(self, path: Path, texts: Mapping[str, str] | None = None):
        self.path = path
        self.label = path.name
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, str] = {}
        self.texts = dict(texts) if texts is not None else None
        if self.texts is not None:
            self.members = {name: name for name in self.texts}
        elif path.is_dir():
            self.members = {p.name: str(p) for p in path.iterdir() if p.is_file() and p.suffix == ".txt"}
        else:
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError):
                raise DataError.single(path.name, None, None, "err.gtfs_not_feed") from None
            total = 0
            for info in self.zip.infolist():
                base = info.filename.rsplit("/", 1)[-1]
                if base.endswith(".txt") and not info.is_dir():
                    self.members.setdefault(base, info.filename)
                    total += info.file_size
            if total > MAX_FEED_BYTES:
                raise DataError.single(path.name, None, None, "err.gtfs_too_big", limit=MAX_FEED_BYTES // 1_000_000)

    def name(self, member: str) -> str:
        return f"{self.label}/{member}"

    def _long_rows(self, member: str, text: str) -> None:
        """Refuse the first row with more values than the header (empty extra cells are allowed)."""
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        for rec in reader:
            if len(rec) > len(header) and any(c.strip() for c in rec[len(header):]):
                raise DataError.single(self.name(member), reader.line_num, None, "err.gtfs_row_width",
                                       n=len(rec), width=len(header))

    def text(self, member: str) -> str:
        """A member's text (UTF-8, byte-order mark dropped)."""
        if self.texts is not None:
            return self.texts[member].lstrip("\ufeff")
        try:
            raw = self.zip.read(self.members[member]) if self.zip else Path(self.members[member]).read_bytes()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise DataError.single(self.name(member), None, None, "err.unreadable", detail=str(exc)) from None
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise DataError.single(self.name(member), None, None, "err.encoding_utf16")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError.single(self.name(member), line, None, "err.gtfs_encoding", line=line) from None

    def read(self, member: str) -> pd.DataFrame | None:
        """A table as text cells (``""`` for empty), with ``_row`` = spreadsheet row; ``None`` when absent."""
        if member not in self.members:
            return None
        text = self.text(member)
        if not text.strip():
            return None
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                                    skipinitialspace=True, index_col=False)
        except pd.errors.ParserError as exc:
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if m:
                raise DataError.single(self.name(member), int(m.group(2)), None, "err.gtfs_row_width",
                                       n=int(m.group(3)), width=int(m.group(1))) from None
            raise DataError.single(self.name(member), None, None, "err.gtfs_csv", detail=str(exc)) from None
        if caught:  # rows longer than the header: trailing empty cells are fine, values are not
            self._long_rows(member, text)
        frame.columns = [str(c).strip() for c in frame.columns]
        frame["_row"] = np.arange(len(frame)) + 2
        blank = (frame.drop(columns="_row") == "").all(axis=1)
        return frame.loc[~blank].reset_index(drop=True)


class _Checks:
    """Collects problems, listing at most :data:`_MAX_LISTED` of one kind per column."""

    def __init__(self) -> None:
        self.report = Report()

    def bad(self, file: str, frame: pd.DataFrame, mask: np.ndarray, column: str | None, code: str,
            **params: object) -> None:
        idx = np.flatnonzero(mask)
        for i in idx[:_MAX_LISTED]:
            values = {k: (v[i] if isinstance(v, np.ndarray) else v) for k, v in params.items()}
            if column is not None and "value" not in values:
                values["value"] = frame[column].iloc[i]
            self.report.add(file, int(frame["_row"].iloc[i]), column, code, **values)
        if len(idx) > _MAX_LISTED:
            self.report.add(file, None, column, "err.gtfs_more", n=int(len(idx) - _MAX_LISTED))


def _seconds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``H:MM:SS`` texts → seconds (NaN where empty) and a mask of malformed values."""
    parts = values.str.extract(_TIME)
    ok = parts[0].notna().to_numpy()
    secs = (parts[0].astype(float) * 3600 + parts[1].astype(float) * 60 + parts[2].astype(float)).to_numpy()
    empty = (values.str.strip() == "").to_numpy()
    return np.where(ok, secs, np.nan), ~ok & ~empty


def _dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    parsed = pd.to_datetime(values.str.strip(), format="%Y%m%d", errors="coerce")
    return parsed, parsed.isna().to_numpy()


def _required(src: _Source, chk: _Checks, frames: dict[str, pd.DataFrame | None]) -> None:
    for member in REQUIRED_FILES:
        if frames.get(member) is None:
            chk.report.add(src.label, None, None, "err.gtfs_missing_file", name=member)
    if frames.get("calendar.txt") is None and frames.get("calendar_dates.txt") is None:
        chk.report.add(src.label, None, None, "err.gtfs_no_calendar")
    for member, cols in _REQUIRED_COLUMNS.items():
        frame = frames.get(member)
        if frame is None:
            continue
        for c in cols:
            if c not in frame.columns:
                chk.report.add(src.name(member), 1, c, "err.missing_column", column=c)
        if member == "stop_times.txt" and not {"arrival_time", "departure_time"} & set(frame.columns):
            chk.report.add(src.name(member), 1, None, "err.missing_one_of", columns="arrival_time, departure_time")
    chk.report.raise_if_errors()


def _unique(chk: _Checks, file: str, frame: pd.DataFrame, column: str) -> None:
    dup = frame[column].duplicated(keep="first").to_numpy()
    if dup.any():
        first = frame.drop_duplicates(column).set_index(column)["_row"]
        chk.bad(file, frame, dup, column, "err.gtfs_duplicate",
                first=first.reindex(frame[column]).to_numpy())


def _refs(chk: _Checks, file: str, frame: pd.DataFrame, column: str, known: Iterable[str], target: str) -> None:
    missing = ~frame[column].isin(set(known)).to_numpy()
    if missing.any():
        chk.bad(file, frame, missing, column, "err.gtfs_unknown_ref", target=target)


def _check_stops(src: _Source, chk: _Checks, stops: pd.DataFrame, warnings: Report) -> pd.DataFrame:
    """Stops with numeric coordinates in range (stations' entrances and nodes without them are dropped)."""
    file = src.name("stops.txt")
    _unique(chk, file, stops, "stop_id")
    for c in ("stop_lat", "stop_lon"):
        if c not in stops.columns:
            stops[c] = ""
    loc_type = stops["location_type"].str.strip() if "location_type" in stops.columns else pd.Series("", index=stops.index)
    no_coords = (stops["stop_lat"].str.strip() == "") & (stops["stop_lon"].str.strip() == "")
    optional = loc_type.isin(["3", "4"]).to_numpy()
    for i in np.flatnonzero(no_coords.to_numpy() & optional)[:_MAX_LISTED]:
        warnings.add(file, int(stops["_row"].iloc[i]), "stop_lat", "warn.gtfs_no_coords", severity="warning",
                     value=loc_type.iloc[i])
    for c, limit in (("stop_lat", 90.0), ("stop_lon", 180.0)):
        num = pd.to_numeric(stops[c].str.strip(), errors="coerce").to_numpy()
        text_bad = np.isnan(num) & ~(no_coords.to_numpy() & optional)
        chk.bad(file, stops, text_bad & (stops[c].str.strip() != "").to_numpy(), c, "err.gtfs_number")
        chk.bad(file, stops, text_bad & (stops[c].str.strip() == "").to_numpy(), c, "err.missing_value")
        chk.bad(file, stops, np.abs(np.nan_to_num(num)) > limit, c, "err.gtfs_latlon")
        stops[c + "_f"] = num
    return stops[~(no_coords.to_numpy() & optional)].reset_index(drop=True)


def _check_calendar(src: _Source, chk: _Checks, cal: pd.DataFrame | None, cdates: pd.DataFrame | None) -> set[str]:
    """Calendar flags and dates; returns the service ids defined."""
    services: set[str] = set()
    if cal is not None:
        file = src.name("calendar.txt")
        for c in _WEEKDAYS:
            chk.bad(file, cal, ~cal[c].str.strip().isin(["0", "1"]).to_numpy(), c, "err.gtfs_flag")
        start, bad_s = _dates(cal["start_date"])
        end, bad_e = _dates(cal["end_date"])
        chk.bad(file, cal, bad_s, "start_date", "err.gtfs_date")
        chk.bad(file, cal, bad_e, "end_date", "err.gtfs_date")
        order = (~bad_s & ~bad_e) & (end < start).to_numpy()
        chk.bad(file, cal, order, "end_date", "err.gtfs_dates_order", start=cal["start_date"].to_numpy(),
                end=cal["end_date"].to_numpy())
        services |= set(cal["service_id"])
    if cdates is not None:
        file = src.name("calendar_dates.txt")
        _, bad = _dates(cdates["date"])
        chk.bad(file, cdates, bad, "date", "err.gtfs_date")
        chk.bad(file, cdates, ~cdates["exception_type"].str.strip().isin(["1", "2"]).to_numpy(), "exception_type",
                "err.gtfs_exception")
        services |= set(cdates["service_id"])
    return services


def _check_trips(src: _Source, chk: _Checks, frames: dict[str, pd.DataFrame | None], services: set[str]) -> None:
    routes, trips = frames["routes.txt"], frames["trips.txt"]
    _unique(chk, src.name("routes.txt"), routes, "route_id")
    file = src.name("trips.txt")
    _unique(chk, file, trips, "trip_id")
    _refs(chk, file, trips, "route_id", routes["route_id"], "routes.txt")
    _refs(chk, file, trips, "service_id", services, "calendar.txt / calendar_dates.txt")


def _interpolate(arr: np.ndarray, dep: np.ndarray, trip: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill the times of untimed stops linearly by position, from the previous timed stop's
    departure to the next timed stop's arrival within the same trip (arrival = departure there)."""
    missing = np.isnan(arr) & np.isnan(dep)
    if not missing.any():
        return arr, dep
    n_rows = len(arr)
    pos = np.arange(n_rows, dtype=float)
    prev_i = np.maximum.accumulate(np.where(~missing, np.arange(n_rows), -1))
    next_i = np.minimum.accumulate(np.where(~missing, np.arange(n_rows), n_rows)[::-1])[::-1]
    ok = missing & (prev_i >= 0) & (next_i < n_rows)
    ok &= (trip[np.clip(prev_i, 0, None)] == trip) & (trip[np.clip(next_i, None, n_rows - 1)] == trip)
    p, n = prev_i[ok], next_i[ok]
    value = np.round(dep[p] + (arr[n] - dep[p]) * (pos[ok] - p) / (n - p))
    arr, dep = arr.copy(), dep.copy()
    arr[ok] = dep[ok] = value
    return arr, dep


def _stop_time_arrays(src: _Source, chk: _Checks, st: pd.DataFrame, stop_pos: dict[str, int],
                      trip_pos: dict[str, int]) -> dict[str, np.ndarray]:
    """Times, sequence and references of stop_times.txt, checked; sorted by trip and sequence."""
    file = src.name("stop_times.txt")
    arr_col = "arrival_time" if "arrival_time" in st.columns else "departure_time"
    dep_col = "departure_time" if "departure_time" in st.columns else "arrival_time"
    arr, bad_a = _seconds(st[arr_col])
    dep, bad_d = _seconds(st[dep_col])
    chk.bad(file, st, bad_a, arr_col, "err.gtfs_time")
    chk.bad(file, st, bad_d & (dep_col != arr_col), dep_col, "err.gtfs_time")
    seq = pd.to_numeric(st["stop_sequence"].str.strip(), errors="coerce").to_numpy()
    chk.bad(file, st, np.isnan(seq) | (seq < 0) | (seq != np.floor(np.nan_to_num(seq))), "stop_sequence",
            "err.gtfs_number")
    _refs(chk, file, st, "trip_id", trip_pos, "trips.txt")
    _refs(chk, file, st, "stop_id", stop_pos, "stops.txt")
    for c in ("pickup_type", "drop_off_type"):
        if c in st.columns:
            chk.bad(file, st, ~st[c].str.strip().isin(["", "0", "1", "2", "3"]).to_numpy(), c, "err.gtfs_pickup")
    chk.report.raise_if_errors()
    arr = np.where(np.isnan(arr), dep, arr)
    dep = np.where(np.isnan(dep), arr, dep)
    trip = st["trip_id"].map(trip_pos).to_numpy(dtype=np.int64)
    order = np.lexsort((seq, trip))
    st, arr, dep, trip, seq = st.iloc[order].reset_index(drop=True), arr[order], dep[order], trip[order], seq[order]
    same = np.r_[False, trip[1:] == trip[:-1]]
    chk.bad(file, st, same & np.r_[False, seq[1:] == seq[:-1]], "stop_sequence", "err.gtfs_duplicate",
            first=np.r_[0, st["_row"].to_numpy()[:-1]])
    first = ~same
    last = ~np.r_[same[1:], False]
    chk.bad(file, st, (first | last) & np.isnan(arr), arr_col, "err.gtfs_end_times", trip=st["trip_id"].to_numpy())
    chk.report.raise_if_errors()
    arr, dep = _interpolate(arr, dep, trip)
    chk.bad(file, st, dep < arr, dep_col, "err.gtfs_dep_before_arr", dep=st[dep_col].to_numpy(),
            arr=st[arr_col].to_numpy())
    back = same & (arr < np.r_[np.inf, dep[:-1]])
    chk.bad(file, st, back, arr_col, "err.gtfs_order", trip=st["trip_id"].to_numpy())
    chk.report.raise_if_errors()
    stops = st["stop_id"].map(stop_pos)
    keep = stops.notna().to_numpy()
    pick = st["pickup_type"].str.strip().to_numpy() != "1" if "pickup_type" in st.columns else np.ones(len(st), bool)
    drop = st["drop_off_type"].str.strip().to_numpy() != "1" if "drop_off_type" in st.columns else np.ones(len(st), bool)
    return {"trip": trip[keep], "stop": stops.to_numpy()[keep].astype(np.int64), "arr": arr[keep].astype(np.int64),
            "dep": dep[keep].astype(np.int64), "pickup": pick[keep], "dropoff": drop[keep]}


def _expand_frequencies(src: _Source, chk: _Checks, freq: pd.DataFrame, arrays: dict[str, np.ndarray],
                        trips: pd.DataFrame, warnings: Report) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Trips given by headway (frequencies.txt) become one trip per departure."""
    file = src.name("frequencies.txt")
    start, bad_s = _seconds(freq["start_time"])
    end, bad_e = _seconds(freq["end_time"])
    head = pd.to_numeric(freq["headway_secs"].str.strip(), errors="coerce").to_numpy()
    chk.bad(file, freq, bad_s | np.isnan(start), "start_time", "err.gtfs_time")
    chk.bad(file, freq, bad_e | np.isnan(end), "end_time", "err.gtfs_time")
    chk.bad(file, freq, ~(head > 0), "headway_secs", "err.gtfs_number")
    _refs(chk, file, freq, "trip_id", trips["trip_id"], "trips.txt")
    chk.report.raise_if_errors()
    trip_pos = {tid: i for i, tid in enumerate(trips["trip_id"])}
    new_trips, parts, added = [], [], 0
    template = set()
    for tid, s0, e0, h in zip(freq["trip_id"], start, end, head):
        ti = trip_pos[tid]
        template.add(ti)
        rows = np.flatnonzero(arrays["trip"] == ti)
        if not rows.size:
            continue
        offset0 = arrays["dep"][rows[0]]
        for k, t0 in enumerate(np.arange(s0, e0, h)):
            new_index = len(trips) + len(new_trips)
            rec = trips.iloc[ti].copy()
            rec["trip_id"] = f"{tid}#{int(t0)}"
            new_trips.append(rec)
            shift = int(t0 - offset0)
            parts.append({key: (np.full(rows.size, new_index) if key == "trip" else
                                arrays[key][rows] + shift if key in ("arr", "dep") else arrays[key][rows])
                          for key in arrays})
            added += 1
    keep = ~np.isin(arrays["trip"], list(template))
    out = {key: np.concatenate([arrays[key][keep]] + [p[key] for p in parts]) for key in arrays}
    warnings.add(file, None, None, "warn.gtfs_frequencies", severity="warning", n=added)
    return out, pd.concat([trips, pd.DataFrame(new_trips)], ignore_index=True) if new_trips else trips


def _validity(cal: pd.DataFrame | None, cdates: pd.DataFrame | None, info: pd.DataFrame | None
              ) -> tuple[dt.date | None, dt.date | None]:
    """First and last service day: feed_info's dates when given, else the calendar's span."""
    if info is not None and len(info) and {"feed_start_date", "feed_end_date"} <= set(info.columns):
        s, _ = _dates(info["feed_start_date"])
        e, _ = _dates(info["feed_end_date"])
        if s.notna().all() and e.notna().all():
            return s.min().date(), e.max().date()
    days: list[pd.Timestamp] = []
    if cal is not None:
        days += [_dates(cal["start_date"])[0].min(), _dates(cal["end_date"])[0].max()]
    if cdates is not None:
        d = _dates(cdates["date"])[0]
        days += [d.min(), d.max()]
    days = [d for d in days if pd.notna(d)]
    return (min(days).date(), max(days).date()) if days else (None, None)


def _outside(stops: pd.DataFrame, xy: np.ndarray, bbox: tuple[float, float, float, float] | None,
             label: str, warnings: Report, margin_m: float = 20_000.0) -> None:
    if bbox is None or not len(xy):
        return
    x0, y0, x1, y1 = bbox
    far = (xy[:, 0] < x0 - margin_m) | (xy[:, 0] > x1 + margin_m) | (xy[:, 1] < y0 - margin_m) | (xy[:, 1] > y1 + margin_m)
    if far.any():
        names = stops.get("stop_name", stops["stop_id"]).to_numpy()[far][:3]
        warnings.add(label, None, None, "warn.gtfs_stops_outside", severity="warning", n=int(far.sum()),
                     names=", ".join(map(str, names)))


def _gtfs_kit_feed(frames: dict[str, pd.DataFrame | None]):
    """The tables as :class:`gtfs_kit.Feed` (text columns; calendar flags and exception types as integers)."""
    import gtfs_kit

    tables = {}
    for member, frame in frames.items():
        if frame is None:
            continue
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_") or c.endswith("_f")])
        if member == "calendar.txt":
            frame[list(_WEEKDAYS)] = frame[list(_WEEKDAYS)].apply(lambda c: c.str.strip().astype(int))
            frame["start_date"], frame["end_date"] = frame["start_date"].str.strip(), frame["end_date"].str.strip()
        if member == "calendar_dates.txt":
            frame["exception_type"] = frame["exception_type"].str.strip().astype(int)
            frame["date"] = frame["date"].str.strip()
        tables[member[:-4]] = frame
    return gtfs_kit.Feed(dist_units="km", **{k: v for k, v in tables.items() if k in (
        "agency", "stops", "routes", "trips", "stop_times", "calendar", "calendar_dates", "feed_info", "frequencies")})


def feed_texts(path: str | Path) -> dict[str, str]:
    """The GTFS tables the tool uses, as texts (to keep the feed inside a project file); other
    files of the feed (shapes, fares…) are left out."""
    path = Path(path)
    if not path.exists():
        raise DataError.single(path.name, None, None, "err.file_not_found")
    src = _Source(path)
    return {m: src.text(m) for m in REQUIRED_FILES + _OPTIONAL_FILES if m in src.members}


def read_gtfs(path: str | Path, *, district_bbox: tuple[float, float, float, float] | None = None,
              warnings: Report | None = None, texts: Mapping[str, str] | None = None) -> TransitFeed:
    """Read and check a GTFS feed (zip or folder).

    Parameters
    ----------
    path : path
        ``.zip`` of the ``*.txt`` tables, or a folder holding them.
    district_bbox : (xmin, ymin, xmax, ymax), optional
        EPSG:5514 metres; stops more than 20 km outside it are reported (a warning).
    warnings : Report, optional
        Receives the warnings (they are also kept in :attr:`TransitFeed.warnings`).
    texts : mapping of file name → text, optional
        The tables themselves (a feed kept in a project, :func:`feed_texts`); ``path`` then only
        names the feed in messages.

    Raises
    ------
    DataError
        Not a feed, a missing file or column, or bad values (every one by file, row and column).
    """
    path = Path(path)
    if texts is None and not path.exists():
        raise DataError.single(path.name, None, None, "err.file_not_found")
    src = _Source(path, texts)
    frames = {m: src.read(m) for m in REQUIRED_FILES + _OPTIONAL_FILES}
    chk = _Checks()
    report = Report()
    _required(src, chk, frames)
    stops = _check_stops(src, chk, frames["stops.txt"], report)
    services = _check_calendar(src, chk, frames["calendar.txt"], frames["calendar_dates.txt"])
    _check_trips(src, chk, frames, services)
    chk.report.raise_if_errors()
    trips = frames["trips.txt"]
    if not len(frames["stop_times.txt"]):
        raise DataError.single(src.name("stop_times.txt"), None, None, "err.gtfs_no_stop_times")
    stop_pos = {sid: i for i, sid in enumerate(stops["stop_id"])}
    trip_pos = {tid: i for i, tid in enumerate(trips["trip_id"])}
    arrays = _stop_time_arrays(src, chk, frames["stop_times.txt"], stop_pos, trip_pos)
    if frames["frequencies.txt"] is not None:
        arrays, trips = _expand_frequencies(src, chk, frames["frequencies.txt"], arrays, trips, report)
        order = np.lexsort((arrays["arr"], arrays["trip"]))
        arrays = {k: v[order] for k, v in arrays.items()}
    to_5514 = Transformer.from_crs("EPSG:4326", "EPSG:5514", always_xy=True)
    x, y = to_5514.transform(stops["stop_lon_f"].to_numpy(), stops["stop_lat_f"].to_numpy())
    xy = np.column_stack([x, y])
    _outside(stops, xy, district_bbox, src.label, report)
    start, end = _validity(frames["calendar.txt"], frames["calendar_dates.txt"], frames["feed_info.txt"])
    agency = frames["agency.txt"]
    agencies = tuple(agency["agency_name"]) if agency is not None and "agency_name" in agency.columns else ()
    if warnings is not None:
        warnings.extend(report.problems)
    names = stops["stop_name"].to_numpy(dtype=object) if "stop_name" in stops.columns else stops["stop_id"].to_numpy()
    return TransitFeed(
        name=src.label, gtfs=_gtfs_kit_feed({**frames, "trips.txt": trips}),
        stop_ids=stops["stop_id"].to_numpy(dtype=object), stop_names=names, stop_xy=xy,
        trip_ids=trips["trip_id"].to_numpy(dtype=object), trip_service=trips["service_id"].to_numpy(dtype=object),
        trip_route=trips["route_id"].to_numpy(dtype=object), st_trip=arrays["trip"], st_stop=arrays["stop"],
        st_arr=arrays["arr"], st_dep=arrays["dep"], st_pickup=arrays["pickup"], st_dropoff=arrays["dropoff"],
        valid_from=start, valid_to=end, agencies=agencies, warnings=report)
