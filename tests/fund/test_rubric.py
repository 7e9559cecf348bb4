"""The rubric's arithmetic (fund/scoring.py), by its properties: a weighted total out of 100,
agreement within the threshold, bonuses capped at 100."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctuary.fund.scoring import (
    RubricError,
    agree,
    read_bonuses,
    read_descriptors,
    weighted_total,
    with_bonuses,
)

weights = st.dictionaries(st.integers(1, 20), st.integers(1, 100), min_size=1, max_size=8)


@st.composite
def scored(draw):
    given_weights = draw(weights)
    levels = {c: draw(st.integers(0, 4)) for c in given_weights}
    return levels, given_weights


@given(scored())
def test_the_total_is_between_0_and_100(case):
    levels, given_weights = case
    assert 0 <= weighted_total(levels, given_weights) <= 100


@given(weights)
def test_top_marks_everywhere_is_100_and_nothing_is_0(given_weights):
    assert weighted_total({c: 4 for c in given_weights}, given_weights) == pytest.approx(100)
    assert weighted_total({}, given_weights) == 0


@given(scored(), st.data())
def test_raising_one_level_never_lowers_the_total(case, data):
    levels, given_weights = case
    criterion = data.draw(st.sampled_from(sorted(given_weights)))
    if levels[criterion] == 4:
        return
    higher = {**levels, criterion: levels[criterion] + 1}
    assert weighted_total(higher, given_weights) > weighted_total(levels, given_weights)


@given(st.lists(st.floats(0, 100), min_size=2, max_size=2), st.integers(0, 50))
def test_agreement_is_the_mean_within_the_threshold_and_moderation_beyond(totals, threshold):
    result = agree(totals, threshold)
    swapped = agree(list(reversed(totals)), threshold)
    assert swapped.needs_moderation == result.needs_moderation
    if abs(totals[0] - totals[1]) > threshold:
        assert result.needs_moderation and result.score is None
    else:
        assert result.score == pytest.approx(sum(totals) / 2)


@given(st.floats(0, 100), st.floats(0, 20), st.floats(0, 20))
def test_bonuses_add_points_and_the_score_stays_within_100(score, first, deprived):
    bonuses = {"first_time": first, "deprived_area": deprived}
    both = with_bonuses(score, bonuses, ["first_time", "deprived_area"])
    assert score <= both <= 100
    assert with_bonuses(score, bonuses, []) == score


def test_a_level_outside_the_rubric_is_refused():
    with pytest.raises(RubricError):
        weighted_total({1: 5}, {1: 10})
    with pytest.raises(RubricError):
        weighted_total({2: 1}, {1: 10})


@pytest.mark.parametrize("data", [{"first_time": 30}, {"lottery": 1}, [1], {"deprived_wards": "Bow"}])
def test_malformed_bonuses_are_refused(data):
    with pytest.raises(RubricError):
        read_bonuses(data)


def test_a_criterion_needs_five_descriptors():
    with pytest.raises(RubricError) as raised:
        read_descriptors(["a", "b"], "Need")
    assert raised.value.field == "Need.descriptors"
    assert read_descriptors([" a", "b", "c", "d", "e"]) == ["a", "b", "c", "d", "e"]
