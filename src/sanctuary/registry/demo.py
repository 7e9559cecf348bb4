"""The demo: two boroughs side by side, Tower Hamlets and Hackney, under one police division, and
the fund's national office.

Every organisation, name, address and postcode here is invented; the wards are the boroughs'
real wards and the coordinates fall on land inside them. The boundaries are rough outlines for
the demo, not the boroughs' legal boundaries. Nothing claims facts about a real institution.
"""

from __future__ import annotations

from django.db import transaction

from sanctuary.access.models import Membership, Role, User
from sanctuary.registry.models import (
    Area,
    Contact,
    Faith,
    Organisation,
    OrganisationKind,
    Site,
    Ward,
)

DEMO_PASSWORD = "demo-only"  # noqa: S105 (published; production refuses these accounts)

TOWER_HAMLETS = "Tower Hamlets"
HACKNEY = "Hackney"
# name: (ONS code, rough outline as [west, south, east, north], real wards)
AREAS: dict[str, tuple[str, tuple[float, float, float, float], tuple[str, ...]]] = {
    TOWER_HAMLETS: (
        "E09000030",
        (-0.0855, 51.484, 0.012, 51.5355),
        (
            "Bethnal Green East", "Bethnal Green West", "Blackwall & Cubitt Town", "Bow East",
            "Bow West", "Bromley North", "Bromley South", "Canary Wharf", "Island Gardens",
            "Lansbury", "Limehouse", "Mile End", "Poplar", "Shadwell",
            "Spitalfields & Banglatown", "St Dunstan's", "St Katharine's & Wapping", "St Peter's",
            "Stepney Green", "Weavers", "Whitechapel",
        ),
    ),
    HACKNEY: (
        "E09000012",
        (-0.107, 51.5355, -0.019, 51.578),
        (
            "Brownswood", "Cazenove", "Clissold", "Dalston", "De Beauvoir", "Hackney Central",
            "Hackney Downs", "Hackney Wick", "Haggerston", "Homerton", "Hoxton East & Shoreditch",
            "Hoxton West", "King's Park", "Lea Bridge", "London Fields", "Shacklewell",
            "Springfield", "Stamford Hill West", "Stoke Newington", "Victoria", "Woodberry Down",
        ),
    ),
}

COUNCIL = "Borough Community Safety Team"
ENFORCEMENT = "Borough Enforcement Service"
HACKNEY_COUNCIL = "Hackney Community Safety Partnership Team"
POLICE = "East Division Neighbourhood Policing"
NATIONAL = "Places of Worship Protective Security Scheme (national office)"
COUNCIL_OF_MOSQUES = "Riverside Council of Mosques"
INTERFAITH = "East End Interfaith Forum"
HACKNEY_INTERFAITH = "Hackney Faith Forum"
ORG_A = "Eastside Muslim Welfare Trust"
ORG_B = "Parish of St Anselm and St Brigid"
ORG_HACKNEY = "Kingsland Road Masjid Trust"

# (name, kind, areas it works in; none: every area)
NON_FAITH_ORGANISATIONS: list[tuple[str, str, tuple[str, ...]]] = [
    (COUNCIL, OrganisationKind.COUNCIL, (TOWER_HAMLETS,)),
    (ENFORCEMENT, OrganisationKind.COUNCIL, (TOWER_HAMLETS,)),
    (HACKNEY_COUNCIL, OrganisationKind.COUNCIL, (HACKNEY,)),
    (POLICE, OrganisationKind.POLICE, (TOWER_HAMLETS, HACKNEY)),
    (NATIONAL, OrganisationKind.NATIONAL, ()),
    (COUNCIL_OF_MOSQUES, OrganisationKind.UMBRELLA, (TOWER_HAMLETS, HACKNEY)),
    (INTERFAITH, OrganisationKind.UMBRELLA, (TOWER_HAMLETS,)),
    (HACKNEY_INTERFAITH, OrganisationKind.UMBRELLA, (HACKNEY,)),
]

