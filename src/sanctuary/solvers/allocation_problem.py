"""A funding round of the protective security fund: applications, packages, budget and rules.

An application is one site's request; its packages are the alternatives the site could be
funded for (each a cost in pounds and a benefit, the risk it removes). The round funds at most
one package per site within the budget, under optional side rules per group (a faith or an
area): a minimum share of the budget and a cap in pounds. docs/fund-allocation.md.

Bad input raises :class:`InvalidInput` naming the site by its index, the package and the field;
rules that no allocation can meet raise :class:`InfeasibleRules` (an InvalidInput too).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np

from sanctuary.solvers.validation import (
    InvalidInput,
    require_field,
    require_list,
    require_mapping,
    require_number,
    require_time,
)

PROBLEM_FIELDS = ("budget", "sites", "rules")
SITE_FIELDS = ("id", "packages", "group", "score", "submitted_at")
PACKAGE_FIELDS = ("id", "cost", "benefit", "measures")
RULE_FIELDS = ("min_share", "max_per_group")


class InfeasibleRules(InvalidInput):
    """No allocation meets the budget and the side rules together."""


@dataclass(frozen=True)
class Package:
    id: str
    cost: float  # pounds, > 0
    benefit: float  # risk removed, >= 0


@dataclass(frozen=True)
class Application:
    """One site's application: its packages (alternatives) and the groups it counts towards."""

    id: str  # the site's id
    packages: tuple[Package, ...]
    groups: tuple[str, ...] = ()
    score: float | None = None  # the assessors' ranking score: higher is funded first
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Rules:
    min_share: Mapping[str, float] = field(default_factory=dict)  # group -> fraction of budget
    max_per_group: Mapping[str, float] = field(default_factory=dict)  # group -> pounds


@dataclass(frozen=True)
class AllocationProblem:
    """One round, checked on construction. Packages are also held as flat numpy columns."""

    budget: float
    applications: tuple[Application, ...]
    rules: Rules = field(default_factory=Rules)

    def __post_init__(self) -> None:
        _check(self)

    def with_budget(self, budget: float) -> AllocationProblem:
        return replace(self, budget=budget)

    @property
    def size(self) -> int:
        return len(self.applications)

    @cached_property
    def start(self) -> np.ndarray:
        """Packages of site s are ``start[s]:start[s + 1]`` of the flat columns."""
        counts = [len(application.packages) for application in self.applications]
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    @cached_property
    def site_of(self) -> np.ndarray:
        return np.repeat(np.arange(self.size), np.diff(self.start))

    @cached_property
    def cost(self) -> np.ndarray:
        return np.array([p.cost for a in self.applications for p in a.packages], dtype=np.float64)

    @cached_property
    def benefit(self) -> np.ndarray:
        return np.array(
            [p.benefit for a in self.applications for p in a.packages], dtype=np.float64
        )

    @cached_property
    def rule_groups(self) -> tuple[str, ...]:
        """The groups that some rule names, in a fixed order: the rows of the programme."""
        return tuple(sorted(set(self.rules.min_share) | set(self.rules.max_per_group)))

    @cached_property
    def floor(self) -> np.ndarray:
        """Least spend per rule group, in pounds (0 where there is no minimum share)."""
        return np.array([self.rules.min_share.get(g, 0.0) * self.budget for g in self.rule_groups])

    @cached_property
    def cap(self) -> np.ndarray:
        return np.array([self.rules.max_per_group.get(g, math.inf) for g in self.rule_groups])

    @cached_property
    def groups_of_site(self) -> tuple[tuple[int, ...], ...]:
        """For each site, the indices (into ``rule_groups``) of the rule groups it is in."""
        index = {group: i for i, group in enumerate(self.rule_groups)}
        return tuple(
            tuple(sorted({index[g] for g in a.groups if g in index})) for a in self.applications
        )

    @cached_property
    def membership(self) -> np.ndarray:
        """Boolean (sites x rule groups)."""
        member = np.zeros((self.size, len(self.rule_groups)), dtype=bool)
        for site, groups in enumerate(self.groups_of_site):
            member[site, list(groups)] = True
        return member

    def spend_by_group(self, picks: np.ndarray) -> np.ndarray:
        spend = self.site_spend(picks)
        return spend @ self.membership if self.rule_groups else np.zeros(0)

    def site_spend(self, picks: np.ndarray) -> np.ndarray:
        chosen = picks >= 0
        spend = np.zeros(self.size)
        spend[chosen] = self.cost[self.start[:-1][chosen] + picks[chosen]]
        return spend

    def violations(self, picks: np.ndarray) -> tuple[str, ...]:
        """What an allocation breaks, one sentence each (empty when it keeps every rule)."""
        broken = []
        total = float(self.site_spend(picks).sum())
        if total > self.budget * (1 + BUDGET_TOLERANCE):
            broken.append(f"spends £{total:,.2f}, over the budget of £{self.budget:,.2f}")
        for group, spend, floor, cap in zip(
            self.rule_groups, self.spend_by_group(picks), self.floor, self.cap, strict=True
        ):
            if spend < floor * (1 - BUDGET_TOLERANCE):
                share = self.rules.min_share[group]
                broken.append(
                    f"min_share {group!r}: £{spend:,.2f} funded, below {share:g} of the "
                    f"budget (£{floor:,.2f})"
                )
            if spend > cap * (1 + BUDGET_TOLERANCE):
                broken.append(f"max_per_group {group!r}: £{spend:,.2f} funded, over £{cap:,.2f}")
        return tuple(broken)


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven within the requested relative gap
    TIME_LIMIT = "time_limit"  # stopped by the time limit: bound and gap say how far off it may be
    HEURISTIC = "heuristic"  # a baseline rule (greedy, first come): no bound


