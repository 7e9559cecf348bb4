"""Every change to the fund: one transaction each, with its audit record.

Rounds (rules and rubric as data), applications (pre-filled from the site's survey, incidents
and Martyn's Law status; packages with quotes; evidence; submission before the closing date),
and scoring (two assessors, blind to each other; conflicts declared and enforced; moderation
when they differ beyond the round's threshold). Access is checked again here, whatever the
caller did: a service raises NotFound for what the actor may not touch, ValidationError
(naming the field) for what may not be done.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from sanctuary import uploads
from sanctuary.access.actor import Actor
from sanctuary.access.models import User
from sanctuary.audit.models import Action
from sanctuary.audit.services import record, snapshot
from sanctuary.fund import eligibility, policy, scoring
from sanctuary.fund.models import (
    MAX_PACKAGES,
    Application,
    ApplicationStatus,
    AssessorAssignment,
    Criterion,
    Evidence,
    EvidenceKind,
    Moderation,
    Package,
    PackageLabel,
    Quote,
    Round,
    RoundStatus,
    Score,
)
from sanctuary.registry.models import Area, Site

ASSESSORS_PER_APPLICATION = 2
QUOTE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
VULNERABILITY_KINDS = {EvidenceKind.PHOTO, EvidenceKind.WORSHIPPERS_ACCOUNT, EvidenceKind.LOCAL_STATISTICS}
NARRATIVE = (
    ("need", "Why the site needs protecting: what has happened, who is at risk"),
    ("plan", "What the measures will do, and how they were chosen"),
    ("sustain", "How the measures will be maintained and used after the first year"),
)


def measure_catalogue() -> dict[str, str]:
    """Measure id to name, from the surveys' catalogue (surveys/data/measures.toml)."""
    from sanctuary.surveys.instrument import load_measures

    return {measure.id: measure.name for measure in load_measures().measures}


# --- rounds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionData:
    name: str
    weight: int
    descriptors: list[str]
    guidance: str = ""


def read_rubric(data: Any) -> list[CriterionData]:
    """A rubric as data: [{"name", "weight", "descriptors": [five], "guidance"}], checked."""
    if not isinstance(data, list) or not data:
        raise ValidationError({"rubric": "The rubric needs at least one criterion."})
    found: list[CriterionData] = []
    for number, item in enumerate(data, start=1):
        where = f"criterion {number}"
        if not isinstance(item, dict):
            raise ValidationError({"rubric": f"{where} must be an object with name, weight, descriptors."})
        name = str(item.get("name", "")).strip()
        if not name:
            raise ValidationError({"rubric": f"{where} needs a name."})
        weight = item.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            raise ValidationError({"rubric": f"{name}: the weight must be a whole number 1 to 100."})
        try:
            descriptors = scoring.read_descriptors(item.get("descriptors"), name)
        except scoring.RubricError as error:
            raise ValidationError({"rubric": str(error)}) from None
        found.append(CriterionData(name, weight, descriptors, str(item.get("guidance", ""))))
    names = [criterion.name for criterion in found]
    if len(set(names)) != len(names):
        raise ValidationError({"rubric": "Two criteria have the same name."})
    return found


def rubric_of(round_: Round) -> list[dict[str, Any]]:
    return [
        {"name": c.name, "weight": c.weight, "descriptors": c.descriptors, "guidance": c.guidance}
        for c in round_.criteria.all()
    ]


def check_round(fields: dict[str, Any]) -> None:
    """The rules of a round as a whole, naming the field."""
    try:
        eligibility.read_rules(fields.get("rules"))
    except eligibility.RulesError as error:
        raise ValidationError({"rules": str(error)}) from None
    try:
        scoring.read_bonuses(fields.get("bonuses"))
    except scoring.RubricError as error:
        raise ValidationError({"bonuses": str(error)}) from None
    catalogue = measure_catalogue()
    measures = fields.get("measures") or []
    unknown = sorted(set(measures) - set(catalogue))
    if unknown:
        raise ValidationError({"measures": f"Not in the measure catalogue: {', '.join(unknown)}."})
    if not measures:
        raise ValidationError({"measures": "Choose at least one measure the round funds."})
    opens, closes = fields.get("opens_on"), fields.get("closes_on")
    if opens and closes and closes < opens:
        raise ValidationError({"closes_on": "The round must close after it opens."})
    if fields.get("budget") is not None and fields["budget"] <= 0:
        raise ValidationError({"budget": "The budget must be more than £0."})


