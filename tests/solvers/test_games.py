"""The security-game solvers: equilibrium properties, hand-checked games, exact == MILP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.solvers.eraser import solve_milp
from sanctuary.solvers.games import SecurityGame, best_response, solve_exact
from sanctuary.solvers.quantal import expected_defender_utility, solve_quantal
from sanctuary.solvers.validation import InvalidInput

TOLERANCE = 1e-9


@st.composite
def games_of_the_2009_paper(draw: st.DrawFn, max_targets: int = 25) -> SecurityGame:
    """Kiekintveld et al. 2009: integer rewards in [0, 100], penalties in [-100, 0]."""
    n = draw(st.integers(1, max_targets))
    integers = st.lists(st.integers(0, 100), min_size=n, max_size=n)
    rewards_d, penalties_d = draw(integers), draw(integers)
    penalties_a, rewards_a = draw(integers), draw(integers)
    # A zero reward and zero penalty would make coverage useless to the attacker; the paper's
    # generator has the same collision, and we refuse such a target, so nudge it.
    rewards_a = [max(1, value) for value in rewards_a]
    resources = draw(st.floats(0, n, allow_nan=False)) if n else 0.0
    return SecurityGame.from_arrays(
        defender_covered=rewards_d,
        defender_uncovered=[-p for p in penalties_d],
        attacker_covered=[-p for p in penalties_a],
        attacker_uncovered=rewards_a,
        resources=resources,
    )


@settings(max_examples=150, deadline=None)
@given(games_of_the_2009_paper())
def test_the_exact_solution_is_a_strong_stackelberg_equilibrium(game: SecurityGame) -> None:
    solution = solve_exact(game)
    coverage = solution.coverage
    assert (coverage >= 0).all() and (coverage <= 1).all()
    assert coverage.sum() <= game.resources + TOLERANCE

    attacker = game.attacker_utilities(coverage)
    level = solution.attacker_utility
    # No target is better for the attacker than the one he attacks ...
    assert attacker.max() <= level + TOLERANCE
    # ... and he is indifferent across the attack set: every covered target gives him `level`.
    covered = coverage > TOLERANCE
    np.testing.assert_allclose(attacker[covered], level, atol=1e-9)
    # The attacked target is the defender's favourite among the attacker's ties.
    tied = attacker >= level - 1e-9
    defender = game.defender_utilities(coverage)
    assert solution.defender_utility == pytest.approx(defender[tied].max(), abs=1e-9)
    assert attacker[solution.attacked] == pytest.approx(level, abs=1e-9)
    # Resources are only left over when the attacker is already held to his floor.
    if level > game.attacker_covered.max() + 1e-9:
        assert coverage.sum() == pytest.approx(min(game.resources, game.size), abs=1e-7)


@settings(max_examples=80, deadline=None)
@given(games_of_the_2009_paper(max_targets=15))
def test_the_exact_solver_agrees_with_the_mixed_integer_programme(game: SecurityGame) -> None:
    exact, milp = solve_exact(game), solve_milp(game)
    assert exact.defender_utility == pytest.approx(milp.defender_utility, rel=1e-6, abs=1e-6)


def hand_game(resources: float, *targets: tuple[float, float, float, float]) -> SecurityGame:
    columns = list(zip(*targets, strict=True))
    return SecurityGame.from_arrays(*columns, resources=resources)


def test_a_two_target_game_solved_by_hand() -> None:
    # (defender covered, defender uncovered, attacker covered, attacker uncovered)
    game = hand_game(1, (0, -10, -5, 8), (0, -5, -5, 3))
    # Attack set {t1, t2} at level x: (8 - x)/13 + (3 - x)/8 = 1  =>  x = -1/21.
    # c1 = (8 + 1/21)/13 = 13/21, c2 = (3 + 1/21)/8 = 8/21 (sum 1).
    # Defender: t1 -10 + 10*13/21 = -80/21, t2 -5 + 5*8/21 = -65/21, so he is steered to t2.
    for solution in (solve_exact(game), solve_milp(game)):
        np.testing.assert_allclose(solution.coverage, [13 / 21, 8 / 21], atol=1e-9)
        assert solution.attacker_utility == pytest.approx(-1 / 21)
        assert solution.defender_utility == pytest.approx(-65 / 21)
        assert solution.attacked == 1


def test_coverage_stops_at_one_when_a_covered_target_still_tempts_the_attacker() -> None:
    game = hand_game(2, (0, -1, 9, 10), (0, -1, -100, 5))
    # Even fully covered, t1 gives the attacker 9 > 5, so ORIGAMI stops at x = 9 with c1 = 1
    # and a resource to spare; t2 (worth 5 to him) stays outside the attack set.
    solution = solve_exact(game)
    np.testing.assert_allclose(solution.coverage, [1.0, 0.0])
    assert solution.attacker_utility == 9
    assert solution.attacked == 0
    assert solution.defender_utility == 0
    assert solve_milp(game).defender_utility == pytest.approx(0)


def test_without_resources_the_attacker_breaks_ties_in_the_defenders_favour() -> None:
    game = hand_game(0, (0, -10, -1, 5), (0, -2, -1, 5))
    # Both targets give him 5 uncovered; the SSE lets him pick t2, which costs us 2, not 10.
    solution = solve_exact(game)
    assert solution.attacked == 1
    assert solution.defender_utility == -2
    assert solution.coverage.sum() == 0


def test_one_target_with_half_a_resource() -> None:
    game = hand_game(0.5, (0, -10, -4, 4))
    # (4 - x)/8 = 0.5 => x = 0, c = 0.5, defender -10 + 0.5*10 = -5.
    solution = solve_exact(game)
    assert solution.coverage[0] == pytest.approx(0.5)
    assert solution.attacker_utility == pytest.approx(0)
    assert solution.defender_utility == pytest.approx(-5)


def test_more_resources_than_targets_covers_everything_it_can_use() -> None:
    game = hand_game(5, (1, -1, -3, 3), (1, -1, -2, 2))
    # Floor is max A^c = -2 (t2 fully covered); t1 needs (3 + 2)/6 = 5/6 to match it.
    solution = solve_exact(game)
    np.testing.assert_allclose(solution.coverage, [5 / 6, 1.0])
    assert solution.attacker_utility == pytest.approx(-2)


def test_a_million_targets_solve_quickly_and_use_every_resource() -> None:
    rng = np.random.default_rng(3)
    n = 1_000_000
    game = SecurityGame.from_arrays(
        rng.integers(0, 101, n),
        -rng.integers(0, 101, n),
        -rng.integers(0, 101, n),
        rng.integers(1, 101, n),
        resources=n / 2,
    )
    solution = solve_exact(game)
    assert solution.coverage.sum() == pytest.approx(n / 2, rel=1e-9)
    assert solution.seconds < 10  # generous; the benchmark records the real figure


def test_the_game_refuses_a_coverage_that_would_not_deter() -> None:
    with pytest.raises(InvalidInput, match="t1"):
        hand_game(1, (0, -1, 5, 5))
    with pytest.raises(InvalidInput, match="defender_covered"):
        hand_game(1, (-2, -1, 0, 5))


def test_best_response_against_any_coverage_picks_the_attackers_best() -> None:
    game = hand_game(1, (0, -10, -5, 8), (0, -5, -5, 3))
    response = best_response(game, [0.0, 1.0])
    assert response.attacked == 0
    assert response.defender_utility == -10


@settings(max_examples=25, deadline=None)
@given(games_of_the_2009_paper(max_targets=8))
def test_quantal_response_coverage_beats_the_sse_and_uniform_coverage_against_qr(
    game: SecurityGame,
) -> None:
    solution = solve_quantal(game, rationality=0.2)
    assert solution.coverage.sum() <= game.resources + 1e-9
    assert (solution.coverage >= 0).all() and (solution.coverage <= 1).all()
    sse = solve_exact(game).coverage
    uniform = np.full(game.size, min(1.0, game.resources / game.size))
    assert solution.defender_utility >= expected_defender_utility(game, sse, 0.2) - 1e-9
    assert solution.defender_utility >= expected_defender_utility(game, uniform, 0.2) - 1e-9


def test_a_random_attacker_is_best_met_where_coverage_gains_the_most() -> None:
    # lambda = 0: he attacks uniformly, so the defender covers the targets with the largest
    # defender_covered - defender_uncovered: t3 (gain 9) and t1 (gain 5).
    game = hand_game(2, (0, -5, -1, 1), (0, -2, -1, 1), (0, -9, -1, 1))
    solution = solve_quantal(game, rationality=0.0)
    np.testing.assert_allclose(solution.coverage, [1, 0, 1], atol=1e-6)
    assert solution.defender_utility == pytest.approx(-2 / 3, abs=1e-6)


def test_the_quantal_solver_is_reproducible_by_seed() -> None:
    game = hand_game(1.5, (3, -5, -4, 6), (1, -2, -1, 7), (2, -9, -3, 2), (0, -1, -2, 4))
    first, second = solve_quantal(game, seed=7), solve_quantal(game, seed=7)
    np.testing.assert_array_equal(first.coverage, second.coverage)


@settings(max_examples=60, deadline=None)
@given(games_of_the_2009_paper(max_targets=12), st.data())
def test_targets_no_resource_can_reach_stay_uncovered_and_both_solvers_agree(
    game: SecurityGame, data: st.DataObject
) -> None:
    from dataclasses import replace

    mask = data.draw(st.lists(st.booleans(), min_size=game.size, max_size=game.size))
    game = replace(game, coverable=np.array(mask))
    exact, milp = solve_exact(game), solve_milp(game)
    assert (exact.coverage[~np.array(mask)] == 0).all()
    assert exact.defender_utility == pytest.approx(milp.defender_utility, rel=1e-6, abs=1e-6)
