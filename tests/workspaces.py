"""Workspaces of a test's own for the tests that run Sanctuary as an operator does (backup,
crash): the demo built by `sanctuary demo` into SQLite, or into a PostgreSQL database made for
the test when DATABASE_URL names a PostgreSQL server (as in CI)."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

from tests.test_operations import run

POSTGRES = (os.environ.get("DATABASE_URL") or "").startswith("postgres")
ENGINES = ["sqlite", "postgresql"] if POSTGRES else ["sqlite"]


@pytest.fixture(params=ENGINES)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The demo, built by `sanctuary demo` into a database of this test's own."""
    env = {"SANCTUARY_DATA_DIR": str(tmp_path)}
    if request.param == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
        yield built(env)
        return
    import psycopg

    server = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"sanctuary_backup_{secrets.token_hex(4)}"
    admin = psycopg.connect(
        host=server["HOST"], port=server["PORT"] or 5432, user=server["USER"],
        password=server["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    user = server["USER"] + (f":{server['PASSWORD']}" if server["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{user}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
    try:
        yield built(env)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def built(env: dict[str, str]) -> dict[str, str]:
    result = run(["demo", "--no-serve"], env)
    assert result.returncode == 0, result.stderr
    add_administrator(env, "first")
    photos = Path(env["SANCTUARY_DATA_DIR"]) / "uploads" / "surveys"
    photos.mkdir(parents=True)
    (photos / "door.jpg").write_bytes(b"\xff\xd8 a photo of a door")
    return env


def add_administrator(env: dict[str, str], username: str) -> None:
    """A change through a service, so the audit log has something to keep."""
    result = run(["createadmin", "--username", username, "--email", f"{username}@example.org",
                  "--password-stdin"], env, stdin="a-long-password-for-them-1\n")
    assert result.returncode == 0, result.stderr


def tables(env: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        connection: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
    else:
        import psycopg

        connection = psycopg.connect(url.replace("postgres://", "postgresql://"))
        names = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )]
    try:
        return {
            name: sorted(
                connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr  # noqa: S608
            )
            for name in sorted(names)
        }
    finally:
        connection.close()


def query(env: dict[str, str], sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows from the workspace's database, read directly (no Django in this process)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        connection: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        sql = sql.replace("%s", "?")
    else:
        import psycopg

        connection = psycopg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return list(connection.execute(sql, parameters).fetchall())
    finally:
        connection.close()
