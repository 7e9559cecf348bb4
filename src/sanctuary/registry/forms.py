from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.db.models import QuerySet

from sanctuary.access.models import Membership, Role, User
from sanctuary.registry.filters import SiteFilter, StatusFilter
from sanctuary.registry.models import (
    Area,
    Contact,
    Faith,
    Organisation,
    OrganisationKind,
    Site,
    Ward,
)
from sanctuary.registry.transfer import ENCODINGS, size_problem


class SiteForm(forms.ModelForm):
    ward = forms.ChoiceField(required=False, help_text="One of its area's wards.")

    class Meta:
        model = Site
        fields = [
            "name",
            "faith",
            "denomination",
            "operator",
            "address",
            "postcode",
            "area",
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

    def __init__(
        self,
        *args: Any,
        operators: QuerySet[Organisation],
        areas: QuerySet[Area],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        operator_field = self.fields["operator"]
        assert isinstance(operator_field, forms.ModelChoiceField)
        operator_field.queryset = operators
        if operators.count() == 1:
            operator_field.empty_label = None
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = areas
        if len(area_field.queryset) == 1:
            area_field.empty_label = None
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ChoiceField)
        ward_field.choices = ward_choices(areas)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs["step"] = "any"


def ward_choices(areas: QuerySet[Area]) -> list[Any]:
    """The wards of these areas, chosen never typed; grouped by area when there are several."""
    wards = Ward.objects.filter(area__in=areas).select_related("area").order_by("area__name", "name")
    by_area: dict[str, list[tuple[str, str]]] = {}
    for ward in wards:
        by_area.setdefault(ward.area.name, []).append((ward.name, ward.name))
    if len(by_area) == 1:
        return [("", "—"), *next(iter(by_area.values()))]
    return [("", "—"), *by_area.items()]


ContactFormSet = forms.inlineformset_factory(
    Site, Contact, fields=["name", "role", "phone", "email"], extra=1, can_delete=True
)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    faith = forms.ChoiceField(choices=[("", "All faiths"), *Faith.choices], required=False)
    area = forms.ChoiceField(choices=[("", "All areas")], required=False)
    ward = forms.ChoiceField(choices=[("", "All wards")], required=False)
    status = forms.ChoiceField(choices=StatusFilter.choices, required=False)

    def __init__(
        self, *args: Any, wards: list[str], areas: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        """`areas`: (ONS code, name) of the areas the reader sees; with one or none the filter
        is not offered, so that someone who covers one area never has to think about it."""
        super().__init__(*args, **kwargs)
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, forms.ChoiceField)
        ward_field.choices = [("", "All wards"), *((w, w) for w in wards)]
        if len(areas) > 1:
            area_field = self.fields["area"]
            assert isinstance(area_field, forms.ChoiceField)
            area_field.choices = [("", "All areas"), *areas]
        else:
            del self.fields["area"]

    def site_filter(self) -> SiteFilter:
        """What the form asks for; a form that does not validate asks for nothing special."""
        if not self.is_valid():
            return SiteFilter()
        data = self.cleaned_data
        return SiteFilter(
            q=data["q"],
            faith=data["faith"],
            area=data.get("area", ""),
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
    create_operators = forms.BooleanField(
        required=False,
        label="Add the faith organisations the file names that are not here yet",
        help_text="A check lists them first. Leave unticked to refuse rows naming an unknown one.",
    )
    encoding = forms.ChoiceField(
        choices=list(ENCODINGS.items()),
        initial="utf-8",
        required=False,  # a post without it (a script, an older page) means UTF-8
        label="The file's text encoding",
        help_text="Excel on Windows saves 'CSV (Comma delimited)' as Windows-1252.",
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
        fields = [
            "name",
            "kind",
            "areas",
            "covers_all_areas",
            "umbrellas",
            "email",
            "phone",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "umbrellas": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self, *args: Any, areas: QuerySet[Area], national: bool, **kwargs: Any
    ) -> None:
        """`areas`: those the administrator may place it in; only a national administrator
        makes a national organisation."""
        super().__init__(*args, **kwargs)
        area_field = self.fields["areas"]
        assert isinstance(area_field, forms.ModelMultipleChoiceField)
        area_field.queryset = areas
        if not national:
            del self.fields["covers_all_areas"]
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [c for c in OrganisationKind.choices if c[0] != OrganisationKind.NATIONAL]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("umbrellas") and data.get("kind") != OrganisationKind.FAITH:
            self.add_error("umbrellas", "Only faith organisations are members of umbrella bodies.")
        if not data.get("areas") and not data.get("covers_all_areas"):
            self.add_error("areas", "Say which areas it works in.")
        return data


# --- people and their roles ----------------------------------------------------------------


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "is_active"]


INVITE, TYPED = "invite", "password"


class NewPersonForm(BaseUserCreationForm):
    """A new account and its first role: nobody is added without a place in an organisation the
    administrator manages. By default the person is invited by e-mail to choose their own
    password (a one-time link); an administrator may instead type a first password, checked by
    the password validators."""

    how = forms.ChoiceField(
        label="Their password",
        choices=[
            (INVITE, "E-mail them an invitation to choose their own password"),
            (TYPED, "Type a first password now and tell them it"),
        ],
        initial=INVITE,
        required=False,
        widget=forms.RadioSelect,
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    role = forms.ChoiceField(choices=Role.choices)

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "is_active")

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        for name in ("password1", "password2"):
            self.fields[name].required = False
        self.fields["password1"].help_text = "Only if you type a first password. " + str(
            self.fields["password1"].help_text
        )
        self.order_fields(["username", "first_name", "last_name", "email", "is_active", "how"])

    @property
    def invites(self) -> bool:
        return self.cleaned_data.get("how") == INVITE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("how"):  # a form posted without the choice: what its fields say
            data["how"] = TYPED if self.data.get("password1") else INVITE
        if data["how"] == INVITE:
            if not data.get("email"):
                self.add_error("email", "An invitation is sent by e-mail: give their address.")
            for name in ("password1", "password2"):
                self.errors.pop(name, None)
        else:
            for name in ("password1", "password2"):
                if not self.data.get(name):
                    self.add_error(name, "Type the first password twice, or invite them instead.")
        if data.get("organisation") and data.get("role"):
            probe = Membership(organisation=data["organisation"], role=data["role"])
            try:
                probe.clean()
            except forms.ValidationError as error:
                self.add_error("role", error.messages[0])
        return data

    def _post_clean(self) -> None:
        if self.cleaned_data.get("how") == INVITE:
            forms.ModelForm._post_clean(self)  # type: ignore[attr-defined]  # no typed password
        else:
            super()._post_clean()  # type: ignore[misc]

    def save(self, commit: bool = True) -> Any:
        if self.cleaned_data.get("how") == INVITE:
            user = forms.ModelForm.save(self, commit=False)
            user.set_unusable_password()  # until they choose one through the invitation
            if commit:
                user.save()
            return user
        return super().save(commit=commit)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role"]

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
