"""The patrol planner: a probability distribution over whole rosters, by column generation.

A roster is one feasible route per unit; the plan is a mixture of rosters, and each day's
roster is drawn from it by seed. Coverage is the mixture's exact marginals. The plan plays
the security game of docs/patrol-planning.md §3 (Jain et al. 2010; Yin et al. 2010):

1. Master (linear, HiGHS): over the rosters found so far, minimise the attacker's best
   utility x subject to x >= A^u_i - (A^u_i - A^c_i) c_i for every window i, c the
   mixture's marginals. Dropping a visit keeps a roster feasible, so the strong Stackelberg
   equilibrium over all mixtures holds the attacker to the least such x and steers him to
   the window that costs the defender least at that level (``defender_value``).
2. Pricing: the duals price the windows; a roster collecting more than the convexity dual
   improves the master. PyVRP's prize-collecting search finds one; a programme on HiGHS
   does so exactly on small problems.
3. Bound: for any duals, x* >= sum_i y_i A^u_i + (1 - sum y) x_floor - (the most any roster
   can collect), so with an upper bound on the latter (exact, or the Lagrangian and
   dynamic programme of pricing.py) the defender's utility is bounded above.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from sanctuary.solvers.bound import relaxed_level_bound
from sanctuary.solvers.eraser import _new_highs
from sanctuary.solvers.games import FloatArray, SecurityGame, best_response
from sanctuary.solvers.patrol_problem import PatrolProblem, problem_from_document
from sanctuary.solvers.pricing import (
    exact_pricing_size,
    pressure_prizes,
    price_exactly,
    price_with_pyvrp,
    unit_reach,
)
from sanctuary.solvers.rosters import (
    Roster,
    TravelTable,
    covered,
    empty_roster,
    is_feasible,
    schedule,
    travel_seconds,
    without,
)
from sanctuary.solvers.travel import StraightLineTravelTimes, TravelTimes

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

# Problems whose exact pricing programme has at most this many arcs are priced exactly.
EXACT_PRICING_ARCS = 4_000
# Reduced costs within this share of the payoff scale count as zero.
TOLERANCE = 1e-9
# Baseline rosters per baseline: PyVRP draws with the baseline's prizes, randomly jittered.
BASELINE_DRAWS = 4
# Share of the time limit kept for the final bound.
BOUND_SHARE = 0.2
DRAW_STREAM = 7


class PlanCancelled(Exception):
    """The caller's cancellation check said stop."""


@dataclass(frozen=True, eq=False)
class PatrolPlan:
    """A mixture of rosters, its exact coverage, what it is worth, and a bound on the best."""

    rosters: tuple[Roster, ...]
    probabilities: FloatArray
    coverage: FloatArray
    defender_utility: float
    attacker_utility: float
    attacked: int | None  # the window he strikes, None if he stays at home
    bound: float  # no mixture of feasible rosters gives the defender more
    attacker_level_bound: float  # no mixture holds the attacker below this
    baselines: dict[str, float]
    iterations: int
    stopped: str  # "converged", "time limit" or "no improving roster found"
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def gap(self) -> float:
        return self.bound - self.defender_utility

    def draw(self, seed: int) -> int:
        """The index of the roster for ``seed``: roster r with probability ``probabilities[r]``."""
        rng = np.random.default_rng([seed, DRAW_STREAM])
        return int(rng.choice(len(self.rosters), p=self.probabilities))

    def to_document(self, problem: PatrolProblem, table: TravelTable) -> dict[str, Any]:
        drawn = self.draw(problem.seed)
        routes = []
        for unit_index, route in enumerate(self.rosters[drawn]):
            visits = schedule(problem, table, unit_index, route) or ()
            routes.append(
                {
                    "unit": problem.units[unit_index].id,
                    "visits": [
                        {
                            "window": problem.windows[v.window].id,
                            "site": problem.sites[problem.windows[v.window].site].id,
                            "arrive": problem.at(v.arrive, problem.windows[v.window].zone),
                            "start": problem.at(v.start, problem.windows[v.window].zone),
                            "end": problem.at(v.end, problem.windows[v.window].zone),
                        }
                        for v in visits
                    ],
                    "travel_minutes": round(
                        travel_seconds(problem, table, unit_index, route) / 60, 2
                    ),
                }
            )
        document: dict[str, Any] = {
            "routes": routes,
            "roster": drawn,
            "coverage": {
                w.id: round(float(c), 9)
                for w, c in zip(problem.windows, self.coverage, strict=True)
            },
            "defender_utility": self.defender_utility,
            "bound": self.bound,
            "gap": self.gap,
            "attacked_window": None if self.attacked is None else problem.windows[self.attacked].id,
            "attacker_utility": self.attacker_utility,
            "baselines": self.baselines,
            "mixture": [
                {
                    "probability": float(p),
                    "routes": {
                        problem.units[u].id: [problem.windows[w].id for w in route]
                        for u, route in enumerate(roster)
                        if route
                    },
                }
                for roster, p in zip(self.rosters, self.probabilities, strict=True)
            ],
            "iterations": self.iterations,
            "stopped": self.stopped,
            "seconds": round(self.seconds, 3),
        }
        if self.notes:
            document["notes"] = list(self.notes)
        return document


