"""The whole need-to-know matrix, generated from docs/access.md and checked against the application.

Every row of the table there is a probe (each app keeps its own in tests/<app>/access_probes.py);
every role x row x object cell is one check. A cell that differs from what the pages, API and
exports really do fails, and so does a row without a probe, a probe without a row, or a route of
the application that is neither a row nor listed below as exempt, with the reason.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sanctuary.access.models import Role, User
from sanctuary.registry.models import Faith, Organisation, Site
from tests.access.access_probes import PROBES as ACCESS_PROBES
from tests.alerts.access_probes import PROBES as ALERT_PROBES
from tests.audit.access_probes import PROBES as AUDIT_PROBES
from tests.calendars.access_probes import PROBES as CALENDAR_PROBES
from tests.conftest import Cast, api_client_for, log_in
from tests.fund.access_probes import PROBES as FUND_PROBES
from tests.fund.access_probes_awards import PROBES as FUND_AWARD_PROBES
from tests.incidents.access_probes import PROBES as INCIDENT_PROBES
from tests.matrix import MATRIX, Cell, Probe, site_form_data
from tests.overview.access_probes import PROBES as OVERVIEW_PROBES
from tests.partnership.access_probes import PROBES as PARTNERSHIP_PROBES
from tests.patrols.access_probes import PROBES as PATROL_PROBES
from tests.registry.access_probes import PROBES as REGISTRY_PROBES
from tests.surveys.access_probes import PROBES as SURVEY_PROBES

PROBES: dict[str, Probe] = {
    **REGISTRY_PROBES,
    **ACCESS_PROBES,
    **AUDIT_PROBES,
    **CALENDAR_PROBES,
    **INCIDENT_PROBES,
    **SURVEY_PROBES,
    **PATROL_PROBES,
    **ALERT_PROBES,
    **PARTNERSHIP_PROBES,
    **OVERVIEW_PROBES,
    **FUND_PROBES,
    **FUND_AWARD_PROBES,
}


def test_every_row_of_the_documented_matrix_has_a_probe_and_every_probe_a_row():
    documented = {cell.where for cell in MATRIX}
    assert documented == set(PROBES)


# Routes that are not rows of the matrix, and why: each is about one's own session or nothing.
EXEMPT = {
    "favicon": "the site's icon, the same for everyone",
    "login": "open to everyone: it is how one logs in",
    "logout": "ends one's own session",
    "two_factor": "one's own second factor (docs/access.md, Sessions, two factors, tokens and feeds)",
    "api_tokens": "one's own tokens, listed and made; tests/access/test_credentials.py",
    "password_change": "one's own password; tests/access/test_credentials.py",
    "password_change_done": "a page of thanks",
    "password_reset": "open to everyone, limited per address and account; test_credentials.py",
    "password_reset_done": "a page that says what it always says",
    "password_reset_confirm": "the e-mailed link is the credential; test_credentials.py",
    "password_reset_complete": "a page of thanks",
    "invitation_accept": "the e-mailed invitation is the credential; tests/registry/test_invitations.py",
    "report": "the public report form: open to everyone, limited per address (docs/incidents.md)",
    "report_track": "the private tracking link is the credential; tests/incidents/test_public_report.py",
    "alert_link": "a listed contact's e-mailed acknowledgement link is the credential; "
    "tests/alerts/test_link.py",
    "patrol_service_worker": "a static script (the officer's page offline); docs/access.md, Patrols",
}


def _route_of_row(where: str) -> tuple[str, str]:
    """A row's method and path with made-up ids, as a request would have them."""
    method, path = where.split(" ", 1)
    path = path.split("?")[0]
    path = path.replace("{key}", "somekey").replace("{part}", "services")
    return method, re.sub(r"{\w+}", "1", path)


def test_every_route_is_a_row_of_the_matrix_or_exempt_with_a_reason():
    from django.urls import URLResolver, get_resolver, resolve

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "api":  # the API's operations: the next test
                    yield from names(pattern.url_patterns)
            elif pattern.name:
                yield pattern.name

    covered = {
        resolve(_route_of_row(cell.where)[1]).url_name
        for cell in MATRIX
        if " /api/" not in cell.where
    }
    routes = set(names(get_resolver().url_patterns))
    assert routes - covered - set(EXEMPT) == set(), "routes that are neither rows nor exempt"
    assert set(EXEMPT) <= routes, "EXEMPT names a route that is gone"
    assert not set(EXEMPT) & covered, "a route is both a row and exempt"


