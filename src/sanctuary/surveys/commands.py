"""`sanctuary risk assess` and `sanctuary risk instrument`: the risk model without a database.

Both write JSON on standard output; bad input fails with one line on standard error naming the
record and the field.
"""

from __future__ import annotations

import argparse

from sanctuary.cli_support import CommandFailed, read_json, write_json


def register(subparsers: argparse._SubParsersAction) -> None:
    risk = subparsers.add_parser("risk", help="security survey instrument and site risk")
    actions = risk.add_subparsers(dest="risk_command", required=True, metavar="ACTION")
    assess = actions.add_parser(
        "assess",
        help="read one site's survey answers, incidents and gatherings on standard input; "
        "write its risk, drivers, recommendations and Martyn's Law duties",
    )
    assess.set_defaults(handler=assess_site)
    instrument = actions.add_parser("instrument", help="print the survey instrument as JSON")
    instrument.add_argument(
        "--version",
        dest="instrument_version",
        default=None,
        help="a shipped version (default: latest)",
    )
    instrument.set_defaults(handler=print_instrument)


def assess_site(args: argparse.Namespace) -> int:
    from sanctuary.solvers.validation import InvalidInput
    from sanctuary.surveys.risk.document import assess_document

    document = read_json()
    try:
        answer = assess_document(document)
    except InvalidInput as error:
        raise CommandFailed(str(error)) from None
    write_json(answer)
    return 0


def print_instrument(args: argparse.Namespace) -> int:
    from sanctuary.surveys.instrument import UnknownVersion, latest_instrument, load_instrument

    try:
        instrument = (
            load_instrument(args.instrument_version)
            if args.instrument_version
            else latest_instrument()
        )
    except UnknownVersion as error:
        raise CommandFailed(str(error)) from None
    write_json(instrument.as_json())
    return 0
