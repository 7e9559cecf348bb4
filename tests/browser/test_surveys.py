"""The survey journey: an adviser completes a survey with a photo on a phone (and at a desk); the
site contact downloads the report; a police supervisor sees the risk but cannot open the answers."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import Answer, Photo, Survey, SurveyStatus
from tests.browser.home import HOME
from tests.conftest import Cast
from tests.surveys.conftest import photo_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1200, "height": 900}}


def _context(browser, live_server, size: str):
    options = {"base_url": live_server.url, "viewport": SIZES[size], "accept_downloads": True}
    if size == "phone":
        options["is_mobile"] = True
        options["has_touch"] = True
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(HOME)


@pytest.mark.parametrize("size", SIZES)
def test_an_adviser_completes_a_survey_the_contact_gets_the_report_police_see_risk_only(
    browser, live_server, settings, cast: Cast, tmp_path, size: str
):
    settings.SANCTUARY_REQUIRE_2FA = False  # the second factor has its own journey
    instrument = latest_instrument()
    first, second = instrument.sections[:2]
    photo = tmp_path / "rear-door.jpg"
    photo.write_bytes(photo_upload().read())

    context, page = _context(browser, live_server, size)
    try:
        _log_in(page, "adviser")
        page.get_by_role("link", name="Risk").click()
        page.wait_for_url(re.compile(r"/risk/$"))  # measured once the register has loaded
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_role("link", name="Alpha Mosque").click()
        page.get_by_role("link", name="Surveys").click()
        page.get_by_label("Date of the visit").fill("2026-12-10")
        page.get_by_role("button", name="Schedule").click()
        page.get_by_role("link", name=re.compile(f"Start: {re.escape(first.title)}")).click()
        page.wait_for_url(re.compile(rf"/sections/{first.id}/"))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # each answer saves itself as it is given
        question = first.questions[0]
        box = page.locator(f'[id="q-{question.id}"]')
        box.get_by_text(question.options[-2].label, exact=True).click()
        box.get_by_text(re.compile("Saved at")).wait_for()
        survey = Survey.objects.get(site=cast.site_a)
        assert Answer.by_survey.of(survey).get(question_id=question.id).grade == int(
            question.options[-2].grade
        )
        # the rest of the section, then on to the next with the button
        for other in first.questions[1:]:
            page.locator(f'[id="q-{other.id}"]').get_by_text(
                other.options[-1].label, exact=True
            ).click()
        page.get_by_role("button", name=re.compile("Save and go to")).click()
        page.wait_for_url(re.compile(rf"/sections/{second.id}/"))

        # come back later: the survey resumes at the second section
        page.goto(f"/surveys/{survey.pk}/")
        assert page.get_by_role(
            "link", name=f"Continue where you stopped: {second.title}"
        ).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.get_by_label(re.compile(r"^Photo\b")).set_input_files(str(photo))
        page.get_by_label("Caption").fill("Rear door, no lock")
        page.get_by_role("button", name="Add the photo").click()
        page.get_by_text("Photo added").wait_for()
        assert page.locator("ul.photos img").count() == 1
        assert Photo.by_survey.of(survey).count() == 1

        page.get_by_label("Summary for the report").fill("Lock the rear door first.")
        page.get_by_role("button", name="Complete the survey").click()
        page.get_by_text("Survey completed").wait_for()
        survey.refresh_from_db()
        assert survey.status == SurveyStatus.COMPLETED
    finally:
        context.close()

    # the site contact downloads the report
    context, page = _context(browser, live_server, size)
    try:
        _log_in(page, "contact-a")
        page.goto(f"/surveys/{survey.pk}/")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the report (PDF)").click()
        pdf = download.value.path().read_bytes()
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Alpha Mosque" in text and "Lock the rear door first." in text
    finally:
        context.close()

    # the police supervisor sees the risk, not the answers
    context, page = _context(browser, live_server, size)
    try:
        _log_in(page, "sergeant")
        response = page.goto(f"/surveys/{survey.pk}/")
        assert response is not None and response.status == 404
        page.goto(f"/sites/{cast.site_a.pk}/risk/")
        assert page.get_by_role("heading", name="Risk at Alpha Mosque").is_visible()
        assert page.get_by_role("heading", name="Top recommendations").is_visible()
        assert page.get_by_role("link", name="Surveys").count() == 0
        body = page.locator("main").inner_text()
        assert question.topic not in body, "a driver naming an answer is shown to the police"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # the register's map: the area's two sites, coloured by level
        page.goto("/risk/")
        page.wait_for_selector("path.risk-marker")
        assert page.locator("path.risk-marker").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
