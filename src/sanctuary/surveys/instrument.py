"""The survey instrument and the measure catalogue, read from the TOML files in ``data/``.

A survey is taken under one version of the instrument and keeps it: ``load_instrument("2026.1")``
gives that version for as long as the repository ships its file. A shipped file never changes
(tests/surveys/test_instrument.py pins each by hash) and a question id, once published, is in
every later version. Files are checked as they are read; an error names the file, the question
and the field.

Which measures raise a question, and to which grade, belongs to the question (and so to the
version); what a measure costs belongs to the catalogue (``measures.toml``), shared by all
versions.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal

from sanctuary.solvers.validation import InvalidInput

NOT_APPLICABLE: Literal["not_applicable"] = "not_applicable"
Answer = int | Literal["not_applicable"]
"""A grade 1..5 from the question's options, or NOT_APPLICABLE where the question allows it."""

_INSTRUMENT_FILE = re.compile(r"^instrument-(?P<version>\d+(?:\.\d+)*)\.toml$")
_SECTION_ID = re.compile(r"^[a-z][a-z_]*$")
_MEASURE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class InstrumentError(ValueError):
    """A data file of the instrument or catalogue is malformed; the message says where."""


class UnknownVersion(InstrumentError):
    """No instrument of that version ships with this release."""


class Grade(IntEnum):
    """How much security an answer shows, as the CISA self-assessment grades it."""

    VERY_LOW = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    VERY_HIGH = 5

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class AnswerOption:
    grade: Grade
    label: str


