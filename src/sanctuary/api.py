"""The JSON API: django-ninja, OpenAPI 3.1 at /api/openapi.json, session or bearer-token auth.

Each domain keeps its endpoints in its own `api.py` router; this module only assembles them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from sanctuary.access.models import ApiToken
from sanctuary.calendars.api import router as calendars_router
from sanctuary.registry.api import router as registry_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sct_…` with a token made on the account's API tokens page."""

    openapi_description = "A personal API token from /accounts/tokens/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.find_active(token)
        if found is None:
            return None
        # Record use at most once a minute: a busy script must not turn reads into writes.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionWithCsrf(SessionAuth):
    """The browser's logged-in session; writes need the CSRF token, as on the pages."""


api = NinjaAPI(
    title="Sanctuary API",
    version="1",
    description=(
        "The partnership workspace's API. Every endpoint applies the same need-to-know rules as "
        "the pages (docs/access.md): an object you may not see answers 404, like a missing one."
    ),
    auth=[TokenAuth(), SessionWithCsrf()],
    docs_url=None,  # the hosted docs page loads scripts from a CDN; the schema is at openapi.json
    urls_namespace="api",
)
api.add_router("/", registry_router)
api.add_router("/", calendars_router)



@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """Say which field is wrong and why, in the same shape as a model validation failure."""
    problems = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in {"body", "query", "path"}]
        if location and location[0] in {"changes", "filters"}:
            location = location[1:]
        problems.append({"field": ".".join(location) or "request", "message": item.get("msg", "")})
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": problems}, status=422
    )
