"""The attendance timeline: every gathering at every site over a period, and people per hour.

Gatherings are held in columns (numpy arrays) rather than one object each, because a year
for two thousand sites is several million of them; `Timeline.gatherings()` yields
`Gathering` objects for the pages and feeds that want them one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from sanctuary.calendars.engine import defaults
from sanctuary.calendars.engine.congregation import jamaah_seconds, timetable_seconds
from sanctuary.calendars.engine.festivals import FESTIVAL_NAMES, Festival, YearNotCovered, festivals
from sanctuary.calendars.engine.local_clock import LocalClock, local_clock, seconds_of_day
from sanctuary.calendars.engine.model import (
    CONGREGATIONAL_PRAYERS,
    Certainty,
    Faith,
    Gathering,
    GatheringKind,
    Prayer,
    SiteCalendar,
)
from sanctuary.calendars.engine.prayer_times import (
    NoSunriseOrSunset,
    prayer_seconds,
    rule_in_force,
    sun_depression_seconds,
)
from sanctuary.calendars.engine.recurrence import Recurrence, RuleRefused, parse

KINDS: tuple[GatheringKind, ...] = tuple(GatheringKind)
CERTAINTIES: tuple[Certainty, ...] = tuple(Certainty)
_KIND = {kind: index for index, kind in enumerate(KINDS)}
_CERTAINTY = {certainty: index for index, certainty in enumerate(CERTAINTIES)}
HOUR = 3600
SUNSET_DEPRESSION = 50 / 60
PRAYER_CHUNK_SITES = 128


@dataclass(frozen=True)
class Timeline:
    """Gatherings as columns, sorted by start. Times are UNIX seconds (UTC)."""

    site_ids: tuple[str, ...]
    wards: tuple[str, ...]
    timezones: tuple[str, ...]
    labels: tuple[str, ...]
    site: np.ndarray  # index into site_ids
    start: np.ndarray
    end: np.ndarray
    kind: np.ndarray  # index into KINDS
    label: np.ndarray  # index into labels
    attendance: np.ndarray
    certainty: np.ndarray  # index into CERTAINTIES
    # (site id, why) for each site left out by a tolerant build (see build_timeline)
    skipped: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.start)

    def gatherings(self) -> Iterator[Gathering]:
        zones = [ZoneInfo(name) for name in self.timezones]
        for row in range(len(self)):
            site = int(self.site[row])
            zone = zones[site]
            yield Gathering(
                site_id=self.site_ids[site],
                start=datetime.fromtimestamp(int(self.start[row]), UTC).astimezone(zone),
                end=datetime.fromtimestamp(int(self.end[row]), UTC).astimezone(zone),
                kind=KINDS[int(self.kind[row])],
                label=self.labels[int(self.label[row])],
                expected_attendance=int(self.attendance[row]),
                certainty=CERTAINTIES[int(self.certainty[row])],
            )


class _Columns:
    """Collects one site's gatherings as arrays before they are joined."""

    def __init__(self, labels: dict[str, int]) -> None:
        self.labels = labels
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(
        self,
        start: np.ndarray,
        end: np.ndarray,
        kind: GatheringKind,
        label: str,
        attendance: np.ndarray | float,
        certainty: np.ndarray | Certainty,
    ) -> None:
        start = np.asarray(start, dtype=np.int64)
        if start.size == 0:
            return
        count = start.size
        label_index = self.labels.setdefault(label, len(self.labels))
        people = np.broadcast_to(
            np.rint(np.asarray(attendance, dtype=float)).astype(np.int32), (count,)
        )
        if isinstance(certainty, Certainty):
            sure = np.full(count, _CERTAINTY[certainty], dtype=np.int8)
        else:
            sure = np.asarray(certainty, dtype=np.int8)
        self.parts.append(
            (
                start,
                np.asarray(end, dtype=np.int64),
                np.full(count, _KIND[kind], dtype=np.int8),
                np.full(count, label_index, dtype=np.int32),
                people,
                sure,
            )
        )


