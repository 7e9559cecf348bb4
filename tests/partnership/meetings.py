"""Meetings and actions for the partnership's tests, made straight in the database (the thing
under test is what people see of them, not how they were made).

For a target of the matrix: *own* is a held Tower Hamlets meeting inviting the police unit, the
umbrella body and organisation A, its action owned by contact-a; *other* a held Tower Hamlets
meeting inviting only organisation B, its action owned by contact-b; *away* a held Hackney
meeting inviting organisation C, its action owned by contact-c. Each action was due yesterday.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.partnership.models import Action, Meeting, MeetingKind, MeetingStatus
from tests.conftest import Cast


def make_meeting(cast: Cast, target: str, title: str = "", **fields: object) -> Meeting:
    starts = timezone.now() - timedelta(days=2)
    defaults: dict[str, object] = {
        "kind": MeetingKind.BOARD, "starts_at": starts, "ends_at": starts + timedelta(hours=2),
        "place": "Committee Room 2, Town Hall", "status": MeetingStatus.HELD,
        "convenor": cast.person(Role.PROGRAMME_ADMIN),
    }
    defaults.update(fields)
    meeting = Meeting.objects.create(title=title or f"Matrix meeting {target}", **defaults)
    if target == "away":
        meeting.areas.set([cast.area_2])
        meeting.invited_organisations.set([cast.org_c])
    elif target == "other":
        meeting.areas.set([cast.area])
        meeting.invited_organisations.set([cast.org_b])
    else:
        meeting.areas.set([cast.area])
        meeting.invited_organisations.set([cast.police_unit, cast.umbrella, cast.org_a])
        meeting.present_organisations.set([cast.police_unit, cast.umbrella, cast.org_a])
        meeting.present_people.set([cast.person(Role.POLICE_SUPERVISOR), cast.person(Role.SITE_CONTACT)])
    return meeting


def owner_of(cast: Cast, target: str):
    return {
        "own": cast.person(Role.SITE_CONTACT),
        "other": cast.person("contact_b"),
        "away": cast.person("contact_c"),
    }[target]


def make_action(cast: Cast, target: str, meeting: Meeting | None = None, **fields: object) -> Action:
    meeting = meeting or make_meeting(cast, target)
    organisation = {"own": cast.org_a, "other": cast.org_b, "away": cast.org_c}[target]
    defaults: dict[str, object] = {
        "title": f"Matrix action {target}", "due_on": timezone.localdate() - timedelta(days=1),
    }
    defaults.update(fields)
    return Action.objects.create(
        meeting=meeting, owner=owner_of(cast, target), owner_organisation=organisation, **defaults
    )
