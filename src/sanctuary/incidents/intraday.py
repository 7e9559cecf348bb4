"""Surge alarms during the day, as incidents arrive: surge.py's CUSUM on the count so far (no Django).

The daily detector alarms on day t when ``S_{t-1} + x_t - k_t >= h_t`` and so can only speak
once the day is over. Counts only grow during a day, so the same test on the count so far,

    S_{t-1} + x_t(tau) - k_t >= h_t,

first holds during the day exactly when it holds at the day's end: the alarm days are the
daily detector's, false alarms included, and only the moment moves earlier, to the incident
that tipped the day (or to midnight, when an estimated baseline that fell has lowered h_t below
what S_{t-1} carried in). With an arrival profile F (the expected share of a day's incidents
arrived by tau), the reference is charged pro rata instead, ``S_{t-1} + x_t(tau) - F(tau) k_t``:
sooner, but it also alarms on days the daily detector would not, as often as the profile is wrong.
Argument, measurements and the choice of default: docs/incidents.md, "Alarms during the day".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sanctuary.incidents.surge import (
    DEFAULT_PARAMETERS,
    METHOD,
    TOLERANCE,
    DailySeries,
    FloatArray,
    IntArray,
    InvalidSeries,
    SurgeParameters,
    daily_baselines,
    design_cusum,
)

HOURS = 24
WHOLE_DAY = "whole-day reference"


@dataclass(frozen=True)
class ArrivalProfile:
    """How a quiet day's incidents spread over it: 24 relative weights, hour by hour from midnight.

    ``share(f)`` is the expected share of a day's incidents arrived once a fraction f of the day
    has passed: the weights' running total, linear within each hour. A clock-change day's 23 or 25
    hours are stretched onto the 24 (an hour's error on two days a year).
    """

    name: str = "uniform"
    hourly_weights: tuple[float, ...] = (1.0,) * HOURS
    _knots: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weights = np.asarray(self.hourly_weights, dtype=np.float64)
        if weights.shape != (HOURS,):
            raise InvalidSeries(f"an arrival profile needs 24 hourly weights, got {weights.size}")
        if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
            raise InvalidSeries("an arrival profile's weights must be numbers >= 0, not all 0")
        object.__setattr__(self, "hourly_weights", tuple(float(w) for w in weights))
        knots = np.concatenate(([0.0], np.cumsum(weights) / weights.sum()))
        knots[-1] = 1.0  # a whole day is the whole day's incidents, not 1 - 1e-16
        knots.setflags(write=False)
        object.__setattr__(self, "_knots", knots)

    def share(self, fraction_of_day: ArrayLike) -> FloatArray:
        hours = np.asarray(fraction_of_day, dtype=np.float64) * HOURS
        return np.interp(hours, np.arange(HOURS + 1), self._knots)


UNIFORM_ARRIVALS = ArrivalProfile()


# --- Incidents with their moments --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TimedSeries:
    """Incidents with their moments, from the midnight that begins ``start`` up to ``end``.

    A moment is in days since that midnight, each day taken whole: 70.5 is half-way through day
    70 (12:00 on most days, 12:30 on a 25-hour one), so an incident's day is ``floor(moment)``.
    ``end`` is how far the record is complete (the time of the check); a day it cuts short is
    the day in progress, and its count is the count so far. ``zone`` (IANA) names the clock whose
    midnights divide the days; it is needed only to turn moments into times (``instant``).
    """

    start: date
    moments: FloatArray
    end: float
    zone: str | None = None
    counts: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.end, bool) or not (math.isfinite(self.end) and self.end > 0):
            raise InvalidSeries(f"the record's end must be a number > 0 (days), got {self.end}")
        raw = np.asarray(self.moments, dtype=np.float64)
        if raw.ndim != 1:
            raise InvalidSeries("moments must be a one-dimensional sequence, one per incident")
        if not np.isfinite(raw).all():
            raise InvalidSeries("moments must be finite numbers (days since the start)")
        moments = np.sort(raw)
        if moments.size and moments[0] < 0:
            raise InvalidSeries(f"an incident at moment {moments[0]} is before the start")
        days = math.ceil(self.end)
        if moments.size and moments[-1] > self.end:
            raise InvalidSeries(
                f"an incident at moment {moments[-1]} is after the record's end {self.end}"
            )
        if moments.size and moments[-1] >= days:
            raise InvalidSeries(
                "an incident at the record's end, a midnight, belongs to a day the record does "
                "not reach: end the record after it"
            )
        if self.zone is not None:
            zone_info(self.zone)
        moments.setflags(write=False)
        counts = np.bincount(np.floor(moments).astype(np.int64), minlength=days)
        counts.setflags(write=False)
        object.__setattr__(self, "moments", moments)
        object.__setattr__(self, "end", float(self.end))
        object.__setattr__(self, "counts", counts)

    @property
    def days(self) -> int:
        """Days in the record, the day in progress included."""
        return int(self.counts.size)

    @property
    def complete(self) -> bool:
        """Whether the last day is over (the record ends at a midnight)."""
        return self.end == self.days

    def daily(self) -> DailySeries:
        """The counts per day, the day in progress with its count so far."""
        return DailySeries(self.start, self.counts)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    @classmethod
    def from_instants(
        cls, instants: Sequence[datetime], start: date, as_of: datetime, zone: str
    ) -> TimedSeries:
        """From the incidents' times (aware datetimes), days divided at ``zone``'s midnights."""
        clock = zone_info(zone)
        for index, instant in enumerate([*instants, as_of]):
            if instant.utcoffset() is None:
                what = "as_of" if index == len(instants) else f"instant {index}"
                raise InvalidSeries(f"{what} has no UTC offset: the time is ambiguous")
        moments = [moment_of(instant, start, clock) for instant in instants]
        return cls(start, np.array(moments, dtype=np.float64), moment_of(as_of, start, clock), zone)

    def instant(self, moment: float) -> datetime:
        """The time of a moment, on the record's clock."""
        if self.zone is None:
            raise InvalidSeries("the record has no time zone: its moments are not times")
        clock = zone_info(self.zone)
        index = math.floor(moment)
        begin, finish = _day_span(self.day(index), clock)
        microseconds = round((finish - begin) / timedelta(microseconds=1) * (moment - index))
        return (begin + timedelta(microseconds=microseconds)).astimezone(clock)


def zone_info(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSeries(f"unknown time zone {name!r} (expected e.g. 'Europe/London')") from None


def _day_span(day: date, clock: ZoneInfo) -> tuple[datetime, datetime]:
    """The day's first and last instants, in UTC: 23 or 25 hours apart on clock-change days.

    (Aware datetimes of one zone subtract by wall clock, ignoring the change; in UTC they do not.)
    """
    begin = datetime.combine(day, time(0), tzinfo=clock).astimezone(UTC)
    finish = datetime.combine(day + timedelta(days=1), time(0), tzinfo=clock).astimezone(UTC)
    return begin, finish


def moment_of(instant: datetime, start: date, clock: ZoneInfo) -> float:
    """Days from the midnight that begins ``start`` to an aware ``instant``, on ``clock``."""
    day = instant.astimezone(clock).date()
    begin, finish = _day_span(day, clock)
    return (day - start).days + (instant - begin) / (finish - begin)


# --- Detection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntradayAlert:
    """The first alarm of a surge episode, raised at ``moment``: the incident that tipped it, or
    midnight when the day's own (lower) threshold was already passed.

    The evidence is as of that moment: ``observed`` incidents from the start of ``since`` up to
    and including that one, against ``expected`` (the run's baselines, the alarm day's pro rata
    to the time of day); ``statistic`` against ``threshold``. ``at`` is the moment's time when
    the record has a clock. ``last_alarm`` and ``alarm_days`` follow the episode, day by day.
    """

    moment: float
    at: datetime | None
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
            "at": self.at.isoformat() if self.at else None,
            "expected": round(self.expected, 3),
            "observed": self.observed,
            "statistic": round(self.statistic, 6),
            "threshold": round(self.threshold, 6),
            "since": self.since.isoformat(),
            "last_alarm": self.last_alarm.isoformat(),
            "alarm_days": self.alarm_days,
        }


@dataclass(frozen=True, eq=False)
class IntradayResult:
    """Day by day: the baseline (NaN in warm-up), the statistic at the day's end (or at the
    record's end, for the day in progress; before any restart), h, and the moment of the day's
    alarm (NaN: none); and the alerts."""

    record: TimedSeries
    parameters: SurgeParameters
    profile: ArrivalProfile | None
    baseline_given: bool
    expected: FloatArray
    statistic: FloatArray
    threshold: FloatArray
    alarm_moment: FloatArray
    alerts: tuple[IntradayAlert, ...]

    @property
    def alarm(self) -> NDArray[np.bool_]:
        return ~np.isnan(self.alarm_moment)

    @property
    def trigger(self) -> str:
        if self.profile is None:
            return WHOLE_DAY
        return f"reference by share of day ({self.profile.name} arrivals)"

    @property
    def watched_from(self) -> date | None:
        watched = np.flatnonzero(~np.isnan(self.expected))
        return self.record.day(int(watched[0])) if watched.size else None

    def to_document(self) -> dict[str, Any]:
        watched_from = self.watched_from
        zone = self.record.zone
        return {
            "method": METHOD,
            "trigger": self.trigger,
            "baseline": "given" if self.baseline_given else "estimated",
            "watched_from": watched_from.isoformat() if watched_from else None,
            "as_of": self.record.instant(self.record.end).isoformat() if zone else None,
            "time_zone": zone,
            "parameters": self.parameters.to_document(),
            "alerts": [alert.to_document() for alert in self.alerts],
        }


def detect_intraday(
    record: TimedSeries,
    baseline_per_day: float | None = None,
    params: SurgeParameters = DEFAULT_PARAMETERS,
    profile: ArrivalProfile | None = None,
) -> IntradayResult:
    """Run the CUSUM over the record, testing for an alarm at each midnight and each incident.

    ``profile=None`` (the default) charges the day's whole reference value from its first
    moment: the alarm days are exactly ``surge.detect``'s on ``record.daily()``. A profile
    charges ``F(tau) k`` instead. Either way S restarts from zero after the day that alarmed
    (the rest of that day's incidents are not carried), and alarms within ``episode_gap_days``
    of the last extend its episode, as in ``surge.detect``.
    """
    counts = record.counts
    expected = daily_baselines(counts, baseline_per_day, params)
    days = record.days
    statistic = np.zeros(days)
    threshold = np.full(days, np.nan)
    alarm_moment = np.full(days, np.nan)
    bounds = np.searchsorted(record.moments, np.arange(days + 1), side="left")
    evidence_clock = profile or UNIFORM_ARRIVALS
    alerts: list[IntradayAlert] = []
    level, run_start, run_expected, run_observed = 0.0, 0, 0.0, 0
    last_alarm = -(10**9)
    for t in range(days):
        if math.isnan(expected[t]):
            continue
        design = design_cusum(float(expected[t]), params)
        mu, reference, limit = design.baseline_per_day, design.reference, design.threshold
        expected[t], threshold[t] = mu, limit
        arrivals = record.moments[bounds[t] : bounds[t + 1]] - t
        covered = min(1.0, record.end - t)
        if level == 0.0:
            run_start, run_expected, run_observed = t, 0.0, 0
        charged = reference if profile is None else reference * float(profile.share(covered))
        # The same expression as surge.detect's, so that whole days agree to the last bit.
        at_end = level + (int(arrivals.size) - charged)
        statistic[t] = at_end if at_end > TOLERANCE else 0.0
        tipping = _tipping_point(level, reference, limit, arrivals, profile)
        if tipping is None:
            level = float(statistic[t])
            run_expected += mu * float(evidence_clock.share(covered))
            run_observed += int(arrivals.size)
            continue
        fraction, so_far = tipping
        moment = t + fraction
        alarm_moment[t] = moment
        if alerts and t - last_alarm <= params.episode_gap_days:
            alerts[-1] = replace(
                alerts[-1], last_alarm=record.day(t), alarm_days=alerts[-1].alarm_days + 1
            )
        else:
            charged_then = (
                reference if profile is None else reference * float(profile.share(fraction))
            )
            alerts.append(
                IntradayAlert(
                    moment=moment,
                    at=record.instant(moment) if record.zone else None,
                    day=record.day(t),
                    since=record.day(run_start),
                    expected=run_expected + mu * float(evidence_clock.share(fraction)),
                    observed=run_observed + so_far,
                    statistic=level + (so_far - charged_then),
                    threshold=limit,
                    last_alarm=record.day(t),
                    alarm_days=1,
                )
            )
        last_alarm = t
        level = 0.0
    for array in (expected, statistic, threshold, alarm_moment):
        array.setflags(write=False)
    return IntradayResult(
        record=record,
        parameters=params,
        profile=profile,
        baseline_given=baseline_per_day is not None,
        expected=expected,
        statistic=statistic,
        threshold=threshold,
        alarm_moment=alarm_moment,
        alerts=tuple(alerts),
    )


def _tipping_point(
    level: float,
    reference: float,
    limit: float,
    arrivals: FloatArray,
    profile: ArrivalProfile | None,
) -> tuple[float, int] | None:
    """When the statistic first reaches h in the day: (fraction of the day, incidents by then).

    Between incidents it stays put (whole-day k) or falls (k charged as time goes by), so it
    can only reach h at an incident, or at midnight itself: an estimated baseline that falls
    lowers today's h, sometimes below what yesterday carried in.
    """
    count = int(arrivals.size)
    # The most it can reach (all incidents, the least charge): most days stop here.
    least_charge = reference if profile is None else 0.0
    if level + (count - least_charge) < limit - TOLERANCE:
        return None
    when = np.concatenate(([0.0], arrivals))
    so_far = np.arange(count + 1, dtype=np.float64)
    charged = reference if profile is None else reference * profile.share(when)
    reached = np.flatnonzero(level + (so_far - charged) >= limit - TOLERANCE)
    if not reached.size:
        return None
    first = int(reached[0])
    return float(when[first]), first
