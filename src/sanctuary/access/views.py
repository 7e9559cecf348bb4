"""Account pages (two factors, password, API tokens) and, for administrators, people and roles."""

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
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from sanctuary.access import policy, services, throttle
from sanctuary.access.actor import Actor, Channel
from sanctuary.access.forms import (
    ApiTokenForm,
    MembershipForm,
    NewPersonForm,
    PasswordChangeForm,
    PersonForm,
    TokenForm,
)
from sanctuary.access.models import User

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
        return super().form_valid(form)


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset suggests the password was lost or known to someone else: everything else ends."""

    def form_valid(self, form: Any) -> HttpResponse:
        # nobody is logged in: the person acting is the one whose link this is
        actor = Actor.person(form.user, Channel.PAGE, self.request.META.get("REMOTE_ADDR"))
        services.end_credentials(actor, form.user, "password reset by e-mail link")
        response = super().form_valid(form)
        services.record_password_change(actor, form.user, how="reset by e-mail link")
        return response


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
            return redirect("home")
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


def _require_manager(actor: Actor) -> None:
    """The people pages are a function, not an object: without it they answer 403."""
    if not policy.manages_people(actor):
        raise PermissionDenied


@login_required
def people(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _require_manager(actor)
    persons = policy.visible_people(actor).prefetch_related("memberships__organisation")
    return render(request, "access/people.html", {"people": persons})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _require_manager(actor)
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.save_person(actor, form)
        messages.success(request, f"Added {person}. Now give them a role.")
        return redirect("person_edit", person_id=person.pk)
    return render(request, "access/person_form.html", {"form": form, "person": None})


def _person_page(
    request: HttpRequest, person: User, form: PersonForm, membership_form: MembershipForm
) -> HttpResponse:
    return render(
        request,
        "access/person_form.html",
        {
            "form": form,
            "person": person,
            "membership_form": membership_form,
            "memberships": person.memberships.select_related("organisation"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = Actor.of(request)
    person = policy.get_person(actor, person_id)
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    if request.method == "POST" and form.is_valid():
        services.save_person(actor, form)
        messages.success(request, f"Saved {person}.")
        return redirect("people")
    return _person_page(request, person, form, MembershipForm(prefix="role"))


@login_required
@require_POST
def membership_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """The role form posts here, apart from the person form: a refused role leaves the person's
    details on the page as they are saved."""
    actor = Actor.of(request)
    person = policy.get_person(actor, person_id)
    membership_form = MembershipForm(request.POST, prefix="role")
    membership_form.instance.user = person
    if membership_form.is_valid():
        services.add_membership(actor, membership_form, person)
        messages.success(request, "Role added.")
        return redirect("person_edit", person_id=person.pk)
    form = PersonForm(instance=person, prefix="person")
    return _person_page(request, person, form, membership_form)


@login_required
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = Actor.of(request)
    membership = policy.get_membership(actor, membership_id)
    services.remove_membership(actor, membership)
    messages.success(request, "Role removed.")
    return redirect("person_edit", person_id=membership.user_id)
