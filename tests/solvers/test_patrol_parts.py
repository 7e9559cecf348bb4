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
    spend_spare_resources,
)


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
