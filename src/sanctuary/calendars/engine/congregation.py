"""Jama'ah (congregation) times: rules, which of them wins, and a published timetable's days.

A mosque publishes two times per prayer: the start (the earliest moment it may be prayed)
and the jama'ah, when the congregation actually prays, which is what matters for who is
in the building. Rules: see `CongregationRule`; the most specific rule that matches a day
wins (`in_precedence`), and `rule_standings` says which rules can never take effect.
A published timetable (`timetable.py`) overrides both on the days it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sanctuary.calendars.engine.local_clock import LocalClock, seconds_of_day
from sanctuary.calendars.engine.model import (
    CONGREGATIONAL_PRAYERS,
    CongregationRule,
    ImportedTimetable,
    Prayer,
)

# Minutes after the start time when a mosque has published nothing else; a common UK pattern.
DEFAULT_MINUTES_AFTER_START: dict[Prayer, int] = {
    Prayer.FAJR: 20,
    Prayer.DHUHR: 15,
    Prayer.ASR: 15,
    Prayer.MAGHRIB: 5,
    Prayer.ISHA: 15,
}
# Fajr's congregation must finish before sunrise, however late a rule would put it.
FAJR_BEFORE_SUNRISE_MINUTES = 10


def jamaah_seconds(
    starts: np.ndarray,
    rules: tuple[CongregationRule, ...],
    clock: LocalClock,
) -> np.ndarray:
    """Jama'ah times (UNIX seconds), shape (days, 5) in CONGREGATIONAL_PRAYERS order.

    `starts` are the day's start times, shape (days, 6) in Prayer order.
    """
    days = np.arange(len(clock.dates))
    result = np.empty((len(days), len(CONGREGATIONAL_PRAYERS)), dtype=np.int64)
    prayer_index = {prayer: index for index, prayer in enumerate(Prayer)}
    for column, prayer in enumerate(CONGREGATIONAL_PRAYERS):
        start = starts[:, prayer_index[prayer]]
        chosen = start + 60 * DEFAULT_MINUTES_AFTER_START[prayer]
        matching = [rule for rule in in_precedence(rules) if rule.prayer is prayer]
        # apply the last rule first so that the one that takes precedence has the final word
        for rule in reversed(matching):
            mask = np.array([rule.applies_on(d) for d in clock.dates], dtype=bool)
            if not mask.any():
                continue
            if rule.fixed_time is not None:
                value = clock.epoch(days, seconds_of_day(rule.fixed_time))
            else:
                value = start + 60 * int(rule.minutes_after_start or 0)
            chosen = np.where(mask, value, chosen)
        chosen = np.maximum(chosen, start)  # never before the start time
        if prayer is Prayer.FAJR:
            latest = starts[:, prayer_index[Prayer.SUNRISE]] - 60 * FAJR_BEFORE_SUNRISE_MINUTES
            chosen = np.maximum(np.minimum(chosen, latest), start)
        result[:, column] = chosen
    return result


# --- which rule wins ------------------------------------------------------------------------------

# An open-ended date range ("from 1 March on") counts as wider than any closed one.
_OPEN_RANGE_DAYS = 10**6


def precedence(rule: CongregationRule) -> tuple[int, int, int]:
    """Sort key, most specific first: a date range, then a season of months, then all year;
    between two of one kind the narrower (fewer days, then fewer months). Equal keys keep the
    order the rules were given in, so that between equals the one added first wins."""
    months = len(rule.months) or 12
    if rule.valid_from is not None or rule.valid_to is not None:
        if rule.valid_from is not None and rule.valid_to is not None:
            return (0, (rule.valid_to - rule.valid_from).days, months)
        return (0, _OPEN_RANGE_DAYS, months)
    if rule.months:
        return (1, 0, months)
    return (2, 0, 12)


def in_precedence(rules: tuple[CongregationRule, ...] | list[CongregationRule]) -> tuple[CongregationRule, ...]:
    """The rules in the order they apply: the first that matches a day decides its jama'ah."""
    return tuple(sorted(rules, key=precedence))


