"""A real SMTP server for the tests whose mail goes out: aiosmtpd on the loopback address, as
EMAIL_URL would name one. Each message is kept with its envelope's recipients — who it really
went to, whatever its headers say."""

from __future__ import annotations

import socket
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox(list[tuple[list[str], str]]):
    """The messages received, in order, as (recipients sorted, the message as text)."""

    def recipients(self) -> list[str]:
        return sorted(address.lower() for to, _ in self for address in to)

    def wait_for(self, count: int, seconds: float = 5.0) -> None:
        """Until `count` messages are in (the worker sends from its own thread or process)."""
        deadline = clock.monotonic() + seconds
        while len(self) < count and clock.monotonic() < deadline:
            clock.sleep(0.05)


@contextmanager
def running(settings: Any) -> Iterator[Mailbox]:
    """The server, with Django's mail settings pointed at it while it runs."""
    box = Mailbox()

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            box.append((sorted(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
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
    try:
        yield box
    finally:
        controller.stop()
