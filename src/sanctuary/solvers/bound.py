"""A lower bound on the attacker's level that no mixture of rosters can beat.

The plan's master (patrol.py) is priced by a heuristic, so it cannot prove that no better
roster exists. The bound comes from a relaxation instead, solved by its own column
generation with exact pricing:

* each unit's routes are mixed on their own, and window i's coverage is only held to
  ``c_i <= min(cap_i, sum_u P(u visits i))`` (two units may visit it in one roster);
* a route is relaxed to a path of the dynamic programme in pricing.py (minute grid rounded in
  the unit's favour, a window may come twice), and that programme prices it exactly.

For duals pi >= 0 (sum pi <= 1) of the attacker rows and mu >= 0 of the coverage rows, any
mixture of real rosters, with marginals c, holds the attacker at least at

    sum_i pi_i A^u_i + (1 - sum pi) floor - sum_i cap_i (pi_i dA_i - mu_i)^+
                     - sum_u max over u's routes of sum_i mu_i [u visits i]

(docs/patrol-planning.md §3.3); the last term is at most the programme's value per unit. It
holds for any duals, so it is valid at every round, converged or not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import highspy
import numpy as np
from numpy.typing import NDArray

from sanctuary.solvers.games import FloatArray, SecurityGame
from sanctuary.solvers.highs import new_highs
from sanctuary.solvers.patrol_problem import PatrolProblem
from sanctuary.solvers.pricing import pressure_prizes, price_exactly, unit_route_bound
from sanctuary.solvers.rosters import TravelTable

_INF = highspy.kHighsInf
# A unit with at most this many priced windows it can reach is priced by the exact
# programme (elementary routes: a tighter bound), within EXACT_SECONDS; beyond, by the
# dynamic programme. With its time limit the programme's dual bound is still a valid bound.
EXACT_CANDIDATES = 60
EXACT_SECONDS = 2.0


class RelaxedMaster:
    """min x: x + dA_i c_i >= A^u_i; sum_{u,r} a_ir y_ur - c_i >= 0; sum_r y_ur = 1 per unit."""

    def __init__(self, game: SecurityGame, floor: float, units: int) -> None:
        n = game.size
        self.n, self.game = n, game
        highs = self.highs = new_highs(exact=True)
        highs.addCol(1.0, floor, _INF, 0, np.array([], np.int32), np.array([]))
        highs.addCols(
            n,
            np.zeros(n),
            np.zeros(n),
            game.coverage_cap.astype(np.float64),
            0,
            np.array([], np.int32),
            np.array([], np.int32),
            np.array([]),
        )
        columns = np.arange(1, n + 1, dtype=np.int32)
        # Attacker rows: x + dA_i c_i >= A^u_i.
        highs.addRows(
            n,
            game.attacker_uncovered.astype(np.float64),
            np.full(n, _INF),
            2 * n,
            np.arange(0, 2 * n, 2, dtype=np.int32),
            np.column_stack([np.zeros(n, np.int32), columns]).ravel(),
            np.column_stack([np.ones(n), game.attacker_loss]).ravel(),
        )
        # Coverage rows: sum a y - c_i >= 0 (routes are added as columns later).
        highs.addRows(
            n,
            np.zeros(n),
            np.full(n, _INF),
            n,
            np.arange(n, dtype=np.int32),
            columns,
            -np.ones(n),
        )
        for _ in range(units):
            highs.addRow(1.0, 1.0, 0, np.array([], np.int32), np.array([]))

    def add(self, unit: int, windows: NDArray[np.int64]) -> None:
        # A route covers a window once, however often the relaxed path passes it.
        rows = np.unique(windows)
        rows = np.append(self.n + rows, 2 * self.n + unit).astype(np.int32)
        values = np.ones(len(rows))
        self.highs.addCol(0.0, 0.0, _INF, len(rows), rows, values)

    def solve(self) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        """The level, the attacker rows' duals, the coverage rows' duals, the units' duals."""
        self.highs.run()
        solution = self.highs.getSolution()
        duals = np.asarray(solution.row_dual)
        n = self.n
        columns = np.asarray(solution.col_value)
        # What the routes make available (coverage row activity plus c), not the c chosen.
        offered = np.asarray(solution.row_value)[n : 2 * n] + columns[1 : n + 1]
        self.coverage = np.clip(offered, 0.0, 1.0) * self.game.coverage_cap
        return float(columns[0]), duals[:n], duals[n : 2 * n], duals[2 * n :]


