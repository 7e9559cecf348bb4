"""Background jobs of the patrols app, run by `sanctuary worker` (django-tasks, database backend).

Generating a plan: progress goes into the plan's row (the page polls it), and the job stops when
the row says cancel.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.patrols import planning
from sanctuary.patrols.models import Plan, PlannedVisit, PlanStatus
from sanctuary.solvers.patrol import PlanCancelled


@task()
def plan_week(plan_id: int) -> str:
    """Generate a plan: progress in the plan's row, which the page polls; cancellable."""
    return run_plan(plan_id)


class _Reporter:
    """Progress into the plan's row (at most twice a second), and the cancel flag out of it."""

    def __init__(self, plan_id: int):
        self.plan_id = plan_id
        self.last_write = 0.0
        self.last_read = 0.0
        self.stop = False

    def progress(self, fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - self.last_write < 0.5 and fraction < 1:
            return
        self.last_write = now
        Plan.objects.filter(pk=self.plan_id).update(
            progress=max(5, min(95, round(5 + 90 * fraction))), message=message[:200]
        )

    def cancelled(self) -> bool:
        now = time.monotonic()
        if now - self.last_read >= 0.5:
            self.last_read = now
            self.stop = Plan.objects.filter(pk=self.plan_id, cancel_requested=True).exists()
        return self.stop


def run_plan(plan_id: int, time_limit: float | None = None) -> str:
    """The background job: build the week's problem, plan it, store the drawn roster's visits.

    Pinned visits stay; so do their units' shifts' routes (docs/patrols.md)."""
    actor = Actor.system("worker", Channel.JOB)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None or plan.status != PlanStatus.PLANNING:
        return "nothing to do"
    reporter = _Reporter(plan_id)
    if plan.cancel_requested:
        return _cancelled(actor, plan)
    reporter.progress(0, "Reading the week's gatherings")
    pinned_shifts = set(
        plan.visits.filter(pinned=True, shift__isnull=False).values_list("shift_id", flat=True)
    )
    # Kept: pinned visits and the rest of their shifts' routes; in a surge, what is past too.
    kept_visits = Q(pinned=True) | Q(shift_id__in=pinned_shifts)
    if plan.replanned_from is not None:
        kept_visits |= Q(start__lt=plan.replanned_from)
    pinned = list(plan.visits.filter(kept_visits))
    built = planning.build_problem(plan, pinned)
    if time_limit is not None:
        built = planning.Built(replace(built.problem, time_limit=time_limit), built.windows,
                               built.shifts, built.window_sites, built.skipped)
    # A pinned visit's shift keeps its route: take the shift out of the problem.
    if pinned_shifts:
        keep = [i for i, s in enumerate(built.shifts) if s.pk not in pinned_shifts]
        if len(keep) != len(built.shifts):
            built = _without_units(built, keep)
    try:
        outcome = planning.solve(built, reporter.progress, reporter.cancelled)
    except PlanCancelled:
        return _cancelled(actor, plan)
    except Exception as error:  # the job must say what went wrong on the page
        Plan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED, progress=0, message=f"Planning failed: {error}"[:200]
        )
        raise
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan_id)
        if plan.cancel_requested:
            return _cancelled(actor, plan)
        plan.visits.exclude(pk__in=[v.pk for v in pinned]).delete()
        if outcome is None:
            plan.utility = plan.bound = plan.gap = None
            plan.baselines = {}
            plan.stopped = ""
            message = (
                "No gatherings to plan for this week"
                if not built.problem.windows
                else "No patrol unit is on shift this week: add shifts, then plan again"
            )
            if not built.problem.units:
                for info in built.windows:
                    if not info.covered_by and not info.reason:
                        info.reason = "no unit is on shift this week"
        else:
            result = outcome.result
            PlannedVisit.objects.bulk_create(
                PlannedVisit(
                    plan=plan, unit=v.shift.unit, shift=v.shift, site=v.site,
                    window_key=v.info.key, window_label=v.info.label,
                    window_start=datetime.fromisoformat(v.info.start),
                    window_end=datetime.fromisoformat(v.info.end),
                    arrive=v.arrive, start=v.start, dwell_minutes=plan.dwell_minutes,
                )
                for v in planning.drawn_visits(built, outcome)
            )
            plan.utility, plan.bound = result.defender_utility, result.bound
            plan.gap = result.gap
            plan.baselines = {k: float(v) for k, v in result.baselines.items()}
            plan.stopped = result.stopped
            message = f"Planned in {result.seconds:.0f} s ({result.stopped})"
        plan.windows = [info.as_json() for info in built.windows]
        if plan.published_at is not None:  # a surge re-plan of a published plan
            message = f"Re-planned from {timezone.localtime(plan.replanned_from):%a %H:%M} at threat level {plan.threat_level}: {message}"
        done = PlanStatus.PUBLISHED if plan.published_at is not None else PlanStatus.READY
        plan.status, plan.progress, plan.message = done, 100, message
        plan.save()
        record(
            Action.UPDATE, actor=actor, obj=plan,
            detail={"planning": "done", "visits": plan.visits.count(), "utility": plan.utility},
        )
    return message


def _without_units(built: planning.Built, keep: list[int]) -> planning.Built:
    problem = replace(built.problem, units=tuple(built.problem.units[i] for i in keep))
    return planning.Built(problem, built.windows, [built.shifts[i] for i in keep],
                          built.window_sites, built.skipped)


def _cancelled(actor: Actor, plan: Plan) -> str:
    """A cancelled surge leaves the published plan as it was."""
    with transaction.atomic():
        if plan.published_at is not None:
            Plan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.PUBLISHED, progress=100, message="Re-planning cancelled",
                cancel_requested=False,
            )
        else:
            Plan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.CANCELLED, progress=0, message="Cancelled", cancel_requested=False
            )
        record(Action.UPDATE, actor=actor, obj=plan, detail={"planning": "cancelled"})
    return "cancelled"


