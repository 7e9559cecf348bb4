"""A site's worship schedule, as its contacts describe it, and the feeds people subscribe to.

The engine (`engine/`) knows nothing of these models; `services.site_calendar` turns a site
and its schedule into the engine's `SiteCalendar`. Choices mirror the engine's enums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from sanctuary.access.models import PersonalFeed
from sanctuary.calendars import engine
from sanctuary.calendars.engine import recurrence
from sanctuary.calendars.engine.festivals import FESTIVAL_NAMES
from sanctuary.registry.models import Area, Faith, Site


class Method(models.TextChoices):
    """The engine's CalculationMethod, spelt as the Adhan libraries spell it."""

    MOONSIGHTING_COMMITTEE = "MoonsightingCommittee", "Moonsighting Committee"
    MUSLIM_WORLD_LEAGUE = "MuslimWorldLeague", "Muslim World League"
    EGYPTIAN = "Egyptian", "Egyptian General Authority"
    KARACHI = "Karachi", "University of Islamic Sciences, Karachi"
    UMM_AL_QURA = "UmmAlQura", "Umm al-Qura, Makkah"
    DUBAI = "Dubai", "Dubai"
    NORTH_AMERICA = "NorthAmerica", "ISNA (North America)"
    KUWAIT = "Kuwait", "Kuwait"
    QATAR = "Qatar", "Qatar"
    SINGAPORE = "Singapore", "Singapore"
    TURKEY = "Turkey", "Diyanet (Turkey)"
    TEHRAN = "Tehran", "Institute of Geophysics, Tehran"


class Madhab(models.TextChoices):
    SHAFI = "shafi", "Shafi'i, Maliki, Hanbali (Asr at one shadow length)"
    HANAFI = "hanafi", "Hanafi (Asr at two shadow lengths)"


class HighLatitudeRule(models.TextChoices):
    METHOD_DEFAULT = "", "The method's recommended rule"
    MIDDLE_OF_THE_NIGHT = "MiddleOfTheNight", "Middle of the night"
    SEVENTH_OF_THE_NIGHT = "SeventhOfTheNight", "Seventh of the night"
    TWILIGHT_ANGLE = "TwilightAngle", "Twilight angle"
    SEASON_ADJUSTED = "SeasonAdjusted", "Season adjusted (Moonsighting Committee only)"


class MoonSighting(models.IntegerChoices):
    DAY_EARLIER = -1, "A day before Umm al-Qura"
    UMM_AL_QURA = 0, "As Umm al-Qura"
    DAY_LATER = 1, "A day after Umm al-Qura"


class DailyPrayers(models.TextChoices):
    BY_FAITH = "faith", "As the faith usually does (yes for a mosque)"
    YES = "yes", "Yes"
    NO = "no", "No"


class CongregationalPrayer(models.TextChoices):
    FAJR = "fajr", "Fajr"
    DHUHR = "dhuhr", "Dhuhr"
    ASR = "asr", "Asr"
    MAGHRIB = "maghrib", "Maghrib"
    ISHA = "isha", "Isha"


class ServiceKind(models.TextChoices):
    SERVICE = "service", "Service"
    SHABBAT = "shabbat", "Shabbat service"
    PRAYER = "prayer", "Prayer"
    FESTIVAL = "festival", "Festival"
    COMMUNITY_EVENT = "community_event", "Community event"


class EventKind(models.TextChoices):
    VIGIL = "vigil", "Vigil"
    FUNERAL = "funeral", "Funeral"
    WEDDING = "wedding", "Wedding"
    COMMUNITY_EVENT = "community_event", "Community event"


def validate_festival(value: str) -> None:
    if value not in FESTIVAL_NAMES:
        raise ValidationError(f"{value!r} is not a festival the calendar knows.")


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"{value!r} is not a time zone: use an IANA name such as Europe/London."
        ) from None


# Any Monday: anchors the parts a rule leaves to its first date while only its text is checked.
_SOME_MONDAY = date(2001, 1, 1)
# A new service must happen at least once in this many days from its first date (or today).
RULE_HORIZON_DAYS = 2 * 366


