"""Award and decline letters: a PDF (WeasyPrint) with the decision's reasons, the award's amount
and conditions, and how to appeal (docs/fund-decisions.md, 3)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from sanctuary.fund.models import Decision
from sanctuary.links import absolute_url


def subject(decision: Decision) -> str:
    verdict = "Award" if decision.funded else "Decision"
    return f"{verdict}: {decision.application.round.name}, {decision.application.site.name}"


def file_name(decision: Decision) -> str:
    kind = "award" if decision.funded else "decision"
    return f"{kind}-letter-{decision.application.pk}.pdf"


def covering_note(decision: Decision) -> str:
    return (
        f"Hello,\n\nThe decision on your application to {decision.application.round.name} for "
        f"{decision.application.site.name} is attached as a letter (PDF), with its reasons.\n\n"
        "You can read it, accept an award or appeal the decision in Sanctuary under Fund: "
        f"{absolute_url(reverse('fund_decisions'))}\n"
    )


def letter_pdf(decision: Decision) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a letter is made

    application = decision.application
    html = render_to_string(
        "fund/letter.html",
        {"decision": decision, "application": application, "round": application.round,
         "package": decision.package},
    )
    return HTML(string=html, base_url=".").write_pdf()
