"""A week's plan made by the real job from the registry and the calendars: feasible routes,
exact coverage, reproducible by seed, stewards at their own site, edits and publishing."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.patrols import planning, policy, services, tasks
from sanctuary.patrols.models import PatrolUnit, Plan, PlanStatus
from sanctuary.solvers.rosters import is_feasible
from sanctuary.solvers.travel import Mode, StraightLineTravelTimes
from sanctuary.surveys.models import HeightenedAlert
from tests.patrols.conftest import Patrols, add_shifts, generate


def assert_feasible(plan: Plan) -> None:
    """Checked from the stored rows alone: every visit inside its gathering and its shift, with
    time to travel (straight line x circuity, as the planner assumes) between them."""
    travel = StraightLineTravelTimes()
    by_shift = defaultdict(list)
    for visit in plan.visits.select_related("shift", "site", "unit"):
        by_shift[visit.shift].append(visit)
    for shift, visits in by_shift.items():
        visits.sort(key=lambda v: v.start)
        mode = Mode(shift.unit.mode)
        here = np.array([[shift.base_latitude, shift.base_longitude]])
        free = shift.start
        for visit in visits:
            there = np.array([[visit.site.latitude, visit.site.longitude]])
            seconds = int(travel.matrix(mode, here, there)[0, 0])
            assert visit.arrive >= free + timedelta(seconds=seconds) - timedelta(seconds=1)
            assert visit.window_start <= visit.start and visit.start >= visit.arrive
            assert visit.end <= visit.window_end
            here, free = there, visit.end
        back = int(travel.matrix(mode, here, np.array([[shift.base_latitude, shift.base_longitude]]))[0, 0])
        assert free + timedelta(seconds=back) <= shift.end + timedelta(seconds=1)


def test_a_generated_week_is_feasible_and_its_numbers_are_consistent(patrols: Patrols):
    plan = generate(patrols)
    assert plan.status == PlanStatus.READY and plan.progress == 100
    assert plan.visits.exists()
    assert_feasible(plan)
    # the planner's own independent checker agrees on the drawn roster
    built = planning.build_problem(plan)
    outcome = planning.solve(built)
    assert outcome is not None
    assert is_feasible(built.problem, outcome.table, outcome.result.rosters[outcome.drawn])
    # coverage shown is the mixture's exact marginals, and the bound is never below the plan
    result = outcome.result
    marginals = np.zeros(len(built.problem.windows))
    for roster, p in zip(result.rosters, result.probabilities, strict=True):
        for route in roster:
            marginals[list(route)] += p
    assert np.allclose(marginals, result.coverage, atol=1e-9)
    assert plan.bound >= plan.utility - 1e-9
    assert plan.gap == pytest.approx(plan.bound - plan.utility)
    assert plan.utility >= plan.baselines["uniform"] - 1e-9
    # every window of the review table carries its coverage
    stored = {w["key"]: w["coverage"] for w in plan.windows}
    for window, c in zip(built.problem.windows, result.coverage, strict=True):
        assert stored[window.id] == pytest.approx(float(c), abs=1e-6)


def test_the_same_seed_gives_the_same_plan(patrols: Patrols):
    first = generate(patrols)
    second = generate(patrols)
    def visits(plan):
        return [(v.unit_id, v.site_id, v.start) for v in plan.visits.order_by("start", "unit_id")]
    assert visits(first) == visits(second)


def test_a_plan_for_an_area_uses_only_its_units_and_sites(patrols: Patrols):
    plan = generate(patrols)
    assert set(plan.visits.values_list("unit__area", flat=True)) == {patrols.cast.area.pk}
    assert patrols.cast.site_c.pk not in set(plan.visits.values_list("site", flat=True))


def test_a_steward_covers_only_their_own_site(patrols: Patrols):
    steward = PatrolUnit.objects.create(
        name="Alpha stewards", kind="steward", mode="foot", organisation=patrols.cast.org_a,
        area=patrols.cast.area, site=patrols.cast.site_a,
    )
    add_shifts(steward, patrols.week, patrols.cast.site_a.latitude, patrols.cast.site_a.longitude)
    plan = generate(patrols)
    assert not plan.visits.filter(unit=steward).exists()  # stewards are not routed anywhere
    at_a = [w for w in plan.windows if w["site"] == patrols.cast.site_a.pk]
    assert at_a and all(w["covered_by"] == "steward Alpha stewards" for w in at_a)
    assert all(w["coverage"] == 1.0 for w in at_a)
    assert not plan.visits.filter(site=patrols.cast.site_a).exists()


def test_without_shifts_every_gathering_says_why_it_cannot_be_reached(patrols: Patrols):
    patrols.unit.shifts.all().delete()
    plan = generate(patrols)
    assert plan.status == PlanStatus.READY
    assert not plan.visits.exists()
    assert "No patrol unit is on shift" in plan.message
    assert plan.windows and all(w["reason"] == "no unit is on shift this week" for w in plan.windows)


def test_a_gathering_outside_every_shift_is_named_unreachable(patrols: Patrols):
    # shifts end at 08:00: evening prayers and Friday's midday cannot be reached
    for shift in patrols.unit.shifts.all():
        shift.end = shift.start + timedelta(hours=2)
        shift.save()
    plan = generate(patrols)
    reasons = {w["reason"] for w in plan.windows}
    assert "no unit is on shift then" in reasons


def test_cancelling_stops_the_job_and_says_so(patrols: Patrols):
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = services.create_plan(supervisor, [patrols.cast.area], patrols.week)
    services.cancel_planning(supervisor, plan)
    assert tasks.run_plan(plan.pk) == "cancelled"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED and plan.message == "Cancelled"
    assert not plan.visits.exists()


def test_cancel_is_noticed_while_planning(patrols: Patrols):
    """The planner asks the row between steps: a cancel set during the search stops it."""
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = services.create_plan(supervisor, [patrols.cast.area], patrols.week)
    reporter = tasks._Reporter(plan.pk)
    reporter.progress(0.5, "Pricing rosters")
    plan.refresh_from_db()
    assert plan.progress == 50 and plan.message == "Pricing rosters"
    assert not reporter.cancelled()
    Plan.objects.filter(pk=plan.pk).update(cancel_requested=True)
    reporter.last_read = 0.0
    assert reporter.cancelled()


def test_excluding_a_unit_and_pinning_a_visit_recompute_the_plan(patrols: Patrols):
    second = PatrolUnit.objects.create(
        name="TH Car 2", kind="enforcement", mode="car", organisation=patrols.cast.council,
        area=patrols.cast.area,
    )
    add_shifts(second, patrols.week, 51.51, -0.03)
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = generate(patrols)
    pinned = plan.visits.filter(unit=patrols.unit).first()
    assert pinned is not None
    services.pin_visit(supervisor, pinned, True)
    services.change_plan(supervisor, plan, dwell_minutes=20, excluded=[second])
    assert tasks.run_plan(plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY
    assert not plan.visits.filter(unit=second).exists()
    kept = plan.visits.get(pk=pinned.pk)
    assert kept.pinned and kept.start == pinned.start
    assert plan.visits.exclude(shift=pinned.shift).filter(dwell_minutes=20).count() == (
        plan.visits.exclude(shift=pinned.shift).count()
    )
    assert_feasible(plan)
    window = next(w for w in plan.windows if w["key"] == pinned.window_key)
    assert window["covered_by"] == "a pinned visit"


def test_a_published_plan_is_read_only_and_publishing_is_audited(patrols: Patrols):
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = generate(patrols)
    services.publish_plan(supervisor, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at
    assert AuditEvent.objects.filter(object_type="patrols.plan", object_id=str(plan.pk),
                                     detail__published=True).exists()
    with pytest.raises(services.PlanLocked):
        services.change_plan(supervisor, plan, dwell_minutes=10, excluded=[])
    with pytest.raises(services.PlanLocked):
        services.pin_visit(supervisor, plan.visits.first(), True)
    with pytest.raises(services.PlanLocked):
        services.publish_plan(supervisor, plan)


def test_gathering_values_come_from_the_risk_model(patrols: Patrols):
    """One function makes every site's risk; a larger gathering is worth more."""
    plan = generate(patrols)
    values = {}
    for w in plan.windows:
        values.setdefault(w["site"], []).append((w["attendance"], w["value"]))
    for pairs in values.values():
        pairs.sort()
        assert all(a[1] <= b[1] + 1e-9 for a, b in zip(pairs, pairs[1:], strict=False))
    site = patrols.cast.site_a
    risk = planning.site_risk_for(site, [], patrols.week)
    assert 0 < risk.score <= 100


