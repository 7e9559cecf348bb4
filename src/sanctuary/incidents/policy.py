"""The doors to incidents, their reporters and the surge alerts (docs/access.md, docs/incidents.md).

- An incident is seen by the staff of its area (police, council, advisers, assessors,
  administrators), by the case handlers of the organisation handling it, by the site contacts
  of the site it happened at and by the coordinators of that site's umbrella bodies; a national
  body's staff see every area's.
- It is handled (triage, messages, merges) by the case handlers of the organisation handling it
  and by the administrators of its area.
- Who reported it (name, contacts, consents) is seen only by those who handle it, and every
  such view is written to the audit log here, by the door, so that no page can forget it.
- A tracking link opens its own report and nothing else; a wrong link looks like a missing one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, Role, User
from sanctuary.access.policy import NotFound, grants_for, parse_id
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.incidents.models import (
    OPEN_STATUSES,
    Direction,
    Incident,
    Message,
    Photo,
    Report,
    SurgeAlertRecord,
)
from sanctuary.registry.models import Area, Organisation, OrganisationKind
from sanctuary.registry.policy import umbrella_members


def handler_organisation_ids(actor: Actor) -> frozenset[int]:
    """The organisations in which the actor is a case handler."""
    if actor.user is None:
        return frozenset()
    cached = getattr(actor.user, "_sanctuary_case_handling", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=actor.user, role=Role.CASE_HANDLER).values_list(
                "organisation_id", flat=True
            )
        )
        actor.user._sanctuary_case_handling = cached
    return cached


def visible_incidents(actor: Actor) -> QuerySet[Incident]:
    grants = grants_for(actor)
    if grants.read_areas.every or grants.admin_areas.every:
        return Incident.objects.all()
    condition = Q(pk__in=[])
    areas = grants.read_areas.ids | grants.admin_areas.ids
    if areas:
        condition |= Q(area_id__in=areas)
    handling = handler_organisation_ids(actor)
    if handling:
        condition |= Q(handling_organisation_id__in=handling)
    if grants.own_organisation_ids:
        condition |= Q(site__operator_id__in=grants.own_organisation_ids)
    if grants.umbrella_ids:
        # a subquery, not a join through the umbrellas, so that no incident is repeated and the
        # set needs no `pk IN (…)` wrapper (as registry.policy.visible_sites)
        condition |= Q(site__operator_id__in=umbrella_members(grants.umbrella_ids))
    if not (areas or handling or grants.own_organisation_ids or grants.umbrella_ids):
        return Incident.objects.none()
    return Incident.objects.filter(condition)


def handled_incidents(actor: Actor) -> QuerySet[Incident]:
    """The incidents the actor may handle: change, message, merge, see the reporters of."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return Incident.objects.all()
    condition = Q(pk__in=[])
    if grants.admin_areas.ids:
        condition |= Q(area_id__in=grants.admin_areas.ids)
    handling = handler_organisation_ids(actor)
    if handling:
        condition |= Q(handling_organisation_id__in=handling)
    if not (grants.admin_areas.ids or handling):
        return Incident.objects.none()
    return Incident.objects.filter(condition)


def get_incident(actor: Actor, incident_id: Any, *, for_edit: bool = False) -> Incident:
    """The one door to an incident: it, or NotFound for missing and not yours alike."""
    incidents = handled_incidents(actor) if for_edit else visible_incidents(actor)
    try:
        return incidents.select_related(
            "site", "area", "handling_organisation", "assignee", "merged_into"
        ).get(pk=parse_id(incident_id))
    except Incident.DoesNotExist:
        raise NotFound("No such incident.") from None


def may_handle(actor: Actor, incident: Incident) -> bool:
    grants = grants_for(actor)
    return grants.admin_areas.covers(incident.area_id) or (
        incident.handling_organisation_id is not None
        and incident.handling_organisation_id in handler_organisation_ids(actor)
    )


def may_report(actor: Actor) -> bool:
    """Anyone with a role may enter a report from the workspace (a site contact for their own
    sites, staff for their areas, a reporting organisation for the reports it received)."""
    grants = grants_for(actor)
    return grants.is_system or bool(grants.roles)


def reporters_of(actor: Actor, incident: Incident) -> list[Report]:
    """The reports of an incident (and of the duplicates merged into it) with who made them:
    only for those who handle it, and every look is audited."""
    if not may_handle(actor, incident):
        raise NotFound("No such incident.")
    ids = [incident.pk, *incident.duplicates.values_list("pk", flat=True)]
    reports = list(Report.of_incidents.of(ids).select_related("incident"))
    record(
        Action.VIEW,
        actor=actor,
        obj=incident,
        detail={"reporters": [report.pk for report in reports], "what": "reporters' identity"},
    )
    return reports


