"""Account pages: two factors, password, API tokens. (People and their roles are the registry's.)"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from sanctuary.access import policy, services, throttle
from sanctuary.access.actor import Actor, Channel
from sanctuary.access.forms import ApiTokenForm, PasswordChangeForm, TokenForm

logger = logging.getLogger(__name__)


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    """Other sessions end with the old password; tokens and feeds too, unless the owner keeps them."""

    form_class = PasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        actor = Actor.of(self.request)
        if form.cleaned_data["end_tokens_and_feeds"]:
            services.end_credentials(actor, form.user, "password changed by its owner")
        response = super().form_valid(form)  # saves the user, keeps this session
        services.record_password_change(actor, form.user, how="changed by its owner")
        return response


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """At most a few reset mails an hour per network address and per account. Past the limit the
    page says what it always says ("if an account exists, a link is on its way") and sends
    nothing, so that the limit reveals no more than the form does."""

    def form_valid(self, form: Any) -> HttpResponse:
        address = self.request.META.get("REMOTE_ADDR") or "unknown"
        email = form.cleaned_data["email"].strip().lower()
        hour = timedelta(hours=1)
        allowed = throttle.allow(
            "password-reset-address", address, settings.PASSWORD_RESETS_PER_ADDRESS, hour
        ) and throttle.allow(
            "password-reset-account", email, settings.PASSWORD_RESETS_PER_ACCOUNT, hour
        )
        if not allowed:
            logger.warning("password reset refused: too many from this address or for this account")
            return redirect(self.get_success_url())
        # the link is built on the public address when there is one, not on whatever host
        # the request named
        self.extra_email_context = {"public_url": settings.SANCTUARY_PUBLIC_URL}
        return super().form_valid(form)


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset suggests the password was lost or known to someone else: everything else ends."""

    how = "reset by e-mail link"

    def form_valid(self, form: Any) -> HttpResponse:
        # nobody is logged in: the person acting is the one whose link this is
        actor = Actor.person(form.user, Channel.PAGE, self.request.META.get("REMOTE_ADDR"))
        services.end_credentials(actor, form.user, f"password {self.how}")
        response = super().form_valid(form)
        services.record_password_change(actor, form.user, how=self.how)
        return response


class InvitationAcceptView(AuditedPasswordResetConfirmView):
    """An invitation's one-time link (Django's password-reset token): the person chooses their
    first password."""

    template_name = "registration/invitation_confirm.html"
    title = "Choose your password"
    how = "chosen through an e-mailed invitation"


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST (a link or an image must not end a session), but a person who types
    or follows /accounts/logout/ gets a page with the button, not a blank 405."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, "registration/logout.html")


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline in HTML: no XML declaration


def _session_passed_second_factor(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified is not None and verified())


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app on first use, then ask for its code at every login."""
    device = services.authenticator_for(request.user)  # type: ignore[arg-type]  # login_required
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes: wait a few seconds, then try again.")
        elif device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                services.confirm_second_factor(Actor.of(request), device)
            otp_login(request, device)
            return redirect(settings.LOGIN_REDIRECT_URL)  # where a login lands
        else:
            form.add_error("token", "That code is wrong or has expired. Try the newest one.")
    context = {"form": form, "setting_up": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 (our own SVG)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "registration/two_factor.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        new_key = services.issue_token(
            actor, form.cleaned_data["name"], second_factor=_session_passed_second_factor(request)
        )
        form = ApiTokenForm()
    tokens = policy.visible_tokens(actor)
    return render(
        request, "access/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = Actor.of(request)
    token = policy.get_token(actor, token_id)
    services.revoke_token(actor, token)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("api_tokens")


