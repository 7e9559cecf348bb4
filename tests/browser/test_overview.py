"""The home page, the cross-faith view and the monthly report in a browser, on a phone (390 px)
and a desktop, as staff and as a site contact: no console error, no accessibility violation
(axe-core), nothing wider than the screen, and each figure a link that opens its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sanctuary.access.models import Role
from tests.browser.test_every_page import check, overview_pages, session_cookie
from tests.conftest import Cast
from tests.overview.records import incident, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1200, "height": 900}}


def some_records(cast: Cast) -> None:
    today = timezone.localdate()
    for n in range(6):
        incident(cast.area, today - timedelta(days=n), site=cast.site_a)
    incident(cast.area, today, faith="christianity", ward="Bow East", site=cast.site_b)
    visit(cast, cast.site_a, timezone.now() - timedelta(days=1), delivered=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.SITE_CONTACT])
def test_the_partnerships_picture_is_clean_and_fits_the_screen(
    browser, live_server, settings, cast: Cast, role: str, size: str
):
    settings.SANCTUARY_TILE_URL = ""
    some_records(cast)
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    context.add_cookies([session_cookie(live_server, cast.person(role))])
    problems = {}
    try:
        for path in overview_pages(cast):
            page = context.new_page()
            page.set_default_timeout(20_000)
            status, found = check(page, path)
            if status == 200:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > SIZES[size]["width"]:
                    found.append(f"the page is {width}px wide")
            elif not (role == Role.SITE_CONTACT and path.startswith("/overview/")):  # 403, 404
                found.append(f"answered {status}")
            page.close()
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())


def test_a_figure_on_the_home_page_opens_its_own_page(browser, live_server, cast: Cast):
    some_records(cast)
    context = browser.new_context(base_url=live_server.url, viewport=SIZES["phone"])
    context.add_cookies([session_cookie(live_server, cast.person(Role.PROGRAMME_ADMIN))])
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator('[data-key="incidents.open"]').inner_text() == "7"
        page.get_by_role("link", name="Open incidents").click()
        page.wait_for_url("**/incidents/?view=open")
        page.goto("/")
        page.get_by_role("link", name="every faith side by side").click()
        page.wait_for_url(f"**/overview/{cast.area.code}/faiths/")
        assert page.get_by_role("img", name="Chart of the table above").count() == 1
    finally:
        context.close()
