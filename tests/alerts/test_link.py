"""A site's listed contact, who has no account, acknowledges an alert through the personal link
in the e-mail they were sent (docs/alerts.md, "Acknowledgement by link"): through a real SMTP
server and the worker, then the link's page as the contact's browser would open it."""

from __future__ import annotations

import email
import hashlib
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts import services
from sanctuary.alerts.models import Alert, AlertSite, AlertStatus, Delivery
from sanctuary.audit.models import AuditEvent
from sanctuary.registry.models import Contact
from tests.conftest import Cast, log_in

LINK = re.compile(r"http://testserver(/alerts/link/[A-Za-z0-9_-]+/)")

pytestmark = pytest.mark.usefixtures("transactional_db")


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0.1, reload=False)


def _text(content: str) -> str:
    message = email.message_from_string(content)
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _mail_to(mailbox, address: str) -> str:
    texts = [_text(content) for to, content in mailbox if address in to]
    assert len(texts) == 1, f"{address} got {len(texts)} messages"
    return texts[0]


def _send(cast: Cast, mailbox, *sites) -> Alert:
    """The national administrator sends to the sites; the worker mails every contact."""
    national = Actor.person(cast.person(Role.NATIONAL_ADMIN), Channel.PAGE)
    alert = services.compose_and_send(
        national, services.Content("Festival crowds", "Brief your stewards before Sunday.",
                                   "We have briefed our stewards."),
        services.Audience(sites=list(sites)), site_url="http://testserver/",
    )
    expected = Delivery.objects.filter(alert=alert).count()
    _run_worker()
    mailbox.wait_for(expected)
    return alert


def _link(mailbox, address: str = "secretary-a@example.org") -> str:
    found = LINK.search(_mail_to(mailbox, address))
    assert found, "the message carries no acknowledgement link"
    return found.group(1)


@pytest.fixture
def secretary_of_two(mailed_cast: Cast) -> Cast:
    """Secretary A (no account) is listed for site A and for site B too."""
    Contact.objects.create(site=mailed_cast.site_b, name="Secretary A", email="secretary-a@example.org")
    return mailed_cast


def test_a_listed_contact_acknowledges_their_sites_by_the_link_in_their_e_mail(secretary_of_two: Cast, mailbox):
    cast = secretary_of_two
    alert = _send(cast, mailbox, cast.site_a, cast.site_b, cast.site_c)
    text = _mail_to(mailbox, "secretary-a@example.org")
    assert "no account needed" in text and "30 days at most" in text and "do not forward it" in text
    path = _link(mailbox)

    visitor = Client()  # no account, no login
    page = visitor.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "strict-origin"
    html = page.content.decode()
    assert "Festival crowds" in html and "Brief your stewards before Sunday." in html
    assert "Alpha Mosque" in html and "Bravo Church" in html
    assert "Charlie Masjid" not in html  # a site of the alert this message did not speak for

    response = visitor.post(path, {"note": "Stewards briefed after the Sunday service"})
    assert response.status_code == 302
    assert "Acknowledged for Alpha Mosque, Bravo Church. Thank you." in visitor.get(path).content.decode()

    rows = {row.site: row for row in AlertSite.objects.filter(alert=alert).select_related("acknowledged_via")}
    for site in (cast.site_a, cast.site_b):
        assert rows[site].acknowledged_at is not None
        assert rows[site].acknowledged_by is None
        assert rows[site].acknowledged_via.address == "secretary-a@example.org"
        assert rows[site].note == "Stewards briefed after the Sunday service"
    assert rows[cast.site_c].acknowledged_at is None

    event = AuditEvent.objects.get(detail__by_link=True)
    assert event.actor_id is None and event.actor_name == "contact Secretary A" and event.channel == "link"
    assert event.object_id == str(alert.pk)
    assert sorted(event.detail["sites"]) == sorted([cast.site_a.pk, cast.site_b.pk])

    sender = log_in(Client(), cast.person(Role.NATIONAL_ADMIN)).get(f"/alerts/{alert.pk}/").content.decode()
    assert "Secretary A (by e-mailed link)" in sender
    assert "Stewards briefed after the Sunday service" in sender
    assert "2 of 3 sites acknowledged" in sender


def test_only_the_token_s_hash_is_kept(mailed_cast: Cast, mailbox):
    _send(mailed_cast, mailbox, mailed_cast.site_a)
    token = _link(mailbox).rstrip("/").rsplit("/", 1)[1]
    delivery = Delivery.objects.get(address="secretary-a@example.org")
    assert delivery.link_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in Delivery.objects.values_list(flat=False)]
    assert not any(token in row for row in stored)


def test_a_person_with_an_account_gets_their_inbox_and_no_link(mailed_cast: Cast, mailbox):
    alert = _send(mailed_cast, mailbox, mailed_cast.site_a)
    text = _mail_to(mailbox, "contact-a@example.org")
    assert "/alerts/link/" not in text
    assert f"http://testserver/alerts/{alert.pk}/" in text
    delivery = Delivery.objects.get(address="contact-a@example.org")
    assert not delivery.with_link and delivery.link_hash == ""


