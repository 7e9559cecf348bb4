"""The worship-calendar engine: plain Python and numpy, no Django.

What the Django side calls:
- `build_timeline(sites, first_day, last_day)` -> `Timeline` (columns; `.gatherings()` yields `Gathering`s)
- `people_per_hour(timeline, start, end, by="site" | "ward" | "borough")` -> `HourlyAttendance`
- `prayer_timetable(lat, lon, start, days, settings, timezone)` -> `PrayerTimetable`
- `festivals(year, faith, moon_sighting_offset, confirmed)` -> list of `Festival`
- `read_timetable(csv_text)` -> `ImportedTimetable`, or raises `TimetableRejected`; a second
  upload merges into the first with `timetable.merge_timetables`
- `shabbat_spans(lat, lon, fridays, timezone)` -> (candle lighting, nightfall) pairs
Inputs are the frozen dataclasses of `model`, above all `SiteCalendar`.
"""

from sanctuary.calendars.engine.festivals import Festival, YearNotCovered, festivals
from sanctuary.calendars.engine.hourly import HourlyAttendance, people_per_hour
from sanctuary.calendars.engine.model import (
    CalculationMethod,
    Certainty,
    CongregationRule,
    Faith,
    Gathering,
    GatheringKind,
    HighLatitudeRule,
    ImportedTimetable,
    JumuahSession,
    Madhab,
    Observance,
    OneOffEvent,
    Prayer,
    PrayerSettings,
    ServiceRule,
    SiteCalendar,
    TimetableDay,
)
from sanctuary.calendars.engine.prayer_times import (
    NoSunriseOrSunset,
    PrayerDay,
    PrayerTimetable,
    check_rule,
    prayer_seconds,
    prayer_timetable,
    rule_in_force,
)
from sanctuary.calendars.engine.timeline import Timeline, build_timeline, shabbat_spans
from sanctuary.calendars.engine.timetable import (
    TimetableError,
    TimetableRejected,
    read_timetable,
)

__all__ = [
    "CalculationMethod",
    "Certainty",
    "CongregationRule",
    "Faith",
    "Festival",
    "Gathering",
    "GatheringKind",
    "HighLatitudeRule",
    "HourlyAttendance",
    "ImportedTimetable",
    "JumuahSession",
    "Madhab",
    "NoSunriseOrSunset",
    "Observance",
    "OneOffEvent",
    "Prayer",
    "PrayerDay",
    "PrayerSettings",
    "PrayerTimetable",
    "ServiceRule",
    "SiteCalendar",
    "Timeline",
    "TimetableDay",
    "TimetableError",
    "TimetableRejected",
    "YearNotCovered",
    "build_timeline",
    "check_rule",
    "festivals",
    "people_per_hour",
    "prayer_seconds",
    "prayer_timetable",
    "read_timetable",
    "rule_in_force",
    "shabbat_spans",
]
