"""Patrols: their rows of the need-to-know matrix (docs/access.md, "Patrols").

For plans, *own* is a published plan for Tower Hamlets (the staff's own area), *other* a plan of
Tower Hamlets still being reviewed (not published), *away* a published plan for Hackney. For
units, *own* is a Tower Hamlets unit and *away* a Hackney one. For visits, *own* is a visit of a
unit the patrol officer and the enforcement officer work in, *other* one of a unit nobody in
the cast works in. For sites, own / other / away are the matrix's sites A, B and C.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role, User
from sanctuary.patrols.models import (
    CheckIn,
    PatrolUnit,
    Plan,
    PlannedVisit,
    PlanStatus,
    RotaFeed,
    Shift,
)
from sanctuary.registry.models import Area, Site
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function, function_page, lists, objects


def _unit(cast: Cast, area: Area, name: str, officers: bool) -> PatrolUnit:
    unit, made = PatrolUnit.objects.get_or_create(
        name=name, area=area,
        defaults={"kind": "police", "mode": "foot", "organisation": cast.police_unit},
    )
    if made and officers:
        unit.officers.add(cast.person(Role.PATROL_OFFICER), cast.person(Role.ENFORCEMENT_OFFICER))
    return unit


def _area_of(cast: Cast, target: str) -> Area:
    return cast.area_2 if target == "away" else cast.area


def _site_of(cast: Cast, target: str) -> Site:
    return cast.site_c if target == "away" else cast.site_a


def _plan(cast: Cast, target: str, status: str | None = None, officers: bool = True) -> Plan:
    """A plan with one visit, an hour from now, at the area's site."""
    area = _area_of(cast, target)
    if status is None:
        status = PlanStatus.READY if target == "other" else PlanStatus.PUBLISHED
    plan = Plan.objects.create(week_start=timezone.localdate(), status=status, progress=100)
    plan.areas.set([area])
    unit = _unit(cast, area, f"Matrix unit {target} {officers}", officers)
    start = timezone.now() + timedelta(hours=1)
    PlannedVisit.objects.create(
        plan=plan, unit=unit, site=_site_of(cast, target), window_key="w1",
        window_label="Matrix gathering", window_start=start - timedelta(minutes=30),
        window_end=start + timedelta(hours=1), arrive=start, start=start,
    )
    return plan


def plan_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        plan = _plan(cast, target)
        return found(client.get(template.format(id=plan.pk)))

    return probe


def _refused_or_done(response, done: bool) -> bool:
    assert response.status_code in {200, 302, 403, 404, 422}, response.status_code
    return done


def probe_plan_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    area = _area_of(cast, target)
    response = client.post("/patrols/", {"areas": [area.pk], "week_start": "2030-01-07", "seed": 1})
    return _refused_or_done(response, Plan.objects.filter(areas=area, week_start="2030-01-07").exists())


def probe_plan_cancel(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.PLANNING)
    response = client.post(f"/patrols/plans/{plan.pk}/cancel/")
    return _refused_or_done(response, Plan.objects.get(pk=plan.pk).cancel_requested)


def probe_plan_publish(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.READY)
    response = client.post(f"/patrols/plans/{plan.pk}/publish/")
    return _refused_or_done(response, Plan.objects.get(pk=plan.pk).status == PlanStatus.PUBLISHED)


def probe_plan_replan(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.READY)
    response = client.post(f"/patrols/plans/{plan.pk}/replan/")
    return _refused_or_done(response, Plan.objects.get(pk=plan.pk).status == PlanStatus.PLANNING)


def probe_plan_change(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.READY)
    response = client.post(f"/patrols/plans/{plan.pk}/change/", {"dwell_minutes": 20})
    return _refused_or_done(response, Plan.objects.get(pk=plan.pk).dwell_minutes == 20)


def probe_plan_surge(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.PUBLISHED)
    plan.published_at = timezone.now()
    plan.save()
    response = client.post(f"/patrols/plans/{plan.pk}/surge/", {"threat_level": "severe"})
    return _refused_or_done(response, Plan.objects.get(pk=plan.pk).status == PlanStatus.PLANNING)


def probe_visit_pin(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target, PlanStatus.READY)
    visit = plan.visits.get()
    response = client.post(f"/patrols/visits/{visit.pk}/pin/", {"pinned": "1"})
    return _refused_or_done(response, PlannedVisit.objects.get(pk=visit.pk).pinned)


