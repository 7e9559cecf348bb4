"""`sanctuary backup` and `sanctuary restore`, run as an operator runs them: the demo is backed
up, changed, restored, and every table, the audit log and the uploaded files are as they were.

On the database the suite runs on: SQLite always; PostgreSQL too when DATABASE_URL names one
(as in CI), in a database of the test's own.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tarfile
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
        yield _built(env)
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
        yield _built(env)
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def _built(env: dict[str, str]) -> dict[str, str]:
    result = run(["demo", "--no-serve"], env)
    assert result.returncode == 0, result.stderr
    _add_administrator(env, "first")
    photos = Path(env["SANCTUARY_DATA_DIR"]) / "uploads" / "surveys"
    photos.mkdir(parents=True)
    (photos / "door.jpg").write_bytes(b"\xff\xd8 a photo of a door")
    return env


def _add_administrator(env: dict[str, str], username: str) -> None:
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


def uploads(env: dict[str, str]) -> dict[str, bytes]:
    folder = Path(env["SANCTUARY_DATA_DIR"]) / "uploads"
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*") if path.is_file()
    }


def change_everything(env: dict[str, str]) -> None:
    """What happens after a backup: new people and records, a site gone, files come and go."""
    _add_administrator(env, "later")
    folder = Path(env["SANCTUARY_DATA_DIR"]) / "uploads"
    (folder / "surveys" / "door.jpg").unlink()
    (folder / "surveys" / "window.jpg").write_bytes(b"another photo")


def test_a_restored_backup_is_the_workspace_as_it_was(workspace: dict[str, str], tmp_path: Path):
    before, files_before = tables(workspace), uploads(workspace)
    assert before["audit_auditevent"], "the demo writes an audit log"
    archive = tmp_path / "backups" / "sanctuary.tar"

    result = run(["backup", "--out", str(archive)], workspace)
    assert result.returncode == 0, result.stderr
    assert "uploaded files" in result.stdout

    change_everything(workspace)
    assert tables(workspace) != before
    assert uploads(workspace) != files_before

    result = run(["restore", str(archive), "--yes"], workspace)
    assert result.returncode == 0, result.stderr
    assert tables(workspace) == before
    assert uploads(workspace) == files_before


def test_a_restore_asks_first_and_changes_nothing_unasked(workspace: dict[str, str], tmp_path):
    archive = tmp_path / "sanctuary.tar"
    assert run(["backup", "--out", str(archive)], workspace).returncode == 0
    change_everything(workspace)
    changed = tables(workspace)

    result = run(["restore", str(archive)], workspace)  # no terminal to answer, no --yes

    assert result.returncode == 2
    assert "add --yes" in result.stderr
    assert tables(workspace) == changed


def test_a_file_that_is_not_a_backup_is_refused_with_the_reason(tmp_path: Path):
    env = {"SANCTUARY_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    stray = tmp_path / "photos.tar"
    with tarfile.open(stray, "w") as archive:
        archive.add(__file__, arcname="notes.py")

    result = run(["restore", str(stray), "--yes"], env)

    assert result.returncode == 2
    assert "is not a Sanctuary backup (it has no manifest.json)" in result.stderr
    missing = run(["restore", str(tmp_path / "nothing.tar"), "--yes"], env)
    assert "there is no backup at" in missing.stderr


def test_a_backup_of_one_engine_is_not_restored_into_another(tmp_path: Path):
    env = _built({"SANCTUARY_DATA_DIR": str(tmp_path),
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    archive = tmp_path / "sqlite.tar"
    assert run(["backup", "--out", str(archive)], env).returncode == 0
    elsewhere = {**env, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}

    result = run(["restore", str(archive), "--yes"], elsewhere)

    assert result.returncode == 2
    assert "is a backup of a sqlite database and this workspace uses postgresql" in result.stderr
