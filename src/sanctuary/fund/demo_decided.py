"""The demo's closed round (part 2 of the fund): Tower Hamlets' protective security fund of last
year, allocated where it removed most risk, decided, accepted, installed, signed off, claimed and
re-surveyed — so that its report shows risk before and after. Part 1's demo.py keeps the round in
progress.

Deterministic: the sites are the first of Tower Hamlets by name, packages and scores come from
a seeded random stream, dates are relative to today.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Membership, Role, User
from sanctuary.fund import allocating
from sanctuary.fund import awards_services as services
from sanctuary.fund.benefit import measure_ids
from sanctuary.fund.models import (
    Allocation,
    AllocationMethod,
    Application,
    ApplicationStatus,
    Award,
    ClaimStatus,
    Decision,
    Package,
    Round,
    RoundStatus,
)
from sanctuary.registry.models import Area, Organisation, Site, SiteStatus
from sanctuary.surveys.instrument import latest_instrument
from sanctuary.surveys.models import Answer, Survey, SurveyStatus

SEED = 14
ORG_A = "Eastside Muslim Welfare Trust"  # contact-a's
ORG_B = "Parish of St Anselm and St Brigid"  # contact-b's
NAME = "Tower Hamlets protective security fund (last year)"
SITES = 8
PACKAGES = [
    ("minimal", ["door_hardening", "lighting"]),
    ("standard", ["door_hardening", "cctv_fixed", "intruder_alarm"]),
    ("full", ["access_control", "cctv_fixed", "guards"]),
]
# (capital mid-range, roughly) pounds per measure, to price the demo's quotes
PRICES = {"door_hardening": 6000, "lighting": 3000, "cctv_fixed": 9000, "intruder_alarm": 4000,
          "access_control": 12000, "guards": 18000}


def _photo() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 110, 130)).save(out, format="JPEG")
    return SimpleUploadedFile("installed.jpg", out.getvalue())


def _invoice() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile("invoice.pdf", out.getvalue())


def _resurvey(award: Award, adviser: User, when: date) -> None:
    """The re-survey done: the last survey's answers, raised where the measures were installed."""
    survey = award.resurvey
    if survey is None:
        return
    earlier = (
        Survey.objects.filter(site=survey.site, status__in=[SurveyStatus.COMPLETED, SurveyStatus.REVIEWED])
        .exclude(pk=survey.pk).order_by("-completed_at").first()
    )
    answers: dict[str, tuple[int | None, bool]] = {}
    if earlier is not None:
        for answer in Answer.by_survey.of_surveys([earlier.pk]):
            answers[answer.question_id] = (answer.grade, answer.not_applicable)
    instrument = latest_instrument()
    for measure in measure_ids(award.package):
        for question, grade in instrument.improvements(measure).items():
            now, not_applicable = answers.get(question, (None, False))
            if not not_applicable and (now is None or now < grade):
                answers[question] = (int(grade), False)
    Answer.by_survey.bulk_create([
        Answer(survey=survey, question_id=q, grade=g, not_applicable=na, answered_by=adviser)
        for q, (g, na) in answers.items()
    ])
    Survey.objects.filter(pk=survey.pk).update(
        status=SurveyStatus.COMPLETED, instrument_version=instrument.version,
        started_at=timezone.now(), completed_at=timezone.now(), scheduled_for=when,
    )


def load(today: date | None = None) -> Round | None:
    today = today or timezone.localdate()
    area = Area.objects.filter(name="Tower Hamlets").first()
    council = Organisation.objects.filter(name="Borough Community Safety Team").first()
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "adviser"])}
    if area is None or council is None or len(users) < 2:
        return None
    stream = random.Random(SEED)
    manager = Actor.person(users["admin"], Channel.COMMAND)
    adviser = Actor.person(users["adviser"], Channel.COMMAND)
    round_ = Round.objects.create(
        name=NAME, managed_by=council, budget=Decimal("90000"), status=RoundStatus.SCORING,
        opens_on=today - timedelta(days=300), closes_on=today - timedelta(days=240),
        appeal_days=14, benefit_source="risk",
        allocation_rules={"max_per_group": {}, "min_share": {"faith:christianity": 0.1}},
        created_by=users["admin"],
    )
    round_.areas.set([area])
    active = Site.objects.filter(area=area, status=SiteStatus.ACTIVE, operator__isnull=False)
    sites = list(active.select_related("operator").order_by("name")[:SITES])
    for contact_organisation in (ORG_A, ORG_B):  # the demo's applicants have one each
        own = active.filter(operator__name=contact_organisation).order_by("name").first()
        if own is not None and own not in sites:
            sites.append(own)
    contacts = {
        m.organisation_id: m.user
        for m in Membership.objects.filter(
            organisation__in=[s.operator_id for s in sites], role=Role.SITE_CONTACT
        ).select_related("user")
    }
    for index, site in enumerate(sites):
        applicant = contacts.get(site.operator_id, users["admin"])
        application = Application.objects.create(
            round=round_, site=site, organisation=site.operator, applicant=applicant,
            status=ApplicationStatus.MODERATED, final_score=float(stream.randint(40, 90)),
            submitted_at=timezone.now() - timedelta(days=250 + index),
        )
        for label, measures in PACKAGES[: stream.randint(2, 3)]:
            cost = Decimal(sum(PRICES[m] for m in measures) + stream.randint(0, 40) * 100)
            Package.objects.create(
                application=application, label=label, measures=[{"measure": m} for m in measures],
                cost=cost, contribution=(cost * Decimal("0.2")).quantize(Decimal("1")),
            )
    run = Allocation.objects.create(round=round_, method=AllocationMethod.OPTIMAL, created_by=users["admin"])
    run = allocating.perform_allocation(manager, run)
    if run.status != "done":
        return round_
    services.confirm_allocation(manager, run, today=today - timedelta(days=220))
    Decision.objects.filter(application__round=round_).update(
        decided_at=timezone.now() - timedelta(days=220), appeal_until=today - timedelta(days=206),
    )
    for number, award in enumerate(Award.objects.filter(application__round=round_).order_by("pk")):
        if award.application.organisation.name == ORG_A:
            continue  # contact-a's award waits to be accepted (the demo's applicant journey)
        # The demo acts for organisations that have no login of their own.
        acting = Actor.system("demo")
        award = services.accept_award(acting, award)
        start = today - timedelta(days=180 - 10 * number)
        installation = services.save_installation(acting, award, {
            "contractor": ["Secure Doors Ltd", "Eastway Security", "Brightline Systems"][number % 3],
            "planned_start": start, "planned_end": start + timedelta(days=14),
            "actual_start": start + timedelta(days=3), "actual_end": start + timedelta(days=20),
        })
        services.add_installation_photo(acting, installation, _photo(), "What was installed")
        services.sign_off(adviser, installation)
        award.refresh_from_db()
        _resurvey(award, users["adviser"], start + timedelta(days=40))
        claim = services.submit_claim(acting, award, award.amount, _invoice())
        services.set_claim_status(manager, claim, ClaimStatus.APPROVED)
        if number % 2 == 0:
            services.set_claim_status(manager, claim, ClaimStatus.PAID)
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.FINISHED)
    round_.refresh_from_db()
    return round_
