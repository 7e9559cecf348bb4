"""The demo's partnership loads: a year of meetings in Tower Hamlets and one in Hackney, with
actions in every state, the same each time for a given day."""

from __future__ import annotations

from datetime import date

from sanctuary.partnership import demo
from sanctuary.partnership.models import Action, ActionStatus, Meeting, MeetingStatus
from sanctuary.registry import demo as registry_demo


def _load(day: date) -> list[tuple[str, str, str, str]]:
    registry_demo.load()
    assert demo.load(day) > 12
    return sorted(
        (a.meeting.title, a.title, a.status, a.due_on.isoformat())
        for a in Action.objects.select_related("meeting")
    )


def test_the_demo_has_a_year_of_meetings_and_actions_in_every_state(db):
    day = date(2026, 12, 2)
    _load(day)
    areas = set(Meeting.objects.values_list("areas__name", flat=True))
    assert areas == {"Tower Hamlets", "Hackney"}
    held = Meeting.objects.filter(status=MeetingStatus.HELD).order_by("starts_at")
    assert (held.last().starts_at.date() - held.first().starts_at.date()).days > 300
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED).exists()
    assert set(Action.objects.values_list("status", flat=True)) == set(ActionStatus.values)
    assert Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=day).exists()
    assert Action.objects.filter(status=ActionStatus.OPEN, due_on__gte=day).exists()


def test_the_demo_is_the_same_each_time(db):
    first = _load(date(2026, 12, 2))
    Action.objects.all().delete()
    Meeting.objects.all().delete()
    second = sorted(
        (a.meeting.title, a.title, a.status, a.due_on.isoformat())
        for a in (demo.load(date(2026, 12, 2)) and Action.objects.select_related("meeting"))
    )
    assert first == second
