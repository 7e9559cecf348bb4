"""Allocation of a protective security fund: a multiple-choice knapsack, solved exactly by HiGHS.

Each site gets at most one of its packages; the total cost stays within the budget and the
side rules (a minimum share of the budget per group, a cap in pounds per group) hold; the total
risk removed is as large as possible. docs/fund-allocation.md has the model, the method and
the meaning of every number; this module has no Django in it.

    problem = AllocationProblem(budget, applications, Rules(min_share, max_per_group))
    best = allocate(problem)                       # proven bound and gap
    greedy_by_score(problem), first_come_first_served(problem)   # today's rules, side by side
    explain(problem, best)                         # why each application was or was not funded
    marginal(problem, 100_000)                     # what a further £100,000 would fund

The solve: the linear relaxation gives prices and a proven bound; its rounding and the two
baselines give first allocations; HiGHS then solves growing cores (the packages the bound has
not ruled out), each started from the best allocation so far, within the time limit and the
gap. The answer is never worse than any of those first allocations.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import highspy
import numpy as np

from sanctuary.solvers.allocation_problem import (
    BUDGET_TOLERANCE,
    Allocation,
    AllocationProblem,
    Application,
    InfeasibleRules,
    Package,
    Rules,
    Status,
    problem_from_document,
)
from sanctuary.solvers.allocation_relaxation import (
    Explanation,
    Reason,
    Relaxation,
    explain,
    relax,
)
from sanctuary.solvers.highs import new_highs

__all__ = [
    "BUDGET_TOLERANCE",
    "DEFAULT_EXTRA",
    "DEFAULT_GAP",
    "DEFAULT_TIME_LIMIT",
    "Allocation",
    "AllocationProblem",
    "Application",
    "Explanation",
    "InfeasibleRules",
    "Marginal",
    "NoAllocationFound",
    "Package",
    "Reason",
    "Relaxation",
    "Rules",
    "Status",
    "allocate",
    "explain",
    "first_come_first_served",
    "greedy_by_score",
    "marginal",
    "problem_from_document",
    "relax",
]

DEFAULT_TIME_LIMIT = 10.0  # seconds
DEFAULT_GAP = 1e-6  # relative: below a millionth of the risk removed, a difference of rounding
DEFAULT_EXTRA = 100_000.0  # pounds, "what a further £100,000 would fund"

# The first core has this many sites with a choice; each next one is CORE_GROWTH times larger.
CORE_SITES = 250
CORE_GROWTH = 4
HEURISTIC_EFFORT = 0.0  # HiGHS's default is 0.05

_INF = highspy.kHighsInf


class NoAllocationFound(Exception):
    """The time ran out before any allocation within the rules was found (none was proven
    impossible either)."""


# ---------------------------------------------------------------------------------------------
# Baselines: today's rules, made to respect the side rules where they can.


class _Ledger:
    """Spend so far, against the budget, the caps and the money still owed to minimum shares.

    The minimum shares are ring-fenced: a package that would leave less than the shares still
    need is refused, unless it is itself spending that reserve. Where groups with a minimum
    share overlap, their needs are added up, which over-reserves (docs, section 4).
    """

    def __init__(self, problem: AllocationProblem) -> None:
        self.budget = problem.budget
        self.cost = problem.cost.tolist()
        self.benefit = problem.benefit.tolist()
        self.start = problem.start.tolist()
        self.groups = problem.groups_of_site
        self.floor = problem.floor.tolist()
        self.cap = problem.cap.tolist()
        self.group_spend = [0.0] * len(self.floor)
        self.spent = 0.0
        self.owed = math.fsum(self.floor)
        self.picks = [-1] * problem.size

    def current_benefit(self, site: int) -> float:
        pick = self.picks[site]
        return self.benefit[self.start[site] + pick] if pick >= 0 else 0.0

    def offer(self, site: int, package: int) -> bool:
        """Fund ``package`` (index within the site) instead of the site's pick, if it fits."""
        pick = self.picks[site]
        old = self.cost[self.start[site] + pick] if pick >= 0 else 0.0
        delta = self.cost[self.start[site] + package] - old
        if self.spent + delta > self.budget:
            return False
        owed = self.owed
        for g in self.groups[site]:
            if self.group_spend[g] + delta > self.cap[g]:
                return False
            before = max(self.floor[g] - self.group_spend[g], 0.0)
            owed += max(self.floor[g] - self.group_spend[g] - delta, 0.0) - before
        if self.spent + delta + owed > self.budget and delta + owed > self.owed:
            return False
        self.picks[site] = package
        self.spent += delta
        self.owed = owed
        for g in self.groups[site]:
            self.group_spend[g] += delta
        return True

    def release(self, site: int) -> None:
        """Unfund a site: its money comes back, and a share it counted towards may owe again."""
        pick = self.picks[site]
        if pick < 0:
            return
        cost = self.cost[self.start[site] + pick]
        self.spent -= cost
        for g in self.groups[site]:
            before = max(self.floor[g] - self.group_spend[g], 0.0)
            self.group_spend[g] -= cost
            self.owed += max(self.floor[g] - self.group_spend[g], 0.0) - before
        self.picks[site] = -1

    def short(self) -> list[int]:
        """The groups whose minimum share is not met yet."""
        return [g for g, floor in enumerate(self.floor) if self.group_spend[g] < floor]

    def fund_best_that_fits(self, site: int, packages: list[int]) -> bool:
        return any(self.offer(site, package) for package in packages)


