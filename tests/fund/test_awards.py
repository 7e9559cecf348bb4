"""After the decision: the applicant accepts the award, records its installation with photos,
the area's security adviser signs it off (the year of maintenance, a re-survey, funded guards in
patrol planning), and claims are paid, never above what is left of the award."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctuary.access.models import Role
from sanctuary.access.policy import NotFound
from sanctuary.fund import awards_services as services
from sanctuary.fund.models import Award, ClaimStatus
from sanctuary.patrols.models import PatrolUnit, UnitKind
from sanctuary.surveys.models import SurveyStatus
from tests.conftest import Cast
from tests.fund.awards_setup import PACKAGES, as_, decide, jpeg, pdf


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def award_of_a(cast: Cast, **fields) -> Award:
    round_ = decide(cast, budget="5000", **fields)
    return Award.objects.get(application__round=round_)


def installed(cast: Cast, award: Award):
    contact = as_(award.application.applicant)
    services.accept_award(contact, award)
    today = timezone.localdate()
    installation = services.save_installation(contact, award, {
        "contractor": "Secure Doors Ltd", "planned_start": today, "planned_end": today,
        "actual_start": today, "actual_end": today,
    })
    services.add_installation_photo(contact, installation, SimpleUploadedFile("door.jpg", jpeg()), "New door")
    return installation


def test_the_applicant_accepts_and_records_the_installation(cast: Cast):
    award = award_of_a(cast)
    installation = installed(cast, award)
    award.refresh_from_db()
    assert award.accepted_at is not None
    assert installation.contractor == "Secure Doors Ltd" and installation.photos.count() == 1


def test_installation_waits_for_the_award_to_be_accepted(cast: Cast):
    award = award_of_a(cast)
    with pytest.raises(ValidationError) as refused:
        services.save_installation(as_(award.application.applicant), award, {"contractor": "X"})
    assert "award" in refused.value.message_dict


def test_another_organisation_cannot_accept_an_award(cast: Cast):
    award = award_of_a(cast)
    other = cast.person("contact_b") if award.application.site != cast.site_b else cast.person(Role.SITE_CONTACT)
    with pytest.raises(NotFound):
        services.accept_award(as_(other), award)


def test_the_adviser_signs_off_and_the_site_is_resurveyed_with_a_year_of_maintenance(cast: Cast):
    award = award_of_a(cast)
    installation = installed(cast, award)
    services.sign_off(as_(cast.person(Role.SECURITY_ADVISER)), installation)
    award.refresh_from_db()
    assert (award.maintenance_until - installation.actual_end).days == 365
    assert award.resurvey is not None and award.resurvey.site == award.application.site
    assert award.resurvey.status == SurveyStatus.SCHEDULED
    assert services.maintenance_state(award) == "running"


def test_only_the_area_s_adviser_signs_off(cast: Cast):
    award = award_of_a(cast)
    installation = installed(cast, award)
    with pytest.raises(NotFound):
        services.sign_off(as_(cast.person(Role.PROGRAMME_ADMIN)), installation)
    with pytest.raises(NotFound):
        services.sign_off(as_(award.application.applicant), installation)


def test_sign_off_needs_a_photo_of_what_was_installed(cast: Cast):
    award = award_of_a(cast)
    contact = as_(award.application.applicant)
    services.accept_award(contact, award)
    today = timezone.localdate()
    installation = services.save_installation(contact, award, {"contractor": "C", "actual_end": today})
    with pytest.raises(ValidationError) as refused:
        services.sign_off(as_(cast.person(Role.SECURITY_ADVISER)), installation)
    assert "photo" in refused.value.message_dict


def test_funded_guarding_becomes_a_guard_unit_in_patrol_planning(cast: Cast):
    guards_only = {"full": ([{"measure": "guards"}], Decimal("5000"))}
    from tests.fund.awards_setup import apply, make_round

    round_ = make_round(cast, budget="4000")
    apply(round_, cast.site_a, cast.person(Role.SITE_CONTACT), packages=guards_only)
    from sanctuary.fund import tasks
    from sanctuary.fund.models import Allocation

    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    started = services.start_allocation(manager, round_)
    tasks.allocate_round.call(started.pk)
    services.confirm_allocation(manager, Allocation.objects.get(pk=started.pk))
    award = Award.objects.get(application__round=round_)
    services.sign_off(as_(cast.person(Role.SECURITY_ADVISER)), installed(cast, award))
    unit = PatrolUnit.objects.get(site=cast.site_a)
    assert unit.kind == UnitKind.GUARD and unit.area == cast.site_a.area
    award.refresh_from_db()
    assert award.guard_unit == unit


def test_signed_off_guarding_comes_with_shifts_over_the_site_s_largest_gatherings(cast: Cast):
    """£5,000 of guarding at £26 an hour for each of two officers is 110 minutes a week: at
    Alpha Mosque (the calendar's defaults) that is Friday's Jumu'ah, the week's largest
    gathering, from 15 minutes before until 15 minutes after, at the site, for four weeks."""
    from datetime import timedelta

    from sanctuary.calendars import services as calendars
    from sanctuary.fund.guarding import guarding_hours_per_week

    award = guarded_award(cast)
    assert guarding_hours_per_week(award.package) == 110 / 60
    services.sign_off(as_(cast.person(Role.SECURITY_ADVISER)), installed(cast, award))
    award.refresh_from_db()
    shifts = list(award.guard_unit.shifts.order_by("start"))
    assert len(shifts) == 4
    first = timezone.localtime(shifts[0].start).date()
    monday = first - timedelta(days=first.weekday())
    found = calendars.gatherings([cast.site_a], monday, monday + timedelta(days=27))
    fridays = [g.gathering for g in found if g.gathering.kind == "jumuah"]
    assert [(s.start, s.end) for s in shifts] == [
        (g.start - timedelta(minutes=15), g.end + timedelta(minutes=15)) for g in fridays
    ]
    assert all(max(g.gathering.expected_attendance for g in found) == g.expected_attendance
               for g in fridays)
    assert all((s.base_latitude, s.base_longitude) == (cast.site_a.latitude, cast.site_a.longitude)
               for s in shifts)
    assert all((s.end - s.start).total_seconds() <= 110 * 60 for s in shifts)


def guarded_award(cast: Cast) -> Award:
    """An award of a package of guarding alone (£5,000) for site A."""
    from sanctuary.fund import tasks
    from sanctuary.fund.models import Allocation
    from tests.fund.awards_setup import apply, make_round

    round_ = make_round(cast, budget="4000")
    apply(round_, cast.site_a, cast.person(Role.SITE_CONTACT),
          packages={"full": ([{"measure": "guards"}], Decimal("5000"))})
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    started = services.start_allocation(manager, round_)
    tasks.allocate_round.call(started.pk)
    services.confirm_allocation(manager, Allocation.objects.get(pk=started.pk))
    return Award.objects.get(application__round=round_)


def claim(award: Award, amount: str):
    return services.submit_claim(
        as_(award.application.applicant), award, Decimal(amount), SimpleUploadedFile("invoice.pdf", pdf())
    )


def test_a_claim_above_what_is_left_of_the_award_is_refused(cast: Cast):
    award = award_of_a(cast)
    services.accept_award(as_(award.application.applicant), award)
    first = claim(award, str(award.amount - Decimal("100")))
    assert first.status == ClaimStatus.SUBMITTED and first.invoice.name
    with pytest.raises(ValidationError) as refused:
        claim(award, "100.01")
    assert "amount" in refused.value.message_dict
    claim(award, "100")
    assert award.claimed == award.amount


def test_a_rejected_claim_frees_its_amount_and_a_paid_one_is_dated(cast: Cast):
    award = award_of_a(cast)
    services.accept_award(as_(award.application.applicant), award)
    manager = as_(cast.person(Role.PROGRAMME_ADMIN))
    whole = claim(award, str(award.amount))
    services.set_claim_status(manager, whole, ClaimStatus.REJECTED)
    again = claim(award, str(award.amount))
    services.set_claim_status(manager, again, ClaimStatus.APPROVED)
    paid = services.set_claim_status(manager, again, ClaimStatus.PAID)
    assert paid.paid_at is not None
    with pytest.raises(ValidationError):
        services.set_claim_status(manager, paid, ClaimStatus.APPROVED)


def test_an_invoice_that_is_not_a_pdf_or_photo_is_refused(cast: Cast):
    award = award_of_a(cast)
    services.accept_award(as_(award.application.applicant), award)
    with pytest.raises(ValidationError):
        services.submit_claim(as_(award.application.applicant), award, Decimal("10"),
                              SimpleUploadedFile("invoice.pdf", b"%PDF-not really"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=st.lists(st.integers(min_value=1, max_value=6000), min_size=1, max_size=6))
def test_claims_together_never_exceed_the_award(cast: Cast, amounts):
    award = Award.objects.filter(application__site=cast.site_a).first() or award_of_a(cast)
    if award.accepted_at is None:
        services.accept_award(as_(award.application.applicant), award)
    award.claims.all().delete()
    for amount in amounts:
        with contextlib.suppress(ValidationError):
            claim(award, str(amount))
        assert award.claimed <= award.amount
    assert PACKAGES  # the packages the award was made from


def test_funded_guards_cover_their_site_in_the_patrol_plan(cast: Cast, settings):
    """The guard unit a sign-off makes stays at its site: with shifts, it covers the site's
    gatherings in the week's plan and is routed nowhere else."""
    from tests.patrols.conftest import Patrols, add_shifts, generate

    settings.PATROL_PLAN_SECONDS = 3
    from sanctuary.patrols.forms import next_monday

    week = next_monday()
    police = PatrolUnit.objects.create(name="TH Foot 1", kind="police", mode="bicycle",
                                       organisation=cast.police_unit, area=cast.area)
    add_shifts(police, week, 51.52, -0.05)
    guards = PatrolUnit.objects.create(name="Funded guards: Alpha Mosque", kind=UnitKind.GUARD,
                                       mode="foot", organisation=cast.org_a, area=cast.area,
                                       site=cast.site_a)
    add_shifts(guards, week, cast.site_a.latitude, cast.site_a.longitude)
    plan = generate(Patrols(cast, police, police, week))
    assert not plan.visits.filter(unit=guards).exists()
    at_a = [w for w in plan.windows if w["site"] == cast.site_a.pk]
    assert at_a and all(w["covered_by"] == "guards Funded guards: Alpha Mosque" for w in at_a)
