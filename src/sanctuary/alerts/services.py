"""Every change to alerts: draft, revise, send, acknowledge, withdraw, correct — each one
transaction with its audit record. Sending queues one delivery per address
(`tasks.deliver_alert`, run by the worker); withdrawing queues a notice to each address the alert
reached (`tasks.deliver_withdrawal`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.alerts import policy
from sanctuary.alerts.models import Alert, AlertSite, AlertStatus, Delivery, DeliveryStatus, Urgency
from sanctuary.alerts.providers import PROVIDERS
from sanctuary.alerts.tasks import deliver_alert, deliver_withdrawal
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.registry.models import Area, Faith, Site


@dataclass
class Audience:
    """Who an alert is for: chosen sites, or every active site of the sender's areas narrowed by
    faith, area and ward (each optional)."""

    faith: str = ""
    area: Area | None = None
    ward: str = ""
    sites: Sequence[Site] = field(default_factory=tuple)


@dataclass
class Content:
    title: str
    body: str
    ask: str
    urgency: str = Urgency.ADVICE
    template: str = ""


def audience_sites(actor: Actor, audience: Audience) -> list[Site]:
    """The sites an audience names, within the areas the actor sends to; a site or area beyond
    them is an error on its field (it looks like one that does not exist)."""
    reachable = policy.reachable_sites(actor)
    if audience.faith and audience.faith not in Faith.values:
        raise ValidationError({"faith": f"{audience.faith!r} is not a faith."})
    if audience.area is not None and not policy.sender_areas(actor).covers(audience.area.pk):
        raise ValidationError({"area": "No such area among yours."})
    if audience.sites:
        wanted = {site.pk for site in audience.sites}
        found = list(reachable.filter(pk__in=wanted))
        missing = wanted - {site.pk for site in found}
        if missing:
            raise ValidationError({"sites": f"No such site among yours: {sorted(missing)}."})
        return sorted(found, key=lambda s: s.name)
    sites = reachable
    if audience.faith:
        sites = sites.filter(faith=audience.faith)
    if audience.area is not None:
        sites = sites.filter(area=audience.area)
    if audience.ward:
        if audience.area is None:
            raise ValidationError({"ward": "Give the ward's area too."})
        sites = sites.filter(ward__iexact=audience.ward.strip())
    found = list(sites.order_by("name"))
    if not found:
        raise ValidationError({"faith": "No site of yours is in this audience."})
    return found


def _check(content: Content) -> None:
    errors = {}
    if not content.title.strip():
        errors["title"] = "Give the alert a title."
    if not content.body.strip():
        errors["body"] = "Say what the sites should know or do."
    if not content.ask.strip():
        errors["ask"] = "Say what each site confirms it has done."
    if content.urgency not in Urgency.values:
        errors["urgency"] = f"{content.urgency!r} is not an urgency."
    if errors:
        raise ValidationError(errors)


def _set_audience(alert: Alert, audience: Audience, sites: list[Site]) -> None:
    alert.audience_faith = "" if audience.sites else audience.faith
    alert.audience_area = None if audience.sites else audience.area
    alert.audience_ward = "" if audience.sites else audience.ward.strip()
    alert.audience_chosen = bool(audience.sites)


def _audience_of(alert: Alert) -> Audience:
    if alert.audience_chosen:
        return Audience(sites=[row.site for row in alert.recipients.select_related("site")])
    return Audience(alert.audience_faith, alert.audience_area, alert.audience_ward)


def draft(actor: Actor, content: Content, audience: Audience, *, origin: str = "",
          replaces: Alert | None = None) -> Alert:
    """An alert kept as a draft for its sender to review and send."""
    if not policy.may_send(actor):
        raise NotFound("No such page.")
    _check(content)
    with transaction.atomic():
        sites = audience_sites(actor, audience)
        alert = Alert(
            title=content.title.strip(), body=content.body.strip(), ask=content.ask.strip(),
            urgency=content.urgency, template=content.template, origin=origin[:200],
            created_by=actor.user, replaces=replaces,
        )
        _set_audience(alert, audience, sites)
        alert.save()
        AlertSite.objects.bulk_create(AlertSite(alert=alert, site=site) for site in sites)
        detail: dict[str, object] = {"sites": [site.pk for site in sites]}
        if replaces is not None:
            detail["replaces"] = replaces.pk
        record(Action.CREATE, actor=actor, obj=alert, after=snapshot(alert), detail=detail)
    return alert


def revise(actor: Actor, alert: Alert, content: Content, audience: Audience) -> Alert:
    _check(content)
    with transaction.atomic():
        alert = policy.get_alert(actor, alert.pk, for_edit=True)
        if not alert.is_draft:  # the door lets drafts alone through; said again beside the write
            raise ValidationError({"status": "Only a draft can be revised."})
        before = snapshot(alert)
        sites = audience_sites(actor, audience)
        alert.title, alert.body, alert.ask = content.title.strip(), content.body.strip(), content.ask.strip()
        alert.urgency = content.urgency
        _set_audience(alert, audience, sites)
        alert.save()
        AlertSite.objects.filter(alert=alert).delete()
        AlertSite.objects.bulk_create(AlertSite(alert=alert, site=site) for site in sites)
        record(Action.UPDATE, actor=actor, obj=alert, before=before, after=snapshot(alert),
               detail={"sites": [site.pk for site in sites]})
    return alert


def send(actor: Actor, alert: Alert, *, site_url: str = "") -> Alert:
    """Send a draft: its audience resolved once more, one delivery per address of every site's
    contacts, queued for the worker; the sites' contacts see it in their inbox at once."""
    with transaction.atomic():
        alert = policy.get_alert(actor, alert.pk, for_edit=True)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if not alert.is_draft:
            raise ValidationError({"status": "This alert has been sent already."})
        sites = audience_sites(actor, _audience_of(alert))
        have = dict(AlertSite.objects.filter(alert=alert).values_list("site_id", "pk"))
        wanted = {site.pk for site in sites}
        gone = [pk for site_id, pk in have.items() if site_id not in wanted]
        for start in range(0, len(gone), 5000):
            AlertSite.objects.filter(pk__in=gone[start : start + 5000]).delete()
        AlertSite.objects.bulk_create(AlertSite(alert=alert, site=s) for s in sites if s.pk not in have)
        deliveries: dict[tuple[str, str], Delivery] = {}
        for channel, provider in PROVIDERS.items():
            reached = provider.addresses(sites)
            for site in sites:
                for person in reached[site.pk]:
                    key = (channel, person.address)
                    if key not in deliveries:
                        deliveries[key] = Delivery(alert=alert, channel=channel, address=person.address,
                                                   name=person.name, with_link=True)
                    delivery = deliveries[key]
                    # one with an account acknowledges in their inbox: no link for that address
                    delivery.with_link = delivery.with_link and not person.has_account
                    if site.pk not in delivery.site_ids:
                        delivery.site_ids.append(site.pk)
                        delivery.site_names.append(site.name)
        Delivery.objects.bulk_create(deliveries.values())
        alert.status, alert.sent_at, alert.sent_by = AlertStatus.SENT, timezone.now(), actor.user
        alert.save(update_fields=["status", "sent_at", "sent_by"])
        record(Action.UPDATE, actor=actor, obj=alert, detail={
            "sent": True, "sites": len(sites), "deliveries": len(deliveries),
        })
        alert_id = alert.pk
        transaction.on_commit(lambda: deliver_alert.enqueue(alert_id, site_url))
    return alert


