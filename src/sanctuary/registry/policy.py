"""The doors to sites and organisations: every page, API answer, export, feed and job that reads
or changes one comes through here (docs/access.md).

- Staff (police, council, advisers, assessors, administrators) read every site in the areas
  their organisation covers: a council service its area, a police unit its division's areas, a
  national body every area.
- Programme administrators edit the sites of the areas they administer, and manage the
  organisations that work only there; a national administrator, every area's.
- An umbrella coordinator reads the sites of the umbrella body's member organisations, wherever.
- A site contact reads and edits only the sites of their own faith organisation, wherever.
Everything else is refused, and a refused object looks exactly like a missing one (NotFound,
answered 404). A door that shows a site marked sensitive writes the audit record of that view
itself, so that no page can forget it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, User
from sanctuary.access.policy import NotFound, grants_for, parse_id
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.registry.models import Area, Organisation, OrganisationKind, Site

# --- Sites -------------------------------------------------------------------------------------


def umbrella_members(umbrella_ids: Iterable[int]) -> QuerySet[Any]:
    """The ids of the member organisations of these umbrella bodies, as a subquery."""
    return Organisation.umbrellas.through.objects.filter(
        to_organisation_id__in=list(umbrella_ids)
    ).values("from_organisation_id")


def visible_sites(actor: Actor) -> QuerySet[Site]:
    grants = grants_for(actor)
    if grants.read_areas.every:
        return Site.objects.all()
    condition = Q(area_id__in=grants.read_areas.ids)
    if grants.own_organisation_ids:
        condition |= Q(operator_id__in=grants.own_organisation_ids)
    if grants.umbrella_ids:
        # Members as a subquery, not a join: a join would repeat a site whose organisation is in
        # two of the person's umbrellas, and wrapping the whole set in `pk IN (…)` to undo that
        # made PostgreSQL scan every site in the country for every page (docs/benchmarks.md).
        condition |= Q(operator_id__in=umbrella_members(grants.umbrella_ids))
    if not grants.read_areas and not grants.own_organisation_ids and not grants.umbrella_ids:
        return Site.objects.none()
    return Site.objects.filter(condition)


def editable_sites(actor: Actor) -> QuerySet[Site]:
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return Site.objects.all()
    if not grants.admin_areas and not grants.own_organisation_ids:
        return Site.objects.none()
    return Site.objects.filter(
        Q(area_id__in=grants.admin_areas.ids) | Q(operator_id__in=grants.own_organisation_ids)
    )


def get_site(actor: Actor, site_id: Any, *, for_edit: bool = False) -> Site:
    """The one door to a site: the site, or NotFound, the same for missing and not yours.

    Opening a sensitive site is recorded in the audit log, whatever is done with it next."""
    sites = editable_sites(actor) if for_edit else visible_sites(actor)
    try:
        site = sites.select_related("operator", "area").get(pk=parse_id(site_id))
    except Site.DoesNotExist:
        raise NotFound("No such site.") from None
    if site.is_sensitive:
        record(Action.VIEW, actor=actor, obj=site)
    return site


def sites_shown(actor: Actor, sites: Iterable[Site], where: str) -> list[Site]:
    """Sites about to be shown together (a list, the map, the week view, a feed, an answer):
    one audit record names the sensitive ones among them, since a bulk read is a view of each."""
    shown = list(sites)
    sensitive = sorted({site.pk for site in shown if site.is_sensitive})
    if sensitive:
        plural = "s" if len(sensitive) > 1 else ""
        record(
            Action.VIEW,
            actor=actor,
            object_type="registry.site",
            object_repr=f"{len(sensitive)} sensitive site{plural} in {where}",
            detail={"sites": sensitive, "where": where},
        )
    return shown


def can_edit_site(actor: Actor, site: Site) -> bool:
    return editable_sites(actor).filter(pk=site.pk).exists()


def operators_for_new_sites(actor: Actor) -> QuerySet[Organisation]:
    """The faith organisations this person may add a site for: their own, and those working in
    the areas they administer."""
    grants = grants_for(actor)
    faith_orgs = Organisation.objects.filter(kind=OrganisationKind.FAITH)
    if grants.admin_areas.every:
        return faith_orgs
    chosen = faith_orgs.filter(
        Q(pk__in=grants.own_organisation_ids) | Q(areas__in=grants.admin_areas.ids)
    )
    return faith_orgs.filter(pk__in=chosen.values("pk"))


def areas_for_sites(actor: Actor, operator: Organisation | None = None) -> QuerySet[Area]:
    """The areas a site of this person's may be put in: those they administer, and a site
    contact's organisation's own areas."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return Area.objects.all()
    condition = Q(pk__in=grants.admin_areas.ids)
    if grants.own_organisation_ids:
        condition |= Q(organisations__in=grants.own_organisation_ids)
    return Area.objects.filter(pk__in=Area.objects.filter(condition).values("pk"))


def wards_to_offer(actor: Actor, area_code: str = "") -> list[str]:
    """The wards a filter offers: those of the reader's sites in one area (the one chosen, or
    the only one they see). Across several areas no ward is offered until one is chosen: a
    country's wards are thousands, and names repeat between areas."""
    areas = visible_areas(actor)
    if area_code:
        areas = areas.filter(code=area_code)
    chosen = list(areas[:2])
    if len(chosen) != 1:
        return []
    sites = visible_sites(actor).filter(area=chosen[0]).exclude(ward="")
    return list(sites.order_by("ward").values_list("ward", flat=True).distinct())


