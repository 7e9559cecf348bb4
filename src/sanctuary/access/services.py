"""Changes to people, roles and tokens: transactions that write their audit records."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access.actor import Actor
from sanctuary.access.models import ApiToken, User
from sanctuary.access.policy import grants_for
from sanctuary.audit.models import Action
from sanctuary.audit.services import record


@transaction.atomic
def issue_token(actor: Actor, name: str, *, second_factor: bool) -> str:
    """A new token for the actor; `second_factor` says whether their session passed it."""
    token, key = ApiToken.issue(actor.user, name, second_factor=second_factor)
    record(
        Action.CREATE,
        actor=actor,
        obj=token,
        after={"name": name, "prefix": token.prefix, "second_factor": second_factor},
    )
    return key


def end_credentials(actor: Actor, person: User, reason: str) -> None:
    """End every session, API token and calendar feed of `person` (see User.credentials_epoch).

    The caller saves `person` (a password change saves it anyway); the session that asked, if
    it is the person's own, is kept alive by Django's update_session_auth_hash afterwards."""
    person.credentials_epoch += 1
    record(
        Action.UPDATE,
        actor=actor,
        obj=person,
        object_repr=f"sessions, API tokens and calendar feeds of {person}",
        detail={"ended": reason},
    )


@transaction.atomic
def end_credentials_now(actor: Actor, person: User, reason: str) -> None:
    end_credentials(actor, person, reason)
    User.objects.filter(pk=person.pk).update(credentials_epoch=person.credentials_epoch)


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> None:
    token.revoke()
    assert token.revoked_at is not None
    record(Action.UPDATE, actor=actor, obj=token, after={"revoked_at": token.revoked_at.isoformat()})


def authenticator_for(user: User) -> TOTPDevice:
    """The person's authenticator app: the confirmed one, else the one being set up, else a new
    one to set up (its secret shown once, as a QR code)."""
    devices = TOTPDevice.objects.filter(user=user)
    found = devices.filter(confirmed=True).first() or devices.filter(confirmed=False).first()
    return found or devices.create(user=user, name="Authenticator app", confirmed=False)


def authenticate_token(key: str) -> User | None:
    """The person a bearer token stands for, or None: revoked, ended with its owner's other
    credentials, its owner inactive, or a staff member's token made on the password alone while
    two factors are required (docs/access.md)."""
    token = ApiToken.objects.find_active(key)
    if token is None:
        return None
    if (
        settings.SANCTUARY_REQUIRE_2FA
        and not token.second_factor
        and grants_for(token.user).is_staff_member
    ):
        return None
    # Recorded at most once a minute: a busy script must not turn every read into a write.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def confirm_second_factor(actor: Actor, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        Action.UPDATE,
        actor=actor,
        obj=device,
        object_repr=f"authenticator app of {device.user}",
        after={"confirmed": True},
    )


def record_password_change(actor: Actor, user: User, how: str) -> None:
    """The new password is never recorded, only that it changed and how."""
    record(Action.UPDATE, actor=actor, obj=user, detail={"password": how})
