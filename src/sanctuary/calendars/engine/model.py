"""The calendar engine's vocabulary: immutable inputs a Django model can build, and results.

Times of day are local wall-clock times at the site (`datetime.time`); instants are
timezone-aware `datetime`s. Attendance is in people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Faith(StrEnum):
    ISLAM = "islam"
    CHRISTIANITY = "christianity"
    JUDAISM = "judaism"
    SIKHISM = "sikhism"
    HINDUISM = "hinduism"
    BUDDHISM = "buddhism"
    OTHER = "other"


class Prayer(StrEnum):
    FAJR = "fajr"
    SUNRISE = "sunrise"
    DHUHR = "dhuhr"
    ASR = "asr"
    MAGHRIB = "maghrib"
    ISHA = "isha"


# The five prayers said in congregation (sunrise is a time, not a prayer).
CONGREGATIONAL_PRAYERS: tuple[Prayer, ...] = (
    Prayer.FAJR,
    Prayer.DHUHR,
    Prayer.ASR,
    Prayer.MAGHRIB,
    Prayer.ISHA,
)


class CalculationMethod(StrEnum):
    """Names as the Adhan libraries spell them."""

    MUSLIM_WORLD_LEAGUE = "MuslimWorldLeague"
    EGYPTIAN = "Egyptian"
    KARACHI = "Karachi"
    UMM_AL_QURA = "UmmAlQura"
    DUBAI = "Dubai"
    MOONSIGHTING_COMMITTEE = "MoonsightingCommittee"
    NORTH_AMERICA = "NorthAmerica"
    KUWAIT = "Kuwait"
    QATAR = "Qatar"
    SINGAPORE = "Singapore"
    TURKEY = "Turkey"
    TEHRAN = "Tehran"


class Madhab(StrEnum):
    SHAFI = "shafi"  # Asr when a shadow equals its object's length (also Maliki, Hanbali)
    HANAFI = "hanafi"  # Asr at twice the length


class HighLatitudeRule(StrEnum):
    MIDDLE_OF_THE_NIGHT = "MiddleOfTheNight"
    SEVENTH_OF_THE_NIGHT = "SeventhOfTheNight"
    TWILIGHT_ANGLE = "TwilightAngle"
    # The Moonsighting Committee's own seasonal curves; only that method uses them.
    SEASON_ADJUSTED = "SeasonAdjusted"


class GatheringKind(StrEnum):
    PRAYER = "prayer"
    JUMUAH = "jumuah"
    TARAWEEH = "taraweeh"
    EID_PRAYER = "eid_prayer"
    SHABBAT = "shabbat"
    SERVICE = "service"
    FESTIVAL = "festival"
    VIGIL = "vigil"
    FUNERAL = "funeral"
    WEDDING = "wedding"
    COMMUNITY_EVENT = "community_event"


class Certainty(StrEnum):
    CONFIRMED = "confirmed"  # the site published it, or a one-off event was booked
    EXPECTED = "expected"  # computed from rules and defaults
    UNCERTAIN_DATE = "uncertain_date"  # a lunar date that may move by a day


@dataclass(frozen=True)
class PrayerSettings:
    method: CalculationMethod = CalculationMethod.MOONSIGHTING_COMMITTEE
    madhab: Madhab = Madhab.SHAFI
    high_latitude_rule: HighLatitudeRule | None = None  # None: the method's recommended rule
    # a mosque's own minute adjustments, in Prayer order (fajr, sunrise, dhuhr, asr, maghrib, isha)
    adjustments_minutes: tuple[int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class CongregationRule:
    """When the jama'ah of one prayer is held, over some season or date range.

    Exactly one of `fixed_time` (a clock time, e.g. Isha 20:00 all winter) or
    `minutes_after_start` (e.g. Maghrib start + 5) is set. `months` restricts the rule to a
    season (e.g. {11, 12, 1, 2}); `valid_from`/`valid_to` to a date range (inclusive).
    The first rule that matches a day wins; a jama'ah never precedes the start time.
    """

    prayer: Prayer
    fixed_time: time | None = None
    minutes_after_start: int | None = None
    months: frozenset[int] = frozenset()
    valid_from: date | None = None
    valid_to: date | None = None

    def __post_init__(self) -> None:
        if (self.fixed_time is None) == (self.minutes_after_start is None):
            raise ValueError(
                "a congregation rule needs exactly one of fixed_time or minutes_after_start"
            )
        if self.prayer is Prayer.SUNRISE:
            raise ValueError("sunrise has no jama'ah")

    def applies_on(self, day: date) -> bool:
        if self.months and day.month not in self.months:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


@dataclass(frozen=True)
class JumuahSession:
    """One Friday congregation. With no times set it follows Dhuhr's start by `minutes_after_dhuhr`."""

    winter_time: time | None = time(13, 15)  # GMT
    summer_time: time | None = time(13, 30)  # BST (any daylight-saving time)
    minutes_after_dhuhr: int = 15
    duration_minutes: int = 60
    attendance_fraction: float = 1.0


