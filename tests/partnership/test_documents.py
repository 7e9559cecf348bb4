"""The minutes (PDF) say what the meeting was; the community summary (page and PDF) says what
was decided and how the actions stand, and nothing a stranger or an attacker could use."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.partnership import services
from sanctuary.partnership.models import ActionStatus, ActionUpdate, Decision
from tests.conftest import Cast
from tests.incidents.test_handling import make as make_incident
from tests.partnership.meetings import make_action, make_meeting

SECRET_MINUTES = "the rear fire door of Alpha Mosque does not lock"


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def _recorded(cast: Cast):
    contact = cast.person(Role.SITE_CONTACT)
    contact.first_name, contact.last_name, contact.email = "Amina", "Rahman", "amina@example.org"
    contact.save()
    meeting = make_meeting(cast, "own", title="Partnership board, March",
                           agenda="Incidents since February\nPatrols at Friday prayers",
                           minutes=f"The police reported that {SECRET_MINUTES}.",
                           place="Room 7, 12 Hidden Lane")
    Decision.objects.create(meeting=meeting, text="Every mosque will be offered a survey this year.")
    Decision.objects.create(meeting=meeting, text="Change the locks at Alpha Mosque.", confidential=True)
    shared = make_action(cast, "own", meeting, title="Share lockdown advice with members",
                         site=cast.site_a, due_on=timezone.localdate() + timedelta(days=20),
                         status=ActionStatus.IN_PROGRESS)
    ActionUpdate.objects.create(action=shared, author=contact, written_on=timezone.localdate(),
                                note="Rang the secretary on 020 7946 0999", status=ActionStatus.IN_PROGRESS)
    make_action(cast, "own", meeting, title="Fit a camera over the rear door", confidential=True)
    make_action(cast, "own", meeting, title="Write to the Home Secretary",
                due_on=timezone.localdate() - timedelta(days=3))
    return meeting


def test_the_minutes_pdf_holds_the_agenda_minutes_decisions_and_actions(cast: Cast):
    meeting = _recorded(cast)
    client = cast.client_for(cast.person(Role.SITE_CONTACT))
    response = client.get(f"/partnership/meetings/{meeting.pk}/minutes.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for said in ["Minutes: Partnership board, March", "Incidents since February",
                 "Patrols at Friday prayers", SECRET_MINUTES,
                 "Every mosque will be offered a survey this year.",
                 "Share lockdown advice with members", "Write to the Home Secretary",
                 "Amina Rahman, Riverside Mosque Trust", "Riverside Council of Mosques"]:
        assert said in text, said


SENSITIVE = [
    SECRET_MINUTES, "Hidden Lane", "Alpha Mosque", "1 Test Street", "Change the locks",
    "Fit a camera", "020 7946 0999", "Amina", "Rahman", "amina@example.org", "contact-a",
]


def test_the_community_summary_shows_decisions_and_progress_and_nothing_sensitive(cast: Cast):
    meeting = _recorded(cast)
    client = cast.client_for(cast.person("contact_b"))  # a member organisation, not invited
    page = client.get(f"/partnership/meetings/{meeting.pk}/summary/").content.decode()
    pdf = pdf_text(client.get(f"/partnership/meetings/{meeting.pk}/summary.pdf").content)
    for text in (page, pdf):
        assert "Every mosque will be offered a survey this year." in text
        assert "Share lockdown advice with members" in text
        assert "Write to the Home Secretary" in text
        assert "1 decision kept confidential" in text
        assert "1 action kept confidential" in text
        assert "Riverside Mosque Trust" in text  # who owns it: an organisation, not a person
        for secret in SENSITIVE:
            assert secret not in text, secret
    assert "Open: 2" in pdf and "In progress: 1" in pdf and "overdue: 2" in pdf


def test_an_action_names_an_incident_only_through_its_door(cast: Cast):
    meeting = make_meeting(cast, "own")
    incident = make_incident(cast, site=cast.site_c, area=cast.area_2, description="Away")
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = client.post(f"/partnership/meetings/{meeting.pk}/actions/", {
        "title": "Follow up", "owner": cast.contact_a.pk, "due_on": "2030-01-01",
        "incident": incident.pk,
    })
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not meeting.actions.exists()
    # and the service itself refuses it, naming the field, whatever a form lets through
    admin = Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE)
    with pytest.raises(ValidationError) as refused:
        services.add_action(admin, meeting, {
            "title": "Follow up", "owner": cast.contact_a, "due_on": date(2030, 1, 1),
            "incident": incident.pk,
        })
    assert set(refused.value.message_dict) == {"incident"}
    assert not meeting.actions.exists()
