"""Personal iCalendar feeds: valid iCalendar, only what the owner may see now, revocable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from sanctuary.access.models import Membership, Role
from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import services
from sanctuary.calendars.models import Feed, Schedule, Service
from tests.conftest import Cast, log_in


@pytest.fixture
def contact(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.SITE_CONTACT))


def make_feed(client: Client, **data: object) -> Feed:
    response = client.post("/calendar/feeds/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    return Feed.every.latest("id")


def fetch(feed: Feed) -> Calendar:
    response = Client().get(f"/calendar/feeds/{feed.key}.ics")  # a calendar app: no login
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_a_site_feed_is_valid_icalendar_with_one_event_per_gathering(cast: Cast, contact: Client):
    feed = make_feed(contact, scope="site", site=cast.site_a.pk)
    assert feed.key in contact.get("/calendar/feeds/").content.decode()  # the owner sees the link
    calendar = fetch(feed)
    events = calendar.walk("VEVENT")
    today = date.today()
    expected = services.gatherings([cast.site_a], today - timedelta(days=7), today + timedelta(days=60))
    assert len(events) == len(expected) > 60 * 5  # five jama'ahs a day, Jumu'ah, festivals
    first, gathering = events[0], expected[0].gathering
    assert first.decoded("dtstart") == gathering.start.astimezone(UTC)
    assert first.decoded("dtstart").tzinfo is not None
    assert first.decoded("dtstart").utcoffset() == timedelta(0)
    assert str(first["summary"]) == f"{gathering.label} — {cast.site_a.name}"
    assert f"Expected attendance: {gathering.expected_attendance}" in str(first["description"])
    assert "Certainty: expected" in str(first["description"])
    assert str(calendar["version"]) == "2.0"
    # UIDs are unique and stable from one fetch to the next
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert uids == [str(e["uid"]) for e in fetch(feed).walk("VEVENT")]


def test_a_service_appears_with_its_times_in_utc(cast: Cast, contact: Client):
    schedule = Schedule.objects.create(site=cast.site_a, daily_prayers="no", faith_defaults=False)
    Service.objects.create(schedule=schedule, label="Sunday school", rule="FREQ=WEEKLY;BYDAY=SU",
                           start_time=time(10, 0), duration_minutes=120, expected_attendance=90)
    feed = make_feed(contact, scope="site", site=cast.site_a.pk)
    events = fetch(feed).walk("VEVENT")
    assert events and {str(e["summary"]) for e in events} == {f"Sunday school — {cast.site_a.name}"}
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert end - start == timedelta(hours=2)
        # 10:00 in London is 10:00 or 09:00 UTC, as the clocks say
        assert (start.hour, start.minute) in {(10, 0), (9, 0)}
        assert start.weekday() == 6


def test_a_revoked_feed_answers_404_and_both_steps_are_audited(cast: Cast, contact: Client):
    feed = make_feed(contact, scope="borough")
    assert contact.post(f"/calendar/feeds/{feed.pk}/revoke/").status_code == 302
    assert Client().get(f"/calendar/feeds/{feed.key}.ics").status_code == 404
    assert feed.key not in contact.get("/calendar/feeds/").content.decode()
    events = AuditEvent.objects.filter(object_type="calendars.feed").order_by("id")
    assert [e.action for e in events] == ["create", "delete"]
    assert all(feed.key not in str(e.before) + str(e.after) + str(e.detail) for e in events)


def test_someone_elses_feed_cannot_be_revoked(cast: Cast, contact: Client, client: Client):
    theirs = Feed.every.create(user=cast.people["contact_b"], scope="borough")
    assert contact.post(f"/calendar/feeds/{theirs.pk}/revoke/").status_code == 404
    assert Feed.every.get(pk=theirs.pk).revoked_at is None


def test_a_feed_for_a_site_one_cannot_see_is_refused(cast: Cast, contact: Client):
    response = contact.post("/calendar/feeds/", {"scope": "site", "site": cast.site_b.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["site"]
    assert not Feed.every.exists()


def test_access_is_checked_again_on_every_fetch(cast: Cast, contact: Client):
    user = cast.person(Role.SITE_CONTACT)
    site_feed = make_feed(contact, scope="site", site=cast.site_a.pk)
    borough_feed = make_feed(contact, scope="borough")
    assert fetch(borough_feed).walk("VEVENT")
    Membership.objects.filter(user=user).delete()  # no longer a contact of organisation A
    assert Client().get(f"/calendar/feeds/{site_feed.key}.ics").status_code == 404
    assert fetch(borough_feed).walk("VEVENT") == []  # still a calendar, now with nothing in it
    user.is_active = False
    user.save()
    assert Client().get(f"/calendar/feeds/{borough_feed.key}.ics").status_code == 404


def test_a_ward_feed_holds_only_visible_sites_of_that_ward(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    feed = make_feed(client, scope="ward", ward="Bow East")
    summaries = {str(e["summary"]).split(" — ")[1] for e in fetch(feed).walk("VEVENT")}
    assert summaries == {cast.site_b.name}


def test_an_unknown_key_is_404(db):
    assert Client().get("/calendar/feeds/not-a-key.ics").status_code == 404


def test_the_feed_covers_a_week_back_and_two_months_ahead(cast: Cast, contact: Client):
    events = fetch(make_feed(contact, scope="site", site=cast.site_a.pk)).walk("VEVENT")
    starts = [e.decoded("dtstart") for e in events]
    now = datetime.now(UTC)
    assert min(starts) < now - timedelta(days=6)
    assert max(starts) > now + timedelta(days=59)
    assert min(starts) > now - timedelta(days=9) and max(starts) < now + timedelta(days=62)
