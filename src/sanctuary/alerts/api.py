"""Alert endpoints: send an alert to an audience, read an alert with its delivery and
acknowledgements, withdraw (or correct) a sent one — through the same doors as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.access.policy import MAX_ID
from sanctuary.alerts import policy, services
from sanctuary.alerts.models import Alert, DeliveryStatus, Urgency
from sanctuary.api_schemas import Body, Error, FieldError, Text, ValidationFailure
from sanctuary.registry.models import Faith

router = Router(tags=["alerts"])


class AudienceIn(Schema):
    faith: Faith | None = Field(None, description="Only sites of this faith.")
    area: Text | None = Field(None, description="An area's code (ONS), one you cover.")
    ward: Text | None = Field(None, description="A ward's name, within `area`.")
    # ids are 64-bit: a larger number is refused by name (422), never sent to the database
    site_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=10_000,
        description="Chosen sites; when given, faith, area and ward are ignored.",
    )


class AlertIn(Schema):
    title: Text = Field(..., max_length=200)
    body: Text = Field(..., max_length=10_000)
    ask: Text = Field(..., max_length=300, description="What each site acknowledges.")
    urgency: Urgency = Urgency.ADVICE
    audience: AudienceIn | None = Field(None, description="None or empty: every site you cover.")
    send: bool = Field(True, description="False keeps it as a draft to review on its page.")


class SiteStatusOut(Schema):
    site_id: int
    site_name: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    note: str


class DeliveryCounts(Schema):
    queued: int
    sent: int
    failed: int


class AlertOut(Schema):
    id: int
    title: str
    body: str
    ask: str
    urgency: str
    status: str
    sent_at: datetime | None
    audience: str
    sites: list[SiteStatusOut] = Field(..., description="For its senders every site; for a contact their own.")
    acknowledged: int
    not_acknowledged: int
    deliveries: DeliveryCounts | None = Field(None, description="Messages by status; senders only.")
    withdrawn_at: datetime | None = Field(None, description="When it was withdrawn; none while it stands.")
    withdrawn_reason: str = Field("", description="Why it was withdrawn, as its recipients were told.")
    replaces: int | None = Field(None, description="The withdrawn alert this one corrects.")


class WithdrawIn(Body):
    reason: Text = Field(..., max_length=500, description="Why; every recipient is told it.")
    correct: bool = Field(False, description="Also draft a corrected alert (same audience, same "
                          "text to edit) that names this one; its id is in `correction`.")


class WithdrawalOut(Schema):
    alert: AlertOut
    notices: int = Field(..., description="Addresses to be told of the withdrawal.")
    correction: int | None = Field(None, description="The draft correcting it, when asked for.")


def _out(actor: Actor, alert: Alert) -> AlertOut:
    rows = list(policy.recipients_shown(actor, alert))
    counts = None
    if policy.may_see_delivery(actor, alert):
        statuses = [d.status for d in alert.deliveries.all()]
        counts = DeliveryCounts(**{s.value: statuses.count(s) for s in DeliveryStatus})
    done = sum(1 for row in rows if row.acknowledged_at)
    return AlertOut(
        id=alert.pk, title=alert.title, body=alert.body, ask=alert.ask, urgency=alert.urgency,
        status=alert.status, sent_at=alert.sent_at, audience=alert.audience_label(),
        sites=[
            SiteStatusOut(
                site_id=row.site_id, site_name=row.site.name, acknowledged_at=row.acknowledged_at,
                acknowledged_by=row.acknowledger or None, note=row.note,
            )
            for row in rows
        ],
        acknowledged=done, not_acknowledged=len(rows) - done, deliveries=counts,
        withdrawn_at=alert.withdrawn_at, withdrawn_reason=alert.withdrawn_reason, replaces=alert.replaces_id,
    )


def _problems(error: ValidationError) -> list[FieldError]:
    if hasattr(error, "error_dict"):
        return [FieldError(field=f, message=m) for f, ms in error.message_dict.items() for m in ms]
    return [FieldError(field="request", message=m) for m in error.messages]


@router.post("/alerts", response={201: AlertOut, 401: Error, 403: Error, 422: ValidationFailure})
def create_alert(request: HttpRequest, alert: AlertIn) -> Status[AlertOut] | Status[Error] | Status[ValidationFailure]:
    """Send an alert (or keep a draft) to every site you cover, narrowed by faith, area and ward,
    or to chosen sites. Administrators and police supervisors only; a site or an area beyond
    your areas is refused as if it did not exist (422, naming the field)."""
    actor = Actor.of(request)
    if not policy.may_send(actor):
        return Status(403, Error(detail="Only administrators and police supervisors send alerts."))
    audience = alert.audience or AudienceIn(faith=None, area=None, ward=None, site_ids=[])
    area = None
    if audience.area:
        area = policy.reachable_areas(actor).filter(code=audience.area).first()
        if area is None:
            return Status(422, ValidationFailure(detail="The alert is not valid.", errors=[
                FieldError(field="audience.area", message="No such area among yours.")]))
    sites = list(policy.reachable_sites(actor).filter(pk__in=audience.site_ids))
    missing = set(audience.site_ids) - {s.pk for s in sites}
    if missing:
        return Status(422, ValidationFailure(detail="The alert is not valid.", errors=[
            FieldError(field="audience.site_ids", message=f"No such site among yours: {sorted(missing)}.")]))
    content = services.Content(alert.title, alert.body, alert.ask, alert.urgency)
    chosen = services.Audience(audience.faith or "", area, audience.ward or "", sites)
    try:
        if alert.send:
            made = services.compose_and_send(actor, content, chosen, site_url=request.build_absolute_uri("/"))
        else:
            made = services.draft(actor, content, chosen)
    except ValidationError as error:
        return Status(422, ValidationFailure(detail="The alert is not valid.", errors=_problems(error)))
    return Status(201, _out(actor, made))


@router.get("/alerts/{alert_id}", response={200: AlertOut, 401: Error, 404: Error, 422: ValidationFailure})
def get_alert(request: HttpRequest, alert_id: int) -> AlertOut:
    """One alert with its sites' acknowledgements (and, for its senders, delivery); 404 if it is
    not yours to see."""
    actor = Actor.of(request)
    return _out(actor, policy.get_alert(actor, alert_id))


@router.post(
    "/alerts/{alert_id}/withdraw",
    response={200: WithdrawalOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def withdraw_alert(request: HttpRequest, alert_id: int, withdrawal: WithdrawIn) -> Status[WithdrawalOut] | Status[ValidationFailure]:
    """Withdraw a sent alert with a reason (or correct it): its acknowledgement links stop and
    every address it was sent to is told why. Its senders' side only (an administrator or
    police supervisor of every area it reaches); 404 for an alert not yours, 422 naming the field
    for a missing reason or an alert withdrawn already."""
    actor = Actor.of(request)
    alert = policy.get_alert(actor, alert_id, for_withdrawal=True)
    try:
        done = services.withdraw(actor, alert, withdrawal.reason, correct=withdrawal.correct,
                                 site_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        return Status(422, ValidationFailure(detail="The withdrawal is not valid.", errors=_problems(error)))
    return Status(200, WithdrawalOut(
        alert=_out(actor, done.alert), notices=done.notices,
        correction=done.correction.pk if done.correction is not None else None,
    ))
