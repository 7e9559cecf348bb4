"""Schedules into the engine, and every change to them: each write a transaction with its audit record."""

from __future__ import annotations

import hashlib
import importlib.metadata
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms import ModelForm
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.calendars import engine
from sanctuary.calendars.engine.congregation import rule_standings
from sanctuary.calendars.engine.overlaps import Overlap, overlaps
from sanctuary.calendars.engine.timetable import (
    ColumnReading,
    TimetableMerge,
    merge_timetables,
    spans,
    timetable_columns,
    write_timetable,
)
from sanctuary.calendars.models import (
    CongregationRule,
    DailyPrayers,
    Feed,
    FeedOptions,
    FeedScope,
    Schedule,
    ScheduleRow,
    typical_peak,
)
from sanctuary.calendars.parts import PARTS, Part, ShownRow, part_of
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Area, Site, SiteStatus

PREVIEW_DAYS = 14
# Saving a change checks this far ahead for gatherings that overlap (a busy mosque: ~40 ms CPU).
OVERLAP_DAYS = 366
# The most feeds one person keeps: far more than anyone subscribes to; a bound on a credential.
MAX_FEEDS_PER_PERSON = 50


class CalendarUnavailable(ValueError):
    """The engine cannot build these calendars (a year its tables lack, a rule it cannot expand)."""


class TooManySites(CalendarUnavailable):
    """More sites than a person can read in one calendar view: narrow it first."""


# --- reading: a site and its schedule as the engine's SiteCalendar ---------------------------------


def schedule_of(site: Site) -> Schedule:
    """The site's schedule, or an unsaved one with the defaults (reading never writes)."""
    try:
        return site.schedule
    except Schedule.DoesNotExist:
        return Schedule(site=site)


@lru_cache(maxsize=1)
def _default_schedule() -> Schedule:
    return Schedule()