# (username, role, organisation)
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("national", Role.NATIONAL_ADMIN.label, NATIONAL),
    ("admin", Role.PROGRAMME_ADMIN.label, COUNCIL),
    ("hackney-admin", Role.PROGRAMME_ADMIN.label, HACKNEY_COUNCIL),
    ("police", Role.POLICE_SUPERVISOR.label, POLICE),
    ("officer", Role.PATROL_OFFICER.label, POLICE),
    ("enforcement", Role.ENFORCEMENT_OFFICER.label, ENFORCEMENT),
    ("adviser", Role.SECURITY_ADVISER.label, COUNCIL),
    ("assessor", Role.GRANT_ASSESSOR.label, COUNCIL),
    ("coordinator", Role.UMBRELLA_COORDINATOR.label, COUNCIL_OF_MOSQUES),
    ("contact-a", Role.SITE_CONTACT.label, ORG_A),
    ("contact-b", Role.SITE_CONTACT.label, ORG_B),
    ("hackney-contact", Role.SITE_CONTACT.label, ORG_HACKNEY),
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
    ORG_HACKNEY: [COUNCIL_OF_MOSQUES, HACKNEY_INTERFAITH],
    "Stoke Newington Islamic Circle": [COUNCIL_OF_MOSQUES],
    "Clapton Common Hebrew Congregation": [HACKNEY_INTERFAITH],
    "Stamford Hill Talmud Torah Association": [],
    "Holy Trinity Hackney Parish": [HACKNEY_INTERFAITH],
    "Mare Street Baptist Fellowship": [],
    "Ridley Road Pentecostal Mission": [],
    "Dalston Gurdwara Committee": [HACKNEY_INTERFAITH],
    "Hackney Marshes Mandir Society": [HACKNEY_INTERFAITH],
    "London Fields Zen Sangha": [],
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
    ("Cubitt Town Musalla", Faith.ISLAM, "Sunni", "Poplar Dock Muslim Association", "Blackwall & Cubitt Town", 51.4951, -0.0092, 60, 45, "4 Slipway Mews", "E14 3ZL"),
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
HACKNEY_SITES: list[tuple[str, str, str, str, str, float, float, int, int, str, str]] = [
    ("Kingsland Road Masjid", Faith.ISLAM, "Sunni (Hanafi)", ORG_HACKNEY, "Dalston", 51.5468, -0.0757, 1800, 1500, "140 Tenter Row", "E8 2ZA"),
    ("Kingsland Road Women's Prayer Hall", Faith.ISLAM, "Sunni (Hanafi)", ORG_HACKNEY, "Shacklewell", 51.5531, -0.0732, 200, 150, "3 Loom Yard", "E8 2ZB"),
    ("Stoke Newington Islamic Centre", Faith.ISLAM, "Sunni", "Stoke Newington Islamic Circle", "Stoke Newington", 51.5622, -0.0781, 700, 550, "22 Quill Lane", "N16 0ZC"),
    ("Lea Bridge Musalla", Faith.ISLAM, "Sunni", "Stoke Newington Islamic Circle", "Lea Bridge", 51.5608, -0.0468, 120, 90, "9 Towpath Close", "E5 9ZD"),
    ("Clapton Common Synagogue", Faith.JUDAISM, "Orthodox (Haredi)", "Clapton Common Hebrew Congregation", "Cazenove", 51.5672, -0.0655, 600, 450, "50 Lintel Road", "N16 6ZE"),
    ("Clapton Common Beth Hamedrash", Faith.JUDAISM, "Orthodox (Haredi)", "Clapton Common Hebrew Congregation", "Springfield", 51.5711, -0.0627, 250, 200, "7 Lintel Road", "N16 6ZE"),
    ("Stamford Hill Talmud Torah Hall", Faith.JUDAISM, "Orthodox (Haredi)", "Stamford Hill Talmud Torah Association", "Stamford Hill West", 51.5695, -0.0741, 400, 320, "18 Cooper's Gate", "N16 5ZF"),
    ("Holy Trinity Church, Hackney", Faith.CHRISTIANITY, "Anglican", "Holy Trinity Hackney Parish", "Hackney Central", 51.5452, -0.0553, 350, 180, "1 Bellfounder Street", "E8 1ZG"),
    ("Holy Trinity Mission Hall", Faith.CHRISTIANITY, "Anglican", "Holy Trinity Hackney Parish", "London Fields", 51.5413, -0.0621, 120, 70, "4 Bellfounder Street", "E8 3ZH"),
    ("Mare Street Baptist Church", Faith.CHRISTIANITY, "Baptist", "Mare Street Baptist Fellowship", "Hackney Central", 51.5449, -0.0566, 300, 160, "88 Wheelwright Road", "E8 4ZJ"),
    ("Ridley Road Pentecostal Mission", Faith.CHRISTIANITY, "Pentecostal", "Ridley Road Pentecostal Mission", "Dalston", 51.5487, -0.0722, 500, 420, "12 Stallholder Lane", "E8 2ZK"),
    ("Homerton Pentecostal Chapel", Faith.CHRISTIANITY, "Pentecostal", "Ridley Road Pentecostal Mission", "Homerton", 51.5467, -0.0431, 180, 130, "30 Mill Leat Road", "E9 6ZL"),
    ("De Beauvoir Catholic Chapel", Faith.CHRISTIANITY, "Roman Catholic", "Holy Trinity Hackney Parish", "De Beauvoir", 51.5389, -0.0811, 150, 90, "6 Wharfside Row", "N1 5ZM"),
    ("Dalston Gurdwara", Faith.SIKHISM, "", "Dalston Gurdwara Committee", "Dalston", 51.5474, -0.0781, 700, 450, "60 Carding Street", "E8 3ZN"),
    ("Hackney Wick Gurdwara Annexe", Faith.SIKHISM, "", "Dalston Gurdwara Committee", "Hackney Wick", 51.5432, -0.0262, 150, 100, "2 Lockside Yard", "E9 5ZP"),
    ("Hackney Marshes Mandir", Faith.HINDUISM, "Vaishnava", "Hackney Marshes Mandir Society", "King's Park", 51.5558, -0.0402, 450, 300, "11 Reedbed Way", "E5 0ZQ"),
    ("Victoria Park Hindu Cultural Hall", Faith.HINDUISM, "", "Hackney Marshes Mandir Society", "Victoria", 51.5401, -0.0431, 250, 180, "5 Bandstand Road", "E9 7ZR"),
    ("London Fields Zen Centre", Faith.BUDDHISM, "Zen", "London Fields Zen Sangha", "London Fields", 51.5426, -0.0648, 60, 40, "9 Lido Walk", "E8 3ZS"),
    ("Haggerston Meditation Room", Faith.BUDDHISM, "Zen", "London Fields Zen Sangha", "Haggerston", 51.5381, -0.0752, 30, 20, "Floor 2, 14 Canal Arcade", "E2 8ZT"),
    ("Woodberry Down Mosque", Faith.ISLAM, "Sunni", "Stoke Newington Islamic Circle", "Woodberry Down", 51.5716, -0.0902, 300, 240, "27 Reservoir Row", "N4 2ZU"),
]
# fmt: on

