"""The forms of the incidents pages: the report (public and from the workspace), the reporter's
reply, and the handler's triage."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanctuary.incidents.models import Category, Status
from sanctuary.incidents.services import Draft, Reporter, clean_photo
from sanctuary.registry.models import Faith

ELSEWHERE = [
    ("police", _("The police")),
    ("charity", _("A reporting charity (such as Tell MAMA or CST)")),
    ("council", _("The council")),
    ("other", _("Somewhere else")),
]
MAX_PHOTOS = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS})
        cleaned = []
        for upload in files:
            super().clean(upload, initial)
            cleaned.append(clean_photo(upload))
        return cleaned


class ReportForm(forms.Form):
    """What happened, when, where, to whom; and who reports it (or nobody: anonymous)."""

    category = forms.ChoiceField(label=_("What happened?"), choices=Category.choices, widget=forms.RadioSelect)
    occurred_on = forms.DateField(label=_("When did it happen?"), widget=forms.DateInput(attrs={"type": "date"}))
    date_is_approximate = forms.BooleanField(label=_("I am not sure of the exact date"), required=False)
    occurred_at = forms.TimeField(
        label=_("At what time? (if you know)"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("In which borough or district?"), queryset=None, empty_label=_("Choose")
    )
    site: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("At which place of worship?"), queryset=None, required=False, empty_label=_("Not at one of these")
    )
    address = forms.CharField(
        label=_("Where exactly? (an address, a street, a landmark)"), max_length=300, required=False
    )
    latitude = forms.FloatField(label=_("Map pin: latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Map pin: longitude"), required=False, min_value=-180, max_value=180)
    faith_targeted = forms.ChoiceField(
        label=_("Which faith was targeted, if any?"),
        choices=[("", _("None, or I do not know")), *Faith.choices],
        required=False,
    )
    target_description = forms.CharField(
        label=_("Who or what was targeted?"), max_length=300, required=False,
        help_text=_("For example: the mosque's front wall, worshippers leaving prayers, me."),
    )
    description = forms.CharField(label=_("What happened, in your own words?"), widget=forms.Textarea(attrs={"rows": 5}))
    photos = PhotosField(
        label=_("Photos (optional)"), required=False,
        help_text=_("Up to 5 photos. We remove the location and camera details from them."),
    )
    police_reference = forms.CharField(
        label=_("Police crime reference, if you reported it to the police"), max_length=40, required=False
    )
    reported_elsewhere = forms.MultipleChoiceField(
        label=_("Have you also reported it to…"), choices=ELSEWHERE, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    anonymous = forms.ChoiceField(
        label=_("Do you want to give your contact details?"),
        choices=[("yes", _("No, report anonymously")), ("no", _("Yes, so that you can contact me"))],
        initial="yes",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(label=_("Your e-mail address"), required=False)
    phone = forms.CharField(label=_("Your telephone number"), max_length=40, required=False)
    consent_contact = forms.BooleanField(
        label=_("You may contact me about this report"), required=False
    )
    consent_police = forms.BooleanField(
        label=_("You may pass my details to the police"), required=False
    )
    # Left empty by people; filled by robots that fill every field (hidden by CSS, not by type).
    website = forms.CharField(
        label=_("Leave this empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, areas: Any, sites: Any = None, organisation_reference: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices(self.fields["area"]).queryset = areas
        if sites is None:
            del self.fields["site"]
        else:
            self._choices(self.fields["site"]).queryset = sites
            self.fields["area"].required = False
            self.fields["area"].help_text = _("Not needed when you choose a place of worship.")
        if organisation_reference:
            self.fields["external_reference"] = forms.CharField(
                label=_("Your organisation's reference"), max_length=60, required=False
            )
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(24))

    @staticmethod
    def _choices(field: forms.Field) -> forms.ModelChoiceField[Any]:
        assert isinstance(field, forms.ModelChoiceField)
        return field

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The date is in the future: give the day it happened."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(_("Your report could not be sent. Please try again."))
        if data.get("site") is None and data.get("area") is None and "area" in self.fields:
            self.add_error("area", _("Choose the borough or district where it happened."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both the latitude and the longitude of the pin, or neither."))
        if data.get("anonymous") == "no":
            if not (data.get("name") or data.get("email") or data.get("phone")):
                self.add_error("name", _("Give your name and an e-mail address or telephone number, or report anonymously."))
            if data.get("consent_contact") and not (data.get("email") or data.get("phone")):
                self.add_error("email", _("Give an e-mail address or telephone number so that we can contact you."))
        return data

    def draft(self) -> Draft:
        data = self.cleaned_data
        site = data.get("site")
        return Draft(
            category=data["category"],
            occurred_on=data["occurred_on"],
            occurred_at=data.get("occurred_at"),
            date_is_approximate=data.get("date_is_approximate", False),
            description=data["description"],
            area=site.area if site is not None else data["area"],
            site=site,
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            faith_targeted=data.get("faith_targeted", ""),
            target_description=data.get("target_description", ""),
            police_reference=data.get("police_reference", ""),
            reported_elsewhere=", ".join(data.get("reported_elsewhere", [])),
        )

    def reporter(self, organisation: Any = None) -> Reporter:
        data = self.cleaned_data
        return Reporter(
            anonymous=data.get("anonymous") != "no",
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            consent_contact=data.get("consent_contact", False),
            consent_police=data.get("consent_police", False),
            external_reference=data.get("external_reference", ""),
            organisation=organisation,
        )


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message or more information"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    photos = PhotosField(label=_("Add photos (optional)"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[(v, label) for v, label in Status.choices if v != Status.DUPLICATE]
    )
    police_reference = forms.CharField(label=_("Police crime reference"), max_length=40, required=False)
    note = forms.CharField(label=_("Outcome or note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignForm(forms.Form):
    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Handling organisation"), queryset=None, required=False
    )
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Case handler"), queryset=None, required=False
    )

    def __init__(self, *args: Any, organisations: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ReportForm._choices(self.fields["organisation"]).queryset = organisations
        ReportForm._choices(self.fields["assignee"]).queryset = handlers


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the reporter"), widget=forms.Textarea(attrs={"rows": 3}))
    to = forms.ChoiceField(label=_("To"), choices=[("all", _("Every reporter"))])

    def __init__(self, *args: Any, report_ids: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [("all", _("Every reporter"))] + [
            (str(pk), _("The reporter of report %(n)s") % {"n": index})
            for index, pk in enumerate(report_ids, 1)
        ]


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note (the reporter does not see it)"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Merge this report into incident number"), min_value=1)
