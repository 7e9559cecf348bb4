"""The cross-faith view of an area: per faith the sites, the share surveyed, mean risk and its
change, incidents and patrol coverage delivered — one table, and a chart that draws it."""

from __future__ import annotations

import re
from datetime import timedelta
from statistics import fmean

import pytest
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.registry.models import Faith
from sanctuary.surveys import assess
from tests.conftest import Cast, make_site
from tests.overview.records import incident, visit
from tests.surveys.conftest import completed_survey


@pytest.fixture
def borough(cast: Cast) -> Cast:
    make_site("Second Mosque", cast.org_a, ward="Whitechapel")
    make_site("Bow Gurdwara", cast.org_b, faith=Faith.SIKHISM, ward="Bow East")
    make_site("Closed Chapel", cast.org_b, faith=Faith.CHRISTIANITY, status="closed")
    today = timezone.localdate()
    for n in range(5):
        incident(cast.area, today - timedelta(days=n * 10), faith="islam")
    for n in range(2):
        incident(cast.area, today - timedelta(days=n), faith="christianity")
    incident(cast.area, today - timedelta(days=120), faith="christianity")  # too long ago
    incident(cast.area_2, today, faith="christianity")  # another area
    now = timezone.now()
    for days, delivered in ((2, True), (9, True), (12, False)):
        visit(cast, cast.site_a, now - timedelta(days=days), delivered=delivered)
    visit(cast, cast.site_b, now - timedelta(days=3), delivered=True)
    visit(cast, cast.site_b, now - timedelta(days=45), delivered=True)  # before the 30 days
    completed_survey(cast, cast.site_a)
    return cast


def row(page: str, faith: str) -> list[str]:
    found = re.search(rf'</span>{faith}</th>(.*?)</tr>', page, re.S)
    assert found, f"no row for {faith}"
    return [cell.strip() for cell in re.findall(r'<td class="num">(.*?)</td>', found.group(1))]


def columns(page: str) -> list[str]:
    head = re.search(r'<table id="faiths-table">.*?<thead>(.*?)</thead>', page, re.S)
    assert head
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<th[^>]*>(.*?)</th>", head.group(1))][1:]


def test_the_table_puts_every_faith_side_by_side(borough: Cast):
    page = borough.client_for(borough.person(Role.PROGRAMME_ADMIN)).get(
        f"/overview/{borough.area.code}/faiths/").content.decode()
    assert columns(page) == [
        "Sites", "Incidents, last 90 days", "Patrol visits delivered, last 30 days",
        "Sites surveyed", "Mean risk (0–100)", "Change since the previous survey (points)",
        "Funding awarded", "Funding installed (signed off)",
    ]
    mosques = [s for s in borough.site_a.area.sites.filter(faith="islam", status="active")]
    scores = {a.site.pk: a.risk.score for a in assess.assess(mosques, with_previous=True)}
    assert row(page, "Islam")[:4] == ["2", "5", "2", "50%"]
    assert row(page, "Islam")[4] == f"{round(fmean(scores.values()), 1):,.1f}"
    assert row(page, "Islam")[5] == "—"  # not known: no site has a previous survey
    assert row(page, "Christianity")[:4] == ["1", "fewer than 5", "1", "0%"]
    assert row(page, "Sikhism")[:4] == ["1", "0", "0", "0%"]
    assert "Judaism</th>" not in page  # no synagogue and nothing counted


def test_the_chart_draws_one_bar_per_faith_in_each_panel_and_points_to_the_table(borough: Cast):
    page = borough.client_for(borough.person(Role.SECURITY_ADVISER)).get(
        f"/overview/{borough.area.code}/faiths/").content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg and 'role="img"' in svg.group(0)
    assert "Chart of the table above" in svg.group(0)
    assert svg.group(0).count("<rect") == 8 * 3  # eight columns, three faiths
    assert '<script' not in svg.group(0)


def test_roles_see_only_what_their_doors_give(borough: Cast):
    """A grant assessor sees the sites and incidents, but no survey, risk or award figure."""
    page = borough.client_for(borough.person(Role.GRANT_ASSESSOR)).get(
        f"/overview/{borough.area.code}/faiths/").content.decode()
    islam = row(page, "Islam")
    assert islam[:3] == ["2", "5", "2"]
    assert islam[3:] == ["not shown"] * 5


def test_another_area_is_missing_and_a_site_contact_has_no_area_picture(borough: Cast):
    admin = borough.client_for(borough.person(Role.PROGRAMME_ADMIN))
    assert admin.get(f"/overview/{borough.area_2.code}/faiths/").status_code == 404
    assert admin.get("/overview/E00000000/faiths/").status_code == 404
    contact = borough.client_for(borough.person(Role.SITE_CONTACT))
    assert contact.get(f"/overview/{borough.area.code}/faiths/").status_code == 404
    national = borough.client_for(borough.person(Role.NATIONAL_ADMIN))
    assert national.get(f"/overview/{borough.area_2.code}/faiths/").status_code == 200
