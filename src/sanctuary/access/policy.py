"""What every app's doors build on: the grants of a person's roles (and the areas they reach), one
404 for missing and not yours, and the door to one's own API tokens.

docs/access.md is the one statement of the rules. Each app keeps the doors to its own objects in
its own `policy.py` (`registry/policy.py` for areas, sites, organisations and people,
`calendars/policy.py` for schedules and feeds), built on `grants_for` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import ApiToken, Membership, Role

# Roles whose holders read the registry of every site in their organisation's areas.
STAFF_READER_ROLES = frozenset(
    {
        Role.NATIONAL_ADMIN,
        Role.PROGRAMME_ADMIN,
        Role.POLICE_SUPERVISOR,
        Role.PATROL_OFFICER,
        Role.ENFORCEMENT_OFFICER,
        Role.SECURITY_ADVISER,
        Role.GRANT_ASSESSOR,
    }
)
# Roles whose holders administer their organisation's areas: its sites, organisations and people.
ADMIN_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.PROGRAMME_ADMIN})


class NotFound(Exception):
    """Missing, or not yours: the two look the same (404) wherever an object is addressed."""


@dataclass(frozen=True)
class Areas:
    """A set of areas, or every area (a national organisation's)."""

    ids: frozenset[int] = frozenset()
    every: bool = False

    def __bool__(self) -> bool:
        return self.every or bool(self.ids)

    def __or__(self, other: Areas) -> Areas:
        return Areas(self.ids | other.ids, self.every or other.every)

    def covers(self, area_id: int | None) -> bool:
        return self.every or area_id in self.ids


NO_AREAS = Areas()
EVERY_AREA = Areas(every=True)


@dataclass(frozen=True)
class Grants:
    """What one person's memberships add up to."""

    roles: frozenset[str]
    own_organisation_ids: frozenset[int]  # faith organisations where the user is a site contact
    umbrella_ids: frozenset[int]  # umbrella bodies the user coordinates
    read_areas: Areas = NO_AREAS  # where they read every site (staff roles)
    admin_areas: Areas = NO_AREAS  # where they administer sites, organisations and people
    is_system: bool = False  # Sanctuary itself: the command line, a background job
    # each role held, and the areas it reaches there (for the doors of one function: who plans
    # patrols, who manages the fund, who sends alerts)
    areas_by_role: tuple[tuple[str, Areas], ...] = ()

    def areas_of(self, roles: frozenset[str] | set[str]) -> Areas:
        """The areas the person reaches through these roles only (every area for the system)."""
        if self.is_system:
            return EVERY_AREA
        found = NO_AREAS
        for role, areas in self.areas_by_role:
            if role in roles:
                found = found | areas
        return found

    @property
    def is_admin(self) -> bool:
        """An administrator somewhere: the people, audit and organisation pages are theirs."""
        return self.is_system or bool(self.admin_areas)

    @property
    def is_national_admin(self) -> bool:
        return self.is_system or self.admin_areas.every

    @property
    def is_staff_member(self) -> bool:
        """Staff must use two-factor authentication: every role but site contact."""
        return bool(self.roles - {Role.SITE_CONTACT})


NO_GRANTS = Grants(frozenset(), frozenset(), frozenset())
SYSTEM_GRANTS = Grants(
    frozenset(), frozenset(), frozenset(), EVERY_AREA, EVERY_AREA, is_system=True
)


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
    memberships = Membership.objects.filter(user=who)
    rows = list(
        memberships.values_list("role", "organisation_id", "organisation__covers_all_areas")
    )
    # an organisation's areas, through the registry's relation (named, not imported: the
    # registry sits above access)
    areas_of: dict[int, set[int]] = {}
    for organisation, area in memberships.values_list("organisation_id", "organisation__areas"):
        if area is not None:
            areas_of.setdefault(organisation, set()).add(area)

    def areas(roles: frozenset[str]) -> Areas:
        found = NO_AREAS
        for role, organisation, national in rows:
            if role in roles:
                found = found | (EVERY_AREA if national else Areas(frozenset(areas_of.get(organisation, ()))))
        return found

    grants = Grants(
        roles=frozenset(role for role, _, _ in rows),
        own_organisation_ids=frozenset(org for role, org, _ in rows if role == Role.SITE_CONTACT),
        umbrella_ids=frozenset(org for role, org, _ in rows if role == Role.UMBRELLA_COORDINATOR),
        read_areas=areas(STAFF_READER_ROLES),
        admin_areas=areas(ADMIN_ROLES),
        areas_by_role=tuple((role, areas(frozenset({role}))) for role in sorted({r for r, _, _ in rows})),
    )
    who._sanctuary_grants = grants
    return grants


def role_areas(actor: Actor, roles: frozenset[str] | set[str]) -> Areas:
    """The areas an actor reaches through these roles only (grants_for unites every staff
    role's): where they plan patrols, manage the fund, send alerts. No query beyond the grants'."""
    return grants_for(actor).areas_of(roles)


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


# --- One's own tokens ----------------------------------------------------------------------


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
