"""Alerts and advice: their rows of the need-to-know matrix (docs/access.md, "Alerts and
advice"), and the heightened alerts' rows of the surveys section.

*own* is an alert sent to site A, *other* one sent to site B (Tower Hamlets), *away* one sent to
site C (Hackney). A heightened alert: *own* of Tower Hamlets, *away* of Hackney.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from sanctuary.access.models import User
from sanctuary.alerts.models import Alert, AlertSite, AlertStatus
from sanctuary.registry.models import Site
from sanctuary.surveys.models import HeightenedAlert
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function, objects

_numbers = itertools.count(1)


def _site(cast: Cast, target: str) -> Site:
    site, _ = objects(cast, target)
    return site


def make_alert(site: Site, *, sent: bool = True, title: str = "") -> Alert:
    alert = Alert.objects.create(
        title=title or f"Matrix alert {next(_numbers)}", body="Lock the gates.",
        ask="We have locked the gates.", audience_chosen=True,
        status=AlertStatus.SENT if sent else AlertStatus.DRAFT,
        sent_at=timezone.now() if sent else None,
    )
    AlertSite.objects.create(alert=alert, site=site)
    return alert


def _done(response, done: bool) -> bool:
    assert response.status_code in {200, 201, 302, 403, 404, 422}, response.status_code
    return done


def probe_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_alert(_site(cast, target))
    response = client.get("/alerts/")
    assert response.status_code == 200
    return alert.title in response.content.decode()


def probe_new_page(client: Client, user: User, cast: Cast, target: str) -> bool:
    return function(client.get("/alerts/new/"))


def _form(site: Site, title: str) -> dict[str, object]:
    return {"title": title, "urgency": "warning", "body": "Brief your stewards.",
            "ask": "We have briefed our stewards.", "sites": [site.pk]}


def probe_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    title = f"Matrix new {next(_numbers)}"
    response = client.post("/alerts/new/", _form(_site(cast, target), title))
    return _done(response, Alert.objects.filter(title=title).exists())


def alert_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        alert = make_alert(_site(cast, target))
        return found(client.get(template.format(id=alert.pk)))

    return probe


def probe_edit(client: Client, user: User, cast: Cast, target: str) -> bool:
    site = _site(cast, target)
    alert = make_alert(site, sent=False)
    title = f"Matrix revised {next(_numbers)}"
    response = client.post(f"/alerts/{alert.pk}/edit/", _form(site, title))
    return _done(response, Alert.objects.get(pk=alert.pk).title == title)


def probe_send(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_alert(_site(cast, target), sent=False)
    response = client.post(f"/alerts/{alert.pk}/send/")
    return _done(response, Alert.objects.get(pk=alert.pk).status == AlertStatus.SENT)


def probe_withdraw(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_alert(_site(cast, target))
    response = client.post(f"/alerts/{alert.pk}/withdraw/", {"reason": "Sent in error."})
    return _done(response, Alert.objects.get(pk=alert.pk).status == AlertStatus.WITHDRAWN)


def probe_api_withdraw(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_alert(_site(cast, target))
    response = api_client_for(user).post(
        f"/api/alerts/{alert.pk}/withdraw", {"reason": "Sent in error."}, content_type="application/json",
    )
    return _done(response, Alert.objects.get(pk=alert.pk).status == AlertStatus.WITHDRAWN)


def probe_acknowledge(client: Client, user: User, cast: Cast, target: str) -> bool:
    site = _site(cast, target)
    alert = make_alert(site)
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"site": site.pk})
    return _done(response, AlertSite.objects.get(alert=alert).acknowledged_at is not None)


def probe_api_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    title = f"Matrix API {next(_numbers)}"
    response = api_client_for(user).post(
        "/api/alerts", {"title": title, "body": "Brief your stewards.", "ask": "Briefed.",
                        "audience": {"site_ids": [_site(cast, target).pk]}},
        content_type="application/json",
    )
    return _done(response, Alert.objects.filter(title=title).exists())


def probe_api_alert(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_alert(_site(cast, target))
    response = api_client_for(user).get(f"/api/alerts/{alert.pk}")
    return found(response)


# --- heightened alerts (surveys) ---------------------------------------------------------------


def make_heightened(cast: Cast, target: str) -> HeightenedAlert:
    today = timezone.localdate()
    return HeightenedAlert.objects.create(
        area=cast.area_2 if target == "away" else cast.area, level="severe", starts_on=today,
        ends_on=today + timedelta(days=7), reason=f"Matrix heightened {next(_numbers)}",
    )


def probe_heightened_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_heightened(cast, target)
    response = client.get("/risk/heightened/")
    assert response.status_code in {200, 403}, response.status_code
    return response.status_code == 200 and alert.reason in response.content.decode()


def probe_heightened_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    area = cast.area_2 if target == "away" else cast.area
    reason = f"Matrix raised {next(_numbers)}"
    today = timezone.localdate()
    response = client.post("/risk/heightened/", {
        "area": area.pk, "level": "severe", "starts_on": today, "ends_on": today + timedelta(days=3),
        "reason": reason,
    })
    return _done(response, HeightenedAlert.objects.filter(reason=reason).exists())


def probe_heightened_page(client: Client, user: User, cast: Cast, target: str) -> bool:
    return found(client.get(f"/risk/heightened/{make_heightened(cast, target).pk}/"))


def probe_heightened_end(client: Client, user: User, cast: Cast, target: str) -> bool:
    alert = make_heightened(cast, target)
    response = client.post(f"/risk/heightened/{alert.pk}/end/", {"reason": "Calm again"})
    return _done(response, HeightenedAlert.objects.get(pk=alert.pk).ended_on is not None)


PROBES: dict[str, Probe] = {
    "GET /alerts/": probe_list,
    "GET /alerts/new/": probe_new_page,
    "POST /alerts/new/": probe_new,
    "GET /alerts/{id}/": alert_page("/alerts/{id}/"),
    "POST /alerts/{id}/edit/": probe_edit,
    "POST /alerts/{id}/send/": probe_send,
    "POST /alerts/{id}/withdraw/": probe_withdraw,
    "POST /alerts/{id}/acknowledge/": probe_acknowledge,
    "POST /api/alerts": probe_api_new,
    "GET /api/alerts/{id}": probe_api_alert,
    "POST /api/alerts/{id}/withdraw": probe_api_withdraw,
    "GET /risk/heightened/": probe_heightened_list,
    "POST /risk/heightened/": probe_heightened_new,
    "GET /risk/heightened/{id}/": probe_heightened_page,
    "POST /risk/heightened/{id}/end/": probe_heightened_end,
}
