"""Anyone reports on /report/, with no account; the reference and a private tracking link come
once the report is stored; the link shows the status and messages, and takes answers."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.incidents.models import Incident, Message, Photo, Status
from tests.conftest import Cast, log_in


def report_data(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": "damage_desecration",
        "occurred_on": (date.today() - timedelta(days=1)).isoformat(),
        "area": cast.area.pk,
        "address": "Wall of Alpha Mosque, 1 Test Street",
        "description": "Threatening words painted on the front wall overnight.",
        "faith_targeted": "islam",
        "anonymous": "yes",
        "submission": "a-one-time-key-from-the-form",
    }
    data.update(changes)
    return data


def send(client: Client, data: dict[str, object]) -> tuple[str, str]:
    """Post a report: the answer is the thanks page, with the reference and the tracking path."""
    response = client.post("/report/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "Thank you: your report is received" in page, page[:2000]
    reference = re.search(r"SR-[A-Z0-9]{4}-[A-Z0-9]{4}", page).group(0)
    link = re.search(r'href="http://testserver(/report/track/[^"]+)"', page).group(1)
    return reference, link


def test_an_anonymous_report_gets_a_reference_and_a_private_link(cast: Cast):
    client = Client()
    form = client.get("/report/")
    assert form.status_code == 200
    assert 'name="website"' in form.content.decode()  # the honeypot, hidden by CSS
    reference, link = send(client, report_data(cast, area=cast.area_2.pk))
    incident = Incident.objects.get(reference=reference)
    assert incident.status == Status.NEW
    assert incident.handling_organisation is None  # no case handler works in Hackney: its admins triage
    page = Client().get(link).content.decode()
    assert reference in page and "New" in page
    assert Client().get("/report/track/not-the-key/").status_code == 404


def test_a_report_goes_to_the_council_service_with_case_handlers(cast: Cast):
    reference, _ = send(Client(), report_data(cast))
    incident = Incident.objects.get(reference=reference)
    assert incident.handling_organisation == cast.council  # the cast's case handler is there
    assert incident.severity == "high"  # damage and desecration's default
    assert incident.acknowledge_by - incident.created_at == timedelta(hours=24)
    assert incident.first_action_by - incident.created_at == timedelta(hours=72)


def test_the_same_submission_sent_twice_is_stored_once_with_the_same_reference(cast: Cast):
    first = send(Client(), report_data(cast))
    second = send(Client(), report_data(cast))
    assert first == second
    assert Incident.objects.count() == 1


def test_an_error_is_said_beside_its_field(cast: Cast):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = Client().post("/report/", report_data(cast, occurred_on=tomorrow, description=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The date is in the future" in page
    assert "This field is required" in page
    assert Incident.objects.count() == 0


def test_contact_details_need_a_way_to_reach_the_reporter(cast: Cast):
    response = Client().post(
        "/report/", report_data(cast, anonymous="no", name="", email="", consent_contact="on")
    )
    assert "or report anonymously" in response.content.decode()
    assert Incident.objects.count() == 0


def test_a_robot_filling_the_hidden_field_is_refused(cast: Cast):
    response = Client().post("/report/", report_data(cast, website="http://spam.example"))
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    assert Incident.objects.count() == 0


def test_the_form_is_limited_per_network_address(cast: Cast, settings):
    settings.SANCTUARY_REPORT_LIMIT_PER_ADDRESS = 2
    client = Client()
    for n in range(2):
        send(client, report_data(cast, submission=f"key-{n}"))
    response = client.post("/report/", report_data(cast, submission="key-3"))
    assert response.status_code == 200
    assert "Too many reports" in response.content.decode()
    assert Incident.objects.count() == 2
    # another address is not held up
    send(Client(REMOTE_ADDR="10.0.0.9"), report_data(cast, submission="key-4"))


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (51.0, 31.0, 4.0), 3: "W", 4: (0.0, 3.0, 53.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_is_kept_without_its_location_or_camera(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # it has a GPS block
    upload = io.BytesIO(original)
    upload.name = "wall.jpg"
    reference, _ = send(Client(), report_data(cast, photos=upload))
    photo = Photo.objects.get(incident__reference=reference)
    with default_storage.open(photo.file.name, "rb") as stored:
        data = stored.read()
    kept = Image.open(io.BytesIO(data))
    assert kept.size == (64, 48)
    assert dict(kept.getexif()) == {}
    assert b"PhoneMaker" not in data


def test_a_file_that_is_not_a_photo_is_refused_by_name(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(b"%PDF-1.4 not a photo")
    upload.name = "letter.pdf"
    response = Client().post("/report/", report_data(cast, photos=upload))
    assert "letter.pdf is not a photo we can read" in response.content.decode()
    assert Incident.objects.count() == 0


def test_a_photo_too_large_is_refused(cast: Cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SANCTUARY_PHOTO_MAX_BYTES = 1024 * 1024
    upload = io.BytesIO(b"\xff" * (1024 * 1024 + 1))
    upload.name = "huge.jpg"
    response = Client().post("/report/", report_data(cast, photos=upload))
    assert "huge.jpg is too large" in response.content.decode()


def test_the_reporter_answers_and_reads_the_handlers_reply(cast: Cast):
    reference, link = send(Client(), report_data(cast))
    incident = Incident.objects.get(reference=reference)
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    response = handler.post(
        f"/incidents/{incident.pk}/messages/", {"body": "We have asked the council to clean the wall.", "to": "all"}
    )
    assert response.status_code == 302
    reporter = Client()
    assert "asked the council to clean the wall" in reporter.get(link).content.decode()
    response = reporter.post(link, {"body": "Thank you. It happened again tonight."})
    assert response.status_code == 302
    assert "It happened again tonight" in reporter.get(link).content.decode()
    assert "happened again tonight" in handler.get(f"/incidents/{incident.pk}/").content.decode()
    assert Message.objects.filter(incident=incident).count() == 2
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED and incident.acknowledged_at is not None


def test_a_handlers_internal_note_is_not_on_the_tracking_page(cast: Cast):
    reference, link = send(Client(), report_data(cast))
    incident = Incident.objects.get(reference=reference)
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    handler.post(f"/incidents/{incident.pk}/notes/", {"body": "Known local troublemaker"})
    assert "Known local troublemaker" not in Client().get(link).content.decode()


def test_who_reported_is_seen_by_the_handler_only_and_each_look_is_audited(cast: Cast):
    reference, _ = send(
        Client(),
        report_data(cast, anonymous="no", name="Aisha Rahman", email="aisha@example.org", consent_contact="on"),
    )
    incident = Incident.objects.get(reference=reference)
    handler = log_in(Client(), cast.person(Role.CASE_HANDLER))
    assert "Aisha Rahman" not in handler.get(f"/incidents/{incident.pk}/").content.decode()
    looks = AuditEvent.objects.filter(action="view", object_id=str(incident.pk)).count()
    assert "Aisha Rahman" in handler.get(f"/incidents/{incident.pk}/reporters/").content.decode()
    assert AuditEvent.objects.filter(action="view", object_id=str(incident.pk)).count() == looks + 1
    officer = log_in(Client(), cast.person(Role.PATROL_OFFICER))
    assert officer.get(f"/incidents/{incident.pk}/").status_code == 200
    assert "Aisha Rahman" not in officer.get(f"/incidents/{incident.pk}/").content.decode()
    assert officer.get(f"/incidents/{incident.pk}/reporters/").status_code == 404


@pytest.mark.parametrize("days, reopens", [(27, True), (29, False)])
def test_the_reporter_may_reopen_a_case_within_28_days(cast: Cast, days: int, reopens: bool):
    from django.utils import timezone

    reference, link = send(Client(), report_data(cast))
    Incident.objects.filter(reference=reference).update(
        status=Status.RESOLVED, closed_at=timezone.now() - timedelta(days=days)
    )
    page = Client().get(link).content.decode()
    assert ("Reopen my case" in page) == reopens
    Client().post(link, {"action": "reopen"})
    status = Incident.objects.get(reference=reference).status
    assert status == (Status.IN_PROGRESS if reopens else Status.RESOLVED)