def _round_state(round_: Round) -> dict[str, Any]:
    state = snapshot(round_)
    state["areas"] = sorted(round_.areas.values_list("pk", flat=True))
    state["rubric"] = rubric_of(round_)
    return state


def _check_scope(actor: Actor, national: bool, areas: list[Area]) -> None:
    if national:
        if not policy.may_run_national_rounds(actor):
            raise ValidationError({"national": "Only the national programme administrator runs a national round."})
        return
    if not areas:
        raise ValidationError({"areas": "Choose the areas a local round is open to."})
    allowed = set(policy.areas_for_rounds(actor).values_list("pk", flat=True))
    outside = [area.name for area in areas if area.pk not in allowed]
    if outside:
        raise ValidationError({"areas": f"You do not manage rounds in {', '.join(outside)}."})


def _set_rubric(round_: Round, rubric: list[CriterionData]) -> None:
    scored = Score.objects.filter(criterion__round=round_).exists()
    current = [(c.name, c.weight) for c in round_.criteria.all()]
    if scored and current != [(c.name, c.weight) for c in rubric]:
        raise ValidationError({"rubric": "Scoring has started: criteria and weights can no longer change."})
    if scored:
        for criterion, data in zip(round_.criteria.all(), rubric, strict=True):
            criterion.descriptors, criterion.guidance = data.descriptors, data.guidance
            criterion.save(update_fields=["descriptors", "guidance"])
        return
    round_.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(round=round_, name=c.name, weight=c.weight, descriptors=c.descriptors,
                  guidance=c.guidance, position=n)
        for n, c in enumerate(rubric)
    )


@transaction.atomic
def save_round(
    actor: Actor, round_: Round | None, fields: dict[str, Any], areas: list[Area],
    rubric: list[CriterionData],
) -> Round:
    """Create a round (round_ None) or change one the actor manages, with its rubric."""
    check_round(fields)
    _check_scope(actor, bool(fields.get("national")), areas)
    creating = round_ is None
    if round_ is None:
        round_ = Round(created_by=actor.user)
    else:
        round_ = policy.get_round(actor, round_.pk, for_edit=True)
    before = None if creating else _round_state(round_)
    for name, value in fields.items():
        setattr(round_, name, value)
    round_.rules = eligibility.read_rules(round_.rules).as_json() if fields.get("rules") is not None else round_.rules
    round_.full_clean()
    round_.save()
    round_.areas.set([] if round_.national else areas)
    _set_rubric(round_, rubric)
    if not policy.may_manage(actor, round_):
        raise ValidationError({"areas": "You would no longer manage this round."})
    record(
        Action.CREATE if creating else Action.UPDATE, actor=actor, obj=round_,
        before=before, after=_round_state(round_),
    )
    return round_


# --- applying ----------------------------------------------------------------------------------


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def incidents_near(site: Site, rules: eligibility.Rules, as_of: date) -> list[dict[str, Any]]:
    """Hate incidents at or near the site within the rules' radius and years (the risk model's
    reading of incidents: each event once, with its point)."""
    from sanctuary.incidents.risk_inputs import incidents_for_risk

    since = as_of - timedelta(days=365 * rules.hate_crime_years)
    found = []
    for incident in incidents_for_risk(since):
        if incident.occurred_on > as_of:
            continue
        distance = _distance_m(site.latitude, site.longitude, incident.lat, incident.lon)
        if incident.site_id == str(site.pk) or distance <= rules.hate_crime_radius_m:
            found.append({
                "reference": incident.id, "occurred_on": incident.occurred_on.isoformat(),
                "category": incident.category, "distance_m": round(distance),
            })
    return found