@dataclass(frozen=True)
class Allocation:
    """Who gets what. ``picks[s]`` is the package index within site s, or -1 for none."""

    method: str  # "optimal", "greedy", "first_come"
    picks: tuple[int, ...]
    chosen: Mapping[str, str]  # site id -> package id, funded sites only
    cost: float
    benefit: float
    bound: float | None  # proven upper bound on the benefit of any allocation (optimal only)
    gap: float | None  # (bound - benefit) / benefit
    seconds: float
    status: Status
    found_by: str  # which step found the returned allocation (docs, section 3)
    violations: tuple[str, ...]  # rules the allocation breaks (baselines only)
    group_spend: Mapping[str, float]  # pounds per rule group

    @classmethod
    def of(
        cls,
        problem: AllocationProblem,
        picks: np.ndarray,
        *,
        method: str,
        seconds: float,
        status: Status,
        found_by: str,
        bound: float | None = None,
    ) -> Allocation:
        picks = np.asarray(picks, dtype=np.int64)
        funded = np.flatnonzero(picks >= 0)
        flat = problem.start[:-1][funded] + picks[funded]
        # Summed in site order with Python floats: the same total whoever computes it.
        benefit = math.fsum(problem.benefit[flat].tolist())
        gap = None
        if bound is not None:
            bound = max(bound, benefit)
            gap = (bound - benefit) / benefit if benefit > 0 else (0.0 if bound <= 0 else None)
        return cls(
            method=method,
            picks=tuple(int(p) for p in picks),
            chosen={
                problem.applications[s].id: problem.applications[s].packages[int(picks[s])].id
                for s in funded
            },
            cost=math.fsum(problem.cost[flat].tolist()),
            benefit=benefit,
            bound=bound,
            gap=gap,
            seconds=seconds,
            status=status,
            found_by=found_by,
            violations=problem.violations(picks),
            group_spend=dict(
                zip(problem.rule_groups, problem.spend_by_group(picks).tolist(), strict=True)
            ),
        )

    def to_document(self) -> dict[str, Any]:
        return {
            "chosen": dict(self.chosen),
            "cost": self.cost,
            "benefit": self.benefit,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 6),
            "status": self.status.value,
        }


# Spends are compared with the budget and caps to one part in 10^9 (a thousandth of a penny on
# a million pounds): HiGHS's answers are exact only to its tolerances.
BUDGET_TOLERANCE = 1e-9


