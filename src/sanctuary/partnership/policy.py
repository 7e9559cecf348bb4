"""The doors to meetings, actions, summaries and meeting feeds (docs/access.md, Partnership).

- A meeting and its minutes: the organisations it invites (every member of them), the people it
  invites, and the administrators of its areas.
- Its community-safe summary, once it has been held: every organisation working in one of its
  areas (and whoever sees the meeting itself).
- An action: its owner, its owner's organisation, the meeting's invitees and the administrators
  of the meeting's areas; its status is changed by its owner and those administrators.
- Another area looks exactly like nothing at all: NotFound for missing and not yours alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, User
from sanctuary.access.policy import EVERY_AREA, Areas, NotFound, grants_for, parse_id
from sanctuary.fund import policy as fund_policy
from sanctuary.fund.models import Round
from sanctuary.incidents import policy as incidents_policy
from sanctuary.incidents.models import Incident
from sanctuary.partnership.models import (
    CLOSED_STATUSES,
    Action,
    Meeting,
    MeetingFeed,
    MeetingStatus,
)
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Area, Organisation, Site
from sanctuary.surveys import policy as surveys_policy
from sanctuary.surveys.models import Survey


def _user(actor: Actor) -> Any:
    user = actor.user
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user


def organisation_ids(actor: Actor) -> frozenset[int]:
    """Every organisation the actor holds a role in, whatever the role."""
    user = _user(actor)
    if user is None:
        return frozenset()
    return frozenset(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def member_areas(actor: Actor) -> Areas:
    """Where the actor's organisations work: the partnership's areas they belong to."""
    if actor.is_system:
        return EVERY_AREA
    ids = organisation_ids(actor)
    if not ids:
        return Areas()
    if Organisation.objects.filter(pk__in=ids, covers_all_areas=True).exists():
        return EVERY_AREA
    return Areas(frozenset(
        a for a in Organisation.objects.filter(pk__in=ids).values_list("areas", flat=True) if a is not None
    ))


def admin_areas(actor: Actor) -> Areas:
    return grants_for(actor).admin_areas


def _ids(query: QuerySet[Meeting]) -> QuerySet[Meeting]:
    # one row a meeting, however many areas or invitations match
    return Meeting.objects.filter(pk__in=query.values("pk"))


# --- meetings --------------------------------------------------------------------------------


def visible_meetings(actor: Actor) -> QuerySet[Meeting]:
    if actor.is_system:
        return Meeting.objects.all()
    user = _user(actor)
    if user is None:
        return Meeting.objects.none()
    admin = admin_areas(actor)
    if admin.every:
        return Meeting.objects.all()
    condition = Q(invited_organisations__in=organisation_ids(actor)) | Q(invited_people=user)
    if admin:
        condition |= Q(areas__in=admin.ids)
    return _ids(Meeting.objects.filter(condition))


def editable_meetings(actor: Actor) -> QuerySet[Meeting]:
    """Administrators of every one of the meeting's areas."""
    admin = admin_areas(actor)
    if not admin:
        return Meeting.objects.none()
    if admin.every:
        return Meeting.objects.all()
    return Meeting.objects.exclude(areas__in=Area.objects.exclude(pk__in=admin.ids)).filter(
        pk__in=Meeting.objects.filter(areas__in=admin.ids).values("pk")
    )


def get_meeting(actor: Actor, meeting_id: Any, *, for_edit: bool = False) -> Meeting:
    meetings = editable_meetings(actor) if for_edit else visible_meetings(actor)
    try:
        return meetings.get(pk=parse_id(meeting_id))
    except Meeting.DoesNotExist:
        raise NotFound("No such meeting.") from None


def may_convene(actor: Actor) -> bool:
    return bool(admin_areas(actor))


def areas_to_convene(actor: Actor) -> QuerySet[Area]:
    admin = admin_areas(actor)
    if not admin:
        return Area.objects.none()
    return Area.objects.all() if admin.every else Area.objects.filter(pk__in=admin.ids)


def may_edit_meeting(actor: Actor, meeting: Meeting) -> bool:
    return editable_meetings(actor).filter(pk=meeting.pk).exists()


# --- community-safe summaries ----------------------------------------------------------------


def visible_summaries(actor: Actor) -> QuerySet[Meeting]:
    """Held meetings of the areas the actor's organisations work in, and those they see whole."""
    areas = member_areas(actor) | admin_areas(actor)
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    if areas.every:
        return held
    if not areas:
        return visible_meetings(actor).filter(status=MeetingStatus.HELD)
    return _ids(held.filter(Q(areas__in=areas.ids) | Q(pk__in=visible_meetings(actor).values("pk"))))


def get_summary(actor: Actor, meeting_id: Any) -> Meeting:
    try:
        return visible_summaries(actor).get(pk=parse_id(meeting_id))
    except Meeting.DoesNotExist:
        raise NotFound("No such meeting.") from None


# --- actions -----------------------------------------------------------------------------------


def visible_actions(actor: Actor) -> QuerySet[Action]:
    if actor.is_system:
        return Action.objects.all()
    user = _user(actor)
    if user is None:
        return Action.objects.none()
    condition = (
        Q(owner=user)
        | Q(owner_organisation__in=organisation_ids(actor))
        | Q(meeting__invited_organisations__in=organisation_ids(actor))
        | Q(meeting__invited_people=user)
    )
    admin = admin_areas(actor)
    if admin.every:
        return Action.objects.all().select_related("owner", "owner_organisation", "meeting")
    if admin:
        condition |= Q(meeting__areas__in=admin.ids)
    return Action.objects.filter(
        pk__in=Action.objects.filter(condition).values("pk")
    ).select_related("owner", "owner_organisation", "meeting")


