"""Feeds made before feeds had options keep what they held: every gathering, every faith, the
daily prayers too (migration 0005; docs/schedules.md says why)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sanctuary.access.models import User

BEFORE = [("calendars", "0004_feed_managers")]
AFTER = [("calendars", "0005_feed_options")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_feed_made_before_options_holds_everything_after_the_migration():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("calendars")
    try:
        old = migrate(BEFORE)
        user = User.objects.create_user(username="early")  # only calendars went back
        old.get_model("calendars", "Feed")._base_manager.create(
            user_id=user.pk, scope="borough", key="k" * 43
        )
        new = migrate(AFTER)
        feed = new.get_model("calendars", "Feed")._base_manager.get(key="k" * 43)
        assert (feed.min_people, feed.faiths, feed.daily_prayers, feed.per_day) == (0, [], True, None)
    finally:
        migrate(latest)
