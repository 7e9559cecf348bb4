"""Handling: duplicates offered and merged (and un-merged), each event counted once for the risk
model, honest outcomes, due times and the overdue list, e-mail to reporters through a real SMTP
server, surge alerts, figures and the CSV export."""

from __future__ import annotations

import csv
import io
import time as clock
from datetime import date, timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.incidents import services, stats
from sanctuary.incidents.models import Incident, Message, Status, SurgeAlertRecord
from sanctuary.incidents.risk_inputs import incidents_for_risk
from sanctuary.incidents.tasks import check_surges_now
from sanctuary.surveys.risk.parameters import IncidentCategory
from tests.conftest import Cast, api_client_for, log_in

SYSTEM = Actor.system("tests")


def make(cast: Cast, *, site=None, category="threats", on: date | None = None, email="", **draft) -> Incident:
    fields = {
        "category": category,
        "occurred_on": on or date.today() - timedelta(days=1),
        "description": draft.pop("description", "Something happened"),
        "area": cast.area,
        "site": site,
    }
    fields.update(draft)
    reporter = services.Reporter(anonymous=not email, name="R" if email else "", email=email, consent_contact=bool(email))
    return services.report_incident(SYSTEM, services.Draft(**fields), reporter).incident


def test_a_report_within_200_m_and_a_day_of_a_similar_one_is_offered_as_a_duplicate(cast: Cast):
    first = make(cast, latitude=51.5178, longitude=-0.0648, category="threats")
    near = make(cast, latitude=51.5186, longitude=-0.0648, category="abusive_behaviour")  # ~90 m
    far = make(cast, latitude=51.5278, longitude=-0.0648, category="threats")  # ~1.1 km
    other_kind = make(cast, latitude=51.5178, longitude=-0.0648, category="lighting")
    candidates = services.duplicate_candidates(Incident.objects.all(), first)
    assert [c.incident for c in candidates] == [near]
    assert 0 < candidates[0].match.score < 1
    assert 80 < candidates[0].match.metres < 100
    assert far not in [c.incident for c in candidates] and other_kind not in [c.incident for c in candidates]
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    assert near.reference in handler.get(f"/incidents/{first.pk}/").content.decode()


def test_three_reports_of_one_event_are_counted_once_and_a_merge_can_be_undone(cast: Cast):
    primary = make(cast, site=cast.site_a, email="one@example.org")
    second = make(cast, site=cast.site_a, email="two@example.org")
    third = make(cast, site=cast.site_a)
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    for duplicate in (second, third):
        assert handler.post(f"/incidents/{duplicate.pk}/merge/", {"other": primary.pk}).status_code == 302
    assert [i.id for i in incidents_for_risk(date.today() - timedelta(days=7))] == [primary.reference]
    assert Incident.objects.get(pk=second.pk).status == Status.DUPLICATE
    # every reporter hears from the one incident
    handler.post(f"/incidents/{primary.pk}/messages/", {"body": "Police have the CCTV.", "to": "all"})
    assert Message.objects.filter(body="Police have the CCTV.").count() == 3
    page = handler.get(f"/incidents/{primary.pk}/reporters/").content.decode()
    assert "one@example.org" in page and "two@example.org" in page
    # undo
    assert handler.post(f"/incidents/{third.pk}/unmerge/").status_code == 302
    third.refresh_from_db()
    assert third.merged_into is None and third.status == Status.NEW
    assert len(incidents_for_risk(date.today() - timedelta(days=7))) == 2


def test_the_risk_model_reads_incidents_in_its_categories_at_their_points(cast: Cast):
    at_site = make(cast, site=cast.site_a, category="damage_desecration")
    pinned = make(cast, category="assault", latitude=51.52, longitude=-0.06, faith_targeted="judaism")
    make(cast, category="lighting", latitude=51.52, longitude=-0.06)  # a concern, not a threat
    make(cast, category="threats")  # no point: cannot be placed
    make(cast, category="threats", site=cast.site_b, on=date.today() - timedelta(days=400))
    found = {i.id: i for i in incidents_for_risk(date.today() - timedelta(days=30))}
    assert set(found) == {at_site.reference, pinned.reference}
    a = found[at_site.reference]
    assert (a.category, a.lat, a.lon, a.site_id, a.faith) == (
        IncidentCategory.CRIMINAL_DAMAGE.value, cast.site_a.latitude, cast.site_a.longitude, str(cast.site_a.pk), "islam",
    )
    p = found[pinned.reference]
    assert (p.category, p.site_id, p.faith) == (IncidentCategory.VIOLENCE.value, None, "judaism")


def test_referral_to_the_police_needs_the_crime_reference(cast: Cast):
    incident = make(cast, site=cast.site_a)
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    response = handler.post(f"/incidents/{incident.pk}/status/", {"status": "referred_to_police"})
    assert "Give the police crime reference" in response.content.decode()
    handler.post(f"/incidents/{incident.pk}/status/", {"status": "referred_to_police", "police_reference": "CAD 1234/02DEC"})
    incident.refresh_from_db()
    assert incident.status == Status.REFERRED_TO_POLICE and incident.closed_at is not None
    assert incident.police_reference == "CAD 1234/02DEC"


def test_overdue_cases_are_listed(cast: Cast):
    late = make(cast, site=cast.site_a, description="Late case")
    make(cast, site=cast.site_a, description="Fresh case")
    Incident.objects.filter(pk=late.pk).update(acknowledge_by=timezone.now() - timedelta(hours=1))
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    page = handler.get("/incidents/?view=overdue").content.decode()
    assert late.reference in page
    assert page.count("SR-") == 1
    assert "acknowledgement overdue" in page


