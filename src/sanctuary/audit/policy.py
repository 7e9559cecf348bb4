"""The door to the audit log: administrators read it; nobody may change it."""

from __future__ import annotations

from django.db.models import QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.policy import grants_for
from sanctuary.audit.models import AuditEvent


def reads_audit_log(actor: Actor) -> bool:
    return grants_for(actor).is_admin


def visible_events(actor: Actor) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.all() if reads_audit_log(actor) else AuditEvent.objects.none()
