"""Survey and risk endpoints, through surveys.policy like the pages (docs/access.md).

Risk (GET /api/risk, GET /api/sites/{id}/risk) is for those who see a site's risk: its contacts,
the area's security advisers, programme administrators and police supervisors; the drivers that
name an answer only for those who see answers. Surveys and answers are for the site's contacts,
the area's advisers and administrators, and every read of answers is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.api_schemas import Body, Error, FieldError, Text, ValidationFailure
from sanctuary.registry.api import SiteFilters
from sanctuary.surveys import assess, policy, register, services
from sanctuary.surveys.instrument import load_measures
from sanctuary.surveys.models import SurveyKind, SurveyStatus
from sanctuary.surveys.risk import RiskLevel

router = Router(tags=["surveys"])


class Factors(Schema):
    threat: float = Field(..., description="T, 0..1: national level, incidents, faith trend.")
    vulnerability: float = Field(..., description="V, 0..1: from the latest survey that counts.")
    consequence: float = Field(..., description="C, 0..1: from the largest expected gathering.")


class RiskRow(Schema):
    site: int
    name: str
    faith: str
    area: str
    ward: str
    score: float = Field(..., description="100 x T x V x C, 0..100 (docs/risk-model.md).")
    level: RiskLevel
    factors: Factors
    peak_people: float
    surveyed_on: date | None
    change_since_previous: float | None = Field(
        ..., description="Score points since the previous survey that counted, if any."
    )


class RiskPage(Schema):
    count: int
    national_threat_level: str
    items: list[RiskRow]


class DriverOut(Schema):
    kind: str
    key: str
    label: str
    points: float


class RecommendationOut(Schema):
    measure: str
    name: str
    risk_reduction: float
    annual_cost: float = Field(..., description="Equivalent annual cost, pounds a year.")
    capital_cost: list[float] = Field(..., description="[low, high], pounds.")
    yearly_cost: list[float] = Field(..., description="[low, high], pounds a year.")
    reduction_per_thousand: float


class SiteRiskOut(RiskRow):
    drivers: list[DriverOut] = Field(
        ..., description="What drives the score; answers' drivers only for those who see answers."
    )
    top_recommendations: list[RecommendationOut]
    low_confidence: list[str]


class SurveyOut(Schema):
    id: int
    site: int
    kind: SurveyKind
    status: SurveyStatus
    instrument_version: str
    scheduled_for: date | None
    completed_at: datetime | None
    reviewed_at: datetime | None
    counts: bool = Field(..., description="Whether it is of a kind and status a site's risk uses.")


class SurveyPage(Schema):
    count: int
    items: list[SurveyOut]


class AnswerOut(Schema):
    question_id: str
    answer: int | Literal["not_applicable"]
    note: str


class SurveyDetailOut(SurveyOut):
    answers: list[AnswerOut]
    photos: list[int]


class AnswerIn(Body):
    answer: int | Literal["not_applicable"] | None = Field(
        ..., description="A grade the question offers (1-5), 'not_applicable' where allowed, "
        "or null to clear the answer."
    )
    note: Text = Field("", max_length=2000)


class MeasureOut(Schema):
    id: str
    name: str
    description: str
    capital_cost: list[float]
    yearly_cost: list[float]
    lifetime_years: int


class MeasuresOut(Schema):
    prices_as_of: str
    items: list[MeasureOut]


def _row(row: register.RegisterRow) -> dict[str, object]:
    risk = row.assessment.risk
    return {
        "site": row.site.pk,
        "name": row.site.name,
        "faith": row.site.faith,
        "area": row.site.area.code,
        "ward": row.site.ward,
        "score": risk.score,
        "level": risk.level,
        "factors": {
            "threat": risk.threat.value,
            "vulnerability": risk.vulnerability.value,
            "consequence": risk.consequence.value,
        },
        "peak_people": risk.consequence.people,
        "surveyed_on": row.surveyed_on,
        "change_since_previous": row.change,
    }


@router.get("/risk", response={200: RiskPage, 401: Error, 422: ValidationFailure})
def list_risk(request: HttpRequest, filters: Query[SiteFilters]) -> dict[str, object]:
    """The risk register: every site whose risk you may see, highest score first."""
    actor = Actor.of(request)
    sites = filters.site_filter().apply(policy.risk_sites(actor).select_related("area", "operator"))
    rows = register.sort(register.rows(list(sites)), "-score")
    page = rows[filters.offset : filters.offset + filters.limit]
    policy.sites_shown(actor, [row.site for row in page], "GET /api/risk")
    return {
        "count": len(rows),
        "national_threat_level": assess.national_level().value,
        "items": [_row(row) for row in page],
    }


@router.get(
    "/sites/{site_id}/risk",
    response={200: SiteRiskOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def site_risk(request: HttpRequest, site_id: int) -> dict[str, object]:
    """A site's level, score, factors, drivers and top recommendations."""
    actor = Actor.of(request)
    site = policy.get_risk_site(actor, site_id)
    found = assess.assess_one(site)
    row = register.RegisterRow(site, found)
    sees_answers = policy.may_see_answers(actor, site)
    recommendations = register.recommendations_shown(found, sees_answers)[
        : register.TOP_RECOMMENDATIONS
    ]
    return {
        **_row(row),
        "drivers": [
            {"kind": d.kind.value, "key": d.key, "label": d.label, "points": d.points}
            for d in register.drivers_shown(found, sees_answers)
        ],
        "top_recommendations": [
            {
                "measure": r.measure.id,
                "name": r.measure.name,
                "risk_reduction": r.risk_reduction,
                "annual_cost": r.annual_cost,
                "capital_cost": list(r.measure.capital_cost),
                "yearly_cost": list(r.measure.yearly_cost),
                "reduction_per_thousand": r.reduction_per_thousand,
            }
            for r in recommendations
        ],
        "low_confidence": list(found.risk.low_confidence),
    }


