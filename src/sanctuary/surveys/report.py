"""The survey report as a PDF (WeasyPrint): summary, risk and its drivers, findings by section
with photos, recommendations with costs, Martyn's Law. Written for the trustees of the site."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.surveys import assess, policy, services
from sanctuary.surveys.instrument import load_measures
from sanctuary.surveys.models import DutyStatus, Survey


def survey_context(actor: Actor, survey: Survey) -> dict[str, object]:
    """What the report shows; reading the answers is an audited view (policy.answers_of)."""
    answers = policy.answers_of(actor, survey, "the survey report")
    photos = policy.photos_of(actor, survey)
    instrument = services.instrument_of(survey)
    found = assess.assess_one(survey.site)
    pictures: dict[str, list[tuple[str, str]]] = {}
    for photo in photos:
        data = base64.b64encode(services.photo_bytes(photo)).decode("ascii")
        pictures.setdefault(photo.question_id, []).append(
            (f"data:image/jpeg;base64,{data}", photo.caption)
        )
    sections = []
    for section in instrument.sections:
        lines = []
        for question in section.questions:
            answer = answers.get(question.id)
            if answer is None:
                shown, grade = "Not answered", None
            elif answer.not_applicable:
                shown, grade = "Not applicable", None
            else:
                option = question.option(answer.grade or 0)
                shown, grade = (option.label if option else f"grade {answer.grade}"), answer.grade
            lines.append(
                {
                    "question": question,
                    "answer": shown,
                    "grade": grade,
                    "note": answer.note if answer else "",
                    "photos": pictures.get(question.id, []),
                }
            )
        scored = next(
            (s for s in found.risk.vulnerability.sections if s.id == section.id), None
        ) if found.survey and found.survey.pk == survey.pk else None
        sections.append({"section": section, "lines": lines, "scored": scored})
    applies, checklist = found.martyns_law(policy.duty_records([survey.site_id])[survey.site_id])
    return {
        "survey": survey,
        "site": survey.site,
        "a": found,
        "risk": found.risk,
        "counts": found.survey is not None and found.survey.pk == survey.pk,
        "drivers": found.risk.drivers[:8],
        "sections": sections,
        "general_photos": pictures.get("", []),
        "recommendations": found.recommendations,
        "prices_as_of": load_measures().prices_as_of,
        "applies": applies,
        "checklist": [(item, DutyStatus(item.status.value).label) for item in checklist],
        "made_at": timezone.localtime(),
        "national": assess.national_level(),
    }


def survey_pdf(actor: Actor, survey: Survey) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a report is made

    html = render_to_string("surveys/report.html", survey_context(actor, survey))
    return HTML(string=html, base_url=".").write_pdf()
