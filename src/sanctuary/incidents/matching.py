"""Which reports may be one event: the duplicate score (docs/incidents.md, "One event, many reports").

Plain Python, no Django. Two reports are candidates when they are within `MAX_METRES` (200 m)
and `MAX_HOURS` (24 h) of each other and of a similar category (the same group); the score,
between 0 and 1, ranks the candidates offered to the handler:

    score = 0.45 (1 - d / 200 m) + 0.35 (1 - |Δt| / 24 h) + 0.20 c

where c is 1 for the same category and 0.5 for another of the same group. The handler decides:
nothing is merged without them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

MAX_METRES = 200.0
MAX_HOURS = 24.0
WEIGHT_DISTANCE = 0.45
WEIGHT_TIME = 0.35
WEIGHT_CATEGORY = 0.20
EARTH_RADIUS_M = 6_371_008.8


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Sighting:
    """What the score reads of one report: where, when, what, and its category's group."""

    lat: float
    lon: float
    at: datetime
    category: str
    group: str


@dataclass(frozen=True)
class Match:
    score: float
    metres: float
    hours: float


def match(a: Sighting, b: Sighting) -> Match | None:
    """The score of two reports being one event, or None when they are not candidates."""
    if a.group != b.group:
        return None
    metres = metres_between(a.lat, a.lon, b.lat, b.lon)
    hours = abs((a.at - b.at).total_seconds()) / 3600
    if metres > MAX_METRES or hours > MAX_HOURS:
        return None
    same = 1.0 if a.category == b.category else 0.5
    score = (
        WEIGHT_DISTANCE * (1 - metres / MAX_METRES)
        + WEIGHT_TIME * (1 - hours / MAX_HOURS)
        + WEIGHT_CATEGORY * same
    )
    return Match(round(score, 3), round(metres, 1), round(hours, 1))