def _own_visit(cast: Cast, target: str) -> PlannedVisit:
    plan = _plan(cast, "own", PlanStatus.PUBLISHED, officers=target == "own")
    return plan.visits.get()


def probe_check_in(client: Client, user: User, cast: Cast, target: str) -> bool:
    visit = _own_visit(cast, target)
    client_id = uuid.uuid4()
    response = client.post(
        f"/patrols/visits/{visit.pk}/check-in/",
        {"client_id": str(client_id), "kind": "in", "at": timezone.now().isoformat(),
         "latitude": visit.site.latitude, "longitude": visit.site.longitude},
    )
    assert response.status_code in {302, 404}, response.status_code
    return CheckIn.objects.filter(client_id=client_id).exists()


def probe_missed(client: Client, user: User, cast: Cast, target: str) -> bool:
    visit = _own_visit(cast, target)
    response = client.post(f"/patrols/visits/{visit.pk}/missed/", {"reason": "called_away"})
    assert response.status_code in {302, 404}, response.status_code
    return PlannedVisit.objects.get(pk=visit.pk).missed_reason == "called_away"


def probe_unit_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    area = _area_of(cast, target)
    response = client.post("/patrols/units/", {
        "name": "Matrix new unit", "kind": "police", "mode": "car",
        "organisation": cast.police_unit.pk, "area": area.pk, "active": "on",
    })
    return _refused_or_done(response, PatrolUnit.objects.filter(name="Matrix new unit").exists())


def unit_page(client: Client, user: User, cast: Cast, target: str) -> bool:
    unit = _unit(cast, _area_of(cast, target), "Matrix unit page", False)
    return found(client.get(f"/patrols/units/{unit.pk}/"))


def probe_shift_add(client: Client, user: User, cast: Cast, target: str) -> bool:
    unit = _unit(cast, _area_of(cast, target), "Matrix unit shifts", False)
    response = client.post(f"/patrols/units/{unit.pk}/", {
        "form": "shift", "start": "2030-01-07T08:00", "end": "2030-01-07T16:00",
        "base_latitude": 51.52, "base_longitude": -0.05,
    })
    assert response.status_code in {302, 403, 404, 422}, response.status_code
    return unit.shifts.exists()


def probe_shift_remove(client: Client, user: User, cast: Cast, target: str) -> bool:
    unit = _unit(cast, _area_of(cast, target), "Matrix unit shifts", False)
    start = timezone.now()
    shift = Shift.objects.create(unit=unit, start=start, end=start + timedelta(hours=8),
                                 base_latitude=51.52, base_longitude=-0.05)
    response = client.post(f"/patrols/shifts/{shift.pk}/remove/")
    assert response.status_code in {302, 404}, response.status_code
    return not Shift.objects.filter(pk=shift.pk).exists()


def probe_unit_fill(client: Client, user: User, cast: Cast, target: str) -> bool:
    """Guards a fund award pays for, posted at site A (own) or site C (away)."""
    from decimal import Decimal

    from sanctuary.fund.models import Award
    from tests.fund.awards_setup import apply, make_round

    site = _site_of(cast, target)
    unit = PatrolUnit.objects.create(name="Matrix funded guards", area=site.area, kind="guard",
                                     mode="foot", organisation=site.operator, site=site)
    application = apply(make_round(cast), site, cast.person(Role.SITE_CONTACT),
                        packages={"full": ([{"measure": "guards"}], Decimal("8000"))})
    Award.objects.create(application=application, package=application.packages.get(),
                         amount=Decimal("6400"), guard_unit=unit)
    response = client.post(f"/patrols/units/{unit.pk}/fill/", {"weeks": 1})
    return _refused_or_done(response, unit.shifts.exists())


def _delivered_at(cast: Cast, site: Site) -> None:
    """A published plan's past visit at the site, checked in and accepted."""
    plan = Plan.objects.create(week_start=timezone.localdate(), status=PlanStatus.PUBLISHED)
    plan.areas.set([site.area])
    unit = _unit(cast, site.area, "Matrix past unit", True)
    start = timezone.now() - timedelta(days=2)
    visit = PlannedVisit.objects.create(
        plan=plan, unit=unit, site=site, window_key="past", window_label="Past gathering",
        window_start=start, window_end=start + timedelta(hours=1), arrive=start, start=start,
    )
    CheckIn.objects.create(visit=visit, officer=cast.person(Role.PATROL_OFFICER), at=start,
                           latitude=site.latitude, longitude=site.longitude, accepted=True)


