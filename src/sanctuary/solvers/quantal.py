"""The defender's best coverage against a quantal-response (boundedly rational) attacker.

A quantal-response attacker (McKelvey and Palfrey 1995) attacks target i with probability

    q_i(c) = exp(lambda U^a_i(c)) / sum_j exp(lambda U^a_j(c))

so he favours good targets without always finding the best. lambda = 0 is a uniformly random
attacker; lambda -> infinity the perfectly rational one of the SSE. Yang et al. (2011,
"Improving resource allocation strategy against human adversaries in security games", IJCAI)
fitted lambda = 0.76 to human subjects playing games with payoffs of about -10..10; that is
our default (``--lambda``). lambda is in 1/payoff units: rescale it if your payoffs are on
another scale.

The defender maximises her expected utility ``sum_i q_i(c) U^d_i(c)`` over the coverage
polytope. The objective is not concave, so, as Yang et al.'s BRQR does, we run a local
optimiser (SLSQP, with the analytic gradient) from several starting points and keep the
best: the SSE coverage, the uniform coverage and a few seeded random ones.
"""

from __future__ import annotations

import time

import numpy as np

from sanctuary.solvers.games import FloatArray, GameSolution, SecurityGame, solve_exact

DEFAULT_LAMBDA = 0.76
RANDOM_STARTS = 3


def attack_probabilities(
    game: SecurityGame, coverage: FloatArray, rationality: float
) -> FloatArray:
    logits = rationality * game.attacker_utilities(coverage)
    logits -= logits.max()  # exp of large utilities would overflow
    weights = np.exp(logits)
    result: FloatArray = weights / weights.sum()
    return result


def expected_defender_utility(
    game: SecurityGame, coverage: FloatArray, rationality: float
) -> float:
    probabilities = attack_probabilities(game, coverage, rationality)
    return float(probabilities @ game.defender_utilities(coverage))


def _random_feasible_start(game: SecurityGame, rng: np.random.Generator) -> FloatArray:
    weights = rng.random(game.size)
    budget = min(game.resources, float(game.size))
    start: FloatArray = np.minimum(game.coverage_cap, weights / weights.sum() * budget)
    return start


def solve_quantal(
    game: SecurityGame, rationality: float = DEFAULT_LAMBDA, seed: int = 0
) -> GameSolution:
    """The best coverage against a QR attacker with parameter ``rationality`` (lambda >= 0).

    ``defender_utility`` and ``attacker_utility`` are expectations over the attacker's
    randomised choice; ``attacked`` is the single most likely target.
    """
    # scipy takes half a second to import: only a quantal-response solve pays for it.
    from scipy import optimize

    if not np.isfinite(rationality) or rationality < 0:
        raise ValueError(f"lambda must be a finite number >= 0, got {rationality}")
    started = time.perf_counter()
    n = game.size
    gain, loss = game.defender_gain, game.attacker_loss

    def negative_utility(coverage: FloatArray) -> tuple[float, FloatArray]:
        q = attack_probabilities(game, coverage, rationality)
        defender = game.defender_utilities(coverage)
        value = float(q @ defender)
        # d/dc_j sum_i q_i U^d_i = q_j [gain_j - lambda loss_j (U^d_j - value)]
        gradient = q * (gain - rationality * loss * (defender - value))
        return -value, -gradient

    rng = np.random.default_rng(seed)
    uniform = np.full(n, min(1.0, game.resources / n)) * game.coverage_cap
    starts = [solve_exact(game).coverage, uniform]
    starts += [_random_feasible_start(game, rng) for _ in range(RANDOM_STARTS)]
    budget = {
        "type": "ineq",
        "fun": lambda c: game.resources - c.sum(),
        "jac": lambda c: -np.ones_like(c),
    }
    best_coverage, best_value = uniform, expected_defender_utility(game, uniform, rationality)
    for start in starts:
        result = optimize.minimize(
            negative_utility,
            start,
            jac=True,
            method="SLSQP",
            bounds=[(0.0, float(cap)) for cap in game.coverage_cap],
            constraints=[budget],
            options={"maxiter": 500, "ftol": 1e-12},
        )
        coverage = np.clip(result.x, 0.0, game.coverage_cap)
        if coverage.sum() > game.resources:  # SLSQP may overshoot by its tolerance
            coverage *= game.resources / coverage.sum()
        value = expected_defender_utility(game, coverage, rationality)
        if value > best_value:
            best_coverage, best_value = coverage, value
    q = attack_probabilities(game, best_coverage, rationality)
    seconds = time.perf_counter() - started
    return GameSolution(
        coverage=best_coverage,
        defender_utility=best_value,
        attacker_utility=float(q @ game.attacker_utilities(best_coverage)),
        attacked=int(np.argmax(q)),
        solver="qr",
        seconds=seconds,
        notes=(
            f"quantal-response attacker, lambda={rationality:g}; utilities are expected "
            "values over his randomised choice, attacked_target is his most likely target",
        ),
    )
