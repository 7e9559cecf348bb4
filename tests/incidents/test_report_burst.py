"""A burst of public reports against a real server that is killed mid-burst: every report that
was acknowledged with a reference is in the database afterwards, and none is stored twice.

50 clients send 1,000 reports through `/report/` to `sanctuary serve` (gunicorn, 2 workers of
4 threads) on the loopback address. When a third are acknowledged the server's process group is
killed with SIGKILL, and started again a second later. A client whose request failed (the
connection refused or cut) sends the same form again, with the same one-time key, until it is
acknowledged — as a phone's browser would on a retry.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

CLIENTS = 50
REPORTS = 1000
KILL_AFTER = REPORTS // 3
SANCTUARY = [sys.executable, "-m", "sanctuary.cli"]
REFERENCE = re.compile(r'class="reference">(SR-[A-Z0-9]{4}-[A-Z0-9]{4})<')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AREA = re.compile(r'<option value="(\d+)">Burstborough</option>')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    clean.pop("DATABASE_URL", None)
    return {
        **clean,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{folder / 'burst.sqlite3'}",
        "SANCTUARY_DATA_DIR": str(folder),
        "SANCTUARY_REPORT_LIMIT_PER_ADDRESS": "1000000",  # one address here plays 50 people
    }


class Server:
    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port, self.process = env, port, None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own command)
            [*SANCTUARY, "serve", "--bind", f"127.0.0.1:{self.port}"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/report/", timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)  # the master and its workers, no goodbye
        self.process.wait()
        for _ in range(100):  # the port is free once every worker is gone
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.1)
            except OSError:
                return


def test_every_acknowledged_report_survives_a_killed_server_once(tmp_path: Path):
    env = environment(tmp_path)
    migrated = subprocess.run([*SANCTUARY, "migrate"], env=env, capture_output=True, text=True, timeout=180)
    assert migrated.returncode == 0, migrated.stderr
    database = sqlite3.connect(tmp_path / "burst.sqlite3")
    database.execute("INSERT INTO registry_area (name, code) VALUES ('Burstborough', 'E09999999')")
    database.commit()
    port = free_port()
    server = Server(env, port)
    server.start()
    base = f"http://127.0.0.1:{port}"
    acknowledged: dict[str, str] = {}  # one-time key -> the reference the server answered
    lock = threading.Lock()
    retries = [0]
    killed = threading.Event()

    def client(number: int) -> None:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = area = None
        for n in range(REPORTS // CLIENTS):
            key = f"burst-{number}-{n}-{secrets.token_hex(4)}"
            for _attempt in range(400):
                try:
                    if token is None:
                        with opener.open(f"{base}/report/", timeout=20) as form:
                            page = form.read().decode()
                        token, area = TOKEN.search(page).group(1), AREA.search(page).group(1)
                    body = urllib.parse.urlencode({
                        "csrfmiddlewaretoken": token, "category": "threats", "occurred_on": "2026-11-01",
                        "area": area, "description": f"Burst report {key}", "anonymous": "yes",
                        "submission": key,
                    }).encode()
                    request = urllib.request.Request(f"{base}/report/", data=body, headers={"Referer": f"{base}/report/"})
                    with opener.open(request, timeout=20) as answer:  # follows to the thanks page
                        found = REFERENCE.search(answer.read().decode())
                    assert found is not None, "a thanks page without a reference"
                    with lock:
                        acknowledged[key] = found.group(1)
                    break
                except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError):
                    with lock:
                        retries[0] += 1
                    time.sleep(0.2)
            else:
                raise AssertionError(f"{key} was never acknowledged")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while len(acknowledged) < KILL_AFTER:
        time.sleep(0.05)
    server.kill()
    killed.set()
    time.sleep(1)
    server.start()
    for thread in threads:
        thread.join(timeout=600)
    took = time.monotonic() - started
    server.kill()

    assert len(acknowledged) == REPORTS
    references = list(acknowledged.values())
    assert len(set(references)) == REPORTS, "two reports got the same reference"
    stored = dict(database.execute("SELECT reference, count(*) FROM incidents_incident GROUP BY reference"))
    missing = [r for r in references if r not in stored]
    assert missing == [], f"{len(missing)} acknowledged reports are not in the database"
    assert database.execute("SELECT count(*) FROM incidents_incident").fetchone()[0] == REPORTS, (
        "a report was stored twice"
    )
    assert database.execute("SELECT count(*) FROM incidents_report").fetchone()[0] == REPORTS
    print(f"{REPORTS} reports from {CLIENTS} clients in {took:.0f} s, {retries[0]} retries after the kill")
