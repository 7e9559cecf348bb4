"""gunicorn settings for `sanctuary serve` and `sanctuary demo` (passed with --config)."""

from __future__ import annotations

import os
from typing import Any


def when_ready(server: Any) -> None:
    """Say where the site is served once gunicorn listens, not before."""
    message = os.environ.get("SANCTUARY_SERVING_MESSAGE")
    if message:
        print(message, flush=True)
