"""What incidents tell the partnership's picture (the contract is sanctuary/figures.py; the
definitions are in docs/overview.md).

Everything is read through `policy.visible_incidents` (and `visible_surge_alerts`), so a reader
counts only the incidents they may see. Merged duplicates are left out: an event counts once.
Aggregates over an area (by faith, by category, by ward) hide a count of 1 to 4 as incidents'
weekly figures do (`stats.suppressed`); the home page's own queue counts are not aggregates of
others' reports but the reader's own list, and are shown whole.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import grants_for
from sanctuary.figures import Figure, Table
from sanctuary.incidents import policy
from sanctuary.incidents.models import OPEN_STATUSES, Category, Incident
from sanctuary.incidents.stats import shown, suppressed
from sanctuary.registry.models import Area, Faith

TITLE = "Incidents"
# The window of the cross-faith view's incident count, and of a surge still "active".
BY_FAITH_DAYS = 90
SURGE_DAYS = 14
SMALL_NOTE = "fewer than 5: hidden so that nobody can be picked out"


def _events(actor: Actor) -> QuerySet[Incident]:
    return policy.visible_incidents(actor).filter(merged_into__isnull=True)


def home(actor: Actor) -> list[Figure]:
    incidents = _events(actor)
    figures = [
        Figure(
            "incidents.open", "Open incidents",
            incidents.filter(status__in=OPEN_STATUSES).count(), link="/incidents/?view=open",
        ),
    ]
    if grants_for(actor).admin_areas or policy.handler_organisation_ids(actor):
        figures.append(
            Figure(
                "incidents.overdue", "Incidents you handle past a due time",
                policy.overdue(policy.handled_incidents(actor)).count(),
                link="/incidents/?view=overdue",
            )
        )
    if policy.sees_surge_alerts(actor):
        since = timezone.localdate() - timedelta(days=SURGE_DAYS)
        figures.append(
            Figure(
                "incidents.surges", f"Surge alerts, last {SURGE_DAYS} days",
                policy.visible_surge_alerts(actor).filter(last_alarm__gte=since).count(),
                link="/incidents/surges/",
            )
        )
    return figures


def by_faith(actor: Actor, area: Area) -> dict[str, list[Figure]]:
    since = timezone.localdate() - timedelta(days=BY_FAITH_DAYS)
    counts = Counter(
        dict(
            _events(actor)
            .filter(area=area, occurred_on__gte=since, occurred_on__lte=timezone.localdate())
            .exclude(faith_targeted="")
            .values_list("faith_targeted")
            .annotate(n=Count("pk"))
            .values_list("faith_targeted", "n")
        )
    )
    found = {}
    for faith in Faith.values:
        value = suppressed(counts[faith])
        found[faith] = [
            Figure(
                "incidents.recent", f"Incidents, last {BY_FAITH_DAYS} days", value,
                link="/incidents/stats/", note=SMALL_NOTE if value is None else "",
            )
        ]
    return found


def _table(key: str, title: str, counts: Counter[str]) -> Table:
    rows = tuple((label, shown(n)) for label, n in sorted(counts.items()) if n)
    return Table(key, title, (title.split(" by ")[-1].capitalize(), "Incidents"), rows)


def month(actor: Actor, area: Area, start: date, end: date) -> list[Figure | Table]:
    incidents = _events(actor).filter(area=area, occurred_on__gte=start, occurred_on__lt=end)
    rows = list(incidents.values_list("category", "faith_targeted", "ward"))
    categories = dict(Category.choices)
    faiths = dict(Faith.choices)
    total = suppressed(len(rows))
    found: list[Figure | Table] = [
        Figure("incidents.month", "Incidents", total, link="/incidents/stats/",
               note=SMALL_NOTE if total is None else ""),
        _table("incidents.by_category", "Incidents by category",
               Counter(str(categories.get(c, c)) for c, _, _ in rows)),
        _table("incidents.by_faith", "Incidents by faith",
               Counter(str(faiths.get(f, f)) if f else "(not said)" for _, f, _ in rows)),
        _table("incidents.by_ward", "Incidents by ward",
               Counter(w or "(no ward)" for _, _, w in rows)),
    ]
    if policy.sees_surge_alerts(actor):
        surges = list(
            policy.visible_surge_alerts(actor)
            .filter(area=area, day__gte=start, day__lt=end)
            .order_by("day", "scope", "key")
        )
        found.append(Figure("incidents.surges", "Surge alerts", len(surges),
                            link="/incidents/surges/"))
        found.append(
            Table(
                "incidents.surge_list", "Surge alerts",
                ("Raised on", "Where", "Since", "Incidents", "Expected"),
                tuple((s.day.isoformat(), s.key, s.since.isoformat(), s.observed,
                       round(s.expected, 1)) for s in surges),
            )
        )
    return found
