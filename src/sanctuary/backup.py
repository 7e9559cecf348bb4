"""`sanctuary backup` and `sanctuary restore`: the whole workspace in one file.

A backup is a tar archive holding `manifest.json`, the database and every uploaded file. The
database is copied consistently while the service runs: SQLite through its online backup API
(readers and the one writer go on; the copy is one point in time), PostgreSQL with `pg_dump`
(one snapshot transaction). Uploads are read through Django's storage API, so a backup of a
workspace whose files live in S3-compatible storage holds them too.

The archive is written beside its destination and renamed into place: a backup that stops
half-way leaves no file that looks whole. Restoring replaces the database and the uploads with
the archive's; it refuses an archive of the other database engine, and asks first.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sanctuary.cli_support import CommandFailed, setup_django

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
UPLOADS = "uploads/"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    backup = subparsers.add_parser(
        "backup", help="copy the database and uploaded files into one file, while serving"
    )
    backup.add_argument("--out", required=True, help="the archive to write (a .tar file)")
    backup.set_defaults(handler=run_backup)

    restore = subparsers.add_parser(
        "restore", help="replace the database and uploaded files with a backup's"
    )
    restore.add_argument("archive", help="a file made by 'sanctuary backup'")
    restore.add_argument("--yes", action="store_true", help="do not ask before replacing")
    restore.set_defaults(handler=run_restore)


# --- the database -------------------------------------------------------------------------


def _engine() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise CommandFailed(f"backups know SQLite and PostgreSQL, not {engine}")


def _sqlite_path() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"])


def _postgres_environment() -> dict[str, str]:
    """pg_dump and pg_restore read the connection from the environment, so that a password
    never shows in the process list."""
    from django.conf import settings

    database: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _postgres_tool(name: str, arguments: list[str]) -> None:
    program = shutil.which(name)
    if program is None:
        raise CommandFailed(
            f"{name} is not installed: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client) at the server's version"
        )
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own tool, arguments we build)
        [program, *arguments], env=_postgres_environment(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise CommandFailed(f"{name} failed: {result.stderr.strip()}")


def _dump_database(folder: Path) -> str:
    if _engine() == "sqlite":
        source_path = _sqlite_path()
        if not source_path.is_file():
            raise CommandFailed(f"there is no database at {source_path}")
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(source_path)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER
    _postgres_tool(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={folder / POSTGRES_MEMBER}"],
    )
    return POSTGRES_MEMBER


def _restore_database(member: str, dumped: Path) -> None:
    from django.db import connections

    connections.close_all()
    if member == SQLITE_MEMBER:
        target_path = _sqlite_path()
        target_path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dumped)
        target = sqlite3.connect(target_path)
        try:
            # Page by page into the live file, WAL and all: no window with a missing database.
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    _postgres_tool(
        "pg_restore",
        [
            "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--dbname={_postgres_environment().get('PGDATABASE', '')}",
            str(dumped),
        ],
    )


def _table_counts(folder: Path, member: str) -> dict[str, int]:
    """Rows per table, for the manifest: of the copy itself for SQLite; for PostgreSQL of the
    live database just after the dump, so only a guide while the service is writing."""
    if member == SQLITE_MEMBER:
        copy = sqlite3.connect(folder / member)
        try:
            tables = [row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )]
            return {
                table: copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
                for table in sorted(tables)
            }
        finally:
            copy.close()
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


# --- uploaded files -----------------------------------------------------------------------


def _uploaded_files(storage: Any, folder: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever uploaded
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for name in sorted(folders):
        yield from _uploaded_files(storage, f"{folder}{name}/")


# --- the commands -------------------------------------------------------------------------


def run_backup(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.files.storage import default_storage

    out = Path(args.out).resolve()
    if out.is_dir():
        raise CommandFailed(f"{out} is a folder: give the backup file's name")
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        folder = Path(work)
        member = _dump_database(folder)
        uploads = list(_uploaded_files(default_storage))
        counts = _table_counts(folder, member)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "database": member,
            "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "tables": counts,
            "uploads": uploads,
        }
        partial = folder / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(folder / member, arcname=member)
            for name in uploads:
                with default_storage.open(name, "rb") as file:
                    content = file.read()
                info = tarfile.TarInfo(UPLOADS + name)
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
        os.replace(partial, out)
    rows = sum(counts.values())
    print(
        f"Backed up {len(counts)} tables ({rows:,} rows) and {len(uploads)} "
        f"uploaded files to {out} ({out.stat().st_size / 1e6:.1f} MB)."
    )
    return 0


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise CommandFailed(f"{path} is not a Sanctuary backup (it has no {MANIFEST})")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise CommandFailed(
            f"{path} is a backup of format {manifest.get('format')}; this version reads {FORMAT}"
        )
    return manifest


def _confirm(where: str) -> None:
    if not sys.stdin.isatty():
        raise CommandFailed(f"restoring replaces {where}: add --yes to go on")
    answer = input(f"Restoring replaces {where}. Type 'replace' to go on: ")
    if answer.strip() != "replace":
        raise CommandFailed("nothing was changed")


def run_restore(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = Path(args.archive)
    if not path.is_file():
        raise CommandFailed(f"there is no backup at {path}")
    try:
        archive = tarfile.open(path, "r")  # noqa: SIM115 (closed by the with below)
    except tarfile.TarError as error:
        raise CommandFailed(f"{path} is not a Sanctuary backup ({error})") from None
    with archive:
        manifest = _read_manifest(archive, path)
        engine = _engine()
        if manifest["engine"] != engine:
            raise CommandFailed(
                f"{path} is a backup of a {manifest['engine']} database and this workspace "
                f"uses {engine}: restore it into a {manifest['engine']} database"
            )
        where = f"the database {settings.DATABASES['default']['NAME']} and every uploaded file"
        if not args.yes:
            _confirm(where)
        with tempfile.TemporaryDirectory() as work:
            member = manifest["database"]
            dumped = archive.extractfile(member)
            if dumped is None:
                raise CommandFailed(f"{path} has no {member}")
            copy = Path(work) / member
            with open(copy, "wb") as file:
                shutil.copyfileobj(dumped, file)
            _restore_database(member, copy)
        kept = set(manifest["uploads"])
        for name in _uploaded_files(default_storage):
            if name not in kept:
                default_storage.delete(name)
        for name in manifest["uploads"]:
            content = archive.extractfile(UPLOADS + name)
            if content is None:
                raise CommandFailed(f"{path} lists {name} but does not hold it")
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(content.read()))
    print(
        f"Restored {len(manifest['tables'])} tables and {len(manifest['uploads'])} uploaded "
        f"files from {path} (made {manifest['made_at']}). Run 'sanctuary migrate' if this "
        f"version is newer than the one that made it."
    )
    return 0
