"""What patrols tell the partnership's picture (the contract is sanctuary/figures.py; the
definitions are in docs/overview.md).

A patrol's future times are for the patrol staff alone: only they get this week's planned
visits (through `policy.visible_visits`). Everyone else gets what the community summary already
shows them: visits delivered in the past at the sites they see (`policy.delivered_since` over
the registry's door), counts only. The month's planned-against-delivered counts only visits
already due (before now) at the sites the reader sees: the past, never a route.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.figures import Figure, Table
from sanctuary.patrols import policy
from sanctuary.patrols.models import CheckIn, PlannedVisit, PlanStatus
from sanctuary.patrols.reports import Tally, visit_state
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Area, Faith

TITLE = "Patrols"
BY_FAITH_DAYS = 30


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _delivered_visits(check_ins: list[CheckIn]) -> dict[int, str]:
    """Visit id -> the faith of its site, once per visit however many check-ins it had."""
    return {c.visit_id: c.visit.site.faith for c in check_ins}


def home(actor: Actor) -> list[Figure]:
    today = timezone.localdate()
    monday = _moment(today - timedelta(days=today.weekday()))
    delivered = _delivered_visits(
        list(policy.delivered_since(registry_policy.visible_sites(actor), monday))
    )
    figures = []
    if policy.is_patrol_staff(actor):
        planned = policy.visible_visits(actor).filter(
            plan__status=PlanStatus.PUBLISHED, start__gte=monday, start__lt=monday + timedelta(days=7)
        ).count()
        figures.append(Figure("patrols.week_planned", "Patrol visits planned this week", planned,
                              link="/patrols/"))
    figures.append(Figure("patrols.week_delivered", "Patrol visits delivered this week",
                          len(delivered), link="/patrols/summary/"))
    return figures


def by_faith(actor: Actor, area: Area) -> dict[str, list[Figure]]:
    since = timezone.now() - timedelta(days=BY_FAITH_DAYS)
    sites = registry_policy.visible_sites(actor).filter(area=area)
    delivered = _delivered_visits(list(policy.delivered_since(sites, since)))
    counts: dict[str, int] = defaultdict(int)
    for faith in delivered.values():
        counts[faith] += 1
    return {
        faith: [Figure("patrols.delivered", f"Patrol visits delivered, last {BY_FAITH_DAYS} days",
                       counts[faith], link="/patrols/summary/")]
        for faith in Faith.values
    }


def month(actor: Actor, area: Area, start: date, end: date) -> list[Figure | Table]:
    now = timezone.now()
    last = min(_moment(end), now)
    due = PlannedVisit.objects.filter(
        site__in=registry_policy.visible_sites(actor).filter(area=area),
        plan__status=PlanStatus.PUBLISHED,
        start__gte=_moment(start),
        start__lt=last,
    )
    visits = list(due.select_related("site"))
    check_ins: dict[int, list[CheckIn]] = defaultdict(list)
    for check_in in policy.check_ins_of(due):
        check_ins[check_in.visit_id].append(check_in)
    total = Tally()
    faiths: dict[str, Tally] = defaultdict(Tally)
    wards: dict[str, Tally] = defaultdict(Tally)
    for visit in visits:
        state = visit_state(visit, check_ins[visit.pk], now)
        total.add(state)
        faiths[visit.site.get_faith_display()].add(state)
        wards[visit.site.ward or "(no ward)"].add(state)

    def table(key: str, title: str, column: str, tallies: dict[str, Tally]) -> Table:
        return Table(key, title, (column, "Planned", "Delivered", "Missed"), tuple(
            (name, t.planned, t.delivered, t.missed) for name, t in sorted(tallies.items())
        ))

    return [
        Figure("patrols.planned", "Patrol visits planned (already due)", total.planned,
               link="/patrols/summary/"),
        Figure("patrols.delivered", "Patrol visits delivered", total.delivered,
               link="/patrols/summary/"),
        Figure("patrols.delivered_share", "Delivered of planned",
               round(100 * total.share) if total.planned else None, unit="%",
               note="" if total.planned else "not known: no visit was due"),
        table("patrols.by_faith", "Patrols planned against delivered, by faith", "Faith", faiths),
        table("patrols.by_ward", "Patrols planned against delivered, by ward", "Ward", wards),
    ]
