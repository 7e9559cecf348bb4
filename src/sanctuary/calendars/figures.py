"""What the calendars tell the partnership's picture: this week's gatherings at the sites the
reader sees (the contract is sanctuary/figures.py; the definitions are in docs/overview.md).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.calendars import services
from sanctuary.figures import Figure
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import SiteStatus

TITLE = "Gatherings"
LARGE = 500  # people: a gathering the partnership plans around


def home(actor: Actor) -> list[Figure]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    sites = registry_policy.visible_sites(actor).filter(status=SiteStatus.ACTIVE)
    try:
        found = services.gatherings(
            services.with_schedules(sites, most=settings.CALENDAR_MAX_SITES),
            monday, monday + timedelta(days=6),
        )
    except services.CalendarUnavailable as error:
        note = str(error)
        return [Figure("calendars.week", "Gatherings this week", None, "/calendar/week/", note=note)]
    large = sum(1 for item in found if item.gathering.expected_attendance >= LARGE)
    return [
        Figure("calendars.week", "Gatherings this week", len(found), link="/calendar/week/"),
        Figure("calendars.week_large", f"Gatherings of {LARGE} people or more this week", large,
               link="/calendar/week/"),
    ]
