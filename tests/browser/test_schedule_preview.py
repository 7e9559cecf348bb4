"""A site contact adds a service and watches the 14-day preview follow, before and after saving."""

from __future__ import annotations

import re

import pytest

from sanctuary.calendars.models import Service
from tests.browser.home import HOME
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_follows_the_form_before_it_is_saved(page, cast: Cast):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("contact-a")
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(HOME)
    page.goto(f"/sites/{cast.site_a.pk}/")
    page.get_by_role("link", name="Schedule").click()
    page.wait_for_url(re.compile(r"/schedule/$"))
    assert "Night of prayer" not in page.locator("#preview").inner_text()

    services = page.locator("#services")
    services.locator("summary").click()
    services.get_by_label("Label").fill("Night of prayer")
    services.get_by_label("Repeats").select_option("daily")
    services.get_by_label("Start time").fill("22:00")
    services.get_by_label("Duration minutes").fill("60")
    services.get_by_label("Expected attendance").fill("45")
    services.get_by_label("Expected attendance").blur()
    preview = page.locator("#preview")
    preview.get_by_text("Night of prayer").first.wait_for()
    assert "unsaved" in preview.inner_text()
    assert not Service.objects.exists()

    services.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r"/schedule/#services$"))
    assert Service.objects.filter(label="Night of prayer").exists()
    text = page.locator("#preview").inner_text()
    assert "Night of prayer" in text and "unsaved" not in text
