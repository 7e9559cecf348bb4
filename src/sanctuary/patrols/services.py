"""Every change to patrols: units, shifts, plans (generated in the background), check-ins.

Each is one transaction with its audit record, and re-checks access through patrols/policy.py.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.calendars import services as calendar_services
from sanctuary.fund.guarding import funded_hours
from sanctuary.patrols import guard_cover, policy
from sanctuary.patrols.models import (
    CheckIn,
    CheckInKind,
    MissedReason,
    PatrolUnit,
    Plan,
    PlannedVisit,
    PlanStatus,
    RotaFeed,
    Shift,
    TravelMode,
    UnitKind,
)
from sanctuary.patrols.tasks import plan_week
from sanctuary.registry.models import Area, Organisation, Site
from sanctuary.solvers.travel import haversine_km
from sanctuary.surveys import assess


class PlanLocked(Exception):
    """The plan is being generated, or is published or cancelled: it cannot change now."""


# --- units and shifts --------------------------------------------------------------------------


def save_unit(actor: Actor, form: ModelForm) -> PatrolUnit:
    with transaction.atomic():
        unit = form.instance
        if unit.pk is not None:
            policy.get_unit(actor, unit.pk, for_edit=True)
            before = snapshot(PatrolUnit.objects.get(pk=unit.pk))
        else:
            before = None
        if not policy.areas_to_plan(actor).filter(pk=unit.area_id).exists():
            raise NotFound("No such area.")
        unit = form.save()
        record(Action.UPDATE if before else Action.CREATE, actor=actor, obj=unit, before=before,
               after=snapshot(unit))
        return unit


def save_shift(actor: Actor, unit: PatrolUnit, form: ModelForm) -> Shift:
    with transaction.atomic():
        policy.get_unit(actor, unit.pk, for_edit=True)
        shift = form.save(commit=False)
        shift.unit = unit
        shift.full_clean()
        shift.save()
        record(Action.CREATE, actor=actor, obj=shift, after=snapshot(shift))
        return shift


def remove_shift(actor: Actor, shift: Shift) -> None:
    with transaction.atomic():
        policy.get_shift(actor, shift.pk, for_edit=True)
        before = snapshot(shift)
        record(Action.DELETE, actor=actor, obj=shift, before=before)
        shift.delete()


# --- funded guards: shifts from the site's gatherings ------------------------------------------------

FILL_WEEKS = 4


class NoGatherings(Exception):
    """The unit's site has no gatherings in the period: nothing for its guards to cover."""


@dataclass(frozen=True)
class Filled:
    shifts: list[Shift]
    cover: guard_cover.Cover
    hours_per_week: float
    first: date
    last: date


def fill_guard_shifts(
    actor: Actor,
    unit: PatrolUnit,
    hours_per_week: float | None = None,
    *,
    weeks: int = FILL_WEEKS,
    first: date | None = None,
) -> Filled:
    """Shifts for a unit posted at one site, from the site's gatherings over `weeks` weeks from
    `first` (next Monday): the largest gatherings first within `hours_per_week` (by default what
    the fund award that made the unit pays for), each from a little before to a little after,
    based at the site (guard_cover.py; docs/patrols.md). Shifts the unit already has in the
    period stay, count against their week's hours and are never overlapped."""
    if not 1 <= weeks <= 12:
        raise ValidationError({"weeks": "Fill from 1 to 12 weeks at a time."})
    with transaction.atomic():
        unit = policy.get_unit_to_fill(actor, unit.pk)
        site = unit.site
        assert site is not None  # the door gives only units posted at a site
        if hours_per_week is None:
            hours_per_week = funded_hours(unit)
            if hours_per_week is None:
                raise ValidationError(
                    {"weeks": f"No fund award pays for {unit.name}: enter its shifts by hand."}
                )
        today = timezone.localdate()
        first = first or today + timedelta(days=7 - today.weekday())  # the planner's next week
        last = first + timedelta(days=7 * weeks - 1)
        calendars = calendar_services.across_sites(
            calendar_services.with_schedules(Site.objects.filter(pk=site.pk)), first, last
        )
        found = [item.gathering for item in calendars.gatherings()]
        if not found:
            why = "".join(f" ({item.reason})" for item in calendars.skipped)
            raise NoGatherings(
                f"{site.name} has no gatherings from {first:%a %d %b} to {last:%a %d %b %Y} in "
                f"its calendar{why}: add its services or events to the site's calendar, then "
                "fill the shifts again."
            )
        weeks_from = datetime.combine(first, datetime.min.time(), ZoneInfo(settings.TIME_ZONE))
        until = weeks_from + timedelta(days=7 * weeks + 1)
        fixed = [
            guard_cover.Interval(s.start, s.end)
            for s in unit.shifts.filter(end__gt=weeks_from - timedelta(days=1), start__lt=until)
        ]
        cover = guard_cover.choose_shifts(found, hours_per_week, weeks_from, fixed=fixed)
        made = Shift.objects.bulk_create(
            Shift(unit=unit, start=i.start, end=i.end, base_latitude=site.latitude,
                  base_longitude=site.longitude)
            for i in cover.shifts
        )
        record(Action.UPDATE, actor=actor, obj=unit, detail={
            "shifts_filled": [[i.start.isoformat(), i.end.isoformat()] for i in cover.shifts],
            "hours_per_week": hours_per_week, "from": first.isoformat(), "to": last.isoformat(),
            "gatherings_covered": len(cover.chosen), "gatherings_left": len(cover.dropped),
        })
    return Filled(made, cover, hours_per_week, first, last)


