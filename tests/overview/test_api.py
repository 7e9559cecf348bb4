"""The partnership's picture as data: the same figures as the pages, the same doors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sanctuary.access.models import Role
from tests.conftest import Cast, api_client_for
from tests.overview.records import incident

MONTH = date(2026, 3, 1)


@pytest.fixture
def march(cast: Cast) -> Cast:
    for n in range(6):
        incident(cast.area, MONTH + timedelta(days=n), category="threats")
    for n in range(2):
        incident(cast.area, MONTH + timedelta(days=n), category="assault", faith="christianity")
    return cast


def test_the_monthly_answer_holds_the_reports_figures_and_tables(march: Cast):
    answer = api_client_for(march.person(Role.PROGRAMME_ADMIN)).get(
        f"/api/overview/{march.area.code}/monthly?month=2026-03")
    assert answer.status_code == 200
    data = answer.json()
    assert (data["start"], data["end"]) == ("2026-03-01", "2026-04-01")
    incidents = next(s for s in data["sections"] if s["title"] == "Incidents")
    total = next(f for f in incidents["figures"] if f["key"] == "incidents.month")
    assert total["value"] == 8 and total["shown"] == "8"
    by_category = next(t for t in incidents["tables"] if t["key"] == "incidents.by_category")
    assert by_category["rows"] == [["Assault", "<5"], ["Threats", "6"]]


def test_the_faiths_answer_has_a_row_per_faith_with_the_same_keys(march: Cast):
    data = api_client_for(march.person(Role.POLICE_SUPERVISOR)).get(
        f"/api/overview/{march.area.code}/faiths").json()
    keys = {tuple(f["key"] for f in row["figures"]) for row in data["faiths"]}
    assert len(keys) == 1 and "sites" in next(iter(keys))
    islam = next(row for row in data["faiths"] if row["faith"] == "islam")
    sites = next(f for f in islam["figures"] if f["key"] == "sites")
    assert sites["value"] == 1


@pytest.mark.parametrize("month", ["2026-13", "2099-01", "march"])
def test_a_bad_month_answers_422_naming_the_field(cast: Cast, month: str):
    answer = api_client_for(cast.person(Role.PROGRAMME_ADMIN)).get(
        f"/api/overview/{cast.area.code}/monthly?month={month}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "month"


def test_another_area_answers_404(cast: Cast):
    client = api_client_for(cast.person(Role.PROGRAMME_ADMIN))
    assert client.get(f"/api/overview/{cast.area_2.code}/faiths").status_code == 404
