"""A mosque's own published timetable: read in the spellings real timetables use, checked,
and merged by date into what the site published before.

A timetable is a CSV of days: the date, the six start times, and perhaps each prayer's
jama'ah. `read_timetable` refuses a file whole, naming every row's problem (`TimetableRejected`);
`read_header` says how each column was read ("column 'magrib' read as Maghrib");
`merge_timetables` puts an upload over the stored days, replacing the days it repeats and
keeping the rest; `write_timetable` stores the result in this reader's own columns.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sanctuary.calendars.engine.model import (
    CONGREGATIONAL_PRAYERS,
    ImportedTimetable,
    Prayer,
    TimetableDay,
)


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
MAX_DAYS = 800  # in one upload
# A merged table keeps at most three years; the oldest days give way (TimetableMerge.dropped).
MAX_STORED_DAYS = 3 * 366

# --- the header: how real timetables spell the prayers --------------------------------------------

# Each prayer as published timetables spell it (the London Unified timetable writes `magrib`).
# A header is read word by word: one of these, perhaps a word for the jama'ah, perhaps a word
# for the start; case, spaces, hyphens, underscores and apostrophes do not matter.
PRAYER_SPELLINGS: dict[Prayer, tuple[str, ...]] = {
    Prayer.FAJR: ("fajr", "fajar", "fajir", "subh", "subuh", "sobh"),
    Prayer.SUNRISE: ("sunrise", "shuruq", "shurooq", "shuruk", "shurook", "sunrise"),
    Prayer.DHUHR: (
        "dhuhr", "dhuhur", "dhur", "duhr", "duhur", "zuhr", "zuhur", "zohr", "zuhar", "zohar",
        "thuhr",
    ),
    Prayer.ASR: ("asr", "asar", "aser"),
    Prayer.MAGHRIB: ("maghrib", "magrib", "maghreb", "magreb", "maghrab"),
    Prayer.ISHA: ("isha", "ishaa", "ishah", "esha", "eshaa"),
}
JAMAAH_WORDS = (
    "jamaah", "jamah", "jamaa", "jamat", "jamaat", "jammat", "jamaaat", "iqamah", "iqama",
    "iqamat", "iqamaah", "ikamah", "congregation",
)
# Words that say "the start" (or nothing at all): dropped before the prayer is looked up.
START_WORDS = ("start", "starts", "begins", "begin", "beginning", "adhan", "azan", "athan", "time")
DATE_WORDS = ("date", "gregorian")
# Some timetables print a second Asr, by the Hanafi reckoning (`asr_2`, "Asr Hanafi").
SECOND_ASR_WORDS = ("2", "hanafi", "second", "mithl2")
FIRST_ASR_WORDS = ("1", "shafi", "first", "mithl", "mithl1")
JUMUAH_WORDS = ("jumuah", "jumah", "jummah", "jumma", "juma", "friday")
PRAYER_NAMES = {
    Prayer.FAJR: "Fajr", Prayer.SUNRISE: "Sunrise", Prayer.DHUHR: "Dhuhr", Prayer.ASR: "Asr",
    Prayer.MAGHRIB: "Maghrib", Prayer.ISHA: "Isha",
}
_SPELLING = {word: prayer for prayer, words in PRAYER_SPELLINGS.items() for word in words}


@dataclass(frozen=True)
class ColumnReading:
    """How one column of a timetable's header was read."""

    header: str  # as written in the file
    column: str | None  # "maghrib", "maghrib_jamaah", "date"; None: not read
    meaning: str  # "Maghrib", "Maghrib jama'ah", "the date", or why it is not read

    def __str__(self) -> str:
        if self.column is None:
            return f"column '{self.header}' not read: {self.meaning}"
        return f"column '{self.header}' read as {self.meaning}"


def _words(header: str) -> list[str]:
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", header.strip())  # fajrJamaah
    text = unicodedata.normalize("NFKD", text)  # Jamā'ah: the letters without their marks
    text = re.sub(r"['’‘ʼʿ`]", "", "".join(c for c in text if not unicodedata.combining(c)).lower())
    return [word for word in re.split(r"[^a-z0-9]+", text) if word]