def compose_and_send(actor: Actor, content: Content, audience: Audience, *, site_url: str = "") -> Alert:
    with transaction.atomic():
        alert = draft(actor, content, audience)
        return send(actor, alert, site_url=site_url)


def acknowledge(actor: Actor, alert: Alert, site: Site, note: str = "") -> AlertSite:
    """A contact of the site confirms what the alert asks."""
    with transaction.atomic():
        row = policy.get_recipient(actor, alert, site.pk)
        row = AlertSite.objects.select_for_update().get(pk=row.pk)
        row.acknowledged_at, row.acknowledged_by, row.note = timezone.now(), actor.user, note.strip()[:500]
        row.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        record(Action.UPDATE, actor=actor, obj=alert, detail={
            "acknowledged": True, "site": site.pk, "note": row.note,
        })
    return row


@dataclass(frozen=True)
class LinkAcknowledgement:
    acknowledged: list[AlertSite]  # the sites acknowledged now
    already: list[AlertSite]  # the delivery's sites acknowledged before (kept as they were)


def acknowledge_by_link(actor: Actor, delivery: Delivery, note: str = "") -> LinkAcknowledgement:
    """A listed contact confirms what the alert asks for every site their message spoke for
    (`delivery`, opened by `policy.get_delivery_by_token`); a site acknowledged before keeps its
    acknowledgement, and a second confirmation changes nothing."""
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note to 500 characters."})
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=delivery.alert_id)
        if not alert.stands:
            raise NotFound("No such page.")
        rows = list(policy.link_recipients(delivery).select_for_update(of=("self",)))
        fresh = [row for row in rows if row.acknowledged_at is None]
        already = [row for row in rows if row.acknowledged_at is not None]
        if fresh:
            now = timezone.now()
            for row in fresh:
                row.acknowledged_at, row.acknowledged_via, row.note = now, delivery, note
            AlertSite.objects.bulk_update(fresh, ["acknowledged_at", "acknowledged_via", "note"])
            record(Action.UPDATE, actor=actor, obj=alert, detail={
                "acknowledged": True, "by_link": True, "delivery": delivery.pk,
                "sites": [row.site_id for row in fresh], "note": note,
            })
    return LinkAcknowledgement(fresh, already)


