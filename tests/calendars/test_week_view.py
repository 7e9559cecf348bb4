"""The week view leads with what needs cover: each day's largest gatherings first, at least a
minimum size, with counts of the rest and links to them; the long list behind it, a page of sites
at a time. Its size follows what a person can read, not the number of sites.

The week is that of Monday 30 November 2026, which holds no festival of Islam or Christianity.
The mosque of the cast is given a typical peak of 3,000, so that its daily jama'ahs are 5% (Fajr,
150), 8% (Dhuhr, 240), 6% (Asr, 180), 12% (Maghrib, 360) and 10% (Isha, 300) of it
(engine/defaults.py); the church keeps only the events each test gives it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.calendars import borough
from sanctuary.calendars.models import Event, Schedule
from tests.conftest import Cast, log_in, make_site

LONDON = ZoneInfo("Europe/London")


MONDAY = date(2026, 11, 30)
TUESDAY = MONDAY + timedelta(days=1)
SUNDAY = MONDAY + timedelta(days=6)


def event(
    schedule: Schedule, day: date, hour: int, people: int, label: str, kind: str = "community_event"
) -> Event:
    start = datetime.combine(day, time(hour), tzinfo=LONDON)
    return Event.objects.create(
        schedule=schedule,
        label=label,
        kind=kind,
        start=start,
        end=start + timedelta(hours=1),
        expected_attendance=people,
    )


@pytest.fixture
def six_sites(cast: Cast) -> Cast:
    """Four more sites (of no faith the engine has defaults for: no gatherings), so that staff
    see more than a few sites."""
    for name in ("Charlie", "Delta", "Echo", "Foxtrot"):
        make_site(f"{name} Hall", cast.org_b, faith="other", ward="Mile End")
    return cast


@pytest.fixture
def tuesday(six_sites: Cast) -> date:
    """The mosque's jama'ahs, and at the church a vigil of 900, a wedding of 250 and a coffee
    morning of 50."""
    cast = six_sites
    cast.site_a.typical_peak_attendance = 3000
    cast.site_a.save()
    Schedule.objects.create(site=cast.site_a, faith_defaults=False)  # its jama'ahs alone
    church = Schedule.objects.create(site=cast.site_b, faith_defaults=False, daily_prayers="no")
    event(church, TUESDAY, 19, 900, "Vigil for peace", "vigil")
    event(church, TUESDAY, 14, 250, "Wedding", "wedding")
    event(church, TUESDAY, 10, 50, "Coffee morning")
    return TUESDAY


def lead(response, day: date) -> borough.DayLead:
    return next(item for item in response.context["leading"] if item.day == day)


def sizes(found: borough.DayLead) -> list[tuple[str, int]]:
    return [(line.gathering.label, line.gathering.expected_attendance) for line in found.lines]


def week_of(client: Client, day: date, query: str = ""):
    response = client.get(f"/calendar/week/?start={MONDAY}{query}")
    assert response.status_code == 200
    return response


def test_each_day_leads_with_its_largest_gatherings_of_200_or_more(
    cast: Cast, client: Client, tuesday: date
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = week_of(client, tuesday)
    found = lead(response, tuesday)
    assert sizes(found) == [
        ("Vigil for peace", 900),
        ("Maghrib jama'ah", 360),
        ("Isha jama'ah", 300),
        ("Wedding", 250),
        ("Dhuhr jama'ah", 240),
    ]
    assert (found.more_kept, found.left_out) == (0, 3)  # Asr 180, Fajr 150, coffee 50
    page = response.content.decode()
    assert "200 people or more" in page  # the default is stated
    assert page.index("Vigil for peace") < page.index("Wedding") < page.index("Coffee morning")
    [line] = [li for li in re.findall(r'<li class="line">.*?</li>', page, re.S) if "Vigil" in li]
    assert "19:00–20:00" in line and "900" in line and cast.site_b.name in line
    assert f"/sites/{cast.site_b.pk}/schedule/" in line and "Bow East" in line


def test_the_minimum_and_the_number_a_day_are_filters(cast: Cast, client: Client, tuesday: date):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    found = lead(week_of(client, tuesday, "&min_people=0&per_day=2"), tuesday)
    assert sizes(found) == [("Vigil for peace", 900), ("Maghrib jama'ah", 360)]
    assert (found.more_kept, found.left_out) == (6, 0)
    found = lead(week_of(client, tuesday, "&min_people=300"), tuesday)
    assert sizes(found) == [
        ("Vigil for peace", 900),
        ("Maghrib jama'ah", 360),
        ("Isha jama'ah", 300),
    ]


def test_daily_prayers_can_be_left_out(cast: Cast, client: Client, tuesday: date):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = week_of(client, tuesday, "&min_people=0&daily_prayers=leave-out")
    found = lead(response, tuesday)
    assert sizes(found) == [("Vigil for peace", 900), ("Wedding", 250), ("Coffee morning", 50)]
    assert found.left_out == 5
    assert "daily prayers left out" in response.content.decode()


def test_the_links_below_a_day_lead_to_its_full_list(cast: Cast, client: Client, tuesday: date):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = week_of(client, tuesday, "&per_day=2&faith=christianity")
    found = lead(response, tuesday)
    assert (found.more_kept, found.left_out) == (0, 1)
    page = response.content.decode()
    link = f"/calendar/day/?start={tuesday}&amp;faith=christianity"
    assert link in page and "1 smaller gathering" in page
    listed = client.get(link.replace("&amp;", "&")).context["lines"]
    assert [line.gathering.label for line in listed] == [
        "Vigil for peace",
        "Wedding",
        "Coffee morning",
    ]
    response = week_of(client, tuesday, "&per_day=1&min_people=0")
    assert lead(response, tuesday).more_kept == 7
    more = f"/calendar/day/?start={tuesday}&amp;min_people=0"
    assert more in response.content.decode()
    assert len(client.get(more.replace("&amp;", "&")).context["lines"]) == 8


def test_someone_with_few_sites_sees_every_gathering_by_default(
    cast: Cast, client: Client, tuesday: date
):
    log_in(client, cast.person(Role.SITE_CONTACT))
    response = week_of(client, tuesday)
    found = lead(response, tuesday)
    assert [size for _, size in sizes(found)] == [360, 300, 240, 180, 150]
    assert response.context["choice"].min_people == 0
    assert "of any size" in response.content.decode()


def test_staff_see_the_minimum_an_inspector_would_choose(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    assert week_of(client, TUESDAY).context["choice"].min_people == 0  # two sites: all of it
    for name in ("Charlie", "Delta", "Echo"):
        make_site(f"{name} Hall", cast.org_b, faith="other")
    assert week_of(client, TUESDAY).context["choice"].min_people == 0  # five: still
    make_site("Foxtrot Hall", cast.org_b, faith="other")
    assert week_of(client, TUESDAY).context["choice"].min_people == borough.INSPECTOR_MIN_PEOPLE
    # the defaults fill only empty fields: a choice made stays
    assert week_of(client, TUESDAY, "&min_people=").context["choice"].min_people == 200
    assert week_of(client, TUESDAY, "&min_people=0").context["choice"].min_people == 0


def test_a_bad_minimum_is_refused_beside_its_field_and_shows_nothing(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get("/calendar/week/?min_people=-5&per_day=0")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["min_people"] and form.errors["per_day"]
    assert response.context["rows"] == []
    assert all(not item.lines for item in response.context["leading"])


@pytest.fixture
def many_sites(cast: Cast) -> list:
    """Twenty-three more churches (25 sites in all), each with its Sunday service."""
    return [
        make_site(f"Church {k:02d}", cast.org_b, faith="christianity", ward="Bow East")
        for k in range(23)
    ]


def test_the_long_list_is_a_page_of_sites_at_a_time(cast: Cast, client: Client, many_sites):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get("/calendar/week/")
    names = [row.site.name for row in response.context["rows"]]
    assert len(names) == borough.SITES_PER_PAGE
    assert names == sorted(names)
    page = response.content.decode()
    assert "Sites 1–10 of 25" in page
    assert "sites=2#long-list" in page
    last = client.get("/calendar/week/?sites=3").context["rows"]
    assert len(last) == 5
    assert {row.site.name for row in last}.isdisjoint(names)


def test_the_week_view_does_not_grow_with_the_number_of_sites(
    cast: Cast, client: Client, many_sites
):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get(f"/calendar/week/?start={MONDAY}&min_people=0&per_day=3")
    page = response.content.decode()
    assert page.count('<li class="line') <= 7 * 3
    sunday = lead(response, SUNDAY)
    assert len(sunday.lines) == 3 and sunday.more_kept >= 22  # every church's service
    assert page.count("<tr>") <= borough.SITES_PER_PAGE + 1


def test_only_the_sites_on_the_page_are_audited(cast: Cast, client: Client, many_sites):
    hidden = make_site(
        "Zulu Chapel",
        cast.org_b,
        faith="christianity",
        typical_peak_attendance=20,
        ward="Bow East",
        is_sensitive=True,
    )
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    client.get("/calendar/week/")  # Zulu is small and on the last page of the long list
    assert not AuditEvent.objects.filter(action=Action.VIEW).exists()
    client.get("/calendar/week/?sites=3")
    [seen] = AuditEvent.objects.filter(action=Action.VIEW)
    assert seen.detail["sites"] == [hidden.pk]
    client.get(f"/calendar/week/?start={MONDAY}&min_people=0&ward=Whitechapel")
    assert AuditEvent.objects.filter(action=Action.VIEW).count() == 1
    client.get(f"/calendar/week/?start={MONDAY}&min_people=0&faith=christianity")
    assert (
        AuditEvent.objects.filter(action=Action.VIEW).count() == 1
    )  # Zulu's 20 are not in the top 20
    client.get(f"/calendar/week/?start={MONDAY}&min_people=0&faith=christianity&per_day=30")
    assert AuditEvent.objects.filter(action=Action.VIEW).count() == 2  # now they are
