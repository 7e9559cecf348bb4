"""The fund's API: applications (list, read, create and update a draft) and scores, documented
in the OpenAPI schema, through the same doors as the pages."""

from __future__ import annotations

from sanctuary.access.models import Role
from sanctuary.fund.models import Application, ApplicationStatus
from tests.conftest import api_client_for
from tests.fund.conftest import Fund, make_application


def test_a_site_contact_starts_and_fills_a_draft_through_the_api(fund: Fund):
    api = api_client_for(fund.cast.person(Role.SITE_CONTACT))
    response = api.post("/api/fund/applications", {"round": fund.round.pk, "site": fund.cast.site_a.pk},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "draft" and made["eligible"] is False
    changed = api.patch(f"/api/fund/applications/{made['id']}",
                        {"need": "Two attacks this year", "charity_number": "1100001"},
                        content_type="application/json")
    assert changed.status_code == 200
    body = changed.json()
    assert body["answers"]["need"] == "Two attacks this year"
    assert next(r for r in body["reasons"] if r["rule"] == "charity")["ok"]
    listed = api.get("/api/fund/applications").json()
    assert [item["id"] for item in listed["items"]] == [made["id"]]


def test_the_api_refuses_a_second_application_and_a_submitted_change(fund: Fund):
    application = make_application(fund.cast, fund.round, fund.cast.site_a, status=ApplicationStatus.SUBMITTED)
    api = api_client_for(fund.cast.person(Role.SITE_CONTACT))
    again = api.post("/api/fund/applications", {"round": fund.round.pk, "site": fund.cast.site_a.pk},
                     content_type="application/json")
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "site"
    changed = api.patch(f"/api/fund/applications/{application.pk}", {"need": "late"},
                        content_type="application/json")
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["field"] == "status"
    assert Application.objects.get(pk=application.pk).answers.get("need") != "late"


def test_a_bad_year_is_refused_naming_the_field(fund: Fund):
    application = make_application(fund.cast, fund.round, fund.cast.site_a)
    api = api_client_for(fund.cast.person(Role.SITE_CONTACT))
    response = api.patch(f"/api/fund/applications/{application.pk}", {"funded_before_year": 1066},
                         content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "funded_before_year"


def test_the_fund_endpoints_are_documented(fund: Fund):
    schema = api_client_for(fund.manager).get("/api/openapi.json").json()
    assert {"/api/fund/applications", "/api/fund/applications/{application_id}", "/api/fund/scores"} <= set(schema["paths"])
    assert "patch" in schema["paths"]["/api/fund/applications/{application_id}"]
