"""Pieces of the planner that carry a promise of their own."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.solvers.games import SecurityGame, best_response, solve_exact
from sanctuary.solvers.patrol import (
    proportional_coverage,
    routing_priority,
    slice_capacities,
    solve_with_slice_capacities,
    spend_spare_resources,
    time_slices,
)
from sanctuary.solvers.patrol_problem import problem_from_document


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 100), min_size=2, max_size=20), st.floats(0, 20))
def test_spare_resources_are_spent_without_changing_the_equilibrium(
    values: list[int], resources: float
) -> None:
    # A fully covered high-value target that still tempts the attacker leaves resources over.
    n = len(values)
    game = SecurityGame.from_arrays(
        [0] * n, [-v for v in values], [-v for v in values], values, resources=resources
    )
    sse = solve_exact(game)
    spent = spend_spare_resources(game, sse)
    assert spent.sum() == pytest.approx(min(resources, n), abs=1e-6)
    assert (spent >= sse.coverage - 1e-12).all() and (spent <= 1).all()
    after = best_response(game, spent)
    assert after.defender_utility == pytest.approx(sse.defender_utility, abs=1e-9)


def test_proportional_coverage_caps_at_one_and_shares_the_excess() -> None:
    coverage = proportional_coverage(np.array([10.0, 1.0, 1.0]), 2.0)
    # 10/12 * 2 > 1, so the first is capped at 1 and the remaining 1 is split evenly.
    np.testing.assert_allclose(coverage, [1.0, 0.5, 0.5])


def test_a_missed_window_matters_by_what_the_attacker_would_gain_there() -> None:
    game = SecurityGame.from_arrays([0, 0, 0], [-9, -5, -2], [-9, -5, -2], [9, 5, 2], 1)
    level = solve_exact(game).attacker_utility
    priority = routing_priority(game, level)
    assert priority[0] == 1.0
    assert priority[0] > priority[1]
    # A window worth less to him than what he gets anyway does not matter at all.
    assert priority[2] == (0.0 if level >= 2 else pytest.approx((2 - level) / (9 - level)))


def test_a_busy_hour_gets_only_the_coverage_routing_can_deliver_there() -> None:
    """Three gatherings at once where routing delivers one visit, three more at a quiet hour.

    The SSE (m = 3) samples 1.5 visits in the busy hour; if routing delivers one of them,
    each busy window keeps 2/3 of its coverage and the attacker takes the one worth 10:
    -10 (1 - 1/3) = -6.67. Held to the busy hour's capacity of one, the programme covers the
    busy windows with c_i = 1 - y/v_i, y = 2 / (1/10 + 1/8 + 1/6) = 5.11, and spends the
    rest at the quiet hour: -5.11 with nothing lost in routing. The margin asserted is 1.5.
    """
    values = np.array([10.0, 8.0, 6.0, 9.0, 7.0, 5.0])
    game = SecurityGame.from_arrays([0] * 6, -values, -values, values, resources=3)
    shares = np.array([[1.0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]])

    def routed(coverage: np.ndarray) -> np.ndarray:
        delivered = coverage.copy()
        delivered[:3] /= max(1.0, coverage[:3].sum())
        return delivered

    sse = spend_spare_resources(game, solve_exact(game))
    capped = solve_with_slice_capacities(game, shares, np.array([1.0, np.inf]))
    assert capped[:3].sum() <= 1 + 1e-7 and capped.sum() <= 3 + 1e-7
    assert (capped >= 0).all() and (capped <= 1 + 1e-9).all()
    sse_utility = best_response(game, routed(sse)).defender_utility
    capped_utility = best_response(game, routed(capped)).defender_utility
    assert sse_utility == pytest.approx(-20 / 3)
    assert capped_utility == pytest.approx(-2 / (1 / 10 + 1 / 8 + 1 / 6), abs=1e-6)
    assert capped_utility >= sse_utility + 1.5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 100), min_size=2, max_size=15), st.floats(0, 10))
def test_the_programme_maximises_the_defenders_worst_window(
    values: list[int], resources: float
) -> None:
    n = len(values)
    game = SecurityGame.from_arrays(
        [0] * n, [-v for v in values], [-v for v in values], values, resources=resources
    )
    coverage = solve_with_slice_capacities(game, np.ones((1, n)), np.array([np.inf]))
    assert coverage.sum() <= resources + 1e-7
    worst = game.defender_utilities(coverage).min()
    tolerance = 1e-6 * max(values)
    sse = spend_spare_resources(game, solve_exact(game))
    assert worst >= game.defender_utilities(sse).min() - tolerance
    uniform = np.full(n, min(1.0, resources / n))
    assert worst >= game.defender_utilities(uniform).min() - tolerance
    # Maximin with resources m: c_i = 1 - y / v_i wherever v_i > -y.
    expected = np.clip(1 + worst / np.array(values, dtype=float), 0, 1).sum()
    assert expected <= resources + 1e-6


def test_time_slices_share_each_window_and_capacities_cap_only_saturated_slices() -> None:
    problem = problem_from_document(
        {
            "sites": [{"id": "a", "lat": 52.48, "lon": -1.9}],
            "windows": [
                {
                    "id": "w1",
                    "site": "a",
                    "value": 1,
                    "start": "2026-11-27T09:00:00+00:00",
                    "end": "2026-11-27T10:00:00+00:00",
                },
                {
                    "id": "w2",
                    "site": "a",
                    "value": 1,
                    "start": "2026-11-27T09:30:00+00:00",
                    "end": "2026-11-27T11:30:00+00:00",
                },
            ],
            "units": [],
        }
    )
    shares = time_slices(problem)
    # Slices 09:00-09:30, 09:30-10:00, 10:00-11:30.
    np.testing.assert_allclose(shares, [[0.5, 0], [0.5, 0.25], [0, 0.75]])
    capacity = slice_capacities(shares, np.array([1.0, 1.0]), np.array([1.0, 0.2]))
    # The first slice delivered all it sampled: no limit found, so no cap.
    assert capacity[0] == np.inf
    np.testing.assert_allclose(capacity[1:], [0.5 + 0.05, 0.15])
