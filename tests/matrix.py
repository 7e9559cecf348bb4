"""The need-to-know matrix of docs/access.md, read as data, and what every app's probes share.

Each app keeps the probes of its own rows in tests/<app>/access_probes.py; tests/test_access_matrix.py
gathers them and checks every cell. A probe tries one action as one person and says whether it
succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.test import Client

from sanctuary.access.models import Role, User
from sanctuary.registry.models import Organisation, Site
from tests.conftest import Cast

ACCESS_DOC = Path(__file__).resolve().parents[1] / "docs" / "access.md"

ROLE_BY_LABEL = {role.label.lower(): role.value for role in Role}


@dataclass(frozen=True)
class Cell:
    where: str
    action: str
    target: str  # own, other or any
    role: str
    allowed: bool


def read_matrix() -> list[Cell]:
    rows = [line for line in ACCESS_DOC.read_text().splitlines() if line.startswith("| `")]
    header = next(
        line for line in ACCESS_DOC.read_text().splitlines() if line.startswith("| where |")
    )
    roles = [ROLE_BY_LABEL[name.strip()] for name in header.strip("|").split("|")[3:]]
    cells = []
    for row in rows:
        where, action, target, *answers = [part.strip() for part in row.strip("|").split("|")]
        assert len(answers) == len(roles), f"docs/access.md: wrong number of cells in {row}"
        for role, answer in zip(roles, answers, strict=True):
            assert answer in {"yes", "no"}, f"docs/access.md: {answer!r} in {row}"
            cells.append(Cell(where.strip("`"), action, target, role, answer == "yes"))
    return cells


MATRIX = read_matrix()


@dataclass(frozen=True)
class MenuRow:
    label: str
    url: str
    roles: frozenset[str]


def read_menu_table() -> list[MenuRow]:
    """The table of docs/access.md's "The main menu": each entry, the page it opens, who sees it."""
    lines = ACCESS_DOC.read_text().split("## The main menu", 1)[1].split("\n## ", 1)[0].splitlines()
    header = next(line for line in lines if line.startswith("| entry | opens |"))
    roles = [ROLE_BY_LABEL[name.strip()] for name in header.strip("|").split("|")[2:]]
    rows = []
    for line in lines:
        if not line.startswith("| ") or line == header:
            continue
        label, url, *cells = [part.strip() for part in line.strip("|").split("|")]
        assert len(cells) == len(roles), f"docs/access.md, the main menu: {line}"
        assert set(cells) <= {"yes", "no"}, f"docs/access.md, the main menu: {line}"
        rows.append(MenuRow(label, url, frozenset(r for r, c in zip(roles, cells, strict=True) if c == "yes")))
    return rows


def objects(cast: Cast, target: str) -> tuple[Site, Organisation]:
    """own and any: A's; other: B's, in the same area; away: C's, in another area."""
    if target == "away":
        return cast.site_c, cast.org_c
    return (cast.site_a, cast.org_a) if target in {"own", "any"} else (cast.site_b, cast.org_b)


def lists(response, text: str) -> bool:
    assert response.status_code == 200, response.status_code
    return text in response.content.decode()


def found(response) -> bool:
    assert response.status_code in {200, 404}, response.status_code
    return response.status_code == 200


def function(response) -> bool:
    assert response.status_code in {200, 302, 403}, response.status_code
    return response.status_code in {200, 302}


def site_form_data(site: Site, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": site.name,
        "faith": site.faith,
        "denomination": site.denomination,
        "operator": site.operator_id,
        "address": site.address,
        "postcode": site.postcode,
        "area": site.area_id,
        "ward": site.ward,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "capacity": site.capacity or "",
        "typical_peak_attendance": site.typical_peak_attendance or "",
        "status": site.status,
        "notes": site.notes,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


Probe = Callable[[Client, User, Cast, str], bool]


def page_lists_site(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        return lists(client.get(path), site.name)

    return probe


def page_lists_organisation(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        _, organisation = objects(cast, target)
        return lists(client.get(path), organisation.name)

    return probe


def site_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        site, _ = objects(cast, target)
        return found(client.get(template.format(id=site.pk)))

    return probe


def organisation_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        _, organisation = objects(cast, target)
        return found(client.get(template.format(id=organisation.pk)))

    return probe


def person_page(template: str) -> Probe:
    """A person is an object: not yours (not an administrator) looks like missing, 404."""

    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return found(client.get(template.format(id=user.pk)))

    return probe


def function_page(path: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        return function(client.get(path.format(id=user.pk)))

    return probe
