"""Consequence: what an attack on a gathering of P people would cost (docs/risk-model.md, section 4).

    C(P) = min(1, ln(1 + P) / ln(1 + P_ref) * (1 + kappa * crowding)),
    crowding = clip(P / capacity - 1, 0, 1)

Concave in P: harm grows with the crowd, but much more slowly than headcount (see the docs).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sanctuary.solvers.validation import InvalidInput
from sanctuary.surveys.risk.parameters import DEFAULT_PARAMETERS, RiskParameters


class GatheringLike(Protocol):
    """A gathering on the attendance timeline; the calendar engine's ``Gathering`` is one."""

    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def expected_attendance(self) -> int: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class PlannedGathering:
    """A gathering for callers without the calendar engine (tests, the command line)."""

    start: datetime
    end: datetime
    expected_attendance: int
    label: str = ""


class PeopleBasis(StrEnum):
    GATHERINGS = "gatherings"  # the largest expected gathering
    CAPACITY = "capacity"  # no gatherings known: the site could fill
    DEFAULT = "default"  # neither known: RiskParameters.unknown_people


@dataclass(frozen=True)
class Consequence:
    value: float  # C, 0..1
    people: float  # P: the peak simultaneous attendance used
    basis: PeopleBasis
    capacity: int | None
    peak: GatheringLike | None  # the gathering that sets P, if any

    @property
    def peak_label(self) -> str:
        if self.peak is None:
            return ""
        return self.peak.label or self.peak.start.isoformat()

    def as_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "people": self.people,
            "basis": self.basis.value,
            "capacity": self.capacity,
            "peak": None
            if self.peak is None
            else {
                "label": self.peak.label,
                "start": self.peak.start.isoformat(),
                "end": self.peak.end.isoformat(),
                "expected_attendance": self.peak.expected_attendance,
            },
        }


def consequence_of(
    people: float, capacity: int | None, parameters: RiskParameters = DEFAULT_PARAMETERS
) -> float:
    """C for a crowd of ``people`` at a site of ``capacity`` (None or 0: not known)."""
    if not people >= 0:
        raise InvalidInput(f"attendance must be a number >= 0, got {people}")
    size = math.log1p(people) / math.log1p(parameters.reference_people)
    crowding = min(1.0, max(0.0, people / capacity - 1)) if capacity else 0.0
    return min(1.0, size * (1 + parameters.crowding_weight * crowding))


def consequence(
    gatherings: Sequence[GatheringLike],
    capacity: int | None,
    parameters: RiskParameters = DEFAULT_PARAMETERS,
) -> Consequence:
    """From the site's gatherings (the attendance timeline) and its capacity."""
    for gathering in gatherings:
        if gathering.expected_attendance < 0:
            raise InvalidInput(
                f"gathering {gathering.label or gathering.start.isoformat()!r}: "
                f"expected_attendance must be >= 0, got {gathering.expected_attendance}"
            )
    if gatherings:
        peak = max(gatherings, key=lambda gathering: gathering.expected_attendance)
        people, basis = float(peak.expected_attendance), PeopleBasis.GATHERINGS
    elif capacity:
        peak, people, basis = None, float(capacity), PeopleBasis.CAPACITY
    else:
        peak, people, basis = None, parameters.unknown_people, PeopleBasis.DEFAULT
    return Consequence(
        value=consequence_of(people, capacity, parameters),
        people=people,
        basis=basis,
        capacity=capacity,
        peak=peak,
    )
