"""A police supervisor's week view leads with the largest gathering, and a heat-map cell leads,
by keyboard, to the gatherings behind it: at desktop and at phone size."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sanctuary.calendars.models import Event, Schedule
from tests.browser.home import HOME
from tests.conftest import Cast, make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def vigil(cast: Cast):
    """Tomorrow at 19:00, a vigil of 4,000 at the church; and enough sites that staff see the
    inspector's default (200 or more)."""
    for name in ("Charlie", "Delta", "Echo", "Foxtrot"):
        make_site(f"{name} Hall", cast.org_b, faith="other", ward="Mile End")
    tomorrow = timezone.localdate() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(19), tzinfo=ZoneInfo("Europe/London"))
    Event.objects.create(
        schedule=Schedule.objects.create(site=cast.site_b),
        label="Vigil for the bereaved",
        kind="vigil",
        start=start,
        end=start + timedelta(hours=1),
        expected_attendance=4000,
    )
    return tomorrow


@pytest.mark.parametrize("size", SIZES)
def test_the_week_leads_with_the_largest_and_a_heat_map_cell_opens_its_gatherings(
    browser, live_server, settings, cast: Cast, vigil, size: str
):
    settings.SANCTUARY_REQUIRE_2FA = False  # the second factor has its own journey
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("sergeant")
        page.get_by_label("Password").fill("a long test password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(HOME)

        page.goto("/calendar/week/")
        day = page.locator(f"#day-{vigil.isoformat()}").locator("xpath=..")
        first = day.locator("li.line").first
        assert "Vigil for the bereaved" in first.inner_text()
        assert "4,000" in first.inner_text() and "Bravo Church" in first.inner_text()
        assert "200 people or more" in page.locator(".lead-rule").inner_text()
        # the largest come before the long list, and the page is no wider than the screen
        long_list = page.locator("#long-list").bounding_box()
        assert first.bounding_box()["y"] < long_list["y"]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.goto(f"/calendar/heatmap/?start={vigil}")
        name = f"{vigil:%a} {vigil.day} {vigil:%b}, 19:00: 4,000 people"
        cell = page.get_by_role(
            "link", name=re.compile(rf"^{re.escape(name[: -len('4,000 people')])}")
        )
        assert re.search(r"[\d,]+ people$", cell.get_attribute("aria-label"))
        cell.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/calendar/day/\?start=.*&hour=19"))
        assert (
            page.get_by_role("heading", level=1).inner_text().startswith("People there 19:00–20:00")
        )
        assert "Vigil for the bereaved" in page.locator("li.line").first.inner_text()
    finally:
        context.close()
