"""Logging out: a POST, with a page for whoever types or follows the address."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from tests.conftest import Cast, log_in


def test_the_logout_address_shows_a_page_with_a_log_out_button(cast: Cast, client: Client):
    person = cast.person(Role.SITE_CONTACT)
    log_in(client, person)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="post" action="/accounts/logout/">' in html
    assert '<button type="submit">Log out</button>' in html
    assert client.get("/sites/").status_code == 200, "looking at the page logs nobody out"


def test_the_button_logs_out_and_is_recorded(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/sites/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="logout").exists()


def test_someone_already_logged_out_is_told_so_and_offered_the_login(client: Client):
    html = client.get("/accounts/logout/").content.decode()
    assert "You are logged out" in html and 'href="/accounts/login/"' in html
