"""The main menu: which entry each role sees (docs/access.md, "The main menu").

The table is data (a label, a URL name, the roles that see it) so that it can sit at the bottom
of the house without importing the apps whose pages it names. An entry is shown to a person who
holds one of its roles, and only where that role's door gives them something at the page: a link
to a refusal or an empty list is worse than no link. tests/access/test_menu.py opens every entry
as every role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from sanctuary.access.models import Role
from sanctuary.access.policy import Grants

R = Role
# Staff who read every site of their areas: the registry's pages and the calendar are theirs.
_READERS = (
    R.NATIONAL_ADMIN, R.PROGRAMME_ADMIN, R.POLICE_SUPERVISOR, R.PATROL_OFFICER,
    R.ENFORCEMENT_OFFICER, R.SECURITY_ADVISER, R.GRANT_ASSESSOR,
)
_ADMINS = (R.NATIONAL_ADMIN, R.PROGRAMME_ADMIN)


@dataclass(frozen=True)
class Entry:
    label: str  # the link's text: browser tests and habits click it, keep it stable
    url_name: str
    roles: frozenset[str]


def _entry(label: str, url_name: str, *roles: str) -> Entry:
    return Entry(label, url_name, frozenset(roles))


# In the order shown. One label may appear twice, for roles whose way in differs (a security
# adviser's part of the fund is its awards, which they sign off; the fund's home refuses them):
# a person sees a label once, at its first row that is theirs.
MENU: tuple[Entry, ...] = (
    _entry("Map", "site_map", *_READERS, R.UMBRELLA_COORDINATOR, R.SITE_CONTACT),
    _entry("Sites", "site_list", *_READERS, R.UMBRELLA_COORDINATOR, R.SITE_CONTACT),
    # a site contact's list would hold their own organisation alone, which they cannot change
    _entry("Organisations", "organisation_list", *_READERS, R.UMBRELLA_COORDINATOR),
    _entry("Calendar", "calendar_week", *_READERS, R.UMBRELLA_COORDINATOR, R.SITE_CONTACT),
    _entry("Incidents", "incident_list", *Role.values),
    _entry("Risk", "risk_register", *_ADMINS, R.POLICE_SUPERVISOR, R.SECURITY_ADVISER, R.SITE_CONTACT),
    _entry("Patrols", "patrol_plans", R.POLICE_SUPERVISOR, R.PATROL_OFFICER, R.ENFORCEMENT_OFFICER),
    _entry("Fund", "fund_home", *_ADMINS, R.GRANT_ASSESSOR, R.UMBRELLA_COORDINATOR, R.SITE_CONTACT),
    _entry("Fund", "fund_awards", R.SECURITY_ADVISER),
    _entry("Alerts", "alerts", *_ADMINS, R.POLICE_SUPERVISOR, R.SITE_CONTACT),
    # every organisation of an area reads the summaries of its meetings
    _entry("Partnership", "partnership_home", *Role.values),
    _entry("People", "people", *_ADMINS),
    _entry("Audit", "audit_log", *_ADMINS),
)

# Roles whose doors follow the person's own organisations, not the areas a role reaches.
_NOT_BY_AREA = frozenset({R.SITE_CONTACT, R.UMBRELLA_COORDINATOR, R.CASE_HANDLER})


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool


def roles_in_use(grants: Grants) -> frozenset[str]:
    """The roles that give the person something: a staff role whose organisation reaches no
    area opens only empty pages (the doors answer by area)."""
    return frozenset(
        role for role, areas in grants.areas_by_role if areas or role in _NOT_BY_AREA
    )


def entries_for(grants: Grants) -> list[Entry]:
    roles = roles_in_use(grants)
    shown: dict[str, Entry] = {}
    for entry in MENU:
        if entry.label not in shown and entry.roles & roles:
            shown[entry.label] = entry
    return list(shown.values())


def links_for(grants: Grants, path: str) -> list[Link]:
    """The person's entries as links; the one whose address is the longest start of `path` is
    the current page's (no query: the grants are the request's own)."""
    pairs = [(entry.label, reverse(entry.url_name)) for entry in entries_for(grants)]
    current = max((url for _, url in pairs if path.startswith(url)), key=len, default=None)
    return [Link(label, url, url == current) for label, url in pairs]
