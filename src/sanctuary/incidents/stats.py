"""Figures of incidents: per week by category and faith, per ward; and the CSV export's rows.

Aggregates hide small counts: a cell of 1 to 4 incidents is shown as "fewer than 5" (and left
out of the charts), so that nobody can pick a reporter out of a small total. Each event counts
once: merged duplicates are left out by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek

from sanctuary.incidents.models import Category, Incident
from sanctuary.registry.models import Faith
from sanctuary.spreadsheet_cells import safe_cell

SMALL = 5  # counts below this (and above 0) are suppressed in aggregates
WEEKS = 26
def suppressed(count: int) -> int | None:
    """The count, or None where it is small enough to identify someone (1 to 4)."""
    return None if 0 < count < SMALL else count


def shown(count: int) -> str:
    value = suppressed(count)
    return "<5" if value is None else str(value)


@dataclass
class Summary:
    weeks: list[date]
    by_category: dict[str, list[int | None]]  # label -> a count per week (None: suppressed)
    by_faith: dict[str, list[int | None]]
    wards: list[tuple[str, str, str, str]]  # area, ward, incidents in the last 90 days, before

    def chart_data(self) -> dict[str, Any]:
        return {
            "weeks": [week.isoformat() for week in self.weeks],
            "category": [{"label": k, "data": v} for k, v in self.by_category.items()],
            "faith": [{"label": k, "data": v} for k, v in self.by_faith.items()],
        }


def summarise(incidents: QuerySet[Incident], today: date) -> Summary:
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS - 1)
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS)]
    index = {week: i for i, week in enumerate(weeks)}
    recent = incidents.filter(occurred_on__gte=first, occurred_on__lte=today)

    def weekly(field: str, labels: dict[str, str]) -> dict[str, list[int | None]]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * WEEKS)
        for row in recent.annotate(week=TruncWeek("occurred_on")).values("week", field).annotate(n=Count("pk")):
            week = row["week"]
            week = week.date() if hasattr(week, "date") else week
            if week in index and row[field]:
                counts[labels.get(row[field], row[field])][index[week]] += row["n"]
        return {label: [suppressed(n) for n in series] for label, series in sorted(counts.items())}

    by_category = weekly("category", {value: str(label) for value, label in Category.choices})
    by_faith = weekly("faith_targeted", {value: str(label) for value, label in Faith.choices})
    cut = today - timedelta(days=90)
    wards: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        incidents.filter(occurred_on__gte=cut - timedelta(days=90), occurred_on__lte=today)
        .exclude(ward="")
        .values("area__name", "ward", "occurred_on")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        wards[(row["area__name"], row["ward"])][0 if row["occurred_on"] > cut else 1] += row["n"]
    table = [
        (area, ward, shown(now), shown(before))
        for (area, ward), (now, before) in sorted(wards.items())
    ]
    return Summary(weeks, by_category, by_faith, table)


EXPORT_HEADER = [
    "reference", "category", "severity", "status", "occurred_on", "date_is_approximate",
    "area", "ward", "site", "latitude", "longitude", "faith_targeted", "target",
    "description", "police_reference", "handling_organisation", "merged_into", "created_at",
]


def export_row(incident: Incident) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            incident.reference,
            incident.category,
            incident.severity,
            incident.status,
            incident.occurred_on.isoformat(),
            "yes" if incident.date_is_approximate else "no",
            incident.area.name,
            incident.ward,
            incident.site.name if incident.site else "",
            f"{incident.latitude:.5f}" if incident.latitude is not None else "",
            f"{incident.longitude:.5f}" if incident.longitude is not None else "",
            incident.faith_targeted,
            incident.target_description,
            incident.description,
            incident.police_reference,
            incident.handling_organisation.name if incident.handling_organisation else "",
            incident.merged_into_id or "",
            incident.created_at.isoformat(timespec="seconds"),
        )
    ]