def refusal(refused: recurrence.RuleRefused) -> str:
    """A RuleRefused as a sentence for the page (its message is plain words already)."""
    text = str(refused)
    return f"{text[:1].upper()}{text[1:]}."


def validate_rule(value: str) -> None:
    """An RRULE line Sanctuary accepts (engine/recurrence.py); Service.clean checks the rest."""
    try:
        recurrence.parse(value, starts_on=_SOME_MONDAY)
    except recurrence.RuleRefused as refused:
        raise ValidationError(f"This rule cannot be used. {refusal(refused)}") from None


def rule_problem(rule: recurrence.Recurrence, starts_on: date | None) -> str | None:
    """Why a service with this rule would never be seen, or None."""
    first = max(timezone.localdate(), starts_on or date.min)
    if not rule.occurrences(first, first + timedelta(days=RULE_HORIZON_DAYS)):
        return "This would not happen in the next two years: check its days and dates."
    return None


def typical_peak(site: Site) -> int:
    """People at the site's busiest regular weekly gathering: its typical peak, else its
    capacity, else 100. Default attendances are shares of it."""
    return site.typical_peak_attendance or site.capacity or 100


def over_capacity(site: Site, people: int | None) -> str | None:
    """Why `people` cannot be expected at the site, or None: as the site's own form refuses a
    typical peak above the capacity (registry.models.Site.clean)."""
    if people is None or site.capacity is None or people <= site.capacity:
        return None
    return (
        f"{people:,} people is more than the site's capacity ({site.capacity:,}). Check the "
        "number, or correct the capacity on the site's page."
    )


def validate_calendar_date(value: date) -> None:
    if not recurrence.FIRST_YEAR <= value.year <= recurrence.LAST_YEAR:
        raise ValidationError(
            f"Give a date between {recurrence.FIRST_YEAR} and {recurrence.LAST_YEAR}."
        )


def months_in_words(months: frozenset[int]) -> str:
    """Months as runs: "March to October", "November to February", "June and August"."""
    if len(months) == 12:
        return "every month"
    if not months:
        return "no month"
    runs: list[list[int]] = []
    for month in range(1, 13):
        if month in months:
            if runs and runs[-1][-1] == month - 1:
                runs[-1].append(month)
            else:
                runs.append([month])
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][-1] == 12:  # December runs into January
        runs[0] = runs.pop() + runs[0]
    names = recurrence.MONTH_NAMES
    said = [
        names[run[0]] if len(run) == 1 else f"{names[run[0]]} to {names[run[-1]]}"
        for run in runs
    ]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


