"""People are invited by e-mail with a one-time link to choose their password; the mail goes
through a real SMTP server (aiosmtpd) from the background worker."""

from __future__ import annotations

import email
import re
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client

from sanctuary.access.models import Membership, Role, User
from sanctuary.audit.models import Action, AuditEvent
from tests.conftest import Cast

# Transactions really commit here: the mail is queued once the person is saved (on commit), and
# the worker, a real one, closes its database connections as it would in production.
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a password they chose themselves"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def run_the_worker() -> None:
    call_command("db_worker", batch=True, interval=0.1, reload=False, startup_delay=False)


def invite_by_page(admin_client: Client, cast: Cast) -> User:
    response = admin_client.post(
        "/people/new/",
        {
            "username": "hafsa",
            "first_name": "Hafsa",
            "email": "hafsa@example.org",
            "is_active": "on",
            "how": "invite",
            "organisation": cast.org_a.pk,
            "role": Role.SITE_CONTACT,
        },
        follow=True,
    )
    assert "e-mailed them an invitation to hafsa@example.org" in response.content.decode()
    return User.objects.get(username="hafsa")


def the_link(message: Message) -> str:
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    found = re.search(r"http://testserver(/accounts/welcome/\S+)", body)
    assert found is not None, body
    return found.group(1)


def test_an_invited_person_chooses_their_password_with_the_e_mailed_link_once(
    cast: Cast, admin_client: Client, inbox: Inbox
):
    person = invite_by_page(admin_client, cast)
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, organisation=cast.org_a).exists()
    assert inbox.messages == []  # the mail is the worker's job
    run_the_worker()
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "hafsa@example.org"
    assert message["Subject"] == "You are invited to Sanctuary"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Your user name is hafsa" in body and "Riverside Mosque Trust" in body

    visitor = Client()
    page = visitor.get(the_link(message), follow=True)
    assert "Welcome to Sanctuary" in page.content.decode()
    response = visitor.post(
        page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302
    assert Client().post(
        "/accounts/login/", {"username": "hafsa", "password": PASSWORD}
    ).status_code == 302
    # the link is spent
    again = Client().get(the_link(message), follow=True).content.decode()
    assert "This invitation has expired" in again
    recorded = AuditEvent.objects.filter(object_type="access.user", object_id=str(person.pk))
    assert recorded.filter(detail__invitation="e-mailed to hafsa@example.org").exists()
    assert recorded.filter(detail__password="chosen through an e-mailed invitation").exists()
    assert PASSWORD not in str(list(recorded.values("before", "after", "detail")))


def test_an_invitation_needs_an_address_and_a_typed_password_is_still_possible(
    cast: Cast, admin_client: Client
):
    html = admin_client.get("/people/new/").content.decode()
    assert "<legend>Their password" in html and 'value="invite"' in html
    response = admin_client.post(
        "/people/new/",
        {"username": "noaddress", "how": "invite", "organisation": cast.org_a.pk,
         "role": Role.SITE_CONTACT},
    )
    assert "An invitation is sent by e-mail: give their address." in response.content.decode()
    assert not User.objects.filter(username="noaddress").exists()
    response = admin_client.post(
        "/people/new/",
        {"username": "typed", "how": "password", "organisation": cast.org_a.pk,
         "role": Role.SITE_CONTACT},
    )
    assert "Type the first password twice, or invite them instead." in response.content.decode()
    response = admin_client.post(
        "/people/new/",
        {"username": "typed", "how": "password", "password1": PASSWORD, "password2": PASSWORD,
         "organisation": cast.org_a.pk, "role": Role.SITE_CONTACT},
    )
    assert response.status_code == 302
    assert User.objects.get(username="typed").check_password(PASSWORD)


def test_the_invitation_can_be_sent_again_from_the_persons_page(
    cast: Cast, admin_client: Client, inbox: Inbox
):
    person = invite_by_page(admin_client, cast)
    page = admin_client.get(f"/people/{person.pk}/").content.decode()
    assert "has not chosen a password yet" in page and "Send the invitation again" in page
    admin_client.post(f"/people/{person.pk}/invite/")
    run_the_worker()
    assert [m["To"] for m in inbox.messages] == ["hafsa@example.org"] * 2
    # a person without an address is told what to do, and nothing is sent
    nobody = cast.people["contact_b"]
    response = admin_client.post(f"/people/{nobody.pk}/invite/", follow=True)
    assert "has no e-mail address: add one" in response.content.decode()
    assert not AuditEvent.objects.filter(
        action=Action.UPDATE, object_id=str(nobody.pk), detail__has_key="invitation"
    ).exists()
