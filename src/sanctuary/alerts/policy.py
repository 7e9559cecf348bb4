"""The doors to alerts (docs/access.md, Alerts and advice).

- Administrators and police supervisors of an area send alerts to its sites; they see every
  alert that reaches a site of their areas, drafts included, and the drafts they wrote.
- The same senders withdraw (or correct) a sent alert whose sites all lie in their areas.
- A site contact sees the alerts sent to a site of their organisation (withdrawn ones marked
  so), and acknowledges those that stand.
- Everyone else sees nothing of alerts; an alert not yours looks missing.
- Anyone holding a delivery's acknowledgement link (a listed contact with no account) sees what
  its message said and acknowledges for its sites, while the alert stands and for 30 days after
  the message was sent; a wrong, expired or withdrawn link looks missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.access.policy import (
    Areas,
    NotFound,
    grants_for,
    parse_id,
    role_areas,
)
from sanctuary.alerts.models import (
    LINK_LIFETIME,
    Alert,
    AlertSite,
    AlertStatus,
    Delivery,
    DeliveryStatus,
    hash_link_token,
)
from sanctuary.registry.models import Area, Site, SiteStatus

SENDER_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.PROGRAMME_ADMIN, Role.POLICE_SUPERVISOR})


def sender_areas(actor: Actor) -> Areas:
    """Where the actor sends alerts: the areas of their administrator and police supervisor roles."""
    return role_areas(actor, SENDER_ROLES)


def may_send(actor: Actor) -> bool:
    return bool(sender_areas(actor))


def _in(areas: Areas, field: str) -> Q:
    return Q() if areas.every else Q(**{f"{field}__in": areas.ids})


def reachable_sites(actor: Actor) -> QuerySet[Site]:
    """The active sites an actor may send to: every one in their sender areas."""
    areas = sender_areas(actor)
    if not areas:
        return Site.objects.none()
    return Site.objects.filter(_in(areas, "area"), status=SiteStatus.ACTIVE).select_related("area", "operator")


def reachable_areas(actor: Actor) -> QuerySet[Area]:
    areas = sender_areas(actor)
    if not areas:
        return Area.objects.none()
    return Area.objects.filter(_in(areas, "pk")).order_by("name")


def _audience_of(actor: Actor) -> Q:
    """Sent alerts to a site of the actor's own organisations."""
    own = grants_for(actor).own_organisation_ids
    if not own:
        return Q(pk__in=[])
    return Q(status__in=(AlertStatus.SENT, AlertStatus.WITHDRAWN), recipients__site__operator__in=own)


def _sent_into(actor: Actor) -> Q:
    """(Not for every area: an empty Q would vanish when or-ed with another.)"""
    areas = sender_areas(actor)
    if not areas:
        return Q(pk__in=[])
    if areas.every:
        return Q(pk__isnull=False)
    mine = Q(created_by=actor.user) if actor.user is not None else Q(pk__in=[])
    return Q(recipients__site__area__in=areas.ids) | mine


def visible_alerts(actor: Actor) -> QuerySet[Alert]:
    if actor.is_system or sender_areas(actor).every:
        return Alert.objects.select_related("created_by", "sent_by", "audience_area", "withdrawn_by", "replaces")
    ids = Alert.objects.filter(_sent_into(actor) | _audience_of(actor)).values("pk")
    return Alert.objects.filter(pk__in=ids).select_related("created_by", "sent_by", "audience_area", "withdrawn_by", "replaces")


def managed_alerts(actor: Actor) -> QuerySet[Alert]:
    """Alerts a sender may act on (revise and send a draft, withdraw a sent one): the alert must
    not reach beyond their areas."""
    areas = sender_areas(actor)
    if not areas:
        return Alert.objects.none()
    if areas.every:
        return Alert.objects.all()
    beyond = AlertSite.objects.exclude(site__area__in=areas.ids).values("alert")
    return Alert.objects.filter(_sent_into(actor)).exclude(pk__in=beyond).distinct()


def editable_alerts(actor: Actor) -> QuerySet[Alert]:
    """Drafts a sender may change and send."""
    return managed_alerts(actor).filter(status=AlertStatus.DRAFT)


def withdrawable_alerts(actor: Actor) -> QuerySet[Alert]:
    """Sent alerts a sender may withdraw or correct (and withdrawn ones, so that a second
    withdrawal is told it came too late rather than that the alert is missing)."""
    return managed_alerts(actor).filter(status__in=(AlertStatus.SENT, AlertStatus.WITHDRAWN))