def level_bound(
    game: SecurityGame,
    floor: float,
    attacker_duals: FloatArray,
    coverage_duals: FloatArray,
    route_values: float,
) -> float:
    """The formula of the module docstring, for any duals (clipped and scaled to be valid)."""
    pi = np.clip(attacker_duals, 0.0, None)
    total = float(pi.sum())
    if total > 1:
        pi, total = pi / total, 1.0
    mu = np.clip(coverage_duals, 0.0, None)
    spare = float(np.clip(pi * game.attacker_loss - mu, 0.0, None) @ game.coverage_cap)
    level = float(pi @ game.attacker_uncovered) + (1 - total) * floor - spare - route_values
    return float(max(floor, level - 1e-9 * game.payoff_scale()))


def relaxed_level_bound(
    problem: PatrolProblem,
    table: TravelTable,
    game: SecurityGame,
    reach: NDArray[np.bool_],
    floor: float,
    known_routes: Sequence[tuple[int, tuple[int, ...]]],
    deadline: float,
    stop: Callable[[], bool],
) -> tuple[float, int]:
    """The best bound found before ``deadline``, and the rounds it took.

    ``known_routes`` (unit, windows) -- e.g. every route of the plan's rosters -- start the
    relaxation near where the plan already is.
    """
    units = len(problem.units)
    master = RelaxedMaster(game, floor, units)
    for unit in range(units):
        master.add(unit, np.array([], dtype=np.int64))
    for unit, route in known_routes:
        if route:
            master.add(unit, np.array(route, dtype=np.int64))
    best, rounds = floor, 0
    while time.perf_counter() < deadline and not stop():
        rounds += 1
        level, pi, mu, sigma = master.solve()
        priced = np.clip(mu, 0.0, None)
        pressure = pressure_prizes(game, master.coverage, level, floor)
        values = np.zeros(units)
        complete = True
        for unit in range(units):
            if time.perf_counter() > deadline:
                complete = False
                break
            candidates = np.flatnonzero((priced > 1e-12) & reach[unit])
            if len(candidates) <= EXACT_CANDIDATES:
                # Small enough for the exact programme: real routes, each window once.
                roster, value = price_exactly(problem, table, priced, reach, EXACT_SECONDS, [unit])
                used = np.array(roster[unit], dtype=np.int64)
            else:
                value, used = unit_route_bound(problem, table, unit, priced, candidates)
            values[unit] = value
            if value > -sigma[unit] + 1e-9 * game.payoff_scale() and used.size:
                master.add(unit, used)
            crowd = np.flatnonzero((pressure > 0) & reach[unit])
            extra = unit_route_bound(problem, table, unit, pressure, crowd)[1]
            if extra.size:
                master.add(unit, extra)
        if not complete:
            break
        best = max(best, level_bound(game, floor, pi, mu, float(values.sum())))
        if (values <= -sigma + 1e-9 * game.payoff_scale()).all():
            break
    return best, rounds


# Intervals longer than this add little: the busy hours are what bind.
INTERVAL_SPAN = 4 * 3600