def prefill_for(site: Site, round_: Round, as_of: date | None = None) -> dict[str, Any]:
    """What the application starts from: the latest survey's recommendations (those the round
    funds first), the incidents near the site, and its Martyn's Law status."""
    from sanctuary.surveys import assess as survey_assess
    from sanctuary.surveys import policy as survey_policy
    from sanctuary.surveys.martyns_law import DutyStatus

    as_of = as_of or timezone.localdate()
    rules = eligibility.read_rules(round_.rules)
    assessment = survey_assess.assess([site], as_of)[0]
    funded = set(round_.measures)
    chosen = assessment.recommendations.items if assessment.survey else ()
    items = [
        {"measure": item.measure.id, "name": item.measure.name,
         "risk_reduction": round(item.risk_reduction, 2),
         "capital_cost": list(item.measure.capital_cost), "funded": item.measure.id in funded}
        for item in chosen
    ]
    items.sort(key=lambda item: not item["funded"])
    applies, duties = assessment.martyns_law(survey_policy.duty_records([site.pk])[site.pk])
    return {
        "as_of": as_of.isoformat(),
        "survey": assessment.survey.pk if assessment.survey else None,
        "risk_score": round(assessment.risk.score, 1),
        "recommendations": items,
        "incidents": incidents_near(site, rules, as_of),
        "martyns_law": {
            "applies": applies.applies,
            "tier": applies.tier.value if applies.tier else None,
            "reason": applies.reason,
            "duties_met": sum(1 for d in duties if d.status == DutyStatus.MET),
            "duties": len(duties),
        },
    }


def is_open(round_: Round, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return round_.status == RoundStatus.OPEN and round_.opens_on <= today <= round_.closes_on


def _refuse_unless_open(round_: Round, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if round_.status != RoundStatus.OPEN or today < round_.opens_on:
        raise ValidationError({"round": f"{round_.name} is not open for applications."})
    if today > round_.closes_on:
        raise ValidationError(
            {"round": f"{round_.name} closed on {round_.closes_on:%-d %B %Y}: nothing more can be submitted."}
        )


def _application_state(application: Application) -> dict[str, Any]:
    state = snapshot(application)
    state.pop("prefill", None)
    return state


@transaction.atomic
def start_application(actor: Actor, round_: Round, site: Site, today: date | None = None) -> Application:
    """A draft for one of the actor's sites, once per round, pre-filled."""
    round_ = policy.get_round(actor, round_.pk)
    site = policy.get_own_site(actor, site.pk, round_)
    _refuse_unless_open(round_, today)
    if Application.objects.filter(round=round_, site=site).exists():
        raise ValidationError({"site": f"{site.name} has applied to this round already."})
    application = Application.objects.create(
        round=round_, site=site, organisation=site.operator, applicant=actor.user,
        prefill=prefill_for(site, round_, today),
    )
    refresh_eligibility(application, today)
    record(Action.CREATE, actor=actor, obj=application, after=_application_state(application))
    return application


def _draft(actor: Actor, application: Application) -> Application:
    application = policy.get_application(actor, application.pk, for_edit=True)
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"status": "The application has been submitted: it can no longer change."})
    return application


def facts_of(application: Application, today: date | None = None) -> eligibility.Facts:
    today = today or timezone.localdate()
    evidence = set(application.evidence.values_list("kind", flat=True))
    prefill = application.prefill or {}
    packages = tuple(
        eligibility.PackageFacts(
            label=package.label,
            measures=tuple(dict.fromkeys(str(m.get("measure")) for m in package.measures)),
            cost=package.cost, contribution=package.contribution, quotes=package.quotes.count(),
        )
        for package in application.packages.all()
    )
    crime_refs = application.evidence.filter(kind=EvidenceKind.CRIME_REFERENCE).count()
    return eligibility.Facts(
        charity_number=application.charity_number,
        charity_exempt=application.charity_exempt,
        incidents_near=len(prefill.get("incidents", [])) + crime_refs,
        vulnerability=bool(prefill.get("recommendations")) or bool(evidence & VULNERABILITY_KINDS),
        police_letter=EvidenceKind.POLICE_LETTER in evidence,
        funded_in_year=application.funded_before_year,
        year=application.round.opens_on.year,
        packages=packages,
        funded_measures=frozenset(application.round.measures),
    )