# What one site's calendar can fail with; a tolerant build leaves that site out instead.
SITE_FAILURES = (ValueError, YearNotCovered, NoSunriseOrSunset)


def build_timeline(
    sites: Sequence[SiteCalendar], first_day: date, last_day: date, *, tolerant: bool = False
) -> Timeline:
    """Every gathering at `sites` overlapping the local days first_day..last_day (inclusive).

    Raises YearNotCovered when a site's festivals need a table for a year it lacks,
    NoSunriseOrSunset for a mosque where prayer times cannot be computed, and ValueError for
    a schedule the engine refuses. With `tolerant`, such a site is left out instead and named
    in `Timeline.skipped` with the reason, so that one bad schedule cannot empty a borough view.
    """
    if last_day < first_day:
        raise ValueError("the period ends before it starts")
    # one day either side, so that a gathering the evening before (Kol Nidre, midnight mass,
    # Taraweeh) or running past midnight is found, then trimmed to the period
    padded_first = first_day - timedelta(days=1)
    count = (last_day - padded_first).days + 2
    dates = [padded_first + timedelta(days=k) for k in range(count)]
    skipped: dict[int, str] = {}
    prayer_starts = _prayer_starts_by_site(sites, dates, skipped if tolerant else None)
    labels: dict[str, int] = {}
    blocks: list[list[np.ndarray]] = []
    for index, site in enumerate(sites):
        clock = local_clock(site.timezone, padded_first, count)
        columns = _Columns(labels)
        if index not in skipped:
            try:
                _site_gatherings(
                    site, clock, prayer_starts.pop(index, None), columns, (first_day, last_day)
                )
            except SITE_FAILURES as error:
                if not tolerant:
                    raise
                skipped[index] = str(error)
                columns.parts.clear()
        blocks.append(_site_block(index, site, columns, first_day, last_day))
    timeline = _join(sites, blocks, labels)
    if skipped:
        timeline = replace(
            timeline,
            skipped=tuple((sites[i].site_id, reason) for i, reason in sorted(skipped.items())),
        )
    return timeline


