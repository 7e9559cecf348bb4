"""The journey that matters for incidents, on a phone: someone reports anonymously with a photo,
keeps the private link, the case handler replies, the link shows the reply, and the reporter
answers; at desktop size too."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sanctuary.incidents.models import Incident, Message
from tests.browser.home import HOME
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1200, "height": 900}}
PASSWORD = "a long test password"


def photo(tmp_path) -> str:
    path = tmp_path / "wall.jpg"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 40, 40)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


@pytest.mark.parametrize("size", SIZES)
def test_an_anonymous_report_with_a_photo_is_answered_and_the_reporter_replies(
    browser, live_server, settings, cast: Cast, tmp_path, size: str
):
    settings.SANCTUARY_TILE_URL = ""
    settings.SANCTUARY_REQUIRE_2FA = False  # as in the demo: the journey is the report's, not the login's
    settings.MEDIA_ROOT = tmp_path / "uploads"
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size], is_mobile=size == "phone")
    reporter = context.new_page()
    reporter.set_default_timeout(15_000)
    errors: list[str] = []
    reporter.on("pageerror", lambda error: errors.append(str(error)))  # an uncaught script error

    reporter.goto("/report/")
    reporter.get_by_label("Damage and desecration of property").check()
    reporter.get_by_label("What happened, in your own words?").fill("Hateful words painted on our door.")
    reporter.get_by_label("When did it happen?").fill("2026-11-20")
    reporter.get_by_label("In which borough or district?").select_option(label="Tower Hamlets")
    reporter.get_by_label("Where exactly?").fill("Alpha Mosque, 1 Test Street")
    reporter.get_by_label("Photos (optional)").set_input_files(photo(tmp_path))
    assert reporter.get_by_label("No, report anonymously").is_checked()
    assert reporter.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    reporter.get_by_role("button", name="Send the report").click()
    reporter.wait_for_selector(".reference")
    reference = reporter.locator(".reference").inner_text()
    link = reporter.locator("a.tracking-link").get_attribute("href")
    incident = Incident.objects.get(reference=reference)
    assert incident.photos.count() == 1

    handler_context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    handler = handler_context.new_page()
    handler.set_default_timeout(15_000)
    handler.goto("/accounts/login/")
    handler.get_by_label("Username").fill("handler")
    handler.get_by_label("Password").fill(PASSWORD)
    handler.get_by_role("button", name="Log in").click()
    handler.wait_for_url(HOME)
    handler.goto("/incidents/")
    handler.get_by_role("link", name=reference).click()
    handler.get_by_label("Message to the reporter").fill("We have reported it to the council, who will clean the door tomorrow.")
    handler.get_by_role("button", name="Send to the reporter").click()
    handler.wait_for_selector("text=Message sent.")

    reporter.goto(link)
    assert "who will clean the door tomorrow" in reporter.locator("main").inner_text()
    assert "Acknowledged" in reporter.locator(".status").inner_text()
    reporter.get_by_label("Your message or more information").fill("Thank you. They came back last night.")
    reporter.get_by_role("button", name="Send").click()
    reporter.wait_for_selector("text=your message has been added")
    assert Message.objects.filter(incident=incident, body="Thank you. They came back last night.").exists()
    handler.reload()
    assert "They came back last night" in handler.locator("main").inner_text()
    assert reporter.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    assert errors == []
    handler_context.close()
    context.close()