def evidence_checklist(application: Application) -> list[tuple[str, int]]:
    """Each kind of evidence, with how many items of it the application gives."""
    given = list(application.evidence.values_list("kind", flat=True))
    return [(label, given.count(kind)) for kind, label in EvidenceKind.choices]


def refresh_eligibility(application: Application, today: date | None = None) -> eligibility.Eligibility:
    result = eligibility.check(eligibility.read_rules(application.round.rules), facts_of(application, today))
    application.eligibility = result.as_json()
    application.save(update_fields=["eligibility", "updated_at"])
    return result


@transaction.atomic
def save_draft(actor: Actor, application: Application, changes: dict[str, Any]) -> Application:
    """The narrative and the declarations, saved as the applicant goes."""
    application = _draft(actor, application)
    before = _application_state(application)
    answers = dict(application.answers)
    for key, _ in NARRATIVE:
        if key in changes:
            answers[key] = str(changes[key] or "")[:5000]
    application.answers = answers
    for name in ("charity_number", "charity_exempt", "funded_before_year"):
        if name in changes:
            setattr(application, name, changes[name])
    year = application.funded_before_year
    if year is not None and not 1990 <= year <= timezone.localdate().year:
        raise ValidationError({"funded_before_year": "Give the year the site was last funded, or leave it empty."})
    application.full_clean(exclude=["prefill", "eligibility", "answers"])
    application.save()
    refresh_eligibility(application)
    record(Action.UPDATE, actor=actor, obj=application, before=before, after=_application_state(application))
    return application


def _stored(upload: Any, max_bytes: int, field: str) -> tuple[str, ContentFile[bytes]]:
    try:
        document = uploads.clean_document(upload, max_bytes=max_bytes)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    return f"{uuid.uuid4().hex}.{document.extension}", ContentFile(document.data)


@transaction.atomic
def save_package(
    actor: Actor, application: Application, *, label: str, measures: list[dict[str, Any]],
    cost: Decimal, contribution: Decimal, quote: Any = None, supplier: str = "",
    quote_amount: Decimal | None = None,
) -> Package:
    """Propose (or change) the minimal, standard or full package, with a quote if given."""
    application = _draft(actor, application)
    if label not in PackageLabel.values:
        raise ValidationError({"label": "Choose minimal, standard or full."})
    catalogue = measure_catalogue()
    unknown = [m["measure"] for m in measures if m.get("measure") not in catalogue]
    if unknown:
        raise ValidationError({"measures": f"Not in the measure catalogue: {', '.join(map(str, unknown))}."})
    existing = application.packages.filter(label=label).first()
    if existing is None and application.packages.count() >= MAX_PACKAGES:
        raise ValidationError({"label": f"At most {MAX_PACKAGES} packages."})
    if contribution > cost:
        raise ValidationError({"contribution": "The contribution cannot be more than the cost."})
    before = snapshot(existing) if existing else None
    package = existing or Package(application=application, label=label)
    package.measures, package.cost, package.contribution = measures, cost, contribution
    package.full_clean()
    package.save()
    if quote is not None:
        if not supplier.strip():
            raise ValidationError({"supplier": "Name the supplier who quoted."})
        if quote_amount is None or quote_amount <= 0:
            raise ValidationError({"quote_amount": "Give the quote's amount in pounds."})
        name, content = _stored(quote, QUOTE_MAX_BYTES, "quote")
        made = Quote(package=package, supplier=supplier.strip(), amount=quote_amount)
        made.file.save(name, content, save=False)
        made.save()
        record(Action.CREATE, actor=actor, obj=made, detail={"application": application.pk})
    refresh_eligibility(application)
    record(
        Action.CREATE if before is None else Action.UPDATE, actor=actor, obj=package,
        before=before, after=snapshot(package), detail={"application": application.pk},
    )
    return package


