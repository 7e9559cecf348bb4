"""What the risk model needs from other apps, in one place.

Incidents are the incidents app's: `sanctuary.incidents.risk_inputs.incidents_for_risk(since)`
gives them as the risk core's `Incident` records, each event once (merged duplicates count once),
policing concerns left out.
"""

from __future__ import annotations

from datetime import date

from sanctuary.incidents.risk_inputs import incidents_for_risk
from sanctuary.surveys.risk import Incident


def recent_incidents(since: date) -> list[Incident]:
    """Incidents from `since` on, as the threat core reads them (docs/risk-model.md, 3.2-3.3)."""
    return incidents_for_risk(since)
