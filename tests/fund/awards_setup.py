"""A round that has been scored, ready to allocate, for the tests of the decided side (part 2).

Made directly in the database (part 1's services apply and score; these tests begin after)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.fund.models import Application, ApplicationStatus, Package, Round, RoundStatus
from sanctuary.registry.models import Site
from tests.conftest import Cast

PACKAGES = {
    "minimal": ([{"measure": "door_hardening"}], Decimal("6000")),
    "standard": ([{"measure": "door_hardening"}, {"measure": "cctv_fixed"}], Decimal("18000")),
    "full": (
        [{"measure": "door_hardening"}, {"measure": "cctv_fixed"}, {"measure": "guards"}],
        Decimal("40000"),
    ),
}


def make_round(cast: Cast, *, budget: str = "30000", national: bool = False, **fields) -> Round:
    today = timezone.localdate()
    round_ = Round.objects.create(
        name=fields.pop("name", "Borough protective security fund 2026"),
        national=national,
        managed_by=cast.council,
        budget=Decimal(budget),
        opens_on=today - timedelta(days=60),
        closes_on=today - timedelta(days=20),
        status=fields.pop("status", RoundStatus.SCORING),
        **fields,
    )
    if not national:
        round_.areas.set([cast.area])
    return round_


def apply(round_: Round, site: Site, applicant, *, score: float = 60.0, days_ago: int = 30,
          packages: dict | None = None) -> Application:
    application = Application.objects.create(
        round=round_, site=site, organisation=site.operator, applicant=applicant,
        status=ApplicationStatus.MODERATED, final_score=score,
        submitted_at=timezone.now() - timedelta(days=days_ago),
    )
    for label, (measures, cost) in (packages or PACKAGES).items():
        Package.objects.create(application=application, label=label, measures=measures,
                               cost=cost, contribution=cost * Decimal("0.2"))
    return application


def scored_round(cast: Cast, **fields) -> Round:
    """Tower Hamlets' round: site A (organisation A) and site B (organisation B) applied."""
    round_ = make_round(cast, **fields)
    apply(round_, cast.site_a, cast.person(Role.SITE_CONTACT), score=55, days_ago=10)
    apply(round_, cast.site_b, cast.person("contact_b"), score=80, days_ago=30)
    return round_


def as_(user) -> Actor:
    return Actor.person(user, Channel.PAGE)


def jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), "grey").save(out, format="JPEG")
    return out.getvalue()


def pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def decide(cast: Cast, **fields) -> Round:
    """A scored round, allocated and confirmed by the programme administrator."""
    from sanctuary.fund import awards_services, tasks
    from sanctuary.fund.models import Allocation

    round_ = scored_round(cast, **fields)
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    started = awards_services.start_allocation(manager, round_)
    tasks.allocate_round.call(started.pk)
    awards_services.confirm_allocation(manager, Allocation.objects.get(pk=started.pk))
    return round_


def resurvey(award, adviser):
    """A completed adviser survey of the award's site, answered as the package's measures leave
    it (each question they raise at the grade they achieve)."""
    from sanctuary.fund.benefit import measure_ids
    from sanctuary.surveys.instrument import latest_instrument
    from sanctuary.surveys.models import Answer, Survey, SurveyKind, SurveyStatus

    instrument = latest_instrument()
    survey = Survey.objects.create(
        site=award.application.site, kind=SurveyKind.ADVISER, status=SurveyStatus.COMPLETED,
        instrument_version=instrument.version, adviser=adviser, completed_at=timezone.now(),
    )
    grades: dict[str, int] = {}
    for measure in measure_ids(award.package):
        for question, grade in instrument.improvements(measure).items():
            grades[question] = max(grades.get(question, 0), int(grade))
    Answer.by_survey.bulk_create(
        [Answer(survey=survey, question_id=q, grade=g) for q, g in grades.items()]
    )
    award.resurvey = survey
    award.save(update_fields=["resurvey"])
    return survey
