"""The fund's decided side: its rows of the need-to-know matrix (docs/access.md, "Fund:
decisions, awards, installation, claims").

For rounds, *own* is a Tower Hamlets round and *away* a Hackney one; for decisions, awards,
photos, claims and appeals, *own* is organisation A's (site A, Tower Hamlets), *other*
organisation B's in the same round, *away* organisation C's in a Hackney round. Objects are made
directly: the probes check the doors, not the solver.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role, User
from sanctuary.fund.models import (
    Allocation,
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
    Package,
    Round,
    RoundStatus,
)
from tests.conftest import Cast, api_client_for
from tests.fund.awards_setup import jpeg, pdf
from tests.matrix import Probe, found


def _round(cast: Cast, target: str, status: str = RoundStatus.SCORING) -> Round:
    today = timezone.localdate()
    round_ = Round.objects.create(
        name=f"Matrix round {target} {Round.objects.count()}", managed_by=cast.council,
        budget=Decimal("50000"), opens_on=today - timedelta(days=40),
        closes_on=today - timedelta(days=10), status=status,
    )
    round_.areas.set([cast.area_2 if target == "away" else cast.area])
    return round_


def _site(cast: Cast, target: str):
    return {"own": cast.site_a, "other": cast.site_b, "away": cast.site_c}[target]


def _applicant(cast: Cast, target: str) -> User:
    return {"own": cast.person(Role.SITE_CONTACT), "other": cast.person("contact_b"),
            "away": cast.person("contact_c")}[target]


def _application(cast: Cast, target: str, round_: Round | None = None) -> Application:
    round_ = round_ or _round(cast, target)
    site = _site(cast, target)
    application = Application.objects.create(
        round=round_, site=site, organisation=site.operator, applicant=_applicant(cast, target),
        status=ApplicationStatus.MODERATED, final_score=50, submitted_at=timezone.now(),
    )
    Package.objects.create(application=application, label="minimal",
                           measures=[{"measure": "door_hardening"}], cost=Decimal("5000"),
                           contribution=Decimal("1000"), benefit=1.0, risk_now=40.0, risk_after=39.0)
    return application


def _award(cast: Cast, target: str, *, accepted: bool = False) -> Award:
    application = _application(cast, target)
    package = application.packages.get()
    Decision.objects.create(application=application, package=package, funded=True,
                            reasons="Matrix reasons.", decided_at=timezone.now(),
                            appeal_until=timezone.localdate() + timedelta(days=14))
    return Award.objects.create(application=application, package=package, amount=package.requested,
                                risk_before=40.0,
                                accepted_at=timezone.now() if accepted else None)


def _installation(cast: Cast, target: str) -> Installation:
    award = _award(cast, target, accepted=True)
    installation = Installation.objects.create(award=award, contractor="Matrix Ltd",
                                               actual_end=timezone.localdate())
    photo = InstallationPhoto(installation=installation, caption="door")
    photo.photo.save("matrix.jpg", ContentFile(jpeg()), save=True)
    return installation


def _run(cast: Cast, target: str) -> Allocation:
    application = _application(cast, target)
    return Allocation.objects.create(
        round=application.round, method="optimal", status=AllocationStatus.DONE, progress=100,
        result={"chosen": {str(application.pk): "minimal"}, "explanations": [], "cost": 4000,
                "benefit": 1.0, "benefit_source": "risk"},
    )


def _claim(cast: Cast, target: str) -> Claim:
    award = _award(cast, target, accepted=True)
    claim = Claim(award=award, amount=Decimal("100"))
    claim.invoice.save("matrix.pdf", ContentFile(pdf()), save=True)
    return claim


def _done(response, done: bool) -> bool:
    assert response.status_code in {200, 302, 403, 404, 422}, response.status_code
    return done


def round_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return found(client.get(template.format(id=_round(cast, target).pk)))

    return probe


def probe_allocation_run(client: Client, user: User, cast: Cast, target: str) -> bool:
    round_ = _round(cast, target)
    response = client.post(f"/fund/rounds/{round_.pk}/allocation/run/")
    return _done(response, round_.allocations.exists())


def probe_allocation_progress(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get(f"/fund/allocations/{_run(cast, target).pk}/progress/"))


def probe_allocation_confirm(client: Client, user: User, cast: Cast, target: str) -> bool:
    run = _run(cast, target)
    response = client.post(f"/fund/allocations/{run.pk}/confirm/")
    return _done(response, Allocation.objects.get(pk=run.pk).confirmed_at is not None)


def probe_decisions(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target)
    response = client.get("/fund/decisions/")
    assert response.status_code in {200, 403}, response.status_code
    return response.status_code == 200 and f"/fund/decisions/{award.application.decision.pk}/" in response.content.decode()


def probe_letter(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target)
    return found(client.get(f"/fund/decisions/{award.application.decision.pk}/letter.pdf"))


def probe_appeal(client: Client, user: User, cast: Cast, target: str) -> bool:
    decision = _award(cast, target).application.decision
    response = client.post(f"/fund/decisions/{decision.pk}/appeal/", {"text": "Matrix appeal"})
    return _done(response, decision.appeals.exists())


def probe_appeal_answer(client: Client, user: User, cast: Cast, target: str) -> bool:
    decision = _award(cast, target).application.decision
    appeal = Appeal.objects.create(decision=decision, text="Matrix appeal")
    response = client.post(f"/fund/appeals/{appeal.pk}/answer/", {"upheld": "0", "outcome": "No."})
    return _done(response, Appeal.objects.get(pk=appeal.pk).status == AppealStatus.DISMISSED)


def probe_awards(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target)
    response = client.get("/fund/awards/")
    assert response.status_code in {200, 403}, response.status_code
    return response.status_code == 200 and f"/fund/awards/{award.pk}/" in response.content.decode()


def probe_award(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get(f"/fund/awards/{_award(cast, target).pk}/"))


def probe_accept(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target)
    response = client.post(f"/fund/awards/{award.pk}/accept/")
    return _done(response, Award.objects.get(pk=award.pk).accepted_at is not None)


def probe_installation(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target, accepted=True)
    response = client.post(f"/fund/awards/{award.pk}/installation/", {"contractor": "Matrix Ltd"})
    return _done(response, Installation.objects.filter(award=award).exists())


def probe_photo_upload(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target, accepted=True)
    installation = Installation.objects.create(award=award, contractor="Matrix Ltd")
    response = client.post(f"/fund/awards/{award.pk}/photos/",
                           {"photo": SimpleUploadedFile("door.jpg", jpeg()), "caption": "door"})
    return _done(response, installation.photos.exists())


def probe_photo(client: Client, user: User, cast: Cast, target: str) -> bool:
    photo = _installation(cast, target).photos.get()
    return found(client.get(f"/fund/photos/{photo.pk}/"))


def probe_sign_off(client: Client, user: User, cast: Cast, target: str) -> bool:
    installation = _installation(cast, target)
    response = client.post(f"/fund/awards/{installation.award_id}/sign-off/")
    return _done(response, Installation.objects.get(pk=installation.pk).signed_off_at is not None)


def probe_claim(client: Client, user: User, cast: Cast, target: str) -> bool:
    award = _award(cast, target, accepted=True)
    response = client.post(f"/fund/awards/{award.pk}/claims/",
                           {"amount": "100", "invoice": SimpleUploadedFile("invoice.pdf", pdf())})
    return _done(response, award.claims.exists())


def probe_claim_status(client: Client, user: User, cast: Cast, target: str) -> bool:
    claim = _claim(cast, target)
    response = client.post(f"/fund/claims/{claim.pk}/status/", {"status": "approved"})
    return _done(response, Claim.objects.get(pk=claim.pk).status == ClaimStatus.APPROVED)


def probe_invoice(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get(f"/fund/claims/{_claim(cast, target).pk}/invoice/"))


def probe_api_allocation(client: Client, user: User, cast: Cast, target: str) -> bool:
    run = _run(cast, target)
    return found(api_client_for(user).get(f"/api/fund/rounds/{run.round_id}/allocation"))


PROBES: dict[str, Probe] = {
    "GET /fund/rounds/{id}/allocation/": round_page("/fund/rounds/{id}/allocation/"),
    "POST /fund/rounds/{id}/allocation/run/": probe_allocation_run,
    "GET /fund/allocations/{id}/progress/": probe_allocation_progress,
    "POST /fund/allocations/{id}/confirm/": probe_allocation_confirm,
    "GET /fund/rounds/{id}/report/": round_page("/fund/rounds/{id}/report/"),
    "GET /fund/rounds/{id}/report.csv": round_page("/fund/rounds/{id}/report.csv"),
    "GET /fund/decisions/": probe_decisions,
    "GET /fund/decisions/{id}/letter.pdf": probe_letter,
    "POST /fund/decisions/{id}/appeal/": probe_appeal,
    "POST /fund/appeals/{id}/answer/": probe_appeal_answer,
    "GET /fund/awards/": probe_awards,
    "GET /fund/awards/{id}/": probe_award,
    "POST /fund/awards/{id}/accept/": probe_accept,
    "POST /fund/awards/{id}/installation/": probe_installation,
    "POST /fund/awards/{id}/photos/": probe_photo_upload,
    "GET /fund/photos/{id}/": probe_photo,
    "POST /fund/awards/{id}/sign-off/": probe_sign_off,
    "POST /fund/awards/{id}/claims/": probe_claim,
    "POST /fund/claims/{id}/status/": probe_claim_status,
    "GET /fund/claims/{id}/invoice/": probe_invoice,
    "GET /api/fund/rounds/{id}/allocation": probe_api_allocation,
}
