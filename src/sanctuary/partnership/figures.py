"""What the partnership's meetings and actions tell the picture (the contract in
sanctuary/figures.py): overdue actions and the next meeting for the home page; meetings held and
actions opened, closed and overdue for the monthly report. Read through the doors only."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.figures import Figure, Table
from sanctuary.partnership import policy
from sanctuary.partnership.models import CLOSED_STATUSES, MeetingStatus

TITLE = "Meetings and actions"


def home(actor: Actor) -> list[Figure]:
    today = timezone.localdate()
    actions = policy.visible_actions(actor)
    following = policy.visible_meetings(actor).filter(
        starts_at__gte=timezone.now(), status=MeetingStatus.PLANNED
    ).order_by("starts_at").first()
    next_figure = Figure(
        "partnership.next_meeting", "Days to the next meeting", None, "/partnership/", "days",
        "No meeting planned." if following is None else
        f"{following.title}, {timezone.localtime(following.starts_at):%a %d %b %H:%M}",
    )
    if following is not None:
        next_figure = Figure(
            next_figure.key, next_figure.label,
            (timezone.localtime(following.starts_at).date() - today).days,
            f"/partnership/meetings/{following.pk}/", "days", next_figure.note,
        )
    return [
        Figure("partnership.overdue", "Overdue actions", policy.overdue(actions, today).count(),
               "/partnership/overdue/"),
        next_figure,
    ]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month(actor: Actor, area: Any, start: date, end: date) -> list[Figure | Table]:
    """Meetings of the area held in [start, end); actions of its meetings opened and closed in
    the month, and overdue at its end (due before `end`, not closed by then)."""
    meetings = policy.visible_meetings(actor).filter(areas=area)
    held = meetings.filter(
        status=MeetingStatus.HELD, starts_at__gte=_moment(start), starts_at__lt=_moment(end)
    ).count()
    actions = list(policy.visible_actions(actor).filter(meeting__in=meetings.values("pk")))
    opened: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for action in actions:
        name = action.owner_organisation.name
        made = timezone.localtime(action.created_at).date()
        if start <= made < end:
            opened[name] += 1
        ended = timezone.localtime(action.closed_at).date() if action.closed_at else None
        if ended is not None and action.status in CLOSED_STATUSES and start <= ended < end:
            closed[name] += 1
        if made < end and action.due_on < end and (ended is None or ended >= end):
            late[name] += 1
    link = "/partnership/"
    names = sorted(set(opened) | set(closed) | set(late))
    return [
        Figure("partnership.meetings_held", "Partnership meetings held", held, link),
        Figure("partnership.actions_opened", "Actions opened", sum(opened.values()), link),
        Figure("partnership.actions_closed", "Actions closed", sum(closed.values()), link),
        Figure("partnership.actions_overdue", "Actions overdue at the month's end",
               sum(late.values()), "/partnership/overdue/"),
        Table(
            "partnership.actions_by_organisation", "Actions by organisation",
            ("Organisation", "Opened", "Closed", "Overdue at the end"),
            tuple((n, opened[n], closed[n], late[n]) for n in names),
        ),
    ]