@dataclass(frozen=True)
class ServiceRule:
    """A recurring service as an RFC 5545 rule, in the site's local time.

    `rule` is an RRULE line ("FREQ=WEEKLY;BYDAY=SU"), or RFC 5545 text with RRULE, RDATE and
    EXDATE lines in naive local time; `start_time` is the local start and `starts_on` the
    first occurrence, which anchors intervals ("FREQ=WEEKLY;INTERVAL=2"). `cancelled` lists
    dates with no service (EXDATE). Attendance is `expected_attendance` people, or
    `attendance_fraction` of the site's typical peak when that is None.
    """

    label: str
    rule: str
    start_time: time
    duration_minutes: int
    expected_attendance: int | None = None
    attendance_fraction: float = 1.0
    cancelled: frozenset[date] = frozenset()
    kind: GatheringKind = GatheringKind.SERVICE
    starts_on: date | None = None

    def __post_init__(self) -> None:
        if self.duration_minutes <= 0:
            raise ValueError(f"{self.label}: a service must last at least a minute")


@dataclass(frozen=True)
class OneOffEvent:
    """A vigil, funeral, wedding or community event. Naive datetimes are local to the site."""

    label: str
    kind: GatheringKind
    start: datetime
    end: datetime
    expected_attendance: int
    certainty: Certainty = Certainty.CONFIRMED

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"{self.label}: an event must end after it starts")


@dataclass(frozen=True)
class Observance:
    """A festival a site keeps, and how: sessions at local times, attendance as a share of peak.

    `day_offset` moves the gathering relative to the festival's day (-1 for the eve: Kol
    Nidre, Christmas midnight mass); `every_day` repeats it on every day of a festival
    that lasts several (Navaratri nights, Hanukkah candle-lighting).
    """

    festival: str
    start_time: time
    duration_minutes: int
    attendance_fraction: float
    sessions: int = 1  # repeated back to back, e.g. two or three Eid prayers
    day_offset: int = 0
    every_day: bool = False


@dataclass(frozen=True)
class SiteCalendar:
    """Everything the engine needs to know about one place of worship.

    Leave `services` or `observances` as None to get the defaults for the faith
    (docs/calendars.md, "Defaults"); pass an empty tuple for none at all.
    """

    site_id: str
    faith: Faith
    latitude: float
    longitude: float
    timezone: str = "Europe/London"
    ward: str = ""
    typical_peak: int = 100  # people at the busiest regular weekly gathering
    prayer_settings: PrayerSettings = field(default_factory=PrayerSettings)
    congregation_rules: tuple[CongregationRule, ...] = ()
    jumuah_sessions: tuple[JumuahSession, ...] | None = None
    timetable: ImportedTimetable | None = None
    services: tuple[ServiceRule, ...] | None = None
    one_off_events: tuple[OneOffEvent, ...] = ()
    moon_sighting_offset: int = 0  # -1, 0 or +1 day against the Umm al-Qura calendar
    confirmed_dates: frozenset[tuple[str, date]] = frozenset()  # e.g. ("Eid al-Fitr", date)
    observances: tuple[Observance, ...] | None = None
    daily_prayers: bool | None = None  # None: yes for a mosque

    def __post_init__(self) -> None:
        if not -90 <= self.latitude <= 90 or not -180 <= self.longitude <= 180:
            raise ValueError(f"site {self.site_id}: latitude or longitude out of range")
        if self.moon_sighting_offset not in (-1, 0, 1):
            raise ValueError(f"site {self.site_id}: moon-sighting offset must be -1, 0 or +1")
        if self.typical_peak < 0:
            raise ValueError(f"site {self.site_id}: typical peak attendance cannot be negative")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"site {self.site_id}: unknown time zone {self.timezone!r}") from None


@dataclass(frozen=True)
class TimetableDay:
    """One row of a mosque's published timetable: start and jama'ah times, local."""

    date: date
    starts: tuple[time, time, time, time, time, time]  # Prayer order
    jamaah: tuple[
        time | None, time | None, time | None, time | None, time | None
    ]  # CONGREGATIONAL_PRAYERS order


@dataclass(frozen=True)
class ImportedTimetable:
    """Published days in date order; a merged table may have gaps between uploads."""

    days: tuple[TimetableDay, ...]

    @property
    def first_day(self) -> date:
        return self.days[0].date

    @property
    def last_day(self) -> date:
        return self.days[-1].date

    @cached_property
    def _by_date(self) -> dict[date, TimetableDay]:
        return {row.date: row for row in self.days}

    def day(self, day: date) -> TimetableDay | None:
        return self._by_date.get(day)


@dataclass(frozen=True)
class Gathering:
    site_id: str
    start: datetime
    end: datetime
    kind: GatheringKind
    label: str
    expected_attendance: int
    certainty: Certainty

    def as_json(self) -> dict[str, object]:
        """The shape the `gatherings` command and feeds print (docs/calendars.md)."""
        return {
            "site": self.site_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "kind": self.kind.value,
            "label": self.label,
            "expected_attendance": self.expected_attendance,
            "certainty": self.certainty.value,
        }
