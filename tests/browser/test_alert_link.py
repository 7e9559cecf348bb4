"""A church's volunteer secretary, who has no account, acknowledges an alert on a phone (390 px)
through the link in the e-mail the worker sent them (a real SMTP server); the page passes axe,
and the sender sees the acknowledgement with the secretary's name and note."""

from __future__ import annotations

import email
import re

import pytest
from django.core.management import call_command

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import services
from sanctuary.alerts.models import AlertSite
from tests.alerts.conftest import mailed_cast  # noqa: F401 (a fixture)
from tests.browser.home import HOME
from tests.browser.test_every_page import AXE, WCAG
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => v.id + ": " + v.help);
        }""",
        WCAG,
    )


def test_a_secretary_without_an_account_acknowledges_by_the_e_mailed_link_on_a_phone(
    browser, live_server, settings, mailed_cast: Cast, mailbox  # noqa: F811 (fixtures)
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    cast = mailed_cast
    sergeant = Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE)
    alert = services.compose_and_send(
        sergeant, services.Content("Disorder expected tonight", "Keep the side gates locked.",
                                   "We have locked the side gates.", "urgent"),
        services.Audience(sites=[cast.site_b]), site_url=live_server.url,
    )
    call_command("db_worker", batch=True, interval=0.1, reload=False)
    mailbox.wait_for(2)
    (content,) = [content for to, content in mailbox if "secretary-b@example.org" in to]
    payload = email.message_from_string(content).get_payload(decode=True)
    link = re.search(re.escape(live_server.url) + r"/alerts/link/[\w-]+/", payload.decode()).group(0)

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    secretary = phone.new_page()
    secretary.set_default_timeout(15_000)
    referrers: list[str] = []
    secretary.on("request", lambda request: referrers.append(request.headers.get("referer", "")))
    response = secretary.goto(link)
    assert response.status == 200 and response.headers["referrer-policy"] == "strict-origin"
    secretary.get_by_role("heading", name="Disorder expected tonight").wait_for()
    assert "Keep the side gates locked." in secretary.content()
    assert secretary.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(secretary) == []
    secretary.get_by_label("Note (optional)").fill("Gates locked by the churchwarden")
    secretary.get_by_role("button", name="We confirm this").tap()
    secretary.get_by_text("Acknowledged for Bravo Church. Thank you.").wait_for()
    assert secretary.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(secretary) == []
    # the page's style sheet, scripts, the form's POST: none told the token in its Referer
    assert len(referrers) > 3 and not any("/alerts/link/" in referrer for referrer in referrers)
    row = AlertSite.objects.get(alert=alert)
    assert row.acknowledged_at is not None and row.note == "Gates locked by the churchwarden"
    phone.close()

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    police = desk.new_page()
    police.set_default_timeout(15_000)
    log_in_with_password(police, "sergeant")
    police.wait_for_url(HOME)
    police.goto(f"/alerts/{alert.pk}/")
    assert "Secretary B (by e-mailed link)" in police.content()
    assert "Gates locked by the churchwarden" in police.content()
    desk.close()
