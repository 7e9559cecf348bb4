"""What every app's doors build on: the grants of a person's roles, one 404 for missing and not
yours, and the doors to people, their roles and their API tokens.

docs/access.md is the one statement of the rules. Each app keeps the doors to its own objects in
its own `policy.py` (`registry/policy.py` for sites and organisations, `calendars/policy.py` for
schedules and feeds), built on `grants_for` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import ApiToken, Membership, Role, User

STAFF_READER_ROLES = frozenset(
    {
        Role.PROGRAMME_ADMIN,
        Role.POLICE_SUPERVISOR,
        Role.PATROL_OFFICER,
        Role.ENFORCEMENT_OFFICER,
        Role.SECURITY_ADVISER,
        Role.GRANT_ASSESSOR,
    }
)


class NotFound(Exception):
    """Missing, or not yours: the two look the same (404) wherever an object is addressed."""


@dataclass(frozen=True)
class Grants:
    """What one person's memberships add up to."""

    roles: frozenset[str]
    own_organisation_ids: frozenset[int]  # faith organisations where the user is a site contact
    umbrella_ids: frozenset[int]  # umbrella bodies the user coordinates
    is_system: bool = False  # Sanctuary itself: the command line, a background job

    @property
    def is_admin(self) -> bool:
        return self.is_system or Role.PROGRAMME_ADMIN in self.roles

    @property
    def reads_all_sites(self) -> bool:
        return self.is_system or bool(self.roles & STAFF_READER_ROLES)

    @property
    def is_staff_member(self) -> bool:
        """Staff must use two-factor authentication: every role but site contact."""
        return bool(self.roles - {Role.SITE_CONTACT})


NO_GRANTS = Grants(frozenset(), frozenset(), frozenset())
SYSTEM_GRANTS = Grants(frozenset(), frozenset(), frozenset(), is_system=True)


def grants_for(who: Actor | Any) -> Grants:
    """The grants of an actor, or of a user (a request's, a feed's owner)."""
    if isinstance(who, Actor):
        if who.is_system:
            return SYSTEM_GRANTS
        who = who.user
    if who is None or not who.is_authenticated or not who.is_active:
        return NO_GRANTS
    cached = getattr(who, "_sanctuary_grants", None)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=who).values_list("role", "organisation_id"))
    grants = Grants(
        roles=frozenset(role for role, _ in rows),
        own_organisation_ids=frozenset(org for role, org in rows if role == Role.SITE_CONTACT),
        umbrella_ids=frozenset(org for role, org in rows if role == Role.UMBRELLA_COORDINATOR),
    )
    who._sanctuary_grants = grants
    return grants


def forget_grants(user: Any) -> None:
    """After memberships change, within the same request."""
    if hasattr(user, "_sanctuary_grants"):
        del user._sanctuary_grants


# Database ids are 64-bit: a larger number is simply not an id (PostgreSQL would raise on it).
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int:
    """An id from a URL or a form, or NotFound: a malformed id is as missing as any other."""
    try:
        number = int(value)
    except (ValueError, TypeError):
        raise NotFound("No such object.") from None
    if not 0 < number <= MAX_ID:
        raise NotFound("No such object.")
    return number


def manages_people(actor: Actor) -> bool:
    """Administrators manage organisations, people and roles, and read the audit log."""
    return grants_for(actor).is_admin


# --- People, their roles and their tokens ----------------------------------------------------


def visible_people(actor: Actor) -> QuerySet[User]:
    return User.objects.all() if manages_people(actor) else User.objects.none()


def get_person(actor: Actor, person_id: Any) -> User:
    try:
        return visible_people(actor).get(pk=parse_id(person_id))
    except User.DoesNotExist:
        raise NotFound("No such person.") from None


def get_membership(actor: Actor, membership_id: Any) -> Membership:
    memberships = Membership.objects.select_related("user", "organisation")
    if not manages_people(actor):
        memberships = memberships.none()
    try:
        return memberships.get(pk=parse_id(membership_id))
    except Membership.DoesNotExist:
        raise NotFound("No such role.") from None


def visible_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """One's own tokens that still work: nobody sees another person's."""
    if actor.user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.listed_for(actor.user)


def get_token(actor: Actor, token_id: Any) -> ApiToken:
    try:
        return visible_tokens(actor).get(pk=parse_id(token_id))
    except ApiToken.DoesNotExist:
        raise NotFound("No such token.") from None