def probe_site_visits(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    _delivered_at(cast, site)
    response = client.get(f"/patrols/sites/{site.pk}/visits/")
    if found(response):
        assert "1 patrol visit so far" in response.content.decode()
        return True
    return False


def probe_summary(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    _delivered_at(cast, site)
    return lists(client.get("/patrols/summary/"), f"{site.name}: 1 visit")


def probe_rota_revoke(client: Client, user: User, cast: Cast, target: str) -> bool:
    owner = user if target == "own" else cast.person("contact_b")
    feed = RotaFeed.every.create(user=owner)
    response = client.post(f"/patrols/rota/{feed.pk}/revoke/")
    assert response.status_code in {302, 404}, response.status_code
    return RotaFeed.every.get(pk=feed.pk).revoked_at is not None


def probe_rota_ics(client: Client, user: User, cast: Cast, target: str) -> bool:
    feed = RotaFeed.every.create(user=user)
    return found(Client().get(f"/patrols/rota/{feed.key}.ics"))


def probe_rota_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post("/patrols/rota/")
    return function(response) and RotaFeed.every.filter(user=user).exists()


def probe_api_plans(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target)
    response = api_client_for(user).get("/api/patrols/plans")
    assert response.status_code == 200, response.status_code
    return plan.pk in {item["id"] for item in response.json()["items"]}


def probe_api_plan(client: Client, user: User, cast: Cast, target: str) -> bool:
    plan = _plan(cast, target)
    response = api_client_for(user).get(f"/api/patrols/plans/{plan.pk}")
    if found(response):
        assert response.json()["visits"][0]["gathering"] == "Matrix gathering"
        return True
    return False


PROBES: dict[str, Probe] = {
    "GET /api/patrols/plans": probe_api_plans,
    "GET /api/patrols/plans/{id}": probe_api_plan,
    "GET /patrols/": function_page("/patrols/"),
    "POST /patrols/": probe_plan_new,
    "GET /patrols/plans/{id}/": plan_page("/patrols/plans/{id}/"),
    "GET /patrols/plans/{id}/progress/": plan_page("/patrols/plans/{id}/progress/"),
    "GET /patrols/plans/{id}/routes.json": plan_page("/patrols/plans/{id}/routes.json"),
    "GET /patrols/plans/{id}/plan.csv": plan_page("/patrols/plans/{id}/plan.csv"),
    "GET /patrols/plans/{id}/plan.pdf": plan_page("/patrols/plans/{id}/plan.pdf"),
    "GET /patrols/plans/{id}/actual/": plan_page("/patrols/plans/{id}/actual/"),
    "POST /patrols/plans/{id}/cancel/": probe_plan_cancel,
    "POST /patrols/plans/{id}/publish/": probe_plan_publish,
    "POST /patrols/plans/{id}/replan/": probe_plan_replan,
    "POST /patrols/plans/{id}/change/": probe_plan_change,
    "POST /patrols/visits/{id}/pin/": probe_visit_pin,
    "POST /patrols/plans/{id}/surge/": probe_plan_surge,
    "POST /patrols/visits/{id}/check-in/": probe_check_in,
    "POST /patrols/visits/{id}/missed/": probe_missed,
    "GET /patrols/units/": function_page("/patrols/units/"),
    "POST /patrols/units/": probe_unit_new,
    "GET /patrols/units/import/": function_page("/patrols/units/import/"),
    "GET /patrols/units/{id}/": unit_page,
    "POST /patrols/units/{id}/": probe_shift_add,
    "POST /patrols/units/{id}/fill/": probe_unit_fill,
    "POST /patrols/shifts/{id}/remove/": probe_shift_remove,
    "GET /patrols/today/": function_page("/patrols/today/"),
    "GET /patrols/sites/{id}/visits/": probe_site_visits,
    "GET /patrols/summary/": probe_summary,
    "GET /patrols/rota/": function_page("/patrols/rota/"),
    "POST /patrols/rota/": probe_rota_new,
    "POST /patrols/rota/{id}/revoke/": probe_rota_revoke,
    "GET /patrols/rota/{key}.ics": probe_rota_ics,
}
