"""Load benchmark: a real server under simulated people, at national scale, on PostgreSQL.

    .venv/bin/python bench/bench_load.py [--database postgres://postgres@127.0.0.1:5432/sanctuary_national]
                                         [--users 20] [--seconds 120] [--workers 3]

1. Builds the synthetic country (`sanctuary demo --national`: 350 areas, 50,000 sites, 3,000
   organisations, 10,000 people) in the given PostgreSQL database if it is empty; kept for the
   next run.
2. Starts gunicorn as `sanctuary serve` does (--workers, 4 threads each) on the loopback address.
3. Runs locust headless (bench/load/locustfile.py): half the users are the police supervisor
   whose division covers the fewest areas, half the national administrator; each logs in,
   then reads the map, the site list, site pages, the week view, the heat map, /api/sites and
   a day of /api/gatherings, waiting 1–3 s between pages as a reader does.
4. Prints, per page, requests, failures, median, p95 and p99 in ms (docs/benchmarks.md,
   "## Load").

The server runs in demo mode (SANCTUARY_DEMO=true) only so that the synthetic people log in
without a second factor; everything else is as in production: DEBUG off, PostgreSQL, several
processes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/sanctuary_national"


def _connect(url: str, database: str | None = None) -> psycopg.Connection:
    conninfo = url.replace("postgres://", "postgresql://")
    if database:
        conninfo = conninfo.rsplit("/", 1)[0] + f"/{database}"
    return psycopg.connect(conninfo, autocommit=True)


def ensure_country(url: str, env: dict[str, str]) -> None:
    name = url.rsplit("/", 1)[1]
    with _connect(url, "postgres") as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            server.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "sanctuary.cli", "demo", "--national", "--no-serve"],
        env=env, check=True,
    )
    print(f"country ready in {time.monotonic() - started:.0f} s", file=sys.stderr)


def people(url: str) -> tuple[str, int, str, list[str]]:
    with _connect(url) as db:
        supervisor, areas = db.execute(
            """SELECT u.username, COUNT(oa.area_id) FROM access_membership m
               JOIN access_user u ON u.id = m.user_id
               JOIN registry_organisation_areas oa ON oa.organisation_id = m.organisation_id
               WHERE m.role = 'police_supervisor' GROUP BY u.username ORDER BY 2, 1 LIMIT 1"""
        ).fetchone()
        (national,) = db.execute(
            "SELECT u.username FROM access_membership m JOIN access_user u ON u.id = m.user_id "
            "WHERE m.role = 'national_admin' ORDER BY u.username LIMIT 1"
        ).fetchone()
        codes = [row[0] for row in db.execute("SELECT code FROM registry_area ORDER BY code")]
    return supervisor, areas, national, codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sanctuary.wsgi:application",
         "--config", "python:sanctuary.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", "4", "--no-control-socket"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def log_in_once(port: int, username: str) -> None:
    """A first login of each account before the load: it may upgrade the stored password hash,
    which ends the sessions made with the old one (as a password change does), and the ten
    simulated people who share an account would log each other out."""
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}/accounts/login/"
    opener.open(base, timeout=30)
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = {"username": username, "password": "demo-only", "csrfmiddlewaretoken": token}
    opener.open(base, urllib.parse.urlencode(form).encode(), timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="sanctuary-load-"))
    env = {**os.environ, "DATABASE_URL": args.database, "SANCTUARY_DATA_DIR": str(data),
           "SANCTUARY_DEMO": "true", "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    ensure_country(args.database, env)
    supervisor, supervisor_areas, national, codes = people(args.database)
    port = free_port()
    server = serve(env, port, args.workers)
    for username in (supervisor, national):
        log_in_once(port, username)
    stats = data / "locust"
    try:
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", str(args.users),
             "--run-time", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
             "--csv", str(stats), "--only-summary", "--loglevel", "WARNING"],
            env={**env, "LOAD_SUPERVISOR": supervisor, "LOAD_NATIONAL": national,
                 "LOAD_AREAS": json.dumps(codes[:40])},
            check=False,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    print(f"\n{args.users} users ({supervisor}, whose division covers {supervisor_areas} areas, "
          f"and {national}), {args.seconds} s, {args.workers} gunicorn workers × 4 threads\n")
    print("| page | requests | failures | median ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    with open(f"{stats}_stats.csv") as file:
        for row in csv.DictReader(file):
            print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                  f"{row['50%']} | {row['95%']} | {row['99%']} |")


if __name__ == "__main__":
    main()
