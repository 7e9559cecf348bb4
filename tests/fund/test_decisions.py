"""Decisions: the fund manager confirms the allocation; award and decline letters (PDF, read back
by their text) are e-mailed by the worker to exactly the applicants; appeals in their window."""

from __future__ import annotations

import io
import time as clock
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from sanctuary.access.models import Role
from sanctuary.fund import awards_services as services
from sanctuary.fund import letters, tasks
from sanctuary.fund.models import (
    Allocation,
    AppealStatus,
    ApplicationStatus,
    Award,
    Decision,
    RoundStatus,
)
from tests.conftest import Cast
from tests.fund.awards_setup import as_, scored_round


def allocate(cast: Cast, round_) -> Allocation:
    started = services.start_allocation(as_(cast.person(Role.PROGRAMME_ADMIN)), round_)
    tasks.allocate_round.call(started.pk)
    return Allocation.objects.get(pk=started.pk)


def decided(cast: Cast, **fields):
    round_ = scored_round(cast, **fields)
    run = allocate(cast, round_)
    services.confirm_allocation(as_(cast.person(Role.PROGRAMME_ADMIN)), run)
    return round_, run


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_confirming_makes_a_decision_for_every_application_and_an_award_for_each_funded(cast: Cast):
    round_, run = decided(cast)
    decisions = Decision.objects.filter(application__round=round_)
    assert decisions.count() == 2
    funded = {str(d.application_id) for d in decisions if d.funded}
    assert funded == set(run.result["chosen"])
    awards = Award.objects.filter(application__round=round_)
    assert {str(a.application_id) for a in awards} == funded
    assert sum(a.amount for a in awards) <= round_.budget
    for award in awards:
        assert award.package.label == run.result["chosen"][str(award.application_id)]
        assert award.amount == award.package.cost - award.package.contribution
        assert award.risk_before == pytest.approx(award.package.risk_now)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DECIDED
    statuses = {d.application.status for d in decisions}
    assert statuses <= {ApplicationStatus.FUNDED, ApplicationStatus.DECLINED}


def test_a_round_is_confirmed_once(cast: Cast):
    round_, run = decided(cast)
    with pytest.raises(services.AllocationRefused):
        services.confirm_allocation(as_(cast.person(Role.PROGRAMME_ADMIN)), run)


def test_an_administrator_of_another_area_cannot_confirm(cast: Cast):
    from sanctuary.access.policy import NotFound

    round_ = scored_round(cast)
    run = allocate(cast, round_)
    with pytest.raises(NotFound):
        services.confirm_allocation(as_(cast.person(Role.SECURITY_ADVISER)), run)


def test_the_award_letter_says_the_amount_the_package_and_the_reasons(cast: Cast):
    round_, run = decided(cast, budget="5000")
    award = Award.objects.get(application__round=round_)
    decision = award.application.decision
    text = text_of(letters.letter_pdf(decision))
    assert "Award letter" in text
    assert f"£{award.amount:,.2f}".replace(",", "") in text.replace(",", "")
    assert award.application.site.name in text
    assert "Reasons" in text and "per £1,000" in text
    assert "appeal" in text.lower() and decision.appeal_until.strftime("%Y") in text


def test_the_decline_letter_gives_the_reasons_against_the_cut_off(cast: Cast):
    round_, run = decided(cast, budget="5000")
    decision = Decision.objects.get(application__round=round_, funded=False)
    text = text_of(letters.letter_pdf(decision))
    assert "Decision letter" in text and "not been funded" in text
    assert "cut-off" in text
    assert "Award letter" not in text


