"""POST /api/alerts and GET /api/alerts/{id}: the audience by faith, area, ward or site ids,
within the sender's areas; delivery and acknowledgement status for the senders' side."""

from __future__ import annotations

from sanctuary.access.models import Role
from sanctuary.alerts.models import Alert
from sanctuary.registry.models import Faith
from tests.conftest import Cast, api_client_for


def _post(client, **fields):
    body = {"title": "API alert", "body": "Check the doors.", "ask": "Checked.", **fields}
    return client.post("/api/alerts", body, content_type="application/json")


def test_an_alert_by_ward_reaches_the_ward_s_sites(cast: Cast):
    contact_b = cast.people["contact_b"]
    contact_b.email = "contact-b@example.org"
    contact_b.save()
    response = _post(api_client_for(cast.person(Role.POLICE_SUPERVISOR)),
                     audience={"area": cast.area.code, "ward": "Bow East"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "sent"
    assert [s["site_name"] for s in data["sites"]] == ["Bravo Church"]
    assert data["not_acknowledged"] == 1
    assert data["deliveries"] == {"queued": 1, "sent": 0, "failed": 0}  # the worker sends it

def test_an_alert_by_faith_stays_in_the_sender_s_areas(cast: Cast):
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)), audience={"faith": Faith.ISLAM})
    assert [s["site_id"] for s in response.json()["sites"]] == [cast.site_a.pk]


def test_a_site_of_another_area_is_refused_naming_the_field(cast: Cast):
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)),
                     audience={"site_ids": [cast.site_a.pk, cast.site_c.pk]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "audience.site_ids"
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)), audience={"area": cast.area_2.code})
    assert response.json()["errors"][0]["field"] == "audience.area"
    assert not Alert.objects.exists()


def test_a_site_id_beyond_64_bits_is_refused_not_an_error(cast: Cast):
    """A number no database id can be (found by the API fuzz test: it was a 500)."""
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)),
                     audience={"site_ids": [cast.site_a.pk, 468075035832927977472]})
    assert response.status_code == 422
    assert "site_ids" in str(response.json()["errors"][0]["field"])
    assert not Alert.objects.exists()


def test_a_nul_character_in_the_text_is_refused_naming_the_field(cast: Cast):
    """PostgreSQL cannot store it (found by the API fuzz test: it was a 500 there)."""
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)), ask="Checked.\x00")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("ask")
    assert "NUL" in response.json()["errors"][0]["message"]
    assert not Alert.objects.exists()


def test_a_draft_is_kept_for_review(cast: Cast):
    response = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)), send=False)
    assert response.json()["status"] == "draft"
    assert response.json()["deliveries"] == {"queued": 0, "sent": 0, "failed": 0}


def test_a_contact_reads_their_own_sites_status_and_no_deliveries(cast: Cast):
    sent = _post(api_client_for(cast.person(Role.PROGRAMME_ADMIN)), audience={"area": cast.area.code}).json()
    data = api_client_for(cast.person(Role.SITE_CONTACT)).get(f"/api/alerts/{sent['id']}").json()
    assert [s["site_name"] for s in data["sites"]] == ["Alpha Mosque"]
    assert data["deliveries"] is None
    assert api_client_for(cast.people["contact_c"]).get(f"/api/alerts/{sent['id']}").status_code == 404


def test_the_endpoints_are_documented(cast: Cast):
    from sanctuary.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "post" in paths["/api/alerts"] and "get" in paths["/api/alerts/{alert_id}"]
    assert "site_ids" in api.get_openapi_schema()["components"]["schemas"]["AudienceIn"]["properties"]
