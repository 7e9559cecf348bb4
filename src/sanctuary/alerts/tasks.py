"""Background work of alerts, run by `sanctuary worker`: each queued delivery sent by its
channel's provider, once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.alerts.models import (
    LINK_DAYS,
    LINK_LIFETIME,
    Alert,
    Delivery,
    DeliveryStatus,
    hash_link_token,
    new_link_token,
)
from sanctuary.alerts.providers import PROVIDERS, Outgoing
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.links import absolute_url

WORKER = Actor.system("worker", Channel.JOB)


def message_for(alert: Alert, delivery: Delivery, site_url: str = "", *, token: str = "",
                sent_at: datetime | None = None) -> Outgoing:
    """The message of one delivery: with an account, a link to the alert in the inbox; without,
    the holder's own acknowledgement link (`token`), and until when it works."""
    sites = ", ".join(delivery.site_names)
    text = (
        f"{alert.get_urgency_display()} for {sites}\n\n{alert.body}\n\n"
        f"Please confirm: “{alert.ask}”\n"
    )
    if token:
        link = absolute_url(reverse("alert_link", kwargs={"token": token}), site_url)
        until = timezone.localtime((sent_at or timezone.now()) + LINK_LIFETIME)
        text += (
            f"Acknowledge for {sites} (no account needed): {link}\n\n"
            f"This link is yours alone: please do not forward it. It works while the alert stands, "
            f"for {LINK_DAYS} days at most (until {until.day} {until:%B %Y})."
            "\n"
        )
    else:
        link = absolute_url(reverse("alert", kwargs={"alert_id": alert.pk}), site_url)
        text += f"Acknowledge in Sanctuary (your inbox): {link}\n"
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
        now, token = timezone.now(), ""
        if delivery.with_link:
            # the token lives only in the message; its hash is stored before the message leaves,
            # so that the link works as soon as it arrives
            token = new_link_token()
            Delivery.objects.filter(pk=delivery.pk).update(link_hash=hash_link_token(token))
        try:
            if provider is None:
                raise LookupError(f"no provider for {delivery.channel!r}")
            provider.send(delivery.address, message_for(alert, delivery, site_url, token=token, sent_at=now))
        except Exception as error:  # noqa: BLE001 (any failure of the outside world is recorded)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, error=str(error)[:300], link_hash=""
            )
            continue
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now)
        sent += 1
    with transaction.atomic():
        record(Action.UPDATE, actor=WORKER, obj=alert, detail={"delivered": sent})
    return sent