@transaction.atomic
def add_evidence(
    actor: Actor, application: Application, *, kind: str, text: str = "",
    crime_reference: str = "", upload: Any = None,
) -> Evidence:
    application = _draft(actor, application)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "Choose what kind of evidence this is."})
    if kind == EvidenceKind.CRIME_REFERENCE and not crime_reference.strip():
        raise ValidationError({"crime_reference": "Give the crime reference number."})
    if not text.strip() and upload is None and not crime_reference.strip():
        raise ValidationError({"text": "Describe the evidence or attach a file."})
    item = Evidence(application=application, kind=kind, text=text.strip()[:5000],
                    crime_reference=crime_reference.strip()[:40])
    if upload is not None:
        name, content = _stored(upload, EVIDENCE_MAX_BYTES, "file")
        item.file.save(name, content, save=False)
    item.save()
    refresh_eligibility(application)
    record(Action.CREATE, actor=actor, obj=item, detail={"application": application.pk, "kind": kind})
    return item


@transaction.atomic
def submit(actor: Actor, application: Application, today: date | None = None) -> Application:
    """Submit before the round closes (the server's date decides): eligible ones wait for
    assessors, the others are recorded as not eligible, with the reasons."""
    application = _draft(actor, application)
    _refuse_unless_open(application.round, today)
    before = _application_state(application)
    result = refresh_eligibility(application, today)
    application.status = ApplicationStatus.SUBMITTED if result.eligible else ApplicationStatus.INELIGIBLE
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    record(Action.UPDATE, actor=actor, obj=application, before=before,
           after=_application_state(application), detail={"submitted": True})
    return application


WITHDRAWABLE = (
    ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE,
    ApplicationStatus.INELIGIBLE, ApplicationStatus.SCORING, ApplicationStatus.SCORED,
    ApplicationStatus.MODERATION, ApplicationStatus.MODERATED,
)


@transaction.atomic
def withdraw(actor: Actor, application: Application, reason: str = "") -> Application:
    """The applicant withdraws, at any time before the decision; scoring stops."""
    application = policy.get_application(actor, application.pk, for_edit=True)
    if application.status not in WITHDRAWABLE:
        raise ValidationError({"status": "The application has been decided: it can no longer be withdrawn."})
    before = _application_state(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    record(Action.UPDATE, actor=actor, obj=application, before=before,
           after=_application_state(application), detail={"withdrawn": reason.strip()[:300]})
    return application


# --- scoring -------------------------------------------------------------------------------------


class ConflictOfInterest(ValidationError):
    pass


SCORABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.SCORING)


def _active_assignments(application: Application) -> list[AssessorAssignment]:
    return list(application.assignments.filter(conflict=False).order_by("pk"))


@transaction.atomic
def assign(actor: Actor, application: Application, assessor: User) -> AssessorAssignment:
    """The fund manager assigns an assessor: one of the round's, not connected to the applicant,
    at most two (without a declared conflict) per application."""
    application = policy.get_application(actor, application.pk)
    round_ = policy.get_round(actor, application.round_id, for_edit=True)
    if application.status not in SCORABLE:
        raise ValidationError({"application": "Only a submitted, eligible application is scored."})
    if not policy.assessors_for(round_).filter(pk=assessor.pk).exists():
        raise ValidationError({"assessor": f"{assessor} is not an assessor for this round."})
    if policy.connected(assessor, application):
        raise ConflictOfInterest(
            {"assessor": f"{assessor} belongs to the applicant's organisation or its umbrella body."}
        )
    if application.assignments.filter(assessor=assessor).exists():
        raise ValidationError({"assessor": f"{assessor} is assigned already (or declared a conflict)."})
    if len(_active_assignments(application)) >= ASSESSORS_PER_APPLICATION:
        raise ValidationError({"assessor": f"The application has {ASSESSORS_PER_APPLICATION} assessors already."})
    assignment = AssessorAssignment.objects.create(round=round_, application=application, assessor=assessor)
    if application.status != ApplicationStatus.SCORING:
        application.status = ApplicationStatus.SCORING
        application.save(update_fields=["status", "updated_at"])
    record(Action.CREATE, actor=actor, obj=assignment,
           detail={"application": application.pk, "assessor": assessor.pk})
    return assignment


