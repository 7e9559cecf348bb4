"""From a site and its schedule to the engine's SiteCalendar, and the audited changes."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import engine, forms, services
from sanctuary.calendars.models import (
    ConfirmedDate,
    CongregationRule,
    Event,
    JumuahSession,
    Schedule,
    Service,
)
from sanctuary.calendars.parts import BY_SLUG
from sanctuary.registry.models import Site
from tests.conftest import Cast

LONDON = ZoneInfo("Europe/London")


def actor(user) -> Actor:
    return Actor.person(user, Channel.PAGE)


def test_a_site_with_no_schedule_gets_its_faiths_defaults(cast: Cast):
    calendar = services.site_calendar(cast.site_a)
    assert calendar == engine.SiteCalendar(
        site_id=str(cast.site_a.pk), faith=engine.Faith.ISLAM, latitude=cast.site_a.latitude,
        longitude=cast.site_a.longitude, ward="Whitechapel", typical_peak=200,
    )
    assert not Schedule.objects.exists()  # reading never writes


@pytest.mark.parametrize(
    ("peak", "capacity", "expected"), [(200, 300, 200), (None, 300, 300), (None, None, 100)]
)
def test_the_typical_peak_falls_back_to_capacity_then_100(cast: Cast, peak, capacity, expected):
    Site.objects.filter(pk=cast.site_a.pk).update(typical_peak_attendance=peak, capacity=capacity)
    site = Site.objects.get(pk=cast.site_a.pk)
    assert services.site_calendar(site).typical_peak == expected


def test_every_part_of_a_schedule_reaches_the_engine(cast: Cast):
    schedule = Schedule.objects.create(
        site=cast.site_a, timezone="Europe/London", method="MuslimWorldLeague", madhab="hanafi",
        high_latitude_rule="SeventhOfTheNight", moon_sighting_offset=1, daily_prayers="yes",
        faith_defaults=False,
    )
    CongregationRule.objects.create(schedule=schedule, prayer="isha", fixed_time=time(20, 0),
                                    months=[11, 12, 1, 2])
    JumuahSession.objects.create(schedule=schedule, winter_time=time(13, 15),
                                 summer_time=time(13, 30), attendance_percent=60)
    Service.objects.create(schedule=schedule, label="Tafsir", rule="FREQ=WEEKLY;BYDAY=SU",
                           start_time=time(11, 0), duration_minutes=60, cancelled=["2026-12-27"])
    start = datetime(2026, 12, 5, 19, 0, tzinfo=LONDON)
    Event.objects.create(schedule=schedule, label="Janazah", kind="funeral", start=start,
                         end=start.replace(hour=20), expected_attendance=400)
    ConfirmedDate.objects.create(schedule=schedule, festival="Eid al-Fitr", date=date(2027, 3, 10))
    site = services.with_schedules(Site.objects.filter(pk=cast.site_a.pk))[0]
    calendar = services.site_calendar(site)
    assert calendar.prayer_settings == engine.PrayerSettings(
        engine.CalculationMethod.MUSLIM_WORLD_LEAGUE, engine.Madhab.HANAFI,
        engine.HighLatitudeRule.SEVENTH_OF_THE_NIGHT,
    )
    assert calendar.moon_sighting_offset == 1 and calendar.daily_prayers is True
    assert calendar.congregation_rules == (engine.CongregationRule(
        engine.Prayer.ISHA, fixed_time=time(20, 0), months=frozenset({11, 12, 1, 2})),)
    assert calendar.jumuah_sessions == (engine.JumuahSession(time(13, 15), time(13, 30),
                                                             attendance_fraction=0.6),)
    (service,) = calendar.services or ()
    assert service.cancelled == frozenset({date(2026, 12, 27)})
    assert calendar.one_off_events[0].expected_attendance == 400
    assert calendar.confirmed_dates == frozenset({("Eid al-Fitr", date(2027, 3, 10))})
    assert calendar.observances == ()


def test_without_faith_defaults_a_church_with_no_services_has_no_gatherings(cast: Cast):
    Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    site = Site.objects.get(pk=cast.site_b.pk)
    calendar = services.site_calendar(site)
    assert calendar.services == () and calendar.jumuah_sessions == ()
    assert len(engine.build_timeline([calendar], date(2026, 12, 20), date(2026, 12, 27))) == 0


def test_every_change_is_audited(cast: Cast):
    contact = actor(cast.person(Role.SITE_CONTACT))
    form = forms.ServiceForm({"services-label": "Class", "services-kind": "service",
                              "services-rule": "FREQ=DAILY", "services-start_time": "19:00",
                              "services-duration_minutes": "60"}, site=cast.site_a)
    assert form.is_valid(), form.errors
    row = services.add_row(contact, cast.site_a, BY_SLUG["services"], form)
    services.remove_row(contact, cast.site_a, row)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "object_type"))
    assert actions == [("create", "calendars.schedule"), ("create", "calendars.service"),
                       ("delete", "calendars.service")]


def test_a_refused_timetable_writes_nothing(cast: Cast):
    contact = actor(cast.person(Role.SITE_CONTACT))
    with pytest.raises(engine.TimetableRejected):
        services.import_timetable(contact, cast.site_a, "date,fajr\n2026-01-01,06:00\n", "t.csv")
    assert not Schedule.objects.exists()
    assert not AuditEvent.objects.exists()


def test_services_refuse_a_site_the_writer_may_not_edit(cast: Cast):
    supervisor = actor(cast.person(Role.POLICE_SUPERVISOR))
    with pytest.raises(NotFound):
        services.clear_timetable(supervisor, cast.site_a)
    assert not Schedule.objects.exists()


@pytest.mark.parametrize(
    ("choices", "engine_enum"),
    [
        ("Method", "CalculationMethod"),
        ("Madhab", "Madhab"),
        ("HighLatitudeRule", "HighLatitudeRule"),
    ],
)
def test_every_choice_a_form_offers_is_one_the_engine_understands_and_back(
    choices: str, engine_enum: str
):
    """The forms' choices carry labels for people; the engine's enums carry the meaning."""
    from sanctuary.calendars import models as calendar_models

    offered = {value for value in getattr(calendar_models, choices).values if value}
    assert offered == {member.value for member in getattr(engine, engine_enum)}


def test_every_site_faith_is_an_engine_faith():
    from sanctuary.registry.models import Faith

    assert set(Faith.values) == {member.value for member in engine.Faith}
