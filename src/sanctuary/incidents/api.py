"""Incident endpoints: report (site contacts, staff, reporting organisations with tokens), list
and read within access, and write to the reporters. A reporter's identity is never in these
answers: it has its own page, whose every view is audited."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound, grants_for
from sanctuary.api_schemas import Body, Error, FieldError, Text, ValidationFailure
from sanctuary.incidents import policy, services
from sanctuary.incidents.models import Category, Incident, Severity, Source
from sanctuary.incidents.models import Status as IncidentStatus
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Faith

router = Router(tags=["incidents"])


class IncidentOut(Schema):
    id: int
    reference: str
    category: Category
    severity: Severity
    status: IncidentStatus
    occurred_on: date
    occurred_at: time | None
    date_is_approximate: bool
    site_id: int | None
    area: str = Field(..., alias="area.code", description="The area's ONS code.")
    ward: str
    address: str
    latitude: float | None
    longitude: float | None
    faith_targeted: str
    target_description: str
    description: str
    police_reference: str
    reported_elsewhere: str
    handling_organisation_id: int | None
    merged_into_id: int | None


class IncidentPage(Schema):
    count: int
    items: list[IncidentOut]


class IncidentFilters(Schema):
    status: IncidentStatus | None = None
    category: Category | None = None
    since: date | None = Field(None, description="Occurred on or after this day.")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class IncidentIn(Body):
    category: Category
    occurred_on: date
    occurred_at: time | None = None
    date_is_approximate: bool = False
    description: Text = Field(..., min_length=1, max_length=20_000)
    site_id: int | None = Field(None, description="A site you may see; or give `area`.")
    area: Text | None = Field(None, max_length=9, description="The area's ONS code, when not at a site.")
    address: Text = Field("", max_length=300)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    faith_targeted: Faith | None = None
    target_description: Text = Field("", max_length=300)
    police_reference: Text = Field("", max_length=40)
    reported_elsewhere: Text = Field("", max_length=300)
    external_reference: Text = Field("", max_length=60, description="Your organisation's reference.")
    reporter_name: Text = Field("", max_length=120)
    reporter_email: Text = Field("", max_length=254)
    reporter_phone: Text = Field("", max_length=40)
    consent_contact: bool = False
    consent_police: bool = False


class Created(Schema):
    id: int
    reference: str
    tracking_key: str = Field(..., description="The reporter's private tracking link's key: shown once.")


class MessageIn(Body):
    body: Text = Field(..., min_length=1, max_length=10_000)
    report_id: int | None = Field(None, description="One report's reporter; none: every reporter.")


class MessageOut(Schema):
    id: int
    incident_id: int
    direction: str
    body: str


def _problems(error: ValidationError) -> list[FieldError]:
    if hasattr(error, "error_dict"):
        return [FieldError(field=f, message=m) for f, ms in error.message_dict.items() for m in ms]
    return [FieldError(field="request", message=m) for m in error.messages]


@router.get("/incidents", response={200: IncidentPage, 401: Error, 422: ValidationFailure})
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]) -> IncidentPage:
    """The incidents you may see, newest first; `count` is the total before limit and offset."""
    incidents = policy.visible_incidents(Actor.of(request)).select_related("area")
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.since:
        incidents = incidents.filter(occurred_on__gte=filters.since)
    incidents = incidents.order_by("-created_at", "-pk")
    items = list(incidents[filters.offset : filters.offset + filters.limit])
    return IncidentPage(count=incidents.count(), items=items)  # type: ignore[arg-type]


@router.get(
    "/incidents/{incident_id}", response={200: IncidentOut, 401: Error, 404: Error, 422: ValidationFailure}
)
def get_incident(request: HttpRequest, incident_id: int) -> Incident:
    return policy.get_incident(Actor.of(request), incident_id)


@router.post(
    "/incidents",
    response={201: Created, 401: Error, 403: Error, 404: Error, 422: ValidationFailure},
)
def create_incident(request: HttpRequest, report: IncidentIn) -> Status[Created] | Status[Error] | Status[ValidationFailure]:
    """Enter a report (a site contact at their own site, staff, a reporting organisation with its
    own reference). 404 for a site you may not see."""
    actor = Actor.of(request)
    if not policy.may_report(actor):
        return Status(403, Error(detail="Your roles do not let you enter reports."))
    site = registry_policy.get_site(actor, report.site_id) if report.site_id is not None else None
    if site is None and not grants_for(actor).is_staff_member:
        return Status(422, ValidationFailure(detail="The report is not valid.", errors=[FieldError(field="site_id", message="Give one of your sites.")]))
    area = site.area if site is not None else policy.public_areas().filter(code=report.area or "").first()
    if area is None:
        return Status(422, ValidationFailure(detail="The report is not valid.", errors=[FieldError(field="area", message="Give a site or a known area code.")]))
    if (report.latitude is None) != (report.longitude is None):
        return Status(422, ValidationFailure(detail="The report is not valid.", errors=[FieldError(field="longitude", message="Give both latitude and longitude, or neither.")]))
    organisation = policy.reporting_organisation(actor)
    draft = services.Draft(
        category=report.category, occurred_on=report.occurred_on, occurred_at=report.occurred_at,
        date_is_approximate=report.date_is_approximate, description=report.description, area=area,
        site=site, address=report.address, latitude=report.latitude, longitude=report.longitude,
        faith_targeted=report.faith_targeted or "", target_description=report.target_description,
        police_reference=report.police_reference, reported_elsewhere=report.reported_elsewhere,
    )
    reporter = services.Reporter(
        anonymous=not (report.reporter_name or report.reporter_email or report.reporter_phone),
        name=report.reporter_name, email=report.reporter_email, phone=report.reporter_phone,
        consent_contact=report.consent_contact, consent_police=report.consent_police,
        external_reference=report.external_reference, organisation=organisation,
    )
    source = Source.REPORTING_ORGANISATION if organisation is not None else Source.API
    try:
        made = services.report_incident(actor, draft, reporter, source=source)
    except ValidationError as error:
        return Status(422, ValidationFailure(detail="The report is not valid.", errors=_problems(error)))
    return Status(201, Created(id=made.incident.pk, reference=made.incident.reference, tracking_key=made.tracking_key))


@router.post(
    "/incidents/{incident_id}/messages",
    response={201: list[MessageOut], 401: Error, 404: Error, 422: ValidationFailure},
)
def write_to_reporters(request: HttpRequest, incident_id: int, message: MessageIn) -> Status[list[MessageOut]] | Status[ValidationFailure]:
    """Write to the reporters of an incident you handle (on their tracking page; by e-mail to
    those who consented). 404 for an incident you do not handle."""
    actor = Actor.of(request)
    incident = policy.get_incident(actor, incident_id, for_edit=True)
    report = policy.get_report(actor, incident, message.report_id) if message.report_id is not None else None
    try:
        sent = services.write_to_reporters(actor, incident, message.body, report=report)
    except (ValidationError, NotFound) as error:
        problems = _problems(error) if isinstance(error, ValidationError) else [FieldError(field="report_id", message=str(error))]
        return Status(422, ValidationFailure(detail="The message is not valid.", errors=problems))
    return Status(201, [MessageOut(id=m.pk, incident_id=m.incident_id, direction=m.direction, body=m.body) for m in sent])
