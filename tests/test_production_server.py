"""The production server starts from what the repository holds, serves pages and static files,
and stops when told to.

The copy is made from `git ls-files`: exactly what a fresh clone holds, so a vendored file that
names a file nobody committed (leaflet.js's source map did) fails here as it would in production.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a file deleted but not yet committed is simply not there
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read()}")  # type: ignore[union-attr]
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer within a minute")


def serving_said(process: subprocess.Popen, seconds: float = 90) -> str:
    """The server's "Serving on …" line, read from its output as an operator would see it."""
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("Serving on"):
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    said = [line for line in lines if line.startswith("Serving on")]
    assert said, f"the server never said it was serving: {''.join(lines)}"
    return said[0].strip()


def gunicorn_processes(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "gunicorn" in command and marker in (entry / "environ").read_bytes().decode(
                errors="replace"
            ):
                found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("production")
    checkout = fresh_copy(folder / "checkout")
    marker = secrets.token_hex(8)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SANCTUARY_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'prod.sqlite3'}",
        SANCTUARY_DATA_DIR=str(folder / "var"),
        PYTHONPATH=str(checkout / "src"),
        SANCTUARY_TEST_MARKER=marker,
    )
    command = [sys.executable, "-m", "sanctuary.cli"]
    migrated = subprocess.run(command + ["migrate"], env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    server = subprocess.Popen(
        command + ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        served = serving_said(server)
        first = time.monotonic()
        status, _ = fetch(f"{base}/accounts/login/")
        answered = time.monotonic() - first
        wait_for(f"{base}/accounts/login/", server)
        yield base, server, marker, folder, served, (status, answered)
    finally:
        if server.poll() is None:
            server.kill()


def test_the_server_it_starts_is_the_code_of_the_fresh_copy(production_server):
    base, server, marker, folder, *_ = production_server
    assert gunicorn_processes(marker), "no gunicorn process carries this test's environment"


def test_serving_on_is_said_when_the_first_page_answers_at_once(production_server):
    base, server, marker, folder, served, (status, seconds) = production_server
    assert served == f"Serving on {base}"
    # The application is loaded before the line (gunicorn preloads it and sanctuary.wsgi warms
    # the routes and templates): the first page does not wait for a worker to import Django.
    assert status == 200 and seconds < 1.5, (status, seconds)


def test_production_serves_the_login_page_and_its_static_files(production_server):
    base, *_ = production_server
    status, body = fetch(f"{base}/accounts/login/")
    assert status == 200
    page = body.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert assets, "the login page links no static files"
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.", asset), f"{asset} is not a hashed production name"
        status, content = fetch(base + asset)
        assert (status, bool(content)) == (200, True), asset


def test_every_vendored_file_is_served_in_production(production_server):
    base, server, marker, folder, *_ = production_server
    manifest = json.loads((folder / "var" / "static" / "staticfiles.json").read_text())
    vendored = {k: v for k, v in manifest["paths"].items() if k.startswith("vendor/")}
    assert "vendor/leaflet-1.9.4/leaflet.js" in vendored
    for hashed in vendored.values():
        status, _ = fetch(f"{base}/static/{hashed}")
        assert status == 200, hashed


def test_a_connection_left_idle_between_pages_is_still_answered(production_server):
    # (As behind the TLS proxy.) A reverse proxy, a browser and the load benchmark's simulated people keep a connection
    # open between pages. Had the server closed it after a short idle time (gunicorn's default
    # is 2 s), the next request could cross the close and be reset: a 502 at the proxy.
    base, *_ = production_server
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        for pause in (0, 4, 4):
            time.sleep(pause)
            connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200
            assert answer.getheader("Connection", "").lower() != "close"
    finally:
        connection.close()


def test_a_sigterm_to_the_command_stops_the_whole_server(production_server):
    base, server, marker, folder, *_ = production_server
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    deadline = time.monotonic() + 15
    while gunicorn_processes(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert gunicorn_processes(marker) == []
    with pytest.raises(OSError):
        fetch(f"{base}/accounts/login/")
