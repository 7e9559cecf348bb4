"""The forms of the alerts pages: compose (or revise) an alert, acknowledge it, withdraw it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sanctuary.alerts.models import Urgency
from sanctuary.alerts.services import Audience, Content
from sanctuary.registry.models import Faith


class AlertForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    urgency = forms.ChoiceField(label="Urgency", choices=Urgency.choices)
    body = forms.CharField(label="Message", max_length=10_000, widget=forms.Textarea(attrs={"rows": 10}))
    ask = forms.CharField(
        label="What each site acknowledges", max_length=300,
        help_text="For example: “We have reviewed our lockdown procedure.”",
    )
    faith = forms.ChoiceField(label="Faith", required=False, choices=[("", "Every faith"), *Faith.choices])
    area: forms.ModelChoiceField = forms.ModelChoiceField(label="Area", required=False, queryset=None, empty_label="Every area of yours")
    ward = forms.CharField(label="Ward", required=False, max_length=120, help_text="Within the area chosen.")
    sites: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Or choose the sites", required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chosen sites replace the faith, area and ward above.",
    )

    def __init__(self, *args: Any, areas: QuerySet[Any], sites: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["sites"].queryset = sites.order_by("name")  # type: ignore[attr-defined]

    def content(self, template: str = "") -> Content:
        data = self.cleaned_data
        return Content(data["title"], data["body"], data["ask"], data["urgency"], template)

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(data["faith"], data["area"], data["ward"], list(data["sites"]))


class AcknowledgeForm(forms.Form):
    site: forms.ModelChoiceField = forms.ModelChoiceField(label="For the site", queryset=None, empty_label=None)
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)

    def __init__(self, *args: Any, sites: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class LinkAcknowledgeForm(forms.Form):
    """A listed contact's confirmation through their e-mailed link: for every site it names."""

    note = forms.CharField(
        label="Note (optional)", required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text="For example: “Stewards briefed after Sunday service.” At most 500 characters.",
    )


class WithdrawForm(forms.Form):
    """Withdraw a sent alert, or correct it (withdraw it and draft its correction)."""

    reason = forms.CharField(
        label="Why it is withdrawn", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text="Every recipient reads this, e.g. “Sent to the wrong area.” At most 500 characters.",
        error_messages={"required": "Say why the alert is withdrawn: its recipients read it."},
    )
    correct = forms.BooleanField(
        label="Draft a corrected alert to send in its place", required=False,
        help_text="The recipients are told a corrected alert follows; you edit and send it next.",
    )
