"""Start-up checks: production mode refuses an unsafe configuration.

They run with `sanctuary check --deploy`, before `sanctuary serve` starts gunicorn, and when the
WSGI application loads; AccessConfig.ready() registers them with Django's check framework.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

MIN_SECRET_KEY_LENGTH = 50
# The demo's accounts share one published password: none may exist in production.
DEMO_USERNAMES = (
    "national",
    "admin",
    "hackney-admin",
    "police",
    "officer",
    "enforcement",
    "adviser",
    "assessor",
    "assessor-hackney",
    "coordinator",
    "contact-a",
    "contact-b",
    "hackney-contact",
    "handler",
    "hackney-handler",
    "helpline",
)


def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "DEBUG is on in production: it shows code and settings to anyone.",
                hint="Unset DEBUG (it defaults to off).",
                id="sanctuary.E001",
            )
        )
    key = settings.SECRET_KEY or ""
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        errors.append(
            checks.Error(
                f"SECRET_KEY is missing or weak: production needs at least "
                f"{MIN_SECRET_KEY_LENGTH} random characters.",
                hint='Set SECRET_KEY, e.g. python3 -c "import secrets; print(secrets.token_urlsafe(64))"',
                id="sanctuary.E002",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            checks.Error(
                "ALLOWED_HOSTS must name this server's host names in production.",
                hint="Set ALLOWED_HOSTS, e.g. sanctuary.example.gov.uk",
                id="sanctuary.E003",
            )
        )
    if settings.SANCTUARY_DEMO:
        errors.append(
            checks.Error(
                "SANCTUARY_DEMO is on in production: it waives two-factor authentication.",
                id="sanctuary.E004",
            )
        )
    if not settings.SANCTUARY_REQUIRE_2FA:
        errors.append(
            checks.Error(
                "SANCTUARY_REQUIRE_2FA is off in production: staff must use two factors.",
                id="sanctuary.E005",
            )
        )
    return errors


def check_public_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A warning, not a refusal: Sanctuary works without it, but what the worker mails (the
    partnership's reminders, the fund's maintenance notices) carries bare paths, which a
    person reading mail on a phone cannot follow."""
    if not settings.PRODUCTION or settings.DEBUG or settings.SANCTUARY_DEMO:
        return []
    if settings.SANCTUARY_PUBLIC_URL:
        return []
    return [
        checks.Warning(
            "SANCTUARY_PUBLIC_URL is not set: links in e-mails sent by the worker and by commands "
            "will be paths (/partnership/actions/12/), not addresses anyone can follow.",
            hint="Set SANCTUARY_PUBLIC_URL to the address people reach Sanctuary at, "
            "e.g. https://sanctuary.example.org",
            id="sanctuary.W001",
        )
    ]


def check_no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.PRODUCTION:
        return []
    from sanctuary.access.models import User

    try:
        present = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
    except DatabaseError as error:
        return [
            checks.Error(
                f"Cannot read the accounts to check for demo logins: {error}",
                hint="Check DATABASE_URL and run `sanctuary migrate`.",
                id="sanctuary.E007",
            )
        ]
    if present:
        return [
            checks.Error(
                f"Demo accounts are present in production: {', '.join(present)}.",
                hint="Production must start from an empty database, not the demo's.",
                id="sanctuary.E006",
            )
        ]
    return []


def refuse_unsafe_production() -> None:
    """Stop a production process at start-up, however it was started, on any error above."""
    if not settings.PRODUCTION:
        return
    from django.core.exceptions import ImproperlyConfigured

    problems = [
        message
        for message in check_production_settings() + check_no_demo_accounts()
        if message.is_serious()
    ]
    if problems:
        lines = "; ".join(f"{problem.id}: {problem.msg}" for problem in problems)
        raise ImproperlyConfigured(f"refusing to start: {lines}")
