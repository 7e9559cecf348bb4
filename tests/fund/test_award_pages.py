"""The decided side's pages and answer, through the real test client: the allocation page shows
the three methods and the explanations, the report shows risk before and after with a CSV whose
text cells a spreadsheet will not run, the API returns the allocation."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.fund import tasks
from sanctuary.fund.models import Allocation, Award, RoundStatus
from sanctuary.registry.models import Site
from tests.conftest import Cast, api_client_for, log_in
from tests.fund.awards_setup import decide, resurvey, scored_round


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def manager_client(cast: Cast) -> Client:
    return log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))


def test_the_manager_runs_the_allocation_and_sees_the_three_methods_side_by_side(cast: Cast):
    round_ = scored_round(cast)
    client = manager_client(cast)
    response = client.post(f"/fund/rounds/{round_.pk}/allocation/run/")
    assert response.status_code == 302
    run = Allocation.objects.get(round=round_, method="optimal")
    page = client.get(f"/fund/rounds/{round_.pk}/allocation/").content.decode()
    assert "allocation-progress-bar" in page  # waiting for the worker
    tasks.allocate_round.call(run.pk)
    page = client.get(f"/fund/rounds/{round_.pk}/allocation/").content.decode()
    for method in ("Most risk removed (optimal)", "Score-ranked greedy", "First come, first served"):
        assert method in page
    assert "cut-off" in page and "What a further £100,000 would fund" in page
    assert cast.site_a.name in page and cast.site_b.name in page
    assert "Confirm the allocation into decisions" in page
    client.post(f"/fund/allocations/{run.pk}/confirm/")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DECIDED


def test_the_progress_fragment_refreshes_the_page_when_done(cast: Cast):
    round_ = scored_round(cast)
    client = manager_client(cast)
    client.post(f"/fund/rounds/{round_.pk}/allocation/run/")
    run = Allocation.objects.get(round=round_, method="optimal")
    assert "HX-Refresh" not in client.get(f"/fund/allocations/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    tasks.allocate_round.call(run.pk)
    assert client.get(f"/fund/allocations/{run.pk}/progress/", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_the_api_returns_the_allocation_with_its_explanations(cast: Cast):
    round_ = scored_round(cast)
    client = manager_client(cast)
    client.post(f"/fund/rounds/{round_.pk}/allocation/run/")
    tasks.allocate_round.call(Allocation.objects.get(round=round_).pk)
    answer = api_client_for(cast.person(Role.PROGRAMME_ADMIN)).get(f"/api/fund/rounds/{round_.pk}/allocation")
    assert answer.status_code == 200
    data = answer.json()
    assert data["status"] == "done" and {b["method"] for b in data["baselines"]} == {"greedy", "fcfs"}
    assert len(data["explanations"]) == 2 and data["further"]["extra"] == 100000


def test_the_report_shows_risk_before_and_after_the_re_survey_and_its_csv_is_safe(cast: Cast):
    Site.objects.filter(pk=cast.site_a.pk).update(name="=HYPERLINK(1)")
    round_ = decide(cast, budget="100000")
    award = Award.objects.get(application__site=cast.site_a)
    resurvey(award, cast.person(Role.SECURITY_ADVISER))
    client = manager_client(cast)
    page = client.get(f"/fund/rounds/{round_.pk}/report/").content.decode()
    assert "Risk before" in page and "Spend against budget" in page
    rows = list(csv.reader(io.StringIO(client.get(f"/fund/rounds/{round_.pk}/report.csv").content.decode())))
    assert rows[0][:3] == ["site", "faith", "package"]
    by_site = {row[0]: row for row in rows[1:]}
    assert "'=HYPERLINK(1)" in by_site
    line = by_site["'=HYPERLINK(1)"]
    assert float(line[7]) == pytest.approx(award.risk_before, abs=1e-3)
    assert float(line[8]) < float(line[7])  # re-surveyed with the measures in place: risk fell
    assert float(line[9]) == pytest.approx(award.package.benefit, rel=0.05)
    assert by_site["total"][3] == f"{sum(a.amount for a in Award.objects.filter(application__round=round_)):.2f}"


def test_the_police_see_an_award_but_not_its_claims(cast: Cast):
    decide(cast, budget="5000")
    award = Award.objects.get()
    page = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR)).get(f"/fund/awards/{award.pk}/").content.decode()
    assert award.application.site.name in page and "Claims" not in page
    assert "Decisions and appeals" not in page  # a decline would say someone applied
    assert "door_hardening" not in page and "Door hardening" in page  # measures by name


def test_the_applicant_accepts_at_the_award_page(cast: Cast):
    decide(cast, budget="5000")
    award = Award.objects.get()
    client = log_in(Client(), award.application.applicant)
    assert "Accept the award" in client.get(f"/fund/awards/{award.pk}/").content.decode()
    client.post(f"/fund/awards/{award.pk}/accept/")
    award.refresh_from_db()
    assert award.accepted_at is not None
    response = client.post(f"/fund/awards/{award.pk}/installation/", {"contractor": "", "actual_end": "2020-01-01"})
    assert response.status_code == 422 and "This field is required" in response.content.decode()


def test_a_manager_finds_the_allocation_and_report_of_their_rounds_from_the_awards_page(cast: Cast):
    round_ = scored_round(cast)
    page = manager_client(cast).get("/fund/awards/").content.decode()
    assert f"/fund/rounds/{round_.pk}/allocation/" in page and f"/fund/rounds/{round_.pk}/report/" in page
    page = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR)).get("/fund/awards/").content.decode()
    assert f"/fund/rounds/{round_.pk}/" not in page


def test_a_decided_round_cannot_be_allocated_again(cast: Cast):
    round_ = decide(cast)
    client = manager_client(cast)
    page = client.get(f"/fund/rounds/{round_.pk}/allocation/").content.decode()
    assert "Run the allocation" not in page and "Confirmed" in page
    client.post(f"/fund/rounds/{round_.pk}/allocation/run/")
    assert Allocation.objects.filter(round=round_, method="optimal").count() == 1


def test_the_side_rules_are_said_in_words(cast: Cast):
    round_ = scored_round(cast, allocation_rules={
        "min_share": {"faith:christianity": 0.1}, "max_per_group": {f"area:{cast.area.pk}": 20000}})
    page = manager_client(cast).get(f"/fund/rounds/{round_.pk}/allocation/").content.decode()
    assert "at least 10% of the budget to Christianity sites" in page
    assert "at most £20,000 to sites in Tower Hamlets" in page


def test_opening_a_sensitive_site_s_award_is_audited_as_a_view_of_the_site(cast: Cast):
    from sanctuary.audit.models import AuditEvent

    Site.objects.filter(pk=cast.site_a.pk).update(is_sensitive=True)
    decide(cast, budget="100000")
    award = Award.objects.get(application__site=cast.site_a)
    police = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    before = AuditEvent.objects.filter(action="view").count()
    assert police.get(f"/fund/awards/{award.pk}/").status_code == 200
    assert police.get("/fund/awards/").status_code == 200
    views = AuditEvent.objects.filter(action="view").order_by("pk")[before:]
    assert len(views) == 2
    assert all(str(cast.site_a.pk) in (str(v.object_id) + str(v.detail)) for v in views)