@dataclass(frozen=True)
class MeasureTarget:
    """Installing ``measure`` brings the question up to ``grade`` (never down)."""

    measure: str
    grade: Grade


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    topic: str  # a few words for lists and drivers: "CCTV coverage"
    text: str
    guidance: str
    weight: float  # within its section
    options: tuple[AnswerOption, ...]  # ascending grades; the last is always VERY_HIGH
    raised_by: tuple[MeasureTarget, ...]
    not_applicable: str | None  # when N/A is a fair answer; None: it is not allowed
    min_peak_attendance: int  # asked only of sites whose largest gathering reaches this

    @property
    def top_grade(self) -> Grade:
        return self.options[-1].grade

    def option(self, grade: int) -> AnswerOption | None:
        return next((option for option in self.options if option.grade == grade), None)

    def applies_to(self, peak_attendance: float) -> bool:
        return peak_attendance >= self.min_peak_attendance


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    weight: float  # within the instrument
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Instrument:
    version: str
    title: str
    published: date
    sections: tuple[Section, ...]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for section in self.sections for question in section.questions)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    def question(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise KeyError(f"instrument {self.version}: no question {question_id!r}") from None

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def as_json(self) -> dict[str, object]:
        return {
            "version": self.version,
            "title": self.title,
            "published": self.published.isoformat(),
            "sections": [
                {
                    "id": section.id,
                    "title": section.title,
                    "intro": section.intro,
                    "weight": section.weight,
                    "questions": [
                        {
                            "id": q.id,
                            "topic": q.topic,
                            "text": q.text,
                            "guidance": q.guidance,
                            "weight": q.weight,
                            "not_applicable": q.not_applicable,
                            "min_peak_attendance": q.min_peak_attendance,
                            "options": [
                                {"grade": int(o.grade), "label": o.label} for o in q.options
                            ],
                            "raised_by": [
                                {"measure": t.measure, "grade": int(t.grade)} for t in q.raised_by
                            ],
                        }
                        for q in section.questions
                    ],
                }
                for section in self.sections
            ],
        }

    @cached_property
    def _improvements(self) -> dict[str, dict[str, Grade]]:
        table: dict[str, dict[str, Grade]] = {}
        for question in self.questions:
            for target in question.raised_by:
                table.setdefault(target.measure, {})[question.id] = target.grade
        return table

    def improvements(self, measure_id: str) -> dict[str, Grade]:
        """The questions the measure raises under this version, and to which grade."""
        return dict(self._improvements.get(measure_id, {}))


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    description: str
    capital_cost: tuple[float, float]  # pounds, (low, high), installed
    yearly_cost: tuple[float, float]  # pounds a year: maintenance, monitoring, staff time
    lifetime_years: int

    @property
    def capital_mid(self) -> float:
        return sum(self.capital_cost) / 2

    @property
    def yearly_mid(self) -> float:
        return sum(self.yearly_cost) / 2


@dataclass(frozen=True)
class MeasureCatalogue:
    measures: tuple[Measure, ...]
    prices_as_of: str  # what the cost ranges are in, e.g. "2025 pounds, excluding VAT"

    @cached_property
    def _by_id(self) -> dict[str, Measure]:
        return {measure.id: measure for measure in self.measures}

    def get(self, measure_id: str) -> Measure:
        try:
            return self._by_id[measure_id]
        except KeyError:
            raise KeyError(f"measure catalogue: no measure {measure_id!r}") from None

    def __contains__(self, measure_id: object) -> bool:
        return measure_id in self._by_id


# --- Reading the files -------------------------------------------------------------------------


def _data_file(name: str) -> str:
    return (resources.files("sanctuary.surveys") / "data" / name).read_text(encoding="utf-8")


def _data_names() -> list[str]:
    return [entry.name for entry in (resources.files("sanctuary.surveys") / "data").iterdir()]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def instrument_versions() -> tuple[str, ...]:
    """Every shipped version, oldest first."""
    versions = []
    for name in _data_names():
        match = _INSTRUMENT_FILE.match(name)
        if match:
            versions.append(match["version"])
    return tuple(sorted(versions, key=_version_key))


@cache
def load_measures() -> MeasureCatalogue:
    return read_measures(_data_file("measures.toml"), "measures.toml")


@cache
def load_instrument(version: str) -> Instrument:
    """The instrument a survey was taken under; refuses a version this release does not ship."""
    if version not in instrument_versions():
        raise UnknownVersion(
            f"no survey instrument of version {version!r} (shipped: "
            f"{', '.join(instrument_versions()) or 'none'})"
        )
    name = f"instrument-{version}.toml"
    return read_instrument(_data_file(name), name, load_measures())


def latest_instrument() -> Instrument:
    return load_instrument(instrument_versions()[-1])


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InstrumentError(f"{where}: not valid TOML: {error}") from None


def _text(table: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> str:
    if key not in table:
        if optional:
            return ""
        raise InstrumentError(f"{where}: missing field '{key}'")
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(f"{where}: field '{key}' must be non-empty text")
    return " ".join(value.split())


def _number(table: Mapping[str, Any], key: str, where: str, *, minimum: float = 0.0) -> float:
    if key not in table:
        raise InstrumentError(f"{where}: missing field '{key}'")
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InstrumentError(f"{where}: field '{key}' must be a number")
    if value < minimum:
        raise InstrumentError(f"{where}: field '{key}' must be >= {minimum:g}, got {value:g}")
    return float(value)


def _positive(table: Mapping[str, Any], key: str, where: str) -> float:
    value = _number(table, key, where)
    if value <= 0:
        raise InstrumentError(f"{where}: field '{key}' must be > 0, got {value:g}")
    return value


def _grade(value: Any, where: str) -> Grade:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InstrumentError(f"{where}: a grade must be a whole number from 1 to 5, got {value!r}")
    return Grade(value)


def _tables(table: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InstrumentError(f"{where}: field '{key}' must be a list of tables")
    return value


def _cost_range(table: Mapping[str, Any], key: str, where: str) -> tuple[float, float]:
    value = table.get(key)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise InstrumentError(f"{where}: field '{key}' must be [low, high] in pounds")
    low, high = float(value[0]), float(value[1])
    if not 0 <= low <= high or not math.isfinite(high):
        raise InstrumentError(f"{where}: field '{key}' must have 0 <= low <= high, got {value}")
    return low, high


def read_measures(text: str, name: str) -> MeasureCatalogue:
    document = _parse(text, name)
    prices_as_of = _text(document, "prices_as_of", name)
    measures: list[Measure] = []
    for index, table in enumerate(_tables(document, "measures", name)):
        identifier = table.get("id")
        if not isinstance(identifier, str) or not _MEASURE_ID.match(identifier):
            raise InstrumentError(f"{name}: measure {index}: field 'id' must be a lower-case name")
        where = f"{name}: measure {identifier!r}"
        lifetime = _number(table, "lifetime_years", where, minimum=1)
        if lifetime != int(lifetime):
            raise InstrumentError(f"{where}: field 'lifetime_years' must be a whole number")
        measure = Measure(
            id=identifier,
            name=_text(table, "name", where),
            description=_text(table, "description", where),
            capital_cost=_cost_range(table, "capital_cost", where),
            yearly_cost=_cost_range(table, "yearly_cost", where),
            lifetime_years=int(lifetime),
        )
        if measure.capital_mid == 0 and measure.yearly_mid == 0:
            raise InstrumentError(f"{where}: a measure must cost something to rank it per pound")
        measures.append(measure)
    _refuse_duplicates([m.id for m in measures], f"{name}: measures")
    if not measures:
        raise InstrumentError(f"{name}: no measures")
    return MeasureCatalogue(measures=tuple(measures), prices_as_of=prices_as_of)


def read_instrument(text: str, name: str, catalogue: MeasureCatalogue) -> Instrument:
    document = _parse(text, name)
    version = _text(document, "version", name)
    match = _INSTRUMENT_FILE.match(name)
    if match and match["version"] != version:
        raise InstrumentError(
            f"{name}: field 'version' is {version!r}, the file name says otherwise"
        )
    published = document.get("published")
    if not isinstance(published, date):
        raise InstrumentError(f"{name}: field 'published' must be a date (e.g. 2026-11-30)")
    sections = tuple(
        _read_section(table, f"{name}: section {index}", catalogue)
        for index, table in enumerate(_tables(document, "sections", name))
    )
    if not sections:
        raise InstrumentError(f"{name}: no sections")
    _refuse_duplicates([s.id for s in sections], f"{name}: sections")
    _refuse_duplicates([q.id for s in sections for q in s.questions], f"{name}: questions")
    return Instrument(
        version=version,
        title=_text(document, "title", name),
        published=published,
        sections=sections,
    )


def _read_section(table: Mapping[str, Any], where: str, catalogue: MeasureCatalogue) -> Section:
    identifier = table.get("id")
    if not isinstance(identifier, str) or not _SECTION_ID.match(identifier):
        raise InstrumentError(f"{where}: field 'id' must be a lower-case name")
    where = f"{where.rsplit(': ', 1)[0]}: section {identifier!r}"
    questions = tuple(
        _read_question(question, identifier, f"{where}, question {index}", catalogue)
        for index, question in enumerate(_tables(table, "questions", where))
    )
    if not questions:
        raise InstrumentError(f"{where}: no questions")
    return Section(
        id=identifier,
        title=_text(table, "title", where),
        intro=_text(table, "intro", where, optional=True),
        weight=_positive(table, "weight", where),
        questions=questions,
    )


def _read_question(
    table: Mapping[str, Any], section: str, where: str, catalogue: MeasureCatalogue
) -> Question:
    identifier = table.get("id")
    if not isinstance(identifier, str) or not re.fullmatch(
        rf"{section}\.[a-z][a-z0-9_]*", identifier
    ):
        raise InstrumentError(
            f"{where}: field 'id' must be '{section}.<name>' in lower case, got {identifier!r}"
        )
    where = f"{where.split(', question')[0]}, question {identifier!r}"
    options = []
    for index, option in enumerate(_tables(table, "options", where)):
        option_where = f"{where}, option {index}"
        options.append(
            AnswerOption(
                grade=_grade(option.get("grade"), option_where),
                label=_text(option, "label", option_where),
            )
        )
    grades = [option.grade for option in options]
    if len(options) < 2:
        raise InstrumentError(f"{where}: field 'options' needs at least two answers")
    if grades != sorted(set(grades)):
        raise InstrumentError(
            f"{where}: field 'options' must have distinct grades in ascending order"
        )
    if grades[-1] != Grade.VERY_HIGH:
        raise InstrumentError(
            f"{where}: field 'options' must end with a grade-5 (very high) answer"
        )
    raised_by = []
    for index, target in enumerate(_tables(table, "raised_by", where)):
        target_where = f"{where}, raised_by {index}"
        measure = target.get("measure")
        if measure not in catalogue:
            raise InstrumentError(f"{target_where}: unknown measure {measure!r}")
        grade = _grade(target.get("grade"), target_where)
        if grade not in grades:
            raise InstrumentError(
                f"{target_where}: measure {measure!r} raises to grade {int(grade)}, "
                "which is not one of the question's answers"
            )
        if grade <= grades[0]:
            raise InstrumentError(f"{target_where}: measure {measure!r} raises nothing")
        raised_by.append(MeasureTarget(measure=str(measure), grade=grade))
    _refuse_duplicates([t.measure for t in raised_by], f"{where}, raised_by")
    minimum = table.get("min_peak_attendance", 0)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise InstrumentError(f"{where}: field 'min_peak_attendance' must be a whole number >= 0")
    return Question(
        id=identifier,
        section=section,
        topic=_text(table, "topic", where),
        text=_text(table, "text", where),
        guidance=_text(table, "guidance", where),
        weight=_positive(table, "weight", where),
        options=tuple(options),
        raised_by=tuple(raised_by),
        not_applicable=_text(table, "not_applicable", where) if "not_applicable" in table else None,
        min_peak_attendance=minimum,
    )


def _refuse_duplicates(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise InstrumentError(f"{where}: duplicate id {identifier!r}")
        seen.add(identifier)


# --- Answers -----------------------------------------------------------------------------------


def check_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, Answer]:
    """A survey's answers, checked against the version it was taken under.

    Questions not answered yet are simply absent (a survey may be in progress).
    """
    checked: dict[str, Answer] = {}
    for question_id, answer in answers.items():
        if not instrument.has_question(question_id):
            raise InvalidInput(
                f"answers: no question {question_id!r} in instrument {instrument.version}"
            )
        question = instrument.question(question_id)
        if answer == NOT_APPLICABLE:
            if question.not_applicable is None:
                raise InvalidInput(
                    f"answers, question {question_id!r}: 'not applicable' is not an answer here"
                )
            checked[question_id] = NOT_APPLICABLE
            continue
        if (
            isinstance(answer, bool)
            or not isinstance(answer, int)
            or question.option(answer) is None
        ):
            offered = ", ".join(str(int(option.grade)) for option in question.options)
            extra = " or 'not_applicable'" if question.not_applicable else ""
            raise InvalidInput(
                f"answers, question {question_id!r}: {answer!r} is not an answer "
                f"(grades {offered}{extra})"
            )
        checked[question_id] = int(answer)
    return checked
