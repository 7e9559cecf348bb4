"""The partnership's picture: its rows of the need-to-know matrix (docs/access.md, "The
partnership's picture"). *own* is Tower Hamlets, *away* Hackney; each probe puts an incident in
the area so that a page that opens also shows something of it."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role, User
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function_page
from tests.overview.records import incident


def probe_home(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.get("/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    if user.memberships.filter(role=Role.SITE_CONTACT).exists():
        assert "Alpha Mosque" in page  # their own site
    return 'data-key="incidents.open"' in page


def _area_code(cast: Cast, target: str) -> str:
    area = cast.area_2 if target == "away" else cast.area
    incident(area, timezone.localdate().replace(day=1), faith="islam")
    return area.code


def area_page(template: str, text: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        path = template.format(code=_area_code(cast, target), month=f"{timezone.localdate():%Y-%m}")
        response = client.get(path)
        if found(response):
            assert text.encode() in response.content
            return True
        return False

    return probe


def api_page(template: str, key: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        path = template.format(code=_area_code(cast, target), month=f"{timezone.localdate():%Y-%m}")
        response = api_client_for(user).get(path)
        if found(response):
            assert key in response.content.decode()
            return True
        return False

    return probe


PROBES: dict[str, Probe] = {
    "GET /": probe_home,
    "GET /overview/": function_page("/overview/"),
    "GET /overview/{code}/faiths/": area_page("/overview/{code}/faiths/", "Islam"),
    "GET /overview/{code}/monthly/": area_page(
        "/overview/{code}/monthly/?month={month}", "Incidents by category"
    ),
    "GET /overview/{code}/monthly.pdf": area_page(
        "/overview/{code}/monthly.pdf?month={month}", "%PDF"
    ),
    "GET /api/overview/{id}/faiths": api_page("/api/overview/{code}/faiths", "incidents.recent"),
    "GET /api/overview/{id}/monthly": api_page(
        "/api/overview/{code}/monthly?month={month}", "incidents.by_category"
    ),
}
