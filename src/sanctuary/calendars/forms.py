from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import models

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
    festivals_of,
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


class RowForm(forms.ModelForm):
    """A form that adds one row to a site's schedule (parts.py lists them)."""

    def __init__(self, data: Any = None, *, site: Site) -> None:
        super().__init__(data)
        self.site = site


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


class ServiceForm(RowForm):
    prefix = "services"
    cancelled = forms.CharField(
        label="cancelled on",
        required=False,
        help_text="Dates with no service, YYYY-MM-DD, separated by commas.",
    )

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
        widgets = {
            "rule": forms.TextInput(attrs={"placeholder": "FREQ=WEEKLY;BYDAY=SU"}),
            "start_time": TimeInput(),
            "starts_on": DateInput(),
        }

    def clean_rule(self) -> str:
        return str(self.cleaned_data["rule"]).strip()

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
        self, *args: Any, sites: list[tuple[int, str]], wards: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "site", [("", "—"), *sites])
        _set_choices(self, "ward", [("", "—"), *((w, w) for w in wards)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == FeedScope.SITE and not data.get("site"):
            self.add_error("site", "Choose the site.")
        if data.get("scope") == FeedScope.WARD and not data.get("ward"):
            self.add_error("ward", "Choose the ward.")
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
    ward = forms.ChoiceField(choices=[("", "All wards")], required=False)

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "ward", [("", "All wards"), *((w, w) for w in wards)])

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

    def __init__(self, data: Any = None, *, wards: list[str], **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            for name in self.DEFAULTED:
                if not data.get(name) and name in kwargs.get("initial", {}):
                    data[name] = kwargs["initial"][name]
        super().__init__(data, wards=wards, **kwargs)

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
