"""The JSON API: same access as the pages, documented errors, clear messages, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.registry.models import Site
from tests.conftest import Cast, api_client_for, log_in


def patch(client: Client, site: Site, body: object) -> object:
    payload = body if isinstance(body, str) else json.dumps(body)
    return client.patch(f"/api/sites/{site.pk}", payload, content_type="application/json")


def test_the_schema_is_openapi_3_1_and_documents_every_error_response(client: Client):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) >= {
        ("/api/sites", "get"),
        ("/api/sites/{site_id}", "get"),
        ("/api/sites/{site_id}", "patch"),
        ("/api/organisations", "get"),
    }
    for operation in operations.values():
        assert "401" in operation["responses"]
        if operation.get("parameters") or operation.get("requestBody"):
            assert "422" in operation["responses"]
    assert {"400", "404", "422"} <= set(operations[("/api/sites/{site_id}", "patch")]["responses"])
    assert "404" in operations[("/api/sites/{site_id}", "get")]["responses"]


def test_anonymous_requests_are_refused_with_401(cast: Cast, client: Client):
    assert client.get("/api/sites").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer sct_not-a-token").get("/api/sites").status_code == 401


def test_the_site_list_filters_and_counts(cast: Cast):
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    everything = api.get("/api/sites").json()
    assert everything["count"] == 2
    churches = api.get("/api/sites", {"faith": "christianity"}).json()
    assert [s["name"] for s in churches["items"]] == ["Bravo Church"]
    assert api.get("/api/sites", {"q": "alpha"}).json()["count"] == 1
    page = api.get("/api/sites", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_a_site_detail_includes_its_contacts(cast: Cast):
    cast.site_a.contacts.create(name="Yusuf Ali", role="Chair", phone="020 7946 0001")
    body = api_client_for(cast.person(Role.SITE_CONTACT)).get(f"/api/sites/{cast.site_a.pk}")
    assert body.json()["contacts"] == [
        {"name": "Yusuf Ali", "role": "Chair", "phone": "020 7946 0001", "email": ""}
    ]
    assert body.json()["operator_name"] == "Riverside Mosque Trust"


def test_a_patch_changes_only_the_fields_sent(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    response = patch(api, cast.site_a, {"capacity": 400, "ward": "Bow West"})
    assert response.status_code == 200
    site = Site.objects.get(pk=cast.site_a.pk)
    assert (site.capacity, site.ward, site.name) == (400, "Bow West", "Alpha Mosque")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"latitude": 95}, "latitude", "less than or equal to 90"),
        ({"capacity": -1}, "capacity", "greater than or equal to 0"),
        ({"capacity": "lots"}, "capacity", "valid integer"),
        ({"faith": "jedi"}, "faith", "islam"),
        ({"name": ""}, "name", "at least 1 character"),
        ({"typical_peak_attendance": 5000}, "typical_peak_attendance", "more than the capacity"),
    ],
)
def test_a_bad_patch_is_a_422_that_names_the_field_and_changes_nothing(
    cast: Cast, body: dict, field: str, words: str
):
    response = patch(api_client_for(cast.person(Role.SITE_CONTACT)), cast.site_a, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["field"] == field and words in e["message"] for e in errors), errors
    site = Site.objects.get(pk=cast.site_a.pk)
    assert (site.capacity, site.latitude, site.name) == (300, 51.5178, "Alpha Mosque")


def test_a_malformed_json_body_is_a_400_not_a_500(cast: Cast):
    response = patch(api_client_for(cast.person(Role.SITE_CONTACT)), cast.site_a, "{not json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": "many"}, {"offset": -1}, {"faith": "jedi"}, {"status": "deleted"}],
)
def test_bad_list_parameters_are_a_422(cast: Cast, query: dict):
    response = api_client_for(cast.person(Role.SITE_CONTACT)).get("/api/sites", query)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_an_id_that_is_not_a_number_or_too_big_is_not_a_500(cast: Cast, client: Client):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    assert api.get("/api/sites/abc").status_code == 422
    assert api.get("/api/sites/99999999999999999999999").status_code == 404
    assert api.get("/api/sites/-1").status_code == 404
    log_in(client, cast.person(Role.SITE_CONTACT))
    assert client.get("/sites/99999999999999999999999/").status_code == 404
    assert client.get("/organisations/99999999999999999999999/").status_code == 404


def test_an_offset_past_any_real_list_is_refused_not_a_500(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    assert api.get("/api/sites", {"offset": 10**22}).status_code == 422
    assert api.get("/api/sites", {"offset": 10_000_000}).json()["items"] == []


def test_the_browser_session_works_for_reads_and_writes_with_its_csrf_token(
    cast: Cast,
):
    client = Client(enforce_csrf_checks=True)
    log_in(client, cast.person(Role.SITE_CONTACT))
    assert client.get("/api/sites").status_code == 200
    refused = patch(client, cast.site_a, {"capacity": 350})
    assert refused.status_code in {401, 403}
    client.get("/sites/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        f"/api/sites/{cast.site_a.pk}",
        json.dumps({"capacity": 350}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert Site.objects.get(pk=cast.site_a.pk).capacity == 350


def test_a_site_contact_cannot_patch_their_site_into_another_organisation(cast: Cast):
    response = patch(
        api_client_for(cast.person(Role.SITE_CONTACT)), cast.site_a, {"operator_id": cast.org_b.pk}
    )
    # operator is not a patchable field: ignored, the site stays theirs
    assert response.status_code == 200
    assert Site.objects.get(pk=cast.site_a.pk).operator == cast.org_a


def test_null_clears_an_optional_field_and_is_refused_for_a_required_one(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    cleared = patch(api, cast.site_a, {"notes": None, "ward": None, "capacity": None})
    assert cleared.status_code == 200
    site = Site.objects.get(pk=cast.site_a.pk)
    assert (site.notes, site.ward, site.capacity) == ("", "", None)
    refused = patch(api, cast.site_a, {"name": None, "latitude": None})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"name", "latitude"}
    assert Site.objects.get(pk=cast.site_a.pk).name == "Alpha Mosque"


@pytest.mark.parametrize("body", ["null", "1", '"x"', "[]", '[{"name": "x"}]'])
def test_a_body_that_is_not_a_json_object_is_refused_and_nothing_is_written(
    cast: Cast, body: str
):
    events_before = AuditEvent.objects.count()
    response = api_client_for(cast.person(Role.SITE_CONTACT)).patch(
        f"/api/sites/{cast.site_a.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "must be a JSON object" in response.json()["errors"][0]["message"]
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("field", ["name", "denomination", "address", "postcode", "ward", "notes"])
def test_a_nul_character_in_any_text_is_refused_by_field(cast: Cast, field: str):
    response = patch(api_client_for(cast.person(Role.SITE_CONTACT)), cast.site_a,
                     {field: "A\x00B"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert "NUL" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("path", ["/api/sites?q=a%00b", "/api/sites?ward=a%00b",
                                  "/api/gatherings?from=2027-01-01&to=2027-01-02&ward=a%00b"])
def test_a_nul_character_in_a_query_is_refused_not_a_server_error(cast: Cast, path: str):
    response = api_client_for(cast.person(Role.SITE_CONTACT)).get(path)
    assert response.status_code == 422
    assert "NUL" in response.json()["errors"][0]["message"]
