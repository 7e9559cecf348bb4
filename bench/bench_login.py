"""Benchmark: logging in to the demo, from the button to the first page, as a person would.

Starts `sanctuary demo` (gunicorn, as `scripts/demo` does) on a database of its own, waits for
its "Serving on …" line, then logs in as each demo account in turn with a fresh browser-like
client (a cookie jar; the login form's CSRF token): the time is the POST of the form plus the
redirects to the first page (the map), as the person waits for it.

    .venv/bin/python bench/bench_login.py --data-dir /tmp/login-bench [--runs 12] [--reset]

Also prints how long after "Serving on" the first page answered (it should be at once).
Results go in docs/benchmarks.md ("## Logging in").
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = ["police", "admin", "contact-a", "coordinator", "officer", "adviser"]


def _client() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def log_in(base: str, username: str) -> tuple[float, float]:
    """(seconds for the login page, seconds from pressing the button to the first page)."""
    client = _client()
    started = time.perf_counter()
    page = client.open(f"{base}/accounts/login/", timeout=30).read().decode()
    shown = time.perf_counter() - started
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": "demo-only"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    started = time.perf_counter()
    with client.open(request, timeout=60) as response:
        response.read()
        final = response.geturl()
    seconds = time.perf_counter() - started
    if "/login" in final:
        raise SystemExit(f"logging in as {username} failed (ended on {final})")
    return shown, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--reset", action="store_true", help="build the demo afresh")
    args = parser.parse_args()
    env = dict(os.environ, SANCTUARY_DATA_DIR=str(args.data_dir), PORT=str(args.port))
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "sanctuary.cli", "demo"] + (["--reset"] if args.reset else [])
    started = time.perf_counter()
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Serving on"):
                break
        else:
            raise SystemExit("the demo stopped before serving")
        said = time.perf_counter()
        print(f"'Serving on' after {said - started:.1f} s")
        first_shown, first_login = log_in(base, ACCOUNTS[0])
        print(
            f"first login page answered {time.perf_counter() - said - first_login:.2f} s after "
            f"'Serving on' (page {first_shown:.3f} s); first login {first_login:.3f} s"
        )
        times = []
        for run in range(args.runs):
            _, seconds = log_in(base, ACCOUNTS[(run + 1) % len(ACCOUNTS)])
            times.append(seconds)
        print(
            f"later logins ({args.runs}): min {min(times):.3f} s, median "
            f"{statistics.median(times):.3f} s, max {max(times):.3f} s"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
