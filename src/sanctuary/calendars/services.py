"""Schedules into the engine, and every change to them: each write a transaction with its audit record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import ModelForm
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.calendars import engine
from sanctuary.calendars.models import (
    DailyPrayers,
    Feed,
    FeedOptions,
    FeedScope,
    Schedule,
    ScheduleRow,
)
from sanctuary.calendars.parts import PARTS, Part, part_of
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Site

PREVIEW_DAYS = 14
# The most feeds one person keeps: far more than anyone subscribes to; a bound on a credential.
MAX_FEEDS_PER_PERSON = 50


class CalendarUnavailable(ValueError):
    """The engine cannot build these calendars (a year its tables lack, a rule it cannot expand)."""


# --- reading: a site and its schedule as the engine's SiteCalendar ---------------------------------


def schedule_of(site: Site) -> Schedule:
    """The site's schedule, or an unsaved one with the defaults (reading never writes)."""
    try:
        return site.schedule
    except Schedule.DoesNotExist:
        return Schedule(site=site)


def rows_of(schedule: Schedule, part: Part) -> list[Any]:
    return part.rows(schedule)


def site_calendar(
    site: Site, schedule: Schedule | None = None, extra: Iterable[ScheduleRow] = ()
) -> engine.SiteCalendar:
    """The engine's view of a site: its schedule (or `schedule`, unsaved) plus `extra` unsaved rows.

    Raises CalendarUnavailable when the engine refuses it (a bad stored value, say)."""
    try:
        return _site_calendar(site, schedule, extra)
    except ValueError as error:  # TimetableRejected is one
        raise CalendarUnavailable(str(error)) from None


def _site_calendar(
    site: Site, schedule: Schedule | None, extra: Iterable[ScheduleRow]
) -> engine.SiteCalendar:
    schedule = schedule if schedule is not None else schedule_of(site)
    rows: dict[str, list[Any]] = {part.slug: part.rows(schedule) for part in PARTS}
    for row in extra:
        rows[part_of(row).slug].append(row)
    services = tuple(s.to_engine() for s in rows["services"])
    jumuah = tuple(j.to_engine() for j in rows["jumuah"])
    timetable = engine.read_timetable(schedule.timetable_csv) if schedule.timetable_csv else None
    return engine.SiteCalendar(
        site_id=str(site.pk),
        faith=engine.Faith(site.faith),
        latitude=site.latitude,
        longitude=site.longitude,
        timezone=schedule.timezone,
        ward=site.ward,
        typical_peak=site.typical_peak_attendance or site.capacity or 100,
        prayer_settings=engine.PrayerSettings(
            method=engine.CalculationMethod(schedule.method),
            madhab=engine.Madhab(schedule.madhab),
            high_latitude_rule=(
                engine.HighLatitudeRule(schedule.high_latitude_rule)
                if schedule.high_latitude_rule
                else None
            ),
        ),
        congregation_rules=tuple(r.to_engine() for r in rows["rules"]),
        jumuah_sessions=jumuah or (None if schedule.faith_defaults else ()),
        timetable=timetable,
        services=services or (None if schedule.faith_defaults else ()),
        one_off_events=tuple(e.to_engine() for e in rows["events"]),
        moon_sighting_offset=schedule.moon_sighting_offset,
        confirmed_dates=frozenset((c.festival, c.date) for c in rows["confirmed"]),
        observances=None if schedule.faith_defaults else (),
        daily_prayers=(
            None
            if schedule.daily_prayers == DailyPrayers.BY_FAITH
            else schedule.daily_prayers == DailyPrayers.YES
        ),
    )


def with_schedules(sites: models.QuerySet[Site]) -> list[Site]:
    """Sites with every part of their schedules fetched in a handful of queries."""
    return list(
        sites.select_related("schedule").prefetch_related(
            *(f"schedule__{part.slug}" for part in PARTS)
        )
    )


FIRST_YEAR, LAST_YEAR = 1900, 2100  # as the prayer-times command: astronomy, not history


