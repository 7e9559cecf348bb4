"""The WSGI application. In production it refuses to load with an unsafe configuration, so a
gunicorn started by hand is held to the same rules as `sanctuary serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
application = get_wsgi_application()

from sanctuary.access.checks import refuse_unsafe_production  # noqa: E402 (needs Django set up)

refuse_unsafe_production()


def warm() -> None:
    """Import what the first request would: every route's views (the URL resolver loads them
    lazily) and the API; compile the templates every page extends. No database is touched, so
    that gunicorn's preloading master holds no connection its workers would share."""
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views and the API)
    for name in ("base.html", "registration/login.html", "form_fields.html"):
        get_template(name)
    connections.close_all()


warm()