def _prayer_starts_by_site(
    sites: Sequence[SiteCalendar], dates: list[date], skipped: dict[int, str] | None
) -> dict[int, np.ndarray]:
    """Prayer start times for every mosque, computed once per shared setting, all sites at once.

    With `skipped`, a site whose times cannot be computed is noted there instead of raising."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, site in enumerate(sites):
        if defaults.keeps_daily_prayers(site):
            try:
                rule = rule_in_force(site.prayer_settings, site.latitude)
            except ValueError as error:
                if skipped is None:
                    raise ValueError(f"site {site.site_id}: {error}") from None
                skipped[index] = str(error)
                continue
            groups.setdefault((site.prayer_settings, rule), []).append(index)
    found: dict[int, np.ndarray] = {}
    for (settings, _rule), members in groups.items():
        # in chunks, so that the astronomy's temporary arrays stay small
        for first in range(0, len(members), PRAYER_CHUNK_SITES):
            chunk = members[first : first + PRAYER_CHUNK_SITES]
            try:
                table = _prayer_table(sites, chunk, dates, settings)
            except NoSunriseOrSunset:
                if skipped is None:
                    raise
                table = None
            for position, index in enumerate(chunk):
                if table is not None:
                    found[index] = table[position].copy()
                    continue
                # find the site that failed the chunk: the others are computed one by one
                try:
                    found[index] = _prayer_table(sites, [index], dates, settings)[0]
                except NoSunriseOrSunset as error:
                    assert skipped is not None
                    skipped[index] = str(error)
    return found


def _prayer_table(
    sites: Sequence[SiteCalendar], chunk: list[int], dates: list[date], settings: object
) -> np.ndarray:
    return prayer_seconds(
        [sites[i].latitude for i in chunk],
        [sites[i].longitude for i in chunk],
        dates,
        settings,  # type: ignore[arg-type]
    )


@lru_cache(maxsize=256)
def _festivals_cached(
    year: int, faith: Faith, offset: int, confirmed: frozenset[tuple[str, date]]
) -> tuple[Festival, ...]:
    return tuple(festivals(year, faith, offset, confirmed))


def _site_festivals(
    site: SiteCalendar, clock: LocalClock, period: tuple[date, date]
) -> list[Festival]:
    names = {o.festival for o in defaults.observances_for(site)}
    if defaults.keeps_daily_prayers(site) and site.faith is Faith.ISLAM:
        names.add("Ramadan")
    faiths = {FESTIVAL_NAMES[name] for name in names if name in FESTIVAL_NAMES}
    unknown = names - set(FESTIVAL_NAMES)
    if unknown:
        raise ValueError(f"site {site.site_id}: unknown festival(s) {', '.join(sorted(unknown))}")
    found: list[Festival] = []
    period_years = range(period[0].year, period[1].year + 1)
    # a Ramadan that began last year still has nights in this one
    for year in range(clock.dates[0].year - 1, clock.dates[-1].year + 1):
        for faith in faiths:
            try:
                found += _festivals_cached(
                    year, faith, site.moon_sighting_offset, site.confirmed_dates
                )
            except YearNotCovered:
                if year in period_years:
                    raise
    return [f for f in found if f.name in names]


def _site_gatherings(
    site: SiteCalendar,
    clock: LocalClock,
    starts: np.ndarray | None,
    columns: _Columns,
    period: tuple[date, date],
) -> None:
    day_of = {d: i for i, d in enumerate(clock.dates)}
    site_festivals = _site_festivals(site, clock, period)
    festival_spans = _observance_gatherings(site, clock, site_festivals, day_of, columns)
    if starts is not None:
        _prayer_gatherings(site, clock, starts, site_festivals, day_of, columns)
    if defaults.keeps_shabbat(site):
        _friday_evening(site, clock, columns)
    _service_gatherings(site, clock, festival_spans, columns)
    for event in site.one_off_events:
        start = event.start if event.start.tzinfo else event.start.replace(tzinfo=clock.zone)
        end = event.end if event.end.tzinfo else event.end.replace(tzinfo=clock.zone)
        start_second, end_second = int(start.timestamp()), int(end.timestamp())
        if end_second <= start_second:
            # a naive start in the hour skipped in spring is read an hour later and can pass
            # its end: keep the length as written on the clock instead
            end_second = start_second + int((event.end - event.start).total_seconds())
        columns.add(
            np.array([start_second]),
            np.array([end_second]),
            event.kind,
            event.label,
            event.expected_attendance,
            event.certainty,
        )


def _observance_gatherings(
    site: SiteCalendar,
    clock: LocalClock,
    site_festivals: list[Festival],
    day_of: dict[date, int],
    columns: _Columns,
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for observance in defaults.observances_for(site):
        for festival in site_festivals:
            if festival.name != observance.festival:
                continue
            days = festival.days() if observance.every_day else [festival.start]
            indices = [
                day_of[d + timedelta(days=observance.day_offset)]
                for d in days
                if d + timedelta(days=observance.day_offset) in day_of
            ]
            if not indices:
                continue
            index = np.array(indices)
            duration = observance.duration_minutes * 60
            first = clock.epoch(index, seconds_of_day(observance.start_time))
            kind = (
                GatheringKind.EID_PRAYER
                if festival.name.startswith("Eid")
                else GatheringKind.FESTIVAL
            )
            certainty = (
                Certainty.UNCERTAIN_DATE if festival.uncertainty_days else Certainty.EXPECTED
            )
            for session in range(observance.sessions):
                start = first + session * duration
                label = festival.name + (
                    f" (session {session + 1})" if observance.sessions > 1 else ""
                )
                columns.add(
                    start,
                    start + duration,
                    kind,
                    label,
                    observance.attendance_fraction * site.typical_peak,
                    certainty,
                )
                spans += list(zip(start.tolist(), (start + duration).tolist(), strict=True))
    return spans


def _prayer_gatherings(
    site: SiteCalendar,
    clock: LocalClock,
    starts: np.ndarray,
    site_festivals: list[Festival],
    day_of: dict[date, int],
    columns: _Columns,
) -> None:
    jamaah = jamaah_seconds(starts, site.congregation_rules, clock)
    certainty = np.full(len(clock.dates), _CERTAINTY[Certainty.EXPECTED], dtype=np.int8)
    if site.timetable is not None:
        covered, published_starts, published_jamaah = timetable_seconds(site.timetable, clock)
        if covered.any():
            starts = np.where(covered[:, None], published_starts, starts)
            from_rules = jamaah_seconds(starts, site.congregation_rules, clock)
            jamaah = np.where(
                covered[:, None] & (published_jamaah >= 0), published_jamaah, from_rules
            )
            certainty[covered] = _CERTAINTY[Certainty.CONFIRMED]
    fridays = np.array([d.weekday() == 4 for d in clock.dates])
    taraweeh_nights = _taraweeh_nights(site_festivals, day_of)
    before, after = (
        defaults.ARRIVE_BEFORE_JAMAAH_MINUTES * 60,
        defaults.STAY_AFTER_JAMAAH_MINUTES * 60,
    )
    for column, prayer in enumerate(CONGREGATIONAL_PRAYERS):
        keep = np.ones(len(clock.dates), dtype=bool)
        if prayer is Prayer.DHUHR:
            keep &= ~fridays  # Jumu'ah replaces Dhuhr on Fridays
        if prayer is Prayer.ISHA and taraweeh_nights:
            keep[[index for index, _, _ in taraweeh_nights]] = False
        times = jamaah[keep, column]
        columns.add(
            times - before,
            times + after,
            GatheringKind.PRAYER,
            f"{prayer.value.capitalize()} jama'ah",
            defaults.DAILY_PRAYER_ATTENDANCE[prayer] * site.typical_peak,
            certainty[keep],
        )
    _jumuah(site, clock, starts, fridays, columns)
    if taraweeh_nights:
        _taraweeh(site, jamaah, taraweeh_nights, before, columns)


def _taraweeh(
    site: SiteCalendar,
    jamaah: np.ndarray,
    nights: list[tuple[int, int, Certainty]],
    before: int,
    columns: _Columns,
) -> None:
    """Taraweeh after the Isha jama'ah; the odd nights of the last ten longer and fuller."""
    index = np.array([n[0] for n in nights])
    number = np.array([n[1] for n in nights])
    sure = np.array([_CERTAINTY[n[2]] for n in nights], dtype=np.int8)
    isha = jamaah[index, 4]
    odd = (number >= 21) & (number % 2 == 1)
    plain = ~odd
    columns.add(
        isha[plain] - before,
        isha[plain] + defaults.TARAWEEH_MINUTES * 60,
        GatheringKind.TARAWEEH,
        "Taraweeh",
        defaults.TARAWEEH_ATTENDANCE * site.typical_peak,
        sure[plain],
    )
    for night in np.flatnonzero(odd):
        share = (
            defaults.TWENTY_SEVENTH_NIGHT_ATTENDANCE
            if number[night] == 27
            else defaults.ODD_NIGHT_ATTENDANCE
        )
        columns.add(
            isha[night : night + 1] - before,
            isha[night : night + 1] + defaults.ODD_NIGHT_MINUTES * 60,
            GatheringKind.TARAWEEH,
            f"Taraweeh, odd night {number[night]} of the last ten",
            share * site.typical_peak,
            sure[night : night + 1],
        )


