"""Recurring services: the part of RFC 5545 that places of worship use, expanded safely.

A service repeats daily, weekly, monthly or yearly, every so many periods, on chosen weekdays
("every Tuesday, Wednesday and Thursday"), nth weekdays ("the first Saturday of the month"),
days of the month or months, until a date or for a number of times, with dates cancelled.
That is what `Recurrence` holds, what `parse` reads from an RRULE line (with EXDATE lines for
cancelled dates) and what `describe` says in words.

Why not hand the rule to dateutil: its iterator has no bound on its work. `INTERVAL=0` loops
for ever, a rule that can never happen (`BYMONTH=2;BYMONTHDAY=30`) searches every year up to
9999 before giving up, and `BYEASTER` or a year-one `DTSTART` cost seconds or raise. One such
row would stall every borough view that expands it. Here a rule is first checked against what
a place of worship can mean, and `occurrences` then tests the days of a period in one numpy
pass: its cost is proportional to the days asked for, whatever the rule. Tests hold it to
dateutil's expansion of the same rules (tests/calendars/test_recurrence.py).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum

import numpy as np


class RuleRefused(ValueError):
    """The rule is not one Sanctuary accepts; the message says why in plain words."""


class Frequency(Enum):
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = tuple(calendar.month_name)  # "" first: month 1 is January
# The most periods between two occurrences that a place of worship plausibly means.
MAX_INTERVAL = {
    Frequency.DAILY: 366,
    Frequency.WEEKLY: 52,
    Frequency.MONTHLY: 24,
    Frequency.YEARLY: 10,
}
MAX_COUNT = 1000
FIRST_YEAR, LAST_YEAR = 1900, 2100
# The shortest each month can be: a rule must happen in ordinary years, not only leap ones.
SHORTEST_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Recurrence:
    """When a service happens, on local dates. Every field is explicit: no default is taken
    from the first date except by `parse`, which fills them in."""

    frequency: Frequency
    interval: int = 1
    weekdays: frozenset[int] = frozenset()  # 0 = Monday; plain: every such day
    nth_weekdays: frozenset[tuple[int, int]] = frozenset()  # (n, weekday): 1..5 or -1..-5
    month_days: frozenset[int] = frozenset()  # 1..31, or -1 for the last day, -2 ...
    months: frozenset[int] = frozenset()  # 1..12
    starts_on: date | None = None  # the first possible date; anchors the interval
    until: date | None = None
    count: int | None = None
    week_start: int = 0  # WKST: which day a week starts for "every other week"
    cancelled: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        problem = _problem(self)
        if problem:
            raise RuleRefused(problem)

    def occurrences(self, first: date, last: date) -> list[date]:
        """The dates from `first` to `last` (inclusive) on which the service happens."""
        if last < first:
            return []
        begin = first
        if self.count is not None:
            assert self.starts_on is not None  # checked by _problem
            begin = self.starts_on  # counting starts at the first date
        if self.starts_on is not None:
            begin = max(begin, self.starts_on)
        end = min(last, self.until) if self.until else last
        if end < begin:
            return []
        days = np.arange(
            np.datetime64(begin, "D"), np.datetime64(end, "D") + 1, dtype="datetime64[D]"
        )
        chosen = days[self._matches(days)]
        if self.count is not None:
            chosen = chosen[: self.count]
        found = [day.item() for day in chosen if day >= np.datetime64(first, "D")]
        return [d for d in found if d not in self.cancelled]

    def _matches(self, days: np.ndarray) -> np.ndarray:
        years = days.astype("datetime64[Y]").astype(np.int64) + 1970
        month_index = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        months = month_index % 12 + 1
        first_of_month = month_index.astype("datetime64[M]").astype("datetime64[D]")
        next_month = (month_index + 1).astype("datetime64[M]").astype("datetime64[D]")
        day_of_month = (days - first_of_month).astype(np.int64) + 1
        month_length = (next_month - first_of_month).astype(np.int64)
        day_number = days.astype(np.int64)  # days since 1970-01-01, a Thursday
        weekday = (day_number + 3) % 7

        keep = np.ones(len(days), dtype=bool)
        if self.months:
            keep &= np.isin(months, sorted(self.months))
        if self.month_days:
            wanted = np.zeros(len(days), dtype=bool)
            for value in self.month_days:
                wanted |= day_of_month == (value if value > 0 else month_length + value + 1)
            keep &= wanted
        if self.weekdays or self.nth_weekdays:
            wanted = np.isin(weekday, sorted(self.weekdays))
            for n, day in self.nth_weekdays:
                nth = (day_of_month - 1) // 7 + 1 if n > 0 else -((month_length - day_of_month) // 7 + 1)
                wanted |= (weekday == day) & (nth == n)
            keep &= wanted
        if self.interval > 1:
            anchor = self.starts_on
            assert anchor is not None  # checked by _problem
            if self.frequency is Frequency.DAILY:
                steps = day_number - np.datetime64(anchor, "D").astype(np.int64)
            elif self.frequency is Frequency.WEEKLY:
                week_of = (day_number + 3 - self.week_start) // 7
                anchor_number = int(np.datetime64(anchor, "D").astype(np.int64))
                steps = week_of - (anchor_number + 3 - self.week_start) // 7
            elif self.frequency is Frequency.MONTHLY:
                steps = month_index - ((anchor.year - 1970) * 12 + anchor.month - 1)
            else:
                steps = years - anchor.year
            keep &= steps % self.interval == 0
        return keep


def _problem(rule: Recurrence) -> str | None:
    """Why a rule cannot stand, in words a volunteer can act on, or None."""
    limit = MAX_INTERVAL[rule.frequency]
    if not 1 <= rule.interval <= limit:
        return f"the interval must be between 1 and {limit} for a {rule.frequency.value.lower()} rule"
    if rule.interval > 1 and rule.starts_on is None:
        return "a rule that skips periods (every other week, say) needs a first date to count from"
    if rule.count is not None:
        if not 1 <= rule.count <= MAX_COUNT:
            return f"the number of times must be between 1 and {MAX_COUNT}"
        if rule.starts_on is None:
            return "a rule that happens a number of times needs a first date to count from"
        if rule.until is not None:
            return "give an end date or a number of times, not both"
    for when in (rule.starts_on, rule.until):
        if when is not None and not FIRST_YEAR <= when.year <= LAST_YEAR:
            return f"dates must fall between {FIRST_YEAR} and {LAST_YEAR}"
    if rule.starts_on and rule.until and rule.until < rule.starts_on:
        return "the rule ends before it starts"
    if any(not 0 <= day <= 6 for day in rule.weekdays | {d for _, d in rule.nth_weekdays}):
        return "weekdays are Monday to Sunday"
    if any(not 1 <= abs(n) <= 5 for n, _ in rule.nth_weekdays):
        return "say the first to the fifth, or the last to the fifth-last, weekday of the month"
    if rule.nth_weekdays and rule.weekdays:
        return "'every Monday' and 'the first Sunday' are two services: add them one by one"
    if rule.nth_weekdays and not (
        rule.frequency is Frequency.MONTHLY or (rule.frequency is Frequency.YEARLY and rule.months)
    ):
        return "'the first Sunday' and the like need a monthly rule, or a yearly one with its months"
    if any(not 1 <= abs(day) <= 31 for day in rule.month_days):
        return "days of the month are 1 to 31 (or -1 for the last day)"
    if rule.month_days and rule.frequency is Frequency.WEEKLY:
        return "a weekly rule cannot name days of the month: make it monthly"
    if any(not 1 <= month <= 12 for month in rule.months):
        return "months are 1 (January) to 12 (December)"
    if rule.month_days:
        months = rule.months or frozenset(range(1, 13))
        if not any(abs(day) <= SHORTEST_MONTH[m] for m in months for day in rule.month_days):
            return "the rule never happens in an ordinary year: no such day in those months"
    if rule.frequency is Frequency.WEEKLY and not rule.weekdays:
        return "say on which days of the week"
    if rule.frequency is Frequency.MONTHLY and not (
        rule.month_days or rule.nth_weekdays or rule.weekdays
    ):
        return "say on which day of the month"
    if rule.frequency is Frequency.YEARLY and not (
        rule.months and (rule.month_days or rule.nth_weekdays or rule.weekdays)
    ):
        return "say on which day of which month"
    return None


# --- reading RFC 5545 text ------------------------------------------------------------------------

ALLOWED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"}
# What each refused part is for, and what to use instead.
REFUSED = {
    "FREQ=SECONDLY": "a service recurs at most daily, and its start time is set in its own field",
    "FREQ=MINUTELY": "a service recurs at most daily, and its start time is set in its own field",
    "FREQ=HOURLY": "a service recurs at most daily, and its start time is set in its own field",
    "BYHOUR": "a service recurs at most daily, and its start time is set in its own field",
    "BYMINUTE": "a service recurs at most daily, and its start time is set in its own field",
    "BYSECOND": "a service recurs at most daily, and its start time is set in its own field",
    "BYEASTER": "Easter and other festivals come from the festival calendar, not from a rule",
    "BYYEARDAY": "name the month and the day instead",
    "BYWEEKNO": "name the months and days instead",
    "BYSETPOS": "name the weekday and which one in the month instead (e.g. the last Friday)",
    "DTSTART": "the first date is a field of its own",
    "RDATE": "add extra dates as one-off events",
    "EXRULE": "list the dates with no service instead",
}
ONE_SERVICE = re.compile(r"^(RRULE:)?[A-Z0-9=;,+\-]+$")
NTH_DAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def parse(
    text: str, *, starts_on: date | None = None, cancelled: frozenset[date] = frozenset()
) -> Recurrence:
    """A rule from an RRULE line (`FREQ=WEEKLY;BYDAY=SU`), with optional EXDATE lines.

    Raises RuleRefused saying what is wrong in plain words. Parts left out take their value
    from `starts_on`, as RFC 5545 takes them from DTSTART ("FREQ=MONTHLY" from 3 March is
    "the 3rd of every month")."""
    lines = [line.strip() for line in text.strip().upper().splitlines() if line.strip()]
    if not lines:
        raise RuleRefused("the rule is empty")
    rule_lines = [line for line in lines if not line.startswith("EXDATE")]
    if len(rule_lines) != 1:
        found = next(
            (line.split(":")[0] for line in rule_lines if not line.startswith("RRULE")), None
        )
        if found in REFUSED:
            raise RuleRefused(f"{found} is not accepted: {REFUSED[found]}")
        raise RuleRefused("give one rule (one RRULE line)")
    line = rule_lines[0]
    head = line.split(":", 1)[0]
    if ":" in line and head != "RRULE":
        if head in REFUSED:
            raise RuleRefused(f"{head} is not accepted: {REFUSED[head]}")
        raise RuleRefused(f"{head!r} is not a rule: start with FREQ=")
    if not ONE_SERVICE.match(line):
        raise RuleRefused("a rule is written like FREQ=WEEKLY;BYDAY=SU")
    parts: dict[str, str] = {}
    for item in line.removeprefix("RRULE:").split(";"):
        if not item:
            continue
        name, _, value = item.partition("=")
        if f"{name}={value}" in REFUSED:
            raise RuleRefused(f"FREQ={value} is not accepted: {REFUSED[f'{name}={value}']}")
        if name in REFUSED:
            raise RuleRefused(f"{name} is not accepted: {REFUSED[name]}")
        if name not in ALLOWED:
            raise RuleRefused(f"{name!r} is not a part of a rule Sanctuary knows")
        if not value:
            raise RuleRefused(f"{name} has no value")
        if name in parts:
            raise RuleRefused(f"{name} is given twice")
        parts[name] = value
    exdates = {day for line in lines if line.startswith("EXDATE") for day in _exdates(line)}
    return _build(parts, starts_on, cancelled | frozenset(exdates))


def _build(parts: dict[str, str], starts_on: date | None, cancelled: frozenset[date]) -> Recurrence:
    if "FREQ" not in parts:
        raise RuleRefused("say how often: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    try:
        frequency = Frequency(parts["FREQ"])
    except ValueError:
        raise RuleRefused(
            f"FREQ={parts['FREQ']} is not a frequency: use DAILY, WEEKLY, MONTHLY or YEARLY"
        ) from None
    weekdays: set[int] = set()
    nth: set[tuple[int, int]] = set()
    for item in _items(parts, "BYDAY"):
        found = NTH_DAY.match(item)
        if not found:
            raise RuleRefused(f"BYDAY={item} is not a weekday: use MO, TU, WE, TH, FR, SA or SU")
        day = WEEKDAY_CODES.index(found.group(2))
        if found.group(1):
            nth.add((int(found.group(1)), day))
        else:
            weekdays.add(day)
    month_days = {_number(parts, "BYMONTHDAY", item) for item in _items(parts, "BYMONTHDAY")}
    months = {_number(parts, "BYMONTH", item) for item in _items(parts, "BYMONTH")}
    # RFC 5545: what the rule leaves out comes from its first date
    if starts_on is not None:
        if frequency is Frequency.WEEKLY and not weekdays:
            weekdays.add(starts_on.weekday())
        if frequency is Frequency.MONTHLY and not (month_days or weekdays or nth):
            month_days.add(starts_on.day)
        if frequency is Frequency.YEARLY:
            if not months:
                months.add(starts_on.month)
            if not (month_days or weekdays or nth):
                month_days.add(starts_on.day)
    week_start = 0
    if "WKST" in parts:
        if parts["WKST"] not in WEEKDAY_CODES:
            raise RuleRefused(f"WKST={parts['WKST']} is not a weekday")
        week_start = WEEKDAY_CODES.index(parts["WKST"])
    return Recurrence(
        frequency=frequency,
        interval=_number(parts, "INTERVAL", parts.get("INTERVAL", "1")),
        weekdays=frozenset(weekdays),
        nth_weekdays=frozenset(nth),
        month_days=frozenset(month_days),
        months=frozenset(months),
        starts_on=starts_on,
        until=_date(parts["UNTIL"], "UNTIL") if "UNTIL" in parts else None,
        count=_number(parts, "COUNT", parts["COUNT"]) if "COUNT" in parts else None,
        week_start=week_start,
        cancelled=cancelled,
    )


def _items(parts: dict[str, str], name: str) -> list[str]:
    return [item for item in parts.get(name, "").split(",") if item] if name in parts else []


def _number(parts: dict[str, str], name: str, text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]{1,4}", text):
        raise RuleRefused(f"{name}={text} is not a whole number")
    return int(text)


def _date(text: str, name: str) -> date:
    found = re.fullmatch(r"([0-9]{8})(T[0-9]{6}Z?)?", text)
    if not found:
        raise RuleRefused(f"{name}={text} is not a date: write it as YYYYMMDD")
    try:
        return datetime.strptime(found.group(1), "%Y%m%d").date()
    except ValueError:
        raise RuleRefused(f"{name}={text} is not a date that exists") from None


def _exdates(line: str) -> list[date]:
    _, _, values = line.partition(":")
    return [_date(value.strip(), "EXDATE") for value in values.split(",") if value.strip()]


def to_text(rule: Recurrence) -> str:
    """The rule as an RRULE line (without its first date, which is a field of its own)."""
    parts = [f"FREQ={rule.frequency.value}"]
    if rule.interval != 1:
        parts.append(f"INTERVAL={rule.interval}")
    days = [WEEKDAY_CODES[d] for d in sorted(rule.weekdays)]
    days += [f"{n}{WEEKDAY_CODES[d]}" for n, d in sorted(rule.nth_weekdays, key=_nth_order)]
    if days:
        parts.append("BYDAY=" + ",".join(days))
    if rule.month_days:
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in sorted(rule.month_days, key=_day_order)))
    if rule.months:
        parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(rule.months)))
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    if rule.until is not None:
        parts.append(f"UNTIL={rule.until:%Y%m%d}")
    if rule.week_start:
        parts.append(f"WKST={WEEKDAY_CODES[rule.week_start]}")
    return ";".join(parts)


# --- in words --------------------------------------------------------------------------------------


def _nth_order(item: tuple[int, int]) -> tuple[int, int]:
    n, day = item
    return (n if n > 0 else 10 - n, day)


def _day_order(day: int) -> int:
    return day if day > 0 else 100 - day


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _ordinal(n: int) -> str:
    if n < 0:
        return "last" if n == -1 else f"{_ordinal(-n)}-last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}" if n > 5 else ("first", "second", "third", "fourth", "fifth")[n - 1]


def _month_day(day: int) -> str:
    if day == -1:
        return "the last day"
    if day < 0:
        return f"the {_ordinal(-day)}-last day"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"the {day}{suffix}"


def describe(rule: Recurrence, at: time | None = None) -> str:
    """The rule as a person would say it: "every Tuesday, Wednesday and Thursday", and with
    `at`, "every Tuesday, Wednesday and Thursday at 19:00" (before any count or dates)."""
    every = {
        Frequency.DAILY: ("day", "days"),
        Frequency.WEEKLY: ("week", "weeks"),
        Frequency.MONTHLY: ("month", "months"),
        Frequency.YEARLY: ("year", "years"),
    }[rule.frequency]
    period = every[0] if rule.interval == 1 else (
        f"other {every[0]}" if rule.interval == 2 else f"{rule.interval} {every[1]}"
    )
    which: list[str] = []
    if rule.weekdays:
        which.append(_listed([WEEKDAY_NAMES[d] for d in sorted(rule.weekdays)]))
    if rule.nth_weekdays:
        which.append(_listed([
            f"the {_ordinal(n)} {WEEKDAY_NAMES[d]}"
            for n, d in sorted(rule.nth_weekdays, key=_nth_order)
        ]))
    if rule.month_days:
        which.append(_listed([_month_day(d) for d in sorted(rule.month_days, key=_day_order)]))
    months = _listed([MONTH_NAMES[m] for m in sorted(rule.months)]) if rule.months else ""

    if rule.frequency is Frequency.WEEKLY and rule.weekdays and not rule.nth_weekdays:
        days = _listed([WEEKDAY_NAMES[d] for d in sorted(rule.weekdays)])
        text = f"every {days}" if rule.interval == 1 else f"every {period} on {days}"
        if months:
            text += f" in {months}"
    elif rule.frequency is Frequency.DAILY:
        text = f"every {period}"
        if which:
            text += " on " + " that is ".join(which)
        if months:
            text += f" in {months}"
    elif rule.frequency is Frequency.MONTHLY:
        text = " that is ".join(which) + f" of every {period}"
        if months:
            text += f", in {months}"
    else:
        text = " that is ".join(which) + f" of {months}" + ("" if rule.interval == 1 else f", every {period}")
    if at is not None:
        text += f" at {at:%H:%M}"
    if rule.count is not None:
        text += f", {rule.count} time" + ("" if rule.count == 1 else "s")
    if rule.starts_on is not None:
        text += f", from {rule.starts_on:%-d %B %Y}"
    if rule.until is not None:
        text += f", until {rule.until:%-d %B %Y}"
    return text[0].lower() + text[1:] if text.startswith("Every") else text


def next_days(rule: Recurrence, first: date, days: int) -> list[date]:
    """The occurrences in the `days` days from `first`: what a preview shows."""
    return rule.occurrences(first, first + timedelta(days=days - 1))
