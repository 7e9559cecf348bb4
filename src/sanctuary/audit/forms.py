from __future__ import annotations

from django import forms

from sanctuary.audit.models import Action


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Who", required=False)
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    object_type = forms.CharField(label="Record type", required=False)
    object_id = forms.CharField(label="Record id", required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
