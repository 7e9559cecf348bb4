"""Forms of the fund's decided side: appeals and their answers, installation, photos, claims."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from sanctuary.fund.models import ClaimStatus


class AppealForm(forms.Form):
    text = forms.CharField(label="Why should the decision change?", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class AppealAnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="Answer", choices=[("0", "Dismiss the appeal"), ("1", "Uphold the appeal")],
        coerce=lambda v: v == "1", widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    package = forms.ChoiceField(
        label="Fund a package (an upheld appeal against a decline)", required=False,
        choices=[("", "No"), ("minimal", "Minimal"), ("standard", "Standard"), ("full", "Full")],
    )


class DateInput(forms.DateInput):
    input_type = "date"


class InstallationForm(forms.Form):
    contractor = forms.CharField(max_length=160)
    planned_start = forms.DateField(required=False, widget=DateInput)
    planned_end = forms.DateField(required=False, widget=DateInput)
    actual_start = forms.DateField(required=False, widget=DateInput)
    actual_end = forms.DateField(required=False, widget=DateInput, label="Actual end (installed on)")


class PhotoForm(forms.Form):
    photo = forms.FileField(label="Photo of what was installed")
    caption = forms.CharField(max_length=200, required=False)


class ClaimForm(forms.Form):
    amount = forms.DecimalField(label="Amount (£)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    invoice = forms.FileField(label="Invoice (PDF or photo)")


class ClaimStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[
        (ClaimStatus.APPROVED, "Approve"), (ClaimStatus.PAID, "Mark paid"), (ClaimStatus.REJECTED, "Reject"),
    ])
