from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.text import capfirst

from sanctuary.audit.models import Action


def record_kinds() -> list[tuple[str, str]]:
    """Every kind of record Sanctuary keeps, by the name a person uses ("Site", "Person")."""
    kinds = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
        for model in apps.get_models()
        if model.__module__.startswith("sanctuary.")
    ]
    return sorted(kinds, key=lambda kind: kind[1])


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Who", required=False)
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    object_type = forms.ChoiceField(label="Kind of record", required=False)
    object_id = forms.CharField(label="Record number", required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Any kind"), *record_kinds()]
