"""Pieces of the planner that carry a promise of their own, each checked by brute force."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from test_patrol_optimum import DAY, every_coverage, every_route, small_problem

from sanctuary.solvers.bound import interval_level_bound
from sanctuary.solvers.games import SecurityGame
from sanctuary.solvers.master import combine, components
from sanctuary.solvers.patrol import (
    attacker_floor,
    coverage_of,
    defender_value,
    lower_bound,
    steer,
)
from sanctuary.solvers.patrol_problem import problem_from_document
from sanctuary.solvers.pricing import price_exactly, unit_reach, unit_route_bound
from sanctuary.solvers.rosters import TravelTable, is_feasible
from sanctuary.solvers.travel import StraightLineTravelTimes


def prepared(seed: int):  # type: ignore[no-untyped-def]
    document = small_problem(seed)
    problem = problem_from_document(document)
    table = TravelTable.build(problem, StraightLineTravelTimes())
    return document, problem, table, unit_reach(problem, table)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(0.01, 1), min_size=1, max_size=5), min_size=1, max_size=4))
def test_whole_rosters_keep_every_groups_marginals(raw: list[list[float]]) -> None:
    # Group g's unit is g; its roster r visits window 10 g + r.
    problem = problem_from_document(small_problem(1))
    units = len(raw)
    parts = []
    for g, weights in enumerate(raw):
        rosters = [
            tuple((10 * g + r,) if u == g else () for u in range(units))
            for r in range(len(weights))
        ]
        parts.append((rosters, np.array(weights) / sum(weights)))
    problem = type(problem)(**{**problem.__dict__, "units": tuple(problem.units[:1]) * units})
    rosters, weights = combine(problem, parts)
    assert weights.sum() == pytest.approx(1)
    merged = coverage_of(rosters, weights, 10 * units)
    for g, (group_rosters, group_weights) in enumerate(parts):
        np.testing.assert_allclose(
            merged[10 * g : 10 * g + len(group_rosters)], group_weights, atol=1e-12
        )
    assert len(rosters) <= sum(len(w) for w in raw)


def test_units_that_share_no_window_are_planned_apart() -> None:
    reach = np.array([[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]], dtype=bool)
    assert sorted(components(reach)) == [(0, 1), (2,)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=8), st.floats(-60, 60), st.floats(0, 30))
def test_the_defender_can_only_lose_as_the_attacker_is_held_higher(
    values: list[int], level: float, rise: float
) -> None:
    v = np.array(values, dtype=float)
    game = SecurityGame.from_arrays(-0.2 * v, -v, -0.5 * v, v, resources=1)
    for may_decline in (True, False):
        low = defender_value(game, level, may_decline)[0]
        high = defender_value(game, level + rise, may_decline)[0]
        assert high <= low + 1e-9


def least_level(problem, reach, coverages) -> float:  # type: ignore[no-untyped-def]
    """min over all mixtures of the attacker's best utility, by linear programming."""
    game = problem.game(1.0, reach.any(axis=0))
    n, k = game.size, len(coverages)
    incidence = np.zeros((n, k))
    for column, windows in enumerate(coverages):
        incidence[list(windows), column] = 1
    # Variables q_1..q_k, x: minimise x with x >= A^u_i - dA_i (incidence q)_i.
    rows = np.hstack([-(game.attacker_loss[:, None] * incidence), -np.ones((n, 1))])
    floor = attacker_floor(game, problem.attacker_may_decline)
    result = linprog(
        np.append(np.zeros(k), 1.0),
        A_ub=rows,
        b_ub=-game.attacker_uncovered,
        A_eq=np.append(np.ones(k), 0.0)[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(floor, None)],
    )
    return float(result.fun)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 40), st.lists(st.floats(0, 1), min_size=14, max_size=14))
def test_the_lagrangian_bound_never_passes_the_least_level(seed: int, raw: list[float]) -> None:
    document, problem, table, reach = prepared(seed)
    n = len(problem.windows)
    duals = np.array(raw[:n]) / max(1.0, sum(raw[:n]))
    game = problem.game(1.0, reach.any(axis=0))
    coverages = every_coverage(document)
    prizes = duals * game.attacker_loss
    best_worth = max(prizes[list(c)].sum() for c in coverages)
    floor = attacker_floor(game, problem.attacker_may_decline)
    bound = lower_bound(game, duals, floor, best_worth, 1e-9 * game.payoff_scale())
    assert bound <= least_level(problem, reach, coverages) + 1e-7


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 40), st.lists(st.floats(0, 10), min_size=14, max_size=14))
def test_the_route_programmes_never_undervalue_a_units_best_route(
    seed: int, raw: list[float]
) -> None:
    document, problem, table, reach = prepared(seed)
    prizes = np.array(raw[: len(problem.windows)])
    routes = every_route(document)
    for unit, unit_routes in enumerate(routes):
        best = max(prizes[list(r)].sum() for r in unit_routes)
        candidates = np.flatnonzero((prizes > 0) & reach[unit])
        assert unit_route_bound(problem, table, unit, prizes, candidates)[0] >= best - 1e-9
        roster, bound = price_exactly(problem, table, prizes, reach, 10.0, [unit])
        assert bound >= best - 1e-6
        # optimal within the programme's relative gap (mip_rel_gap 1e-7): a route that leaves
        # out a prize of a millionth of a point, on a best of 16, is optimal to it
        assert prizes[list(roster[unit])].sum() == pytest.approx(best, abs=1e-6 + 1e-7 * best)
        assert is_feasible(problem, table, roster)


@pytest.mark.parametrize("seed", [5, 7, 16, 27])
def test_steering_keeps_the_attackers_level_and_every_roster_feasible(seed: int) -> None:
    from sanctuary.solvers.patrol import plan

    _, problem, table, reach = prepared(seed)
    result = plan(problem)
    game = problem.game(1.0, reach.any(axis=0))
    for roster in result.rosters:
        assert is_feasible(problem, table, roster)
    again = steer(problem, table, game, list(result.rosters), result.probabilities, True)
    level = game.attacker_utilities(result.coverage).max()
    assert game.attacker_utilities(coverage_of(*again, game.size)).max() == pytest.approx(level)


def busy_hour(seed: int) -> dict:  # type: ignore[type-arg]
    """The small problem with every gathering squeezed into one busy hour."""
    document = small_problem(seed)
    rng = np.random.default_rng(seed)
    for window in document["windows"]:
        begin = 10 + round(rng.uniform(0, 0.5) * 60) / 60
        window["start"] = (DAY + timedelta(hours=begin)).isoformat()
        window["end"] = (DAY + timedelta(hours=begin + 0.5)).isoformat()
    return document


@pytest.mark.parametrize("seed", range(1, 31))
@pytest.mark.parametrize("busy", [False, True])
def test_the_busy_hours_bound_never_passes_the_least_level(seed: int, busy: bool) -> None:
    document = busy_hour(seed) if busy else small_problem(seed)
    problem = problem_from_document(document)
    table = TravelTable.build(problem, StraightLineTravelTimes())
    reach = unit_reach(problem, table)
    game = problem.game(1.0, reach.any(axis=0))
    floor = attacker_floor(game, problem.attacker_may_decline)
    bound = interval_level_bound(problem, table, game, reach, floor)
    assert bound <= least_level(problem, reach, every_coverage(document)) + 1e-7
