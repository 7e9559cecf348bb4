"""The monthly partnership report of an area: what the page and the PDF (WeasyPrint) show."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.overview import compose
from sanctuary.overview.forms import next_month
from sanctuary.registry.models import Area


def monthly_context(actor: Actor, area: Area, start: date) -> dict[str, Any]:
    end = next_month(start)
    return {
        "area": area,
        "start": start,
        "end": end,
        "partial": end > timezone.localdate(),
        "sections": compose.month(actor, area, start, end),
        "made_at": timezone.localtime(),
    }


def monthly_pdf(actor: Actor, area: Area, start: date) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a report is made

    html = render_to_string("overview/monthly_pdf.html", monthly_context(actor, area, start))
    return HTML(string=html, base_url=".").write_pdf()
