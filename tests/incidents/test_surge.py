"""The surge detector: CUSUM properties, run lengths checked by hand and by simulation."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.incidents.surge import (
    DEFAULT_PARAMETERS,
    DailyCount,
    DailySeries,
    InvalidSeries,
    SurgeParameters,
    count_probabilities,
    design_cusum,
    detect,
    detect_many,
    estimated_baselines,
    in_control_arl,
    reference_value,
)

START = date(2019, 1, 1)
WARM_UP = DEFAULT_PARAMETERS.warm_up_days


def series(counts: list[int] | np.ndarray) -> DailySeries:
    return DailySeries(START, np.asarray(counts, dtype=np.int64))


counts_lists = st.lists(st.integers(0, 40), min_size=1, max_size=150)
baselines = st.sampled_from([None, 0.01, 0.5, 12 / 7, 6.0])


# --- Properties --------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(counts_lists, baselines)
def test_the_statistic_is_never_negative(counts: list[int], baseline: float | None) -> None:
    result = detect(series(counts), baseline)
    assert (result.statistic >= 0).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 60), st.integers(1, 200))
def test_a_constant_series_never_alarms_on_its_own_baseline(level: int, days: int) -> None:
    constant = series([level] * days)
    for result in (detect(constant), detect(constant, baseline_per_day=max(level, 0.01))):
        assert not result.alarm.any()
        assert result.alerts == ()
        assert (result.statistic == 0).all()


@settings(max_examples=60, deadline=None)
@given(st.floats(0.02, 50), st.data())
def test_counts_never_above_the_baseline_never_alarm(baseline: float, data: st.DataObject) -> None:
    # k lies above the baseline (between mu and r mu), so such days can only pull S down.
    top = math.floor(baseline)
    counts = data.draw(st.lists(st.integers(0, top), min_size=1, max_size=120))
    result = detect(series(counts), baseline)
    assert not result.alarm.any()
    assert (result.statistic == 0).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 30), st.integers(0, 300))
def test_a_large_step_alarms_within_two_days(level: int, quiet_days: int) -> None:
    step = WARM_UP + quiet_days
    counts = [level] * step + [10 * (level + 1)] * 14
    for baseline in (None, max(level, 0.01)):
        result = detect(series(counts), baseline)
        alarms = np.flatnonzero(result.alarm)
        assert alarms.size, f"no alarm for a step from {level} to {10 * (level + 1)} a day"
        assert step <= alarms[0] <= step + 1
        assert result.alerts[0].day == START + timedelta(days=int(alarms[0]))


@settings(max_examples=60, deadline=None)
@given(counts_lists, baselines)
def test_each_alert_carries_its_runs_evidence(counts: list[int], baseline: float | None) -> None:
    result = detect(series(counts), baseline)
    for alert in result.alerts:
        first = (alert.since - START).days
        last = (alert.day - START).days
        run = range(first, last + 1)
        references = sum(design_cusum(result.expected[t]).reference for t in run)
        assert alert.observed == sum(counts[first : last + 1])
        assert alert.expected == pytest.approx(sum(result.expected[t] for t in run))
        assert alert.statistic == pytest.approx(alert.observed - references)
        assert alert.statistic >= alert.threshold - 1e-9
        assert alert.threshold == result.threshold[last]
        assert (result.statistic[first : last + 1] > 0).all()  # a run: S never back at zero


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 30), st.floats(1.1, 6), st.one_of(st.none(), st.floats(0.5, 100)))
def test_the_reference_value_lies_between_the_two_rates(
    baseline: float, ratio: float, size: float | None
) -> None:
    k = reference_value(baseline, ratio, size)
    assert baseline < k < ratio * baseline


# --- Episodes and warm-up ----------------------------------------------------------------------


def quiet_then(surges: list[tuple[int, int, int]], days: int, level: int = 2) -> list[int]:
    counts = [level] * days
    for first, length, per_day in surges:
        counts[first : first + length] = [per_day] * length
    return counts


def test_a_long_surge_raises_one_alert_that_it_keeps_updating() -> None:
    result = detect(series(quiet_then([(100, 30, 14)], 200)))
    assert len(result.alerts) == 1
    alert = result.alerts[0]
    assert alert.day == START + timedelta(days=100)
    assert alert.alarm_days == int(result.alarm.sum()) > 1
    assert alert.last_alarm > alert.day
    assert alert.observed == 14 and alert.since == alert.day


def test_two_surges_two_months_apart_raise_two_alerts() -> None:
    result = detect(series(quiet_then([(100, 3, 14), (170, 3, 14)], 250)))
    assert [alert.day for alert in result.alerts] == [
        START + timedelta(days=100),
        START + timedelta(days=170),
    ]


def test_alarms_within_the_episode_gap_belong_to_one_episode() -> None:
    # Two short bursts ten days apart: the second alarms too, but the episode is still open.
    result = detect(series(quiet_then([(100, 1, 16), (110, 1, 16)], 200)))
    assert np.flatnonzero(result.alarm).tolist() == [100, 110]
    assert len(result.alerts) == 1
    assert result.alerts[0].alarm_days == 2
    assert result.alerts[0].last_alarm == START + timedelta(days=110)


def test_an_estimated_baseline_waits_for_its_warm_up() -> None:
    result = detect(series([0] * WARM_UP + [50, 50]))
    assert np.isnan(result.expected[:WARM_UP]).all()
    assert result.watched_from == START + timedelta(days=WARM_UP)
    assert result.alarm.tolist() == [False] * WARM_UP + [True, True]
    assert len(result.alerts) == 1


def test_a_series_shorter_than_the_warm_up_is_not_watched() -> None:
    result = detect(series([0] * (WARM_UP - 1) + [500]))
    assert result.watched_from is None
    assert result.alerts == ()
    assert result.to_document()["watched_from"] is None


def test_a_given_baseline_is_watched_from_the_first_day() -> None:
    result = detect(series([40, 0, 0]), baseline_per_day=2.0)
    assert result.watched_from == START
    assert result.alerts[0].day == START
    assert result.alerts[0].expected == pytest.approx(2.0)


def test_a_quiet_ward_does_not_alarm_on_its_first_incident() -> None:
    # No incident for months, then one: the floor (one a month) keeps h above one incident.
    result = detect(series([0] * 200 + [1] + [0] * 20))
    assert result.alerts == ()
    assert 0 < result.statistic[200] < result.threshold[200]
    given = detect(series([0] * 10 + [1]), baseline_per_day=1e-6)
    assert given.alerts == ()
    assert given.expected[0] == pytest.approx(DEFAULT_PARAMETERS.min_baseline_per_day, rel=0.01)


def test_the_trailing_window_skips_the_guard_days() -> None:
    params = SurgeParameters(
        baseline_days=3, guard_days=2, min_baseline_days=2, min_baseline_per_day=0.5
    )
    # Day t averages days t-4 .. t-2 (at most 3, at least 2 of them): computed by hand.
    expected = [math.nan, math.nan, math.nan, 1.5, 2.0, 3.0, 4.0, 5.0]
    np.testing.assert_allclose(estimated_baselines([1, 2, 3, 4, 5, 6, 7, 8], params), expected)
    assert params.warm_up_days == 3
    assert (estimated_baselines([0] * 8, params)[3:] == 0.5).all()


# --- Run lengths: by hand, by a dense solve, by simulation -------------------------------------


def test_a_one_state_chain_by_hand() -> None:
    # k = 3, h = 0.1 (m = 10): only S = 0 is below h, and any count of 4 or more alarms.
    tail = 1 - math.exp(-2) * (1 + 2 + 2 + 4 / 3)
    assert in_control_arl(2.0, None, 30, 1, 10) == pytest.approx(1 / tail, rel=1e-12)


def test_a_two_state_chain_by_hand() -> None:
    # Poisson(1), k = 1, h = 2 (m = 1). From 0: x <= 1 stays at 0, x = 2 goes to 1, x >= 3
    # alarms. From 1: x = 0 goes to 0, x = 1 stays, x >= 2 alarms. Solve L = 1 + R L.
    p0 = p1 = math.exp(-1)
    p2 = math.exp(-1) / 2
    l0 = (1 + p2 / (1 - p1)) / ((1 - p0 - p1) - p2 * p0 / (1 - p1))
    assert in_control_arl(1.0, None, 1, 2, 1) == pytest.approx(l0, rel=1e-12)


def dense_arl(baseline: float, size: float | None, k_steps: int, h_steps: int, m: int) -> float:
    """Brook & Evans with every transition written out and numpy's dense solver."""
    probability = count_probabilities(baseline, size, (h_steps + k_steps) // m + 2)
    chain = np.zeros((h_steps, h_steps))
    for state in range(h_steps):
        for x, p in enumerate(probability):
            after = state + m * x - k_steps
            if after <= 0:
                chain[state, 0] += p
            elif after < h_steps:
                chain[state, after] += p
    return float(np.linalg.solve(np.eye(h_steps) - chain, np.ones(h_steps))[0])


@pytest.mark.parametrize(
    ("baseline", "size"),
    [(12 / 7, 10.0), (12 / 7, None), (12 / 365.25, 10.0), (13.6, 10.0), (40.0, 3.0)],
)
def test_the_designed_threshold_is_the_least_that_reaches_the_target(baseline, size) -> None:
    params = SurgeParameters(nb_size=size)
    design = design_cusum(baseline, params)
    m = design.resolution
    k_steps, h_steps = round(design.reference * m), round(design.threshold * m)
    arl = dense_arl(design.baseline_per_day, size, k_steps, h_steps, m)
    assert arl == pytest.approx(design.in_control_arl_days, rel=1e-9)
    assert arl >= params.in_control_arl_days
    if h_steps > 1:
        assert dense_arl(design.baseline_per_day, size, k_steps, h_steps - 1, m) < arl
        assert dense_arl(design.baseline_per_day, size, k_steps, h_steps - 1, m) < (
            params.in_control_arl_days
        )


@pytest.mark.parametrize("size", [None, 4.0])
def test_the_chains_run_length_matches_a_simulation(size: float | None) -> None:
    params = SurgeParameters(in_control_arl_days=40, nb_size=size)
    design = design_cusum(1.5, params)
    rng = np.random.default_rng(20190315)
    runs = 20_000
    level = np.zeros(runs)
    length = np.zeros(runs, dtype=np.int64)
    running = np.ones(runs, dtype=bool)
    day = 0
    while running.any():
        day += 1
        n = int(running.sum())
        if size is None:
            counts = rng.poisson(1.5, n)
        else:
            counts = rng.negative_binomial(size, size / (size + 1.5), n)
        level[running] = np.maximum(0.0, level[running] + counts - design.reference)
        stopped = running.copy()
        stopped[running] = level[running] >= design.threshold - 1e-9
        length[stopped] = day
        running &= ~stopped
    # Run lengths are nearly geometric: standard error about ARL / sqrt(runs), i.e. 0.7%.
    assert length.mean() == pytest.approx(design.in_control_arl_days, rel=0.03)


def test_poisson_is_the_limit_of_a_huge_negative_binomial_shape() -> None:
    assert reference_value(2.0, 3.0, None) == pytest.approx(4 / math.log(3))
    assert reference_value(2.0, 3.0, 1e9) == pytest.approx(4 / math.log(3), rel=1e-6)


# --- Inputs ------------------------------------------------------------------------------------


def test_many_series_give_what_each_gives_alone() -> None:
    named = {
        "overall": series(quiet_then([(80, 5, 20)], 120, level=4)),
        "ward 3": series([0] * 100 + [2, 3, 2]),
        "islam": series(quiet_then([(90, 2, 15)], 120)),
    }
    many = detect_many(named, {"islam": 2.0})
    assert many["islam"].alerts == detect(named["islam"], 2.0).alerts
    assert many["overall"].alerts == detect(named["overall"]).alerts
    assert many["ward 3"].alerts == detect(named["ward 3"]).alerts
    with pytest.raises(InvalidSeries, match="unknown series 'christianity'"):
        detect_many(named, {"christianity": 1.0})


def test_a_sparse_record_becomes_a_daily_series_with_zeros() -> None:
    sparse = {date(2019, 3, 15): 9, date(2019, 3, 17): 4, date(2019, 4, 1): 7}
    daily = DailySeries.from_sparse(sparse, date(2019, 3, 14), date(2019, 3, 18))
    assert daily.counts.tolist() == [0, 9, 0, 4, 0]
    assert len(daily) == 5 and daily.day(4) == date(2019, 3, 18)


def test_days_must_follow_each_other() -> None:
    days = [DailyCount(date(2019, 3, 1), 1), DailyCount(date(2019, 3, 3), 2)]
    with pytest.raises(InvalidSeries, match="day 1 is 2019-03-03, expected 2019-03-02"):
        DailySeries.from_days(days)


@pytest.mark.parametrize(
    ("counts", "message"),
    [([1, -1], "count of day 1 is negative"), ([1.5], "whole numbers"), ([[1]], "one-dim")],
)
def test_a_series_refuses_impossible_counts(counts, message) -> None:
    with pytest.raises(InvalidSeries, match=message):
        DailySeries(START, np.asarray(counts))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"design_ratio": 1.0}, "design_ratio must be a number > 1"),
        ({"in_control_arl_days": 1.0}, "in_control_arl_days must be"),
        ({"nb_size": 0.0}, "nb_size must be"),
        ({"guard_days": 0}, "guard_days must be >= 1"),
        ({"min_baseline_days": 60}, "min_baseline_days must be between"),
        ({"min_baseline_per_day": 0.0}, "min_baseline_per_day must be"),
        ({"episode_gap_days": -1}, "episode_gap_days must be"),
    ],
)
def test_parameters_refuse_nonsense(fields, message) -> None:
    with pytest.raises(InvalidSeries, match=message):
        SurgeParameters(**fields)


@pytest.mark.parametrize("baseline", [0.0, -1.0, math.nan, math.inf])
def test_detect_refuses_a_baseline_that_is_not_a_positive_rate(baseline: float) -> None:
    with pytest.raises(InvalidSeries, match="baseline_per_day must be a number > 0"):
        detect(series([1, 2]), baseline)


def test_the_detector_needs_no_django() -> None:
    code = (
        "import sys, sanctuary.incidents.surge, sanctuary.incidents.commands; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
