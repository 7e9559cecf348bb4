"""A package's benefit: the risk its measures remove from its site (docs/fund-decisions.md, 1).

The site's risk today is the risk model's (`surveys/assess.py`: its latest survey that counts,
the threat, its gatherings); the risk with the package in place is the same risk recomputed with
the survey's answers raised by the package's measures (`apply_measures`, as the survey's
recommendations do). The benefit is the fall in the score, in the model's points (0–100).

A round may read the benefit from the moderated score instead (`Round.benefit_source`): the
allocation then buys the most score per pound, which is what ranking by score approximates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sanctuary.fund.models import Application, Package
from sanctuary.surveys.assess import assess
from sanctuary.surveys.instrument import load_measures
from sanctuary.surveys.risk.site import risk_with_measures

SCORE = "score"
RISK = "risk"


@dataclass(frozen=True)
class PackageBenefit:
    package_id: int
    risk_now: float
    risk_after: float

    @property
    def removed(self) -> float:
        return max(0.0, self.risk_now - self.risk_after)


def measure_ids(package: Package) -> list[str]:
    """The catalogue ids of a package's measures ([{"measure": id, ...}] or plain ids)."""
    found = []
    for item in package.measures or []:
        measure = item.get("measure") if isinstance(item, dict) else item
        if isinstance(measure, str) and measure:
            found.append(measure)
    return found


def measure_names(package: Package) -> list[str]:
    """The package's measures as people read them (the catalogue's names)."""
    catalogue = load_measures()
    return [catalogue.get(m).name if m in catalogue else m for m in measure_ids(package)]


def risk_benefits(
    applications: Sequence[Application], as_of: date | None = None
) -> dict[int, PackageBenefit]:
    """Per package id, the site's risk now and with the package's measures in place."""
    sites = [application.site for application in applications]
    found: dict[int, PackageBenefit] = {}
    for application, assessment in zip(applications, assess(sites, as_of), strict=True):
        now = assessment.risk.score
        for package in application.packages.all():
            after = risk_with_measures(
                assessment.risk, assessment.instrument, assessment.answers, measure_ids(package)
            ).score
            found[package.pk] = PackageBenefit(package.pk, now, min(now, after))
    return found