class Schedule(models.Model):
    """How a site keeps time: prayer settings and whether the faith's defaults apply."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="schedule")
    timezone = models.CharField(
        "time zone", max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    method = models.CharField(
        "prayer-time method",
        max_length=32,
        choices=Method.choices,
        default=Method.MOONSIGHTING_COMMITTEE,
    )
    madhab = models.CharField(max_length=10, choices=Madhab.choices, default=Madhab.SHAFI)
    high_latitude_rule = models.CharField(
        "high-latitude rule", max_length=32, choices=HighLatitudeRule.choices, blank=True
    )
    moon_sighting_offset = models.IntegerField(
        "moon sighting", choices=MoonSighting.choices, default=MoonSighting.UMM_AL_QURA
    )
    daily_prayers = models.CharField(
        "holds the five daily prayers",
        max_length=8,
        choices=DailyPrayers.choices,
        default=DailyPrayers.BY_FAITH,
    )
    faith_defaults = models.BooleanField(
        "use the faith's usual services and festivals",
        default=True,
        help_text="Where you have listed no services of your own, and for festivals.",
    )
    # The last accepted timetable, as uploaded: read again by the engine when a calendar is built.
    timetable_csv = models.TextField(blank=True)
    timetable_name = models.CharField(max_length=200, blank=True)
    timetable_first_day = models.DateField(null=True, blank=True)
    timetable_last_day = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Schedule of {self.site}"

    def clean(self) -> None:
        try:
            prayer_settings = self.prayer_settings()
        except ValueError:
            return  # a value outside its field's choices: that field says so
        try:
            engine.check_rule(prayer_settings)
        except ValueError:
            raise ValidationError(
                {
                    "high_latitude_rule": "Season adjusted is the Moonsighting Committee's own "
                    "rule: choose another rule, or that method."
                }
            ) from None

    def prayer_settings(self) -> engine.PrayerSettings:
        """The engine's prayer settings; no rule means the method's recommended one."""
        return engine.PrayerSettings(
            method=engine.CalculationMethod(self.method),
            madhab=engine.Madhab(self.madhab),
            high_latitude_rule=(
                engine.HighLatitudeRule(self.high_latitude_rule)
                if self.high_latitude_rule
                else None
            ),
        )

    def high_latitude_rule_in_force(self) -> HighLatitudeRule | None:
        """The rule that applies at the site: the Moonsighting Committee applies its own
        whatever is chosen. None for settings the engine refuses."""
        try:
            in_force = engine.rule_in_force(self.prayer_settings(), self.site.latitude)
        except ValueError:
            return None
        return HighLatitudeRule(in_force.value)
    @property
    def keeps_daily_prayers(self) -> bool:
        """Jama'ah times, Jumu'ah and a timetable are a mosque's, or a site's that says it
        holds the five daily prayers."""
        if self.daily_prayers == DailyPrayers.BY_FAITH:
            return self.site.faith == Faith.ISLAM
        return self.daily_prayers == DailyPrayers.YES


class ScheduleRow(models.Model):
    """Something a schedule lists, any number of times."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class CongregationRule(ScheduleRow):
    """When one prayer's jama'ah is held: a fixed time or minutes after the start, maybe in a season."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="rules")
    prayer = models.CharField(max_length=10, choices=CongregationalPrayer.choices)
    fixed_time = models.TimeField(null=True, blank=True, help_text="e.g. 20:00")
    minutes_after_start = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(180)]
    )
    months = models.JSONField(default=list, blank=True)  # [11, 12, 1, 2]; empty: all year
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_prayer_display()} jama'ah {self.when()}"

    def when(self) -> str:
        """"06:45 in November, December, January and February", "start + 5 min, all year"."""
        text = (
            f"{self.fixed_time:%H:%M}"
            if self.fixed_time
            else f"start + {self.minutes_after_start} min"
        )
        if self.months:
            text += " in " + months_in_words(frozenset(int(m) for m in self.months))
        if self.valid_from and self.valid_to:
            text += f", {self.valid_from:%-d %b %Y} to {self.valid_to:%-d %b %Y}"
        elif self.valid_from:
            text += f", from {self.valid_from:%-d %b %Y}"
        elif self.valid_to:
            text += f", until {self.valid_to:%-d %b %Y}"
        if not self.months and not self.valid_from and not self.valid_to:
            text += ", all year"
        return text

    def clean(self) -> None:
        if (self.fixed_time is None) == (self.minutes_after_start is None):
            raise ValidationError(
                {"fixed_time": "Give either a fixed time or minutes after the start, not both."}
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "The date range ends before it starts."})

    def to_engine(self) -> engine.CongregationRule:
        return engine.CongregationRule(
            prayer=engine.Prayer(self.prayer),
            fixed_time=self.fixed_time,
            minutes_after_start=self.minutes_after_start,
            months=frozenset(int(m) for m in self.months or ()),
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )


class JumuahSession(ScheduleRow):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="jumuah")
    winter_time = models.TimeField(
        "khutbah in winter (GMT)",
        null=True,
        blank=True,
        help_text="Leave both times empty to follow Dhuhr's start.",
    )
    summer_time = models.TimeField("khutbah in summer (BST)", null=True, blank=True)
    minutes_after_dhuhr = models.PositiveSmallIntegerField(
        default=15, validators=[MaxValueValidator(180)]
    )
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    attendance_percent = models.PositiveSmallIntegerField(
        "attendance (% of typical peak)", default=100, validators=[MaxValueValidator(300)]
    )

    class Meta:
        ordering = ["winter_time", "id"]

    def __str__(self) -> str:
        if self.winter_time and self.summer_time:
            return f"Jumu'ah {self.winter_time:%H:%M} (winter), {self.summer_time:%H:%M} (summer)"
        return f"Jumu'ah Dhuhr + {self.minutes_after_dhuhr} min"

    def clean(self) -> None:
        if (self.winter_time is None) != (self.summer_time is None):
            raise ValidationError(
                {"summer_time": "Give both the winter and the summer time, or neither."}
            )

    def to_engine(self) -> engine.JumuahSession:
        return engine.JumuahSession(
            winter_time=self.winter_time,
            summer_time=self.summer_time,
            minutes_after_dhuhr=self.minutes_after_dhuhr,
            duration_minutes=self.duration_minutes,
            attendance_fraction=self.attendance_percent / 100,
        )


class Service(ScheduleRow):
    """A recurring service: an RFC 5545 rule in the site's local time."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="services")
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices, default=ServiceKind.SERVICE)
    rule = models.TextField(
        "repeats (RFC 5545 rule)",
        validators=[validate_rule],
        help_text="e.g. FREQ=WEEKLY;BYDAY=SU, or FREQ=MONTHLY;BYDAY=1SA for the first Saturday.",
    )
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    expected_attendance = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the site's typical peak."
    )
    starts_on = models.DateField(
        null=True,
        blank=True,
        help_text="First occurrence, if it matters.",
        validators=[validate_calendar_date],
    )
    cancelled = models.JSONField(default=list, blank=True)  # ISO dates with no service

    class Meta:
        ordering = ["start_time", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.in_words()}"

    def in_words(self) -> str:
        """"every Tuesday, Wednesday and Thursday at 19:00"; the rule as typed when it cannot
        be read (a row stored before today's checks)."""
        try:
            return recurrence.describe(self.recurrence(), at=self.start_time)
        except recurrence.RuleRefused:
            return f"by the rule {self.rule} at {self.start_time:%H:%M}"

    def clean(self) -> None:
        """The rule must be one a place of worship means: judged by what it produces."""
        if not self.rule:
            return
        try:
            rule = self.recurrence()
        except recurrence.RuleRefused as refused:
            try:
                validate_rule(self.rule)
            except ValidationError:
                return  # said already, by the field's own validator
            raise ValidationError({"rule": f"This rule cannot be used. {refusal(refused)}"}) from None
        problem = rule_problem(rule, self.starts_on)
        if problem:
            raise ValidationError({"rule": problem})

    def recurrence(self) -> recurrence.Recurrence:
        return recurrence.parse(
            self.rule, starts_on=self.starts_on, cancelled=frozenset(self.cancelled_dates)
        )

    @property
    def cancelled_dates(self) -> list[date]:
        return [date.fromisoformat(d) for d in self.cancelled or ()]

    def to_engine(self) -> engine.ServiceRule:
        return engine.ServiceRule(
            label=self.label,
            rule=self.rule,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
            expected_attendance=self.expected_attendance,
            cancelled=frozenset(self.cancelled_dates),
            kind=engine.GatheringKind(self.kind),
            starts_on=self.starts_on,
        )


