"""The applicant's journey on a phone: a site contact opens the round, starts an application
for their mosque, sees why it is not yet eligible, saves the draft as they go, adds evidence and
a package with a PDF quote, and submits it; each page fits the phone's width and passes axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sanctuary.fund.models import Application, ApplicationStatus
from tests.browser.home import HOME
from tests.browser.test_every_page import check
from tests.conftest import Cast
from tests.fund.conftest import make_round, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_a_site_contact_applies_on_a_phone(browser, live_server, settings, cast: Cast, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    quote = tmp_path / "quote.pdf"
    quote.write_bytes(pdf_bytes())
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("contact-a")
        page.get_by_label("Password").fill("a long test password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(HOME)

        page.goto("/fund/")
        _fits(page)
        page.get_by_role("link", name=round_.name).click()
        page.wait_for_url(re.compile(rf"/fund/rounds/{round_.pk}/$"))
        _fits(page)
        page.get_by_label("The site you apply for").select_option(label="Alpha Mosque")
        page.get_by_role("button", name="Start an application").click()
        page.wait_for_url(re.compile(r"/fund/applications/\d+/$"))
        _fits(page)
        assert "Does not meet the round's rules yet." in page.content()
        assert "This round needs a registered charity number" in page.content()

        # the draft saves as they go: leaving the field saves it, and the check follows
        page.get_by_label("Registered charity number").fill("1100001")
        page.get_by_label("Registered charity number").press("Tab")
        page.get_by_text("✓ Registered charity 1100001.").wait_for()
        assert Application.objects.get(round=round_, site=cast.site_a).charity_number == "1100001"
        # what cannot be saved is said where the page changes
        year = page.get_by_label("Year the site was last funded by a security scheme (if ever)")
        year.fill("1066")
        year.press("Tab")
        page.get_by_text(re.compile("Not saved. Year the site was last funded.*1990")).wait_for()
        year.fill("")
        year.press("Tab")
        page.get_by_text("Not saved.").wait_for(state="detached")
        page.get_by_label(re.compile("Why the site needs protecting")).fill(
            "Threatening graffiti twice this autumn; elderly worshippers at dawn prayers.")
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => !document.querySelector('form[hx-post]').classList.contains('htmx-request')")
        saved = Application.objects.get(round=round_, site=cast.site_a)
        assert saved.answers["need"].startswith("Threatening graffiti twice this autumn")

        page.get_by_label("Kind of evidence").select_option(label="Crime reference")
        page.get_by_label("What it shows").fill("Threatening graffiti on the gate")
        page.get_by_label("Crime reference number").fill("CAD 4471/26")
        page.get_by_role("button", name="Add evidence").click()
        page.wait_for_load_state("networkidle")
        assert "Evidence added." in page.content()

        page.locator("#id_label").select_option("standard")
        page.get_by_label("Fixed CCTV").check()
        page.get_by_label("Lockable gates").check()
        page.get_by_label("Whole cost (£)").fill("12000")
        page.get_by_label("Your contribution (£)").fill("2400")
        page.get_by_label("A quote (PDF or photo)").set_input_files(str(quote))
        page.get_by_label("Supplier who quoted").fill("Secure Ltd")
        page.get_by_label("Quote amount (£)").fill("12000")
        page.get_by_role("button", name="Save package").click()
        page.wait_for_load_state("networkidle")
        assert "Package saved." in page.content()
        assert "Meets the round's rules." in page.content()
        assert "Quote from Secure Ltd" in page.content()
        _fits(page)
        status, problems = check(page, page.url.removeprefix(live_server.url))
        assert status == 200 and problems == []

        page.get_by_role("button", name="Submit the application").click()
        page.wait_for_load_state("networkidle")
        assert "Submitted. Assessors will score it" in page.content()
        assert page.locator("#status").inner_text() == "Submitted"
        assert "Save draft" not in page.content()
        _fits(page)
    finally:
        context.close()
    application = Application.objects.get(round=round_, site=cast.site_a)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.packages.get().quotes.count() == 1


def test_after_the_closing_date_the_phone_offers_no_submit_and_the_server_refuses(
    browser, live_server, settings, cast: Cast, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from tests.conftest import log_in
    from tests.fund.conftest import make_application

    round_ = make_round(cast)
    application = make_application(cast, round_, cast.site_a)
    round_.closes_on = timezone.localdate() - timedelta(days=1)
    round_.save()
    client = log_in(__import__("django.test", fromlist=["Client"]).Client(), cast.contact_a)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"/fund/applications/{application.pk}/")
        assert "The round is not open: nothing can be submitted." in page.content()
        assert page.get_by_role("button", name="Submit the application").count() == 0
        # a form kept open from before the closing date is refused by the server
        token = page.evaluate("document.querySelector('[name=csrfmiddlewaretoken]').value")
        answer = page.request.post(f"/fund/applications/{application.pk}/submit/",
                                   form={"csrfmiddlewaretoken": token},
                                   headers={"Referer": live_server.url + "/"})
        assert "nothing more can be submitted" in answer.text()
    finally:
        context.close()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_the_fund_managers_and_assessors_pages_pass_axe_at_phone_width(
    browser, live_server, settings, cast: Cast, tmp_path
):
    """The pages the every-page walk cannot reach without a round: a manager's round, the new
    round form, moderation; an assessor's sheet; an applicant's list, round and submitted
    application."""
    from sanctuary.access.models import Role
    from sanctuary.fund.models import AssessorAssignment
    from tests.browser.test_every_page import session_cookie
    from tests.fund.conftest import make_application

    settings.MEDIA_ROOT = tmp_path
    round_ = make_round(cast)
    moderated = make_application(cast, round_, cast.site_a, status=ApplicationStatus.MODERATION)
    scoring = make_application(cast, round_, cast.site_b, status=ApplicationStatus.SCORING)
    sheet = AssessorAssignment.objects.create(round=round_, application=scoring,
                                              assessor=cast.person(Role.GRANT_ASSESSOR))
    visits = {
        Role.PROGRAMME_ADMIN: ["/fund/", f"/fund/rounds/{round_.pk}/", "/fund/rounds/new/",
                               f"/fund/rounds/{round_.pk}/edit/", f"/fund/applications/{moderated.pk}/"],
        Role.GRANT_ASSESSOR: ["/fund/", f"/fund/assignments/{sheet.pk}/", f"/fund/applications/{scoring.pk}/"],
        Role.SITE_CONTACT: ["/fund/", f"/fund/rounds/{round_.pk}/", f"/fund/applications/{moderated.pk}/"],
    }
    problems: dict[str, list[str]] = {}
    for role, paths in visits.items():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        context.add_cookies([session_cookie(live_server, cast.person(role))])
        try:
            for path in paths:
                page = context.new_page()
                page.set_default_timeout(20_000)
                status, found = check(page, path)
                assert status == 200, (role, path, status)
                if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                    found.append("wider than the phone")
                page.close()
                if found:
                    problems[f"{role} {path}"] = found
        finally:
            context.close()
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())
