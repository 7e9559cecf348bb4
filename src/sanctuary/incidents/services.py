"""Every change to incidents: a report made, triaged, assigned, answered, closed, reopened, merged.

Each is one transaction with its audit record. A reporter's identity is written to the audit
log by id only, never in clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from sanctuary import uploads
from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, Role, User
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.incidents import matching
from sanctuary.incidents.models import (
    CATEGORY_GROUPS,
    DEFAULT_SEVERITY,
    OPEN_STATUSES,
    OUTCOMES,
    Direction,
    Incident,
    Message,
    Photo,
    Report,
    Severity,
    Source,
    Status,
    hash_tracking_key,
    new_tracking_key,
)
from sanctuary.incidents.policy import may_handle
from sanctuary.registry.models import Area, Organisation, OrganisationKind, Site

# --- due times ---------------------------------------------------------------------------------


def due_times(severity: str, start: datetime) -> tuple[datetime, datetime]:
    """When the case must be acknowledged and first acted on: 24 h and 72 h by default
    (settings), a critical case within 4 h and 24 h at the latest."""
    acknowledge = settings.SANCTUARY_INCIDENT_ACKNOWLEDGE_HOURS
    action = settings.SANCTUARY_INCIDENT_FIRST_ACTION_HOURS
    if severity == Severity.CRITICAL:
        acknowledge, action = min(acknowledge, 4), min(action, 24)
    return start + timedelta(hours=acknowledge), start + timedelta(hours=action)


# --- photos ------------------------------------------------------------------------------------

def clean_photo(upload: Any) -> tuple[bytes, int, int]:
    """A photo re-encoded as JPEG without any metadata (EXIF, GPS), turned the way it was
    taken and at most 2,560 px a side; ValidationError saying what is wrong otherwise."""
    photo = uploads.clean_photo(upload, max_bytes=settings.SANCTUARY_PHOTO_MAX_BYTES)
    return photo.data, photo.width, photo.height


def _store_photos(incident: Incident, report: Report | None, photos: list[tuple[bytes, int, int]]) -> None:
    for data, width, height in photos:
        photo = Photo(incident=incident, report=report, width=width, height=height)
        photo.file.save("photo.jpg", ContentFile(data), save=False)
        photo.save()


# --- routing -----------------------------------------------------------------------------------


def route(area: Area) -> Organisation | None:
    """Who handles a new report of this area: the council service working there that has case
    handlers, else such a police unit, else nobody yet (the area's administrators triage it)."""
    with_handlers = Membership.objects.filter(role=Role.CASE_HANDLER).values("organisation_id")
    candidates = Organisation.objects.filter(pk__in=with_handlers).filter(
        Q(areas=area) | Q(covers_all_areas=True)
    )
    for kind in (OrganisationKind.COUNCIL, OrganisationKind.POLICE):
        found = candidates.filter(kind=kind, covers_all_areas=False).order_by("name").first()
        if found is not None:
            return found
    return None


# --- reporting ---------------------------------------------------------------------------------


@dataclass
class Draft:
    """What a report says of the incident."""

    category: str
    occurred_on: date
    description: str
    area: Area
    occurred_at: time | None = None
    date_is_approximate: bool = False
    site: Site | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    faith_targeted: str = ""
    target_description: str = ""
    police_reference: str = ""
    reported_elsewhere: str = ""


@dataclass
class Reporter:
    """Who reports, how to reach them, what they consent to."""

    anonymous: bool = True
    name: str = ""
    email: str = ""
    phone: str = ""
    consent_contact: bool = False
    consent_police: bool = False
    external_reference: str = ""
    organisation: Organisation | None = None


@dataclass
class Made:
    incident: Incident
    report: Report
    tracking_key: str
    again: bool = False  # the same submission sent twice: the first one's report
    photos: list[Any] = field(default_factory=list)


def _tracking_key(submission_key: str | None) -> str:
    """A random key; for a form's submission, one derived from its one-time key, so that the
    same submission sent again gets the same link back (and nothing stored twice)."""
    if not submission_key:
        return new_tracking_key()
    return salted_hmac("sanctuary.incidents.tracking", submission_key, algorithm="sha256").hexdigest()[:40]


def report_incident(
    actor: Actor,
    draft: Draft,
    reporter: Reporter,
    *,
    source: str = Source.PUBLIC,
    photos: list[tuple[bytes, int, int]] | None = None,
    submission_key: str | None = None,
) -> Made:
    """Record a report as a new incident; its reference and tracking key exist once this returns
    (the transaction has committed)."""
    if submission_key is not None and len(submission_key) < 16:
        submission_key = None  # not a form's own random key: no retry to recognise
    key = _tracking_key(submission_key)
    if submission_key:
        existing = Report.tracked.find(key)
        if existing is not None:
            return Made(existing.incident, existing, key, again=True)
    try:
        with transaction.atomic():
            made = _report(actor, draft, reporter, source, photos or [], key, submission_key)
    except IntegrityError:
        existing = Report.tracked.find(key) if submission_key else None
        if existing is None:
            raise
        return Made(existing.incident, existing, key, again=True)
    return made


def _report(
    actor: Actor,
    draft: Draft,
    reporter: Reporter,
    source: str,
    photos: list[tuple[bytes, int, int]],
    key: str,
    submission_key: str | None,
) -> Made:
    if draft.site is not None:
        draft.area = draft.site.area
        if draft.latitude is None or draft.longitude is None:
            draft.latitude, draft.longitude = draft.site.latitude, draft.site.longitude
        if not draft.faith_targeted:
            draft.faith_targeted = draft.site.faith
    if draft.occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("The date is in the future.")})
    now = timezone.now()
    severity = DEFAULT_SEVERITY[draft.category]
    acknowledge_by, first_action_by = due_times(severity, now)
    handler = reporter.organisation if (
        reporter.organisation is not None and reporter.organisation.kind == OrganisationKind.REPORTING
    ) else route(draft.area)
    incident = Incident.objects.create(
        category=draft.category,
        severity=severity,
        occurred_on=draft.occurred_on,
        occurred_at=draft.occurred_at,
        date_is_approximate=draft.date_is_approximate,
        site=draft.site,
        area=draft.area,
        ward=draft.site.ward if draft.site is not None else "",
        address=draft.address,
        latitude=draft.latitude,
        longitude=draft.longitude,
        faith_targeted=draft.faith_targeted,
        target_description=draft.target_description,
        description=draft.description,
        police_reference=draft.police_reference,
        reported_elsewhere=draft.reported_elsewhere,
        handling_organisation=handler,
        source=source,
        created_at=now,
        acknowledge_by=acknowledge_by,
        first_action_by=first_action_by,
    )
    anonymous = reporter.anonymous or not (reporter.name or reporter.email or reporter.phone)
    report = Report(
        incident=incident,
        anonymous=anonymous,
        name="" if anonymous else reporter.name,
        email="" if anonymous else reporter.email,
        phone="" if anonymous else reporter.phone,
        consent_contact=not anonymous and reporter.consent_contact,
        consent_police=not anonymous and reporter.consent_police,
        source=source,
        entered_by=actor.user,
        organisation=reporter.organisation,
        external_reference=reporter.external_reference,
        tracking_hash=hash_tracking_key(key),
        submission_key=hash_tracking_key(submission_key) if submission_key else None,
    )
    report.save()
    _store_photos(incident, report, photos)
    after = snapshot(incident)
    record(Action.CREATE, actor=actor, obj=incident, after=after, detail={"report": report.pk, "photos": len(photos)})
    return Made(incident, report, key)


