"""Site-wide middleware that belongs to no one domain: the answers to domain errors that every
app's doors and services raise without knowing about HTTP."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from sanctuary.access.policy import NotFound

RETRY_AFTER_SECONDS = 10


def database_busy(error: BaseException) -> bool:
    """SQLite's answer when another writer held the database past the wait (settings.py)."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text)


class NotFoundMiddleware:
    """A door's NotFound (missing, or not yours) is the same 404 page as any missing page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        if isinstance(error, NotFound):
            raise Http404(str(error)) from None
        return None


class DatabaseBusyMiddleware:
    """A busy database is a moment to wait, not a server error: 503 with Retry-After and a page
    that says so, and nothing half-written (every write is one transaction)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        return busy_response(request) if database_busy(error) else None


def busy_response(request: HttpRequest) -> HttpResponse:
    message = "The database is busy with another change. Nothing was saved: try again in a moment."
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        body = render_to_string("503.html", {"message": message})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a busy database met outside a view (saving the session, say) is still a 503."""
    error = sys.exc_info()[1]
    if error is not None and database_busy(error):
        return busy_response(request)
    return HttpResponse(render_to_string("500.html"), status=500)
