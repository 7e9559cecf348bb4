"""Who sees answers (docs/access.md): the site's contacts, the area's advisers and
administrators; every view of answers is audited; police supervisors see risk, not answers."""

from __future__ import annotations

import json

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.surveys import policy
from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import Answer
from tests.conftest import Cast, api_client_for, log_in
from tests.surveys.conftest import completed_survey

pytestmark = pytest.mark.django_db


def _views_of_answers(survey) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=Action.VIEW, object_type="surveys.survey", object_id=str(survey.pk)
        )
    )


def test_every_way_of_reading_answers_is_audited_with_who_and_where(cast: Cast, client):
    survey = completed_survey(cast, cast.site_a)
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    section = latest_instrument().sections[0]
    contact.get(f"/surveys/{survey.pk}/")
    contact.get(f"/surveys/{survey.pk}/sections/{section.id}/")
    contact.get(f"/surveys/{survey.pk}/report.pdf")
    api_client_for(cast.person(Role.SITE_CONTACT)).get(f"/api/surveys/{survey.pk}")
    events = _views_of_answers(survey)
    assert [e.detail["where"] for e in reversed(events)] == [
        "the survey's page", f"section {section.id}", "the survey report", "the API"
    ]
    assert {e.actor_name for e in events} == {"contact-a"}
    assert {e.channel for e in events} == {"page", "api"}


def test_a_change_of_answers_is_audited_without_the_answers(cast: Cast):
    survey = completed_survey(cast, cast.site_a)
    change = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="surveys.survey", object_id=str(survey.pk)
    ).exclude(detail={}).first()
    assert change is not None
    assert set(change.detail) == {"answers_changed"}
    assert "grade" not in json.dumps(change.detail)


def test_police_supervisors_see_the_level_and_top_recommendations_not_answers(cast: Cast, client):
    completed_survey(cast, cast.site_a, grade=1)
    sergeant = log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    page = sergeant.get(f"/sites/{cast.site_a.pk}/risk/").content.decode()
    assert "Top recommendations" in page
    table = page.split('id="recommendations"')[1].split("</table>")[0]
    assert table.count("<tr>") - 1 == 3  # three recommendations, and the header row
    for question in latest_instrument().questions:
        option = question.option(1)
        assert option is None or f"{question.topic}: {option.label}" not in page
    answer = api_client_for(cast.person(Role.POLICE_SUPERVISOR)).get(
        f"/api/sites/{cast.site_a.pk}/risk"
    ).json()
    assert len(answer["top_recommendations"]) == 3
    assert {d["kind"] for d in answer["drivers"]} <= {"threat", "consequence"}
    # the adviser of the area sees the answers' drivers
    adviser = log_in(client, cast.person(Role.SECURITY_ADVISER))
    page = adviser.get(f"/sites/{cast.site_a.pk}/risk/").content.decode()
    first = latest_instrument().questions[0]
    assert f"{first.topic}: {first.option(1).label}" in page


def test_answers_have_no_default_manager_and_the_door_names_its_survey(cast: Cast):
    assert not hasattr(Answer, "objects")
    survey = completed_survey(cast, cast.site_a)
    other = completed_survey(cast, cast.site_b)
    contact = Actor.person(cast.person(Role.SITE_CONTACT), Channel.PAGE)
    assert set(policy.answers_of(contact, survey, "test")) == {
        a.question_id for a in Answer.by_survey.of(survey)
    }
    with pytest.raises(policy.NotFound):
        policy.answers_of(contact, other, "test")  # site B's: not theirs
    with pytest.raises(policy.NotFound):
        policy.get_survey(contact, other.pk)


def test_a_survey_of_another_area_looks_missing_to_the_areas_adviser(cast: Cast, client):
    from sanctuary.surveys import services

    system = Actor.system("test")
    away = services.schedule_survey(system, cast.site_c)
    adviser = log_in(client, cast.person(Role.SECURITY_ADVISER))
    assert adviser.get(f"/surveys/{away.pk}/").status_code == 404
    assert adviser.get("/surveys/99999999/").status_code == 404
    assert _views_of_answers(away) == []
