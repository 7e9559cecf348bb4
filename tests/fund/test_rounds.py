"""Rounds: a fund manager opens and changes a round, its rules and rubric typed as data and
refused with an error naming the field; a programme administrator stays in their area."""

from __future__ import annotations

import json

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.fund.models import Round
from tests.conftest import log_in
from tests.fund.conftest import Fund

RUBRIC = [
    {"name": "Need", "weight": 50, "descriptors": ["none", "weak", "fair", "good", "thorough"]},
    {"name": "Value", "weight": 50, "descriptors": ["none", "weak", "fair", "good", "thorough"]},
]


def _form(fund: Fund, **changes) -> dict:
    data = {
        "name": "Spring 2027", "areas": [fund.cast.area.pk], "managed_by": fund.cast.council.pk,
        "budget": "400000", "opens_on": "2027-03-01", "closes_on": "2027-04-30",
        "appeal_days": 14, "moderation_threshold": 8, "status": "draft",
        "measures": ["cctv_fixed", "gates"],
        "rules": json.dumps({"contribution": 0, "max_per_site": 30000}),
        "bonuses": json.dumps({"first_time": 5, "deprived_wards": ["Bow East"]}),
        "rubric": json.dumps(RUBRIC),
    }
    data.update(changes)
    return data


def test_a_programme_administrator_opens_a_round_configured_by_data(fund: Fund, client):
    log_in(client, fund.manager)
    assert "Open a new round" in client.get("/fund/").content.decode()
    response = client.post("/fund/rounds/new/", _form(fund))
    assert response.status_code == 302, response.content.decode()[-3000:]
    made = Round.objects.get(name="Spring 2027")
    assert made.rules["contribution"] == 0 and made.rules["max_per_site"] == 30000
    assert made.rules["max_measures"] == 3  # the documented default, written down
    assert [c.name for c in made.criteria.all()] == ["Need", "Value"]
    assert list(made.areas.all()) == [fund.cast.area]
    assert AuditEvent.objects.filter(object_type="fund.round", action="create").exists()
    page = client.get(f"/fund/rounds/{made.pk}/").content.decode()
    assert "at most 3 measures and £30,000 asked" in page


def test_malformed_rules_are_refused_naming_the_field(fund: Fund, client):
    log_in(client, fund.manager)
    response = client.post("/fund/rounds/new/", _form(fund, rules=json.dumps({"contribution": 2})))
    assert response.status_code == 422
    assert "rules.contribution: must be between 0 and 1, got 2" in response.content.decode()
    response = client.post("/fund/rounds/new/", _form(fund, rules="{contribution: 0}"))
    assert "Not valid JSON" in response.content.decode()
    response = client.post("/fund/rounds/new/", _form(fund, rubric=json.dumps([{"name": "Need"}])))
    assert "Need.descriptors: needs 5 descriptors" in response.content.decode()
    response = client.post("/fund/rounds/new/", _form(fund, closes_on="2027-02-01"))
    assert "The round must close after it opens." in response.content.decode()
    assert not Round.objects.filter(name="Spring 2027").exists()


def test_a_programme_administrator_cannot_open_a_round_elsewhere_or_national(fund: Fund, client):
    log_in(client, fund.manager)
    response = client.post("/fund/rounds/new/", _form(fund, areas=[fund.cast.area_2.pk]))
    assert response.status_code == 422
    response = client.post("/fund/rounds/new/", _form(fund, national="on", areas=[]))
    assert response.status_code == 422
    assert not Round.objects.filter(name="Spring 2027").exists()


def test_the_national_administrator_runs_a_national_round(fund: Fund, client):
    national = fund.cast.person(Role.NATIONAL_ADMIN)
    log_in(client, national)
    organisation = national.memberships.get().organisation
    response = client.post("/fund/rounds/new/", _form(
        fund, national="on", areas=[], managed_by=organisation.pk, status="open"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    made = Round.objects.get(name="Spring 2027")
    assert made.national and not made.areas.exists()
    # open to every applicant, wherever: contact C in Hackney sees it
    log_in(client, fund.cast.person("contact_c"))
    assert "Spring 2027" in client.get("/fund/").content.decode()


def test_the_rubric_is_fixed_once_scoring_has_started(fund: Fund, client):
    from sanctuary.fund.models import ApplicationStatus, AssessorAssignment, Score
    from tests.fund.conftest import make_application

    application = make_application(fund.cast, fund.round, fund.cast.site_a, status=ApplicationStatus.SCORING)
    assignment = AssessorAssignment.objects.create(round=fund.round, application=application, assessor=fund.assessor)
    Score.objects.create(assignment=assignment, criterion=fund.round.criteria.first(), level=3)
    log_in(client, fund.manager)
    response = client.post(f"/fund/rounds/{fund.round.pk}/edit/", _form(
        fund, name=fund.round.name, opens_on=fund.round.opens_on, closes_on=fund.round.closes_on,
        status="open"))
    assert response.status_code == 422
    assert "Scoring has started" in response.content.decode()
    assert [c.name for c in fund.round.criteria.all()] == ["Need", "Plan"]


def test_a_draft_round_is_hidden_from_applicants(fund: Fund, client):
    fund.round.status = "draft"
    fund.round.save()
    log_in(client, fund.cast.person(Role.SITE_CONTACT))
    assert client.get(f"/fund/rounds/{fund.round.pk}/").status_code == 404
