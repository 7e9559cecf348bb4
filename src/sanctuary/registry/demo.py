"""The demo borough: fictional organisations and places of worship around Tower Hamlets.

Every name, address and postcode here is invented; the wards are the borough's real wards and the
coordinates fall on land inside it. Nothing claims facts about a real institution.
"""

from __future__ import annotations

from django.db import transaction

from sanctuary.access.models import Membership, Role, User
from sanctuary.calendars.demo import load_demo_schedules
from sanctuary.registry.models import Contact, Faith, Organisation, OrganisationKind, Site

DEMO_PASSWORD = "demo-only"  # noqa: S105 (published; production refuses these accounts)

COUNCIL = "Borough Community Safety Team"
ENFORCEMENT = "Borough Enforcement Service"
POLICE = "East Division Neighbourhood Policing"
COUNCIL_OF_MOSQUES = "Riverside Council of Mosques"
INTERFAITH = "East End Interfaith Forum"
ORG_A = "Eastside Muslim Welfare Trust"
ORG_B = "Parish of St Anselm and St Brigid"

# (username, role, organisation)
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin", Role.PROGRAMME_ADMIN.label, COUNCIL),
    ("police", Role.POLICE_SUPERVISOR.label, POLICE),
    ("officer", Role.PATROL_OFFICER.label, POLICE),
    ("enforcement", Role.ENFORCEMENT_OFFICER.label, ENFORCEMENT),
    ("adviser", Role.SECURITY_ADVISER.label, COUNCIL),
    ("assessor", Role.GRANT_ASSESSOR.label, COUNCIL),
    ("coordinator", Role.UMBRELLA_COORDINATOR.label, COUNCIL_OF_MOSQUES),
    ("contact-a", Role.SITE_CONTACT.label, ORG_A),
    ("contact-b", Role.SITE_CONTACT.label, ORG_B),
]
_ROLE_BY_LABEL = {role.label: role.value for role in Role}

# Faith organisations: name -> (umbrella bodies it belongs to)
FAITH_ORGANISATIONS: dict[str, list[str]] = {
    ORG_A: [COUNCIL_OF_MOSQUES, INTERFAITH],
    "Bow Common Islamic Society": [COUNCIL_OF_MOSQUES],
    "Limehouse Reach Masjid Committee": [COUNCIL_OF_MOSQUES],
    "Poplar Dock Muslim Association": [COUNCIL_OF_MOSQUES, INTERFAITH],
    "Spitalfields Lantern Mosque Trust": [],
    ORG_B: [INTERFAITH],
    "Cable Row Methodist Circuit": [INTERFAITH],
    "Millwall Free Church Fellowship": [],
    "Grace Harbour Pentecostal Assembly": [],
    "Sundial Lane Hebrew Congregation": [INTERFAITH],
    "Wapping Stair Synagogue Trust": [],
    "Mile End Gurdwara Sahib Committee": [INTERFAITH],
    "Shri Ganesha Mandir Society East": [INTERFAITH],
    "Lotus Bridge Buddhist Sangha": [INTERFAITH],
    "Canalside Quaker Meeting": [],
}

