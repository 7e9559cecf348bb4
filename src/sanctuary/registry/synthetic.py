"""A synthetic country for measuring Sanctuary at national scale (`sanctuary demo --national`).

About 350 areas tiled over England and Wales, each with its wards and a rectangular boundary;
50,000 places of worship in the proportions of the faiths in England and Wales; 3,000
organisations (faith organisations running one to a few dozen sites, a council service per area,
43 police forces covering several areas each, umbrella bodies); 10,000 people in their roles. All
of it invented from a seed: names are made of syllables and the ONS codes start with X, which no
real code does. Written in bulk, so that it takes a minute or two, not an hour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from sanctuary.access.models import Membership, Role, User
from sanctuary.registry.models import Area, Faith, Organisation, OrganisationKind, Site, Ward

# Roughly England and Wales (west, south, east, north).
COUNTRY = (-5.5, 50.0, 1.7, 55.8)
# Places of worship by faith, roughly as registered in England and Wales.
FAITH_SHARES = {
    Faith.CHRISTIANITY: 0.80,
    Faith.ISLAM: 0.08,
    Faith.JUDAISM: 0.02,
    Faith.SIKHISM: 0.02,
    Faith.HINDUISM: 0.02,
    Faith.BUDDHISM: 0.02,
    Faith.OTHER: 0.04,
}
SYLLABLES = (
    "ash", "bur", "cal", "dun", "ely", "fen", "gar", "hol", "ing", "kel", "lan", "mar", "nor",
    "ock", "pen", "rad", "sel", "tor", "ul", "ven", "wick", "yar", "brook", "ford", "ham",
    "ley", "mouth", "stow", "thorpe", "well",
)
PASSWORD = "demo-only"  # noqa: S105 (the demo's published password; production refuses demo data)


@dataclass(frozen=True)
class Country:
    areas: int
    sites: int
    organisations: int
    people: int


def _namer(rng: np.random.Generator) -> Callable[..., str]:
    """Made-up names; `unique` ones (areas, organisations) are never given twice. There are
    about 28,000 of two or three syllables, fewer than sites: theirs may repeat."""
    used: set[str] = set()

    def name(suffix: str, *, unique: bool = False) -> str:
        while True:
            parts = rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))
            found = "".join(parts).capitalize() + suffix
            if not unique or found not in used:
                used.add(found)
                return found

    return name


@transaction.atomic
def build_country(
    *,
    areas: int = 350,
    sites: int = 50_000,
    organisations: int = 3_000,
    people: int = 10_000,
    seed: int = 1,
    progress: Callable[[str], None] = lambda message: None,
) -> Country:
    """Build the synthetic country into an empty database."""
    rng = np.random.default_rng(seed)
    name = _namer(rng)
    west, south, east, north = COUNTRY
    columns = math.ceil(math.sqrt(areas * (east - west) / (north - south)))
    rows = math.ceil(areas / columns)
    width, height = (east - west) / columns, (north - south) / rows

    progress(f"{areas} areas and their wards…")
    made_areas: list[Area] = []
    for number in range(areas):
        left = west + (number % columns) * width
        bottom = south + (number // columns) * height
        ring = [
            [left, bottom],
            [left + width, bottom],
            [left + width, bottom + height],
            [left, bottom + height],
            [left, bottom],
        ]
        made_areas.append(
            Area(
                name=name("", unique=True),
                code=f"X{number:08d}",
                boundary={"type": "Polygon", "coordinates": [ring]},
                west=left,
                south=bottom,
                east=left + width,
                north=bottom + height,
            )
        )
    Area.objects.bulk_create(made_areas)
    made_areas = list(Area.objects.order_by("code"))
    wards_of: dict[int, list[str]] = {}
    ward_rows = []
    for area in made_areas:
        names = sorted({name(" Ward") for _ in range(int(rng.integers(12, 26)))})
        wards_of[area.pk] = names
        ward_rows += [Ward(area=area, name=ward) for ward in names]
    Ward.objects.bulk_create(ward_rows, batch_size=2000)

    progress(f"{organisations} organisations…")
    councils = [
        Organisation(name=f"{area.name} Community Safety Team", kind=OrganisationKind.COUNCIL)
        for area in made_areas
    ]
    forces = [
        Organisation(name=f"{name('', unique=True)} Police, Neighbourhood Policing", kind=OrganisationKind.POLICE)
        for _ in range(43)
    ]
    umbrellas = [
        Organisation(name=f"{name('', unique=True)} Council of Faiths", kind=OrganisationKind.UMBRELLA)
        for _ in range(50)
    ]
    national = Organisation(
        name="Places of Worship Protective Security Scheme (national office, synthetic)",
        kind=OrganisationKind.NATIONAL,
        covers_all_areas=True,
    )
    faith_count = max(1, organisations - len(councils) - len(forces) - len(umbrellas) - 1)
    faith_orgs = [
        Organisation(name=f"{name('', unique=True)} Trust", kind=OrganisationKind.FAITH)
        for _ in range(faith_count)
    ]
    Organisation.objects.bulk_create([*councils, *forces, *umbrellas, national, *faith_orgs])
    works_in = Organisation.areas.through
    links = [works_in(organisation_id=c.pk, area_id=a.pk) for c, a in zip(councils, made_areas, strict=True)]
    for index, area in enumerate(made_areas):
        links.append(works_in(organisation_id=forces[index % len(forces)].pk, area_id=area.pk))
        links.append(works_in(organisation_id=umbrellas[index % len(umbrellas)].pk, area_id=area.pk))
    # a faith organisation is rooted in one area; a fifth of them also run sites next door
    home = rng.integers(0, len(made_areas), size=len(faith_orgs))
    member_of = Organisation.umbrellas.through
    memberships = [
        member_of(from_organisation_id=org.pk, to_organisation_id=umbrellas[home[i] % len(umbrellas)].pk)
        for i, org in enumerate(faith_orgs)
        if rng.random() < 0.3
    ]
    member_of.objects.bulk_create(memberships, batch_size=2000)

    progress(f"{sites} places of worship…")
    faiths = rng.choice(list(FAITH_SHARES), size=sites, p=list(FAITH_SHARES.values()))
    # organisations run unevenly many sites: a diocese many, a small congregation one
    weights = rng.pareto(1.2, size=len(faith_orgs)) + 1
    operator_of = rng.choice(len(faith_orgs), size=sites, p=weights / weights.sum())
    capacity = np.clip(rng.lognormal(5.0, 0.8, size=sites), 20, 6000).astype(int)
    site_rows = []
    area_links: set[tuple[int, int]] = set()
    for number in range(sites):
        org_index = int(operator_of[number])
        area_index = int(home[org_index])
        if rng.random() < 0.2:  # next door
            area_index = min(len(made_areas) - 1, area_index + int(rng.integers(1, 3)))
        area = made_areas[area_index]
        assert area.west is not None and area.south is not None
        latitude = area.south + rng.random() * height * 0.98 + height * 0.01
        longitude = area.west + rng.random() * width * 0.98 + width * 0.01
        site_rows.append(
            Site(
                name=f"{name('')} {faith_place(str(faiths[number]))}",
                faith=str(faiths[number]),
                address=f"{int(rng.integers(1, 300))} {name(' Road')}",
                area=area,
                ward=wards_of[area.pk][int(rng.integers(0, len(wards_of[area.pk])))],
                latitude=round(latitude, 6),
                longitude=round(longitude, 6),
                capacity=int(capacity[number]),
                typical_peak_attendance=int(capacity[number] * rng.uniform(0.4, 0.9)),
                operator=faith_orgs[org_index],
                external_id=f"synthetic:{number}",
            )
        )
        area_links.add((faith_orgs[org_index].pk, area.pk))
    Site.objects.bulk_create(site_rows, batch_size=2000)
    links += [works_in(organisation_id=org, area_id=area) for org, area in area_links]
    works_in.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)

    progress(f"{people} people…")
    password = make_password(PASSWORD)  # once: hashing 10,000 times would take an hour
    users: list[User] = []
    roles: list[tuple[int, Organisation, Role]] = []
    staff_roles = (
        Role.PROGRAMME_ADMIN,
        Role.SECURITY_ADVISER,
        Role.GRANT_ASSESSOR,
        Role.ENFORCEMENT_OFFICER,
    )
    for council in councils:
        for role in staff_roles:
            roles.append((len(roles), council, role))
    for force in forces:
        for role in (Role.POLICE_SUPERVISOR, Role.POLICE_SUPERVISOR, *[Role.PATROL_OFFICER] * 8):
            roles.append((len(roles), force, role))
    for umbrella in umbrellas:
        roles.append((len(roles), umbrella, Role.UMBRELLA_COORDINATOR))
    roles.append((len(roles), national, Role.NATIONAL_ADMIN))
    while len(roles) < people:
        org = faith_orgs[int(rng.integers(0, len(faith_orgs)))]
        roles.append((len(roles), org, Role.SITE_CONTACT))
    for number, _, held in roles[:people]:
        users.append(
            User(username=f"{held.value.replace('_', '-')}-{number:05d}", password=password,
                 email=f"person{number}@example.org")
        )
    User.objects.bulk_create(users, batch_size=2000)
    by_name = dict(User.objects.filter(username__in=[u.username for u in users]).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(user_id=by_name[user.username], organisation=org, role=role)
            for user, (_, org, role) in zip(users, roles[:people], strict=True)
        ],
        batch_size=2000,
    )
    # Tell the database's planner what it now holds: until it knows, PostgreSQL took the
    # 50,000 sites for 250 and chose plans 3-5 times slower (autovacuum catches up later).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Country(
        areas=len(made_areas),
        sites=len(site_rows),
        organisations=Organisation.objects.count(),
        people=len(users),
    )


def faith_place(faith: str) -> str:
    return {
        Faith.CHRISTIANITY: "Church",
        Faith.ISLAM: "Masjid",
        Faith.JUDAISM: "Synagogue",
        Faith.SIKHISM: "Gurdwara",
        Faith.HINDUISM: "Mandir",
        Faith.BUDDHISM: "Vihara",
        Faith.OTHER: "Meeting House",
    }[Faith(faith)]
