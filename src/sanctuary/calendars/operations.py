"""The `gatherings` command: it reads schedules from the database, so it sets Django up itself
(inside the handler, so that `sanctuary prayer-times` and `festivals` never pay for it)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from sanctuary.cli_support import CommandFailed, write_json

MAX_DAYS = 366


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    parser = subparsers.add_parser(
        "gatherings",
        help="gatherings at every site (or one) over a period, from the database",
        description="Gatherings on the local days FROM..TO (inclusive, at most "
        f"{MAX_DAYS} days), all sites as the operator sees them, closed ones left out.",
    )
    parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--site", type=int, default=None, help="one site's id")
    parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
    parser.set_defaults(handler=gatherings_command)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandFailed(f"{option} {text!r} is not a date YYYY-MM-DD") from None


def gatherings_command(args: argparse.Namespace) -> int:
    first, last = _day(args.first, "--from"), _day(args.last, "--to")
    if last < first:
        raise CommandFailed(f"--to {last} is before --from {first}")
    if (last - first).days + 1 > MAX_DAYS:
        raise CommandFailed(f"the period is longer than {MAX_DAYS} days")
    from sanctuary.operations import setup_django

    setup_django()
    from sanctuary.calendars import services
    from sanctuary.registry.models import Site, SiteStatus

    if args.site is not None:
        sites = Site.objects.filter(pk=args.site)
        if not sites.exists():
            raise CommandFailed(f"no site with id {args.site}")
    else:
        sites = Site.objects.filter(status=SiteStatus.ACTIVE)
    try:
        found = services.across_sites(services.with_schedules(sites.order_by("pk")), first, last)
    except services.CalendarUnavailable as error:
        raise CommandFailed(str(error)) from None
    for item in found.skipped:
        print(
            f"sanctuary gatherings: left out site {item.site.pk} ({item.site.name}): {item.reason}",
            file=sys.stderr,
        )
    write_json([item.as_json() for item in found.gatherings()])
    return 0