def _meaning(header: str) -> tuple[str | None, str]:
    """(column, meaning) for one header; a column of None is not read, the meaning says why."""
    words = [word for word in _words(header) if word not in START_WORDS]
    if words and all(word in DATE_WORDS for word in words):
        return "date", "the date"
    prayers = {_SPELLING[word] for word in words if word in _SPELLING}
    jamaah = any(word in JAMAAH_WORDS for word in words)
    rest = [w for w in words if w not in _SPELLING and w not in JAMAAH_WORDS]
    if len(prayers) != 1:
        if any(word in JUMUAH_WORDS for word in words) and not prayers:
            return None, "Jumu'ah is set in its own part of the schedule"
        return None, "not a prayer time" if not prayers else "it names two prayers"
    (prayer,) = prayers
    if prayer is Prayer.ASR and any(word in SECOND_ASR_WORDS for word in rest):
        if jamaah:
            return None, "not a prayer time"
        return "asr_2", "the second Asr time (Hanafi)"
    rest = [w for w in rest if not (prayer is Prayer.ASR and w in FIRST_ASR_WORDS)]
    rest = [w for w in rest if not (prayer is Prayer.DHUHR and w in JUMUAH_WORDS)]
    if rest:
        return None, "not a prayer time"
    if not jamaah:
        return prayer.value, PRAYER_NAMES[prayer]
    if prayer is Prayer.SUNRISE:
        return None, "sunrise has no jama'ah"
    return f"{prayer.value}_jamaah", f"{PRAYER_NAMES[prayer]} jama'ah"


def read_header(cells: list[str]) -> tuple[tuple[ColumnReading, ...], dict[str, int]]:
    """How each column is read, and where each known column is. Raises TimetableRejected when a
    needed column is missing or two columns are read as the same."""
    readings: list[ColumnReading] = []
    position: dict[str, int] = {}
    errors: list[TimetableError] = []
    for index, cell in enumerate(cells):
        column, meaning = _meaning(cell)
        if column is not None and column in position:
            earlier = cells[position[column]].strip()
            errors.append(TimetableError(
                1, column, f"columns '{earlier}' and '{cell.strip()}' are both {meaning}: keep one"
            ))
        elif column is not None:
            position[column] = index
        readings.append(ColumnReading(cell.strip(), column, meaning))
    if "asr_2" in position:
        # the second Asr stands in for the first only when it is the file's only Asr
        second = position.pop("asr_2")
        readings[second] = ColumnReading(
            readings[second].header,
            None if "asr" in position else "asr",
            f"a second Asr time (Hanafi); Asr is read from '{cells[position['asr']].strip()}'"
            if "asr" in position
            else "Asr (the only Asr column: its Hanafi time)",
        )
        position.setdefault("asr", second)
    for name in ("date", *START_COLUMNS):
        if name not in position:
            spellings = ", ".join(PRAYER_SPELLINGS[Prayer(name)]) if name != "date" else "date"
            errors.append(TimetableError(1, name, f"column is missing (spelt as {spellings})"))
    if errors:
        raise TimetableRejected(errors)
    return tuple(readings), position


def timetable_columns(text: str) -> tuple[ColumnReading, ...]:
    """How the header of a CSV timetable is read (raises TimetableRejected like read_timetable)."""
    rows = _rows(text)
    return read_header(rows[0])[0]


def _read_date(text: str) -> date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-":  # YYYY-MM-DD, as stored tables write it: fast
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for form in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def _read_time(text: str) -> time:
    text = text.strip()
    match = _TIME.fullmatch(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text!r} is not a 24-hour time HH:MM")
    return time(int(match[1]), int(match[2]))


