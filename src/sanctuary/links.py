"""Full addresses for links that leave Sanctuary in an e-mail, read on a phone far from any
request: built on SANCTUARY_PUBLIC_URL (settings)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str, request_url: str = "") -> str:
    """`path` ("/fund/awards/3/") as a full address: on SANCTUARY_PUBLIC_URL when it is set;
    else on `request_url` (`request.build_absolute_uri("/")`) when the mail was made while
    handling a request; else the path alone (a command or a job, with nothing to go on)."""
    base = (settings.SANCTUARY_PUBLIC_URL or request_url).rstrip("/")
    if not base:
        return path
    return base + "/" + path.lstrip("/")