def test_a_surge_re_plans_the_rest_of_the_week_keeping_what_is_past(patrols: Patrols):
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    add_shifts(patrols.unit, monday, 51.52, -0.05)
    plan = services.create_plan(supervisor, [patrols.cast.area], monday, seed=5)
    tasks.run_plan(plan.pk)
    plan.refresh_from_db()
    services.publish_plan(supervisor, plan)
    before = {w["key"]: w for w in Plan.objects.get(pk=plan.pk).windows}
    moment = timezone.now()
    past = {v.pk: v.start for v in plan.visits.filter(start__lt=moment)}

    services.surge_replan(supervisor, plan, "severe")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PLANNING
    # officers still see it while it is re-planned
    officer = patrols.actor(Role.PATROL_OFFICER)
    assert policy.visible_plans(officer).filter(pk=plan.pk).exists()
    tasks.run_plan(plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.threat_level == "severe"
    assert "threat level severe" in plan.message
    kept = {v.pk: v.start for v in plan.visits.filter(pk__in=past)}
    assert kept == past  # what is past stays as it was
    assert all(v.start >= plan.replanned_from for v in plan.visits.exclude(pk__in=past))
    assert_feasible(plan)
    # the attacker's stakes rose with the threat level; the gathering's loss did not
    for window in plan.windows:
        old = before.get(window["key"])
        if old and window["payoffs"] and old["payoffs"]:
            assert window["payoffs"][3] > old["payoffs"][3]
            assert window["payoffs"][1] == pytest.approx(old["payoffs"][1])


def test_a_cancelled_surge_leaves_the_published_plan_as_it_was(patrols: Patrols):
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = generate(patrols)
    services.publish_plan(supervisor, plan)
    visits = set(plan.visits.values_list("pk", flat=True))
    services.surge_replan(supervisor, plan, "critical")
    services.cancel_planning(supervisor, plan)
    assert tasks.run_plan(plan.pk) == "cancelled"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert set(plan.visits.values_list("pk", flat=True)) == visits


def test_with_a_routing_server_the_plan_travels_at_its_times(patrols: Patrols, settings):
    """PATROL_OSRM_SERVERS names a server per mode; the stand-in answers OSRM's table API."""
    from tests.solvers.osrm_stand_in import osrm_stand_in

    with osrm_stand_in(metres_per_second=1.0) as (url, requests):  # slower than any estimate
        settings.PATROL_OSRM_SERVERS = f"bicycle={url}"
        plan = generate(patrols)
    assert requests and all("/table/v1/bicycle/" in r for r in requests)
    assert plan.status == PlanStatus.READY and plan.visits.exists()
    from sanctuary.solvers.travel import haversine_km

    by_shift = defaultdict(list)
    for visit in plan.visits.select_related("shift", "site"):
        by_shift[visit.shift_id].append(visit)
    for visits in by_shift.values():
        visits.sort(key=lambda v: v.start)
        shift = visits[0].shift
        here = np.array([[shift.base_latitude, shift.base_longitude]])
        free = shift.start
        for visit in visits:
            there = np.array([[visit.site.latitude, visit.site.longitude]])
            metres = float(haversine_km(here, there)[0, 0]) * 1000
            assert (visit.arrive - free).total_seconds() >= np.ceil(round(metres, 1) - 1e-9) - 1
            here, free = there, visit.end


def test_a_local_heightened_alert_raises_only_its_sites_gatherings_on_its_days(patrols: Patrols):
    """The planner values a gathering at the level a site's risk page shows for that day: the
    national level, raised by a heightened alert in force for the site (docs/risk-model.md)."""
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = services.create_plan(supervisor, [patrols.cast.area], patrols.week, seed=3)
    before = {w.key: w for w in planning.build_problem(plan).windows}
    alert_day = patrols.week + timedelta(days=2)
    alert = HeightenedAlert.objects.create(
        area=patrols.cast.area, starts_on=alert_day, ends_on=alert_day, level="critical",
        reason="An attack abroad",
    )
    alert.sites.add(patrols.cast.site_a)
    after = {w.key: w for w in planning.build_problem(plan).windows}
    assert before.keys() == after.keys()
    raised = [
        key for key, w in after.items()
        if w.site == patrols.cast.site_a.pk and w.start.startswith(alert_day.isoformat())
    ]
    assert raised, "the cast's site A has no gathering on the alert's day"
    for key, window in after.items():
        if not window.payoffs:
            continue
        if key in raised:
            assert window.payoffs[3] > before[key].payoffs[3]  # the attacker's stakes rose
        else:
            assert window.payoffs == before[key].payoffs
