"""The `sanctuary` operator command line.

Each domain registers its own subcommands here, explicitly: commands that need the database
set Django up first, the calendar and solver commands run without it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

from sanctuary.cli_support import CommandFailed


def build_parser() -> argparse.ArgumentParser:
    from sanctuary import operations
    from sanctuary.calendars import commands as calendar_commands
    from sanctuary.fund import commands as fund_commands
    from sanctuary.solvers import commands as solver_commands

    parser = argparse.ArgumentParser(
        prog="sanctuary", description="Sanctuary: keeping places of worship safe."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    operations.register(subparsers)
    calendar_commands.register(subparsers)
    solver_commands.register(subparsers)
    fund_commands.register(subparsers)
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
