"""Partnership endpoints: meetings and actions a reader may see (through the same doors as the
pages), and an action's status changed by its owner or an administrator of its meeting."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Body, Error, FieldError, Text, ValidationFailure
from sanctuary.partnership import policy, services
from sanctuary.partnership.models import Action, ActionStatus, Meeting, MeetingKind, MeetingStatus

router = Router(tags=["partnership"])


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    status: MeetingStatus
    areas: list[str]


class DecisionOut(Schema):
    id: int
    text: str
    confidential: bool


class MeetingDetailOut(MeetingOut):
    agenda: list[str]
    minutes: str
    invited_organisations: list[str]
    present_organisations: list[str]
    decisions: list[DecisionOut]
    actions: list[int]


class ActionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner: str
    owner_organisation: str
    due_on: date
    status: ActionStatus
    overdue: bool
    site_id: int | None
    incident_id: int | None
    survey_id: int | None
    fund_round_id: int | None = Field(None, description="The fund round it concerns, if you may see it.")


class MeetingPage(Schema):
    count: int
    items: list[MeetingOut]


class ActionPage(Schema):
    count: int
    items: list[ActionOut]


class Paging(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


class ActionFilters(Paging):
    status: ActionStatus | None = None
    overdue: bool | None = None


class StatusIn(Body):
    status: ActionStatus
    note: Text = Field("", max_length=4000)


def _meeting(m: Meeting) -> dict[str, object]:
    return {
        "id": m.pk, "kind": m.kind, "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at,
        "place": m.place, "status": m.status, "areas": [a.name for a in m.areas.all()],
    }


def _actions(actor: Actor, actions: list[Action], today: date) -> list[ActionOut]:
    """What an action concerns only where the reader may see it (partnership.policy)."""
    seen = policy.visible_concern_ids(actor, actions)
    return [_action(a, today, *seen) for a in actions]


def _action(
    a: Action, today: date, sites: set[int], incidents: set[int], surveys: set[int], rounds: set[int]
) -> ActionOut:
    return ActionOut(
        id=a.pk, meeting_id=a.meeting_id, title=a.title,
        owner=a.owner.get_full_name() or a.owner.get_username(),
        owner_organisation=a.owner_organisation.name, due_on=a.due_on, status=a.status,  # type: ignore[arg-type]
        overdue=a.is_overdue(today),
        site_id=a.site_id if a.site_id in sites else None,
        incident_id=a.incident_id if a.incident_id in incidents else None,
        survey_id=a.survey_id if a.survey_id in surveys else None,
        fund_round_id=a.fund_round_id if a.fund_round_id in rounds else None,
    )


@router.get("/partnership/meetings", response={200: MeetingPage, 401: Error, 422: ValidationFailure})
def list_meetings(request: HttpRequest, filters: Query[Paging]) -> MeetingPage:
    """The meetings you may see (invited, or an administrator of their area), newest first."""
    meetings = policy.visible_meetings(Actor.of(request)).prefetch_related("areas")
    page = meetings[filters.offset : filters.offset + filters.limit]
    return MeetingPage(count=meetings.count(), items=[MeetingOut(**_meeting(m)) for m in page])  # type: ignore[arg-type]


@router.get(
    "/partnership/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_meeting(request: HttpRequest, meeting_id: int) -> MeetingDetailOut:
    """One meeting with its agenda, minutes, decisions and its actions' ids (404 if you may not
    see it)."""
    meeting = policy.get_meeting(Actor.of(request), meeting_id)
    return MeetingDetailOut(
        **_meeting(meeting),  # type: ignore[arg-type]
        agenda=meeting.agenda_items, minutes=meeting.minutes,
        invited_organisations=[o.name for o in meeting.invited_organisations.all()],
        present_organisations=[o.name for o in meeting.present_organisations.all()],
        decisions=[DecisionOut(id=d.pk, text=d.text, confidential=d.confidential) for d in meeting.decisions.all()],
        actions=list(meeting.actions.values_list("pk", flat=True)),
    )


@router.get("/partnership/actions", response={200: ActionPage, 401: Error, 422: ValidationFailure})
def list_actions(request: HttpRequest, filters: Query[ActionFilters]) -> ActionPage:
    """The actions you may see, soonest due first; `overdue=true` for those past due."""
    today = timezone.localdate()
    actor = Actor.of(request)
    actions = policy.visible_actions(actor)
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue is True:
        actions = policy.overdue(actions, today)
    page = actions[filters.offset : filters.offset + filters.limit]
    return ActionPage(count=actions.count(), items=_actions(actor, list(page), today))


@router.get(
    "/partnership/actions/{action_id}",
    response={200: ActionOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_action(request: HttpRequest, action_id: int) -> ActionOut:
    actor = Actor.of(request)
    return _actions(actor, [policy.get_action(actor, action_id)], timezone.localdate())[0]


@router.post(
    "/partnership/actions/{action_id}/status",
    response={200: ActionOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def set_action_status(request: HttpRequest, action_id: int, changes: StatusIn) -> Status[ActionOut] | Status[ValidationFailure]:
    """Change an action's status with a dated note: its owner or an administrator of its
    meeting (404 for anyone else, as for a missing action)."""
    actor = Actor.of(request)
    action = policy.get_action(actor, action_id, for_edit=True)
    try:
        action = services.update_action(actor, action, changes.status, changes.note)
    except ValidationError as error:
        problems = [FieldError(field=f, message=m) for f, ms in error.message_dict.items() for m in ms]
        return Status(422, ValidationFailure(detail="The change is not valid.", errors=problems))
    return Status(200, _actions(actor, [action], timezone.localdate())[0])
