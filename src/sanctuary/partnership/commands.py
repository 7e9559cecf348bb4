"""Partnership subcommands: `sanctuary partnership daily` (queue the reminders of actions due
and overdue for `sanctuary worker`) and `reminders` (send them now, for an operator)."""

from __future__ import annotations

import argparse

from sanctuary.cli_support import write_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    partnership = subparsers.add_parser("partnership", help="the partnership's meetings and actions")
    actions = partnership.add_subparsers(dest="partnership_command", required=True, metavar="ACTION")
    daily = actions.add_parser(
        "daily",
        help="queue the day's reminders of actions due soon and overdue for `sanctuary worker`: "
        "run it once a day (cron, a systemd timer); running it twice sends nothing twice",
    )
    daily.set_defaults(handler=queue_daily)
    now = actions.add_parser("reminders", help="send today's reminders now, without the worker")
    now.set_defaults(handler=send_now)


def queue_daily(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.partnership.tasks import enqueue_daily

    enqueue_daily()
    print("Queued the reminders of actions; `sanctuary worker` sends them.")
    return 0


def send_now(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.partnership.tasks import send_reminders_now

    sent = send_reminders_now()
    write_json({"reminders": [
        {"action": r.action_id, "kind": r.kind, "day": r.day.isoformat(), "to": r.recipients} for r in sent
    ]})
    return 0
