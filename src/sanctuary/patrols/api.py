"""Patrol endpoints: the plans a reader may see and their visits, through the same doors as the
pages (future routes for the area's patrol staff only)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Error, ValidationFailure
from sanctuary.patrols import policy, services
from sanctuary.patrols.models import Plan

router = Router(tags=["patrols"])


class PlanOut(Schema):
    id: int
    week_start: date
    status: str
    areas: list[str]
    utility: float | None = Field(None, description="The defender's utility (0: every attack deterred).")
    bound: float | None = Field(None, description="No plan with these units and shifts does better.")
    gap: float | None
    baselines: dict[str, float]


def _plan_fields(plan: Plan) -> dict[str, object]:
    return {
        "id": plan.pk, "week_start": plan.week_start, "status": plan.status,
        "areas": [area.name for area in plan.areas.all()], "utility": plan.utility,
        "bound": plan.bound, "gap": plan.gap, "baselines": plan.baselines,
    }


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class VisitOut(Schema):
    id: int
    unit: str
    site: int
    site_name: str
    gathering: str
    arrive: datetime
    start: datetime
    minutes: int
    pinned: bool


class PlanDetailOut(PlanOut):
    visits: list[VisitOut]


class PlanFilters(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/patrols/plans", response={200: PlanPage, 401: Error, 422: ValidationFailure})
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> PlanPage:
    """The plans you may see, newest week first; `count` is the total before limit and offset."""
    plans = policy.visible_plans(Actor.of(request)).prefetch_related("areas")
    page = plans[filters.offset : filters.offset + filters.limit]
    return PlanPage(count=plans.count(), items=[PlanOut(**_plan_fields(p)) for p in page])  # type: ignore[arg-type]


@router.get(
    "/patrols/plans/{plan_id}",
    response={200: PlanDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_plan(request: HttpRequest, plan_id: int) -> PlanDetailOut:
    """One plan and its visits (404 if you may not see it); audited as an export, like the
    plan's CSV and PDF."""
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    services.record_export(actor, plan, "api")
    visits = [
        VisitOut(
            id=v.pk, unit=v.unit.name, site=v.site_id, site_name=v.site.name,
            gathering=v.window_label, arrive=v.arrive, start=v.start, minutes=v.dwell_minutes,
            pinned=v.pinned,
        )
        for v in plan.visits.select_related("unit", "site").order_by("start")
    ]
    return PlanDetailOut(**_plan_fields(plan), visits=visits)  # type: ignore[arg-type]
