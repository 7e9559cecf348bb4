from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.db import models

from sanctuary.calendars.engine import recurrence
from sanctuary.calendars.models import (
    INSPECTOR_MIN_PEOPLE,
    INSPECTOR_PER_DAY,
    MAX_MIN_PEOPLE,
    MAX_PER_DAY,
    ConfirmedDate,
    CongregationRule,
    Event,
    FeedOptions,
    FeedScope,
    JumuahSession,
    Schedule,
    Service,
    ServiceKind,
    festivals_of,
    over_capacity,
    refusal,
    rule_problem,
    typical_peak,
    validate_calendar_date,
)
from sanctuary.registry.models import Faith, Site

MONTHS = [
    (1, "Jan"),
    (2, "Feb"),
    (3, "Mar"),
    (4, "Apr"),
    (5, "May"),
    (6, "Jun"),
    (7, "Jul"),
    (8, "Aug"),
    (9, "Sep"),
    (10, "Oct"),
    (11, "Nov"),
    (12, "Dec"),
]
MAX_TIMETABLE_BYTES = 1_000_000
MAX_CANCELLED = 366
# A day's list on the week view: beyond this, the day's own page (paginated) is the place.
MOST_A_DAY_ON_THE_WEEK = 100


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ScheduleForm(forms.ModelForm):
    """A schedule's settings, limited to what applies to the site's faith: the prayer-time
    method, madhab and high-latitude rule only where the five daily prayers are held, the moon
    sighting only for a mosque (it moves Islamic dates)."""

    prefix = "settings"

    class Meta:
        model = Schedule
        fields = [
            "timezone",
            "daily_prayers",
            "method",
            "madhab",
            "high_latitude_rule",
            "moon_sighting_offset",
            "faith_defaults",
        ]
        labels = {"faith_defaults": "Assume the faith's usual services and festivals"}
        help_texts = {
            "faith_defaults": "Where you list none of your own; festivals always come from it.",
            "high_latitude_rule": "The Moonsighting Committee applies its own rule whatever is "
            "chosen here: season adjusted below 55° north, a seventh of the night from 55°.",
        }

    def __init__(self, data: Any = None, *, instance: Schedule, site: Site) -> None:
        super().__init__(data, instance=instance)
        for name in self.not_for(site, instance):
            del self.fields[name]

    @staticmethod
    def not_for(site: Site, schedule: Schedule) -> list[str]:
        left_out = []
        if site.faith not in (Faith.ISLAM, Faith.OTHER):
            left_out.append("daily_prayers")
        if not schedule.keeps_daily_prayers:
            left_out += ["method", "madhab", "high_latitude_rule"]
        if site.faith != Faith.ISLAM:
            left_out.append("moon_sighting_offset")
        return left_out


class RowForm(forms.ModelForm):
    """A form that adds one row to a site's schedule (parts.py lists them)."""

    def __init__(self, data: Any = None, *, site: Site) -> None:
        super().__init__(data)
        self.site = site

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "expected_attendance" in self.fields:
            problem = over_capacity(self.site, data.get("expected_attendance"))
            if problem:
                self.add_error("expected_attendance", problem)
        return data


class CongregationRuleForm(RowForm):
    prefix = "rules"
    months = forms.TypedMultipleChoiceField(
        choices=MONTHS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The season it applies in; none ticked: all year.",
    )

    class Meta:
        model = CongregationRule
        fields = ["prayer", "fixed_time", "minutes_after_start", "months", "valid_from", "valid_to"]
        labels = {"valid_from": "From (date)", "valid_to": "Until (date)"}
        help_texts = {
            "valid_from": "For a few weeks only (Ramadan, say): its first and last day.",
        }
        widgets = {
            "fixed_time": TimeInput(),
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }


