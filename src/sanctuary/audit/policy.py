"""The door to the audit log: administrators read it; nobody may change it.

A national administrator reads it all. An area's administrator reads what the people they manage
did, and what was done to the sites of their areas: not what happened in another area.

The log's page and door read the registry, so they sit in the domain layer; the record itself
(models, services) stays at the bottom, where every app can write it (tests/house/layers.py).
"""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from sanctuary.access.actor import Actor
from sanctuary.access.policy import grants_for
from sanctuary.audit.models import AuditEvent
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Site


def reads_audit_log(actor: Actor) -> bool:
    return grants_for(actor).is_admin


def visible_events(actor: Actor) -> QuerySet[AuditEvent]:
    grants = grants_for(actor)
    if grants.admin_areas.every:
        return AuditEvent.objects.all()
    if not grants.is_admin:
        return AuditEvent.objects.none()
    people = registry_policy.visible_people(actor).values("pk")
    sites = (
        Site.objects.filter(area_id__in=grants.admin_areas.ids)
        .annotate(text_id=Cast("pk", output_field=CharField()))
        .values("text_id")
    )
    return AuditEvent.objects.filter(
        Q(actor_id__in=people) | Q(object_type="registry.site", object_id__in=sites)
    )
