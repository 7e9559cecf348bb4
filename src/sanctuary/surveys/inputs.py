"""What the risk model needs from other apps, in one place.

Incidents are the incidents app's (issue 10): `sanctuary.incidents.risk_inputs.incidents_for_risk
(since)` supplies them as the risk core's `Incident` records. Until that app is merged this
returns none, and the threat of every site is the national level's alone; the merger replaces the
body of `recent_incidents` with that call.
"""

from __future__ import annotations

from datetime import date

from sanctuary.surveys.risk import Incident


def recent_incidents(since: date) -> list[Incident]:
    """Incidents from `since` on, as the threat core reads them (docs/risk-model.md, 3.2-3.3)."""
    return []
