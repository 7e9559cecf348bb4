"""Scoring: two assessors each blind to the other's scores; conflicts declared and enforced;
a moderator settles differences above the round's threshold; every score and change audited;
applicants never see who scored them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sanctuary.access.models import Membership, Role
from sanctuary.audit.models import AuditEvent
from sanctuary.fund import services
from sanctuary.fund.models import ApplicationStatus, AssessorAssignment
from tests.conftest import api_client_for, log_in
from tests.fund.conftest import Fund, actor, make_application


@pytest.fixture
def submitted(fund: Fund):
    return make_application(fund.cast, fund.round, fund.cast.site_a, status=ApplicationStatus.SUBMITTED)


def _criteria(fund: Fund):
    return list(fund.round.criteria.all())


def _score(client, assignment: AssessorAssignment, levels: list[int], *, submit: bool = True):
    data = {}
    for criterion, level in zip(assignment.round.criteria.all(), levels, strict=True):
        data[f"level_{criterion.pk}"] = level
        data[f"comment_{criterion.pk}"] = f"level {level} because"
    if submit:
        data["submit"] = "1"
    return client.post(f"/fund/assignments/{assignment.pk}/", data)


def _two(fund: Fund, submitted, second_assessor):
    manager = actor(fund.manager)
    first = services.assign(manager, submitted, fund.assessor)
    second = services.assign(manager, submitted, second_assessor)
    return first, second


def test_each_assessor_sees_only_their_own_scores(fund: Fund, submitted, second_assessor, client):
    first, second = _two(fund, submitted, second_assessor)
    log_in(client, fund.assessor)
    _score(client, first, [4, 3], submit=False)
    other = log_in(type(client)(), second_assessor)
    page = other.get(f"/fund/assignments/{second.pk}/").content.decode()
    assert "level 4 because" not in page and "level 3 because" not in page
    # another assessor's sheet looks missing, to everyone but its assessor
    assert other.get(f"/fund/assignments/{first.pk}/").status_code == 404
    assert log_in(type(client)(), fund.manager).get(f"/fund/assignments/{first.pk}/").status_code == 404
    # in the API, too: only one's own
    own = api_client_for(second_assessor).get("/api/fund/scores").json()
    assert own["count"] == 0
    mine = api_client_for(fund.assessor).get("/api/fund/scores").json()
    assert {item["level"] for item in mine["items"]} == {4, 3}
    everything = api_client_for(fund.manager).get("/api/fund/scores").json()
    assert everything["count"] == 2


def test_close_scores_give_the_mean_with_bonuses(fund: Fund, submitted, second_assessor, client):
    first, second = _two(fund, submitted, second_assessor)
    log_in(client, fund.assessor)
    _score(client, first, [4, 2])  # 60*4+40*2 = 320 / 400 = 80
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SCORING  # waiting for the second
    log_in(client, second_assessor)
    _score(client, second, [3, 3])  # 75
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SCORED
    assert submitted.final_score == pytest.approx((80 + 75) / 2 + 5)  # first-time bonus of 5


def test_scores_apart_go_to_the_moderator_who_settles_them(fund: Fund, submitted, second_assessor, client):
    first, second = _two(fund, submitted, second_assessor)
    log_in(client, fund.assessor)
    _score(client, first, [4, 4])  # 100
    log_in(client, second_assessor)
    _score(client, second, [1, 1])  # 25
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.MODERATION and submitted.final_score is None
    manager = log_in(client, fund.manager)
    page = manager.get(f"/fund/applications/{submitted.pk}/").content.decode()
    assert "Settle the scores" in page
    need, plan = _criteria(fund)
    response = manager.post(f"/fund/applications/{submitted.pk}/moderate/", {
        f"level_{need.pk}": 3, f"level_{plan.pk}": 2, "reason": "The need is well evidenced"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.MODERATED
    assert submitted.final_score == pytest.approx((60 * 3 + 40 * 2) / 4 + 5)
    assert AuditEvent.objects.filter(object_type="fund.moderation").exists()


def test_submitted_scores_are_fixed_and_every_change_is_audited(fund: Fund, submitted, second_assessor, client):
    first, _ = _two(fund, submitted, second_assessor)
    log_in(client, fund.assessor)
    _score(client, first, [2, 2], submit=False)
    _score(client, first, [3, 2], submit=False)  # one level changed
    _score(client, first, [3, 2])
    changes = AuditEvent.objects.filter(object_type="fund.score")
    assert changes.filter(action="create").count() == 2
    assert changes.filter(action="update").count() == 1
    response = _score(client, first, [0, 0])
    assert response.status_code == 422
    assert "Your scores are submitted and can no longer change." in response.content.decode()
    assert sorted(first.scores.values_list("level", flat=True)) == [2, 3]


def test_an_assessor_of_the_applicants_umbrella_cannot_be_assigned(fund: Fund, submitted, second_assessor):
    Membership.objects.create(user=second_assessor, organisation=fund.cast.umbrella,
                              role=Role.UMBRELLA_COORDINATOR)
    with pytest.raises(services.ConflictOfInterest):
        services.assign(actor(fund.manager), submitted, second_assessor)
    assert not submitted.assignments.exists()


def test_auto_assign_skips_connected_assessors(fund: Fund, submitted, second_assessor):
    from tests.conftest import make_user

    third = make_user("assessor-3", fund.cast.council, Role.GRANT_ASSESSOR)
    Membership.objects.create(user=third, organisation=fund.cast.org_a, role=Role.SITE_CONTACT)
    assert services.auto_assign(actor(fund.manager), fund.round) == 2
    assigned = set(submitted.assignments.values_list("assessor__username", flat=True))
    assert assigned == {"assessor", "assessor-2"}


def test_a_declared_conflict_hides_the_application_and_frees_the_place(fund: Fund, submitted, second_assessor, client):
    first, _ = _two(fund, submitted, second_assessor)
    log_in(client, fund.assessor)
    assert client.get(f"/fund/applications/{submitted.pk}/").status_code == 200
    client.post(f"/fund/assignments/{first.pk}/conflict/", {"reason": "I worship there"})
    first.refresh_from_db()
    assert first.conflict and first.conflict_reason == "I worship there"
    assert client.get(f"/fund/applications/{submitted.pk}/").status_code == 404
    with pytest.raises(ValidationError):
        services.save_scores(actor(fund.assessor), first, {_criteria(fund)[0].pk: (4, "")})
    from tests.conftest import make_user

    third = make_user("assessor-3", fund.cast.council, Role.GRANT_ASSESSOR)
    services.assign(actor(fund.manager), submitted, third)  # the place is free again


def test_an_assessor_made_a_member_after_assignment_still_cannot_score(fund: Fund, submitted, second_assessor):
    first, _ = _two(fund, submitted, second_assessor)
    Membership.objects.create(user=fund.assessor, organisation=fund.cast.org_a, role=Role.SITE_CONTACT)
    with pytest.raises(services.ConflictOfInterest):
        services.save_scores(actor(fund.assessor), first, {_criteria(fund)[0].pk: (4, "")})


def test_applicants_never_see_who_scored_them(fund: Fund, submitted, second_assessor, client):
    first, second = _two(fund, submitted, second_assessor)
    services.save_scores(actor(fund.assessor), first, {c.pk: (3, "ok") for c in _criteria(fund)}, final=True)
    services.save_scores(actor(second_assessor), second, {c.pk: (3, "ok") for c in _criteria(fund)}, final=True)
    contact = fund.cast.person(Role.SITE_CONTACT)
    page = log_in(client, contact).get(f"/fund/applications/{submitted.pk}/").content.decode()
    assert "80.0 out of 100" in page  # 75 + first-time bonus
    for name in ("assessor-2", ">assessor<", "assessor,", "Assessor 1"):
        assert name not in page
    api = api_client_for(contact)
    assert api.get("/api/fund/scores").json()["count"] == 0
    assert "assessor" not in api.get(f"/api/fund/applications/{submitted.pk}").content.decode()


def test_only_the_fund_manager_of_the_round_assigns(fund: Fund, submitted, client):
    log_in(client, fund.cast.person(Role.GRANT_ASSESSOR))
    response = client.post(f"/fund/rounds/{fund.round.pk}/assign/",
                           {"application": submitted.pk, "assessor": fund.assessor.pk})
    assert response.status_code == 404
    assert not submitted.assignments.exists()
