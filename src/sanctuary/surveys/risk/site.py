"""Site risk, what drives it, and the risk of each gathering (docs/risk-model.md, sections 5-6).

    score = 100 * T * V * C        (0..100)

Because V is a weighted sum of question gaps, the score splits exactly into the part each
unmet question carries; threat and consequence drivers are what the score would lose if that
input were at its quiet value (no incidents, no rising trend, a low national level, a small
gathering).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from sanctuary.surveys.instrument import Answer, Instrument, check_answers
from sanctuary.surveys.risk.consequence import (
    Consequence,
    GatheringLike,
    PeopleBasis,
    consequence,
    consequence_of,
)
from sanctuary.surveys.risk.parameters import (
    DEFAULT_PARAMETERS,
    RiskLevel,
    RiskParameters,
    ThreatLevel,
)
from sanctuary.surveys.risk.threat import (
    Incident,
    IncidentTable,
    SiteProfile,
    Threat,
    combine,
    national_part,
    threat,
)
from sanctuary.surveys.risk.vulnerability import (
    AnswerStatus,
    Vulnerability,
    apply_measures,
    score_answers,
)


class DriverKind(StrEnum):
    VULNERABILITY = "vulnerability"
    THREAT = "threat"
    CONSEQUENCE = "consequence"


@dataclass(frozen=True)
class Driver:
    kind: DriverKind
    key: str  # a question id, or national / incidents / trend / gathering
    label: str  # "CCTV coverage: No CCTV", "2,520 at Jumu'ah (session 1)"
    points: float  # score points this input carries


@dataclass(frozen=True)
class SiteRisk:
    site_id: str
    score: float  # 0..100
    level: RiskLevel
    threat: Threat
    vulnerability: Vulnerability
    consequence: Consequence
    drivers: tuple[Driver, ...]  # heaviest first
    parameters: RiskParameters

    def top_drivers(self, per_kind: int = 1) -> tuple[Driver, ...]:
        """The heaviest drivers of each kind, heaviest first: "high because: no CCTV,
        incidents nearby, 2,520 at Jumu'ah"."""
        chosen: list[Driver] = []
        for kind in DriverKind:
            chosen.extend([d for d in self.drivers if d.kind is kind][:per_kind])
        return tuple(sorted(chosen, key=lambda driver: -driver.points))

    @property
    def low_confidence(self) -> tuple[str, ...]:
        """Why the score may be off: reasons a page should show beside it (empty: none)."""
        reasons = []
        if self.vulnerability.confidence < self.parameters.low_confidence_below:
            reasons.append(
                f"only {self.vulnerability.confidence:.0%} of the survey is answered; "
                f"unanswered questions count as grade {self.parameters.unanswered_grade}"
            )
        if self.consequence.basis is PeopleBasis.CAPACITY:
            reasons.append("no gatherings known: the site's capacity stands in for attendance")
        elif self.consequence.basis is PeopleBasis.DEFAULT:
            reasons.append(
                "neither gatherings nor capacity known: "
                f"{self.parameters.unknown_people:g} people assumed"
            )
        return tuple(reasons)

    def as_json(self) -> dict[str, object]:
        return {
            "site": self.site_id,
            "score": self.score,
            "level": self.level.value,
            "threat": self.threat.as_json(),
            "vulnerability": self.vulnerability.as_json(),
            "consequence": self.consequence.as_json(),
            "drivers": [
                {"kind": d.kind.value, "key": d.key, "label": d.label, "points": d.points}
                for d in self.drivers
            ],
            "low_confidence": list(self.low_confidence),
        }


def site_risk(
    site_id: str,
    threat_part: Threat,
    vulnerability_part: Vulnerability,
    consequence_part: Consequence,
    parameters: RiskParameters = DEFAULT_PARAMETERS,
) -> SiteRisk:
    """Put the three parts together; each may be recomputed alone (e.g. with new answers)."""
    score = 100 * threat_part.value * vulnerability_part.value * consequence_part.value
    return SiteRisk(
        site_id=site_id,
        score=score,
        level=parameters.level(score),
        threat=threat_part,
        vulnerability=vulnerability_part,
        consequence=consequence_part,
        drivers=_drivers(score, threat_part, vulnerability_part, consequence_part, parameters),
        parameters=parameters,
    )


def assess_site(
    site: SiteProfile,
    instrument: Instrument,
    answers: Mapping[str, object],
    national_level: ThreatLevel,
    incidents: Sequence[Incident] | IncidentTable,
    gatherings: Sequence[GatheringLike],
    as_of: date,
    parameters: RiskParameters = DEFAULT_PARAMETERS,
) -> SiteRisk:
    """Everything at once: the answers of the latest completed survey (under its own version),
    the national level in force, incidents, and the site's gatherings over the planning period."""
    consequence_part = consequence(gatherings, site.capacity, parameters)
    vulnerability_part = score_answers(
        instrument, check_answers(instrument, answers), consequence_part.people, parameters
    )
    threat_part = threat(site, national_level, incidents, as_of, parameters)
    return site_risk(site.id, threat_part, vulnerability_part, consequence_part, parameters)


