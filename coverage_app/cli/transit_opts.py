"""Public-transport options shared by ``import`` and ``analyze`` (``--gtfs``, windows, walking)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import click

from coverage_app.errors import DataError, Report
from coverage_app.i18n import register, t

register({
    "cli.pt_outside": {
        "cs": "upozornění: den {day} je mimo platnost jízdního řádu {feed} ({start} – {end}); zvolte --pt-day",
        "en": "warning: the day {day} is outside the validity of the timetable {feed} ({start} – {end}); use --pt-day",
    },
    "cli.pt_day": {
        "cs": "veřejná doprava: {feed}, {day}, odjezd {depart}, návrat {back}, chůze {walk} km/h, nejvýše {transfers}",
        "en": "public transport: {feed}, {day}, leaving {depart}, back {back}, walking {walk} km/h, at most {transfers}",
    },
    "cli.pt_no_day": {"cs": "upozornění: v jízdním řádu {feed} nejede v pracovní den žádný spoj",
                      "en": "warning: no trip of the timetable {feed} runs on a working day"},
})


def transit_options(f: Callable) -> Callable:
    """Add ``--gtfs``, ``--pt-day``, ``--pt-depart``, ``--pt-back``, ``--walk-kmh``, ``--max-transfers``."""
    opts = [
        click.option("--gtfs", type=click.Path(path_type=Path), default=None,
                     help="Jízdní řád veřejné dopravy GTFS (zip nebo složka), např. IDS kraje."),
        click.option("--pt-day", default=None, help="Den jízdního řádu RRRR-MM-DD (výchozí první úterý platnosti)."),
        click.option("--pt-depart", default=None, help="Okno odjezdu z domova, výchozí 6:00-9:00."),
        click.option("--pt-back", default=None, help="Okno odjezdu zpět domů, výchozí 14:00-18:00."),
        click.option("--walk-kmh", type=click.FloatRange(min=0.5, max=8.0), default=None,
                     help="Rychlost chůze k zastávce (km/h, výchozí 4; pro seniory např. 3)."),
        click.option("--max-transfers", type=click.IntRange(min=0, max=5), default=None,
                     help="Nejvýše přestupů (výchozí 2)."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def settings_from(pt: Mapping[str, object], base=None):
    """:class:`~coverage_app.transit.TransitSettings` from the options (``base`` for the rest)."""
    from dataclasses import replace

    from coverage_app.transit import TransitSettings
    from coverage_app.transit.router import parse_window

    s = base or TransitSettings()
    kw: dict[str, object] = {}
    if pt.get("pt_day"):
        try:
            kw["day"] = dt.date.fromisoformat(str(pt["pt_day"]))
        except ValueError:
            raise click.BadParameter(t("err.bad_date", "cs", value=pt["pt_day"]), param_hint="--pt-day") from None
    for key, name in (("pt_depart", "depart"), ("pt_back", "back")):
        if pt.get(key):
            kw[name] = parse_window(str(pt[key]), "--" + key.replace("_", "-"))
    if pt.get("walk_kmh"):
        kw["walk_kmh"] = float(pt["walk_kmh"])  # type: ignore[arg-type]
    if pt.get("max_transfers") is not None:
        kw["max_transfers"] = int(pt["max_transfers"])  # type: ignore[arg-type]
    return replace(s, **kw)


def load_timetable(path: Path, bbox, warnings: Report):
    """(texts, feed) of a GTFS feed, checked (raises :class:`DataError`)."""
    from coverage_app.transit import feed_texts, read_gtfs

    if not path.exists():
        raise DataError.single(path.name, None, None, "err.file_not_found")
    texts = feed_texts(path)
    feed = read_gtfs(path, district_bbox=bbox, warnings=warnings, texts=texts)
    return texts, feed


def make_router(feed, settings, lang: str, walk_graph=None):
    """The router for a feed (walks on ``walk_graph`` when given), with a line on the terminal
    saying which day and windows it uses."""
    from coverage_app.i18n import plural
    from coverage_app.transit import TransitRouter
    from coverage_app.transit.router import format_window

    router = TransitRouter(feed, settings, walk_graph=walk_graph)
    if router.day is None:
        click.echo(t("cli.pt_no_day", lang, feed=feed.name), err=True)
        return router
    if not feed.covers(router.day):
        click.echo(t("cli.pt_outside", lang, day=router.day.isoformat(), feed=feed.name,
                     start=str(feed.valid_from), end=str(feed.valid_to)), err=True)
    click.echo(t("cli.pt_day", lang, feed=feed.name, day=router.day.strftime("%-d. %-m. %Y"),
                 depart=format_window(settings.depart), back=format_window(settings.back),
                 walk=str(settings.walk_kmh).replace(".", ","),
                 transfers=plural(settings.max_transfers, "transfer", lang)))
    return router
