"""Surveys, answers, photos, risk and Martyn's Law: their rows of the need-to-know matrix
(docs/access.md). Each probe makes what it needs as the system, then acts as the person."""

from __future__ import annotations

import json

from django.test import Client

from sanctuary.access.actor import Actor
from sanctuary.access.models import User
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.registry.models import Site
from sanctuary.surveys import services
from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import (
    Answer,
    DutyRecord,
    NationalThreatLevel,
    Photo,
    Survey,
    SurveyKind,
    SurveyStatus,
)
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function, lists, objects
from tests.surveys.conftest import photo_upload

SYSTEM = Actor.system("matrix")
FIRST = latest_instrument().sections[0]
QUESTION = FIRST.questions[0].id


def _survey(site: Site, kind: str = SurveyKind.ADVISER, *, answered: bool = True) -> Survey:
    survey = services.schedule_survey(SYSTEM, site, kind=kind)
    if answered:
        services.save_answers(SYSTEM, survey, {QUESTION: 2}, {QUESTION: "Matrix note"})
    return survey


def _completed(site: Site) -> Survey:
    survey = _survey(site)
    return services.complete_survey(SYSTEM, survey)


def _answers_viewed(survey: Survey) -> bool:
    return AuditEvent.objects.filter(
        action=Action.VIEW, object_type="surveys.survey", object_id=str(survey.pk)
    ).exists()


def survey_page(template: str, kind: str = SurveyKind.ADVISER) -> Probe:
    """A page showing a survey's answers: shown only with an audit record of the view."""

    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        survey = _survey(site, kind)
        response = client.get(template.format(id=survey.pk, section=FIRST.id))
        shown = found(response)
        assert shown == _answers_viewed(survey), "a view of answers is audited, and only a view"
        return shown

    return probe


def probe_survey_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    _survey(site)
    return lists(client.get("/surveys/"), site.name)


