"""The risk model of places of worship: plain Python and numpy, no Django (docs/risk-model.md).

What the Django side calls:
- `assess_site(site, instrument, answers, national_level, incidents, gatherings, as_of)` ->
  `SiteRisk` (score 0..100, level, the threat / vulnerability / consequence parts, drivers)
- `gathering_risk(site_risk, attendance)` -> `GatheringRisk(attacker_value, defender_loss)`,
  with `.payoffs()` for a patrol-planner window
- `recommend(site_risk, instrument, answers)` -> `Recommendations` ranked by reduction per pound
- `apply_measures(instrument, answers, measure_ids)` and
  `risk_with_measures(site_risk, instrument, answers, measure_ids)` for the fund's packages
- `threat`, `vulnerability`, `consequence` and `site_risk` to compute or recompute one part
- `level_on(history, day)`: the national threat level in force on a day
- `heightened_level(national, raised)`: a site's level with the local heightened alerts in force
- `IncidentTable(incidents)`: incidents prepared once for scoring many sites
Inputs are small frozen dataclasses (`SiteProfile`, `Incident`, any gathering with start, end,
expected_attendance and label) and answers by question id; the instrument and measures come
from `sanctuary.surveys.instrument`, Martyn's Law from `sanctuary.surveys.martyns_law`.
"""

from sanctuary.surveys.risk.consequence import (
    Consequence,
    GatheringLike,
    PeopleBasis,
    PlannedGathering,
    consequence,
    consequence_of,
)
from sanctuary.surveys.risk.parameters import (
    DEFAULT_PARAMETERS,
    IncidentCategory,
    RiskLevel,
    RiskParameters,
    ThreatLevel,
)
from sanctuary.surveys.risk.recommendations import (
    Improvement,
    Recommendation,
    Recommendations,
    equivalent_annual_cost,
    recommend,
)
from sanctuary.surveys.risk.site import (
    Driver,
    DriverKind,
    GatheringRisk,
    SiteRisk,
    assess_site,
    gathering_risk,
    risk_with_answers,
    risk_with_measures,
    site_risk,
)
from sanctuary.surveys.risk.threat import (
    Incident,
    IncidentTable,
    NearbyIncident,
    SiteProfile,
    Threat,
    heightened_level,
    level_on,
    threat,
)
from sanctuary.surveys.risk.vulnerability import (
    AnswerStatus,
    QuestionScore,
    SectionScore,
    Vulnerability,
    apply_measures,
    score_answers,
    vulnerability,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "AnswerStatus",
    "Consequence",
    "Driver",
    "DriverKind",
    "GatheringLike",
    "GatheringRisk",
    "Improvement",
    "Incident",
    "IncidentCategory",
    "IncidentTable",
    "NearbyIncident",
    "PeopleBasis",
    "PlannedGathering",
    "QuestionScore",
    "Recommendation",
    "Recommendations",
    "RiskLevel",
    "RiskParameters",
    "SectionScore",
    "SiteProfile",
    "SiteRisk",
    "Threat",
    "ThreatLevel",
    "Vulnerability",
    "apply_measures",
    "assess_site",
    "consequence",
    "consequence_of",
    "equivalent_annual_cost",
    "gathering_risk",
    "heightened_level",
    "level_on",
    "recommend",
    "risk_with_answers",
    "risk_with_measures",
    "score_answers",
    "site_risk",
    "threat",
    "vulnerability",
]
