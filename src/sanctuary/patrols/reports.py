"""What the pages show of a plan: routes by day and unit, coverage, planned against actual.

Plain reading of rows the doors already let through; nothing here decides who sees what.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

from sanctuary.patrols.models import CheckIn, CheckInKind, Plan, PlannedVisit
from sanctuary.solvers.games import SecurityGame
from sanctuary.solvers.patrol import attack_outcome

LATE_AFTER = timedelta(minutes=10)


class VisitState:
    PLANNED = "planned"
    DELIVERED = "delivered"
    LATE = "late"
    MISSED = "missed"


def visit_state(visit: PlannedVisit, check_ins: Sequence[CheckIn], now: datetime) -> str:
    accepted = [c for c in check_ins if c.kind == CheckInKind.IN and c.accepted]
    if accepted:
        first = min(c.at for c in accepted)
        return VisitState.LATE if first > visit.start + LATE_AFTER else VisitState.DELIVERED
    if visit.missed_reason or visit.window_end < now:
        return VisitState.MISSED
    return VisitState.PLANNED


@dataclass
class Tally:
    planned: int = 0
    delivered: int = 0
    late: int = 0
    missed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, state: str, reason: str = "") -> None:
        self.planned += 1
        if state == VisitState.DELIVERED:
            self.delivered += 1
        elif state == VisitState.LATE:
            self.delivered += 1
            self.late += 1
        elif state == VisitState.MISSED:
            self.missed += 1
            self.reasons[reason or "no reason given"] += 1

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        """For templates: a Counter answers 0 to `.items` looked up as a key."""
        return sorted(self.reasons.items())

    @property
    def share(self) -> float:
        return self.delivered / self.planned if self.planned else 0.0


@dataclass
class Actual:
    rows: list[tuple[PlannedVisit, str, list[CheckIn]]]
    by: dict[str, list[tuple[str, Tally]]]
    total: Tally


def planned_against_actual(visits: Iterable[PlannedVisit], check_ins: Iterable[CheckIn]) -> Actual:
    now = timezone.now()
    per_visit: dict[int, list[CheckIn]] = defaultdict(list)
    for check_in in check_ins:
        per_visit[check_in.visit_id].append(check_in)
    groups: dict[str, dict[str, Tally]] = {k: defaultdict(Tally) for k in
                                           ("site", "ward", "faith", "unit", "week")}
    total = Tally()
    rows = []
    for visit in visits:
        found = per_visit.get(visit.pk, [])
        state = visit_state(visit, found, now)
        reason = visit.get_missed_reason_display() if visit.missed_reason else ""
        rows.append((visit, state, found))
        total.add(state, reason)
        keys = {
            "site": visit.site.name,
            "ward": visit.site.ward or "(no ward)",
            "faith": visit.site.get_faith_display(),
            "unit": visit.unit.name,
            "week": f"{_monday(timezone.localtime(visit.start).date()):%d %b %Y}",
        }
        for group, key in keys.items():
            groups[group][key].add(state, reason)
    return Actual(rows, {k: sorted(v.items()) for k, v in groups.items()}, total)


@dataclass(frozen=True)
class Delivered:
    share: float  # delivered visits / planned visits that are due
    utility: float  # the plan's utility if coverage is delivered at that share
    planned: float


def delivered_utility(plan: Plan, tally: Tally) -> Delivered | None:
    """The game's defender utility with every gathering's planned coverage scaled by the share
    of due visits the officers delivered: what the plan is worth if delivery goes on like this
    (the attacker best-responds to the scaled coverage; he may stay at home)."""
    due = tally.delivered + tally.missed
    rows = [w for w in plan.windows if len(w.get("payoffs", ())) == 4]
    if plan.utility is None or not due or not rows:
        return None
    share = tally.delivered / due
    payoffs = np.array([w["payoffs"] for w in rows], dtype=np.float64)
    game = SecurityGame(
        ids=tuple(w["key"] for w in rows), defender_covered=payoffs[:, 0],
        defender_uncovered=payoffs[:, 1], attacker_covered=payoffs[:, 2],
        attacker_uncovered=payoffs[:, 3], resources=float(len(rows)),
    )
    coverage = np.array(
        [float(w.get("coverage", 0.0)) * (1.0 if w.get("covered_by", "").startswith("steward") else share)
         for w in rows]
    )
    outcome = attack_outcome(game, coverage, may_decline=True)
    return Delivered(share, outcome.defender_utility, float(plan.utility))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class DayRoutes:
    day: date
    units: list[tuple[Any, list[PlannedVisit]]]


def routes_by_day(visits: Iterable[PlannedVisit]) -> list[DayRoutes]:
    days: dict[date, dict[Any, list[PlannedVisit]]] = defaultdict(lambda: defaultdict(list))
    for visit in visits:
        days[timezone.localtime(visit.start).date()][visit.unit].append(visit)
    return [
        DayRoutes(day, sorted(((u, sorted(v, key=lambda x: x.start)) for u, v in units.items()),
                              key=lambda item: item[0].name))
        for day, units in sorted(days.items())
    ]


@dataclass
class SiteCoverage:
    site: str
    windows: int
    expected: float  # expected visits under the mixture: the sum of coverages
    visits: int  # visits in the drawn week


def coverage_by_site(plan: Plan, visits: Sequence[PlannedVisit]) -> list[SiteCoverage]:
    per_site: dict[str, SiteCoverage] = {}
    for window in plan.windows:
        row = per_site.setdefault(window["site_name"], SiteCoverage(window["site_name"], 0, 0.0, 0))
        row.windows += 1
        row.expected += float(window.get("coverage", 0.0))
    for visit in visits:
        row = per_site.setdefault(visit.site.name, SiteCoverage(visit.site.name, 0, 0.0, 0))
        row.visits += 1
    return sorted(per_site.values(), key=lambda r: (-r.expected, r.site))


def window_rows(plan: Plan) -> list[dict[str, Any]]:
    rows = []
    for window in plan.windows:
        rows.append({
            **window,
            "start_at": datetime.fromisoformat(window["start"]),
            "end_at": datetime.fromisoformat(window["end"]),
            "coverage_percent": round(100 * float(window.get("coverage", 0.0))),
        })
    return sorted(rows, key=lambda r: (r["start_at"], r["site_name"]))


def unreachable(plan: Plan) -> list[dict[str, Any]]:
    return [r for r in window_rows(plan) if r.get("reason")]


def community_counts(check_ins: Iterable[CheckIn]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Delivered visits per site and per ward: counts only, never a time."""
    sites: Counter[str] = Counter()
    wards: Counter[str] = Counter()
    seen: set[int] = set()
    for check_in in check_ins:
        if check_in.visit_id in seen:
            continue
        seen.add(check_in.visit_id)
        sites[check_in.visit.site.name] += 1
        wards[check_in.visit.site.ward or "(no ward)"] += 1
    return sorted(sites.items()), sorted(wards.items())
