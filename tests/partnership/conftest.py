from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on the loopback address; each message kept with its envelope's
    recipients (who it really went to, whatever the headers say)."""
    received: list[tuple[list[str], str]] = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            received.append((sorted(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
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
    yield received
    controller.stop()
