"""Rosters: one route per unit, timed and checked against the problem's own rules.

A route is the windows a unit visits, in order; a roster is one route per unit (a unit with
nothing to do has an empty route). Timing is the earliest schedule: leave base at the start
of the shift, travel, wait for the window if early, dwell, move on, and be back by the end of
the shift. The planner keeps a roster only if that schedule is feasible, so every roster it
returns has been checked here, whichever search produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sanctuary.solvers.patrol_problem import PatrolProblem
from sanctuary.solvers.travel import Mode, TravelTimes

Route = tuple[int, ...]
Roster = tuple[Route, ...]


@dataclass(frozen=True)
class Visit:
    window: int
    arrive: int
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class TravelTable:
    """Seconds between every pair of places (unit bases first, then sites), per mode.

    Asked of the ``TravelTimes`` once per mode, so that routing, timing and bounding all use
    the same whole seconds.
    """

    matrices: dict[Mode, NDArray[np.int64]]
    bases: int  # place index of site s is bases + s

    @classmethod
    def build(cls, problem: PatrolProblem, travel: TravelTimes) -> TravelTable:
        places = np.array(
            [[unit.base_lat, unit.base_lon] for unit in problem.units]
            + [[site.lat, site.lon] for site in problem.sites],
            dtype=np.float64,
        )
        modes = {unit.mode for unit in problem.units}
        matrices = {mode: np.asarray(travel.matrix(mode, places, places)) for mode in modes}
        return cls(matrices, len(problem.units))

    def seconds(self, mode: Mode, origin: int, destination: int) -> int:
        return int(self.matrices[mode][origin, destination])


def schedule(
    problem: PatrolProblem, table: TravelTable, unit_index: int, route: Route
) -> tuple[Visit, ...] | None:
    """The earliest timing of ``route`` for the unit, or None if it breaks a rule."""
    unit = problem.units[unit_index]
    matrix = table.matrices[unit.mode] if route else None
    here, free = unit_index, unit.start
    visits = []
    for window_index in route:
        window = problem.windows[window_index]
        place = table.bases + window.site
        assert matrix is not None
        arrive = free + int(matrix[here, place])
        start = max(arrive, window.start)
        if start + problem.dwell > window.end:
            return None
        visits.append(Visit(window_index, arrive, start, start + problem.dwell))
        here, free = place, start + problem.dwell
    if route:
        assert matrix is not None
        if free + int(matrix[here, unit_index]) > unit.end:
            return None
    return tuple(visits)


def travel_seconds(
    problem: PatrolProblem, table: TravelTable, unit_index: int, route: Route
) -> int:
    if not route:
        return 0
    matrix = table.matrices[problem.units[unit_index].mode]
    places = [unit_index, *(table.bases + problem.windows[w].site for w in route), unit_index]
    return int(sum(matrix[a, b] for a, b in zip(places, places[1:], strict=False)))


def is_feasible(problem: PatrolProblem, table: TravelTable, roster: Roster) -> bool:
    if len(roster) != len(problem.units):
        return False
    seen: set[int] = set()
    for unit_index, route in enumerate(roster):
        if seen.intersection(route) or len(set(route)) != len(route):
            return False
        seen.update(route)
        if schedule(problem, table, unit_index, route) is None:
            return False
    return True


def covered(roster: Roster) -> list[int]:
    """The windows the roster visits, each once."""
    return sorted({window for route in roster for window in route})


def without(
    problem: PatrolProblem, table: TravelTable, roster: Roster, window: int
) -> Roster | None:
    """The roster with ``window`` left out, if the rest can still be timed.

    With travel times that obey the triangle inequality (straight lines do, and so do
    shortest paths on a road network) leaving a visit out never makes a route late; a
    ``TravelTimes`` that does not is caught here and the roster is kept whole.
    """
    routes = list(roster)
    for unit_index, route in enumerate(routes):
        if window in route:
            shorter = tuple(w for w in route if w != window)
            if schedule(problem, table, unit_index, shorter) is None:
                return None
            routes[unit_index] = shorter
    return tuple(routes)


def empty_roster(problem: PatrolProblem) -> Roster:
    return tuple(() for _ in problem.units)
