"""Prayer start times against reference timetables, adhanpy, and invariants.

References, each cited where used:
- adhan-js test vectors (batoulapps/adhan-js, Shared/Times/*.json), official timetables:
  Tehran-Tehran.json (praytimes.org, variance 1 minute), Ankara-Turkey.json (yenisafak.com,
  2 minutes), Makkah-UmmAlQura.json (ummulqura.org.sa, 1 minute), Singapore-Singapore.json
  (muis.gov.sg, 2 minutes); London-UnitedKingdom.json (wifaqululama.co.uk, London timetable
  2024) for sunrise and Maghrib, which do not depend on the method.
- adhanpy 1.0.5 itself, the maintained library this engine vectorises.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from adhanpy.calculation.CalculationMethod import CalculationMethod as AdhanMethod
from adhanpy.calculation.CalculationParameters import CalculationParameters
from adhanpy.calculation.HighLatitudeRule import HighLatitudeRule as AdhanRule
from adhanpy.calculation.Madhab import Madhab as AdhanMadhab
from adhanpy.PrayerTimes import PrayerTimes
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine.model import (
    CalculationMethod,
    HighLatitudeRule,
    Madhab,
    PrayerSettings,
)
from sanctuary.calendars.engine.prayer_times import (
    NoSunriseOrSunset,
    prayer_seconds,
    prayer_timetable,
    rule_in_force,
)

KEYS = ("fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha")


def _minutes(text: str) -> int:
    """'5:44 AM' -> minutes after midnight."""
    clock, half = text.split()
    hours, minutes = (int(x) for x in clock.split(":"))
    hours = hours % 12 + (12 if half == "PM" else 0)
    return hours * 60 + minutes


def _local_minutes(value: datetime) -> int:
    return value.hour * 60 + value.minute


# adhan-js Shared/Times/Tehran-Tehran.json: 35.715298, 51.404343, Asia/Tehran, method Tehran.
TEHRAN_2018 = {
    "2018-01-01": ("5:44 AM", "7:14 AM", "12:08 PM", "2:44 PM", "5:22 PM", "6:12 PM"),
    "2018-04-01": ("5:26 AM", "6:51 AM", "1:08 PM", "4:42 PM", "7:44 PM", "8:32 PM"),
    "2018-06-01": ("4:06 AM", "5:50 AM", "1:02 PM", "4:51 PM", "8:36 PM", "9:34 PM"),
    "2018-08-01": ("4:35 AM", "6:12 AM", "1:11 PM", "4:58 PM", "8:29 PM", "9:23 PM"),
    "2018-10-01": ("4:36 AM", "5:59 AM", "11:54 AM", "3:16 PM", "6:07 PM", "6:54 PM"),
    "2018-12-01": ("5:27 AM", "6:55 AM", "11:53 AM", "2:32 PM", "5:11 PM", "6:01 PM"),
}

# adhan-js Shared/Times/Ankara-Turkey.json: 39.939382, 32.819713, Europe/Istanbul, method Turkey.
ANKARA_2019 = {
    "2019-01-01": ("6:33 AM", "8:03 AM", "12:57 PM", "3:20 PM", "5:40 PM", "7:05 PM"),
    "2019-03-15": ("5:31 AM", "6:54 AM", "1:03 PM", "4:23 PM", "7:01 PM", "8:19 PM"),
    "2019-06-15": ("3:17 AM", "5:12 AM", "12:54 PM", "4:51 PM", "8:26 PM", "10:12 PM"),
    "2019-09-01": ("4:40 AM", "6:09 AM", "12:54 PM", "4:34 PM", "7:29 PM", "8:52 PM"),
    "2019-12-15": ("6:25 AM", "7:56 AM", "12:48 PM", "3:10 PM", "5:31 PM", "6:56 PM"),
}

# adhan-js Shared/Times/Makkah-UmmAlQura.json (ummulqura.org.sa): 21.427009, 39.828685, Asia/Riyadh.
MAKKAH_2016 = {
    "2016-01-05": ("5:38 AM", "7:00 AM", "12:26 PM", "3:31 PM", "5:52 PM", "7:22 PM"),
    "2016-04-03": ("4:55 AM", "6:12 AM", "12:24 PM", "3:50 PM", "6:36 PM", "8:06 PM"),
    "2016-07-08": ("4:18 AM", "5:45 AM", "12:26 PM", "3:43 PM", "7:07 PM", "8:37 PM"),
    "2016-10-06": ("4:57 AM", "6:13 AM", "12:09 PM", "3:31 PM", "6:04 PM", "7:34 PM"),
}

# adhan-js Shared/Times/Singapore-Singapore.json (muis.gov.sg): 1.370845, 103.801456, Asia/Singapore.
SINGAPORE_2020 = {
    "2020-01-01": ("5:44 AM", "7:07 AM", "1:10 PM", "4:34 PM", "7:10 PM", "8:25 PM"),
    "2020-02-15": ("5:58 AM", "7:17 AM", "1:20 PM", "4:38 PM", "7:22 PM", "8:32 PM"),
    "2020-03-29": ("5:49 AM", "7:06 AM", "1:11 PM", "4:15 PM", "7:13 PM", "8:22 PM"),
}

# adhan-js Shared/Times/London-UnitedKingdom.json (wifaqululama.co.uk), 51.507194, -0.116711:
# sunrise and Maghrib (sunset) only, which do not depend on the method.
LONDON_2024_SUNRISE_SUNSET = {
    "2024-01-01": ("8:06 AM", "4:07 PM"),
    "2024-03-01": ("6:45 AM", "5:47 PM"),
    "2024-06-01": ("4:49 AM", "9:14 PM"),
    "2024-07-01": ("4:48 AM", "9:26 PM"),
    "2024-09-01": ("6:14 AM", "7:51 PM"),
    "2024-11-01": ("6:55 AM", "4:38 PM"),
    "2024-12-01": ("7:45 AM", "4:00 PM"),
}


@pytest.mark.parametrize(
    ("reference", "lat", "lon", "zone", "method", "variance"),
    [
        (TEHRAN_2018, 35.715298, 51.404343, "Asia/Tehran", CalculationMethod.TEHRAN, 1),
        (ANKARA_2019, 39.939382, 32.819713, "Europe/Istanbul", CalculationMethod.TURKEY, 2),
        (MAKKAH_2016, 21.427009, 39.828685, "Asia/Riyadh", CalculationMethod.UMM_AL_QURA, 1),
        (
            SINGAPORE_2020,
            1.370844612058886,
            103.80145644060552,
            "Asia/Singapore",
            CalculationMethod.SINGAPORE,
            2,
        ),
    ],
    ids=["tehran", "turkey", "umm-al-qura", "singapore"],
)
def test_times_match_the_official_timetables_adhan_js_tests_against(
    reference, lat, lon, zone, method, variance
):
    prayer_settings = PrayerSettings(
        method=method, high_latitude_rule=HighLatitudeRule.MIDDLE_OF_THE_NIGHT
    )
    for day_text, expected in reference.items():
        day = prayer_timetable(
            lat, lon, date.fromisoformat(day_text), 1, prayer_settings, zone
        ).days[0]
        for key, want in zip(KEYS, expected, strict=True):
            got = _local_minutes(day.time_of(key))
            assert abs(got - _minutes(want)) <= variance, (day_text, key, day.time_of(key), want)


def test_sunrise_and_maghrib_agree_with_a_published_london_timetable():
    # That timetable (UK practice) holds Maghrib five minutes after sunset: a site's adjustment.
    uk_practice = PrayerSettings(
        method=CalculationMethod.MUSLIM_WORLD_LEAGUE, adjustments_minutes=(0, 0, 0, 0, 5, 0)
    )
    for day_text, (sunrise, maghrib) in LONDON_2024_SUNRISE_SUNSET.items():
        day = prayer_timetable(
            51.507194, -0.116711, date.fromisoformat(day_text), 1, uk_practice
        ).days[0]
        assert abs(_local_minutes(day.sunrise) - _minutes(sunrise)) <= 1, day_text
        assert abs(_local_minutes(day.maghrib) - _minutes(maghrib)) <= 1, day_text


ADHANPY_METHODS = {
    CalculationMethod.MUSLIM_WORLD_LEAGUE: AdhanMethod.MUSLIM_WORLD_LEAGUE,
    CalculationMethod.EGYPTIAN: AdhanMethod.EGYPTIAN,
    CalculationMethod.KARACHI: AdhanMethod.KARACHI,
    CalculationMethod.UMM_AL_QURA: AdhanMethod.UMM_AL_QURA,
    CalculationMethod.DUBAI: AdhanMethod.DUBAI,
    CalculationMethod.MOONSIGHTING_COMMITTEE: AdhanMethod.MOON_SIGHTING_COMMITTEE,
    CalculationMethod.NORTH_AMERICA: AdhanMethod.NORTH_AMERICA,
    CalculationMethod.KUWAIT: AdhanMethod.KUWAIT,
    CalculationMethod.QATAR: AdhanMethod.QATAR,
    CalculationMethod.SINGAPORE: AdhanMethod.SINGAPORE,
}
ADHANPY_RULES = {
    HighLatitudeRule.MIDDLE_OF_THE_NIGHT: AdhanRule.MIDDLE_OF_THE_NIGHT,
    HighLatitudeRule.SEVENTH_OF_THE_NIGHT: AdhanRule.SEVENTH_OF_THE_NIGHT,
    HighLatitudeRule.TWILIGHT_ANGLE: AdhanRule.TWILIGHT_ANGLE,
}


@settings(max_examples=150, deadline=None)
@given(
    latitude=st.floats(-55, 65),
    longitude=st.floats(-180, 180),
    day=st.dates(date(1990, 1, 1), date(2060, 12, 31)),
    method=st.sampled_from(sorted(ADHANPY_METHODS)),
    rule=st.sampled_from(sorted(ADHANPY_RULES)),
    madhab=st.sampled_from(list(Madhab)),
)
def test_the_vectorised_engine_gives_adhanpys_minute(
    latitude, longitude, day, method, rule, madhab
):
    is_committee = method is CalculationMethod.MOONSIGHTING_COMMITTEE
    ours_settings = PrayerSettings(
        method=method, madhab=madhab, high_latitude_rule=None if is_committee else rule
    )
    try:
        ours = prayer_seconds([latitude], [longitude], [day], ours_settings)[0, 0]
    except NoSunriseOrSunset:
        return
    params = CalculationParameters(method=ADHANPY_METHODS[method])
    params.madhab = AdhanMadhab.HANAFI if madhab is Madhab.HANAFI else AdhanMadhab.SHAFI
    params.high_latitude_rule = ADHANPY_RULES[rule]
    theirs = PrayerTimes(
        (latitude, longitude), datetime(day.year, day.month, day.day), calculation_parameters=params
    )
    their_seconds = [getattr(theirs, key).timestamp() for key in KEYS]
    if their_seconds != sorted(their_seconds) or abs(longitude) > 175:
        # adhanpy's own failures (docs/calendars.md, deviations 3 and 4): where the sun barely
        # reaches the angle, and near the 180th meridian; there ours must still be in order
        assert list(ours) == sorted(ours)
        return
    for key, our_second in zip(KEYS, ours, strict=True):
        their_time = getattr(theirs, key)
        difference = int(our_second) - int(their_time.timestamp())
        # deviation 1: adhanpy truncates hh:59:30..59 to hh:59 instead of rounding up
        allowed = {0, 60} if their_time.minute == 59 else {0}
        assert difference in allowed, (
            key,
            datetime.fromtimestamp(int(our_second), UTC),
            their_time,
        )


@settings(max_examples=60, deadline=None)
@given(
    latitude=st.floats(-55, 65),
    longitude=st.floats(-30, 30),
    year=st.integers(2000, 2050),
    method=st.sampled_from(list(CalculationMethod)),
    madhab=st.sampled_from(list(Madhab)),
)
def test_every_day_of_the_year_gives_ordered_times_under_the_rule_in_force(
    latitude, longitude, year, method, madhab
):
    start = date(year, 1, 1)
    days = [start + timedelta(days=k) for k in range(366 if year % 4 == 0 else 365)]
    table = prayer_seconds(
        [latitude], [longitude], days, PrayerSettings(method=method, madhab=madhab)
    )[0]
    for index, times in enumerate(table):
        assert all(a < b for a, b in zip(times, times[1:], strict=False)), (days[index], times)
        # at 65 degrees in June the night lasts about two hours: Turkey (sunrise - 7 min) gets close
        assert times[1] - times[0] >= 5 * 60, "Fajr comes at least five minutes before sunrise"
        assert times[5] - times[4] >= 5 * 60, "Isha comes at least five minutes after Maghrib"
    # tonight's Isha never comes after tomorrow's Fajr
    assert (table[1:, 0] >= table[:-1, 5]).all()


def test_london_in_june_gets_distinct_fajr_and_isha_and_names_the_rule():
    timetable = prayer_timetable(51.5072, -0.1276, date(2026, 6, 21), 1)
    day = timetable.days[0]
    assert timetable.high_latitude_rule == "SeasonAdjusted"
    assert (day.fajr.hour, day.isha.hour) == (2, 22)
    assert day.fajr.tzinfo is not None and day.fajr.utcoffset() == timedelta(hours=1)


def test_the_recommended_rule_in_london_is_the_seventh_of_the_night_not_the_middle():
    # adhanpy's default (MiddleOfTheNight) puts Fajr and Isha both at 01:02 on 21 June 2026
    mwl = PrayerSettings(method=CalculationMethod.MUSLIM_WORLD_LEAGUE)
    assert rule_in_force(mwl, 51.5) is HighLatitudeRule.SEVENTH_OF_THE_NIGHT
    assert rule_in_force(mwl, 40.0) is HighLatitudeRule.MIDDLE_OF_THE_NIGHT
    day = prayer_timetable(51.5072, -0.1276, date(2026, 6, 21), 1, mwl).days[0]
    assert day.fajr.strftime("%H:%M") == "03:40"
    assert day.isha.strftime("%H:%M") == "22:25"


def test_the_moonsighting_committee_refuses_a_rule_it_would_ignore():
    with pytest.raises(ValueError, match="its own seasonal rule"):
        rule_in_force(
            PrayerSettings(high_latitude_rule=HighLatitudeRule.SEVENTH_OF_THE_NIGHT), 51.5
        )


@pytest.mark.parametrize(
    "first_day", [date(2026, 3, 28), date(2026, 10, 24)], ids=["spring", "autumn"]
)
def test_clock_times_jump_an_hour_when_the_clocks_change_but_the_sun_does_not(first_day):
    days = prayer_timetable(51.5072, -0.1276, first_day, 2).days
    before, after = days
    jump = 60 if first_day.month == 3 else -60
    for key in KEYS:
        clock_change = _local_minutes(after.time_of(key)) - _local_minutes(before.time_of(key))
        # subtract in UTC: Python subtracts same-zone datetimes by wall clock
        instant_change = (
            after.time_of(key).astimezone(UTC) - before.time_of(key).astimezone(UTC)
        ).total_seconds() / 60 - 24 * 60
        assert abs(clock_change - jump) <= 4, key
        assert abs(instant_change) <= 4, key


def test_inside_the_polar_circle_it_refuses_with_a_reason():
    with pytest.raises(NoSunriseOrSunset, match="does not both rise and set"):
        prayer_timetable(78.2, 15.6, date(2026, 6, 21), 1, timezone="Arctic/Longyearbyen")


def test_many_sites_at_once_give_the_same_times_as_one_by_one():
    places = [(51.52, -0.06), (51.55, -0.10), (52.48, -1.89)]
    days = [date(2026, 1, 1) + timedelta(days=k) for k in range(0, 365, 7)]
    together = prayer_seconds(
        [p[0] for p in places], [p[1] for p in places], days, PrayerSettings()
    )
    for index, (lat, lon) in enumerate(places):
        assert (prayer_seconds([lat], [lon], days, PrayerSettings())[0] == together[index]).all()


def test_where_the_sun_barely_reaches_the_angle_isha_still_follows_maghrib():
    # adhanpy 1.0.5 gives Isha 19:35 and Maghrib 21:10 (BST) here: its correction diverges
    mwl = PrayerSettings(method=CalculationMethod.MUSLIM_WORLD_LEAGUE)
    day = prayer_timetable(51.79332408015681, 0.0, date(2038, 7, 17), 1, mwl).days[0]
    assert day.maghrib < day.isha
    assert day.isha.strftime("%H:%M") > "22:00"


@pytest.mark.parametrize(
    ("latitude", "longitude", "day", "method", "rule"),
    [
        (
            34.4979,
            -178.6103,
            date(1999, 7, 12),
            CalculationMethod.NORTH_AMERICA,
            HighLatitudeRule.MIDDLE_OF_THE_NIGHT,
        ),
        (
            59.2695,
            179.4538,
            date(2025, 4, 26),
            CalculationMethod.SINGAPORE,
            HighLatitudeRule.MIDDLE_OF_THE_NIGHT,
        ),
    ],
)
def test_near_the_date_line_the_night_is_measured_to_the_next_sunrise(
    latitude, longitude, day, method, rule
):
    # adhanpy wraps the next sunrise a day and gives Fajr after sunrise, or Isha 16 hours after Maghrib
    times = prayer_seconds(
        [latitude],
        [longitude],
        [day, day + timedelta(days=1)],
        PrayerSettings(method=method, high_latitude_rule=rule),
    )[0]
    today, tomorrow = times
    assert list(today) == sorted(today)
    night = tomorrow[1] - today[4]  # Maghrib (sunset) to the next sunrise
    assert 0 < today[5] - today[4] <= night / 2 + 60  # MiddleOfTheNight bounds Isha
    assert today[0] < today[1]
