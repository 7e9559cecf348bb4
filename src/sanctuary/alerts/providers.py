"""How an alert leaves Sanctuary: one provider per channel (docs/alerts.md, "Providers").

A provider finds its addresses for the sites of an audience and sends one message to one
address. E-mail is the only one today; an SMS provider would read the phone numbers (site
contacts' `phone`) and send through a gateway, and be added to `PROVIDERS` — nothing else
changes: deliveries record their channel, and the job asks each delivery's provider to send it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail

from sanctuary.access.models import Membership, Role
from sanctuary.registry.models import Contact, Site

CHUNK = 5000


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    has_account: bool = False  # acknowledges in their inbox; otherwise by an e-mailed link


@dataclass(frozen=True)
class Outgoing:
    subject: str
    text: str


class Provider(Protocol):
    channel: str

    def addresses(self, sites: Sequence[Site]) -> dict[int, list[Recipient]]:
        """Where this channel reaches each site's contacts, by site id (a few queries for all)."""
        ...

    def send(self, address: str, message: Outgoing) -> None:
        """Send one message; raise on failure (the delivery records the error)."""
        ...


class EmailProvider:
    """The site's organisation's site contacts (their account's e-mail) and the site's listed
    contacts with an e-mail, through Django's mail (EMAIL_URL: SMTP, or the console)."""

    channel = "email"

    def addresses(self, sites: Sequence[Site]) -> dict[int, list[Recipient]]:
        found: dict[int, list[Recipient]] = {site.pk: [] for site in sites}
        by_operator: dict[int, list[Recipient]] = {}
        members = Membership.objects.filter(
            organisation__in={site.operator_id for site in sites if site.operator_id is not None},
            role=Role.SITE_CONTACT, user__is_active=True,
        ).exclude(user__email="").select_related("user").order_by("user__email")
        for member in members:
            user = member.user
            by_operator.setdefault(member.organisation_id, []).append(
                Recipient(user.email.lower(), user.get_full_name() or user.username, has_account=True)
            )
        for site in sites:
            found[site.pk].extend(by_operator.get(site.operator_id or 0, []))
        ids = [site.pk for site in sites]
        for start in range(0, len(ids), CHUNK):  # SQLite's limit on a query's parameters
            contacts = Contact.objects.filter(site__in=ids[start : start + CHUNK]).exclude(email="")
            for contact in contacts.order_by("email"):
                found[contact.site_id].append(Recipient(contact.email.lower(), contact.name))
        return found

    def send(self, address: str, message: Outgoing) -> None:
        send_mail(message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [address])


PROVIDERS: dict[str, Provider] = {"email": EmailProvider()}
