"""Read-only views across sites: the week's largest gatherings and its long list, the list of
one day or one hour, the hour-by-day heat map and iCalendar feeds.

Callers pass sites already narrowed by the doors (registry.policy, calendars.policy); nothing
here decides who sees what. Gatherings are chosen on the engine's columns
(`engine.selection`), so that a page makes objects only of what it shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo

import numpy as np
from icalendar import Calendar, Event

from sanctuary.calendars import engine, services
from sanctuary.calendars.engine import selection
from sanctuary.calendars.models import INSPECTOR_MIN_PEOPLE, Feed, FeedOptions, FeedScope
from sanctuary.registry.models import Site

WEEK = 7
# Heat-map shading: a cell's class is the number of these thresholds its people reach.
HEAT_THRESHOLDS = (1, 50, 200, 500, 1000, 2000)
FEED_DAYS_BEFORE = 7
FEED_DAYS_AFTER = 60
# Someone who sees this many sites or fewer (a site contact, a small trust) sees every
# gathering by default: their week is short enough to read whole.
FEW_SITES = 5
SITES_PER_PAGE = 10  # the long list, site by site
LINES_PER_PAGE = 50  # a day's or an hour's list


def default_min_people(visible_sites: int) -> int:
    return 0 if visible_sites <= FEW_SITES else INSPECTOR_MIN_PEOPLE


@dataclass(frozen=True)
class Line:
    """One gathering as a line of a list: the site beside it."""

    site: Site
    gathering: engine.Gathering


def _lines(found: services.SiteCalendars, rows: Sequence[int] | np.ndarray) -> list[Line]:
    return [
        Line(found.sites[gathering.site_id], gathering)
        for gathering in selection.gatherings_at(found.timeline, rows)
    ]


@dataclass(frozen=True)
class DayLead:
    """A day of the week view: its largest gatherings, and how many more there are."""

    day: date
    lines: list[Line]
    more_kept: int  # as large as asked for, beyond the day's limit
    left_out: int  # smaller, or daily prayers left out


@dataclass(frozen=True)
class WeekRow:
    site: Site
    cells: list[list[engine.Gathering]]  # one list per day


@dataclass(frozen=True)
class Week:
    days: list[date]
    leading: list[DayLead]
    rows: list[WeekRow]  # the long list: every gathering of one page of sites
    skipped: list[services.Skipped]

    def sites_shown(self) -> list[Site]:
        """Every site the page names, once (for the audit of sensitive ones)."""
        named = {line.site.pk: line.site for lead in self.leading for line in lead.lines}
        named.update((row.site.pk, row.site) for row in self.rows)
        return list(named.values())


def week(
    sites: list[Site],
    start: date,
    choice: selection.Choice,
    per_day: int,
    long_list: Sequence[Site],
) -> Week:
    """The seven local days from `start`: each day's `per_day` largest gatherings that `choice`
    keeps, and every gathering of the sites of `long_list` (one page of `sites`)."""
    days = [start + timedelta(days=k) for k in range(WEEK)]
    found = services.across_sites(sites, days[0], days[-1])
    timeline = found.timeline
    day_of = selection.local_days(timeline, start, WEEK)
    picks = selection.largest_per_day(timeline, day_of, WEEK, choice.keeps(timeline), per_day)
    leading = [
        DayLead(day, _lines(found, pick.rows), pick.more_kept, pick.left_out)
        for day, pick in zip(days, picks, strict=True)
    ]
    left_out = {item.site.pk for item in found.skipped}
    rows = {
        site.pk: WeekRow(site, [[] for _ in days]) for site in long_list if site.pk not in left_out
    }
    members = [index for index, pk in enumerate(timeline.site_ids) if int(pk) in rows]
    shown = np.flatnonzero(np.isin(timeline.site, members) & (day_of >= 0))
    for row, gathering in zip(shown, selection.gatherings_at(timeline, shown), strict=True):
        rows[int(gathering.site_id)].cells[int(day_of[row])].append(gathering)
    return Week(days, leading, list(rows.values()), found.skipped)


class Chosen:
    """Gatherings chosen from a timeline, largest first. A paginator slices it, and only the
    slice becomes lines."""

    def __init__(self, found: services.SiteCalendars, rows: np.ndarray, total: int) -> None:
        self.found = found
        self.rows = rows
        self.total = total  # gatherings of the day or the hour before the choice
        self.skipped = found.skipped

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Line]:  # every line: a paginator slices instead
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Line: ...

    @overload
    def __getitem__(self, index: slice) -> list[Line]: ...

    def __getitem__(self, index: int | slice) -> Line | list[Line]:
        if isinstance(index, slice):
            return _lines(self.found, self.rows[index])
        return _lines(self.found, [self.rows[index]])[0]


def hour_bounds(day: date, hour: int, zone_name: str) -> tuple[int, int] | None:
    """The local hour as UNIX seconds (the repeated hour in October: both of it), or None
    for the hour the clocks skip in March."""
    zone = ZoneInfo(zone_name)
    first = datetime.combine(day, time(hour), tzinfo=zone)
    last = datetime.combine(day, time(hour), tzinfo=zone).replace(fold=1)
    if first.astimezone(UTC).astimezone(zone).hour != hour:
        return None
    return int(first.timestamp()), int(last.timestamp()) + 3600


def day_list(
    sites: list[Site], day: date, hour: int | None, zone_name: str, choice: selection.Choice
) -> Chosen:
    """Every gathering starting on `day` (each site's local day) or, given an `hour` of the
    borough's clock, every gathering with people there in that hour (those the heat map's cell
    counts), that `choice` keeps, largest first."""
    found = services.across_sites(sites, day, day)  # and those from the day before still going
    timeline = found.timeline
    if hour is None:
        within = selection.local_days(timeline, day, 1) == 0
    else:
        bounds = hour_bounds(day, hour, zone_name)
        within = (
            selection.overlapping(timeline, *bounds)
            if bounds
            else np.zeros(len(timeline), dtype=bool)
        )
    rows = selection.largest(timeline, within & choice.keeps(timeline))
    return Chosen(found, rows, int(within.sum()))


@dataclass(frozen=True)
class HeatCell:
    hour: int
    people: float
    bucket: int


@dataclass(frozen=True)
class HeatMap:
    days: list[tuple[date, list[HeatCell | None]]]  # 24 cells a day; None: an hour the clocks skip
    peak: float
    legend: list[tuple[int, str]]
    skipped: list[services.Skipped]


def bucket(people: float) -> int:
    return sum(people >= threshold for threshold in HEAT_THRESHOLDS)


def _legend() -> list[tuple[int, str]]:
    bounds = (0, *HEAT_THRESHOLDS)
    labels = [(0, "none")]
    for index in range(1, len(bounds)):
        upper = bounds[index + 1] - 1 if index + 1 < len(bounds) else None
        labels.append((index, f"{bounds[index]}–{upper}" if upper else f"{bounds[index]} or more"))
    return labels


def heat_map(sites: list[Site], start: date, zone_name: str) -> HeatMap:
    """People gathered across `sites`, hour by local hour, for seven days (engine `people_per_hour`)."""
    zone = ZoneInfo(zone_name)
    found = services.across_sites(sites, start, start + timedelta(days=WEEK - 1))
    timeline = found.timeline
    begin = datetime.combine(start, time(), tzinfo=zone)
    end = datetime.combine(start + timedelta(days=WEEK), time(), tzinfo=zone)
    hourly = engine.people_per_hour(timeline, begin, end, by="borough")
    grid: dict[date, list[HeatCell | None]] = {
        start + timedelta(days=k): [None] * 24 for k in range(WEEK)
    }
    for moment, people in zip(hourly.local_hours(zone_name), hourly.people[0], strict=True):
        row = grid.get(moment.date())
        if row is None:
            continue
        # the hour repeated when the clocks go back shows the busier of its two
        previous = row[moment.hour]
        value = float(people) if previous is None else max(previous.people, float(people))
        row[moment.hour] = HeatCell(moment.hour, value, bucket(value))
    peak = float(hourly.people.max()) if hourly.people.size else 0.0
    return HeatMap(days=list(grid.items()), peak=peak, legend=_legend(), skipped=found.skipped)


# --- feeds -----------------------------------------------------------------------------------------


def feed_name(feed: Feed) -> str:
    if feed.scope == FeedScope.SITE and feed.site is not None:
        return f"Sanctuary: {feed.site.name}"
    if feed.scope == FeedScope.WARD:
        return f"Sanctuary: {feed.ward} ward"
    if feed.scope == FeedScope.AREA and feed.area is not None:
        return f"Sanctuary: {feed.area.name}"
    return "Sanctuary: the borough"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def feed_choice(options: FeedOptions) -> selection.Choice:
    return selection.Choice(
        min_people=options.min_people,
        leave_out=frozenset() if options.daily_prayers else selection.DAILY_PRAYERS,
    )


def _feed_rows(
    timeline: engine.Timeline, options: FeedOptions, first: date, days: int
) -> np.ndarray:
    """The rows the feed holds, in order of start."""
    keep = feed_choice(options).keeps(timeline)
    if options.per_day is None:
        return np.flatnonzero(keep)
    day_of = selection.local_days(timeline, first, days)
    picks = selection.largest_per_day(timeline, day_of, days, keep, options.per_day)
    return np.sort(np.concatenate([pick.rows for pick in picks]))


@dataclass(frozen=True)
class FeedBody:
    ical: bytes
    sites: list[Site]  # the sites with a gathering in it: the ones it shows


def ical(feed: Feed, sites: list[Site], today: date) -> FeedBody:
    """The gatherings of `sites` that the feed's options keep, from a week ago to two months
    ahead, as iCalendar. The caller has narrowed `sites` to the feed's faiths."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sanctuary//Worship calendars//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed_name(feed))
    stamp = datetime.now(UTC).replace(microsecond=0)
    first, last = today - timedelta(days=FEED_DAYS_BEFORE), today + timedelta(days=FEED_DAYS_AFTER)
    found = services.across_sites(sites, first, last)  # a site left out offers nothing
    kept = _feed_rows(found.timeline, feed.options, first, (last - first).days + 1)
    shown: dict[int, Site] = {}
    for gathering in selection.take(found.timeline, kept).gatherings():  # one at a time
        site = found.sites[gathering.site_id]
        shown[site.pk] = site
        start = _utc(gathering.start)
        event = Event()
        event.add("uid", f"{site.pk}-{start:%Y%m%dT%H%M%SZ}-{gathering.kind.value}@sanctuary")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", _utc(gathering.end))
        event.add("summary", f"{gathering.label} — {site.name}")
        certainty = gathering.certainty.value.replace("_", " ")
        event.add(
            "description",
            f"Expected attendance: {gathering.expected_attendance}\nCertainty: {certainty}",
        )
        event.add("location", site.address)
        event.add("categories", [gathering.kind.value])
        calendar.add_component(event)
    return FeedBody(calendar.to_ical(), list(shown.values()))