def areas_for_site_form(actor: Actor, site: Site | None) -> QuerySet[Area]:
    """What a site's form offers as its area: those the person may put a site in, and the
    site's own."""
    areas = areas_for_sites(actor)
    if site is not None:
        areas = areas | Area.objects.filter(pk=site.area_id)
    return areas


def areas_for_organisations(actor: Actor) -> QuerySet[Area]:
    """The areas an administrator may say an organisation works in: those they administer."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return Area.objects.all()
    return Area.objects.filter(pk__in=grants.admin_areas.ids)


def visible_areas(actor: Actor) -> QuerySet[Area]:
    """The areas whose sites this person reads (or holds a site in): what an area filter offers."""
    grants = grants_for(actor)
    if grants.read_areas.every:
        return Area.objects.all()
    return Area.objects.filter(
        Q(pk__in=grants.read_areas.ids) | Q(pk__in=visible_sites(actor).values("area_id"))
    )


def get_area(actor: Actor, code: Any) -> Area:
    """One of the areas whose sites this person reads, by its ONS code; NotFound otherwise."""
    try:
        return visible_areas(actor).get(code=str(code))
    except Area.DoesNotExist:
        raise NotFound("No such area.") from None


def operators_for_site_form(actor: Actor, site: Site | None) -> QuerySet[Organisation]:
    """What a site's form offers as its operator: the organisations the person may add a site
    for, and the site's own (which an administrator may have set)."""
    operators = operators_for_new_sites(actor)
    if site is not None:
        operators = operators | Organisation.objects.filter(pk=site.operator_id)
    return operators


def may_import_sites(actor: Actor) -> bool:
    return grants_for(actor).is_admin


# --- Organisations -----------------------------------------------------------------------------


def visible_organisations(actor: Actor) -> QuerySet[Organisation]:
    """Staff see the organisations working in their areas, and national ones; a contact or a
    coordinator sees their own, their umbrella bodies and its members."""
    grants = grants_for(actor)
    if grants.read_areas.every:
        return Organisation.objects.all()
    condition = Q(pk__in=grants.own_organisation_ids) | Q(pk__in=grants.umbrella_ids)
    if grants.umbrella_ids:
        condition |= Q(umbrellas__in=grants.umbrella_ids)
    if grants.read_areas:
        condition |= Q(areas__in=grants.read_areas.ids) | Q(covers_all_areas=True)
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(condition).values("pk"))


def editable_organisations(actor: Actor) -> QuerySet[Organisation]:
    return administered_organisations(actor)


def get_organisation(actor: Actor, organisation_id: Any, *, for_edit: bool = False) -> Organisation:
    organisations = editable_organisations(actor) if for_edit else visible_organisations(actor)
    try:
        return organisations.get(pk=parse_id(organisation_id))
    except Organisation.DoesNotExist:
        raise NotFound("No such organisation.") from None


def manages_organisations(actor: Actor) -> bool:
    return grants_for(actor).is_admin


# --- People and their roles ---------------------------------------------------------------------


def manages_people(actor: Actor) -> bool:
    """Administrators (of an area, or national) manage organisations, people and roles there, and
    read the audit log: without it the people pages answer 403."""
    return grants_for(actor).is_admin


def administered_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The organisations whose people and roles this actor manages: every one for a national
    administrator; for an area's administrator, those that work only in the areas they
    administer (a police unit spanning two boroughs is the national administrator's)."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return Organisation.objects.all()
    if not grants.admin_areas:
        return Organisation.objects.none()
    ids = grants.admin_areas.ids
    outside = Organisation.areas.through.objects.exclude(area_id__in=ids).values("organisation_id")
    return Organisation.objects.filter(
        pk__in=Organisation.objects.filter(covers_all_areas=False, areas__in=ids)
        .exclude(pk__in=outside)
        .values("pk")
    )


def visible_people(actor: Actor) -> QuerySet[User]:
    """People with a role in an organisation the actor administers (and people who have lost
    every role, so that they can be given one again)."""
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return User.objects.all()
    if not grants.is_admin:
        return User.objects.none()
    roles_here = Membership.objects.filter(organisation__in=administered_organisations(actor))
    return User.objects.filter(
        Q(pk__in=roles_here.values("user_id")) | Q(memberships__isnull=True)
    ).distinct()


def get_person(actor: Actor, person_id: Any, *, for_edit: bool = False) -> User:
    """A person; to change them (their name, their account) every role they hold must be in an
    organisation the actor administers."""
    try:
        person = visible_people(actor).get(pk=parse_id(person_id))
    except User.DoesNotExist:
        raise NotFound("No such person.") from None
    if for_edit and not grants_for(actor).admin_areas.every:
        elsewhere = person.memberships.exclude(organisation__in=administered_organisations(actor))
        if elsewhere.exists():
            raise NotFound("No such person.")
    return person


def get_membership(actor: Actor, membership_id: Any) -> Membership:
    memberships = Membership.objects.select_related("user", "organisation").filter(
        organisation__in=administered_organisations(actor)
    )
    try:
        return memberships.get(pk=parse_id(membership_id))
    except Membership.DoesNotExist:
        raise NotFound("No such role.") from None
