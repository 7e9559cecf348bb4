"""The patrol planner: a probability distribution over whole rosters, by column generation.

A roster is one feasible route per unit; the plan is a mixture of rosters, and each day's
roster is drawn from it by seed. Coverage is the mixture's exact marginals. The plan plays
the security game of docs/patrol-planning.md §3 (Jain et al. 2010; Korzhyk et al. 2011):

1. Master (linear, HiGHS): over the rosters found so far, minimise the attacker's best
   utility x subject to x >= A^u_i - (A^u_i - A^c_i) c_i for every window i, c the
   mixture's marginals. Dropping a visit keeps a roster feasible, so the strong Stackelberg
   equilibrium over all mixtures holds the attacker to the least such x and steers him to
   the window that costs the defender least at that level (``defender_value``).
2. Pricing: the duals price the windows; a roster collecting more than the convexity dual
   improves the master. PyVRP's prize-collecting search finds one; a programme on HiGHS
   does so exactly on small problems.
3. Bound: for any duals, x* >= sum_i y_i A^u_i + (1 - sum y) x_floor - (the most any roster
   can collect), exact pricing's proof where it runs; otherwise a relaxation and a
   busy-hours programme (bound.py). V(x) falls as x rises, so a lower bound on x* bounds
   the defender's utility above.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sanctuary.solvers.bound import interval_level_bound, relaxed_level_bound
from sanctuary.solvers.games import FloatArray, SecurityGame, best_response
from sanctuary.solvers.master import ColumnPool, components
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
    planner = _Planner(problem, travel or StraightLineTravelTimes(), progress, cancelled)
    planner.seed(initial_rosters)
    # Leave time for the bound; if the bound needs less, go on pricing after it.
    planner.price_until(planner.deadline - planner.bound_seconds)
    if planner.stopped != "converged":
        planner.bound_by_relaxation()
    if planner.stopped == "time limit":
        planner.price_until(planner.deadline)
    return planner.finish()


class _Planner:
    """The state of one planning run: problem data, the column pool, bounds, the clock."""

    def __init__(
        self,
        problem: PatrolProblem,
        travel: TravelTimes,
        progress: Progress | None,
        cancelled: Cancelled | None,
    ) -> None:
        self.started = time.perf_counter()
        self.deadline = self.started + problem.time_limit
        self.bound_seconds = BOUND_SHARE * problem.time_limit
        self.problem = problem
        self.report = progress or (lambda fraction, message: None)
        self.stop = cancelled or (lambda: False)
        self.table = TravelTable.build(problem, travel)
        self.reach = unit_reach(problem, self.table)
        self.n = len(problem.windows)
        self.game = problem.game(float(self.n), np.asarray(self.reach.any(axis=0)))
        self.floor = attacker_floor(self.game, problem.attacker_may_decline)
        self.tolerance = TOLERANCE * self.game.payoff_scale()
        self.groups = components(self.reach)
        self.pool = ColumnPool(problem, self.table, self.game, self.floor, self.groups)
        self.exact = [exact_pricing_size(self.reach, g) <= EXACT_PRICING_ARCS for g in self.groups]
        self.lower_bounds = [self.floor]
        self.baselines: dict[str, float] = {}
        self.iterations, self.timed_out, self.stopped = 0, 0, "time limit"

    def check(self) -> None:
        if self.stop():
            raise PlanCancelled("the patrol plan was cancelled")

    def seed(self, initial_rosters: Sequence[Roster]) -> None:
        """The first columns: nothing at all, the caller's rosters, the baselines' rosters."""
        self.report(0.0, "seeding the plan with the baselines' rosters")
        values = np.array([w.value for w in self.problem.windows])
        coverable = self.reach.any(axis=0).astype(float)
        seconds = self.problem.time_limit * 0.2 / (2 * BASELINE_DRAWS)
        self.pool.add_everywhere(empty_roster(self.problem))
        for roster in initial_rosters:
            self.pool.add_everywhere(roster)
        for stream, (name, weights) in enumerate(
            (("uniform", coverable), ("attendance_proportional", values * coverable)), start=100
        ):
            rosters = baseline_rosters(
                self.problem, self.table, self.reach, self.groups, weights, stream, seconds
            )
            self.check()
            coverage = coverage_of(rosters, np.full(len(rosters), 1 / len(rosters)), self.n)
            outcome = attack_outcome(self.game, coverage, self.problem.attacker_may_decline)
            self.baselines[name] = outcome.defender_utility
            for roster in rosters:
                self.pool.add_everywhere(roster)

    def price_until(self, limit: float) -> None:
        """Rounds of pricing until ``limit``, proof of optimality, or a round adding nothing."""
        level, weights, duals, convexity = self.pool.master.solve()
        while time.perf_counter() < limit:
            self.check()
            self.iterations += 1
            self.report(
                min(0.99, (time.perf_counter() - self.started) / self.problem.time_limit),
                f"round {self.iterations}: attacker held to {level:.4g}, "
                f"{len(self.pool.columns)} rosters",
            )
            coverage = coverage_of(self.pool.columns, weights, self.n)
            pressure = pressure_prizes(self.game, coverage, level, self.floor)
            prizes = np.clip(duals, 0.0, None) * self.game.attacker_loss
            uppers = np.full(len(self.groups), np.inf)  # proven worth bounds (exact pricing)
            added = 0
            for g in range(len(self.groups)):
                if time.perf_counter() >= limit:
                    break
                added_here, uppers[g] = self.price_group(g, prizes, pressure, convexity[g], limit)
                added += added_here
            if np.isfinite(uppers).all():
                self.lower_bounds.append(
                    lower_bound(self.game, duals, self.floor, float(uppers.sum()), self.tolerance)
                )
                if (uppers <= -convexity + self.tolerance).all():
                    self.stopped = "converged"
                    return
            if time.perf_counter() >= limit:
                self.stopped = "time limit"
                return
            if not added:
                self.stopped = "no improving roster found"
                return
            level, weights, duals, convexity = self.pool.master.solve()
        self.stopped = "time limit"

    def price_group(
        self, g: int, prizes: FloatArray, pressure: FloatArray, convexity: float, limit: float
    ) -> tuple[int, float]:
        """Rosters for group g; their number, and a proven bound on any roster's worth."""
        members = self.groups[g]
        mine = self.reach[list(members)].any(axis=0)
        remaining = limit - time.perf_counter()
        search = dict(
            reach=self.reach,
            iterations=max(50, self.n // (20 * len(self.groups))),
            seconds=min(remaining, self.problem.time_limit / 10),
            units=members,
        )
        seed = self.problem.seed * 7919 + 2 * self.iterations
        added = 0
        if (pressure[mine] > 0).any():
            crowd, hit = price_with_pyvrp(
                self.problem,
                self.table,
                pressure,
                seed=seed + 1,
                **search,  # type: ignore[arg-type]
            )
            self.timed_out += hit
            added += self.pool.add(crowd, g)
        if not (prizes[mine] > self.tolerance).any():
            return added, 0.0  # nothing here is priced: no roster is worth anything
        roster, hit = price_with_pyvrp(
            self.problem,
            self.table,
            prizes,
            seed=seed,
            **search,  # type: ignore[arg-type]
        )
        self.timed_out += hit
        worth = float(prizes[covered(roster)].sum())
        upper = np.inf
        if worth <= -convexity + self.tolerance and self.exact[g]:
            # The heuristic found nothing: the exact programme finds a roster or proves
            # there is none.
            roster, upper = price_exactly(
                self.problem, self.table, prizes, self.reach, max(remaining, 0.1), members
            )
            worth = float(prizes[covered(roster)].sum())
        if worth > -convexity + self.tolerance:
            added += self.pool.add(roster, g)
        return added, upper

    def bound_by_relaxation(self) -> None:
        self.check()
        self.lower_bounds.append(
            interval_level_bound(self.problem, self.table, self.game, self.reach, self.floor)
        )
        self.report(
            (time.perf_counter() - self.started) / self.problem.time_limit,
            "bounding the best possible plan",
        )
        relaxed, _ = relaxed_level_bound(
            self.problem,
            self.table,
            self.game,
            self.reach,
            self.floor,
            self.pool.routes(),
            # Half the bound's share: on large problems it rarely converges, and what is
            # left goes back to pricing.
            time.perf_counter() + max(self.bound_seconds / 2, 1.0),
            self.stop,
        )
        self.lower_bounds.append(relaxed)
        self.check()

    def finish(self) -> PatrolPlan:
        may_decline = self.problem.attacker_may_decline
        rosters, mixture = self.pool.mixture()
        rosters, mixture = steer(self.problem, self.table, self.game, rosters, mixture, may_decline)
        coverage = coverage_of(rosters, mixture, self.n)
        outcome = attack_outcome(self.game, coverage, may_decline)
        level_bound = max(self.lower_bounds)
        bound = defender_value(self.game, level_bound, may_decline)[0]
        notes = []
        if self.timed_out:
            notes.append(
                f"{self.timed_out} pricing searches stopped at their time limit: the same "
                "seed may not give the same plan"
            )
        self.report(1.0, "done")
        return PatrolPlan(
            rosters=tuple(rosters),
            probabilities=mixture,
            coverage=coverage,
            defender_utility=outcome.defender_utility,
            attacker_utility=outcome.attacker_utility,
            attacked=outcome.attacked,
            bound=max(bound, outcome.defender_utility),
            attacker_level_bound=level_bound,
            baselines=self.baselines,
            iterations=self.iterations,
            stopped=self.stopped,
            seconds=time.perf_counter() - self.started,
            notes=tuple(notes),
        )


def lower_bound(
    game: SecurityGame, duals: FloatArray, floor: float, upper_worth: float, margin: float
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
    return max(floor, level - margin)


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
