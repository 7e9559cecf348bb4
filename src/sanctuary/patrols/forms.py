from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from sanctuary.patrols.models import THREAT_LEVELS, CheckInKind, MissedReason, PatrolUnit, Shift


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class UnitForm(forms.ModelForm):
    class Meta:
        model = PatrolUnit
        fields = ["name", "kind", "mode", "organisation", "area", "site", "officers", "active"]

    def __init__(self, *args: Any, areas: QuerySet[Any], organisations: QuerySet[Any],
                 sites: QuerySet[Any], officers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["site"].required = False
        self.fields["officers"].queryset = officers  # type: ignore[attr-defined]
        self.fields["officers"].required = False
        self.fields["officers"].widget = forms.CheckboxSelectMultiple()


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["start", "end", "base_latitude", "base_longitude"]
        widgets = {"start": DateTimeInput(), "end": DateTimeInput()}


class FillShiftsForm(forms.Form):
    weeks = forms.IntegerField(
        label="Weeks to fill", min_value=1, max_value=12, initial=4,
        help_text="From next Monday: the site's largest gatherings first, within the hours a week "
        "the fund award pays for. Shifts already there stay.",
    )


class ShiftImportForm(forms.Form):
    area: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Area the units work in")
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Organisation of new units")
    file = forms.FileField(label="CSV file of shifts", help_text=(
        "Columns: unit, kind, mode, start, end, base_latitude, base_longitude; times like "
        "2026-12-07 08:00 (local time)."
    ))

    def __init__(self, *args: Any, areas: QuerySet[Any], organisations: QuerySet[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise forms.ValidationError("The file is larger than 2 MB: split it.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: save it as CSV UTF-8.") from None


def next_monday(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


class NewPlanForm(forms.Form):
    areas: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Areas"
    )
    week_start = forms.DateField(
        label="Week starting (a Monday)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    seed = forms.IntegerField(
        label="Seed", min_value=0, max_value=2**31 - 1, initial=1,
        help_text="The same seed gives the same plan.",
    )

    def __init__(self, *args: Any, areas: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["week_start"].initial = next_monday()

    def clean_week_start(self) -> date:
        value = self.cleaned_data["week_start"]
        if value.weekday() != 0:
            raise forms.ValidationError(f"{value:%A %d %B} is not a Monday: choose the week's Monday.")
        return value


class ChangePlanForm(forms.Form):
    dwell_minutes = forms.IntegerField(
        label="Minutes at each visit", min_value=5, max_value=60,
        help_text="15 minutes gives the longest deterrence after officers leave (Koper 1995).",
    )
    excluded: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="Units left out of this plan",
    )

    def __init__(self, *args: Any, units: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["excluded"].queryset = units  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    client_id = forms.UUIDField(label="Check-in id (made by the phone)")
    kind = forms.ChoiceField(choices=CheckInKind.choices, label="Check-in or check-out")
    at = forms.DateTimeField(label="Time on the phone")
    latitude = forms.FloatField(label="Latitude", min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", min_value=-180, max_value=180)


class MissedForm(forms.Form):
    reason = forms.ChoiceField(choices=MissedReason.choices, label="Why was it missed?")
    note = forms.CharField(label="Anything to add", max_length=300, required=False)


class SurgeForm(forms.Form):
    threat_level = forms.ChoiceField(
        choices=THREAT_LEVELS, label="National threat level now", initial="severe",
        help_text="The rest of the week is planned again from now, each gathering re-weighted at "
        "this level; visits already past stay.",
    )
