"""Running the service: `sanctuary serve`, `migrate` and `check`.

`serve` runs the deployment checks first and becomes gunicorn, so that a signal sent to the
command reaches the server itself.
"""

from __future__ import annotations

import argparse
import os
import sys

from sanctuary.cli_support import CommandFailed, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    serve = subparsers.add_parser("serve", help="serve with gunicorn (production)")
    serve.add_argument("--bind", help="address:port (default 127.0.0.1:$PORT, PORT default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default $WEB_CONCURRENCY or 2)")
    serve.set_defaults(handler=run_serve)

    migrate = subparsers.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(handler=run_migrate)

    worker = subparsers.add_parser(
        "worker", help="run background tasks (mail, reminders) from the database's queue"
    )
    worker.add_argument("--batch", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(handler=run_worker)

    check = subparsers.add_parser("check", help="check the configuration")
    check.add_argument("--deploy", action="store_true", help="include the production checks")
    check.set_defaults(handler=run_check)


def gunicorn(bind: str, workers: int) -> int:
    """Become gunicorn: a SIGTERM or Ctrl-C sent to `sanctuary serve` reaches it directly, so
    stopping the command stops the server (a child process would be left running)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sanctuary.wsgi:application",
        "--config",
        "python:sanctuary.gunicorn_conf",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--no-control-socket",
    ]
    # gunicorn_conf says it once the application is loaded and the address listens
    os.environ.setdefault("SANCTUARY_SERVING_MESSAGE", f"Serving on http://{bind}")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)  # noqa: S606 (our own interpreter, fixed arguments)
    return 0  # not reached


def run_serve(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=settings.PRODUCTION, fail_level="ERROR")
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        raise CommandFailed("refusing to start with an unsafe configuration (above)") from None
    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    bind = args.bind or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "2"))
    return gunicorn(bind, workers)


def run_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate")
    return 0


def run_worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("db_worker", batch=args.batch, interval=1.0, reload=False)
    return 0


def run_check(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=args.deploy, fail_level="WARNING" if args.deploy else "ERROR")
    except SystemCheckError as error:
        print(error, file=sys.stderr)
        return 1
    return 0