# --- the reporter, through the tracking link ---------------------------------------------------


@transaction.atomic
def reporter_adds(actor: Actor, report: Report, body: str, photos: list[tuple[bytes, int, int]] | None = None) -> Message:
    """The reporter answers or adds information; a closed case reopens if it closed within the
    reopening window (28 days by default)."""
    body = body.strip()
    if not body and not photos:
        raise ValidationError({"body": _("Write a message or add a photo.")})
    incident = Incident.objects.select_for_update().get(pk=report.incident_id)
    message = Message.objects.create(
        incident=incident, report=report, direction=Direction.FROM_REPORTER, body=body or _("(photos added)")
    )
    _store_photos(incident, report, photos or [])
    record(Action.CREATE, actor=actor, obj=message, detail={"incident": incident.pk, "photos": len(photos or [])})
    return message


def may_reopen(incident: Incident, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        incident.status in OUTCOMES
        and incident.closed_at is not None
        and now - incident.closed_at <= timedelta(days=settings.SANCTUARY_INCIDENT_REOPEN_DAYS)
    )


@transaction.atomic
def reporter_reopens(actor: Actor, report: Report) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=report.incident_id)
    if not may_reopen(incident):
        raise ValidationError(
            _("This case can no longer be reopened here: make a new report instead.")
        )
    return _reopen(actor, incident)


