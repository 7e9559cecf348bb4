"""Logins, logouts and failed logins, recorded from Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.http import HttpRequest

from sanctuary.audit.models import Action
from sanctuary.audit.services import record


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, actor=user, obj=user, request=request)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, actor=user, obj=user, request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        Action.LOGIN_FAILED,
        object_type="access.user",
        object_repr=username,
        request=request,
        detail={"username": username},
    )


def connect() -> None:
    signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