SHIFT_COLUMNS = ("unit", "kind", "mode", "start", "end", "base_latitude", "base_longitude")


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line of the file (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.row}, {self.column}: {self.message}"


class ShiftsRefused(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def _local(text: str, zone: ZoneInfo) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("T", " "))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def import_shifts(
    actor: Actor, area: Area, organisation: Organisation, text: str
) -> tuple[int, int]:
    """Shifts from CSV (docs/patrols.md): all or nothing. A unit named in a row is found in the
    area by name, or made (then kind and mode are needed). Returns (units made, shifts added)."""
    if not policy.areas_to_plan(actor).filter(pk=area.pk).exists():
        raise NotFound("No such area.")
    zone = ZoneInfo(settings.TIME_ZONE)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in ("unit", "start", "end", "base_latitude", "base_longitude") if c not in header]
    if missing:
        raise ShiftsRefused([RowProblem(1, ", ".join(missing), "missing column")])
    existing = {u.name: u for u in PatrolUnit.objects.filter(area=area)}
    new_units: dict[str, PatrolUnit] = {}
    shifts: list[tuple[str, Shift]] = []
    problems: list[RowProblem] = []
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        name = row.get("unit", "")
        if not name:
            problems.append(RowProblem(line, "unit", "empty: name the unit"))
            continue
        if name not in existing and name not in new_units:
            kind, mode = row.get("kind", ""), row.get("mode", "")
            if kind not in UnitKind.values:
                problems.append(RowProblem(line, "kind", f"{kind!r} is not one of {', '.join(UnitKind.values)} (needed for a new unit)"))
                continue
            if kind == UnitKind.STEWARD:
                problems.append(RowProblem(line, "kind", "a steward's unit names its site: add it on the units page first"))
                continue
            if mode not in TravelMode.values:
                problems.append(RowProblem(line, "mode", f"{mode!r} is not one of {', '.join(TravelMode.values)} (needed for a new unit)"))
                continue
            new_units[name] = PatrolUnit(name=name, kind=kind, mode=mode, organisation=organisation, area=area)
        values: dict[str, Any] = {}
        for column in ("start", "end"):
            try:
                values[column] = _local(row.get(column, ""), zone)
            except ValueError:
                problems.append(RowProblem(line, column, f"{row.get(column, '')!r} is not a date and time like 2026-12-07 08:00"))
        for column in ("base_latitude", "base_longitude"):
            try:
                values[column] = float(row.get(column, ""))
                if not math.isfinite(values[column]):
                    raise ValueError
            except ValueError:
                problems.append(RowProblem(line, column, f"{row.get(column, '')!r} is not a number"))
        if len(values) < 4:
            continue
        shift = Shift(unit=existing.get(name) or new_units[name], **values)
        try:
            shift.full_clean(exclude=["unit"])
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                problems.extend(RowProblem(line, column, m) for m in messages)
            continue
        shifts.append((name, shift))
    if problems:
        raise ShiftsRefused(problems)
    if not shifts:
        raise ShiftsRefused([RowProblem(1, "rows", "the file holds no shifts")])
    with transaction.atomic():
        for unit in new_units.values():
            unit.save()
        for name, shift in shifts:
            shift.unit = existing.get(name) or new_units[name]
        Shift.objects.bulk_create([shift for _, shift in shifts])
        record(
            Action.IMPORT, actor=actor, object_type="patrols.shift",
            object_repr=f"{len(shifts)} shifts for {area.name}",
            detail={"units_made": sorted(new_units), "shifts": len(shifts)},
        )
    return len(new_units), len(shifts)


# --- plans ---------------------------------------------------------------------------------------