def _by_benefit(problem: AllocationProblem, site: int) -> list[int]:
    """A site's packages, most beneficial first (the cheaper of equals first)."""
    packages = problem.applications[site].packages
    return sorted(range(len(packages)), key=lambda p: (-packages[p].benefit, packages[p].cost))


def _fund_in_order(problem: AllocationProblem, order: Iterable[int], method: str) -> Allocation:
    started = time.perf_counter()
    ledger = _Ledger(problem)
    order = list(order)
    for site in order:
        ledger.fund_best_that_fits(site, _by_benefit(problem, site))
    _meet_shares(problem, ledger, order)
    return Allocation.of(
        problem,
        np.array(ledger.picks),
        method=method,
        seconds=time.perf_counter() - started,
        status=Status.HEURISTIC,
        found_by=method,
    )


def _meet_shares(problem: AllocationProblem, ledger: _Ledger, order: list[int]) -> None:
    """Top up the shares the pass left short, as an assessor would.

    The ring-fence keeps the money, but whole packages rarely add up to it exactly. In rank
    order, a site of the short group steps up to a dearer package (or is funded); when none
    fits, the lowest-ranked funded site outside every share gives way, and we try again.
    """
    floored = {g for g, floor in enumerate(ledger.floor) if floor > 0}
    givers = [s for s in reversed(order) if not floored & set(ledger.groups[s])]
    while short := ledger.short():
        group = short[0]
        members = [s for s in order if group in ledger.groups[s]]
        if any(_step_up(problem, ledger, site) for site in members):
            continue
        giver = next((s for s in givers if ledger.picks[s] >= 0), None)
        if giver is None:
            return  # reported as a violation
        ledger.release(giver)


def _step_up(problem: AllocationProblem, ledger: _Ledger, site: int) -> bool:
    pick = ledger.picks[site]
    spent = ledger.cost[ledger.start[site] + pick] if pick >= 0 else 0.0
    dearer = [p for p in _by_benefit(problem, site) if ledger.cost[ledger.start[site] + p] > spent]
    return ledger.fund_best_that_fits(site, dearer)


def greedy_by_score(problem: AllocationProblem) -> Allocation:
    """Rank the applications and fund down the list, each with its most beneficial package
    that still fits.

    The rank is the sites' ``score``, highest first, when the round has scores; otherwise each
    site's best benefit per pound over its packages, highest first. Ties keep input order.
    """
    if problem.applications[0].score is not None:
        keys = [-(a.score or 0.0) for a in problem.applications]
    else:
        keys = [-max(p.benefit / p.cost for p in a.packages) for a in problem.applications]
    order = sorted(range(problem.size), key=lambda s: keys[s])
    return _fund_in_order(problem, order, "greedy")


def first_come_first_served(problem: AllocationProblem) -> Allocation:
    """Fund applications in the order they came (``submitted_at``, else input order), each
    with its most beneficial package that still fits."""
    order: list[int] = list(range(problem.size))
    if problem.applications[0].submitted_at is not None:
        order.sort(key=lambda s: problem.applications[s].submitted_at)  # type: ignore[arg-type,return-value]
    return _fund_in_order(problem, order, "first_come")


