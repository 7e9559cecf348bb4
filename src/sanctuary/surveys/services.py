"""Every change to surveys, answers, photos, the national threat level and Martyn's Law records:
each one transaction with its audit record, each re-checking access through surveys.policy."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sanctuary import uploads
from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.registry.models import Site
from sanctuary.solvers.validation import InvalidInput
from sanctuary.surveys import policy
from sanctuary.surveys.instrument import (
    NOT_APPLICABLE,
    Instrument,
    check_answers,
    latest_instrument,
    load_instrument,
)
from sanctuary.surveys.martyns_law import load_act
from sanctuary.surveys.models import (
    Answer,
    DutyRecord,
    DutyStatus,
    NationalThreatLevel,
    Photo,
    Survey,
    SurveyKind,
    SurveyStatus,
    ThreatLevel,
)

# A photo may be this large as uploaded; it is stored re-encoded, at most MAX_SIDE pixels a side.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


class SurveyClosed(Exception):
    """The survey is completed: its answers no longer change."""


def instrument_of(survey: Survey) -> Instrument:
    return load_instrument(survey.instrument_version)


# --- scheduling ---------------------------------------------------------------------------------


@transaction.atomic
def schedule_survey(
    actor: Actor,
    site: Site,
    *,
    kind: str = SurveyKind.ADVISER,
    scheduled_for: date | None = None,
    adviser: Any = None,
) -> Survey:
    """An adviser schedules a survey of a site in their area; a site contact starts a
    self-assessment of their own site."""
    if not policy.may_schedule(actor, site, kind):
        raise NotFound("No such site.")
    survey = Survey.objects.create(
        site=site,
        kind=kind,
        status=SurveyStatus.SCHEDULED if kind == SurveyKind.ADVISER else SurveyStatus.IN_PROGRESS,
        instrument_version=latest_instrument().version,
        adviser=adviser if adviser is not None else (actor.user if kind == SurveyKind.ADVISER else None),
        scheduled_for=scheduled_for,
        started_at=None if kind == SurveyKind.ADVISER else timezone.now(),
        created_by=actor.user,
    )
    record(Action.CREATE, actor=actor, obj=survey, after=snapshot(survey))
    return survey


# --- answering ----------------------------------------------------------------------------------


def _still_open(actor: Actor, survey: Survey) -> Survey:
    fresh = policy.get_survey(actor, survey.pk, for_edit=True)
    if not fresh.is_open:
        raise SurveyClosed(f"This survey was {fresh.get_status_display().lower()}: its answers no longer change.")
    return fresh


@transaction.atomic
def save_answers(
    actor: Actor,
    survey: Survey,
    answers: Mapping[str, object],
    notes: Mapping[str, str] | None = None,
) -> dict[str, Answer]:
    """Save the answers given (question id -> grade or "not_applicable"; None clears one), each
    as it is; the others stay as they were. Refuses, naming the question, an answer the
    survey's version does not offer."""
    survey = _still_open(actor, survey)
    instrument = instrument_of(survey)
    notes = notes or {}
    given = {qid: value for qid, value in answers.items() if value is not None}
    try:
        checked = check_answers(instrument, given)
    except InvalidInput as error:
        raise ValidationError(str(error)) from None
    for qid in notes:
        if not instrument.has_question(qid):
            raise ValidationError(f"answers: no question {qid!r} in instrument {instrument.version}")
    existing = {a.question_id: a for a in Answer.by_survey.of(survey).filter(
        question_id__in=set(answers) | set(notes))}
    changed: dict[str, Any] = {}
    saved: dict[str, Answer] = {}
    for qid in set(answers) | set(notes):
        answer = existing.get(qid)
        if qid in answers and answers[qid] is None:
            if answer is not None and not (notes.get(qid) or "").strip():
                answer.delete()
                changed[qid] = None
                continue
            if answer is None:
                continue
        value = checked.get(qid, answer.value if answer else None)
        if value is None:  # a note without an answer yet
            continue
        note = notes.get(qid, answer.note if answer else "").strip()
        not_applicable = value == NOT_APPLICABLE
        grade = None if not_applicable else int(value)
        if answer is not None and (answer.grade, answer.not_applicable, answer.note) == (grade, not_applicable, note):
            saved[qid] = answer
            continue
        if answer is None:
            answer = Answer(survey=survey, question_id=qid)
        answer.grade, answer.not_applicable, answer.note = grade, not_applicable, note
        answer.answered_by = actor.user
        answer.save()
        saved[qid] = answer
        changed[qid] = {"answer": value, "note": bool(note)}
    if changed:
        if survey.status == SurveyStatus.SCHEDULED:
            survey.status = SurveyStatus.IN_PROGRESS
            survey.started_at = timezone.now()
        survey.save()
        # what changed, not the answers themselves: the audit log is read more widely
        record(
            Action.UPDATE,
            actor=actor,
            obj=survey,
            detail={"answers_changed": sorted(changed)},
        )
    return saved