def auto_assign(actor: Actor, round_: Round) -> int:
    """Give every submitted application its two assessors: the least busy first, never one
    connected to the applicant. Each assignment is its own audited change."""
    round_ = policy.get_round(actor, round_.pk, for_edit=True)
    assessors = list(policy.assessors_for(round_))
    load = {a.pk: round_.assignments.filter(assessor=a).count() for a in assessors}
    made = 0
    for application in round_.applications.filter(status__in=SCORABLE).order_by("submitted_at", "pk"):
        taken = set(application.assignments.values_list("assessor_id", flat=True))
        for assessor in sorted(assessors, key=lambda a: (load[a.pk], a.username)):
            if len(_active_assignments(application)) >= ASSESSORS_PER_APPLICATION:
                break
            if assessor.pk in taken or policy.connected(assessor, application):
                continue
            assign(actor, application, assessor)
            load[assessor.pk] += 1
            made += 1
    return made


@transaction.atomic
def declare_conflict(actor: Actor, assignment: AssessorAssignment, reason: str) -> AssessorAssignment:
    """The assessor steps aside: their scores are set aside and the manager assigns another."""
    assignment = policy.get_assignment(actor, assignment.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Say how you are connected to the applicant."})
    if assignment.submitted_at is not None:
        raise ValidationError({"reason": "Your scores are submitted: ask the fund manager."})
    before = snapshot(assignment)
    assignment.conflict, assignment.conflict_reason = True, reason.strip()[:300]
    assignment.save()
    assignment.scores.all().delete()
    record(Action.UPDATE, actor=actor, obj=assignment, before=before, after=snapshot(assignment))
    return assignment


def _weights(round_: Round) -> dict[int, int]:
    return {c.pk: c.weight for c in round_.criteria.all()}


def earned_bonuses(application: Application) -> list[str]:
    bonuses = application.round.bonuses or {}
    earned = []
    if application.funded_before_year is None:
        earned.append("first_time")
    if application.site.ward and application.site.ward in bonuses.get("deprived_wards", []):
        earned.append("deprived_area")
    return earned


def _final(application: Application, score: float) -> float:
    bonuses = scoring.read_bonuses(application.round.bonuses)
    return round(scoring.with_bonuses(score, bonuses, earned_bonuses(application)), 2)


def assignment_total(assignment: AssessorAssignment) -> float:
    levels = {s.criterion_id: s.level for s in assignment.scores.all()}
    return scoring.weighted_total(levels, _weights(assignment.round))


@transaction.atomic
def save_scores(
    actor: Actor, assignment: AssessorAssignment, levels: dict[int, tuple[int, str]], *,
    final: bool = False,
) -> AssessorAssignment:
    """An assessor's levels (and comments) per criterion; `final` submits them, after which
    they are fixed. When both assessors have submitted, the application is scored, or goes to
    moderation if their totals differ by more than the round's threshold."""
    assignment = policy.get_assignment(actor, assignment.pk)
    application = assignment.application
    if assignment.conflict:
        raise ValidationError({"scores": "You declared a conflict: you cannot score this application."})
    if policy.connected(assignment.assessor, application):
        raise ConflictOfInterest({"scores": "You are connected to the applicant: you cannot score this."})
    if assignment.submitted_at is not None:
        raise ValidationError({"scores": "Your scores are submitted and can no longer change."})
    if application.status != ApplicationStatus.SCORING:
        raise ValidationError({"scores": "This application is not being scored."})
    criteria = {c.pk: c for c in assignment.round.criteria.all()}
    for criterion_id, (level, comment) in levels.items():
        if criterion_id not in criteria:
            raise ValidationError({"scores": "A criterion that is not in the rubric."})
        if not 0 <= level <= scoring.TOP_LEVEL:
            raise ValidationError({f"level_{criterion_id}": f"A level is 0 to {scoring.TOP_LEVEL}."})
        before = Score.objects.filter(assignment=assignment, criterion_id=criterion_id).first()
        old = {"level": before.level, "comment": before.comment} if before else None
        score, _ = Score.objects.update_or_create(
            assignment=assignment, criterion_id=criterion_id,
            defaults={"level": level, "comment": comment.strip()[:2000]},
        )
        if old != {"level": score.level, "comment": score.comment}:
            record(Action.CREATE if old is None else Action.UPDATE, actor=actor, obj=score,
                   before=old, after={"level": score.level, "comment": score.comment},
                   detail={"application": application.pk, "criterion": criteria[criterion_id].name})
    if final:
        missing = set(criteria) - set(assignment.scores.values_list("criterion_id", flat=True))
        if missing:
            names = ", ".join(criteria[pk].name for pk in sorted(missing))
            raise ValidationError({"scores": f"Score every criterion before submitting: {names}."})
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        record(Action.UPDATE, actor=actor, obj=assignment,
               detail={"submitted": True, "total": round(assignment_total(assignment), 2)})
        _settle(actor, application)
    return assignment


def _settle(actor: Actor, application: Application) -> None:
    active = _active_assignments(application)
    if len(active) < ASSESSORS_PER_APPLICATION or any(a.submitted_at is None for a in active):
        return
    totals = [assignment_total(a) for a in active]
    agreement = scoring.agree(totals, application.round.moderation_threshold)
    before = _application_state(application)
    if agreement.needs_moderation:
        application.status = ApplicationStatus.MODERATION
        application.final_score = None
    else:
        application.status = ApplicationStatus.SCORED
        application.final_score = _final(application, agreement.score or 0.0)
    application.save(update_fields=["status", "final_score", "updated_at"])
    record(Action.UPDATE, actor=actor, obj=application, before=before,
           after=_application_state(application),
           detail={"totals": [round(t, 2) for t in totals], "moderation": agreement.needs_moderation})


@transaction.atomic
def moderate(actor: Actor, application: Application, levels: dict[int, int], reason: str) -> Moderation:
    """The fund manager settles two assessors' differing scores, level by level, with a reason."""
    application = policy.get_application(actor, application.pk)
    policy.get_round(actor, application.round_id, for_edit=True)
    if application.status != ApplicationStatus.MODERATION:
        raise ValidationError({"status": "Only an application whose assessors differ is moderated."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why these are the right levels."})
    weights = _weights(application.round)
    if set(levels) != set(weights):
        raise ValidationError({"levels": "Give a level for every criterion."})
    try:
        total = scoring.weighted_total(levels, weights)
    except scoring.RubricError as error:
        raise ValidationError({"levels": str(error)}) from None
    moderation = Moderation.objects.create(
        application=application, moderator=actor.user,
        levels={str(k): v for k, v in levels.items()}, total=total, reason=reason.strip(),
    )
    before = _application_state(application)
    application.status = ApplicationStatus.MODERATED
    application.final_score = _final(application, total)
    application.save(update_fields=["status", "final_score", "updated_at"])
    record(Action.CREATE, actor=actor, obj=moderation,
           after={"levels": moderation.levels, "total": total, "reason": moderation.reason})
    record(Action.UPDATE, actor=actor, obj=application, before=before, after=_application_state(application))
    return moderation


def scores_side_by_side(application: Application) -> list[dict[str, Any]]:
    """For the fund manager: each criterion with both assessors' levels (named Assessor 1 and 2)."""
    active = _active_assignments(application)
    rows = []
    for criterion in application.round.criteria.all():
        levels = []
        for assignment in active:
            score = assignment.scores.filter(criterion=criterion).first()
            levels.append(None if score is None else score.level)
        rows.append({"criterion": criterion, "levels": levels})
    return rows
