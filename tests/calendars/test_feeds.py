"""Personal iCalendar feeds: valid iCalendar, only what the owner may see now, revocable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


# --- what a feed holds ----------------------------------------------------------------------------


def kinds_and_sizes(calendar: Calendar) -> list[tuple[str, int]]:
    found = []
    for event in calendar.walk("VEVENT"):
        people = int(str(event["description"]).split("Expected attendance: ")[1].split("\n")[0])
        found.append((str(event["categories"].cats[0]), people))
    return found


@pytest.fixture
def busy(cast: Cast) -> Cast:
    """The mosque's typical peak is 3,000: its Maghrib (12%) and Isha (10%) pass 200, its Fajr
    (5%) does not; Jumu'ah is 3,000. The church's Sunday service is 200."""
    cast.site_a.typical_peak_attendance = 3000
    cast.site_a.save()
    return cast


def test_the_borough_feed_holds_by_default_what_an_inspector_plans_cover_for(
    busy: Cast, client: Client
):
    log_in(client, busy.person(Role.POLICE_SUPERVISOR))
    feed = make_feed(client, scope="borough")
    assert (feed.min_people, feed.daily_prayers, feed.faiths, feed.per_day) == (200, False, [], 20)
    found = kinds_and_sizes(fetch(feed))
    assert found and all(people >= 200 for _, people in found)
    assert "prayer" not in {kind for kind, _ in found}
    assert {"jumuah", "service"} <= {kind for kind, _ in found}
    today = date.today()
    every = services.gatherings([busy.site_a, busy.site_b], today - timedelta(days=7),
                                today + timedelta(days=60))
    expected = [g for g in every if g.gathering.expected_attendance >= 200
                and g.gathering.kind != "prayer"]
    assert len(found) == len(expected) < len(every) / 4


def test_a_feed_takes_a_minimum_size_faiths_and_the_daily_prayers(busy: Cast, client: Client):
    log_in(client, busy.person(Role.POLICE_SUPERVISOR))
    everything = make_feed(client, scope="borough", min_people=0, daily_prayers="keep")
    today = date.today()
    every = services.gatherings([busy.site_a, busy.site_b], today - timedelta(days=7),
                                today + timedelta(days=60))
    assert len(fetch(everything).walk("VEVENT")) == len(every)
    large = make_feed(client, scope="borough", min_people=1000, daily_prayers="keep")
    large_kinds = {kind for kind, _ in kinds_and_sizes(fetch(large))}
    assert large_kinds and large_kinds <= {"jumuah", "festival", "eid_prayer"}
    churches = make_feed(client, scope="borough", min_people=0, faiths=["christianity"])
    summaries = {str(e["summary"]).split(" — ")[1] for e in fetch(churches).walk("VEVENT")}
    assert summaries == {busy.site_b.name}
    prayers = make_feed(client, scope="site", site=busy.site_a.pk, daily_prayers="leave-out")
    assert "prayer" not in {kind for kind, _ in kinds_and_sizes(fetch(prayers))}


def test_a_ward_feed_leaves_out_the_daily_prayers_and_a_site_feed_keeps_them(
    busy: Cast, client: Client
):
    log_in(client, busy.person(Role.POLICE_SUPERVISOR))
    ward = make_feed(client, scope="ward", ward="Whitechapel")
    assert (ward.min_people, ward.daily_prayers) == (0, False)
    assert "prayer" not in {kind for kind, _ in kinds_and_sizes(fetch(ward))}
    site = make_feed(client, scope="site", site=busy.site_a.pk)
    assert (site.min_people, site.daily_prayers) == (0, True)
    assert "prayer" in {kind for kind, _ in kinds_and_sizes(fetch(site))}


def test_a_feed_made_before_options_still_holds_everything(cast: Cast):
    old = Feed.every.create(user=cast.person(Role.POLICE_SUPERVISOR), scope="borough")
    today = date.today()
    every = services.gatherings([cast.site_a, cast.site_b], today - timedelta(days=7),
                                today + timedelta(days=60))
    assert len(fetch(old).walk("VEVENT")) == len(every)


def test_the_feeds_page_says_what_each_feed_holds(busy: Cast, client: Client):
    log_in(client, busy.person(Role.POLICE_SUPERVISOR))
    make_feed(client, scope="borough")
    make_feed(client, scope="borough", min_people=50, faiths=["islam", "sikhism"])
    page = client.get("/calendar/feeds/").content.decode()
    assert "Gatherings of 200 people or more, no daily prayers" in page
    assert "Gatherings of 50 people or more, no daily prayers, Islam and Sikhism only" in page


def test_bad_options_are_refused_beside_their_fields(cast: Cast, contact: Client):
    response = contact.post("/calendar/feeds/", {"scope": "borough", "min_people": "-1",
                                                 "faiths": ["atlantis"], "daily_prayers": "maybe",
                                                 "per_day": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["min_people"] and errors["faiths"] and errors["daily_prayers"] and errors["per_day"]
    assert not Feed.every.exists()


def test_the_options_are_in_the_audit_record(cast: Cast, contact: Client):
    make_feed(contact, scope="borough", min_people=300)
    created = AuditEvent.objects.get(object_type="calendars.feed", action="create")
    after = created.after
    assert (after["min_people"], after["daily_prayers"], after["per_day"]) == (300, False, 20)


def test_a_fetch_audits_only_the_sensitive_sites_the_feed_shows(busy: Cast):
    busy.site_b.is_sensitive = True
    busy.site_b.save()
    owner = busy.person(Role.POLICE_SUPERVISOR)
    mosques = Feed.every.create(user=owner, scope="borough", faiths=["islam"])
    assert fetch(mosques).walk("VEVENT")
    large = Feed.every.create(user=owner, scope="borough", min_people=1000)  # not the church's 200
    assert fetch(large).walk("VEVENT")
    assert not AuditEvent.objects.filter(action="view").exists()
    assert fetch(Feed.every.create(user=owner, scope="borough", min_people=200)).walk("VEVENT")
    [seen] = AuditEvent.objects.filter(action="view")
    assert seen.detail["sites"] == [busy.site_b.pk]


def test_a_feed_can_hold_only_the_largest_gatherings_of_each_day(busy: Cast, client: Client):
    log_in(client, busy.person(Role.POLICE_SUPERVISOR))
    feed = make_feed(client, scope="borough", min_people=0, daily_prayers="keep", per_day=2)
    london = ZoneInfo("Europe/London")
    by_day: dict[date, list[int]] = {}
    for event in fetch(feed).walk("VEVENT"):
        day = event.decoded("dtstart").astimezone(london).date()
        people = int(str(event["description"]).split("Expected attendance: ")[1].split("\n")[0])
        by_day.setdefault(day, []).append(people)
    today = date.today()
    every = services.gatherings([busy.site_a, busy.site_b], today - timedelta(days=7),
                                today + timedelta(days=60))
    for day, sizes in by_day.items():
        of_day = sorted((g.gathering.expected_attendance for g in every
                         if g.gathering.start.date() == day), reverse=True)
        assert sorted(sizes, reverse=True) == of_day[:2], day
    assert len(by_day) == 68  # every day of the feed has gatherings: the mosque's jama'ahs


def test_a_reader_of_two_areas_subscribes_to_one_of_them(cast: Cast):
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN))
    made = national.post("/calendar/feeds/", {"scope": "area", "area": "E09000012"})
    assert made.status_code == 302, made.content.decode()[:1500]
    feed = Feed.every.latest("id")
    assert str(feed) == "Feed: Hackney"

    body = national.get(f"/calendar/feeds/{feed.key}.ics").content.decode()

    assert cast.site_c.name in body
    assert cast.site_a.name not in body and cast.site_b.name not in body
    assert "X-WR-CALNAME:Sanctuary: Hackney" in body


def test_an_area_feed_needs_an_area_one_reads_and_is_not_offered_to_one_area(cast: Cast):
    national = cast.client_for(cast.person(Role.NATIONAL_ADMIN))
    missing = national.post("/calendar/feeds/", {"scope": "area"})
    assert missing.context["form"].errors["area"] == ["Choose the area."]
    supervisor = cast.client_for(cast.person(Role.POLICE_SUPERVISOR))  # Tower Hamlets only
    page = supervisor.get("/calendar/feeds/")
    assert "area" not in page.context["form"].fields
    refused = supervisor.post("/calendar/feeds/", {"scope": "area", "area": "E09000012"})
    assert refused.status_code == 200 and not Feed.every.exists()
