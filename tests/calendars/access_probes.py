"""Schedules, the borough's calendar, feeds and gatherings: their rows of the need-to-know matrix (docs/access.md)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from sanctuary.access.models import User
from sanctuary.calendars.models import Event, Feed, Schedule, Service
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function_page, lists, objects, page_lists_site, site_page


def _schedule_settings(timezone: str) -> dict[str, object]:
    return {
        "settings-timezone": timezone,
        "settings-daily_prayers": "faith",
        "settings-method": "MoonsightingCommittee",
        "settings-madhab": "shafi",
        "settings-high_latitude_rule": "",
        "settings-moon_sighting_offset": "0",
        "settings-faith_defaults": "on",
    }


_SERVICE = {
    "services-label": "Matrix service",
    "services-kind": "service",
    "services-rule": "FREQ=WEEKLY;BYDAY=MO",
    "services-start_time": "10:00",
    "services-duration_minutes": "60",
}


def probe_schedule_settings(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post(
        f"/sites/{site.pk}/schedule/settings/", _schedule_settings("Europe/Dublin")
    )
    assert response.status_code in {302, 404}, response.status_code
    saved = Schedule.objects.filter(site=site, timezone="Europe/Dublin").exists()
    assert saved == (response.status_code == 302)
    return saved


def probe_schedule_service(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/services/", _SERVICE)
    assert response.status_code in {302, 404}, response.status_code
    saved = Service.objects.filter(schedule__site=site, label="Matrix service").exists()
    assert saved == (response.status_code == 302)
    return saved


def probe_schedule_preview(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/preview/", {"part": "services", **_SERVICE})
    return found(response)


def probe_heat_map(client: Client, user: User, cast: Cast, target: str) -> bool:
    """The site's people count in the heat map: a 4,321-person night vigil tomorrow at 03:00."""
    site, _ = objects(cast, target)
    tomorrow = timezone.localdate() + timedelta(days=1)
    night = datetime.combine(tomorrow, time(3, 0), tzinfo=ZoneInfo("Europe/London"))
    Event.objects.create(
        schedule=Schedule.objects.get_or_create(site=site)[0],
        label="Matrix vigil",
        kind="vigil",
        start=night,
        end=night + timedelta(hours=1),
        expected_attendance=4321,
    )
    return lists(client.get(f"/calendar/heatmap/?start={tomorrow}"), 'data-people="4321"')


def probe_hour_list(client: Client, user: User, cast: Cast, target: str) -> bool:
    """The heat map's cell for 03:00 tomorrow lists the site's 4,321-person vigil."""
    site, _ = objects(cast, target)
    tomorrow = timezone.localdate() + timedelta(days=1)
    night = datetime.combine(tomorrow, time(3, 0), tzinfo=ZoneInfo("Europe/London"))
    Event.objects.create(
        schedule=Schedule.objects.get_or_create(site=site)[0],
        label="Matrix vigil",
        kind="vigil",
        start=night,
        end=night + timedelta(hours=1),
        expected_attendance=4321,
    )
    return lists(client.get(f"/calendar/day/?start={tomorrow}&hour=3"), "Matrix vigil")


def probe_feed_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = client.post("/calendar/feeds/", {"scope": "site", "site": site.pk})
    assert response.status_code in {200, 302, 404}, response.status_code
    created = Feed.every.filter(user=user, site=site).exists()
    assert created == (response.status_code == 302)
    return created


def probe_feed_ics(client: Client, user: User, cast: Cast, target: str) -> bool:
    """A feed made for the site (as if the site had been visible once), fetched with no login."""
    site, _ = objects(cast, target)
    feed = Feed.every.create(user=user, scope="site", site=site)
    response = Client().get(f"/calendar/feeds/{feed.key}.ics")
    if found(response):
        assert site.name in response.content.decode()
    return response.status_code == 200


def _week() -> str:
    today = timezone.localdate()
    return f"from={today}&to={today + timedelta(days=6)}"


def probe_api_gatherings(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).get(f"/api/gatherings?{_week()}")
    assert response.status_code == 200, response.status_code
    return site.pk in {item["site"] for item in response.json()}


