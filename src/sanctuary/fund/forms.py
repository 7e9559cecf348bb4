"""The fund's forms: a round (its rules, bonuses and rubric as JSON data), an application's
narrative, packages with quotes, evidence, scores and moderation."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sanctuary.fund import eligibility, scoring, services
from sanctuary.fund.models import EvidenceKind, PackageLabel, Round, RoundStatus

DEFAULT_RUBRIC = [
    {"name": "Need: the threat and the site's vulnerability", "weight": 40,
     "descriptors": list(scoring.DEFAULT_DESCRIPTORS)},
    {"name": "The measures: chosen for the risks found", "weight": 35,
     "descriptors": list(scoring.DEFAULT_DESCRIPTORS)},
    {"name": "Sustainability: maintenance and use", "weight": 25,
     "descriptors": list(scoring.DEFAULT_DESCRIPTORS)},
]


class JsonField(forms.CharField):
    """JSON typed in a text area, read with a clear error."""

    widget = forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code"})

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, indent=2, ensure_ascii=False)
        return value


class RoundForm(forms.ModelForm):
    rubric = JsonField(
        help_text='A list of criteria: {"name": …, "weight": 1–100, "descriptors": [five, level 0 to 4]}.'
    )
    rules = JsonField(required=False, help_text="Eligibility and caps (docs/fund.md, Rules); empty: the defaults.")
    bonuses = JsonField(required=False, help_text='{"first_time": points, "deprived_area": points, "deprived_wards": […]}')
    measures = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Measures funded")

    class Meta:
        model = Round
        fields = ["name", "national", "areas", "managed_by", "budget", "opens_on", "closes_on",
                  "appeal_days", "moderation_threshold", "status", "measures", "rules", "bonuses"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "areas": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, areas: Any, organisations: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas  # type: ignore[attr-defined]
        self.fields["managed_by"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["measures"].choices = sorted(services.measure_catalogue().items(), key=lambda kv: kv[1])  # type: ignore[attr-defined]
        if not national:
            del self.fields["national"]
        if self.instance.pk:
            self.fields["rubric"].initial = services.rubric_of(self.instance)
            self.fields["rules"].initial = eligibility.read_rules(self.instance.rules).as_json()
        else:
            self.fields["rubric"].initial = DEFAULT_RUBRIC
            self.fields["rules"].initial = eligibility.DEFAULTS
            self.fields["status"].initial = RoundStatus.DRAFT

    def clean_rules(self) -> Any:
        value = self.cleaned_data.get("rules") or {}
        try:
            eligibility.read_rules(value)
        except eligibility.RulesError as error:
            raise ValidationError(str(error)) from None
        return value

    def clean_bonuses(self) -> Any:
        value = self.cleaned_data.get("bonuses") or {}
        try:
            scoring.read_bonuses(value)
        except scoring.RubricError as error:
            raise ValidationError(str(error)) from None
        return value

    def clean_rubric(self) -> list[services.CriterionData]:
        try:
            return services.read_rubric(self.cleaned_data.get("rubric"))
        except ValidationError as error:
            raise ValidationError(error.message_dict["rubric"]) from None

    def round_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [n for n in self.Meta.fields if n != "areas" and n in data]
        fields = {name: data[name] for name in names}
        fields.setdefault("national", False)
        return fields


class StartForm(forms.Form):
    site: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="The site you apply for")

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class DraftForm(forms.Form):
    need = forms.CharField(label=services.NARRATIVE[0][1], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    plan = forms.CharField(label=services.NARRATIVE[1][1], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sustain = forms.CharField(label=services.NARRATIVE[2][1], required=False, widget=forms.Textarea(attrs={"rows": 3}))
    charity_number = forms.CharField(label="Registered charity number", required=False, max_length=20)
    charity_exempt = forms.BooleanField(label="The charity is exempt or excepted from registration", required=False)
    funded_before_year = forms.IntegerField(
        label="Year the site was last funded by a security scheme (if ever)", required=False,
        min_value=1990, max_value=2100,
    )


class PackageForm(forms.Form):
    label = forms.ChoiceField(choices=PackageLabel.choices, label="Package")
    measures = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Measures")
    cost = forms.DecimalField(label="Whole cost (£)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    contribution = forms.DecimalField(
        label="Your contribution (£)", min_value=Decimal("0"), max_digits=12, decimal_places=2, initial=0
    )
    quote = forms.FileField(label="A quote (PDF or photo)", required=False)
    supplier = forms.CharField(label="Supplier who quoted", required=False, max_length=160)
    quote_amount = forms.DecimalField(
        label="Quote amount (£)", required=False, min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )

    def __init__(self, *args: Any, funded: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        catalogue = services.measure_catalogue()
        self.fields["measures"].choices = [(m, catalogue.get(m, m)) for m in funded]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quote") is not None:
            if not (data.get("supplier") or "").strip():
                self.add_error("supplier", "Name the supplier who quoted.")
            if data.get("quote_amount") is None:
                self.add_error("quote_amount", "Give the quote's amount in pounds.")
        return data


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, label="Kind of evidence")
    text = forms.CharField(label="What it shows", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    crime_reference = forms.CharField(label="Crime reference number", required=False, max_length=40)
    file = forms.FileField(label="A file (PDF or photo)", required=False)


class ConflictForm(forms.Form):
    reason = forms.CharField(label="How you are connected to the applicant", max_length=300)


class ScoreForm(forms.Form):
    """One level (0–4) and a comment per criterion of the round's rubric."""

    def __init__(self, *args: Any, criteria: list[Any], initial_scores: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            existing = initial_scores.get(criterion.pk)
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                choices=[("", "—")] + [(n, f"{n}: {d}") for n, d in enumerate(criterion.descriptors)],
                coerce=int, required=False, empty_value=None,
                initial=existing.level if existing else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Comment on {criterion.name}", required=False,
                widget=forms.Textarea(attrs={"rows": 2}), initial=existing.comment if existing else "",
            )

    def levels(self) -> dict[int, tuple[int, str]]:
        found = {}
        for criterion in self.criteria:
            level = self.cleaned_data.get(f"level_{criterion.pk}")
            if level is not None:
                found[criterion.pk] = (level, self.cleaned_data.get(f"comment_{criterion.pk}", ""))
        return found


class ModerationForm(forms.Form):
    reason = forms.CharField(label="Why these levels", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (weight {criterion.weight})",
                choices=[(n, f"{n}: {d}") for n, d in enumerate(criterion.descriptors)], coerce=int,
            )
        self.order_fields([f"level_{c.pk}" for c in criteria] + ["reason"])

    def levels(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"level_{c.pk}"] for c in self.criteria}


class AssignForm(forms.Form):
    application: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    assessor: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    auto = forms.BooleanField(
        required=False, label="Instead, give every application two assessors automatically"
    )

    def __init__(self, *args: Any, applications: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("auto") and (data.get("application") is None or data.get("assessor") is None):
            raise ValidationError("Choose an application and an assessor, or assign automatically.")
        return data
