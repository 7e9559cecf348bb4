"""What the schedule page says when a schedule contradicts itself or the site (issue 9): a
jama'ah rule that never takes effect, gatherings held at the same time, attendance beyond the
building's capacity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.calendars.models import CongregationRule, Event, JumuahSession, Service
from sanctuary.registry.models import Site
from tests.conftest import Cast, log_in

TODAY = date.today()


@pytest.fixture
def contact(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.SITE_CONTACT))


def url(site, part: str = "") -> str:
    return f"/sites/{site.pk}/schedule/" + (f"{part}/" if part else "")


def add_rule(client: Client, site, **fields: object):
    data = {f"rules-{name}": value for name, value in fields.items()}
    return client.post(url(site, "rules"), data, follow=True)


def shown(response, slug: str) -> list:
    section = next(s for s in response.context["sections"] if s.part.slug == slug)
    return section.rows


def test_a_fajr_rule_for_all_year_after_a_winter_one_is_listed_second_and_says_when_it_decides(
    cast: Cast, contact: Client
):
    add_rule(contact, cast.site_a, prayer="fajr", fixed_time="06:45", months=["11", "12", "1", "2"])
    response = add_rule(contact, cast.site_a, prayer="fajr", minutes_after_start="20")
    assert [str(m) for m in response.context["messages"]] == ["Saved."]
    rows = shown(response, "rules")
    assert [row.text for row in rows] == [
        "Fajr jama'ah 06:45 in November to February",
        "Fajr jama'ah start + 20 min, all year",
    ]
    assert rows[0].note == "1st for Fajr: decides on all its days"
    assert rows[1].note == (
        "2nd for Fajr: decides in March to October; on its other days Fajr 06:45 in November "
        "to February comes first"
    )
    assert not any(row.warning for row in rows)


def test_a_rule_that_can_never_take_effect_is_warned_of_on_saving_and_beside_it(
    cast: Cast, contact: Client
):
    add_rule(contact, cast.site_a, prayer="fajr", minutes_after_start="20")
    response = add_rule(contact, cast.site_a, prayer="fajr", fixed_time="05:30")
    said = [str(m) for m in response.context["messages"]]
    assert said[0] == "Saved."
    assert said[1].startswith("The rule 'Fajr jama'ah 05:30, all year' never takes effect")
    (first, second) = shown(response, "rules")
    assert not first.warning
    assert second.warning.startswith("Never takes effect: every one of its days goes to Fajr "
                                     "start + 20 min, all year")
    assert CongregationRule.objects.count() == 2  # warned, not refused


def test_the_preview_warns_of_a_rule_that_would_never_take_effect(cast: Cast, contact: Client):
    add_rule(contact, cast.site_a, prayer="isha", fixed_time="20:00")
    response = contact.post(url(cast.site_a, "preview"), {
        "part": "rules", "rules-prayer": "isha", "rules-fixed_time": "20:30"})
    page = response.content.decode()
    assert "Never takes effect" in page and "Isha jama&#x27;ah 20:30, all year" in page


def test_a_jumuah_session_running_into_other_prayers_is_warned_of_in_the_preview_and_on_saving(
    cast: Cast, contact: Client
):
    """Three hours after Dhuhr and two hours long, a session meets Asr's or Maghrib's jama'ah
    every Friday of the year, so the next 14 days (two Fridays) always show it."""
    data = {"jumuah-minutes_after_dhuhr": "180", "jumuah-duration_minutes": "120",
            "jumuah-attendance_percent": "50"}
    preview = contact.post(url(cast.site_a, "preview"), {"part": "jumuah", **data})
    text = preview.content.decode()
    assert "Held at the same time" in text
    assert "begins during Jumu&#x27;ah" in text or "during Jumu" in text or "Jumu&#x27;ah (" in text
    response = contact.post(url(cast.site_a, "jumuah"), data, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Two of this site's gatherings are held at the same time") for m in said)
    assert JumuahSession.objects.count() == 1  # warned, not refused


def test_a_schedule_without_clashes_gets_no_overlap_warning(cast: Cast, contact: Client):
    response = contact.post(url(cast.site_a, "jumuah"), {
        "jumuah-winter_time": "12:20", "jumuah-summer_time": "13:30",
        "jumuah-minutes_after_dhuhr": "15", "jumuah-duration_minutes": "40",
        "jumuah-attendance_percent": "50"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Saved."]


def test_two_services_at_the_same_hour_are_warned_of(cast: Cast, client: Client):
    log_in(client, cast.people["contact_b"])
    base = {"services-kind": "service", "services-start_time": "10:30",
            "services-duration_minutes": "60", "services-repeats": "daily"}
    client.post(url(cast.site_b, "services"), {**base, "services-label": "Morning prayer"})
    preview = client.post(url(cast.site_b, "preview"), {
        "part": "services", **base, "services-label": "Bible study",
        "services-start_time": "11:00"})
    assert "Bible study (11:00) begins during Morning prayer (10:30–11:30)" in preview.content.decode()


@pytest.fixture
def big_site(cast: Cast) -> Site:
    Site.objects.filter(pk=cast.site_a.pk).update(capacity=5000, typical_peak_attendance=4000)
    return Site.objects.get(pk=cast.site_a.pk)


def test_an_event_of_99999_people_at_a_5000_capacity_site_is_refused_with_the_numbers(
    big_site: Site, contact: Client
):
    day = TODAY + timedelta(days=3)
    response = contact.post(url(big_site, "events"), {
        "events-label": "Eid in the park", "events-kind": "community_event",
        "events-start": f"{day}T08:00", "events-end": f"{day}T10:00",
        "events-expected_attendance": "99999"})
    assert response.status_code == 200
    assert response.context["forms"]["events"].errors["expected_attendance"] == [
        "99,999 people is more than the site's capacity (5,000). Check the number, or correct "
        "the capacity on the site's page."
    ]
    assert not Event.objects.exists()


def test_a_service_beyond_capacity_is_refused_and_one_within_it_saved(big_site: Site, contact: Client):
    data = {"services-label": "Tafsir", "services-kind": "service", "services-start_time": "19:00",
            "services-duration_minutes": "60", "services-repeats": "weekly",
            "services-weekdays": ["0"], "services-expected_attendance": "5001"}
    response = contact.post(url(big_site, "services"), data)
    assert "5,001 people is more than the site&#x27;s capacity (5,000)" in response.content.decode()
    data["services-expected_attendance"] = "5000"
    assert contact.post(url(big_site, "services"), data).status_code == 302
    assert Service.objects.count() == 1


def test_jumuah_attendance_beyond_capacity_is_refused_with_the_people_it_means(
    big_site: Site, contact: Client
):
    data = {"jumuah-minutes_after_dhuhr": "15", "jumuah-duration_minutes": "45",
            "jumuah-attendance_percent": "150"}
    response = contact.post(url(big_site, "jumuah"), data)
    assert response.context["forms"]["jumuah"].errors["attendance_percent"] == [
        "150% of the site's typical peak (4,000) is 6,000 people, more than its capacity "
        "(5,000). Lower the percentage, or correct the figures on the site's page."
    ]
    data["jumuah-attendance_percent"] = "125"
    assert contact.post(url(big_site, "jumuah"), data).status_code == 302


def test_a_site_without_a_capacity_is_not_held_to_one(cast: Cast, contact: Client):
    Site.objects.filter(pk=cast.site_a.pk).update(capacity=None)
    day = TODAY + timedelta(days=3)
    response = contact.post(url(cast.site_a, "events"), {
        "events-label": "Open day", "events-kind": "community_event",
        "events-start": f"{day}T10:00", "events-end": f"{day}T12:00",
        "events-expected_attendance": "900"})
    assert response.status_code == 302
