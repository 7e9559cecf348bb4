"""An alert sent in error is withdrawn (or corrected) by its senders' side (docs/alerts.md,
"Withdrawing and correcting"): every address it reached is told why, through a real SMTP server
and the worker; its links stop; the inbox shows it struck through and asks nothing more of it."""

from __future__ import annotations

import email
import re

import pytest
from django.core.management import call_command
from django.test import Client

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import figures, services
from sanctuary.alerts.models import Alert, AlertStatus, Delivery, DeliveryStatus
from sanctuary.audit.models import AuditEvent
from tests.conftest import Cast, api_client_for, log_in

pytestmark = pytest.mark.usefixtures("transactional_db")

LINK = re.compile(r"http://testserver(/alerts/link/[A-Za-z0-9_-]+/)")


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0.1, reload=False)


def _text(content: str) -> str:
    # from bytes: a message of 8-bit text read from a str decodes its quotes as escapes
    message = email.message_from_bytes(content.encode())
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _subject(content: str) -> str:
    return str(email.message_from_string(content)["Subject"])


def _send(cast: Cast, mailbox, title: str, *sites) -> Alert:
    """The police supervisor sends to the sites; the worker mails every contact."""
    sergeant = Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE)
    alert = services.compose_and_send(
        sergeant, services.Content(title, "Keep the side gate locked.", "We have locked the gate."),
        services.Audience(sites=list(sites)), site_url="http://testserver/",
    )
    return alert


def _notices(mailbox) -> list[tuple[list[str], str]]:
    return [(to, content) for to, content in mailbox if _subject(content).startswith("Withdrawn: ")]


def test_withdrawal_tells_exactly_the_recipients_of_the_alert_why(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a, cast.site_b)
    _send(cast, mailbox, "Another alert", cast.site_b)
    _run_worker()
    mailbox.wait_for(6)
    mailbox.clear()
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post(f"/alerts/{alert.pk}/withdraw/", {"reason": "Sent to the wrong sites."})
    assert response.status_code == 302 and response["Location"] == f"/alerts/{alert.pk}/"
    _run_worker()
    mailbox.wait_for(4)
    notices = _notices(mailbox)
    assert sorted(address for to, _ in notices for address in to) == [
        "contact-a@example.org", "contact-b@example.org",
        "secretary-a@example.org", "secretary-b@example.org",
    ]
    assert len(mailbox) == 4  # nobody told twice, nobody of the other alert told
    assert {_subject(content) for _, content in notices} == {"Withdrawn: Gate alert"}
    text = _text(notices[0][1])
    assert "Sent to the wrong sites." in text and "do not act on it" in text
    assert "corrected alert follows" not in text
    assert set(Delivery.objects.filter(alert=alert).values_list("notice_status", flat=True)) == {
        DeliveryStatus.SENT
    }
    assert not Delivery.objects.exclude(alert=alert).exclude(notice_status="").exists()


def test_the_acknowledgement_link_stops_when_the_alert_is_withdrawn(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)
    _run_worker()
    mailbox.wait_for(2)
    link = next(LINK.search(_text(c)) for to, c in mailbox if "secretary-a@example.org" in to)
    assert link is not None
    visitor = Client()
    assert visitor.get(link.group(1)).status_code == 200
    services.withdraw(Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE), alert, "All clear.")
    assert visitor.get(link.group(1)).status_code == 404
    assert visitor.post(link.group(1), {"note": "done"}).status_code == 404
    assert Alert.objects.get(pk=alert.pk).recipients.get().acknowledged_at is None


def test_the_inbox_shows_it_withdrawn_and_offers_no_acknowledgement(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)
    contact_user = cast.person(Role.SITE_CONTACT)
    contact = log_in(Client(), contact_user)
    assert "To acknowledge" in contact.get("/alerts/").content.decode()
    services.withdraw(Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE), alert,
                      "Wrong facts: the march is next week.")
    inbox = contact.get("/alerts/").content.decode()
    assert "To acknowledge" not in inbox
    assert "Withdrawn: do not act on these" in inbox
    assert "<del>Gate alert</del>" in inbox and "Wrong facts: the march is next week." in inbox
    page = contact.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Withdrawn: do not act on this alert" in page and "We confirm this" not in page
    assert "Withdraw the alert" not in page  # a contact does not withdraw
    contact.post(f"/alerts/{alert.pk}/acknowledge/", {"site": cast.site_a.pk})  # as a stale tab would
    assert Alert.objects.get(pk=alert.pk).recipients.get().acknowledged_at is None
    # the home page asks nothing of it, and it is no longer in force
    actor = Actor.person(contact_user, Channel.PAGE)
    assert {f.key: f.value for f in figures.home(actor)}["alerts.to_acknowledge"] == 0
    sender = {f.key: f.value for f in figures.home(Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE))}
    assert sender["alerts.in_force"] == 0 and sender["alerts.not_acknowledged"] == 0


