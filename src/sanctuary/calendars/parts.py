"""The parts of a schedule that are lists of rows, in one table that the page, its forms, the
services and the API all read: adding a kind of row is one entry here.

The settings and the published timetable are parts of a schedule too, but not lists: they have
forms and services of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sanctuary.calendars import forms
from sanctuary.calendars.models import (
    ConfirmedDate,
    CongregationRule,
    DailyPrayers,
    Event,
    JumuahSession,
    Schedule,
    ScheduleRow,
    Service,
)
from sanctuary.registry.models import Faith, Site


def _everyone(site: Site, schedule: Schedule) -> bool:
    return True


def keeps_daily_prayers(site: Site, schedule: Schedule) -> bool:
    """Jama'ah times and Jumu'ah are a mosque's (or a site that says it keeps the prayers)."""
    if schedule.daily_prayers == DailyPrayers.BY_FAITH:
        return site.faith == Faith.ISLAM
    return schedule.daily_prayers == DailyPrayers.YES


@dataclass(frozen=True)
class Part:
    slug: str  # in URLs, form prefixes and page anchors
    model: type[ScheduleRow]
    form: type[forms.RowForm]
    title: str
    add_title: str
    empty: str  # what the page says when there are no rows
    api_field: str  # its list's name in GET /api/sites/{id}/schedule
    max_rows: int  # far beyond any real place of worship; a bound on what a schedule costs
    previewed: bool = True  # whether the form previews the next 14 days as it changes
    help: str = ""
    applies: Callable[[Site, Schedule], bool] = _everyone

    def rows(self, schedule: Schedule) -> list[ScheduleRow]:
        """The schedule's rows of this part, through its related name (the slug), so that a
        prefetch (services.with_schedules) serves them."""
        if schedule.pk is None:
            return []
        return list(getattr(schedule, self.slug).all())


PARTS: tuple[Part, ...] = (
    Part(
        slug="rules",
        model=CongregationRule,
        form=forms.CongregationRuleForm,
        title="Jama'ah times",
        add_title="Add a jama'ah rule",
        empty="No rules: usual margins after each start time.",
        help="When the congregation prays. The first rule that matches a day wins; prayers "
        "without a rule follow the start time by a usual margin.",
        api_field="congregation_rules",
        max_rows=100,
        applies=keeps_daily_prayers,
    ),
    Part(
        slug="jumuah",
        model=JumuahSession,
        form=forms.JumuahForm,
        title="Jumu'ah",
        add_title="Add a Jumu'ah session",
        empty="No sessions listed: one at 13:15 (winter) / 13:30 (summer) is assumed.",
        api_field="jumuah_sessions",
        max_rows=10,
        applies=keeps_daily_prayers,
    ),
    Part(
        slug="services",
        model=Service,
        form=forms.ServiceForm,
        title="Regular services",
        add_title="Add a service",
        empty="None listed: the faith's usual services are assumed.",
        api_field="services",
        max_rows=100,
    ),
    Part(
        slug="events",
        model=Event,
        form=forms.EventForm,
        title="One-off events",
        add_title="Add an event",
        empty="No vigils, funerals, weddings or events booked.",
        api_field="events",
        max_rows=1000,
    ),
    Part(
        slug="confirmed",
        model=ConfirmedDate,
        form=forms.ConfirmedDateForm,
        title="Confirmed festival dates",
        add_title="Confirm a festival date",
        empty="None: lunar dates are marked as uncertain until confirmed.",
        api_field="confirmed_dates",
        max_rows=200,
        previewed=False,
    ),
)
BY_SLUG = {part.slug: part for part in PARTS}


def part_of(row: ScheduleRow) -> Part:
    return next(part for part in PARTS if isinstance(row, part.model))
