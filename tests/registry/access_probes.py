"""The registry's rows of the need-to-know matrix (docs/access.md): sites, organisations, import and export."""

from __future__ import annotations

import json

from django.test import Client

from sanctuary.access.models import Membership, Role, User
from sanctuary.audit.models import AuditEvent
from sanctuary.registry.models import Organisation, Site
from tests.conftest import Cast, api_client_for
from tests.matrix import (
    Probe,
    found,
    function,
    function_page,
    objects,
    organisation_page,
    page_lists_organisation,
    page_lists_site,
    person_page,
    site_form_data,
    site_page,
)


def probe_site_edit_post(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post(f"/sites/{site.pk}/edit/", site_form_data(site, name="Renamed"))
    assert response.status_code in {302, 404}, response.status_code
    renamed = Site.objects.get(pk=site.pk).name == "Renamed"
    assert renamed == (response.status_code == 302)
    return renamed


def probe_site_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, organisation = objects(cast, target)
    data = site_form_data(site, name="Brand New Site", operator=organisation.pk)
    response = client.post("/sites/new/", data)
    assert response.status_code in {200, 302, 403}, response.status_code
    created = Site.objects.filter(name="Brand New Site", operator=organisation).exists()
    assert created == (response.status_code == 302)
    return created


def probe_api_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).get("/api/sites")
    assert response.status_code == 200, response.status_code
    return site.pk in [item["id"] for item in response.json()["items"]]


def probe_api_detail(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    return found(api_client_for(user).get(f"/api/sites/{site.pk}"))


def probe_api_patch(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).patch(
        f"/api/sites/{site.pk}", json.dumps({"capacity": 1234}), content_type="application/json"
    )
    assert response.status_code in {200, 404}, response.status_code
    changed = Site.objects.get(pk=site.pk).capacity == 1234
    assert changed == (response.status_code == 200)
    return changed


def probe_api_organisations(client: Client, user: User, cast: Cast, target: str) -> bool:
    _, organisation = objects(cast, target)
    response = api_client_for(user).get("/api/organisations")
    assert response.status_code == 200, response.status_code
    return organisation.pk in [item["id"] for item in response.json()]


def probe_organisation_edit(client: Client, user: User, cast: Cast, target: str) -> bool:
    _, organisation = objects(cast, target)
    response = client.post(
        f"/organisations/{organisation.pk}/edit/",
        {"name": "Renamed Org", "kind": "faith", "areas": [a.pk for a in organisation.areas.all()]},
    )
    assert response.status_code in {302, 404}, response.status_code
    return Organisation.objects.get(pk=organisation.pk).name == "Renamed Org"


def probe_organisation_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post(
        "/organisations/new/", {"name": "New Forum", "kind": "umbrella", "areas": [cast.area.pk]}
    )
    created = Organisation.objects.filter(name="New Forum").exists()
    assert function(response) == created
    return created


def probe_person_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post(
        "/people/new/",
        {
            "username": "newcomer",
            "is_active": "on",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
            "organisation": cast.org_b.pk,
            "role": Role.SITE_CONTACT,
        },
    )
    created = User.objects.filter(username="newcomer").exists()
    assert function(response) == created
    return created


def probe_role_add(client: Client, user: User, cast: Cast, target: str) -> bool:
    person = cast.people["contact_b"]
    response = client.post(
        f"/people/{person.pk}/roles/",
        {"role-organisation": cast.org_a.pk, "role-role": Role.SITE_CONTACT},
    )
    assert response.status_code in {302, 404}, response.status_code
    added = Membership.objects.filter(user=person, organisation=cast.org_a).exists()
    assert added == (response.status_code == 302)
    return added


def probe_person_invite(client: Client, user: User, cast: Cast, target: str) -> bool:
    person = cast.people["contact_b"]
    person.email = "contact-b@example.org"
    person.save()
    response = client.post(f"/people/{person.pk}/invite/")
    assert response.status_code in {302, 403, 404}, response.status_code
    invited = AuditEvent.objects.filter(
        object_type="access.user", object_id=str(person.pk), detail__has_key="invitation"
    ).exists()
    assert invited == (response.status_code == 302)
    return invited


def probe_role_remove(client: Client, user: User, cast: Cast, target: str) -> bool:
    membership = Membership.objects.get(user=cast.people["contact_b"])
    response = client.post(f"/roles/{membership.pk}/remove/")
    assert response.status_code in {302, 404}, response.status_code
    removed = not Membership.objects.filter(pk=membership.pk).exists()
    assert removed == (response.status_code == 302)
    return removed


def probe_map_markers(client: Client, user: User, cast: Cast, target: str) -> bool:
    """The map's view around the site, close enough to show sites rather than clusters."""
    site, _ = objects(cast, target)
    box = f"{site.longitude - 0.01},{site.latitude - 0.01},{site.longitude + 0.01},{site.latitude + 0.01}"
    response = client.get("/sites/map/markers.json", {"bbox": box, "zoom": 15})
    assert response.status_code == 200, response.status_code
    return site.pk in {marker["id"] for marker in response.json()["sites"]}


PROBES: dict[str, Probe] = {
    "GET /sites/map/markers.json": probe_map_markers,
    "POST /people/{id}/roles/": probe_role_add,
    "POST /roles/{id}/remove/": probe_role_remove,
    "POST /people/{id}/invite/": probe_person_invite,
    "GET /people/": function_page("/people/"),
    "POST /people/new/": probe_person_new,
    "GET /people/{id}/": person_page("/people/{id}/"),
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
}
