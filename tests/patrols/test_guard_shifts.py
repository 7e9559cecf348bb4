"""Funded guards get shifts from their site's gatherings (docs/patrols.md, "Funded guards"):
the planner sees them covering the site, a supervisor of the area fills more from the unit's
page (another area's gets a 404), shifts never overlap however often it is asked, and a site
with no gatherings is refused in words."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import services as calendars
from sanctuary.calendars.models import DailyPrayers, Schedule
from sanctuary.fund.models import Award
from sanctuary.patrols import services
from sanctuary.patrols.models import PatrolUnit, Shift, UnitKind
from sanctuary.registry.models import Organisation, OrganisationKind, Site
from tests.conftest import log_in, make_user
from tests.fund.awards_setup import apply, make_round
from tests.patrols.conftest import Patrols, generate


def funded_guards(patrols: Patrols, site: Site, cost: str = "8000") -> PatrolUnit:
    """A guard unit at the site, made by a fund award of guarding alone (as a sign-off makes
    it: tests/fund/test_awards.py signs one off)."""
    cast = patrols.cast
    unit = PatrolUnit.objects.create(name=f"Funded guards: {site.name}", kind=UnitKind.GUARD,
                                     mode="foot", organisation=site.operator, area=site.area,
                                     site=site)
    application = apply(make_round(cast), site, cast.person(Role.SITE_CONTACT),
                        packages={"full": ([{"measure": "guards"}], Decimal(cost))})
    Award.objects.create(application=application, package=application.packages.get(),
                         amount=Decimal(cost), guard_unit=unit)
    return unit


def no_overlaps(unit: PatrolUnit) -> bool:
    shifts = list(unit.shifts.order_by("start"))
    return all(a.end < b.start for a, b in zip(shifts, shifts[1:], strict=False))


def test_the_plan_counts_the_site_s_largest_gatherings_as_covered_by_the_guards(patrols: Patrols):
    cast = patrols.cast
    guards = funded_guards(patrols, cast.site_a)
    filled = services.fill_guard_shifts(
        patrols.actor(Role.POLICE_SUPERVISOR), guards, first=patrols.week, weeks=1
    )
    assert filled.shifts and filled.first == patrols.week
    plan = generate(patrols)
    covered = {w["key"] for w in plan.windows if w["covered_by"] == f"guards {guards.name}"}
    week = calendars.gatherings([cast.site_a], patrols.week, patrols.week + timedelta(days=6))
    largest = max(g.gathering.expected_attendance for g in week)
    jumuah = [w for w in plan.windows
              if w["site"] == cast.site_a.pk and w["attendance"] == largest]
    assert jumuah and {w["key"] for w in jumuah} <= covered
    assert not plan.visits.filter(unit=guards).exists()  # stationed, never routed


def test_a_supervisor_fills_the_next_weeks_from_the_unit_s_page(patrols: Patrols):
    cast = patrols.cast
    guards = funded_guards(patrols, cast.site_a)
    client = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    page = client.get(f"/patrols/units/{guards.pk}/").content.decode()
    assert "Fill shifts from the site's gatherings" in page
    response = client.post(f"/patrols/units/{guards.pk}/fill/", {"weeks": 3}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    shifts = list(guards.shifts.all())
    # £8,000 at £52 an hour for the two officers over 52 weeks: 2 h 57 min a week
    assert f"Added {len(shifts)} shifts from Mon" in text and "within 2.95 hours a week" in text
    weekly: dict[int, float] = {}
    for shift in shifts:
        week = (shift.start.date() - patrols.week).days // 7
        weekly[week] = weekly.get(week, 0) + (shift.end - shift.start).total_seconds() / 3600
    assert sorted(weekly) == [0, 1, 2] and max(weekly.values()) <= 177 / 60
    assert {(s.base_latitude, s.base_longitude) for s in shifts} == {
        (cast.site_a.latitude, cast.site_a.longitude)}
    assert AuditEvent.objects.filter(object_type="patrols.patrolunit", object_id=str(guards.pk),
                                     detail__has_key="shifts_filled").exists()
    # asked again: what is there stays, nothing overlaps, no week gets more hours
    client.post(f"/patrols/units/{guards.pk}/fill/", {"weeks": 3})
    assert guards.shifts.count() == len(shifts) and no_overlaps(guards)


def test_weeks_out_of_range_are_refused_naming_the_field(patrols: Patrols):
    guards = funded_guards(patrols, patrols.cast.site_a)
    client = log_in(Client(), patrols.cast.person(Role.POLICE_SUPERVISOR))
    response = client.post(f"/patrols/units/{guards.pk}/fill/", {"weeks": 40}, follow=True)
    assert "Weeks to fill" in response.content.decode()
    assert not guards.shifts.exists()


def test_another_area_s_supervisor_gets_a_404(patrols: Patrols):
    cast = patrols.cast
    guards = funded_guards(patrols, cast.site_a)
    hackney_police = Organisation.objects.create(name="North Division Police",
                                                 kind=OrganisationKind.POLICE)
    hackney_police.areas.set([cast.area_2])
    sergeant = make_user("sergeant-north", hackney_police, Role.POLICE_SUPERVISOR)
    response = log_in(Client(), sergeant).post(f"/patrols/units/{guards.pk}/fill/", {"weeks": 1})
    assert response.status_code == 404
    assert not guards.shifts.exists()


def test_a_site_without_gatherings_is_refused_in_words(patrols: Patrols):
    cast = patrols.cast
    Schedule.objects.create(site=cast.site_b, faith_defaults=False,
                            daily_prayers=DailyPrayers.NO)
    guards = funded_guards(patrols, cast.site_b)
    with pytest.raises(services.NoGatherings, match="Bravo Church has no gatherings from"):
        services.fill_guard_shifts(patrols.actor(Role.POLICE_SUPERVISOR), guards)
    client = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    response = client.post(f"/patrols/units/{guards.pk}/fill/", {"weeks": 2}, follow=True)
    assert "Bravo Church has no gatherings from" in response.content.decode()
    assert not Shift.objects.filter(unit=guards).exists()


def test_a_guard_unit_no_award_pays_for_is_refused_in_words(patrols: Patrols):
    cast = patrols.cast
    unit = PatrolUnit.objects.create(name="Hired guards", kind=UnitKind.GUARD, mode="foot",
                                     organisation=cast.org_a, area=cast.area, site=cast.site_a)
    client = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    response = client.post(f"/patrols/units/{unit.pk}/fill/", {"weeks": 1}, follow=True)
    assert "No fund award pays for Hired guards" in response.content.decode()


def test_a_supervisor_renames_the_funded_guards_from_their_page(patrols: Patrols):
    """Guards posted at a site are saved like any unit (the rule once allowed stewards alone)."""
    cast = patrols.cast
    guards = funded_guards(patrols, cast.site_a)
    client = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    response = client.post(f"/patrols/units/{guards.pk}/", {
        "form": "unit", "name": "Alpha Mosque guards", "kind": "guard", "mode": guards.mode,
        "organisation": guards.organisation_id, "area": guards.area_id,
        "site": cast.site_a.pk, "active": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    guards.refresh_from_db()
    assert guards.name == "Alpha Mosque guards" and guards.site_id == cast.site_a.pk
    police = client.post(f"/patrols/units/{guards.pk}/", {
        "form": "unit", "name": "Alpha Mosque guards", "kind": "police", "mode": guards.mode,
        "organisation": guards.organisation_id, "area": guards.area_id,
        "site": cast.site_a.pk, "active": "on"})
    assert police.status_code == 422
    assert "Only stewards and guards are posted at one site" in police.content.decode()
