"""Every number the risk model uses, with its default; docs/risk-model.md gives the reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class ThreatLevel(StrEnum):
    """The UK national terrorism threat level, as set by JTAC and MI5 (and here by an administrator)."""

    LOW = "low"
    MODERATE = "moderate"
    SUBSTANTIAL = "substantial"
    SEVERE = "severe"
    CRITICAL = "critical"


class IncidentCategory(StrEnum):
    """What happened. The incidents app records one of these (or maps its own onto them)."""

    VIOLENCE = "violence"  # assault or attack on people
    WEAPON_OR_DEVICE = "weapon_or_device"  # a weapon, explosive or incendiary device found or used
    ARSON = "arson"
    THREAT = "threat"  # threats to harm: calls, letters, bomb threats
    HOSTILE_RECONNAISSANCE = "hostile_reconnaissance"  # suspicious interest in security
    CRIMINAL_DAMAGE = "criminal_damage"
    HARASSMENT = "harassment"  # abuse, intimidation, public-order offences
    HATE_GRAFFITI = "hate_graffiti"  # hate graffiti, symbols or material left at the site
    BURGLARY_OR_THEFT = "burglary_or_theft"
    ONLINE_ABUSE = "online_abuse"
    ANTISOCIAL_BEHAVIOUR = "antisocial_behaviour"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# MI5's words for each level, read on the PHIA probability yardstick (mid-points of its ranges):
# low "highly unlikely" 10-20%, moderate "possible but not likely" ~ "unlikely" 25-35%,
# substantial "likely" 55-75%, severe "highly likely" 80-90%, critical "highly likely in the
# near future", taken as the top of the scale.
NATIONAL_LEVEL_LIKELIHOOD: Mapping[ThreatLevel, float] = MappingProxyType(
    {
        ThreatLevel.LOW: 0.15,
        ThreatLevel.MODERATE: 0.30,
        ThreatLevel.SUBSTANTIAL: 0.65,
        ThreatLevel.SEVERE: 0.85,
        ThreatLevel.CRITICAL: 1.0,
    }
)

# Relative harm of one incident, 0..1: an ordinal judgement following the ordering of the
# Cambridge Crime Harm Index (Sherman, Neyroud and Neyroud 2016), not a calibration.
INCIDENT_SEVERITY: Mapping[str, float] = MappingProxyType(
    {
        IncidentCategory.VIOLENCE: 1.0,
        IncidentCategory.WEAPON_OR_DEVICE: 1.0,
        IncidentCategory.ARSON: 0.9,
        IncidentCategory.THREAT: 0.6,
        IncidentCategory.HOSTILE_RECONNAISSANCE: 0.5,
        IncidentCategory.CRIMINAL_DAMAGE: 0.4,
        IncidentCategory.HARASSMENT: 0.4,
        IncidentCategory.HATE_GRAFFITI: 0.3,
        IncidentCategory.BURGLARY_OR_THEFT: 0.2,
        IncidentCategory.ONLINE_ABUSE: 0.15,
        IncidentCategory.ANTISOCIAL_BEHAVIOUR: 0.1,
    }
)


@dataclass(frozen=True)
class RiskParameters:
    # Threat (docs/risk-model.md, section 3).
    national_likelihood: Mapping[ThreatLevel, float] = field(
        default_factory=lambda: NATIONAL_LEVEL_LIKELIHOOD
    )
    national_weight: float = 0.4  # share of the national likelihood that falls on one site
    severity: Mapping[str, float] = field(default_factory=lambda: INCIDENT_SEVERITY)
    decay_days: float = 90.0  # tau: an incident's weight falls by e every 90 days
    incident_horizon_days: int = 365  # older incidents no longer add to local pressure
    kernel_metres: float = 400.0  # h: weight exp(-d/h) of an incident d metres away
    kernel_cutoff_metres: float = 2000.0  # farther incidents add nothing (weight < 0.7%)
    other_faith_weight: float = 0.5  # an incident nearby against another faith
    pressure_scale: float = 1.0  # P0: t_local = 1 - exp(-P/P0)
    nearby_listed: int = 10  # incidents a Threat lists by name (all are counted)
    trend_radius_metres: float = 3000.0  # "the area" for the faith trend
    trend_recent_days: int = 90
    trend_baseline_days: int = 1095  # three years, the recent window included
    trend_pseudo_count: float = 3.0  # shrinks ratios of small counts towards 1
    trend_weight: float = 0.3  # the largest share a rising trend can add
    # Vulnerability (section 2).
    unanswered_grade: int = 2  # a conservative guess for a question not answered yet
    residual_vulnerability: float = 0.05  # no answers make a place invulnerable
    # Consequence (section 4).
    reference_people: float = 10_000.0  # consequence reaches 1 here (the largest UK gatherings)
    crowding_weight: float = 0.2  # up to +20% when the peak is twice the capacity
    unknown_people: float = 100.0  # no gatherings and no capacity known
    small_gathering: float = 50.0  # the "small gathering" drivers compare against
    # Site risk (section 5): score thresholds of the levels medium, high, very high.
    level_thresholds: tuple[float, float, float] = (10.0, 25.0, 45.0)
    low_confidence_below: float = 0.8  # share of the survey's weight answered
    # Per gathering (section 6).
    patrol_effectiveness: float = 0.8  # chance a patrol present prevents the attack
    # Recommendations (section 7): HM Treasury Green Book discount rate.
    discount_rate: float = 0.035

    def level(self, score: float) -> RiskLevel:
        medium, high, very_high = self.level_thresholds
        if score >= very_high:
            return RiskLevel.VERY_HIGH
        if score >= high:
            return RiskLevel.HIGH
        if score >= medium:
            return RiskLevel.MEDIUM
        return RiskLevel.LOW


DEFAULT_PARAMETERS = RiskParameters()