def _price_guided(problem: AllocationProblem, relaxation: Relaxation) -> np.ndarray:
    """The relaxation's rounding: take hull steps furthest above their site's price first,
    then any package that adds benefit, by benefit per pound above the price."""
    ledger = _Ledger(problem)
    site_of = problem.site_of.tolist()
    start = ledger.start
    steps = relaxation.increments.tolist()
    # First the sites of groups with a minimum share get what the relaxation gives them,
    # rounded up: it meets each share exactly, and in price order whole packages could leave
    # a share a few hundred pounds short. A site funded in part is indifferent (value 0)
    # between nothing and its best packages; rounding up, it gets the dearest of them.
    floored = problem.membership[:, problem.floor > 0].any(axis=1)
    tolerance = 1e-9 * max(1.0, float(problem.benefit.max()))
    best_value = np.maximum.reduceat(relaxation.value, problem.start[:-1])
    for site in np.flatnonzero(floored & (best_value >= -tolerance)).tolist():
        first, last = start[site], start[site + 1]
        values = relaxation.value[first:last]
        tied = np.flatnonzero(values >= best_value[site] - tolerance)
        ledger.offer(site, int(tied[np.argmax(problem.cost[first:last][tied])]))
    for flat in steps:
        site = site_of[flat]
        if ledger.benefit[flat] > ledger.current_benefit(site):
            ledger.offer(site, flat - start[site])
    key = problem.benefit / problem.cost - relaxation.site_price[problem.site_of]
    order = np.argsort(-key, kind="stable").tolist()
    for _ in range(2):
        changed = False
        for flat in order:
            site = site_of[flat]
            if ledger.benefit[flat] > ledger.current_benefit(site):
                changed |= ledger.offer(site, flat - start[site])
        if not changed:
            break
    return np.array(ledger.picks)


# ---------------------------------------------------------------------------------------------
# The exact solve.


def allocate(
    problem: AllocationProblem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    gap: float = DEFAULT_GAP,
    relaxation: Relaxation | None = None,
) -> Allocation:
    """The allocation with the most risk removed, within the budget and the rules.

    Stops when the benefit is proven within ``gap`` (relative) of the best possible, or after
    ``time_limit`` seconds with the best allocation found and the proven bound. A
    ``relaxation`` of this same problem may be passed to save solving it twice. Raises
    :class:`InfeasibleRules` when no allocation can meet the rules and
    :class:`NoAllocationFound` when time ran out before one was found.
    """
    if time_limit <= 0 or not math.isfinite(time_limit):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit}")
    if not 0 <= gap < 1:
        raise ValueError(f"gap must be a fraction in [0, 1), got {gap}")
    started = time.perf_counter()
    relaxation = relaxation or relax(problem)
    candidates = [
        ("relaxation", _price_guided(problem, relaxation)),
        ("greedy", np.array(greedy_by_score(problem).picks)),
        ("first_come", np.array(first_come_first_served(problem).picks)),
    ]
    kept = [(name, picks) for name, picks in candidates if not problem.violations(picks)]
    best_name, best = max(kept, key=lambda c: _benefit(problem, c[1]), default=(None, None))
    known = _benefit(problem, best)
    bound = relaxation.bound
    thresholds = relaxation.thresholds(problem)
    size = CORE_SITES
    while not _within(bound, known, gap):
        left = time_limit - (time.perf_counter() - started)
        if left <= 0:
            break
        # Options losing more than `proven` cannot beat the best allocation known (reduced-cost
        # fixing); a smaller threshold gives a smaller core and gives up bound - threshold.
        proven = relaxation.bound - known
        threshold = min(float(thresholds[size - 1]), proven) if size < problem.size else proven
        package_ok, none_ok = relaxation.core(problem, threshold, best)
        found, core_bound, finished = _solve_core(problem, package_ok, none_ok, best, left, gap)
        if found is not None and _benefit(problem, found) > known and not problem.violations(found):
            best_name, best, known = "highs", found, _benefit(problem, found)
        # Whatever the core left out is worth at most bound - threshold.
        bound = min(bound, max(core_bound, relaxation.bound - threshold, known))
        if threshold >= proven:
            if best is None and finished:
                raise InfeasibleRules(
                    "rules: no allocation of whole packages meets the budget and the rules "
                    "(HiGHS proved it)"
                )
            break
        size *= CORE_GROWTH
    if best is None or best_name is None:
        raise NoAllocationFound(
            f"no allocation within the rules was found in {time_limit:g} s; allow more time"
        )
    return Allocation.of(
        problem,
        best,
        method="optimal",
        seconds=time.perf_counter() - started,
        status=Status.OPTIMAL if _within(bound, known, gap) else Status.TIME_LIMIT,
        found_by=best_name,
        bound=bound,
    )


