"""Properties of risk as the workspace computes it, from stored surveys, the recorded threat
level and the schedule's gatherings (the core's own properties: test_risk_properties.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctuary.access.actor import Actor
from sanctuary.calendars.models import Event, Schedule
from sanctuary.surveys import assess, services
from sanctuary.surveys.instrument import NOT_APPLICABLE, latest_instrument
from sanctuary.surveys.models import SurveyKind
from sanctuary.surveys.risk import ThreatLevel, assess_site, level_on
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("properties")
INSTRUMENT = latest_instrument()
QUESTIONS = INSTRUMENT.questions
EXAMPLES = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@st.composite
def answers(draw):
    chosen = draw(st.lists(st.sampled_from(QUESTIONS), unique_by=lambda q: q.id, max_size=25))
    found = {}
    for question in chosen:
        values = [int(o.grade) for o in question.options]
        if question.not_applicable is not None:
            values.append(NOT_APPLICABLE)
        found[question.id] = draw(st.sampled_from(values))
    return found


def _rolled_back(body):
    """Run one example in a transaction that is undone afterwards."""
    with transaction.atomic():
        body()
        transaction.set_rollback(True)


def _completed(site, given):
    survey = services.schedule_survey(SYSTEM, site, kind=SurveyKind.ADVISER)
    services.save_answers(SYSTEM, survey, given)
    return services.complete_survey(SYSTEM, survey)


def test_stored_answers_score_as_the_core_scores_them(cast: Cast):
    @EXAMPLES
    @given(given=answers())
    def check(given):
        def body():
            _completed(cast.site_a, given)
            found = assess.assess_one(cast.site_a)
            assert found.answers == given
            direct = assess_site(
                assess._profile(cast.site_a), INSTRUMENT, given, found.risk.threat.national_level,
                [], list(assess._gatherings([cast.site_a], assess.today(),
                                            assess.today() + timedelta(days=27), 1)[cast.site_a.pk]),
                assess.today(),
            )
            assert found.risk.score == pytest.approx(direct.score)

        _rolled_back(body)

    check()


def test_a_better_answer_saved_never_raises_the_sites_risk(cast: Cast):
    @EXAMPLES
    @given(given=answers(), index=st.integers(0, len(QUESTIONS) - 1))
    def check(given, index):
        question = QUESTIONS[index]
        grades = [int(o.grade) for o in question.options]
        current = given.get(question.id)
        if not isinstance(current, int) or current == grades[-1]:
            return
        better = {**given, question.id: next(g for g in grades if g > current)}

        def body():
            _completed(cast.site_a, given)
            before = assess.assess_one(cast.site_a).risk.score
            _completed(cast.site_a, better)
            after = assess.assess_one(cast.site_a)
            assert after.risk.score <= before + 1e-9
            assert after.change is not None and after.change <= 1e-9

        _rolled_back(body)

    check()


def test_a_higher_national_level_recorded_never_lowers_a_sites_risk(cast: Cast):
    levels = list(ThreatLevel)

    @EXAMPLES
    @given(first=st.integers(0, 4), second=st.integers(0, 4))
    def check(first, second):
        low, high = sorted((first, second))

        def body():
            services.set_threat_level(SYSTEM, levels[low].value, date(2020, 1, 1))
            before = assess.assess_one(cast.site_a).risk.score
            services.set_threat_level(SYSTEM, levels[high].value, date(2021, 1, 1))
            assert assess.national_level() is levels[high]
            history = assess.national_history()
            assert level_on(history, date(2020, 6, 1)) is levels[low]
            assert assess.assess_one(cast.site_a).risk.score >= before - 1e-9

        _rolled_back(body)

    check()


def test_more_people_gathered_never_lowers_a_sites_risk(cast: Cast):
    london = ZoneInfo("Europe/London")

    @EXAMPLES
    @given(people=st.integers(0, 20_000), more=st.integers(0, 20_000), day=st.integers(1, 20))
    def check(people, more, day):
        def body():
            schedule, _ = Schedule.objects.get_or_create(site=cast.site_b)
            start = datetime.combine(timezone.localdate() + timedelta(days=day), time(19), london)
            event = Event.objects.create(
                schedule=schedule, label="Vigil", kind="vigil", start=start,
                end=start + timedelta(hours=1), expected_attendance=people,
            )
            before = assess.assess_one(cast.site_b).risk
            event.expected_attendance = people + more
            event.save()
            after = assess.assess_one(cast.site_b).risk
            assert after.consequence.people >= before.consequence.people
            assert after.score >= before.score - 1e-9

        _rolled_back(body)

    check()
