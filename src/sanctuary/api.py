"""The JSON API: django-ninja, OpenAPI 3.1 at /api/openapi.json, session or bearer-token auth.

Each domain keeps its endpoints in its own `api.py` router; this module only assembles them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer, SessionAuth

from sanctuary.access import services as access_services
from sanctuary.access.policy import NotFound
from sanctuary.alerts.api import router as alerts_router
from sanctuary.calendars.api import router as calendars_router
from sanctuary.fund.api import router as fund_router
from sanctuary.fund.awards_api import router as fund_awards_router
from sanctuary.incidents.api import router as incidents_router
from sanctuary.overview.api import router as overview_router
from sanctuary.partnership.api import router as partnership_router
from sanctuary.patrols.api import router as patrols_router
from sanctuary.registry.api import router as registry_router
from sanctuary.surveys.api import router as surveys_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sct_…` with a token made on the account's API tokens page."""

    openapi_description = "A personal API token from /accounts/tokens/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = access_services.authenticate_token(token)
        if user is not None:
            request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The browser's logged-in session; writes need the CSRF token, as on the pages."""


class VendoredSwaggerUI(DocsBase):
    """/api/docs: Swagger UI from our own static files (no CDN), started by a static script
    (no inline script), so that it works under the Content Security Policy. Requests made from it
    use the reader's session, and so their access, like the pages."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # the page is for people logged in; the schema (openapi.json) stays open, as before
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "api_docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)})


api = NinjaAPI(
    title="Sanctuary API",
    version="1",
    description=(
        "The partnership workspace's API. Every endpoint applies the same need-to-know rules as "
        "the pages (docs/access.md): an object you may not see answers 404, like a missing one."
    ),
    auth=[TokenAuth(), SessionWithCsrf()],
    docs=VendoredSwaggerUI(),
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/", registry_router)
api.add_router("/", calendars_router)
api.add_router("/", incidents_router)
api.add_router("/", surveys_router)
api.add_router("/", patrols_router)
api.add_router("/", alerts_router)
api.add_router("/", partnership_router)
api.add_router("/", overview_router)
api.add_router("/", fund_router)
api.add_router("/", fund_awards_router)



@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, error: NotFound) -> HttpResponse:
    """Missing, or not yours: the same answer."""
    return api.create_response(request, {"detail": str(error)}, status=404)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """Say which field is wrong and why, in the same shape as a model validation failure."""
    problems = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in {"body", "query", "path"}]
        if location and location[0] in {"changes", "filters", "report", "message"}:
            location = location[1:]
        problems.append({"field": ".".join(location) or "request", "message": item.get("msg", "")})
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": problems}, status=422
    )
