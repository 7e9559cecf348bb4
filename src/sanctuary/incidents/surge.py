"""Surge detection on daily incident counts: a negative-binomial CUSUM (no Django).

For each day t with a baseline of mu_t incidents a day the statistic, in incidents, is

    S_t = max(0, S_{t-1} + x_t - k_t)          (Page 1954; Lucas 1985 for counts)

where x_t is the day's count and k_t the reference value of the log-likelihood ratio between a
negative binomial of mean ``design_ratio * mu_t`` and one of mean mu_t. The day alarms when
``S_t >= h_t``; h_t is the smallest threshold whose in-control average run length (ARL0),
computed exactly on the Markov chain of Brook & Evans (1972), reaches the target. Without a
given baseline, mu_t is the mean of a trailing window that stops ``guard_days`` before t, so
a surge does not hide itself by raising its own baseline. Formulas, defaults and measured
false-alarm rates: docs/incidents.md. Alarms during the day, as incidents arrive: intraday.py;
the command's JSON: surge_documents.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from scipy.linalg import solve_toeplitz

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

DAYS_PER_YEAR = 365.25
METHOD = "negative-binomial CUSUM"

# Above this many states the run-length chain is coarsened (h in whole incidents at worst):
# the solve grows with the square of the states, and by then h is tens of incidents anyway.
MAX_STATES = 1000
# The statistic is a sum of integers and multiples of 1/m; anything this close is equal.
TOLERANCE = 1e-9
# Baselines are rounded to this many significant figures before a design is looked up, so that
# a year of slightly different estimates shares a few hundred cached designs. The estimate's own
# error (about 10% on eight weeks at two incidents a day) dwarfs the rounding (0.5% at most).
BASELINE_FIGURES = 3


class InvalidSeries(ValueError):
    """The series or the detector's parameters are malformed; the message says what and where."""


@dataclass(frozen=True)
class SurgeParameters:
    """The detector's settings; every default is justified in docs/incidents.md."""

    design_ratio: float = 3.0  # the rise the CUSUM is tuned to: a tripling of the daily rate
    in_control_arl_days: float = 10 * DAYS_PER_YEAR  # mean days between false alarms, nominal
    nb_size: float | None = 10.0  # negative-binomial shape s (variance mu + mu^2/s); None: Poisson
    baseline_days: int = 56  # trailing window of the estimated baseline (eight whole weeks)
    guard_days: int = 7  # the most recent days left out of it (today included)
    min_baseline_days: int = 28  # no estimate, and so no alert, on less history than this
    min_baseline_per_day: float = 12 / DAYS_PER_YEAR  # the floor: one incident a month
    episode_gap_days: int = 14  # an alarm within this many days of the last one is the same surge

    def __post_init__(self) -> None:
        if not (math.isfinite(self.design_ratio) and self.design_ratio > 1):
            raise InvalidSeries(f"design_ratio must be a number > 1, got {self.design_ratio}")
        if not (math.isfinite(self.in_control_arl_days) and self.in_control_arl_days >= 2):
            raise InvalidSeries(
                f"in_control_arl_days must be a number >= 2, got {self.in_control_arl_days}"
            )
        if self.nb_size is not None and not (math.isfinite(self.nb_size) and self.nb_size > 0):
            raise InvalidSeries(f"nb_size must be a number > 0 or None, got {self.nb_size}")
        if not 1 <= self.min_baseline_days <= self.baseline_days:
            raise InvalidSeries("min_baseline_days must be between 1 and baseline_days")
        if self.guard_days < 1:
            raise InvalidSeries("guard_days must be >= 1: today must not be its own baseline")
        if not (math.isfinite(self.min_baseline_per_day) and self.min_baseline_per_day > 0):
            raise InvalidSeries("min_baseline_per_day must be a number > 0")
        if self.episode_gap_days < 0:
            raise InvalidSeries("episode_gap_days must be >= 0")

    @property
    def warm_up_days(self) -> int:
        """Days an estimated baseline needs before the first day that can alert.

        The window of day t ends at t - guard_days, so day t has t - guard_days + 1 days in it.
        """
        return self.guard_days - 1 + self.min_baseline_days

    def to_document(self) -> dict[str, Any]:
        document = asdict(self)
        document["min_baseline_per_day"] = round(self.min_baseline_per_day, 6)
        return document


