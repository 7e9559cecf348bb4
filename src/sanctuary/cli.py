"""The `sanctuary` operator command line.

Each app registers its own subcommands from its `commands.py`, listed here explicitly: those
that need the database set Django up themselves; the calendar, risk and solver commands that
only compute run without it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

from sanctuary.cli_support import CommandFailed


def build_parser() -> argparse.ArgumentParser:
    from sanctuary import backup, demo, serving
    from sanctuary.calendars import commands as calendar_commands
    from sanctuary.fund import commands as fund_commands
    from sanctuary.incidents import commands as incident_commands
    from sanctuary.overview import commands as overview_commands
    from sanctuary.partnership import commands as partnership_commands
    from sanctuary.registry import commands as registry_commands
    from sanctuary.solvers import commands as solver_commands
    from sanctuary.surveys import commands as survey_commands

    parser = argparse.ArgumentParser(
        prog="sanctuary", description="Sanctuary: keeping places of worship safe."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # in the order `sanctuary --help` lists them: running it, then each domain's verbs
    for commands in (
        demo,
        serving,
        backup,
        registry_commands,
        calendar_commands,
        survey_commands,
        incident_commands,
        partnership_commands,
        fund_commands,
        solver_commands,
        overview_commands,
    ):
        commands.register(subparsers)
    # One `report` group, each app adding its kinds: a second add_parser("report") would
    # replace the first and lose its kinds.
    report = subparsers.add_parser("report", help="reports as PDF")
    kinds = report.add_subparsers(dest="report_kind", required=True, metavar="KIND")
    for commands in (survey_commands, overview_commands):
        commands.register_reports(kinds)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CommandFailed as error:
        print(f"sanctuary {args.command}: {error}", file=sys.stderr)
        return 2
    except ImproperlyConfigured as error:
        print(f"sanctuary {args.command}: configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (head, less) stopped early: not an error worth a traceback.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
