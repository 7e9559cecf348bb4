"""The linear relaxation of a round: prices per pound, a proven bound, and what they rule out.

Fund parts of packages and the round becomes a linear programme with one row per constraint
that couples sites (the budget and each rule group). On each site's upper convex hull of
(cost, benefit) the programme needs only the hull's increments, each a column in [0, 1]
(Sinha and Zoltners 1979): a handful of rows, and HiGHS solves it in well under a second even
for 50,000 packages. Its row duals are prices: risk removed per pound of budget (the cut-off),
and what each binding rule adds to or takes from the price its sites face.

Any prices with the right signs give a Lagrangian upper bound on every whole-package
allocation; we compute it ourselves from the duals, so it stays valid whatever HiGHS's
tolerances. The same bound shows which packages no allocation better than a known one can
use (reduced-cost fixing; the "core" of Balas and Zemel 1980 and Pisinger 1995), and
explains each decision against the price (docs/fund-allocation.md, sections 3-5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np

from sanctuary.solvers.allocation_problem import (
    Allocation,
    AllocationProblem,
    InfeasibleRules,
    Package,
)
from sanctuary.solvers.highs import new_highs

_INF = highspy.kHighsInf


@dataclass(frozen=True)
class Relaxation:
    """The relaxation's prices and bound. Prices are risk removed per pound."""

    budget_price: float  # the round's cut-off: benefit per pound of the marginal package
    rule_prices: Mapping[str, float]  # < 0: a binding minimum share; > 0: a binding cap
    site_price: np.ndarray  # each site's cut-off: budget price plus its groups' rule prices
    value: np.ndarray  # per package: benefit - site_price * cost
    site_value: np.ndarray  # per site: max(0, best value), the site row's dual
    bound: float  # proven upper bound on the benefit of any allocation within the rules
    increments: np.ndarray  # hull steps (flat package index), best first by ratio over price

    def loss(self, problem: AllocationProblem) -> tuple[np.ndarray, np.ndarray]:
        """What each option costs against the bound: per package, and per site for "nothing".

        An allocation that gives site s package p is worth at most ``bound - loss[p]``, and
        one that leaves s unfunded at most ``bound - none_loss[s]`` (all >= 0).
        """
        return self.site_value[problem.site_of] - self.value, self.site_value.copy()

    def core(
        self, problem: AllocationProblem, threshold: float, keep: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The options whose loss is at most ``threshold`` (plus those of ``keep``).

        Every allocation using another option is worth at most ``bound - threshold``: with
        ``threshold = bound - known`` this is reduced-cost fixing, and nothing better than
        ``known`` is lost; with a smaller threshold, ``bound - threshold`` is what is given up.
        """
        package_loss, none_loss = self.loss(problem)
        # Losses are differences of floating-point sums: keep what is within rounding.
        threshold += 1e-9 * max(1.0, abs(self.bound))
        package_ok = package_loss <= threshold
        none_ok = none_loss <= threshold
        if keep is not None:
            funded = keep >= 0
            package_ok[problem.start[:-1][funded] + keep[funded]] = True
            none_ok[~funded] = True
        return package_ok, none_ok

    def thresholds(self, problem: AllocationProblem) -> np.ndarray:
        """Per site, the least threshold at which it has a choice (its second-best option's
        loss), sorted: the k-th value gives a core of about k sites."""
        package_loss, none_loss = self.loss(problem)
        losses = np.concatenate([package_loss, none_loss])
        owners = np.concatenate([problem.site_of, np.arange(problem.size)])
        order = np.lexsort((losses, owners))
        losses, owners = losses[order], owners[order]
        first = np.searchsorted(owners, np.arange(problem.size))
        return np.sort(losses[first + 1])


def relax(problem: AllocationProblem) -> Relaxation:
    """Solve the relaxation with HiGHS and price the round; refuse rules it cannot meet."""
    sites, packages, steps_cost, steps_benefit = _hull_increments(problem)
    groups = len(problem.rule_groups)
    # Money in units of the budget keeps HiGHS's coefficients near 1.
    unit = problem.budget if problem.budget > 0 else 1.0
    highs = new_highs()
    # Thousands of columns against a few rows: HiGHS's presolve and dual simplex are slow on
    # this shape (seconds at 50,000 columns), the interior point method with crossover is not.
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("solver", "ipm")
    highs.setOptionValue("primal_feasibility_tolerance", 1e-9)
    highs.setOptionValue("dual_feasibility_tolerance", 1e-9)
    lower = np.concatenate([[-_INF], problem.floor / unit])
    upper = np.concatenate([[problem.budget / unit], np.minimum(problem.cap / unit, _INF)])
    upper[~np.isfinite(upper)] = _INF
    highs.addRows(
        groups + 1,
        lower,
        upper,
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([], np.float64),
    )
    member = problem.membership[sites]
    step, group = np.nonzero(member)
    rows = np.concatenate([np.zeros(len(sites), np.int64), group + 1])
    columns = np.concatenate([np.arange(len(sites)), step])
    order = np.lexsort((rows, columns))
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(columns, np.arange(len(sites)))
    values = steps_cost[columns] / unit
    highs.addCols(
        len(sites),
        steps_benefit,
        np.zeros(len(sites)),
        np.ones(len(sites)),
        len(rows),
        starts.astype(np.int32),
        rows.astype(np.int32),
        values,
    )
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        raise InfeasibleRules(
            "rules: the budget and the rules cannot all be met, even funding parts of packages"
        )
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(
            f"HiGHS could not solve the relaxation: {highs.modelStatusToString(status)}"
        )
    duals = np.asarray(highs.getSolution().row_dual, dtype=np.float64) / unit
    return _priced(problem, duals, sites, packages, steps_cost, steps_benefit)


def _priced(
    problem: AllocationProblem,
    duals: np.ndarray,
    sites: np.ndarray,
    packages: np.ndarray,
    steps_cost: np.ndarray,
    steps_benefit: np.ndarray,
) -> Relaxation:
    # Signs that make the Lagrangian bound valid: a price on the upper side only where
    # there is an upper limit (the budget, a cap); the lower sides (0, a floor) always exist.
    budget_price = max(float(duals[0]), 0.0)
    rule_prices = duals[1:] + 0.0  # and no -0.0 in the answer
    rule_prices[(rule_prices > 0) & ~np.isfinite(problem.cap)] = 0.0
    site_price = budget_price + (
        problem.membership @ rule_prices if len(rule_prices) else np.zeros(problem.size)
    )
    value = problem.benefit - site_price[problem.site_of] * problem.cost
    site_value = np.maximum(np.maximum.reduceat(value, problem.start[:-1]), 0.0)
    rows = budget_price * problem.budget + float(
        np.sum(
            np.where(
                rule_prices > 0,
                rule_prices * np.where(np.isfinite(problem.cap), problem.cap, 0.0),
                rule_prices * problem.floor,
            )
        )
    )
    bound = rows + float(np.sum(site_value))
    # Steps in the order a price-aware greedy would take them: furthest above the site's price.
    key = steps_benefit / steps_cost - site_price[sites]
    return Relaxation(
        budget_price=budget_price,
        rule_prices=dict(zip(problem.rule_groups, rule_prices.tolist(), strict=True)),
        site_price=site_price,
        value=value,
        site_value=site_value,
        bound=bound,
        increments=packages[np.argsort(-key, kind="stable")],
    )


def _hull_increments(
    problem: AllocationProblem,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each site's upper hull of (cost, benefit) from (0, 0), as steps between its vertices.

    Returns the steps' site, flat package index (the vertex the step reaches), cost and
    benefit. Every maximiser of ``benefit - price * cost`` for any price is a hull vertex, so
    the relaxation over these steps is the relaxation of the whole round.
    """
    cost, benefit, start = problem.cost.tolist(), problem.benefit.tolist(), problem.start.tolist()
    sites: list[int] = []
    packages: list[int] = []
    steps_cost: list[float] = []
    steps_benefit: list[float] = []
    for site in range(problem.size):
        first, last = start[site], start[site + 1]
        order = sorted(range(first, last), key=lambda p: (cost[p], -benefit[p]))
        hull: list[tuple[float, float, int]] = [(0.0, 0.0, -1)]
        for p in order:
            c, b = cost[p], benefit[p]
            if c == hull[-1][0]:
                continue  # same cost, less benefit
            while len(hull) >= 2:
                (c1, b1, _), (c2, b2, _) = hull[-2], hull[-1]
                if (b2 - b1) * (c - c1) <= (b - b1) * (c2 - c1):
                    hull.pop()  # on or under the chord from its neighbours
                else:
                    break
            hull.append((c, b, p))
        for (c1, b1, _), (c2, b2, p) in zip(hull, hull[1:], strict=False):
            sites.append(site)
            packages.append(p)
            steps_cost.append(c2 - c1)
            steps_benefit.append(b2 - b1)
    return (
        np.array(sites, dtype=np.int64),
        np.array(packages, dtype=np.int64),
        np.array(steps_cost),
        np.array(steps_benefit),
    )


class Reason(StrEnum):
    ABOVE_CUT_OFF = "above_cut_off"  # funded: its best benefit per pound reaches its cut-off
    FILLS_LEFTOVER = "fills_leftover"  # funded below the cut-off, with money nothing better fitted
    BELOW_CUT_OFF = "below_cut_off"  # not funded: its best benefit per pound is under the cut-off
    DID_NOT_FIT = "did_not_fit"  # not funded although at or above the cut-off: none fitted


@dataclass(frozen=True)
class Explanation:
    """Why one application was or was not funded. Ratios are risk removed per pound."""

    site: str
    funded: str | None  # package id
    reason: Reason
    best_package: str  # the package with the best benefit per pound
    best_ratio: float
    cut_off: float  # this site's price: the round's cut-off plus its groups' rule prices
    step_up: str | None  # the next more beneficial package than the funded one, if any
    step_up_ratio: float | None  # its extra benefit per extra pound
    text: str


def explain(
    problem: AllocationProblem, allocation: Allocation, relaxation: Relaxation | None = None
) -> list[Explanation]:
    """One explanation per application, in input order (docs/fund-allocation.md, section 5)."""
    relaxation = relaxation or relax(problem)
    explanations = []
    for site, application in enumerate(problem.applications):
        ratios = [p.benefit / p.cost for p in application.packages]
        best = max(range(len(ratios)), key=lambda p: (ratios[p], -application.packages[p].cost))
        cut_off = float(relaxation.site_price[site])
        pick = allocation.picks[site]
        above = ratios[best] >= cut_off * (1 - 1e-9)  # a tie is the marginal package itself
        if pick >= 0:
            reason = Reason.ABOVE_CUT_OFF if above else Reason.FILLS_LEFTOVER
        else:
            reason = Reason.DID_NOT_FIT if above else Reason.BELOW_CUT_OFF
        step_up, step_ratio = _step_up(application.packages, pick)
        explanations.append(
            Explanation(
                site=application.id,
                funded=application.packages[pick].id if pick >= 0 else None,
                reason=reason,
                best_package=application.packages[best].id,
                best_ratio=ratios[best],
                cut_off=cut_off,
                step_up=step_up.id if step_up else None,
                step_up_ratio=step_ratio,
                text=_sentence(
                    problem, relaxation, site, reason, pick, best, ratios, step_up, step_ratio
                ),
            )
        )
    return explanations


def _step_up(packages: tuple[Package, ...], pick: int) -> tuple[Package | None, float | None]:
    """The package a funded site would step up to next: the best extra benefit per extra pound."""
    if pick < 0:
        return None, None
    base = packages[pick]
    better = [p for p in packages if p.benefit > base.benefit and p.cost > base.cost]
    if not better:
        return None, None

    def extra_per_pound(package: Package) -> float:
        return (package.benefit - base.benefit) / (package.cost - base.cost)

    step = max(better, key=extra_per_pound)
    return step, extra_per_pound(step)


def _per_thousand(ratio: float) -> str:
    return f"{ratio * 1000:.4g}"


def _sentence(
    problem: AllocationProblem,
    relaxation: Relaxation,
    site: int,
    reason: Reason,
    pick: int,
    best: int,
    ratios: list[float],
    step_up: Package | None,
    step_ratio: float | None,
) -> str:
    application = problem.applications[site]
    cut_off = float(relaxation.site_price[site])
    best_package = application.packages[best]
    said = {
        Reason.ABOVE_CUT_OFF: "Funded",
        Reason.FILLS_LEFTOVER: "Funded below the cut-off, with money no better application fitted",
        Reason.BELOW_CUT_OFF: "Not funded",
        Reason.DID_NOT_FIT: "Not funded although at or above the cut-off: none of its packages "
        "fitted what was left within the budget and rules",
    }[reason]
    if pick >= 0:
        package = application.packages[pick]
        said += f" {package.id!r} (£{package.cost:,.0f}, {_per_thousand(ratios[pick])} per £1,000)"
    text = (
        f"{said}: its best benefit per £1,000 is {_per_thousand(ratios[best])} "
        f"({best_package.id!r}) against a cut-off of {_per_thousand(cut_off)}"
    )
    rules = [
        (group, relaxation.rule_prices[group])
        for group in (problem.rule_groups[g] for g in problem.groups_of_site[site])
        if abs(relaxation.rule_prices[group]) > 1e-15
    ]
    if rules:
        text += (
            " ("
            + "; ".join(
                f"{'the minimum share for' if price < 0 else 'the cap on'} {group!r} "
                f"{'lowers' if price < 0 else 'raises'} it by {_per_thousand(abs(price))}"
                for group, price in rules
            )
            + f"; the round's cut-off is {_per_thousand(relaxation.budget_price)})"
        )
    if step_up is not None and step_ratio is not None:
        verdict = "below the cut-off" if step_ratio < cut_off else "above it but did not fit"
        text += (
            f"; stepping up to {step_up.id!r} would add {_per_thousand(step_ratio)} per extra "
            f"£1,000, {verdict}"
        )
    return text + "."
