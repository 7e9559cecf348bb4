"""Gatherings at sites over a period, and people gathered per hour.

Reference dates used here: Ramadan 1447 from 18 Feb 2026 and Eid al-Fitr 20 Mar 2026 (Umm
al-Qura calendar, ummulqura.org.sa); Easter Day 5 Apr 2026 (Church of England); British
Summer Time 29 Mar 2026 01:00 UTC to 25 Oct 2026 01:00 UTC (gov.uk/when-do-the-clocks-change).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine.festivals import YearNotCovered
from sanctuary.calendars.engine.hourly import people_per_hour
from sanctuary.calendars.engine.model import (
    CalculationMethod,
    Certainty,
    Faith,
    GatheringKind,
    HighLatitudeRule,
    JumuahSession,
    Observance,
    OneOffEvent,
    PrayerSettings,
    ServiceRule,
    SiteCalendar,
)
from sanctuary.calendars.engine.prayer_times import sun_depression_seconds
from sanctuary.calendars.engine.timeline import build_timeline, shabbat_spans

LONDON = ZoneInfo("Europe/London")


def mosque(**changes) -> SiteCalendar:
    return SiteCalendar(
        site_id="east-london-mosque",
        faith=Faith.ISLAM,
        latitude=51.5175,
        longitude=-0.0652,
        ward="Whitechapel",
        typical_peak=2000,
        **changes,
    )


def church(**changes) -> SiteCalendar:
    return SiteCalendar(
        site_id="christ-church",
        faith=Faith.CHRISTIANITY,
        latitude=51.5194,
        longitude=-0.0736,
        ward="Spitalfields",
        typical_peak=250,
        **changes,
    )


def synagogue(**changes) -> SiteCalendar:
    return SiteCalendar(
        site_id="sandys-row",
        faith=Faith.JUDAISM,
        latitude=51.5176,
        longitude=-0.0770,
        ward="Spitalfields",
        typical_peak=150,
        **changes,
    )


def gatherings(site, first, last=None):
    return list(build_timeline([site], first, last or first).gatherings())


def test_an_unconfigured_mosque_gets_five_daily_prayers():
    found = gatherings(mosque(), date(2026, 1, 14))  # a Wednesday outside Ramadan
    assert [g.label for g in found] == [
        "Fajr jama'ah",
        "Dhuhr jama'ah",
        "Asr jama'ah",
        "Maghrib jama'ah",
        "Isha jama'ah",
    ]
    assert all(g.kind is GatheringKind.PRAYER and g.certainty is Certainty.EXPECTED for g in found)
    assert all(g.start.date() == date(2026, 1, 14) for g in found)


def test_jumuah_replaces_dhuhr_at_1315_in_winter_and_1330_in_summer():
    winter = gatherings(mosque(), date(2026, 1, 16))
    summer = gatherings(mosque(), date(2026, 7, 17))
    for day, khutbah in ((winter, time(13, 15)), (summer, time(13, 30))):
        labels = [g.label for g in day]
        assert "Dhuhr jama'ah" not in labels
        jumuah = next(g for g in day if g.kind is GatheringKind.JUMUAH)
        assert (jumuah.start + timedelta(minutes=15)).astimezone(LONDON).time() == khutbah
        assert jumuah.expected_attendance == 2000


def test_several_jumuah_sessions_each_count_their_own_people():
    sessions = (
        JumuahSession(time(12, 45), time(13, 15), attendance_fraction=0.5),
        JumuahSession(time(13, 45), time(14, 15), attendance_fraction=0.5),
    )
    found = [
        g
        for g in gatherings(mosque(jumuah_sessions=sessions), date(2026, 1, 16))
        if g.kind is GatheringKind.JUMUAH
    ]
    assert [g.label for g in found] == ["Jumu'ah (session 1)", "Jumu'ah (session 2)"]
    assert [g.expected_attendance for g in found] == [1000, 1000]
    assert all(g.certainty is Certainty.CONFIRMED for g in found)


def test_ramadan_brings_taraweeh_every_night_and_more_people_on_the_odd_last_nights():
    found = build_timeline([mosque()], date(2026, 2, 17), date(2026, 3, 19)).gatherings()
    taraweeh = [g for g in found if g.kind is GatheringKind.TARAWEEH]
    assert len(taraweeh) == 30  # Ramadan 1447 has 30 days in the Umm al-Qura table
    assert taraweeh[0].start.date() == date(2026, 2, 17)  # the night before the first fast
    odd = [g for g in taraweeh if "odd night" in g.label]
    assert [g.label.split()[-5] for g in odd] == ["21", "23", "25", "27", "29"]
    assert max(taraweeh, key=lambda g: g.expected_attendance).label.startswith(
        "Taraweeh, odd night 27"
    )
    assert all(g.certainty is Certainty.UNCERTAIN_DATE for g in taraweeh)


def test_eid_prayers_move_with_the_sites_moon_sighting_and_firm_up_when_confirmed():
    def eid(site):
        return [
            g
            for g in gatherings(site, date(2026, 3, 19), date(2026, 3, 22))
            if g.kind is GatheringKind.EID_PRAYER
        ]

    table = eid(mosque())
    assert {g.start.date() for g in table} == {date(2026, 3, 20)}
    assert len(table) == 2 and all(g.certainty is Certainty.UNCERTAIN_DATE for g in table)
    sighted = eid(mosque(moon_sighting_offset=1))
    assert {g.start.date() for g in sighted} == {date(2026, 3, 21)}
    confirmed = eid(mosque(confirmed_dates=frozenset({("Eid al-Fitr", date(2026, 3, 21))})))
    assert {g.start.date() for g in confirmed} == {date(2026, 3, 21)}
    assert all(g.certainty is Certainty.EXPECTED for g in confirmed)


def test_a_sunday_service_keeps_its_local_time_across_the_clock_change():
    found = gatherings(church(), date(2026, 3, 22), date(2026, 3, 29))
    sundays = [g for g in found if g.kind is GatheringKind.SERVICE]
    assert [g.start.astimezone(LONDON).time() for g in sundays] == [time(10, 30), time(10, 30)]
    assert [g.start.astimezone(UTC).hour for g in sundays] == [10, 9]


def test_easter_day_replaces_the_regular_sunday_service_rather_than_doubling_it():
    found = gatherings(church(), date(2026, 4, 5))
    assert [(g.label, g.expected_attendance) for g in found] == [("Easter", 375)]


def test_explicit_services_with_a_cancelled_date_and_one_off_events():
    site = church(
        services=(
            ServiceRule(
                "Midweek communion",
                "FREQ=WEEKLY;BYDAY=WE",
                time(12, 0),
                45,
                expected_attendance=40,
                cancelled=frozenset({date(2026, 1, 21)}),
            ),
        ),
        one_off_events=(
            OneOffEvent(
                "Vigil for peace",
                GatheringKind.VIGIL,
                datetime(2026, 1, 22, 18, 0),
                datetime(2026, 1, 22, 19, 30),
                400,
            ),
        ),
        observances=(),
    )
    found = gatherings(site, date(2026, 1, 12), date(2026, 1, 25))
    assert [(g.start.date(), g.label, g.expected_attendance) for g in found] == [
        (date(2026, 1, 14), "Midweek communion", 40),
        (date(2026, 1, 22), "Vigil for peace", 400),
    ]
    vigil = found[1]
    assert vigil.kind is GatheringKind.VIGIL and vigil.certainty is Certainty.CONFIRMED
    assert vigil.start == datetime(2026, 1, 22, 18, 0, tzinfo=LONDON)


def test_a_synagogue_gathers_at_candle_lighting_on_friday_and_on_shabbat_morning():
    found = gatherings(synagogue(), date(2026, 1, 16), date(2026, 1, 17))
    assert [g.kind for g in found] == [GatheringKind.SHABBAT, GatheringKind.SHABBAT]
    friday, saturday = found
    sunset = sun_depression_seconds([51.5176], [-0.0770], [date(2026, 1, 16)], 50 / 60)[0, 0]
    assert 18 * 60 <= sunset - friday.start.timestamp() < 19 * 60
    assert saturday.start.astimezone(LONDON).time() == time(9, 30)


@settings(max_examples=40, deadline=None)
@given(week=st.integers(0, 52 * 30), latitude=st.floats(-50, 58), longitude=st.floats(-10, 10))
def test_shabbat_always_spans_friday_sunset_to_after_saturday_sunset(week, latitude, longitude):
    friday = date(2020, 1, 3) + timedelta(weeks=week)
    ((start, end),) = shabbat_spans(latitude, longitude, [friday], "Europe/London")
    friday_sunset, saturday_sunset = sun_depression_seconds(
        [latitude], [longitude], [friday, friday + timedelta(days=1)], 50 / 60
    )[0]
    assert start.timestamp() < friday_sunset < saturday_sunset < end.timestamp()
    assert timedelta(hours=24) < end - start < timedelta(hours=27)


def test_people_per_hour_counts_part_hours_in_proportion():
    site = church(
        services=(),
        observances=(),
        one_off_events=(
            OneOffEvent(
                "Funeral",
                GatheringKind.FUNERAL,
                datetime(2026, 2, 3, 11, 40),
                datetime(2026, 2, 3, 13, 0),
                300,
            ),
        ),
    )
    timeline = build_timeline([site], date(2026, 2, 3), date(2026, 2, 3))
    hours = people_per_hour(
        timeline, datetime(2026, 2, 3, tzinfo=LONDON), datetime(2026, 2, 4, tzinfo=LONDON)
    )
    assert hours.people.shape == (1, 24)
    assert hours.people[0, 11] == pytest.approx(100.0)  # 11:40-12:00: a third of the hour
    assert hours.people[0, 12] == pytest.approx(300.0)
    assert hours.people[0, 13] == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("day", "hours_in_day"),
    [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)],
)
def test_the_hourly_timeline_neither_loses_nor_doubles_an_hour_when_the_clocks_change(
    day, hours_in_day
):
    sites = [mosque(), church(), synagogue()]
    timeline = build_timeline(sites, day - timedelta(days=1), day + timedelta(days=1))
    start = datetime.combine(day, time(0), tzinfo=LONDON)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON)
    hourly = people_per_hour(timeline, start, end, by="borough")
    assert hourly.people.shape == (1, hours_in_day)
    assert (np.diff(hourly.hour_starts) == 3600).all()
    assert len({h.isoformat() for h in hourly.local_hours("Europe/London")}) == hours_in_day
    # every person-hour of the day is counted once
    s = np.clip(timeline.start, start.timestamp(), end.timestamp())
    e = np.clip(timeline.end, start.timestamp(), end.timestamp())
    assert hourly.people.sum() == pytest.approx((timeline.attendance * (e - s) / 3600).sum())


def test_site_ward_and_borough_totals_agree():
    sites = [mosque(), church(), synagogue()]
    timeline = build_timeline(sites, date(2026, 4, 1), date(2026, 4, 7))
    start, end = datetime(2026, 4, 1, tzinfo=LONDON), datetime(2026, 4, 8, tzinfo=LONDON)
    by_site = people_per_hour(timeline, start, end, by="site")
    by_ward = people_per_hour(timeline, start, end, by="ward")
    borough = people_per_hour(timeline, start, end, by="borough")
    assert by_ward.groups == ("Spitalfields", "Whitechapel")
    assert np.allclose(by_ward.people.sum(axis=0), borough.people[0])
    assert np.allclose(by_site.people.sum(axis=0), borough.people[0])
    assert np.allclose(by_ward.people[1], by_site.people[0])


def test_gatherings_are_trimmed_to_the_period_in_the_sites_own_zone():
    timeline = build_timeline([mosque()], date(2026, 1, 14), date(2026, 1, 14))
    day_start = datetime(2026, 1, 14, tzinfo=LONDON).timestamp()
    day_end = datetime(2026, 1, 15, tzinfo=LONDON).timestamp()
    assert ((timeline.end > day_start) & (timeline.start < day_end)).all()
    assert (np.diff(timeline.start) >= 0).all()


def test_a_fortnightly_rule_keeps_its_anchor_and_exdate_lines_cancel():
    fortnightly = ServiceRule(
        "Family service",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=SU\nEXDATE:20260215T160000",
        time(16, 0),
        60,
        expected_attendance=60,
        starts_on=date(2026, 1, 4),
    )
    site = church(services=(fortnightly,), observances=())
    found = gatherings(site, date(2026, 1, 10), date(2026, 2, 28))
    assert [g.start.date() for g in found] == [date(2026, 1, 18), date(2026, 2, 1)]


def test_a_service_rule_that_is_not_rfc_5545_is_refused_with_the_site_and_service_named():
    site = church(services=(ServiceRule("Evensong", "EVERY SUNDAY", time(18, 0), 60),))
    with pytest.raises(
        ValueError, match="site christ-church, service 'Evensong': not an RFC 5545 rule"
    ):
        build_timeline([site], date(2026, 1, 1), date(2026, 1, 31))


def test_a_local_time_skipped_by_the_clock_change_moves_an_hour_later():
    night_vigil = ServiceRule(
        "Night vigil", "FREQ=WEEKLY;BYDAY=SU", time(1, 30), 60, expected_attendance=30
    )
    found = gatherings(church(services=(night_vigil,), observances=()), date(2026, 3, 29))
    assert [g.start.astimezone(LONDON).strftime("%H:%M %Z") for g in found] == ["02:30 BST"]


def test_a_site_elsewhere_keeps_its_own_zone_and_summer_rules():
    karachi = SiteCalendar(
        site_id="karachi",
        faith=Faith.ISLAM,
        latitude=24.86,
        longitude=67.01,
        timezone="Asia/Karachi",
        typical_peak=500,
    )
    found = gatherings(karachi, date(2026, 7, 17))  # a Friday; Pakistan keeps no summer time
    jumuah = next(g for g in found if g.kind is GatheringKind.JUMUAH)
    assert (jumuah.start + timedelta(minutes=15)).strftime("%H:%M %z") == "13:15 +0500"
    fajr = next(g for g in found if g.label == "Fajr jama'ah")
    assert 4 <= fajr.start.hour <= 5


def test_an_unknown_time_zone_or_festival_is_refused_clearly():
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Londres'"):
        church(timezone="Europe/Londres")
    site = church(observances=(Observance("Candlemas", time(10, 0), 60, 0.5),))
    with pytest.raises(ValueError, match="unknown festival\\(s\\) Candlemas"):
        build_timeline([site], date(2026, 2, 1), date(2026, 2, 2))


def test_a_period_beyond_a_festival_table_is_refused_not_guessed():
    mandir = SiteCalendar(site_id="mandir", faith=Faith.HINDUISM, latitude=51.55, longitude=-0.28)
    with pytest.raises(YearNotCovered, match="tabled for 2015-2035 only, not 2036"):
        build_timeline([mandir], date(2036, 1, 1), date(2036, 12, 31))


def test_gatherings_print_as_json_in_local_time():
    first = next(iter(build_timeline([church()], date(2026, 7, 5), date(2026, 7, 5)).gatherings()))
    assert first.as_json() == {
        "site": "christ-church",
        "start": "2026-07-05T10:30:00+01:00",
        "end": "2026-07-05T12:00:00+01:00",
        "kind": "service",
        "label": "Sunday service",
        "expected_attendance": 250,
        "certainty": "expected",
    }


def test_the_same_sites_give_the_same_timeline():
    sites = [mosque(), church(), synagogue()]
    one = build_timeline(sites, date(2026, 3, 1), date(2026, 4, 30))
    two = build_timeline(sites, date(2026, 3, 1), date(2026, 4, 30))
    assert list(one.gatherings()) == list(two.gatherings())


@settings(max_examples=60, deadline=None)
@given(
    events=st.lists(
        st.tuples(
            st.datetimes(datetime(2026, 3, 27), datetime(2026, 3, 31), timezones=st.just(UTC)),
            st.integers(1, 600),
            st.integers(1, 5000),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_people_hours_are_conserved_whatever_the_gatherings(events):
    # instants given in UTC around the March clock change; the bins must still hold every person-hour
    site = church(
        services=(),
        observances=(),
        one_off_events=tuple(
            OneOffEvent(
                f"event {n}",
                GatheringKind.COMMUNITY_EVENT,
                start,
                start + timedelta(minutes=minutes),
                people,
            )
            for n, (start, minutes, people) in enumerate(events)
        ),
    )
    timeline = build_timeline([site], date(2026, 3, 26), date(2026, 4, 2))
    hourly = people_per_hour(
        timeline, datetime(2026, 3, 26, tzinfo=LONDON), datetime(2026, 4, 3, tzinfo=LONDON)
    )
    expected = sum(people * minutes / 60 for _, minutes, people in events)
    assert hourly.people.sum() == pytest.approx(expected)
    assert (hourly.people >= 0).all()
    # no bin holds more than everyone present at once
    assert hourly.people.max() <= sum(people for _, _, people in events) + 1e-6


def test_a_naive_event_starting_in_the_skipped_hour_still_ends_after_it_starts():
    # 01:10 does not exist on 29 March 2026 in London: read as 02:10 BST, after the 02:05 end
    event = OneOffEvent(
        "Night vigil",
        GatheringKind.VIGIL,
        datetime(2026, 3, 29, 1, 10),
        datetime(2026, 3, 29, 2, 5),
        50,
    )
    (found,) = gatherings(
        church(services=(), observances=(), one_off_events=(event,)), date(2026, 3, 29)
    )
    assert found.start.astimezone(LONDON).strftime("%H:%M") == "02:10"
    assert found.end - found.start == timedelta(minutes=55)


def test_hanukkah_candles_are_lit_on_eight_evenings_from_the_eve_of_the_first_day():
    # Hanukkah 5786: first day 15 Dec 2025, first candle on the evening of 14 Dec (hebcal.com)
    found = [
        g
        for g in gatherings(synagogue(), date(2025, 12, 10), date(2025, 12, 25))
        if g.label == "Hanukkah"
    ]
    assert [g.start.date() for g in found] == [
        date(2025, 12, 14) + timedelta(days=k) for k in range(8)
    ]


def test_a_mosque_that_asks_for_a_rule_its_method_lacks_is_named_in_the_refusal():
    site = mosque(
        prayer_settings=PrayerSettings(
            method=CalculationMethod.KARACHI, high_latitude_rule=HighLatitudeRule.SEASON_ADJUSTED
        )
    )
    with pytest.raises(
        ValueError, match="site east-london-mosque: SeasonAdjusted is the MoonsightingCommittee's"
    ):
        build_timeline([site], date(2026, 1, 1), date(2026, 1, 2))


def test_a_committee_mosque_that_asks_for_another_rule_gathers_as_the_committee_says():
    # the Adhan libraries accept any rule with the committee and apply its own
    asked = mosque(
        prayer_settings=PrayerSettings(high_latitude_rule=HighLatitudeRule.TWILIGHT_ANGLE)
    )
    period = (date(2026, 6, 20), date(2026, 6, 22))
    assert list(gatherings(asked, *period)) == list(gatherings(mosque(), *period))
