"""The operator's registry commands: `createadmin` (the first administrator), `import-sites` and
`export-sites`.

The command line acts as the system (docs/access.md): it may import and export every site, and
the audit log says so.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sanctuary.cli_support import CommandFailed, setup_django


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
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

    import_sites = subparsers.add_parser(
        "import-sites", help="import sites from CSV or GeoJSON (all rows or none)"
    )
    import_sites.add_argument("file", type=Path)
    import_sites.add_argument("--format", help="csv or geojson (default: from the name)")
    import_sites.add_argument(
        "--operator", help="faith organisation (name) for rows that do not name one"
    )
    import_sites.add_argument("--dry-run", action="store_true", help="report, write nothing")
    import_sites.add_argument(
        "--create-operators",
        action="store_true",
        help="add the faith organisations the file names that are not in the registry yet",
    )
    import_sites.add_argument(
        "--encoding",
        default="utf-8",
        help="utf-8 (the default) or cp1252 (Windows-1252, what Excel on Windows saves)",
    )
    import_sites.set_defaults(handler=run_import_sites)

    export_sites = subparsers.add_parser("export-sites", help="export all sites")
    export_sites.add_argument("--format", default="csv", help="csv (the default) or geojson")
    export_sites.add_argument("--output", type=Path, help="file to write (default: standard output)")
    export_sites.set_defaults(handler=run_export_sites)


def run_import_sites(args: argparse.Namespace) -> int:
    setup_django()
    from sanctuary.access.actor import Actor
    from sanctuary.registry import transfer

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise CommandFailed(f"cannot read {args.file}: {error.strerror}") from None
    try:
        report = transfer.import_sites(
            Actor.system("command line"),
            data,
            filename=args.file.name,
            fmt=args.format,
            default_operator_name=args.operator,
            dry_run=args.dry_run,
            progress=lambda message: print(message, file=sys.stderr, flush=True),
            create_operators=args.create_operators,
            encoding=args.encoding,
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
    from sanctuary.access.actor import Actor
    from sanctuary.registry import transfer

    if args.format not in transfer.FORMATS:
        raise CommandFailed(f"unknown format {args.format!r}: use csv or geojson")
    text = transfer.export_all_sites(Actor.system("command line"), args.format)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_createadmin(args: argparse.Namespace) -> int:
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from sanctuary.access.actor import Actor
    from sanctuary.registry import services

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
        user = services.create_programme_admin(
            Actor.system("command line"),
            username=args.username,
            email=args.email,
            password=password,
            organisation_name=args.organisation,
        )
    except ValueError as error:
        raise CommandFailed(str(error)) from None
    print(f"Created {user.username}, programme administrator of {args.organisation}.")
    return 0
