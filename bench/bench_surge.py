"""Benchmark: the surge detector on simulated daily incident counts.

(a) Surges: a base of 12 incidents a week that jumps to 95 a week (the March 2019 figures
    around the Christchurch attack) on a random day of the first watched year; the share
    detected within 48 hours and the delay. The jump comes at the start of the day, or at a
    random time of it (the day of the jump then mixes the two rates).
(b) Quiet years at 12 a week and (c) at one a month (a ward): false alarms per series-year.
(d) Smaller rises from 12 a week: the share detected within 48 hours and within a week.
(e) The nightly job: 300 series at once, with the CUSUM designs computed, then cached.
(f) Incidents with their moments: a Poisson process within each day (the day's rate scaled by
    its gamma shock for negative-binomial counts), 12 -> 95 a week at a uniformly random moment
    of the first watched year; hours from the jump to the alarm for the daily detector (at the
    end of the day), the intraday one with the whole day's reference (surge/intraday.py's
    default) and the one charging the reference by the share of the day (uniform profile).
(g) Quiet years of such records at 12 a week and one a month: false alerts per series-year of
    both intraday triggers, and a check that the default's alarm days are the daily detector's.
    Arrivals are uniform over the day, or "office hours" (80% between 09:00 and 17:00, as
    reports might be), against which the uniform profile is wrong.
Counts are Poisson or negative binomial (shape s: variance mu + mu^2/s). The baseline is
estimated from each series, as in production, unless the row says "given". Results:
docs/benchmarks.md, "Surge detection".

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/bench_surge.py [--series N] [--seed S]
     [--only job|surge|quiet|smaller|moments|moments-quiet]
"""

from __future__ import annotations

import argparse
import math
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from sanctuary.incidents.intraday import (
    UNIFORM_ARRIVALS,
    ArrivalProfile,
    IntradayResult,
    TimedSeries,
    detect_intraday,
)
from sanctuary.incidents.surge import (
    DAYS_PER_YEAR,
    DEFAULT_PARAMETERS,
    DailySeries,
    SurgeParameters,
    detect,
    detect_many,
)

BASE_PER_DAY = 12 / 7
SURGE_PER_DAY = 95 / 7
WARD_PER_DAY = 12 / DAYS_PER_YEAR
START = date(2018, 1, 1)
WARM_UP = DEFAULT_PARAMETERS.warm_up_days
SURGE_DAYS = 14
HEAVY = SurgeParameters(nb_size=3.0)  # the detector told the counts are as overdispersed as NB s=3
# Reports in office hours: 80% of a day's incidents between 09:00 and 17:00, the rest spread.
OFFICE_HOURS = ArrivalProfile(
    "office hours", tuple(0.8 / 8 if 9 <= hour < 17 else 0.2 / 16 for hour in range(24))
)
SHAPES: dict[str, float | None] = {"Poisson": None, "NB s=10": 10.0, "NB s=3": 3.0}

Sampler = Callable[[np.random.Generator, np.ndarray], np.ndarray]