def risk_with_answers(
    current: SiteRisk, instrument: Instrument, answers: Mapping[str, Answer]
) -> SiteRisk:
    """The same site, threat and gatherings with other (checked) answers."""
    vulnerability_part = score_answers(
        instrument, answers, current.consequence.people, current.parameters
    )
    return site_risk(
        current.site_id, current.threat, vulnerability_part, current.consequence, current.parameters
    )


def risk_with_measures(
    current: SiteRisk,
    instrument: Instrument,
    answers: Mapping[str, object],
    measure_ids: Iterable[str],
) -> SiteRisk:
    """The site's risk recomputed with the measures in place (the fund's package benefit is
    ``current.score - risk_with_measures(...).score``)."""
    improved = apply_measures(
        instrument, check_answers(instrument, answers), measure_ids, current.parameters
    )
    return risk_with_answers(current, instrument, improved)


class GatheringRisk(NamedTuple):
    """The security game's stakes at one gathering, in score points (0..100)."""

    attacker_value: float  # what an unhindered attack gains the attacker: 100 T V C(P)
    defender_loss: float  # what it costs the defender: 100 V C(P)

    def payoffs(
        self, effectiveness: float = DEFAULT_PARAMETERS.patrol_effectiveness
    ) -> dict[str, float]:
        """The four payoffs of a patrol-planner window.

        A patrol present prevents the attack with probability ``effectiveness`` (e); a
        prevented attacker loses as much as he would have gained. With e = 1 these are the
        planner's default payoffs.
        """
        if not 0 < effectiveness <= 1:
            raise ValueError(f"effectiveness must be in (0, 1], got {effectiveness}")
        return {
            "defender_covered": -(1 - effectiveness) * self.defender_loss,
            "defender_uncovered": -self.defender_loss,
            "attacker_covered": (1 - 2 * effectiveness) * self.attacker_value,
            "attacker_uncovered": self.attacker_value,
        }


def gathering_risk(site: SiteRisk, attendance: float) -> GatheringRisk:
    """The risk of one gathering of ``attendance`` people at the site (for the patrol planner)."""
    stake = (
        100
        * site.vulnerability.value
        * consequence_of(attendance, site.consequence.capacity, site.parameters)
    )
    return GatheringRisk(attacker_value=site.threat.value * stake, defender_loss=stake)


def _drivers(
    score: float,
    threat_part: Threat,
    vulnerability_part: Vulnerability,
    consequence_part: Consequence,
    parameters: RiskParameters,
) -> tuple[Driver, ...]:
    drivers = []
    per_gap = (
        100 * threat_part.value * consequence_part.value * (1 - parameters.residual_vulnerability)
    )
    for scored in vulnerability_part.questions:
        if scored.gap <= 0:
            continue
        question = scored.question
        if scored.status is AnswerStatus.UNANSWERED:
            answer = "not answered yet"
        else:
            option = question.option(scored.grade or 0)
            answer = option.label if option else f"grade {scored.grade}"
        drivers.append(
            Driver(
                DriverKind.VULNERABILITY,
                question.id,
                f"{question.topic}: {answer}",
                per_gap * scored.contribution,
            )
        )

    rest = 100 * vulnerability_part.value * consequence_part.value
    t = threat_part

    def without(
        national: float | None = None, local: float | None = None, trend: float | None = None
    ) -> float:
        quieter = combine(
            t.national if national is None else national,
            t.local if local is None else local,
            t.trend if trend is None else trend,
        )
        return max(0.0, score - rest * quieter)

    quiet_national = national_part(ThreatLevel.LOW, parameters)
    drivers.append(
        Driver(
            DriverKind.THREAT,
            "national",
            f"National threat level: {t.national_level.value}",
            without(national=quiet_national),
        )
    )
    if t.nearby_count:
        where = f" ({t.nearby_at_site} at the site)" if t.nearby_at_site else ""
        months = round(parameters.incident_horizon_days / 30.4)
        km = parameters.kernel_cutoff_metres / 1000
        drivers.append(
            Driver(
                DriverKind.THREAT,
                "incidents",
                f"{t.nearby_count} incident{'s' if t.nearby_count != 1 else ''} within {km:g} km "
                f"in the last {months} months{where}",
                without(local=0.0),
            )
        )
    if t.trend > 0:
        drivers.append(
            Driver(
                DriverKind.THREAT,
                "trend",
                f"Rising incidents against this faith nearby: {t.recent_against_faith} in "
                f"{parameters.trend_recent_days} days, {t.usual_against_faith:.1f} usual",
                without(trend=0.0),
            )
        )

    small = consequence_of(parameters.small_gathering, consequence_part.capacity, parameters)
    if consequence_part.value > small:
        people = f"{consequence_part.people:,.0f}"
        if consequence_part.basis is PeopleBasis.GATHERINGS:
            label = f"{people} at {consequence_part.peak_label}"
        elif consequence_part.basis is PeopleBasis.CAPACITY:
            label = f"Capacity of {people} (no gatherings known)"
        else:
            label = f"{people} people assumed (nothing known)"
        points = score * (1 - small / consequence_part.value)
        drivers.append(Driver(DriverKind.CONSEQUENCE, "gathering", label, points))

    return tuple(
        sorted(
            (driver for driver in drivers if driver.points > 1e-9),
            key=lambda driver: (-driver.points, driver.key),
        )
    )
