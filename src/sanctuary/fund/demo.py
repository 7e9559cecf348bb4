"""The demo's fund: an East London round (Tower Hamlets and Hackney) in progress, run by the
national office, with applications in every state of part 1 — a draft, submitted, not eligible,
being scored, scored, awaiting moderation, moderated — and a Tower Hamlets round in draft.

Everything goes through the services, as the people would (so the audit log tells the story);
quotes are small PDFs generated on the spot. Deterministic: fixed levels, dates relative to
today.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Membership, Role, User
from sanctuary.fund import services
from sanctuary.fund.forms import DEFAULT_RUBRIC
from sanctuary.fund.models import Application, Round, RoundStatus
from sanctuary.registry.models import Area, Organisation, OrganisationKind, Site

ROUND = "East London places of worship protective security 2026/27"
DRAFT_ROUND = "Tower Hamlets small security grants 2027"
HACKNEY_COUNCIL = "Hackney Community Safety Partnership Team"
# (username, role, organisation): the second assessor the demo's round needs
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("assessor-hackney", Role.GRANT_ASSESSOR.label, HACKNEY_COUNCIL),
]
MEASURES = ["cctv_fixed", "fencing", "gates", "door_hardening", "glazing_protection",
            "intruder_alarm", "lighting", "access_control"]

# site, who applies, the state it is left in, packages (label, measures, cost, contribution),
# evidence (kind, text, crime reference), levels of the two assessors
APPLICATIONS: list[dict[str, Any]] = [
    {"site": "Eastside Central Masjid", "by": "contact-a", "state": "scored",
     "charity": "1100101",
     "packages": [("minimal", ["cctv_fixed"], 7000, 1400),
                  ("standard", ["cctv_fixed", "gates", "door_hardening"], 24000, 4800),
                  ("full", ["cctv_fixed", "fencing", "gates"], 52000, 10400)],
     "evidence": [("crime_reference", "Graffiti threatening worshippers on the gate", "CAD 4471/26"),
                  ("police_letter", "The ward team supports the bid", "")],
     "levels": ([4, 3, 3], [3, 3, 3])},
    {"site": "Eastside Stepney Prayer Hall", "by": "contact-a", "state": "draft",
     "charity": "",
     "packages": [("minimal", ["door_hardening"], 6000, 1200)],
     "evidence": [("worshippers_account", "People are followed from the hall after late prayers", "")]},
    {"site": "St Anselm's Church", "by": "contact-b", "state": "submitted",
     "charity": "1100202",
     "packages": [("standard", ["cctv_fixed", "lighting"], 14000, 2800)],
     "evidence": [("photo_text", "", "")]},
    {"site": "St Brigid's Chapel of Ease", "by": "contact-b", "state": "ineligible",
     "charity": "",
     "packages": [("full", ["cctv_fixed", "fencing", "gates", "door_hardening"], 70000, 0)],
     "evidence": []},
    {"site": "Kingsland Road Masjid", "by": "hackney-contact", "state": "moderated",
     "charity": "1100303",
     "packages": [("standard", ["cctv_fixed", "access_control"], 21000, 4200)],
     "evidence": [("crime_reference", "Window smashed during Jumu'ah", "CAD 1209/26"),
                  ("local_statistics", "Anti-Muslim hate crime in Dalston up 40% on last year", "")],
     "levels": ([4, 4, 3], [1, 2, 1]), "moderation": ([3, 3, 2], "The incidents are well evidenced; the plan is thinner than assessor 1 found.")},
    {"site": "Kingsland Road Women's Prayer Hall", "by": "hackney-contact", "state": "moderation",
     "charity": "1100303",
     "packages": [("minimal", ["lighting", "glazing_protection"], 5000, 1000)],
     "evidence": [("worshippers_account", "Women leaving after evening prayers have been shouted at", "")],
     "levels": ([4, 3, 4], [1, 1, 2])},
]


def _quote_pdf(site: str, supplier: str, label: str, cost: int) -> SimpleUploadedFile:
    from weasyprint import HTML

    html = (
        f"<h1>Quotation</h1><p>{supplier}</p><p>For: {site}, {label} package</p>"
        f"<p>Supply and installation, excluding VAT: £{cost:,}</p><p>Valid for 90 days.</p>"
    )
    return SimpleUploadedFile("quote.pdf", HTML(string=html).write_pdf(), content_type="application/pdf")


def _actor(user: User) -> Actor:
    return Actor.person(user, Channel.COMMAND)


def load(today: date | None = None) -> Round | None:
    today = today or timezone.localdate()
    areas = list(Area.objects.filter(name__in=["Tower Hamlets", "Hackney"]).order_by("name"))
    national_office = Organisation.objects.filter(kind=OrganisationKind.NATIONAL).first()
    national = User.objects.filter(username="national").first()
    admin = User.objects.filter(username="admin").first()
    if len(areas) < 2 or national_office is None or national is None:
        return None
    hackney = Organisation.objects.filter(name=HACKNEY_COUNCIL).first()
    if hackney is not None and not User.objects.filter(username="assessor-hackney").exists():
        from sanctuary.registry.demo import DEMO_PASSWORD

        second = User.objects.create_user(
            username="assessor-hackney", password=DEMO_PASSWORD, email="assessor-hackney@example.org",
            first_name="Assessor Hackney",
        )
        Membership.objects.create(user=second, organisation=hackney, role=Role.GRANT_ASSESSOR)
    rubric = services.read_rubric(DEFAULT_RUBRIC)
    catalogue = services.measure_catalogue()
    measures = [m for m in MEASURES if m in catalogue]
    round_ = services.save_round(_actor(national), None, {
        "name": ROUND, "national": False, "managed_by": national_office,
        "budget": Decimal("1600000"), "opens_on": today - timedelta(days=30),
        "closes_on": today + timedelta(days=21), "appeal_days": 14, "moderation_threshold": 15,
        "status": RoundStatus.OPEN, "measures": measures,
        "rules": {"max_per_site": 56000, "contribution": 0.2, "max_measures": 3},
        "bonuses": {"first_time": 5, "deprived_area": 5, "deprived_wards": ["Whitechapel", "Dalston"]},
    }, areas, rubric)
    council = Organisation.objects.filter(kind=OrganisationKind.COUNCIL, areas=areas[1]).order_by("pk").first()
    if admin is not None and council is not None:
        services.save_round(_actor(admin), None, {
            "name": DRAFT_ROUND, "national": False, "managed_by": council,
            "budget": Decimal("150000"), "opens_on": today + timedelta(days=60),
            "closes_on": today + timedelta(days=120), "appeal_days": 14, "moderation_threshold": 10,
            "status": RoundStatus.DRAFT, "measures": measures[:5],
            "rules": {"max_per_site": 15000, "contribution": 0, "evidence": "hate_crime"},
            "bonuses": {},
        }, [areas[1]], rubric)
    for number, spec in enumerate(APPLICATIONS):
        _apply(round_, spec, number, national)
    return round_


def _apply(round_: Round, spec: dict[str, Any], number: int, national: User) -> Application | None:
    site = Site.objects.filter(name=spec["site"]).first()
    applicant = User.objects.filter(username=spec["by"]).first()
    if site is None or applicant is None:
        return None
    who = _actor(applicant)
    application = services.start_application(who, round_, site)
    services.save_draft(who, application, {
        "need": f"{site.name} has seen threats and damage; worshippers, many of them elderly, "
                "feel unsafe arriving and leaving.",
        "plan": "The survey's recommendations, cheapest per point of risk first.",
        "sustain": "The trustees budget for maintenance after the first year.",
        "charity_number": spec["charity"],
    })
    for index, (label, measures, cost, contribution) in enumerate(spec["packages"]):
        supplier = ["Eastgate Security Ltd", "Borough Locks & Gates", "Clearview CCTV"][index % 3]
        quote = _quote_pdf(site.name, supplier, label, cost) if spec["state"] != "ineligible" else None
        services.save_package(
            who, application, label=label, measures=[{"measure": m, "quantity": 1} for m in measures],
            cost=Decimal(cost), contribution=Decimal(contribution), quote=quote,
            supplier=supplier if quote else "", quote_amount=Decimal(cost) if quote else None,
        )
    for kind, text, reference in spec["evidence"]:
        if kind == "photo_text":
            kind, text = "worshippers_account", "The congregation's account of a man filming the entrance"
        services.add_evidence(who, application, kind=kind, text=text, crime_reference=reference)
    if spec["state"] == "draft":
        return application
    application = services.submit(who, application)
    if spec["state"] in {"submitted", "ineligible"}:
        return application
    manager = _actor(national)
    assessors = list(User.objects.filter(username__in=["assessor", "assessor-hackney"]).order_by("username"))
    criteria = list(round_.criteria.all())
    for assessor, levels in zip(assessors, spec["levels"], strict=False):
        assignment = services.assign(manager, application, assessor)
        services.save_scores(
            _actor(assessor), assignment,
            {c.pk: (level, f"Level {level}: {c.descriptors[level].lower()}.") for c, level in zip(criteria, levels, strict=True)},
            final=True,
        )
    if "moderation" in spec:
        application.refresh_from_db()
        levels, reason = spec["moderation"]
        services.moderate(manager, application, {c.pk: lv for c, lv in zip(criteria, levels, strict=True)}, reason)
    return application