# Sites of a specific concern: every view of them is audited.
SENSITIVE_SITES = {"Sundial Lane Synagogue", "Eastside Central Masjid", "Clapton Common Synagogue"}


def site_count() -> int:
    return Site.objects.count()


def _outline(box: tuple[float, float, float, float]) -> dict[str, object]:
    west, south, east, north = box
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@transaction.atomic
def load() -> bool:
    """Load the registry's demo into an empty database; return False if it was there already."""
    if Organisation.objects.filter(name=COUNCIL).exists():
        return False
    areas: dict[str, Area] = {}
    for area_name, (code, box, wards) in AREAS.items():
        areas[area_name] = Area.objects.create(name=area_name, code=code, boundary=_outline(box))
        Ward.objects.bulk_create(Ward(area=areas[area_name], name=ward) for ward in wards)
    organisations: dict[str, Organisation] = {}
    for name, kind, where in NON_FAITH_ORGANISATIONS:
        organisation = Organisation.objects.create(name=name, kind=kind, covers_all_areas=not where)
        organisation.areas.set(areas[a] for a in where)
        organisations[name] = organisation
    for name, umbrellas in FAITH_ORGANISATIONS.items():
        organisation = Organisation.objects.create(name=name, kind=OrganisationKind.FAITH)
        organisation.umbrellas.set([organisations[u] for u in umbrellas])
        organisations[name] = organisation
    rows = [(TOWER_HAMLETS, row) for row in DEMO_SITES] + [(HACKNEY, row) for row in HACKNEY_SITES]
    for number, (area_name, row) in enumerate(rows, start=1):
        name, faith, denomination, operator, ward, lat, lon, capacity, peak, address, postcode = row
        site = Site.objects.create(
            name=name,
            faith=faith,
            denomination=denomination,
            operator=organisations[operator],
            area=areas[area_name],
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
        organisations[operator].areas.add(areas[area_name])
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
    return True
