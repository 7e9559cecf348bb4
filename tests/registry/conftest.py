"""The cast for import and export: two faith organisations and the people around them.

Riverside Mosque Trust (organisation A) and the Parish of St Brigid (organisation B) run the
places of worship; Alex is a programme administrator in the council, Amina a site contact of A,
Ben a site contact of B, Sam a police supervisor. Two-factor authentication is waived, as in the
demo, so that a test client can log in with force_login.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from sanctuary.access.models import Membership, Role, User
from sanctuary.registry.models import Faith, Organisation, OrganisationKind, Site


@dataclass
class TransferCast:
    council: Organisation
    police: Organisation
    org_a: Organisation
    org_b: Organisation
    admin: User
    contact_a: User
    contact_b: User
    sergeant: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def _person(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(username=username, password="a long test password")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def transfer_cast(db: None, settings) -> TransferCast:
    settings.SANCTUARY_REQUIRE_2FA = False
    council = Organisation.objects.create(
        name="Borough Community Safety", kind=OrganisationKind.COUNCIL
    )
    police = Organisation.objects.create(name="East Division Police", kind=OrganisationKind.POLICE)
    org_a = Organisation.objects.create(name="Riverside Mosque Trust", kind=OrganisationKind.FAITH)
    org_b = Organisation.objects.create(name="Parish of St Brigid", kind=OrganisationKind.FAITH)
    return TransferCast(
        council=council,
        police=police,
        org_a=org_a,
        org_b=org_b,
        admin=_person("alex", council, Role.PROGRAMME_ADMIN),
        contact_a=_person("amina", org_a, Role.SITE_CONTACT),
        contact_b=_person("ben", org_b, Role.SITE_CONTACT),
        sergeant=_person("sam", police, Role.POLICE_SUPERVISOR),
    )


@pytest.fixture
def registered_sites(transfer_cast: TransferCast) -> list[Site]:
    """Three sites already in the registry: two of A (one closed, one without an external id)
    and one of B."""
    common = {"address": "1 Dock Street, London", "ward": "Whitechapel"}
    return [
        Site.objects.create(
            name="Riverside Central Mosque",
            faith=Faith.ISLAM,
            denomination="Sunni",
            operator=transfer_cast.org_a,
            latitude=51.5123,
            longitude=-0.0654,
            capacity=900,
            typical_peak_attendance=700,
            external_id="council:RV-001",
            postcode="E1 8AA",
            notes="Jumu'ah overflow into the car park,\nstewards on the gate.",
            **common,
        ),
        Site.objects.create(
            name="Riverside Prayer Room",
            faith=Faith.ISLAM,
            operator=transfer_cast.org_a,
            latitude=51.5101,
            longitude=-0.0601,
            status="closed",
            **common,
        ),
        Site.objects.create(
            name="St Brigid's Church",
            faith=Faith.CHRISTIANITY,
            denomination="Anglican",
            operator=transfer_cast.org_b,
            latitude=51.5301,
            longitude=-0.0201,
            capacity=250,
            external_id="osm:way/4242",
            **common,
        ),
    ]