def create_plan(actor: Actor, areas: Sequence[Area], week_start: date, seed: int = 1) -> Plan:
    """A draft plan, queued for generation in the background (`sanctuary worker`)."""
    allowed = policy.areas_to_plan(actor)
    if not areas or any(not allowed.filter(pk=a.pk).exists() for a in areas):
        raise NotFound("No such area.")
    with transaction.atomic():
        plan = Plan.objects.create(
            week_start=week_start, seed=seed, created_by=actor.user, status=PlanStatus.DRAFT,
            # the national threat level recorded for that week (surveys' history)
            threat_level=assess.national_level(week_start).value,
        )
        plan.areas.set(areas)
        record(Action.CREATE, actor=actor, obj=plan, after=snapshot(plan))
    start_planning(actor, plan)
    return plan


def start_planning(actor: Actor, plan: Plan) -> Plan:
    with transaction.atomic():
        plan = policy.get_plan(actor, plan.pk, for_edit=True)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_editable and plan.status != PlanStatus.CANCELLED:
            raise PlanLocked("This plan is being generated or is published: it cannot change.")
        plan.status, plan.progress, plan.message = PlanStatus.PLANNING, 0, "Waiting for the worker"
        plan.cancel_requested = False
        plan.save(update_fields=["status", "progress", "message", "cancel_requested"])
        record(Action.UPDATE, actor=actor, obj=plan, detail={"planning": "queued"})
        transaction.on_commit(lambda: plan_week.enqueue(plan.pk))
    return plan


def cancel_planning(actor: Actor, plan: Plan) -> Plan:
    with transaction.atomic():
        plan = policy.get_plan(actor, plan.pk, for_edit=True)
        if plan.status != PlanStatus.PLANNING:
            raise PlanLocked("Only a plan being generated can be cancelled.")
        Plan.objects.filter(pk=plan.pk).update(cancel_requested=True, message="Cancelling…")
        record(Action.UPDATE, actor=actor, obj=plan, detail={"planning": "cancel requested"})
    plan.refresh_from_db()
    return plan


def change_plan(
    actor: Actor, plan: Plan, *, dwell_minutes: int, excluded: Sequence[PatrolUnit]
) -> Plan:
    """Change what the plan is made of, then generate it again (pinned visits stay)."""
    with transaction.atomic():
        plan = policy.get_plan(actor, plan.pk, for_edit=True)
        if not plan.is_editable and plan.status != PlanStatus.CANCELLED:
            raise PlanLocked("A published plan is read-only.")
        before = {"dwell_minutes": plan.dwell_minutes,
                  "excluded_units": sorted(plan.excluded_units.values_list("pk", flat=True))}
        plan.dwell_minutes = dwell_minutes
        plan.save(update_fields=["dwell_minutes"])
        plan.excluded_units.set(excluded)
        plan.visits.filter(unit__in=excluded).delete()
        record(Action.UPDATE, actor=actor, obj=plan, before=before,
               after={"dwell_minutes": dwell_minutes, "excluded_units": sorted(u.pk for u in excluded)})
    return start_planning(actor, plan)


def pin_visit(actor: Actor, visit: PlannedVisit, pinned: bool) -> PlannedVisit:
    with transaction.atomic():
        visit = policy.get_visit(actor, visit.pk, for_edit=True)
        if not visit.plan.is_editable:
            raise PlanLocked("A published plan is read-only.")
        visit.pinned = pinned
        visit.save(update_fields=["pinned"])
        record(Action.UPDATE, actor=actor, obj=visit, after={"pinned": pinned})
    return visit


def publish_plan(actor: Actor, plan: Plan) -> Plan:
    with transaction.atomic():
        plan = policy.get_plan(actor, plan.pk, for_edit=True)
        if plan.status != PlanStatus.READY:
            raise PlanLocked("Only a plan ready for review can be published.")
        plan.status, plan.published_at = PlanStatus.PUBLISHED, timezone.now()
        plan.save(update_fields=["status", "published_at"])
        record(Action.UPDATE, actor=actor, obj=plan,
               detail={"published": True, "visits": plan.visits.count()})
    return plan


def surge_replan(actor: Actor, plan: Plan, threat_level: str) -> Plan:
    """The threat level is raised: re-plan the rest of a published week from now, with every
    gathering re-weighted at the new level, keeping the visits already past. Officers keep
    seeing the plan meanwhile; it stays published."""
    from sanctuary.patrols.models import THREAT_LEVELS

    if threat_level not in dict(THREAT_LEVELS):
        raise ValidationError({"threat_level": "Choose a threat level."})
    with transaction.atomic():
        plan = policy.get_plan(actor, plan.pk, for_edit=True)
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != PlanStatus.PUBLISHED:
            raise PlanLocked("Only a published plan is re-planned for a surge.")
        before = {"threat_level": plan.threat_level}
        # from the next whole minute: the planner counts in whole seconds from there
        start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)
        plan.threat_level, plan.replanned_from = threat_level, start
        plan.status, plan.progress, plan.message = PlanStatus.PLANNING, 0, "Waiting for the worker"
        plan.cancel_requested = False
        plan.save()
        record(Action.UPDATE, actor=actor, obj=plan, before=before,
               after={"threat_level": threat_level, "surge": True})
        transaction.on_commit(lambda: plan_week.enqueue(plan.pk))
    return plan


