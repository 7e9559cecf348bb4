"""Pricing: the roster worth most at given window prizes, and how much any route can be worth.

The master programme (patrol.py) prices each window; a roster's worth is the sum of the
prizes of the windows it visits (a window visited by two units counts once). The tools:

* ``price_with_pyvrp`` -- a good roster, quickly: PyVRP's prize-collecting search with every
  unit as its own vehicle. A heuristic: it cannot prove that no better roster exists.
* ``price_exactly`` -- the best roster and a proof: a mixed-integer programme on HiGHS (arcs
  between windows per unit, start times with big-M sequencing). Small problems only; with a
  time limit its dual bound is still a valid upper bound.
* ``unit_route_bound`` -- an upper bound on one unit's best route at given prizes, for any
  size of problem: a dynamic programme over a minute grid that only ever errs in the
  unit's favour (bound.py builds the relaxation bound on it);
* ``pressure_prizes`` -- prizes for the windows nearest the attacker's level, to price
  extra rosters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from sanctuary.solvers.highs import add_rows, new_highs
from sanctuary.solvers.patrol_problem import PatrolProblem
from sanctuary.solvers.rosters import Roster, TravelTable, empty_roster, schedule

FloatArray = NDArray[np.float64]
_INF = highspy.kHighsInf

# PyVRP prizes are integers and travel costs are seconds. The most valuable window is worth
# PRIZE_SCALE (under PyVRP's largest time-warp penalty of 100,000 a second: far larger prizes
# make late routes look worth their lateness), so a window worth 1% of it justifies a
# 17-minute detour. Windows the master does not price get FILL_PRIZE, a 3-minute detour:
# covering them on the way costs nothing and keeps the next round's rosters from starving
# them.
PRIZE_SCALE = 100_000
FILL_PRIZE = 180


def pressure_prizes(game: Any, coverage: FloatArray, level: float, floor: float) -> FloatArray:
    """Prizes for the windows the attacker is nearest to wanting, not only the binding ones.

    The master's duals sit on a handful of windows at the attacker's level (a vertex of the
    programme), so a roster priced by them fixes those and little else. Weighting every
    window by exp((U^a_i - level) / T), T a tenth of the distance from the floor, prices the
    whole crowd near the top at once (as multiplicative weights would); such rosters are
    extra columns, never part of the proof.
    """
    utilities = game.attacker_uncovered - coverage * game.attacker_loss
    temperature = 0.1 * max(level - floor, 0.0) + 1e-6 * game.payoff_scale()
    weights = np.exp(np.clip((utilities - level) / temperature, -50.0, 0.0))
    weights[weights < 1e-6] = 0.0
    prizes: FloatArray = weights * game.attacker_loss * game.coverage_cap
    return prizes


def unit_reach(problem: PatrolProblem, table: TravelTable) -> NDArray[np.bool_]:
    """(units x windows): could the unit go out from base, dwell inside the window, be back?"""
    site_places = table.bases + np.array([w.site for w in problem.windows], dtype=np.int64)
    earliest = np.array([w.start for w in problem.windows])
    latest = np.array([w.end - problem.dwell for w in problem.windows])
    reach = np.zeros((len(problem.units), len(problem.windows)), dtype=bool)
    for index, unit in enumerate(problem.units):
        matrix = table.matrices[unit.mode]
        out, back = matrix[index, site_places], matrix[site_places, index]
        start = np.maximum(earliest, unit.start + out)
        reach[index] = start <= np.minimum(latest, unit.end - problem.dwell - back)
    return reach


def price_with_pyvrp(
    problem: PatrolProblem,
    table: TravelTable,
    prizes: FloatArray,
    reach: NDArray[np.bool_],
    seed: int,
    iterations: int,
    seconds: float,
    units: Sequence[int] | None = None,
) -> tuple[Roster, bool]:
    """A roster collecting much of ``prizes``; True if the search stopped at its time limit.

    Only ``units`` (default all) are routed, to the windows they can reach; the others get
    empty routes.
    """
    units = list(range(len(problem.units))) if units is None else list(units)
    top = float(prizes.max()) if prizes.size else 0.0
    reachable = reach[units].any(axis=0)
    chosen = np.flatnonzero(reachable)
    if top <= 0 or not chosen.size or not units:
        return empty_roster(problem), False
    scaled = np.where(prizes[chosen] > 0, np.round(PRIZE_SCALE * prizes[chosen] / top), 0)
    integer_prizes = np.maximum(scaled, FILL_PRIZE).astype(np.int64)

    site_ids = sorted({problem.windows[w].site for w in chosen})
    places = units + [table.bases + s for s in site_ids]
    location_of_site = {s: len(units) + k for k, s in enumerate(site_ids)}
    locations = [Location(x=0, y=0) for _ in places]
    modes = sorted({problem.units[u].mode for u in units}, key=str)
    profile = {mode: k for k, mode in enumerate(modes)}
    index = np.array(places)
    matrices: list[Any] = [table.matrices[mode][np.ix_(index, index)] for mode in modes]
    members = [problem.units[u] for u in units]
    depots = [
        Depot(location=k, tw_early=unit.start, tw_late=unit.end, name=unit.id)
        for k, unit in enumerate(members)
    ]
    vehicles = [
        VehicleType(
            num_available=1,
            start_depot=k,
            end_depot=k,
            tw_early=unit.start,
            tw_late=unit.end,
            profile=profile[unit.mode],
            name=unit.id,
        )
        for k, unit in enumerate(members)
    ]
    clients = [
        Client(
            location=location_of_site[problem.windows[w].site],
            service_duration=problem.dwell,
            tw_early=problem.windows[w].start,
            tw_late=problem.windows[w].end - problem.dwell,
            prize=int(prize),
            required=False,
            name=problem.windows[w].id,
        )
        for w, prize in zip(chosen, integer_prizes, strict=True)
    ]
    data = ProblemData(locations, clients, depots, vehicles, matrices, matrices, [], [])
    stop = MultipleCriteria(
        [NoImprovement(iterations), MaxIterations(20 * iterations), MaxRuntime(seconds)]
    )
    result = solve(data, stop, seed=seed, collect_stats=False, display=False)
    routes: list[tuple[int, ...]] = [() for _ in problem.units]
    for route in result.best.routes():
        unit = units[route.vehicle_type()]
        visits = tuple(int(chosen[a.idx]) for a in route if a.is_client())
        # PyVRP and our timing use the same whole seconds; anything it would make late is
        # left out rather than trusted.
        if not route.has_time_warp() and schedule(problem, table, unit, visits) is not None:
            routes[unit] = visits
    return tuple(routes), result.runtime >= seconds * 0.999


def _arcs(
    problem: PatrolProblem, table: TravelTable, unit_index: int, candidates: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray, FloatArray]:
    """Feasible window-to-window arcs of one unit, and each window's start-time range."""
    unit = problem.units[unit_index]
    matrix = table.matrices[unit.mode]
    places = table.bases + np.array([problem.windows[w].site for w in candidates])
    out, back = matrix[unit_index, places], matrix[places, unit_index]
    early = np.maximum([problem.windows[w].start for w in candidates], unit.start + out)
    late = np.minimum(
        [problem.windows[w].end - problem.dwell for w in candidates],
        unit.end - problem.dwell - back,
    )
    hop = matrix[np.ix_(places, places)] + problem.dwell
    possible = early[:, None] + hop <= late[None, :]
    np.fill_diagonal(possible, False)
    tails, heads = np.nonzero(possible)
    return tails, heads, early.astype(float), late.astype(float)


