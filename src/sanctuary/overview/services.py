"""The overview changes nothing; what it records is the export of a monthly report (a PDF that
leaves Sanctuary), in the audit log as every export is."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from sanctuary.access.actor import Actor
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.overview import policy
from sanctuary.registry.models import Area


def record_report_export(actor: Actor, area: Area, start: date, where: str) -> None:
    """One audit record per monthly report made as a PDF (a page, the command line)."""
    with transaction.atomic():
        policy.get_area(actor, area.code)  # still theirs
        record(
            Action.EXPORT,
            actor=actor,
            obj=area,
            object_repr=f"monthly report of {area.name}, {start:%B %Y}",
            detail={"month": f"{start:%Y-%m}", "where": where},
        )
