"""The demo's patrols: units and shifts for the East Division (Tower Hamlets and Hackney), a
published plan for the current week, and check-ins for the visits already past.

Deterministic for a given day: fixed units and shifts, the plan's seed, and check-ins decided by
a seeded random stream (the planner itself converges on this small problem; the demo gives it
a fixed time).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import User
from sanctuary.patrols import services, tasks
from sanctuary.patrols.models import CheckIn, MissedReason, PatrolUnit, Plan, PlanStatus, Shift
from sanctuary.registry.models import Area, Organisation, Site

LONDON = ZoneInfo("Europe/London")
POLICE = "East Division Neighbourhood Policing"
ENFORCEMENT = "Borough Enforcement Service"
# (name, kind, mode, organisation, area, base (lat, lon), shift hours, officers)
UNITS = [
    ("TH Foot 1", "police", "foot", POLICE, "Tower Hamlets", (51.5265, -0.0553), (11, 21), ["officer"]),
    ("TH Bike 2", "police", "bicycle", POLICE, "Tower Hamlets", (51.5101, -0.0465), (6, 14), []),
    ("TH Enforcement", "enforcement", "car", ENFORCEMENT, "Tower Hamlets", (51.5098, -0.0070), (12, 20), ["enforcement"]),
    ("HK Car 1", "police", "car", POLICE, "Hackney", (51.5612, -0.0745), (10, 20), []),
    ("HK Foot 2", "police", "foot", POLICE, "Hackney", (51.5456, -0.0553), (12, 20), []),
]
STEWARD_SITE = "Eastside Central Masjid"
SEED = 7
PLAN_SECONDS = 20.0


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def load(today: date | None = None) -> Plan | None:
    """`today` fixes the week and the moment before which visits count as past (its noon)."""
    now = timezone.now() if today is None else _at(today, 12)
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    areas = {a.name: a for a in Area.objects.filter(name__in=["Tower Hamlets", "Hackney"])}
    if len(areas) < 2:
        return None
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[POLICE, ENFORCEMENT])}
    users = {u.username: u for u in User.objects.filter(username__in=["officer", "enforcement", "police"])}
    for name, kind, mode, organisation, area, base, hours, officers in UNITS:
        unit = PatrolUnit.objects.create(
            name=name, kind=kind, mode=mode, organisation=organisations[organisation],
            area=areas[area],
        )
        unit.officers.set([users[u] for u in officers if u in users])
        Shift.objects.bulk_create(
            Shift(unit=unit, start=_at(monday + timedelta(days=d), hours[0]),
                  end=_at(monday + timedelta(days=d), hours[1]),
                  base_latitude=base[0], base_longitude=base[1])
            for d in range(7)
        )
    site = Site.objects.filter(name=STEWARD_SITE).select_related("operator").first()
    if site is not None and site.operator is not None:
        steward = PatrolUnit.objects.create(
            name="Central Masjid stewards", kind="steward", mode="foot",
            organisation=site.operator, area=site.area, site=site,
        )
        # Friday's Jumu'ah sessions
        Shift.objects.create(unit=steward, start=_at(monday + timedelta(days=4), 12),
                             end=_at(monday + timedelta(days=4), 14),
                             base_latitude=site.latitude, base_longitude=site.longitude)
    system = Actor.system("demo", Channel.COMMAND)
    plan = services.create_plan(system, list(areas.values()), monday, seed=SEED)
    tasks.run_plan(plan.pk, time_limit=PLAN_SECONDS)
    plan.refresh_from_db()
    if plan.status != PlanStatus.READY:
        return plan
    services.publish_plan(system, plan)
    _check_ins(plan, users, now)
    plan.refresh_from_db()
    return plan


def _check_ins(plan: Plan, users: dict[str, User], now: datetime) -> None:
    """Past visits: most delivered (a few late), some missed with a reason, as a week goes."""
    rng = random.Random(SEED)
    rows = []
    for visit in plan.visits.select_related("unit", "site").order_by("start", "pk"):
        if visit.window_end >= now:
            continue
        officer = next(iter(visit.unit.officers.all()), None) or users.get("police")
        if officer is None:
            continue
        draw = rng.random()
        if draw < 0.12:
            visit.missed_reason = rng.choice([MissedReason.CALLED_AWAY, MissedReason.RUNNING_LATE])
            visit.save(update_fields=["missed_reason"])
            continue
        late = draw < 0.25
        at = visit.start + timedelta(minutes=rng.randint(11, 14) if late else rng.randint(0, 4))
        at = min(at, visit.window_end - timedelta(minutes=1))
        rows.append(CheckIn(
            visit=visit, officer=officer, kind="in", at=at, accepted=True,
            latitude=visit.site.latitude + rng.uniform(-0.0003, 0.0003),
            longitude=visit.site.longitude + rng.uniform(-0.0003, 0.0003),
            client_id=uuid.UUID(int=rng.getrandbits(128)),
        ))
    CheckIn.objects.bulk_create(rows)
