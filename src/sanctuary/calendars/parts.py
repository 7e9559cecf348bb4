"""The parts of a schedule that are lists of rows, in one table that the page, its forms, the
services and the API all read: adding a kind of row is one entry here.

Each part says to which sites it applies and, where a faith has words of its own, what the
page calls it ("Diwan and other services" at a gurdwara). The settings and the published
timetable are parts of a schedule too, but not lists: they have forms and services of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sanctuary.calendars import engine, forms
from sanctuary.calendars.engine import defaults, recurrence
from sanctuary.calendars.engine.congregation import RuleStanding, rule_standings
from sanctuary.calendars.models import (
    ConfirmedDate,
    CongregationRule,
    Event,
    JumuahSession,
    Schedule,
    ScheduleRow,
    Service,
    months_in_words,
    typical_peak,
)
from sanctuary.registry.models import Faith, Site


def _everyone(site: Site, schedule: Schedule) -> bool:
    return True


def keeps_daily_prayers(site: Site, schedule: Schedule) -> bool:
    """Jama'ah times and Jumu'ah are a mosque's (or a site's that says it keeps the prayers)."""
    return schedule.keeps_daily_prayers


# Faiths whose festival dates follow the moon and come from tables that can differ locally
# by a day (docs/calendars.md, Festivals): a site confirms the day it keeps. Christian and
# Jewish dates are computed exactly, and have nothing to confirm.
MOVING_DATES = {Faith.ISLAM, Faith.SIKHISM, Faith.HINDUISM, Faith.BUDDHISM}


def has_moving_dates(site: Site, schedule: Schedule) -> bool:
    return site.faith in MOVING_DATES


@dataclass(frozen=True)
class Wording:
    """What the page calls a part at one kind of site."""

    title: str
    add_title: str
    empty: str  # what the page says when there are no rows
    help: str = ""
    assumed: str = ""  # what the faith's defaults put in its place, while they are on


@dataclass(frozen=True)
class ShownRow:
    """A row as the page lists it: in words, with its details and what it needs to know."""

    row: ScheduleRow
    text: str
    details: tuple[str, ...] = ()
    note: str = ""
    warning: str = ""


def _shown(rows: list[ScheduleRow], site: Site, today: date) -> list[ShownRow]:
    return [ShownRow(row, str(row), _details(row, site)) for row in rows]


def _details(row: ScheduleRow, site: Site) -> tuple[str, ...]:
    if isinstance(row, Service):
        found = [f"{row.duration_minutes} min"]
        found.append(
            f"{row.expected_attendance:,} people"
            if row.expected_attendance is not None
            else "the typical peak"
        )
        if row.cancelled:
            found.append("not on " + ", ".join(f"{d:%-d %b %Y}" for d in row.cancelled_dates))
        return tuple(found)
    if isinstance(row, JumuahSession):
        people = round(typical_peak(site) * row.attendance_percent / 100)
        return (f"{row.duration_minutes} min", f"{row.attendance_percent}% of the typical peak "
                f"({people:,} people)")
    if isinstance(row, Event):
        return (f"{row.expected_attendance:,} people",)
    return ()


def _rules_in_precedence(rows: list[ScheduleRow], site: Site, today: date) -> list[ShownRow]:
    """Jama'ah rules in the order they apply, each saying when it decides, and a warning on a
    rule that never does."""
    rules = [row for row in rows if isinstance(row, CongregationRule)]
    standings = rule_standings([rule.to_engine() for rule in rules], today)
    return [_rule_shown(rules, standing) for standing in standings]


def _rule_shown(rules: list[CongregationRule], standing: RuleStanding) -> ShownRow:
    row = rules[standing.index]
    prayer = row.get_prayer_display()
    others = "; ".join(f"{prayer} {rules[i].when()}" for i in standing.yields_to)
    note, warning = f"{_ordinal(standing.rank)} for {prayer}", ""
    if standing.ended:
        warning = "Its dates are over: it no longer takes effect. Remove it."
    elif not standing.takes_effect:
        warning = (
            f"Never takes effect: every one of its days goes to {others}, which comes first. "
            "Remove it, or give it other months or dates."
        )
    elif standing.yields_to and standing.months is not None:
        note += f": decides in {months_in_words(standing.months)}; on its other days {others} comes first"
    elif standing.yields_to:
        note += f": decides on its days except those of {others}"
    else:
        note += ": decides on all its days"
    return ShownRow(row, str(row), note=note, warning=warning)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


@dataclass(frozen=True)
class Part:
    slug: str  # in URLs, form prefixes and page anchors
    model: type[ScheduleRow]
    form: type[forms.RowForm]
    wording: Wording
    api_field: str  # its list's name in GET /api/sites/{id}/schedule
    max_rows: int  # far beyond any real place of worship; a bound on what a schedule costs
    previewed: bool = True  # whether the form previews the next 14 days as it changes
    applies: Callable[[Site, Schedule], bool] = _everyone
    by_faith: Mapping[str, Wording] = field(default_factory=dict)
    # how the page lists the rows: in words, with notes (jama'ah rules: in precedence order)
    shown: Callable[[list[ScheduleRow], Site, date], list[ShownRow]] = _shown

    def rows(self, schedule: Schedule) -> list[ScheduleRow]:
        """The schedule's rows of this part, through its related name (the slug), so that a
        prefetch (services.with_schedules) serves them."""
        if schedule.pk is None:
            return []
        return list(getattr(schedule, self.slug).all())

    def words(self, site: Site) -> Wording:
        return self.by_faith.get(site.faith, self.wording)


def _assumed_services(faith: Faith) -> str:
    """What the engine assumes for a faith that lists no services, in words."""
    said = [
        f"{rule.label} ({recurrence.describe(recurrence.parse(rule.rule), at=rule.start_time)})"
        for rule in defaults.DEFAULT_SERVICES[engine.Faith(faith)]
    ]
    if faith == Faith.JUDAISM:
        said.append("the Friday evening service from candle lighting")
    return ("Until you list your own, we assume: " + " and ".join(said) + ".") if said else ""


def _services_wording(title: str, add_title: str, help_text: str, faith: Faith) -> Wording:
    return Wording(title, add_title, "None listed.", help_text, _assumed_services(faith))


CONFIRM_MOVING = Wording(
    "Festival dates that move each year",
    "Confirm the day you keep",
    "None confirmed: these festivals show as 'date may move'.",
    "These festivals follow the moon. Their dates come from published tables and can differ "
    "locally by a day: confirm the day your community keeps.",
)

PARTS: tuple[Part, ...] = (
    Part(
        slug="rules",
        model=CongregationRule,
        form=forms.CongregationRuleForm,
        wording=Wording(
            "Jama'ah times",
            "Add a jama'ah rule",
            "No rules: each jama'ah follows its start time by a usual margin (Fajr 20 minutes, "
            "Dhuhr 15, Asr 15, Maghrib 5, Isha 15).",
            "When the congregation prays. The most specific rule wins: one for dates, then one "
            "for months, then one for all year; between two of a kind the narrower, then the one "
            "added first. A prayer without a rule follows its start time by a usual margin.",
        ),
        api_field="congregation_rules",
        max_rows=100,
        applies=keeps_daily_prayers,
        shown=_rules_in_precedence,
    ),
    Part(
        slug="jumuah",
        model=JumuahSession,
        form=forms.JumuahForm,
        wording=Wording(
            "Jumu'ah",
            "Add a Jumu'ah session",
            "No sessions listed.",
            "Each session from its khutbah to its end. Every session must end before Asr "
            "begins: the preview warns when one runs into the Asr jama'ah.",
            "Until you list your own, we assume one at 13:15 in winter and 13:30 in summer.",
        ),
        api_field="jumuah_sessions",
        max_rows=10,
        applies=keeps_daily_prayers,
    ),
    Part(
        slug="services",
        model=Service,
        form=forms.ServiceForm,
        wording=_services_wording("Services", "Add a service", "", Faith.OTHER),
        by_faith={
            Faith.ISLAM: _services_wording(
                "Classes, circles and other regular gatherings",
                "Add a regular gathering",
                "The madrasah, a weekly class, a monthly dhikr: anything held on a pattern "
                "besides the daily prayers and Jumu'ah.",
                Faith.ISLAM,
            ),
            Faith.CHRISTIANITY: _services_wording(
                "Services", "Add a service", "Masses, services and prayer meetings.",
                Faith.CHRISTIANITY,
            ),
            Faith.JUDAISM: _services_wording(
                "Services", "Add a service", "Shabbat and weekday services, classes.",
                Faith.JUDAISM,
            ),
            Faith.SIKHISM: _services_wording(
                "Diwan and other services", "Add a diwan or service",
                "Diwan, Rehras Sahib, Kirtan: anything held on a pattern.", Faith.SIKHISM,
            ),
            Faith.HINDUISM: _services_wording(
                "Aarti, puja and other services", "Add a service",
                "Aarti, puja, bhajan evenings: anything held on a pattern.", Faith.HINDUISM,
            ),
            Faith.BUDDHISM: _services_wording(
                "Puja, meditation and other services", "Add a service",
                "Puja, meditation, Dhamma talks: anything held on a pattern.", Faith.BUDDHISM,
            ),
        },
        api_field="services",
        max_rows=100,
    ),
    Part(
        slug="events",
        model=Event,
        form=forms.EventForm,
        wording=Wording(
            "One-off events",
            "Add an event",
            "No vigils, funerals, weddings or events booked.",
        ),
        api_field="events",
        max_rows=1000,
    ),
    Part(
        slug="confirmed",
        model=ConfirmedDate,
        form=forms.ConfirmedDateForm,
        wording=CONFIRM_MOVING,
        by_faith={
            Faith.ISLAM: Wording(
                "Confirmed Islamic dates",
                "Confirm a date",
                "None confirmed: Eid and the other Islamic dates show as 'date may move'.",
                "Islamic dates follow the Umm al-Qura calendar, moved by your moon-sighting "
                "setting, and may still move by a day: confirm a date once it is announced.",
            ),
        },
        api_field="confirmed_dates",
        max_rows=200,
        previewed=False,
        applies=has_moving_dates,
    ),
)
BY_SLUG = {part.slug: part for part in PARTS}


def part_of(row: ScheduleRow) -> Part:
    return next(part for part in PARTS if isinstance(row, part.model))
