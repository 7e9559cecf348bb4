"""The demo's patrols: the East Division's units, a published plan for the week, check-ins for
what is past; the same on every build for the same day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from sanctuary.calendars import demo as calendars_demo
from sanctuary.patrols import demo
from sanctuary.patrols.models import CheckIn, PatrolUnit, PlanStatus
from sanctuary.registry import demo as registry_demo
from tests.patrols.test_planning import assert_feasible

WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def demo_plan(db):
    assert registry_demo.load()
    calendars_demo.load(today=WEDNESDAY)
    return demo.load(today=WEDNESDAY)


def test_the_demo_publishes_a_week_for_the_division_with_check_ins_for_the_past(demo_plan):
    plan = demo_plan
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.week_start == date(2026, 11, 30)
    assert {a.name for a in plan.areas.all()} == {"Tower Hamlets", "Hackney"}
    assert PatrolUnit.objects.filter(kind="steward").count() == 1
    assert plan.visits.count() > 50
    assert set(plan.visits.values_list("unit__area__name", flat=True)) == {"Tower Hamlets", "Hackney"}
    assert_feasible(plan)
    assert plan.bound >= plan.utility >= plan.baselines["uniform"]
    noon = datetime.combine(WEDNESDAY, time(12), tzinfo=ZoneInfo("Europe/London"))
    check_ins = CheckIn.objects.all()
    assert check_ins.exists() and all(c.visit.window_end < noon for c in check_ins)
    assert plan.visits.exclude(missed_reason="").exists()
