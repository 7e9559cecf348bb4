"""The alerts journey in a real browser: an administrator raises a local heightened alert, reviews
the alert it drafted and sends it; a site contact, on a phone (390 px), finds it in their inbox
and acknowledges it; the administrator sees the acknowledgement."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from sanctuary.alerts.models import AlertSite, AlertStatus
from sanctuary.surveys.models import HeightenedAlert
from tests.browser.home import HOME
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_an_administrator_raises_a_local_alert_and_a_contact_acknowledges_it_on_a_phone(
    browser, live_server, settings, cast: Cast
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    today = timezone.localdate()
    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    admin = desk.new_page()
    admin.set_default_timeout(15_000)
    log_in_with_password(admin, "admin")
    admin.wait_for_url(HOME)
    admin.goto("/risk/heightened/")
    admin.get_by_label(re.compile(r"^Area\b")).select_option(label="Tower Hamlets")
    admin.get_by_label(re.compile(r"^Faith\b")).select_option(label="Islam")
    admin.get_by_label(re.compile(r"^Threat level for these sites")).select_option(label="Severe")
    admin.get_by_label(re.compile(r"^From\b")).fill(today.isoformat())
    admin.get_by_label(re.compile(r"^Until")).fill(today.isoformat())
    admin.get_by_label(re.compile(r"^Reason\b")).fill("After the attack on a mosque abroad")
    admin.get_by_role("button", name="Raise the alert").click()
    admin.wait_for_url(re.compile(r"/risk/heightened/\d+/$"))
    assert HeightenedAlert.objects.get().level == "severe"
    admin.get_by_role("link", name="review and send it").click()
    admin.wait_for_url(re.compile(r"/alerts/\d+/$"))
    assert "After the attack on a mosque abroad" in admin.content()
    admin.get_by_role("button", name="Send to 1 site").click()
    admin.get_by_text("Sent to 1 sites.").wait_for()
    alert_url = admin.url
    row = AlertSite.objects.get()
    assert row.alert.status == AlertStatus.SENT and row.site == cast.site_a

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    contact = phone.new_page()
    contact.set_default_timeout(15_000)
    log_in_with_password(contact, "contact-a")
    contact.wait_for_url(HOME)
    contact.goto("/alerts/")
    contact.get_by_role("heading", name="To acknowledge").wait_for()
    contact.get_by_role("link", name=re.compile("Heightened vigilance")).first.click()
    contact.wait_for_url(re.compile(r"/alerts/\d+/$"))
    assert contact.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    contact.get_by_label("Note (optional)").fill("Stewards briefed after Maghrib")
    contact.get_by_role("button", name="We confirm this").tap()
    contact.get_by_text("Acknowledged for Alpha Mosque. Thank you.").wait_for()
    assert contact.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row.refresh_from_db()
    assert row.acknowledged_by == cast.person("site_contact") and row.note == "Stewards briefed after Maghrib"

    admin.goto(alert_url)
    assert "1 of 1 sites acknowledged" in admin.content()
    assert "Stewards briefed after Maghrib" in admin.content()
    desk.close()
    phone.close()
