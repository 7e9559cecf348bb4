"""Every change to surveys, answers, photos, the national threat level, local heightened alerts
and Martyn's Law records:
each one transaction with its audit record, each re-checking access through surveys.policy."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from sanctuary import uploads
from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.alerts import policy as alert_policy
from sanctuary.alerts import services as alert_services
from sanctuary.alerts.templates_data import templates
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.registry.models import Area, Faith, Site
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
    HeightenedAlert,
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
def set_threat_level(
    actor: Actor, level: str, since: date, note: str = "", *, source: str = "", reason: str = ""
) -> NationalThreatLevel:
    """Record a change of the national level (risk reads it at once: nothing is cached) and
    draft an alert to every site the actor reaches, for them to review and send."""
    if not policy.may_set_threat_level(actor):
        raise NotFound("No such page.")
    if level not in ThreatLevel.values:
        raise ValidationError({"level": f"{level!r} is not a threat level."})
    change = NationalThreatLevel.objects.create(
        level=level, since=since, note=note.strip()[:200], source=source.strip()[:200],
        reason=reason.strip()[:2000], set_by=actor.user,
    )
    label = ThreatLevel(level).label
    change.alert = _draft_alert(
        actor, f"national threat level {label.lower()} from {since:%d %B %Y}",
        f"The national threat level is now {label.upper()} (from {since:%d %B %Y}). {reason.strip()}",
        alert_services.Audience(),
    )
    change.save(update_fields=["alert"])
    record(Action.CREATE, actor=actor, obj=change, after=snapshot(change))
    return change


def _draft_alert(actor: Actor, origin: str, reason: str, audience: Any) -> Any:
    """The alert a change drafts (from the "after an attack elsewhere" template), or None when
    the actor sends no alerts or no site is concerned."""
    if not alert_policy.may_send(actor):
        return None
    content = alert_services.Content(**{
        key: value for key, value in templates()["after_attack"].filled(reason).items()
    })
    try:
        return alert_services.draft(actor, content, audience, origin=origin)
    except ValidationError:
        return None


# --- local heightened alerts ---------------------------------------------------------------------


@transaction.atomic
def raise_heightened_alert(
    actor: Actor, *, area: Area, level: str, starts_on: date, ends_on: date, reason: str,
    faith: str = "", sites: list[Site] | None = None,
) -> HeightenedAlert:
    """Raise the threat for an area's sites (of one faith, or chosen sites) for some days; the
    risk model reads it at once, and an alert to the sites concerned is drafted."""
    if not policy.heightened_alert_areas(actor).filter(pk=area.pk).exists():
        raise NotFound("No such area.")
    errors = {}
    if level not in ThreatLevel.values:
        errors["level"] = f"{level!r} is not a threat level."
    if ends_on < starts_on:
        errors["ends_on"] = "The alert must end on or after the day it starts."
    if not reason.strip():
        errors["reason"] = "Say why: an attack elsewhere, a surge of incidents, a gathering…"
    if faith and faith not in Faith.values:
        errors["faith"] = f"{faith!r} is not a faith."
    chosen = list(sites or [])
    if any(site.area_id != area.pk for site in chosen):
        errors["sites"] = "Choose sites of the alert's area only."
    if errors:
        raise ValidationError(errors)
    alert = HeightenedAlert.objects.create(
        area=area, faith="" if chosen else faith, starts_on=starts_on, ends_on=ends_on,
        level=level, reason=reason.strip(), set_by=actor.user,
    )
    alert.sites.set(chosen)
    label = ThreatLevel(level).label
    audience = alert_services.Audience(
        faith="" if chosen else faith, area=None if chosen else area, sites=chosen
    )
    alert.alert = _draft_alert(
        actor, f"heightened alert {alert.pk} ({label.lower()}, {area.name})",
        f"A local heightened alert ({label.upper()}) is in force from {starts_on:%d %B} to "
        f"{ends_on:%d %B %Y}: {reason.strip()}",
        audience,
    )
    alert.save(update_fields=["alert"])
    record(Action.CREATE, actor=actor, obj=alert, after=snapshot(alert),
           detail={"sites": [site.pk for site in chosen]})
    return alert


def replan_week(day: date) -> date:
    """The Monday of the first week a patrol re-plan can still cover from `day` (today or later):
    that Monday itself, or the next."""
    day = max(day, timezone.localdate())
    return day + timedelta(days=(7 - day.weekday()) % 7)


@transaction.atomic
def end_heightened_alert(actor: Actor, alert: HeightenedAlert, reason: str = "") -> HeightenedAlert:
    """End an alert early: from today it no longer raises the threat."""
    alert = policy.get_heightened_alert(actor, alert.pk, for_edit=True)
    if alert.ended_on is not None or alert.last_day < timezone.localdate():
        raise ValidationError({"ended_on": "This alert is no longer in force."})
    before = snapshot(alert)
    alert.ended_on, alert.ended_by = timezone.localdate(), actor.user
    alert.save(update_fields=["ended_on", "ended_by"])
    record(Action.UPDATE, actor=actor, obj=alert, before=before, after=snapshot(alert),
           detail={"ended": True, "reason": reason.strip()[:500]})
    return alert


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
