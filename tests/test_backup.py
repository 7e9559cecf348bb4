"""`sanctuary backup` and `sanctuary restore`, run as an operator runs them: the demo is backed
up, changed, restored, and every table, the audit log and the uploaded files are as they were.

On the database the suite runs on: SQLite always; PostgreSQL too when DATABASE_URL names one
(as in CI), in a database of the test's own.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from tests.test_operations import run
from tests.workspaces import add_administrator, built, tables, workspace

__all__ = ["workspace"]  # the fixture, used by the tests below


def uploads(env: dict[str, str]) -> dict[str, bytes]:
    folder = Path(env["SANCTUARY_DATA_DIR"]) / "uploads"
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*") if path.is_file()
    }


def change_everything(env: dict[str, str]) -> None:
    """What happens after a backup: new people and records, a site gone, files come and go."""
    add_administrator(env, "later")
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
    env = built({"SANCTUARY_DATA_DIR": str(tmp_path),
                  "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    archive = tmp_path / "sqlite.tar"
    assert run(["backup", "--out", str(archive)], env).returncode == 0
    elsewhere = {**env, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}

    result = run(["restore", str(archive), "--yes"], elsewhere)

    assert result.returncode == 2
    assert "is a backup of a sqlite database and this workspace uses postgresql" in result.stderr
