"""Staff must pass two-factor authentication before anything but the account pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from sanctuary.access.policy import grants_for

OPEN_PREFIXES = ("/accounts/", "/static/")


def needs_second_factor(request: HttpRequest) -> bool:
    user = request.user
    if not settings.SANCTUARY_REQUIRE_2FA or not user.is_authenticated:
        return False
    if not grants_for(user).is_staff_member:
        return False
    # OTPMiddleware gives the user is_verified() for this request.
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified is not None and is_verified())


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request) and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor authentication is required for staff."}, status=401
                )
            return redirect("two_factor")
        return self.get_response(request)
