"""Every read that shows a sensitive site is recorded: one record per request, naming the sites
(issue 7). A page that shows no sensitive site records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.calendars.models import Feed
from tests.conftest import Cast, api_client_for, log_in

TODAY = timezone.localdate()
WEEK = f"from={TODAY}&to={TODAY + timedelta(days=6)}"


@pytest.fixture
def sensitive(cast: Cast) -> Cast:
    cast.site_b.is_sensitive = True
    cast.site_b.save()
    return cast


def views_recorded() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.VIEW))


PAGES = ["/sites/", "/sites/map/", "/calendar/week/", "/sites/?ward=Bow+East"]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_listing_a_sensitive_site_records_one_view_naming_it(
    sensitive: Cast, client: Client, path: str
):
    supervisor = sensitive.person(Role.POLICE_SUPERVISOR)
    log_in(client, supervisor)
    assert client.get(path).status_code == 200
    [event] = views_recorded()
    assert event.detail["sites"] == [sensitive.site_b.pk]
    assert event.actor_name == supervisor.username


def test_the_organisation_page_listing_its_sensitive_site_records_the_view(
    sensitive: Cast, client: Client
):
    log_in(client, sensitive.person(Role.POLICE_SUPERVISOR))
    client.get(f"/organisations/{sensitive.org_b.pk}/")
    [event] = views_recorded()
    assert event.detail["sites"] == [sensitive.site_b.pk]


@pytest.mark.parametrize("path", ["/api/sites", f"/api/gatherings?{WEEK}",
                                  f"/api/gatherings?{WEEK}&ward=Bow+East"])
def test_an_api_answer_listing_a_sensitive_site_records_one_view(sensitive: Cast, path: str):
    response = api_client_for(sensitive.person(Role.POLICE_SUPERVISOR)).get(path)
    assert response.status_code == 200
    [event] = views_recorded()
    assert event.detail["sites"] == [sensitive.site_b.pk]


def test_a_borough_feed_fetch_records_a_view_by_its_owner(sensitive: Cast):
    owner = sensitive.person(Role.POLICE_SUPERVISOR)
    feed = Feed.every.create(user=owner, scope="borough")
    assert Client().get(f"/calendar/feeds/{feed.key}.ics").status_code == 200
    [event] = views_recorded()
    assert (event.actor_name, event.detail["sites"]) == (owner.username, [sensitive.site_b.pk])


def test_a_list_without_sensitive_sites_records_nothing(sensitive: Cast, client: Client):
    log_in(client, sensitive.person(Role.POLICE_SUPERVISOR))
    client.get("/sites/?faith=islam")
    client.get("/calendar/week/?ward=Whitechapel")
    assert views_recorded() == []
