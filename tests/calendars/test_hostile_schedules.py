"""No schedule row, however hostile, can hang or empty a borough view (issue 7).

Rules are judged by what they produce and refused in plain words; a row that reached the
database anyway (an older version, a bug, an import) leaves out its own site only, and the
view says which site and why.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.calendars.models import Schedule, Service
from tests.conftest import Cast, api_client_for, log_in

HOSTILE_RULES = [
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYEASTER=400",
    "FREQ=WEEKLY;INTERVAL=-5;BYDAY=SU",
    "DTSTART:00010101\nRRULE:FREQ=DAILY",
    "RRULE:FREQ=YEARLY;COUNT=1\nRDATE:" + ",".join(
        f"20270101T{h:02d}{m:02d}00" for h in range(10) for m in range(60)),
    "FREQ=MONTHLY;INTERVAL=2;BYMONTH=7;BYMONTHDAY=1",  # from an odd month: never July
]


@pytest.fixture
def contact(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.SITE_CONTACT))


def service_form(rule: str, **extra: str) -> dict[str, str]:
    return {
        "services-label": "Hostile", "services-kind": "service", "services-rule": rule,
        "services-start_time": "10:00", "services-duration_minutes": "60", **extra,
    }


@pytest.mark.parametrize("rule", HOSTILE_RULES)
def test_a_hostile_rule_is_refused_beside_its_field_and_the_preview_says_correct_it(
    cast: Cast, contact: Client, rule: str
):
    extra = {"services-starts_on": "2026-10-01"} if "INTERVAL=2" in rule else {}
    response = contact.post(f"/sites/{cast.site_a.pk}/schedule/services/", service_form(rule, **extra))
    assert response.status_code == 200
    assert response.context["forms"]["services"].errors["rule"]
    assert not Service.objects.exists()
    preview = contact.post(
        f"/sites/{cast.site_a.pk}/schedule/preview/", {"part": "services", **service_form(rule)}
    )
    assert preview.status_code == 200
    assert "Correct the form" in preview.content.decode()


def test_a_first_date_in_year_one_is_refused(cast: Cast, contact: Client):
    response = contact.post(
        f"/sites/{cast.site_a.pk}/schedule/services/",
        service_form("FREQ=WEEKLY;BYDAY=SU", **{"services-starts_on": "0001-01-01"}),
    )
    assert response.status_code == 200
    assert "between 1900 and 2100" in response.content.decode()
    assert not Service.objects.exists()


def test_a_schedule_holds_a_bounded_number_of_services(cast: Cast, contact: Client, monkeypatch):
    from dataclasses import replace

    from sanctuary.calendars.parts import BY_SLUG

    monkeypatch.setitem(BY_SLUG, "services", replace(BY_SLUG["services"], max_rows=2))
    url = f"/sites/{cast.site_a.pk}/schedule/services/"
    for _ in range(2):
        assert contact.post(url, service_form("FREQ=WEEKLY;BYDAY=SU")).status_code == 302
    response = contact.post(url, service_form("FREQ=WEEKLY;BYDAY=MO"))
    assert response.status_code == 200
    assert "at most 2" in response.content.decode()
    assert Service.objects.count() == 2


@pytest.fixture
def stored_hostile_row(cast: Cast) -> Service:
    """A row that reached the database without the form's checks."""
    schedule = Schedule.objects.create(site=cast.site_b)
    return Service.objects.create(
        schedule=schedule, label="Forever", rule="FREQ=DAILY;INTERVAL=0",
        start_time=time(10, 0), duration_minutes=60,
    )


def test_a_stored_hostile_row_leaves_out_only_its_site_from_the_week_view(
    cast: Cast, client: Client, stored_hostile_row: Service
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get("/calendar/week/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Left out, because their schedule cannot be worked out" in page
    assert "interval must be between 1 and 366" in page
    assert [row.site for row in response.context["rows"]] == [cast.site_a]


def test_a_stored_hostile_row_leaves_out_only_its_site_from_the_heat_map(
    cast: Cast, client: Client, stored_hostile_row: Service
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get("/calendar/heatmap/")
    assert response.status_code == 200
    assert [item.site for item in response.context["skipped"]] == [cast.site_b]
    assert response.context["heat"].peak > 0  # the mosque's jama'ahs are still counted


def test_a_stored_hostile_row_is_named_by_the_gatherings_api(
    cast: Cast, stored_hostile_row: Service
):
    today = timezone.localdate()
    response = api_client_for(cast.person(Role.POLICE_SUPERVISOR)).get(
        f"/api/gatherings?from={today}&to={today + timedelta(days=6)}"
    )
    assert response.status_code == 200
    assert response["Sanctuary-Skipped-Sites"] == str(cast.site_b.pk)
    assert {item["site"] for item in response.json()} == {cast.site_a.pk}


def test_a_timetable_with_an_enormous_field_is_refused_not_a_server_error(
    cast: Cast, contact: Client
):
    text = "Date,Fajr,Sunrise,Dhuhr,Asr,Maghrib,Isha\n2027-01-01," + "x" * 140_000 + ",,,,,\n"
    response = contact.post(
        f"/sites/{cast.site_a.pk}/schedule/timetable/", {"timetable-text": text}
    )
    assert response.status_code == 200
    assert "not readable as CSV" in response.content.decode()