def _check(problem: AllocationProblem) -> None:
    budget = problem.budget
    if not math.isfinite(budget) or budget < 0:
        raise InvalidInput(f"problem: field 'budget' must be a finite number >= 0, got {budget}")
    if not problem.applications:
        raise InvalidInput("problem: field 'sites' is empty: nothing to fund")
    seen: dict[str, int] = {}
    for index, application in enumerate(problem.applications):
        where = f"site {index} ({application.id!r})"
        if not isinstance(application.id, str) or not application.id.strip():
            raise InvalidInput(f"site {index}: field 'id' must be a non-empty string")
        if application.id in seen:
            raise InvalidInput(
                f"{where}: duplicate id {application.id!r} (also site {seen[application.id]})"
            )
        seen[application.id] = index
        if not application.packages:
            raise InvalidInput(f"{where}: field 'packages' is empty")
        package_ids: set[str] = set()
        for number, package in enumerate(application.packages):
            place = f"{where}, package {number} ({package.id!r})"
            if not isinstance(package.id, str) or not package.id.strip():
                raise InvalidInput(
                    f"{where}, package {number}: field 'id' must be a non-empty string"
                )
            if package.id in package_ids:
                raise InvalidInput(f"{place}: duplicate package id {package.id!r} in this site")
            package_ids.add(package.id)
            if not math.isfinite(package.cost) or package.cost <= 0:
                raise InvalidInput(f"{place}: field 'cost' must be > 0, got {package.cost:g}")
            if not math.isfinite(package.benefit) or package.benefit < 0:
                raise InvalidInput(
                    f"{place}: field 'benefit' must be >= 0, got {package.benefit:g}"
                )
        for group in application.groups:
            if not isinstance(group, str) or not group.strip():
                raise InvalidInput(f"{where}: field 'group' must hold non-empty strings")
        if application.score is not None and not math.isfinite(application.score):
            raise InvalidInput(f"{where}: field 'score' must be finite")
    _check_all_or_none(problem, "score", [a.score is not None for a in problem.applications])
    _check_all_or_none(
        problem, "submitted_at", [a.submitted_at is not None for a in problem.applications]
    )
    for table in (problem.rules.min_share, problem.rules.max_per_group):
        for group in table:
            if not isinstance(group, str) or not group.strip():
                raise InvalidInput(f"rules: group names must be non-empty strings, got {group!r}")
    for group, share in problem.rules.min_share.items():
        if not math.isfinite(share) or not 0 <= share <= 1:
            raise InvalidInput(
                f"rules, min_share {group!r}: must be a fraction in [0, 1], got {share:g}"
            )
    for group, cap in problem.rules.max_per_group.items():
        if not math.isfinite(cap) or cap < 0:
            raise InvalidInput(f"rules, max_per_group {group!r}: must be pounds >= 0, got {cap:g}")
    _refuse_infeasible_rules(problem)


def _check_all_or_none(problem: AllocationProblem, name: str, present: list[bool]) -> None:
    # A baseline ordered by a field that half the sites lack would be ordered by accident.
    if any(present) and not all(present):
        missing = present.index(False)
        application = problem.applications[missing]
        raise InvalidInput(
            f"site {missing} ({application.id!r}): missing field '{name}' (other sites have one: "
            "give it to every site or to none)"
        )


def _refuse_infeasible_rules(problem: AllocationProblem) -> None:
    """The cheap, certain refusals; subtler infeasibility is left to HiGHS (docs, section 2.3)."""
    shares = problem.rules.min_share
    members = {g: problem.membership[:, i] for i, g in enumerate(problem.rule_groups)}
    for group, share in shares.items():
        floor = share * problem.budget
        if floor <= 0:
            continue
        sites = np.flatnonzero(members[group])
        if sites.size == 0:
            raise InfeasibleRules(
                f"rules, min_share {group!r}: no site is in group {group!r}, so its share "
                f"of {share:g} cannot be met"
            )
        cap = problem.rules.max_per_group.get(group, math.inf)
        if cap < floor:
            raise InfeasibleRules(
                f"rules, group {group!r}: its cap (£{cap:,.2f}) is below its minimum share "
                f"({share:g} of the budget, £{floor:,.2f})"
            )
        reachable = 0.0
        for site in sites:
            limit = min(
                [problem.budget]
                + [float(problem.cap[g]) for g in problem.groups_of_site[int(site)]]
            )
            costs = [p.cost for p in problem.applications[int(site)].packages if p.cost <= limit]
            reachable += max(costs, default=0.0)
        if reachable < floor:
            raise InfeasibleRules(
                f"rules, min_share {group!r}: needs £{floor:,.2f} ({share:g} of the budget) but "
                f"the dearest packages of its {sites.size} site(s) that fit total only "
                f"£{reachable:,.2f}"
            )
    positive = [g for g, share in shares.items() if share > 0]
    if problem.budget > 0 and positive and sum(shares[g] for g in positive) > 1 + 1e-12:
        counted = np.sum([members[g] for g in positive], axis=0)
        if counted.max() <= 1:
            raise InfeasibleRules(
                f"rules, min_share: the shares add up to {sum(shares[g] for g in positive):g} "
                "of the budget, more than all of it"
            )


