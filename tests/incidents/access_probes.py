"""Incidents: their rows of the need-to-know matrix (docs/access.md).

*own*, *other* and *away* are incidents at sites A, B and C, reported by the public with contact
details (the name "Matrix Reporter"); A's and B's are handled by the council service of Tower
Hamlets, whose case handler is the cast's.
"""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta

from django.test import Client
from PIL import Image

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role, User
from sanctuary.incidents import services
from sanctuary.incidents.models import Incident, Message
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function_page, lists, objects, page_lists_site

SYSTEM = Actor.system("tests")
NAME = "Matrix Reporter"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


JPEG = _jpeg()


def incident_at(cast: Cast, target: str, **draft: object) -> Incident:
    site, _ = objects(cast, target)
    fields: dict[str, object] = {
        "category": "threats",
        "occurred_on": date.today() - timedelta(days=1),
        "description": f"Matrix incident at {site.name}",
        "area": site.area,
        "site": site,
    }
    fields.update(draft)
    made = services.report_incident(
        SYSTEM,
        services.Draft(**fields),  # type: ignore[arg-type]
        services.Reporter(anonymous=False, name=NAME, email="matrix@example.org", consent_contact=True),
        photos=[services.clean_photo(_Upload())],
    )
    return made.incident


class _Upload:
    name = "p.jpg"
    size = len(JPEG)

    def read(self) -> bytes:
        return JPEG


def page_lists_incident(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        incident = incident_at(cast, target)
        return lists(client.get(path), incident.reference)

    return probe


def incident_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        incident = incident_at(cast, target)
        return found(client.get(template.format(id=incident.pk)))

    return probe


def probe_photo(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    return found(client.get(f"/incidents/photos/{incident.photos.get().pk}/"))


def probe_reporters(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    response = client.get(f"/incidents/{incident.pk}/reporters/")
    if found(response):
        assert NAME in response.content.decode()
        return True
    return False


def _posted(client: Client, path: str, data: dict[str, object], changed) -> bool:
    response = client.post(path, data)
    assert response.status_code in {302, 404}, response.status_code
    done = bool(changed())
    assert done == (response.status_code == 302), (response.status_code, done)
    return done


def probe_status(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    return _posted(
        client, f"/incidents/{incident.pk}/status/", {"status": "in_progress", "note": ""},
        lambda: Incident.objects.get(pk=incident.pk).status == "in_progress",
    )


def probe_assign(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    handler = cast.person(Role.CASE_HANDLER)
    return _posted(
        client, f"/incidents/{incident.pk}/assign/",
        {"organisation": cast.council.pk, "assignee": handler.pk},
        lambda: Incident.objects.get(pk=incident.pk).assignee_id == handler.pk,
    )


def probe_message(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    return _posted(
        client, f"/incidents/{incident.pk}/messages/", {"body": "Matrix message", "to": "all"},
        lambda: Message.objects.filter(incident=incident, body="Matrix message").exists(),
    )


def probe_note(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    return _posted(
        client, f"/incidents/{incident.pk}/notes/", {"body": "Matrix note"},
        lambda: Message.objects.filter(incident=incident, body="Matrix note").exists(),
    )


def probe_merge(client: Client, user: User, cast: Cast, target: str) -> bool:
    first = incident_at(cast, target)
    second = incident_at(cast, target)
    return _posted(
        client, f"/incidents/{second.pk}/merge/", {"other": first.pk},
        lambda: Incident.objects.get(pk=second.pk).merged_into_id == first.pk,
    )


def probe_unmerge(client: Client, user: User, cast: Cast, target: str) -> bool:
    first = incident_at(cast, target)
    second = incident_at(cast, target)
    services.merge(SYSTEM, first, second)
    return _posted(
        client, f"/incidents/{second.pk}/unmerge/", {},
        lambda: Incident.objects.get(pk=second.pk).merged_into_id is None,
    )


def _report_data(cast: Cast, target: str) -> dict[str, object]:
    site, _ = objects(cast, target)
    return {
        "category": "damage_desecration",
        "occurred_on": (date.today() - timedelta(days=2)).isoformat(),
        "description": "Matrix entered report",
        "site": site.pk,
        "area": site.area_id,
        "anonymous": "yes",
        "submission": secrets.token_urlsafe(16),
    }


def probe_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post("/incidents/new/", _report_data(cast, target))
    assert response.status_code in {200, 302, 403}, response.status_code
    made = Incident.objects.filter(site=site, description="Matrix entered report").exists()
    assert made == (response.status_code == 302)
    return made


def probe_api_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    response = api_client_for(user).get("/api/incidents")
    assert response.status_code == 200, response.status_code
    return incident.pk in {item["id"] for item in response.json()["items"]}


def probe_api_get(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    response = api_client_for(user).get(f"/api/incidents/{incident.pk}")
    if found(response):
        assert NAME not in response.content.decode()  # never the reporter
        return True
    return False


def probe_api_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).post(
        "/api/incidents",
        {
            "category": "threats",
            "occurred_on": (date.today() - timedelta(days=1)).isoformat(),
            "description": "Matrix API report",
            "site_id": site.pk,
        },
        content_type="application/json",
    )
    assert response.status_code in {201, 403, 404}, (response.status_code, response.content)
    made = Incident.objects.filter(site=site, description="Matrix API report").exists()
    assert made == (response.status_code == 201)
    return made


def probe_api_message(client: Client, user: User, cast: Cast, target: str) -> bool:
    incident = incident_at(cast, target)
    response = api_client_for(user).post(
        f"/api/incidents/{incident.pk}/messages", {"body": "Matrix API message"},
        content_type="application/json",
    )
    assert response.status_code in {201, 404}, response.status_code
    return response.status_code == 201


def probe_stats(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get("/incidents/stats/"))


PROBES: dict[str, Probe] = {
    "GET /incidents/": page_lists_incident("/incidents/?view=all"),
    "GET /incidents/{id}/": incident_page("/incidents/{id}/"),
    "GET /incidents/photos/{id}/": probe_photo,
    "GET /incidents/export.csv": page_lists_incident("/incidents/export.csv"),
    "GET /incidents/map/": page_lists_incident("/incidents/map/"),
    "GET /incidents/crime-context/": page_lists_site("/incidents/crime-context/"),
    "GET /incidents/{id}/reporters/": probe_reporters,
    "POST /incidents/{id}/status/": probe_status,
    "POST /incidents/{id}/assign/": probe_assign,
    "POST /incidents/{id}/messages/": probe_message,
    "POST /incidents/{id}/notes/": probe_note,
    "POST /incidents/{id}/merge/": probe_merge,
    "POST /incidents/{id}/unmerge/": probe_unmerge,
    "POST /incidents/new/": probe_new,
    "GET /incidents/stats/": probe_stats,
    "GET /incidents/surges/": function_page("/incidents/surges/"),
    "GET /api/incidents": probe_api_list,
    "GET /api/incidents/{id}": probe_api_get,
    "POST /api/incidents": probe_api_new,
    "POST /api/incidents/{id}/messages": probe_api_message,
}