def exact_pricing_size(reach: NDArray[np.bool_], units: Sequence[int]) -> int:
    """Arcs the exact programme would have at most: the measure of what it can take on."""
    per_unit = reach[list(units)].sum(axis=1)
    return int((per_unit**2).sum())


def price_exactly(
    problem: PatrolProblem,
    table: TravelTable,
    prizes: FloatArray,
    reach: NDArray[np.bool_],
    time_limit: float,
    units: Sequence[int] | None = None,
) -> tuple[Roster, float]:
    """The roster worth most at ``prizes`` and an upper bound on any roster's worth.

    Per unit u and window i a start time T_ui and arcs x_uij between windows (only those a
    unit could take in time); y_ui = sum of arcs into i is 1 if u visits i; the window counts
    z_i <= min(1, sum_u y_ui). Maximise sum_i prize_i z_i subject to: at most one arc out of
    the base, flow conservation, and T_uj >= T_ui + dwell + travel_ij - M (1 - x_uij) with
    M = late_i + dwell + travel_ij - early_j. The base legs are bounds on T: no route reaches
    i before leaving base and travelling straight there, nor can it return later (travel
    times obey the triangle inequality). With a time limit the bound is HiGHS's dual bound.
    """
    units = list(range(len(problem.units))) if units is None else list(units)
    reach = reach & np.isin(np.arange(len(problem.units)), units)[:, None]
    priced = prizes > 0
    highs = new_highs(time_limit, exact=True)
    highs.setOptionValue("mip_rel_gap", 1e-7)
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    z_cols = np.flatnonzero(priced & reach.any(axis=0))
    column = 0

    def add_columns(
        count: int, cost: Any, lower: Any, upper: Any, integer: bool = False
    ) -> NDArray[np.int64]:
        nonlocal column
        highs.addCols(
            count,
            np.asarray(cost, dtype=np.float64),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
            0,
            np.array([], np.int32),
            np.array([], np.int32),
            np.array([], np.float64),
        )
        indices = np.arange(column, column + count)
        if integer and count:
            highs.changeColsIntegrality(
                count, indices.astype(np.int32), np.full(count, highspy.HighsVarType.kInteger)
            )
        column += count
        return indices

    z_index = add_columns(len(z_cols), prizes[z_cols], np.zeros(len(z_cols)), np.ones(len(z_cols)))
    z_of = dict(zip(z_cols.tolist(), z_index.tolist(), strict=True))
    coverage_rows: dict[int, list[tuple[int, float]]] = {int(w): [] for w in z_cols}
    rows: list[tuple[np.ndarray, np.ndarray]] = []
    lower: list[float] = []
    upper: list[float] = []
    unit_parts: list[Any] = []
    for u, unit in enumerate(problem.units):
        candidates = np.flatnonzero(priced & reach[u])
        if u not in units or not candidates.size:
            unit_parts.append(None)
            continue
        k = len(candidates)
        tails, heads, early, late = _arcs(problem, table, u, candidates)
        starts = add_columns(k, np.zeros(k), np.zeros(k), np.ones(k), integer=True)  # base -> i
        ends = add_columns(k, np.zeros(k), np.zeros(k), np.ones(k), integer=True)  # i -> base
        arcs = add_columns(
            len(tails),
            np.zeros(len(tails)),
            np.zeros(len(tails)),
            np.ones(len(tails)),
            integer=True,
        )
        times = add_columns(k, np.zeros(k), early, late)
        rows.append((starts, np.ones(k)))  # leave base at most once
        lower.append(-_INF)
        upper.append(1.0)
        for local in range(k):
            into = np.concatenate([[starts[local]], arcs[heads == local]])
            out_of = np.concatenate([[ends[local]], arcs[tails == local]])
            rows.append(
                (
                    np.concatenate([into, out_of]),
                    np.concatenate([np.ones(len(into)), -np.ones(len(out_of))]),
                )
            )
            lower.append(0.0)
            upper.append(0.0)
            rows.append((into, np.ones(len(into))))
            lower.append(-_INF)
            upper.append(1.0)
            coverage_rows[int(candidates[local])] += [(int(c), 1.0) for c in into]
        matrix = table.matrices[unit.mode]
        places = table.bases + np.array([problem.windows[w].site for w in candidates])
        for arc, (i, j) in enumerate(zip(tails, heads, strict=True)):
            hop = problem.dwell + float(matrix[places[i], places[j]])
            big = late[i] + hop - early[j]
            # T_j - T_i - M x_ij >= hop - M
            rows.append((np.array([times[j], times[i], arcs[arc]]), np.array([1.0, -1.0, -big])))
            lower.append(hop - big)
            upper.append(_INF)
        unit_parts.append((candidates, starts, ends, arcs, tails, heads))
    for window, z in z_of.items():
        entries = coverage_rows[window]
        rows.append(
            (np.array([z] + [c for c, _ in entries]), np.array([1.0] + [-v for _, v in entries]))
        )
        lower.append(-_INF)
        upper.append(0.0)
    if rows:
        add_rows(highs, lower, upper, rows)
    highs.run()
    info = highs.getInfo()
    solution = np.asarray(highs.getSolution().col_value)
    bound = float(info.mip_dual_bound) if solution.size else float(prizes[z_cols].sum())
    if not np.isfinite(bound):
        bound = float(prizes[z_cols].sum())
    routes: list[tuple[int, ...]] = [() for _ in problem.units]
    if solution.size == column:
        for u, part in enumerate(unit_parts):
            if part is None:
                continue
            candidates, starts, ends, arcs, tails, heads = part
            first = np.flatnonzero(solution[starts] > 0.5)
            if not first.size:
                continue
            route, here = [int(candidates[first[0]])], int(first[0])
            while solution[ends[here]] < 0.5 and len(route) <= len(candidates):
                following = np.flatnonzero((tails == here) & (solution[arcs] > 0.5))
                if not following.size:
                    break
                here = int(heads[following[0]])
                route.append(int(candidates[here]))
            # A window two units visit counts once: the later unit leaves it out.
            taken = {w for other in routes for w in other}
            visits = tuple(w for w in route if w not in taken)
            if schedule(problem, table, u, visits) is not None:
                routes[u] = visits
    return tuple(routes), max(bound, 0.0)