def _rows(text: str) -> list[list[str]]:
    """The CSV's non-empty rows, the header first; refused when unreadable or empty."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:  # a field longer than the csv module allows, a stray NUL
        line = reader.line_num
        raise TimetableRejected([TimetableError(line, "file", f"not readable as CSV: {error}")]) from None
    if not rows:
        raise TimetableRejected([TimetableError(1, "header", "the file is empty")])
    return rows


def read_timetable(text: str, *, consecutive: bool = True) -> ImportedTimetable:
    """Read a mosque's CSV timetable; refuse it whole if any row is missing, unreadable or out of order.

    Columns (`read_header`: the spellings of PRAYER_SPELLINGS, any case, spaces, hyphens or
    underscores): date, fajr, sunrise, dhuhr, asr, maghrib, isha (24-hour local start times),
    and optionally a jama'ah for each of the five prayers. Days must be consecutive in one
    upload; a merged table (`consecutive=False`, as `write_timetable` stores it) only needs
    them in order. Each jama'ah must not precede its start time nor reach the next start.
    """
    rows = _rows(text)
    _, position = read_header(rows[0])
    limit = MAX_DAYS if consecutive else MAX_STORED_DAYS
    if len(rows) - 1 > limit:
        raise TimetableRejected([TimetableError(1, "date", f"more than {limit} days")])
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
        if previous is not None and day <= previous:
            row_errors.append(
                TimetableError(number, "date", f"{day.isoformat()} does not follow {previous.isoformat()}")
            )
        elif consecutive and previous is not None and day != previous + timedelta(days=1):
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
                            number, name, f"{later:%H:%M} is not after {earlier_name} {earlier:%H:%M}"
                            + _twelve_hour_hint(later, earlier),
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


def _twelve_hour_hint(later: time, earlier: time) -> str:
    """A time printed on a 12-hour clock (6:25 for Maghrib) reads as morning: say so."""
    if later.hour < 12 and time(later.hour + 12, later.minute) > earlier:
        return f" (times are 24-hour: write {later.hour + 12}:{later.minute:02d} for {later:%-I:%M} pm)"
    return ""


_PRAYER_ORDER = tuple(Prayer)


def _check_jamaah(
    number: int, column: str, prayer: Prayer, value: time, starts: dict[str, time]
) -> list[TimetableError]:
    """A jama'ah lies between its own start and the next prayer's (checked against those that could be read)."""
    index = _PRAYER_ORDER.index(prayer)
    order = _PRAYER_ORDER
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


# --- a second upload merges into the first, by date -----------------------------------------------


@dataclass(frozen=True)
class TimetableMerge:
    """What an upload does to the stored timetable: a day uploaded again is replaced, the other
    days are kept."""

    timetable: ImportedTimetable  # the merged table
    added: tuple[date, ...]  # days the stored table did not have
    replaced: tuple[date, ...]  # days it had, with other times
    unchanged: tuple[date, ...]  # days it had, with the same times
    dropped: tuple[date, ...]  # the oldest days, let go to keep MAX_STORED_DAYS


def merge_timetables(stored: ImportedTimetable | None, upload: ImportedTimetable) -> TimetableMerge:
    kept = {day.date: day for day in (stored.days if stored is not None else ())}
    added: list[date] = []
    replaced: list[date] = []
    unchanged: list[date] = []
    for day in upload.days:
        before = kept.get(day.date)
        (added if before is None else unchanged if before == day else replaced).append(day.date)
        kept[day.date] = day
    ordered = [kept[day] for day in sorted(kept)]
    excess = max(0, len(ordered) - MAX_STORED_DAYS)
    return TimetableMerge(
        timetable=ImportedTimetable(tuple(ordered[excess:])),
        added=tuple(added),
        replaced=tuple(replaced),
        unchanged=tuple(unchanged),
        dropped=tuple(day.date for day in ordered[:excess]),
    )


STORED_HEADER = (
    "date", "fajr", "fajr_jamaah", "sunrise", "dhuhr", "dhuhr_jamaah", "asr", "asr_jamaah",
    "maghrib", "maghrib_jamaah", "isha", "isha_jamaah",
)


def write_timetable(timetable: ImportedTimetable) -> str:
    """The table as CSV with this reader's own column names; `read_timetable(text,
    consecutive=False)` gives it back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STORED_HEADER)
    for day in timetable.days:
        starts = dict(zip(START_COLUMNS, day.starts, strict=True))
        jamaah = dict(zip(JAMAAH_COLUMNS, day.jamaah, strict=True))
        cells = {**starts, **jamaah}
        writer.writerow(
            [day.date.isoformat()]
            + [f"{cells[name]:%H:%M}" if cells[name] is not None else "" for name in STORED_HEADER[1:]]
        )
    return out.getvalue()


def spans(days: tuple[date, ...] | list[date]) -> list[tuple[date, date]]:
    """Consecutive runs of dates, as (first, last): what a page says instead of every day."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
