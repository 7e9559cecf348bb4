"""Operator subcommands that need the database.

demo, serve, migrate, createadmin, check, import-sites, export-sites. Each sets up Django itself
(after any environment the command implies), so `sanctuary prayer-times` and the solver commands
never pay for it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from pathlib import Path

from sanctuary.cli_support import CommandFailed


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
    import django

    django.setup()


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo", help="build the demo borough in var/demo.sqlite3 and serve it"
    )
    demo.add_argument("--no-serve", action="store_true", help="build the demo database and exit")
    demo.add_argument("--reset", action="store_true", help="throw away the demo database first")
    demo.set_defaults(handler=run_demo)

    serve = subparsers.add_parser("serve", help="serve with gunicorn (production)")
    serve.add_argument("--bind", help="address:port (default 127.0.0.1:$PORT, PORT default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default $WEB_CONCURRENCY or 2)")
    serve.set_defaults(handler=run_serve)

    migrate = subparsers.add_parser("migrate", help="create or update the database tables")
    migrate.set_defaults(handler=run_migrate)

    createadmin = subparsers.add_parser(
        "createadmin", help="create a programme administrator (the first account)"
    )
    createadmin.add_argument("--username", required=True)
    createadmin.add_argument("--email", required=True)
    createadmin.add_argument(
        "--organisation", default="Community Safety Team", help="the council service they work in"
    )
    createadmin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    createadmin.set_defaults(handler=run_createadmin)

    check = subparsers.add_parser("check", help="check the configuration")
    check.add_argument("--deploy", action="store_true", help="include the production checks")
    check.set_defaults(handler=run_check)

    import_sites = subparsers.add_parser(
        "import-sites", help="import sites from CSV or GeoJSON (all rows or none)"
    )
    import_sites.add_argument("file", type=Path)
    import_sites.add_argument("--format", choices=["csv", "geojson"], help="default: from the name")
    import_sites.add_argument(
        "--operator", help="faith organisation (name) for rows that do not name one"
    )
    import_sites.add_argument("--dry-run", action="store_true", help="report, write nothing")
    import_sites.set_defaults(handler=run_import_sites)

    export_sites = subparsers.add_parser("export-sites", help="export all sites")
    export_sites.add_argument("--format", choices=["csv", "geojson"], default="csv")
    export_sites.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export_sites.set_defaults(handler=run_export_sites)


# --- demo and serving --------------------------------------------------------------------------


def _project_var_dir() -> Path:
    return Path(os.environ.get("SANCTUARY_DATA_DIR") or Path.cwd() / "var")


def run_demo(args: argparse.Namespace) -> int:
    var = _project_var_dir()
    var.mkdir(parents=True, exist_ok=True)
    database = var / "demo.sqlite3"
    if args.reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.environ["SANCTUARY_DATA_DIR"] = str(var)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database}")
    os.environ["SANCTUARY_DEMO"] = "true"
    if os.environ.get("SANCTUARY_ENV") == "production":
        raise CommandFailed("the demo cannot run in production mode (SANCTUARY_ENV=production)")
    setup_django()
    from django.core.management import call_command

    from sanctuary.registry import demo

    call_command("migrate", verbosity=0)
    created = demo.load_demo_borough()
    port = os.environ.get("PORT", "8000")
    print(
        ("Built" if created else "Reusing")
        + f" the demo borough in {database} ({demo.site_count()} places of worship)."
    )
    print(f"Demo logins (password '{demo.DEMO_PASSWORD}' for all):")
    for username, role, organisation in demo.DEMO_LOGINS:
        print(f"  {username:<12} {role}, {organisation}")
    if args.no_serve:
        return 0
    print(f"Serving on http://127.0.0.1:{port}  (Ctrl-C to stop)", flush=True)
    return _gunicorn(f"127.0.0.1:{port}", workers=2)


def _gunicorn(bind: str, workers: int) -> int:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "sanctuary.wsgi:application",
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
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


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
    return _gunicorn(bind, workers)


def run_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import call_command

    call_command("migrate")
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


def run_createadmin(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from sanctuary.access import bootstrap

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise CommandFailed("the two passwords differ")
    try:
        validate_password(password)
    except ValidationError as error:
        raise CommandFailed(" ".join(error.messages)) from None
    try:
        user = bootstrap.create_programme_admin(
            username=args.username,
            email=args.email,
            password=password,
            organisation_name=args.organisation,
        )
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    print(f"Created {user.username}, programme administrator of {args.organisation}.")
    return 0


# --- import and export -------------------------------------------------------------------------


def run_import_sites(args: argparse.Namespace) -> int:
    setup_django()
    from sanctuary.registry import transfer

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CommandFailed(f"cannot read {args.file}: {error.strerror}") from None
    try:
        report = transfer.import_sites(
            data,
            filename=args.file.name,
            fmt=args.format,
            default_operator_name=args.operator,
            actor=None,
            dry_run=args.dry_run,
        )
    except transfer.ImportRefused as refused:
        print(f"sanctuary import-sites: {refused}", file=sys.stderr)
        for row_error in refused.errors:
            print(f"  {row_error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def run_export_sites(args: argparse.Namespace) -> int:
    setup_django()
    from sanctuary.registry import transfer

    text = transfer.export_all_sites(args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


