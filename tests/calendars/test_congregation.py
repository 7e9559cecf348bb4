"""Jama'ah rules as mosques publish them, and imported timetables that override computed times.

The timetable rows below are shaped like the East London Mosque's published monthly
timetable (eastlondonmosque.org.uk/prayer-times: date, begins and jama'ah for each prayer).
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from sanctuary.calendars.engine.congregation import TimetableRejected, read_timetable
from sanctuary.calendars.engine.model import (
    Certainty,
    CongregationRule,
    Faith,
    GatheringKind,
    Prayer,
    SiteCalendar,
)
from sanctuary.calendars.engine.prayer_times import prayer_timetable
from sanctuary.calendars.engine.timeline import build_timeline

LAT, LON = 51.5175, -0.0652


def site(**changes) -> SiteCalendar:
    return SiteCalendar(
        site_id="elm",
        faith=Faith.ISLAM,
        latitude=LAT,
        longitude=LON,
        typical_peak=1000,
        observances=(),
        **changes,
    )


def jamaah_on(day: date, **changes) -> dict[str, datetime]:
    found = build_timeline([site(**changes)], day, day).gatherings()
    # gatherings open ten minutes before the jama'ah
    return {
        g.label.split()[0]: g.start.replace(second=0)
        for g in found
        if g.kind is GatheringKind.PRAYER
    }


def minutes_after(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def test_without_rules_each_jamaah_follows_its_start_by_the_usual_interval():
    day = date(2026, 1, 14)
    starts = prayer_timetable(LAT, LON, day, 1).days[0]
    opened = jamaah_on(day)
    assert minutes_after(opened["Maghrib"], starts.maghrib) == -10 + 5
    assert minutes_after(opened["Isha"], starts.isha) == -10 + 15


def test_fixed_winter_times_and_offsets_apply_in_their_season_only():
    rules = (
        CongregationRule(Prayer.ISHA, fixed_time=time(19, 45), months=frozenset({11, 12, 1, 2})),
        CongregationRule(Prayer.MAGHRIB, minutes_after_start=10),
        CongregationRule(
            Prayer.DHUHR,
            fixed_time=time(13, 30),
            valid_from=date(2026, 3, 29),
            valid_to=date(2026, 10, 24),
        ),
    )
    winter = jamaah_on(date(2026, 1, 14), congregation_rules=rules)
    summer = jamaah_on(date(2026, 7, 15), congregation_rules=rules)
    assert winter["Isha"].time() == time(19, 35)
    assert summer["Isha"].time() != time(19, 35)
    assert summer["Dhuhr"].time() == time(13, 20)
    start = prayer_timetable(LAT, LON, date(2026, 1, 14), 1).days[0]
    assert minutes_after(winter["Maghrib"], start.maghrib) == -10 + 10


def test_the_first_matching_rule_wins():
    rules = (
        CongregationRule(
            Prayer.ISHA,
            fixed_time=time(21, 0),
            valid_from=date(2026, 1, 14),
            valid_to=date(2026, 1, 14),
        ),
        CongregationRule(Prayer.ISHA, fixed_time=time(20, 0)),
    )
    assert jamaah_on(date(2026, 1, 14), congregation_rules=rules)["Isha"].time() == time(20, 50)
    assert jamaah_on(date(2026, 1, 15), congregation_rules=rules)["Isha"].time() == time(19, 50)


def test_a_jamaah_is_never_held_before_the_prayer_begins():
    # Isha at 19:00 fixed all year would precede the start in June (after 22:00)
    rules = (CongregationRule(Prayer.ISHA, fixed_time=time(19, 0)),)
    start = prayer_timetable(LAT, LON, date(2026, 6, 21), 1).days[0]
    opened = jamaah_on(date(2026, 6, 21), congregation_rules=rules)["Isha"]
    assert minutes_after(opened, start.isha) == -10  # the jama'ah is at the start time itself


def test_a_rule_needs_exactly_one_kind_of_time():
    with pytest.raises(ValueError, match="exactly one"):
        CongregationRule(Prayer.ISHA)
    with pytest.raises(ValueError, match="exactly one"):
        CongregationRule(Prayer.ISHA, fixed_time=time(20, 0), minutes_after_start=5)


GOOD_CSV = """Date,Fajr,Fajr Jama'ah,Sunrise,Dhuhr,Dhuhr Jama'ah,Asr,Asr Jama'ah,Maghrib,Maghrib Jama'ah,Isha,Isha Jama'ah
2026-01-14,06:12,06:45,07:58,12:12,13:00,14:16,14:45,16:17,16:22,17:54,19:30
2026-01-15,06:11,06:45,07:57,12:13,13:00,14:17,14:45,16:19,16:24,17:55,19:30
2026-01-16,06:11,06:45,07:56,12:13,,14:19,14:45,16:20,16:25,17:57,19:30
"""


def test_an_imported_timetable_overrides_computed_times_and_is_confirmed():
    timetable = read_timetable(GOOD_CSV)
    assert timetable.first_day == date(2026, 1, 14) and timetable.last_day == date(2026, 1, 16)
    found = [
        g
        for g in build_timeline(
            [site(timetable=timetable)], date(2026, 1, 14), date(2026, 1, 14)
        ).gatherings()
    ]
    isha = next(g for g in found if g.label == "Isha jama'ah")
    assert isha.start.time() == time(19, 20)
    assert isha.certainty is Certainty.CONFIRMED
    # the day after the timetable ends falls back to computed times
    after = build_timeline(
        [site(timetable=timetable)], date(2026, 1, 17), date(2026, 1, 17)
    ).gatherings()
    assert all(g.certainty is Certainty.EXPECTED for g in after)


def test_a_timetable_with_missing_days_bad_order_and_unreadable_values_is_refused_whole():
    bad = """date,fajr,sunrise,dhuhr,asr,maghrib,isha,isha_jamaah
2026-01-14,06:12,07:58,12:12,14:16,16:17,17:54,19:30
2026-01-16,06:11,07:57,12:13,14:17,16:19,17:55,19:30
2026-01-17,06:11,07:56,12:13,14:19,16:20,15:57,19:30
2026-01-18,06:10,07:55,half past,14:20,16:22,17:58,17:00
2026-01-19,06:10,07:54,12:14,14:21,16:23,17:59,
"""
    with pytest.raises(TimetableRejected) as caught:
        read_timetable(bad)
    errors = [(e.row, e.column) for e in caught.value.errors]
    assert errors == [(3, "date"), (4, "isha"), (5, "dhuhr"), (5, "isha_jamaah")]
    reasons = [e.reason for e in caught.value.errors]
    assert reasons[0] == "days missing: 2026-01-15 to 2026-01-15"
    assert reasons[1] == "15:57 is not after maghrib 16:20"
    assert "not a 24-hour time" in reasons[2]
    assert reasons[3] == "17:00 is before the start time 17:58"
    assert "4 problem(s)" in str(caught.value)


def test_a_timetable_without_the_prayer_columns_is_refused():
    with pytest.raises(TimetableRejected) as caught:
        read_timetable("date,fajr,dhuhr\n2026-01-14,06:12,12:12\n")
    assert {(e.row, e.column) for e in caught.value.errors} == {
        (1, "sunrise"),
        (1, "asr"),
        (1, "maghrib"),
        (1, "isha"),
    }


def test_dates_may_be_written_the_british_way():
    text = (
        GOOD_CSV.replace("2026-01-14", "14/01/2026")
        .replace("2026-01-15", "15/01/2026")
        .replace("2026-01-16", "16/01/2026")
    )
    assert read_timetable(text).days[0].jamaah[4] == time(19, 30)
