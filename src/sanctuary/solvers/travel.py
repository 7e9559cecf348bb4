"""Travel times between places, by mode, behind one small interface.

The default is the straight-line (great-circle) distance times a circuity factor, at a
typical urban speed for the mode. A routing server (OSRM's ``/table`` service returns exactly
such a matrix) can replace it later by implementing :class:`TravelTimes`.

Planning assumptions (docs/patrol-planning.md gives the reasoning):

=========  ==========  =========  ==================================================
mode       speed km/h  circuity   source
=========  ==========  =========  ==================================================
foot       5           1.3        Bohannon 1997 (comfortable gait ~1.4 m/s); circuity
                                  of street networks ~1.2-1.4 (Ballou et al. 2002,
                                  Giacomin & Levinson 2015)
bicycle    15          1.3        typical urban cycling speed 15-16 km/h (TfL
                                  cycling speed surveys); same network circuity
car        25          1.4        urban average speeds ~20-30 km/h (DfT CGN0501
                                  average speed on local A roads); Ballou et al.
=========  ==========  =========  ==================================================
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


class Mode(enum.StrEnum):
    FOOT = "foot"
    BICYCLE = "bicycle"
    CAR = "car"


@dataclass(frozen=True)
class ModeSpeed:
    km_per_hour: float
    circuity: float


DEFAULT_SPEEDS: dict[Mode, ModeSpeed] = {
    Mode.FOOT: ModeSpeed(5.0, 1.3),
    Mode.BICYCLE: ModeSpeed(15.0, 1.3),
    Mode.CAR: ModeSpeed(25.0, 1.4),
}


class TravelTimes(Protocol):
    """Anything that can give door-to-door travel times, in whole seconds, for a mode."""

    def matrix(
        self, mode: Mode, origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """Seconds from each origin to each destination; both are (k, 2) arrays of lat, lon."""
        ...


def haversine_km(
    origins: NDArray[np.float64], destinations: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Great-circle distances (km) between every origin and every destination (lat, lon)."""
    lat1 = np.radians(origins[:, 0])[:, None]
    lon1 = np.radians(origins[:, 1])[:, None]
    lat2 = np.radians(destinations[:, 0])[None, :]
    lon2 = np.radians(destinations[:, 1])[None, :]
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    distances: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return distances


@dataclass(frozen=True)
class StraightLineTravelTimes:
    """Great-circle distance x circuity / speed, rounded up to the second."""

    speeds: tuple[tuple[Mode, ModeSpeed], ...] = tuple(DEFAULT_SPEEDS.items())

    def matrix(
        self, mode: Mode, origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        speed = dict(self.speeds)[mode]
        hours = haversine_km(origins, destinations) * speed.circuity / speed.km_per_hour
        # Rounding up keeps every planned leg at least as long as the model says it is.
        seconds: NDArray[np.int64] = np.ceil(hours * 3600 - 1e-9).astype(np.int64)
        return seconds
