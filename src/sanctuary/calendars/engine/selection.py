"""Choosing among a timeline's gatherings: which ones a list or a feed keeps, the largest of each
day, the ones in an hour.

A borough's week is tens of thousands of gatherings and a real directory's far more; a page
shows a few hundred. So the choosing is done on the timeline's columns, and only the gatherings
that will be shown become `Gathering` objects (`gatherings_at`). Nothing here knows of sites
beyond their index in the timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from sanctuary.calendars.engine.model import Gathering, GatheringKind
from sanctuary.calendars.engine.timeline import KINDS, Timeline

# The five daily jama'ahs (and a service a site lists as a prayer): most of a borough's
# gatherings, and the ones a calendar or a cover plan can most often do without.
DAILY_PRAYERS: frozenset[GatheringKind] = frozenset({GatheringKind.PRAYER})


@dataclass(frozen=True)
class Choice:
    """Which gatherings to keep: at least `min_people` expected, none of the kinds `leave_out`."""

    min_people: int = 0
    leave_out: frozenset[GatheringKind] = frozenset()

    def keeps(self, timeline: Timeline) -> np.ndarray:
        """A boolean column: True for each gathering this choice keeps."""
        keep = np.asarray(timeline.attendance, dtype=np.int64) >= self.min_people
        if self.leave_out:
            codes = [KINDS.index(kind) for kind in self.leave_out]
            keep &= ~np.isin(timeline.kind, codes)
        return keep


def local_days(timeline: Timeline, first_day: date, days: int) -> np.ndarray:
    """Each gathering's local day of start, in its own site's time zone, counted from
    `first_day` (0 to days - 1), or -1 for a start outside those days."""
    found = np.full(len(timeline), -1, dtype=np.int64)
    for zone_name in sorted(set(timeline.timezones)):
        members = [index for index, name in enumerate(timeline.timezones) if name == zone_name]
        rows = np.isin(timeline.site, members)
        zone = ZoneInfo(zone_name)
        # local midnights: a day of 23 or 25 hours is as long as the clocks make it
        midnights = np.array(
            [
                int(
                    datetime.combine(first_day + timedelta(days=k), time(), tzinfo=zone).timestamp()
                )
                for k in range(days + 1)
            ],
            dtype=np.int64,
        )
        position = np.searchsorted(midnights, timeline.start[rows], side="right") - 1
        position[(position < 0) | (position >= days)] = -1
        found[rows] = position
    return found


def largest(timeline: Timeline, keep: np.ndarray) -> np.ndarray:
    """The rows where `keep` holds, largest expected attendance first; equal ones in order of
    start (then of row, so that the order never depends on the sort's whims)."""
    rows = np.flatnonzero(keep)
    people = np.asarray(timeline.attendance[rows], dtype=np.int64)
    order = np.lexsort((rows, timeline.start[rows], -people))
    return rows[order]


@dataclass(frozen=True)
class DayPick:
    """One day's largest gatherings: `rows` are the first `limit` of the `kept` rows the choice
    keeps, out of `total` gatherings that day."""

    rows: np.ndarray
    kept: int
    total: int

    @property
    def more_kept(self) -> int:
        """Kept by the choice, but beyond the day's limit."""
        return self.kept - len(self.rows)

    @property
    def left_out(self) -> int:
        """Not kept by the choice: smaller, or of a kind left out."""
        return self.total - self.kept


def largest_per_day(
    timeline: Timeline, day_of: np.ndarray, days: int, keep: np.ndarray, limit: int
) -> list[DayPick]:
    """For each of `days` days (`day_of` as `local_days` gives it), its `limit` largest
    gatherings among those `keep` allows, with counts of the rest. One sort for all the days:
    by day, then as `largest` orders them."""
    if limit < 0:
        raise ValueError("the limit of a day's list cannot be negative")
    in_period = (day_of >= 0) & (day_of < days)
    totals = np.bincount(day_of[in_period], minlength=days)
    rows = np.flatnonzero(keep & in_period)
    people = np.asarray(timeline.attendance[rows], dtype=np.int64)
    rows = rows[np.lexsort((rows, timeline.start[rows], -people, day_of[rows]))]
    bounds = np.searchsorted(day_of[rows], np.arange(days + 1))
    return [
        DayPick(
            rows[bounds[day] : bounds[day + 1]][:limit],
            kept=int(bounds[day + 1] - bounds[day]),
            total=int(totals[day]),
        )
        for day in range(days)
    ]


def overlapping(timeline: Timeline, begin: int, end: int) -> np.ndarray:
    """A boolean column: True for each gathering with people there between `begin` and `end`
    (UNIX seconds), the gatherings that count in that hour of people_per_hour."""
    return (timeline.start < end) & (timeline.end > begin)


def take(timeline: Timeline, rows: Sequence[int] | np.ndarray) -> Timeline:
    """A timeline of only these rows (in order of start, as every timeline is)."""
    chosen = np.sort(np.asarray(rows, dtype=np.int64))
    return replace(
        timeline,
        site=timeline.site[chosen],
        start=timeline.start[chosen],
        end=timeline.end[chosen],
        kind=timeline.kind[chosen],
        label=timeline.label[chosen],
        attendance=timeline.attendance[chosen],
        certainty=timeline.certainty[chosen],
    )


def gatherings_at(timeline: Timeline, rows: Sequence[int] | np.ndarray) -> list[Gathering]:
    """The gatherings of these rows, in the order given (largest first, say)."""
    wanted = np.asarray(rows, dtype=np.int64)
    order = np.argsort(wanted, kind="stable")
    made = list(take(timeline, wanted[order]).gatherings())
    found: list[Gathering | None] = [None] * len(wanted)
    for position, gathering in zip(order.tolist(), made, strict=True):
        found[position] = gathering
    return [gathering for gathering in found if gathering is not None]