def record_export(actor: Actor, plan: Plan, what: str) -> None:
    """Exports of a plan are audited; one that still holds future visits says so."""
    future = plan.visits.filter(start__gte=timezone.now()).exists()
    with transaction.atomic():
        record(Action.EXPORT, actor=actor, obj=plan, detail={"format": what, "future_visits": future})


# --- the officer's phone -----------------------------------------------------------------------------


def checkin_radius() -> float:
    return float(getattr(settings, "PATROL_CHECKIN_RADIUS_METRES", 150))


@dataclass(frozen=True)
class CheckInResult:
    check_in: CheckIn
    duplicate: bool  # the phone sent it again: recorded once


def record_check_in(
    actor: Actor,
    visit: PlannedVisit,
    *,
    client_id: uuid.UUID,
    kind: str,
    at: datetime,
    latitude: float,
    longitude: float,
) -> CheckInResult:
    """Record what the phone said. Refused (recorded, with the reason) when further from the site
    than PATROL_CHECKIN_RADIUS_METRES or outside the gathering's window; once only per client id."""
    with transaction.atomic():
        visit = policy.get_own_visit(actor, visit.pk)
        found = CheckIn.objects.filter(client_id=client_id).first()
        if found is not None:
            if found.officer_id != actor.user.pk or found.visit_id != visit.pk:
                raise NotFound("No such check-in.")
            return CheckInResult(found, duplicate=True)
        reason = ""
        metres = 1000 * float(
            haversine_km(
                np.array([[latitude, longitude]]),
                np.array([[visit.site.latitude, visit.site.longitude]]),
            )[0, 0]
        )
        if at > timezone.now() + timedelta(minutes=5):
            reason = "the phone's time is in the future: check its clock"
        elif kind == CheckInKind.IN:
            if metres > checkin_radius():
                reason = (
                    f"you are {metres:,.0f} m from {visit.site.name}; check in within "
                    f"{checkin_radius():,.0f} m of it"
                )
            elif not visit.window_start <= at <= visit.window_end:
                local = timezone.localtime
                reason = (
                    f"outside the gathering's window ({local(visit.window_start):%H:%M}–"
                    f"{local(visit.window_end):%H:%M})"
                )
        elif not visit.check_ins.filter(kind=CheckInKind.IN, accepted=True).exists():
            reason = "check in before checking out"
        check_in = CheckIn.objects.create(
            visit=visit, officer=actor.user, kind=kind, at=at, latitude=latitude,
            longitude=longitude, accepted=not reason, refusal_reason=reason, client_id=client_id,
        )
        record(Action.CREATE, actor=actor, obj=check_in,
               after={**snapshot(check_in), "client_id": str(check_in.client_id)})
        return CheckInResult(check_in, duplicate=False)


def record_missed(actor: Actor, visit: PlannedVisit, reason: str, note: str) -> PlannedVisit:
    if reason not in MissedReason.values:
        raise ValidationError({"reason": "Choose why the visit was missed."})
    with transaction.atomic():
        visit = policy.get_own_visit(actor, visit.pk)
        visit.missed_reason, visit.missed_note = reason, note[:300]
        visit.save(update_fields=["missed_reason", "missed_note"])
        record(Action.UPDATE, actor=actor, obj=visit, after={"missed_reason": reason, "note": note})
    return visit


def create_rota_feed(actor: Actor) -> RotaFeed:
    with transaction.atomic():
        feed = RotaFeed.every.create(user=actor.user, epoch=actor.user.credentials_epoch)
        record(Action.CREATE, actor=actor, obj=feed, object_repr=str(feed))
    return feed


def revoke_rota_feed(actor: Actor, feed: RotaFeed) -> RotaFeed:
    with transaction.atomic():
        feed = policy.get_rota_feed(actor, feed.pk)
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record(Action.UPDATE, actor=actor, obj=feed, after={"revoked": True})
    return feed


def rota_ical(visits: Any) -> bytes:
    """An officer's visits as iCalendar: one event per visit, the site's address as location."""
    from datetime import UTC

    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Sanctuary//Patrol rota//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My patrol rota")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for visit in visits:
        event = Event()
        event.add("uid", f"patrol-visit-{visit.pk}@sanctuary")
        event.add("dtstamp", stamp)
        event.add("dtstart", visit.start.astimezone(UTC))
        event.add("dtend", visit.end.astimezone(UTC))
        event.add("summary", f"Patrol visit: {visit.site.name} ({visit.unit.name})")
        event.add("location", visit.site.address)
        event.add("description", f"{visit.window_label}\nBe there by {timezone.localtime(visit.start):%H:%M}.")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