DEFAULT_PARAMETERS = SurgeParameters()


# --- The CUSUM design: reference value and threshold -----------------------------------------


@dataclass(frozen=True)
class CusumDesign:
    """k and h (in incidents, multiples of 1/resolution) for one baseline, and the ARL0 they give."""

    baseline_per_day: float
    reference: float
    threshold: float
    resolution: int
    in_control_arl_days: float


def reference_value(baseline_per_day: float, design_ratio: float, nb_size: float | None) -> float:
    """k: the count above which a day is evidence for the raised rate rather than the baseline.

    The log-likelihood ratio of NB(r mu) against NB(mu), shape s, is linear in the count x:
    ``x log[r (s + mu) / (s + r mu)] - s log[(s + r mu) / (s + mu)]``; divided by the slope it
    is ``x - k``. As s grows it tends to the Poisson value ``k = (r - 1) mu / log r``.
    """
    mu, r, s = baseline_per_day, design_ratio, nb_size
    if s is None:
        return (r - 1) * mu / math.log(r)
    return s * math.log((s + r * mu) / (s + mu)) / math.log(r * (s + mu) / (s + r * mu))


def count_probabilities(mean: float, nb_size: float | None, how_many: int) -> FloatArray:
    """P(x = 0), ..., P(x = how_many - 1) for one day's count."""
    counts = np.arange(how_many)
    if nb_size is None:
        return np.asarray(stats.poisson.pmf(counts, mean), dtype=np.float64)
    return np.asarray(
        stats.nbinom.pmf(counts, nb_size, nb_size / (nb_size + mean)), dtype=np.float64
    )


def in_control_arl(
    baseline_per_day: float,
    nb_size: float | None,
    reference_steps: int,
    threshold_steps: int,
    resolution: int,
) -> float:
    """Average run length from S = 0 with k = K/m and h = H/m, on the exact Markov chain.

    With k and h multiples of 1/m the statistic only takes the values i/m, so the chain on the
    states i = 0 .. H-1 (H absorbing: the alarm) is exact, as in Lucas (1985); the ARL vector
    solves (I - R) L = 1 (Brook & Evans 1972). From state i a count x moves to i + m x - K,
    clamped at 0.
    """
    largest = (threshold_steps - 1 + reference_steps) // resolution
    probability = count_probabilities(baseline_per_day, nb_size, largest + 1)
    return _chain_arl(probability, reference_steps, threshold_steps, resolution)


