"""The demo's alerts: a heightened alert for Tower Hamlets' mosques with its alert sent, an advice
before the festivals, acknowledgements from organisation A's contact, and sites that have not."""

from __future__ import annotations

from datetime import date

import pytest

from sanctuary.alerts import demo
from sanctuary.alerts.models import AlertSite, AlertStatus, Delivery
from sanctuary.registry import demo as registry_demo
from sanctuary.registry.models import Faith
from sanctuary.surveys import demo as surveys_demo
from sanctuary.surveys.models import HeightenedAlert

WEDNESDAY = date(2026, 12, 2)


@pytest.fixture
def demo_alert(db):
    assert registry_demo.load()
    surveys_demo.load(today=WEDNESDAY)
    return demo.load(today=WEDNESDAY)


def test_the_demo_raises_a_heightened_alert_and_sends_its_alert_to_the_borough_s_mosques(demo_alert):
    heightened = HeightenedAlert.objects.get()
    assert heightened.alert == demo_alert
    assert heightened.in_force_on(WEDNESDAY)
    assert demo_alert.status == AlertStatus.SENT
    rows = AlertSite.objects.filter(alert=demo_alert).select_related("site", "site__area")
    assert rows.count() > 3
    assert {row.site.faith for row in rows} == {Faith.ISLAM}
    assert {row.site.area.name for row in rows} == {"Tower Hamlets"}
    # each site's listed secretary is sent it, and organisation A's contact once for all its sites
    deliveries = Delivery.objects.filter(alert=demo_alert)
    assert deliveries.filter(address="contact-a@example.org").count() == 1
    assert deliveries.count() == rows.count() + 1


def test_some_sites_acknowledged_and_some_did_not(demo_alert):
    rows = AlertSite.objects.filter(alert=demo_alert)
    acknowledged = rows.filter(acknowledged_at__isnull=False)
    assert acknowledged.exists()
    assert rows.filter(acknowledged_at__isnull=True).exists()
    assert {row.acknowledged_by.username for row in acknowledged} == {"contact-a"}
