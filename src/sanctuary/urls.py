"""The routes: each app's own `urls.py`, and the API assembled in `sanctuary.api`."""

from django.urls import include, path
from django.views.generic import RedirectView

from sanctuary.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="site_map"), name="home"),
    path("", include("sanctuary.access.urls")),
    path("", include("sanctuary.audit.urls")),
    path("", include("sanctuary.registry.urls")),
    path("", include("sanctuary.calendars.urls")),
    path("", include("sanctuary.patrols.urls")),
    path("api/", api.urls),
]

handler500 = "sanctuary.middleware.server_error"
