"""Choosing among a timeline's gatherings (engine/selection.py): properties against a brute force
over `Timeline.gatherings()`, and one case worked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine import GatheringKind
from sanctuary.calendars.engine.selection import (
    DAILY_PRAYERS,
    Choice,
    gatherings_at,
    largest,
    largest_per_day,
    local_days,
    overlapping,
    take,
)
from sanctuary.calendars.engine.timeline import CERTAINTIES, KINDS, Timeline

ZONES = ("Europe/London", "America/New_York", "Asia/Kolkata")
# The week of the October clock change in London and New York's a week later: days of 25 hours.
FIRST_DAY = date(2026, 10, 22)
BEGIN = int(datetime(2026, 10, 21, tzinfo=UTC).timestamp())
SPAN = 16 * 24 * 3600


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    sites = draw(st.integers(1, 4))
    count = draw(st.integers(0, 60))
    starts = sorted(
        draw(st.lists(st.integers(BEGIN, BEGIN + SPAN), min_size=count, max_size=count))
    )
    lengths = draw(st.lists(st.integers(60, 6 * 3600), min_size=count, max_size=count))
    people = draw(st.lists(st.integers(0, 3000), min_size=count, max_size=count))
    return Timeline(
        site_ids=tuple(str(k + 1) for k in range(sites)),
        wards=tuple("ward" for _ in range(sites)),
        timezones=tuple(draw(st.sampled_from(ZONES)) for _ in range(sites)),
        labels=("a", "b"),
        site=np.array(
            draw(st.lists(st.integers(0, sites - 1), min_size=count, max_size=count)),
            dtype=np.int32,
        ),
        start=np.array(starts, dtype=np.int64),
        end=np.array(starts, dtype=np.int64) + np.array(lengths, dtype=np.int64),
        kind=np.array(
            draw(st.lists(st.integers(0, len(KINDS) - 1), min_size=count, max_size=count)),
            dtype=np.int8,
        ),
        label=np.array(
            draw(st.lists(st.integers(0, 1), min_size=count, max_size=count)), dtype=np.int32
        ),
        attendance=np.array(people, dtype=np.int32),
        certainty=np.array(
            draw(st.lists(st.integers(0, len(CERTAINTIES) - 1), min_size=count, max_size=count)),
            dtype=np.int8,
        ),
    )


choices = st.builds(
    Choice,
    min_people=st.integers(0, 3000),
    leave_out=st.sets(st.sampled_from(list(GatheringKind))).map(frozenset),
)


@settings(max_examples=150, deadline=None)
@given(timelines(), st.integers(1, 12))
def test_each_gathering_falls_on_the_local_day_of_its_start(timeline: Timeline, days: int):
    found = local_days(timeline, FIRST_DAY, days)
    for row, gathering in enumerate(timeline.gatherings()):
        offset = (gathering.start.date() - FIRST_DAY).days
        assert found[row] == (offset if 0 <= offset < days else -1)


@settings(max_examples=150, deadline=None)
@given(timelines(), choices)
def test_a_choice_keeps_exactly_the_large_enough_gatherings_of_kinds_not_left_out(
    timeline: Timeline, choice: Choice
):
    kept = choice.keeps(timeline)
    for row, gathering in enumerate(timeline.gatherings()):
        expected = gathering.expected_attendance >= choice.min_people and (
            gathering.kind not in choice.leave_out
        )
        assert kept[row] == expected


@settings(max_examples=150, deadline=None)
@given(timelines(), choices, st.integers(0, 8))
def test_each_day_lists_its_largest_gatherings_first_and_counts_the_rest(
    timeline: Timeline, choice: Choice, limit: int
):
    days = 7
    day_of = local_days(timeline, FIRST_DAY, days)
    keep = choice.keeps(timeline)
    picks = largest_per_day(timeline, day_of, days, keep, limit)
    people = timeline.attendance
    for day, pick in enumerate(picks):
        of_day = np.flatnonzero(day_of == day)
        kept_rows = [row for row in of_day if keep[row]]
        assert pick.total == len(of_day)
        assert pick.kept == len(kept_rows)
        assert len(pick.rows) == min(limit, len(kept_rows))
        assert pick.more_kept + len(pick.rows) + pick.left_out == pick.total
        assert set(pick.rows) <= set(kept_rows)
        sizes = [int(people[row]) for row in pick.rows]
        assert sizes == sorted(sizes, reverse=True)
        if len(pick.rows):  # nothing left behind is larger than the smallest shown
            behind = [int(people[row]) for row in set(kept_rows) - set(pick.rows)]
            assert all(size <= sizes[-1] for size in behind)


@settings(max_examples=150, deadline=None)
@given(timelines(), st.data())
def test_gatherings_at_makes_the_rows_asked_for_in_the_order_asked(timeline: Timeline, data):
    every = list(timeline.gatherings())
    rows = data.draw(st.lists(st.integers(0, max(0, len(every) - 1)), max_size=len(every)))
    if not every:
        rows = []
    assert gatherings_at(timeline, rows) == [every[row] for row in rows]
    assert list(take(timeline, range(len(every))).gatherings()) == every


@settings(max_examples=150, deadline=None)
@given(timelines(), st.integers(BEGIN, BEGIN + SPAN))
def test_an_hour_holds_the_gatherings_with_people_there_during_it(timeline: Timeline, begin: int):
    inside = overlapping(timeline, begin, begin + 3600)
    for row, gathering in enumerate(timeline.gatherings()):
        there = gathering.start.timestamp() < begin + 3600 and gathering.end.timestamp() > begin
        assert inside[row] == there


def test_a_week_worked_by_hand():
    """Three sites in London over Saturday 24 and Sunday 25 October 2026 (the clocks go back at
    02:00 on the Sunday, so that day has 25 hours)."""
    london = ZoneInfo("Europe/London")

    def at(day: int, hour: int, minute: int = 0) -> int:
        return int(datetime(2026, 10, day, hour, minute, tzinfo=london).timestamp())

    prayer, service, vigil = (
        KINDS.index(k) for k in (GatheringKind.PRAYER, GatheringKind.SERVICE, GatheringKind.VIGIL)
    )
    rows = [  # site, start, minutes, kind, people
        (0, at(24, 13, 0), 30, prayer, 240),
        (1, at(24, 18, 0), 90, service, 120),
        (2, at(24, 23, 30), 120, vigil, 900),  # starts Saturday, goes on into Sunday
        (0, at(25, 1, 30), 30, prayer, 60),  # 01:30 BST, the first of the two
        (1, at(25, 10, 30), 90, service, 450),
        (0, at(25, 13, 0), 30, prayer, 240),
        (2, at(25, 23, 59), 30, vigil, 10),
    ]
    timeline = Timeline(
        site_ids=("1", "2", "3"),
        wards=("w", "w", "w"),
        timezones=("Europe/London",) * 3,
        labels=("x",),
        site=np.array([r[0] for r in rows], dtype=np.int32),
        start=np.array([r[1] for r in rows], dtype=np.int64),
        end=np.array([r[1] + r[2] * 60 for r in rows], dtype=np.int64),
        kind=np.array([r[3] for r in rows], dtype=np.int8),
        label=np.zeros(len(rows), dtype=np.int32),
        attendance=np.array([r[4] for r in rows], dtype=np.int32),
        certainty=np.zeros(len(rows), dtype=np.int8),
    )
    day_of = local_days(timeline, date(2026, 10, 24), 2)
    assert day_of.tolist() == [0, 0, 0, 1, 1, 1, 1]
    inspector = Choice(min_people=200, leave_out=DAILY_PRAYERS)
    saturday, sunday = largest_per_day(timeline, day_of, 2, inspector.keeps(timeline), limit=5)
    assert (saturday.rows.tolist(), saturday.kept, saturday.left_out) == ([2], 1, 2)
    assert (sunday.rows.tolist(), sunday.kept, sunday.left_out) == ([4], 1, 3)
    everyone = Choice()
    sunday = largest_per_day(timeline, day_of, 2, everyone.keeps(timeline), limit=2)[1]
    # 240 and 450 are the largest; 450 first; the 60 and the 10 are beyond the limit
    assert (sunday.rows.tolist(), sunday.more_kept, sunday.left_out) == ([4, 5], 2, 0)
    # Sunday 00:00–01:00: the vigil that began on Saturday night is there
    midnight = at(25, 0)
    assert np.flatnonzero(overlapping(timeline, midnight, midnight + 3600)).tolist() == [2]
    # equal sizes: the earlier first
    assert largest(
        timeline, np.array([True, False, False, False, False, True, False])
    ).tolist() == [0, 5]
    assert [g.start for g in gatherings_at(timeline, [5, 0])] == [
        datetime(2026, 10, 25, 13, 0, tzinfo=london),
        datetime(2026, 10, 24, 13, 0, tzinfo=london),
    ]


def test_a_negative_limit_is_refused():
    empty = np.zeros(0, dtype=np.int64)
    timeline = Timeline(("1",), ("w",), ("Europe/London",), ("x",), *(empty,) * 7)
    with pytest.raises(ValueError, match="negative"):
        largest_per_day(timeline, empty, 1, np.zeros(0, dtype=bool), -1)
    [pick] = largest_per_day(timeline, empty, 1, np.zeros(0, dtype=bool), 3)
    assert (len(pick.rows), pick.kept, pick.total) == (0, 0, 0)
