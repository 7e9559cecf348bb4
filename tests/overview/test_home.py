"""The home page at /: each figure a link into its own page, counting what the reader sees."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role
from tests.conftest import Cast
from tests.overview.records import incident, local, visit


def figure(page: str, key: str) -> str:
    found = re.search(rf'data-key="{re.escape(key)}">([^<]*)<', page)
    assert found, f"no figure {key} on the page"
    return found.group(1).strip()


def test_home_replaces_the_redirect_to_the_map_and_keeps_the_map_one_click_away(cast: Cast):
    page = cast.client_for(cast.person(Role.PROGRAMME_ADMIN)).get("/")
    assert page.status_code == 200
    assert 'href="/sites/map/"' in page.content.decode()


def test_logged_out_home_asks_to_log_in(db: None, client: Client):
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_home_counts_open_incidents_of_their_area_only_each_a_link(cast: Cast):
    today = timezone.localdate()
    for _ in range(3):
        incident(cast.area, today)
    incident(cast.area, today, status="resolved")  # closed: not open
    first = incident(cast.area, today)
    incident(cast.area, today, merged_into=first)  # a duplicate counts once
    incident(cast.area_2, today)  # another area
    page = cast.client_for(cast.person(Role.PROGRAMME_ADMIN)).get("/").content.decode()
    assert figure(page, "incidents.open") == "4"
    assert '<a href="/incidents/?view=open">Open incidents</a>' in page
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN)).get("/").content.decode()
    assert figure(national, "incidents.open") == "5"


def test_patrol_staff_see_this_weeks_planned_visits_and_others_only_delivered(cast: Cast):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    visit(cast, cast.site_a, local(monday, 0) + timedelta(minutes=1), delivered=True)
    visit(cast, cast.site_b, local(monday + timedelta(days=6), 23), delivered=False)
    sergeant = cast.client_for(cast.person(Role.POLICE_SUPERVISOR)).get("/").content.decode()
    assert figure(sergeant, "patrols.week_planned") == "2"
    expected = "1" if local(monday, 0) + timedelta(minutes=1) <= timezone.now() else "0"
    assert figure(sergeant, "patrols.week_delivered") == expected
    adviser = cast.client_for(cast.person(Role.SECURITY_ADVISER)).get("/").content.decode()
    assert "patrols.week_planned" not in adviser
    assert figure(adviser, "patrols.week_delivered") == expected


def test_site_contacts_home_shows_their_sites_and_what_asks_them_for_something(cast: Cast):
    from sanctuary.access.actor import Actor, Channel
    from sanctuary.surveys import services
    from sanctuary.surveys.models import SurveyKind

    contact = cast.person(Role.SITE_CONTACT)
    services.schedule_survey(Actor.person(contact, Channel.PAGE), cast.site_a, kind=SurveyKind.SELF_ASSESSMENT,
                             scheduled_for=timezone.localdate())
    incident(cast.area, timezone.localdate(), site=cast.site_a)
    incident(cast.area, timezone.localdate(), site=cast.site_b)  # not theirs
    page = cast.client_for(contact).get("/").content.decode()
    assert "Alpha Mosque" in page and "Bravo Church" not in page
    assert figure(page, "surveys.due") == "1"
    assert figure(page, "incidents.open") == "1"
    assert "across faiths" not in page  # no area's picture for a site contact


def test_a_case_handler_has_no_sites_of_their_own_to_list(cast: Cast):
    page = cast.client_for(cast.person(Role.CASE_HANDLER)).get("/").content.decode()
    assert "Your places of worship" not in page and "across faiths" not in page
    assert 'data-key="incidents.open"' in page


def test_a_coordinator_sees_the_member_organisations_sites(cast: Cast):
    page = cast.client_for(cast.person(Role.UMBRELLA_COORDINATOR)).get("/").content.decode()
    assert "Your places of worship" in page and "Alpha Mosque" in page
    assert "Bravo Church" not in page


def test_staff_with_many_areas_get_a_link_to_every_area(cast: Cast):
    from sanctuary.registry.models import Area

    for n in range(10):
        Area.objects.create(name=f"Area {n:02d}", code=f"E0900{n:04d}")
    client = cast.client_for(cast.person(Role.NATIONAL_ADMIN))
    page = client.get("/").content.decode()
    assert 'href="/overview/"' in page and "Area 09" not in page
    every = client.get("/overview/").content.decode()
    assert "Area 09 across faiths" in every and "Hackney across faiths" in every
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    assert "Hackney" not in admin.get("/overview/").content.decode()
    assert cast.client_for(cast.person(Role.SITE_CONTACT)).get("/overview/").status_code == 403


def test_overdue_incidents_are_counted_for_those_who_handle_them(cast: Cast):
    late = incident(cast.area, timezone.localdate())
    late.acknowledge_by = timezone.now() - timedelta(hours=1)
    late.save()
    incident(cast.area, timezone.localdate())  # not yet due
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN)).get("/").content.decode()
    assert figure(admin, "incidents.overdue") == "1"
    sergeant = cast.client_for(cast.person(Role.POLICE_SUPERVISOR)).get("/").content.decode()
    assert "incidents.overdue" not in sergeant  # reads incidents, handles none
