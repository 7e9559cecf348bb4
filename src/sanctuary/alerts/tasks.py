"""Background work of alerts, run by `sanctuary worker`: each queued delivery sent by its
channel's provider, once."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.alerts.models import Alert, Delivery, DeliveryStatus
from sanctuary.alerts.providers import PROVIDERS, Outgoing
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.links import absolute_url

WORKER = Actor.system("worker", Channel.JOB)


def message_for(alert: Alert, delivery: Delivery, site_url: str = "") -> Outgoing:
    sites = ", ".join(delivery.site_names)
    link = absolute_url(reverse("alert", kwargs={"alert_id": alert.pk}), site_url)
    text = (
        f"{alert.get_urgency_display()} for {sites}\n\n{alert.body}\n\n"
        f"Please confirm: “{alert.ask}”\n"
        f"Acknowledge in Sanctuary (your inbox): {link}\n"
    )
    return Outgoing(subject=f"[{alert.get_urgency_display()}] {alert.title}", text=text)


@task()
def deliver_alert(alert_id: int, site_url: str = "") -> int:
    """Send every queued delivery of a sent alert; a failure is recorded on its delivery and the
    others still go."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None:
        return 0
    sent = 0
    for delivery in Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED):
        provider = PROVIDERS.get(delivery.channel)
        try:
            if provider is None:
                raise LookupError(f"no provider for {delivery.channel!r}")
            provider.send(delivery.address, message_for(alert, delivery, site_url))
        except Exception as error:  # noqa: BLE001 (any failure of the outside world is recorded)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, error=str(error)[:300]
            )
            continue
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now())
        sent += 1
    with transaction.atomic():
        record(Action.UPDATE, actor=WORKER, obj=alert, detail={"delivered": sent})
    return sent
