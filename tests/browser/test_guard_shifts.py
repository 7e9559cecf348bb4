"""A police supervisor fills a funded guard unit's shifts from its site's gatherings on a phone
(390 px): the page passes axe, the button works, and nothing is wider than the screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sanctuary.access.models import Role
from sanctuary.fund.models import Award
from sanctuary.patrols.models import PatrolUnit, UnitKind
from tests.browser.test_every_page import check, session_cookie
from tests.conftest import Cast
from tests.fund.awards_setup import apply, make_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_fills_funded_guards_shifts_on_a_phone(browser, live_server, settings,
                                                            cast: Cast):
    settings.SANCTUARY_TILE_URL = ""
    site = cast.site_a
    unit = PatrolUnit.objects.create(name="Funded guards: Alpha Mosque", kind=UnitKind.GUARD,
                                     mode="foot", organisation=cast.org_a, area=cast.area,
                                     site=site)
    application = apply(make_round(cast), site, cast.person(Role.SITE_CONTACT),
                        packages={"full": ([{"measure": "guards"}], Decimal("8000"))})
    Award.objects.create(application=application, package=application.packages.get(),
                         amount=Decimal("8000"), guard_unit=unit)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies([session_cookie(live_server, cast.person(Role.POLICE_SUPERVISOR))])
    try:
        page = context.new_page()
        status, problems = check(page, f"/patrols/units/{unit.pk}/")
        assert status == 200 and problems == []
        page.get_by_label("Weeks to fill").fill("2")
        page.get_by_role("button", name="Fill shifts from the site's gatherings").click()
        page.wait_for_load_state("networkidle")
        assert "Added" in page.locator(".message.success").inner_text()
        assert page.locator("table.shifts tbody tr").count() == unit.shifts.count() > 0
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390
    finally:
        context.close()