def _schedule_or_defaults(site: Site) -> Schedule:
    """As schedule_of, for reading only: sites without a schedule share one unsaved schedule of
    defaults: building one per site, and raising DoesNotExist for each, was a third of a
    division's week view."""
    relation = Site.schedule.related
    if relation.is_cached(site):  # fetched with the site: None if it has none (no raise)
        saved = relation.get_cached_value(site)
        return saved if isinstance(saved, Schedule) else _default_schedule()
    try:
        return site.schedule
    except Schedule.DoesNotExist:
        return _default_schedule()


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
    schedule = schedule if schedule is not None else _schedule_or_defaults(site)
    rows: dict[str, list[Any]] = {part.slug: part.rows(schedule) for part in PARTS}
    for row in extra:
        rows[part_of(row).slug].append(row)
    services = tuple(s.to_engine() for s in rows["services"])
    jumuah = tuple(j.to_engine() for j in rows["jumuah"])
    timetable = stored_timetable(schedule)
    return engine.SiteCalendar(
        site_id=str(site.pk),
        faith=engine.Faith(site.faith),
        latitude=site.latitude,
        longitude=site.longitude,
        timezone=schedule.timezone,
        ward=site.ward,
        typical_peak=typical_peak(site),
        prayer_settings=schedule.prayer_settings(),
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


def stored_timetable(schedule: Schedule) -> engine.ImportedTimetable | None:
    """The site's published days, merged from every upload (gaps between uploads allowed)."""
    if not schedule.timetable_csv:
        return None
    return _read_stored(schedule.timetable_csv)


@lru_cache(maxsize=64)
def _read_stored(text: str) -> engine.ImportedTimetable:
    # the same stored text is read by the page, its preview and every borough view: read once
    return engine.read_timetable(text, consecutive=False)


def timetable_spans(schedule: Schedule) -> list[tuple[date, date]]:
    """The runs of days the stored timetable covers, for the page; none if it cannot be read."""
    try:
        stored = stored_timetable(schedule)
    except engine.TimetableRejected:
        return []
    return spans([day.date for day in stored.days]) if stored else []


def with_schedules(sites: models.QuerySet[Site], *, most: int | None = None) -> list[Site]:
    """Sites with every part of their schedules fetched in a handful of queries.

    With `most` (pages, answers and feeds pass CALENDAR_MAX_SITES), a larger set is refused
    before anything is fetched: nobody reads the gatherings of a whole country at once, and
    computing them would hold a web process for many seconds (docs/benchmarks.md)."""
    if most is not None:
        count = sites.count()
        if count > most:
            raise TooManySites(
                f"This would cover {count:,} places of worship; calendars show at most "
                f"{most:,} at once. Choose an area, a ward or a faith."
            )
    return list(
        sites.select_related("schedule").prefetch_related(
            *(f"schedule__{part.slug}" for part in PARTS)
        )
    )


FIRST_YEAR, LAST_YEAR = 1900, 2100  # as the prayer-times command: astronomy, not history


# Timelines of this many sites or more are kept in the cache (a few hundred milliseconds each
# for a division's week); one site's is quicker to compute than to look up.
CACHED_FROM_SITES = 20
_VERSION = importlib.metadata.version("sanctuary")  # another release may compute differently


def _timeline_key(
    calendars: Sequence[engine.SiteCalendar], first: date, last: date, tolerant: bool
) -> str:
    """The cache key of a timeline is a digest of everything it is computed from (the engine
    is a pure function of these), so a change to any schedule or site asks for a new one and
    nothing needs to be told to forget anything."""
    inputs = pickle.dumps((_VERSION, tuple(calendars), first, last, tolerant))
    return "timeline:" + hashlib.sha256(inputs).hexdigest()


def build(
    calendars: Sequence[engine.SiteCalendar], first: date, last: date, *, tolerant: bool = False
) -> engine.Timeline:
    """The engine's timeline; `tolerant` leaves out (and names) a site the engine refuses."""
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise CalendarUnavailable(f"calendars cover the years {FIRST_YEAR} to {LAST_YEAR}")
    kept_in_cache = len(calendars) >= CACHED_FROM_SITES
    key = _timeline_key(calendars, first, last, tolerant) if kept_in_cache else ""
    if kept_in_cache:
        kept: engine.Timeline | None = cache.get(key)
        if kept is not None:
            return kept
    try:
        timeline = engine.build_timeline(calendars, first, last, tolerant=tolerant)
    except (engine.YearNotCovered, engine.NoSunriseOrSunset, ValueError) as error:
        raise CalendarUnavailable(str(error)) from None
    if kept_in_cache:
        cache.set(key, timeline)
    return timeline


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


def overlaps_ahead(
    calendar: engine.SiteCalendar, days: int = OVERLAP_DAYS, first: date | None = None
) -> list[Overlap]:
    """The site's own gatherings held at the same time in the coming `days` (engine/overlaps.py)."""
    first = first or datetime.now(ZoneInfo(calendar.timezone)).date()
    return overlaps(build([calendar], first, first + timedelta(days=days - 1)).gatherings())


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


def shown_rows(part: Part, site: Site, schedule: Schedule) -> list[ShownRow]:
    """The part's rows as the page lists them (jama'ah rules in the order they apply)."""
    return part.shown(part.rows(schedule), site, datetime.now(ZoneInfo(schedule.timezone)).date())


def idle_rules(schedule: Schedule, extra: Iterable[ScheduleRow] = ()) -> list[str]:
    """The jama'ah rules (saved, plus `extra` unsaved ones) that the others leave no day to,
    from today on, in words. Rules whose dates are over are left to the page's list."""
    rules = [*(schedule.rules.all() if schedule.pk else ()), *extra]
    rules = [rule for rule in rules if isinstance(rule, CongregationRule)]
    today = datetime.now(ZoneInfo(schedule.timezone)).date()
    standings = rule_standings([rule.to_engine() for rule in rules], today)
    return [str(rules[s.index]) for s in standings if not s.takes_effect and not s.ended]


@dataclass(frozen=True)
class Preview:
    """The coming days at a site as its (saved or unsaved) schedule makes them."""

    days: list[tuple[date, list[engine.Gathering]]]
    overlaps: list[Overlap]  # its own gatherings held at the same time, in those days
    idle_rules: list[str]  # jama'ah rules that would never take effect


def preview(site: Site, schedule: Schedule, extra: Sequence[ScheduleRow] = ()) -> Preview:
    """The next PREVIEW_DAYS days; raises CalendarUnavailable when the engine refuses them."""
    days = upcoming(site_calendar(site, schedule, extra))
    return Preview(
        days, overlaps(g for _, day in days for g in day), idle_rules(schedule, extra)
    )


def warnings_after_change(site: Site) -> list[str]:
    """What a person who just changed the schedule should know: a jama'ah rule that never takes
    effect, gatherings that overlap in the coming year."""
    schedule = schedule_of(Site.objects.select_related("schedule").get(pk=site.pk))
    found = [
        f"The rule '{rule}' never takes effect: other rules for that prayer come first on all "
        "its days (see Jama'ah times)."
        for rule in idle_rules(schedule)
    ]
    try:
        clashes = overlaps_ahead(site_calendar(site, schedule))
    except CalendarUnavailable:
        clashes = []
    if clashes:
        times = "once" if len(clashes) == 1 else f"{len(clashes)} times"
        found.append(
            f"Two of this site's gatherings are held at the same time {times} in the coming "
            f"year, first: {clashes[0]}. If that is not meant, check their times."
        )
    return found


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


@dataclass(frozen=True)
class TimetableCheck:
    """What an upload would do, shown before anything is saved."""

    text: str
    name: str
    columns: tuple[ColumnReading, ...]  # how each column of its header was read
    merge: TimetableMerge
    stored: str  # fingerprint of the stored table it was checked against

    @property
    def added(self) -> list[tuple[date, date]]:
        return spans(self.merge.added)

    @property
    def replaced(self) -> list[tuple[date, date]]:
        return spans(self.merge.replaced)

    @property
    def dropped(self) -> list[tuple[date, date]]:
        return spans(self.merge.dropped)

    @property
    def renamed(self) -> list[ColumnReading]:
        """Columns read under another name, or not read: what the page points out."""
        return [r for r in self.columns if r.column != r.header.lower()]


class TimetableChanged(Exception):
    """The stored timetable changed between the check and the apply: check again."""


def fingerprint(schedule: Schedule) -> str:
    return hashlib.sha256(schedule.timetable_csv.encode()).hexdigest()[:16]


def check_timetable(site: Site, text: str, name: str) -> TimetableCheck:
    """Read an upload and say what merging it would add and replace; writes nothing. Raises
    TimetableRejected (every row's problems) when the file cannot be used."""
    schedule = schedule_of(site)
    upload = engine.read_timetable(text)
    try:
        stored = stored_timetable(schedule)
    except engine.TimetableRejected:  # a stored table an older version let in: replaced whole
        stored = None
    return TimetableCheck(
        text, name[:200], timetable_columns(text), merge_timetables(stored, upload),
        fingerprint(schedule),
    )


@transaction.atomic
def import_timetable(
    actor: Actor, site: Site, text: str, name: str, checked_against: str | None = None
) -> TimetableCheck:
    """Merge an upload into the site's published timetable by date: a day uploaded again is
    replaced, the others are kept; all the upload's days or none (TimetableRejected). With
    `checked_against`, raises TimetableChanged if the stored table is no longer that one."""
    _still_editable(actor, site)
    schedule = _ensure_schedule(actor, site)
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    if checked_against is not None and checked_against != fingerprint(schedule):
        raise TimetableChanged("The timetable changed since you checked this file: check it again.")
    check = check_timetable(site, text, name)
    merged = check.merge.timetable
    before = snapshot(schedule)
    schedule.timetable_csv = write_timetable(merged)
    schedule.timetable_name = name[:200]
    schedule.timetable_first_day = merged.first_day
    schedule.timetable_last_day = merged.last_day
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
        detail={
            "file": name,
            "days": len(check.merge.added) + len(check.merge.replaced) + len(check.merge.unchanged),
            "added": len(check.merge.added),
            "replaced": len(check.merge.replaced),
            "dropped": len(check.merge.dropped),
            "columns": {r.header: r.column for r in check.columns if r.column and r.header != r.column},
        },
    )
    return check


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
    *,
    area: Area | None = None,
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
    if scope == FeedScope.BOROUGH:
        reach = registry_policy.visible_sites(actor).filter(status=SiteStatus.ACTIVE).count()
        if reach > settings.CALENDAR_MAX_SITES:
            raise TooManyFeeds(
                f"A feed of everything you can see would cover {reach:,} places of worship; "
                f"feeds cover at most {settings.CALENDAR_MAX_SITES:,}. Choose a ward feed."
            )
    chosen = options if options is not None else FeedOptions.usual(scope)
    feed = Feed(
        user=person,
        epoch=person.credentials_epoch,
        scope=scope,
        site=site if scope == FeedScope.SITE else None,
        ward=ward if scope == FeedScope.WARD else "",
        area=area if scope == FeedScope.AREA else None,
        min_people=chosen.min_people,
        faiths=sorted(set(chosen.faiths)),
        daily_prayers=chosen.daily_prayers,
        per_day=chosen.per_day,
    )
    feed.full_clean(exclude=["user", "site", "area"])  # fetched through their doors
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
