"""A day's list and an hour's (the heat map's cells lead here): every gathering the filters keep,
largest first, fifty to a page; an hour's list holds exactly what its heat-map cell adds up.

Reference for the hour: docs/calendars.md, "People per hour" — each gathering counts in
proportion to the part of the hour it covers, so the cell is the sum over the hour's list of
attendance × minutes there / 60.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.calendars import borough
from sanctuary.calendars.models import Event, Schedule
from tests.conftest import Cast, log_in

LONDON = ZoneInfo("Europe/London")
TUESDAY = date(2026, 12, 1)  # no festival of Islam or Christianity that week


@pytest.fixture
def crowded(cast: Cast) -> Schedule:
    """Sixty events at the church on Tuesday, from 10:00, 10 minutes apart, of 1 to 60 people
    (the largest the latest), each lasting 45 minutes."""
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False, daily_prayers="no")
    first = datetime.combine(TUESDAY, time(10), tzinfo=LONDON)
    Event.objects.bulk_create(
        Event(
            schedule=schedule,
            label=f"Meeting {k}",
            kind="community_event",
            start=first + timedelta(minutes=10 * k),
            end=first + timedelta(minutes=10 * k + 45),
            expected_attendance=k + 1,
        )
        for k in range(60)
    )
    return schedule


def test_a_day_lists_every_gathering_largest_first_a_page_at_a_time(
    cast: Cast, client: Client, crowded
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get(f"/calendar/day/?start={TUESDAY}&faith=christianity")
    assert response.status_code == 200
    lines = response.context["lines"]
    assert len(lines) == borough.LINES_PER_PAGE
    assert [line.gathering.expected_attendance for line in lines] == list(range(60, 10, -1))
    page = response.content.decode()
    assert "60 gatherings" in page and "page 1 of 2" in page
    assert "page=2" in page
    rest = client.get(f"/calendar/day/?start={TUESDAY}&faith=christianity&page=2").context["lines"]
    assert [line.gathering.expected_attendance for line in rest] == list(range(10, 0, -1))
    everyone = client.get(f"/calendar/day/?start={TUESDAY}").context["page"].paginator.count
    assert everyone == 60 + 5  # and the mosque's five jama'ahs
    small = client.get(f"/calendar/day/?start={TUESDAY}&min_people=55").context
    assert small["page"].paginator.count == 6 and small["total"] == 65


def test_an_hour_lists_exactly_what_its_heat_map_cell_adds_up(cast: Cast, client: Client, crowded):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    heat = client.get(f"/calendar/heatmap/?start={TUESDAY}").context["heat"]
    cells = dict(heat.days)[TUESDAY]
    for hour in (10, 11, 13, 19):
        begin = datetime.combine(TUESDAY, time(hour), tzinfo=LONDON)
        listed = []
        number = 1
        while True:
            context = client.get(
                f"/calendar/day/?start={TUESDAY}&hour={hour}&page={number}"
            ).context
            listed += context["lines"]
            if not context["page"].has_next():
                break
            number += 1
        people = sum(
            line.gathering.expected_attendance
            * (
                min(line.gathering.end, begin + timedelta(hours=1))
                - max(line.gathering.start, begin)
            )
            / timedelta(hours=1)
            for line in listed
        )
        assert people == pytest.approx(cells[hour].people), hour
        assert all(line.gathering.end > begin for line in listed)


def test_the_hour_the_clocks_skip_lists_nothing_and_the_repeated_one_both(
    cast: Cast, client: Client
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    response = client.get(f"/calendar/day/?start={spring}&hour=1")
    assert response.status_code == 200 and response.context["lines"] == []
    # 01:00–02:00 happens twice on 25 October; a vigil in each of them is listed
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    for fold in (0, 1):
        start = datetime(2026, 10, 25, 1, 15, fold=fold, tzinfo=LONDON).astimezone(UTC)
        Event.objects.create(
            schedule=schedule,
            label=f"Vigil {fold}",
            kind="vigil",
            start=start,
            end=start + timedelta(minutes=30),
            expected_attendance=40,
        )
    labels = {
        line.gathering.label
        for line in client.get(f"/calendar/day/?start={autumn}&hour=1&faith=christianity").context[
            "lines"
        ]
    }
    assert labels == {"Vigil 0", "Vigil 1"}


def test_the_first_hour_holds_the_vigil_that_began_the_night_before(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    start = datetime.combine(TUESDAY - timedelta(days=1), time(23, 30), tzinfo=LONDON)
    Event.objects.create(schedule=schedule, label="Night vigil", kind="vigil", start=start,
                         end=start + timedelta(hours=1), expected_attendance=300)
    midnight = client.get(f"/calendar/day/?start={TUESDAY}&hour=0&faith=christianity")
    assert [line.gathering.label for line in midnight.context["lines"]] == ["Night vigil"]
    heat = client.get(f"/calendar/heatmap/?start={TUESDAY}&faith=christianity").context["heat"]
    assert dict(heat.days)[TUESDAY][0].people == pytest.approx(150)
    # the day's own list holds what starts that day: the vigil is Monday's
    whole = client.get(f"/calendar/day/?start={TUESDAY}&faith=christianity").context["lines"]
    assert whole == []


def test_the_day_list_shows_only_what_one_may_see_and_audits_only_its_page(
    cast: Cast, client: Client, crowded
):
    cast.site_b.is_sensitive = True
    cast.site_b.save()
    log_in(client, cast.person(Role.SITE_CONTACT))
    lines = client.get(f"/calendar/day/?start={TUESDAY}").context["lines"]
    assert {line.site for line in lines} == {cast.site_a}
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    client.get(f"/calendar/day/?start={TUESDAY}&ward=Whitechapel")
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()
    client.get(f"/calendar/day/?start={TUESDAY}")
    [seen] = AuditEvent.objects.filter(action=Action.VIEW)
    assert seen.detail["sites"] == [cast.site_b.pk]


def test_a_bad_hour_is_refused_beside_its_field(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get(f"/calendar/day/?start={TUESDAY}&hour=24")
    assert response.status_code == 200
    assert response.context["form"].errors["hour"]
    assert response.context["lines"] == []


def test_the_day_list_needs_a_login(client: Client, db):
    response = client.get(f"/calendar/day/?start={TUESDAY}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