# name, faith, denomination, operator, ward, lat, lon, capacity, typical peak, address, postcode
# fmt: off
DEMO_SITES: list[tuple[str, str, str, str, str, float, float, int, int, str, str]] = [
    ("Eastside Central Masjid", Faith.ISLAM, "Sunni", ORG_A, "Whitechapel", 51.5179, -0.0648, 5000, 4200, "1 Tallow Yard", "E1 1ZA"),
    ("Eastside Masjid Annexe (Sisters' Hall)", Faith.ISLAM, "Sunni", ORG_A, "Whitechapel", 51.5171, -0.0622, 400, 320, "3 Tallow Yard", "E1 1ZA"),
    ("Eastside Stepney Prayer Hall", Faith.ISLAM, "Sunni", ORG_A, "Stepney Green", 51.5186, -0.0461, 250, 200, "40 Kiln Passage", "E1 3ZB"),
    ("Bow Common Masjid", Faith.ISLAM, "Sunni (Hanafi)", "Bow Common Islamic Society", "Bow West", 51.5268, -0.0262, 900, 750, "12 Cordwain Street", "E3 2ZC"),
    ("Bow Common Youth Musalla", Faith.ISLAM, "Sunni (Hanafi)", "Bow Common Islamic Society", "Bow East", 51.5302, -0.0187, 80, 60, "5 Rivet Lane", "E3 5ZD"),
    ("Limehouse Reach Masjid", Faith.ISLAM, "Sunni", "Limehouse Reach Masjid Committee", "Limehouse", 51.5131, -0.0372, 1200, 1000, "28 Ropewalk Row", "E14 7ZE"),
    ("Poplar Dock Jamia Masjid", Faith.ISLAM, "Sunni (Deobandi)", "Poplar Dock Muslim Association", "Poplar", 51.5097, -0.0158, 1500, 1300, "7 Capstan Road", "E14 0ZF"),
    ("Poplar Dock Madrasah and Musalla", Faith.ISLAM, "Sunni (Deobandi)", "Poplar Dock Muslim Association", "Lansbury", 51.5143, -0.0171, 150, 120, "19 Bollard Street", "E14 6ZG"),
    ("Spitalfields Lantern Mosque", Faith.ISLAM, "Sunni", "Spitalfields Lantern Mosque Trust", "Spitalfields & Banglatown", 51.5208, -0.0716, 2000, 1800, "61 Weaveloom Street", "E1 6ZH"),
    ("Lantern Mosque Women's Centre", Faith.ISLAM, "Sunni", "Spitalfields Lantern Mosque Trust", "Weavers", 51.5251, -0.0683, 120, 90, "2 Shuttle Court", "E2 7ZJ"),
    ("Shadwell Basin Islamic Centre", Faith.ISLAM, "Shia (Ithna Ashari)", "Limehouse Reach Masjid Committee", "Shadwell", 51.5118, -0.0541, 350, 280, "9 Anchorage Walk", "E1W 3ZK"),
    ("Cubitt Town Musalla", Faith.ISLAM, "Sunni", "Poplar Dock Muslim Association", "Cubitt Town", 51.4951, -0.0092, 60, 45, "4 Slipway Mews", "E14 3ZL"),
    ("Bromley Lock Masjid", Faith.ISLAM, "Sunni", "Bow Common Islamic Society", "Bromley South", 51.5228, -0.0119, 600, 480, "33 Towpath Road", "E3 3ZM"),
    ("Mile End Dawah Centre", Faith.ISLAM, "Salafi", "Spitalfields Lantern Mosque Trust", "Mile End", 51.5247, -0.0349, 300, 240, "15 Gasholder Lane", "E3 4ZN"),
    ("St Anselm's Church", Faith.CHRISTIANITY, "Roman Catholic", ORG_B, "Bethnal Green East", 51.5279, -0.0541, 450, 380, "1 Thimble Street", "E2 0ZP"),
    ("St Brigid's Chapel of Ease", Faith.CHRISTIANITY, "Roman Catholic", ORG_B, "Bethnal Green West", 51.5262, -0.0602, 120, 80, "22 Bobbin Lane", "E2 6ZQ"),
    ("St Anselm's Parish Hall", Faith.CHRISTIANITY, "Roman Catholic", ORG_B, "St Peter's", 51.5301, -0.0575, 200, 150, "3 Thimble Street", "E2 0ZP"),
    ("Cable Row Methodist Church", Faith.CHRISTIANITY, "Methodist", "Cable Row Methodist Circuit", "St Dunstan's", 51.5153, -0.0418, 300, 140, "44 Hawser Street", "E1 4ZR"),
    ("Bow Road Methodist Mission", Faith.CHRISTIANITY, "Methodist", "Cable Row Methodist Circuit", "Bow West", 51.5276, -0.0301, 180, 90, "8 Flint Road", "E3 3ZS"),
    ("Millwall Free Church", Faith.CHRISTIANITY, "Baptist", "Millwall Free Church Fellowship", "Island Gardens", 51.4902, -0.0127, 220, 130, "6 Ferry Steps", "E14 9ZT"),
    ("Canary Wharf Lunchtime Chapel", Faith.CHRISTIANITY, "Anglican (ecumenical)", "Millwall Free Church Fellowship", "Canary Wharf", 51.5047, -0.0207, 90, 60, "Unit 2, 10 Quayside Arcade", "E14 5ZU"),
    ("Grace Harbour Pentecostal Church", Faith.CHRISTIANITY, "Pentecostal", "Grace Harbour Pentecostal Assembly", "Blackwall & Cubitt Town", 51.5003, -0.0068, 800, 650, "1 Dockhead Yard", "E14 9ZV"),
    ("Grace Harbour Chapel, Bow", Faith.CHRISTIANITY, "Pentecostal", "Grace Harbour Pentecostal Assembly", "Bow East", 51.5327, -0.0225, 150, 110, "17 Lockkeeper Road", "E3 2ZW"),
    ("St Cyprian Coptic Orthodox Church", Faith.CHRISTIANITY, "Coptic Orthodox", "Cable Row Methodist Circuit", "Stepney Green", 51.5205, -0.0424, 250, 180, "11 Cooper's Row", "E1 4ZX"),
    ("Wapping Stair Mission Church", Faith.CHRISTIANITY, "Evangelical", "Millwall Free Church Fellowship", "St Katharine's & Wapping", 51.5059, -0.0604, 100, 55, "2 Wharfinger Lane", "E1W 2ZY"),
    ("Sundial Lane Synagogue", Faith.JUDAISM, "Orthodox", "Sundial Lane Hebrew Congregation", "Spitalfields & Banglatown", 51.5191, -0.0701, 300, 110, "5 Sundial Lane", "E1 7ZA"),
    ("Sundial Lane Community Kollel", Faith.JUDAISM, "Orthodox", "Sundial Lane Hebrew Congregation", "Whitechapel", 51.5162, -0.0689, 60, 35, "7 Sundial Lane", "E1 7ZA"),
    ("Wapping Stair Synagogue", Faith.JUDAISM, "Masorti", "Wapping Stair Synagogue Trust", "St Katharine's & Wapping", 51.5071, -0.0652, 150, 70, "14 Capstan Walk", "E1W 1ZB"),
    ("Mile End Gurdwara Sahib", Faith.SIKHISM, "", "Mile End Gurdwara Sahib Committee", "Mile End", 51.5226, -0.0381, 1200, 700, "30 Millstone Road", "E1 4ZC"),
    ("Mile End Gurdwara Langar Hall", Faith.SIKHISM, "", "Mile End Gurdwara Sahib Committee", "Mile End", 51.5233, -0.0369, 400, 350, "32 Millstone Road", "E1 4ZC"),
    ("Bromley North Gurdwara", Faith.SIKHISM, "", "Mile End Gurdwara Sahib Committee", "Bromley North", 51.5262, -0.0139, 350, 220, "6 Sluice Gate Road", "E3 3ZD"),
    ("Shri Ganesha Mandir", Faith.HINDUISM, "Vaishnava and Shaiva", "Shri Ganesha Mandir Society East", "Poplar", 51.5109, -0.0228, 700, 500, "21 Pennyfield Walk", "E14 8ZE"),
    ("Ganesha Mandir Cultural Hall", Faith.HINDUISM, "", "Shri Ganesha Mandir Society East", "Limehouse", 51.5112, -0.0299, 400, 300, "23 Pennyfield Walk", "E14 8ZE"),
    ("Bow Lakshmi Narayan Temple", Faith.HINDUISM, "Vaishnava", "Shri Ganesha Mandir Society East", "Bow East", 51.5335, -0.0174, 250, 160, "2 Meadow Lock", "E3 2ZF"),
    ("Island Gardens Murugan Shrine", Faith.HINDUISM, "Shaiva (Tamil)", "Shri Ganesha Mandir Society East", "Island Gardens", 51.4885, -0.0098, 90, 70, "9 Pier Walk", "E14 3ZG"),
    ("Lotus Bridge Buddhist Centre", Faith.BUDDHISM, "Theravada", "Lotus Bridge Buddhist Sangha", "Bethnal Green West", 51.5256, -0.0631, 150, 90, "18 Loom Street", "E2 6ZH"),
    ("Lotus Bridge Meditation Room", Faith.BUDDHISM, "Theravada", "Lotus Bridge Buddhist Sangha", "Canary Wharf", 51.5031, -0.0189, 30, 25, "Floor 1, 4 Quayside Arcade", "E14 5ZU"),
    ("Limehouse Vihara", Faith.BUDDHISM, "Mahayana", "Lotus Bridge Buddhist Sangha", "Limehouse", 51.5142, -0.0331, 120, 70, "6 Narrow Cut", "E14 7ZJ"),
    ("Canalside Friends Meeting House", Faith.OTHER, "Quaker", "Canalside Quaker Meeting", "Bow West", 51.5315, -0.0278, 100, 40, "1 Canalside Terrace", "E3 5ZK"),
    ("Canalside Baha'i Reading Room", Faith.OTHER, "Baha'i", "Canalside Quaker Meeting", "Stepney Green", 51.5198, -0.0503, 40, 20, "12 Beacon Passage", "E1 3ZL"),
]
# fmt: on

