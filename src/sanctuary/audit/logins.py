"""Logins, logouts and failed logins, recorded from Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import signals
from django.http import HttpRequest

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action
from sanctuary.audit.services import record


def _as(user: Any, request: HttpRequest | None) -> Actor:
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    return Actor.person(user, Channel.PAGE, address or None)


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Action.LOGIN, actor=_as(user, request), obj=user)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Action.LOGOUT, actor=_as(user, request), obj=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(
        Action.LOGIN_FAILED,
        actor=_as(None, request),
        object_type="access.user",
        object_repr=username,
        detail={"username": username},
    )


def connect() -> None:
    signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    signals.user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
