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


@transaction.atomic
def save_person(request: HttpRequest, form: ModelForm) -> User:
    """Save a person; deactivating them also ends their sessions, tokens and feeds."""
    person = form.instance
    was_active = person.pk is not None and User.objects.get(pk=person.pk).is_active
    saved = save_form(request, form)
    if was_active and not saved.is_active:
        end_credentials_now(request, saved, "deactivated by an administrator")
    return saved


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
    end_credentials_now(request, membership.user, f"role removed: {before['role']}")


@transaction.atomic
def issue_token(request: HttpRequest, name: str) -> str:
    user = request.user
    verified = getattr(user, "is_verified", None)
    second_factor = bool(verified is not None and verified())
    token, key = ApiToken.issue(user, name, second_factor=second_factor)  # type: ignore[arg-type]
    record(
        Action.CREATE,
        obj=token,
        after={"name": name, "prefix": token.prefix, "second_factor": second_factor},
        request=request,
    )
    return key


def end_credentials(request: HttpRequest | None, person: User, reason: str) -> None:
    """End every session, API token and calendar feed of `person` (see User.credentials_epoch).

    The caller saves `person` (a password change saves it anyway); the session that asked, if
    it is the person's own, is kept alive by Django's update_session_auth_hash afterwards."""
    person.credentials_epoch += 1
    record(
        Action.UPDATE,
        obj=person,
        object_repr=f"sessions, API tokens and calendar feeds of {person}",
        detail={"ended": reason},
        request=request,
    )


@transaction.atomic
def end_credentials_now(request: HttpRequest | None, person: User, reason: str) -> None:
    end_credentials(request, person, reason)
    User.objects.filter(pk=person.pk).update(credentials_epoch=person.credentials_epoch)


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
