"""Alert fixtures: the cast with e-mail addresses (each site contact, and a listed contact of
each site), and a real SMTP server that collects who each message was sent to."""

from __future__ import annotations

import socket
import time as clock
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from sanctuary.access.models import Role
from sanctuary.registry.models import Contact
from tests.conftest import Cast


@dataclass
class Mailbox:
    messages: list[tuple[list[str], str]] = field(default_factory=list)  # (recipients, content)

    def recipients(self) -> list[str]:
        return sorted(address.lower() for to, _ in self.messages for address in to)

    def wait_for(self, count: int, seconds: float = 5.0) -> None:
        deadline = clock.monotonic() + seconds
        while len(self.messages) < count and clock.monotonic() < deadline:
            clock.sleep(0.05)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on the loopback address (aiosmtpd), as EMAIL_URL would name one."""
    box = Mailbox()

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            box.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


ADDRESSES = {
    Role.SITE_CONTACT: "contact-a@example.org",
    "contact_b": "contact-b@example.org",
    "contact_c": "contact-c@example.org",
    Role.PROGRAMME_ADMIN: "admin@example.org",
    Role.UMBRELLA_COORDINATOR: "coordinator@example.org",
}


@pytest.fixture
def mailed_cast(cast: Cast) -> Cast:
    """Everyone with an address; each site also lists its secretary."""
    for key, address in ADDRESSES.items():
        person = cast.people[key]
        person.email = address
        person.save()
    for site, name in ((cast.site_a, "a"), (cast.site_b, "b"), (cast.site_c, "c")):
        Contact.objects.create(site=site, name=f"Secretary {name.upper()}", email=f"secretary-{name}@example.org")
    return cast