def test_a_critical_case_is_due_sooner(cast: Cast):
    incident = make(cast, category="extreme_violence", site=cast.site_a)
    assert incident.severity == "critical"
    assert incident.acknowledge_by - incident.created_at == timedelta(hours=4)


def test_a_message_reaches_a_consenting_reporter_by_email_through_the_worker(
    transactional_db, cast: Cast, mailbox
):
    """Committed for real, as the worker (which opens and closes its own connections) needs."""
    incident = make(cast, site=cast.site_a, email="victim@example.org")
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    handler.post(f"/incidents/{incident.pk}/messages/", {"body": "An officer will visit on Friday.", "to": "all"})
    call_command("db_worker", batch=True, interval=0.1, reload=False)
    for _ in range(50):
        if mailbox:
            break
        clock.sleep(0.05)
    assert len(mailbox) == 1
    assert "victim@example.org" in mailbox[0][1]
    assert "An officer will visit on Friday." in mailbox[0][1]
    assert incident.reference in mailbox[0][1]
    assert Message.objects.get(body="An officer will visit on Friday.").emailed_at is not None


def test_handlers_are_reminded_of_overdue_cases_by_email(
    transactional_db, cast: Cast, mailbox, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    late = make(cast, site=cast.site_a)
    make(cast, site=cast.site_a)
    Incident.objects.filter(pk=late.pk).update(acknowledge_by=timezone.now() - timedelta(hours=2))
    handler = cast.person(Role.CASE_HANDLER)
    handler.email = "handler@example.org"
    handler.save()
    from sanctuary.incidents.tasks import remind_handlers

    remind_handlers.enqueue()
    call_command("db_worker", batch=True, interval=0.1, reload=False)
    for _ in range(50):
        if mailbox:
            break
        clock.sleep(0.05)
    assert len(mailbox) == 1
    assert "handler@example.org" in mailbox[0][1] and late.reference in mailbox[0][1]
    assert mailbox[0][1].count("SR-") == 1
    # the case opens from the message, on the address people reach Sanctuary at
    assert f"https://sanctuary.example.org/incidents/{late.pk}/" in mailbox[0][1]
    handler_page = log_in(Client(), handler).get(f"/incidents/{late.pk}/")
    assert handler_page.status_code == 200


def test_a_surge_raises_an_alert_shown_to_police_supervisors_with_its_evidence(cast: Cast):
    today = date.today()
    rows = []
    for back in range(120, 0, -1):  # a quiet baseline of about one incident every other day
        day = today - timedelta(days=back)
        if back % 2 == 0:
            rows.append(day)
    for back in range(3, 0, -1):  # then twelve a day
        rows.extend([today - timedelta(days=back)] * 12)
    for n, day in enumerate(rows):
        Incident.objects.create(
            category="threats", severity="high", occurred_on=day, area=cast.area, ward="Whitechapel",
            faith_targeted="islam", description=f"incident {n}",
            acknowledge_by=timezone.now(), first_action_by=timezone.now(),
        )
    made = check_surges_now(today)
    assert made, "a surge of twelve a day on a baseline of one every other day"
    scopes = {alert.scope for alert in made}
    assert {"overall", "faith", "area", "ward"} <= scopes
    # the surge of the last three days (the quiet series' own start, after months of nothing,
    # may alarm too: it is a rise as well)
    area_alert = next(a for a in made if a.scope == "area" and a.since >= today - timedelta(days=4))
    assert area_alert.observed > 3 * area_alert.expected
    assert check_surges_now(today) == []  # recorded once
    sergeant = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    page = sergeant.get("/incidents/surges/").content.decode()
    assert "E09000030" in page
    assert log_in(Client(), cast.person(Role.PATROL_OFFICER)).get("/incidents/surges/").status_code == 403
    assert SurgeAlertRecord.objects.filter(scope="area", day__gte=today - timedelta(days=3)).count() == 1


def test_the_figures_hide_small_counts(cast: Cast):
    for _ in range(6):
        make(cast, site=cast.site_a)  # Whitechapel: six
    for _ in range(2):
        make(cast, site=cast.site_b)  # Bow East: two
    summary = stats.summarise(Incident.objects.all(), date.today())
    wards = {ward: recent for _, ward, recent, _ in summary.wards}
    assert wards == {"Whitechapel": "6", "Bow East": "<5"}
    threats = summary.by_category["Threats"]
    assert 8 in threats and all(v is None or v == 0 or v >= 5 for v in threats)


def test_the_export_neutralises_formulas_and_leaves_out_reporters(cast: Cast):
    make(cast, site=cast.site_a, email="secret@example.org", description="=HYPERLINK(\"http://x\")")
    response = log_in(Client(), cast.person(Role.CASE_HANDLER)).get("/incidents/export.csv")
    text = response.content.decode()
    assert "secret@example.org" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["description"].startswith("'=HYPERLINK")


def test_the_api_says_what_is_wrong(cast: Cast):
    client = api_client_for(cast.person(Role.CASE_HANDLER))
    response = client.post(
        "/api/incidents", {"category": "threats", "occurred_on": "2026-01-01", "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "area"
    response = client.post(
        "/api/incidents", {"category": "nonsense", "occurred_on": "2026-01-01", "description": "x", "area": "E09000030"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "category"
    made = client.post(
        "/api/incidents",
        {"category": "threats", "occurred_on": "2026-01-01", "description": "Leaflets", "area": "E09000030",
         "latitude": 51.52, "longitude": -0.06},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    incident_id = made.json()["id"]
    assert Client().get(f"/report/track/{made.json()['tracking_key']}/").status_code == 200
    listed = client.get("/api/incidents?limit=1").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == incident_id
    sent = client.post(f"/api/incidents/{incident_id}/messages", {"body": ""}, content_type="application/json")
    assert sent.status_code == 422