def test_the_alert_s_page_says_who_withdrew_it_when_and_why(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)
    services.withdraw(Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE), alert, "All clear.")
    page = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR)).get(f"/alerts/{alert.pk}/").content.decode()
    alert.refresh_from_db()
    assert f"by {cast.person(Role.PROGRAMME_ADMIN)}" in page and "Why: All clear." in page
    assert alert.withdrawn_at is not None and f"{alert.withdrawn_at:%Y}" in page
    assert "Told of the withdrawal" in page and "Withdraw the alert" not in page


def test_a_reason_is_required_and_the_error_names_the_field(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post(f"/alerts/{alert.pk}/withdraw/", {"reason": "   "})
    assert response.status_code == 200
    assert "Say why the alert is withdrawn" in response.content.decode()
    assert "has-error" in response.content.decode()
    api = api_client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = api.post(f"/api/alerts/{alert.pk}/withdraw", {"reason": " "}, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    response = api.post(f"/api/alerts/{alert.pk}/withdraw", {"reason": "x" * 501}, content_type="application/json")
    assert response.status_code == 422 and "reason" in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.SENT


def test_someone_of_another_area_or_a_contact_gets_404(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    national = Actor.person(cast.person(Role.NATIONAL_ADMIN), Channel.PAGE)
    away = services.compose_and_send(
        national, services.Content("Dalston alert", "Check.", "Checked."), services.Audience(sites=[cast.site_c]),
    )
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    assert admin.post(f"/alerts/{away.pk}/withdraw/", {"reason": "Mine now"}).status_code == 404
    api = api_client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = api.post(f"/api/alerts/{away.pk}/withdraw", {"reason": "Mine now"}, content_type="application/json")
    assert response.status_code == 404
    assert api.post("/api/alerts/999999/withdraw", {"reason": "x"}, content_type="application/json").status_code == 404
    own = _send(cast, mailbox, "Gate alert", cast.site_a)
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    assert contact.post(f"/alerts/{own.pk}/withdraw/", {"reason": "Not for us"}).status_code == 404
    assert Alert.objects.filter(status=AlertStatus.WITHDRAWN).count() == 0


def test_a_correction_names_the_alert_it_replaces(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "March on Saturday", cast.site_a)
    _run_worker()
    mailbox.wait_for(2)
    mailbox.clear()
    admin = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post(f"/alerts/{alert.pk}/withdraw/", {"reason": "Wrong day.", "correct": "on"})
    correction = Alert.objects.get(replaces=alert)
    assert response.status_code == 302 and response["Location"] == f"/alerts/{correction.pk}/edit/"
    assert correction.is_draft and correction.body == alert.body
    assert [r.site for r in correction.recipients.all()] == [cast.site_a]
    _run_worker()
    mailbox.wait_for(2)
    assert all("A corrected alert follows." in _text(c) for _, c in mailbox)
    mailbox.clear()
    edit = admin.get(f"/alerts/{correction.pk}/edit/")
    assert "March on Saturday" in edit.content.decode()
    admin.post(f"/alerts/{correction.pk}/edit/", {
        "title": "March on Sunday", "urgency": "advice", "body": "Keep the side gate locked on Sunday.",
        "ask": "We have locked the gate.", "sites": [cast.site_a.pk],
    })
    assert admin.post(f"/alerts/{correction.pk}/send/").status_code == 302
    _run_worker()
    mailbox.wait_for(2)
    texts = [_text(c) for _, c in mailbox]
    assert all("This corrects “March on Saturday”" in text for text in texts), texts
    page = admin.get(f"/alerts/{correction.pk}/").content.decode()
    assert "This corrects" in page and f"/alerts/{alert.pk}/" in page
    old_page = admin.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Corrected by" in old_page and "March on Sunday" in old_page
    api = api_client_for(cast.person(Role.PROGRAMME_ADMIN)).get(f"/api/alerts/{correction.pk}")
    assert api.json()["replaces"] == alert.pk


def test_withdrawal_is_audited_and_happens_once(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    response = api.post(f"/api/alerts/{alert.pk}/withdraw", {"reason": "All clear.", "correct": True},
                        content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["alert"]["status"] == "withdrawn" and data["alert"]["withdrawn_reason"] == "All clear."
    assert data["correction"] == Alert.objects.get(replaces=alert).pk
    event = AuditEvent.objects.get(object_type="alerts.alert", object_id=str(alert.pk), detail__withdrawn=True)
    assert event.actor == cast.person(Role.POLICE_SUPERVISOR) and event.channel == "api"
    assert event.detail["reason"] == "All clear." and event.detail["correction"] == data["correction"]
    assert event.before["status"] == "sent" and event.after["status"] == "withdrawn"
    assert AuditEvent.objects.filter(object_id=str(data["correction"]), detail__replaces=alert.pk).exists()
    again = api.post(f"/api/alerts/{alert.pk}/withdraw", {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


def test_messages_not_yet_sent_when_withdrawn_never_leave(mailed_cast: Cast, mailbox):
    cast = mailed_cast
    alert = _send(cast, mailbox, "Gate alert", cast.site_a)  # the worker has not run
    done = services.withdraw(Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE), alert, "Sent in error.")
    assert done.notices == 0
    _run_worker()
    assert len(mailbox) == 0
    assert set(Delivery.objects.filter(alert=alert).values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
