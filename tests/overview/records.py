"""Records the overview's tests build: incidents, patrol visits and surveys, made directly so
that each test knows exactly what the figures must count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.incidents.models import Incident
from sanctuary.patrols.models import CheckIn, PatrolUnit, Plan, PlannedVisit, PlanStatus
from sanctuary.registry.models import Area, Site
from tests.conftest import Cast


def incident(area: Area, day: date, *, category: str = "threats", faith: str = "islam",
             ward: str = "Whitechapel", status: str = "new", site: Site | None = None,
             merged_into: Incident | None = None) -> Incident:
    soon = timezone.now() + timedelta(days=3)
    return Incident.objects.create(
        category=category, severity="high", occurred_on=day, area=area, ward=ward,
        faith_targeted=faith, description="test incident", status=status, site=site,
        acknowledge_by=soon, first_action_by=soon, merged_into=merged_into,
    )


def _unit(cast: Cast, area: Area) -> PatrolUnit:
    unit, _ = PatrolUnit.objects.get_or_create(
        name=f"Overview unit {area.code}", area=area,
        defaults={"kind": "police", "mode": "foot", "organisation": cast.police_unit},
    )
    return unit


def visit(cast: Cast, site: Site, start: datetime, *, delivered: bool,
          status: str = PlanStatus.PUBLISHED) -> PlannedVisit:
    """A planned visit at the site; delivered: an accepted check-in at its start."""
    plan = Plan.objects.create(week_start=start.date() - timedelta(days=start.weekday()),
                               status=status, progress=100)
    plan.areas.set([site.area])
    made = PlannedVisit.objects.create(
        plan=plan, unit=_unit(cast, site.area), site=site, window_key=f"w{start.isoformat()}",
        window_label="Test gathering", window_start=start - timedelta(minutes=30),
        window_end=start + timedelta(hours=1), arrive=start, start=start,
    )
    if delivered:
        CheckIn.objects.create(visit=made, officer=cast.person(Role.PATROL_OFFICER), at=start,
                               latitude=site.latitude, longitude=site.longitude, accepted=True)
    return made


def local(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())
