"""The previous patrol planner, kept as a baseline for bench/bench_patrol.py.

It was src/sanctuary/solvers/patrol.py until column generation replaced it (issue 13 §5);
docs/patrol-planning.md §5 summarises it; its full description is that document's §2.3-2.6
as of commit cbb6a7d.

From a security game's coverage to randomised, routed rosters.

1. The game: every gathering window is a target; the resources m are the window-visits the
   units can make (estimated below, or given); windows no unit can reach stay uncovered.
   The exact solver gives the ideal coverage c, and the bound.
2. One draw: a set of windows sampled so that window i is in it with probability exactly
   p_i (systematic sampling over a random order), then routed with PyVRP.
3. What is really achieved: the draw is repeated for K derived seeds; a sampled window the
   routes could not reach is not covered, so the plan reports p_i times the observed share
   of sampled draws in which window i was really visited, and the utility of that coverage.
4. Calibration: p starts at c; that first round is a pilot, measuring how many visits
   routing delivers in each time slice where the sample asked for more. Later rounds solve
   the game within those slice capacities (a linear programme for the defender's security
   level), then with each window's coverage only as effective as routing made it; the best
   round is kept.

The returned routes are draw 0 of the kept round, the draw for the problem's seed.
See docs/patrol-planning.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sanctuary.solvers.games import (
    FloatArray,
    GameSolution,
    SecurityGame,
    best_response,
    solve_exact,
)
from sanctuary.solvers.patrol_problem import PatrolProblem, problem_from_document
from sanctuary.solvers.routing import RoutingOutcome, UnitRoute, route_windows
from sanctuary.solvers.travel import StraightLineTravelTimes, TravelTimes

# Pseudo-draws at the pooled success rate added to each window's own (see realise()).
SHRINKAGE = 1.0
# A time slice whose sampled visits routing delivered less than this share of is saturated:
# what routing delivered there is taken as the slice's capacity (see slice_capacities()).
SATURATED = 0.95


def sample_windows(coverage: FloatArray, rng: np.random.Generator) -> np.ndarray:
    """Indices of a sample that contains window i with probability exactly ``coverage[i]``.

    Lay the windows end to end in a random order, window i taking an interval of length c_i
    on a line, and pick the points u, u+1, u+2, ... for one uniform u in [0, 1). An interval
    of length c_i <= 1 holds a point with probability c_i, whatever the order; the sample
    size is floor or ceil of sum(c).
    """
    clipped = np.clip(coverage, 0.0, 1.0)
    order = rng.permutation(len(clipped))
    upper = np.cumsum(clipped[order])
    lower = upper - clipped[order]
    offset = rng.random()
    holds_a_point = np.ceil(upper - offset) > np.ceil(lower - offset)
    return np.sort(order[holds_a_point])


def reachable_windows(problem: PatrolProblem, travel: TravelTimes) -> np.ndarray:
    """Which windows some unit could visit at all: out from base, a dwell inside, back in time."""
    sites = problem.site_coordinates()
    site_of = np.array([window.site for window in problem.windows])
    earliest = np.array([window.start for window in problem.windows])
    latest = np.array([window.end - problem.dwell for window in problem.windows])
    reachable = np.zeros(len(problem.windows), dtype=bool)
    for unit in problem.units:
        base = np.array([[unit.base_lat, unit.base_lon]])
        out = travel.matrix(unit.mode, base, sites)[0][site_of]
        back = travel.matrix(unit.mode, sites, base)[:, 0][site_of]
        start = np.maximum(earliest, unit.start + out)
        reachable |= start <= np.minimum(latest, unit.end - problem.dwell - back)
    return reachable


def estimate_resources(problem: PatrolProblem, travel: TravelTimes) -> float:
    """How many window-visits the units can make: the game's m.

    A unit can only usefully be on a visit while some gathering is on, so it has the part of
    its shift that overlaps any window; each visit costs a dwell plus a typical hop (the
    median travel time from a site to its nearest neighbour, in the unit's mode). m is the
    sum over units, at most the number of windows.
    """
    spans = sorted((window.start, window.end) for window in problem.windows)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    coordinates = problem.site_coordinates()
    hops: dict[Any, float] = {}
    total = 0.0
    for unit in problem.units:
        if unit.mode not in hops:
            if len(coordinates) > 1:
                seconds = travel.matrix(unit.mode, coordinates, coordinates).astype(float)
                np.fill_diagonal(seconds, np.inf)
                hops[unit.mode] = float(np.median(seconds.min(axis=1)))
            else:
                hops[unit.mode] = 0.0
        active = sum(max(0, min(end, unit.end) - max(start, unit.start)) for start, end in merged)
        total += np.floor(active / (problem.dwell + hops[unit.mode]))
    return float(min(total, len(problem.windows)))


def proportional_coverage(
    weights: FloatArray, resources: float, caps: FloatArray | None = None
) -> FloatArray:
    """Coverage proportional to ``weights``, capped (at 1, or ``caps``), the excess shared out."""
    caps = np.ones(len(weights)) if caps is None else caps
    coverage = np.zeros(len(weights))
    free = (caps > 0) & (weights > 0)
    remaining = min(resources, float(caps[free].sum()))
    while free.any() and remaining > 1e-12:
        share = remaining * weights[free] / weights[free].sum()
        full = share >= caps[free]
        if not full.any():
            coverage[free] = share
            break
        newly_full = np.flatnonzero(free)[full]
        coverage[newly_full] = caps[newly_full]
        free[newly_full] = False
        remaining -= float(caps[newly_full].sum())
    return coverage


def spend_spare_resources(game: SecurityGame, solution: GameSolution) -> FloatArray:
    """The SSE coverage with any resources ORIGAMI left over spread over the other targets.

    ORIGAMI stops when the attacker is held to his floor (a target he still likes fully
    covered, or one no unit can reach), possibly with resources to spare. Adding coverage
    anywhere but the attacked target only lowers the attacker's utility there, so his best
    response and the SSE value do not change; it does protect against an attacker who is
    not perfectly rational. The spare goes in proportion to what coverage gains the
    defender, capped at 1.
    """
    coverage = solution.coverage.copy()
    spare = game.resources - coverage.sum()
    if spare <= 1e-9:
        return coverage
    headroom = game.coverage_cap - coverage
    headroom[solution.attacked] = 0.0
    weights = np.maximum(game.defender_gain, 1e-9) * (headroom > 1e-12)
    coverage += proportional_coverage(weights, spare, headroom)
    return np.clip(coverage, 0.0, 1.0)


def time_slices(problem: PatrolProblem) -> FloatArray:
    """Where in time a window's visit falls: a (slices x windows) matrix of shares.

    The slices are the elementary intervals between consecutive distinct window starts and
    ends; entry (j, i) is the share of window i's span that lies in slice j (a visit is
    assumed equally likely anywhere in its window), so each column sums to 1.
    """
    starts = np.array([window.start for window in problem.windows], dtype=float)
    ends = np.array([window.end for window in problem.windows], dtype=float)
    edges = np.unique(np.concatenate([starts, ends]))
    low, high = edges[:-1, None], edges[1:, None]
    overlap = np.clip(np.minimum(high, ends) - np.maximum(low, starts), 0.0, None)
    shares: FloatArray = overlap / (ends - starts)
    return shares


def slice_capacities(shares: FloatArray, sampled: FloatArray, visited: FloatArray) -> FloatArray:
    """Visits per time slice that routing can deliver, measured on a pilot's draws.

    ``sampled`` and ``visited`` are per window, per draw. Where routing delivered less than
    ``SATURATED`` of a slice's sampled visits the slice is saturated and what it delivered
    is its capacity; elsewhere the pilot did not find the limit and the slice is left
    uncapped (infinity).
    """
    demand, delivered = shares @ sampled, shares @ visited
    capacity: FloatArray = np.where(delivered < SATURATED * demand, delivered, np.inf)
    return capacity


def solve_with_slice_capacities(
    game: SecurityGame,
    shares: FloatArray,
    capacities: FloatArray,
    effectiveness: FloatArray | None = None,
) -> FloatArray:
    """Coverage that protects every window as well as it can within each slice's capacity.

    Linear programmes (HiGHS) over the coverage c with ``0 <= c_i <= cap_i``, ``sum c <= m``
    and one row per capped time slice j: ``sum_i shares[j, i] e_i c_i <= capacities[j]``,
    where e_i (default 1) is the share of window i's coverage that becomes a visit. In turn:

    1. maximise y, the defender's worst utility over all windows (``U^d_i(c) >= y``): his
       security level, whichever window is attacked;
    2. with y held there, minimise x, the attacker's best utility (``U^a_i(c) <= x``);
    3. with both held, maximise the defender's expected gain ``sum_i c_i (D^c_i - D^u_i)``,
       so resources neither level needs go where they protect most.

    Step 1 is robust to what the SSE is not: an attacker who errs, or coverage estimated
    from a few routed draws, cannot push the defender below y (docs/patrol-planning.md §2.6).
    """
    from scipy import optimize, sparse  # half a second to import: only plans pay for it

    n = game.size
    e = np.ones(n) if effectiveness is None else effectiveness
    capped = np.isfinite(capacities)
    # Variables: c_1..c_n, y, x.
    column = sparse.csr_matrix(np.ones((n, 1)))
    zeros = sparse.csr_matrix((n, 1))
    defender = sparse.hstack([sparse.diags(-game.defender_gain), column, zeros])
    attacker = sparse.hstack([sparse.diags(-game.attacker_loss), zeros, -column])
    slices = sparse.hstack(
        [sparse.csr_matrix(shares[capped] * e), sparse.csr_matrix((int(capped.sum()), 2))]
    )
    budget = sparse.csr_matrix(np.append(np.ones(n), [0.0, 0.0]))
    rows = sparse.vstack([defender, attacker, slices, budget]).tocsr()
    limits = np.concatenate(
        [
            game.defender_uncovered,
            -game.attacker_uncovered,
            capacities[capped],
            [game.resources],
        ]
    )
    bounds: list[tuple[float | None, float | None]] = [
        (0.0, float(cap)) for cap in game.coverage_cap
    ]
    bounds += [(None, None), (None, None)]
    tolerance = 1e-9 * game.payoff_scale()

    def solve(objective: FloatArray) -> FloatArray:
        result = optimize.linprog(objective, A_ub=rows, b_ub=limits, bounds=bounds, method="highs")
        if result.status != 0:
            raise RuntimeError(f"slice-capacity programme failed: {result.message}")
        solution: FloatArray = result.x
        return solution

    worst = solve(np.append(np.zeros(n), [-1.0, 0.0]))
    bounds[n] = (float(worst[n]) - tolerance, None)
    level = solve(np.append(np.zeros(n), [0.0, 1.0]))
    bounds[n + 1] = (None, float(level[n + 1]) + tolerance)
    spread = solve(np.append(-game.defender_gain, [0.0, 0.0]))
    coverage: FloatArray = np.clip(spread[:n], 0.0, game.coverage_cap)
    return coverage


@dataclass(frozen=True)
class PatrolPlan:
    routes: tuple[UnitRoute, ...]
    resources: float
    ideal_coverage: FloatArray
    sampling_probabilities: FloatArray
    coverage: FloatArray
    defender_utility: float
    bound: float
    baselines: dict[str, float]
    baselines_unrouted: dict[str, float]
    calibration_round: int
    rounds: tuple[dict[str, float], ...]
    draws_hitting_time_limit: int
    seconds: float
    draws: tuple[RoutingOutcome, ...] = ()  # every routed draw of the kept round

    def to_document(self, problem: PatrolProblem) -> dict[str, Any]:
        def visits(route: UnitRoute) -> list[dict[str, Any]]:
            result = []
            for visit in route.visits:
                window = problem.windows[visit.window]
                result.append(
                    {
                        "window": window.id,
                        "site": problem.sites[window.site].id,
                        "arrive": problem.at(visit.arrive, window.zone),
                        "start": problem.at(visit.start, window.zone),
                        "end": problem.at(visit.end, window.zone),
                    }
                )
            return result

        def by_window(values: FloatArray) -> dict[str, float]:
            return {w.id: round(float(v), 6) for w, v in zip(problem.windows, values, strict=True)}

        document: dict[str, Any] = {
            "routes": [
                {
                    "unit": problem.units[route.unit].id,
                    "visits": visits(route),
                    "travel_minutes": round(route.travel_seconds / 60, 2),
                }
                for route in self.routes
            ],
            "coverage": by_window(self.coverage),
            "defender_utility": self.defender_utility,
            "bound": self.bound,
            "baselines": self.baselines,
            "baselines_unrouted": self.baselines_unrouted,
            "ideal_coverage": by_window(self.ideal_coverage),
            "sampling_probabilities": by_window(self.sampling_probabilities),
            "resources": self.resources,
            "replications": problem.replications,
            "calibration_round": self.calibration_round,
            "rounds": list(self.rounds),
            "seconds": round(self.seconds, 3),
        }
        if self.draws_hitting_time_limit:
            document["notes"] = [
                f"{self.draws_hitting_time_limit} of "
                f"{problem.replications * (problem.calibration_rounds + 3)} routing runs "
                "stopped at the time limit: routes may be less complete than they could be, "
                "and the same seed may not give the same routes"
            ]
        return document


@dataclass(frozen=True)
class Realisation:
    """K routed draws of one sampler, and the coverage they really achieve."""

    probabilities: FloatArray
    success: FloatArray
    coverage: FloatArray
    first: RoutingOutcome
    timed_out: int
    sampled: FloatArray  # times sampled, per draw
    visited: FloatArray  # times visited, per draw
    outcomes: tuple[RoutingOutcome, ...] = ()  # every draw's routes (for the benchmark)


def realise(
    problem: PatrolProblem,
    travel: TravelTimes,
    probabilities: FloatArray,
    stream: int,
    seconds_per_draw: float,
    priority: FloatArray | None = None,
) -> Realisation:
    """Sample and route K times; estimate P(window visited) for this sampler.

    Each draw has its own random stream, derived from (seed, stream, draw), so draw 0 is the
    same whether or not more draws follow it. P(visited) = p_i P(visited | sampled): the
    second factor is estimated as the share of the draws that sampled window i in which it
    was really visited (a ratio estimate, exact when routing never drops a window), shrunk
    towards the pooled share of all sampled windows by one pseudo-draw (``SHRINKAGE``); a
    window never sampled in K draws gets the pooled share.
    """
    n = len(problem.windows)
    sampled, visited = np.zeros(n), np.zeros(n)
    first: RoutingOutcome | None = None
    outcomes: list[RoutingOutcome] = []
    timed_out = 0
    for draw in range(problem.replications):
        rng = np.random.default_rng([problem.seed, stream, draw])
        chosen = sample_windows(probabilities, rng)
        router_seed = int(rng.integers(2**31 - 1))
        outcome = route_windows(
            problem, travel, chosen.tolist(), router_seed, seconds_per_draw, priority
        )
        first = outcome if first is None else first
        outcomes.append(outcome)
        sampled[chosen] += 1
        visited[sorted(outcome.visited())] += 1
        timed_out += outcome.hit_time_limit
    assert first is not None
    pooled = visited.sum() / sampled.sum() if sampled.sum() else 1.0
    # One pseudo-draw at the pooled rate steadies windows sampled only a few times; without
    # it the attacker's best response would pick whichever estimate was unluckiest.
    success = (visited + SHRINKAGE * pooled) / (sampled + SHRINKAGE)
    draws = problem.replications
    return Realisation(
        probabilities,
        success,
        probabilities * success,
        first,
        timed_out,
        sampled / draws,
        visited / draws,
        tuple(outcomes),
    )


def routing_priority(game: SecurityGame, attacker_level: float) -> FloatArray:
    """How much it matters that a sampled window is really visited, from 0 to 1.

    Missing window i lets the attacker have A^u_i there; he already gets the equilibrium
    level x* elsewhere, so the miss matters by ``max(0, A^u_i - x*)``: not at all for a
    window he would not bother with, most for the ones he wants most.
    """
    importance = np.maximum(game.attacker_uncovered - attacker_level, 0.0)
    top = importance.max()
    priority: FloatArray = importance / top if top > 0 else np.ones(game.size)
    return priority


def recalibrate(
    game: SecurityGame,
    previous: Realisation,
    shares: FloatArray | None = None,
    capacities: FloatArray | None = None,
) -> FloatArray:
    """Sampling probabilities for the next round: the game played with routing's losses.

    If window i, when sampled, is really visited with probability s_i, then sampling it with
    probability p_i covers it with s_i p_i: the game in p is the same game with each
    coverage only s_i as effective, i.e. payoffs ``A^c' = A^u - s_i (A^u - A^c)`` and
    ``D^c' = D^u + s_i (D^c - D^u)``, and the same number of samples as last round. Its SSE
    (the exact solver again) samples most where sampling pays. The s_i come from the last
    round, and change as the sample does, so this is a fixed-point heuristic; the plan keeps
    whichever round does best. s_i is floored at 0.05 so coverage always deters a little.
    With slice ``capacities`` the game is solved with them (``solve_with_slice_capacities``),
    the expected visits ``s_i p_i`` of each slice held to its capacity.
    """
    success = np.clip(previous.success, 0.05, 1.0)
    effective = replace(
        game,
        attacker_covered=game.attacker_uncovered - success * game.attacker_loss,
        defender_covered=game.defender_uncovered + success * game.defender_gain,
        resources=float(previous.probabilities.sum()),
    )
    if shares is not None and capacities is not None:
        return solve_with_slice_capacities(effective, shares, capacities, previous.success)
    return spend_spare_resources(effective, solve_exact(effective))


def plan(problem: PatrolProblem, travel: TravelTimes | None = None) -> PatrolPlan:
    """Plan the patrols: one routed draw and what the randomised plan really covers."""
    started = time.perf_counter()
    travel = travel if travel is not None else StraightLineTravelTimes()
    resources = (
        problem.resources if problem.resources is not None else estimate_resources(problem, travel)
    )
    # A window no unit can reach is left uncovered in the game itself, so the ideal coverage
    # spends nothing on it and the bound knows the attacker may strike there.
    game = problem.game(resources, reachable_windows(problem, travel))
    solution = solve_exact(game)
    ideal = spend_spare_resources(game, solution)

    # The baselines spend the same resources on the windows a unit can reach, and go through
    # the same sampling and routing, so the comparison is like for like.
    values = np.array([window.value for window in problem.windows])
    cap = game.coverage_cap
    baseline_probabilities = {
        "uniform": proportional_coverage(cap, resources, cap),
        "attendance_proportional": proportional_coverage(values * cap, resources, cap),
    }

    rounds = problem.calibration_rounds + 1
    seconds_per_draw = problem.time_limit / ((rounds + 2) * problem.replications)
    priority = routing_priority(game, solution.attacker_utility)
    realisations = [realise(problem, travel, ideal, 0, seconds_per_draw, priority)]
    # The first round is the pilot: in the time slices where routing could not deliver the
    # visits sampled there, what it did deliver is the slice's capacity, and the next round
    # solves the game within those capacities; later rounds recalibrate within them too.
    if rounds > 1:
        shares = time_slices(problem)
        pilot = realisations[0]
        capacities = slice_capacities(shares, pilot.sampled, pilot.visited)
    for stream in range(1, rounds):
        if stream == 1:
            probabilities = solve_with_slice_capacities(game, shares, capacities)
        else:
            probabilities = recalibrate(game, realisations[-1], shares, capacities)
        realisations.append(
            realise(problem, travel, probabilities, stream, seconds_per_draw, priority)
        )
    utilities = [best_response(game, r.coverage).defender_utility for r in realisations]
    # Rounds that hold the attacker equally well (often: when an unreachable window decides
    # his best response) are told apart by the value they protect.
    kept = max(
        range(len(realisations)),
        key=lambda r: (round(utilities[r], 9), float(values @ realisations[r].coverage)),
    )
    chosen = realisations[kept]

    baselines: dict[str, float] = {}
    baselines_ideal: dict[str, float] = {}
    timed_out = sum(r.timed_out for r in realisations)
    for stream, (name, probabilities) in enumerate(baseline_probabilities.items(), start=100):
        realised = realise(problem, travel, probabilities, stream, seconds_per_draw, priority)
        timed_out += realised.timed_out
        baselines[name] = best_response(game, realised.coverage).defender_utility
        baselines_ideal[name] = best_response(game, probabilities).defender_utility
    return PatrolPlan(
        routes=chosen.first.routes,
        resources=resources,
        ideal_coverage=ideal,
        sampling_probabilities=chosen.probabilities,
        coverage=chosen.coverage,
        defender_utility=utilities[kept],
        bound=best_response(game, ideal).defender_utility,
        baselines=baselines,
        baselines_unrouted=baselines_ideal,
        calibration_round=kept,
        rounds=tuple(
            {
                "expected_sampled": round(float(r.probabilities.sum()), 3),
                "expected_visits": round(float(r.coverage.sum()), 3),
                "defender_utility": utility,
            }
            for r, utility in zip(realisations, utilities, strict=True)
        ),
        draws_hitting_time_limit=timed_out,
        seconds=time.perf_counter() - started,
        draws=chosen.outcomes,
    )


def plan_from_document(document: Any) -> dict[str, Any]:
    problem = problem_from_document(document)
    return plan(problem).to_document(problem)