def _taraweeh_nights(
    site_festivals: list[Festival], day_of: dict[date, int]
) -> list[tuple[int, int, Certainty]]:
    """(day index of the evening, night number, certainty): Taraweeh is prayed the night before each fast."""
    nights = []
    for festival in site_festivals:
        if festival.name != "Ramadan":
            continue
        sure = Certainty.UNCERTAIN_DATE if festival.uncertainty_days else Certainty.EXPECTED
        for number, fast in enumerate(festival.days(), start=1):
            evening = fast - timedelta(days=1)
            if evening in day_of:
                nights.append((day_of[evening], number, sure))
    return nights


def _jumuah(
    site: SiteCalendar,
    clock: LocalClock,
    starts: np.ndarray,
    fridays: np.ndarray,
    columns: _Columns,
) -> None:
    index = np.flatnonzero(fridays)
    if index.size == 0:
        return
    sessions = defaults.jumuah_for(site)
    certainty = Certainty.EXPECTED if site.jumuah_sessions is None else Certainty.CONFIRMED
    summer = clock.summer_time[index]
    dhuhr = starts[index, 2]
    for number, session in enumerate(sessions, start=1):
        if session.winter_time is not None and session.summer_time is not None:
            winter = clock.epoch(index, seconds_of_day(session.winter_time))
            summer_times = clock.epoch(index, seconds_of_day(session.summer_time))
            khutbah = np.where(summer, summer_times, winter)
        else:
            khutbah = dhuhr + 60 * session.minutes_after_dhuhr
        khutbah = np.maximum(khutbah, dhuhr)  # never before Dhuhr begins
        label = "Jumu'ah" + (f" (session {number})" if len(sessions) > 1 else "")
        columns.add(
            khutbah - defaults.ARRIVE_BEFORE_KHUTBAH_MINUTES * 60,
            khutbah + session.duration_minutes * 60,
            GatheringKind.JUMUAH,
            label,
            session.attendance_fraction * site.typical_peak,
            certainty,
        )


