"""Log filters named in settings.LOGGING. Imports nothing of ours: logging is configured before
the apps are loaded."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Paths whose next part is a credential, never written to a log: an e-mailed link's token, a
# reporter's tracking key, a personal calendar feed's key (calendar apps fetch it every hour, so
# an access log would otherwise hold every feed's key many times over).
SECRET_PATHS = (
    "/alerts/link/",
    "/report/track/",
    "/calendar/feeds/",
    "/patrols/rota/",
    "/partnership/feeds/",
)


def redact(text: str, prefixes: Iterable[str] = SECRET_PATHS) -> str:
    """The text with the credential after each secret path replaced by "…"."""
    for prefix in prefixes:
        text = re.sub(re.escape(prefix) + r"[^/?#\s\"']*", prefix + "…", text)
    return text


class OneLineForbidden(logging.Filter):
    """A refusal (403) is an answer, not a fault: Django logs it with the PermissionDenied's
    traceback; keep the one line ("Forbidden (Permission denied): /people/") and drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


class RedactSecretPaths(logging.Filter):
    """Django logs a path with a 404, a 405 and a refused CSRF check ("Not Found: /alerts/link/…/"):
    the token of a link is a credential, and a log is read by more people than hold it."""

    def __init__(self, prefixes: Iterable[str] = SECRET_PATHS) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, self.prefixes)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