# Sites of a specific concern: every view of them is audited.
SENSITIVE_SITES = {"Sundial Lane Synagogue", "Eastside Central Masjid"}


def site_count() -> int:
    return Site.objects.count()


@transaction.atomic
def load_demo_borough() -> bool:
    """Load the demo into an empty database; return False if it was there already."""
    if Organisation.objects.filter(name=COUNCIL).exists():
        return False
    organisations: dict[str, Organisation] = {}
    for name, kind in [
        (COUNCIL, OrganisationKind.COUNCIL),
        (ENFORCEMENT, OrganisationKind.COUNCIL),
        (POLICE, OrganisationKind.POLICE),
        (COUNCIL_OF_MOSQUES, OrganisationKind.UMBRELLA),
        (INTERFAITH, OrganisationKind.UMBRELLA),
    ]:
        organisations[name] = Organisation.objects.create(name=name, kind=kind)
    for name, umbrellas in FAITH_ORGANISATIONS.items():
        organisation = Organisation.objects.create(name=name, kind=OrganisationKind.FAITH)
        organisation.umbrellas.set([organisations[u] for u in umbrellas])
        organisations[name] = organisation
    for number, row in enumerate(DEMO_SITES, start=1):
        name, faith, denomination, operator, ward, lat, lon, capacity, peak, address, postcode = row
        site = Site.objects.create(
            name=name,
            faith=faith,
            denomination=denomination,
            operator=organisations[operator],
            ward=ward,
            latitude=lat,
            longitude=lon,
            capacity=capacity,
            typical_peak_attendance=peak,
            address=f"{address}, London",
            postcode=postcode,
            external_id=f"demo-{number:03d}",
            is_sensitive=name in SENSITIVE_SITES,
        )
        Contact.objects.create(
            site=site,
            name=f"Demo Secretary {number}",
            role="Secretary",
            phone=f"020 7946 0{number:03d}",  # Ofcom's range for drama: never a real line
            email=f"secretary{number}@example.org",
        )
    for username, role_label, organisation_name in DEMO_LOGINS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@example.org",
            first_name=username.replace("-", " ").title(),
        )
        Membership.objects.create(
            user=user, organisation=organisations[organisation_name], role=_ROLE_BY_LABEL[role_label]
        )
    load_demo_schedules()
    return True