class Event(ScheduleRow):
    """A one-off gathering: a vigil, a funeral, a wedding, a community event."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="events")
    label = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    expected_attendance = models.PositiveIntegerField()

    class Meta:
        ordering = ["start", "id"]

    def __str__(self) -> str:
        start = timezone.localtime(self.start) if timezone.is_aware(self.start) else self.start
        return f"{self.label} ({start:%a %d %b %Y %H:%M})"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "An event must end after it starts."})

    def to_engine(self) -> engine.OneOffEvent:
        return engine.OneOffEvent(
            label=self.label,
            kind=engine.GatheringKind(self.kind),
            start=self.start,
            end=self.end,
            expected_attendance=self.expected_attendance,
        )


class ConfirmedDate(ScheduleRow):
    """A festival day the site has announced (Eid al-Fitr is tomorrow): no longer uncertain."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="confirmed")
    festival = models.CharField(max_length=60, validators=[validate_festival])
    date = models.DateField()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "festival", "date"], name="calendars_confirmed_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.festival} on {self.date:%Y-%m-%d}"


def festivals_of(faith: str) -> list[tuple[str, str]]:
    return [(name, name) for name, kept_by in FESTIVAL_NAMES.items() if kept_by.value == faith]


# --- feeds --------------------------------------------------------------------------------------


