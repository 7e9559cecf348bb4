"""The forms of the survey pages: scheduling, one section's answers, a photo, completing,
the national threat level and a Martyn's Law duty."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sanctuary.registry.models import Faith
from sanctuary.surveys.instrument import NOT_APPLICABLE, Section
from sanctuary.surveys.models import DutyStatus, SurveyKind, ThreatLevel

NOT_APPLICABLE_LABEL = "Not applicable"


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of survey", choices=SurveyKind.choices)
    scheduled_for = forms.DateField(
        label="Date of the visit",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a self-assessment, or if not yet agreed.",
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, SurveyKind(k).label) for k in kinds]
        if len(kinds) == 1:
            field.initial = kinds[0]


def answer_field(question_id: str) -> str:
    return f"answer-{question_id}"


def note_field(question_id: str) -> str:
    return f"note-{question_id}"


class SectionForm(forms.Form):
    """One section of the instrument: a set of radio buttons and a note per question. An answer
    left empty stays as it was (or unanswered)."""

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            choices = [(str(int(o.grade)), o.label) for o in question.options]
            if question.not_applicable is not None:
                choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
            self.fields[answer_field(question.id)] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=question.guidance,
            )
            self.fields[note_field(question.id)] = forms.CharField(
                label=f"Note: {question.topic}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def questions(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (q, self[answer_field(q.id)], self[note_field(q.id)]) for q in self.section.questions
        ]

    def answers(self) -> dict[str, object]:
        """What was answered in this post (a question left empty is left out)."""
        found: dict[str, object] = {}
        for question in self.section.questions:
            value = self.cleaned_data.get(answer_field(question.id)) or ""
            if value:
                found[question.id] = NOT_APPLICABLE if value == NOT_APPLICABLE else int(value)
        return found

    def notes(self) -> dict[str, str]:
        return {
            q.id: self.cleaned_data.get(note_field(q.id)) or ""
            for q in self.section.questions
            if note_field(q.id) in self.data
        }


class PhotoForm(forms.Form):
    image = forms.FileField(
        label="Photo",
        help_text="JPEG, PNG or WebP, at most 10 MB. Its location and camera details are removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    caption = forms.CharField(label="Caption", required=False, max_length=200)
    question_id = forms.ChoiceField(label="Question it shows", required=False)

    def __init__(self, *args: Any, questions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["question_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The site in general"), *questions]


class CompleteForm(forms.Form):
    summary = forms.CharField(
        label="Summary for the report",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the trustees should know first. It opens the PDF report.",
    )


class ThreatLevelForm(forms.Form):
    level = forms.ChoiceField(label="National threat level", choices=ThreatLevel.choices)
    since = forms.DateField(label="In force from", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(
        label="Source", max_length=200, help_text="Where it was announced, e.g. MI5's website, 14 May."
    )
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it changed, as announced. It goes into the alert drafted to the sites.",
    )
    note = forms.CharField(label="Note", required=False, max_length=200)


class HeightenedAlertForm(forms.Form):
    area: forms.ModelChoiceField = forms.ModelChoiceField(label="Area", queryset=None, empty_label=None)
    faith = forms.ChoiceField(label="Faith", required=False, choices=[("", "Every faith"), *Faith.choices])
    sites: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Or only these sites", required=False, queryset=None,
        widget=forms.CheckboxSelectMultiple, help_text="Chosen sites replace the faith.",
    )
    level = forms.ChoiceField(label="Threat level for these sites", choices=ThreatLevel.choices,
                              initial=ThreatLevel.SEVERE)
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Until (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For instance: after an attack abroad; a surge of incidents against the faith.",
    )

    def __init__(self, *args: Any, areas: QuerySet[Any], sites: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["sites"].queryset = sites  # type: ignore[attr-defined]


class EndHeightenedAlertForm(forms.Form):
    reason = forms.CharField(label="Why end it now", required=False, max_length=500)


class DutyForm(forms.Form):
    duty = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="Status", choices=DutyStatus.choices)
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
