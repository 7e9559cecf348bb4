"""A rubric's arithmetic: a weighted total out of 100, two assessors' agreement, bonuses.

Plain Python (no Django). With criteria i of weight w_i scored at level l_i in 0..4,

    total = 100 * sum(w_i * l_i) / (4 * sum(w_i))

Two assessors' totals a and b go to moderation when |a - b| > threshold; otherwise the
application's score is their mean (a + b) / 2. A moderator's levels give the total directly.
Bonuses (first-time applicant, deprived area) add points after, and the score is capped at 100
(docs/fund.md, "Scoring").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

TOP_LEVEL = 4
DEFAULT_DESCRIPTORS = (
    "Did not address the criterion",
    "Addressed it weakly",
    "Addressed it adequately",
    "Addressed it well",
    "Addressed it thoroughly",
)
BONUS_KEYS = ("first_time", "deprived_area")


class RubricError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def weighted_total(levels: Mapping[int, int], weights: Mapping[int, int]) -> float:
    """0..100 from each criterion's level (a criterion not scored counts as 0)."""
    if not weights:
        return 0.0
    for criterion, level in levels.items():
        if criterion not in weights:
            raise RubricError("criterion", f"{criterion} is not in the rubric")
        if not 0 <= level <= TOP_LEVEL:
            raise RubricError("level", f"must be 0 to {TOP_LEVEL}, got {level}")
    top = TOP_LEVEL * sum(weights.values())
    got = sum(weights[criterion] * levels.get(criterion, 0) for criterion in weights)
    return 100.0 * got / top


@dataclass(frozen=True)
class Agreement:
    totals: tuple[float, ...]
    needs_moderation: bool
    score: float | None  # the mean when they agree; None while moderation is needed

    @property
    def difference(self) -> float:
        return max(self.totals) - min(self.totals) if self.totals else 0.0


def agree(totals: Sequence[float], threshold: float) -> Agreement:
    """Two (or more) assessors' totals: their mean, or moderation if they differ by more than
    the threshold."""
    if not totals:
        return Agreement((), False, None)
    spread = max(totals) - min(totals)
    if spread > threshold:
        return Agreement(tuple(totals), True, None)
    return Agreement(tuple(totals), False, sum(totals) / len(totals))


def with_bonuses(score: float, bonuses: Mapping[str, float], earned: Sequence[str]) -> float:
    """The score with the bonuses an application earns (first-time applicant, deprived area)."""
    extra = sum(float(bonuses.get(key, 0)) for key in earned if key in BONUS_KEYS)
    return min(100.0, score + extra)


def read_bonuses(data: object) -> dict[str, float]:
    """A round's bonuses: {"first_time": points, "deprived_area": points}, 0 to 20 each."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise RubricError("bonuses", "must be a JSON object")
    found: dict[str, float] = {}
    for key, value in data.items():
        if key == "deprived_wards":
            if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
                raise RubricError("bonuses.deprived_wards", "must be a list of ward names")
            continue
        if key not in BONUS_KEYS:
            raise RubricError(f"bonuses.{key}", f"is not a bonus (known: {', '.join(BONUS_KEYS)})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 20:
            raise RubricError(f"bonuses.{key}", f"must be 0 to 20 points, got {value!r}")
        found[key] = float(value)
    return found


def read_descriptors(data: object, criterion: str = "criterion") -> list[str]:
    """Five descriptors, level 0 to 4, each said in words."""
    if not isinstance(data, list) or len(data) != TOP_LEVEL + 1:
        raise RubricError(f"{criterion}.descriptors", f"needs {TOP_LEVEL + 1} descriptors, 0 to 4")
    if not all(isinstance(item, str) and item.strip() for item in data):
        raise RubricError(f"{criterion}.descriptors", "every level needs a descriptor")
    return [item.strip() for item in data]