def test_every_api_operation_is_a_row_of_the_matrix():
    from sanctuary.api import api

    operations = {
        (method.upper(), re.sub(r"{\w+}", "{id}", path))
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    rows = {
        (cell.where.split(" ")[0], cell.where.split(" ", 1)[1].split("?")[0])
        for cell in MATRIX
        if " /api/" in cell.where
    }
    assert operations - rows == set(), "API operations that are not rows of docs/access.md"


def test_the_matrix_covers_every_role():
    assert {cell.role for cell in MATRIX} == {role.value for role in Role}


@pytest.mark.parametrize(
    "cell", MATRIX, ids=lambda c: f"{c.role}-{c.where}-{c.target}".replace(" ", "_")
)
def test_the_application_does_what_docs_access_md_says(cell: Cell, cast: Cast, client: Client):
    user = cast.person(cell.role)
    log_in(client, user)
    succeeded = PROBES[cell.where](client, user, cast, cell.target)
    expected = "succeeds" if cell.allowed else "is refused"
    assert succeeded == cell.allowed, (
        f"docs/access.md says {cell.where} ({cell.action}, {cell.target}) {expected} "
        f"for {cell.role}, but the application disagrees"
    )


def test_a_person_with_no_role_sees_no_site(cast: Cast, client: Client):
    loner = User.objects.create_user("loner", password="a long test password")
    log_in(client, loner)
    assert cast.site_a.name not in client.get("/sites/").content.decode()
    assert client.get(f"/sites/{cast.site_a.pk}/").status_code == 404


def test_an_umbrella_member_site_stays_listed_once_when_two_umbrellas_cover_it(
    cast: Cast, client: Client
):
    second = Organisation.objects.create(name="Second Umbrella", kind="umbrella")
    cast.org_a.umbrellas.add(second)
    coordinator = cast.person(Role.UMBRELLA_COORDINATOR)
    coordinator.memberships.create(organisation=second, role=Role.UMBRELLA_COORDINATOR)
    response = api_client_for(coordinator).get("/api/sites")
    ids = [item["id"] for item in response.json()["items"]]
    assert ids.count(cast.site_a.pk) == 1


def test_a_site_contact_cannot_move_their_site_to_another_organisation(
    cast: Cast, client: Client
):
    contact = cast.person(Role.SITE_CONTACT)
    log_in(client, contact)
    site = cast.site_a
    response = client.post(
        f"/sites/{site.pk}/edit/", site_form_data(site, operator=cast.org_b.pk)
    )
    assert response.status_code == 200  # the form again, with an error on the operator
    assert "operator" in response.context["form"].errors
    assert Site.objects.get(pk=site.pk).operator == cast.org_a


def test_closed_sites_of_a_faith_organisation_stay_out_of_the_default_list(
    cast: Cast, client: Client
):
    closed = Site.objects.create(
        name="Closed Chapel", operator=cast.org_a, area=cast.area, faith=Faith.CHRISTIANITY,
        address="x",
        latitude=51.5, longitude=-0.05, status="closed",
    )
    log_in(client, cast.person(Role.SITE_CONTACT))
    assert closed.name not in client.get("/sites/").content.decode()
    assert closed.name in client.get("/sites/?status=all").content.decode()
    assert re.search(r"closed", client.get(f"/sites/{closed.pk}/").content.decode())


def test_a_coordinator_does_not_see_an_umbrella_body_they_may_not_open(
    cast: Cast, client: Client
):
    """Organisation A is in the coordinator's umbrella body and in another they do not coordinate."""
    other = Organisation.objects.create(name="Hidden Interfaith Forum", kind="umbrella")
    other.areas.add(cast.area)
    cast.org_a.umbrellas.add(other)
    coordinator = cast.person(Role.UMBRELLA_COORDINATOR)
    log_in(client, coordinator)
    assert client.get(f"/organisations/{other.pk}/").status_code == 404
    for page in (f"/organisations/{cast.org_a.pk}/", "/organisations/"):
        assert "Hidden Interfaith Forum" not in client.get(page).content.decode()
    listed = {o["id"]: o for o in api_client_for(coordinator).get("/api/organisations").json()}
    assert listed[cast.org_a.pk]["umbrella_ids"] == [cast.umbrella.pk]
    # staff, who may see every organisation, see both
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    assert "Hidden Interfaith Forum" in client.get(f"/organisations/{cast.org_a.pk}/").content.decode()
