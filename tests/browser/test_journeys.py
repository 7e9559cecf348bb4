"""The journeys that matter, in a real browser against a live server."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP

from sanctuary.registry.models import Site
from tests.browser.home import HOME
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long test password"


def log_in_with_password(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_site_contact_logs_in_and_sees_their_sites_on_the_map(page, cast: Cast):
    log_in_with_password(page, "contact-a")
    page.wait_for_url(HOME)
    page.get_by_role("link", name="Map", exact=True).click()
    page.wait_for_selector("path.site-marker")
    assert page.locator("path.site-marker").count() == 1  # site A only: site B is not theirs
    assert page.locator("#map-list").inner_text().count("Alpha Mosque") == 1
    assert "Bravo Church" not in page.content()


def test_staff_set_up_two_factor_then_see_every_site_of_their_area_on_the_map(
    page, cast: Cast, settings
):
    settings.SANCTUARY_REQUIRE_2FA = True
    log_in_with_password(page, "sergeant")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    secret = page.locator("code").first.inner_text()
    key = base64.b32decode(secret)
    code = f"{TOTP(key).token():06d}"
    page.get_by_label(re.compile("Six-digit code")).fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(HOME)
    page.get_by_role("link", name="Map", exact=True).click()
    page.wait_for_selector("path.site-marker")
    assert page.locator("path.site-marker").count() == Site.objects.filter(area=cast.area).count() == 2


def test_a_site_contact_typing_another_organisations_site_gets_not_found(page, cast: Cast):
    log_in_with_password(page, "contact-a")
    page.wait_for_url(HOME)
    response = page.goto(f"/sites/{cast.site_b.pk}/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert "Bravo Church" not in page.content()
    not_yours = page.locator("main").inner_text()
    missing = page.goto("/sites/999999/")
    assert missing is not None and missing.status == 404
    # The same page for "not yours" and "missing": nothing to tell them apart.
    assert page.locator("main").inner_text() == not_yours


def test_a_site_contact_edits_their_site_and_sees_the_change(page, cast: Cast):
    log_in_with_password(page, "contact-a")
    page.wait_for_url(HOME)
    page.goto(f"/sites/{cast.site_a.pk}/edit/")
    page.get_by_label("Capacity").fill("150")  # fewer than the typical peak of 200
    page.get_by_role("button", name="Save").click()
    error = page.locator(".field.has-error").filter(has_text="Typical peak attendance")
    assert "more than the capacity" in error.inner_text()
    assert Site.objects.get(pk=cast.site_a.pk).capacity == 300
    page.get_by_label("Capacity").fill("450")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/sites/{cast.site_a.pk}/$"))
    assert "450" in page.locator(".facts").inner_text()
    assert Site.objects.get(pk=cast.site_a.pk).capacity == 450
