"""Funded guards' shifts chosen from a site's gatherings (patrols/guard_cover.py, docs/patrols.md):
never more hours than funded in a week, never two shifts that overlap or touch, every chosen
gathering inside one shift with its margins, and a larger gathering never dropped for a smaller
one; and a worked example of a mosque's week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.patrols.guard_cover import (
    AFTER,
    BEFORE,
    Interval,
    choose_shifts,
    hours_by_week,
    merged,
)

MONDAY = datetime(2026, 12, 7, tzinfo=UTC)


@dataclass(frozen=True)
class G:
    start: datetime
    end: datetime
    expected_attendance: int
    label: str = ""


gatherings = st.lists(
    st.builds(
        lambda minute, length, people: G(
            MONDAY + timedelta(minutes=minute), MONDAY + timedelta(minutes=minute + length), people
        ),
        st.integers(0, 4 * 7 * 24 * 60),  # four weeks, by the minute
        st.integers(5, 6 * 60),
        st.integers(0, 2000),
    ),
    max_size=30,
)
hours = st.floats(0, 40, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(gatherings, hours)
def test_never_more_hours_than_funded_in_any_week(found, funded):
    cover = choose_shifts(found, funded, MONDAY)
    assert all(total <= funded + 1e-6 for total in hours_by_week(cover.shifts, MONDAY).values())


@settings(max_examples=200, deadline=None)
@given(gatherings, hours)
def test_shifts_never_overlap_or_touch(found, funded):
    shifts = choose_shifts(found, funded, MONDAY).shifts
    assert all(a.end < b.start for a, b in zip(shifts, shifts[1:], strict=False))
    assert all(s.end - s.start <= timedelta(hours=16) for s in shifts)


@settings(max_examples=200, deadline=None)
@given(gatherings, hours)
def test_every_chosen_gathering_is_inside_one_shift_with_its_margins(found, funded):
    cover = choose_shifts(found, funded, MONDAY)
    for g in cover.chosen:
        assert any(s.holds(g.start - BEFORE, g.end + AFTER) for s in cover.shifts)
    assert len(cover.chosen) + len(cover.dropped) == len(found)


@settings(max_examples=200, deadline=None)
@given(gatherings, hours)
def test_a_larger_gathering_is_never_dropped_for_a_smaller_one(found, funded):
    """A dropped gathering did not fit beside the chosen ones at least as large: so no smaller
    one took its hours."""
    cover = choose_shifts(found, funded, MONDAY)
    for d in cover.dropped:
        larger = [g for g in cover.chosen if g.expected_attendance >= d.expected_attendance]
        again = choose_shifts([*larger, d], funded, MONDAY)
        assert d in again.dropped


@settings(max_examples=100, deadline=None)
@given(gatherings, hours)
def test_hand_entered_shifts_count_and_are_never_overlapped(found, funded):
    fixed = [Interval(MONDAY + timedelta(days=2, hours=12), MONDAY + timedelta(days=2, hours=15))]
    cover = choose_shifts(found, funded, MONDAY, fixed=fixed)
    assert not any(f.meets(s) for f in fixed for s in cover.shifts)
    weekly = hours_by_week(cover.shifts, MONDAY)
    if 0 in weekly:
        assert weekly[0] + 3 <= funded + 1e-6
    for g in cover.already:
        assert fixed[0].holds(g.start, g.end)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_a_mosques_week_worked_through():
    """Funded: 3 hours a week (the catalogue's two officers for three hours a week). The week's
    gatherings: Jumu'ah on Friday 13:00-14:15 (400 people), Isha on Friday 18:45-19:15 (60),
    a Sunday class 11:00-12:30 (120), Maghrib on Friday 16:00-16:30 (80).

    Jumu'ah first: 12:45-14:30, 1.75 h. The class next: 10:45-12:45 would make 3.75 h: dropped.
    Maghrib: 15:45-16:45, 1 h, total 2.75 h: chosen. Isha: 18:30-19:30 would make 3.75 h:
    dropped. Two shifts, 2.75 hours."""
    jumuah = G(at(4, 13), at(4, 14, 15), 400, "Jumu'ah")
    isha = G(at(4, 18, 45), at(4, 19, 15), 60, "Isha")
    school = G(at(6, 11), at(6, 12, 30), 120, "Sunday class")
    maghrib = G(at(4, 16), at(4, 16, 30), 80, "Maghrib")
    cover = choose_shifts([isha, school, jumuah, maghrib], 3.0, MONDAY)
    assert cover.shifts == (
        Interval(at(4, 12, 45), at(4, 14, 30)), Interval(at(4, 15, 45), at(4, 16, 45)),
    )
    assert cover.chosen == (jumuah, maghrib)
    assert cover.dropped == (school, isha)


def test_gatherings_close_together_share_one_shift_and_its_hours():
    """Two Jumu'ah sessions 13:00-13:45 and 14:00-14:45: with 15-minute margins their shifts
    would overlap, so they are one shift 12:45-15:00 (2.25 h, not 2.5 h)."""
    first = G(at(4, 13), at(4, 13, 45), 300)
    second = G(at(4, 14), at(4, 14, 45), 250)
    cover = choose_shifts([first, second], 2.25, MONDAY)
    assert cover.shifts == (Interval(at(4, 12, 45), at(4, 15)),)
    assert merged(list(cover.shifts)) == list(cover.shifts)