def _chain_arl(probability: FloatArray, size: int, states: int, step: int) -> float:
    """ARL from state 0; ``size`` is K, ``states`` H and ``step`` m.

    R[i, j] depends on j - i alone (a Toeplitz matrix T) except in column 0, which gathers
    every move to zero or below: R = T + u e0'. So solve (I - T) [y z] = [1 u] by Levinson's
    O(H^2) recursion and correct with Sherman-Morrison: L0 = y0 / (1 - z0). It agrees with a
    dense solve to 1e-12 (tests) without its O(H^3) cost.
    """
    largest = (states - 1 + size) // step  # no count beyond it stays below the threshold
    cumulative = np.cumsum(probability[: largest + 1])
    offsets = np.arange(-(states - 1), states) + size  # m x for a move of j - i = offset - K
    lands = (offsets >= 0) & (offsets % step == 0)
    move = np.where(lands, probability[np.clip(offsets // step, 0, largest)], 0.0)
    toeplitz_column = move[states - 1 :: -1]  # T[i, 0] = P(j - i = -i)
    toeplitz_row = move[states - 1 :]  # T[0, j] = P(j - i = j)
    column, row = -toeplitz_column, -toeplitz_row
    column[0] += 1.0
    row[0] += 1.0
    to_zero = (size - np.arange(states)) // step  # every x up to this lands on (or below) 0
    into_zero = np.where(to_zero >= 0, cumulative[np.clip(to_zero, 0, largest)], 0.0)
    rhs = np.column_stack((np.ones(states), into_zero - toeplitz_column))
    solved = solve_toeplitz((column, row), rhs)
    return float(solved[0, 0] / (1.0 - solved[0, 1]))


def design_cusum(
    baseline_per_day: float, params: SurgeParameters = DEFAULT_PARAMETERS
) -> CusumDesign:
    """The design for a baseline (rounded to BASELINE_FIGURES significant figures), cached."""
    return _design(
        round_baseline(baseline_per_day),
        params.design_ratio,
        params.nb_size,
        params.in_control_arl_days,
    )


def round_baseline(baseline_per_day: float) -> float:
    digits = BASELINE_FIGURES - 1 - math.floor(math.log10(baseline_per_day))
    return round(baseline_per_day, digits)


@lru_cache(maxsize=16_384)
def _design(mu: float, ratio: float, size: float | None, target: float) -> CusumDesign:
    exact = reference_value(mu, ratio, size)
    # k to about 2% (to 1/200 of an incident at the lowest rates): a k of whole incidents would
    # put S on the integers, and the ARL0 would then jump (double) from one h to the next.
    # Coarser only when h is so many incidents that the chain would pass MAX_STATES.
    resolution = min(200, max(10, math.ceil(50 / exact)))
    found = _smallest_threshold(mu, size, exact, resolution, target)
    while isinstance(found, float):  # h is beyond `found` incidents: coarsen to fit
        resolution = max(1, min(resolution - 1, int(MAX_STATES / (2 * found))))
        found = _smallest_threshold(mu, size, exact, resolution, target)
    steps, arl = found
    return CusumDesign(
        baseline_per_day=mu,
        reference=_reference_steps(exact, resolution) / resolution,
        threshold=steps / resolution,
        resolution=resolution,
        in_control_arl_days=arl,
    )


def _reference_steps(exact_reference: float, resolution: int) -> int:
    return max(1, round(exact_reference * resolution))


def _smallest_threshold(
    mu: float, size: float | None, exact_reference: float, resolution: int, target: float
) -> tuple[int, float] | float:
    """The least H with ARL0(H) >= target (ARL0 grows with H), and that ARL0.

    If H would pass MAX_STATES at this resolution (never at resolution 1), instead the h in
    incidents known to be too low.
    """
    reference_steps = _reference_steps(exact_reference, resolution)
    cap = MAX_STATES if resolution > 1 else math.inf

    def arl(steps: int) -> float:
        return in_control_arl(mu, size, reference_steps, steps, resolution)

    low, high = 0, 1  # H = 0 would alarm every day: ARL0 1
    low_arl, high_arl = 1.0, arl(high)
    while high_arl < target:
        if high >= cap:
            return high / resolution
        low, low_arl = high, high_arl
        high = int(min(high * 2, cap))
        high_arl = arl(high)
    # log ARL0 is close to linear in h (it grows like exp(theta h)), so interpolate in it, but
    # keep a quarter of the bracket from either end so that it shrinks by at least a quarter.
    while high - low > 1:
        share = (math.log(target) - math.log(low_arl)) / (math.log(high_arl) - math.log(low_arl))
        margin = max(1, (high - low) // 4)
        middle = min(max(low + round(share * (high - low)), low + margin), high - margin)
        middle_arl = arl(middle)
        if middle_arl >= target:
            high, high_arl = middle, middle_arl
        else:
            low, low_arl = middle, middle_arl
    return high, high_arl


# --- The series --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyCount:
    day: date
    count: int


@dataclass(frozen=True, eq=False)
class DailySeries:
    """One count per day from ``start``, consecutive, whole and >= 0."""

    start: date
    counts: IntArray

    def __post_init__(self) -> None:
        raw = np.asarray(self.counts)
        if raw.ndim != 1:
            raise InvalidSeries("counts must be a one-dimensional sequence, one per day")
        if raw.size and not np.issubdtype(raw.dtype, np.integer):
            as_float = raw.astype(np.float64)
            if not (np.isfinite(as_float).all() and (as_float == np.round(as_float)).all()):
                raise InvalidSeries("counts must be whole numbers")
        counts = raw.astype(np.int64)
        negative = np.flatnonzero(counts < 0)
        if negative.size:
            raise InvalidSeries(f"count of day {int(negative[0])} is negative")
        counts.setflags(write=False)
        object.__setattr__(self, "counts", counts)

    @classmethod
    def from_days(cls, days: Sequence[DailyCount]) -> DailySeries:
        if not days:
            raise InvalidSeries("a series needs at least one day")
        for index in range(1, len(days)):
            expected = days[index - 1].day + timedelta(days=1)
            if days[index].day != expected:
                raise InvalidSeries(
                    f"day {index} is {days[index].day.isoformat()}, expected "
                    f"{expected.isoformat()}: one count per consecutive day"
                )
        return cls(days[0].day, np.array([d.count for d in days], dtype=np.int64))

    @classmethod
    def from_sparse(cls, counts_by_day: Mapping[date, int], start: date, end: date) -> DailySeries:
        """From a database's per-day totals: days without incidents count zero."""
        if end < start:
            raise InvalidSeries(f"end {end.isoformat()} is before start {start.isoformat()}")
        counts = np.zeros((end - start).days + 1, dtype=np.int64)
        for day, count in counts_by_day.items():
            if start <= day <= end:
                counts[(day - start).days] = count
        return cls(start, counts)

    def __len__(self) -> int:
        return int(self.counts.size)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


def estimated_baselines(
    counts: ArrayLike, params: SurgeParameters = DEFAULT_PARAMETERS
) -> FloatArray:
    """mu_t for every day: the mean count over up to ``baseline_days`` days ending
    ``guard_days`` before t, raised to the floor; NaN while fewer than ``min_baseline_days``
    days are available (the warm-up)."""
    values = np.asarray(counts, dtype=np.float64)
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    end = np.arange(values.size) - params.guard_days + 1  # exclusive: t - guard_days + 1
    begin = np.maximum(0, end - params.baseline_days)
    available = end - begin
    ready = available >= params.min_baseline_days
    safe_end, safe_begin = np.clip(end, 0, None), begin
    means = (cumulative[safe_end] - cumulative[safe_begin]) / np.maximum(available, 1)
    return np.where(ready, np.maximum(params.min_baseline_per_day, means), np.nan)


def daily_baselines(
    counts: ArrayLike, baseline_per_day: float | None, params: SurgeParameters
) -> FloatArray:
    """mu_t for every day: the given rate (raised to the floor) or the estimate; a new array."""
    if baseline_per_day is None:
        return estimated_baselines(counts, params)
    if isinstance(baseline_per_day, bool) or not (
        math.isfinite(baseline_per_day) and baseline_per_day > 0
    ):
        raise InvalidSeries(f"baseline_per_day must be a number > 0, got {baseline_per_day}")
    floor_raised = max(params.min_baseline_per_day, float(baseline_per_day))
    return np.full(np.asarray(counts).size, floor_raised)


# --- Detection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurgeAlert:
    """The first alarm of a surge episode and its evidence: ``observed`` incidents against
    ``expected`` from ``since`` to ``day`` (the CUSUM's run), ``statistic`` (= observed minus
    the run's reference values) against ``threshold``. ``last_alarm`` and ``alarm_days`` say
    how long the episode went on alarming."""

    day: date
    since: date
    expected: float
    observed: int
    statistic: float
    threshold: float
    last_alarm: date
    alarm_days: int

    def to_document(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "expected": round(self.expected, 3),
            "observed": self.observed,
            "statistic": round(self.statistic, 6),
            "threshold": round(self.threshold, 6),
            "since": self.since.isoformat(),
            "last_alarm": self.last_alarm.isoformat(),
            "alarm_days": self.alarm_days,
        }


@dataclass(frozen=True, eq=False)
class SurgeResult:
    """Day by day: the baseline used (NaN in warm-up), S_t, h_t and alarms; and the alerts."""

    series: DailySeries
    parameters: SurgeParameters
    baseline_given: bool
    expected: FloatArray
    statistic: FloatArray
    threshold: FloatArray
    alarm: NDArray[np.bool_]
    alerts: tuple[SurgeAlert, ...]

    @property
    def watched_from(self) -> date | None:
        """The first day that could alert (after the warm-up), if the series reaches it."""
        watched = np.flatnonzero(~np.isnan(self.expected))
        return self.series.day(int(watched[0])) if watched.size else None

    def to_document(self) -> dict[str, Any]:
        watched_from = self.watched_from
        return {
            "method": METHOD,
            "baseline": "given" if self.baseline_given else "estimated",
            "watched_from": watched_from.isoformat() if watched_from else None,
            "parameters": self.parameters.to_document(),
            "alerts": [alert.to_document() for alert in self.alerts],
        }


def detect(
    series: DailySeries,
    baseline_per_day: float | None = None,
    params: SurgeParameters = DEFAULT_PARAMETERS,
) -> SurgeResult:
    """Run the CUSUM over the series; one alert per episode of alarms.

    After an alarm the statistic restarts from zero (Page's restart after a signal). Alarms
    within ``episode_gap_days`` of the previous one extend its episode instead of raising a
    new alert, so a surge that goes on for days gives one alert, updated.
    """
    counts = series.counts
    expected = daily_baselines(counts, baseline_per_day, params)
    days = counts.size
    statistic = np.zeros(days)
    threshold = np.full(days, np.nan)
    alarm = np.zeros(days, dtype=bool)
    alerts: list[SurgeAlert] = []
    level, run_start, run_expected, run_observed = 0.0, 0, 0.0, 0
    last_alarm = -(10**9)
    for t in range(days):
        if math.isnan(expected[t]):
            continue
        design = design_cusum(float(expected[t]), params)
        expected[t] = design.baseline_per_day
        threshold[t] = design.threshold
        count = int(counts[t])
        if level == 0.0:
            run_start, run_expected, run_observed = t, 0.0, 0
        level += count - design.reference
        run_expected += design.baseline_per_day
        run_observed += count
        if level <= TOLERANCE:
            level = 0.0
        statistic[t] = level
        if level < design.threshold - TOLERANCE:
            continue
        alarm[t] = True
        if alerts and t - last_alarm <= params.episode_gap_days:
            alerts[-1] = replace(
                alerts[-1], last_alarm=series.day(t), alarm_days=alerts[-1].alarm_days + 1
            )
        else:
            alerts.append(
                SurgeAlert(
                    day=series.day(t),
                    since=series.day(run_start),
                    expected=run_expected,
                    observed=run_observed,
                    statistic=level,
                    threshold=design.threshold,
                    last_alarm=series.day(t),
                    alarm_days=1,
                )
            )
        last_alarm = t
        level = 0.0
    for array in (expected, statistic, threshold, alarm):
        array.setflags(write=False)
    return SurgeResult(
        series=series,
        parameters=params,
        baseline_given=baseline_per_day is not None,
        expected=expected,
        statistic=statistic,
        threshold=threshold,
        alarm=alarm,
        alerts=tuple(alerts),
    )


def detect_many(
    series_by_name: Mapping[str, DailySeries],
    baselines: Mapping[str, float] | None = None,
    params: SurgeParameters = DEFAULT_PARAMETERS,
) -> dict[str, SurgeResult]:
    """The same detector over many series (each faith, area, ward, and the total).

    Designs are cached across series, so a borough's few hundred series cost little more than
    their distinct baselines. A name without a given baseline is estimated from its own series.
    """
    given = baselines or {}
    unknown = sorted(set(given) - set(series_by_name))
    if unknown:
        raise InvalidSeries(f"baseline for unknown series {unknown[0]!r}")
    return {
        name: detect(series, given.get(name), params) for name, series in series_by_name.items()
    }
