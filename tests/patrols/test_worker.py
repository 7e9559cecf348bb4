"""The plan job really runs on the database queue, as `sanctuary worker` runs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from sanctuary.access.models import Role
from sanctuary.patrols import services
from sanctuary.patrols.models import Plan, PlanStatus
from tests.patrols.conftest import Patrols


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_plan_job(patrols: Patrols):
    supervisor = patrols.actor(Role.POLICE_SUPERVISOR)
    plan = services.create_plan(supervisor, [patrols.cast.area], patrols.week)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.PLANNING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "sanctuary.patrols.tasks.plan_week"
    assert queued.args_kwargs["args"] == [plan.pk]
    # what `sanctuary worker --batch` runs: the database worker, until the queue is empty
    call_command("db_worker", batch=True, interval=0.1, reload=False, startup_delay=False)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.READY, plan.message
    assert plan.progress == 100 and plan.visits.exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
