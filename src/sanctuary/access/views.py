"""Account pages (two-factor, API tokens) and, for administrators, people and their roles."""

from __future__ import annotations

import base64
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access import policy, services
from sanctuary.access.forms import (
    ApiTokenForm,
    MembershipForm,
    NewPersonForm,
    PersonForm,
    TokenForm,
)
from sanctuary.access.models import ApiToken, Membership, User


class AuditedPasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(self.request, form.user, how="changed by its owner")
        return response


class AuditedPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(self.request, form.user, how="reset by e-mail link")
        return response


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline in HTML: no XML declaration


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app on first use, then ask for its code at every login."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes: wait a few seconds, then try again.")
        elif device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                services.confirm_second_factor(request, device)
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
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        new_key = services.issue_token(request, form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)  # type: ignore[misc]
    return render(
        request, "access/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(
        user=request.user, pk=token_id, revoked_at__isnull=True  # type: ignore[misc]
    ).first()
    if token is None:
        raise Http404("No such token.")
    services.revoke_token(request, token)
    messages.success(request, f"Revoked {token.name}.")
    return redirect("api_tokens")


def _require_manager(request: HttpRequest) -> None:
    if not policy.manages_people(request.user):
        raise PermissionDenied


@login_required
def people(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    persons = User.objects.prefetch_related("memberships__organisation")
    return render(request, "access/people.html", {"people": persons})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.save_person(request, form)
        messages.success(request, f"Added {person}. Now give them a role.")
        return redirect("person_edit", person_id=person.pk)
    return render(request, "access/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    _require_manager(request)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    membership_form = MembershipForm(
        request.POST if "add_role" in request.POST else None, prefix="role"
    )
    if request.method == "POST":
        if "add_role" in request.POST:
            membership_form.instance.user = person
            if membership_form.is_valid():
                services.add_membership(request, membership_form, person)
                messages.success(request, "Role added.")
                return redirect("person_edit", person_id=person.pk)
        elif form.is_valid():
            services.save_person(request, form)
            messages.success(request, f"Saved {person}.")
            return redirect("people")
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
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    _require_manager(request)
    membership = Membership.objects.filter(pk=membership_id).select_related("user").first()
    if membership is None:
        raise Http404("No such role.")
    services.remove_membership(request, membership)
    messages.success(request, "Role removed.")
    return redirect("person_edit", person_id=membership.user_id)
