"""The WSGI application. In production it refuses to load with an unsafe configuration, so a
gunicorn started by hand is held to the same rules as `sanctuary serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanctuary.settings")
application = get_wsgi_application()

from sanctuary.access.checks import refuse_unsafe_production  # noqa: E402 (needs Django set up)

refuse_unsafe_production()
