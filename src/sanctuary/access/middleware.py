"""Staff must pass two-factor authentication before anything else.

A staff session that has typed only its password may complete (or, the first time, set up) its
second factor, and log out: nothing else, not its account pages, not its API tokens, not the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from sanctuary.access.policy import grants_for

# What a session that has passed only the password may reach.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "two_factor"})
STATIC_PREFIXES = ("/static/", "/favicon.ico")


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not settings.SANCTUARY_REQUIRE_2FA or not user.is_authenticated:
        return False
    if not grants_for(user).is_staff_member:
        return False
    # OTPMiddleware gives the user is_verified() for this request.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


def _open_before_second_factor(path: str) -> bool:
    if path.startswith(STATIC_PREFIXES):
        return True
    try:
        return resolve(path).url_name in OPEN_BEFORE_SECOND_FACTOR
    except Resolver404:
        return False


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request) and not _open_before_second_factor(request.path_info):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication is required for staff."}, status=401
                )
            return redirect("two_factor")
        return self.get_response(request)
