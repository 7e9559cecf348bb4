"""The borough risk register: ranked, sortable, filtered, with the change since the previous
survey; its CSV within the reader's access, formulas neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.registry.models import Site
from tests.conftest import Cast, log_in
from tests.surveys.conftest import completed_survey

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_register_ranks_by_score_and_sorts_by_any_column(surveyed: Cast, client):
    completed_survey(surveyed, surveyed.site_b, grade=1)  # B now much worse than A
    admin = log_in(client, surveyed.person(Role.PROGRAMME_ADMIN))
    rows = _csv(admin.get("/risk/export.csv"))
    assert [r["name"] for r in rows] == ["Bravo Church", "Alpha Mosque"]  # C is in Hackney
    assert float(rows[0]["score"]) > float(rows[1]["score"])
    by_name = _csv(admin.get("/risk/export.csv?sort=name"))
    assert [r["name"] for r in by_name] == ["Alpha Mosque", "Bravo Church"]
    page = admin.get("/risk/?sort=name").content.decode()
    assert page.index("Alpha Mosque") < page.index("Bravo Church")


def test_the_change_since_the_previous_survey_is_that_surveys_alone(surveyed: Cast, client):
    completed_survey(surveyed, surveyed.site_a, grade=5)
    admin = log_in(client, surveyed.person(Role.PROGRAMME_ADMIN))
    rows = {r["name"]: r for r in _csv(admin.get("/risk/export.csv"))}
    assert float(rows["Alpha Mosque"]["change_since_previous"]) < 0
    assert rows["Bravo Church"]["change_since_previous"] == ""  # one survey only


def test_filters_by_faith_and_ward(surveyed: Cast, client):
    admin = log_in(client, surveyed.person(Role.PROGRAMME_ADMIN))
    assert [r["name"] for r in _csv(admin.get("/risk/export.csv?faith=christianity"))] == [
        "Bravo Church"
    ]
    assert [r["name"] for r in _csv(admin.get("/risk/export.csv?ward=Whitechapel"))] == [
        "Alpha Mosque"
    ]


def test_the_csv_neutralises_cells_a_spreadsheet_would_run_and_is_audited(surveyed: Cast, client):
    Site.objects.filter(pk=surveyed.site_a.pk).update(name='=HYPERLINK("http://x","y")')
    contact = log_in(client, surveyed.person(Role.SITE_CONTACT))
    rows = _csv(contact.get("/risk/export.csv"))
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("http://x","y")']  # theirs alone
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="surveys.risk").exists()


def test_a_sensitive_site_shown_in_the_register_is_audited(surveyed: Cast, client):
    Site.objects.filter(pk=surveyed.site_a.pk).update(is_sensitive=True)
    sergeant = log_in(client, surveyed.person(Role.POLICE_SUPERVISOR))
    assert "Alpha Mosque" in sergeant.get("/risk/").content.decode()
    event = AuditEvent.objects.filter(action=Action.VIEW, object_type="registry.site").last()
    assert event is not None and event.detail["where"] == "the risk register"


def test_recording_the_national_threat_level_raises_every_sites_score(surveyed: Cast, client):
    admin = log_in(client, surveyed.person(Role.PROGRAMME_ADMIN))
    before = {r["name"]: float(r["score"]) for r in _csv(admin.get("/risk/export.csv"))}
    national = log_in(client, surveyed.person(Role.NATIONAL_ADMIN))
    response = national.post(
        "/risk/threat-level/",
        {"level": "critical", "since": "2020-01-01", "note": "Test", "source": "MI5", "reason": "Test"},
    )
    assert response.status_code == 302
    assert "National threat level: critical" in national.get("/risk/threat-level/").content.decode()
    admin = log_in(client, surveyed.person(Role.PROGRAMME_ADMIN))
    after = {r["name"]: float(r["score"]) for r in _csv(admin.get("/risk/export.csv"))}
    assert all(after[name] > before[name] for name in before)
    # a programme administrator may read the history but not record a change
    assert admin.post("/risk/threat-level/", {"level": "low", "since": "2020-01-02"}).status_code == 403


def test_an_invalid_threat_level_form_says_what_is_wrong_beside_the_field(cast: Cast, client):
    national = log_in(client, cast.person(Role.NATIONAL_ADMIN))
    response = national.post(
        "/risk/threat-level/", {"level": "apocalyptic", "since": "", "source": "MI5", "reason": "x"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"level", "since"}
