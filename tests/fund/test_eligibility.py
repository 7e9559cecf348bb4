"""Eligibility rules as data (fund/eligibility.py): a round's rules are read with an error that
names the field, and the check obeys the rules whatever they say (properties, hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctuary.fund.eligibility import (
    CHARITY_RULES,
    DEFAULTS,
    EVIDENCE_RULES,
    Facts,
    PackageFacts,
    Rules,
    RulesError,
    check,
    read_rules,
)

MEASURES = ("cctv_fixed", "fencing", "gates", "door_hardening", "glazing_protection", "lighting")

rules_data = st.fixed_dictionaries({}, optional={
    "charity": st.sampled_from(CHARITY_RULES),
    "evidence": st.sampled_from(EVIDENCE_RULES),
    "hate_crime_radius_m": st.integers(50, 50_000),
    "hate_crime_years": st.integers(1, 10),
    "recently_funded_years": st.integers(0, 20),
    "recently_funded_very_strong": st.booleans(),
    "very_strong_incidents": st.integers(1, 100),
    "very_strong_police_letter": st.booleans(),
    "max_measures": st.integers(1, 6),
    "max_per_site": st.integers(0, 200_000),
    "contribution": st.sampled_from([0, 0.1, 0.2, 0.25, 0.5, 1]),
    "quotes_required": st.booleans(),
})

packages = st.builds(
    PackageFacts,
    label=st.sampled_from(["minimal", "standard", "full"]),
    measures=st.lists(st.sampled_from(MEASURES), unique=True, max_size=5).map(tuple),
    cost=st.integers(0, 150_000).map(Decimal),
    contribution=st.integers(0, 60_000).map(Decimal),
    quotes=st.integers(0, 2),
)

facts = st.builds(
    Facts,
    charity_number=st.sampled_from(["", "1100001"]),
    charity_exempt=st.booleans(),
    incidents_near=st.integers(0, 6),
    vulnerability=st.booleans(),
    police_letter=st.booleans(),
    funded_in_year=st.one_of(st.none(), st.integers(2015, 2026)),
    year=st.just(2026),
    packages=st.lists(packages, max_size=3, unique_by=lambda p: p.label).map(tuple),
    funded_measures=st.sets(st.sampled_from(MEASURES)).map(frozenset),
)


@given(rules_data)
def test_rules_read_back_as_they_were_written(data):
    rules = read_rules(data)
    assert read_rules(rules.as_json()) == rules
    for key, value in data.items():
        assert rules.as_json()[key] == value or float(rules.as_json()[key]) == float(value)


def test_missing_rules_take_the_documented_defaults():
    assert read_rules({}).as_json() == {**DEFAULTS, "max_per_site": 56000.0, "contribution": 0.2}
    assert read_rules(None) == Rules()


@pytest.mark.parametrize(("data", "field"), [
    ({"charity": "maybe"}, "charity"),
    ({"max_measures": 0}, "max_measures"),
    ({"max_measures": "3"}, "max_measures"),
    ({"contribution": 1.5}, "contribution"),
    ({"contribution": True}, "contribution"),
    ({"max_per_site": "lots"}, "max_per_site"),
    ({"quotes_required": "yes"}, "quotes_required"),
    ({"max_per_sight": 1}, "max_per_sight"),
])
def test_a_malformed_rule_is_refused_naming_its_field(data, field):
    with pytest.raises(RulesError) as raised:
        read_rules(data)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"rules.{field}:")


def test_rules_that_are_not_an_object_are_refused():
    with pytest.raises(RulesError):
        read_rules([1, 2])


@given(rules_data, facts)
def test_eligible_exactly_when_every_reason_is_met(data, fact):
    result = check(read_rules(data), fact)
    assert result.eligible == all(reason.ok for reason in result.reasons)
    assert result.eligible == (not result.failures)
    assert {"charity", "evidence", "recently_funded"} <= {r.rule for r in result.reasons}


@given(rules_data, facts)
def test_an_eligible_application_keeps_every_cap(data, fact):
    rules = read_rules(data)
    if not check(rules, fact).eligible:
        return
    assert fact.packages
    for package in fact.packages:
        assert 0 < len(package.measures) <= rules.max_measures
        assert set(package.measures) <= fact.funded_measures
        assert package.cost - package.contribution <= rules.max_per_site
        assert package.contribution >= (package.cost * rules.contribution).quantize(Decimal("0.01"))
        assert package.quotes > 0 or not rules.quotes_required
    if rules.charity == "registered":
        assert fact.charity_number


@given(rules_data, facts, st.integers(0, 100_000))
def test_a_higher_cap_never_makes_an_eligible_application_ineligible(data, fact, more):
    rules = read_rules(data)
    looser = read_rules({**rules.as_json(), "max_per_site": float(rules.max_per_site) + more})
    if check(rules, fact).eligible:
        assert check(looser, fact).eligible


@given(rules_data, facts)
def test_no_charity_rule_means_no_charity_refusal(data, fact):
    rules = read_rules({**data, "charity": "any"})
    assert next(r for r in check(rules, fact).reasons if r.rule == "charity").ok


def _good_package() -> PackageFacts:
    return PackageFacts("standard", ("cctv_fixed",), Decimal(10000), Decimal(2000), 1)


def _facts(**changes) -> Facts:
    base = {"charity_number": "1100001", "incidents_near": 1, "packages": (_good_package(),),
            "funded_measures": frozenset({"cctv_fixed"})}
    return Facts(**{**base, **changes})


def test_a_site_funded_last_year_needs_very_strong_evidence():
    rules = read_rules({})
    assert not check(rules, _facts(funded_in_year=2025)).eligible
    very_strong = _facts(funded_in_year=2025, incidents_near=3, police_letter=True)
    assert check(rules, very_strong).eligible
    assert not check(read_rules({"recently_funded_very_strong": False}), very_strong).eligible
    assert check(rules, _facts(funded_in_year=2024)).eligible


def test_next_years_round_is_configured_not_coded():
    """No contribution, a lower cap and hate crime required: only data changes."""
    next_year = read_rules({"contribution": 0, "max_per_site": 20000, "evidence": "hate_crime"})
    free = PackageFacts("standard", ("cctv_fixed",), Decimal(15000), Decimal(0), 1)
    assert check(next_year, _facts(packages=(free,))).eligible
    assert not check(read_rules({}), _facts(packages=(free,))).eligible  # this year's 20%
    assert not check(next_year, _facts(packages=(free,), incidents_near=0, vulnerability=True)).eligible


def test_reasons_say_what_is_wrong_in_words():
    result = check(read_rules({}), Facts())
    texts = " ".join(r.text for r in result.failures)
    assert "registered charity number" in texts
    assert "Propose at least one package" in texts
    assert "no evidence of vulnerability" in texts
