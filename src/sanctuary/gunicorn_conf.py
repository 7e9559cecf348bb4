"""gunicorn settings for `sanctuary serve` and `sanctuary demo` (passed with --config)."""

from __future__ import annotations

import os
from typing import Any

# Load the application (Django, every app, the routes, the base templates: sanctuary.wsgi warms
# them) once in the master before the workers fork: no worker, and so no person's first page,
# pays those imports, and "Serving on" is said only when a page can be answered at once.
preload_app = True


def when_ready(server: Any) -> None:
    """Say where the site is served once gunicorn listens with the application loaded."""
    message = os.environ.get("SANCTUARY_SERVING_MESSAGE")
    if message:
        print(message, flush=True)
