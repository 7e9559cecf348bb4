"""Background jobs of the fund, run by `sanctuary worker` (django-tasks, database backend): the
allocation of a round (progress in its row, which the page polls), the decision letters,
made as PDFs and e-mailed to the applicant, and the notices that an award's year of
maintenance is ending (fund/maintenance.py), queued daily by `sanctuary fund daily`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sanctuary.access.actor import Actor, Channel
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.fund import allocating, letters, maintenance
from sanctuary.fund.models import Allocation, AllocationStatus, Decision

WORKER = Actor.system("worker", Channel.JOB)


@task()
def allocate_round(allocation_id: int) -> str:
    """Allocate a round (fund/allocating.perform_allocation)."""
    run = Allocation.objects.select_related("round").filter(pk=allocation_id).first()
    if run is None or run.status not in (AllocationStatus.QUEUED, AllocationStatus.RUNNING):
        return "nothing to do"
    return allocating.perform_allocation(WORKER, run).status


@task()
def send_letter(decision_id: int) -> bool:
    """Make the decision's letter (PDF), keep it, and e-mail it to the applicant, once."""
    decision = (
        Decision.objects.select_related(
            "application__applicant", "application__site", "application__round", "package"
        )
        .filter(pk=decision_id)
        .first()
    )
    if decision is None or decision.emailed_at is not None:
        return False
    pdf = letters.letter_pdf(decision)
    applicant = decision.application.applicant
    with transaction.atomic():
        if not decision.letter:
            decision.letter.save(letters.file_name(decision), ContentFile(pdf), save=False)
            Decision.objects.filter(pk=decision.pk).update(letter=decision.letter.name)
        record(Action.UPDATE, actor=WORKER, obj=decision, detail={"letter": decision.letter.name})
    if not applicant.email:
        return False
    message = EmailMessage(
        letters.subject(decision),
        letters.covering_note(decision),
        settings.DEFAULT_FROM_EMAIL,
        [applicant.email],
    )
    message.attach(letters.file_name(decision), pdf, "application/pdf")
    message.send()
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(emailed_at=timezone.now())
        record(Action.UPDATE, actor=WORKER, obj=decision, detail={"emailed": applicant.email})
    return True


@task()
def send_maintenance_notices() -> int:
    """Today's notices that awards' years of maintenance are ending (fund/maintenance.py)."""
    return len(maintenance.send_notices_now(WORKER))


def enqueue_daily(**_: Any) -> None:
    """What `sanctuary fund daily` queues for the worker."""
    send_maintenance_notices.enqueue()
