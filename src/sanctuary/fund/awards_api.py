"""The fund's allocation result in the API (docs/fund-decisions.md): the round's latest
allocation, with the baselines, the explanations and what a further £100,000 would fund; for the
round's fund managers only (404 for anyone else, as for a missing round)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.api_schemas import Error, ValidationFailure
from sanctuary.fund import awards_policy as policy

router = Router(tags=["fund"])


class BaselineOut(Schema):
    method: str = Field(description="greedy (score-ranked) or fcfs (first come, first served)")
    chosen: dict[str, str]
    cost: float
    benefit: float
    violations: list[str]


class ExplanationOut(Schema):
    application: int
    site: str
    funded: str | None = Field(None, description="The funded package's label, if any.")
    reason: str
    best_package: str | None = None
    best_ratio: float | None = Field(None, description="Risk removed per pound of its best package.")
    cut_off: float | None = Field(None, description="The benefit per pound it had to reach.")
    text: str


class AllocationOut(Schema):
    id: int
    round: int
    status: str
    progress: int
    message: str
    created_at: datetime
    confirmed_at: datetime | None
    benefit_source: str | None = Field(None, description="risk (risk model) or score (moderated score)")
    chosen: dict[str, str] = Field(description="Application id -> funded package label.")
    cost: float | None
    benefit: float | None = Field(None, description="Total risk removed (risk-model points).")
    bound: float | None
    gap: float | None
    shadow_price: float | None = Field(None, description="Risk removed by a further pound.")
    baselines: list[BaselineOut]
    explanations: list[ExplanationOut]
    further: dict[str, Any] = Field(description="What a further £100,000 would fund.")


@router.get(
    "/fund/rounds/{round_id}/allocation",
    response={200: AllocationOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def round_allocation(request: HttpRequest, round_id: int) -> AllocationOut:
    """The latest allocation of a round you manage (404 if none, or not yours)."""
    round_ = policy.get_managed_round(Actor.of(request), round_id)
    run = policy.latest_run(round_)
    if run is None:
        raise NotFound("This round has not been allocated.")
    result = run.result or {}
    return AllocationOut(
        id=run.pk, round=round_.pk, status=run.status, progress=run.progress,
        message=run.message, created_at=run.created_at, confirmed_at=run.confirmed_at,
        benefit_source=result.get("benefit_source"), chosen=result.get("chosen", {}),
        cost=result.get("cost"), benefit=result.get("benefit"), bound=run.bound, gap=run.gap,
        shadow_price=run.shadow_price,
        baselines=[
            BaselineOut(method=row.method, chosen=row.result.get("chosen", {}),
                        cost=row.result.get("cost", 0), benefit=row.result.get("benefit", 0),
                        violations=row.result.get("violations", []))
            for row in run.baselines.order_by("method")
        ],
        explanations=[
            ExplanationOut(**{**item, "application": int(item["application"])})
            for item in result.get("explanations", [])
        ],
        further=result.get("further", {}),
    )
