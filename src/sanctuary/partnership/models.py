"""The partnership's meetings, the decisions they take and the actions they commit to
(docs/partnership.md).

A meeting is seen by the organisations and people it invites and by the administrators of its
areas; its community-safe summary by every organisation working in those areas; an action by
its owner's organisation, the meeting's invitees and the administrators (partnership/policy.py).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from sanctuary.access.models import PersonalFeed
from sanctuary.registry.models import Area, Organisation, Site


class MeetingKind(models.TextChoices):
    BOARD = "board", "Partnership board"
    BRIEFING = "briefing", "Security briefing for a faith's umbrella body"
    INTERFAITH = "interfaith", "Interfaith forum"
    ENGAGEMENT = "engagement", "Community engagement session"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    place = models.CharField(max_length=300)
    areas = models.ManyToManyField(Area, related_name="+")
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    invited_organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    invited_people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    present_organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    present_people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    agenda = models.TextField(blank=True, help_text="One item a line.")
    minutes = models.TextField(blank=True)
    convenor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Told when an action of the meeting is overdue.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d %b %Y})"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A meeting ends after it starts."})

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    # A confidential decision is counted in the community summary, never described.
    confidential = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class Action(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    confidential = models.BooleanField(
        default=False, help_text="Counted in the community summary, never described."
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("due")
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    # What it concerns, each through its own app's door when set (partnership/services.py).
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fund_round = models.ForeignKey(
        "fund.Round", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="fund round",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: date) -> bool:
        return not self.is_closed and self.due_on < today


class ActionUpdate(models.Model):
    """A dated note on an action, with the status it left the action in."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    written_on = models.DateField()
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"{self.written_on}: {self.get_status_display()}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class Reminder(models.Model):
    """One reminder sent: at most one of a kind per action a day, whoever runs the job twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    day = models.DateField()
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "day"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder, {self.day}"


class MeetingFeed(PersonalFeed):
    """A person's iCalendar link to the meetings they may see (a credential:
    access.models.PersonalFeed)."""

    def __str__(self) -> str:
        return f"Meetings feed of {self.user}"