def get_report(actor: Actor, incident: Incident, report_id: Any) -> Report:
    """One report of an incident the actor handles (to write to its reporter); not audited as a
    view, since nothing of the reporter is shown."""
    if not may_handle(actor, incident):
        raise NotFound("No such report.")
    ids = [incident.pk, *incident.duplicates.values_list("pk", flat=True)]
    try:
        return Report.of_incidents.of(ids).get(pk=parse_id(report_id))
    except Report.DoesNotExist:
        raise NotFound("No such report.") from None


def tracked_report(key: str) -> Report:
    """The report a tracking link opens (the link is the credential), or NotFound."""
    found = Report.tracked.find(key)
    if found is None:
        raise NotFound("No such report.")
    return found


def visible_surge_alerts(actor: Actor) -> QuerySet[SurgeAlertRecord]:
    """Surge alerts go to administrators and police supervisors of the areas concerned; an
    alert over every area (a faith, overall) to national administrators and the system."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return SurgeAlertRecord.objects.all()
    areas = set(grants.admin_areas.ids)
    if Role.POLICE_SUPERVISOR in grants.roles:
        areas |= set(grants.read_areas.ids)
        if grants.read_areas.every:
            return SurgeAlertRecord.objects.all()
    if not areas:
        return SurgeAlertRecord.objects.none()
    return SurgeAlertRecord.objects.filter(area_id__in=areas)


def sees_surge_alerts(actor: Actor) -> bool:
    grants = grants_for(actor)
    return grants.is_admin or Role.POLICE_SUPERVISOR in grants.roles


def report_ids_of(actor: Actor, incident: Incident) -> list[int]:
    """The reports of an incident and its duplicates, by id alone (to address a message to one
    reporter without showing who they are)."""
    if not may_handle(actor, incident):
        return []
    ids = [incident.pk, *incident.duplicates.values_list("pk", flat=True)]
    return list(Report.of_incidents.of(ids).values_list("pk", flat=True))


def get_photo(actor: Actor, photo_id: Any) -> Photo:
    """A photo of an incident the actor may see."""
    try:
        return Photo.objects.select_related("incident").get(
            pk=parse_id(photo_id), incident__in=visible_incidents(actor)
        )
    except Photo.DoesNotExist:
        raise NotFound("No such photo.") from None


def visible_messages(actor: Actor, incident: Incident) -> QuerySet[Message]:
    """Messages of an incident (and its duplicates): all of them for those who handle it;
    none of the reporters' own for others who see the incident."""
    ids = [incident.pk, *incident.duplicates.values_list("pk", flat=True)]
    messages = Message.objects.filter(incident_id__in=ids).select_related("author")
    return messages if may_handle(actor, incident) else messages.none()


def messages_of_report(report: Report) -> QuerySet[Message]:
    """What the reporter sees on their tracking page: the messages to and from them."""
    return Message.objects.filter(report=report).exclude(direction=Direction.NOTE)


def public_areas() -> QuerySet[Area]:
    """The areas a report may be made in: their names are public."""
    return Area.objects.order_by("name")


def reporting_organisation(actor: Actor) -> Organisation | None:
    """The reporting organisation in which the actor handles cases, if any: reports they enter
    are that organisation's, with its own reference."""
    ids = handler_organisation_ids(actor)
    if not ids:
        return None
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.REPORTING).order_by("name").first()


def handling_organisations() -> QuerySet[Organisation]:
    """Who a case may be handed to: the organisations that have case handlers."""
    with_handlers = Membership.objects.filter(role=Role.CASE_HANDLER).values("organisation_id")
    return Organisation.objects.filter(pk__in=with_handlers).order_by("name")


def case_handlers() -> QuerySet[User]:
    return User.objects.filter(
        memberships__role=Role.CASE_HANDLER, is_active=True
    ).distinct().order_by("username")


def record_export(actor: Actor, count: int) -> None:
    record(Action.EXPORT, actor=actor, object_type="incidents.incident", object_repr=f"{count} incidents")


def overdue(incidents: Any, now: datetime | None = None) -> Any:
    """Of these incidents, the open ones past a due time not met."""
    now = now or timezone.now()
    return incidents.filter(status__in=OPEN_STATUSES, merged_into__isnull=True).filter(
        Q(acknowledged_at__isnull=True, acknowledge_by__lt=now)
        | Q(first_action_at__isnull=True, first_action_by__lt=now)
    )