def _reopen(actor: Actor, incident: Incident) -> Incident:
    before = snapshot(incident)
    incident.status = Status.IN_PROGRESS
    incident.closed_at = None
    incident.save()
    record(Action.UPDATE, actor=actor, obj=incident, before=before, after=snapshot(incident), detail={"reopened": True})
    return incident


# --- handling ----------------------------------------------------------------------------------


def _locked(actor: Actor, incident: Incident) -> Incident:
    if not may_handle(actor, incident):
        raise NotFound("No such incident.")
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def change_status(
    actor: Actor, incident: Incident, status: str, *, note: str = "", police_reference: str = ""
) -> Incident:
    """Acknowledge, start, close with an honest outcome, or reopen (within 28 days)."""
    incident = _locked(actor, incident)
    if incident.merged_into_id is not None:
        raise ValidationError(_("This report was merged into another: change that one."))
    if status == Status.DUPLICATE:
        raise ValidationError({"status": _("Merge the report into the other to mark it a duplicate.")})
    if status not in Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == Status.REFERRED_TO_POLICE and not (police_reference or incident.police_reference):
        raise ValidationError({"police_reference": _("Give the police crime reference.")})
    if status in OPEN_STATUSES and incident.status in OUTCOMES and not may_reopen(incident):
        raise ValidationError({"status": _("A case closed more than 28 days ago cannot be reopened.")})
    before = snapshot(incident)
    now = timezone.now()
    if status != Status.NEW and incident.acknowledged_at is None:
        incident.acknowledged_at = now
    if status not in {Status.NEW, Status.ACKNOWLEDGED} and incident.first_action_at is None:
        incident.first_action_at = now
    incident.closed_at = now if status in OUTCOMES else None
    incident.status = status
    if note:
        incident.outcome_note = note
    if police_reference:
        incident.police_reference = police_reference
    incident.save()
    record(Action.UPDATE, actor=actor, obj=incident, before=before, after=snapshot(incident))
    return incident


@transaction.atomic
def assign(actor: Actor, incident: Incident, organisation: Organisation | None, person: User | None) -> Incident:
    """Hand the case to an organisation (one with case handlers) and a person there; a case sent
    to the wrong body is reassigned the same way."""
    incident = _locked(actor, incident)
    if organisation is not None and organisation.kind not in {
        OrganisationKind.COUNCIL, OrganisationKind.POLICE, OrganisationKind.REPORTING
    }:
        raise ValidationError({"organisation": _("Choose a council service, police unit or reporting organisation.")})
    if person is not None:
        if organisation is None:
            raise ValidationError({"assignee": _("Choose the person's organisation too.")})
        if not Membership.objects.filter(user=person, organisation=organisation, role=Role.CASE_HANDLER).exists():
            raise ValidationError({"assignee": _("This person is not a case handler of that organisation.")})
    before = snapshot(incident)
    incident.handling_organisation = organisation
    incident.assignee = person
    incident.save()
    record(Action.UPDATE, actor=actor, obj=incident, before=before, after=snapshot(incident))
    return incident


