"""What alerts tell the partnership's picture (sanctuary/figures.py's shapes)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import grants_for
from sanctuary.alerts import policy
from sanctuary.alerts.models import AlertSite, AlertStatus
from sanctuary.figures import Figure, Table
from sanctuary.surveys import policy as survey_policy

TITLE = "Alerts to sites"

# How long a sent alert counts as "in force" on the staff home page.
IN_FORCE_DAYS = 14


def home(actor: Actor) -> list[Figure]:
    """A contact: the alerts their sites have not acknowledged. A sender: alerts in force (sent
    in the last fortnight) and sites that have not acknowledged them."""
    link = reverse("alerts")
    figures = []
    waiting = policy.unacknowledged_for(actor)
    if grants_for(actor).own_organisation_ids:
        figures.append(Figure("alerts.to_acknowledge", "Alerts to acknowledge", waiting.count(), link))
    if policy.may_send(actor):
        since = timezone.now() - timedelta(days=IN_FORCE_DAYS)
        recent = policy.visible_alerts(actor).filter(status=AlertStatus.SENT, sent_at__gte=since)
        outstanding = AlertSite.objects.filter(alert__in=recent, acknowledged_at__isnull=True)
        figures.append(Figure("alerts.in_force", "Alerts in force", recent.count(), link))
        figures.append(Figure("alerts.not_acknowledged", "Sites yet to acknowledge", outstanding.count(), link))
    return figures


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month(actor: Actor, area: Any, start: date, end: date) -> list[Figure | Table]:
    """Alerts sent in the month to the area's sites, the share of their sites that acknowledged,
    and the heightened alerts raised for the area (surveys' records)."""
    sent = policy.visible_alerts(actor).filter(
        status=AlertStatus.SENT, sent_at__gte=_moment(start), sent_at__lt=_moment(end),
        recipients__site__area=area,
    ).distinct()
    rows = AlertSite.objects.filter(alert__in=sent, site__area=area)
    total = rows.count()
    done = rows.filter(acknowledged_at__isnull=False).count()
    found: list[Figure | Table] = [
        Figure("alerts.sent", "Alerts sent", sent.count(), reverse("alerts")),
        Figure("alerts.acknowledged_share", "Sites that acknowledged",
               round(100 * done / total, 1) if total else None, reverse("alerts"), unit="%"),
    ]
    raised = survey_policy.visible_heightened_alerts(actor).filter(
        area=area, set_at__gte=_moment(start), set_at__lt=_moment(end)
    )
    found.append(Figure("alerts.heightened", "Heightened alerts raised", raised.count(),
                        reverse("heightened_alerts")))
    return found
