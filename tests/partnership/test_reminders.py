"""Reminders of actions reach their owners (and, once overdue, the meeting's convenor) through a
real SMTP server, sent by the worker; the daily round run twice sends nothing twice."""

from __future__ import annotations

import time as clock
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.cli import main
from sanctuary.partnership.models import ActionStatus, Reminder
from sanctuary.partnership.tasks import send_reminders_now
from tests.conftest import Cast
from tests.partnership.meetings import make_action, make_meeting


def _emails(cast: Cast) -> None:
    for key, address in [
        (Role.PROGRAMME_ADMIN, "convenor@example.org"), (Role.SITE_CONTACT, "owner-a@example.org"),
        ("contact_b", "owner-b@example.org"), (Role.POLICE_SUPERVISOR, "sergeant@example.org"),
        (Role.UMBRELLA_COORDINATOR, "coordinator@example.org"),
    ]:
        person = cast.person(key)
        person.email = address
        person.save()


def _actions(cast: Cast) -> dict[str, object]:
    today = timezone.localdate()
    own, other = make_meeting(cast, "own"), make_meeting(cast, "other")
    return {
        "due_in_7": make_action(cast, "own", own, title="Due in seven days", due_on=today + timedelta(days=7)),
        "overdue_1": make_action(cast, "other", other, title="Overdue since yesterday", due_on=today - timedelta(days=1)),
        "due_in_3": make_action(cast, "own", own, title="Due in three days", due_on=today + timedelta(days=3)),
        "done_late": make_action(cast, "own", own, title="Done though late", due_on=today - timedelta(days=1),
                                 status=ActionStatus.DONE),
        "overdue_3": make_action(cast, "own", own, title="Overdue three days", due_on=today - timedelta(days=3)),
    }


def _wait_for(mailbox: list, count: int) -> None:
    for _ in range(100):
        if len(mailbox) >= count:
            break
        clock.sleep(0.05)
    clock.sleep(0.2)  # and nothing more arrives


def test_the_daily_round_reminds_exactly_the_right_people_through_the_worker(
    transactional_db, cast: Cast, mailbox
):
    _emails(cast)
    _actions(cast)
    assert main(["partnership", "daily"]) == 0
    call_command("db_worker", batch=True, interval=0.1, reload=False)
    _wait_for(mailbox, 2)
    by_subject = {
        next(line for line in content.splitlines() if line.startswith("Subject:")): to
        for to, content in mailbox
    }
    assert by_subject == {
        "Subject: Action due " + (timezone.localdate() + timedelta(days=7)).strftime("%d %b %Y")
        + ": Due in seven days": ["owner-a@example.org"],
        "Subject: Overdue action: Overdue since yesterday": ["convenor@example.org", "owner-b@example.org"],
    }


def test_running_the_round_twice_the_same_day_sends_nothing_twice(transactional_db, cast: Cast, mailbox):
    _emails(cast)
    _actions(cast)
    assert len(send_reminders_now()) == 2
    assert send_reminders_now() == []
    _wait_for(mailbox, 2)
    assert len(mailbox) == 2
    assert Reminder.objects.count() == 2


def test_the_days_before_are_configurable_and_overdue_repeats_weekly(
    transactional_db, cast: Cast, mailbox, settings
):
    _emails(cast)
    actions = _actions(cast)
    settings.PARTNERSHIP_REMINDER_DAYS = [3]
    settings.PARTNERSHIP_OVERDUE_EVERY_DAYS = 2
    sent = {r.action_id: r.recipients for r in send_reminders_now()}
    assert sent == {
        actions["due_in_3"].pk: ["owner-a@example.org"],  # type: ignore[attr-defined]
        actions["overdue_1"].pk: ["owner-b@example.org", "convenor@example.org"],  # type: ignore[attr-defined]
        actions["overdue_3"].pk: ["owner-a@example.org", "convenor@example.org"],  # type: ignore[attr-defined]
    }


def test_nobody_without_an_address_or_no_longer_active_is_written_to(transactional_db, cast: Cast, mailbox):
    _emails(cast)
    action = make_action(cast, "own", title="Owner left", due_on=timezone.localdate() - timedelta(days=1))
    owner = action.owner
    owner.is_active = False
    owner.save()
    [reminder] = send_reminders_now()
    assert reminder.recipients == ["convenor@example.org"]
    _wait_for(mailbox, 1)
    assert [to for to, _ in mailbox] == [["convenor@example.org"]]


def test_the_reminders_command_sends_todays_now_and_says_to_whom(transactional_db, cast: Cast, mailbox, capsys):
    import json

    _emails(cast)
    action = make_action(cast, "own", title="Overdue", due_on=timezone.localdate() - timedelta(days=1))
    assert main(["partnership", "reminders"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said == {"reminders": [{"action": action.pk, "kind": "overdue", "day": timezone.localdate().isoformat(),
                                   "to": ["owner-a@example.org", "convenor@example.org"]}]}
    _wait_for(mailbox, 1)
    assert [to for to, _ in mailbox] == [["convenor@example.org", "owner-a@example.org"]]


def test_a_reminder_sent_by_the_worker_carries_a_full_address_on_the_public_url(
    transactional_db, cast: Cast, mailbox, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    _emails(cast)
    action = make_action(cast, "own", title="Overdue", due_on=timezone.localdate() - timedelta(days=1))
    assert main(["partnership", "daily"]) == 0
    call_command("db_worker", batch=True, interval=0.1, reload=False)
    _wait_for(mailbox, 1)
    [(_to, content)] = mailbox
    assert f"https://sanctuary.example.org/partnership/actions/{action.pk}/" in content


def test_without_the_public_url_a_reminder_falls_back_to_the_path(transactional_db, cast: Cast, mailbox, settings):
    settings.SANCTUARY_PUBLIC_URL = ""
    _emails(cast)
    action = make_action(cast, "own", title="Overdue", due_on=timezone.localdate() - timedelta(days=1))
    send_reminders_now()
    _wait_for(mailbox, 1)
    [(_to, content)] = mailbox
    assert f"mark it done: /partnership/actions/{action.pk}/" in content
