"""Every change on the fund's decided side (docs/fund-decisions.md): the allocation, decisions
and letters, appeals, awards, installation and sign-off, claims. One transaction each, with its
audit record; every function takes an Actor.

The allocation adapts the round's rows to the solver core (`solvers/allocation.py`): one
application is one "site" of the multiple-choice knapsack, its packages its choices (cost: what
the package asks of the fund, the quote less the applicant's contribution; benefit: the risk it
removes, `fund/benefit.py`), its groups "faith:<faith>" and "area:<area id>" for the side rules.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.audit.services import snapshot as _snapshot
from sanctuary.fund import allocating
from sanctuary.fund import awards_policy as policy
from sanctuary.fund import benefit as benefits
from sanctuary.fund.guarding import GUARDING_MEASURES, guarding_hours_per_week
from sanctuary.fund.models import (
    Allocation,
    AllocationMethod,
    AllocationStatus,
    Appeal,
    AppealStatus,
    Application,
    ApplicationStatus,
    Award,
    Claim,
    ClaimStatus,
    Decision,
    Installation,
    InstallationPhoto,
    Round,
    RoundStatus,
)
from sanctuary.fund.tasks import allocate_round, send_letter
from sanctuary.patrols.services import NoGatherings, fill_guard_shifts
from sanctuary.uploads import clean_document, clean_photo

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_INVOICE_BYTES = 10 * 1024 * 1024
MAINTENANCE_DAYS = 365
# A run still waiting or running after this long was lost (a worker stopped): another may start.
STALE_RUN = timedelta(minutes=30)


def snapshot(instance: Any) -> dict[str, Any]:
    """The audit snapshot, files by their stored name."""
    return {
        key: (value.name or "") if isinstance(value, FieldFile) else value
        for key, value in _snapshot(instance).items()
    }


class AllocationRefused(Exception):
    """An allocation that cannot be run or confirmed, in words for the fund manager."""


def _manager(actor: Actor, round_: Round) -> None:
    if not policy.may_manage(actor, round_):
        raise NotFound("No such round.")


@transaction.atomic
def start_allocation(actor: Actor, round_: Round) -> Allocation:
    """Queue an allocation of the round for the worker (fund/tasks.py); the page shows progress."""
    _manager(actor, round_)
    allocating.read_rules(round_)
    if round_.status in (RoundStatus.DECIDED, RoundStatus.FINISHED):
        raise AllocationRefused("This round is decided: its allocation no longer changes.")
    latest = policy.latest_run(round_)
    if (
        latest is not None
        and latest.status in (AllocationStatus.QUEUED, AllocationStatus.RUNNING)
        and timezone.now() - latest.created_at < STALE_RUN
    ):
        raise AllocationRefused("An allocation of this round is already running.")
    run = Allocation.objects.create(
        round=round_, method=AllocationMethod.OPTIMAL, created_by=actor.user,
        status=AllocationStatus.QUEUED, message="Waiting for the worker",
    )
    record(Action.CREATE, actor=actor, obj=run, after=snapshot(run))
    transaction.on_commit(lambda: allocate_round.enqueue(run.pk))
    return run


# --- decisions ------------------------------------------------------------------------------------


def _reasons(application: Application, explanation: dict[str, Any] | None, funded: bool,
             source: str) -> str:
    what = "the risk its measures remove" if source == benefits.RISK else "its moderated score"
    head = (
        "Your application is funded. The fund is shared where it removes most risk for each "
        f"pound; each package's benefit is {what}."
        if funded else
        "We are sorry: your application is not funded this round. The fund is shared where it "
        f"removes most risk for each pound; each package's benefit is {what}."
    )
    if explanation is None:
        return head + " None of its packages asked the fund for money."
    ratio = explanation.get("best_ratio") or 0
    cut = explanation.get("cut_off") or 0
    numbers = (
        f" Its best package removes {ratio * 1000:.3g} points of risk per £1,000 against the "
        f"round's cut-off of {cut * 1000:.3g} per £1,000."
    )
    return head + numbers + " In the allocation's words: " + explanation["text"]


@transaction.atomic
def confirm_allocation(actor: Actor, run: Allocation, today: date | None = None) -> list[Decision]:
    """The fund manager confirms the allocation: a decision for every application weighed,
    an award for each funded one, letters queued (fund/tasks.py)."""
    round_ = run.round
    _manager(actor, round_)
    run = Allocation.objects.select_for_update().get(pk=run.pk)
    if run.method != AllocationMethod.OPTIMAL or run.status != AllocationStatus.DONE:
        raise AllocationRefused("Only a finished optimal allocation can be confirmed.")
    if round_.status in (RoundStatus.DECIDED, RoundStatus.FINISHED) or run.confirmed_at:
        raise AllocationRefused("This round is already decided.")
    latest = policy.latest_run(round_)
    if latest is None or latest.pk != run.pk:
        raise AllocationRefused("A later allocation of this round exists: confirm that one.")
    today = today or timezone.localdate()
    chosen: dict[str, str] = run.result.get("chosen", {})
    explained = {e["application"]: e for e in run.result.get("explanations", [])}
    source = run.result.get("benefit_source", benefits.RISK)
    now = timezone.now()
    decisions = []
    for application in policy.applications_to_allocate(round_):
        key = str(application.pk)
        label = chosen.get(key)
        package = application.packages.filter(label=label).first() if label else None
        funded = package is not None
        decision = Decision.objects.create(
            application=application, package=package, funded=funded,
            reasons=_reasons(application, explained.get(key), funded, source),
            decided_at=now, appeal_until=today + timedelta(days=round_.appeal_days),
        )
        application.status = ApplicationStatus.FUNDED if funded else ApplicationStatus.DECLINED
        application.save(update_fields=["status", "updated_at"])
        record(Action.CREATE, actor=actor, obj=decision, after=snapshot(decision))
        if package is not None:
            award = Award.objects.create(
                application=application, package=package, amount=package.requested,
                risk_before=package.risk_now,
            )
            record(Action.CREATE, actor=actor, obj=award, after=snapshot(award))
        decisions.append(decision)
    run.confirmed_at = now
    run.save(update_fields=["confirmed_at"])
    round_.status = RoundStatus.DECIDED
    round_.save(update_fields=["status", "updated_at"])
    record(Action.UPDATE, actor=actor, obj=round_, detail={"decided": len(decisions)})
    for decision in decisions:
        transaction.on_commit(partial(send_letter.enqueue, decision.pk))
    return decisions


# --- appeals ------------------------------------------------------------------------------------


@transaction.atomic
def lodge_appeal(actor: Actor, decision: Decision, text: str, today: date | None = None) -> Appeal:
    decision = policy.get_own_decision(actor, decision.pk)
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Say why the decision should change."})
    if decision.appeal_until is None or today > decision.appeal_until:
        raise ValidationError({"text": "The window to appeal this decision has closed."})
    if decision.appeals.filter(status=AppealStatus.LODGED).exists():
        raise ValidationError({"text": "An appeal against this decision is already waiting."})
    appeal = Appeal.objects.create(decision=decision, text=text)
    record(Action.CREATE, actor=actor, obj=appeal, after=snapshot(appeal))
    return appeal


@transaction.atomic
def answer_appeal(
    actor: Actor, appeal: Appeal, upheld: bool, outcome: str, package_label: str = ""
) -> Appeal:
    """Uphold or dismiss an appeal, with reasons. Upholding an appeal against a decline may fund
    one of the application's packages, if what is left of the round's budget covers it: the
    decision becomes funded, an award is made, and the new letter is sent."""
    appeal = policy.get_appeal(actor, appeal.pk, for_edit=True)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Give the reasons for the answer."})
    if appeal.status != AppealStatus.LODGED:
        raise ValidationError({"outcome": "This appeal was already answered."})
    decision = Decision.objects.select_for_update().get(pk=appeal.decision_id)
    if package_label:
        if not upheld or decision.funded:
            raise ValidationError({"package": "Only an upheld appeal against a decline funds a package."})
        _fund_on_appeal(actor, decision, package_label, outcome)
    before = snapshot(appeal)
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED
    appeal.outcome, appeal.decided_at = outcome, timezone.now()
    appeal.save()
    record(Action.UPDATE, actor=actor, obj=appeal, before=before, after=snapshot(appeal))
    return appeal


def _fund_on_appeal(actor: Actor, decision: Decision, label: str, outcome: str) -> None:
    application = decision.application
    round_ = Round.objects.select_for_update().get(pk=application.round_id)
    package = application.packages.filter(label=label).first()
    if package is None:
        raise ValidationError({"package": "The application has no such package."})
    awarded = Award.objects.filter(application__round=round_).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    left = round_.budget - awarded
    if package.requested > left:
        raise ValidationError(
            {"package": f"The package asks £{package.requested:,.2f}; £{left:,.2f} of the budget is left."}
        )
    before = snapshot(decision)
    decision.funded, decision.package = True, package
    decision.reasons += f" On appeal: {outcome}"
    decision.letter, decision.emailed_at = "", None  # the new letter replaces the old
    decision.save()
    application.status = ApplicationStatus.FUNDED
    application.save(update_fields=["status", "updated_at"])
    award = Award.objects.create(application=application, package=package, amount=package.requested,
                                 risk_before=package.risk_now)
    record(Action.UPDATE, actor=actor, obj=decision, before=before, after=snapshot(decision))
    record(Action.CREATE, actor=actor, obj=award, after=snapshot(award), detail={"on_appeal": True})
    transaction.on_commit(partial(send_letter.enqueue, decision.pk))


# --- awards and installation ----------------------------------------------------------------------


@transaction.atomic
def accept_award(actor: Actor, award: Award) -> Award:
    award = policy.get_own_award(actor, award.pk)
    if award.accepted_at is None:
        award.accepted_at = timezone.now()
        award.save(update_fields=["accepted_at"])
        record(Action.UPDATE, actor=actor, obj=award, detail={"accepted": True})
    return award


def _accepted(award: Award) -> None:
    if award.accepted_at is None:
        raise ValidationError({"award": "Accept the award first."})


@transaction.atomic
def save_installation(actor: Actor, award: Award, fields: dict[str, Any]) -> Installation:
    """The applicant (or the fund manager) records the contractor and the dates."""
    if not policy.may_edit_installation(actor, award):
        raise NotFound("No such award.")
    award = Award.objects.get(pk=award.pk)
    _accepted(award)
    installation = Installation.objects.filter(award=award).first()
    if installation is not None and installation.signed_off_at is not None:
        raise ValidationError({"contractor": "Signed off: the installation no longer changes."})
    before = snapshot(installation) if installation else None
    installation = installation or Installation(award=award)
    for name in ("contractor", "planned_start", "planned_end", "actual_start", "actual_end"):
        if name in fields:
            setattr(installation, name, fields[name])
    if not (installation.contractor or "").strip():
        raise ValidationError({"contractor": "Name the contractor."})
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        if getattr(installation, start) and getattr(installation, end) and (
            getattr(installation, end) < getattr(installation, start)
        ):
            raise ValidationError({end: "The end cannot be before the start."})
    installation.save()
    record(Action.UPDATE if before else Action.CREATE, actor=actor, obj=installation,
           before=before, after=snapshot(installation))
    return installation


@transaction.atomic
def add_installation_photo(
    actor: Actor, installation: Installation, upload: Any, caption: str = ""
) -> InstallationPhoto:
    if not policy.may_edit_installation(actor, installation.award):
        raise NotFound("No such award.")
    clean = clean_photo(upload, max_bytes=MAX_PHOTO_BYTES)
    photo = InstallationPhoto(installation=installation, caption=caption[:200])
    photo.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(clean.data), save=False)
    photo.save()
    record(Action.CREATE, actor=actor, obj=photo, after=snapshot(photo))
    return photo


@transaction.atomic
def sign_off(actor: Actor, installation: Installation) -> Installation:
    """The security adviser of the site's area signs the installation off: the year of
    maintenance starts, a re-survey of the site is scheduled, and funded guarding becomes a
    patrol unit for the site's area."""
    installation = policy.get_installation_to_sign_off(actor, installation.pk)
    if installation.signed_off_at is not None:
        raise ValidationError({"installation": "Already signed off."})
    if installation.actual_end is None:
        raise ValidationError({"actual_end": "Record when the installation finished first."})
    if not installation.photos.exists():
        raise ValidationError({"photo": "A photo of what was installed is needed to sign off."})
    award = installation.award
    installation.signed_off_by, installation.signed_off_at = actor.user, timezone.now()
    installation.save(update_fields=["signed_off_by", "signed_off_at"])
    from sanctuary.surveys.services import schedule_survey

    site = award.application.site
    award.resurvey = schedule_survey(
        actor, site, scheduled_for=max(timezone.localdate(), installation.actual_end) + timedelta(days=14)
    )
    award.maintenance_until = installation.actual_end + timedelta(days=MAINTENANCE_DAYS)
    if GUARDING_MEASURES & set(benefits.measure_ids(award.package)):
        award.guard_unit = _guard_unit(actor, award)
    award.save(update_fields=["resurvey", "maintenance_until", "guard_unit"])
    record(Action.UPDATE, actor=actor, obj=installation, detail={"signed_off": True})
    record(Action.UPDATE, actor=actor, obj=award, after=snapshot(award))
    return installation