@dataclass(frozen=True)
class RuleStanding:
    """Where one rule stands among the rules of its prayer, from a given day on."""

    rule: CongregationRule
    index: int  # its place among the rules as given
    rank: int  # 1 for the rule of its prayer that applies first
    takes_effect: bool  # it decides the jama'ah on at least one day
    yields_to: tuple[int, ...]  # indices (as given) of rules that take some or all of its days
    # the months in which it decides, when no rule of its prayer has a date range (else None)
    months: frozenset[int] | None
    ended: bool  # its date range is over before the first day considered


def _cells(rules: list[CongregationRule], from_day: date) -> list[tuple[date, int]]:
    """(a day, a month) standing for every kind of day from `from_day` on: between two dates
    at which some rule starts or stops, whether a rule applies depends on the month alone."""
    cuts = {from_day}
    for rule in rules:
        if rule.valid_from is not None and rule.valid_from > from_day:
            cuts.add(rule.valid_from)
        if rule.valid_to is not None and rule.valid_to >= from_day:
            cuts.add(rule.valid_to + timedelta(days=1))
    ordered = sorted(cuts)
    cells: list[tuple[date, int]] = []
    for begin, end in zip(ordered, [*ordered[1:], None], strict=True):
        if end is None:
            cells += [(begin, month) for month in range(1, 13)]
            continue
        months: list[int] = []
        year, month = begin.year, begin.month
        last = end - timedelta(days=1)
        while (year, month) <= (last.year, last.month) and len(months) < 12:
            months.append(month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        cells += [(begin, m) for m in months]
    return cells


def _applies(rule: CongregationRule, cell: tuple[date, int]) -> bool:
    day, month = cell
    if rule.months and month not in rule.months:
        return False
    if rule.valid_from is not None and day < rule.valid_from:
        return False
    return not (rule.valid_to is not None and day > rule.valid_to)


def rule_standings(
    rules: tuple[CongregationRule, ...] | list[CongregationRule], from_day: date
) -> tuple[RuleStanding, ...]:
    """Every rule's standing from `from_day` on, prayer by prayer, each in precedence order.

    Exact, not sampled: the days from `from_day` on are cut at every date where some rule
    starts or stops, and within each piece a rule applies by month alone, so a handful of
    (piece, month) cells stand for every day there will ever be."""
    given = list(rules)
    found: list[RuleStanding] = []
    for prayer in CONGREGATIONAL_PRAYERS:
        ordered = sorted(
            (index for index, rule in enumerate(given) if rule.prayer is prayer),
            key=lambda index: precedence(given[index]),
        )
        if not ordered:
            continue
        mine = [given[index] for index in ordered]
        cells = _cells(mine, from_day)
        winners = [
            next((index for index in ordered if _applies(given[index], cell)), None)
            for cell in cells
        ]
        by_month = not any(r.valid_from is not None or r.valid_to is not None for r in mine)
        for rank, index in enumerate(ordered, start=1):
            rule = given[index]
            won = [cell for cell, winner in zip(cells, winners, strict=True) if winner == index]
            yields = {
                winner
                for cell, winner in zip(cells, winners, strict=True)
                if winner is not None and winner != index and _applies(rule, cell)
            }
            found.append(
                RuleStanding(
                    rule=rule,
                    index=index,
                    rank=rank,
                    takes_effect=bool(won),
                    yields_to=tuple(sorted(yields, key=ordered.index)),
                    months=frozenset(month for _, month in won) if by_month else None,
                    ended=rule.valid_to is not None and rule.valid_to < from_day,
                )
            )
    return tuple(found)


def timetable_seconds(
    timetable: ImportedTimetable, clock: LocalClock
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(covered mask per day, starts (days, 6), jama'ah (days, 5) with -1 where unpublished)."""
    count = len(clock.dates)
    covered = np.zeros(count, dtype=bool)
    starts = np.zeros((count, 6), dtype=np.int64)
    jamaah = np.full((count, 5), -1, dtype=np.int64)
    for index, day in enumerate(clock.dates):
        row = timetable.day(day)
        if row is None:
            continue
        covered[index] = True
        position = np.array([index])
        for column, moment in enumerate(row.starts):
            starts[index, column] = clock.epoch(position, seconds_of_day(moment))[0]
        for column, maybe in enumerate(row.jamaah):
            if maybe is not None:
                jamaah[index, column] = clock.epoch(position, seconds_of_day(maybe))[0]
    return covered, starts, jamaah
