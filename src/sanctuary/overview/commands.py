"""`sanctuary report monthly --area CODE --month YYYY-MM --out FILE.pdf`: an area's monthly
partnership report as a PDF, made as the system (every area) and written to the audit log.

The `report` group is shared: cli.py makes it once and each app adds its kinds
(`register_reports`); the overview has no verbs of its own (`register` adds none).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sanctuary.cli_support import CommandFailed, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:
    """The overview's own verbs: none (its report is a kind of `report`)."""


def register_reports(kinds: argparse._SubParsersAction) -> None:
    monthly = kinds.add_parser(
        "monthly", help="an area's monthly partnership report: incidents, patrols, surveys, ..."
    )
    monthly.add_argument("--area", required=True, metavar="CODE", help="the area's ONS code")
    monthly.add_argument("--month", required=True, metavar="YYYY-MM")
    monthly.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    monthly.set_defaults(handler=write_monthly_report)


def write_monthly_report(args: argparse.Namespace) -> int:
    setup_django()
    from sanctuary.access.actor import Actor
    from sanctuary.access.policy import NotFound
    from sanctuary.overview import policy, report, services
    from sanctuary.overview.forms import MonthForm

    form = MonthForm({"month": args.month})
    if not form.is_valid():
        raise CommandFailed(f"--month: {' '.join(str(e) for e in form.errors['month'])}")
    actor = Actor.system("command line")
    try:
        area = policy.get_area(actor, args.area)
    except NotFound:
        raise CommandFailed(f"--area: no area has the code {args.area!r}") from None
    start = form.cleaned_data["month"]
    args.out.write_bytes(report.monthly_pdf(actor, area, start))
    services.record_report_export(actor, area, start, "sanctuary report monthly")
    print(f"Wrote the monthly report of {area.name}, {start:%B %Y}, to {args.out}")
    return 0