def _guard_unit(actor: Actor, award: Award) -> Any:
    from sanctuary.patrols.models import PatrolUnit, TravelMode, UnitKind

    site = award.application.site
    unit, made = PatrolUnit.objects.get_or_create(
        area=site.area, name=f"Funded guards: {site.name}"[:80],
        defaults={"kind": UnitKind.GUARD, "mode": TravelMode.FOOT,
                  "organisation": award.application.organisation, "site": site},
    )
    if made:
        record(Action.CREATE, actor=actor, obj=unit, after=snapshot(unit),
               detail={"funded_by_award": award.pk})
    try:
        fill_guard_shifts(actor, unit, guarding_hours_per_week(award.package))
    except NoGatherings as refused:
        # Signing off does not wait for the calendar: the unit stays without shifts, and says why.
        record(Action.UPDATE, actor=actor, obj=unit, detail={"shifts": str(refused)})
    return unit


def maintenance_state(award: Award, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if award.maintenance_until is None:
        return "not started"
    if today > award.maintenance_until:
        return "expired"
    if (award.maintenance_until - today).days <= 30:
        return "expires soon"
    return "running"


# --- claims -----------------------------------------------------------------------------------------


@transaction.atomic
def submit_claim(actor: Actor, award: Award, amount: Decimal, invoice: Any) -> Claim:
    """A claim against one's own award: never above the award less what is already claimed."""
    award = policy.get_own_award(actor, award.pk)
    award = Award.objects.select_for_update().get(pk=award.pk)  # one claim at a time
    _accepted(award)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Claim an amount above £0."})
    clean = clean_document(invoice, max_bytes=MAX_INVOICE_BYTES)
    claim = Claim(award=award, amount=amount)
    claim.full_clean(exclude=["invoice"])
    claim.invoice.save(f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False)
    claim.save()
    record(Action.CREATE, actor=actor, obj=claim, after=snapshot(claim))
    return claim


@transaction.atomic
def set_claim_status(actor: Actor, claim: Claim, status: str) -> Claim:
    claim = policy.get_claim(actor, claim.pk, for_edit=True)
    allowed: dict[str, set[str]] = {
        ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED},
        ClaimStatus.APPROVED: {ClaimStatus.PAID, ClaimStatus.REJECTED},
    }
    if status not in allowed.get(claim.status, set()):
        raise ValidationError({"status": f"A {claim.get_status_display().lower()} claim cannot become {status}."})
    before = snapshot(claim)
    claim.status = status
    if status == ClaimStatus.PAID:
        claim.paid_at = timezone.now()
    claim.save()
    record(Action.UPDATE, actor=actor, obj=claim, before=before, after=snapshot(claim))
    return claim


def invoice_bytes(claim: Claim) -> bytes:
    with default_storage.open(claim.invoice.name or "", "rb") as handle:
        return handle.read()
