"""A big import does not starve everyone else, and a busy database is a 503, never a 500.

These run as operators and users would meet them: a file-based SQLite database, the import
command in one process, other writes in another.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

SANCTUARY = [sys.executable, "-m", "sanctuary.cli"]


def environment(folder: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SANCTUARY_DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'busy.sqlite3'}",
        **extra,
    )
    return env


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("busy")
    migrate = subprocess.run(SANCTUARY + ["migrate"], env=environment(folder), capture_output=True)
    assert migrate.returncode == 0
    result = subprocess.run(
        SANCTUARY + ["createadmin", "--username", "amina", "--email", "a@example.org",
                     "--organisation", "Faith Trust", "--password-stdin"],
        env=environment(folder), input="a strong enough passphrase\n", capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    # the operator's organisation must be a faith organisation to run the imported sites
    with sqlite3.connect(folder / "busy.sqlite3") as db:
        db.execute("UPDATE registry_organisation SET kind = 'faith'")
        # the one area every imported site goes into
        db.execute("INSERT INTO registry_area (name, code) VALUES ('Test Borough', 'E09999999')")
    return folder


def test_writes_go_on_while_a_big_file_is_imported(database: Path, tmp_path: Path):
    """Rows are checked before the write transaction begins: no other writer waits for the
    checking, only for the short write itself (it once waited for the whole file)."""
    rows = 10_000
    path = tmp_path / "sites.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "name", "faith", "address", "latitude", "longitude",
                         "operator"])
        for n in range(rows):
            writer.writerow([f"big:{n}", f"Site {n}", "islam", f"{n} Road", 51.5, -0.05,
                             "Faith Trust"])
    importer = subprocess.Popen(
        SANCTUARY + ["import-sites", str(path)], env=environment(database),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stages: dict[str, float] = {}  # when the importer said it was checking, then writing

    def listen() -> None:
        assert importer.stderr is not None
        for line in importer.stderr:
            stages.setdefault(line.split()[0], time.monotonic())

    listener = threading.Thread(target=listen)
    listener.start()
    failures: list[str] = []
    done_at: list[float] = []  # when each of the other user's writes committed
    # another user's writes, each waiting as long as the application's writers wait (20 s)
    with sqlite3.connect(database / "busy.sqlite3", timeout=20, isolation_level=None) as db:
        while importer.poll() is None:
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE access_user SET last_name = ? WHERE username = 'amina'",
                           (str(len(done_at)),))
                db.execute("COMMIT")
                done_at.append(time.monotonic())
            except sqlite3.OperationalError as error:
                failures.append(str(error))
            time.sleep(0.05)
    stdout, _ = importer.communicate()
    listener.join()
    assert importer.returncode == 0
    assert "10000 created" in stdout
    assert failures == []
    checking, writing = stages["Read"], stages["Checked"]
    during_checking = [at for at in done_at if checking < at < writing]
    assert len(during_checking) > 5, "other writes waited while the rows were being checked"


def test_a_page_that_finds_the_database_locked_answers_503_and_saves_nothing(database: Path):
    """A login (which writes) while someone else holds the write lock past the wait."""
    script = textwrap.dedent("""
        import django, os
        os.environ["DJANGO_SETTINGS_MODULE"] = "sanctuary.settings"
        django.setup()
        from django.test import Client
        response = Client(raise_request_exception=False).post(
            "/accounts/login/", {"username": "amina", "password": "a strong enough passphrase"})
        print(response.status_code, response.get("Retry-After"), "busy" in response.content.decode())
    """)
    holder = sqlite3.connect(database / "busy.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    result: dict[str, subprocess.CompletedProcess[str]] = {}

    def log_in() -> None:
        result["run"] = subprocess.run(
            [sys.executable, "-c", script],
            env=environment(database, SQLITE_BUSY_SECONDS="1", AXES_ENABLED="false"),
            capture_output=True, text=True, timeout=60,
        )

    thread = threading.Thread(target=log_in)
    thread.start()
    thread.join(timeout=90)
    holder.execute("ROLLBACK")
    holder.close()
    assert result["run"].stdout.split() == ["503", "10", "True"], result["run"].stderr[-2000:]
