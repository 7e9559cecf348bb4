"""The doors to patrol units, plans, visits and check-ins (docs/access.md, Patrols).

A plan's future times are what an attacker wants, so:

- only the police and council patrol staff of the plan's areas (police supervisors, patrol
  officers, council enforcement officers) see routes; a police supervisor plans, edits and
  publishes, the others see published plans;
- an officer checks in only at visits of the units they work in;
- a site contact sees the past visits to their own organisation's sites (how many, when),
  never a future one;
- everyone else sees nothing of patrols: a plan, a unit or a visit not theirs looks missing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import Membership, Role
from sanctuary.access.policy import (
    Areas,
    NotFound,
    grants_for,
    parse_id,
    role_areas,
)
from sanctuary.patrols.models import (
    CheckIn,
    PatrolUnit,
    Plan,
    PlannedVisit,
    PlanStatus,
    RotaFeed,
    Shift,
    UnitKind,
)
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Site

PATROL_ROLES = frozenset({Role.POLICE_SUPERVISOR, Role.PATROL_OFFICER, Role.ENFORCEMENT_OFFICER})
PLANNER_ROLES = frozenset({Role.POLICE_SUPERVISOR})
# Who signs off funded guarding (docs/fund-decisions.md, 4) and so gives its unit first shifts.
FUNDED_GUARD_ROLES = frozenset({Role.SECURITY_ADVISER})


def patrol_areas(actor: Actor) -> Areas:
    """Where the actor is patrol staff: they see those areas' published routes."""
    return role_areas(actor, PATROL_ROLES)


def planning_areas(actor: Actor) -> Areas:
    """Where the actor plans: police supervisors."""
    return role_areas(actor, PLANNER_ROLES)


def _in(areas: Areas, field: str) -> Q:
    return Q() if areas.every else Q(**{f"{field}__in": areas.ids})


def is_patrol_staff(actor: Actor) -> bool:
    return bool(patrol_areas(actor))


def may_plan(actor: Actor) -> bool:
    return bool(planning_areas(actor))


# --- units and shifts --------------------------------------------------------------------------


def visible_units(actor: Actor) -> QuerySet[PatrolUnit]:
    areas = patrol_areas(actor)
    if not areas:
        return PatrolUnit.objects.none()
    return PatrolUnit.objects.filter(_in(areas, "area")).select_related("area", "organisation", "site")


def editable_units(actor: Actor) -> QuerySet[PatrolUnit]:
    areas = planning_areas(actor)
    if not areas:
        return PatrolUnit.objects.none()
    return PatrolUnit.objects.filter(_in(areas, "area")).select_related("area", "organisation", "site")


def get_unit(actor: Actor, unit_id: Any, *, for_edit: bool = False) -> PatrolUnit:
    units = editable_units(actor) if for_edit else visible_units(actor)
    try:
        return units.get(pk=parse_id(unit_id))
    except PatrolUnit.DoesNotExist:
        raise NotFound("No such patrol unit.") from None


def get_unit_to_fill(actor: Actor, unit_id: Any) -> PatrolUnit:
    """A unit posted at one site, to give shifts from that site's gatherings: by a police
    supervisor of its area, or, for guards (the guarding a fund award pays for, made at the
    installation's sign-off), by the area's security adviser who signs it off."""
    try:
        unit = PatrolUnit.objects.select_related("site", "area").get(
            pk=parse_id(unit_id), site__isnull=False
        )
    except PatrolUnit.DoesNotExist:
        raise NotFound("No such patrol unit.") from None
    if planning_areas(actor).covers(unit.area_id):
        return unit
    if unit.kind == UnitKind.GUARD and role_areas(actor, FUNDED_GUARD_ROLES).covers(unit.area_id):
        return unit
    raise NotFound("No such patrol unit.")


def visible_shifts(actor: Actor) -> QuerySet[Shift]:
    return Shift.objects.filter(unit__in=visible_units(actor)).select_related("unit")


def get_shift(actor: Actor, shift_id: Any, *, for_edit: bool = False) -> Shift:
    units = editable_units(actor) if for_edit else visible_units(actor)
    try:
        return Shift.objects.select_related("unit").get(pk=parse_id(shift_id), unit__in=units)
    except Shift.DoesNotExist:
        raise NotFound("No such shift.") from None


def areas_to_plan(actor: Actor) -> QuerySet[Any]:
    """The areas the actor may plan and keep units for."""
    from sanctuary.registry.models import Area

    areas = planning_areas(actor)
    if not areas:
        return Area.objects.none()
    return Area.objects.filter(_in(areas, "pk"))


def organisations_for_units(actor: Actor) -> QuerySet[Any]:
    return registry_policy.visible_organisations(actor)


def sites_for_stewards(actor: Actor) -> QuerySet[Site]:
    areas = planning_areas(actor)
    if not areas:
        return Site.objects.none()
    return Site.objects.filter(_in(areas, "area")).order_by("name")


# --- plans ---------------------------------------------------------------------------------------


