"""Calendars cover at most CALENDAR_MAX_SITES places of worship at once: a reader who sees more
(the national administrator) chooses an area first, and is told so, instead of a page that
computes a country's gatherings for many seconds."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from sanctuary.access.models import Role
from sanctuary.calendars.models import Feed
from tests.conftest import Cast, api_client_for

TODAY = date.today()
WEEK = f"from={TODAY}&to={TODAY + timedelta(days=6)}"
TOO_MANY = "This would cover 3 places of worship; calendars show at most 2 at once."


@pytest.fixture(autouse=True)
def two_sites_at_most(settings) -> None:
    settings.CALENDAR_MAX_SITES = 2  # the cast's country has 3 sites, Tower Hamlets 2


@pytest.mark.parametrize("page", ["/calendar/week/", "/calendar/heatmap/", "/calendar/day/"])
def test_a_page_over_the_limit_asks_for_an_area_and_then_shows_it(cast: Cast, page: str):
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN))

    everything = national.get(page).content.decode()
    one_area = national.get(page, {"area": "E09000012"}).content.decode()

    assert TOO_MANY in everything and "Choose an area, a ward or a faith." in everything
    assert TOO_MANY not in one_area
    assert cast.site_c.name in one_area or page == "/calendar/heatmap/"


def test_a_reader_within_the_limit_never_meets_it(cast: Cast):
    supervisor = cast.client_for(cast.person(Role.POLICE_SUPERVISOR))  # Tower Hamlets: 2 sites
    for page in ["/calendar/week/", "/calendar/heatmap/", "/calendar/day/"]:
        assert "calendars show at most" not in supervisor.get(page).content.decode(), page


def test_the_api_refuses_a_country_with_the_field_to_narrow(cast: Cast):
    api = api_client_for(cast.person(Role.NATIONAL_ADMIN))

    refused = api.get(f"/api/gatherings?{WEEK}")
    narrowed = api.get(f"/api/gatherings?{WEEK}&area=E09000012")

    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "area", "message": TOO_MANY
                                         + " Choose an area, a ward or a faith."}]
    assert narrowed.status_code == 200
    assert {item["site"] for item in narrowed.json()} == {cast.site_c.pk}


def test_a_feed_of_everything_is_refused_over_the_limit(cast: Cast):
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN))
    supervisor = cast.client_for(cast.person(Role.POLICE_SUPERVISOR))

    refused = national.post("/calendar/feeds/", {"scope": "borough"})
    made = supervisor.post("/calendar/feeds/", {"scope": "borough"})

    assert refused.status_code == 200
    assert "would cover 3 places of worship; feeds cover at most 2" in refused.content.decode()
    assert made.status_code == 302
    assert Feed.every.count() == 1


def test_a_heat_map_cell_keeps_the_area_in_its_days_list(cast: Cast):
    """The national administrator follows a heat-map cell into the hour's gatherings and stays
    in the area chosen, instead of being told the country is too much."""
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN))
    shown = national.get("/calendar/heatmap/", {"area": "E09000012"}).content.decode()

    links = [href.replace("&amp;", "&")
             for href in re.findall(r'href="(/calendar/day/\?[^"]+)"', shown)]
    assert links, "the heat map links to no hour's gatherings"
    for link in links[:3]:
        assert "area=E09000012" in link
        day = national.get(link).content.decode()
        assert TOO_MANY not in day
        assert cast.site_c.name in day
