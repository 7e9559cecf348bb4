"""Measures for a site, ranked by risk reduction per pound (docs/risk-model.md, section 7).

Each measure that would raise at least one of the site's questions is tried alone: the score
is recomputed with the improved answers, and the fall is divided by the measure's equivalent
annual cost (mid-range capital annualised over its lifetime at the Green Book rate, plus its
mid-range yearly cost). Reductions overlap (stewards and security officers both watch the
entrances), so the total reduction is computed with all of them together, not summed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sanctuary.surveys.instrument import (
    Instrument,
    Measure,
    MeasureCatalogue,
    check_answers,
    load_measures,
)
from sanctuary.surveys.risk.site import SiteRisk, risk_with_answers
from sanctuary.surveys.risk.vulnerability import AnswerStatus, QuestionScore, apply_measures


@dataclass(frozen=True)
class Improvement:
    question: str
    topic: str
    grade_now: int  # as scored (the default grade if unanswered)
    grade_after: int


@dataclass(frozen=True)
class Recommendation:
    measure: Measure
    improvements: tuple[Improvement, ...]
    risk_reduction: float  # score points
    annual_cost: float  # pounds a year, equivalent

    @property
    def reduction_per_thousand(self) -> float:
        """Score points removed per 1,000 pounds a year."""
        return 1000 * self.risk_reduction / self.annual_cost


@dataclass(frozen=True)
class Recommendations:
    items: tuple[Recommendation, ...]  # best value first
    score_now: float
    score_with_all: float  # all recommended measures together
    total_capital: float  # mid-range, pounds
    total_yearly: float  # mid-range, pounds a year
    total_annual_cost: float  # equivalent annual cost, pounds a year

    def as_json(self) -> dict[str, object]:
        return {
            "score_now": self.score_now,
            "score_with_all": self.score_with_all,
            "total_capital": self.total_capital,
            "total_yearly": self.total_yearly,
            "total_annual_cost": self.total_annual_cost,
            "items": [
                {
                    "measure": r.measure.id,
                    "name": r.measure.name,
                    "risk_reduction": r.risk_reduction,
                    "annual_cost": r.annual_cost,
                    "capital_cost": list(r.measure.capital_cost),
                    "yearly_cost": list(r.measure.yearly_cost),
                    "reduction_per_thousand": r.reduction_per_thousand,
                    "improvements": [
                        {
                            "question": i.question,
                            "topic": i.topic,
                            "grade_now": i.grade_now,
                            "grade_after": i.grade_after,
                        }
                        for i in r.improvements
                    ],
                }
                for r in self.items
            ],
        }


def capital_recovery_factor(rate: float, years: int) -> float:
    """The yearly payment that repays 1 over ``years`` at ``rate`` (the annuity factor's inverse)."""
    if rate == 0:
        return 1 / years
    return rate / (1 - (1 + rate) ** -years)


def equivalent_annual_cost(measure: Measure, rate: float) -> float:
    return measure.capital_mid * capital_recovery_factor(rate, measure.lifetime_years) + (
        measure.yearly_mid
    )


def recommend(
    current: SiteRisk,
    instrument: Instrument,
    answers: Mapping[str, object],
    catalogue: MeasureCatalogue | None = None,
) -> Recommendations:
    """Measures that would lower the site's score, best value first, with their total cost.

    ``current`` is the site's risk with these answers (``assess_site``); the answers are those
    of the survey, under the version it was taken with.
    """
    catalogue = catalogue or load_measures()
    parameters = current.parameters
    asked = {
        scored.question.id: scored
        for scored in current.vulnerability.questions
        if scored.status in (AnswerStatus.ANSWERED, AnswerStatus.UNANSWERED)
    }
    # The score is linear in each question's gap (V is a weighted sum), so a measure's
    # reduction is the sum over the questions it raises; a property test checks this against
    # recomputing the whole score with the measure in place.
    per_grade = (
        100
        * current.threat.value
        * current.consequence.value
        * (1 - parameters.residual_vulnerability)
        / 4
    )
    items = []
    for measure in catalogue.measures:
        improvements = _improvements(instrument, asked, measure.id)
        reduction = per_grade * sum(
            asked[i.question].weight * (i.grade_after - i.grade_now) for i in improvements
        )
        if reduction <= 0:
            continue
        items.append(
            Recommendation(
                measure=measure,
                improvements=improvements,
                risk_reduction=reduction,
                annual_cost=equivalent_annual_cost(measure, parameters.discount_rate),
            )
        )
    items.sort(key=lambda r: (-r.reduction_per_thousand, -r.risk_reduction, r.measure.id))
    everything = apply_measures(
        instrument,
        check_answers(instrument, answers),
        [r.measure.id for r in items],
        parameters,
        catalogue,
    )
    return Recommendations(
        items=tuple(items),
        score_now=current.score,
        score_with_all=risk_with_answers(current, instrument, everything).score,
        total_capital=sum(r.measure.capital_mid for r in items),
        total_yearly=sum(r.measure.yearly_mid for r in items),
        total_annual_cost=sum(r.annual_cost for r in items),
    )


def _improvements(
    instrument: Instrument, asked: Mapping[str, QuestionScore], measure_id: str
) -> tuple[Improvement, ...]:
    """What the measure would raise among the questions asked of this site."""
    found = []
    for question_id, grade in instrument.improvements(measure_id).items():
        scored = asked.get(question_id)
        if scored is not None and scored.grade is not None and scored.grade < grade:
            found.append(Improvement(question_id, scored.question.topic, scored.grade, int(grade)))
    return tuple(found)
