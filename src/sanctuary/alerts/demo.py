"""The demo's alerts: a local heightened alert for Tower Hamlets' mosques after an attack abroad
(raised three days ago by the borough's programme administrator, the alert it drafted sent), an
advice before the festival season sent by the police supervisor a fortnight ago, and
acknowledgements from organisation A's contact — some sites have not acknowledged.

Deterministic for a given day. Sending queues the deliveries; the worker beside the demo's server
sends them by EMAIL_URL (the console unless it names a real server).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import User
from sanctuary.alerts import services
from sanctuary.alerts.models import Alert, AlertSite
from sanctuary.alerts.templates_data import templates
from sanctuary.registry.models import Area, Faith
from sanctuary.surveys import services as survey_services

REASON = (
    "After the attack on a mosque abroad on Friday, and a rise in hate incidents against Muslims "
    "in the borough this month."
)


def _actor(username: str) -> Actor | None:
    user = User.objects.filter(username=username).first()
    return Actor.person(user, Channel.COMMAND) if user is not None else None


@transaction.atomic
def load(today: date | None = None) -> Alert | None:
    today = today or timezone.localdate()
    admin, police, contact = _actor("admin"), _actor("police"), _actor("contact-a")
    area = Area.objects.filter(name="Tower Hamlets").first()
    if admin is None or police is None or contact is None or area is None:
        return None
    # advice before the festivals, to every Tower Hamlets site, a fortnight ago
    advice = services.compose_and_send(
        police,
        services.Content(**templates()["before_gathering"].filled(
            "Ramadan, Christmas services and Hanukkah fall close together this year."
        )),
        services.Audience(area=area),
    )
    Alert.objects.filter(pk=advice.pk).update(sent_at=timezone.now() - timedelta(days=14))
    # the heightened alert, three days ago, for the borough's mosques
    heightened = survey_services.raise_heightened_alert(
        admin, area=area, faith=Faith.ISLAM, level="severe", starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=11), reason=REASON,
    )
    drafted = heightened.alert
    if drafted is None:
        return None
    sent = services.send(admin, drafted)
    Alert.objects.filter(pk=sent.pk).update(sent_at=timezone.now() - timedelta(days=3))
    # organisation A's contact acknowledges for its first sites, not for the last
    own = list(AlertSite.objects.filter(alert=sent, site__operator__memberships__user=contact.user)
               .select_related("site").order_by("site__name"))
    for row in own[:-1]:
        services.acknowledge(contact, sent, row.site, "We have briefed our stewards and reviewed our lockdown procedure.")
    for row in AlertSite.objects.filter(alert=advice, site__operator__memberships__user=contact.user).select_related("site"):
        services.acknowledge(contact, advice, row.site)
    return sent
