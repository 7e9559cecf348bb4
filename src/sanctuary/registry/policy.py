"""The doors to sites and organisations: every page, API answer, export, feed and job that reads
or changes one comes through here (docs/access.md).

- Programme administrators read and edit every site and manage organisations.
- Police and council staff read every site's registry data.
- An umbrella coordinator reads the sites of the umbrella body's member organisations.
- A site contact reads and edits only the sites of their own faith organisation.
Everything else is refused, and a refused object looks exactly like a missing one (NotFound,
answered 404). A door that shows a site marked sensitive writes the audit record of that view
itself, so that no page can forget it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound, grants_for, parse_id
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.registry.models import Organisation, OrganisationKind, Site

# --- Sites -------------------------------------------------------------------------------------


def visible_sites(actor: Actor) -> QuerySet[Site]:
    grants = grants_for(actor)
    if grants.reads_all_sites:
        return Site.objects.all()
    if not grants.own_organisation_ids and not grants.umbrella_ids:
        return Site.objects.none()
    condition = Q(operator_id__in=grants.own_organisation_ids) | Q(
        operator__umbrellas__in=grants.umbrella_ids
    )
    # The umbrella join can repeat a site that belongs to two of the user's umbrellas.
    return Site.objects.filter(pk__in=Site.objects.filter(condition).values("pk"))


def editable_sites(actor: Actor) -> QuerySet[Site]:
    grants = grants_for(actor)
    if grants.is_admin:
        return Site.objects.all()
    if not grants.own_organisation_ids:
        return Site.objects.none()
    return Site.objects.filter(operator_id__in=grants.own_organisation_ids)


def get_site(actor: Actor, site_id: Any, *, for_edit: bool = False) -> Site:
    """The one door to a site: the site, or NotFound, the same for missing and not yours.

    Opening a sensitive site is recorded in the audit log, whatever is done with it next."""
    sites = editable_sites(actor) if for_edit else visible_sites(actor)
    try:
        site = sites.select_related("operator").get(pk=parse_id(site_id))
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
    """The faith organisations this person may add a site for."""
    grants = grants_for(actor)
    faith_orgs = Organisation.objects.filter(kind=OrganisationKind.FAITH)
    if grants.is_admin:
        return faith_orgs
    return faith_orgs.filter(pk__in=grants.own_organisation_ids)


def operators_for_site_form(actor: Actor, site: Site | None) -> QuerySet[Organisation]:
    """What a site's form offers as its operator: the organisations the person may add a site
    for, and the site's own (which an administrator may have set)."""
    operators = operators_for_new_sites(actor)
    if site is not None:
        operators = operators | Organisation.objects.filter(pk=site.operator_id)
    return operators.distinct()


def may_import_sites(actor: Actor) -> bool:
    return grants_for(actor).is_admin


# --- Organisations -----------------------------------------------------------------------------


def visible_organisations(actor: Actor) -> QuerySet[Organisation]:
    grants = grants_for(actor)
    if grants.reads_all_sites:
        return Organisation.objects.all()
    ids = set(grants.own_organisation_ids) | set(grants.umbrella_ids)
    if grants.umbrella_ids:
        ids |= set(
            Organisation.objects.filter(umbrellas__in=grants.umbrella_ids).values_list(
                "pk", flat=True
            )
        )
    return Organisation.objects.filter(pk__in=ids)


def editable_organisations(actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.all() if grants_for(actor).is_admin else Organisation.objects.none()


def get_organisation(actor: Actor, organisation_id: Any, *, for_edit: bool = False) -> Organisation:
    organisations = editable_organisations(actor) if for_edit else visible_organisations(actor)
    try:
        return organisations.get(pk=parse_id(organisation_id))
    except Organisation.DoesNotExist:
        raise NotFound("No such organisation.") from None


def manages_organisations(actor: Actor) -> bool:
    return grants_for(actor).is_admin