def get_alert(actor: Actor, alert_id: Any, *, for_edit: bool = False, for_withdrawal: bool = False) -> Alert:
    """One alert the actor sees; `for_edit`: a draft they may revise and send; `for_withdrawal`:
    a sent alert they may withdraw. Anything else is NotFound."""
    if for_withdrawal:
        alerts = withdrawable_alerts(actor)
    else:
        alerts = editable_alerts(actor) if for_edit else visible_alerts(actor)
    try:
        return alerts.get(pk=parse_id(alert_id))
    except Alert.DoesNotExist:
        raise NotFound("No such alert.") from None


def may_see_delivery(actor: Actor, alert: Alert) -> bool:
    """Who was sent it and who has not acknowledged: its senders' side, not the audience."""
    return actor.is_system or visible_alerts(actor).filter(pk=alert.pk).filter(_sent_into(actor)).exists()


def recipients_shown(actor: Actor, alert: Alert) -> QuerySet[AlertSite]:
    """The alert's sites a person sees: every one for its senders' side, their own for a contact."""
    rows = AlertSite.objects.filter(alert=alert).select_related(
        "site", "site__operator", "acknowledged_by", "acknowledged_via"
    )
    if may_see_delivery(actor, alert):
        return rows
    return rows.filter(site__operator__in=grants_for(actor).own_organisation_ids)


def to_acknowledge(actor: Actor, alert: Alert) -> QuerySet[AlertSite]:
    """The sites of the actor's organisations this sent alert still asks to acknowledge."""
    own = grants_for(actor).own_organisation_ids
    if not own or alert.status != AlertStatus.SENT:
        return AlertSite.objects.none()
    return AlertSite.objects.filter(
        alert=alert, site__operator__in=own, acknowledged_at__isnull=True
    ).select_related("site")


def get_recipient(actor: Actor, alert: Alert, site_id: Any) -> AlertSite:
    try:
        return to_acknowledge(actor, alert).get(site_id=parse_id(site_id))
    except AlertSite.DoesNotExist:
        raise NotFound("No such site to acknowledge for.") from None


def unacknowledged_for(actor: Actor) -> QuerySet[AlertSite]:
    """A contact's inbox: sent alerts their organisation's sites have not acknowledged."""
    own = grants_for(actor).own_organisation_ids
    if not own:
        return AlertSite.objects.none()
    return AlertSite.objects.filter(
        alert__status=AlertStatus.SENT, site__operator__in=own, acknowledged_at__isnull=True
    ).select_related("alert", "site")


def withdrawn_for(actor: Actor, since: datetime) -> QuerySet[AlertSite]:
    """A contact's inbox, struck through: alerts to their organisation's sites withdrawn since
    `since` (so that a volunteer who had not acted yet learns to stop, not that it vanished)."""
    own = grants_for(actor).own_organisation_ids
    if not own:
        return AlertSite.objects.none()
    return AlertSite.objects.filter(
        alert__status=AlertStatus.WITHDRAWN, alert__withdrawn_at__gte=since, site__operator__in=own,
    ).select_related("alert", "site").order_by("-alert__withdrawn_at", "site__name")


def reachable_for_acknowledgement(rows: QuerySet[AlertSite]) -> QuerySet[Site]:
    """The sites of those rows, for the acknowledgement form's choice."""
    return Site.objects.filter(pk__in=rows.values("site")).order_by("name")


def get_delivery_by_token(token: str) -> Delivery:
    """The delivery an acknowledgement link opens (the link is the credential), or NotFound:
    found by the token's hash, its message sent, its alert standing, not past its days."""
    if not token or len(token) > 100:
        raise NotFound("No such page.")
    found = (
        Delivery.objects.select_related("alert")
        .filter(
            link_hash=hash_link_token(token), with_link=True, status=DeliveryStatus.SENT,
            alert__status=AlertStatus.SENT, sent_at__gte=timezone.now() - LINK_LIFETIME,
        )
        .first()
    )
    if found is None or not found.alert.stands:
        raise NotFound("No such page.")
    return found


def link_recipients(delivery: Delivery) -> QuerySet[AlertSite]:
    """The alert's sites a delivery speaks for: all a link holder may see or acknowledge."""
    return AlertSite.objects.filter(alert_id=delivery.alert_id, site_id__in=delivery.site_ids).select_related("site")
