"""Which gatherings funded guards cover, and the shifts that cover them: plain Python, no Django.

`choose_shifts(gatherings, hours_per_week, ...)` takes the largest gatherings first (by expected
attendance; a tie goes to the earlier) and gives each a shift from `before` ahead of it until
`after` it ends, as long as each week's shifts stay within the funded hours. Shifts that would
overlap or touch are one shift (guards do not go home for ten minutes between two gatherings),
and the hours counted are the merged shift's. A gathering that does not fit is dropped and the
next, smaller one is tried: a smaller gathering is taken only where a larger one could not be.

`fixed` are shifts already there (entered by hand): they count against their week's hours, a
gathering inside one is already covered, and a new shift never overlaps or touches one.

A shift's hours count in the week it starts; weeks run from `weeks_from` (the planner's Monday).
docs/patrols.md ("Funded guards: shifts from the site's gatherings") states the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

# Why these margins: the calendar's gathering already runs from when people arrive to when most
# have left (docs/calendars.md, "the gathering window"); guards take post a quarter of an hour
# before the first arrivals to walk the approach and open the doors, and stay a quarter of an
# hour after the window for the stragglers and the pavement outside.
BEFORE = timedelta(minutes=15)
AFTER = timedelta(minutes=15)
# The longest shift the patrols model takes (patrols.models.Shift.clean).
LONGEST_SHIFT = timedelta(hours=16)
WEEK = timedelta(days=7)


class GatheringLike(Protocol):
    @property
    def start(self) -> datetime: ...

    @property
    def end(self) -> datetime: ...

    @property
    def expected_attendance(self) -> int: ...


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600

    def meets(self, other: Interval) -> bool:
        """Overlaps or touches: the two would be one shift."""
        return self.start <= other.end and other.start <= self.end

    def holds(self, start: datetime, end: datetime) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Cover:
    shifts: tuple[Interval, ...]  # new shifts, in order of start, none overlapping or touching
    chosen: tuple[GatheringLike, ...]  # the gatherings the new shifts cover, largest first
    already: tuple[GatheringLike, ...]  # gatherings inside a fixed shift
    dropped: tuple[GatheringLike, ...]  # gatherings the funded hours do not reach


def order(gatherings: Sequence[GatheringLike]) -> list[GatheringLike]:
    """Largest first; among equals, the earlier, then the shorter."""
    return sorted(gatherings, key=lambda g: (-g.expected_attendance, g.start, g.end))


def merged(intervals: Sequence[Interval]) -> list[Interval]:
    """The union of intervals as shifts: overlapping or touching ones become one."""
    out: list[Interval] = []
    for item in sorted(intervals, key=lambda i: (i.start, i.end)):
        if out and out[-1].meets(item):
            out[-1] = Interval(out[-1].start, max(out[-1].end, item.end))
        else:
            out.append(item)
    return out


def week_of(moment: datetime, weeks_from: datetime) -> int:
    return max(0, (moment - weeks_from) // WEEK)


def hours_by_week(shifts: Sequence[Interval], weeks_from: datetime) -> dict[int, float]:
    totals: dict[int, float] = {}
    for shift in shifts:
        week = week_of(shift.start, weeks_from)
        totals[week] = totals.get(week, 0.0) + shift.hours
    return totals


def _within(
    shifts: Sequence[Interval], fixed_hours: dict[int, float], budget: float, weeks_from: datetime
) -> bool:
    """Each week with a new shift keeps to the budget, the fixed shifts of that week counted."""
    return all(
        total + fixed_hours.get(week, 0.0) <= budget
        for week, total in hours_by_week(shifts, weeks_from).items()
    )


def choose_shifts(
    gatherings: Sequence[GatheringLike],
    hours_per_week: float,
    weeks_from: datetime,
    *,
    before: timedelta = BEFORE,
    after: timedelta = AFTER,
    fixed: Sequence[Interval] = (),
    longest: timedelta = LONGEST_SHIFT,
) -> Cover:
    """The shifts that cover the largest gatherings within `hours_per_week` (module docstring)."""
    taken: list[Interval] = []
    chosen: list[GatheringLike] = []
    already: list[GatheringLike] = []
    dropped: list[GatheringLike] = []
    budget = hours_per_week + 1e-9  # float sums of whole minutes
    fixed_hours = hours_by_week(fixed, weeks_from)
    for gathering in order(gatherings):
        if any(f.holds(gathering.start, gathering.end) for f in fixed):
            already.append(gathering)
            continue
        wanted = Interval(gathering.start - before, gathering.end + after)
        trial = merged([*taken, wanted])
        fits = (
            not any(f.meets(shift) for f in fixed for shift in trial)
            and all(shift.end - shift.start <= longest for shift in trial)
            and _within(trial, fixed_hours, budget, weeks_from)
        )
        if fits:
            taken.append(wanted)
            chosen.append(gathering)
        else:
            dropped.append(gathering)
    return Cover(tuple(merged(taken)), tuple(chosen), tuple(already), tuple(dropped))