def coverage_of(rosters: Sequence[Roster], probabilities: FloatArray, n: int) -> FloatArray:
    coverage = np.zeros(n)
    for roster, probability in zip(rosters, probabilities, strict=True):
        coverage[covered(roster)] += probability
    return coverage


@dataclass(frozen=True)
class Outcome:
    defender_utility: float
    attacker_utility: float
    attacked: int | None


def attack_outcome(game: SecurityGame, coverage: FloatArray, may_decline: bool) -> Outcome:
    """The attacker's best response (ties to the defender), staying home if nothing pays."""
    response = best_response(game, coverage)
    tie = TOLERANCE * game.payoff_scale()
    if may_decline and (
        response.attacker_utility < -tie
        or (response.attacker_utility <= tie and response.defender_utility <= 0)
    ):
        return Outcome(0.0, 0.0, None)
    return Outcome(response.defender_utility, response.attacker_utility, response.attacked)


def attacker_floor(game: SecurityGame, may_decline: bool) -> float:
    """No coverage holds the attacker below this: A^c anywhere, A^u where nobody can go."""
    assert game.coverable is not None
    floor = float(np.max(np.where(game.coverable, game.attacker_covered, game.attacker_uncovered)))
    return max(floor, 0.0) if may_decline else floor


def defender_value(game: SecurityGame, level: float, may_decline: bool) -> tuple[float, int | None]:
    """The most the defender can get with the attacker held to ``level``, and where.

    Target t can be made his choice at that level with coverage (A^u_t - level)/dA_t (never
    more than it can have), if A^u_t >= level; the defender picks the t best for her. Falls
    as ``level`` rises, so a lower bound on the least level gives an upper bound here.
    """
    assert game.coverable is not None
    needed = (game.attacker_uncovered - level) / game.attacker_loss
    cover = np.clip(needed, 0.0, game.coverage_cap)
    value = game.defender_uncovered + game.defender_gain * cover
    tie = TOLERANCE * game.payoff_scale()
    candidates = game.attacker_uncovered >= level - tie
    best, where = -np.inf, None
    if candidates.any():
        index = int(np.flatnonzero(candidates)[np.argmax(value[candidates])])
        best, where = float(value[index]), index
    if may_decline and level <= tie and best < 0:
        return 0.0, None
    return best, where


