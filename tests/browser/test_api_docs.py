"""/api/docs in a real browser: Swagger UI, from our own files, lists the API's operations under
the Content Security Policy and answers a tried request with the reader's own access."""

from __future__ import annotations

import pytest
from django.test import Client

from sanctuary.access.models import Role
from tests.conftest import Cast, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_list_every_operation_and_try_one_as_the_reader(
    browser, live_server, settings, cast: Cast
):
    client = log_in(Client(), cast.person(Role.SITE_CONTACT))
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    external: list[str] = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    try:
        page.goto("/api/docs")
        operation = page.locator("#operations-registry-sanctuary_registry_api_list_sites")
        operation.wait_for()
        assert page.locator(".opblock").count() >= 5
        operation.locator(".opblock-summary-control").click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        body = page.locator(".live-responses-table .response-col_description pre").first
        body.wait_for()
        assert "Alpha Mosque" in body.inner_text()
        assert "Bravo Church" not in body.inner_text()  # the contact's own access
    finally:
        context.close()
    assert errors == []
    assert external == [], "the page fetched from elsewhere than the site"