@transaction.atomic
def add_photo(
    actor: Actor, survey: Survey, upload: Any, *, caption: str = "", question_id: str = ""
) -> Photo:
    """Check the file is an image, re-encode it as JPEG without its metadata (EXIF, GPS), at most
    MAX_SIDE pixels a side, and keep it in default_storage."""
    survey = _still_open(actor, survey)
    if question_id and not instrument_of(survey).has_question(question_id):
        raise ValidationError({"question_id": "No such question in this survey."})
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            {"image": f"The photo is {upload.size / 1_048_576:.1f} MB; the most is "
                      f"{MAX_PHOTO_BYTES // 1_048_576} MB."}
        )
    try:
        clean = uploads.clean_photo(upload, max_bytes=MAX_PHOTO_BYTES, max_side=MAX_SIDE)
    except ValidationError as refused:
        raise ValidationError({"image": refused.messages}) from None
    name = default_storage.save(
        f"surveys/{survey.pk}/{uuid.uuid4().hex}.jpg", ContentFile(clean.data)
    )
    photo = Photo.by_survey.create(
        survey=survey,
        question_id=question_id,
        file=name,
        caption=caption.strip()[:200],
        width=clean.width,
        height=clean.height,
        uploaded_by=actor.user,
    )
    if survey.status == SurveyStatus.SCHEDULED:
        survey.status = SurveyStatus.IN_PROGRESS
        survey.started_at = timezone.now()
        survey.save()
    record(Action.CREATE, actor=actor, obj=photo, detail={"survey": survey.pk, "question": question_id})
    return photo


def photo_bytes(photo: Photo) -> bytes:
    with default_storage.open(photo.file, "rb") as handle:
        return handle.read()


@transaction.atomic
def complete_survey(actor: Actor, survey: Survey, summary: str = "") -> Survey:
    """An adviser's survey is complete and counts; a self-assessment is sent for review."""
    survey = _still_open(actor, survey)
    before = snapshot(survey)
    survey.status = SurveyStatus.COMPLETED
    survey.completed_at = timezone.now()
    if summary.strip():
        survey.summary = summary.strip()
    survey.save()
    record(Action.UPDATE, actor=actor, obj=survey, before=before, after=snapshot(survey))
    return survey


@transaction.atomic
def review_survey(actor: Actor, survey: Survey, summary: str = "") -> Survey:
    """An adviser accepts a completed self-assessment: from now on it counts."""
    survey = policy.get_survey(actor, survey.pk)
    if not policy.may_review(actor, survey):
        raise NotFound("No such survey.")
    if not survey.awaits_review:
        raise SurveyClosed("Only a completed self-assessment is reviewed.")
    before = snapshot(survey)
    survey.status = SurveyStatus.REVIEWED
    survey.reviewed_at = timezone.now()
    survey.reviewed_by = actor.user
    if summary.strip():
        survey.summary = summary.strip()
    survey.save()
    record(Action.UPDATE, actor=actor, obj=survey, before=before, after=snapshot(survey))
    return survey


# --- the national threat level --------------------------------------------------------------------


@transaction.atomic
def set_threat_level(actor: Actor, level: str, since: date, note: str = "") -> NationalThreatLevel:
    if not policy.may_set_threat_level(actor):
        raise NotFound("No such page.")
    if level not in ThreatLevel.values:
        raise ValidationError({"level": f"{level!r} is not a threat level."})
    change = NationalThreatLevel.objects.create(
        level=level, since=since, note=note.strip()[:200], set_by=actor.user
    )
    record(Action.CREATE, actor=actor, obj=change, after=snapshot(change))
    return change


# --- Martyn's Law -------------------------------------------------------------------------------


@transaction.atomic
def record_duty(
    actor: Actor, site: Site, duty: str, status: str, evidence: str = ""
) -> DutyRecord | None:
    """Record a duty's status at a site, with its evidence; not assessed clears the record (the
    survey's answers then suggest a status again)."""
    if not policy.may_record_duties(actor, site):
        raise NotFound("No such site.")
    if duty not in {item.id for item in load_act().duties}:
        raise ValidationError({"duty": f"{duty!r} is not a duty of the Act."})
    if status not in DutyStatus.values:
        raise ValidationError({"status": f"{status!r} is not a status."})
    found = DutyRecord.objects.filter(site=site, duty=duty).first()
    before = snapshot(found) if found else None
    if status == DutyStatus.NOT_ASSESSED and not evidence.strip():
        if found is not None:
            record(Action.DELETE, actor=actor, obj=found, before=before)
            found.delete()
        return None
    if found is None:
        found = DutyRecord(site=site, duty=duty)
    found.status, found.evidence, found.recorded_by = status, evidence.strip(), actor.user
    found.save()
    record(Action.UPDATE if before else Action.CREATE, actor=actor, obj=found, before=before,
           after=snapshot(found))
    return found


def record_export(actor: Actor, count: int, what: str) -> None:
    """An export of risk (the register's CSV, `sanctuary risk --json`) is written to the log."""
    record(
        Action.EXPORT,
        actor=actor,
        object_type="surveys.risk",
        object_repr=f"{what}: {count} site{'s' if count != 1 else ''}",
        detail={"sites": count},
    )
