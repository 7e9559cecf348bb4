"""Martyn's Law per site and for the borough: whether the Act applies, the duties with their
sections, statuses recorded with evidence or suggested by the survey."""

from __future__ import annotations

import pytest

from sanctuary.access.models import Role
from sanctuary.registry.models import Site
from sanctuary.surveys.models import DutyRecord
from tests.conftest import Cast, log_in
from tests.surveys.conftest import completed_survey

pytestmark = pytest.mark.django_db


def test_a_site_expecting_200_sees_the_duties_with_their_sections(cast: Cast, client):
    completed_survey(cast, cast.site_a, grade=4)
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    page = contact.get(f"/sites/{cast.site_a.pk}/martyns-law/").content.decode()
    assert "The Act applies: standard duty premises." in page
    for citation in ("s. 4", "s. 9", "s. 5(1), 5(3)(a)", "s. 5(1), 5(3)(d)"):
        assert citation in page
    assert "(suggested by the survey)" in page


def test_a_recorded_status_with_evidence_wins_and_not_assessed_clears_it(cast: Cast, client):
    contact = log_in(client, cast.person(Role.SITE_CONTACT))
    url = f"/sites/{cast.site_a.pk}/martyns-law/"
    response = contact.post(
        url, {"duty": "notification", "status": "met", "evidence": "SIA reference 123, 1 Dec"}
    )
    assert response.status_code == 302
    page = contact.get(url).content.decode()
    assert "SIA reference 123, 1 Dec" in page
    contact.post(url, {"duty": "notification", "status": "not_assessed", "evidence": ""})
    assert not DutyRecord.objects.filter(site=cast.site_a).exists()
    response = contact.post(url, {"duty": "no_such_duty", "status": "met"}, follow=True)
    assert "is not a duty of the Act" in response.content.decode()


def test_a_small_site_is_out_of_scope_and_the_borough_table_says_so(cast: Cast, client):
    Site.objects.filter(pk=cast.site_b.pk).update(typical_peak_attendance=60, capacity=400)
    admin = log_in(client, cast.person(Role.PROGRAMME_ADMIN))
    page = admin.get(f"/sites/{cast.site_b.pk}/martyns-law/").content.decode()
    assert "The Act does not apply." in page
    table = admin.get("/martyns-law/").content.decode()
    a_row = table.split("Alpha Mosque")[1].split("</tr>")[0]
    b_row = table.split("Bravo Church")[1].split("</tr>")[0]
    assert "yes (standard)" in a_row and "not assessed" in a_row
    assert "<td>no</td>" in b_row
