"""Incidents as the risk model reads them (surveys/risk/threat.py, docs/risk-model.md).

`incidents_for_risk(since)` gives every event since a day once (a report merged into another
is the other's), with the point it happened at (its pin, else its site's), in the risk model's
categories. The community's policing concerns (patrol requests, parking, lighting, antisocial
behaviour aside) are not threats and are left out, as is an incident with no point.
"""

from __future__ import annotations

from datetime import date

from sanctuary.incidents.models import Category, Incident
from sanctuary.surveys.risk.parameters import IncidentCategory
from sanctuary.surveys.risk.threat import Incident as RiskIncident

# Our categories (after the UK's community reporting charities) in the risk model's words.
RISK_CATEGORY: dict[str, IncidentCategory] = {
    Category.EXTREME_VIOLENCE: IncidentCategory.VIOLENCE,
    Category.ASSAULT: IncidentCategory.VIOLENCE,
    Category.DAMAGE_DESECRATION: IncidentCategory.CRIMINAL_DAMAGE,
    Category.THREATS: IncidentCategory.THREAT,
    Category.ABUSIVE_BEHAVIOUR: IncidentCategory.HARASSMENT,
    Category.LITERATURE_ONLINE: IncidentCategory.ONLINE_ABUSE,
    Category.SUSPICIOUS_ACTIVITY: IncidentCategory.HOSTILE_RECONNAISSANCE,
    Category.ANTISOCIAL_BEHAVIOUR: IncidentCategory.ANTISOCIAL_BEHAVIOUR,
}


def incidents_for_risk(since: date) -> list[RiskIncident]:
    """Every incident that occurred on or after `since`, each event once, for the threat factor."""
    rows = (
        Incident.objects.filter(
            occurred_on__gte=since,
            merged_into__isnull=True,
            category__in=list(RISK_CATEGORY),
        )
        .select_related("site")
        .order_by("occurred_on", "pk")
    )
    found = []
    for incident in rows:
        point = incident.point
        if point is None:
            continue
        found.append(
            RiskIncident(
                occurred_on=incident.occurred_on,
                category=RISK_CATEGORY[incident.category].value,
                lat=point[0],
                lon=point[1],
                site_id=str(incident.site_id) if incident.site_id is not None else None,
                faith=incident.faith_targeted or None,
                id=incident.reference,
            )
        )
    return found
