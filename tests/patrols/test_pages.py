"""The supervisor's pages (plan, progress, review, exports, planned against actual), units and
shift import, and what a site contact and the community may see."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.patrols.models import CheckIn, PatrolUnit, Plan, PlanStatus, Shift
from tests.conftest import api_client_for, log_in
from tests.patrols.conftest import Patrols, generate, planned_and_published


def supervisor(patrols: Patrols) -> Client:
    return log_in(Client(), patrols.cast.person(Role.POLICE_SUPERVISOR))


def test_planning_a_week_from_the_page_shows_a_progress_bar_that_polls(patrols: Patrols):
    client = supervisor(patrols)
    response = client.post("/patrols/", {"areas": [patrols.cast.area.pk],
                                         "week_start": patrols.week.isoformat(), "seed": 2})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/patrols/plans/{plan.pk}/"
    page = client.get(f"/patrols/plans/{plan.pk}/").content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert "Cancel planning" in page
    fragment = client.get(f"/patrols/plans/{plan.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "Waiting for the worker" in fragment.content.decode()


def test_a_week_that_is_not_a_monday_is_refused_beside_the_field(patrols: Patrols):
    response = supervisor(patrols).post(
        "/patrols/", {"areas": [patrols.cast.area.pk],
                      "week_start": (patrols.week + timedelta(days=1)).isoformat(), "seed": 1})
    assert response.status_code == 200
    assert "is not a Monday" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_review_page_shows_routes_coverage_and_the_plan_against_bound_and_baseline(patrols):
    plan = generate(patrols)
    page = supervisor(patrols).get(f"/patrols/plans/{plan.pk}/").content.decode()
    assert "Ready for review" in page
    for text in ("How good is this plan?", "Best possible is at most (bound)", "Gap to the bound",
                 "Uniform patrols (baseline)", "Coverage by site", "Coverage by gathering",
                 "TH Foot 1", "Publish to the officers", "Recompute", "route-map"):
        assert text in page, text
    routes = supervisor(patrols).get(f"/patrols/plans/{plan.pk}/routes.json").json()
    assert routes["features"] and routes["features"][0]["geometry"]["type"] == "LineString"


def test_publishing_from_the_page_makes_it_read_only(patrols: Patrols):
    plan = generate(patrols)
    client = supervisor(patrols)
    client.post(f"/patrols/plans/{plan.pk}/publish/")
    page = client.get(f"/patrols/plans/{plan.pk}/").content.decode()
    assert "read-only" in page and "Recompute" not in page and "Publish to" not in page


def test_exports_of_a_future_plan_are_audited_and_the_pdf_reads_as_the_plan(patrols: Patrols):
    plan = planned_and_published(patrols)
    client = log_in(Client(), patrols.cast.person(Role.PATROL_OFFICER))
    csv_text = client.get(f"/patrols/plans/{plan.pk}/plan.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("unit,site,ward")
    assert "TH Foot 1,Alpha Mosque" in csv_text
    pdf = client.get(f"/patrols/plans/{plan.pk}/plan.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Tower Hamlets" in text and "Alpha Mosque" in text
    assert api_client_for(patrols.cast.person(Role.PATROL_OFFICER)).get(
        f"/api/patrols/plans/{plan.pk}").json()["visits"]
    exports = AuditEvent.objects.filter(action="export", object_id=str(plan.pk))
    assert sorted(e.detail["format"] for e in exports) == ["api", "csv", "pdf"]
    assert all(e.detail["future_visits"] for e in exports)


def test_planned_against_actual_counts_delivered_late_and_missed(patrols: Patrols):
    plan = planned_and_published(patrols)
    visits = list(plan.visits.order_by("start"))
    on_time, late, missed = visits[0], visits[1], visits[2]
    officer = patrols.cast.person(Role.PATROL_OFFICER)
    for visit, minutes in ((on_time, 2), (late, 25)):
        CheckIn.objects.create(visit=visit, officer=officer, at=visit.start + timedelta(minutes=minutes),
                               latitude=visit.site.latitude, longitude=visit.site.longitude,
                               accepted=True)
    missed.missed_reason = "called_away"
    missed.save()
    page = supervisor(patrols).get(f"/patrols/plans/{plan.pk}/actual/").content.decode()
    assert f'<dd id="actual-planned">{len(visits)}</dd>' in page
    assert '<dd id="actual-delivered">2</dd>' in page
    assert "Called away to an emergency: 1" in page
    for heading in ("By site", "By ward", "By faith", "By unit", "By week"):
        assert heading in page
    assert "Officers delivered 67% of the visits that are due" in page


def test_the_utility_delivered_falls_as_visits_are_missed_and_never_beats_the_plan(patrols):
    from sanctuary.patrols.reports import Tally, delivered_utility

    plan = planned_and_published(patrols)
    values = []
    for delivered in (10, 5, 0):
        tally = Tally(planned=10, delivered=delivered, missed=10 - delivered)
        result = delivered_utility(plan, tally)
        assert result is not None
        values.append(result.utility)
    assert values[0] == pytest.approx(plan.utility)
    assert values[0] >= values[1] >= values[2]
    assert values[2] < values[0] or plan.utility == 0 == values[2]


def test_a_site_contact_sees_past_visits_to_their_site_and_never_the_future(patrols: Patrols):
    plan = planned_and_published(patrols)
    officer = patrols.cast.person(Role.PATROL_OFFICER)
    past = timezone.now() - timedelta(days=3)
    visit = plan.visits.filter(site=patrols.cast.site_a).first()
    CheckIn.objects.create(visit=visit, officer=officer, at=past, latitude=51.5, longitude=-0.06,
                           accepted=True)
    contact = log_in(Client(), patrols.cast.person(Role.SITE_CONTACT))
    page = contact.get(f"/patrols/sites/{patrols.cast.site_a.pk}/visits/").content.decode()
    assert "1 patrol visit so far" in page
    assert timezone.localtime(past).strftime("%H:%M") in page
    # the future plan and its routes stay hidden
    assert contact.get(f"/patrols/plans/{plan.pk}/").status_code == 404
    assert contact.get("/patrols/today/").status_code == 403
    assert page.count("<li>") == 1  # the one past visit; the plan's future visits are not listed


def test_the_community_summary_gives_counts_and_no_times(patrols: Patrols):
    plan = planned_and_published(patrols)
    visit = plan.visits.filter(site=patrols.cast.site_a).first()
    at = timezone.now() - timedelta(days=1)
    CheckIn.objects.create(visit=visit, officer=patrols.cast.person(Role.PATROL_OFFICER), at=at,
                           latitude=51.5, longitude=-0.06, accepted=True)
    page = log_in(Client(), patrols.cast.person(Role.SITE_CONTACT)).get("/patrols/summary/")
    text = page.content.decode()
    assert "1 patrol visit around places of worship in Whitechapel" in text
    assert timezone.localtime(at).strftime("%H:%M") not in text


def test_shifts_import_is_all_or_nothing_with_the_line_and_column_of_each_problem(patrols):
    client = supervisor(patrols)
    bad = ("unit,kind,mode,start,end,base_latitude,base_longitude\n"
           "TH Bike 7,police,bicycle,2030-01-07 08:00,2030-01-07 16:00,51.52,-0.05\n"
           "TH Bike 8,police,hovercraft,2030-01-07 08:00,2030-01-07 16:00,51.52,-0.05\n"
           "TH Bike 7,,,2030-01-08 16:00,2030-01-08 08:00,51.52,north\n")
    data = {"area": patrols.cast.area.pk, "organisation": patrols.cast.police_unit.pk,
            "file": io.BytesIO(bad.encode())}
    data["file"].name = "shifts.csv"
    response = client.post("/patrols/units/import/", data)
    page = response.content.decode()
    assert response.status_code == 422 and "Nothing was imported" in page
    assert "<td>3</td><td>mode</td>" in page and "<td>4</td><td>base_longitude</td>" in page
    assert not PatrolUnit.objects.filter(name="TH Bike 7").exists()
    good = io.BytesIO(bad.splitlines()[0].encode() + b"\n" + bad.splitlines()[1].encode() + b"\n"
                      + b"TH Bike 7,,,2030-01-08 08:00,2030-01-08 16:00,51.52,-0.05\n")
    good.name = "shifts.csv"
    response = client.post("/patrols/units/import/", {**data, "file": good})
    assert response.status_code == 302
    unit = PatrolUnit.objects.get(name="TH Bike 7")
    assert unit.area == patrols.cast.area and Shift.objects.filter(unit=unit).count() == 2


def test_a_unit_and_a_shift_are_added_by_form_with_errors_beside_the_fields(patrols: Patrols):
    client = supervisor(patrols)
    response = client.post("/patrols/units/", {
        "name": "Alpha stewards", "kind": "steward", "mode": "foot",
        "organisation": patrols.cast.org_a.pk, "area": patrols.cast.area.pk, "active": "on"})
    assert response.status_code == 422
    assert "A steward covers their own site: choose it." in response.content.decode()
    response = client.post("/patrols/units/", {
        "name": "TH Car 9", "kind": "police", "mode": "car",
        "organisation": patrols.cast.police_unit.pk, "area": patrols.cast.area.pk, "active": "on"})
    unit = PatrolUnit.objects.get(name="TH Car 9")
    response = client.post(f"/patrols/units/{unit.pk}/", {
        "form": "shift", "start": "2030-01-07T16:00", "end": "2030-01-07T08:00",
        "base_latitude": 51.52, "base_longitude": -0.05})
    assert response.status_code == 422
    assert "The shift must end after it starts." in response.content.decode()
    assert not unit.shifts.exists()


def test_a_draft_is_for_the_supervisor_only(patrols: Patrols):
    plan = generate(patrols)
    assert plan.status == PlanStatus.READY
    officer = log_in(Client(), patrols.cast.person(Role.PATROL_OFFICER))
    assert officer.get(f"/patrols/plans/{plan.pk}/").status_code == 404
    assert "Week of" not in officer.get("/patrols/").content.decode()
