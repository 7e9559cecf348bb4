"""Properties of the risk model on the shipped instrument (hypothesis).

A better answer never raises risk; more people gathered never lowers it; a measure's
recommendation disappears once its questions are answered at the top grade; measures never
raise risk; every figure stays in its range; the score splits exactly into its drivers.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sanctuary.solvers.games import check_payoffs
from sanctuary.surveys.instrument import NOT_APPLICABLE, latest_instrument, load_measures
from sanctuary.surveys.risk import (
    DEFAULT_PARAMETERS,
    DriverKind,
    Incident,
    IncidentTable,
    PlannedGathering,
    SiteProfile,
    SiteRisk,
    ThreatLevel,
    assess_site,
    gathering_risk,
    recommend,
    risk_with_measures,
    threat,
)

INSTRUMENT = latest_instrument()
MEASURE_IDS = [measure.id for measure in load_measures().measures]
AS_OF = date(2026, 11, 30)
SITE = SiteProfile("s1", "islam", 51.52, -0.06, capacity=800)
FAITHS = [None, "islam", "christianity", "judaism", "sikhism"]
NOON = datetime(2026, 11, 27, 12, tzinfo=UTC)
TOLERANCE = 1e-9


@st.composite
def survey_answers(draw: st.DrawFn) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in INSTRUMENT.questions:
        choices: list[Any] = [None] + [int(option.grade) for option in question.options]
        if question.not_applicable:
            choices.append(NOT_APPLICABLE)
        choice = draw(st.sampled_from(choices))
        if choice is not None:
            answers[question.id] = choice
    return answers


@st.composite
def incidents(draw: st.DrawFn, max_size: int = 12) -> list[Incident]:
    count = draw(st.integers(0, max_size))
    records = []
    for index in range(count):
        at_site = draw(st.booleans())
        records.append(
            Incident(
                occurred_on=AS_OF - timedelta(days=draw(st.integers(0, 1200))),
                category=draw(st.sampled_from(list(DEFAULT_PARAMETERS.severity))),
                lat=SITE.lat + draw(st.floats(-0.04, 0.04)),
                lon=SITE.lon + draw(st.floats(-0.06, 0.06)),
                site_id=SITE.id if at_site else None,
                faith=draw(st.sampled_from(FAITHS)),
                id=f"i{index}",
            )
        )
    return records


attendances = st.lists(st.integers(0, 20_000), min_size=0, max_size=4)


def gatherings(people: list[int]) -> list[PlannedGathering]:
    return [
        PlannedGathering(NOON + timedelta(days=k), NOON + timedelta(days=k, hours=1), n, f"g{k}")
        for k, n in enumerate(people)
    ]


def assess(
    answers: dict[str, Any],
    people: list[int],
    records: list[Incident] | None = None,
    level: ThreatLevel = ThreatLevel.SUBSTANTIAL,
) -> SiteRisk:
    return assess_site(SITE, INSTRUMENT, answers, level, records or [], gatherings(people), AS_OF)


@settings(max_examples=120, deadline=None)
@given(survey_answers(), attendances, st.data())
def test_a_better_answer_never_raises_risk(answers, people, data) -> None:
    before = assess(answers, people)
    question = data.draw(st.sampled_from(INSTRUMENT.questions))
    current = answers.get(question.id)
    floor = 0 if current in (None, NOT_APPLICABLE) else current
    if current == NOT_APPLICABLE:
        return  # N/A already scores as no gap; no answer is better
    better = data.draw(
        st.sampled_from([int(o.grade) for o in question.options if o.grade >= floor])
    )
    assume(current is not None or better >= DEFAULT_PARAMETERS.unanswered_grade)
    after = assess({**answers, question.id: better}, people)
    assert after.score <= before.score + TOLERANCE
    assert after.vulnerability.raw <= before.vulnerability.raw + TOLERANCE


@settings(max_examples=120, deadline=None)
@given(survey_answers(), attendances, st.data())
def test_more_people_gathered_never_lowers_risk(answers, people, data) -> None:
    assume(people)
    before = assess(answers, people)
    index = data.draw(st.integers(0, len(people) - 1))
    more = list(people)
    more[index] += data.draw(st.integers(0, 20_000))
    assert assess(answers, more).score >= before.score - TOLERANCE
    extra = people + [data.draw(st.integers(0, 20_000))]
    assert assess(answers, extra).score >= before.score - TOLERANCE


@settings(max_examples=80, deadline=None)
@given(survey_answers(), attendances, st.sampled_from(MEASURE_IDS))
def test_a_measure_disappears_once_its_questions_are_at_the_top_grade(
    answers, people, measure
) -> None:
    improved = dict(answers)
    for question_id in INSTRUMENT.improvements(measure):
        if improved.get(question_id) != NOT_APPLICABLE:
            improved[question_id] = int(INSTRUMENT.question(question_id).top_grade)
    risk = assess(improved, people)
    recommended = {item.measure.id for item in recommend(risk, INSTRUMENT, improved).items}
    assert measure not in recommended


@settings(max_examples=80, deadline=None)
@given(survey_answers(), attendances, incidents(), st.lists(st.sampled_from(MEASURE_IDS)))
def test_measures_never_raise_risk_and_recommendations_are_ranked(
    answers, people, records, package
) -> None:
    risk = assess(answers, people, records)
    with_package = risk_with_measures(risk, INSTRUMENT, answers, package)
    assert with_package.score <= risk.score + TOLERANCE

    advice = recommend(risk, INSTRUMENT, answers)
    values = [item.reduction_per_thousand for item in advice.items]
    assert values == sorted(values, reverse=True)
    for item in advice.items:
        alone = risk_with_measures(risk, INSTRUMENT, answers, [item.measure.id])
        assert item.risk_reduction == pytest.approx(risk.score - alone.score)
        assert item.risk_reduction > 0 and item.improvements
        assert advice.score_with_all <= alone.score + TOLERANCE
    assert advice.total_capital == pytest.approx(sum(i.measure.capital_mid for i in advice.items))
    assert advice.total_annual_cost == pytest.approx(sum(i.annual_cost for i in advice.items))


@settings(max_examples=100, deadline=None)
@given(survey_answers(), attendances, incidents(), st.sampled_from(list(ThreatLevel)))
def test_every_figure_stays_in_range_and_the_drivers_add_up(
    answers, people, records, level
) -> None:
    risk = assess(answers, people, records, level)
    assert 0 <= risk.score <= 100
    assert 0 < risk.threat.value <= 1 and 0 < risk.vulnerability.value <= 1
    assert 0 <= risk.consequence.value <= 1
    assert risk.level is DEFAULT_PARAMETERS.level(risk.score)
    for section in risk.vulnerability.sections:
        assert 0 <= section.vulnerability <= 1
    # The questions' drivers are exactly the score above the residual vulnerability.
    questions = sum(d.points for d in risk.drivers if d.kind is DriverKind.VULNERABILITY)
    residual = (
        100
        * risk.threat.value
        * risk.consequence.value
        * (risk.vulnerability.value - DEFAULT_PARAMETERS.residual_vulnerability)
    )
    assert questions == pytest.approx(residual, abs=1e-9)
    assert all(d.points > 0 for d in risk.drivers)
    assert [d.points for d in risk.drivers] == sorted(
        (d.points for d in risk.drivers), reverse=True
    )


@settings(max_examples=100, deadline=None)
@given(incidents(), st.data())
def test_threat_rises_with_the_national_level(records, data) -> None:
    levels = list(ThreatLevel)
    low, high = sorted(
        data.draw(st.lists(st.sampled_from(levels), min_size=2, max_size=2)), key=levels.index
    )
    assert (
        threat(SITE, high, records, AS_OF).value
        >= threat(SITE, low, records, AS_OF).value - TOLERANCE
    )


@settings(max_examples=150, deadline=None)
@given(incidents(), incidents(max_size=1), st.booleans())
def test_a_recent_incident_or_one_against_another_faith_never_lowers_threat(
    records, extra, recent
) -> None:
    assume(extra)
    (incident,) = extra
    if recent:
        incident = Incident(
            AS_OF - timedelta(days=(AS_OF - incident.occurred_on).days % 90),
            incident.category,
            incident.lat,
            incident.lon,
            incident.site_id,
            incident.faith,
            "new",
        )
    else:
        incident = Incident(
            incident.occurred_on,
            incident.category,
            incident.lat,
            incident.lon,
            None,
            "buddhism",
            "new",
        )
    before = threat(SITE, ThreatLevel.MODERATE, records, AS_OF).value
    after = threat(SITE, ThreatLevel.MODERATE, records + [incident], AS_OF).value
    assert after >= before - TOLERANCE


@settings(max_examples=60, deadline=None)
@given(incidents(max_size=20))
def test_a_shared_incident_table_gives_the_same_threat_as_a_list(records) -> None:
    table = IncidentTable(records)
    for site in (SITE, SiteProfile("s2", "judaism", 51.53, -0.05)):
        assert threat(site, ThreatLevel.SEVERE, table, AS_OF) == threat(
            site, ThreatLevel.SEVERE, records, AS_OF
        )


def brute_force_pressure(site: SiteProfile, records: list[Incident]) -> float:
    """P summed over every incident with its own great-circle distance: no table, no box."""
    p = DEFAULT_PARAMETERS
    total = 0.0
    for incident in records:
        age = (AS_OF - incident.occurred_on).days
        if not 0 <= age <= p.incident_horizon_days:
            continue
        if incident.site_id == site.id:
            metres = 0.0
        else:
            phi1, phi2 = math.radians(site.lat), math.radians(incident.lat)
            dphi, dlam = phi2 - phi1, math.radians(incident.lon - site.lon)
            a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
            metres = 2 * 6_371_008.8 * math.asin(math.sqrt(a))
        if metres > p.kernel_cutoff_metres:
            continue
        same = incident.site_id == site.id or incident.faith == site.faith
        total += (
            p.severity[incident.category]
            * math.exp(-age / p.decay_days)
            * math.exp(-metres / p.kernel_metres)
            * (1.0 if same else p.other_faith_weight)
        )
    return total


@settings(max_examples=80, deadline=None)
@given(incidents(max_size=25))
def test_local_pressure_matches_a_brute_force_sum(records) -> None:
    result = threat(SITE, ThreatLevel.LOW, records, AS_OF)
    assert result.pressure == pytest.approx(brute_force_pressure(SITE, records), abs=1e-12)
    assert result.nearby_count == sum(1 for r in records if brute_force_pressure(SITE, [r]) > 0)


@settings(max_examples=100, deadline=None)
@given(survey_answers(), attendances, st.integers(1, 20_000), st.integers(0, 20_000))
def test_a_gatherings_stakes_rise_with_attendance_and_make_valid_payoffs(
    answers, people, attendance, more
) -> None:
    risk = assess(answers, people)
    stakes, bigger = gathering_risk(risk, attendance), gathering_risk(risk, attendance + more)
    assert bigger.attacker_value >= stakes.attacker_value - TOLERANCE
    assert bigger.defender_loss >= stakes.defender_loss - TOLERANCE
    assert 0 < stakes.attacker_value <= stakes.defender_loss <= 100
    check_payoffs(stakes.payoffs(), "window")  # the patrol planner's rules
    certain = stakes.payoffs(1.0)  # a patrol always stops the attack: the planner's defaults
    assert certain["defender_covered"] == 0
    assert certain["attacker_covered"] == pytest.approx(-stakes.attacker_value)
