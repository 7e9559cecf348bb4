"""Incident subcommands: `sanctuary incidents surge` (pure), `check-surges` and `daily` (the
database).

It reads JSON on standard input and writes JSON on standard output; bad input fails with one
line on standard error naming the item and the field. No database: the detector is pure.
"""

from __future__ import annotations

import argparse

from sanctuary.cli_support import CommandFailed, read_json, write_json


def register(subparsers: argparse._SubParsersAction) -> None:
    incidents = subparsers.add_parser("incidents", help="incident statistics")
    actions = incidents.add_subparsers(dest="incidents_command", required=True, metavar="ACTION")
    surge = actions.add_parser(
        "surge",
        help='alerts for surges in a daily series {"series": [{"date", "count"}, ...], '
        '"baseline_per_day"?} or in incidents with their times {"events": [{"at"}, ...], '
        '"from", "as_of", "time_zone"?, "baseline_per_day"?} read on standard input '
        "(docs/incidents.md)",
    )
    surge.set_defaults(handler=detect_surges)
    check = actions.add_parser(
        "check-surges",
        help="run the surge detector over the recorded incidents now and record new alerts",
    )
    check.set_defaults(handler=check_surges)
    daily = actions.add_parser(
        "daily",
        help="queue the day's background work (surge check, reminders of overdue cases) for "
        "`sanctuary worker`: run it once a day (cron, a systemd timer)",
    )
    daily.set_defaults(handler=queue_daily)
    crimes = actions.add_parser(
        "import-crimes",
        help="import the police's street-level crime CSV files (data.police.uk) as context near "
        "each site; each file all or nothing, a row already imported not added again",
    )
    crimes.add_argument("files", nargs="+", metavar="FILE")
    crimes.set_defaults(handler=import_crimes)


def detect_surges(args: argparse.Namespace) -> int:
    from sanctuary.incidents.intraday import detect_intraday
    from sanctuary.incidents.surge import InvalidSeries, detect
    from sanctuary.incidents.surge_documents import (
        has_events,
        record_from_document,
        series_from_document,
    )

    document = read_json()
    try:
        if has_events(document):
            record, baseline = record_from_document(document)
            write_json(detect_intraday(record, baseline).to_document())
        else:
            series, baseline = series_from_document(document)
            write_json(detect(series, baseline).to_document())
    except InvalidSeries as error:
        raise CommandFailed(str(error)) from None
    return 0


def check_surges(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.incidents.tasks import check_surges_now

    made = check_surges_now()
    write_json({"alerts": [
        {"scope": a.scope, "key": a.key, "since": a.since.isoformat(), "date": a.day.isoformat(),
         "expected": round(a.expected, 3), "observed": a.observed}
        for a in made
    ]})
    return 0


def queue_daily(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.incidents.tasks import enqueue_daily

    enqueue_daily()
    print("Queued the surge check and the reminders; `sanctuary worker` runs them.")
    return 0


def import_crimes(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sanctuary.cli_support import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from sanctuary.access.actor import Actor
    from sanctuary.incidents.crime_context import import_file

    actor = Actor.system("command line")
    for name in args.files:
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandFailed(f"{name}: {error}") from None
        try:
            read, added = import_file(actor, Path(name).name, text)
        except ValidationError as error:
            raise CommandFailed(f"{name}: {' '.join(error.messages)}") from None
        print(f"{name}: {read} rows, {added} new")
    return 0
