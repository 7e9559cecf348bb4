"""The demo's incidents: a year over both boroughs, a surge after the fictional trigger that the
nightly check finds, cases in every state, the reporting organisation's handler."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from sanctuary.access.models import Role, User
from sanctuary.incidents import demo
from sanctuary.incidents.models import Incident, Status, SurgeAlertRecord
from sanctuary.registry import demo as registry_demo
from tests.conftest import log_in

TODAY = date(2026, 11, 30)


@pytest.fixture
def demo_incidents(db: None) -> None:
    assert registry_demo.load()
    demo.load(today=TODAY)


def test_the_demo_has_a_year_of_incidents_in_every_state_over_both_boroughs(demo_incidents):
    incidents = Incident.objects.all()
    assert incidents.filter(occurred_on__lt=TODAY - timedelta(days=300)).exists()
    assert set(incidents.values_list("area__name", flat=True)) == {"Tower Hamlets", "Hackney"}
    assert set(incidents.values_list("status", flat=True)) == set(Status.values)
    assert incidents.filter(merged_into__isnull=False).exists()


def test_the_demo_surge_after_the_trigger_raises_an_alert(demo_incidents):
    trigger = TODAY - timedelta(days=demo.TRIGGER_DAYS_AGO)
    alerts = SurgeAlertRecord.objects.filter(scope="faith", key="islam", day__gte=trigger)
    assert alerts.exists()
    assert alerts.first().day <= trigger + timedelta(days=2)


def test_the_demo_is_the_same_each_time(db: None):
    registry_demo.load()
    demo.load(today=TODAY)
    first = list(Incident.objects.order_by("pk").values_list("occurred_on", "category", "status"))
    Incident.objects.all().delete()
    User.objects.filter(username__in=[u for u, _, _ in demo.DEMO_LOGINS]).delete()
    from sanctuary.registry.models import Organisation

    Organisation.objects.filter(name=demo.REPORTING).delete()
    demo.load(today=TODAY)
    second = list(Incident.objects.order_by("pk").values_list("occurred_on", "category", "status"))
    assert first == second


def test_the_reporting_organisations_handler_sees_its_own_cases(demo_incidents):
    helpline = User.objects.get(username="helpline")
    page = log_in(Client(), helpline).get("/incidents/?view=all").content.decode()
    own = Incident.objects.filter(handling_organisation__name=demo.REPORTING)
    assert own.exists()
    assert all(incident.reference in page for incident in own[:5])
    assert Role.CASE_HANDLER in helpline.memberships.values_list("role", flat=True)
