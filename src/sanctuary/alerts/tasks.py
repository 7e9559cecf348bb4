"""Background work of alerts, run by `sanctuary worker`: each queued delivery sent by its
channel's provider, once; and, for a withdrawn alert, each address it reached told so, once."""

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
    AlertStatus,
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
    text = f"{alert.get_urgency_display()} for {sites}\n\n"
    if alert.replaces is not None:
        replaced = alert.replaces
        sent = f", sent {timezone.localtime(replaced.sent_at):%d %B %Y %H:%M}" if replaced.sent_at else ""
        text += f"This corrects “{replaced.title}”{sent}, which is withdrawn.\n\n"
    text += f"{alert.body}\n\nPlease confirm: “{alert.ask}”\n"
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
    alert = Alert.objects.select_related("replaces").filter(pk=alert_id).first()
    if alert is None:
        return 0
    sent, late = 0, False
    for delivery in Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED):
        if not Alert.objects.filter(pk=alert_id, status=AlertStatus.SENT).exists():
            break  # withdrawn meanwhile: what is left is cancelled, not sent
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
        sent += 1
        if not Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENT, sent_at=now
        ):
            # withdrawn while this message was leaving: it went, so its address is told too
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.SENT, sent_at=now, notice_status=DeliveryStatus.QUEUED
            )
            late = True
    with transaction.atomic():
        record(Action.UPDATE, actor=WORKER, obj=alert, detail={"delivered": sent})
    if late:
        deliver_withdrawal.enqueue(alert_id, site_url)
    return sent


def withdrawal_notice(alert: Alert, delivery: Delivery, site_url: str = "", *, corrected: bool = False) -> Outgoing:
    """The notice that an alert this address was sent is withdrawn: why, and whether a corrected
    alert follows."""
    sites = ", ".join(delivery.site_names)
    sent = f" (sent {timezone.localtime(alert.sent_at):%d %B %Y %H:%M})" if alert.sent_at else ""
    text = (
        f"The alert “{alert.title}”{sent} for {sites} is withdrawn. "
        "Please do not act on it any more.\n\n"
        f"Why: {alert.withdrawn_reason}\n"
    )
    if corrected:
        text += "\nA corrected alert follows.\n"
    if delivery.with_link:
        text += "\nIts acknowledgement link no longer works: there is nothing to acknowledge.\n"
    else:
        link = absolute_url(reverse("alert", kwargs={"alert_id": alert.pk}), site_url)
        text += f"\nIn Sanctuary: {link}\n"
    return Outgoing(subject=f"Withdrawn: {alert.title}", text=text)


@task()
def deliver_withdrawal(alert_id: int, site_url: str = "") -> int:
    """Tell every address a withdrawn alert reached that it is withdrawn; a failure is recorded on
    its delivery and the others are still told."""
    alert = Alert.objects.filter(pk=alert_id, status=AlertStatus.WITHDRAWN).first()
    if alert is None:
        return 0
    corrected = alert.corrections.exists()
    told = 0
    for delivery in Delivery.objects.filter(alert=alert, notice_status=DeliveryStatus.QUEUED):
        provider = PROVIDERS.get(delivery.channel)
        try:
            if provider is None:
                raise LookupError(f"no provider for {delivery.channel!r}")
            provider.send(delivery.address, withdrawal_notice(alert, delivery, site_url, corrected=corrected))
        except Exception as error:  # noqa: BLE001 (any failure of the outside world is recorded)
            Delivery.objects.filter(pk=delivery.pk).update(
                notice_status=DeliveryStatus.FAILED, notice_error=str(error)[:300]
            )
            continue
        Delivery.objects.filter(pk=delivery.pk).update(notice_status=DeliveryStatus.SENT, notice_sent_at=timezone.now())
        told += 1
    with transaction.atomic():
        record(Action.UPDATE, actor=WORKER, obj=alert, detail={"withdrawal_notices": told})
    return told
