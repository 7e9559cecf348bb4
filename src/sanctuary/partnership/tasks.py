"""Reminders of the partnership's actions, run by `sanctuary worker` (django-tasks): before the
due date (PARTNERSHIP_REMINDER_DAYS days before) to the owner, and when overdue (the first day,
then every PARTNERSHIP_OVERDUE_EVERY_DAYS days) to the owner and the meeting's convenor. A
reminder is written down before it is sent, one of a kind per action a day, so running the
daily round twice sends nothing twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action as AuditAction
from sanctuary.audit.services import record
from sanctuary.links import absolute_url
from sanctuary.partnership.models import CLOSED_STATUSES, Action, Reminder, ReminderKind

WORKER = Actor.system("worker", Channel.JOB)


def _due_kind(action: Action, today: date) -> str | None:
    days = (action.due_on - today).days
    if days >= 0:
        return ReminderKind.DUE_SOON if days in settings.PARTNERSHIP_REMINDER_DAYS else None
    every = max(1, settings.PARTNERSHIP_OVERDUE_EVERY_DAYS)
    return ReminderKind.OVERDUE if (-days - 1) % every == 0 else None


def recipients(action: Action, kind: str) -> list[str]:
    people = [action.owner]
    if kind == ReminderKind.OVERDUE and action.meeting.convenor is not None:
        people.append(action.meeting.convenor)
    found: list[str] = []
    for person in people:
        if person.is_active and person.email and person.email not in found:
            found.append(person.email)
    return found


def _message(action: Action, kind: str, today: date) -> tuple[str, str]:
    if kind == ReminderKind.DUE_SOON:
        subject = f"Action due {action.due_on:%d %b %Y}: {action.title}"
        lead = f"This action of the partnership is due in {(action.due_on - today).days} days."
    else:
        subject = f"Overdue action: {action.title}"
        lead = f"This action of the partnership was due on {action.due_on:%d %b %Y} and is not done."
    body = (
        f"{lead}\n\n{action.title}\nOwner: {action.owner.get_full_name() or action.owner.get_username()}"
        f" ({action.owner_organisation.name})\nStatus: {action.get_status_display()}\n"
        f"Agreed at: {action.meeting.title}, {action.meeting.starts_at:%d %b %Y}\n\n"
        f"Open Sanctuary to add an update or mark it done: "
        f"{absolute_url(reverse('partnership_action', args=[action.pk]))}\n"
    )
    return subject, body


def send_reminders_now(today: date | None = None) -> list[Reminder]:
    today = today or timezone.localdate()
    soonest = today + timedelta(days=max(settings.PARTNERSHIP_REMINDER_DAYS, default=0))
    candidates = (
        Action.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(due_on__lte=soonest)
        .select_related("owner", "owner_organisation", "meeting__convenor")
    )
    sent = []
    for action in candidates:
        kind = _due_kind(action, today)
        if kind is None:
            continue
        to = recipients(action, kind)
        if not to:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(action=action, kind=kind, day=today, recipients=to)
                record(AuditAction.CREATE, actor=WORKER, obj=reminder,
                       object_repr=f"{kind} reminder: {action.title}", detail={"to": to})
        except IntegrityError:
            continue  # sent already today
        subject, body = _message(action, kind, today)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        sent.append(reminder)
    return sent


@task()
def send_reminders() -> int:
    return len(send_reminders_now())


def enqueue_daily(**_: Any) -> None:
    """What `sanctuary partnership daily` queues for the worker."""
    send_reminders.enqueue()
