from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sanctuary.partnership.models import ActionStatus, Meeting


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "kind", "title", "starts_at", "ends_at", "place", "areas", "status",
            "invited_organisations", "invited_people", "present_organisations", "present_people",
            "agenda", "minutes",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "areas": forms.CheckboxSelectMultiple(),
            "invited_organisations": forms.CheckboxSelectMultiple(),
            "present_organisations": forms.CheckboxSelectMultiple(),
            "invited_people": forms.CheckboxSelectMultiple(),
            "present_people": forms.CheckboxSelectMultiple(),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args: Any, areas: QuerySet[Any], organisations: QuerySet[Any],
                 people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas  # type: ignore[attr-defined]
        for name in ("invited_organisations", "present_organisations"):
            self.fields[name].queryset = organisations  # type: ignore[attr-defined]
        for name in ("invited_people", "present_people"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = (  # type: ignore[attr-defined]
                lambda user: user.get_full_name() or user.get_username()
            )


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    confidential = forms.BooleanField(
        required=False, help_text="Left out of the community summary (counted only)."
    )


class ActionForm(forms.Form):
    title = forms.CharField(label="What is to be done", max_length=200)
    detail = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, help_text="Someone invited to or present at the meeting.")
    due_on = forms.DateField(label="Due", widget=DateInput())
    site: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="Site it concerns")
    incident: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="Incident it concerns")
    survey: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="Survey it concerns")
    fund_round: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="Fund round it concerns")
    confidential = forms.BooleanField(
        required=False, help_text="Left out of the community summary (counted only)."
    )

    def __init__(self, *args: Any, owners: QuerySet[Any], sites: QuerySet[Any],
                 incidents: QuerySet[Any], surveys: QuerySet[Any], rounds: QuerySet[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]
        self.fields["survey"].queryset = surveys  # type: ignore[attr-defined]
        self.fields["fund_round"].queryset = rounds  # type: ignore[attr-defined]


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
