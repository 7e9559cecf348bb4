"""Outside Sanctuary's own connections (the sqlite3 shell, say), the audit table still refuses
to be edited or emptied."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def test_another_program_cannot_delete_or_change_an_audit_event(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    env.update(SANCTUARY_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    migrated = subprocess.run([sys.executable, "-m", "sanctuary.cli", "migrate"], env=env,
                              capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(tmp_path / "a.sqlite3") as db:
        db.execute(
            "INSERT INTO audit_auditevent (at, actor_name, channel, action, object_type, "
            "object_id, object_repr, detail) "
            "VALUES ('2026-12-01', 'amina', 'page', 'export', '', '', 'x', '{}')"
        )
    db = sqlite3.connect(tmp_path / "a.sqlite3")
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM audit_auditevent")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE audit_auditevent SET actor_name = 'forged'")
    assert db.execute("SELECT actor_name FROM audit_auditevent").fetchall() == [("amina",)]
