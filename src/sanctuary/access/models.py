"""People and the roles they hold within organisations."""

from __future__ import annotations

import hashlib
import secrets
from typing import TypeVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class OrganisationKind(models.TextChoices):
    """The kinds of organisation a person works within; each role belongs to some of them."""

    FAITH = "faith", "Faith organisation"
    UMBRELLA = "umbrella", "Umbrella body"
    POLICE = "police", "Police unit"
    COUNCIL = "council", "Council service"
    NATIONAL = "national", "National body"  # the fund's national office, say
    REPORTING = "reporting", "Reporting organisation"  # a third-party hate-incident reporting charity


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National programme administrator"
    PROGRAMME_ADMIN = "programme_admin", "Programme administrator"
    POLICE_SUPERVISOR = "police_supervisor", "Police supervisor"
    PATROL_OFFICER = "patrol_officer", "Patrol officer"
    ENFORCEMENT_OFFICER = "enforcement_officer", "Council enforcement officer"
    SECURITY_ADVISER = "security_adviser", "Security adviser"
    GRANT_ASSESSOR = "grant_assessor", "Grant assessor"
    UMBRELLA_COORDINATOR = "umbrella_coordinator", "Umbrella coordinator"
    SITE_CONTACT = "site_contact", "Site contact"
    CASE_HANDLER = "case_handler", "Case handler"


# Which kind of organisation each role is held within.
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.NATIONAL_ADMIN: {OrganisationKind.NATIONAL},
    Role.PROGRAMME_ADMIN: {OrganisationKind.COUNCIL},
    Role.POLICE_SUPERVISOR: {OrganisationKind.POLICE},
    Role.PATROL_OFFICER: {OrganisationKind.POLICE},
    Role.ENFORCEMENT_OFFICER: {OrganisationKind.COUNCIL},
    # Designing-out-crime officers are council-funded but often police-employed.
    Role.SECURITY_ADVISER: {OrganisationKind.COUNCIL, OrganisationKind.POLICE},
    Role.GRANT_ASSESSOR: {OrganisationKind.COUNCIL},
    Role.UMBRELLA_COORDINATOR: {OrganisationKind.UMBRELLA},
    Role.SITE_CONTACT: {OrganisationKind.FAITH},
    # Handles incident reports (docs/incidents.md): in a council service, a police unit or a
    # third-party reporting organisation.
    Role.CASE_HANDLER: {
        OrganisationKind.COUNCIL, OrganisationKind.POLICE, OrganisationKind.REPORTING
    },
}


class User(AbstractUser):
    """A person who logs in. What they may do comes from their memberships, never from flags."""

    # Raised to end every session, API token and calendar feed of the person at once (a password
    # changed or reset, a role removed): sessions carry a hash of it as they carry a hash of the
    # password, and tokens and feeds work only while theirs is the person's current one.
    credentials_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "sanctuary.access.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt, f"{self.password}:{self.credentials_epoch}", secret=secret, algorithm="sha256"
        ).hexdigest()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    def clean(self) -> None:
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, set())
        if self.organisation_id and self.organisation.kind not in allowed:
            kinds = " or ".join(sorted(OrganisationKind(kind).label.lower() for kind in allowed))
            raise ValidationError(
                {"organisation": f"A {self.get_role_display().lower()} belongs to a {kinds}."}
            )


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def find_active(self, key: str) -> ApiToken | None:
        token = (
            self.filter(key_hash=_hash_token(key), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        if token.epoch != token.user.credentials_epoch:
            return None  # ended with the person's other credentials
        return token

    def listed_for(self, user: User) -> ApiTokenQuerySet:
        """The person's tokens that still work, for their tokens page."""
        return self.filter(user=user, revoked_at__isnull=True, epoch=user.credentials_epoch)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is kept; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Whether the session that made it had passed two-factor authentication: a staff member's
    # token made on the password alone opens nothing (docs/access.md, "API tokens").
    second_factor = models.BooleanField(default=False, editable=False)
    epoch = models.PositiveIntegerField(default=0, editable=False)  # see User.credentials_epoch

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} (sct_{self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str, *, second_factor: bool) -> tuple[ApiToken, str]:
        key = "sct_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[4:12],
            key_hash=_hash_token(key),
            second_factor=second_factor,
            epoch=user.credentials_epoch,
        )
        return token, key

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class Attempt(models.Model):
    """One attempt counted against a limit (sanctuary.access.throttle)."""

    bucket = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["bucket", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"attempt at {self.at:%Y-%m-%d %H:%M}"


def new_feed_key() -> str:
    return secrets.token_urlsafe(32)


_Feed = TypeVar("_Feed", bound="PersonalFeed")


class WorkingFeeds(models.Manager[_Feed]):
    """Feeds that still work: not revoked, their owner active, not ended with the owner's other
    credentials (User.credentials_epoch)."""

    def get_queryset(self) -> models.QuerySet[_Feed]:
        return (
            super()
            .get_queryset()
            .filter(
                revoked_at__isnull=True,
                user__is_active=True,
                epoch=models.F("user__credentials_epoch"),
            )
        )


class PersonalFeed(models.Model):
    """A personal iCalendar link: a place's gatherings (calendars.Feed), an officer's rota
    (patrols.RotaFeed), the meetings one may see (partnership.MeetingFeed).

    The key is kept as it is (calendar apps cannot log in, and the owner needs to see the link
    again to add it to another device). It is a credential like a session or an API token:
    revoking it ends it, and so does the end of the owner's other credentials (a password
    change, a lost role, deactivation: User.credentials_epoch). Make one with
    `epoch=user.credentials_epoch`; every fetch shows only what the owner may see at that
    moment, through its app's door."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, unique=True, default=new_feed_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    epoch = models.PositiveIntegerField(default=0, editable=False)  # see User.credentials_epoch

    # No `objects`: a feed is a credential, and every query says which feeds it means. Doors
    # serve only `working` ones; `every` keeps the revoked and ended too, for the owner's history.
    working = WorkingFeeds()
    every = models.Manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        default_manager_name = "every"  # for Django's own bookkeeping (deletes, dumps)

    @property
    def works(self) -> bool:
        return (
            self.revoked_at is None
            and self.user.is_active
            and self.epoch == self.user.credentials_epoch
        )
