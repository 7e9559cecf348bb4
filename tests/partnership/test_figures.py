"""The partnership's figures for the picture, checked against the records they count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.figures import Figure, Table
from sanctuary.partnership import figures
from sanctuary.partnership.models import Action, ActionStatus, MeetingStatus
from tests.conftest import Cast
from tests.partnership.meetings import make_action, make_meeting

MARCH = (date(2026, 3, 1), date(2026, 4, 1))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 30)))


def _made(action: Action, on: date, closed: date | None = None) -> None:
    Action.objects.filter(pk=action.pk).update(created_at=_at(on), closed_at=_at(closed) if closed else None)


def test_a_months_meetings_and_actions_are_counted_by_organisation(cast: Cast):
    held = make_meeting(cast, "own", starts_at=_at(date(2026, 3, 10)), ends_at=_at(date(2026, 3, 10)) + timedelta(hours=1))
    make_meeting(cast, "own", title="Cancelled", starts_at=_at(date(2026, 3, 20)),
                 ends_at=_at(date(2026, 3, 20)) + timedelta(hours=1), status=MeetingStatus.CANCELLED)
    make_meeting(cast, "own", title="February", starts_at=_at(date(2026, 2, 10)),
                 ends_at=_at(date(2026, 2, 10)) + timedelta(hours=1))
    away = make_meeting(cast, "away", starts_at=_at(date(2026, 3, 10)), ends_at=_at(date(2026, 3, 10)) + timedelta(hours=1))
    # opened in March, done in March
    _made(make_action(cast, "own", held, due_on=date(2026, 3, 25), status=ActionStatus.DONE), date(2026, 3, 10), date(2026, 3, 24))
    # opened in March, due in March, still open: overdue at the end
    _made(make_action(cast, "own", held, due_on=date(2026, 3, 28)), date(2026, 3, 10))
    # opened in February, due in February, done in April: overdue at March's end, closed later
    _made(make_action(cast, "own", held, due_on=date(2026, 2, 20), status=ActionStatus.DONE), date(2026, 2, 10), date(2026, 4, 3))
    # opened in March, due in April: neither
    _made(make_action(cast, "own", held, due_on=date(2026, 4, 20)), date(2026, 3, 11))
    # another area's: never counted for Tower Hamlets
    _made(make_action(cast, "away", away, due_on=date(2026, 3, 12)), date(2026, 3, 10))

    actor = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    found = figures.month(actor, cast.area, *MARCH)
    values = {f.key: f.value for f in found if isinstance(f, Figure)}
    assert values == {
        "partnership.meetings_held": 1,
        "partnership.actions_opened": 3,
        "partnership.actions_closed": 1,
        "partnership.actions_overdue": 2,
    }
    [table] = [t for t in found if isinstance(t, Table)]
    assert table.rows == (("Riverside Mosque Trust", 3, 1, 2),)


def test_the_home_figures_give_overdue_actions_and_the_next_meeting(cast: Cast):
    make_action(cast, "own")
    make_action(cast, "other")
    soon = timezone.now() + timedelta(days=3)
    upcoming = make_meeting(cast, "own", title="Next board", status=MeetingStatus.PLANNED,
                            starts_at=soon, ends_at=soon + timedelta(hours=1))
    contact = Actor.person(cast.person(Role.SITE_CONTACT), Channel.PAGE)
    overdue, following = figures.home(contact)
    assert overdue.value == 1  # their own organisation's; not B's
    assert following.value == 3 and following.link == f"/partnership/meetings/{upcoming.pk}/"
    assert "Next board" in following.note
    stranger = Actor.person(cast.person(Role.CASE_HANDLER), Channel.PAGE)
    assert [f.value for f in figures.home(stranger)] == [0, None]
