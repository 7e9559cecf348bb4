"""Each faith's schedule page speaks that faith's language and shows only what applies to it
(issue 9: a church was asked for a prayer-time method, madhab and moon sighting, and told about
jama'ah, Jumu'ah and lunar dates)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.calendars.models import Schedule
from sanctuary.registry.models import Faith, Site
from tests.conftest import Cast, log_in

PRAYER_WORDS = ("jama'ah", "jama&#x27;ah", "Jumu'ah", "Jumu&#x27;ah", "madhab", "Madhab",
                "moon sighting", "Moon sighting", "Umm al-Qura", "prayer-time method",
                "Prayer times", "lunar", "Lunar", "Fajr", "Islamic")


@pytest.fixture
def admin(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.PROGRAMME_ADMIN))


def page_of(client: Client, site: Site) -> str:
    response = client.get(f"/sites/{site.pk}/schedule/")
    assert response.status_code == 200
    # the page without its preview, whose gatherings are the engine's (and its help)
    return re.sub(r'<aside class="preview-panel".*?</aside>', "", response.content.decode(), flags=re.S)


def as_faith(site: Site, faith: str) -> Site:
    Site.objects.filter(pk=site.pk).update(faith=faith)
    return Site.objects.get(pk=site.pk)


@pytest.mark.parametrize(
    "faith", [Faith.CHRISTIANITY, Faith.JUDAISM, Faith.SIKHISM, Faith.HINDUISM, Faith.BUDDHISM]
)
def test_a_site_of_another_faith_is_not_asked_about_the_daily_prayers(cast, admin, faith):
    site = as_faith(cast.site_b, faith)
    page = page_of(admin, site)
    found = [word for word in PRAYER_WORDS if word in page]
    assert found == []
    form = admin.get(f"/sites/{site.pk}/schedule/").context["forms"]["settings"]
    assert set(form.fields) == {"timezone", "faith_defaults"}


def test_a_mosque_is_asked_about_method_madhab_moon_sighting_jamaah_and_jumuah(cast, admin):
    response = admin.get(f"/sites/{cast.site_a.pk}/schedule/")
    assert set(response.context["forms"]["settings"].fields) == {
        "timezone", "daily_prayers", "method", "madhab", "high_latitude_rule",
        "moon_sighting_offset", "faith_defaults",
    }
    titles = [section.words.title for section in response.context["sections"]]
    assert titles == ["Jama'ah times", "Jumu'ah", "Classes, circles and other regular gatherings",
                      "One-off events", "Confirmed Islamic dates"]
    assert 'id="timetable"' in response.content.decode()


@pytest.mark.parametrize(
    ("faith", "titles", "assumed"),
    [
        (Faith.CHRISTIANITY, ["Services", "One-off events"],
         "Sunday service (every Sunday at 10:30)"),
        (Faith.JUDAISM, ["Services", "One-off events"],
         "Shabbat morning service (every Saturday at 09:30) and the Friday evening service "
         "from candle lighting"),
        (Faith.SIKHISM, ["Diwan and other services", "One-off events",
                         "Festival dates that move each year"], "Sunday diwan (every Sunday at 10:00)"),
        (Faith.HINDUISM, ["Aarti, puja and other services", "One-off events",
                          "Festival dates that move each year"], "Sunday aarti (every Sunday at 18:30)"),
        (Faith.BUDDHISM, ["Puja, meditation and other services", "One-off events",
                          "Festival dates that move each year"], "Sunday puja (every Sunday at 10:00)"),
    ],
)
def test_each_faith_sees_its_own_parts_in_its_own_words(cast, admin, faith, titles, assumed):
    site = as_faith(cast.site_b, faith)
    response = admin.get(f"/sites/{site.pk}/schedule/")
    assert [section.words.title for section in response.context["sections"]] == titles
    assert f"Until you list your own, we assume: {assumed}." in response.content.decode()


def test_the_assumed_services_are_not_promised_once_the_faith_defaults_are_off(cast, admin):
    Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    page = page_of(admin, cast.site_b)
    assert "we assume" not in page and "None listed." in page


def test_a_church_posting_a_madhab_changes_nothing_of_it(cast, admin):
    response = admin.post(f"/sites/{cast.site_b.pk}/schedule/settings/", {
        "settings-timezone": "Europe/London", "settings-faith_defaults": "on",
        "settings-madhab": "hanafi", "settings-method": "Karachi", "settings-moon_sighting_offset": "1"})
    assert response.status_code == 302
    schedule = Schedule.objects.get(site=cast.site_b)
    assert (schedule.madhab, schedule.method, schedule.moon_sighting_offset) == (
        "shafi", "MoonsightingCommittee", 0)


def test_a_shabbat_service_is_a_synagogues_kind(cast, admin):
    church = admin.get(f"/sites/{cast.site_b.pk}/schedule/").context["forms"]["services"]
    assert "shabbat" not in dict(church.fields["kind"].choices)
    synagogue = as_faith(cast.site_b, Faith.JUDAISM)
    form = admin.get(f"/sites/{synagogue.pk}/schedule/").context["forms"]["services"]
    assert "shabbat" in dict(form.fields["kind"].choices)


def test_a_site_of_no_listed_faith_that_holds_the_prayers_gets_the_prayer_parts(cast, admin):
    site = as_faith(cast.site_b, Faith.OTHER)
    form = admin.get(f"/sites/{site.pk}/schedule/").context["forms"]["settings"]
    assert set(form.fields) == {"timezone", "daily_prayers", "faith_defaults"}
    Schedule.objects.create(site=site, daily_prayers="yes")
    response = admin.get(f"/sites/{site.pk}/schedule/")
    assert {"method", "madhab"} <= set(response.context["forms"]["settings"].fields)
    assert "Jama'ah times" in [section.words.title for section in response.context["sections"]]
