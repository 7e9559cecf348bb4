"""Martyn's Law for one site: does the Act apply, in which tier, and the checklist of duties.

The Terrorism (Protection of Premises) Act 2025 applies to premises where it is reasonable to
expect 200 or more people at once (s. 2(2)(c)); places of worship stay in the standard tier
whatever their size. The duties are data (``data/martyns_law.toml``); no Django here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from sanctuary.surveys.instrument import (
    NOT_APPLICABLE,
    Answer,
    InstrumentError,
    _data_file,
    _parse,
    _tables,
    _text,
)

_NAME = "martyns_law.toml"


class Tier(StrEnum):
    STANDARD = "standard"
    ENHANCED = "enhanced"


class ExpectationBasis(StrEnum):
    GATHERINGS = "gatherings"  # the largest expected gathering
    CAPACITY = "capacity"  # no gatherings known: the capacity, a cautious stand-in
    UNKNOWN = "unknown"


class DutyStatus(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Duty:
    id: str
    title: str
    citation: str
    tiers: tuple[Tier, ...]
    description: str
    evidence: str  # what to keep as evidence
    survey_questions: tuple[str, ...]  # answers that show whether it is met
    condition: str | None  # when it applies at all, if not always


@dataclass(frozen=True)
class Act:
    name: str
    url: str
    standard_threshold: int
    enhanced_threshold: int
    places_of_worship: str
    commencement: str
    duties: tuple[Duty, ...]


@cache
def load_act() -> Act:
    document = _parse(_data_file(_NAME), _NAME)
    duties = []
    for index, table in enumerate(_tables(document, "duties", _NAME)):
        where = f"{_NAME}: duty {table.get('id', index)!r}"
        tiers = table.get("tiers")
        if not isinstance(tiers, list) or not tiers or any(t not in set(Tier) for t in tiers):
            raise InstrumentError(f"{where}: field 'tiers' must list standard and/or enhanced")
        questions = table.get("survey_questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise InstrumentError(f"{where}: field 'survey_questions' must be a list of ids")
        duties.append(
            Duty(
                id=_text(table, "id", where),
                title=_text(table, "title", where),
                citation=_text(table, "citation", where),
                tiers=tuple(Tier(t) for t in tiers),
                description=_text(table, "description", where),
                evidence=_text(table, "evidence", where),
                survey_questions=tuple(questions),
                condition=_text(table, "condition", where) if "condition" in table else None,
            )
        )
    standard, enhanced = document.get("standard_threshold"), document.get("enhanced_threshold")
    if not (isinstance(standard, int) and isinstance(enhanced, int) and 0 < standard < enhanced):
        raise InstrumentError(f"{_NAME}: thresholds must be whole numbers, standard < enhanced")
    return Act(
        name=_text(document, "act", _NAME),
        url=_text(document, "url", _NAME),
        standard_threshold=standard,
        enhanced_threshold=enhanced,
        places_of_worship=_text(document, "places_of_worship", _NAME),
        commencement=_text(document, "commencement", _NAME),
        duties=tuple(duties),
    )


@dataclass(frozen=True)
class Applicability:
    applies: bool
    tier: Tier | None
    expected_max: int | None  # people reasonably expected at once
    basis: ExpectationBasis
    reason: str
    duties: tuple[Duty, ...]  # those of the tier (empty when the Act does not apply)


def applicability(
    peak_attendance: int | None, capacity: int | None, *, place_of_worship: bool = True
) -> Applicability:
    """Whether the Act applies to a site, from its largest expected gathering.

    The test is what is reasonable to expect, not what the building could hold, so the
    capacity stands in only when no gatherings are known (and says so).
    """
    act = load_act()
    if peak_attendance is not None:
        expected, basis = peak_attendance, ExpectationBasis.GATHERINGS
    elif capacity:
        expected, basis = capacity, ExpectationBasis.CAPACITY
    else:
        return Applicability(
            False,
            None,
            None,
            ExpectationBasis.UNKNOWN,
            "Not known: record the site's gatherings or its capacity.",
            (),
        )
    if expected < act.standard_threshold:
        return Applicability(
            False,
            None,
            expected,
            basis,
            f"Fewer than {act.standard_threshold} people are expected at once (s. 2(2)(c)).",
            (),
        )
    if expected >= act.enhanced_threshold and not place_of_worship:
        tier = Tier.ENHANCED
        reason = f"{act.enhanced_threshold} or more people are expected at once (s. 2(3)(a))."
    elif place_of_worship:
        tier = Tier.STANDARD
        reason = (
            f"{act.standard_threshold} or more people are expected at once (s. 2(2)(c)); "
            + act.places_of_worship
        )
    else:
        tier = Tier.STANDARD
        reason = (
            f"{act.standard_threshold} to {act.enhanced_threshold - 1} people expected at once."
        )
    duties = tuple(duty for duty in act.duties if tier in duty.tiers)
    return Applicability(True, tier, expected, basis, reason, duties)


@dataclass(frozen=True)
class ChecklistItem:
    duty: Duty
    status: DutyStatus
    evidence: str  # what was recorded, or what the survey shows
    from_survey: bool  # the status was read from survey answers, not recorded by a person


def checklist(
    site: Applicability,
    answers: Mapping[str, Answer] | None = None,
    recorded: Mapping[str, tuple[DutyStatus, str]] | None = None,
) -> tuple[ChecklistItem, ...]:
    """One line per duty: a status recorded by a person wins; otherwise the survey's answers
    suggest one (the weakest linked answer: grade 4 or 5 met, 2 or 3 partly, 1 not met)."""
    answers = answers or {}
    recorded = recorded or {}
    items = []
    for duty in site.duties:
        if duty.id in recorded:
            status, evidence = recorded[duty.id]
            items.append(ChecklistItem(duty, status, evidence, from_survey=False))
            continue
        grades = [
            5 if answers[q] == NOT_APPLICABLE else int(answers[q])
            for q in duty.survey_questions
            if q in answers
        ]
        if not duty.survey_questions or len(grades) < len(duty.survey_questions):
            items.append(ChecklistItem(duty, DutyStatus.NOT_ASSESSED, "", from_survey=False))
            continue
        weakest = min(grades)
        status = (
            DutyStatus.MET
            if weakest >= 4
            else DutyStatus.PARTLY_MET
            if weakest >= 2
            else DutyStatus.NOT_MET
        )
        evidence = "Survey: " + ", ".join(
            f"{q} {'not applicable' if answers[q] == NOT_APPLICABLE else f'grade {answers[q]}'}"
            for q in duty.survey_questions
        )
        items.append(ChecklistItem(duty, status, evidence, from_survey=True))
    return tuple(items)