def shabbat_spans(
    latitude: float, longitude: float, fridays: Sequence[date], timezone: str = "Europe/London"
) -> list[tuple[datetime, datetime]]:
    """(candle lighting on Friday, nightfall on Saturday) for each Friday, local time."""
    zone = ZoneInfo(timezone)
    saturdays = [f + timedelta(days=1) for f in fridays]
    sunset = sun_depression_seconds([latitude], [longitude], fridays, SUNSET_DEPRESSION)[0]
    saturday_sunset = sun_depression_seconds([latitude], [longitude], saturdays, SUNSET_DEPRESSION)[
        0
    ]
    dark = sun_depression_seconds(
        [latitude], [longitude], saturdays, defaults.NIGHTFALL_DEPRESSION_DEGREES
    )[0]
    dark = np.where(
        np.isnan(dark), saturday_sunset + defaults.NIGHTFALL_FALLBACK_MINUTES * 60, dark
    )
    # printed calendars round candle lighting down and nightfall up to the minute
    lighting = np.floor((sunset - defaults.CANDLE_LIGHTING_MINUTES_BEFORE_SUNSET * 60) / 60) * 60
    dark = np.ceil(dark / 60) * 60
    return [
        (
            datetime.fromtimestamp(int(start), UTC).astimezone(zone),
            datetime.fromtimestamp(int(end), UTC).astimezone(zone),
        )
        for start, end in zip(lighting, dark, strict=True)
    ]


def _friday_evening(site: SiteCalendar, clock: LocalClock, columns: _Columns) -> None:
    fridays = [d for d in clock.dates if d.weekday() == 4]
    if not fridays:
        return
    sunset = sun_depression_seconds([site.latitude], [site.longitude], fridays, SUNSET_DEPRESSION)[
        0
    ]
    lighting = (
        np.floor((sunset - defaults.CANDLE_LIGHTING_MINUTES_BEFORE_SUNSET * 60) / 60) * 60
    ).astype(np.int64)
    columns.add(
        lighting,
        lighting + defaults.FRIDAY_EVENING_SERVICE_MINUTES * 60,
        GatheringKind.SHABBAT,
        "Friday evening service (Kabbalat Shabbat)",
        defaults.FRIDAY_EVENING_ATTENDANCE * site.typical_peak,
        Certainty.EXPECTED,
    )


