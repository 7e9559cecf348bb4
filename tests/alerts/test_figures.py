"""What alerts tell the partnership's picture: a contact's alerts to acknowledge, a sender's alerts
in force, a month's alerts sent, the share acknowledged and the heightened alerts raised."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import figures, services
from sanctuary.alerts.models import Alert
from sanctuary.surveys import services as survey_services
from tests.conftest import Cast


def _actor(cast: Cast, role: str) -> Actor:
    return Actor.person(cast.people[role], Channel.PAGE)


def _values(found) -> dict[str, object]:
    return {f.key: f.value for f in found}


def _send(cast: Cast, *sites, role: str = Role.PROGRAMME_ADMIN) -> Alert:
    return services.compose_and_send(
        _actor(cast, role), services.Content("t", "b", "a"),
        services.Audience(sites=list(sites)),
    )


def test_home_counts_what_a_contact_must_acknowledge_and_what_a_sender_waits_for(cast: Cast):
    first = _send(cast, cast.site_a, cast.site_b)
    _send(cast, cast.site_a)
    services.acknowledge(_actor(cast, Role.SITE_CONTACT), first, cast.site_a)
    assert _values(figures.home(_actor(cast, Role.SITE_CONTACT))) == {"alerts.to_acknowledge": 1}
    assert _values(figures.home(_actor(cast, Role.POLICE_SUPERVISOR))) == {
        "alerts.in_force": 2, "alerts.not_acknowledged": 2,
    }
    assert _values(figures.home(_actor(cast, "contact_c"))) == {"alerts.to_acknowledge": 0}


def test_the_month_counts_alerts_sent_to_the_area_and_the_share_acknowledged(cast: Cast):
    today = timezone.localdate()
    start, end = today.replace(day=1), today + timedelta(days=1)
    first = _send(cast, cast.site_a, cast.site_b)
    _send(cast, cast.site_c, role=Role.NATIONAL_ADMIN)  # Hackney's, not counted for Tower Hamlets
    services.acknowledge(_actor(cast, Role.SITE_CONTACT), first, cast.site_a)
    survey_services.raise_heightened_alert(
        _actor(cast, Role.PROGRAMME_ADMIN), area=cast.area, level="severe", starts_on=today,
        ends_on=today, reason="A surge",
    )
    found = _values(figures.month(_actor(cast, Role.NATIONAL_ADMIN), cast.area, start, end))
    assert found == {"alerts.sent": 1, "alerts.acknowledged_share": 50.0, "alerts.heightened": 1}
    empty = _values(figures.month(_actor(cast, Role.NATIONAL_ADMIN), cast.area, date(2020, 1, 1), date(2020, 2, 1)))
    assert empty == {"alerts.sent": 0, "alerts.acknowledged_share": None, "alerts.heightened": 0}
