"""What the partnership prints: the minutes (for those invited) and the community-safe summary
(for every member organisation to forward), as pages and PDFs (WeasyPrint)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from sanctuary.access.actor import Actor
from sanctuary.partnership import policy
from sanctuary.partnership.models import ActionStatus, Meeting


def minutes_context(actor: Actor, meeting: Meeting, today: date) -> dict[str, Any]:
    """The minutes as the reader may see them: what an action concerns only where the reader
    may see it (partnership.policy.concerns)."""
    actions = list(meeting.actions.select_related("owner", "owner_organisation"))
    return {
        "meeting": meeting,
        "areas": ", ".join(a.name for a in meeting.areas.all()),
        "invited_organisations": list(meeting.invited_organisations.all()),
        "invited_people": list(meeting.invited_people.all()),
        "present_organisations": list(meeting.present_organisations.all()),
        "present_people": list(meeting.present_people.all()),
        "decisions": list(meeting.decisions.all()),
        "actions": actions,
        "concerned": [
            (action, policy.concerns(actor, action, "the minutes of a partnership meeting"))
            for action in actions
        ],
        "today": today,
    }


def summary_context(meeting: Meeting, today: date) -> dict[str, Any]:
    """The community-safe summary: decisions and the progress of actions, nothing an attacker
    or a stranger could use. Never here: the minutes, the place, which site, incident or survey
    an action concerns, updates' notes, people's names or contact details, and the text of a
    decision or action marked confidential (counted only)."""
    decisions = list(meeting.decisions.all())
    actions = list(meeting.actions.select_related("owner_organisation"))
    shown_actions = [
        {
            "title": a.title,
            "organisation": a.owner_organisation.name,
            "status": a.get_status_display(),
            "due": a.due_on,
            "overdue": a.is_overdue(today),
        }
        for a in actions
        if not a.confidential
    ]
    progress = Counter(a.status for a in actions)
    return {
        "meeting_kind": meeting.get_kind_display(),
        "title": meeting.title,
        "held_on": meeting.starts_at.date(),
        "areas": ", ".join(a.name for a in meeting.areas.all()),
        "organisations_present": [o.name for o in meeting.present_organisations.all()],
        "people_present": meeting.present_people.count(),
        "decisions": [d.text for d in decisions if not d.confidential],
        "confidential_decisions": sum(1 for d in decisions if d.confidential),
        "actions": shown_actions,
        "confidential_actions": sum(1 for a in actions if a.confidential),
        "progress": [(label, progress.get(value, 0)) for value, label in ActionStatus.choices],
        "overdue": sum(1 for a in actions if a.is_overdue(today)),
        "today": today,
        "meeting_id": meeting.pk,
    }


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a PDF is made

    return HTML(string=render_to_string(template, context), base_url=".").write_pdf()


def minutes_pdf(actor: Actor, meeting: Meeting, today: date) -> bytes:
    return _pdf("partnership/minutes_pdf.html", minutes_context(actor, meeting, today))


def summary_pdf(meeting: Meeting, today: date) -> bytes:
    return _pdf("partnership/summary_pdf.html", summary_context(meeting, today))
