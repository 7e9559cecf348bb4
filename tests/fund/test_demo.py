"""The demo's fund: a round in progress across Tower Hamlets and Hackney with applications in
every state of part 1, quotes as real PDFs, and a draft round for Tower Hamlets."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import demo as calendars_demo
from sanctuary.fund import demo
from sanctuary.fund.models import Application, ApplicationStatus, Quote, Round, RoundStatus
from sanctuary.incidents import demo as incidents_demo
from sanctuary.registry import demo as registry_demo
from sanctuary.surveys import demo as surveys_demo

WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def demo_round(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert registry_demo.load()
    calendars_demo.load(today=WEDNESDAY)
    incidents_demo.load()
    surveys_demo.load()
    return demo.load()


def test_the_demo_round_holds_applications_in_every_state(demo_round: Round):
    assert demo_round.status == RoundStatus.OPEN
    assert {a.name for a in demo_round.areas.all()} == {"Tower Hamlets", "Hackney"}
    states = dict(Application.objects.values_list("site__name", "status"))
    assert states == {
        "Eastside Central Masjid": ApplicationStatus.SCORED,
        "Eastside Stepney Prayer Hall": ApplicationStatus.DRAFT,
        "St Anselm's Church": ApplicationStatus.SUBMITTED,
        "St Brigid's Chapel of Ease": ApplicationStatus.INELIGIBLE,
        "Kingsland Road Masjid": ApplicationStatus.MODERATED,
        "Kingsland Road Women's Prayer Hall": ApplicationStatus.MODERATION,
    }
    scored = Application.objects.get(site__name="Eastside Central Masjid")
    assert scored.final_score is not None and scored.packages.count() == 3
    assert scored.prefill["recommendations"]  # the site's survey pre-filled it
    assert Round.objects.get(name=demo.DRAFT_ROUND).status == RoundStatus.DRAFT


def test_the_demo_quotes_are_pdfs_that_say_what_they_quote(demo_round: Round):
    quote = Quote.objects.filter(package__application__site__name="Eastside Central Masjid").first()
    assert quote is not None
    with quote.file.open("rb") as handle:
        text = PdfReader(handle).pages[0].extract_text()
    assert "Quotation" in text and "Eastside Central Masjid" in text


def test_the_demo_is_told_by_the_audit_log(demo_round: Round):
    assert AuditEvent.objects.filter(object_type="fund.score").count() >= 9
    assert AuditEvent.objects.filter(object_type="fund.moderation").count() == 1
