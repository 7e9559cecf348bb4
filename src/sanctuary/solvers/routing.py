"""Routes for one sample of gathering windows, built with PyVRP as a prize-collecting VRP.

Every sampled window is an optional client with a prize; every unit is its own vehicle type
(its base is its depot, its shift the vehicle's time window, its mode the routing profile).
Prizes dwarf travel costs, so the router visits as many sampled windows as it can and only
then shortens the travel; among windows it cannot all reach, it keeps the valuable ones.
The sampling planner (bench/sampling_planner.py) uses it; the column-generation planner
prices rosters with pricing.price_with_pyvrp instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from sanctuary.solvers.patrol_problem import PatrolProblem
from sanctuary.solvers.travel import Mode, TravelTimes

# Seconds of travel are the cost. Any window is worth a detour of up to BASE_PRIZE seconds
# (2.8 hours); the second term, by priority, makes the router keep the windows that matter
# when it must drop some.
# Prizes stay below PyVRP's largest time-warp penalty (100,000 a second): far larger ones
# make infeasible routes look worth their lateness and the search loses its way.
BASE_PRIZE = 10_000
PRIORITY_PRIZE = 90_000
# PyVRP's search stops after this many iterations without improvement, or a third of the
# number of sampled windows if larger (a deterministic criterion, so a seed gives the same
# routes), or at the hard caps below.
ITERATIONS_WITHOUT_IMPROVEMENT = 250
MAX_ITERATIONS = 20_000


@dataclass(frozen=True)
class Visit:
    window: int
    arrive: int
    start: int
    end: int


@dataclass(frozen=True)
class UnitRoute:
    unit: int
    visits: tuple[Visit, ...]
    travel_seconds: int


@dataclass(frozen=True)
class RoutingOutcome:
    routes: tuple[UnitRoute, ...]
    hit_time_limit: bool

    def visited(self) -> set[int]:
        return {visit.window for route in self.routes for visit in route.visits}


def route_windows(
    problem: PatrolProblem,
    travel: TravelTimes,
    chosen: Sequence[int],
    seed: int,
    seconds: float,
    priority: Sequence[float] | np.ndarray | None = None,
) -> RoutingOutcome:
    """Route the units to as many of the ``chosen`` windows as they can reach.

    ``priority`` (per window, 0 to 1; default value / largest value) says which windows to
    keep when not all can be visited.
    """
    empty = tuple(UnitRoute(unit, (), 0) for unit in range(len(problem.units)))
    if not chosen or not problem.units:
        return RoutingOutcome(empty, False)

    chosen_sites = sorted({problem.windows[window].site for window in chosen})
    coordinates = np.array(
        [[unit.base_lat, unit.base_lon] for unit in problem.units]
        + [[problem.sites[site].lat, problem.sites[site].lon] for site in chosen_sites],
        dtype=np.float64,
    )
    location_of_site = {site: len(problem.units) + i for i, site in enumerate(chosen_sites)}
    locations = [Location(x=float(lon), y=float(lat)) for lat, lon in coordinates]

    modes = sorted({unit.mode for unit in problem.units}, key=list(Mode).index)
    profile_of = {mode: index for index, mode in enumerate(modes)}
    durations = [travel.matrix(mode, coordinates, coordinates) for mode in modes]

    depots = [
        Depot(location=index, tw_early=unit.start, tw_late=unit.end, name=unit.id)
        for index, unit in enumerate(problem.units)
    ]
    vehicle_types = [
        VehicleType(
            num_available=1,
            start_depot=index,
            end_depot=index,
            tw_early=unit.start,
            tw_late=unit.end,
            profile=profile_of[unit.mode],
            name=unit.id,
        )
        for index, unit in enumerate(problem.units)
    ]
    if priority is None:
        top_value = max(window.value for window in problem.windows)
        priority = [window.value / top_value for window in problem.windows]
    clients = []
    for window_index in chosen:
        window = problem.windows[window_index]
        clients.append(
            Client(
                location=location_of_site[window.site],
                service_duration=problem.dwell,
                tw_early=window.start,
                tw_late=window.end - problem.dwell,
                prize=BASE_PRIZE + round(PRIORITY_PRIZE * float(priority[window_index])),
                required=False,
                name=window.id,
            )
        )
    # Travel time is also the distance, so the router minimises time on the move.
    # (PyVRP's stubs type a matrix as ndarray[int], which no real array is.)
    matrices: list[Any] = list(durations)
    data = ProblemData(locations, clients, depots, vehicle_types, matrices, matrices, [], [])
    stop = MultipleCriteria(
        [
            NoImprovement(max(ITERATIONS_WITHOUT_IMPROVEMENT, len(chosen) // 3)),
            MaxIterations(MAX_ITERATIONS),
            MaxRuntime(seconds),
        ]
    )
    result = solve(data, stop, seed=seed, collect_stats=False, display=False)
    hit_time_limit = result.runtime >= seconds * 0.999
    routes = {unit: UnitRoute(unit, (), 0) for unit in range(len(problem.units))}
    for route in result.best.routes():
        if route.has_time_warp():
            continue  # never keep an infeasible route; its windows count as not visited
        visits = tuple(
            Visit(
                window=chosen[activity.idx],
                arrive=activity.start_time - activity.wait_duration,
                start=activity.start_time,
                end=activity.end_time,
            )
            for activity in route
            if activity.is_client()
        )
        unit = route.vehicle_type()
        routes[unit] = UnitRoute(unit, visits, int(route.travel_duration()))
    return RoutingOutcome(tuple(routes[unit] for unit in sorted(routes)), hit_time_limit)
