"""The whole need-to-know matrix, generated from docs/access.md and checked against the application.

Every row of the table there is a probe here; every role × row × object cell is one check. A cell
that differs from what the pages, API and exports really do fails, and so does a row without a
probe or a probe without a row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role, User
from sanctuary.calendars.models import Event, Feed, Schedule, Service
from sanctuary.registry.models import Faith, Organisation, Site
from tests.conftest import Cast, api_client_for, log_in

ACCESS_DOC = Path(__file__).resolve().parents[1] / "docs" / "access.md"
ROLE_BY_LABEL = {role.label.lower(): role.value for role in Role}


@dataclass(frozen=True)
class Cell:
    where: str
    action: str
    target: str  # own, other or any
    role: str
    allowed: bool


def read_matrix() -> list[Cell]:
    rows = [line for line in ACCESS_DOC.read_text().splitlines() if line.startswith("| `")]
    header = next(
        line for line in ACCESS_DOC.read_text().splitlines() if line.startswith("| where |")
    )
    roles = [ROLE_BY_LABEL[name.strip()] for name in header.strip("|").split("|")[3:]]
    cells = []
    for row in rows:
        where, action, target, *answers = [part.strip() for part in row.strip("|").split("|")]
        assert len(answers) == len(roles), f"docs/access.md: wrong number of cells in {row}"
        for role, answer in zip(roles, answers, strict=True):
            assert answer in {"yes", "no"}, f"docs/access.md: {answer!r} in {row}"
            cells.append(Cell(where.strip("`"), action, target, role, answer == "yes"))
    return cells


MATRIX = read_matrix()


# --- probes: each tries the action as the user and says whether it succeeded ----------------------


def _objects(cast: Cast, target: str) -> tuple[Site, Organisation]:
    return (cast.site_a, cast.org_a) if target in {"own", "any"} else (cast.site_b, cast.org_b)


def _lists(response, text: str) -> bool:
    assert response.status_code == 200, response.status_code
    return text in response.content.decode()


def _found(response) -> bool:
    assert response.status_code in {200, 404}, response.status_code
    return response.status_code == 200


def _function(response) -> bool:
    assert response.status_code in {200, 302, 403}, response.status_code
    return response.status_code in {200, 302}


def _site_form_data(site: Site, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": site.name,
        "faith": site.faith,
        "denomination": site.denomination,
        "operator": site.operator_id,
        "address": site.address,
        "postcode": site.postcode,
        "ward": site.ward,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "capacity": site.capacity or "",
        "typical_peak_attendance": site.typical_peak_attendance or "",
        "status": site.status,
        "notes": site.notes,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def probe_site_edit_post(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = client.post(f"/sites/{site.pk}/edit/", _site_form_data(site, name="Renamed"))
    assert response.status_code in {302, 404}, response.status_code
    renamed = Site.objects.get(pk=site.pk).name == "Renamed"
    assert renamed == (response.status_code == 302)
    return renamed


def probe_site_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, organisation = _objects(cast, target)
    data = _site_form_data(site, name="Brand New Site", operator=organisation.pk)
    response = client.post("/sites/new/", data)
    assert response.status_code in {200, 302, 403}, response.status_code
    created = Site.objects.filter(name="Brand New Site", operator=organisation).exists()
    assert created == (response.status_code == 302)
    return created


def probe_api_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = api_client_for(user).get("/api/sites")
    assert response.status_code == 200, response.status_code
    return site.pk in [item["id"] for item in response.json()["items"]]


def probe_api_detail(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    return _found(api_client_for(user).get(f"/api/sites/{site.pk}"))


def probe_api_patch(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = api_client_for(user).patch(
        f"/api/sites/{site.pk}", json.dumps({"capacity": 1234}), content_type="application/json"
    )
    assert response.status_code in {200, 404}, response.status_code
    changed = Site.objects.get(pk=site.pk).capacity == 1234
    assert changed == (response.status_code == 200)
    return changed


def probe_api_organisations(client: Client, user: User, cast: Cast, target: str) -> bool:
    _, organisation = _objects(cast, target)
    response = api_client_for(user).get("/api/organisations")
    assert response.status_code == 200, response.status_code
    return organisation.pk in [item["id"] for item in response.json()]


def probe_organisation_edit(client: Client, user: User, cast: Cast, target: str) -> bool:
    _, organisation = _objects(cast, target)
    response = client.post(
        f"/organisations/{organisation.pk}/edit/", {"name": "Renamed Org", "kind": "faith"}
    )
    assert response.status_code in {302, 404}, response.status_code
    return Organisation.objects.get(pk=organisation.pk).name == "Renamed Org"


def probe_organisation_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post("/organisations/new/", {"name": "New Forum", "kind": "umbrella"})
    created = Organisation.objects.filter(name="New Forum").exists()
    assert _function(response) == created
    return created


def probe_person_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post(
        "/people/new/",
        {
            "username": "newcomer",
            "is_active": "on",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
        },
    )
    created = User.objects.filter(username="newcomer").exists()
    assert _function(response) == created
    return created


def _schedule_settings(timezone: str) -> dict[str, object]:
    return {
        "settings-timezone": timezone,
        "settings-daily_prayers": "faith",
        "settings-method": "MoonsightingCommittee",
        "settings-madhab": "shafi",
        "settings-high_latitude_rule": "",
        "settings-moon_sighting_offset": "0",
        "settings-faith_defaults": "on",
    }


_SERVICE = {
    "services-label": "Matrix service",
    "services-kind": "service",
    "services-rule": "FREQ=WEEKLY;BYDAY=MO",
    "services-start_time": "10:00",
    "services-duration_minutes": "60",
}


def probe_schedule_settings(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/settings/", _schedule_settings("Europe/Dublin"))
    assert response.status_code in {302, 404}, response.status_code
    saved = Schedule.objects.filter(site=site, timezone="Europe/Dublin").exists()
    assert saved == (response.status_code == 302)
    return saved


def probe_schedule_service(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/services/", _SERVICE)
    assert response.status_code in {302, 404}, response.status_code
    saved = Service.objects.filter(schedule__site=site, label="Matrix service").exists()
    assert saved == (response.status_code == 302)
    return saved


def probe_schedule_preview(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/preview/", {"part": "services", **_SERVICE})
    return _found(response)


def probe_heat_map(client: Client, user: User, cast: Cast, target: str) -> bool:
    """The site's people count in the heat map: a 4,321-person night vigil tomorrow at 03:00."""
    site, _ = _objects(cast, target)
    tomorrow = timezone.localdate() + timedelta(days=1)
    night = datetime.combine(tomorrow, time(3, 0), tzinfo=ZoneInfo("Europe/London"))
    Event.objects.create(
        schedule=Schedule.objects.get_or_create(site=site)[0], label="Matrix vigil",
        kind="vigil", start=night, end=night + timedelta(hours=1), expected_attendance=4321,
    )
    return _lists(client.get(f"/calendar/heatmap/?start={tomorrow}"), 'data-people="4321"')


