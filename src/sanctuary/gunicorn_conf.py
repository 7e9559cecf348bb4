"""gunicorn settings for `sanctuary serve` and `sanctuary demo` (passed with --config)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from gunicorn.glogging import Logger

from sanctuary.log_filters import redact

# Load the application (Django, every app, the routes, the base templates: sanctuary.wsgi warms
# them) once in the master before the workers fork: no worker, and so no person's first page,
# pays those imports, and "Serving on" is said only when a page can be answered at once.
preload_app = True

# Keep an idle connection open for 75 s (gunicorn's default is 2 s). A proxy or a load balancer
# reuses its connections to us between requests, and keeps them up to 60 s idle (nginx's
# upstream keepalive_timeout, a cloud load balancer's idle timeout): had we closed one first, a
# request crossing the close is reset and the person gets a 502. The load benchmark's three
# unexplained connection resets were this (docs/benchmarks.md, "Load"). Idle connections wait
# in the gthread worker's poller, not in a thread.
keepalive = 75


class RedactingLogger(Logger):
    """The access log (`--access-logfile -`) writes each request line and referrer: an e-mailed
    link's token (log_filters.SECRET_PATHS) is written as "…"."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        found = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in found.items()}


logger_class = RedactingLogger

# `sanctuary demo` runs the background worker (mail such as invitations, printed by the console
# e-mail backend) beside the server, started and stopped with it. Production runs
# `sanctuary worker` as a service of its own.
_worker: subprocess.Popen[bytes] | None = None


def when_ready(server: Any) -> None:
    """Say where the site is served once gunicorn listens with the application loaded (and, in
    the demo, start the worker: only now, so that a server that cannot bind leaves none behind)."""
    global _worker
    if os.environ.get("SANCTUARY_RUN_WORKER") and _worker is None:
        _worker = subprocess.Popen([sys.executable, "-m", "sanctuary.cli", "worker"])
    message = os.environ.get("SANCTUARY_SERVING_MESSAGE")
    if message:
        print(message, flush=True)


def on_exit(server: Any) -> None:
    if _worker is not None and _worker.poll() is None:
        _worker.terminate()
        try:
            _worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _worker.kill()
