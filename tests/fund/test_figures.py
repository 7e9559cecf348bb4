"""The fund's figures for the partnership's picture, through the doors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.fund import awards_services as services
from sanctuary.fund import figures
from sanctuary.fund.models import Award, ClaimStatus
from tests.conftest import Cast
from tests.fund.awards_setup import as_, decide, pdf, scored_round


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def values(found) -> dict:
    return {f.key: f.value for f in found}


def test_home_counts_a_manager_s_rounds_being_decided(cast: Cast):
    scored_round(cast)
    assert values(figures.home(as_(cast.person(Role.PROGRAMME_ADMIN))))["fund.rounds_open"] == 1
    assert figures.home(as_(cast.person(Role.SITE_CONTACT))) == []


def test_home_counts_awards_whose_maintenance_ends_within_a_month(cast: Cast):
    decide(cast, budget="100000")
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    today = timezone.localdate()
    Award.objects.filter(application__site=cast.site_a).update(maintenance_until=today + timedelta(days=10))
    Award.objects.filter(application__site=cast.site_b).update(maintenance_until=today + timedelta(days=200))
    assert values(figures.home(manager))["fund.maintenance_expiring"] == 1


def test_awards_per_faith_and_the_month_s_money(cast: Cast):
    decide(cast, budget="100000")
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    per_faith = figures.by_faith(manager, cast.area)
    awards = Award.objects.all()
    islam = sum((a.amount for a in awards if a.application.site.faith == "islam"), Decimal("0"))
    assert values(per_faith["islam"])["fund.awarded"] == islam
    assert values(per_faith["judaism"])["fund.awarded"] == 0
    award = awards.get(application__site=cast.site_a)
    contact = as_(award.application.applicant)
    services.accept_award(contact, award)
    claim = services.submit_claim(contact, award, Decimal("1000"), SimpleUploadedFile("i.pdf", pdf()))
    services.set_claim_status(manager, claim, ClaimStatus.APPROVED)
    services.set_claim_status(manager, claim, ClaimStatus.PAID)
    today = timezone.localdate()
    month = values(figures.month(manager, cast.area, today.replace(day=1), today + timedelta(days=1)))
    assert month["fund.spent"] == Decimal("1000")
    assert month["fund.committed"] == sum((a.amount for a in awards), Decimal("0"))
    # another area's administrator would see nothing: the police of the area see awards only
    police = values(figures.month(as_(cast.person(Role.POLICE_SUPERVISOR)), cast.area, today.replace(day=1), today + timedelta(days=1)))
    assert police["fund.spent"] == 0
