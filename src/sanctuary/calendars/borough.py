"""Read-only views across sites: the week grid, the hour-by-day heat map and iCalendar feeds.

Callers pass sites already narrowed by the doors (registry.policy, calendars.policy); nothing
here decides who sees what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from sanctuary.calendars import engine, services
from sanctuary.calendars.models import Feed, FeedScope
from sanctuary.registry.models import Site

WEEK = 7
# Heat-map shading: a cell's class is the number of these thresholds its people reach.
HEAT_THRESHOLDS = (1, 50, 200, 500, 1000, 2000)
FEED_DAYS_BEFORE = 7
FEED_DAYS_AFTER = 60


@dataclass(frozen=True)
class WeekRow:
    site: Site
    cells: list[list[engine.Gathering]]  # one list per day


@dataclass(frozen=True)
class Week:
    days: list[date]
    rows: list[WeekRow]
    skipped: list[services.Skipped]


def week(sites: list[Site], start: date) -> Week:
    """Each site's gatherings on the seven local days from `start`."""
    days = [start + timedelta(days=k) for k in range(WEEK)]
    rows = {site.pk: WeekRow(site, [[] for _ in days]) for site in sites}
    found = services.across_sites(sites, days[0], days[-1])
    skipped = found.skipped
    for item in found.gatherings():
        index = (item.gathering.start.date() - start).days
        if 0 <= index < WEEK:
            rows[item.site.pk].cells[index].append(item.gathering)
    left_out = {item.site.pk for item in skipped}
    return Week(days, [row for pk, row in rows.items() if pk not in left_out], skipped)


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
    return "Sanctuary: the borough"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def ical(feed: Feed, sites: list[Site], today: date) -> bytes:
    """The gatherings of `sites` from a week ago to two months ahead, as iCalendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Sanctuary//Worship calendars//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", feed_name(feed))
    stamp = datetime.now(UTC).replace(microsecond=0)
    found = services.gatherings(  # a site left out has nothing to offer a calendar app
        sites, today - timedelta(days=FEED_DAYS_BEFORE), today + timedelta(days=FEED_DAYS_AFTER)
    )
    for item in found:
        gathering = item.gathering
        start = _utc(gathering.start)
        event = Event()
        event.add("uid", f"{item.site.pk}-{start:%Y%m%dT%H%M%SZ}-{gathering.kind.value}@sanctuary")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", _utc(gathering.end))
        event.add("summary", f"{gathering.label} — {item.site.name}")
        certainty = gathering.certainty.value.replace("_", " ")
        event.add(
            "description",
            f"Expected attendance: {gathering.expected_attendance}\nCertainty: {certainty}",
        )
        event.add("location", item.site.address)
        event.add("categories", [gathering.kind.value])
        calendar.add_component(event)
    return calendar.to_ical()
