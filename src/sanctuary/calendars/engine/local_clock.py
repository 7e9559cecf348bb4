"""Local wall-clock times to instants, for many days at once, correct across clock changes."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

import numpy as np


class LocalClock:
    """Turns (day, local time of day) into UNIX seconds in one IANA zone.

    Most days have one UTC offset from midnight to midnight, so the conversion is a
    vectorised subtraction. On the few days whose offset at 00:00 and 23:59 differ (the
    clock-change days) each time is converted by zoneinfo itself. A local time that does not
    exist (01:30 on the last Sunday of March in London) is read with the offset in force
    before the change, as zoneinfo does with fold=0, so it lands at 02:30 BST; a time that
    happens twice (01:30 on the last Sunday of October) means its first occurrence.
    """

    def __init__(self, zone_name: str, dates: Sequence[date]) -> None:
        self.zone = ZoneInfo(zone_name)
        self.dates = list(dates)
        self.midnights = np.array(
            [calendar.timegm(d.timetuple()) for d in self.dates], dtype=np.int64
        )
        early = [self._offset(d, time(0, 0)) for d in self.dates]
        late = [self._offset(d, time(23, 59)) for d in self.dates]
        self.offsets = np.array(early, dtype=np.int64)
        self.changes = np.array(early, dtype=np.int64) != np.array(late, dtype=np.int64)

    def _offset(self, day: date, moment: time) -> int:
        offset = datetime.combine(day, moment, tzinfo=self.zone).utcoffset() or timedelta(0)
        return int(offset.total_seconds())

    def epoch(self, day_index: np.ndarray, seconds_of_day: np.ndarray | int) -> np.ndarray:
        """UNIX seconds of `seconds_of_day` after local midnight on `dates[day_index]`."""
        day_index = np.asarray(day_index, dtype=np.int64)
        seconds = np.broadcast_to(np.asarray(seconds_of_day, dtype=np.int64), day_index.shape)
        result = self.midnights[day_index] + seconds - self.offsets[day_index]
        for position in np.flatnonzero(self.changes[day_index]):
            day = self.dates[int(day_index.flat[position])]
            whole = int(seconds.flat[position])
            # times past 24:00 (a gathering running over midnight) roll into the next day
            local = datetime.combine(day, time(0), tzinfo=self.zone) + timedelta(seconds=whole)
            local = datetime.combine(local.date(), local.time(), tzinfo=self.zone)
            result.flat[position] = int(local.timestamp())
        return result

    @cached_property
    def summer_time(self) -> np.ndarray:
        """Whether daylight-saving time is in force at local noon, per day."""
        return np.array(
            [bool(datetime.combine(d, time(12), tzinfo=self.zone).dst()) for d in self.dates]
        )


@lru_cache(maxsize=64)
def local_clock(zone_name: str, first: date, days: int) -> LocalClock:
    return LocalClock(zone_name, [first + timedelta(days=k) for k in range(days)])


def seconds_of_day(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