def components(reach: np.ndarray) -> list[tuple[int, ...]]:
    """Groups of units that share no window with any other group (e.g. the days of a week).

    Rosters of different groups combine freely, so each group gets its own mixture: the
    master has one convexity row per group, and pricing runs group by group.
    """
    units = reach.shape[0]
    parent = list(range(units))

    def root(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for window in np.flatnonzero(reach.any(axis=0)):
        sharing = np.flatnonzero(reach[:, window])
        for other in sharing[1:]:
            parent[root(int(other))] = root(int(sharing[0]))
    groups: dict[int, list[int]] = {}
    for u in range(units):
        if reach[u].any():
            groups.setdefault(root(u), []).append(u)
    return [tuple(group) for group in groups.values()]


def restrict(roster: Roster, units: Sequence[int]) -> Roster:
    keep = set(units)
    return tuple(route if u in keep else () for u, route in enumerate(roster))


def combine(
    problem: PatrolProblem, parts: Sequence[tuple[Sequence[Roster], FloatArray]]
) -> tuple[list[Roster], FloatArray]:
    """Whole rosters from each group's mixture, every group's marginals kept exactly.

    Each group's mixture is laid out on [0, 1) in its own order; the cut points of all the
    groups split [0, 1) into at most (sum of their sizes) pieces, and each piece is one whole
    roster: the routes of the group rosters that cover it.
    """
    cuts = np.unique(np.concatenate([[0.0, 1.0], *(np.cumsum(w)[:-1] for _, w in parts)]))
    cuts = cuts[(cuts >= 0) & (cuts <= 1)]
    rosters, weights = [], []
    for low, high in zip(cuts[:-1], cuts[1:], strict=True):
        if high - low <= 1e-15:
            continue
        middle = (low + high) / 2
        routes: list[tuple[int, ...]] = [() for _ in problem.units]
        for group_rosters, group_weights in parts:
            chosen = int(np.searchsorted(np.cumsum(group_weights), middle, side="right"))
            chosen = min(chosen, len(group_rosters) - 1)
            for u, route in enumerate(group_rosters[chosen]):
                if route:
                    routes[u] = route
        rosters.append(tuple(routes))
        weights.append(high - low)
    if not rosters:
        return [empty_roster(problem)], np.ones(1)
    weights_array = np.array(weights)
    return rosters, weights_array / weights_array.sum()


class Master:
    """The restricted master programme on HiGHS; columns are added as rosters are found."""

    def __init__(self, game: SecurityGame, floor: float, groups: int) -> None:
        n = game.size
        self.game = game
        self.groups = groups
        self.highs = _new_highs(None)
        highs = self.highs
        highs.addCol(1.0, floor, highspy.kHighsInf, 0, np.array([], np.int32), np.array([]))
        # Row i: x + dA_i c_i >= A^u_i (x is column 0); row n + g: group g's sum q = 1.
        highs.addRows(
            n,
            game.attacker_uncovered.astype(np.float64),
            np.full(n, highspy.kHighsInf),
            n,
            np.arange(n, dtype=np.int32),
            np.zeros(n, dtype=np.int32),
            np.ones(n),
        )
        for _ in range(groups):
            highs.addRow(1.0, 1.0, 0, np.array([], np.int32), np.array([]))

    def add(self, roster: Roster, group: int) -> None:
        rows = np.array(covered(roster), dtype=np.int32)
        values = self.game.attacker_loss[rows].astype(np.float64)
        rows = np.append(rows, self.game.size + group).astype(np.int32)
        values = np.append(values, 1.0)
        self.highs.addCol(0.0, 0.0, highspy.kHighsInf, len(rows), rows, values)

    def solve(self) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        """The attacker's level, the columns' weights, the window duals, the groups' duals."""
        self.highs.run()
        solution = self.highs.getSolution()
        columns = np.asarray(solution.col_value)
        duals = np.asarray(solution.row_dual)
        n = self.game.size
        return float(columns[0]), np.clip(columns[1:], 0.0, None), duals[:n], duals[n:]


def baseline_rosters(
    problem: PatrolProblem,
    table: TravelTable,
    reach: np.ndarray,
    groups: Sequence[tuple[int, ...]],
    weights: FloatArray,
    stream: int,
    seconds: float,
) -> list[Roster]:
    """PyVRP rosters at prizes ``weights`` with a random jitter, one per draw."""
    rosters = []
    for draw in range(BASELINE_DRAWS):
        rng = np.random.default_rng([problem.seed, stream, draw])
        prizes = weights * rng.uniform(0.75, 1.25, len(weights))
        routes: list[tuple[int, ...]] = [() for _ in problem.units]
        for group in groups:
            roster, _ = price_with_pyvrp(
                problem,
                table,
                prizes,
                reach,
                int(rng.integers(2**31 - 1)),
                50,
                seconds / len(groups),
                group,
            )
            for u in group:
                routes[u] = roster[u]
        rosters.append(tuple(routes))
    return rosters


def plan(
    problem: PatrolProblem,
    travel: TravelTimes | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    initial_rosters: Sequence[Roster] = (),
) -> PatrolPlan:
    """Plan the patrols within ``problem.time_limit`` seconds.

    ``progress(fraction, message)`` is called as the work advances; ``cancelled()`` is
    asked between steps and, if it returns True, the planner raises :class:`PlanCancelled`.
    ``initial_rosters`` (e.g. another planner's) join the master's first columns, so the
    plan is never worse than any mixture of them.
    """
    started = time.perf_counter()
    deadline = started + problem.time_limit
    report = progress or (lambda fraction, message: None)
    stop = cancelled or (lambda: False)

    def check() -> None:
        if stop():
            raise PlanCancelled("the patrol plan was cancelled")

    table = TravelTable.build(problem, travel or StraightLineTravelTimes())
    reach = unit_reach(problem, table)
    n = len(problem.windows)
    game = problem.game(float(n), np.asarray(reach.any(axis=0)))
    may_decline = problem.attacker_may_decline
    floor = attacker_floor(game, may_decline)
    scale = game.payoff_scale()
    tolerance = TOLERANCE * scale
    values = np.array([w.value for w in problem.windows])
    groups = components(reach)
    report(0.0, "seeding the plan with the baselines' rosters")

    baseline_seconds = problem.time_limit * 0.2 / (2 * BASELINE_DRAWS)
    coverable = reach.any(axis=0).astype(float)
    baselines_rosters = {
        "uniform": baseline_rosters(
            problem, table, reach, groups, coverable, 100, baseline_seconds
        ),
        "attendance_proportional": baseline_rosters(
            problem, table, reach, groups, values * coverable, 101, baseline_seconds
        ),
    }
    check()
    baselines = {
        name: attack_outcome(
            game, coverage_of(rs, np.full(len(rs), 1 / len(rs)), n), may_decline
        ).defender_utility
        for name, rs in baselines_rosters.items()
    }
    master = Master(game, floor, len(groups))
    pools: list[list[Roster]] = [[] for _ in groups]
    column_group: list[int] = []
    seen: set[Roster] = set()

    columns: list[Roster] = []

    def add(roster: Roster, group: int) -> bool:
        part = restrict(roster, groups[group])
        if part in seen or not is_feasible(problem, table, part):
            return False
        seen.add(part)
        columns.append(part)
        pools[group].append(part)
        column_group.append(group)
        master.add(part, group)
        return True

    for roster in [
        empty_roster(problem),
        *initial_rosters,
        *(r for rs in baselines_rosters.values() for r in rs),
    ]:
        for group in range(len(groups)):
            add(roster, group)

    exact = [exact_pricing_size(reach, group) <= EXACT_PRICING_ARCS for group in groups]
    [False] * len(groups)  # exact pricing found nothing better in this group
    bound_seconds = BOUND_SHARE * problem.time_limit
    iterations, stopped = 0, "time limit"
    level, weights, duals, convexity = master.solve()
    lower_bounds = [floor]
    timed_out = 0
    # Phase 0 leaves time for the bound; if the bound needs less, phase 1 goes on pricing.
    for phase, limit in enumerate((deadline - bound_seconds, deadline)):
        if phase == 1 and stopped != "time limit":
            break
        while time.perf_counter() < limit:
            check()
            iterations += 1
            prizes = np.clip(duals, 0.0, None) * game.attacker_loss
            report(
                min(0.99, (time.perf_counter() - started) / problem.time_limit),
                f"round {iterations}: attacker held to {level:.4g}, {len(column_group)} rosters",
            )
            uppers = np.full(len(groups), np.inf)  # proven worth bounds, where pricing was exact
            pressure = pressure_prizes(game, coverage_of(columns, weights, n), level, floor)
            improved = 0
            for g, members in enumerate(groups):
                remaining = deadline - bound_seconds - time.perf_counter()
                if remaining <= 0:
                    break
                iterations_cap = max(50, n // (20 * len(groups)))
                seconds_cap = min(remaining, problem.time_limit / 10)
                mine = reach[list(members)].any(axis=0)
                if (pressure[mine] > 0).any():
                    crowd, hit = price_with_pyvrp(
                        problem,
                        table,
                        pressure,
                        reach,
                        problem.seed * 7919 + iterations + 1,
                        iterations_cap,
                        seconds_cap,
                        members,
                    )
                    timed_out += hit
                    improved += add(crowd, g)
                if not (prizes[mine] > tolerance).any():
                    uppers[g] = 0.0  # nothing here is priced: no roster can be worth anything
                    continue
                roster, hit = price_with_pyvrp(
                    problem,
                    table,
                    prizes,
                    reach,
                    problem.seed * 7919 + iterations,
                    iterations_cap,
                    seconds_cap,
                    members,
                )
                timed_out += hit
                worth = float(prizes[covered(roster)].sum())
                if worth <= -convexity[g] + tolerance and exact[g]:
                    # The heuristic found nothing: the exact programme finds a roster or proves
                    # there is none.
                    roster, uppers[g] = price_exactly(
                        problem, table, prizes, reach, max(remaining, 0.1), members
                    )
                    worth = float(prizes[covered(roster)].sum())
                if worth > -convexity[g] + tolerance and add(roster, g):
                    improved += 1
            if np.isfinite(uppers).all():
                lower_bounds.append(lower_bound(game, duals, floor, float(uppers.sum()), scale))
                if (uppers <= -convexity + tolerance).all():
                    stopped = "converged"
                    break
            if not improved:
                stopped = "no improving roster found"
                break
            level, weights, duals, convexity = master.solve()

        check()
        if phase == 0 and stopped != "converged":
            report(1 - BOUND_SHARE, "bounding the best possible plan")
            known = {
                (u, route) for pool in pools for roster in pool for u, route in enumerate(roster)
            }
            relaxed, _ = relaxed_level_bound(
                problem,
                table,
                game,
                reach,
                floor,
                sorted(known),
                max(deadline, time.perf_counter() + 1.0),
                stop,
            )
            lower_bounds.append(relaxed)
        check()

    # Rosters added in the last round are not in the last solution yet.
    column_weights = master.solve()[1]
    parts = []
    for g in range(len(groups)):
        mine = np.array([c == g for c in column_group])
        parts.append((pools[g], column_weights[mine] / max(column_weights[mine].sum(), 1e-300)))
    rosters, mixture = combine(problem, parts)
    rosters, mixture = steer(problem, table, game, rosters, mixture, may_decline)
    coverage = coverage_of(rosters, mixture, n)
    outcome = attack_outcome(game, coverage, may_decline)
    best_lower = max(lower_bounds)
    bound = defender_value(game, best_lower, may_decline)[0]
    notes = []
    if timed_out:
        notes.append(
            f"{timed_out} pricing searches stopped at their time limit: the same seed may "
            "not give the same plan"
        )
    report(1.0, "done")
    return PatrolPlan(
        rosters=tuple(rosters),
        probabilities=mixture,
        coverage=coverage,
        defender_utility=outcome.defender_utility,
        attacker_utility=outcome.attacker_utility,
        attacked=outcome.attacked,
        bound=max(bound, outcome.defender_utility),
        attacker_level_bound=best_lower,
        baselines=baselines,
        iterations=iterations,
        stopped=stopped,
        seconds=time.perf_counter() - started,
        notes=tuple(notes),
    )


def lower_bound(
    game: SecurityGame, duals: FloatArray, floor: float, upper_worth: float, scale: float
) -> float:
    """A level no mixture can hold the attacker below (docs/patrol-planning.md §3.3).

    For y >= 0 with sum y <= 1 and any mixture with marginals c,
    max(floor, max_i U^a_i(c)) >= sum_i y_i (A^u_i - dA_i c_i) + (1 - sum y) floor, and
    sum_i y_i dA_i c_i is the mixture's average worth at prizes y dA, at most ``upper_worth``.
    """
    weights = np.clip(duals, 0.0, None)
    total = float(weights.sum())
    if total > 1:
        weights /= total
        total = 1.0
    level = float(weights @ game.attacker_uncovered) + (1 - total) * floor - upper_worth
    return max(floor, level - TOLERANCE * scale)


def steer(
    problem: PatrolProblem,
    table: TravelTable,
    game: SecurityGame,
    pool: Sequence[Roster],
    probabilities: FloatArray,
    may_decline: bool,
) -> tuple[list[Roster], FloatArray]:
    """The master's mixture, with the window best for the defender made the attacker's choice.

    At the attacker's level x the defender does best if he strikes the window t that
    ``defender_value`` picks; that needs coverage of t lowered to (A^u_t - x)/dA_t, done by
    leaving t out of some rosters (which keeps them feasible). The attacker's level stays x.
    """
    keep = probabilities > 1e-12
    rosters = [r for r, k in zip(pool, keep, strict=True) if k]
    weights = probabilities[keep] / probabilities[keep].sum()
    n = game.size
    coverage = coverage_of(rosters, weights, n)
    now = attack_outcome(game, coverage, may_decline)
    level = max(float(game.attacker_utilities(coverage).max()), 0.0 if may_decline else -np.inf)
    best, target = defender_value(game, level, may_decline)
    if target is None or best <= now.defender_utility + TOLERANCE * game.payoff_scale():
        return rosters, weights
    excess = coverage[target] - float(
        np.clip((game.attacker_uncovered[target] - level) / game.attacker_loss[target], 0, 1)
    )
    new_rosters, new_weights = [], []
    for roster, weight in zip(rosters, weights, strict=True):
        if excess > 1e-15 and target in covered(roster):
            shorter = without(problem, table, roster, target)
            if shorter is not None:
                moved = min(weight, excess)
                excess -= moved
                new_rosters.append(shorter)
                new_weights.append(moved)
                weight -= moved
        if weight > 1e-15:
            new_rosters.append(roster)
            new_weights.append(weight)
    weights_array = np.array(new_weights)
    return new_rosters, weights_array / weights_array.sum()


def plan_from_document(document: Any) -> dict[str, Any]:
    problem = problem_from_document(document)
    travel = StraightLineTravelTimes()
    result = plan(problem, travel)
    return result.to_document(problem, TravelTable.build(problem, travel))