class SurveyFilters(Schema):
    site: int | None = Field(None, ge=1, le=2**63 - 1, description="Only this site's surveys.")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=10_000_000)


def _survey(survey) -> dict[str, object]:
    return {
        "id": survey.pk,
        "site": survey.site_id,
        "kind": survey.kind,
        "status": survey.status,
        "instrument_version": survey.instrument_version,
        "scheduled_for": survey.scheduled_for,
        "completed_at": survey.completed_at,
        "reviewed_at": survey.reviewed_at,
        "counts": survey.counts,
    }


@router.get("/surveys", response={200: SurveyPage, 401: Error, 404: Error, 422: ValidationFailure})
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> dict[str, object]:
    """Surveys you may see (a site's own contacts, the area's advisers and administrators),
    newest first; with `site`, that site's (404 if you may not see its surveys)."""
    actor = Actor.of(request)
    surveys = policy.visible_surveys(actor)
    if filters.site is not None:
        site = policy.get_answer_site(actor, filters.site)
        surveys = surveys.filter(site=site)
    page = list(surveys[filters.offset : filters.offset + filters.limit])
    return {"count": surveys.count(), "items": [_survey(s) for s in page]}


def _detail(actor: Actor, survey) -> dict[str, object]:
    answers = policy.answers_of(actor, survey, "the API")
    return {
        **_survey(survey),
        "answers": [
            {"question_id": qid, "answer": a.value, "note": a.note}
            for qid, a in sorted(answers.items())
        ],
        "photos": [p.pk for p in policy.photos_of(actor, survey)],
    }


@router.get(
    "/surveys/{survey_id}",
    response={200: SurveyDetailOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_survey(request: HttpRequest, survey_id: int) -> dict[str, object]:
    """A survey with its answers (every read is written to the audit log)."""
    actor = Actor.of(request)
    return _detail(actor, policy.get_survey(actor, survey_id))


@router.put(
    "/surveys/{survey_id}/answers/{question_id}",
    response={
        200: SurveyDetailOut,
        400: Error,
        401: Error,
        404: Error,
        409: Error,
        422: ValidationFailure,
    },
)
def put_answer(
    request: HttpRequest, survey_id: int, question_id: str, body: AnswerIn
) -> object:
    """Give (or clear, with null) one answer of an open survey. 404: no such survey, or not one
    you may answer; 409: the survey is completed; 422: no such question in the survey's version,
    or an answer it does not offer."""
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id, for_edit=True)
    try:
        services.save_answers(
            actor, survey, {question_id: body.answer}, {question_id: body.note}
        )
    except services.SurveyClosed as error:
        return Status(409, Error(detail=str(error)))
    except ValidationError as error:
        return Status(
            422,
            ValidationFailure(
                detail="The answer is not valid.",
                errors=[FieldError(field="answer", message=m) for m in error.messages],
            ),
        )
    except NotFound:
        raise
    return _detail(actor, policy.get_survey(actor, survey.pk))


@router.get("/measures", response={200: MeasuresOut, 401: Error})
def list_measures(request: HttpRequest) -> dict[str, object]:
    """The measure catalogue: what protective security schemes fund, with cost ranges."""
    catalogue = load_measures()
    return {
        "prices_as_of": catalogue.prices_as_of,
        "items": [
            {
                "id": m.id,
                "name": m.name,
                "description": m.description,
                "capital_cost": list(m.capital_cost),
                "yearly_cost": list(m.yearly_cost),
                "lifetime_years": m.lifetime_years,
            }
            for m in catalogue.measures
        ],
    }
