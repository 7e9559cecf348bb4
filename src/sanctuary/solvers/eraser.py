"""The same security game as a mixed-integer programme (ERASER), solved by HiGHS.

ERASER (Kiekintveld et al., AAMAS 2009, section 4) with variables coverage ``c``, attack
indicators ``a`` (binary, one of them 1), the defender's value ``d`` and the attacker's ``k``::

    maximise d
    subject to  sum_i a_i = 1,            sum_i c_i <= m,           0 <= c_i <= 1
                d - U^d_i(c_i) <= (1 - a_i) Z_d
                0 <= k - U^a_i(c_i) <= (1 - a_i) Z_a

A big-M programme is only as precise as its integrality tolerance times M, so once the MILP
has chosen the attacked target t we re-solve the linear programme with t fixed (the
"multiple LPs" of Conitzer and Sandholm 2006, restricted to that one t): no big M, and the
utility comes out to LP precision. The MILP still decides everything that matters.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from sanctuary.solvers.games import GameSolution, SecurityGame, best_response
from sanctuary.solvers.highs import add_rows, new_highs

_INF = highspy.kHighsInf


def _attacked_by_milp(game: SecurityGame, time_limit: float | None) -> tuple[int, str]:
    n = game.size
    gain, loss = game.defender_gain, game.attacker_loss
    big_d = float(game.defender_covered.max() - game.defender_uncovered.min()) + 1.0
    big_a = float(game.attacker_uncovered.max() - game.attacker_covered.min()) + 1.0
    highs = new_highs(time_limit, exact=True)
    # Columns: c_0..c_{n-1}, a_0..a_{n-1}, d, k.
    cost = np.zeros(2 * n + 2)
    cost[2 * n] = 1.0
    lower = np.concatenate([np.zeros(2 * n), [-_INF, -_INF]])
    upper = np.concatenate([game.coverage_cap, np.ones(n), [_INF, _INF]])
    highs.addCols(
        2 * n + 2,
        cost,
        lower,
        upper,
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([], np.float64),
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.changeColsIntegrality(
        n, np.arange(n, 2 * n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
    )
    c_col, a_col, d_col, k_col = np.arange(n), np.arange(n, 2 * n), 2 * n, 2 * n + 1
    rows: list[tuple[np.ndarray, np.ndarray]] = [
        (a_col, np.ones(n)),
        (c_col, np.ones(n)),
    ]
    row_lower: list[float] = [1.0, -_INF]
    row_upper: list[float] = [1.0, game.resources]
    for i in range(n):
        # d - D^u_i - c_i gain_i + Z_d a_i <= Z_d
        rows.append((np.array([d_col, c_col[i], a_col[i]]), np.array([1.0, -gain[i], big_d])))
        row_lower.append(-_INF)
        row_upper.append(big_d + game.defender_uncovered[i])
        # k - A^u_i + c_i loss_i >= 0, and k - A^u_i + c_i loss_i + Z_a a_i <= Z_a
        rows.append((np.array([k_col, c_col[i]]), np.array([1.0, loss[i]])))
        row_lower.append(game.attacker_uncovered[i])
        row_upper.append(_INF)
        rows.append((np.array([k_col, c_col[i], a_col[i]]), np.array([1.0, loss[i], big_a])))
        row_lower.append(-_INF)
        row_upper.append(big_a + game.attacker_uncovered[i])
    add_rows(highs, row_lower, row_upper, rows)
    highs.run()
    status = highs.getModelStatus()
    solution = np.asarray(highs.getSolution().col_value)
    if solution.size != 2 * n + 2:
        raise RuntimeError(f"HiGHS found no solution: {highs.modelStatusToString(status)}")
    return int(np.argmax(solution[a_col])), highs.modelStatusToString(status)


def _coverage_with_target_fixed(game: SecurityGame, attacked: int) -> np.ndarray:
    """Maximise c_t subject to t being a best response: the LP for one attacked target."""
    n = game.size
    loss = game.attacker_loss
    highs = new_highs(exact=True)
    # Columns: c_0..c_{n-1}, k (the attacker's level).
    cost = np.zeros(n + 1)
    cost[attacked] = 1.0
    highs.addCols(
        n + 1,
        cost,
        np.concatenate([np.zeros(n), [-_INF]]),
        np.concatenate([game.coverage_cap, [_INF]]),
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([], np.float64),
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    rows: list[tuple[np.ndarray, np.ndarray]] = [(np.arange(n), np.ones(n))]
    row_lower: list[float] = [-_INF]
    row_upper: list[float] = [game.resources]
    for i in range(n):
        # k >= U^a_i(c_i), with equality at the attacked target.
        rows.append((np.array([n, i]), np.array([1.0, loss[i]])))
        row_lower.append(game.attacker_uncovered[i])
        row_upper.append(game.attacker_uncovered[i] if i == attacked else _INF)
    add_rows(highs, row_lower, row_upper, rows)
    highs.run()
    return np.clip(np.asarray(highs.getSolution().col_value)[:n], 0.0, 1.0)


def solve_milp(game: SecurityGame, time_limit: float | None = None) -> GameSolution:
    """The SSE by ERASER on HiGHS; ``time_limit`` caps the MILP (reported in ``notes``)."""
    started = time.perf_counter()
    attacked, status = _attacked_by_milp(game, time_limit)
    coverage = _coverage_with_target_fixed(game, attacked)
    seconds = time.perf_counter() - started
    defender = float(game.defender_utilities(coverage)[attacked])
    attacker = float(game.attacker_utilities(coverage)[attacked])
    # The LP makes t a best response only up to its tolerance; if rounding hands the attack
    # to another target, report what that attack is really worth.
    response = best_response(game, coverage)
    if response.attacked != attacked and response.defender_utility < defender:
        attacked, defender, attacker = (
            response.attacked,
            response.defender_utility,
            response.attacker_utility,
        )
    notes = () if status == "Optimal" else (f"HiGHS stopped early: {status}",)
    return GameSolution(coverage, defender, attacker, attacked, "milp", seconds, notes)
