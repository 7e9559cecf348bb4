"""The busiest pages and answers ask the database the same number of questions for a borough of
a few sites as for ten times as many: no page runs a query per row.

Each page is measured twice, as a police supervisor (one area) and as the national administrator
(every area): once with the test cast's sites, once after many more sites — with schedules,
services, one-off events, contacts, sensitive ones among them — are added in both areas.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanctuary.access.models import Role
from sanctuary.calendars.models import Event, Schedule, Service
from sanctuary.registry.models import Area, Contact, Faith
from tests.conftest import Cast, make_site

TODAY = date.today()
WEEK = f"from={TODAY}&to={TODAY + timedelta(days=6)}"
LONDON = ZoneInfo("Europe/London")

PAGES = [
    "/sites/",
    "/sites/?faith=islam&status=all",
    "/sites/map/",
    "/sites/map/markers.json?bbox=-0.2,51.4,0.1,51.6&zoom=12",
    "/sites/map/markers.json?bbox=-0.2,51.4,0.1,51.6&zoom=17",
    "/sites/export.csv",
    "/calendar/week/",
    "/calendar/heatmap/",
    f"/calendar/day/?date={TODAY}",
    "/api/sites",
    f"/api/gatherings?{WEEK}",
    "/organisations/",
]
ADMINISTRATORS_PAGES = ["/audit/", "/people/"]


def add_sites(cast: Cast, count: int) -> None:
    """`count` more sites in each area, each with a schedule, a service, an event, a contact."""
    for area, operator, ward, (lat, lon) in [
        (cast.area, cast.org_a, "Whitechapel", (51.517, -0.065)),
        (Area.objects.get(code="E09000012"), cast.org_c, "Dalston", (51.549, -0.075)),
    ]:
        for number in range(count):
            site = make_site(
                f"{area.name} site {number}", operator, area=area, ward=ward,
                faith=Faith.ISLAM if number % 2 else Faith.CHRISTIANITY,
                latitude=lat + number * 0.0004, longitude=lon + number * 0.0004,
                is_sensitive=number % 4 in (0, 1),  # of both faiths from the first two
            )
            Contact.objects.create(site=site, name=f"Secretary {number}", role="Secretary")
            schedule = Schedule.objects.create(site=site)
            Service.objects.create(
                schedule=schedule, label="Sunday service", rule="FREQ=WEEKLY;BYDAY=SU",
                start_time=time(10, 30), duration_minutes=90, expected_attendance=80,
            )
            start = datetime.combine(TODAY + timedelta(days=2), time(19), LONDON)
            Event.objects.create(
                schedule=schedule, label="Open evening", kind="event", start=start,
                end=start + timedelta(hours=2), expected_attendance=120,
            )


def questions(client, path: str) -> int:
    with CaptureQueriesContext(connection) as asked:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(asked)


def site_page_questions(client, site_id: int) -> int:
    return questions(client, f"/sites/{site_id}/") + questions(client, f"/sites/{site_id}/schedule/")


@pytest.mark.parametrize("role", [Role.POLICE_SUPERVISOR, Role.NATIONAL_ADMIN])
def test_the_busiest_pages_ask_as_many_questions_for_many_sites_as_for_few(cast: Cast, role):
    client = cast.client_for(cast.person(role))
    pages = PAGES + (ADMINISTRATORS_PAGES if role == Role.NATIONAL_ADMIN else [])
    add_sites(cast, 2)
    few = {path: questions(client, path) for path in pages}
    few_site = site_page_questions(client, cast.site_a.pk)

    add_sites(cast, 20)
    many = {path: questions(client, path) for path in pages}
    many_site = site_page_questions(client, cast.site_a.pk)

    grew = {path: (few[path], many[path]) for path in pages if many[path] != few[path]}
    assert grew == {}, "these pages ask more questions as the sites grow: (few, many)"
    assert many_site == few_site
