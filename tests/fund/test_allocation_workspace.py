"""The allocation of a round in the workspace: benefits from the risk model, the same answer as
the solver core on the same data, the baselines and explanations saved, the side rules read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.fund import allocating, tasks
from sanctuary.fund import awards_services as services
from sanctuary.fund.models import Allocation, AllocationStatus, Package, RoundStatus
from sanctuary.solvers import allocation as core
from sanctuary.surveys.assess import assess_one
from tests.conftest import Cast
from tests.fund.awards_setup import as_, scored_round


def manager(cast: Cast) -> Actor:
    return as_(cast.person(Role.PROGRAMME_ADMIN))


def run(cast: Cast, round_) -> Allocation:
    started = services.start_allocation(manager(cast), round_)
    tasks.allocate_round.call(started.pk)
    return Allocation.objects.get(pk=started.pk)


def test_each_package_benefit_is_the_risk_its_measures_remove(cast: Cast):
    round_ = scored_round(cast)
    allocating.round_problem(round_)
    now = assess_one(cast.site_a).risk.score
    packages = {p.label: p for p in Package.objects.filter(application__site=cast.site_a)}
    assert packages["minimal"].risk_now == pytest.approx(now)
    for package in packages.values():
        assert package.benefit == pytest.approx(package.risk_now - package.risk_after)
        assert package.benefit > 0
    # more measures never remove less risk
    assert packages["minimal"].benefit <= packages["standard"].benefit <= packages["full"].benefit


def test_the_moderated_score_is_the_documented_alternative_benefit(cast: Cast):
    round_ = scored_round(cast, benefit_source="score")
    built = allocating.round_problem(round_)
    scores = {a.id: {p.benefit for p in a.packages} for a in built.problem.applications}
    assert sorted(scores.values(), key=min) == [{55.0}, {80.0}]


def test_the_workspace_allocation_is_the_core_s_on_the_same_data(cast: Cast):
    round_ = scored_round(cast)
    done = run(cast, round_)
    assert done.status == AllocationStatus.DONE and done.progress == 100
    problem = allocating.round_problem(round_).problem
    expected = core.allocate(problem)
    assert done.result["chosen"] == dict(expected.chosen)
    assert done.total_benefit == pytest.approx(expected.benefit)
    assert done.total_cost <= round_.budget
    methods = {row.method: row for row in done.baselines.all()}
    assert set(methods) == {"greedy", "fcfs"}
    assert methods["greedy"].result["chosen"] == dict(core.greedy_by_score(problem).chosen)
    assert done.total_benefit >= methods["greedy"].total_benefit - 1e-9
    assert done.total_benefit >= methods["fcfs"].total_benefit - 1e-9
    explained = {e["application"] for e in done.result["explanations"]}
    assert explained == {a.id for a in problem.applications}
    assert "further" in done.result and done.result["further"]["extra"] == 100_000
    round_.refresh_from_db()
    assert round_.status == RoundStatus.ALLOCATED


def test_a_cap_per_area_is_honoured(cast: Cast):
    round_ = scored_round(cast, budget="100000",
                         allocation_rules={"max_per_group": {f"area:{cast.area.pk}": 20000}})
    done = run(cast, round_)
    assert float(done.total_cost) <= 20000 + 1e-6


def test_rules_no_allocation_can_meet_fail_with_a_message(cast: Cast):
    # a minimum share for a faith that applied for nothing
    round_ = scored_round(cast, allocation_rules={"min_share": {"faith:judaism": 0.5}})
    done = run(cast, round_)
    assert done.status == AllocationStatus.FAILED
    assert "judaism" in done.message or "rules" in done.message


def test_malformed_rules_are_refused_naming_the_field(cast: Cast):
    round_ = scored_round(cast, allocation_rules={"min_share": {"islam": 2}})
    with pytest.raises(ValidationError) as refused:
        services.start_allocation(manager(cast), round_)
    assert "allocation_rules" in refused.value.message_dict


def test_the_budget_is_never_exceeded_even_when_every_package_fits_alone(cast: Cast):
    round_ = scored_round(cast, budget="32000")
    done = run(cast, round_)
    assert Decimal(str(done.result["cost"])) <= Decimal("32000")


def test_applications_still_being_scored_are_left_out_and_counted(cast: Cast):
    from sanctuary.fund.models import Application, ApplicationStatus

    round_ = scored_round(cast)
    Application.objects.filter(site=cast.site_b).update(status=ApplicationStatus.MODERATION)
    done = run(cast, round_)
    assert set(done.result["chosen"]) | {e["application"] for e in done.result["explanations"]} == {
        str(Application.objects.get(site=cast.site_a).pk)
    }
    from django.test import Client

    from tests.conftest import log_in

    page = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN)).get(f"/fund/rounds/{round_.pk}/allocation/")
    assert "1 scored application weighed; 1 still being scored or moderated is left out" in page.content.decode()


def test_a_second_run_waits_for_the_first_unless_the_first_was_lost(cast: Cast):
    from datetime import timedelta

    from django.utils import timezone

    round_ = scored_round(cast)
    first = services.start_allocation(manager(cast), round_)
    with pytest.raises(services.AllocationRefused):
        services.start_allocation(manager(cast), round_)
    Allocation.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert services.start_allocation(manager(cast), round_).pk != first.pk


def test_rules_made_malformed_after_the_start_fail_the_run_with_the_field(cast: Cast):
    round_ = scored_round(cast)
    started = services.start_allocation(manager(cast), round_)
    type(round_).objects.filter(pk=round_.pk).update(allocation_rules={"min_share": {"islam": 0.2}})
    tasks.allocate_round.call(started.pk)
    failed = Allocation.objects.get(pk=started.pk)
    assert failed.status == AllocationStatus.FAILED
    assert "allocation_rules" in failed.message and "islam" in failed.message