def poisson(rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
    return rng.poisson(means)


def negative_binomial(shape: float) -> Sampler:
    def sample(rng: np.random.Generator, means: np.ndarray) -> np.ndarray:
        return rng.negative_binomial(shape, shape / (shape + means))

    return sample


MODELS: dict[str, Sampler] = {
    "Poisson": poisson,
    "NB s=10": negative_binomial(10.0),
    "NB s=3": negative_binomial(3.0),
}


@dataclass
class SurgeRow:
    label: str
    series: int
    within_48h: int
    delays_hours: list[float]
    missed_in_14_days: int
    inside_open_episode: int
    false_alarm_before: int
    seconds: float


def surges(
    label: str,
    sampler: Sampler,
    rng: np.random.Generator,
    count: int,
    random_hour: bool,
    given: bool,
    params: SurgeParameters = DEFAULT_PARAMETERS,
    surge_per_day: float = SURGE_PER_DAY,
) -> SurgeRow:
    row = SurgeRow(label, count, 0, [], 0, 0, 0, 0.0)
    started = time.process_time()
    for _ in range(count):
        jump = WARM_UP + int(rng.integers(1, 366))
        means = np.full(jump + SURGE_DAYS, BASE_PER_DAY)
        means[jump:] = surge_per_day
        fraction = float(rng.random()) if random_hour else 0.0  # of the jump day before it
        means[jump] = fraction * BASE_PER_DAY + (1 - fraction) * surge_per_day
        result = detect(
            DailySeries(START, sampler(rng, means)), BASE_PER_DAY if given else None, params
        )
        alarms = np.flatnonzero(result.alarm)
        if (alarms < jump).any():
            row.false_alarm_before += 1
        after = alarms[alarms >= jump]
        if not after.size:
            row.missed_in_14_days += 1
            continue
        hours = 24.0 * (after[0] - jump + 1 - fraction)
        row.delays_hours.append(hours)
        row.within_48h += hours <= 48
        alarm_day = result.series.day(int(after[0]))
        if not any(alert.day == alarm_day for alert in result.alerts):
            row.inside_open_episode += 1
    row.seconds = time.process_time() - started
    return row


@dataclass
class QuietRow:
    label: str
    years: float
    alerts: int
    alarm_days: int
    seconds: float

    @property
    def per_year(self) -> float:
        return self.alerts / self.years


def quiet(
    label: str,
    rate: float,
    sampler: Sampler,
    rng: np.random.Generator,
    count: int,
    given: bool,
    params: SurgeParameters = DEFAULT_PARAMETERS,
) -> QuietRow:
    # Each series is watched for one year after its warm-up: `count` series-years in all.
    days = WARM_UP + 365
    alerts = alarm_days = 0
    started = time.process_time()
    for _ in range(count):
        result = detect(
            DailySeries(START, sampler(rng, np.full(days, rate))), rate if given else None, params
        )
        alerts += len(result.alerts)
        alarm_days += int(result.alarm.sum())
    watched_years = count * 365 / DAYS_PER_YEAR
    return QuietRow(label, watched_years, alerts, alarm_days, time.process_time() - started)


def poisson_interval(events: int) -> tuple[float, float]:
    """An approximate 95% interval for a Poisson count (Wilson-Hilferty, Byar)."""
    lower = (
        0.0
        if events == 0
        else events * (1 - 1 / (9 * events) - 1.96 / (3 * math.sqrt(events))) ** 3
    )
    upper = (events + 1) * (1 - 1 / (9 * (events + 1)) + 1.96 / (3 * math.sqrt(events + 1))) ** 3
    return lower, upper


def daily_job(rng: np.random.Generator, count: int = 300, days: int = 400) -> None:
    """What the web app's nightly job does: every series of a borough, a year and more each."""
    rates = np.exp(rng.uniform(math.log(WARD_PER_DAY), math.log(5.0), count))
    named = {
        f"series {index}": DailySeries(START, MODELS["NB s=10"](rng, np.full(days, rate)))
        for index, rate in enumerate(rates)
    }
    for label in ("cold (designs computed)", "warm (designs cached)"):
        wall, cpu = time.perf_counter(), time.process_time()
        results = detect_many(named)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        alerts = sum(len(result.alerts) for result in results.values())
        print(
            f"{count} series x {days} days, {label}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{alerts} alerts",
            flush=True,
        )


# --- (f, g) Incidents with their moments -------------------------------------------------------


def arrival_moments(
    rng: np.random.Generator,
    days: int,
    before: float,
    after: float,
    jump: float | None,
    shape: float | None,
    arrivals: ArrivalProfile = UNIFORM_ARRIVALS,
) -> np.ndarray:
    """A Poisson process of rate ``before`` a day, then ``after`` from the moment ``jump``.

    Within a day the rate follows ``arrivals``; the whole day's rate is scaled by one gamma
    shock of shape s (mean 1), which makes the day's count negative binomial, as the detector
    assumes. On the jump day each side of the jump gets its share of the profile.
    """
    day = np.arange(days)
    clock_before = np.ones(days) if jump is None else np.clip(jump - day, 0.0, 1.0)
    share_before = arrivals.share(clock_before)
    shock = np.ones(days) if shape is None else rng.gamma(shape, 1 / shape, days)
    n_before = rng.poisson(shock * before * share_before)
    n_after = rng.poisson(shock * after * (1 - share_before))
    low = np.concatenate((np.zeros(n_before.sum()), np.repeat(share_before, n_after)))
    high = np.concatenate((np.repeat(share_before, n_before), np.ones(n_after.sum())))
    shares = low + (high - low) * rng.random(low.size)
    weights = np.asarray(arrivals.hourly_weights)
    knots = np.concatenate(([0.0], np.cumsum(weights) / weights.sum()))
    fractions = np.minimum(np.interp(shares, knots, np.arange(25) / 24), np.nextafter(1.0, 0))
    return np.concatenate((np.repeat(day, n_before), np.repeat(day, n_after))) + fractions


DETECTORS = ("daily (at the day's end)", "intraday, whole-day k", "intraday, uniform share")


def detector_alarms(record: TimedSeries, params: SurgeParameters) -> list[np.ndarray]:
    """Alarm moments of the three detectors; the daily one's at the end of its alarm days."""
    daily = detect(record.daily(), None, params)
    whole = detect_intraday(record, None, params)
    share = detect_intraday(record, None, params, UNIFORM_ARRIVALS)
    assert np.array_equal(daily.alarm, whole.alarm), "the whole-day trigger left the daily days"
    return [np.flatnonzero(daily.alarm) + 1.0, moments(whole), moments(share)]


def moments(result: IntradayResult) -> np.ndarray:
    return result.alarm_moment[result.alarm]


def surges_at_moments(
    rng: np.random.Generator,
    count: int,
    shape: float | None,
    arrivals: ArrivalProfile = UNIFORM_ARRIVALS,
    params: SurgeParameters = DEFAULT_PARAMETERS,
) -> list[np.ndarray]:
    """Hours from the jump to each detector's first alarm after it (inf: none in 14 days)."""
    delays = np.full((len(DETECTORS), count), np.inf)
    for index in range(count):
        jump = WARM_UP + 365 * float(rng.random())
        days = math.floor(jump) + SURGE_DAYS
        record = TimedSeries(
            START,
            arrival_moments(rng, days, BASE_PER_DAY, SURGE_PER_DAY, jump, shape, arrivals),
            float(days),
        )
        for which, alarms in enumerate(detector_alarms(record, params)):
            after = alarms[alarms >= jump]
            if after.size:
                delays[which, index] = 24.0 * (after[0] - jump)
    return list(delays)


def quiet_with_moments(
    rng: np.random.Generator,
    count: int,
    rate: float,
    shape: float | None,
    arrivals: ArrivalProfile,
) -> tuple[int, int, int, int]:
    """False alerts of the two intraday triggers over ``count`` watched years, alarm days of the
    whole-day trigger, and the series whose alarm days differ from the daily detector's (none,
    by the argument)."""
    days = WARM_UP + 365
    whole_alerts = share_alerts = whole_days = differ = 0
    for _ in range(count):
        record = TimedSeries(
            START, arrival_moments(rng, days, rate, rate, None, shape, arrivals), float(days)
        )
        whole = detect_intraday(record)
        share = detect_intraday(record, profile=UNIFORM_ARRIVALS)
        whole_alerts += len(whole.alerts)
        share_alerts += len(share.alerts)
        whole_days += int(whole.alarm.sum())
        differ += not np.array_equal(whole.alarm, detect(record.daily()).alarm)
    return whole_alerts, share_alerts, whole_days, differ


def print_surges_at_moments(rng: np.random.Generator, count: int) -> None:
    print("\n(f) 12 -> 95 a week at a random moment: hours from the jump to the first alarm")
    print(
        f"{'counts, arrivals':<28} {'detector':<26} {'within 48 h':>11} {'median h':>9} "
        f"{'p95 h':>6} {'max h':>6} {'missed':>6} {'CPU s':>6}"
    )
    cases = [(model, shape, UNIFORM_ARRIVALS) for model, shape in SHAPES.items()]
    cases.append(("NB s=10", 10.0, OFFICE_HOURS))
    for model, shape, arrivals in cases:
        started = time.process_time()
        delays = surges_at_moments(rng, count, shape, arrivals)
        seconds = time.process_time() - started
        for detector, hours in zip(DETECTORS, delays, strict=True):
            caught = hours[np.isfinite(hours)]
            if not caught.size:
                caught = np.array([np.nan])
            print(
                f"{model + ', ' + arrivals.name:<28} {detector:<26} "
                f"{(hours <= 48).mean():>10.1%} {np.median(hours):>9.1f} "
                f"{np.percentile(hours, 95):>6.1f} {caught.max():>6.1f} "
                f"{int(np.isinf(hours).sum()):>6} {seconds:>6.1f}",
                flush=True,
            )


def print_quiet_with_moments(rng: np.random.Generator, count: int) -> None:
    print("\n(g) quiet years with moments: false alerts per series-year")
    print(
        f"{'rate, counts, arrivals':<38} {'years':>6} {'whole-day k':>12} {'95% interval':>15} "
        f"{'uniform share':>13} {'95% interval':>15} {'alarm days':>10} {'not daily':>9} "
        f"{'CPU s':>6}"
    )
    years = count * 365 / DAYS_PER_YEAR
    for rate_label, rate in (("12/week", BASE_PER_DAY), ("1/month", WARD_PER_DAY)):
        for arrivals in (UNIFORM_ARRIVALS, OFFICE_HOURS):
            for model, shape in SHAPES.items():
                started = time.process_time()
                whole, share, whole_days, differ = quiet_with_moments(
                    rng, count, rate, shape, arrivals
                )
                seconds = time.process_time() - started
                intervals = [poisson_interval(alerts) for alerts in (whole, share)]
                low_whole, high_whole = (bound / years for bound in intervals[0])
                low_share, high_share = (bound / years for bound in intervals[1])
                print(
                    f"{rate_label + ', ' + model + ', ' + arrivals.name:<38} {years:>6.0f} "
                    f"{whole / years:>12.3f} {low_whole:>7.3f}-{high_whole:<7.3f} "
                    f"{share / years:>13.3f} {low_share:>7.3f}-{high_share:<7.3f} "
                    f"{whole_days:>10} {differ:>9} {seconds:>6.1f}",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=1000, help="series per row (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--only",
        choices=("job", "surge", "quiet", "smaller", "moments", "moments-quiet"),
        default=None,
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(
        f"seed {args.seed}, {args.series} series per row; warm-up {WARM_UP} days; "
        f"parameters {DEFAULT_PARAMETERS}"
    )

    if args.only in (None, "job"):
        print("\n(e) the nightly job: rates log-uniform from one a month to five a day, NB s=10")
        daily_job(rng)

    if args.only in (None, "surge"):
        print("\n(a) 12 -> 95 a week: alarms within 48 h of the jump")
        print(
            f"{'counts':<32} {'within 48 h':>12} {'median h':>9} {'p95 h':>6} {'max h':>6} "
            f"{'missed':>6} {'in episode':>10} {'FA before':>9} {'CPU s':>6}"
        )
        cases = [
            ("Poisson, jump at midnight", poisson, False, False, DEFAULT_PARAMETERS),
            ("NB s=10, jump at midnight", MODELS["NB s=10"], False, False, DEFAULT_PARAMETERS),
            ("NB s=3, jump at midnight", MODELS["NB s=3"], False, False, DEFAULT_PARAMETERS),
            ("NB s=3, midnight, detector s=3", MODELS["NB s=3"], False, False, HEAVY),
            ("Poisson, jump at any hour", poisson, True, False, DEFAULT_PARAMETERS),
            ("NB s=10, jump at any hour", MODELS["NB s=10"], True, False, DEFAULT_PARAMETERS),
            ("Poisson, midnight, given", poisson, False, True, DEFAULT_PARAMETERS),
        ]
        for label, sampler, random_hour, given, params in cases:
            row = surges(label, sampler, rng, args.series, random_hour, given, params)
            delays = np.array(row.delays_hours) if row.delays_hours else np.array([np.nan])
            print(
                f"{label:<32} {row.within_48h / row.series:>11.1%} "
                f"{np.median(delays):>9.0f} {np.percentile(delays, 95):>6.0f} "
                f"{delays.max():>6.0f} {row.missed_in_14_days:>6} "
                f"{row.inside_open_episode:>10} {row.false_alarm_before:>9} "
                f"{row.seconds:>6.1f}",
                flush=True,
            )

    if args.only in (None, "quiet"):
        print("\n(b, c) quiet years: false alarms (new alerts) per series-year")
        print(
            f"{'rate and counts':<36} {'years':>6} {'alerts':>6} {'per year':>9} "
            f"{'95% interval':>15} {'alarm days':>10} {'CPU s':>6}"
        )
        for rate_label, rate in (("12/week", BASE_PER_DAY), ("1/month", WARD_PER_DAY)):
            variants = [
                (model, sampler, False, DEFAULT_PARAMETERS, "") for model, sampler in MODELS.items()
            ]
            variants.insert(1, ("Poisson", poisson, True, DEFAULT_PARAMETERS, ", given"))
            variants.insert(3, ("NB s=10", MODELS["NB s=10"], True, DEFAULT_PARAMETERS, ", given"))
            variants.append(("NB s=3", MODELS["NB s=3"], False, HEAVY, ", detector s=3"))
            for model, sampler, given, params, note in variants:
                label = f"{rate_label}, {model}{note}"
                row = quiet(label, rate, sampler, rng, args.series, given, params)
                low, high = poisson_interval(row.alerts)
                print(
                    f"{label:<36} {row.years:>6.0f} {row.alerts:>6} {row.per_year:>9.3f} "
                    f"{low / row.years:>7.3f}-{high / row.years:<7.3f} "
                    f"{row.alarm_days:>10} {row.seconds:>6.1f}",
                    flush=True,
                )

    if args.only in (None, "smaller"):
        print("\n(d) smaller rises from 12 a week (NB s=10 counts, estimated baseline)")
        print(
            f"{'rise':<10} {'within 48 h':>12} {'within 7 days':>14} {'median days':>12} "
            f"{'missed in 14 days':>18}"
        )
        for factor in (1.5, 2.0, 3.0, 4.0):
            row = surges(
                f"x{factor:g}",
                MODELS["NB s=10"],
                rng,
                args.series,
                False,
                False,
                surge_per_day=factor * BASE_PER_DAY,
            )
            delays = np.array(row.delays_hours) / 24 if row.delays_hours else np.array([np.nan])
            within_week = int((delays <= 7).sum()) if row.delays_hours else 0
            print(
                f"{row.label:<10} {row.within_48h / row.series:>11.1%} "
                f"{within_week / row.series:>13.1%} {np.median(delays):>12.0f} "
                f"{row.missed_in_14_days:>18}",
                flush=True,
            )

    if args.only in (None, "moments"):
        print_surges_at_moments(rng, args.series)

    if args.only in (None, "moments-quiet"):
        print_quiet_with_moments(rng, args.series)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory: {peak_mib:.0f} MiB; CPU {time.process_time():.1f} s")


if __name__ == "__main__":
    main()
