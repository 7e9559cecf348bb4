"""The doors to the partnership's picture (docs/access.md, "The partnership's picture").

- The home page is everyone's: each figure on it is read by its own domain through that
  domain's doors, so it counts only what the reader may see.
- The cross-faith view and the monthly report of an area are for the staff of that area (the
  roles that read every site of their organisation's areas; a national body's staff, every
  area's). Another area looks exactly like one that does not exist; a site contact, an umbrella
  coordinator or a case handler, who read only some sites, has no area's picture.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound, grants_for
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Area, Site, SiteStatus

# A site contact's home lists their sites up to this many (then a link to the whole list).
HOME_SITES = 20
# Staff's home lists their areas up to this many (then a link to the list of every area).
HOME_AREAS = 8


def overview_areas(actor: Actor) -> QuerySet[Area]:
    """The areas whose picture the actor may see: where they are staff."""
    grants = grants_for(actor)
    if grants.read_areas.every:
        return Area.objects.order_by("name")
    return Area.objects.filter(pk__in=grants.read_areas.ids).order_by("name")


def get_area(actor: Actor, code: Any) -> Area:
    """An area whose picture the actor may see, by its ONS code; NotFound otherwise."""
    try:
        return overview_areas(actor).get(code=str(code))
    except Area.DoesNotExist:
        raise NotFound("No such area.") from None


def is_staff(actor: Actor) -> bool:
    return bool(grants_for(actor).read_areas)


def sites_by_faith(actor: Actor, area: Area) -> dict[str, int]:
    """Active sites of the area the actor sees, counted per faith (counts only: nothing shown)."""
    rows = (
        registry_policy.visible_sites(actor)
        .filter(area=area, status=SiteStatus.ACTIVE)
        .values("faith")
        .annotate(n=Count("pk"))
    )
    return {row["faith"]: row["n"] for row in rows}


def has_own_sites(actor: Actor) -> bool:
    """A site contact (their organisation's sites) or an umbrella coordinator (its members')."""
    grants = grants_for(actor)
    return bool(grants.own_organisation_ids or grants.umbrella_ids)


def home_sites(actor: Actor) -> tuple[list[Site], int]:
    """A site contact's or a coordinator's own sites for their home page (the first few), and
    how many there are; the shown ones are audited as any list is."""
    if not has_own_sites(actor):
        return [], 0
    sites = registry_policy.visible_sites(actor).filter(status=SiteStatus.ACTIVE)
    shown = list(sites.select_related("area").order_by("name", "pk")[:HOME_SITES])
    registry_policy.sites_shown(actor, shown, "the home page")
    return shown, sites.count()