def problem_from_document(document: Any) -> AllocationProblem:
    """Read a round from JSON; every refusal names the site index, the package and the field."""
    doc = require_mapping(document, "problem")
    _refuse_unknown(doc, PROBLEM_FIELDS, "problem")
    budget = require_number(doc, "budget", "problem")
    raw_sites = require_list(doc, "sites", "problem")
    applications = []
    for index, raw in enumerate(raw_sites):
        site = require_mapping(raw, f"site {index}")
        identifier = require_field(site, "id", f"site {index}")
        if not isinstance(identifier, str) or not identifier.strip():
            raise InvalidInput(f"site {index}: field 'id' must be a non-empty string")
        where = f"site {index} ({identifier!r})"
        _refuse_unknown(site, SITE_FIELDS, where)
        packages = []
        for number, raw_package in enumerate(require_list(site, "packages", where)):
            place = f"{where}, package {number}"
            package = require_mapping(raw_package, place)
            package_id = require_field(package, "id", place)
            if not isinstance(package_id, str) or not package_id.strip():
                raise InvalidInput(f"{place}: field 'id' must be a non-empty string")
            place = f"{where}, package {number} ({package_id!r})"
            _refuse_unknown(package, PACKAGE_FIELDS, place)
            if "measures" in package:
                measures = package["measures"]
                if not isinstance(measures, list) or not all(isinstance(m, str) for m in measures):
                    raise InvalidInput(f"{place}: field 'measures' must be a list of strings")
            packages.append(
                Package(
                    package_id,
                    require_number(package, "cost", place),
                    require_number(package, "benefit", place),
                )
            )
        applications.append(
            Application(
                identifier,
                tuple(packages),
                groups=_groups(site, where),
                score=require_number(site, "score", where) if "score" in site else None,
                submitted_at=(
                    require_time(site, "submitted_at", where) if "submitted_at" in site else None
                ),
            )
        )
    rules = Rules()
    if "rules" in doc:
        raw_rules = require_mapping(doc["rules"], "rules")
        _refuse_unknown(raw_rules, RULE_FIELDS, "rules")
        rules = Rules(
            min_share=_amounts(raw_rules, "min_share"),
            max_per_group=_amounts(raw_rules, "max_per_group"),
        )
    return AllocationProblem(budget=budget, applications=tuple(applications), rules=rules)


def _refuse_unknown(document: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    # A misspelt rule ("min_shares") would otherwise drop a constraint on public money unseen.
    for key in document:
        if key not in allowed:
            raise InvalidInput(f"{where}: unknown field {key!r} (allowed: {', '.join(allowed)})")


def _groups(site: Mapping[str, Any], where: str) -> tuple[str, ...]:
    if "group" not in site:
        return ()
    value = site["group"]
    groups = value if isinstance(value, list) else [value]
    for group in groups:
        if not isinstance(group, str) or not group.strip():
            raise InvalidInput(
                f"{where}: field 'group' must be a non-empty string or a list of them"
            )
    if len(set(groups)) != len(groups):
        raise InvalidInput(f"{where}: field 'group' names a group twice")
    return tuple(groups)


def _amounts(rules: Mapping[str, Any], key: str) -> dict[str, float]:
    if key not in rules:
        return {}
    table = require_mapping(rules[key], f"rules, {key}")
    return {group: require_number(table, group, f"rules, {key}") for group in table}
