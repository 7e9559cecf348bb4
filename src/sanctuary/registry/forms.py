from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sanctuary.registry.models import Contact, Faith, Organisation, OrganisationKind, Site


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "faith",
            "denomination",
            "operator",
            "address",
            "postcode",
            "ward",
            "latitude",
            "longitude",
            "capacity",
            "typical_peak_attendance",
            "status",
            "is_sensitive",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, operators: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator_field = self.fields["operator"]
        assert isinstance(operator_field, forms.ModelChoiceField)
        operator_field.queryset = operators
        if operators.count() == 1:
            operator_field.empty_label = None
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["step"] = "any"


ContactFormSet = forms.inlineformset_factory(
    Site, Contact, fields=["name", "role", "phone", "email"], extra=1, can_delete=True
)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    faith = forms.ChoiceField(choices=[("", "All faiths"), *Faith.choices], required=False)
    ward = forms.ChoiceField(choices=[("", "All wards")], required=False)
    status = forms.ChoiceField(
        choices=[("active", "Active"), ("closed", "Closed"), ("all", "Active and closed")],
        required=False,
    )

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ChoiceField)
        ward_field.choices = [("", "All wards"), *((w, w) for w in wards)]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "umbrellas", "email", "phone", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "umbrellas": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("umbrellas") and data.get("kind") != OrganisationKind.FAITH:
            self.add_error("umbrellas", "Only faith organisations are members of umbrella bodies.")
        return data
