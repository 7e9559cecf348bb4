"""Alarms during the day: the intraday CUSUM against the daily one, by property and by hand."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sanctuary.incidents.intraday import (
    UNIFORM_ARRIVALS,
    ArrivalProfile,
    IntradayResult,
    TimedSeries,
    detect_intraday,
)
from sanctuary.incidents.surge import (
    DEFAULT_PARAMETERS,
    TOLERANCE,
    InvalidSeries,
    design_cusum,
    detect,
)

START = date(2019, 1, 1)
WARM_UP = DEFAULT_PARAMETERS.warm_up_days
LONDON = "Europe/London"

# None: the default, the whole day's reference; a profile: the reference by share of the day.
TRIGGERS = [None, UNIFORM_ARRIVALS]
triggers = st.sampled_from(TRIGGERS)
baselines = st.sampled_from([None, 0.05, 12 / 7, 6.0])


@st.composite
def records(draw: st.DrawFn, max_days: int = 90, max_per_day: int = 25) -> TimedSeries:
    """Days of incidents at any moments, quiet or bursting, possibly ending within a day."""
    days = draw(st.integers(1, max_days))
    level = draw(st.integers(0, 4))
    counts = draw(
        st.lists(
            st.one_of(st.integers(0, level + 1), st.integers(0, max_per_day)),
            min_size=days,
            max_size=days,
        )
    )
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    moments = np.concatenate([t + rng.random(count) for t, count in enumerate(counts)])
    # The last day may be in progress: keep its incidents before the record's end.
    end = days - draw(st.sampled_from([0.0, 0.1, 0.5, 0.9]))
    return TimedSeries(START, moments[moments <= end], end)


def add_incident(record: TimedSeries, moment: float) -> TimedSeries:
    return TimedSeries(record.start, np.append(record.moments, moment), record.end, record.zone)


def alarm_moments(result: IntradayResult) -> np.ndarray:
    return result.alarm_moment[result.alarm]


# --- Properties --------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(records(), baselines, triggers)
def test_an_alarm_is_raised_within_the_day_it_belongs_to(
    record: TimedSeries, baseline: float | None, profile: ArrivalProfile | None
) -> None:
    result = detect_intraday(record, baseline, profile=profile)
    for day in np.flatnonzero(result.alarm):
        moment = result.alarm_moment[day]
        assert day <= moment < day + 1
        assert moment <= record.end
        # Raised by an incident, or at midnight when the day's h is below what S carried in.
        assert moment in record.moments or moment == day
    for alert in result.alerts:
        day = (alert.day - START).days
        assert alert.moment == result.alarm_moment[day]
        assert alert.since <= alert.day <= alert.last_alarm


@settings(max_examples=80, deadline=None)
@given(records(), baselines)
def test_the_whole_day_trigger_alarms_on_the_daily_detectors_days(
    record: TimedSeries, baseline: float | None
) -> None:
    intraday = detect_intraday(record, baseline)
    daily = detect(record.daily(), baseline)
    assert intraday.alarm.tolist() == daily.alarm.tolist()
    # Day by day, and for the day in progress with its count so far, to the last bit.
    assert intraday.statistic.tolist() == daily.statistic.tolist()
    np.testing.assert_array_equal(intraday.threshold, daily.threshold)
    np.testing.assert_array_equal(intraday.expected, daily.expected)
    assert [(a.day, a.since, a.last_alarm, a.alarm_days) for a in intraday.alerts] == [
        (a.day, a.since, a.last_alarm, a.alarm_days) for a in daily.alerts
    ]


@settings(max_examples=80, deadline=None)
@given(records(), baselines, triggers)
def test_with_the_day_complete_the_intraday_statistic_is_the_daily_one(
    record: TimedSeries, baseline: float | None, profile: ArrivalProfile | None
) -> None:
    # At a day's end either trigger has charged the whole k: S_t = max(0, S_{t-1} + x_t - k_t),
    # from the state it carried in (zero after a day that alarmed).
    result = detect_intraday(record, baseline, profile=profile)
    carried = 0.0
    complete_days = record.days if record.complete else record.days - 1
    for day in range(complete_days):
        if math.isnan(result.expected[day]):
            continue
        k = design_cusum(result.expected[day]).reference
        daily = carried + (int(record.counts[day]) - k)
        assert result.statistic[day] == (daily if daily > TOLERANCE else 0.0)
        if daily >= result.threshold[day] - TOLERANCE:
            assert result.alarm[day]
        elif profile is None:
            assert not result.alarm[day]
        carried = 0.0 if result.alarm[day] else float(result.statistic[day])


@settings(max_examples=80, deadline=None)
@given(records(), baselines, triggers, st.floats(0, 1, exclude_max=True))
def test_an_incident_more_today_never_lowers_todays_statistic(
    record: TimedSeries, baseline: float | None, profile: ArrivalProfile | None, where: float
) -> None:
    today = record.days - 1
    moment = today + where * (record.end - today)
    assume(moment < record.days)  # a complete record's last day ends before its midnight
    before = detect_intraday(record, baseline, profile=profile)
    after = detect_intraday(add_incident(record, moment), baseline, profile=profile)
    assert after.statistic[today] >= before.statistic[today]
    if before.alarm[today]:
        assert after.alarm[today]
        assert after.alarm_moment[today] <= before.alarm_moment[today]


@settings(max_examples=80, deadline=None)
@given(records(), st.sampled_from([0.05, 12 / 7, 6.0]), triggers, st.floats(0, 1))
def test_an_incident_more_never_lowers_the_statistic_until_it_alarms(
    record: TimedSeries, baseline: float, profile: ArrivalProfile | None, where: float
) -> None:
    # With a given baseline no day's reference depends on the counts; until the first alarm
    # (after which S restarts) every statistic is a non-decreasing function of every count.
    moment = min(where * record.end, np.nextafter(record.days, 0))
    before = detect_intraday(record, baseline, profile=profile)
    after = detect_intraday(add_incident(record, moment), baseline, profile=profile)
    first = np.flatnonzero(after.alarm)
    until = int(first[0]) + 1 if first.size else record.days
    assert (after.statistic[:until] >= before.statistic[:until]).all()
    if before.alarm.any():
        assert first.size
        assert alarm_moments(after)[0] <= alarm_moments(before)[0]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 60), st.integers(1, 150), st.integers(0, 2**32 - 1))
def test_a_quiet_constant_series_never_alarms_at_its_baseline(
    level: int, days: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    # Whole-day trigger: any moments within each day. Share trigger: spread as its profile says.
    anywhere = np.concatenate([t + rng.random(level) for t in range(days)])
    spread = (np.arange(days * level) + 0.5) / max(level, 1)  # (j + 1/2)/L through each day
    for moments, profile in ((anywhere, None), (spread, UNIFORM_ARRIVALS)):
        record = TimedSeries(START, moments, float(days))
        for baseline in (None, max(level, 0.01)):
            result = detect_intraday(record, baseline, profile=profile)
            assert not result.alarm.any()
            assert result.alerts == ()


@settings(max_examples=60, deadline=None)
@given(st.datetimes(datetime(2019, 1, 1), datetime(2021, 12, 31), timezones=st.just(UTC)))
def test_a_time_survives_the_round_trip_through_a_moment(instant: datetime) -> None:
    record = TimedSeries.from_instants([instant], START, datetime(2022, 1, 1, tzinfo=UTC), LONDON)
    back = record.instant(float(record.moments[0]))
    assert back == instant
    assert back.astimezone(ZoneInfo(LONDON)).date() == record.day(math.floor(record.moments[0]))


# --- By hand -----------------------------------------------------------------------------------


def one_burst(hours: list[float], start: date = START) -> TimedSeries:
    """One day with incidents at the given hours (from midnight UTC), complete."""
    return TimedSeries(start, np.array(hours) / 24, 1.0, "UTC")


def test_the_whole_day_trigger_fires_on_the_incident_that_makes_the_day_alarm() -> None:
    # At 12 a week, k = 52/17 and h = 132/17 (docs/incidents.md, §3): from S = 0 the day alarms
    # with ceil(h + k) = ceil(184/17) = 11 incidents, so the 11th incident raises it.
    design = design_cusum(12 / 7)
    assert (design.reference, design.threshold) == (pytest.approx(52 / 17), pytest.approx(132 / 17))
    result = detect_intraday(one_burst([float(hour) for hour in range(1, 15)]), 12 / 7)
    [alert] = result.alerts
    assert alert.at == datetime(2019, 1, 1, 11, tzinfo=ZoneInfo("UTC"))
    assert alert.observed == 11
    assert alert.statistic == pytest.approx(11 - 52 / 17)
    assert alert.expected == pytest.approx(1.71 * 11 / 24)  # the baseline pro rata to 11:00


def test_the_share_trigger_charges_the_reference_as_the_day_goes() -> None:
    # With the uniform profile the i-th incident, at hour i, gives i - (52/17) i/24 = 0.8725 i,
    # first >= 132/17 at i = 9 (7.853); the 8th gives 6.980.
    result = detect_intraday(
        one_burst([float(hour) for hour in range(1, 15)]), 12 / 7, profile=UNIFORM_ARRIVALS
    )
    [alert] = result.alerts
    assert alert.at == datetime(2019, 1, 1, 9, tzinfo=ZoneInfo("UTC"))
    assert alert.statistic == pytest.approx(9 - 52 / 17 * 9 / 24)


def test_the_share_trigger_alarms_on_a_morning_that_the_whole_day_does_not() -> None:
    # Nine incidents by 09:00 and then none: 0.8725 * 9 = 7.85 >= h at 09:00, but the whole
    # day holds 9 - 3.06 = 5.94 < h. The profile was wrong about that day: a false alarm.
    record = one_burst([float(hour) for hour in range(1, 10)])
    assert detect_intraday(record, 12 / 7).alerts == ()
    assert detect(record.daily(), 12 / 7).alerts == ()
    [alert] = detect_intraday(record, 12 / 7, profile=UNIFORM_ARRIVALS).alerts
    assert alert.at == datetime(2019, 1, 1, 9, tzinfo=ZoneInfo("UTC"))


def test_yesterdays_run_counts_toward_todays_alarm() -> None:
    # Day 0: 8 incidents, S = 8 - 52/17 = 4.94 < h. Day 1 then needs ceil(h + k - S) = 6.
    hours = [float(h) for h in range(8)] + [24.0 + h for h in range(10)]
    record = TimedSeries(START, np.array(hours) / 24, 2.0, "UTC")
    [alert] = detect_intraday(record, 12 / 7).alerts
    assert alert.since == START and alert.day == START + timedelta(days=1)
    assert alert.at == datetime(2019, 1, 2, 5, tzinfo=ZoneInfo("UTC"))  # the 6th, at 05:00
    assert alert.observed == 14
    assert alert.expected == pytest.approx(1.71 + 1.71 * 5 / 24)


def test_a_day_whose_threshold_falls_below_the_carried_statistic_alarms_at_midnight() -> None:
    # A ward's year (from the benchmark, seed 3): single incidents on these days, none between.
    # By day 367, S = 4.23; on day 368 the estimated baseline falls (0.0536 to 0.0357 a day:
    # day 305's incident leaves the window) and h with it (4.45 to 4.015), so S - k = 4.165
    # passes h at 00:00 with no incident that day. The daily detector alarms that day too.
    days = [37, 76, 78, 155, 305, 357, 358, 363, 364, 367, 374]
    record = TimedSeries(START, np.array(days) + 0.5, 399.0, "UTC")
    daily = detect(record.daily())
    result = detect_intraday(record)
    assert np.flatnonzero(daily.alarm).tolist() == [368] == np.flatnonzero(result.alarm).tolist()
    k = design_cusum(0.0357).reference
    assert result.threshold[368] <= result.statistic[367] - k < result.threshold[367]
    [alert] = result.alerts
    assert alert.at == datetime(2020, 1, 4, tzinfo=ZoneInfo("UTC"))  # day 368, at midnight
    assert alert.since == START + timedelta(days=357)
    assert alert.observed == 5  # on days 357, 358, 363, 364 and 367
    assert alert.statistic == pytest.approx(result.statistic[367] - k)


def test_the_day_in_progress_alarms_on_its_count_so_far() -> None:
    # The check at 10:30 on day 70, with 11 incidents since midnight (the March 2019 jump).
    quiet = [t + (j + 0.5) / 2 for t in range(70) for j in range(2)]
    today = [70 + hour / 24 for hour in range(11)]
    record = TimedSeries(START, np.array(quiet + today), 70 + 10.5 / 24, "UTC")
    result = detect_intraday(record, 12 / 7)  # so that ceil(h + k) = 11, as above
    assert not record.complete and record.days == 71
    assert result.alarm.tolist() == [False] * 70 + [True]
    assert result.alerts[0].at == datetime(2019, 3, 12, 10, tzinfo=ZoneInfo("UTC"))
    assert result.to_document()["as_of"] == "2019-03-12T10:30:00+00:00"


def test_days_follow_the_clock_of_the_zone_across_a_change() -> None:
    # 31 March 2019 is 23 hours long in London: 12:00 BST (11:00 UTC) is 11/23 of it.
    noon = datetime(2019, 3, 31, 12, tzinfo=ZoneInfo(LONDON))
    late = datetime(2019, 3, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 April
    record = TimedSeries.from_instants(
        [noon, late], date(2019, 3, 31), datetime(2019, 4, 2, tzinfo=UTC), LONDON
    )
    assert record.moments[0] == pytest.approx(11 / 23)
    assert record.moments[1] == pytest.approx(1 + 0.5 / 24)
    assert record.counts.tolist() == [1, 1, 0]
    assert record.instant(11 / 23) == noon
    in_utc = TimedSeries.from_instants(
        [noon, late], date(2019, 3, 31), datetime(2019, 4, 2, tzinfo=UTC), "UTC"
    )
    assert in_utc.counts.tolist() == [2, 0]


def test_the_uniform_profile_is_the_clock_and_a_profile_follows_its_weights() -> None:
    fractions = np.array([0.0, 0.25, 0.5, 0.999, 1.0])
    np.testing.assert_allclose(UNIFORM_ARRIVALS.share(fractions), fractions)
    evening = ArrivalProfile("evening", tuple(3.0 if hour >= 18 else 1.0 for hour in range(24)))
    # 18 hours of weight 1, 6 of weight 3: 18/36 of the incidents have arrived by 18:00.
    assert evening.share(18 / 24) == pytest.approx(0.5)
    assert evening.share(21 / 24) == pytest.approx(27 / 36)
    assert evening.share(1.0) == 1.0


# --- Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moments", "end", "message"),
    [
        ([0.5, -0.1], 2.0, "before the start"),
        ([0.5, 1.7], 1.5, "after the record's end"),
        ([2.0], 2.0, "belongs to a day the record does not reach"),
        ([math.nan], 2.0, "finite numbers"),
        ([[0.5]], 2.0, "one-dimensional"),
        ([0.5], 0.0, "end must be a number > 0"),
        ([0.5], math.inf, "end must be a number > 0"),
    ],
)
def test_a_record_refuses_impossible_moments(moments, end, message) -> None:
    with pytest.raises(InvalidSeries, match=message):
        TimedSeries(START, np.asarray(moments), end)


def test_a_record_refuses_an_unknown_zone_and_times_without_an_offset() -> None:
    with pytest.raises(InvalidSeries, match="unknown time zone 'Mars/Olympus'"):
        TimedSeries(START, np.array([0.5]), 1.0, "Mars/Olympus")
    naive = datetime(2019, 1, 1, 12)
    with pytest.raises(InvalidSeries, match="instant 0 has no UTC offset"):
        TimedSeries.from_instants([naive], START, datetime(2019, 1, 2, tzinfo=UTC), LONDON)
    with pytest.raises(InvalidSeries, match="as_of has no UTC offset"):
        TimedSeries.from_instants([], START, naive, LONDON)
    with pytest.raises(InvalidSeries, match="no time zone"):
        TimedSeries(START, np.array([0.5]), 1.0).instant(0.5)


@pytest.mark.parametrize(
    ("weights", "message"),
    [((1.0,) * 23, "24 hourly weights, got 23"), ((0.0,) * 24, "not all 0")],
)
def test_a_profile_refuses_nonsense(weights, message) -> None:
    with pytest.raises(InvalidSeries, match=message):
        ArrivalProfile("bad", weights)


def test_the_intraday_core_needs_no_django() -> None:
    code = (
        "import sys, sanctuary.incidents.intraday, sanctuary.incidents.surge_documents; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