def _within(bound: float, known: float, gap: float) -> bool:
    if not math.isfinite(known):
        return False  # nothing known yet
    return bound - known <= gap * abs(known) + 1e-9 * max(1.0, abs(bound))


def _benefit(problem: AllocationProblem, picks: np.ndarray | None) -> float:
    if picks is None:
        return -math.inf
    funded = picks >= 0
    return float(problem.benefit[problem.start[:-1][funded] + picks[funded]].sum())


def _solve_core(
    problem: AllocationProblem,
    package_ok: np.ndarray,
    none_ok: np.ndarray,
    incumbent: np.ndarray | None,
    time_left: float,
    gap: float,
) -> tuple[np.ndarray | None, float, bool]:
    """HiGHS on the surviving options, every site with a single one fixed to it.

    Returns the best allocation HiGHS found (or None), its proven bound on allocations within
    the core, and whether HiGHS finished (optimal within the gap, or proved infeasible).
    """
    options = np.add.reduceat(package_ok.astype(np.int64), problem.start[:-1]) + none_ok
    fixed = options == 1
    # A fixed site takes its one surviving option: the surviving package, or nothing.
    fixed_picks = np.full(problem.size, -1)
    for site in np.flatnonzero(fixed & ~none_ok):
        first = problem.start[site]
        fixed_picks[site] = int(np.flatnonzero(package_ok[first : problem.start[site + 1]])[0])
    columns = np.flatnonzero(package_ok & ~fixed[problem.site_of])
    fixed_spend = problem.site_spend(fixed_picks)
    fixed_benefit = _benefit(problem, fixed_picks)
    if columns.size == 0:
        if problem.violations(fixed_picks):
            return None, -math.inf, True
        return fixed_picks, fixed_benefit, True
    unit = problem.budget if problem.budget > 0 else 1.0
    highs = new_highs()
    for option, value in (
        ("time_limit", max(time_left, 0.01)),
        ("mip_rel_gap", gap),
        ("mip_abs_gap", 1e-9),
        ("primal_feasibility_tolerance", 1e-9),
        ("mip_feasibility_tolerance", 1e-9),
        # We hand HiGHS a good start; its own first-solution searches cost seconds on
        # thousands of columns and the time is better spent on the bound.
        ("mip_heuristic_run_feasibility_jump", incumbent is None),
        ("mip_heuristic_effort", HEURISTIC_EFFORT if incumbent is not None else 0.05),
    ):
        highs.setOptionValue(option, value)
    core_sites = np.flatnonzero(~fixed)
    site_row = np.full(problem.size, -1)
    site_row[core_sites] = np.arange(len(core_sites))
    groups = len(problem.rule_groups)
    count = len(columns)
    highs.addCols(
        count,
        problem.benefit[columns],
        np.zeros(count),
        np.ones(count),
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([], np.float64),
    )
    highs.changeColsIntegrality(
        count, np.arange(count, dtype=np.int32), np.full(count, highspy.HighsVarType.kInteger)
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.changeObjectiveOffset(fixed_benefit)
    # One row per core site (= 1 where nothing was ruled out), then the budget and the groups.
    sites_of_columns = problem.site_of[columns]
    rows = [site_row[sites_of_columns]]
    cols = [np.arange(count)]
    vals = [np.ones(count)]
    budget_row = len(core_sites)
    rows.append(np.full(count, budget_row))
    cols.append(np.arange(count))
    vals.append(problem.cost[columns] / unit)
    step, group = np.nonzero(problem.membership[sites_of_columns])
    rows.append(budget_row + 1 + group)
    cols.append(step)
    vals.append(problem.cost[columns][step] / unit)
    row_lower = np.concatenate(
        [
            np.where(none_ok[core_sites], -_INF, 1.0),
            [-_INF],
            (problem.floor - _spend_by_group(problem, fixed_spend)) / unit,
        ]
    )
    cap_left = (problem.cap - _spend_by_group(problem, fixed_spend)) / unit
    row_upper = np.concatenate(
        [
            np.ones(len(core_sites)),
            [(problem.budget - float(fixed_spend.sum())) / unit],
            np.where(np.isfinite(cap_left), cap_left, _INF),
        ]
    )
    all_rows, all_cols, all_vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    order = np.lexsort((all_cols, all_rows))
    all_rows, all_cols, all_vals = all_rows[order], all_cols[order], all_vals[order]
    starts = np.searchsorted(all_rows, np.arange(len(core_sites) + 1 + groups))
    highs.addRows(
        len(row_lower),
        row_lower,
        row_upper,
        len(all_vals),
        starts.astype(np.int32),
        all_cols.astype(np.int32),
        all_vals,
    )
    if incumbent is not None:
        start = np.zeros(count)
        funded = incumbent[sites_of_columns] == columns - problem.start[sites_of_columns]
        start[funded] = 1.0
        highs.setSolution(count, np.arange(count, dtype=np.int32), start)
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    proven = status in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible)
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else math.inf
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, -math.inf, True
    solution = np.asarray(highs.getSolution().col_value)
    if info.primal_solution_status == 0 or solution.size != count:
        return None, bound, proven
    picks = fixed_picks.copy()
    chosen = columns[solution > 0.5]
    picks[problem.site_of[chosen]] = chosen - problem.start[problem.site_of[chosen]]
    return picks, bound, proven


