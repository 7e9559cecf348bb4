from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sanctuary.access.menu import links_for
from sanctuary.access.policy import grants_for


def sanctuary(request: HttpRequest) -> dict[str, Any]:
    grants = grants_for(getattr(request, "user", None))
    return {
        "demo_mode": settings.SANCTUARY_DEMO,
        "is_programme_admin": grants.is_admin,
        "main_menu": links_for(grants, getattr(request, "path", "")),
    }
