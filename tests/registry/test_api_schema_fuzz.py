"""Property test of the whole API against its own OpenAPI schema (schemathesis).

Requests generated from the schema, valid and invalid, sent as a site contact with a token: no
500, every status code, header and body as documented, bad input refused with a 4xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from sanctuary.access.models import ApiToken, Role
from sanctuary.calendars.models import (
    ConfirmedDate,
    CongregationRule,
    Event,
    JumuahSession,
    Schedule,
    Service,
)
from tests.conftest import Cast

# Rules across parameters that a schema cannot state (`to` not before `from`, at most 366 days,
# years the calendar tables cover; a typical peak above the capacity) refuse some schema-valid
# requests with their documented 422.
CROSS_PARAMETER_RULES = {
    "GET /api/gatherings",
    "PATCH /api/sites/{site_id}",
    # a site or an area, both coordinates or neither, a date not in the future; a message that
    # is not only spaces
    "POST /api/incidents",
    "POST /api/incidents/{incident_id}/messages",
    # a month that has begun (the schema states its form, not today's date, nor that year 0000
    # has no calendar)
    "GET /api/overview/{code}/monthly",
    # an audience of wards, areas, faiths and sites that exist and lie in the sender's areas
    "POST /api/alerts",
    # a reason that is not only spaces, for an alert that still stands
    "POST /api/alerts/{alert_id}/withdraw",
}


@pytest.fixture
def keep_test_connection_open() -> Iterator[None]:
    """As Django's test client does: the test's transaction must outlive each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def described_schedule(cast: Cast) -> None:
    """Every kind of schedule row, so that their fields appear in answers and meet the schema."""
    schedule = Schedule.objects.create(site=cast.site_a)
    CongregationRule.objects.create(schedule=schedule, prayer="isha", fixed_time=time(20, 0),
                                    months=[11, 12])
    JumuahSession.objects.create(schedule=schedule, winter_time=time(13, 15),
                                 summer_time=time(13, 30))
    Service.objects.create(schedule=schedule, label="Dars", rule="FREQ=WEEKLY;BYDAY=SA",
                           start_time=time(10, 0), duration_minutes=60,
                           starts_on=date(2026, 1, 3), cancelled=["2026-02-07"])
    start = datetime(2027, 1, 5, 19, 0, tzinfo=UTC)
    Event.objects.create(schedule=schedule, label="Vigil", kind="vigil", start=start,
                         end=start + timedelta(hours=1), expected_attendance=50)
    ConfirmedDate.objects.create(schedule=schedule, festival="Eid al-Fitr", date=date(2027, 3, 10))


@pytest.mark.parametrize("role", [Role.SITE_CONTACT, Role.PROGRAMME_ADMIN])
def test_every_api_operation_answers_generated_requests_as_its_schema_says(
    cast: Cast, keep_test_connection_open: None, described_schedule: None, role: str
):
    _, key = ApiToken.issue(cast.person(role), "fuzz", second_factor=True)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60, deadline=None, database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case) -> None:
            excluded = (
                [schemathesis.checks.positive_data_acceptance]
                if case.operation.label in CROSS_PARAMETER_RULES
                else []
            )
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"}, excluded_checks=excluded
            )

        answers_as_documented()
