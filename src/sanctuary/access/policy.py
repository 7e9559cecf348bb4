"""Need to know, in one place. docs/access.md is the same matrix in words; a test checks both agree.

- Programme administrators manage organisations and people, and read and edit every site.
- Police and council staff (supervisors, patrol and enforcement officers, security advisers, grant
  assessors) read every site's registry data.
- An umbrella coordinator reads the sites of the umbrella body's member organisations.
- A site contact reads and edits only the sites of their own faith organisation.
Everything else is refused, and a refused object looks exactly like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from sanctuary.access.models import Membership, Role
from sanctuary.registry.models import Organisation, Site

# request.user as Django types it: a real user or the anonymous one.
AnyUser = AbstractBaseUser | AnonymousUser

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


@dataclass(frozen=True)
class Grants:
    """What one user's memberships add up to."""

    roles: frozenset[str]
    own_organisation_ids: frozenset[int]  # faith organisations where the user is a site contact
    umbrella_ids: frozenset[int]  # umbrella bodies the user coordinates

    @property
    def is_admin(self) -> bool:
        return Role.PROGRAMME_ADMIN in self.roles

    @property
    def reads_all_sites(self) -> bool:
        return bool(self.roles & STAFF_READER_ROLES)

    @property
    def is_staff_member(self) -> bool:
        """Staff must use two-factor authentication: every role but site contact."""
        return bool(self.roles - {Role.SITE_CONTACT})


NO_GRANTS = Grants(frozenset(), frozenset(), frozenset())


def grants_for(user: Any) -> Grants:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    cached = getattr(user, "_sanctuary_grants", None)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=user).values_list("role", "organisation_id"))
    grants = Grants(
        roles=frozenset(role for role, _ in rows),
        own_organisation_ids=frozenset(org for role, org in rows if role == Role.SITE_CONTACT),
        umbrella_ids=frozenset(org for role, org in rows if role == Role.UMBRELLA_COORDINATOR),
    )
    user._sanctuary_grants = grants
    return grants


def forget_grants(user: Any) -> None:
    """After memberships change, within the same request."""
    if hasattr(user, "_sanctuary_grants"):
        del user._sanctuary_grants


# Database ids are 64-bit: a larger number is simply not an id (PostgreSQL would raise on it).
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int:
    """An id from a URL, or Http404: a malformed id is as missing as any other."""
    try:
        number = int(value)
    except (ValueError, TypeError):
        raise Http404("No such object.") from None
    if not 0 < number <= MAX_ID:
        raise Http404("No such object.")
    return number


# --- Sites -------------------------------------------------------------------------------------


def visible_sites(user: AnyUser, queryset: QuerySet[Site] | None = None) -> QuerySet[Site]:
    queryset = Site.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.reads_all_sites:
        return queryset
    condition = Q(operator_id__in=grants.own_organisation_ids) | Q(
        operator__umbrellas__in=grants.umbrella_ids
    )
    if not grants.own_organisation_ids and not grants.umbrella_ids:
        return queryset.none()
    # The umbrella join can repeat a site that belongs to two of the user's umbrellas.
    return queryset.filter(pk__in=Site.objects.filter(condition).values("pk"))


def editable_sites(user: AnyUser, queryset: QuerySet[Site] | None = None) -> QuerySet[Site]:
    queryset = Site.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.is_admin:
        return queryset
    if not grants.own_organisation_ids:
        return queryset.none()
    return queryset.filter(operator_id__in=grants.own_organisation_ids)


def get_site(user: AnyUser, site_id: Any, *, for_edit: bool = False) -> Site:
    """The one door to a site: the site, or a 404 that is the same for missing and not yours."""
    queryset = editable_sites(user) if for_edit else visible_sites(user)
    try:
        return queryset.select_related("operator").get(pk=parse_id(site_id))
    except Site.DoesNotExist:
        raise Http404("No such site.") from None


def can_edit_site(user: AnyUser, site: Site) -> bool:
    return editable_sites(user).filter(pk=site.pk).exists()


def operators_for_new_sites(user: AnyUser) -> QuerySet[Organisation]:
    """The faith organisations this user may add a site for."""
    grants = grants_for(user)
    faith_orgs = Organisation.objects.filter(kind="faith")
    if grants.is_admin:
        return faith_orgs
    return faith_orgs.filter(pk__in=grants.own_organisation_ids)


# --- Organisations and people -----------------------------------------------------------------


def visible_organisations(
    user: AnyUser, queryset: QuerySet[Organisation] | None = None
) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.reads_all_sites:
        return queryset
    ids = set(grants.own_organisation_ids) | set(grants.umbrella_ids)
    if grants.umbrella_ids:
        ids |= set(
            Organisation.objects.filter(umbrellas__in=grants.umbrella_ids).values_list(
                "pk", flat=True
            )
        )
    return queryset.filter(pk__in=ids)


def get_organisation(user: AnyUser, organisation_id: Any, *, for_edit: bool = False) -> Organisation:
    if for_edit and not grants_for(user).is_admin:
        raise Http404("No such organisation.")
    queryset = Organisation.objects.all() if for_edit else visible_organisations(user)
    try:
        return queryset.get(pk=parse_id(organisation_id))
    except Organisation.DoesNotExist:
        raise Http404("No such organisation.") from None


def manages_people(user: AnyUser) -> bool:
    """Only administrators manage organisations, people and roles, and read the audit log."""
    return grants_for(user).is_admin


def may_import_sites(user: AnyUser) -> bool:
    return grants_for(user).is_admin
