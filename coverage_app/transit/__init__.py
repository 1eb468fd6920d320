"""Public transport: GTFS timetables (:mod:`.feed`) and door-to-door journeys on them (:mod:`.router`)."""

from coverage_app.transit.feed import TransitFeed, feed_texts, read_gtfs
from coverage_app.transit.router import TransitMatrix, TransitRouter, TransitSettings, transit_matrix

__all__ = ["TransitFeed", "feed_texts", "TransitMatrix", "TransitRouter", "TransitSettings", "read_gtfs", "transit_matrix"]
