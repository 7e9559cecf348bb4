"""Alert fixtures: the cast with e-mail addresses (each site contact, and a listed contact of
each site). The real SMTP server is tests/conftest.py's `mailbox`."""

from __future__ import annotations

import pytest

from sanctuary.access.models import Role
from sanctuary.registry.models import Contact
from tests.conftest import Cast

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
