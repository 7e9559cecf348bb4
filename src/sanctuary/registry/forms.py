from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sanctuary.registry.filters import SiteFilter, StatusFilter
from sanctuary.registry.models import Contact, Faith, Organisation, OrganisationKind, Site
from sanctuary.registry.transfer import size_problem


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
    q = forms.CharField(label="Search", required=False, max_length=200)
    faith = forms.ChoiceField(choices=[("", "All faiths"), *Faith.choices], required=False)
    ward = forms.ChoiceField(choices=[("", "All wards")], required=False)
    status = forms.ChoiceField(choices=StatusFilter.choices, required=False)

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ChoiceField)
        ward_field.choices = [("", "All wards"), *((w, w) for w in wards)]

    def site_filter(self) -> SiteFilter:
        """What the form asks for; a form that does not validate asks for nothing special."""
        if not self.is_valid():
            return SiteFilter()
        data = self.cleaned_data
        return SiteFilter(
            q=data["q"],
            faith=data["faith"],
            ward=data["ward"],
            status=StatusFilter(data["status"] or StatusFilter.ACTIVE),
        )


class SiteImportForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="CSV or GeoJSON (an OpenStreetMap export works), UTF-8."
    )
    operator = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Default operator",
        empty_label="None: every new site's row names its operator",
        help_text="The faith organisation for new sites whose row names none.",
    )

    def __init__(self, *args: Any, operators: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        operator_field = self.fields["operator"]
        assert isinstance(operator_field, forms.ModelChoiceField)
        operator_field.queryset = operators

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        problem = size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return upload


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
