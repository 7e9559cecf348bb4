"""Fund journeys in a real browser: the fund manager runs a round's allocation, watches its
progress and sees the three methods side by side; the applicant accepts the award on a phone.
Both pages pass axe and fit the phone."""

from __future__ import annotations

import threading

import pytest

from sanctuary.access.models import Role
from sanctuary.fund.models import Award
from tests.browser.home import HOME
from tests.browser.test_every_page import check
from tests.browser.test_journeys import log_in_with_password
from tests.browser.test_patrols import PHONE, phone_at, run_worker_once
from tests.conftest import Cast
from tests.fund.awards_setup import decide, scored_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiet(settings, tmp_path):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path


def test_the_fund_manager_runs_the_allocation_and_sees_the_comparison(browser, live_server, quiet, cast: Cast):
    round_ = scored_round(cast)
    context, page = phone_at(browser, live_server, 51.52, -0.05, PHONE)
    try:
        log_in_with_password(page, cast.person(Role.PROGRAMME_ADMIN).username)
        page.wait_for_url(HOME)
        page.goto(f"/fund/rounds/{round_.pk}/allocation/")
        page.get_by_role("button", name="Run the allocation").click()
        page.wait_for_selector("progress#allocation-progress-bar")
        assert "Waiting for the worker" in page.locator("#allocation-progress").inner_text()
        worker = threading.Thread(target=run_worker_once)
        worker.start()
        page.wait_for_selector("text=Three ways to share the budget", timeout=60_000)
        worker.join()
        table = page.locator("#comparison").inner_text()
        for method in ("optimal", "Score-ranked greedy", "First come"):
            assert method in table
        assert "Alpha Mosque" in page.locator("#explanations").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        status, problems = check(page, f"/fund/rounds/{round_.pk}/allocation/")
        assert status == 200 and problems == []
    finally:
        context.close()


def test_the_applicant_accepts_the_award_on_a_phone(browser, live_server, quiet, cast: Cast):
    decide(cast, budget="100000")
    award = Award.objects.get(application__site=cast.site_a)
    context, page = phone_at(browser, live_server, 51.52, -0.05, PHONE)
    try:
        log_in_with_password(page, "contact-a")
        page.wait_for_url(HOME)
        page.goto("/fund/awards/")
        page.get_by_role("link", name="Alpha Mosque").click()
        page.get_by_role("button", name="Accept the award").click()
        page.wait_for_selector("text=Award accepted")
        page.get_by_label("Contractor").fill("Secure Doors Ltd")
        page.get_by_role("button", name="Save the installation").click()
        page.wait_for_selector("text=Installation saved")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        award.refresh_from_db()
        assert award.accepted_at is not None and award.installation.contractor == "Secure Doors Ltd"
        for path in (f"/fund/awards/{award.pk}/", "/fund/awards/", "/fund/decisions/"):
            status, problems = check(page, path)
            assert status == 200 and problems == [], (path, problems)
    finally:
        context.close()
