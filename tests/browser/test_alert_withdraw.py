"""An alert sent in error is withdrawn in a real browser on a phone (390 px): the administrator
gives the reason on the alert's page; the site contact finds it struck through and labelled in
their inbox, with no acknowledgement offered. Both pages pass axe."""

from __future__ import annotations

import re

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import services
from sanctuary.alerts.models import Alert, AlertStatus
from tests.browser.home import HOME
from tests.browser.test_alert_link import axe_violations
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_an_administrator_withdraws_an_alert_and_the_contact_sees_it_withdrawn_on_a_phone(
    browser, live_server, settings, cast: Cast
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    sergeant = Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE)
    alert = services.compose_and_send(
        sergeant, services.Content("March on Saturday", "Keep the side gates locked on Saturday.",
                                   "We have locked the side gates.", "warning"),
        services.Audience(sites=[cast.site_a]), site_url=live_server.url,
    )

    office = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    admin = office.new_page()
    admin.set_default_timeout(15_000)
    log_in_with_password(admin, "admin")
    admin.wait_for_url(HOME)
    admin.goto(f"/alerts/{alert.pk}/")
    admin.get_by_label(re.compile(r"^Why it is withdrawn")).fill("Wrong day: the march is next week.")
    assert axe_violations(admin) == []
    admin.get_by_role("button", name="Withdraw the alert").tap()
    admin.get_by_role("heading", name="Withdrawn: do not act on this alert").wait_for()
    assert "Why: Wrong day: the march is next week." in admin.content()
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(admin) == []
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.WITHDRAWN

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    contact = phone.new_page()
    contact.set_default_timeout(15_000)
    log_in_with_password(contact, "contact-a")
    contact.wait_for_url(HOME)
    contact.goto("/alerts/")
    contact.get_by_role("heading", name="Withdrawn: do not act on these").wait_for()
    assert contact.get_by_role("heading", name="To acknowledge").count() == 0
    struck = contact.locator("ul.inbox del", has_text="March on Saturday")
    assert struck.count() == 1
    assert "Wrong day: the march is next week." in contact.content()
    assert contact.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(contact) == []
    struck.click()
    contact.wait_for_url(re.compile(rf"/alerts/{alert.pk}/$"))
    contact.get_by_role("heading", name="Withdrawn: do not act on this alert").wait_for()
    assert contact.get_by_role("button", name="We confirm this").count() == 0
    assert axe_violations(contact) == []
    office.close()
    phone.close()
