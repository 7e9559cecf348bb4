"""Writing the audit record. Every service that changes data calls `record` in its transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.forms import ModelForm

from sanctuary.audit.models import Action, AuditEvent

if TYPE_CHECKING:  # the audit sits below access: it reads an actor, never builds one
    from sanctuary.access.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's own fields as JSON-ready values, many-to-many as sorted id lists."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            data[m2m.name] = sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    data.pop("password", None)
    return data


def record(
    action: Action | str,
    *,
    actor: Actor | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event now, inside the caller's transaction."""
    found = event(
        action,
        actor=actor,
        obj=obj,
        object_type=object_type,
        object_repr=object_repr,
        before=before,
        after=after,
        detail=detail,
    )
    found.save()
    return found


def record_all(events: list[AuditEvent]) -> None:
    """Write many events made by `event` at once (an import's thousands of rows)."""
    AuditEvent.objects.bulk_create(events, batch_size=500)


def event(
    action: Action | str,
    *,
    actor: Actor | None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """An audit event, not yet written: see `record` and `record_all`. `actor` is who acted, or
    None for a visitor nobody knows (a failed login)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)
    return AuditEvent(
        action=action,
        actor=actor.user if actor is not None else None,
        actor_name=actor.name if actor is not None else "",
        channel=actor.channel.value if actor is not None else "",
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=object_repr[:200],
        before=before,
        after=after,
        ip_address=actor.address if actor is not None else None,
        detail=detail or {},
    )


@transaction.atomic
def save_form(actor: Actor, form: ModelForm) -> Any:
    """Create or update an object from a valid model form, recording it before and after."""
    creating = form.instance.pk is None
    model = type(form.instance)
    before = None if creating else snapshot(model._default_manager.get(pk=form.instance.pk))
    saved = form.save()
    record(
        Action.CREATE if creating else Action.UPDATE,
        actor=actor,
        obj=saved,
        before=before,
        after=snapshot(saved),
    )
    return saved
