"""On a phone, a church's volunteer adds a weekly service with the picker, without typing a rule,
and sees it in words in the list and in the 14-day preview (issue 9)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sanctuary.calendars.models import Service
from tests.browser.home import HOME
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, settings):
    settings.SANCTUARY_TILE_URL = ""  # the map after logging in asks no tile server
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_volunteer_adds_a_weekly_service_on_a_phone_and_reads_it_in_words(phone, cast: Cast):
    page = phone
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))  # an uncaught script error
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("contact-b")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(HOME)
    page.goto(f"/sites/{cast.site_b.pk}/schedule/")

    services = page.locator("#services")
    services.locator("summary").click()
    form = services.locator("form")
    # weekly is chosen: the month, the day of the month and the typed rule are out of the way
    assert form.get_by_label("Repeats").input_value() == "weekly"
    assert not form.get_by_label("Month", exact=True).is_visible()
    assert not form.get_by_label("Rule (advanced)").is_visible()
    assert not form.get_by_label("Which day of the month").is_visible()

    form.get_by_label("Label").fill("Evening prayer")
    form.get_by_label("Start time").fill("19:00")
    form.get_by_label("Duration minutes").fill("45")
    form.get_by_label("Expected attendance").fill("30")
    for day in ("Tuesday", "Wednesday", "Thursday"):
        form.get_by_label(day).check()
    preview = page.locator("#preview")
    # three days a week over the two weeks, once the last tick's preview has come back
    expect(preview.get_by_text("Evening prayer")).to_have_count(6)
    assert "unsaved" in preview.inner_text()
    assert not Service.objects.exists()

    # monthly shows "which day"; back to weekly hides it again
    form.get_by_label("Repeats").select_option("monthly")
    assert form.get_by_label("Which day of the month").is_visible()
    form.get_by_label("Repeats").select_option("weekly")
    assert not form.get_by_label("Which day of the month").is_visible()

    form.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/schedule/#services$"))
    assert Service.objects.get().rule == "FREQ=WEEKLY;BYDAY=TU,WE,TH"
    listed = page.locator("#services .schedule-rows").inner_text()
    assert "Evening prayer: every Tuesday, Wednesday and Thursday at 19:00" in listed
    assert "FREQ" not in listed
    text = page.locator("#preview").inner_text()
    assert "Evening prayer" in text and "unsaved" not in text
    # nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
