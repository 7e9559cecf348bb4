"""Changes to people, roles and tokens: transactions that write their audit records."""

from __future__ import annotations

from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access.models import ApiToken, Membership, User
from sanctuary.access.policy import forget_grants
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, save_form, snapshot


def save_person(request: HttpRequest, form: ModelForm) -> User:
    return save_form(request, form)


@transaction.atomic
def add_membership(request: HttpRequest, form: ModelForm, person: User) -> Membership:
    membership = form.save(commit=False)
    membership.user = person
    membership.save()
    forget_grants(person)
    record(Action.CREATE, obj=membership, after=snapshot(membership), request=request)
    return membership


@transaction.atomic
def remove_membership(request: HttpRequest, membership: Membership) -> None:
    before = snapshot(membership)
    record(Action.DELETE, obj=membership, before=before, request=request)
    membership.delete()
    forget_grants(membership.user)


@transaction.atomic
def issue_token(request: HttpRequest, name: str) -> str:
    token, key = ApiToken.issue(request.user, name)  # type: ignore[arg-type]
    record(Action.CREATE, obj=token, after={"name": name, "prefix": token.prefix}, request=request)
    return key


@transaction.atomic
def revoke_token(request: HttpRequest, token: ApiToken) -> None:
    token.revoke()
    record(Action.UPDATE, obj=token, after={"revoked_at": token.revoked_at.isoformat()}, request=request)  # type: ignore[union-attr]


@transaction.atomic
def confirm_second_factor(request: HttpRequest, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        Action.UPDATE,
        obj=device,
        object_repr=f"authenticator app of {device.user}",
        after={"confirmed": True},
        request=request,
    )


def record_password_change(request: HttpRequest, user: User, how: str) -> None:
    """The new password is never recorded, only that it changed and how."""
    record(Action.UPDATE, actor=user, obj=user, detail={"password": how}, request=request)