def interval_level_bound(
    problem: PatrolProblem,
    table: TravelTable,
    game: SecurityGame,
    reach: NDArray[np.bool_],
    floor: float,
) -> float:
    """A level no mixture can hold the attacker below, from what units can do in busy hours.

    For an interval I (from a window's start to a window's end) and a mode M, a unit of mode
    M spends on each of its visits to a window inside I the dwell plus the hop into it; a
    hop into a site with no other window inside I comes from another site, so it takes at
    least that site's nearest-neighbour time nn_M. Only its first hop may start before I,
    so for every roster and every unit u of mode M

        sum over u's visits to windows inside I of (dwell + hop_i) <= |I ∩ shift_u| + max nn_M.

    With c_i^M the probability that a unit of mode M visits i (c_i <= sum_M c_i^M), these
    are linear constraints every mixture meets; the least attacker level under them (and
    x >= A^u_i - dA_i c_i) is a lower bound on x*. A linear programme on HiGHS.
    """
    n = game.size
    if not problem.units:
        return floor
    starts = np.array([w.start for w in problem.windows])
    ends = np.array([w.end for w in problem.windows])
    sites = np.array([w.site for w in problem.windows])
    modes = sorted({u.mode for u in problem.units}, key=str)
    unit_modes = np.array([modes.index(u.mode) for u in problem.units])
    places = table.bases + np.arange(len(problem.sites))
    nearest = {}
    for mode in modes:
        hops = table.matrices[mode][np.ix_(places, places)].astype(float)
        np.fill_diagonal(hops, np.inf)
        nearest[mode] = hops.min(axis=0) if len(places) > 1 else np.zeros(len(places))
    highs = new_highs(exact=True)
    # Columns: x, c_1..c_n, then c_i^M for each mode M.
    m = len(modes)
    highs.addCol(1.0, floor, _INF, 0, np.array([], np.int32), np.array([]))
    cap = game.coverage_cap.astype(np.float64)
    highs.addCols(
        n,
        np.zeros(n),
        np.zeros(n),
        cap,
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([]),
    )
    mode_reach = np.array([reach[unit_modes == k].any(axis=0) for k in range(m)], dtype=float)
    highs.addCols(
        m * n,
        np.zeros(m * n),
        np.zeros(m * n),
        mode_reach.ravel(),
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([]),
    )
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    lower: list[float] = []
    upper: list[float] = []
    for i in range(n):
        rows.append((np.array([0, 1 + i]), np.array([1.0, game.attacker_loss[i]])))
        lower.append(float(game.attacker_uncovered[i]))
        upper.append(_INF)
        # c_i <= sum_M c_i^M
        rows.append(
            (
                np.array([1 + i] + [1 + n + k * n + i for k in range(m)]),
                np.array([1.0] + [-1.0] * m),
            )
        )
        lower.append(-_INF)
        upper.append(0.0)
    shift_start = np.array([u.start for u in problem.units])
    shift_end = np.array([u.end for u in problem.units])
    for a in np.unique(starts):
        for b in np.unique(ends[(ends > a) & (ends <= a + INTERVAL_SPAN)]):
            inside = np.flatnonzero((starts >= a) & (ends <= b) & (cap > 0))
            if not inside.size:
                continue
            counts = np.bincount(sites[inside], minlength=len(problem.sites))
            alone = counts[sites[inside]] == 1
            overlap = np.clip(np.minimum(shift_end, b) - np.maximum(shift_start, a), 0, None)
            for k, mode in enumerate(modes):
                hop = np.where(alone, nearest[mode][sites[inside]], 0.0)
                members = (unit_modes == k) & reach[:, inside].any(axis=1)
                usable = overlap[members]
                usable = usable[usable >= problem.dwell]
                if not usable.size:
                    continue
                capacity = float(usable.sum() + usable.size * hop.max())
                cost = problem.dwell + hop
                if cost.sum() <= capacity:
                    continue  # the interval cannot bind
                rows.append((1 + n + k * n + inside, cost))
                lower.append(-_INF)
                upper.append(capacity)
    from sanctuary.solvers.highs import add_rows

    add_rows(highs, lower, upper, rows)
    highs.run()
    if highs.modelStatusToString(highs.getModelStatus()) != "Optimal":
        return floor
    level = float(highs.getInfo().objective_function_value)
    return float(max(floor, level - 1e-9 * game.payoff_scale() * (1 + abs(level))))