def _service_gatherings(
    site: SiteCalendar, clock: LocalClock, festival_spans: list[tuple[int, int]], columns: _Columns
) -> None:
    explicit = site.services is not None
    day_of = {d: i for i, d in enumerate(clock.dates)}
    for service in defaults.services_for(site):
        try:
            recurrence = _recurrence(service.rule, service.starts_on, service.cancelled)
        except RuleRefused as error:
            raise ValueError(
                f"site {site.site_id}, service {service.label!r}: not an RFC 5545 rule "
                f"Sanctuary accepts: {error}"
            ) from None
        occurrences = _occurrences(recurrence, clock.dates[0], clock.dates[-1])
        indices = np.array([day_of[d] for d in occurrences], dtype=np.int64)
        if indices.size == 0:
            continue
        start = clock.epoch(indices, seconds_of_day(service.start_time))
        end = start + service.duration_minutes * 60
        if festival_spans:
            # a festival service replaces the regular one it overlaps (Easter Day, Christmas)
            spans = np.array(festival_spans, dtype=np.int64)
            clash = ((start[:, None] < spans[None, :, 1]) & (end[:, None] > spans[None, :, 0])).any(
                axis=1
            )
            start, end = start[~clash], end[~clash]
        people = (
            service.expected_attendance
            if service.expected_attendance is not None
            else service.attendance_fraction * site.typical_peak
        )
        columns.add(
            start,
            end,
            service.kind,
            service.label,
            people,
            Certainty.CONFIRMED if explicit else Certainty.EXPECTED,
        )


@lru_cache(maxsize=4096)
def _occurrences(recurrence: Recurrence, first: date, last: date) -> list[date]:
    # thousands of churches keep the same Sunday service: its dates are worked out once a period
    return recurrence.occurrences(first, last)


@lru_cache(maxsize=4096)
def _recurrence(text: str, starts_on: date | None, cancelled: frozenset[date]) -> Recurrence:
    return parse(text, starts_on=starts_on, cancelled=cancelled)


_DTYPES = (np.int32, np.int64, np.int64, np.int8, np.int32, np.int32, np.int8)


def _site_block(
    index: int, site: SiteCalendar, columns: _Columns, first_day: date, last_day: date
) -> list[np.ndarray]:
    """One site's gatherings inside the period, as one array per column."""
    zone = ZoneInfo(site.timezone)
    begin = int(datetime.combine(first_day, datetime.min.time(), tzinfo=zone).timestamp())
    finish = int(
        datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone).timestamp()
    )
    if not columns.parts:
        return [np.zeros(0, dtype=dtype) for dtype in _DTYPES]
    merged = [np.concatenate(column) for column in zip(*columns.parts, strict=True)]
    columns.parts.clear()
    inside = (merged[1] > begin) & (merged[0] < finish)
    block = [np.full(int(inside.sum()), index, dtype=np.int32)]
    block += [
        column[inside].astype(dtype, copy=False)
        for column, dtype in zip(merged, _DTYPES[1:], strict=True)
    ]
    return block


def _join(
    sites: Sequence[SiteCalendar], blocks: list[list[np.ndarray]], labels: dict[str, int]
) -> Timeline:
    joined: list[np.ndarray] = []
    for slot, dtype in enumerate(_DTYPES):
        # one column at a time, releasing each site's piece as it is copied
        parts = [block[slot] for block in blocks]
        for block in blocks:
            block[slot] = np.zeros(0, dtype=dtype)
        joined.append(np.concatenate(parts) if parts else np.zeros(0, dtype=dtype))
        del parts
    order = np.lexsort((joined[0], joined[1]))
    for slot in range(len(joined)):
        joined[slot] = joined[slot][order]
    return Timeline(
        site_ids=tuple(s.site_id for s in sites),
        wards=tuple(s.ward for s in sites),
        timezones=tuple(s.timezone for s in sites),
        labels=tuple(sorted(labels, key=labels.__getitem__)),
        site=joined[0],
        start=joined[1],
        end=joined[2],
        kind=joined[3],
        label=joined[4],
        attendance=joined[5],
        certainty=joined[6],
    )
