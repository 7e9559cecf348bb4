"""GET /api/gatherings: the gatherings of the sites one may see, with clear 4xx for bad input."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.test import Client

from sanctuary.access.models import Role
from sanctuary.calendars import services
from sanctuary.calendars.models import Schedule, Service
from sanctuary.registry.models import Site
from tests.conftest import Cast, api_client_for

TODAY = date.today()
WEEK = f"from={TODAY}&to={TODAY + timedelta(days=6)}"


def test_a_contact_gets_the_gatherings_of_their_own_sites_only(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    response = api.get(f"/api/gatherings?{WEEK}")
    assert response.status_code == 200
    items = response.json()
    assert {item["site"] for item in items} == {cast.site_a.pk}
    expected = services.gatherings([cast.site_a], TODAY, TODAY + timedelta(days=6))
    assert items == [item.as_json() for item in expected]
    first = items[0]
    assert set(first) == {"site", "site_name", "start", "end", "kind", "label",
                          "expected_attendance", "certainty"}
    assert first["site_name"] == cast.site_a.name


def test_staff_filter_by_site_ward_and_faith(cast: Cast):
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    everything = api.get(f"/api/gatherings?{WEEK}").json()
    assert {item["site"] for item in everything} == {cast.site_a.pk, cast.site_b.pk}
    starts = [item["start"] for item in everything]
    assert len(starts) > 7
    for query, site in [(f"site={cast.site_b.pk}", cast.site_b), ("ward=Whitechapel", cast.site_a),
                        ("faith=christianity", cast.site_b)]:
        found = api.get(f"/api/gatherings?{WEEK}&{query}").json()
        assert found and {item["site"] for item in found} == {site.pk}, query


def test_a_service_comes_back_as_the_contact_described_it(cast: Cast):
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    Service.objects.create(schedule=schedule, label="Evensong", rule="FREQ=DAILY",
                           start_time=time(18, 0), duration_minutes=45, expected_attendance=30)
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    items = api.get(f"/api/gatherings?from=2026-07-05&to=2026-07-05&site={cast.site_b.pk}").json()
    assert items == [{
        "site": cast.site_b.pk, "site_name": cast.site_b.name,
        "start": "2026-07-05T18:00:00+01:00", "end": "2026-07-05T18:45:00+01:00",
        "kind": "service", "label": "Evensong", "expected_attendance": 30,
        "certainty": "confirmed",
    }]


def test_a_site_one_cannot_see_is_404_like_a_missing_one(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    hidden = api.get(f"/api/gatherings?{WEEK}&site={cast.site_b.pk}")
    missing = api.get(f"/api/gatherings?{WEEK}&site=999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_bad_ranges_are_refused_with_a_clear_message(cast: Cast):
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    cases = {
        "from=2026-03-10&to=2026-03-01": "to is before from",
        "from=2026-01-01&to=2027-01-02": "longer than 366 days",
        "from=1800-01-01&to=1800-01-02": "1900 to 2100",
        "from=2026-02-30&to=2026-03-01": "",
        "from=yesterday&to=2026-03-01": "",
        "to=2026-03-01": "",
    }
    for query, message in cases.items():
        response = api.get(f"/api/gatherings?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["errors"], query
        assert message in " ".join(e["message"] for e in body["errors"]), (query, body)
    assert api.get("/api/gatherings?from=2026-01-01&to=2026-12-31").status_code == 200


def test_the_api_needs_a_token_or_a_session(cast: Cast):
    assert Client().get(f"/api/gatherings?{WEEK}").status_code == 401


def test_closed_sites_are_left_out_unless_asked_for(cast: Cast):
    Site.objects.filter(pk=cast.site_b.pk).update(status="closed")
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    assert {i["site"] for i in api.get(f"/api/gatherings?{WEEK}").json()} == {cast.site_a.pk}
    assert api.get(f"/api/gatherings?{WEEK}&site={cast.site_b.pk}").status_code == 200


def test_every_error_status_is_in_the_schema(db):
    schema = Client().get("/api/openapi.json").json()
    responses = schema["paths"]["/api/gatherings"]["get"]["responses"]
    assert {"200", "401", "404", "422"} <= set(responses)


def test_a_sites_schedule_reads_as_its_contacts_described_it(cast: Cast):
    schedule = Schedule.objects.create(site=cast.site_a, madhab="hanafi")
    Service.objects.create(schedule=schedule, label="Tafsir", rule="FREQ=WEEKLY;BYDAY=SU",
                           start_time=time(11, 0), duration_minutes=60, cancelled=["2026-12-27"])
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    body = api.get(f"/api/sites/{cast.site_a.pk}/schedule").json()
    assert body["madhab"] == "hanafi" and body["timetable"] is None
    assert body["services"] == [{
        "label": "Tafsir", "kind": "service", "rule": "FREQ=WEEKLY;BYDAY=SU",
        "start_time": "11:00:00", "duration_minutes": 60, "expected_attendance": None,
        "starts_on": None, "cancelled": ["2026-12-27"],
    }]
    assert api.get(f"/api/sites/{cast.site_b.pk}/schedule").status_code == 404
    # a site nobody has described yet reads as the defaults
    staff = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    unset = staff.get(f"/api/sites/{cast.site_b.pk}/schedule").json()
    assert unset["timezone"] == "Europe/London" and unset["services"] == []


def test_a_long_answer_comes_in_pages_that_add_up_to_the_whole(cast: Cast):
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    whole = api.get(f"/api/gatherings?{WEEK}")
    everything = whole.json()
    assert whole["Sanctuary-Total-Count"] == str(len(everything))
    assert "Link" not in whole

    pages, address = [], f"/api/gatherings?{WEEK}&limit=5"
    while address:
        response = api.get(address)
        assert response["Sanctuary-Total-Count"] == str(len(everything))
        assert len(response.json()) <= 5
        pages += response.json()
        link = response.get("Link", "")
        address = link[1 : link.index(">")] if link else ""
    assert pages == everything


def test_gatherings_take_an_area(cast: Cast):
    api = api_client_for(cast.person(Role.NATIONAL_ADMIN))
    for code, expected in [("E09000030", {cast.site_a.pk, cast.site_b.pk}),
                           ("E09000012", {cast.site_c.pk})]:
        found = api.get(f"/api/gatherings?{WEEK}&area={code}").json()
        assert {item["site"] for item in found} == expected, code
