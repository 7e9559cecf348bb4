"""Jama'ah (congregation) times, and a mosque's own published timetable.

A mosque publishes two times per prayer: the start (the earliest moment it may be prayed)
and the jama'ah, when the congregation actually prays, which is what matters for who is
in the building. Rules: see `CongregationRule`. Imported CSV timetables override both.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from sanctuary.calendars.engine.local_clock import LocalClock, seconds_of_day
from sanctuary.calendars.engine.model import (
    CONGREGATIONAL_PRAYERS,
    CongregationRule,
    ImportedTimetable,
    Prayer,
    TimetableDay,
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
        matching = [rule for rule in rules if rule.prayer is prayer]
        # apply the last rule first so that the first matching rule has the final word
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


@dataclass(frozen=True)
class TimetableError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class TimetableRejected(ValueError):
    """The whole timetable is refused; `errors` says where and why, row by row."""

    def __init__(self, errors: list[TimetableError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"timetable refused, {len(errors)} problem(s): {shown}{more}")


START_COLUMNS = tuple(p.value for p in Prayer)
JAMAAH_COLUMNS = tuple(f"{p.value}_jamaah" for p in CONGREGATIONAL_PRAYERS)
MAX_DAYS = 800


def _header_key(text: str) -> str:
    key = text.strip().lower().replace("'", "").replace("’", "")
    key = re.sub(r"[\s\-]+", "_", key)
    return key.replace("jamah", "jamaah").replace("jamat", "jamaah").replace("_jamaaah", "_jamaah")


def _read_date(text: str) -> date:
    text = text.strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def _read_time(text: str) -> time:
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a 24-hour time HH:MM")
    return time(int(match[1]), int(match[2]))


def read_timetable(text: str) -> ImportedTimetable:
    """Read a mosque's CSV timetable; refuse it whole if any row is missing, unreadable or out of order.

    Columns (header names are forgiving about case, spaces and the spelling of jama'ah):
    date, fajr, sunrise, dhuhr, asr, maghrib, isha (24-hour local start times), and optionally
    fajr_jamaah, dhuhr_jamaah, asr_jamaah, maghrib_jamaah, isha_jamaah. Days must be
    consecutive. Each jama'ah must not precede its start time nor reach the next start.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:  # a field longer than the csv module allows, a stray NUL
        line = reader.line_num
        raise TimetableRejected([TimetableError(line, "file", f"not readable as CSV: {error}")]) from None
    if not rows:
        raise TimetableRejected([TimetableError(1, "header", "the file is empty")])
    header = [_header_key(cell) for cell in rows[0]]
    missing = [name for name in ("date", *START_COLUMNS) if name not in header]
    if missing:
        raise TimetableRejected([TimetableError(1, name, "column is missing") for name in missing])
    if len(rows) - 1 > MAX_DAYS:
        raise TimetableRejected([TimetableError(1, "date", f"more than {MAX_DAYS} days")])
    position = {name: header.index(name) for name in header}
    errors: list[TimetableError] = []
    days: list[TimetableDay] = []
    previous: date | None = None
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[index] if index < len(row) else "") for name, index in position.items()}
        row_errors: list[TimetableError] = []
        try:
            day = _read_date(cells["date"])
        except ValueError as error:
            errors.append(TimetableError(number, "date", str(error)))
            continue
        if previous is not None and day != previous + timedelta(days=1):
            if day <= previous:
                reason = f"{day.isoformat()} does not follow {previous.isoformat()}"
            else:
                gap_end = day - timedelta(days=1)
                reason = f"days missing: {(previous + timedelta(days=1)).isoformat()} to {gap_end.isoformat()}"
            row_errors.append(TimetableError(number, "date", reason))
        previous = day
        starts: list[time] = []
        parsed: dict[str, time] = {}
        for name in START_COLUMNS:
            try:
                parsed[name] = _read_time(cells[name])
                starts.append(parsed[name])
            except ValueError as error:
                row_errors.append(TimetableError(number, name, str(error)))
        if len(starts) == len(START_COLUMNS):
            for (earlier_name, earlier), (name, later) in zip(
                zip(START_COLUMNS, starts, strict=True),
                list(zip(START_COLUMNS, starts, strict=True))[1:],
                strict=False,
            ):
                if later <= earlier:
                    row_errors.append(
                        TimetableError(
                            number,
                            name,
                            f"{later:%H:%M} is not after {earlier_name} {earlier:%H:%M}",
                        )
                    )
        jamaah: list[time | None] = []
        for prayer, name in zip(CONGREGATIONAL_PRAYERS, JAMAAH_COLUMNS, strict=True):
            raw = cells.get(name, "").strip()
            if not raw:
                jamaah.append(None)
                continue
            try:
                value = _read_time(raw)
            except ValueError as error:
                row_errors.append(TimetableError(number, name, str(error)))
                jamaah.append(None)
                continue
            jamaah.append(value)
            row_errors += _check_jamaah(number, name, prayer, value, parsed)
        errors += row_errors
        if not row_errors:
            days.append(TimetableDay(day, tuple(starts), tuple(jamaah)))  # type: ignore[arg-type]
    if len(rows) == 1:
        errors.append(TimetableError(2, "date", "the timetable has no days"))
    if errors:
        raise TimetableRejected(errors)
    return ImportedTimetable(tuple(days))


def _check_jamaah(
    number: int, column: str, prayer: Prayer, value: time, starts: dict[str, time]
) -> list[TimetableError]:
    """A jama'ah lies between its own start and the next prayer's (checked against those that could be read)."""
    order = list(Prayer)
    index = order.index(prayer)
    start = starts.get(prayer.value)
    if start is not None and value < start:
        return [
            TimetableError(number, column, f"{value:%H:%M} is before the start time {start:%H:%M}")
        ]
    following = order[index + 1] if index + 1 < len(order) else None
    if following is not None and following.value in starts and value >= starts[following.value]:
        return [
            TimetableError(
                number,
                column,
                f"{value:%H:%M} is not before {following.value} {starts[following.value]:%H:%M}",
            )
        ]
    return []


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