def get_action(actor: Actor, action_id: Any, *, for_edit: bool = False) -> Action:
    """An action, or NotFound; for_edit (its status and updates): its owner or an administrator
    of its meeting."""
    try:
        action = visible_actions(actor).get(pk=parse_id(action_id))
    except Action.DoesNotExist:
        raise NotFound("No such action.") from None
    if for_edit and not may_update_action(actor, action):
        raise NotFound("No such action.")
    return action


def may_update_action(actor: Actor, action: Action) -> bool:
    if actor.is_system:
        return True
    user = _user(actor)
    if user is not None and action.owner_id == user.pk:
        return True
    return may_edit_meeting(actor, action.meeting)


@dataclass(frozen=True)
class Concerns:
    """What an action concerns, as far as the reader may see it: a site, incident or survey
    they may not see is left out, as if the action named none."""

    site: Site | None = None
    incident: Incident | None = None
    survey: Survey | None = None
    fund_round: Round | None = None


def concerns(actor: Actor, action: Action, where: str) -> Concerns:
    """Through each app's door; showing a sensitive site is audited (registry.sites_shown)."""
    site = None
    if action.site_id is not None:
        site = registry_policy.visible_sites(actor).filter(pk=action.site_id).first()
        if site is not None:
            registry_policy.sites_shown(actor, [site], where)
    incident = None
    if action.incident_id is not None:
        incident = incidents_policy.visible_incidents(actor).filter(pk=action.incident_id).first()
    survey = None
    if action.survey_id is not None:
        survey = surveys_policy.visible_surveys(actor).filter(pk=action.survey_id).first()
    fund_round = None
    if action.fund_round_id is not None:
        fund_round = fund_policy.visible_rounds(actor).filter(pk=action.fund_round_id).first()
    return Concerns(site, incident, survey, fund_round)


def visible_concern_ids(
    actor: Actor, actions: list[Action]
) -> tuple[set[int], set[int], set[int], set[int]]:
    """Of the sites, incidents, surveys and fund rounds these actions concern, the ids the reader
    may see (four queries at most for a whole page of actions)."""
    sites = {a.site_id for a in actions if a.site_id is not None}
    incidents = {a.incident_id for a in actions if a.incident_id is not None}
    surveys = {a.survey_id for a in actions if a.survey_id is not None}
    rounds = {a.fund_round_id for a in actions if a.fund_round_id is not None}
    return (
        set(registry_policy.visible_sites(actor).filter(pk__in=sites).values_list("pk", flat=True)) if sites else set(),
        set(incidents_policy.visible_incidents(actor).filter(pk__in=incidents).values_list("pk", flat=True)) if incidents else set(),
        set(surveys_policy.visible_surveys(actor).filter(pk__in=surveys).values_list("pk", flat=True)) if surveys else set(),
        set(fund_policy.visible_rounds(actor).filter(pk__in=rounds).values_list("pk", flat=True)) if rounds else set(),
    )


def overdue(actions: QuerySet[Action], today: date) -> QuerySet[Action]:
    return actions.exclude(status__in=CLOSED_STATUSES).filter(due_on__lt=today)


def updates_of(action: Action) -> QuerySet[Any]:
    return action.updates.select_related("author")


# --- who may be invited, own, or concerned -----------------------------------------------------


def organisations_to_invite(actor: Actor) -> QuerySet[Organisation]:
    return registry_policy.visible_organisations(actor)


def people_to_invite(actor: Actor) -> QuerySet[User]:
    """Active people of the organisations the actor sees."""
    organisations = registry_policy.visible_organisations(actor)
    return User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(organisation__in=organisations).values("user_id")
    ).order_by("username")


def owners_for(meeting: Meeting) -> QuerySet[User]:
    """Who may own an action of the meeting: people invited or present, and the members of the
    organisations invited or present."""
    organisations = list(meeting.invited_organisations.values_list("pk", flat=True)) + list(
        meeting.present_organisations.values_list("pk", flat=True)
    )
    people = list(meeting.invited_people.values_list("pk", flat=True)) + list(
        meeting.present_people.values_list("pk", flat=True)
    )
    return User.objects.filter(
        Q(pk__in=people) | Q(pk__in=Membership.objects.filter(organisation__in=organisations).values("user_id")),
        is_active=True,
    ).distinct().order_by("username")


def owner_organisation_of(user: User, meeting: Meeting) -> Organisation | None:
    """The owner's organisation for the meeting's action: one invited or present if they have
    one there, or else their first."""
    theirs = Organisation.objects.filter(pk__in=Membership.objects.filter(user=user).values("organisation_id"))
    invited = theirs.filter(
        Q(pk__in=meeting.invited_organisations.values("pk")) | Q(pk__in=meeting.present_organisations.values("pk"))
    )
    return invited.first() or theirs.first()


def members_of(organisation_ids_: list[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation_id__in=organisation_ids_, user__is_active=True)


# --- meeting feeds -----------------------------------------------------------------------------


def visible_feeds(actor: Actor) -> QuerySet[MeetingFeed]:
    user = _user(actor)
    if user is None:
        return MeetingFeed.every.none()
    return MeetingFeed.working.filter(user=user)


def get_feed(actor: Actor, feed_id: Any) -> MeetingFeed:
    try:
        return visible_feeds(actor).get(pk=parse_id(feed_id))
    except MeetingFeed.DoesNotExist:
        raise NotFound("No such feed.") from None


def feed_by_key(key: str) -> MeetingFeed:
    """A working feed by its key: not revoked, its owner active, made under their current
    credentials."""
    try:
        return MeetingFeed.working.select_related("user").get(key=key)
    except MeetingFeed.DoesNotExist:
        raise NotFound("No such feed.") from None
