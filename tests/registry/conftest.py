"""Import and export start from an empty registry: the one cast without its sites, and three
sites already registered where a test needs them."""

from __future__ import annotations

import pytest

from sanctuary.registry.models import Faith, Site
from tests.conftest import Cast


@pytest.fixture
def transfer_cast(cast_without_sites: Cast) -> Cast:
    """The one cast (tests/conftest.py), with no sites yet: the files bring them."""
    return cast_without_sites


@pytest.fixture
def registered_sites(transfer_cast: Cast) -> list[Site]:
    """Three sites already in the registry: two of A (one closed, one without an external id)
    and one of B."""
    common = {"address": "1 Dock Street, London", "ward": "Whitechapel", "area": transfer_cast.area}
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
