"""The main menu shows each role exactly the entries of docs/access.md's "The main menu", and each
entry opens for them: no link to a refusal or a missing page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sanctuary.access.models import Membership, Role
from sanctuary.registry.models import Organisation, OrganisationKind
from tests.conftest import Cast, log_in, make_user
from tests.matrix import read_menu_table

TABLE = read_menu_table()
NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


def menu(client: Client, path: str = "/") -> list[tuple[str, str]]:
    """(label, address) of each entry of the main menu, in order."""
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    found = NAV.search(response.content.decode())
    return [] if found is None else [(label, url) for url, label in LINK.findall(found.group(1))]


def test_the_table_names_every_role_and_every_entry_once_per_role():
    assert {role for row in TABLE for role in row.roles} == set(Role.values)
    for role in Role.values:
        labels = [row.label for row in TABLE if role in row.roles]
        assert len(labels) == len(set(labels)), role


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_exactly_its_entries_and_each_opens(cast: Cast, client: Client, role: str):
    log_in(client, cast.person(role))
    expected = [(row.label, row.url) for row in TABLE if role in row.roles]
    assert menu(client) == expected
    for label, url in expected:
        response = client.get(url)
        assert response.status_code == 200, f"{label} ({url}) answers {response.status_code}"


def test_a_site_contact_is_not_offered_what_is_not_theirs(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    labels = [label for label, _ in menu(client)]
    assert "Risk" in labels  # their own site's risk
    for other in ("Organisations", "Patrols", "People", "Audit"):
        assert other not in labels


def test_a_patrol_officer_is_not_offered_the_fund(cast: Cast, client: Client):
    log_in(client, cast.person(Role.PATROL_OFFICER))
    labels = [label for label, _ in menu(client)]
    assert "Patrols" in labels and "Fund" not in labels


def test_two_roles_see_both_roles_entries_each_once(cast: Cast, client: Client):
    adviser = cast.person(Role.SECURITY_ADVISER)
    Membership.objects.create(user=adviser, organisation=cast.council, role=Role.GRANT_ASSESSOR)
    Membership.objects.create(user=adviser, organisation=cast.police_unit, role=Role.PATROL_OFFICER)
    log_in(client, adviser)
    entries = menu(client)
    labels = [label for label, _ in entries]
    assert len(labels) == len(set(labels))
    assert ("Fund", "/fund/") in entries  # the assessor's way in: the fund's home
    assert "Patrols" in labels and "Risk" in labels


def test_a_staff_role_whose_organisation_works_in_no_area_adds_no_entry(cast: Cast, client: Client):
    nowhere = Organisation.objects.create(name="Dormant Council Service", kind=OrganisationKind.COUNCIL)
    person = make_user("dormant", nowhere, Role.PROGRAMME_ADMIN)
    log_in(client, person)
    assert menu(client) == []
    Membership.objects.create(user=person, organisation=cast.org_a, role=Role.SITE_CONTACT)
    assert [label for label, _ in menu(client)] == [
        row.label for row in TABLE if Role.SITE_CONTACT in row.roles
    ]


def test_the_page_open_is_marked_in_the_menu(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    html = NAV.search(client.get("/sites/map/").content.decode()).group(1)  # type: ignore[union-attr]
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/sites/map/"]


def test_someone_with_no_role_gets_no_menu_but_can_still_go_home(cast: Cast, client: Client):
    person = cast.person(Role.CASE_HANDLER)
    Membership.objects.filter(user=person).delete()
    log_in(client, person)
    html = client.get("/").content.decode()
    assert '<nav aria-label="Main">' not in html
    assert '<a class="brand" href="/">Sanctuary</a>' in html


def test_a_visitor_who_has_not_logged_in_is_offered_to_report_an_incident(client: Client):
    assert menu(client, "/accounts/login/") == [("Report an incident", "/report/")]