def _spend_by_group(problem: AllocationProblem, spend: np.ndarray) -> np.ndarray:
    return spend @ problem.membership if problem.rule_groups else np.zeros(0)


# ---------------------------------------------------------------------------------------------
# What more money would buy.


@dataclass(frozen=True)
class Marginal:
    """The round re-solved with ``extra`` pounds more, against the allocation without them.

    ``after`` is None, and ``refused`` says why, when the larger round cannot meet its rules
    (a minimum share of a larger budget can outgrow what a group's sites asked for).
    """

    extra: float
    before: Allocation
    after: Allocation | None
    refused: str | None
    funded: Mapping[str, str]  # sites newly funded: site -> package
    changed: Mapping[str, tuple[str, str]]  # sites funded for another package: (before, after)
    dropped: Mapping[str, str]  # sites funded before and not after
    benefit_gained: float
    rate: float  # benefit gained per extra pound

    def to_document(self) -> dict[str, object]:
        if self.after is None:
            return {"extra": self.extra, "refused": self.refused}
        return {
            "extra": self.extra,
            "benefit": self.after.benefit,
            "benefit_gained": self.benefit_gained,
            "per_pound": self.rate,
            "cost": self.after.cost,
            "funded": dict(self.funded),
            "changed": {site: list(pair) for site, pair in self.changed.items()},
            "dropped": dict(self.dropped),
            "status": self.after.status.value,
            "gap": self.after.gap,
        }


def marginal(
    problem: AllocationProblem,
    extra: float = DEFAULT_EXTRA,
    *,
    before: Allocation | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    gap: float = DEFAULT_GAP,
) -> Marginal:
    """What ``extra`` pounds more would fund: re-solve with budget + extra and compare.

    Minimum shares stay fractions of the (larger) budget, as the rules say; caps stay in
    pounds. Both allocations are optimal, so besides new sites the comparison can show a few
    changes: more money can make another combination pack better.
    """
    if not math.isfinite(extra) or extra < 0:
        raise ValueError(f"extra must be pounds >= 0, got {extra}")
    before = before or allocate(problem, time_limit=time_limit, gap=gap)
    try:
        after = allocate(
            problem.with_budget(problem.budget + extra), time_limit=time_limit, gap=gap
        )
    except (InfeasibleRules, NoAllocationFound) as error:
        return Marginal(
            extra, before, None, f"with £{extra:,.0f} more: {error}", {}, {}, {}, 0.0, 0.0
        )
    old, new = dict(before.chosen), dict(after.chosen)
    gained = after.benefit - before.benefit
    return Marginal(
        extra=extra,
        before=before,
        after=after,
        refused=None,
        funded={site: package for site, package in new.items() if site not in old},
        changed={
            site: (old[site], package)
            for site, package in new.items()
            if site in old and old[site] != package
        },
        dropped={site: package for site, package in old.items() if site not in new},
        benefit_gained=gained,
        rate=gained / extra if extra > 0 else 0.0,
    )
