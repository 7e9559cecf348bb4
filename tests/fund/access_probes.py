"""The fund: its rows of the need-to-know matrix (docs/access.md, "Fund").

For rounds, *own* is an open Tower Hamlets round run by the cast's council, *away* an open
Hackney round run by the national office. For applications, *own* is site A's (organisation A,
the site contact's, a member of the coordinator's umbrella body) in the Tower Hamlets round,
with the cast's grant assessor assigned to it; *other* is site B's in the same round, assigned to
nobody in the table; *away* is site C's in the Hackney round. For assignments and scores, *own*
is the cast's grant assessor's on application A, *other* another assessor's on application B.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client

from sanctuary.access.models import Role, User
from sanctuary.fund.models import (
    Application,
    ApplicationStatus,
    AssessorAssignment,
    Evidence,
    Quote,
    Round,
    RoundStatus,
    Score,
)
from sanctuary.registry.models import Organisation, OrganisationKind
from tests.conftest import Cast, api_client_for, make_user
from tests.fund.conftest import make_application, make_round, pdf_bytes
from tests.matrix import Probe, found, function_page


def _round(cast: Cast, target: str) -> Round:
    away = target == "away"
    existing = Round.objects.filter(name="Hackney round" if away else "Tower Hamlets round").first()
    return existing or make_round(cast, away=away)


def _site(cast: Cast, target: str):
    return {"own": cast.site_a, "other": cast.site_b, "away": cast.site_c}[target]


def _application(cast: Cast, target: str, status: str = ApplicationStatus.SUBMITTED) -> Application:
    round_ = _round(cast, target)
    application = make_application(cast, round_, _site(cast, target), status=status)
    if target == "own":
        AssessorAssignment.objects.create(round=round_, application=application,
                                          assessor=cast.person(Role.GRANT_ASSESSOR))
    return application


def _refused_or_done(response, done: bool) -> bool:
    assert response.status_code in {200, 201, 302, 403, 404, 422}, response.status_code
    return done


def application_page(template: str, status: str = ApplicationStatus.SCORING) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        application = _application(cast, target, status)
        return found(client.get(template.format(id=application.pk)))

    return probe


def round_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return found(client.get(template.format(id=_round(cast, target).pk)))

    return probe


def probe_round_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    area = cast.area_2 if target == "away" else cast.area
    managed_by = cast.council if user.memberships.filter(organisation=cast.council).exists() else (
        Organisation.objects.get(kind=OrganisationKind.NATIONAL))
    response = client.post("/fund/rounds/new/", {
        "name": "Matrix round", "areas": [area.pk], "managed_by": managed_by.pk, "budget": "100000",
        "opens_on": "2030-01-01", "closes_on": "2030-02-01", "appeal_days": 14,
        "moderation_threshold": 10, "status": RoundStatus.DRAFT, "measures": ["cctv_fixed"],
        "rules": "{}", "bonuses": "{}",
        "rubric": '[{"name": "Need", "weight": 1, "descriptors": ["a", "b", "c", "d", "e"]}]',
    })
    return _refused_or_done(response, Round.objects.filter(name="Matrix round").exists())


def probe_round_edit(client: Client, user: User, cast: Cast, target: str) -> bool:
    round_ = _round(cast, target)
    response = client.post(f"/fund/rounds/{round_.pk}/edit/", {
        "name": "Matrix renamed", "areas": [a.pk for a in round_.areas.all()],
        "managed_by": round_.managed_by_id, "budget": "100000", "opens_on": round_.opens_on,
        "closes_on": round_.closes_on, "appeal_days": 14, "moderation_threshold": 10,
        "status": round_.status, "measures": round_.measures, "rules": "{}", "bonuses": "{}",
        "rubric": '[{"name": "Need", "weight": 1, "descriptors": ["a", "b", "c", "d", "e"]}]',
    })
    return _refused_or_done(response, Round.objects.get(pk=round_.pk).name == "Matrix renamed")


def probe_assign(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, "other" if target == "own" else "away")
    if target == "away":
        hackney = Organisation.objects.create(name="Hackney Council", kind=OrganisationKind.COUNCIL)
        hackney.areas.add(cast.area_2)
        assessor = make_user("hackney-assessor", hackney, Role.GRANT_ASSESSOR)
    else:
        assessor = cast.person(Role.GRANT_ASSESSOR)
    response = client.post(f"/fund/rounds/{application.round_id}/assign/",
                           {"application": application.pk, "assessor": assessor.pk})
    return _refused_or_done(response, application.assignments.filter(assessor=assessor).exists())


def probe_apply(client: Client, user: User, cast: Cast, target: str) -> bool:
    round_, site = _round(cast, target), _site(cast, target)
    response = client.post(f"/fund/rounds/{round_.pk}/apply/", {"site": site.pk})
    return _refused_or_done(response, Application.objects.filter(round=round_, site=site).exists())


def probe_draft(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.DRAFT)
    response = client.post(f"/fund/applications/{application.pk}/", {"need": "Matrix need"})
    application.refresh_from_db()
    return _refused_or_done(response, application.answers.get("need") == "Matrix need")


def probe_package(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.DRAFT)
    response = client.post(f"/fund/applications/{application.pk}/packages/", {
        "label": "minimal", "measures": ["gates"], "cost": "3000", "contribution": "600"})
    return _refused_or_done(response, application.packages.filter(label="minimal").exists())


def probe_evidence(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.DRAFT)
    response = client.post(f"/fund/applications/{application.pk}/evidence/",
                           {"kind": "worshippers_account", "text": "Matrix account"})
    return _refused_or_done(response, application.evidence.filter(text="Matrix account").exists())


def probe_submit(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.DRAFT)
    response = client.post(f"/fund/applications/{application.pk}/submit/")
    application.refresh_from_db()
    return _refused_or_done(response, application.status != ApplicationStatus.DRAFT)


def probe_withdraw(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.SUBMITTED)
    response = client.post(f"/fund/applications/{application.pk}/withdraw/", {"reason": "Matrix"})
    application.refresh_from_db()
    return _refused_or_done(response, application.status == ApplicationStatus.WITHDRAWN)


def probe_moderate(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.MODERATION)
    data: dict[str, object] = {f"level_{c.pk}": 2 for c in application.round.criteria.all()}
    data["reason"] = "Matrix moderation"
    response = client.post(f"/fund/applications/{application.pk}/moderate/", data)
    application.refresh_from_db()
    return _refused_or_done(response, application.status == ApplicationStatus.MODERATED)


def probe_quote(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.SCORING)
    quote = Quote.objects.get(package__application=application)
    response = client.get(f"/fund/quotes/{quote.pk}/")
    if found(response):
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        return True
    return False


def probe_evidence_file(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.SCORING)
    item = Evidence(application=application, kind="police_letter", text="Matrix letter")
    item.file.save("letter.pdf", ContentFile(pdf_bytes()), save=True)
    response = client.get(f"/fund/evidence/{item.pk}/")
    if found(response):
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        return True
    return False


def _assignment(cast: Cast, target: str) -> AssessorAssignment:
    if target == "own":
        application = _application(cast, "own", ApplicationStatus.SCORING)
        return application.assignments.get()
    application = _application(cast, "other", ApplicationStatus.SCORING)
    someone = make_user("assessor-other", cast.council, Role.GRANT_ASSESSOR)
    return AssessorAssignment.objects.create(round=application.round, application=application,
                                             assessor=someone)


def probe_assignment_page(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get(f"/fund/assignments/{_assignment(cast, target).pk}/"))


def probe_assignment_score(client: Client, user: User, cast: Cast, target: str) -> bool:
    assignment = _assignment(cast, target)
    criterion = assignment.round.criteria.first()
    assert criterion is not None
    response = client.post(f"/fund/assignments/{assignment.pk}/",
                           {f"level_{criterion.pk}": 3, f"comment_{criterion.pk}": "Matrix"})
    return _refused_or_done(response, assignment.scores.filter(level=3).exists())


def probe_conflict(client: Client, user: User, cast: Cast, target: str) -> bool:
    assignment = _assignment(cast, target)
    response = client.post(f"/fund/assignments/{assignment.pk}/conflict/", {"reason": "Matrix"})
    assignment.refresh_from_db()
    return _refused_or_done(response, assignment.conflict)


def probe_api_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.SCORING)
    response = api_client_for(user).get("/api/fund/applications")
    assert response.status_code == 200, response.status_code
    return application.pk in {item["id"] for item in response.json()["items"]}


def probe_api_read(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.SCORING)
    response = api_client_for(user).get(f"/api/fund/applications/{application.pk}")
    if found(response):
        assert response.json()["packages"][0]["label"] == "standard"
        return True
    return False


def probe_api_create(client: Client, user: User, cast: Cast, target: str) -> bool:
    round_, site = _round(cast, target), _site(cast, target)
    response = api_client_for(user).post(
        "/api/fund/applications", {"round": round_.pk, "site": site.pk}, content_type="application/json")
    assert response.status_code in {201, 404, 422}, response.status_code
    return Application.objects.filter(round=round_, site=site).exists()


def probe_api_update(client: Client, user: User, cast: Cast, target: str) -> bool:
    application = _application(cast, target, ApplicationStatus.DRAFT)
    response = api_client_for(user).patch(
        f"/api/fund/applications/{application.pk}", {"need": "Matrix API need"},
        content_type="application/json")
    assert response.status_code in {200, 404, 422}, response.status_code
    application.refresh_from_db()
    return application.answers.get("need") == "Matrix API need"


def probe_api_scores(client: Client, user: User, cast: Cast, target: str) -> bool:
    assignment = _assignment(cast, target)
    criterion = assignment.round.criteria.first()
    score = Score.objects.create(assignment=assignment, criterion=criterion, level=2, comment="Matrix")
    response = api_client_for(user).get("/api/fund/scores")
    assert response.status_code == 200, response.status_code
    return score.pk in {item["id"] for item in response.json()["items"]}


PROBES: dict[str, Probe] = {
    "GET /fund/": function_page("/fund/"),
    "GET /fund/rounds/new/": function_page("/fund/rounds/new/"),
    "POST /fund/rounds/new/": probe_round_new,
    "GET /fund/rounds/{id}/": round_page("/fund/rounds/{id}/"),
    "GET /fund/rounds/{id}/edit/": round_page("/fund/rounds/{id}/edit/"),
    "POST /fund/rounds/{id}/edit/": probe_round_edit,
    "POST /fund/rounds/{id}/assign/": probe_assign,
    "POST /fund/rounds/{id}/apply/": probe_apply,
    "GET /fund/applications/{id}/": application_page("/fund/applications/{id}/"),
    "POST /fund/applications/{id}/": probe_draft,
    "POST /fund/applications/{id}/packages/": probe_package,
    "POST /fund/applications/{id}/evidence/": probe_evidence,
    "POST /fund/applications/{id}/submit/": probe_submit,
    "POST /fund/applications/{id}/withdraw/": probe_withdraw,
    "POST /fund/applications/{id}/moderate/": probe_moderate,
    "GET /fund/quotes/{id}/": probe_quote,
    "GET /fund/evidence/{id}/": probe_evidence_file,
    "GET /fund/assignments/{id}/": probe_assignment_page,
    "POST /fund/assignments/{id}/": probe_assignment_score,
    "POST /fund/assignments/{id}/conflict/": probe_conflict,
    "GET /api/fund/applications": probe_api_list,
    "GET /api/fund/applications/{id}": probe_api_read,
    "POST /api/fund/applications": probe_api_create,
    "PATCH /api/fund/applications/{id}": probe_api_update,
    "GET /api/fund/scores": probe_api_scores,
}