class FeedScope(models.TextChoices):
    SITE = "site", "One site"
    WARD = "ward", "One ward"
    AREA = "area", "One area (a borough or district)"
    BOROUGH = "borough", "Everything you may see"


# What an inspector plans cover for (docs/schedules.md, "The borough"): gatherings of 200 people
# or more, and no more of them a day than a duty planner reads at a sitting, the largest first.
# The week view's defaults and the borough feed's.
INSPECTOR_MIN_PEOPLE = 200
INSPECTOR_PER_DAY = 20
# Bounds, not judgements: far beyond any gathering, and beyond any list a person reads.
MAX_MIN_PEOPLE = 100_000
MAX_PER_DAY = 1_000


def _spoken_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@dataclass(frozen=True)
class FeedOptions:
    """What a feed holds: gatherings of at least `min_people`, of sites of `faiths` (none: every
    faith), with or without the daily prayers, at most `per_day` a day, the largest (None: all)."""

    min_people: int = 0
    faiths: tuple[str, ...] = ()
    daily_prayers: bool = True
    per_day: int | None = None

    @classmethod
    def usual(cls, scope: str) -> FeedOptions:
        """A new feed's options unless its owner says otherwise: a site's calendar whole; a
        ward's without the daily prayers; the borough's as an inspector would plan cover."""
        if scope == FeedScope.SITE:
            return cls()
        if scope == FeedScope.WARD:
            return cls(daily_prayers=False)
        return cls(
            min_people=INSPECTOR_MIN_PEOPLE, daily_prayers=False, per_day=INSPECTOR_PER_DAY
        )

    def describe(self) -> str:
        said = [
            f"gatherings of {self.min_people:,} people or more"
            if self.min_people
            else "gatherings of any size"
        ]
        if not self.daily_prayers:
            said.append("no daily prayers")
        if self.faiths:
            said.append(_spoken_list([Faith(f).label for f in self.faiths]) + " only")
        if self.per_day:
            said.append(f"the {self.per_day:,} largest a day")
        return ", ".join(said)


class Feed(PersonalFeed):
    """A personal iCalendar link to the gatherings of a site, a ward, an area or everything the
    owner may see (a credential: access.models.PersonalFeed)."""

    scope = models.CharField(max_length=10, choices=FeedScope.choices)
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    ward = models.CharField(max_length=120, blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What the feed holds. These defaults are what every feed held before feeds had options
    # (so that those keep working as they were); a new feed gets FeedOptions.usual(scope).
    min_people = models.PositiveIntegerField(
        "smallest gathering", default=0, validators=[MaxValueValidator(MAX_MIN_PEOPLE)]
    )
    faiths = models.JSONField(default=list, blank=True)  # Faith values; none: every faith
    daily_prayers = models.BooleanField("daily prayers included", default=True)
    per_day = models.PositiveIntegerField(  # None: every gathering the others keep
        "largest a day",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_DAY)],
    )

    def __str__(self) -> str:
        if self.scope == FeedScope.SITE:
            return f"Feed: {self.site}"
        if self.scope == FeedScope.WARD:
            return f"Feed: {self.ward} ward"
        if self.scope == FeedScope.AREA:
            return f"Feed: {self.area}"
        return "Feed: everything you may see"

    @property
    def options(self) -> FeedOptions:
        return FeedOptions(self.min_people, tuple(self.faiths), self.daily_prayers, self.per_day)

    def clean(self) -> None:
        unknown = sorted(set(self.faiths) - set(Faith.values))
        if unknown:
            raise ValidationError({"faiths": f"Unknown faith: {', '.join(map(str, unknown))}."})

    def snapshot(self) -> dict[str, Any]:
        # never the key: the audit log is read by administrators, the key is its owner's
        return {
            "user": self.user_id,
            "scope": self.scope,
            "site": self.site_id,
            "ward": self.ward,
            "min_people": self.min_people,
            "faiths": list(self.faiths),
            "daily_prayers": self.daily_prayers,
            "per_day": self.per_day,
        }
