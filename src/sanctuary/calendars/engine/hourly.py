"""People gathered per hour, for a site, a ward or the whole borough."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np

from sanctuary.calendars.engine.timeline import Timeline

HOUR = 3600
GROUPS_PER_BLOCK = 128
ROWS_PER_CHUNK = 1 << 18


@dataclass(frozen=True)
class HourlyAttendance:
    """People gathered per hour: `people[group, hour]`, hours starting at `hour_starts` (UTC)."""

    groups: tuple[str, ...]
    hour_starts: np.ndarray  # UNIX seconds of each bin's start, on the UTC hour
    people: np.ndarray

    def local_hours(self, timezone: str) -> list[datetime]:
        zone = ZoneInfo(timezone)
        return [datetime.fromtimestamp(int(t), UTC).astimezone(zone) for t in self.hour_starts]


def people_per_hour(
    timeline: Timeline,
    start: datetime,
    end: datetime,
    by: Literal["site", "ward", "borough"] = "site",
) -> HourlyAttendance:
    """Average number of people gathered in each hour from `start` to `end`.

    Bins are whole UTC hours, so no hour is lost or doubled when the clocks change (the
    local day has 23 or 25 of them). A gathering covering part of an hour counts in
    proportion: 300 people for 20 minutes of an hour add 100 to it, so each bin holds
    person-hours, and the sum over bins is each gathering's attendance times its length.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    first = int(start.timestamp()) // HOUR * HOUR
    last = -(-int(end.timestamp()) // HOUR) * HOUR
    bins = max(0, (last - first) // HOUR)
    if by == "site":
        groups = timeline.site_ids
        group_of_site = np.arange(len(groups))
    elif by == "ward":
        groups = tuple(sorted(set(timeline.wards)))
        group_of_site = np.array([groups.index(w) for w in timeline.wards], dtype=np.int64)
    elif by == "borough":
        groups = ("borough",)
        group_of_site = np.zeros(len(timeline.site_ids), dtype=np.int64)
    else:
        raise ValueError(f"unknown grouping {by!r}: site, ward or borough")
    people = np.zeros((len(groups), bins), dtype=np.float64)
    group = (
        group_of_site.astype(np.int32)[timeline.site]
        if len(timeline.site_ids)
        else np.zeros(0, dtype=np.int32)
    )
    # a block of groups at a time keeps bincount's scratch array and the copies small
    for low in range(0, len(groups), GROUPS_PER_BLOCK):
        high = min(low + GROUPS_PER_BLOCK, len(groups))
        rows = np.flatnonzero(
            (group >= low) & (group < high) & (timeline.end > first) & (timeline.start < last)
        )
        for chunk_start in range(0, rows.size, ROWS_PER_CHUNK):
            chunk = rows[chunk_start : chunk_start + ROWS_PER_CHUNK]
            _accumulate(
                people[low:high],
                np.clip(timeline.start[chunk], first, last),
                np.clip(timeline.end[chunk], first, last),
                timeline.attendance[chunk],
                group[chunk].astype(np.int64) - low,
                first,
                bins,
            )
    return HourlyAttendance(
        groups=tuple(groups),
        hour_starts=first + HOUR * np.arange(bins, dtype=np.int64),
        people=people,
    )


def _accumulate(
    out: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    attendance: np.ndarray,
    group: np.ndarray,
    first: int,
    bins: int,
) -> None:
    """Add each gathering's person-hours to the hourly bins it touches, in place."""
    if s.size == 0:
        return
    weight = attendance.astype(np.float64)
    first_bin = (s - first) // HOUR
    last_bin = (e - 1 - first) // HOUR
    flat = out.reshape(-1)
    for step in range(int((last_bin - first_bin).max()) + 1):
        bin_index = first_bin + step
        inside = bin_index <= last_bin
        bin_start = first + bin_index * HOUR
        overlap = np.minimum(e, bin_start + HOUR) - np.maximum(s, bin_start)
        flat += np.bincount(
            (group * bins + bin_index)[inside],
            weights=(weight * overlap / HOUR)[inside],
            minlength=flat.size,
        )