def build(
    calendars: Sequence[engine.SiteCalendar], first: date, last: date, *, tolerant: bool = False
) -> engine.Timeline:
    """The engine's timeline; `tolerant` leaves out (and names) a site the engine refuses."""
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise CalendarUnavailable(f"calendars cover the years {FIRST_YEAR} to {LAST_YEAR}")
    try:
        return engine.build_timeline(calendars, first, last, tolerant=tolerant)
    except (engine.YearNotCovered, engine.NoSunriseOrSunset, ValueError) as error:
        raise CalendarUnavailable(str(error)) from None


@dataclass(frozen=True)
class SiteGathering:
    site: Site
    gathering: engine.Gathering

    def as_json(self) -> dict[str, object]:
        return {**self.gathering.as_json(), "site": self.site.pk, "site_name": self.site.name}


@dataclass(frozen=True)
class Skipped:
    """A site left out of a view across sites because its schedule cannot be computed."""

    site: Site
    reason: str


@dataclass(frozen=True)
class SiteCalendars:
    sites: dict[str, Site]  # by the engine's site id
    timeline: engine.Timeline
    skipped: list[Skipped]

    def gatherings(self) -> list[SiteGathering]:
        """Every gathering, in order of start."""
        return [SiteGathering(self.sites[g.site_id], g) for g in self.timeline.gatherings()]


def across_sites(sites: Sequence[Site], first: date, last: date) -> SiteCalendars:
    """The timeline of many sites over the local days first..last. A site whose schedule the
    engine refuses is left out and named, so that one bad row cannot take a borough view down."""
    calendars, skipped = [], []
    for site in sites:
        try:
            calendars.append(site_calendar(site))
        except CalendarUnavailable as error:
            skipped.append(Skipped(site, str(error)))
    timeline = build(calendars, first, last, tolerant=True)
    by_id = {str(site.pk): site for site in sites}
    skipped += [Skipped(by_id[site_id], reason) for site_id, reason in timeline.skipped]
    return SiteCalendars(by_id, timeline, sorted(skipped, key=lambda item: item.site.name))


def gatherings(sites: Sequence[Site], first: date, last: date) -> list[SiteGathering]:
    """Every gathering at `sites` on the local days first..last, in order of start; a site
    whose schedule cannot be computed is left out (`across_sites` says which)."""
    return across_sites(sites, first, last).gatherings()


def upcoming(
    calendar: engine.SiteCalendar, days: int = PREVIEW_DAYS, first: date | None = None
) -> list[tuple[date, list[engine.Gathering]]]:
    """The next `days` local days at one site, day by day (empty days kept: the page says so)."""
    first = first or datetime.now(ZoneInfo(calendar.timezone)).date()
    last = first + timedelta(days=days - 1)
    timeline = build([calendar], first, last)
    by_day: dict[date, list[engine.Gathering]] = {
        first + timedelta(days=k): [] for k in range(days)
    }
    for gathering in timeline.gatherings():
        by_day.setdefault(gathering.start.date(), []).append(gathering)
    return [(day, by_day[day]) for day in sorted(by_day) if first <= day <= last]


# --- changes ---------------------------------------------------------------------------------------


def _ensure_schedule(actor: Actor, site: Site) -> Schedule:
    schedule, created = Schedule.objects.get_or_create(site=site)
    if created:
        record(Action.CREATE, actor=actor, obj=schedule, after=snapshot(schedule))
    return schedule


def _still_editable(actor: Actor, site: Site) -> None:
    """Re-checked inside each change's transaction: a role lost meanwhile stops the write."""
    if not registry_policy.editable_sites(actor).filter(pk=site.pk).exists():
        raise NotFound("No such site.")


@transaction.atomic
def save_settings(actor: Actor, site: Site, form: ModelForm) -> Schedule:
    """Save the schedule's settings from a valid form, audited."""
    _still_editable(actor, site)
    schedule = _ensure_schedule(actor, site)
    before = snapshot(schedule)
    for name, value in form.cleaned_data.items():
        setattr(schedule, name, value)
    schedule.full_clean()
    schedule.save()
    record(Action.UPDATE, actor=actor, obj=schedule, before=before, after=snapshot(schedule))
    return schedule