def test_the_worker_mails_each_letter_to_its_applicant_and_no_one_else(
    transactional_db, cast: Cast, mailbox
):
    contact_a, contact_b = cast.person(Role.SITE_CONTACT), cast.person("contact_b")
    contact_a.email, contact_b.email = "a@mosque.example.org", "b@church.example.org"
    contact_a.save()
    contact_b.save()
    round_ = scored_round(cast, budget="5000")
    allocate(cast, round_)
    call_command("db_worker", batch=True, interval=0.1, reload=False, startup_delay=False)
    run = Allocation.objects.get(round=round_, method="optimal")
    services.confirm_allocation(as_(cast.person(Role.PROGRAMME_ADMIN)), run)
    call_command("db_worker", batch=True, interval=0.1, reload=False, startup_delay=False)
    for _ in range(50):
        if len(mailbox) >= 2:
            break
        clock.sleep(0.05)
    assert sorted(r for rcpts, _ in mailbox for r in rcpts) == [
        "a@mosque.example.org", "b@church.example.org"
    ]
    for _recipients, content in mailbox:
        assert "application/pdf" in content
    assert Decision.objects.filter(application__round=round_, emailed_at__isnull=False).count() == 2
    assert all(d.letter for d in Decision.objects.filter(application__round=round_))


def test_an_applicant_appeals_within_the_window_and_the_manager_answers(cast: Cast):
    round_, run = decided(cast, budget="5000")
    decision = Decision.objects.get(application__round=round_, funded=False)
    applicant = as_(decision.application.applicant)
    appeal = services.lodge_appeal(applicant, decision, "Our crime references were not read.")
    with pytest.raises(ValidationError):
        services.lodge_appeal(applicant, decision, "Again")
    answered = services.answer_appeal(
        as_(cast.person(Role.PROGRAMME_ADMIN)), appeal, False, "The evidence was read; the cut-off stands."
    )
    assert answered.status == AppealStatus.DISMISSED and answered.decided_at is not None


def test_an_appeal_after_the_window_is_refused(cast: Cast):
    round_, run = decided(cast, budget="5000")
    decision = Decision.objects.get(application__round=round_, funded=False)
    late = decision.appeal_until + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.lodge_appeal(as_(decision.application.applicant), decision, "Late", today=late)
    assert "closed" in str(refused.value)


def test_another_organisation_cannot_appeal_a_decision(cast: Cast):
    from sanctuary.access.policy import NotFound

    round_, run = decided(cast, budget="5000")
    decision = Decision.objects.get(application__site=cast.site_a)
    with pytest.raises(NotFound):
        services.lodge_appeal(as_(cast.person("contact_b")), decision, "Not ours")
    assert timezone.now()  # nothing saved
    assert not decision.appeals.exists()


def test_an_upheld_appeal_funds_a_package_within_what_is_left_of_the_budget(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    round_, run = decided(cast, budget="5000")  # one of two minimal packages (4,800 each) fits
    round_.budget = Decimal("10000")  # more money came: 5,200 is left
    round_.save()
    declined = list(Decision.objects.filter(application__round=round_, funded=False))
    assert len(declined) == 1
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    for decision in declined:
        appeal = services.lodge_appeal(as_(decision.application.applicant), decision, "Read our letter.")
        with pytest.raises(ValidationError) as refused:  # the standard package asks more than is left
            services.answer_appeal(manager, appeal, True, "Upheld.", "standard")
        assert "left" in str(refused.value)
        services.answer_appeal(manager, appeal, True, "Upheld: the police letter was missed.", "minimal")
        decision.refresh_from_db()
        assert decision.funded and decision.package.label == "minimal"
        assert "On appeal" in decision.reasons
        assert Award.objects.get(application=decision.application).amount == decision.package.requested
    assert sum(a.amount for a in Award.objects.filter(application__round=round_)) <= round_.budget


def test_a_dismissed_appeal_funds_nothing(cast: Cast):
    round_, run = decided(cast, budget="5000")
    decision = Decision.objects.get(application__round=round_, funded=False)
    appeal = services.lodge_appeal(as_(decision.application.applicant), decision, "Please.")
    with pytest.raises(ValidationError):
        services.answer_appeal(as_(cast.person(Role.PROGRAMME_ADMIN)), appeal, False, "No.", "minimal")
    assert not Award.objects.filter(application=decision.application).exists()
