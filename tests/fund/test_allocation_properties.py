"""Properties of the allocation as the workspace runs it, on rounds drawn by hypothesis (the
core's own properties are in tests/solvers): never over budget, at most one package a site, the
round's side rules honoured, never less risk removed than score-ranked greedy on the same round."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctuary.access.models import Role
from sanctuary.fund import allocating, tasks
from sanctuary.fund import awards_services as services
from sanctuary.fund.models import Allocation, AllocationStatus, Round
from sanctuary.registry.models import Faith
from tests.conftest import Cast, make_site
from tests.fund.awards_setup import apply, as_, make_round

MEASURES = ["door_hardening", "cctv_fixed", "lighting", "intruder_alarm", "fencing", "guards"]

site_strategy = st.fixed_dictionaries({
    "faith": st.sampled_from([Faith.ISLAM, Faith.CHRISTIANITY, Faith.JUDAISM]),
    "away": st.booleans(),
    "score": st.integers(min_value=0, max_value=100),
    "packages": st.lists(
        st.tuples(st.lists(st.sampled_from(MEASURES), min_size=1, max_size=3, unique=True),
                  st.integers(min_value=2, max_value=60)),
        min_size=1, max_size=3,
    ),
})


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    sites=st.lists(site_strategy, min_size=1, max_size=5),
    budget=st.integers(min_value=5, max_value=150),
    cap=st.none() | st.integers(min_value=5, max_value=100),
    share=st.none() | st.sampled_from([0.1, 0.25]),
)
def test_the_workspace_allocation_keeps_its_promises(cast: Cast, sites, budget, cap, share):
    rules: dict = {}
    if cap is not None:
        rules["max_per_group"] = {f"area:{cast.area.pk}": cap * 1000}
    if share is not None:
        rules["min_share"] = {"faith:christianity": share}
    round_ = make_round(cast, name=f"Drawn {Round.objects.count()}", national=True, budget=str(budget * 1000),
                        allocation_rules=rules)
    applicant = cast.person(Role.SITE_CONTACT)
    for index, drawn in enumerate(sites):
        site = make_site(f"Drawn site {Round.objects.count()}-{index}", cast.org_a,
                         faith=drawn["faith"],
                         **({"area": cast.area_2} if drawn["away"] else {}))
        packages = {
            label: ([{"measure": m} for m in measures], Decimal(cost * 1000))
            for label, (measures, cost) in zip(("minimal", "standard", "full"), drawn["packages"], strict=False)
        }
        apply(round_, site, applicant, score=drawn["score"], days_ago=index, packages=packages)
    started = services.start_allocation(as_(cast.person(Role.NATIONAL_ADMIN)), round_)
    tasks.allocate_round.call(started.pk)
    run = Allocation.objects.get(pk=started.pk)
    if run.status == AllocationStatus.FAILED:
        # only rules no allocation can meet may fail, and they say so
        assert "rules" in run.message or "min_share" in run.message
        return
    problem = allocating.round_problem(round_).problem
    chosen = run.result["chosen"]
    costs = {a.id: {p.id: p.cost for p in a.packages} for a in problem.applications}
    spent = sum(costs[site][package] for site, package in chosen.items())
    assert spent <= float(round_.budget) * (1 + 1e-9)
    assert set(chosen) <= set(costs)  # one package a site: a site is one key
    groups = {a.id: a.groups for a in problem.applications}
    for group, pounds in rules.get("max_per_group", {}).items():
        assert sum(costs[s][p] for s, p in chosen.items() if group in groups[s]) <= pounds * (1 + 1e-9)
    for group, fraction in rules.get("min_share", {}).items():
        floor = fraction * float(round_.budget)
        assert sum(costs[s][p] for s, p in chosen.items() if group in groups[s]) >= floor * (1 - 1e-9)
    greedy = run.baselines.get(method="greedy")
    if not greedy.result["violations"]:
        assert run.total_benefit >= greedy.total_benefit - 1e-6
