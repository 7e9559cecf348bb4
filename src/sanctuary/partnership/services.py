"""Every change to the partnership's meetings and actions: one transaction each, with its audit
record, re-checking access through partnership/policy.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action as AuditAction
from sanctuary.audit.services import record, snapshot
from sanctuary.fund import policy as fund_policy
from sanctuary.incidents import policy as incidents_policy
from sanctuary.partnership import policy
from sanctuary.partnership.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    Decision,
    Meeting,
    MeetingFeed,
    MeetingStatus,
)
from sanctuary.registry import policy as registry_policy
from sanctuary.surveys import policy as surveys_policy

# --- meetings --------------------------------------------------------------------------------


def save_meeting(actor: Actor, form: ModelForm) -> Meeting:
    """Create or change a meeting from a valid form: only in areas the actor administers, and it
    must stay theirs to edit."""
    with transaction.atomic():
        meeting = form.instance
        before = None
        if meeting.pk is not None:
            before = snapshot(policy.get_meeting(actor, meeting.pk, for_edit=True))
        areas = list(form.cleaned_data["areas"])
        allowed = set(policy.areas_to_convene(actor).values_list("pk", flat=True))
        if not areas or any(area.pk not in allowed for area in areas):
            raise ValidationError({"areas": "Choose areas you administer."})
        if meeting.convenor_id is None and actor.user is not None:
            meeting.convenor = actor.user
        meeting = form.save()
        policy.get_meeting(actor, meeting.pk, for_edit=True)
        record(AuditAction.UPDATE if before else AuditAction.CREATE, actor=actor, obj=meeting,
               before=before, after=snapshot(meeting))
        return meeting


def add_decision(actor: Actor, meeting: Meeting, text: str, confidential: bool) -> Decision:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the decision."})
    with transaction.atomic():
        meeting = policy.get_meeting(actor, meeting.pk, for_edit=True)
        decision = Decision.objects.create(meeting=meeting, text=text[:4000], confidential=confidential)
        record(AuditAction.CREATE, actor=actor, obj=decision, after=snapshot(decision))
        return decision


# --- actions ------------------------------------------------------------------------------------


def _concerned(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """What the action concerns, each through its own app's door: an id the actor may not see
    is refused as if it did not exist, naming the field."""
    found: dict[str, Any] = {"site": None, "incident": None, "survey": None, "fund_round": None}
    doors = {
        "site": registry_policy.get_site,
        "incident": incidents_policy.get_incident,
        "survey": surveys_policy.get_survey,
        "fund_round": fund_policy.get_round,
    }
    for field, door in doors.items():
        value = data.get(field)
        if value in (None, ""):
            continue
        try:
            found[field] = door(actor, getattr(value, "pk", value))
        except NotFound:
            raise ValidationError({field: f"No such {field.replace('_', ' ')} that you may see."}) from None
    return found


def add_action(actor: Actor, meeting: Meeting, data: dict[str, Any]) -> Action:
    """An action the meeting commits to: data holds title, detail, owner (a user), due_on and
    optionally site, incident, survey, fund_round (objects or ids) and confidential."""
    with transaction.atomic():
        meeting = policy.get_meeting(actor, meeting.pk, for_edit=True)
        owner = data.get("owner")
        if owner is None or not policy.owners_for(meeting).filter(pk=owner.pk).exists():
            raise ValidationError({"owner": "The owner must be invited to the meeting or present."})
        organisation = policy.owner_organisation_of(owner, meeting)
        if organisation is None:
            raise ValidationError({"owner": "The owner belongs to no organisation."})
        due_on = data.get("due_on")
        if not isinstance(due_on, date):
            raise ValidationError({"due_on": "Give the date the action is due."})
        title = (data.get("title") or "").strip()
        if not title:
            raise ValidationError({"title": "Say what is to be done."})
        action = Action(
            meeting=meeting, title=title[:200], detail=(data.get("detail") or "").strip(),
            confidential=bool(data.get("confidential")), owner=owner,
            owner_organisation=organisation, due_on=due_on,
            **_concerned(actor, data),
        )
        action.full_clean()
        action.save()
        record(AuditAction.CREATE, actor=actor, obj=action, after=snapshot(action))
        return action


def update_action(actor: Actor, action: Action, status: str, note: str = "",
                  today: date | None = None) -> Action:
    """A dated note and the status it leaves: by the owner or an administrator of the meeting."""
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose open, in progress, done or dropped."})
    with transaction.atomic():
        action = policy.get_action(actor, action.pk, for_edit=True)
        before = snapshot(action)
        action.status = status
        action.closed_at = timezone.now() if status in CLOSED_STATUSES else None
        action.save(update_fields=["status", "closed_at"])
        update = ActionUpdate.objects.create(
            action=action, author=actor.user, written_on=today or timezone.localdate(),
            note=note.strip()[:4000], status=status,
        )
        record(AuditAction.UPDATE, actor=actor, obj=action, before=before,
               after={**snapshot(action), "update": update.pk})
        return action


# --- meeting feeds -----------------------------------------------------------------------------


def create_feed(actor: Actor) -> MeetingFeed:
    if actor.user is None:
        raise NotFound("No such feed.")
    with transaction.atomic():
        feed = MeetingFeed.every.create(user=actor.user, epoch=actor.user.credentials_epoch)
        record(AuditAction.CREATE, actor=actor, obj=feed, object_repr=str(feed))
    return feed


def revoke_feed(actor: Actor, feed: MeetingFeed) -> MeetingFeed:
    with transaction.atomic():
        feed = policy.get_feed(actor, feed.pk)
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record(AuditAction.UPDATE, actor=actor, obj=feed, after={"revoked": True})
    return feed


FEED_PAST_DAYS = 90


def feed_meetings(feed: MeetingFeed) -> Any:
    """What the owner may see now, from three months ago on (never another's meetings)."""
    from sanctuary.access.actor import Channel

    owner = Actor.person(feed.user, Channel.FEED)
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return policy.visible_meetings(owner).filter(starts_at__gte=since).order_by("starts_at")


def meetings_ical(meetings: Any) -> bytes:
    """Meetings as iCalendar: a cancelled one stays, marked CANCELLED, so calendars drop it."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Sanctuary//Partnership meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Partnership meetings")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"partnership-meeting-{meeting.pk}@sanctuary")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        event.add("dtend", meeting.ends_at.astimezone(UTC))
        event.add("summary", f"{meeting.title} ({meeting.get_kind_display()})")
        event.add("location", meeting.place)
        event.add("description", "\n".join(meeting.agenda_items))
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
