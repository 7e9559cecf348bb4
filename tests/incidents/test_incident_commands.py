"""`sanctuary incidents check-surges` records the alerts the detector finds in the database."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from django.utils import timezone

from sanctuary.incidents.commands import check_surges, queue_daily
from sanctuary.incidents.models import Incident, SurgeAlertRecord
from tests.conftest import Cast


def test_check_surges_records_and_prints_the_alerts(cast: Cast, capsys):
    today = timezone.localdate()
    for back in range(90, 0, -1):
        for _ in range(15 if back <= 2 else (1 if back % 3 == 0 else 0)):
            Incident.objects.create(
                category="threats", severity="high", occurred_on=today - timedelta(days=back),
                area=cast.area, description="x", acknowledge_by=timezone.now(), first_action_by=timezone.now(),
            )
    assert check_surges(argparse.Namespace()) == 0
    printed = json.loads(capsys.readouterr().out)
    assert any(a["scope"] == "overall" and a["observed"] >= 15 for a in printed["alerts"])
    assert SurgeAlertRecord.objects.count() == len(printed["alerts"])


def test_daily_queues_the_background_work(db: None, capsys):
    from django_tasks_db.models import DBTaskResult

    assert queue_daily(argparse.Namespace()) == 0
    names = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert names == {"sanctuary.incidents.tasks.check_surges", "sanctuary.incidents.tasks.remind_handlers"}
