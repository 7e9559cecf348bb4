"""Fund fixtures: an open round for Tower Hamlets run by the council, another for Hackney run
by the national office, a two-criterion rubric, and small real PDFs for quotes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.fund import services
from sanctuary.fund.models import (
    Application,
    ApplicationStatus,
    Criterion,
    Package,
    Quote,
    Round,
    RoundStatus,
)
from sanctuary.registry.models import Organisation, OrganisationKind, Site
from tests.conftest import Cast, make_user

MEASURES = ["cctv_fixed", "fencing", "gates", "door_hardening", "glazing_protection"]


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "quote.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def actor(user) -> Actor:
    return Actor.person(user, Channel.PAGE)


def make_round(cast: Cast, *, away: bool = False, status: str = RoundStatus.OPEN, **fields) -> Round:
    today = timezone.localdate()
    managed_by = (
        Organisation.objects.get(kind=OrganisationKind.NATIONAL) if away else cast.council
    )
    values = {
        "name": "Hackney round" if away else "Tower Hamlets round",
        "managed_by": managed_by, "budget": Decimal("250000"),
        "opens_on": today - timedelta(days=10), "closes_on": today + timedelta(days=20),
        "status": status, "measures": MEASURES, "rules": {}, "bonuses": {"first_time": 5},
        "moderation_threshold": 10,
    }
    values.update(fields)
    made = Round.objects.create(**values)
    made.areas.set([cast.area_2 if away else cast.area])
    Criterion.objects.create(round=made, name="Need", weight=60, position=0,
                             descriptors=["none", "weak", "fair", "good", "thorough"])
    Criterion.objects.create(round=made, name="Plan", weight=40, position=1,
                             descriptors=["none", "weak", "fair", "good", "thorough"])
    return made


def make_application(
    cast: Cast, round_: Round, site: Site, *, status: str = ApplicationStatus.DRAFT,
    eligible: bool = True,
) -> Application:
    """An application as its applicant would leave it: a charity number, a package with a
    quote and a police letter (eligible), or none of that."""
    contact = {cast.site_a.pk: cast.person(Role.SITE_CONTACT), cast.site_b.pk: cast.person("contact_b"),
               cast.site_c.pk: cast.person("contact_c")}[site.pk]
    application = Application.objects.create(
        round=round_, site=site, organisation=site.operator, applicant=contact,
        charity_number="1234567" if eligible else "",
        prefill={"incidents": [], "recommendations": [{"measure": "cctv_fixed"}] if eligible else []},
    )
    if eligible:
        package = Package.objects.create(application=application, label="standard",
                                         measures=[{"measure": "cctv_fixed", "quantity": 1}],
                                         cost=Decimal("10000"), contribution=Decimal("2000"))
        quote = Quote(package=package, supplier="Secure Ltd", amount=Decimal("10000"))
        quote.file.save("q.pdf", io.BytesIO(pdf_bytes()), save=False)
        quote.save()
    services.refresh_eligibility(application)
    if status != ApplicationStatus.DRAFT:
        application.status = status
        application.submitted_at = timezone.now()
        application.save()
    return application


@dataclass
class Fund:
    cast: Cast
    round: Round
    away: Round

    @property
    def manager(self):
        return self.cast.person(Role.PROGRAMME_ADMIN)

    @property
    def assessor(self):
        return self.cast.person(Role.GRANT_ASSESSOR)


@pytest.fixture
def fund(cast: Cast, settings, tmp_path) -> Fund:
    settings.MEDIA_ROOT = tmp_path
    return Fund(cast, make_round(cast), make_round(cast, away=True))


@pytest.fixture
def second_assessor(cast: Cast):
    return make_user("assessor-2", cast.council, Role.GRANT_ASSESSOR)
