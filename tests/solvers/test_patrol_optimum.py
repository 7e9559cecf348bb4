"""The plan against the true optimum, on problems small enough to list every roster.

Everything the optimum needs is computed here independently of the planner: travel times
from the test's own haversine (rounded up to the second, as the model says), every route of
every unit by depth-first search, every roster as a product of routes, and the strong
Stackelberg equilibrium over all their mixtures by the "multiple LPs" of Conitzer and
Sandholm (2006): for each window t, the best mixture in which t is the attacker's choice
(scipy's HiGHS, not the planner's programme), plus, if he may decline, the best mixture in
which no attack pays him.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog
from test_patrol_plan import assert_every_roster_feasible, assert_feasible

from sanctuary.solvers.patrol import plan
from sanctuary.solvers.patrol_problem import problem_from_document
from sanctuary.solvers.rosters import TravelTable
from sanctuary.solvers.travel import StraightLineTravelTimes

SPEEDS = {"foot": (5.0, 1.3), "bicycle": (15.0, 1.3), "car": (25.0, 1.4)}
DAY = datetime.fromisoformat("2026-11-27T00:00:00+00:00")


def seconds_between(mode: str, a: tuple[float, float], b: tuple[float, float]) -> int:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))
    speed, circuity = SPEEDS[mode]
    return math.ceil(km * circuity / speed * 3600 - 1e-9)


def small_problem(seed: int) -> dict[str, Any]:
    """A few sites, gatherings that clash, one or two units: an unseen instance per seed."""
    rng = random.Random(seed)
    sites = [
        {
            "id": f"s{i}",
            "lat": 52.48 + rng.uniform(-0.01, 0.01),
            "lon": -1.9 + rng.uniform(-0.015, 0.015),
        }
        for i in range(rng.randint(3, 6))
    ]
    windows = []
    for site in sites:
        for k in range(2):
            begin = round(rng.uniform(9.5, 12.5) * 60) / 60  # whole minutes
            windows.append(
                {
                    "id": f"{site['id']}-{k}",
                    "site": site["id"],
                    "start": (DAY + timedelta(hours=begin)).isoformat(),
                    "end": (
                        DAY + timedelta(hours=begin + rng.choice([0.5, 0.75, 1.0]))
                    ).isoformat(),
                    "value": rng.randint(1, 30),
                }
            )
    units = []
    for j in range(1 if rng.random() < 0.6 else 2):
        begin = round(rng.uniform(8.5, 9.5) * 60) / 60
        units.append(
            {
                "id": f"u{j}",
                "mode": rng.choice(["foot", "bicycle"]),
                "start": (DAY + timedelta(hours=begin)).isoformat(),
                "end": (
                    DAY + timedelta(hours=begin + round(rng.uniform(4.5, 5.5) * 60) / 60)
                ).isoformat(),
                "base": {"lat": 52.48, "lon": -1.9},
            }
        )
    return {
        "seed": seed,
        "time_limit_seconds": 30,
        "sites": sites,
        "windows": windows,
        "units": units,
        "attacker_may_decline": rng.random() < 0.5,
    }


def every_coverage(document: dict[str, Any]) -> list[frozenset[int]]:
    """The set of windows of every roster (one route per unit), by exhaustive search."""
    per_unit = every_route(document)
    return list({frozenset().union(*combo) for combo in itertools.product(*per_unit)})


def every_route(document: dict[str, Any]) -> list[set[frozenset[int]]]:
    """For each unit, the set of windows of each of its feasible routes."""
    dwell = 15 * 60
    places = {s["id"]: (s["lat"], s["lon"]) for s in document["sites"]}
    windows = [
        (
            places[w["site"]],
            (datetime.fromisoformat(w["start"]) - DAY).total_seconds(),
            (datetime.fromisoformat(w["end"]) - DAY).total_seconds(),
        )
        for w in document["windows"]
    ]
    per_unit = []
    for unit in document["units"]:
        base = (unit["base"]["lat"], unit["base"]["lon"])
        start = (datetime.fromisoformat(unit["start"]) - DAY).total_seconds()
        end = (datetime.fromisoformat(unit["end"]) - DAY).total_seconds()
        routes: set[frozenset[int]] = {frozenset()}
        # Depth-first: every order of windows the unit can keep, recorded when it gets home.
        stack: list[tuple[tuple[int, ...], tuple[float, float], float]] = [((), base, start)]
        while stack:
            route, here, free = stack.pop()
            for index, (place, opens, closes) in enumerate(windows):
                if index in route:
                    continue
                begin = max(free + seconds_between(unit["mode"], here, place), opens)
                if begin + dwell > closes:
                    continue
                if begin + dwell + seconds_between(unit["mode"], place, base) <= end:
                    routes.add(frozenset((*route, index)))
                stack.append(((*route, index), place, begin + dwell))
        per_unit.append(routes)
    return per_unit


def optimum(document: dict[str, Any], payoffs: np.ndarray, may_decline: bool) -> float:
    """max over t of the best mixture with t the attacker's best response (and declining)."""
    coverages = every_coverage(document)
    n, k = len(payoffs), len(coverages)
    incidence = np.zeros((n, k))
    for column, windows in enumerate(coverages):
        incidence[list(windows), column] = 1
    dc, du, ac, au = payoffs.T
    attacker = -(au - ac)[:, None] * incidence  # U^a_i = au_i + attacker @ q
    defender = (dc - du)[:, None] * incidence
    best = -math.inf
    equal = (np.ones((1, k)), np.ones(1))
    if may_decline:  # every U^a_i <= 0: he stays at home
        result = linprog(np.zeros(k), A_ub=attacker, b_ub=-au, A_eq=equal[0], b_eq=equal[1])
        if result.status == 0:
            best = 0.0
    for t in range(n):
        rows = attacker - attacker[t]  # U^a_i - U^a_t <= 0
        limits = au[t] - au
        if may_decline:  # and attacking t pays him at least staying at home
            rows = np.vstack([rows, -attacker[t]])
            limits = np.append(limits, au[t])
        result = linprog(-defender[t], A_ub=rows, b_ub=limits, A_eq=equal[0], b_eq=equal[1])
        if result.status == 0:
            best = max(best, du[t] - result.fun)
    return best


@pytest.mark.parametrize("seed", range(1, 25))
def test_the_plan_is_within_two_percent_of_the_optimum_and_the_bound_holds(seed: int) -> None:
    document = small_problem(seed)
    problem = problem_from_document(document)
    payoffs = np.array([w.payoffs for w in problem.windows])
    best = optimum(document, payoffs, problem.attacker_may_decline)
    result = plan(problem)
    table = TravelTable.build(problem, StraightLineTravelTimes())
    document_out = result.to_document(problem, table)
    assert_feasible(document, document_out)
    assert_every_roster_feasible(document, document_out)
    for baseline in result.baselines.values():
        assert result.defender_utility >= baseline - 1e-9
    tolerance = 1e-6 * max(1.0, abs(best))
    assert result.defender_utility <= best + tolerance
    assert result.defender_utility >= best - 0.02 * abs(best) - tolerance
    assert result.bound >= best - tolerance