def probe_api_gatherings_site(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    response = api_client_for(user).get(f"/api/gatherings?{_week()}&site={site.pk}")
    if found(response):
        assert {item["site"] for item in response.json()} == {site.pk}
    return response.status_code == 200


def probe_api_schedule(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    return found(api_client_for(user).get(f"/api/sites/{site.pk}/schedule"))


def _changed_by_post(client: Client, path: str, data: dict[str, str], changed) -> bool:
    response = client.post(path, data)
    assert response.status_code in {302, 404}, response.status_code
    done = changed()
    assert done == (response.status_code == 302)
    return done


def _timetable() -> str:
    day = timezone.localdate() + timedelta(days=1)
    return f"Date,Fajr,Sunrise,Dhuhr,Asr,Maghrib,Isha\n{day},06:00,07:30,12:10,14:00,16:05,17:40\n"


def probe_timetable_check(client: Client, user: User, cast: Cast, target: str) -> bool:
    """Checking an upload shows what it would change, and saves nothing."""
    site, _ = objects(cast, target)
    response = client.post(f"/sites/{site.pk}/schedule/timetable/", {"timetable-text": _timetable()})
    assert not Schedule.objects.filter(site=site).exclude(timetable_csv="").exists()
    return found(response)


def probe_timetable_apply(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    data = {"apply-csv": _timetable(), "apply-name": "matrix.csv", "apply-stored": ""}
    return _changed_by_post(
        client, f"/sites/{site.pk}/schedule/timetable/apply/", data,
        lambda: Schedule.objects.filter(site=site).exclude(timetable_csv="").exists(),
    )


def probe_timetable_remove(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    Schedule.objects.create(site=site, timetable_csv="x", timetable_name="old.csv")
    return _changed_by_post(
        client, f"/sites/{site.pk}/schedule/timetable/remove/", {},
        lambda: Schedule.objects.get(site=site).timetable_csv == "",
    )


def probe_row_remove(client: Client, user: User, cast: Cast, target: str) -> bool:
    site, _ = objects(cast, target)
    row = Service.objects.create(
        schedule=Schedule.objects.get_or_create(site=site)[0], label="Matrix row",
        rule="FREQ=WEEKLY;BYDAY=MO", start_time=time(10, 0), duration_minutes=60,
    )
    return _changed_by_post(
        client, f"/sites/{site.pk}/schedule/services/{row.pk}/remove/", {},
        lambda: not Service.objects.filter(pk=row.pk).exists(),
    )


def probe_feed_revoke(client: Client, user: User, cast: Cast, target: str) -> bool:
    owner = user if target == "own" else cast.people["contact_b"]
    feed = Feed.every.create(user=owner, scope="borough")
    return _changed_by_post(
        client, f"/calendar/feeds/{feed.pk}/revoke/", {},
        lambda: Feed.every.get(pk=feed.pk).revoked_at is not None,
    )


PROBES: dict[str, Probe] = {
    "POST /sites/{id}/schedule/timetable/": probe_timetable_check,
    "POST /sites/{id}/schedule/timetable/apply/": probe_timetable_apply,
    "POST /sites/{id}/schedule/timetable/remove/": probe_timetable_remove,
    "POST /sites/{id}/schedule/{part}/{row}/remove/": probe_row_remove,
    "POST /calendar/feeds/{id}/revoke/": probe_feed_revoke,
    "GET /sites/{id}/schedule/": site_page("/sites/{id}/schedule/"),
    "POST /sites/{id}/schedule/settings/": probe_schedule_settings,
    "POST /sites/{id}/schedule/services/": probe_schedule_service,
    "POST /sites/{id}/schedule/preview/": probe_schedule_preview,
    "GET /calendar/week/": page_lists_site("/calendar/week/"),
    "GET /calendar/day/": probe_hour_list,
    "GET /calendar/heatmap/": probe_heat_map,
    "GET /calendar/feeds/": function_page("/calendar/feeds/"),
    "POST /calendar/feeds/": probe_feed_new,
    "GET /calendar/feeds/{key}.ics": probe_feed_ics,
    "GET /api/gatherings": probe_api_gatherings,
    "GET /api/gatherings?site={id}": probe_api_gatherings_site,
    "GET /api/sites/{id}/schedule": probe_api_schedule,
}
