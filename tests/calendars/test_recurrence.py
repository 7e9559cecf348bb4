"""Service rules: only what places of worship mean, expanded with work bounded by the period.

The reference is dateutil, the library most calendar software uses to expand RFC 5545 rules:
for every rule Sanctuary accepts, `Recurrence.occurrences` gives exactly dateutil's dates.
The hostile rules are those an attack on the demo found (issue 7): each hung or slowed a
borough view, or answered 500.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from dateutil import rrule as du
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine.recurrence import (
    Frequency,
    Recurrence,
    RuleRefused,
    describe,
    parse,
    to_text,
)

DU_FREQ = {
    Frequency.DAILY: du.DAILY,
    Frequency.WEEKLY: du.WEEKLY,
    Frequency.MONTHLY: du.MONTHLY,
    Frequency.YEARLY: du.YEARLY,
}
DU_DAYS = (du.MO, du.TU, du.WE, du.TH, du.FR, du.SA, du.SU)


def dateutil_dates(rule: Recurrence, first: date, last: date) -> list[date]:
    """The same rule expanded by dateutil, as the reference."""
    start = rule.starts_on or first
    byweekday = [DU_DAYS[d] for d in rule.weekdays] + [DU_DAYS[d](n) for n, d in rule.nth_weekdays]
    expanded = du.rrule(
        DU_FREQ[rule.frequency],
        dtstart=datetime.combine(start, time()),
        interval=rule.interval,
        wkst=rule.week_start,
        count=rule.count,
        until=datetime.combine(rule.until, time()) if rule.until else None,
        byweekday=byweekday or None,
        bymonthday=sorted(rule.month_days) or None,
        bymonth=sorted(rule.months) or None,
    )
    found = expanded.between(
        datetime.combine(first, time()), datetime.combine(last, time()), inc=True
    )
    return [d.date() for d in found if d.date() not in rule.cancelled]


@st.composite
def maybe_rules(draw: st.DrawFn) -> Recurrence | None:
    frequency = draw(st.sampled_from(list(Frequency)))
    anchored = draw(st.booleans())
    starts_on = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31))) if anchored else None
    interval = draw(st.integers(1, 4)) if anchored else 1
    weekdays = draw(st.frozensets(st.integers(0, 6), max_size=3))
    nth: frozenset[tuple[int, int]] = frozenset()
    month_days: frozenset[int] = frozenset()
    months = draw(st.frozensets(st.integers(1, 12), max_size=3))
    if frequency is Frequency.WEEKLY:
        weekdays = weekdays or frozenset({draw(st.integers(0, 6))})
    if frequency in (Frequency.MONTHLY, Frequency.YEARLY):
        if frequency is Frequency.YEARLY:
            months = months or frozenset({draw(st.integers(1, 12))})
        nth = draw(st.frozensets(
            st.tuples(st.sampled_from([1, 2, 3, 4, -1, -2]), st.integers(0, 6)), max_size=2))
        if not (weekdays or nth):
            month_days = draw(st.frozensets(
                st.sampled_from([1, 2, 10, 15, 28, 30, 31, -1, -2]), min_size=1, max_size=3))
    if frequency is Frequency.DAILY and draw(st.booleans()):
        month_days = draw(st.frozensets(st.sampled_from([1, 13, 28, -1]), max_size=2))
    count = draw(st.integers(1, 30)) if anchored and draw(st.booleans()) else None
    until = None
    if anchored and count is None and draw(st.booleans()):
        assert starts_on is not None
        until = starts_on + timedelta(days=draw(st.integers(0, 800)))
    if nth:
        weekdays = frozenset()  # refused together: see the refusals below
    try:
        return Recurrence(
            frequency=frequency, interval=interval, weekdays=weekdays, nth_weekdays=nth,
            month_days=month_days, months=months, starts_on=starts_on, until=until, count=count,
            week_start=draw(st.sampled_from([0, 6])),
        )
    except RuleRefused:
        return None


def rules() -> st.SearchStrategy[Recurrence]:
    return maybe_rules().filter(lambda rule: rule is not None)  # type: ignore[return-value]


@given(rules(), st.dates(date(2024, 1, 1), date(2028, 12, 31)), st.integers(0, 400))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
def test_every_accepted_rule_expands_to_the_dates_dateutil_gives(
    rule: Recurrence, first: date, days: int
):
    last = first + timedelta(days=days)
    assert rule.occurrences(first, last) == dateutil_dates(rule, first, last)


@given(rules())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
def test_a_rule_reads_back_from_its_own_text(rule: Recurrence):
    again = parse(to_text(rule), starts_on=rule.starts_on, cancelled=rule.cancelled)
    assert again == rule


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("FREQ=DAILY;INTERVAL=0", "interval must be between 1 and 366"),
        ("FREQ=WEEKLY;INTERVAL=-5;BYDAY=SU", "between 1 and 52"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "never happens in an ordinary year"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "never happens in an ordinary year"),
        ("FREQ=YEARLY;BYEASTER=400", "festival calendar"),
        ("DTSTART:00010101\nRRULE:FREQ=DAILY", "first date is a field of its own"),
        ("RRULE:FREQ=YEARLY;COUNT=1\nRDATE:20270101T100000,20270102T100000", "one-off events"),
        ("FREQ=SECONDLY", "a service recurs at most daily"),
        ("FREQ=DAILY;BYHOUR=9,10,11", "a service recurs at most daily"),
        ("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR", "the last Friday"),
        ("FREQ=FORTNIGHTLY", "not a frequency"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "needs a first date"),
        ("FREQ=WEEKLY;COUNT=5;BYDAY=SU", "needs a first date"),
        ("FREQ=WEEKLY", "which days of the week"),
        ("FREQ=WEEKLY;BYDAY=XX", "not a weekday"),
        ("FREQ=WEEKLY;BYDAY=1SU", "need a monthly rule"),
        ("FREQ=MONTHLY;BYDAY=7SU", "first to the fifth"),
        ("FREQ=MONTHLY;BYDAY=MO,4WE", "two services"),
        ("FREQ=DAILY;FREQ=WEEKLY", "given twice"),
        ("FREQ=DAILY;UNTIL=20261301", "not a date that exists"),
        ("EVERY SUNDAY", "written like FREQ=WEEKLY"),
        ("", "empty"),
    ],
)
def test_rules_no_place_of_worship_means_are_refused_in_plain_words(text: str, why: str):
    with pytest.raises(RuleRefused, match=why):
        parse(text)


def test_what_a_rule_leaves_out_comes_from_its_first_date():
    third_of_march = date(2027, 3, 3)
    assert parse("FREQ=MONTHLY", starts_on=third_of_march).month_days == {3}
    yearly = parse("FREQ=YEARLY", starts_on=third_of_march)
    assert (yearly.months, yearly.month_days) == ({3}, {3})
    assert parse("FREQ=WEEKLY", starts_on=third_of_march).weekdays == {2}  # a Wednesday


def test_a_year_of_a_daily_rule_from_1900_costs_no_more_than_the_year_itself():
    """COUNT counts from the first date; the dates before the period are tested in one pass."""
    rule = parse("FREQ=DAILY;COUNT=1000", starts_on=date(1900, 1, 1))
    assert rule.occurrences(date(2026, 1, 1), date(2026, 12, 31)) == []
    assert len(rule.occurrences(date(1900, 1, 1), date(1903, 12, 31))) == 1000


@pytest.mark.parametrize(
    ("text", "starts_on", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,WE,TH", None, "every Tuesday, Wednesday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=SU", None, "every Sunday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", date(2027, 1, 3),
         "every other week on Sunday, from 3 January 2027"),
        ("FREQ=MONTHLY;BYDAY=1SA", None, "the first Saturday of every month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", None, "the last Friday of every month"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", None, "the 15th of every month"),
        ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", None, "the 24th of December"),
        ("FREQ=DAILY", None, "every day"),
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=6", date(2027, 2, 15),
         "every Monday, 6 times, from 15 February 2027"),
    ],
)
def test_a_rule_is_said_in_words(text: str, starts_on: date | None, words: str):
    assert describe(parse(text, starts_on=starts_on)) == words


def test_exdate_lines_cancel_dates():
    rule = parse("RRULE:FREQ=WEEKLY;BYDAY=SU\nEXDATE:20270110T100000,20270117", starts_on=None)
    assert rule.occurrences(date(2027, 1, 3), date(2027, 1, 24)) == [
        date(2027, 1, 3), date(2027, 1, 24)]


RULE_WORDS = st.sampled_from([
    "FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST", "RRULE",
    "EXDATE", "DTSTART", "BYSETPOS", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "MO", "SU", "1SA",
    "-1FR", "+5TH", "0", "1", "-1", "2", "31", "99999", "20260230", "20261231T100000Z",
    "=", ";", ",", ":", "\n", " ", "", "X", "é", "'",
])


@settings(max_examples=500, deadline=None)
@given(
    st.lists(RULE_WORDS, max_size=14).map("".join) | st.text(max_size=60),
    st.none() | st.dates(date(1899, 1, 1), date(2101, 12, 31)),
)
def test_any_text_is_a_rule_or_refused_in_plain_words_never_a_python_error(text, starts_on):
    """Issue 9: volunteers saw "not enough values to unpack (expected 2, got 1)". Whatever is
    typed, the answer is a rule (that can be expanded and said in words) or a RuleRefused."""
    try:
        rule = parse(text, starts_on=starts_on)
    except RuleRefused as refused:
        message = str(refused)
        assert message and "unpack" not in message and "Traceback" not in message
        return
    rule.occurrences(date(2026, 1, 1), date(2026, 12, 31))
    assert describe(rule)
