"""How an alert leaves Sanctuary: one provider per channel (docs/alerts.md, "Providers").

A provider finds its addresses for a site and sends one message to one address. E-mail is the
only one today; an SMS provider would read the phone numbers (site contacts' `phone`) and send
through a gateway, and be added to `PROVIDERS` — nothing else changes: deliveries record their
channel, and the job asks each delivery's provider to send it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from sanctuary.access.models import Membership, Role
from sanctuary.registry.models import Site


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str


@dataclass(frozen=True)
class Outgoing:
    subject: str
    text: str


class Provider(Protocol):
    channel: str

    def addresses(self, site: Site) -> list[Recipient]:
        """Where this channel reaches the site's contacts."""
        ...

    def send(self, address: str, message: Outgoing) -> None:
        """Send one message; raise on failure (the delivery records the error)."""
        ...


class EmailProvider:
    """The site's organisation's site contacts (their account's e-mail) and the site's listed
    contacts with an e-mail, through Django's mail (EMAIL_URL: SMTP, or the console)."""

    channel = "email"

    def addresses(self, site: Site) -> list[Recipient]:
        found: list[Recipient] = []
        if site.operator_id is not None:
            for member in Membership.objects.filter(
                organisation_id=site.operator_id, role=Role.SITE_CONTACT, user__is_active=True
            ).exclude(user__email="").select_related("user"):
                user = member.user
                found.append(Recipient(user.email.lower(), user.get_full_name() or user.username))
        for contact in site.contacts.exclude(email=""):
            found.append(Recipient(contact.email.lower(), contact.name))
        return found

    def send(self, address: str, message: Outgoing) -> None:
        send_mail(message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [address])


PROVIDERS: dict[str, Provider] = {"email": EmailProvider()}