def probe_report(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _completed(site)
    response = client.get(f"/surveys/{survey.pk}/report.pdf")
    if found(response):
        assert response["Content-Type"] == "application/pdf"
        assert _answers_viewed(survey)
    return response.status_code == 200


def probe_photo(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site)
    photo = services.add_photo(SYSTEM, survey, photo_upload(), caption="Matrix photo")
    return found(client.get(f"/surveys/{survey.pk}/photos/{photo.pk}/"))


def _posted(response, done: bool) -> bool:
    assert response.status_code in {200, 302, 404}, response.status_code
    assert done == (response.status_code == 302), (response.status_code, done)
    return done


def probe_schedule(kind: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        response = client.post(f"/sites/{site.pk}/surveys/", {"kind": kind})
        return _posted(response, Survey.objects.filter(site=site, kind=kind).exists())

    return probe


def probe_answer(kind: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        survey = _survey(site, kind, answered=False)
        response = client.post(
            f"/surveys/{survey.pk}/sections/{FIRST.id}/", {f"answer-{QUESTION}": "4"}
        )
        return _posted(response, Answer.by_survey.of(survey).filter(grade=4).exists())

    return probe


def probe_photo_add(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site, answered=False)
    response = client.post(f"/surveys/{survey.pk}/photos/", {"image": photo_upload()})
    return _posted(response, Photo.by_survey.of(survey).exists())


def probe_complete(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site)
    response = client.post(f"/surveys/{survey.pk}/complete/", {"summary": "Matrix"})
    survey.refresh_from_db()
    return _posted(response, survey.status == SurveyStatus.COMPLETED)


def probe_review(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = services.complete_survey(SYSTEM, _survey(site, SurveyKind.SELF_ASSESSMENT))
    response = client.post(f"/surveys/{survey.pk}/review/", {})
    survey.refresh_from_db()
    return _posted(response, survey.status == SurveyStatus.REVIEWED)


def probe_site_risk(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    return found(client.get(f"/sites/{site.pk}/risk/"))


def probe_register(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        return lists(client.get(path), site.name)

    return probe


def probe_martyns_law_record(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post(
        f"/sites/{site.pk}/martyns-law/",
        {"duty": "notification", "status": "met", "evidence": "Notified on 1 December"},
    )
    return _posted(response, DutyRecord.objects.filter(site=site, duty="notification").exists())


def probe_threat_level_set(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post(
        "/risk/threat-level/", {"level": "severe", "since": "2026-11-30", "note": "Matrix",
         "source": "MI5", "reason": "Matrix change"}
    )
    saved = NationalThreatLevel.objects.filter(note="Matrix").exists()
    assert saved == function(response)
    return saved


def probe_api_risk(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).get("/api/risk")
    assert response.status_code == 200, response.status_code
    return site.pk in {item["site"] for item in response.json()["items"]}


def probe_api_site_risk(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    _completed(site)
    response = api_client_for(user).get(f"/api/sites/{site.pk}/risk")
    if found(response):
        kinds = {d["kind"] for d in response.json()["drivers"]}
        sees_answers = user.username != "sergeant"
        assert ("vulnerability" in kinds) == sees_answers, "answers' drivers: answers' readers only"
    return response.status_code == 200


def probe_api_surveys(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site)
    response = api_client_for(user).get(f"/api/surveys?site={site.pk}")
    if found(response):
        assert [item["id"] for item in response.json()["items"]] == [survey.pk]
    return response.status_code == 200


def probe_api_survey(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site)
    response = api_client_for(user).get(f"/api/surveys/{survey.pk}")
    if found(response):
        assert response.json()["answers"][0]["note"] == "Matrix note"
        assert _answers_viewed(survey)
    return response.status_code == 200


def probe_api_answer(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    survey = _survey(site, answered=False)
    response = api_client_for(user).put(
        f"/api/surveys/{survey.pk}/answers/{QUESTION}",
        data=json.dumps({"answer": 5, "note": "by API"}),
        content_type="application/json",
    )
    assert response.status_code in {200, 404}, response.status_code
    saved = Answer.by_survey.of(survey).filter(grade=5).exists()
    assert saved == (response.status_code == 200)
    return saved


def probe_api_measures(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = api_client_for(user).get("/api/measures")
    return found(response) and len(response.json()["items"]) > 10


def probe_threat_level(client: Client, user: User, cast: Cast, target: str) -> bool:
    return function(client.get("/risk/threat-level/"))


PROBES: dict[str, Probe] = {
    "GET /risk/": probe_register("/risk/"),
    "GET /risk/export.csv": probe_register("/risk/export.csv"),
    "GET /sites/{id}/risk/": probe_site_risk,
    "GET /risk/threat-level/": probe_threat_level,
    "POST /risk/threat-level/": probe_threat_level_set,
    "GET /sites/{id}/surveys/": lambda client, user, cast, target: found(
        client.get(f"/sites/{objects(cast, target)[0].pk}/surveys/")
    ),
    "POST /sites/{id}/surveys/": probe_schedule(SurveyKind.ADVISER),
    "POST /sites/{id}/surveys/?kind=self_assessment": probe_schedule(SurveyKind.SELF_ASSESSMENT),
    "GET /surveys/": probe_survey_list,
    "GET /surveys/{id}/": survey_page("/surveys/{id}/"),
    "GET /surveys/{id}/sections/{section}/": survey_page("/surveys/{id}/sections/{section}/"),
    "POST /surveys/{id}/sections/{section}/": probe_answer(SurveyKind.ADVISER),
    "POST /surveys/{id}/sections/{section}/?kind=self_assessment": probe_answer(
        SurveyKind.SELF_ASSESSMENT
    ),
    "POST /surveys/{id}/photos/": probe_photo_add,
    "GET /surveys/{id}/photos/{photo}/": probe_photo,
    "POST /surveys/{id}/complete/": probe_complete,
    "POST /surveys/{id}/review/": probe_review,
    "GET /surveys/{id}/report.pdf": probe_report,
    "GET /sites/{id}/martyns-law/": lambda client, user, cast, target: found(
        client.get(f"/sites/{objects(cast, target)[0].pk}/martyns-law/")
    ),
    "POST /sites/{id}/martyns-law/": probe_martyns_law_record,
    "GET /martyns-law/": probe_register("/martyns-law/"),
    "GET /api/risk": probe_api_risk,
    "GET /api/sites/{id}/risk": probe_api_site_risk,
    "GET /api/surveys?site={id}": probe_api_surveys,
    "GET /api/surveys/{id}": probe_api_survey,
    "PUT /api/surveys/{id}/answers/{id}": probe_api_answer,
    "GET /api/measures": probe_api_measures,
}
