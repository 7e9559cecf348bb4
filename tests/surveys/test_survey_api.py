"""The survey API's answers and errors, as documented (docs/surveys.md, the OpenAPI schema)."""

from __future__ import annotations

import json

import pytest

from sanctuary.access.models import Role
from sanctuary.surveys.instrument import latest_instrument, load_measures
from sanctuary.surveys.models import Answer
from tests.conftest import Cast, api_client_for
from tests.surveys.conftest import adviser_actor, completed_survey

pytestmark = pytest.mark.django_db


def _put(client, survey_id: int, question_id: str, body: object):
    return client.put(
        f"/api/surveys/{survey_id}/answers/{question_id}",
        data=json.dumps(body),
        content_type="application/json",
    )


@pytest.fixture
def open_survey(cast: Cast):
    from sanctuary.surveys import services

    return services.schedule_survey(adviser_actor(cast), cast.site_a)


def test_put_saves_changes_and_clears_an_answer(cast: Cast, open_survey):
    client = api_client_for(cast.person(Role.SECURITY_ADVISER))
    question = latest_instrument().questions[0]
    response = _put(client, open_survey.pk, question.id, {"answer": 4, "note": "Named in the plan"})
    assert response.status_code == 200
    assert response.json()["answers"] == [
        {"question_id": question.id, "answer": 4, "note": "Named in the plan"}
    ]
    assert response.json()["status"] == "in_progress"
    assert _put(client, open_survey.pk, question.id, {"answer": None}).json()["answers"] == []
    assert not Answer.by_survey.of(open_survey).exists()


def test_put_refuses_what_the_question_does_not_offer_naming_it(cast: Cast, open_survey):
    client = api_client_for(cast.person(Role.SECURITY_ADVISER))
    question = next(q for q in latest_instrument().questions if q.not_applicable is None)
    response = _put(client, open_survey.pk, question.id, {"answer": "not_applicable"})
    assert response.status_code == 422
    assert question.id in response.json()["errors"][0]["message"]
    response = _put(client, open_survey.pk, "cctv.laser_sharks", {"answer": 3})
    assert response.status_code == 422
    assert "cctv.laser_sharks" in response.json()["errors"][0]["message"]
    response = _put(client, open_survey.pk, question.id, {"answer": 9})
    assert response.status_code == 422


def test_put_on_a_completed_survey_is_a_conflict(cast: Cast):
    survey = completed_survey(cast, cast.site_a)
    client = api_client_for(cast.person(Role.SECURITY_ADVISER))
    response = _put(client, survey.pk, latest_instrument().questions[0].id, {"answer": 1})
    assert response.status_code == 409
    assert "completed" in response.json()["detail"]


def test_a_site_contact_cannot_answer_an_advisers_survey_of_their_own_site(cast: Cast, open_survey):
    client = api_client_for(cast.person(Role.SITE_CONTACT))
    response = _put(client, open_survey.pk, latest_instrument().questions[0].id, {"answer": 5})
    assert response.status_code == 404
    assert client.get(f"/api/surveys/{open_survey.pk}").status_code == 200  # but may read it


def test_measures_and_surveys_lists(cast: Cast, open_survey):
    client = api_client_for(cast.person(Role.SITE_CONTACT))
    measures = client.get("/api/measures").json()
    assert [m["id"] for m in measures["items"]] == [m.id for m in load_measures().measures]
    surveys = client.get(f"/api/surveys?site={cast.site_a.pk}").json()
    assert surveys["count"] == 1 and surveys["items"][0]["kind"] == "adviser"
    assert client.get(f"/api/surveys?site={cast.site_b.pk}").status_code == 404


def test_the_risk_api_agrees_with_the_formula(cast: Cast):
    completed_survey(cast, cast.site_a)
    answer = api_client_for(cast.person(Role.PROGRAMME_ADMIN)).get("/api/risk").json()
    for item in answer["items"]:
        f = item["factors"]
        assert item["score"] == pytest.approx(100 * f["threat"] * f["vulnerability"] * f["consequence"])
    assert answer["count"] == 2
