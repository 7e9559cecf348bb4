"""The partnership in a real browser at phone size: an administrator records a meeting with an
action; the action's owner, on her phone, marks it done. The partnership's pages are clean of
console errors and of what axe-core finds."""

from __future__ import annotations

import re

import pytest

from sanctuary.partnership.models import Action, ActionStatus, ActionUpdate, Meeting
from tests.browser.home import HOME
from tests.browser.test_every_page import check, session_cookie
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast
from tests.partnership.meetings import make_action, make_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def field(page, label: str):
    """A form's field by its label (a required one's label ends in a star)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_administrator_records_a_meeting_with_an_action_and_the_owner_marks_it_done(
    browser, live_server, settings, cast: Cast
):
    settings.SANCTUARY_REQUIRE_2FA = False  # the second factor has its own journey
    context, page = phone(browser, live_server)
    try:
        log_in_with_password(page, "admin")
        page.wait_for_url(HOME)
        page.goto("/partnership/")
        page.get_by_role("link", name="Record a meeting").click()
        field(page, "Kind").select_option(label="Security briefing for a faith's umbrella body")
        field(page, "Title").fill("Briefing for the council of mosques")
        field(page, "Starts").fill("2030-03-04T18:30")
        field(page, "Ends").fill("2030-03-04T20:00")
        field(page, "Place").fill("Town Hall, Committee Room 2")
        page.get_by_role("group", name="Areas").get_by_label("Tower Hamlets").check()
        invited = page.get_by_role("group", name="Invited organisations")
        invited.get_by_label("Riverside Council of Mosques").check()
        invited.get_by_label("Riverside Mosque Trust").check()
        field(page, "Agenda").fill("The threat picture\nAdvice before Ramadan")
        assert fits(page)
        page.get_by_role("button", name="Save meeting").click()
        page.wait_for_url(re.compile(r"/partnership/meetings/\d+/$"))
        assert page.get_by_role("heading", name="Briefing for the council of mosques").is_visible()
        field(page, "What is to be done").fill("Share lockdown advice with every mosque")
        field(page, "Owner").select_option(label="contact-a")
        field(page, "Due").fill("2030-03-18")
        page.get_by_role("button", name="Add action").click()
        page.wait_for_url(re.compile(r"/partnership/meetings/\d+/$"))
        assert page.get_by_role("link", name="Share lockdown advice with every mosque").is_visible()
        assert fits(page)
    finally:
        context.close()
    action = Action.objects.get()
    assert action.meeting == Meeting.objects.get() and action.owner == cast.contact_a

    context, page = phone(browser, live_server)
    try:
        log_in_with_password(page, "contact-a")
        page.wait_for_url(HOME)
        page.goto("/partnership/")
        page.get_by_role("link", name="Share lockdown advice with every mosque").click()
        field(page, "Status").select_option(label="Done")
        field(page, "Note").fill("Sent to all twelve member mosques.")
        assert fits(page)
        page.get_by_role("button", name="Save update").click()
        page.wait_for_url(re.compile(r"/partnership/actions/\d+/$"))
        assert page.locator("#action-status").inner_text() == "Done"
        assert "Sent to all twelve member mosques." in page.content()
        assert fits(page)
    finally:
        context.close()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert ActionUpdate.objects.get().author == cast.contact_a


def test_the_partnerships_pages_are_clean_at_phone_size(browser, live_server, settings, cast: Cast):
    meeting = make_meeting(cast, "own", agenda="One\nTwo", minutes="Minutes.")
    action = make_action(cast, "own", meeting)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies([session_cookie(live_server, cast.person("programme_admin"))])
    problems = {}
    try:
        for path in ["/partnership/", "/partnership/meetings/new/", f"/partnership/meetings/{meeting.pk}/",
                     f"/partnership/meetings/{meeting.pk}/edit/", f"/partnership/meetings/{meeting.pk}/summary/",
                     f"/partnership/actions/{action.pk}/", "/partnership/overdue/", "/partnership/feeds/"]:
            page = context.new_page()
            status, found = check(page, path)
            wide = page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]
            page.close()
            assert status == 200, path
            if found or wide:
                problems[path] = found + (["wider than a phone"] if wide else [])
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())
