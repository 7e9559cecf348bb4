"""The routes: each app's own `urls.py`, and the API assembled in `sanctuary.api`."""

from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

from sanctuary.api import api

FAVICON = Path(__file__).resolve().parent / "static" / "favicon.ico"


@require_safe
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page says."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="site_map"), name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("sanctuary.access.urls")),
    path("", include("sanctuary.audit.urls")),
    path("", include("sanctuary.registry.urls")),
    path("", include("sanctuary.calendars.urls")),
    path("", include("sanctuary.incidents.urls")),
    path("", include("sanctuary.surveys.urls")),
    path("", include("sanctuary.patrols.urls")),
    path("", include("sanctuary.fund.awards_urls")),
    path("api/", api.urls),
]

handler500 = "sanctuary.middleware.server_error"
