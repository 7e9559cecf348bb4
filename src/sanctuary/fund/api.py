"""Fund endpoints: applications (read; create and update a draft) and scores, through the same
doors as the pages. An applicant never sees who scored them: scores are an assessor's own, or
every score of a fund manager's rounds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Error, FieldError, Text, ValidationFailure
from sanctuary.fund import policy, services
from sanctuary.fund.models import Application

router = Router(tags=["fund"])


class ReasonOut(Schema):
    rule: str
    ok: bool
    text: str


class PackageOut(Schema):
    label: str
    measures: list[dict[str, Any]]
    cost: float
    contribution: float
    quotes: int


class ApplicationOut(Schema):
    id: int
    round: int
    round_name: str
    site: int
    site_name: str
    organisation: str
    status: str
    submitted_at: datetime | None
    eligible: bool | None = Field(None, description="The last eligibility check; null before any.")
    final_score: float | None = Field(None, description="0–100 after scoring or moderation.")


class ApplicationDetailOut(ApplicationOut):
    answers: dict[str, str]
    charity_number: str
    charity_exempt: bool
    funded_before_year: int | None
    reasons: list[ReasonOut]
    packages: list[PackageOut]
    evidence: list[str] = Field(description="The kinds of evidence given.")


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]


class Paging(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


def _fields(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk, "round": application.round_id, "round_name": application.round.name,
        "site": application.site_id, "site_name": application.site.name,
        "organisation": application.organisation.name, "status": application.status,
        "submitted_at": application.submitted_at,
        "eligible": (application.eligibility or {}).get("eligible"),
        "final_score": application.final_score,
    }


def _detail(application: Application) -> ApplicationDetailOut:
    return ApplicationDetailOut(
        **_fields(application),
        answers={k: str(v) for k, v in application.answers.items()},
        charity_number=application.charity_number,
        charity_exempt=application.charity_exempt,
        funded_before_year=application.funded_before_year,
        reasons=[ReasonOut(**r) for r in (application.eligibility or {}).get("reasons", [])],
        packages=[
            PackageOut(label=p.label, measures=p.measures, cost=float(p.cost),
                       contribution=float(p.contribution), quotes=p.quotes.count())
            for p in application.packages.all()
        ],
        evidence=list(application.evidence.values_list("kind", flat=True)),
    )


def _failure(error: ValidationError) -> Status:
    if hasattr(error, "error_dict"):
        problems = [FieldError(field=field, message=m) for field, ms in error.message_dict.items() for m in ms]
    else:
        problems = [FieldError(field="request", message=m) for m in error.messages]
    return Status(422, ValidationFailure(detail="The request is not valid.", errors=problems))


@router.get("/fund/applications", response={200: ApplicationPage, 401: Error, 422: ValidationFailure})
def list_applications(request: HttpRequest, paging: Query[Paging]) -> ApplicationPage:
    """The applications you may see: your organisations' (applicant), those assigned to you
    (assessor), every one of your rounds (fund manager)."""
    applications = policy.visible_applications(Actor.of(request)).order_by("pk")
    page = applications[paging.offset : paging.offset + paging.limit]
    return ApplicationPage(count=applications.count(), items=[ApplicationOut(**_fields(a)) for a in page])


@router.get(
    "/fund/applications/{application_id}",
    response={200: ApplicationDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_application(request: HttpRequest, application_id: int) -> ApplicationDetailOut:
    """One application with its eligibility reasons, packages and evidence (404 if you may not
    see it)."""
    return _detail(policy.get_application(Actor.of(request), application_id))


class ApplicationIn(Schema):
    round: int
    site: int


@router.post(
    "/fund/applications",
    response={201: ApplicationDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def create_application(request: HttpRequest, body: ApplicationIn) -> object:
    """Start a draft for one of your sites in an open round (once per round and site),
    pre-filled from the site's survey, incidents and Martyn's Law status."""
    actor = Actor.of(request)
    round_ = policy.get_round(actor, body.round)
    site = policy.get_own_site(actor, body.site, round_)
    try:
        application = services.start_application(actor, round_, site)
    except ValidationError as error:
        return _failure(error)
    return Status(201, _detail(application))


class DraftIn(Schema):
    need: Text | None = Field(None, max_length=5000)
    plan: Text | None = Field(None, max_length=5000)
    sustain: Text | None = Field(None, max_length=5000)
    charity_number: Text | None = Field(None, max_length=20)
    charity_exempt: bool | None = None
    funded_before_year: int | None = Field(None, ge=1990, le=2100)


@router.patch(
    "/fund/applications/{application_id}",
    response={200: ApplicationDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def update_application(request: HttpRequest, application_id: int, changes: DraftIn) -> object:
    """Change a draft of yours (the fields given); eligibility is checked again. 422 once
    submitted."""
    actor = Actor.of(request)
    application = policy.get_application(actor, application_id, for_edit=True)
    try:
        application = services.save_draft(actor, application, changes.dict(exclude_unset=True))
    except ValidationError as error:
        return _failure(error)
    return _detail(application)


class ScoreOut(Schema):
    id: int
    application: int
    assignment: int
    criterion: str
    level: int
    comment: str
    submitted: bool


class ScorePage(Schema):
    count: int
    items: list[ScoreOut]


@router.get("/fund/scores", response={200: ScorePage, 401: Error, 422: ValidationFailure})
def list_scores(request: HttpRequest, paging: Query[Paging]) -> ScorePage:
    """Your own scores (assessor), or every score of your rounds (fund manager)."""
    scores = policy.visible_scores(Actor.of(request)).order_by("pk")
    page = scores[paging.offset : paging.offset + paging.limit]
    return ScorePage(count=scores.count(), items=[
        ScoreOut(id=s.pk, application=s.assignment.application_id, assignment=s.assignment_id,
                 criterion=s.criterion.name, level=s.level, comment=s.comment,
                 submitted=s.assignment.submitted_at is not None)
        for s in page
    ])
