"""Log filters named in settings.LOGGING. Imports nothing of ours: logging is configured before
the apps are loaded."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """A refusal (403) is an answer, not a fault: Django logs it with the PermissionDenied's
    traceback; keep the one line ("Forbidden (Permission denied): /people/") and drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
