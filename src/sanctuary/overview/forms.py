"""The month a report covers."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import timezone


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(start: date) -> date:
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def previous_month(start: date) -> date:
    return (month_start(start) - timedelta(days=1)).replace(day=1)


class MonthForm(forms.Form):
    month = forms.CharField(
        label="Month", max_length=7, help_text="As YYYY-MM, for instance 2026-11.",
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
    )

    def clean_month(self) -> date:
        text = self.cleaned_data["month"].strip()
        try:
            start = date.fromisoformat(f"{text}-01")
        except ValueError:
            raise forms.ValidationError(f"{text!r} is not a month: write it as YYYY-MM.") from None
        if start > timezone.localdate():
            raise forms.ValidationError("That month has not begun yet.")
        return start


def default_month() -> str:
    """The last whole month."""
    return f"{previous_month(month_start(timezone.localdate())):%Y-%m}"