def visible_plans(actor: Actor) -> QuerySet[Plan]:
    """Supervisors see their areas' plans in every state; patrol officers and enforcement
    officers their areas' published plans."""
    planning, patrol = planning_areas(actor), patrol_areas(actor)
    if not patrol:
        return Plan.objects.none()
    if planning.every:
        return Plan.objects.all()
    # a published plan being re-planned for a surge stays in sight
    published = Q(status=PlanStatus.PUBLISHED) | Q(
        status=PlanStatus.PLANNING, published_at__isnull=False
    )
    condition = published & _in(patrol, "areas")
    if planning:
        condition |= _in(planning, "areas")
    return Plan.objects.filter(pk__in=Plan.objects.filter(condition).values("pk"))


def get_plan(actor: Actor, plan_id: Any, *, for_edit: bool = False) -> Plan:
    """A plan (its future routes), or NotFound; for_edit: a supervisor of every one of its areas."""
    plans = visible_plans(actor)
    try:
        plan = plans.get(pk=parse_id(plan_id))
    except Plan.DoesNotExist:
        raise NotFound("No such plan.") from None
    if for_edit:
        areas = planning_areas(actor)
        if not areas or not all(areas.covers(pk) for pk in plan.areas.values_list("pk", flat=True)):
            raise NotFound("No such plan.")
    return plan


def visible_visits(actor: Actor) -> QuerySet[PlannedVisit]:
    return PlannedVisit.objects.filter(plan__in=visible_plans(actor)).select_related(
        "unit", "site", "plan"
    )


def get_visit(actor: Actor, visit_id: Any, *, for_edit: bool = False) -> PlannedVisit:
    try:
        visit = visible_visits(actor).get(pk=parse_id(visit_id))
    except PlannedVisit.DoesNotExist:
        raise NotFound("No such visit.") from None
    if for_edit:
        get_plan(actor, visit.plan_id, for_edit=True)
    return visit


def own_visits(actor: Actor) -> QuerySet[PlannedVisit]:
    """The published visits of the units the actor works in (the officer's phone)."""
    areas = patrol_areas(actor)
    if actor.user is None or not areas:
        return PlannedVisit.objects.none()
    return PlannedVisit.objects.filter(
        _in(areas, "unit__area"),
        Q(plan__status=PlanStatus.PUBLISHED)
        | Q(plan__status=PlanStatus.PLANNING, plan__published_at__isnull=False),
        unit__officers=actor.user,
    ).select_related("unit", "site", "plan")


def get_own_visit(actor: Actor, visit_id: Any) -> PlannedVisit:
    try:
        return own_visits(actor).get(pk=parse_id(visit_id))
    except PlannedVisit.DoesNotExist:
        raise NotFound("No such visit.") from None


def check_ins_of(visits: QuerySet[PlannedVisit]) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(visit__in=visits).select_related("visit", "officer")


# --- past visits to a site ----------------------------------------------------------------------


def may_see_site_visits(actor: Actor, site: Site) -> bool:
    """The area's patrol staff, and the site's own contacts."""
    if patrol_areas(actor).covers(site.area_id):
        return True
    return site.operator_id in grants_for(actor).own_organisation_ids


def get_site_for_visits(actor: Actor, site_id: Any) -> Site:
    site = registry_policy.get_site(actor, site_id)
    if not may_see_site_visits(actor, site):
        raise NotFound("No such site.")
    return site


def past_visits(site: Site) -> QuerySet[CheckIn]:
    """The accepted check-ins at the site before now: when patrols really came. Never the
    future, whoever asks."""
    return CheckIn.objects.filter(
        visit__site=site,
        visit__plan__status=PlanStatus.PUBLISHED,
        kind="in",
        accepted=True,
        at__lte=timezone.now(),
    ).order_by("-at")


# --- rota feeds ------------------------------------------------------------------------------------


def visible_rota_feeds(actor: Actor) -> QuerySet[RotaFeed]:
    if actor.user is None:
        return RotaFeed.every.none()
    return RotaFeed.working.filter(user=actor.user)


def get_rota_feed(actor: Actor, feed_id: Any) -> RotaFeed:
    try:
        return visible_rota_feeds(actor).get(pk=parse_id(feed_id))
    except RotaFeed.DoesNotExist:
        raise NotFound("No such feed.") from None


def rota_feed_by_key(key: str) -> RotaFeed:
    try:
        return RotaFeed.working.select_related("user").get(key=key)
    except RotaFeed.DoesNotExist:
        raise NotFound("No such feed.") from None


def officers_for_units(actor: Actor) -> QuerySet[Any]:
    """People who may work a unit's shifts: patrol staff of the areas the actor plans."""
    from sanctuary.access.models import User

    areas = planning_areas(actor)
    if not areas:
        return User.objects.none()
    memberships = Membership.objects.filter(role__in=PATROL_ROLES)
    if not areas.every:
        memberships = memberships.filter(
            Q(organisation__areas__in=areas.ids) | Q(organisation__covers_all_areas=True)
        )
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by("username")


def delivered_since(sites: QuerySet[Site], since: Any) -> QuerySet[CheckIn]:
    """Accepted check-ins at `sites` (already through the registry's door) since `since`."""
    return CheckIn.objects.filter(
        visit__site__in=sites,
        visit__plan__status=PlanStatus.PUBLISHED,
        kind="in",
        accepted=True,
        at__gte=since,
        at__lte=timezone.now(),
    ).select_related("visit__site")