def test_an_account_holder_also_listed_as_a_contact_gets_no_link(mailed_cast: Cast, mailbox):
    Contact.objects.create(site=mailed_cast.site_a, name="Contact A", email="contact-a@example.org")
    _send(mailed_cast, mailbox, mailed_cast.site_a)
    assert "/alerts/link/" not in _mail_to(mailbox, "contact-a@example.org")


def _not_found_page() -> str:
    response = Client().get("/there-is-no-such-page/")
    assert response.status_code == 404
    return response.content.decode()


def test_a_made_up_token_is_the_page_not_found(mailed_cast: Cast):
    response = Client().get("/alerts/link/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert response.content.decode() == _not_found_page()
    assert Client().post("/alerts/link/" + "x" * 43 + "/", {"note": ""}).status_code == 404


@pytest.mark.parametrize("how", ["status", "deleted"])
def test_the_link_of_an_alert_that_no_longer_stands_is_the_page_not_found(mailed_cast: Cast, mailbox, how):
    """Alerts are not withdrawn from a page today: an alert that is no longer sent (the state a
    withdrawal would leave), or one deleted by the operator, opens no link."""
    alert = _send(mailed_cast, mailbox, mailed_cast.site_a)
    path = _link(mailbox)
    assert Client().get(path).status_code == 200
    if how == "deleted":
        alert.delete()
    else:
        Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.DRAFT)
    response = Client().get(path)
    assert response.status_code == 404
    assert response.content.decode() == _not_found_page()
    assert Client().post(path, {"note": "late"}).status_code == 404


def test_a_link_opens_for_thirty_days_after_its_message_was_sent(mailed_cast: Cast, mailbox):
    _send(mailed_cast, mailbox, mailed_cast.site_a)
    path = _link(mailbox)
    delivery = Delivery.objects.get(address="secretary-a@example.org")
    sent = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=sent - timedelta(days=29, hours=23))
    assert Client().get(path).status_code == 200
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=sent - timedelta(days=30, minutes=1))
    response = Client().get(path)
    assert response.status_code == 404
    assert response.content.decode() == _not_found_page()
    assert Client().post(path, {"note": "late"}).status_code == 404
    assert AlertSite.objects.get(site=mailed_cast.site_a).acknowledged_at is None


def test_acknowledging_twice_keeps_the_first_time_and_says_so(mailed_cast: Cast, mailbox):
    alert = _send(mailed_cast, mailbox, mailed_cast.site_a)
    path = _link(mailbox)
    visitor = Client()
    visitor.post(path, {"note": "First time"})
    first = AlertSite.objects.get(alert=alert)
    response = visitor.post(path, {"note": "Second time"}, follow=True)
    assert "This was acknowledged already: nothing has changed." in response.content.decode()
    again = AlertSite.objects.get(alert=alert)
    assert (again.acknowledged_at, again.note) == (first.acknowledged_at, "First time")
    assert AuditEvent.objects.filter(detail__by_link=True).count() == 1


def test_a_site_acknowledged_in_the_inbox_keeps_that_acknowledgement(secretary_of_two: Cast, mailbox):
    cast = secretary_of_two
    alert = _send(cast, mailbox, cast.site_a, cast.site_b)
    contact = log_in(Client(), cast.person(Role.SITE_CONTACT))
    contact.post(f"/alerts/{alert.pk}/acknowledge/", {"site": cast.site_a.pk, "note": "Done by the imam"})
    response = Client().post(_link(mailbox), {"note": "Secretary's note"}, follow=True)
    assert "Acknowledged for Bravo Church. Thank you." in response.content.decode()
    a = AlertSite.objects.get(alert=alert, site=cast.site_a)
    b = AlertSite.objects.get(alert=alert, site=cast.site_b)
    assert a.acknowledged_by == cast.person(Role.SITE_CONTACT) and a.note == "Done by the imam"
    assert a.acknowledged_via is None
    assert b.acknowledged_via is not None and b.note == "Secretary's note"


def test_a_note_longer_than_500_characters_is_refused_naming_the_field(mailed_cast: Cast, mailbox):
    alert = _send(mailed_cast, mailbox, mailed_cast.site_a)
    response = Client().post(_link(mailbox), {"note": "x" * 501})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert AlertSite.objects.get(alert=alert).acknowledged_at is None


def test_the_form_needs_its_csrf_token_which_the_page_sets(mailed_cast: Cast, mailbox):
    alert = _send(mailed_cast, mailbox, mailed_cast.site_a)
    path = _link(mailbox)
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(path, {"note": "no token"}).status_code == 403
    page = browser.get(path)
    token = page.context["csrf_token"]
    assert "csrftoken" in browser.cookies
    assert browser.post(path, {"note": "with token", "csrfmiddlewaretoken": str(token)}).status_code == 302
    assert AlertSite.objects.get(alert=alert).note == "with token"


def test_no_token_is_written_to_the_log(mailed_cast: Cast, caplog):
    secret = "k" * 43
    with caplog.at_level("WARNING"):
        assert Client().get(f"/alerts/link/{secret}/").status_code == 404
        assert Client(enforce_csrf_checks=True).post(f"/alerts/link/{secret}/").status_code == 403
    assert "/alerts/link/…" in caplog.text
    assert secret not in caplog.text