@transaction.atomic
def write_to_reporters(actor: Actor, incident: Incident, body: str, *, report: Report | None = None) -> list[Message]:
    """A message to one reporter, or to every reporter of the incident and its duplicates: on
    their tracking page, and by e-mail to those who gave an address and consented."""
    incident = _locked(actor, incident)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the message.")})
    ids = [incident.pk, *incident.duplicates.values_list("pk", flat=True)]
    reports = [report] if report is not None else list(Report.of_incidents.of(ids))
    now = timezone.now()
    messages = []
    for target in reports:
        message = Message.objects.create(
            incident_id=target.incident_id, report=target, direction=Direction.TO_REPORTER, body=body, author=actor.user
        )
        messages.append(message)
        record(Action.CREATE, actor=actor, obj=message, detail={"incident": incident.pk, "report": target.pk})
        if target.email and target.consent_contact:
            from sanctuary.incidents.tasks import email_reporter

            transaction.on_commit(partial(email_reporter.enqueue, message.pk))
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now
    if incident.first_action_at is None:
        incident.first_action_at = now
    if incident.status == Status.NEW:
        incident.status = Status.ACKNOWLEDGED
    incident.save()
    return messages


@transaction.atomic
def add_note(actor: Actor, incident: Incident, body: str) -> Message:
    incident = _locked(actor, incident)
    if not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    message = Message.objects.create(incident=incident, direction=Direction.NOTE, body=body.strip(), author=actor.user)
    record(Action.CREATE, actor=actor, obj=message, detail={"incident": incident.pk})
    return message


# --- duplicates --------------------------------------------------------------------------------


def _sighting(incident: Incident) -> matching.Sighting | None:
    point = incident.point
    if point is None:
        return None
    at = datetime.combine(incident.occurred_on, incident.occurred_at or time(12, 0), tzinfo=timezone.get_current_timezone())
    return matching.Sighting(point[0], point[1], at, incident.category, CATEGORY_GROUPS[incident.category])


@dataclass(frozen=True)
class Candidate:
    incident: Incident
    match: matching.Match


def duplicate_candidates(incidents: Any, incident: Incident) -> list[Candidate]:
    """Among these incidents (the actor's), the ones that may be the same event, best first."""
    mine = _sighting(incident)
    if mine is None:
        return []
    near = incidents.exclude(pk=incident.pk).filter(
        merged_into__isnull=True,
        occurred_on__gte=incident.occurred_on - timedelta(days=1),
        occurred_on__lte=incident.occurred_on + timedelta(days=1),
    ).exclude(merged_into_id=incident.pk).select_related("site")
    found = []
    for other in near:
        if other.merged_into_id is not None:
            continue
        theirs = _sighting(other)
        scored = matching.match(mine, theirs) if theirs is not None else None
        if scored is not None:
            found.append(Candidate(other, scored))
    return sorted(found, key=lambda c: -c.match.score)


@transaction.atomic
def merge(actor: Actor, primary: Incident, duplicate: Incident) -> Incident:
    """Count two reports of one event once: `duplicate` becomes part of `primary`. Its reports,
    reporters and messages stay its own; the handler writes to every reporter from `primary`."""
    if primary.pk == duplicate.pk:
        raise ValidationError(_("A report cannot be merged into itself."))
    primary = _locked(actor, primary)
    duplicate = _locked(actor, duplicate)
    if primary.merged_into_id is not None:
        raise ValidationError(_("Merge into the report the other was merged into."))
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("That report is already merged."))
    before = snapshot(duplicate)
    # its own duplicates follow it
    for child in Incident.objects.filter(merged_into=duplicate):
        child_before = snapshot(child)
        child.merged_into = primary
        child.save()
        record(Action.UPDATE, actor=actor, obj=child, before=child_before, after=snapshot(child))
    duplicate.status_before_merge = duplicate.status
    duplicate.status = Status.DUPLICATE
    duplicate.merged_into = primary
    duplicate.save()
    record(Action.UPDATE, actor=actor, obj=duplicate, before=before, after=snapshot(duplicate), detail={"merged_into": primary.pk})
    return primary


@transaction.atomic
def unmerge(actor: Actor, duplicate: Incident) -> Incident:
    """Undo a merge: the report is its own incident again, in the state it had."""
    duplicate = _locked(actor, duplicate)
    if duplicate.merged_into_id is None:
        raise ValidationError(_("This report is not merged."))
    before = snapshot(duplicate)
    duplicate.merged_into = None
    duplicate.status = duplicate.status_before_merge or Status.NEW
    duplicate.status_before_merge = ""
    duplicate.save()
    record(Action.UPDATE, actor=actor, obj=duplicate, before=before, after=snapshot(duplicate), detail={"unmerged": True})
    return duplicate
