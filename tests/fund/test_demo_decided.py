"""The demo's closed round loads: allocated, decided (funded and declined), installed, signed
off, claimed and re-surveyed, with risk lower after than before."""

from __future__ import annotations

import pytest

from sanctuary.access.actor import Actor
from sanctuary.fund import awards_policy, demo_decided, report
from sanctuary.fund.models import Allocation, Award, Decision, RoundStatus
from sanctuary.registry import demo as registry_demo
from sanctuary.surveys import demo as surveys_demo


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    registry_demo.load()
    surveys_demo.load()
    return demo_decided.load()


def test_the_closed_round_runs_from_allocation_to_re_survey(demo):
    round_ = demo
    assert round_.status == RoundStatus.FINISHED
    assert set(Allocation.objects.filter(round=round_).values_list("method", flat=True)) == {"optimal", "greedy", "fcfs"}
    decisions = Decision.objects.filter(application__round=round_)
    assert decisions.filter(funded=True).exists() and decisions.filter(funded=False).exists()
    awards = list(Award.objects.filter(application__round=round_))
    assert sum(a.amount for a in awards) <= round_.budget
    made = report.round_report(round_, list(awards_policy.visible_awards(Actor.system("test")).filter(application__round=round_)))
    assert made.measured, "some sites are re-surveyed"
    assert made.risk_after < made.risk_before
    assert made.paid > 0 and made.claimed >= made.paid


def test_the_demo_is_deterministic(demo):
    chosen = Allocation.objects.get(round=demo, method="optimal").result["chosen"]
    assert chosen, "something is funded"
    assert len(chosen) == Award.objects.filter(application__round=demo).count()