def probe_feed_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = client.post("/calendar/feeds/", {"scope": "site", "site": site.pk})
    assert response.status_code in {200, 302, 404}, response.status_code
    created = Feed.every.filter(user=user, site=site).exists()
    assert created == (response.status_code == 302)
    return created


def probe_feed_ics(client: Client, user: User, cast: Cast, target: str) -> bool:
    """A feed made for the site (as if the site had been visible once), fetched with no login."""
    site, _ = _objects(cast, target)
    feed = Feed.every.create(user=user, scope="site", site=site)
    response = Client().get(f"/calendar/feeds/{feed.key}.ics")
    if _found(response):
        assert site.name in response.content.decode()
    return response.status_code == 200


def _week() -> str:
    today = timezone.localdate()
    return f"from={today}&to={today + timedelta(days=6)}"


def probe_api_gatherings(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = api_client_for(user).get(f"/api/gatherings?{_week()}")
    assert response.status_code == 200, response.status_code
    return site.pk in {item["site"] for item in response.json()}


def probe_api_gatherings_site(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    response = api_client_for(user).get(f"/api/gatherings?{_week()}&site={site.pk}")
    if _found(response):
        assert {item["site"] for item in response.json()} == {site.pk}
    return response.status_code == 200


def probe_api_schedule(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = _objects(cast, target)
    return _found(api_client_for(user).get(f"/api/sites/{site.pk}/schedule"))


Probe = Callable[[Client, User, Cast, str], bool]


def page_lists_site(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = _objects(cast, target)
        return _lists(client.get(path), site.name)

    return probe


def page_lists_organisation(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        _, organisation = _objects(cast, target)
        return _lists(client.get(path), organisation.name)

    return probe


def site_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = _objects(cast, target)
        return _found(client.get(template.format(id=site.pk)))

    return probe


def organisation_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        _, organisation = _objects(cast, target)
        return _found(client.get(template.format(id=organisation.pk)))

    return probe


def person_page(template: str) -> Probe:
    """A person is an object: not yours (not an administrator) looks like missing, 404."""

    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return _found(client.get(template.format(id=user.pk)))

    return probe


def function_page(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return _function(client.get(path.format(id=user.pk)))

    return probe


PROBES: dict[str, Probe] = {
    "GET /sites/map/": page_lists_site("/sites/map/"),
    "GET /sites/": page_lists_site("/sites/"),
    "GET /sites/{id}/": site_page("/sites/{id}/"),
    "GET /sites/{id}/edit/": site_page("/sites/{id}/edit/"),
    "POST /sites/{id}/edit/": probe_site_edit_post,
    "POST /sites/new/": probe_site_new,
    "GET /sites/export.csv": page_lists_site("/sites/export.csv"),
    "GET /sites/export.geojson": page_lists_site("/sites/export.geojson"),
    "GET /sites/import/": function_page("/sites/import/"),
    "GET /api/sites": probe_api_list,
    "GET /api/sites/{id}": probe_api_detail,
    "PATCH /api/sites/{id}": probe_api_patch,
    "GET /organisations/": page_lists_organisation("/organisations/"),
    "GET /organisations/{id}/": organisation_page("/organisations/{id}/"),
    "POST /organisations/{id}/edit/": probe_organisation_edit,
    "POST /organisations/new/": probe_organisation_new,
    "GET /api/organisations": probe_api_organisations,
    "GET /people/": function_page("/people/"),
    "POST /people/new/": probe_person_new,
    "GET /people/{id}/": person_page("/people/{id}/"),
    "GET /audit/": function_page("/audit/"),
    "GET /sites/{id}/schedule/": site_page("/sites/{id}/schedule/"),
    "POST /sites/{id}/schedule/settings/": probe_schedule_settings,
    "POST /sites/{id}/schedule/services/": probe_schedule_service,
    "POST /sites/{id}/schedule/preview/": probe_schedule_preview,
    "GET /calendar/week/": page_lists_site("/calendar/week/"),
    "GET /calendar/heatmap/": probe_heat_map,
    "GET /calendar/feeds/": function_page("/calendar/feeds/"),
    "POST /calendar/feeds/": probe_feed_new,
    "GET /calendar/feeds/{key}.ics": probe_feed_ics,
    "GET /api/gatherings": probe_api_gatherings,
    "GET /api/gatherings?site={id}": probe_api_gatherings_site,
    "GET /api/sites/{id}/schedule": probe_api_schedule,
}


def test_every_row_of_the_documented_matrix_has_a_probe_and_every_probe_a_row():
    documented = {cell.where for cell in MATRIX}
    assert documented == set(PROBES)


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
        f"/sites/{site.pk}/edit/", _site_form_data(site, operator=cast.org_b.pk)
    )
    assert response.status_code == 200  # the form again, with an error on the operator
    assert "operator" in response.context["form"].errors
    assert Site.objects.get(pk=site.pk).operator == cast.org_a


def test_closed_sites_of_a_faith_organisation_stay_out_of_the_default_list(
    cast: Cast, client: Client
):
    closed = Site.objects.create(
        name="Closed Chapel", operator=cast.org_a, faith=Faith.CHRISTIANITY, address="x",
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
