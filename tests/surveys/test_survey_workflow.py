"""An adviser surveys a site on a phone, section by section; a site contact fills a
self-assessment that counts only once an adviser has reviewed it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.surveys import assess
from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import Answer, Photo, Survey, SurveyKind, SurveyStatus
from tests.conftest import Cast, log_in
from tests.surveys.conftest import photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def adviser(cast: Cast, client):
    return log_in(client, cast.person(Role.SECURITY_ADVISER))


def _schedule(client, site) -> Survey:
    response = client.post(
        f"/sites/{site.pk}/surveys/", {"kind": "adviser", "scheduled_for": "2026-12-10"}
    )
    assert response.status_code == 302
    return Survey.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def test_an_adviser_schedules_answers_section_by_section_and_resumes(cast: Cast, adviser):
    survey = _schedule(adviser, cast.site_a)
    assert survey.status == SurveyStatus.SCHEDULED
    assert survey.instrument_version == latest_instrument().version
    first, second = latest_instrument().sections[:2]
    page = adviser.get(f"/surveys/{survey.pk}/").content.decode()
    assert f"Start: {first.title}" in page
    data = {f"answer-{q.id}": "4" for q in first.questions}
    data[f"note-{first.questions[0].id}"] = "The chair is the lead."
    data["next"] = "1"
    response = adviser.post(f"/surveys/{survey.pk}/sections/{first.id}/", data)
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/{survey.pk}/sections/{second.id}/"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.IN_PROGRESS
    saved = {a.question_id: a for a in Answer.by_survey.of(survey)}
    assert {q.id for q in first.questions} == set(saved)
    assert saved[first.questions[0].id].note == "The chair is the lead."
    # one answer of the next section, as the phone's autosave sends it
    question = second.questions[0]
    response = adviser.post(
        f"/surveys/{survey.pk}/sections/{second.id}/",
        {f"answer-{question.id}": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Saved at" in response.content.decode()
    # coming back: the page offers to continue at the second section, with answers kept
    page = adviser.get(f"/surveys/{survey.pk}/").content.decode()
    assert f"Continue where you stopped: {second.title}" in page
    shown = adviser.get(f"/surveys/{survey.pk}/sections/{second.id}/").content.decode()
    assert re.search(rf'name="answer-{re.escape(question.id)}" value="2"[^>]*checked', shown)


def test_an_answer_the_question_does_not_offer_is_refused_naming_it(cast: Cast, adviser):
    survey = _schedule(adviser, cast.site_a)
    section = latest_instrument().sections[0]
    question = next(q for q in section.questions if q.not_applicable is None)
    response = adviser.post(
        f"/surveys/{survey.pk}/sections/{section.id}/", {f"answer-{question.id}": "not_applicable"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Answer.by_survey.of(survey).exists()


def test_a_photo_loses_its_location_and_camera_details(cast: Cast, adviser):
    survey = _schedule(adviser, cast.site_a)
    response = adviser.post(
        f"/surveys/{survey.pk}/photos/",
        {"image": photo_upload(), "caption": "Side door", "question_id": "building.doors"},
    )
    assert response.status_code == 302
    photo = Photo.by_survey.of(survey).get()
    with default_storage.open(photo.file, "rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
    served = adviser.get(f"/surveys/{survey.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="surveys.photo").exists()


def test_a_file_that_is_not_a_photo_is_refused_and_says_why(cast: Cast, adviser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    survey = _schedule(adviser, cast.site_a)
    fake = SimpleUploadedFile("door.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = adviser.post(f"/surveys/{survey.pk}/photos/", {"image": fake}, follow=True)
    assert "not a photo we can read" in response.content.decode()
    assert not Photo.by_survey.of(survey).exists()


def test_completing_makes_the_site_risk_use_the_survey(cast: Cast, adviser):
    survey = _schedule(adviser, cast.site_a)
    before = assess.assess_one(cast.site_a)
    assert before.survey is None and before.risk.low_confidence
    for section in latest_instrument().sections:
        adviser.post(
            f"/surveys/{survey.pk}/sections/{section.id}/",
            {f"answer-{q.id}": "5" for q in section.questions},
        )
    response = adviser.post(f"/surveys/{survey.pk}/complete/", {"summary": "Well kept."})
    assert response.status_code == 302
    after = assess.assess_one(cast.site_a)
    assert after.survey == survey
    assert after.risk.score < before.risk.score
    # a completed survey's answers no longer change
    section = latest_instrument().sections[0]
    adviser.post(
        f"/surveys/{survey.pk}/sections/{section.id}/", {f"answer-{section.questions[0].id}": "1"}
    )
    assert Answer.by_survey.of(survey).get(question_id=section.questions[0].id).grade == 5


def test_a_self_assessment_counts_only_once_an_adviser_reviews_it(cast: Cast, client):
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    response = contact.post(f"/sites/{cast.site_a.pk}/surveys/", {"kind": "self_assessment"})
    assert response.status_code == 302
    survey = Survey.objects.get(site=cast.site_a)
    assert survey.kind == SurveyKind.SELF_ASSESSMENT
    section = latest_instrument().sections[0]
    contact.post(
        f"/surveys/{survey.pk}/sections/{section.id}/",
        {f"answer-{q.id}": "5" for q in section.questions},
    )
    contact.post(f"/surveys/{survey.pk}/complete/", {})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert assess.assess_one(cast.site_a).survey is None  # not yet counted
    # the contact may not review it; the adviser may
    assert contact.post(f"/surveys/{survey.pk}/review/", {}).status_code == 404
    adviser = log_in(client, cast.person(Role.SECURITY_ADVISER))
    assert adviser.post(f"/surveys/{survey.pk}/review/", {}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.REVIEWED
    assert assess.assess_one(cast.site_a).survey == survey


def test_a_site_contact_cannot_schedule_an_advisers_survey(cast: Cast, client):
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    response = contact.post(f"/sites/{cast.site_a.pk}/surveys/", {"kind": "adviser"})
    assert response.status_code == 200  # the form again: not a choice offered
    assert not Survey.objects.filter(site=cast.site_a).exists()


def test_the_survey_list_puts_visits_to_come_first(cast: Cast, adviser):
    from sanctuary.surveys import services
    from tests.surveys.conftest import adviser_actor, completed_survey

    completed_survey(cast, cast.site_b)
    services.schedule_survey(adviser_actor(cast), cast.site_a)
    page = adviser.get("/surveys/").content.decode()
    assert page.index("Alpha Mosque") < page.index("Bravo Church")


def test_a_contact_sees_an_advisers_answers_but_cannot_change_them(cast: Cast, client):
    from tests.surveys.conftest import completed_survey

    survey = completed_survey(cast, cast.site_a, grade=3)
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    section = latest_instrument().sections[0]
    page = contact.get(f"/surveys/{survey.pk}/sections/{section.id}/").content.decode()
    assert re.search(r'value="3"[^>]*disabled[^>]*checked|value="3"[^>]*checked[^>]*disabled', page)
    assert "Save and" not in page


def test_an_autosaved_answer_that_is_refused_says_why(cast: Cast, adviser):
    survey = _schedule(adviser, cast.site_a)
    section = latest_instrument().sections[0]
    question = next(q for q in section.questions if q.not_applicable is None)
    response = adviser.post(
        f"/surveys/{survey.pk}/sections/{section.id}/",
        {f"answer-{question.id}": "not_applicable"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Not saved: Select a valid choice" in response.content.decode()


def test_a_photo_over_the_size_limit_is_refused_saying_the_limit(cast: Cast, adviser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    survey = _schedule(adviser, cast.site_a)
    big = SimpleUploadedFile("huge.jpg", b"\xff" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    response = adviser.post(f"/surveys/{survey.pk}/photos/", {"image": big}, follow=True)
    assert "the most is 10 MB" in response.content.decode()
    assert not Photo.by_survey.of(survey).exists()