@transaction.atomic
def add_row(actor: Actor, site: Site, part: Part, form: ModelForm) -> ScheduleRow:
    """Add a row (a jama'ah rule, a Jumu'ah session, a service, an event, a confirmed date) from
    a valid form. Raises ValidationError when the schedule already holds as many as it may."""
    _still_editable(actor, site)
    row = form.save(commit=False)
    row.schedule = _ensure_schedule(actor, site)
    if part.model._default_manager.filter(schedule=row.schedule).count() >= part.max_rows:
        raise ValidationError(
            f"A schedule holds at most {part.max_rows} of these: remove one that no longer "
            "applies first."
        )
    row.full_clean()
    row.save()
    record(Action.CREATE, actor=actor, obj=row, after=snapshot(row), detail={"site": site.pk})
    return row


@transaction.atomic
def remove_row(actor: Actor, site: Site, row: ScheduleRow) -> None:
    """Remove one row of the site's schedule (fetched through calendars.policy.get_row)."""
    _still_editable(actor, site)
    before = snapshot(row)
    row_id = row.pk
    row.delete()
    record(
        Action.DELETE,
        actor=actor,
        object_type=row._meta.label_lower,
        object_repr=str(row),
        before=before,
        detail={"site": site.pk, "id": row_id},
    )


@transaction.atomic
def import_timetable(actor: Actor, site: Site, text: str, name: str) -> Schedule:
    """Replace the site's published timetable, all days or none: raises TimetableRejected, saving nothing."""
    _still_editable(actor, site)
    timetable = engine.read_timetable(text)
    schedule = _ensure_schedule(actor, site)
    before = snapshot(schedule)
    schedule.timetable_csv = text
    schedule.timetable_name = name[:200]
    schedule.timetable_first_day = timetable.first_day
    schedule.timetable_last_day = timetable.last_day
    schedule.save()
    after = snapshot(schedule)
    for state in (before, after):
        state.pop("timetable_csv", None)
    record(
        Action.IMPORT,
        actor=actor,
        obj=schedule,
        before=before,
        after=after,
        detail={"days": len(timetable.days), "file": name},
    )
    return schedule


@transaction.atomic
def clear_timetable(actor: Actor, site: Site) -> None:
    _still_editable(actor, site)
    schedule = _ensure_schedule(actor, site)
    before = {"timetable_name": schedule.timetable_name}
    schedule.timetable_csv = schedule.timetable_name = ""
    schedule.timetable_first_day = schedule.timetable_last_day = None
    schedule.save()
    record(Action.DELETE, actor=actor, obj=schedule, before=before, detail={"timetable": True})


class TooManyFeeds(Exception):
    """A person keeps at most MAX_FEEDS_PER_PERSON feeds."""


@transaction.atomic
def create_feed(
    actor: Actor,
    scope: str,
    site: Site | None = None,
    ward: str = "",
    options: FeedOptions | None = None,
) -> Feed:
    """A new personal feed holding what `options` say (the scope's usual ones if None). The
    caller has fetched `site` through its door."""
    person = actor.user
    if person is None:
        raise NotFound("No such feed.")
    if Feed.working.filter(user=person).count() >= MAX_FEEDS_PER_PERSON:
        raise TooManyFeeds(
            f"You have {MAX_FEEDS_PER_PERSON} feeds already: revoke one you no longer use first."
        )
    chosen = options if options is not None else FeedOptions.usual(scope)
    feed = Feed(
        user=person,
        epoch=person.credentials_epoch,
        scope=scope,
        site=site if scope == FeedScope.SITE else None,
        ward=ward if scope == FeedScope.WARD else "",
        min_people=chosen.min_people,
        faiths=sorted(set(chosen.faiths)),
        daily_prayers=chosen.daily_prayers,
        per_day=chosen.per_day,
    )
    feed.full_clean(exclude=["user", "site"])  # both fetched through their doors
    feed.save()
    record(Action.CREATE, actor=actor, obj=feed, after=feed.snapshot())
    return feed


@transaction.atomic
def revoke_feed(actor: Actor, feed: Feed) -> Feed:
    """Revoke one of the actor's feeds (fetched through calendars.policy.get_feed)."""
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record(Action.DELETE, actor=actor, obj=feed, before=feed.snapshot(), detail={"revoked": True})
    return feed