class JumuahForm(RowForm):
    prefix = "jumuah"

    class Meta:
        model = JumuahSession
        fields = [
            "winter_time",
            "summer_time",
            "minutes_after_dhuhr",
            "duration_minutes",
            "attendance_percent",
        ]
        widgets = {"winter_time": TimeInput(), "summer_time": TimeInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        percent = data.get("attendance_percent")
        if percent is not None and self.site.capacity is not None:
            peak = typical_peak(self.site)
            people = round(peak * percent / 100)
            if people > self.site.capacity:
                self.add_error(
                    "attendance_percent",
                    f"{percent}% of the site's typical peak ({peak:,}) is {people:,} people, more "
                    f"than its capacity ({self.site.capacity:,}). Lower the percentage, or "
                    "correct the figures on the site's page.",
                )
        return data


class Repeats(models.TextChoices):
    """How the recurrence picker says a service repeats; RULE is the advanced typed rule."""

    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month"
    YEARLY = "yearly", "Every year"
    DAILY = "daily", "Every day"
    RULE = "rule", "Type a rule (advanced)"


class WhichDay(models.TextChoices):
    """For a monthly or yearly service: a date, or the nth weekday of the month."""

    DATE = "date", "On a date (day of the month)"
    FIRST = "1", "The first"
    SECOND = "2", "The second"
    THIRD = "3", "The third"
    FOURTH = "4", "The fourth"
    LAST = "-1", "The last"


FREQUENCY = {
    Repeats.WEEKLY: recurrence.Frequency.WEEKLY,
    Repeats.MONTHLY: recurrence.Frequency.MONTHLY,
    Repeats.YEARLY: recurrence.Frequency.YEARLY,
    Repeats.DAILY: recurrence.Frequency.DAILY,
}
PERIOD = {
    Repeats.WEEKLY: "week", Repeats.MONTHLY: "month", Repeats.YEARLY: "year", Repeats.DAILY: "day",
}


def _shown_for(*choices: str) -> dict[str, str]:
    """The picker's JavaScript shows a field only for these choices of 'repeats' (all of them
    show without JavaScript)."""
    return {"data-repeats": " ".join(choices)}


class ServiceForm(RowForm):
    """A recurring service, its pattern chosen with a picker (weekly on chosen days, monthly on
    the nth weekday or a date, yearly, daily; every so many; until a date or so many times;
    dates cancelled) that composes the stored rule, or typed as a rule (advanced)."""

    prefix = "services"
    # not required: a post with a typed rule and no choice here (a script, say) means the rule
    repeats = forms.ChoiceField(choices=Repeats.choices, initial=Repeats.WEEKLY, required=False)
    every = forms.IntegerField(
        min_value=1,
        max_value=max(recurrence.MAX_INTERVAL.values()),
        initial=1,
        required=False,
        help_text="1 for every week (or month, year, day), 2 for every other, and so on.",
        widget=forms.NumberInput(attrs=_shown_for("weekly", "monthly", "yearly", "daily")),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="On",
        choices=list(enumerate(recurrence.WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs=_shown_for("weekly", "monthly", "yearly")),
    )
    which = forms.ChoiceField(
        label="Which day of the month",
        choices=WhichDay.choices,
        initial=WhichDay.FIRST,
        required=False,
        help_text="The first Saturday, the last Friday… tick the weekday above.",
        widget=forms.Select(attrs=_shown_for("monthly", "yearly")),
    )
    month_day = forms.IntegerField(
        label="Day of the month",
        min_value=1,
        max_value=31,
        required=False,
        widget=forms.NumberInput(attrs=_shown_for("monthly", "yearly")),
    )
    month = forms.TypedChoiceField(
        choices=[("", "—"), *((n, recurrence.MONTH_NAMES[n]) for n in range(1, 13))],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=_shown_for("yearly")),
    )
    until = forms.DateField(
        label="Last date",
        required=False,
        validators=[validate_calendar_date],
        help_text="Empty: it goes on.",
        widget=DateInput(attrs=_shown_for("weekly", "monthly", "yearly", "daily")),
    )
    count = forms.IntegerField(
        label="Or a number of times",
        min_value=1,
        max_value=recurrence.MAX_COUNT,
        required=False,
        widget=forms.NumberInput(attrs=_shown_for("weekly", "monthly", "yearly", "daily")),
    )
    cancelled = forms.CharField(
        label="Cancelled on",
        required=False,
        help_text="Dates with no service, YYYY-MM-DD, separated by commas.",
    )
    field_order = [
        "label", "kind", "start_time", "duration_minutes", "expected_attendance", "repeats",
        "every", "weekdays", "which", "month_day", "month", "starts_on", "until", "count",
        "cancelled", "rule",
    ]

    class Meta:
        model = Service
        fields = [
            "label",
            "kind",
            "rule",
            "start_time",
            "duration_minutes",
            "expected_attendance",
            "starts_on",
            "cancelled",
        ]
        labels = {"rule": "Rule (advanced)", "starts_on": "First date"}
        help_texts = {
            "rule": "Only for a pattern the choices above cannot say, with 'Type a rule' chosen "
            "under Repeats: an iCalendar (RFC 5545) rule such as FREQ=MONTHLY;BYMONTHDAY=1,15.",
            "starts_on": "Needed to count 'every other' or a number of times from.",
            "expected_attendance": "Empty: the site's typical peak.",
        }
        widgets = {
            "rule": forms.TextInput(
                attrs={"placeholder": "FREQ=MONTHLY;BYMONTHDAY=1,15", **_shown_for("rule")}
            ),
            "start_time": TimeInput(),
            "starts_on": DateInput(),
        }

    def __init__(self, data: Any = None, *, site: Site) -> None:
        super().__init__(data, site=site)
        self.fields["rule"].required = False
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        if site.faith != Faith.JUDAISM:  # a Shabbat service is a synagogue's
            kind.choices = [(v, label) for v, label in ServiceKind.choices if v != ServiceKind.SHABBAT]

    def clean_rule(self) -> str:
        return str(self.cleaned_data.get("rule") or "").strip()

    def clean_cancelled(self) -> list[str]:
        found = set()
        for part in str(self.cleaned_data.get("cancelled") or "").replace(";", ",").split(","):
            if not part.strip():
                continue
            try:
                day = date.fromisoformat(part.strip())
            except ValueError:
                raise forms.ValidationError(f"{part.strip()!r} is not a date YYYY-MM-DD.") from None
            validate_calendar_date(day)
            found.add(day.isoformat())
        if len(found) > MAX_CANCELLED:
            raise forms.ValidationError(f"List at most {MAX_CANCELLED} dates.")
        return sorted(found)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        repeats = data.get("repeats") or (Repeats.RULE if data.get("rule") else None)
        if repeats is None and "repeats" not in self.errors:
            self.add_error("repeats", "Choose how often it repeats.")
        if repeats == Repeats.RULE:
            if not data.get("rule") and "rule" not in self.errors:
                self.add_error("rule", "Type the rule, or choose how often it repeats instead.")
            return data
        if repeats not in FREQUENCY:
            return data
        picked = self._picked(Repeats(repeats), data)
        if picked is not None:
            problem = rule_problem(picked, data.get("starts_on"))
            if problem:
                self.add_error("repeats", problem)
            else:
                data["rule"] = recurrence.to_text(picked)
        return data

    def _picked(self, repeats: Repeats, data: dict[str, Any]) -> recurrence.Recurrence | None:
        """The picker's choices as a Recurrence, or None with each problem beside its field."""
        frequency = FREQUENCY[repeats]
        weekdays = frozenset(data.get("weekdays") or ())
        nth: frozenset[tuple[int, int]] = frozenset()
        month_days: frozenset[int] = frozenset()
        months: frozenset[int] = frozenset()
        errors: list[tuple[str, str]] = []
        if repeats == Repeats.WEEKLY and not weekdays:
            errors.append(("weekdays", "Tick the days it is held on."))
        if repeats in (Repeats.MONTHLY, Repeats.YEARLY):
            month = data.get("month")
            if repeats == Repeats.YEARLY:
                if month is None:
                    errors.append(("month", "Choose the month."))
                else:
                    months = frozenset({month})
            which = data.get("which") or WhichDay.DATE
            if which == WhichDay.DATE:
                day = data.get("month_day")
                if day is None:
                    errors.append(("month_day", "Give the day of the month, 1 to 31."))
                elif repeats == Repeats.YEARLY and month and day > recurrence.SHORTEST_MONTH[month]:
                    errors.append((
                        "month_day",
                        f"{recurrence.MONTH_NAMES[month]} has {recurrence.SHORTEST_MONTH[month]} "
                        "days in an ordinary year.",
                    ))
                else:
                    month_days = frozenset({day})
                weekdays = frozenset()
            else:
                if not weekdays:
                    label = WhichDay(which).label.lower()
                    errors.append(("weekdays", f"Tick the weekday: {label} Saturday, say."))
                nth = frozenset((int(which), day) for day in weekdays)
                weekdays = frozenset()
        if repeats == Repeats.DAILY:
            weekdays = frozenset()
        every = data.get("every") or 1
        limit = recurrence.MAX_INTERVAL[frequency]
        if every > limit:
            errors.append(("every", f"At most every {limit} {PERIOD[repeats]}s."))
        starts_on, until, count = data.get("starts_on"), data.get("until"), data.get("count")
        if every > 1 and starts_on is None:
            errors.append(("starts_on", "Give the first date, to count every other one from."))
        elif count is not None and starts_on is None:
            errors.append(("starts_on", "Give the first date, to count the times from."))
        if count is not None and until is not None:
            errors.append(("count", "Give a last date or a number of times, not both."))
        if until is not None and starts_on is not None and until < starts_on:
            errors.append(("until", "The last date is before the first."))
        for name, message in errors:
            self.add_error(name, message)
        if errors or self.errors:
            return None
        try:
            return recurrence.Recurrence(
                frequency=frequency,
                interval=every,
                weekdays=weekdays,
                nth_weekdays=nth,
                month_days=month_days,
                months=months,
                starts_on=starts_on,
                until=until,
                count=count,
                cancelled=frozenset(date.fromisoformat(d) for d in data.get("cancelled") or ()),
            )
        except recurrence.RuleRefused as refused:  # anything the checks above did not foresee
            self.add_error("repeats", refusal(refused))
            return None


class EventForm(RowForm):
    prefix = "events"

    class Meta:
        model = Event
        fields = ["label", "kind", "start", "end", "expected_attendance"]
        widgets = {"start": DateTimeInput(), "end": DateTimeInput()}


class ConfirmedDateForm(RowForm):
    prefix = "confirmed"
    festival = forms.ChoiceField()

    class Meta:
        model = ConfirmedDate
        fields = ["festival", "date"]
        widgets = {"date": DateInput()}

    def __init__(self, data: Any = None, *, site: Site) -> None:
        super().__init__(data, site=site)
        field = self.fields["festival"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = festivals_of(site.faith)


class TimetableForm(forms.Form):
    """A published timetable to check: nothing is saved until its changes are applied."""

    prefix = "timetable"
    file = forms.FileField(label="CSV file", required=False)
    text = forms.CharField(
        label="or paste it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "date,fajr,sunrise,dhuhr,asr,…"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_TIMETABLE_BYTES:
                raise forms.ValidationError("The file is larger than 1 MB.")
            try:
                data["csv"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
            data["name"] = upload.name
        elif data.get("text", "").strip():
            if len(data["text"]) > MAX_TIMETABLE_BYTES:
                raise forms.ValidationError("The pasted timetable is longer than 1 MB.")
            data["csv"], data["name"] = data["text"], "pasted timetable"
        else:
            raise forms.ValidationError("Choose a CSV file or paste the timetable.")
        return data


class TimetableApplyForm(forms.Form):
    """A checked timetable, carried back by the check's page to be merged into the stored one.
    `stored` names the stored table it was checked against, so that a change made meanwhile
    is checked again rather than applied unseen."""

    prefix = "apply"
    csv = forms.CharField(widget=forms.HiddenInput, max_length=MAX_TIMETABLE_BYTES, strip=False)
    name = forms.CharField(widget=forms.HiddenInput, max_length=200)
    stored = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
class DailyPrayersOption(models.TextChoices):
    """Whether a list or a feed keeps the daily prayers (the five jama'ahs)."""

    KEEP = "keep", "Kept"
    LEAVE_OUT = "leave-out", "Left out"


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class FeedForm(forms.Form):
    scope = forms.ChoiceField(choices=FeedScope.choices, label="Covers")
    site = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, help_text="For a feed of one site."
    )
    ward = forms.ChoiceField(required=False, help_text="For a feed of one ward.")
    area = forms.ChoiceField(required=False, help_text="For a feed of one area.")
    min_people = forms.IntegerField(
        label="Smallest gathering",
        required=False,
        min_value=0,
        max_value=MAX_MIN_PEOPLE,
        help_text=(
            f"Expected people. Empty: the usual, {INSPECTOR_MIN_PEOPLE} for the borough, "
            "any size for one site or one ward."
        ),
    )
    daily_prayers = forms.ChoiceField(
        label="Daily prayers",
        required=False,
        choices=[
            ("", "As usual: kept for one site, left out for a ward or the borough"),
            *DailyPrayersOption.choices,
        ],
    )
    faiths = forms.MultipleChoiceField(
        choices=Faith.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every faith.",
    )
    per_day = forms.IntegerField(
        label="Largest a day",
        required=False,
        min_value=1,
        max_value=MAX_PER_DAY,
        help_text=(
            f"Only the largest gatherings of each day. Empty: the usual, {INSPECTOR_PER_DAY} "
            "for the borough, all of them for one site or one ward."
        ),
    )

    def __init__(
        self,
        *args: Any,
        sites: list[tuple[int, str]],
        wards: list[str],
        areas: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "site", [("", "—"), *sites])
        _set_choices(self, "ward", [("", "—"), *((w, w) for w in wards)])
        areas = areas or []
        if len(areas) > 1:
            _set_choices(self, "area", [("", "—"), *areas])
        else:  # one area is everything they see: nothing to choose
            del self.fields["area"]
            _set_choices(self, "scope", [
                choice for choice in FeedScope.choices if choice[0] != FeedScope.AREA
            ])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == FeedScope.SITE and not data.get("site"):
            self.add_error("site", "Choose the site.")
        if data.get("scope") == FeedScope.WARD and not data.get("ward"):
            self.add_error("ward", "Choose the ward.")
        if data.get("scope") == FeedScope.AREA and not data.get("area"):
            self.add_error("area", "Choose the area.")
        if data.get("scope") and not self.errors:
            usual = FeedOptions.usual(data["scope"])
            prayers = data.get("daily_prayers")
            data["options"] = FeedOptions(
                min_people=usual.min_people
                if data.get("min_people") is None
                else data["min_people"],
                faiths=tuple(data.get("faiths") or ()),
                daily_prayers=usual.daily_prayers
                if not prayers
                else prayers == DailyPrayersOption.KEEP,
                per_day=data.get("per_day") or usual.per_day,
            )
        return data


class CalendarFilterForm(forms.Form):
    """The week, the heat map and a day's list: which sites, from which day."""

    start = forms.DateField(required=False, widget=DateInput(), label="Week from")
    faith = forms.ChoiceField(choices=[("", "All faiths"), *Faith.choices], required=False)
    area = forms.ChoiceField(choices=[("", "All areas")], required=False)
    ward = forms.ChoiceField(choices=[("", "All wards")], required=False)

    def __init__(
        self, *args: Any, wards: list[str], areas: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        """`areas`: (ONS code, name) of the reader's areas: offered only when there are several."""
        super().__init__(*args, **kwargs)
        _set_choices(self, "ward", [("", "All wards"), *((w, w) for w in wards)])
        if len(areas) > 1:
            _set_choices(self, "area", [("", "All areas"), *areas])
        else:
            del self.fields["area"]

    def clean_start(self) -> date | None:
        start = self.cleaned_data.get("start")
        if start is not None and not 2000 <= start.year <= 2100:
            raise forms.ValidationError("Choose a day between 2000 and 2100.")
        return start


class GatheringFilterForm(CalendarFilterForm):
    """The week view and a day's list: which gatherings, as well as which sites. An empty
    field means the page's default, which the view gives as the field's initial value, and
    which the form then shows, so that the page says what it applies."""

    min_people = forms.IntegerField(
        label="At least (people)", required=False, min_value=0, max_value=MAX_MIN_PEOPLE
    )
    daily_prayers = forms.ChoiceField(
        label="Daily prayers", choices=DailyPrayersOption.choices, required=False
    )
    per_day = forms.IntegerField(
        label="Largest a day", required=False, min_value=1, max_value=MOST_A_DAY_ON_THE_WEEK
    )

    DEFAULTED = ("min_people", "daily_prayers", "per_day")

    def __init__(
        self,
        data: Any = None,
        *,
        wards: list[str],
        areas: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        if data is not None:
            data = data.copy()
            for name in self.DEFAULTED:
                if not data.get(name) and name in kwargs.get("initial", {}):
                    data[name] = kwargs["initial"][name]
        super().__init__(data, wards=wards, areas=areas, **kwargs)

    def value(self, name: str) -> Any:
        """The cleaned value of a valid form, or the field's initial value when left empty."""
        found = self.cleaned_data.get(name) if self.is_bound else None
        if found in (None, ""):
            return self.initial.get(name, self.fields[name].initial)
        return found


class DayFilterForm(GatheringFilterForm):
    """A day's list, or one hour's: every gathering the filters keep, largest first."""

    hour = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", "The whole day"),
            *((h, f"{h:02d}:00–{(h + 1) % 24:02d}:00") for h in range(24)),
        ],
    )

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, wards=wards, **kwargs)
        self.fields["start"].label = "Day"
        del self.fields["per_day"]  # a day's list is paginated instead
