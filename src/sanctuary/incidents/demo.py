"""The incidents part of the demo: a year of fictional incidents over both demo boroughs, with a
surge after a fictional trigger event, cases in every state, and a third-party reporting
organisation with its case handler's login.

Deterministic: a seeded random generator, and dates counted back from the day it is built.
Every name, reference and story here is invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sanctuary.access.models import Membership, Role, User
from sanctuary.incidents.models import (
    DEFAULT_SEVERITY,
    OUTCOMES,
    Category,
    Direction,
    Incident,
    Message,
    Report,
    Source,
    Status,
    hash_tracking_key,
)
from sanctuary.incidents.services import due_times
from sanctuary.incidents.tasks import check_surges_now
from sanctuary.registry import demo as registry_demo
from sanctuary.registry.models import Organisation, OrganisationKind, Site

LONDON = ZoneInfo("Europe/London")
REPORTING = "Community Hate Incident Line (fictional charity)"
# (username, role, organisation): printed with the registry's logins by `sanctuary demo`
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("handler", Role.CASE_HANDLER.label, registry_demo.COUNCIL),
    ("hackney-handler", Role.CASE_HANDLER.label, registry_demo.HACKNEY_COUNCIL),
    ("helpline", Role.CASE_HANDLER.label, REPORTING),
]
# The fictional trigger: an attack abroad reported in the news 20 days before the demo's today,
# after which incidents against mosques rise about sevenfold for ten days (as after 15 March 2019).
TRIGGER_DAYS_AGO = 20
SURGE_DAYS = 10
DEMO_KEY = "demo-tracking-"  # the demo's tracking links: /report/track/demo-tracking-<n>/

CATEGORY_WEIGHTS = [
    (Category.ABUSIVE_BEHAVIOUR, 30),
    (Category.DAMAGE_DESECRATION, 18),
    (Category.THREATS, 12),
    (Category.LITERATURE_ONLINE, 10),
    (Category.SUSPICIOUS_ACTIVITY, 8),
    (Category.ASSAULT, 5),
    (Category.EXTREME_VIOLENCE, 1),
    (Category.ANTISOCIAL_BEHAVIOUR, 8),
    (Category.TRAFFIC_PARKING, 4),
    (Category.PATROL_REQUEST, 2),
    (Category.LIGHTING, 2),
]
STORIES = {
    Category.ABUSIVE_BEHAVIOUR: "Worshippers leaving evening prayers were shouted at from a passing car.",
    Category.DAMAGE_DESECRATION: "Offensive graffiti sprayed on the side wall overnight.",
    Category.THREATS: "A handwritten note threatening the congregation was pushed through the door.",
    Category.LITERATURE_ONLINE: "Leaflets attacking the community were left on car windscreens nearby.",
    Category.SUSPICIOUS_ACTIVITY: "A man filmed the entrances and the CCTV cameras for twenty minutes.",
    Category.ASSAULT: "A worshipper was pushed to the ground on the way to the entrance.",
    Category.EXTREME_VIOLENCE: "A man with a bladed article threatened people at the gate.",
    Category.ANTISOCIAL_BEHAVIOUR: "A group drinking on the steps every Friday evening, littering.",
    Category.TRAFFIC_PARKING: "Cars blocking the junction during the festival prayers.",
    Category.PATROL_REQUEST: "The committee asks for patrols during the late-night vigil.",
    Category.LIGHTING: "The street light by the side entrance has been out for weeks.",
}


def load(today: date | None = None) -> None:
    """After the registry's demo: the reporting organisation, case handlers, a year of incidents
    and the surge alerts the nightly check finds in them."""
    today = today or datetime.now(LONDON).date()
    rng = random.Random(12)
    reporting = Organisation.objects.create(name=REPORTING, kind=OrganisationKind.REPORTING, covers_all_areas=True)
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[n for _, _, n in DEMO_LOGINS])}
    organisations[REPORTING] = reporting
    roles = {role.label: role.value for role in Role}
    handlers: dict[str, User] = {}
    for username, role_label, organisation_name in DEMO_LOGINS:
        user = User.objects.create_user(
            username=username, password=registry_demo.DEMO_PASSWORD, email=f"{username}@example.org",
            first_name=username.replace("-", " ").title(),
        )
        Membership.objects.create(user=user, organisation=organisations[organisation_name], role=roles[role_label])
        handlers[organisation_name] = user
    council_of = {
        registry_demo.TOWER_HAMLETS: organisations[registry_demo.COUNCIL],
        registry_demo.HACKNEY: organisations[registry_demo.HACKNEY_COUNCIL],
    }
    sites = list(Site.objects.select_related("area").order_by("pk"))
    mosques = [s for s in sites if s.faith == "islam"]
    trigger = today - timedelta(days=TRIGGER_DAYS_AGO)
    now = timezone.now()
    categories, weights = zip(*CATEGORY_WEIGHTS, strict=True)
    incidents: list[Incident] = []
    for back in range(365, -1, -1):
        day = today - timedelta(days=back)
        count = _poisson(rng, 1.1)
        in_surge = trigger <= day < trigger + timedelta(days=SURGE_DAYS)
        surge_count = _poisson(rng, 6.0) if in_surge else 0
        for n in range(count + surge_count):
            surge_one = n >= count
            site = rng.choice(mosques if surge_one else sites)
            category = rng.choice([Category.ABUSIVE_BEHAVIOUR, Category.THREATS, Category.DAMAGE_DESECRATION]) if surge_one else rng.choices(categories, weights)[0]
            at_site = rng.random() < 0.7
            lat = site.latitude + (0 if at_site else rng.uniform(-0.004, 0.004))
            lon = site.longitude + (0 if at_site else rng.uniform(-0.006, 0.006))
            created = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=LONDON) + timedelta(hours=rng.randint(0, 30))
            created = min(created, now - timedelta(minutes=rng.randint(5, 600)))
            severity = DEFAULT_SEVERITY[category]
            acknowledge_by, first_action_by = due_times(severity, created)
            incidents.append(
                Incident(
                    category=category, severity=severity, occurred_on=day,
                    occurred_at=time(rng.randint(0, 23), rng.choice([0, 15, 30, 45])),
                    date_is_approximate=rng.random() < 0.1,
                    site=site if at_site else None, area=site.area, ward=site.ward,
                    address="" if at_site else f"Near {site.address}", latitude=lat, longitude=lon,
                    faith_targeted=site.faith if category not in {Category.TRAFFIC_PARKING, Category.LIGHTING} else "",
                    target_description=f"{site.name}" if at_site else "People on their way to worship",
                    description=STORIES[category],
                    handling_organisation=council_of.get(site.area.name),
                    source=rng.choice([Source.PUBLIC, Source.PUBLIC, Source.SITE_CONTACT, Source.STAFF]),
                    created_at=created, acknowledge_by=acknowledge_by, first_action_by=first_action_by,
                )
            )
    _settle(rng, incidents, now, handlers, council_of)
    Incident.objects.bulk_create(incidents, batch_size=500)
    saved = list(Incident.objects.order_by("created_at", "pk"))
    reports = []
    for number, incident in enumerate(saved):
        named = rng.random() < 0.4
        reports.append(
            Report(
                incident=incident, anonymous=not named,
                name=f"Demo Reporter {number}" if named else "",
                email=f"reporter{number}@example.org" if named else "",
                consent_contact=named, consent_police=named and rng.random() < 0.6,
                source=incident.source, tracking_hash=hash_tracking_key(f"{DEMO_KEY}{number}"),
            )
        )
    # a reporting organisation's own cases
    for incident in saved[-40::8]:
        Incident.objects.filter(pk=incident.pk).update(handling_organisation=reporting, source=Source.REPORTING_ORGANISATION)
    Report.of_incidents.bulk_create(reports, batch_size=500)
    _merge_some(rng, saved)
    _messages(saved, handlers)
    check_surges_now(today)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for small means
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p < limit:
            return k
        k += 1


def _settle(rng: random.Random, incidents: list[Incident], now: datetime, handlers: dict[str, User], council_of: dict[str, Organisation]) -> None:
    """Cases in every state: old ones closed with each honest outcome, recent ones open, some
    overdue; most assigned to the area's case handler."""
    outcomes = sorted(OUTCOMES)
    for incident in incidents:
        age = now - incident.created_at
        organisation = incident.handling_organisation
        handler = handlers.get(organisation.name) if organisation is not None else None
        incident.assignee = handler if rng.random() < 0.8 else None
        if age > timedelta(days=14):
            incident.acknowledged_at = incident.created_at + timedelta(hours=rng.randint(1, 30))
            incident.first_action_at = incident.acknowledged_at + timedelta(hours=rng.randint(1, 60))
            incident.status = outcomes[rng.randrange(len(outcomes))]
            incident.closed_at = incident.first_action_at + timedelta(days=rng.randint(1, 10))
            if incident.status == Status.REFERRED_TO_POLICE:
                incident.police_reference = f"CAD {rng.randint(1000, 9999)}/{incident.occurred_on:%d%b}".upper()
            incident.outcome_note = {
                Status.RESOLVED: "Graffiti removed by the council; CCTV upgraded.",
                Status.REFERRED_TO_POLICE: "Passed to the police with the reporter's consent.",
                Status.NO_FURTHER_ACTION: "No lines of enquiry; patrols informed.",
                Status.CLOSED_NOT_RESOLVED: "We could not identify anyone; we are sorry.",
            }[incident.status]
        elif age > timedelta(days=3):
            incident.acknowledged_at = incident.created_at + timedelta(hours=rng.randint(1, 20))
            incident.first_action_at = incident.acknowledged_at + timedelta(hours=rng.randint(1, 40))
            incident.status = Status.IN_PROGRESS
        elif age > timedelta(hours=12) and rng.random() < 0.5:
            incident.acknowledged_at = incident.created_at + timedelta(hours=rng.randint(1, 10))
            incident.status = Status.ACKNOWLEDGED
        # the rest stay new: the youngest are due, some past their time (the overdue list)


def _merge_some(rng: random.Random, saved: list[Incident]) -> None:
    """A few events reported twice (by the public and by the site's contact): merged."""
    by_site: dict[tuple[int | None, date], Incident] = {}
    merged = 0
    for incident in saved:
        key = (incident.site_id, incident.occurred_on)
        if incident.site_id is None:
            continue
        first = by_site.get(key)
        if first is None:
            by_site[key] = incident
            continue
        if merged < 12:
            Incident.objects.filter(pk=incident.pk).update(
                merged_into=first, status_before_merge=incident.status, status=Status.DUPLICATE
            )
            merged += 1


def _messages(saved: list[Incident], handlers: dict[str, User]) -> None:
    rows = []
    for incident in saved[-60:]:
        report = Report.of_incidents.of([incident.pk]).first()
        if report is None or incident.status == Status.NEW:
            continue
        author = incident.assignee
        rows.append(Message(incident=incident, report=report, direction=Direction.TO_REPORTER, author=author,
                            body="Thank you for your report. We have passed it to the local policing team."))
        if report.consent_contact:
            rows.append(Message(incident=incident, report=report, direction=Direction.FROM_REPORTER,
                                body="Thank you. It happened again on Friday after prayers."))
    Message.objects.bulk_create(rows)
