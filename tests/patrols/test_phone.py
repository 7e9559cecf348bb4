"""The officer's phone: today's route, check-in and check-out with time and position, refused
far from the site or outside the gathering, accepted once only, a missed visit's reason."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.patrols.models import CheckIn, PatrolUnit, Plan, PlannedVisit, PlanStatus
from tests.conftest import Cast, log_in


@pytest.fixture
def visit(cast: Cast) -> PlannedVisit:
    """A published visit of the officer's unit to site A, in a gathering that is on now."""
    unit = PatrolUnit.objects.create(name="TH Foot 1", kind="police", mode="foot",
                                     organisation=cast.police_unit, area=cast.area)
    unit.officers.add(cast.person(Role.PATROL_OFFICER))
    plan = Plan.objects.create(week_start=timezone.localdate(), status=PlanStatus.PUBLISHED)
    plan.areas.set([cast.area])
    now = timezone.now()
    return PlannedVisit.objects.create(
        plan=plan, unit=unit, site=cast.site_a, window_key="w", window_label="Jumu'ah",
        window_start=now - timedelta(minutes=20), window_end=now + timedelta(minutes=40),
        arrive=now - timedelta(minutes=5), start=now,
    )


def officer(cast: Cast) -> Client:
    return log_in(Client(), cast.person(Role.PATROL_OFFICER))


def send(client: Client, visit: PlannedVisit, **fields) -> dict:
    body = {"client_id": str(uuid.uuid4()), "kind": "in", "at": timezone.now().isoformat(),
            "latitude": visit.site.latitude, "longitude": visit.site.longitude, **fields}
    response = client.post(f"/patrols/visits/{visit.pk}/check-in/", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_todays_route_shows_the_next_visit_with_directions(cast: Cast, visit: PlannedVisit):
    page = officer(cast).get("/patrols/today/").content.decode()
    assert "Next: Alpha Mosque" in page
    assert f"geo:{visit.site.latitude},{visit.site.longitude}" in page
    assert "openstreetmap.org/directions" in page


def test_a_check_in_at_the_site_in_the_window_is_accepted(cast: Cast, visit: PlannedVisit):
    answer = send(officer(cast), visit)
    assert answer == {"accepted": True, "reason": "", "duplicate": False, "id": answer["id"]}
    check_in = CheckIn.objects.get()
    assert check_in.accepted and check_in.officer == cast.person(Role.PATROL_OFFICER)


def test_a_check_in_far_from_the_site_is_refused_with_the_distance(cast: Cast, visit, settings):
    settings.PATROL_CHECKIN_RADIUS_METRES = 100
    answer = send(officer(cast), visit, latitude=visit.site.latitude + 0.01)  # about 1.1 km north
    assert not answer["accepted"]
    assert "1,112 m from Alpha Mosque" in answer["reason"] and "within 100 m" in answer["reason"]
    assert CheckIn.objects.get().refusal_reason == answer["reason"]


def test_a_check_in_outside_the_gathering_is_refused(cast: Cast, visit: PlannedVisit):
    early = (visit.window_start - timedelta(minutes=30)).isoformat()
    answer = send(officer(cast), visit, at=early)
    assert not answer["accepted"] and "outside the gathering's window" in answer["reason"]


def test_a_check_in_sent_twice_is_recorded_once(cast: Cast, visit: PlannedVisit):
    client = officer(cast)
    client_id = str(uuid.uuid4())
    at = (timezone.now() - timedelta(minutes=3)).isoformat()
    first = send(client, visit, client_id=client_id, at=at)
    again = send(client, visit, client_id=client_id, at=at)
    assert first["accepted"] and again["accepted"] and again["duplicate"]
    assert CheckIn.objects.count() == 1
    # the original time from the phone is kept, not the time it arrived
    assert abs((CheckIn.objects.get().at - (timezone.now() - timedelta(minutes=3))).total_seconds()) < 30


def test_a_check_out_needs_a_check_in_first(cast: Cast, visit: PlannedVisit):
    client = officer(cast)
    assert send(client, visit, kind="out")["reason"] == "check in before checking out"
    send(client, visit)
    assert send(client, visit, kind="out")["accepted"]


def test_a_malformed_check_in_says_which_field(cast: Cast, visit: PlannedVisit):
    response = officer(cast).post(
        f"/patrols/visits/{visit.pk}/check-in/",
        json.dumps({"client_id": "x", "kind": "in", "at": "now", "latitude": 91, "longitude": 0}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"client_id", "at", "latitude"}


def test_another_officer_cannot_check_in_at_the_visit(cast: Cast, visit: PlannedVisit):
    enforcer = log_in(Client(), cast.person(Role.ENFORCEMENT_OFFICER))
    response = enforcer.post(
        f"/patrols/visits/{visit.pk}/check-in/",
        json.dumps({"client_id": str(uuid.uuid4()), "kind": "in", "at": timezone.now().isoformat(),
                    "latitude": 51.5, "longitude": -0.06}),
        content_type="application/json",
    )
    assert response.status_code == 404 and not CheckIn.objects.exists()


def test_a_missed_visit_records_its_reason(cast: Cast, visit: PlannedVisit):
    response = officer(cast).post(f"/patrols/visits/{visit.pk}/missed/",
                                  {"reason": "called_away", "note": "RTC on Commercial Road"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.missed_reason == "called_away" and visit.missed_note == "RTC on Commercial Road"


def test_the_page_carries_the_offline_queue_and_its_service_worker(cast: Cast, visit: PlannedVisit):
    page = officer(cast).get("/patrols/today/").content.decode()
    assert "js/patrol-phone.js" in page and 'data-service-worker="/patrols/sw.js"' in page
    worker = Client().get("/patrols/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "caches.open" in worker.content.decode()


def test_the_rota_feed_holds_the_officers_visits_and_stops_when_revoked(cast: Cast, visit):
    client = officer(cast)
    client.post("/patrols/rota/")
    page = client.get("/patrols/rota/").content.decode()
    key = re.search(r"/patrols/rota/([\w-]+)\.ics", page).group(1)
    ics = Client().get(f"/patrols/rota/{key}.ics")
    assert ics.status_code == 200
    assert "Patrol visit: Alpha Mosque (TH Foot 1)" in ics.content.decode()
    from sanctuary.patrols.models import RotaFeed

    feed = RotaFeed.every.get(key=key)
    client.post(f"/patrols/rota/{feed.pk}/revoke/")
    assert Client().get(f"/patrols/rota/{key}.ics").status_code == 404
