"""The survey instrument and measure catalogue: every shipped file loads, versions never change,
question ids never disappear, and a broken file is refused with the file, question and field."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from sanctuary.solvers.validation import InvalidInput
from sanctuary.surveys.instrument import (
    NOT_APPLICABLE,
    Grade,
    InstrumentError,
    UnknownVersion,
    check_answers,
    instrument_versions,
    latest_instrument,
    load_instrument,
    load_measures,
    read_instrument,
    read_measures,
)
from sanctuary.surveys.martyns_law import load_act

# A published instrument is immutable: surveys taken under it keep it. Pin each new version here
# when it is published; a changed hash means a published version was edited (make a new one).
PUBLISHED = {
    "2026.1": "dd6f0e591b47c6f1c24961701a90fdf43d63f6f1aaed50bb1da7dc8b54a0c879",
}

SECTIONS_OF_ISSUE_11 = {
    "management",
    "perimeter",
    "access",
    "building",
    "cctv",
    "lighting",
    "alarms",
    "emergency",
    "people",
    "events",
    "incidents",
    "online",
}


def shipped_text(version: str) -> bytes:
    data = resources.files("sanctuary.surveys") / "data" / f"instrument-{version}.toml"
    return data.read_bytes()


def test_every_shipped_version_loads_and_is_pinned() -> None:
    versions = instrument_versions()
    assert versions, "no instrument ships"
    for version in versions:
        instrument = load_instrument(version)
        assert instrument.version == version
        assert version in PUBLISHED, f"pin instrument {version} in PUBLISHED once it is published"
        digest = hashlib.sha256(shipped_text(version)).hexdigest()
        assert digest == PUBLISHED[version], (
            f"instrument-{version}.toml changed after publication: copy it to a new version instead"
        )


def test_no_published_version_has_been_removed() -> None:
    assert set(PUBLISHED) <= set(instrument_versions())


def test_question_ids_never_disappear_between_versions() -> None:
    versions = instrument_versions()
    for older, newer in zip(versions, versions[1:], strict=False):
        gone = {q.id for q in load_instrument(older).questions} - {
            q.id for q in load_instrument(newer).questions
        }
        assert not gone, f"instrument {newer} dropped questions of {older}: {sorted(gone)}"


def test_the_latest_instrument_covers_the_twelve_sections_with_four_to_eight_questions() -> None:
    instrument = latest_instrument()
    assert {section.id for section in instrument.sections} == SECTIONS_OF_ISSUE_11
    for section in instrument.sections:
        assert 4 <= len(section.questions) <= 8, section.id
        for question in section.questions:
            assert question.options[-1].grade == Grade.VERY_HIGH
            assert question.guidance and question.topic


def test_every_measure_is_raised_by_some_question_and_costs_something() -> None:
    instrument, catalogue = latest_instrument(), load_measures()
    for measure in catalogue.measures:
        assert instrument.improvements(measure.id), f"{measure.id} raises no question"
        assert measure.capital_cost[0] <= measure.capital_cost[1]
        assert measure.capital_mid + measure.yearly_mid > 0


def test_the_martyns_law_duties_refer_to_questions_that_exist() -> None:
    instrument = latest_instrument()
    for duty in load_act().duties:
        for question_id in duty.survey_questions:
            assert instrument.has_question(question_id), (duty.id, question_id)


def test_an_unknown_version_is_refused_with_the_versions_shipped() -> None:
    with pytest.raises(UnknownVersion, match=r"'1999\.1' \(shipped: 2026\.1"):
        load_instrument("1999.1")


MEASURES = """
prices_as_of = "test pounds"
[[measures]]
id = "cctv_fixed"
name = "CCTV"
description = "Cameras."
capital_cost = [1000, 3000]
yearly_cost = [100, 300]
lifetime_years = 8
"""

QUESTION = """
version = "9.1"
title = "Test"
published = 2026-01-01
[[sections]]
id = "cctv"
title = "CCTV"
weight = 1
[[sections.questions]]
id = "cctv.coverage"
topic = "CCTV coverage"
text = "Do cameras cover the entrances?"
guidance = "Cameras deter."
weight = 2
options = [ { grade = 1, label = "No CCTV" }, { grade = 5, label = "Everywhere" } ]
raised_by = [ { measure = "cctv_fixed", grade = 5 } ]
"""


def test_a_well_formed_instrument_reads() -> None:
    instrument = read_instrument(QUESTION, "instrument-9.1.toml", read_measures(MEASURES, "m"))
    question = instrument.question("cctv.coverage")
    assert question.weight == 2 and question.top_grade == Grade.VERY_HIGH
    assert instrument.improvements("cctv_fixed") == {"cctv.coverage": Grade.VERY_HIGH}


BROKEN = [
    (
        "weight not a number",
        ("weight = 2\noptions", 'weight = "heavy"\noptions'),
        "instrument-9.1.toml: section 'cctv', question 'cctv.coverage': field 'weight' must be a number",
    ),
    (
        "no top grade",
        ('{ grade = 5, label = "Everywhere" }', '{ grade = 4, label = "Everywhere" }'),
        "question 'cctv.coverage': field 'options' must end with a grade-5",
    ),
    (
        "grades out of order",
        ('{ grade = 1, label = "No CCTV" }', '{ grade = 5, label = "No CCTV" }'),
        "question 'cctv.coverage': field 'options' must have distinct grades",
    ),
    (
        "grade out of range",
        ('{ grade = 1, label = "No CCTV" }', '{ grade = 0, label = "No CCTV" }'),
        "question 'cctv.coverage', option 0: a grade must be a whole number from 1 to 5",
    ),
    (
        "unknown measure",
        ('measure = "cctv_fixed"', 'measure = "moat"'),
        "question 'cctv.coverage', raised_by 0: unknown measure 'moat'",
    ),
    (
        "measure raising to an unoffered grade",
        ('measure = "cctv_fixed", grade = 5', 'measure = "cctv_fixed", grade = 3'),
        "raises to grade 3, which is not one of the question's answers",
    ),
    (
        "question id outside its section",
        ('id = "cctv.coverage"', 'id = "lighting.coverage"'),
        "instrument-9.1.toml: section 'cctv', question 0: field 'id' must be 'cctv.<name>'",
    ),
    (
        "missing guidance",
        ('guidance = "Cameras deter."\n', ""),
        "question 'cctv.coverage': missing field 'guidance'",
    ),
    (
        "version disagrees with the file name",
        ('version = "9.1"', 'version = "9.2"'),
        "instrument-9.1.toml: field 'version' is '9.2'",
    ),
    ("not TOML", ('title = "Test"', "title = "), "instrument-9.1.toml: not valid TOML"),
]


@pytest.mark.parametrize(("case", "edit", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_instrument_is_refused_naming_where(case, edit, message) -> None:
    old, new = edit
    assert old in QUESTION
    with pytest.raises(InstrumentError) as raised:
        read_instrument(
            QUESTION.replace(old, new, 1), "instrument-9.1.toml", read_measures(MEASURES, "m")
        )
    assert message in str(raised.value)


def test_a_duplicate_question_is_refused() -> None:
    doubled = QUESTION + QUESTION[QUESTION.index("[[sections.questions]]") :]
    with pytest.raises(InstrumentError, match="questions: duplicate id 'cctv.coverage'"):
        read_instrument(doubled, "instrument-9.1.toml", read_measures(MEASURES, "m"))


def test_a_broken_measure_is_refused_naming_it() -> None:
    with pytest.raises(
        InstrumentError, match="measure 'cctv_fixed': field 'capital_cost' must have"
    ):
        read_measures(MEASURES.replace("[1000, 3000]", "[3000, 1000]"), "measures.toml")


def test_answers_are_checked_against_their_version() -> None:
    instrument = latest_instrument()
    assert check_answers(
        instrument, {"cctv.coverage": 4, "perimeter.boundary": NOT_APPLICABLE}
    ) == {"cctv.coverage": 4, "perimeter.boundary": NOT_APPLICABLE}
    with pytest.raises(InvalidInput, match="no question 'cctv.drones'"):
        check_answers(instrument, {"cctv.drones": 3})
    with pytest.raises(InvalidInput, match=r"'cctv.coverage': 'not applicable' is not an answer"):
        check_answers(instrument, {"cctv.coverage": NOT_APPLICABLE})
    with pytest.raises(
        InvalidInput, match=r"'perimeter.climbing': 2 is not an answer \(grades 1, 3, 5\)"
    ):
        check_answers(instrument, {"perimeter.climbing": 2})
    with pytest.raises(InvalidInput, match="is not an answer"):
        check_answers(instrument, {"cctv.coverage": True})
