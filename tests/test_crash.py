"""Acknowledged writes survive a killed server.

A real server (`sanctuary demo`: gunicorn, two workers) takes writes through the site form and
the API from three clients at once; it is killed with SIGKILL mid-stream, every process of it,
and started again. Then every write the server acknowledged is in the database, each site holds
the last value acknowledged for it (or the one that was in flight when the server died), and
every audit record of those sites is one of the writes, once, in the order they were made.

SQLite in WAL mode (synchronous=NORMAL keeps every commit across a crash of the process, which
is what this is; a power cut could lose the last commits: docs/deploy.md) and PostgreSQL.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

from tests.test_production_server import free_port
from tests.workspaces import query, workspace

__all__ = ["workspace"]  # the fixture, used by the test below

KILL_AFTER_WRITES = 40


def start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    clean.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "sanctuary.cli", "demo"],
        env={**clean, **env, "PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: one SIGKILL reaches every worker
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                raise AssertionError("the server stopped while starting") from None
            time.sleep(0.3)
    raise AssertionError("the server did not answer within 90 s")


def kill(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


class FormFields(HTMLParser):
    """The values a browser would send with the page's form that posts to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("method", "").lower() == "post" and a.get("action", "") in {
                "", self.action
            }
        elif tag == "option" and self.inside and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif not self.inside or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # a browser drops the one newline that follows <textarea>
            self.fields[self._textarea] += data.removeprefix("\n") if not self.fields[
                self._textarea] else data


@dataclass
class Writer:
    """One client writing the notes of one site again and again."""

    site: int
    channel: str  # "form" or "api"
    acknowledged: list[str] = field(default_factory=list)
    in_flight: str | None = None
    stopped_by: str = ""


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.landed_on = ""

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken") or ""

    def open(self, path: str, data: dict[str, str] | bytes | None = None, method: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(
            self.base + path, data=body, method=method, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                self.landed_on = urllib.parse.urlparse(response.url).path
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str) -> None:
        self.open("/accounts/login/")
        status, _ = self.open("/accounts/login/", {
            "username": username, "password": "demo-only", "csrfmiddlewaretoken": self.csrf(),
        })
        assert status == 200, status


def write_until_stopped(session: Session, token: str, writer: Writer, stop: threading.Event):
    number = 0
    while not stop.is_set():
        number += 1
        value = f"{writer.channel} write {number} to site {writer.site}"
        writer.in_flight = value
        try:
            if writer.channel == "api":
                status, _ = session.open(
                    f"/api/sites/{writer.site}", json.dumps({"notes": value}).encode(), "PATCH",
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                )
                done = status == 200
            else:
                edit = f"/sites/{writer.site}/edit/"
                status, page = session.open(edit)
                if status != 200:
                    return
                form = FormFields(edit)
                form.feed(page)
                status, _ = session.open(edit, {**form.fields, "notes": value})
                # saved: the form redirects to the site's page (an error shows the form again)
                done = status == 200 and session.landed_on == f"/sites/{writer.site}/"
        except OSError:
            return  # the server is gone; what was in flight may or may not have landed
        if not done:
            writer.stopped_by = f"{status} at {session.landed_on}"
            return
        writer.acknowledged.append(value)
        writer.in_flight = None


def test_writes_acknowledged_before_a_sigkill_are_all_there(workspace: dict[str, str]):
    port = free_port()
    server = start(workspace, port)
    try:
        session = Session(f"http://127.0.0.1:{port}")
        session.log_in("contact-a")
        status, page = session.open(
            "/accounts/tokens/", {"name": "crash test", "csrfmiddlewaretoken": session.csrf()}
        )
        token = re.search(r"sct_[A-Za-z0-9_\-]+", page).group(0)  # type: ignore[union-attr]
        status, listing = session.open("/api/sites", headers={"Authorization": f"Bearer {token}"})
        sites = [site["id"] for site in json.loads(listing)["items"]]
        assert len(sites) == 3, sites  # the demo's first mosque committee runs three
        writers = [Writer(site, channel) for site, channel in zip(
            sites, ["api", "form", "api"], strict=True
        )]
        sessions = [Session(session.base) for _ in writers]  # each client its own browser
        for own in sessions:
            own.log_in("contact-a")
        stop = threading.Event()
        threads = [
            threading.Thread(target=write_until_stopped, args=(own, token, writer, stop))
            for writer, own in zip(writers, sessions, strict=True)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while sum(len(w.acknowledged) for w in writers) < KILL_AFTER_WRITES:
            assert time.monotonic() < deadline, "the writes did not get going"
            assert all(thread.is_alive() for thread in threads), [
                f"{w.channel} writer of site {w.site} stopped by {w.stopped_by}"
                for w in writers if w.stopped_by
            ]
            time.sleep(0.05)
        kill(server)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        if server.poll() is None:
            kill(server)

    server = start(workspace, port)  # starts again on what the killed one left
    kill(server)

    for writer in writers:
        assert writer.acknowledged, f"site {writer.site} had no acknowledged write"
        (notes,), = query(workspace, "SELECT notes FROM registry_site WHERE id = %s", (writer.site,))
        assert notes in {writer.acknowledged[-1], writer.in_flight}, (writer, notes)
        audited = [
            (json.loads(after) if isinstance(after, str) else after or {}).get("notes")
            for (after,) in query(
                workspace,
                "SELECT after FROM audit_auditevent WHERE object_type = 'registry.site' "
                "AND object_id = %s ORDER BY id",
                (str(writer.site),),
            )
        ]
        written = [value for value in audited if value and " write " in value]
        assert written[: len(writer.acknowledged)] == writer.acknowledged
        assert written[len(writer.acknowledged):] in ([], [writer.in_flight])
        assert written[-1] == notes
