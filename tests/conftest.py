"""The one cast of the tests, one person per role, and a log-in that passes two-factor
authentication.

Organisation A (Riverside Mosque Trust, faith) runs site A and belongs to the umbrella body;
organisation B (Parish of St Brigid) runs site B and does not; both are in Tower Hamlets, where
the council service and the police unit work. Organisation C runs site C in Hackney, another
area. contact-a is a site contact of A, contact-b of B, contact-c of C; the coordinator
coordinates the umbrella; the staff roles sit in the council or the police unit, and the national
programme administrator in a national body that covers every area; the case handler handles
incidents for the council service. `cast` has the two sites; `cast_without_sites` the same people and organisations
with an empty registry, for the tests that import sites into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access.models import ApiToken, Membership, Role, User
from sanctuary.access.policy import grants_for
from sanctuary.registry.models import Area, Faith, Organisation, OrganisationKind, Site, Ward
from tests import smtp

# Two areas side by side, as rough boxes (not the boroughs' real boundaries): Tower Hamlets
# holds the cast's own sites; Hackney, to the north, holds site C, in "another area".
TOWER_HAMLETS_BOX = [[-0.085, 51.48], [0.01, 51.48], [0.01, 51.535], [-0.085, 51.535], [-0.085, 51.48]]
HACKNEY_BOX = [[-0.11, 51.535], [-0.02, 51.535], [-0.02, 51.58], [-0.11, 51.58], [-0.11, 51.535]]
TOWER_HAMLETS_WARDS = (
    "Bethnal Green East", "Bethnal Green West", "Blackwall & Cubitt Town", "Bow East", "Bow West",
    "Bromley North", "Bromley South", "Canary Wharf", "Island Gardens", "Lansbury", "Limehouse",
    "Mile End", "Poplar", "St Dunstan's", "St Katharine's & Wapping", "St Peter's", "Shadwell",
    "Spitalfields & Banglatown", "Stepney Green", "Weavers", "Whitechapel",
)
HACKNEY_WARDS = ("Dalston", "Hackney Central", "Stoke Newington")


def make_area(name: str, code: str, box: list[list[float]], wards: tuple[str, ...]) -> Area:
    area = Area.objects.create(
        name=name, code=code, boundary={"type": "Polygon", "coordinates": [box]}
    )
    Ward.objects.bulk_create(Ward(area=area, name=ward) for ward in wards)
    return area


@dataclass
class Cast:
    council: Organisation
    police_unit: Organisation
    umbrella: Organisation
    org_a: Organisation
    org_b: Organisation
    site_a: Site
    site_b: Site
    people: dict[str, User]  # by role value, and "contact_b", "contact_c"
    area: Area  # Tower Hamlets: the cast's own
    area_2: Area  # Hackney: another area
    org_c: Organisation  # a faith organisation of Hackney
    site_c: Site  # its site: "another area" in docs/access.md

    def person(self, role: str) -> User:
        return self.people[role]

    # the names the import and export tests use
    @property
    def admin(self) -> User:
        return self.people[Role.PROGRAMME_ADMIN]

    @property
    def contact_a(self) -> User:
        return self.people[Role.SITE_CONTACT]

    @property
    def contact_b(self) -> User:
        return self.people["contact_b"]

    @property
    def sergeant(self) -> User:
        return self.people[Role.POLICE_SUPERVISOR]

    @property
    def police(self) -> Organisation:
        return self.police_unit

    def client_for(self, user: User) -> Client:
        return log_in(Client(), user)


def make_user(username: str, organisation: Organisation, role: str) -> User:
    user = User.objects.create_user(username=username, password="a long test password")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_site(name: str, operator: Organisation, **fields: object) -> Site:
    defaults: dict[str, object] = {
        "area": Area.objects.get(code="E09000030"),
        "faith": Faith.ISLAM,
        "address": "1 Test Street, London",
        "ward": "Whitechapel",
        "latitude": 51.5178,
        "longitude": -0.0648,
        "capacity": 300,
        "typical_peak_attendance": 200,
    }
    defaults.update(fields)
    return Site.objects.create(name=name, operator=operator, **defaults)


def make_cast(*, with_sites: bool) -> Cast:
    area = make_area("Tower Hamlets", "E09000030", TOWER_HAMLETS_BOX, TOWER_HAMLETS_WARDS)
    area_2 = make_area("Hackney", "E09000012", HACKNEY_BOX, HACKNEY_WARDS)

    def organisation(name: str, kind: str, *areas: Area) -> Organisation:
        made = Organisation.objects.create(name=name, kind=kind)
        made.areas.set(areas)
        return made

    council = organisation("Borough Community Safety", OrganisationKind.COUNCIL, area)
    police_unit = organisation("East Division Police", OrganisationKind.POLICE, area)
    umbrella = organisation("Riverside Council of Mosques", OrganisationKind.UMBRELLA, area)
    org_a = organisation("Riverside Mosque Trust", OrganisationKind.FAITH, area)
    org_a.umbrellas.add(umbrella)
    org_b = organisation("Parish of St Brigid", OrganisationKind.FAITH, area)
    org_c = organisation("Dalston Mosque Trust", OrganisationKind.FAITH, area_2)
    national = Organisation.objects.create(
        name="Places of Worship Security Scheme", kind=OrganisationKind.NATIONAL,
        covers_all_areas=True,
    )
    site_a = site_b = site_c = None
    if with_sites:
        site_a = make_site("Alpha Mosque", org_a, ward="Whitechapel")
        site_b = make_site("Bravo Church", org_b, faith=Faith.CHRISTIANITY, ward="Bow East",
                           latitude=51.53, longitude=-0.02)
        site_c = make_site("Charlie Masjid", org_c, area=area_2, ward="Dalston",
                           latitude=51.549, longitude=-0.075)
    people = {
        Role.NATIONAL_ADMIN: make_user("national", national, Role.NATIONAL_ADMIN),
        Role.PROGRAMME_ADMIN: make_user("admin", council, Role.PROGRAMME_ADMIN),
        Role.POLICE_SUPERVISOR: make_user("sergeant", police_unit, Role.POLICE_SUPERVISOR),
        Role.PATROL_OFFICER: make_user("officer", police_unit, Role.PATROL_OFFICER),
        Role.ENFORCEMENT_OFFICER: make_user("enforcer", council, Role.ENFORCEMENT_OFFICER),
        Role.SECURITY_ADVISER: make_user("adviser", council, Role.SECURITY_ADVISER),
        Role.GRANT_ASSESSOR: make_user("assessor", council, Role.GRANT_ASSESSOR),
        Role.UMBRELLA_COORDINATOR: make_user("coordinator", umbrella, Role.UMBRELLA_COORDINATOR),
        Role.SITE_CONTACT: make_user("contact-a", org_a, Role.SITE_CONTACT),
        Role.CASE_HANDLER: make_user("handler", council, Role.CASE_HANDLER),
    }
    people["contact_b"] = make_user("contact-b", org_b, Role.SITE_CONTACT)
    people["contact_c"] = make_user("contact-c", org_c, Role.SITE_CONTACT)
    return Cast(  # type: ignore[arg-type]
        council, police_unit, umbrella, org_a, org_b, site_a, site_b, people, area, area_2,
        org_c, site_c,
    )


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast(with_sites=True)


@pytest.fixture
def cast_without_sites(db: None) -> Cast:
    return make_cast(with_sites=False)


def log_in(client: Client, user: User) -> Client:
    """Log in as a person would, including the second factor staff must pass."""
    client.force_login(user)
    if grants_for(user).is_staff_member:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def api_client_for(user: User) -> Client:
    """A client that calls the API with a bearer token, as a script would."""
    _, key = ApiToken.issue(user, "test", second_factor=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def admin_client(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.PROGRAMME_ADMIN))


@pytest.fixture(scope="session", autouse=True)
def audit_table_may_be_flushed() -> None:
    """Django's flush between transactional tests empties the audit table with DELETE, which
    SQLite's append-only trigger refuses outside the test suite."""
    import sanctuary.audit

    sanctuary.audit.ALLOW_DELETE_FOR_TEST_FLUSH = True


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The cast has nine accounts per test; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mailbox(settings) -> Iterator[smtp.Mailbox]:
    """A real SMTP server on the loopback address and what it received (tests/smtp.py)."""
    with smtp.running(settings) as box:
        yield box
