"""`sanctuary demo`: the demo borough, built app by app in the order each needs the last, and
served.

Each app keeps its own part of the demo in its `demo.py`; this module only calls them in order.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sanctuary.cli_support import CommandFailed, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    demo = subparsers.add_parser(
        "demo", help="build the demo borough in var/demo.sqlite3 and serve it"
    )
    demo.add_argument("--no-serve", action="store_true", help="build the demo database and exit")
    demo.add_argument("--reset", action="store_true", help="throw away the demo database first")
    demo.add_argument(
        "--national",
        action="store_true",
        help="a synthetic country instead (350 areas, 50,000 sites) in var/national.sqlite3, "
        "or in DATABASE_URL when it is set",
    )
    demo.add_argument("--sites", type=int, default=50_000, help="with --national: how many sites")
    demo.set_defaults(handler=run_demo)


def load() -> bool:
    """Load every app's demo into an empty database; False if it was there already."""
    from django.db import transaction

    from sanctuary.alerts import demo as alerts_demo
    from sanctuary.calendars import demo as calendars_demo
    from sanctuary.fund import demo as fund_demo
    from sanctuary.fund import demo_decided as fund_decided_demo
    from sanctuary.incidents import demo as incidents_demo
    from sanctuary.partnership import demo as partnership_demo
    from sanctuary.patrols import demo as patrols_demo
    from sanctuary.registry import demo as registry_demo
    from sanctuary.surveys import demo as surveys_demo

    with transaction.atomic():
        if not registry_demo.load():
            return False
        calendars_demo.load()
        incidents_demo.load()
        surveys_demo.load()
        patrols_demo.load()
        alerts_demo.load()
        partnership_demo.load()
        fund_demo.load()
        fund_decided_demo.load()
    return True


def run_demo(args: argparse.Namespace) -> int:
    var = Path(os.environ.get("SANCTUARY_DATA_DIR") or Path.cwd() / "var")
    var.mkdir(parents=True, exist_ok=True)
    database = var / ("national.sqlite3" if args.national else "demo.sqlite3")
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["SANCTUARY_DATA_DIR"] = str(var)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["SANCTUARY_DEMO"] = "true"
    if os.environ.get("SANCTUARY_ENV") == "production":
        raise CommandFailed("the demo cannot run in production mode (SANCTUARY_ENV=production)")
    # links in the demo's mail (reminders sent by its worker) lead to the demo's own server
    os.environ.setdefault("SANCTUARY_PUBLIC_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    setup_django()
    from django.core.management import call_command

    from sanctuary.fund import demo as fund_demo
    from sanctuary.incidents import demo as incidents_demo
    from sanctuary.registry import demo as registry_demo
    from sanctuary.serving import gunicorn

    call_command("migrate", verbosity=0)
    if args.national:
        return _national(args, database)
    created = load()
    port = os.environ.get("PORT", "8000")
    print(
        ("Built" if created else "Reusing")
        + f" the demo borough in {database} ({registry_demo.site_count()} places of worship)."
    )
    print(f"Demo logins (password '{registry_demo.DEMO_PASSWORD}' for all):")
    for username, role, organisation in registry_demo.DEMO_LOGINS + incidents_demo.DEMO_LOGINS + fund_demo.DEMO_LOGINS:
        print(f"  {username:<12} {role}, {organisation}")
    print("A reporter's tracking link: /report/track/demo-tracking-1/ (the public form: /report/)")
    if args.no_serve:
        return 0
    os.environ["SANCTUARY_SERVING_MESSAGE"] = f"Serving on http://127.0.0.1:{port}  (Ctrl-C to stop)"
    # the background worker runs beside the server (gunicorn_conf starts and stops it): mail,
    # reminders, the surge check and patrol plans; the day's work is queued for it
    os.environ["SANCTUARY_RUN_WORKER"] = "1"
    _queue_the_days_work()
    return gunicorn(f"127.0.0.1:{port}", workers=2)


def _queue_the_days_work() -> None:
    """The surge check, the overdue reminders, the partnership's action reminders and the fund's
    notices of maintenance ending, for the worker beside the demo's server (sent to the console
    unless EMAIL_URL says otherwise)."""
    from sanctuary.fund.tasks import enqueue_daily as enqueue_fund_daily
    from sanctuary.incidents.tasks import enqueue_daily
    from sanctuary.partnership.tasks import enqueue_daily as enqueue_partnership_daily

    enqueue_daily()
    enqueue_partnership_daily()
    enqueue_fund_daily()


def _national(args: argparse.Namespace, database: Path) -> int:
    import sys
    import time

    from django.conf import settings

    from sanctuary.registry import synthetic
    from sanctuary.registry.models import Site
    from sanctuary.serving import gunicorn

    where = settings.DATABASES["default"]["NAME"]
    if Site.objects.exists():
        print(f"Reusing the synthetic country in {where} ({Site.objects.count():,} sites).")
    else:
        started = time.monotonic()
        country = synthetic.build_country(
            sites=args.sites,
            progress=lambda message: print(message, file=sys.stderr, flush=True),
        )
        print(
            f"Built a synthetic country in {where} in {time.monotonic() - started:.0f} s: "
            f"{country.areas} areas, {country.sites:,} sites, {country.organisations:,} "
            f"organisations, {country.people:,} people."
        )
    print(f"Logins (password '{synthetic.PASSWORD}'): national-admin-NNNNN, "
          "police-supervisor-NNNNN, programme-admin-NNNNN, … (sanctuary's people page lists them)")
    if args.no_serve:
        return 0
    port = os.environ.get("PORT", "8000")
    os.environ["SANCTUARY_SERVING_MESSAGE"] = f"Serving on http://127.0.0.1:{port}  (Ctrl-C to stop)"
    os.environ["SANCTUARY_RUN_WORKER"] = "1"  # patrol plans made on its pages run
    return gunicorn(f"127.0.0.1:{port}", workers=2)
