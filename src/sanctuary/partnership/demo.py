"""The demo's partnership: a year of meetings in Tower Hamlets (the monthly board, quarterly
security briefings for the council of mosques, the interfaith forum, community engagement
sessions) and one in Hackney, with decisions and actions in every state.

Deterministic for a given day: dates are relative to today, the rest comes from fixed lists and
a seeded random stream."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.models import User
from sanctuary.partnership import forms, policy, services
from sanctuary.partnership.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    MeetingKind,
    MeetingStatus,
)
from sanctuary.registry import demo as registry_demo
from sanctuary.registry.models import Area, Organisation

LONDON = ZoneInfo("Europe/London")
SEED = 15
ACTOR = Actor.system("demo")

AGENDA: dict[str, str] = {
    MeetingKind.BOARD: "Incidents and surges since the last board\nPatrols planned and delivered\n"
    "Surveys and the fund\nActions from the last board\nAny other business",
    MeetingKind.BRIEFING: "The threat picture\nAdvice for the coming festivals\nLockdown and "
    "invacuation drills\nQuestions from member mosques",
    MeetingKind.INTERFAITH: "Reassurance after recent events\nShared stewarding\nVisits between "
    "congregations",
    MeetingKind.ENGAGEMENT: "What residents told us\nReporting hate incidents\nWhat happens next",
}
DECISIONS = [
    "The partnership will meet monthly until the surge has passed.",
    "Every mosque of the council will be offered a security survey this year.",
    "A designing-out-crime officer will be asked to visit the sites most at risk.",
    "The chair will write to the Home Secretary about funding for protective security.",
    "Patrols will be concentrated on Friday prayers and evening gatherings.",
    "Advice on lockdown procedures will be sent to every member congregation.",
]
ACTIONS = [
    ("Ask the police for a designing-out-crime officer", "police"),
    ("Offer a security survey to every member mosque", "council"),
    ("Draft the letter to the Home Secretary", "council"),
    ("Share lockdown advice with member congregations", "umbrella"),
    ("Review CCTV coverage at the main entrance", "faith"),
    ("Organise stewarding training before Ramadan", "umbrella"),
    ("Publish the hate-incident reporting leaflet", "council"),
    ("Extend foot patrols to evening gatherings", "police"),
]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _month_day(today: date, months: int, day: int) -> date:
    year, month = divmod(today.month - 1 + months, 12)
    return date(today.year + year, month + 1, day)


def load(today: date | None = None) -> int:
    """Make the meetings; returns how many."""
    today = today or timezone.localdate()
    areas = {a.name: a for a in Area.objects.filter(name__in=[registry_demo.TOWER_HAMLETS, registry_demo.HACKNEY])}
    names = [registry_demo.COUNCIL, registry_demo.POLICE, registry_demo.COUNCIL_OF_MOSQUES,
             registry_demo.INTERFAITH, registry_demo.ORG_A, registry_demo.ORG_B,
             registry_demo.HACKNEY_COUNCIL, registry_demo.ORG_HACKNEY]
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    people = {u.username: u for u in User.objects.filter(username__in=[
        "admin", "police", "coordinator", "contact-a", "contact-b", "hackney-admin", "hackney-contact",
    ])}
    if len(areas) < 2 or len(orgs) < len(names) or len(people) < 7:
        return 0
    random_stream = random.Random(SEED)
    th = areas[registry_demo.TOWER_HAMLETS]
    owner_by_kind = {
        "council": people["admin"], "police": people["police"], "umbrella": people["coordinator"],
        "faith": people["contact-a"],
    }
    plans: list[tuple[str, str, date, list[str], list[str]]] = []
    for months in range(-11, 2):
        plans.append((MeetingKind.BOARD, "Partnership board", _month_day(today, months, 10),
                      [registry_demo.COUNCIL, registry_demo.POLICE, registry_demo.COUNCIL_OF_MOSQUES,
                       registry_demo.INTERFAITH], ["admin", "police", "coordinator"]))
    for months in (-10, -7, -4, -1):
        plans.append((MeetingKind.BRIEFING, "Security briefing for the council of mosques",
                      _month_day(today, months, 20),
                      [registry_demo.POLICE, registry_demo.COUNCIL_OF_MOSQUES, registry_demo.ORG_A],
                      ["police", "coordinator", "contact-a"]))
    for months in (-8, -2):
        plans.append((MeetingKind.INTERFAITH, "East End interfaith forum", _month_day(today, months, 14),
                      [registry_demo.COUNCIL, registry_demo.INTERFAITH, registry_demo.ORG_A, registry_demo.ORG_B],
                      ["admin", "contact-a", "contact-b"]))
    for months in (-6, -3):
        plans.append((MeetingKind.ENGAGEMENT, "Community engagement session, Whitechapel",
                      _month_day(today, months, 5), [registry_demo.COUNCIL, registry_demo.POLICE],
                      ["admin", "police"]))
    made = 0
    for number, (kind, title, day, invited, attendees) in enumerate(plans):
        starts = _at(day, 18, 30)
        held = starts < timezone.now()
        form = forms.MeetingForm(
            {
                "kind": kind, "title": f"{title}, {day:%B %Y}", "starts_at": f"{day}T18:30",
                "ends_at": f"{day}T20:00", "place": "Town Hall, Whitechapel Road, Committee Room 2",
                "areas": [th.pk], "status": MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                "invited_organisations": [orgs[n].pk for n in invited],
                "present_organisations": [orgs[n].pk for n in invited] if held else [],
                "present_people": [people[p].pk for p in attendees] if held else [],
                "agenda": AGENDA[kind],
                "minutes": (f"The meeting was opened at 18:30. {len(attendees)} people attended. "
                            "The threat picture was presented by the police; members discussed "
                            "the advice to sites and the actions below.") if held else "",
            },
            areas=policy.areas_to_convene(ACTOR), organisations=Organisation.objects.all(),
            people=User.objects.all(),
        )
        assert form.is_valid(), form.errors
        form.instance.convenor = people["admin"]
        meeting = services.save_meeting(ACTOR, form)
        made += 1
        if not held:
            continue
        services.add_decision(ACTOR, meeting, DECISIONS[number % len(DECISIONS)], confidential=False)
        if number % 4 == 0:
            services.add_decision(ACTOR, meeting, "Two sites will have their locks changed this month.",
                                  confidential=True)
        for index in range(1 + random_stream.randrange(2)):
            action_title, owner_kind = ACTIONS[(number + index * 3) % len(ACTIONS)]
            owner = owner_by_kind[owner_kind]
            owners = policy.owners_for(meeting)
            if not owners.filter(pk=owner.pk).exists():  # someone of the meeting's own
                owner = owners.filter(username__in=list(people)).first() or people["admin"]
            due = day + timedelta(days=random_stream.choice([21, 35, 60, 90]))
            action = services.add_action(ACTOR, meeting, {
                "title": action_title, "owner": owner, "due_on": due,
                "confidential": owner_kind == "faith",
            })
            Action.objects.filter(pk=action.pk).update(created_at=starts + timedelta(hours=2))
            _progress(action, day, today, random_stream)
    made += _hackney(areas[registry_demo.HACKNEY], orgs, people, today)
    return made


def _progress(action: Action, day: date, today: date, stream: random.Random) -> None:
    """Move an action on as the year went: most done, some dropped, some in progress, some
    left open (overdue or not yet due)."""
    roll = stream.random()
    if roll < 0.45 and action.due_on - timedelta(days=7) < today:
        status, on = ActionStatus.DONE, min(today, action.due_on - timedelta(days=stream.randrange(7)))
    elif roll < 0.55:
        status, on = ActionStatus.DROPPED, min(today, day + timedelta(days=14))
    elif roll < 0.8:
        status, on = ActionStatus.IN_PROGRESS, min(today, day + timedelta(days=10))
    else:
        return
    services.update_action(ACTOR, action, status, {
        ActionStatus.DONE: "Done and reported to the board.",
        ActionStatus.DROPPED: "Dropped: overtaken by the council's own programme.",
        ActionStatus.IN_PROGRESS: "Started; first steps taken.",
    }[status], today=on)
    if status in (ActionStatus.DONE, ActionStatus.DROPPED):
        Action.objects.filter(pk=action.pk).update(closed_at=_at(on, 12))
    ActionUpdate.objects.filter(action=action).update(created_at=_at(on, 12))


def _hackney(area: Area, orgs: dict[str, Organisation], people: dict[str, User], today: date) -> int:
    day = _month_day(today, -1, 17)
    form = forms.MeetingForm(
        {
            "kind": MeetingKind.BRIEFING, "title": f"Hackney security briefing, {day:%B %Y}",
            "starts_at": f"{day}T19:00", "ends_at": f"{day}T20:30",
            "place": "Hackney Town Hall, Mare Street", "areas": [area.pk], "status": MeetingStatus.HELD,
            "invited_organisations": [orgs[registry_demo.HACKNEY_COUNCIL].pk, orgs[registry_demo.ORG_HACKNEY].pk],
            "present_organisations": [orgs[registry_demo.HACKNEY_COUNCIL].pk, orgs[registry_demo.ORG_HACKNEY].pk],
            "present_people": [people["hackney-admin"].pk, people["hackney-contact"].pk],
            "agenda": AGENDA[MeetingKind.BRIEFING],
            "minutes": "The police presented the threat picture for Hackney's places of worship.",
        },
        areas=policy.areas_to_convene(ACTOR), organisations=Organisation.objects.all(),
        people=User.objects.all(),
    )
    assert form.is_valid(), form.errors
    form.instance.convenor = people["hackney-admin"]
    meeting = services.save_meeting(ACTOR, form)
    services.add_decision(ACTOR, meeting, DECISIONS[5], confidential=False)
    services.add_action(ACTOR, meeting, {
        "title": "Share lockdown advice with Hackney's mosques", "owner": people["hackney-contact"],
        "due_on": today + timedelta(days=5),
    })
    return 1
