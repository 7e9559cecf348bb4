"""Which jama'ah rule wins on a day, and which rules can never take effect.

Issue 9: a Fajr rule with no months, added after "Fajr 06:45, months 11,12,1,2", was saved and
silently ignored. Now the most specific rule wins, whatever the order they were added in, and
`rule_standings` names a rule that the rules before it leave no day to.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine.congregation import in_precedence, precedence, rule_standings
from sanctuary.calendars.engine.model import CongregationRule, Prayer

WINTER = frozenset({11, 12, 1, 2})
TODAY = date(2026, 6, 1)


def fajr(**fields) -> CongregationRule:
    return CongregationRule(Prayer.FAJR, fixed_time=fields.pop("at", time(6, 45)), **fields)


def test_a_date_range_wins_over_a_season_which_wins_over_all_year():
    all_year = fajr(at=time(5, 0))
    winter = fajr(months=WINTER)
    ramadan = fajr(at=time(4, 30), valid_from=date(2027, 2, 8), valid_to=date(2027, 3, 9))
    assert in_precedence([all_year, winter, ramadan]) == (ramadan, winter, all_year)
    # between two of one kind the narrower wins, and between equals the one added first
    december = fajr(months=frozenset({12}))
    twin = fajr(at=time(7, 0), months=frozenset({12}))
    assert in_precedence([winter, twin, december]) == (twin, december, winter)


def test_a_rule_the_rules_before_it_cover_never_takes_effect():
    winter, all_year, again = fajr(months=WINTER), fajr(at=time(5, 0)), fajr(at=time(5, 30))
    standings = rule_standings([winter, all_year, again], TODAY)
    assert [(s.index, s.rank, s.takes_effect) for s in standings] == [
        (0, 1, True), (1, 2, True), (2, 3, False)
    ]
    assert standings[1].months == frozenset(range(3, 11))  # winter's months go to the first
    assert standings[1].yields_to == (0,)
    assert standings[2].yields_to == (0, 1)


def test_a_season_inside_a_wider_season_added_later_still_takes_effect():
    wide, narrow = fajr(months=WINTER), fajr(at=time(7, 0), months=frozenset({12}))
    first, second = rule_standings([wide, narrow], TODAY)
    assert (first.index, first.takes_effect, first.months) == (1, True, frozenset({12}))
    assert (second.index, second.takes_effect, second.months) == (0, True, frozenset({11, 1, 2}))


def test_a_rule_whose_dates_are_past_no_longer_takes_effect():
    (standing,) = rule_standings([fajr(valid_from=date(2025, 1, 1), valid_to=date(2025, 2, 1))], TODAY)
    assert not standing.takes_effect and standing.ended and standing.yields_to == ()


def test_rules_of_other_prayers_do_not_compete():
    isha = CongregationRule(Prayer.ISHA, fixed_time=time(20, 0))
    standings = rule_standings([fajr(), isha], TODAY)
    assert all(s.takes_effect and s.rank == 1 for s in standings)


def test_a_date_range_over_a_season_leaves_the_season_its_other_days():
    winter = fajr(months=WINTER)
    one_week = fajr(at=time(7, 0), valid_from=date(2026, 12, 24), valid_to=date(2026, 12, 31))
    first, second = rule_standings([winter, one_week], TODAY)
    assert (first.index, first.takes_effect) == (1, True)
    assert (second.index, second.takes_effect, second.yields_to) == (0, True, (1,))
    assert second.months is None  # with a date range in play, months alone do not say it


DAY = st.dates(date(2026, 1, 1), date(2028, 12, 31))


@st.composite
def rules(draw) -> CongregationRule:
    months = draw(st.frozensets(st.integers(1, 12), max_size=4))
    start = draw(st.none() | DAY)
    end = draw(st.none() | DAY)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return CongregationRule(
        draw(st.sampled_from([Prayer.FAJR, Prayer.ISHA])),
        fixed_time=time(draw(st.integers(5, 21)), 0),
        months=months,
        valid_from=start,
        valid_to=end,
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(rules(), max_size=6), DAY)
def test_standings_agree_with_the_day_by_day_winner(given_rules, from_day):
    """Checked against brute force: every day from `from_day` until a year after the last
    date any rule names, the first rule in precedence that applies is the day's winner."""
    standings = rule_standings(given_rules, from_day)
    last = max(
        [from_day, *(d for r in given_rules for d in (r.valid_from, r.valid_to) if d)]
    ) + timedelta(days=366)
    won: set[int] = set()
    yielded: dict[int, set[int]] = {index: set() for index in range(len(given_rules))}
    day = from_day
    while day <= last:
        for prayer in (Prayer.FAJR, Prayer.ISHA):
            ordered = [
                i for i in sorted(range(len(given_rules)), key=lambda i: precedence(given_rules[i]))
                if given_rules[i].prayer is prayer
            ]
            applying = [i for i in ordered if given_rules[i].applies_on(day)]
            if applying:
                won.add(applying[0])
                for loser in applying[1:]:
                    yielded[loser].add(applying[0])
        day += timedelta(days=1)
    assert {s.index for s in standings if s.takes_effect} == won
    for standing in standings:
        assert set(standing.yields_to) == yielded[standing.index]
    assert sorted(s.index for s in standings) == list(range(len(given_rules)))