REASON_LIMIT = 500


@dataclass(frozen=True)
class Withdrawal:
    alert: Alert  # the alert withdrawn
    notices: int  # addresses told
    correction: Alert | None = None  # the draft that corrects it, for its sender to edit and send


def withdraw(actor: Actor, alert: Alert, reason: str, *, correct: bool = False,
             site_url: str = "") -> Withdrawal:
    """Withdraw a sent alert (sent in error, wrong facts, an all-clear): its acknowledgement links
    stop, it asks no site to acknowledge any more, and every address it was sent to is told, with
    the reason, by the worker. `correct`: also draft a new alert from it (same audience, its text
    to edit) that names the one it replaces; the notice says a corrected alert follows."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the alert is withdrawn: its recipients read it."})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": f"Keep the reason to {REASON_LIMIT} characters."})
    with transaction.atomic():
        alert = policy.get_alert(actor, alert.pk, for_withdrawal=True)
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.is_withdrawn:
            raise ValidationError({"status": "This alert has been withdrawn already."})
        if not alert.stands:
            raise ValidationError({"status": "Only a sent alert can be withdrawn."})
        before = snapshot(alert)
        alert.status, alert.withdrawn_at = AlertStatus.WITHDRAWN, timezone.now()
        alert.withdrawn_by, alert.withdrawn_reason = actor.user, reason
        alert.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason"])
        # messages still waiting for the worker never leave; those that left get a notice
        Delivery.objects.filter(alert=alert, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.CANCELLED, link_hash=""
        )
        notices = Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENT).update(
            notice_status=DeliveryStatus.QUEUED
        )
        correction = None
        if correct:
            correction = draft(
                actor, Content(alert.title, alert.body, alert.ask, alert.urgency, alert.template),
                _audience_of(alert), origin=f"a correction of “{alert.title}”", replaces=alert,
            )
        record(Action.UPDATE, actor=actor, obj=alert, before=before, after=snapshot(alert), detail={
            "withdrawn": True, "reason": reason, "notices": notices,
            "correction": correction.pk if correction is not None else None,
        })
        alert_id = alert.pk
        transaction.on_commit(lambda: deliver_withdrawal.enqueue(alert_id, site_url))
    return Withdrawal(alert, notices, correction)
