"""The borough's week view and heat map: only the sites one may see, and the engine's numbers.

Reference for the heat-map arithmetic: docs/calendars.md, "People per hour" — a gathering that
covers part of an hour counts in proportion (250 people from 10:30 to 11:00 add 125 to the 10:00
hour).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.calendars import engine, services
from sanctuary.calendars.models import Schedule, Service
from tests.conftest import Cast, log_in

LONDON = ZoneInfo("Europe/London")


def next_sunday() -> date:
    today = date.today()
    return today + timedelta(days=(6 - today.weekday()) % 7 or 7)


@pytest.fixture
def mass(cast: Cast) -> Service:
    """Bravo Church keeps only its own Sunday Mass: 250 people, 10:30 to 12:00."""
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    return Service.objects.create(
        schedule=schedule, label="Sunday Mass", rule="FREQ=WEEKLY;BYDAY=SU",
        start_time=time(10, 30), duration_minutes=90, expected_attendance=250,
    )


def test_the_week_view_lists_only_the_sites_one_may_see(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.SITE_CONTACT))
    page = client.get("/calendar/week/").content.decode()
    assert cast.site_a.name in page
    assert cast.site_b.name not in page
    assert "Sunday Mass" not in page


def test_the_week_view_shows_each_gathering_on_its_day(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    sunday = next_sunday()
    response = client.get(f"/calendar/week/?start={sunday - timedelta(days=3)}")
    assert response.status_code == 200
    days, rows = response.context["days"], response.context["rows"]
    church = next(row for row in rows if row.site == cast.site_b)
    assert [len(cell) for cell in church.cells] == [0, 0, 0, 1, 0, 0, 0]
    (gathering,) = church.cells[days.index(sunday)]
    assert (gathering.label, gathering.expected_attendance) == ("Sunday Mass", 250)
    assert gathering.start == datetime.combine(sunday, time(10, 30), tzinfo=LONDON)
    assert "Sunday Mass" in response.content.decode()


def test_the_week_view_filters_by_faith_and_ward(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    by_faith = client.get("/calendar/week/?faith=christianity").context["rows"]
    assert [row.site for row in by_faith] == [cast.site_b]
    by_ward = client.get("/calendar/week/?ward=Whitechapel").context["rows"]
    assert [row.site for row in by_ward] == [cast.site_a]
    # a ward one cannot see is not a choice: the form refuses it and shows nothing
    log_in(client, cast.person(Role.SITE_CONTACT))
    response = client.get("/calendar/week/?ward=Bow+East")
    assert response.context["rows"] == []
    assert response.context["form"].errors["ward"]


def test_a_bad_start_is_refused_beside_the_field(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    for bad in ("tomorrow", "0001-01-01"):
        response = client.get(f"/calendar/week/?start={bad}")
        assert response.status_code == 200
        assert response.context["form"].errors["start"]


def heat(client: Client, start: date, query: str = "") -> dict[int, float]:
    response = client.get(f"/calendar/heatmap/?start={start}{query}")
    assert response.status_code == 200
    day, cells = response.context["heat"].days[0]
    assert day == start
    return {cell.hour: cell.people for cell in cells if cell is not None}


def test_the_heat_map_counts_a_service_in_proportion_to_the_hour(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    sunday = next_sunday()
    hours = heat(client, sunday, "&faith=christianity")
    assert hours[10] == pytest.approx(125)  # half an hour of 250 people
    assert hours[11] == pytest.approx(250)
    assert sum(hours.values()) == pytest.approx(250 * 1.5)
    page = client.get(f"/calendar/heatmap/?start={sunday}&faith=christianity").content.decode()
    assert 'title="' + sunday.strftime("%a %-d %b") + ' 11:00: 250 people"' in page
    assert 'class="heat heat-3"' in page  # 250 is in the 200–499 bucket
    assert "legend" in page


def test_the_heat_map_agrees_with_the_engine_for_the_whole_borough(
    cast: Cast, client: Client, mass
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    start = next_sunday() - timedelta(days=2)
    response = client.get(f"/calendar/heatmap/?start={start}")
    calendars = [services.site_calendar(s) for s in (cast.site_a, cast.site_b)]
    timeline = engine.build_timeline(calendars, start, start + timedelta(days=6))
    begin = datetime.combine(start, time(), tzinfo=LONDON)
    hourly = engine.people_per_hour(timeline, begin, begin + timedelta(days=7), by="borough")
    expected = {
        (moment.date(), moment.hour): people
        for moment, people in zip(hourly.local_hours("Europe/London"), hourly.people[0], strict=True)
    }
    shown = {
        (day, cell.hour): cell.people
        for day, cells in response.context["heat"].days
        for cell in cells
        if cell is not None
    }
    assert shown.keys() == expected.keys()
    assert shown == pytest.approx(expected)


def test_the_heat_map_leaves_out_sites_one_may_not_see(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.SITE_CONTACT))
    sunday = next_sunday()
    assert heat(client, sunday, "&faith=christianity") == dict.fromkeys(range(24), 0.0)
    assert client.get(f"/calendar/heatmap/?start={sunday}").context["site_count"] == 1


def test_both_pages_need_a_login(client: Client, db):
    for path in ("/calendar/week/", "/calendar/heatmap/", "/calendar/feeds/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
