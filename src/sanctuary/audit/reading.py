"""The audit log as a person reads it: what kind of record and its name, field labels, old and
new values in words (names, not ids; local times, not ISO strings), details in plain keys.
The raw record stays beside each entry, for whoever needs the exact values.

Names of related records are read only for the registry's and the people's models (sites,
organisations, areas, people), once per page; anything else is shown by its number.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.formats import date_format
from django.utils.text import capfirst

from sanctuary.audit.models import AuditEvent

# Apps whose records may be named in the log by their own name.
NAMED_APPS = {"registry", "access"}
EMPTY = "—"
# Details that name records by number (a sensitive view's sites, say): shown by their names.
DETAIL_RECORDS = {
    "sites": "registry.site",
    "site": "registry.site",
    "organisation": "registry.organisation",
    "person": "access.user",
}
CHANNELS = {
    "page": "",
    "api": "through the API",
    "feed": "through a feed",
    "command": "at the command line",
    "job": "by a background job",
    "link": "by an e-mailed link",
}


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    event: AuditEvent
    kind: str
    name: str
    channel: str
    changes: list[Change]
    details: list[tuple[str, str]]
    raw: str


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except LookupError:
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field]:
    if model is None:
        return {}
    found: dict[str, models.Field] = {}
    for field in model._meta.get_fields():
        if isinstance(field, models.Field):
            found[field.name] = field
            found[getattr(field, "attname", field.name)] = field
    return found


def humanise(key: str) -> str:
    key = key.removesuffix("_id") if key.endswith("_id") and key != "_id" else key
    return capfirst(key.replace("_", " ").strip())


def _label(key: str, field: models.Field | None) -> str:
    if field is None:
        return humanise(key)
    return capfirst(str(getattr(field, "verbose_name", "") or humanise(key)))


class _Names:
    """The names of related records a page of entries mentions, read once per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, field: models.Field | None, value: Any) -> None:
        target = getattr(field, "related_model", None) if field is not None else None
        self.want_of(target, value)

    def want_of(self, target: Any, value: Any) -> None:
        if target is None or target._meta.app_label not in NAMED_APPS or value in (None, ""):
            return
        for one in value if isinstance(value, list) else [value]:
            self.wanted[target].add(one)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            for obj in model._base_manager.filter(pk__in=list(ids)):
                self.names[(model, str(obj.pk))] = str(obj)

    def name(self, model: type[models.Model], value: Any) -> str:
        return self.names.get((model, str(value)), f"#{value}")


def _when(value: str, field: models.Field) -> str | None:
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "j M Y, H:i")
    elif isinstance(field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "j M Y")
    elif isinstance(field, models.TimeField):
        clock = parse_time(value)
        if clock is not None:
            return clock.strftime("%H:%M")
    return None


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanise(str(k)).lower()}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value and len(value) >= 16 else None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "j M Y, H:i")
    return str(value)


def _value(value: Any, field: models.Field | None, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if field is None:
        return _plain(value)
    target = getattr(field, "related_model", None)
    if target is not None:
        if target._meta.app_label not in NAMED_APPS:
            return _plain([f"#{v}" for v in value] if isinstance(value, list) else f"#{value}")
        if isinstance(value, list):
            return ", ".join(names.name(target, v) for v in value)
        return names.name(target, value)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, str):
        when = _when(value, field)
        if when is not None:
            return when
    return _plain(value)


def _detail(key: str, value: Any, names: _Names) -> str:
    target = _model(DETAIL_RECORDS[key]) if key in DETAIL_RECORDS else None
    if target is None or value in (None, "", []):
        return _plain(value)
    if isinstance(value, list):
        return ", ".join(names.name(target, v) for v in value)
    return names.name(target, value)


def _raw(event: AuditEvent) -> str:
    record = {
        "at": event.at.isoformat() if isinstance(event.at, datetime.datetime) else event.at,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "detail": event.detail,
        "ip_address": event.ip_address,
    }
    return json.dumps(record, indent=2, ensure_ascii=False, default=str)


def entries(events: Iterable[AuditEvent]) -> list[Entry]:
    """The events of one page, each as a person reads it."""
    events = list(events)
    names = _Names()
    plans = []
    for event in events:
        model = _model(event.object_type)
        fields = _fields(model)
        changed = event.changed_fields()
        for key, old, new in changed:
            names.want(fields.get(key), old)
            names.want(fields.get(key), new)
        for key, value in (event.detail or {}).items():
            if key in DETAIL_RECORDS:
                names.want_of(_model(DETAIL_RECORDS[key]), value)
        plans.append((event, model, fields, changed))
    names.load()
    read = []
    for event, model, fields, changed in plans:
        kind = (
            capfirst(str(model._meta.verbose_name))
            if model
            else humanise(event.object_type.rsplit(".", 1)[-1])
        )
        changes = [
            Change(
                _label(key, fields.get(key)),
                _value(old, fields.get(key), names),
                _value(new, fields.get(key), names),
            )
            for key, old, new in changed
            if not (fields.get(key) is not None and fields[key].name == "id")
        ]
        details = [
            (humanise(str(k)), _detail(str(k), v, names)) for k, v in (event.detail or {}).items()
        ]
        read.append(
            Entry(
                event=event,
                kind=kind,
                name=event.object_repr,
                channel=CHANNELS.get(event.channel, event.channel),
                changes=changes,
                details=details,
                raw=_raw(event),
            )
        )
    return read