def unit_route_bound(
    problem: PatrolProblem,
    table: TravelTable,
    unit_index: int,
    prizes: FloatArray,
    candidates: NDArray[np.int64],
) -> tuple[float, NDArray[np.int64]]:
    """An upper bound on one unit's best route worth at ``prizes``, and the windows it uses.

    Dynamic programme over start minutes: V_j(g) = prize_j + max(0, max_i M_i(g - gap_ij)),
    M_i the running maximum of V_i. Every rounding is in the unit's favour (start times
    rounded down, gaps = floor((dwell + travel)/60) minutes, windows widened to whole
    minutes), a window may be visited again after another, and the base legs are bounds, so
    every real route maps to a path of at least its worth: the value is an upper bound.
    """
    unit = problem.units[unit_index]
    k = len(candidates)
    if not k:
        return 0.0, candidates
    matrix = table.matrices[unit.mode]
    places = table.bases + np.array([problem.windows[w].site for w in candidates])
    grid = max(1, min(60, problem.dwell))
    out, back = matrix[unit_index, places], matrix[places, unit_index]
    early = np.maximum([problem.windows[w].start for w in candidates], unit.start + out) // grid
    late = (
        np.minimum(
            [problem.windows[w].end - problem.dwell for w in candidates],
            unit.end - problem.dwell - back,
        )
        // grid
    )
    gap = (problem.dwell + matrix[np.ix_(places, places)]) // grid
    origin, horizon = int(early.min()), int(late.max()) + 1
    length = horizon - origin
    value = np.full((k, length), -np.inf)
    running = np.full((k, length), -np.inf)  # M_i(g): best route ending with i started by g
    worth = prizes[candidates]
    can_follow = early[:, None] + gap <= late[None, :]
    np.fill_diagonal(can_follow, False)
    tails, heads = np.nonzero(can_follow)
    order = np.argsort(heads, kind="stable")
    tails, heads = tails[order], heads[order]
    pair_gap = gap[tails, heads]
    for g in range(length):
        minute = origin + g
        open_now = (early <= minute) & (late >= minute)
        if open_now.any():
            active = open_now[heads]
            before = g - pair_gap[active]
            best_before = np.full(k, 0.0)
            valid = before >= 0
            if valid.any():
                reached = running[tails[active][valid], before[valid]]
                np.maximum.at(best_before, heads[active][valid], reached)
            value[open_now, g] = worth[open_now] + best_before[open_now]
        running[:, g] = value[:, g] if g == 0 else np.maximum(running[:, g - 1], value[:, g])
    best = float(running[:, -1].max())
    # Which windows the best path uses (for the Lagrangian's subgradient): walk back.
    used: list[int] = []
    j, g = int(np.argmax(running[:, -1])), int(np.argmax(value[int(np.argmax(running[:, -1]))]))
    remaining = best
    while remaining > 1e-12 and len(used) <= length:
        used.append(j)
        remaining -= worth[j]
        if remaining <= 1e-12:
            break
        arriving = (heads == j) & (g - pair_gap >= 0)
        options = np.flatnonzero(arriving)
        found = False
        for pair in options:
            i, h = int(tails[pair]), g - int(pair_gap[pair])
            if running[i, h] >= remaining - 1e-9 * max(1.0, best):
                g = int(np.flatnonzero(value[i, : h + 1] >= remaining - 1e-9 * max(1.0, best))[0])
                j, found = i, True
                break
        if not found:
            break
    return best, candidates[np.array(used, dtype=np.int64)]
