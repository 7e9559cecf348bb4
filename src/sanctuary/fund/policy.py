"""The fund's doors: who sees which rounds, applications, quotes and scores (docs/access.md, "Fund").

An application says where a place of worship is weak, so:

- **fund managers** see and manage everything in their rounds: a programme administrator a
  local round whose every area they administer, the national programme administrator every
  round (a national one only they manage);
- **applicants** (the site contacts of the applying organisation, and the coordinators of its
  umbrella bodies) see only their own organisations' applications, and never who scored them;
- **assessors** see only the applications assigned to them, and only their own scores (blind
  to the other assessor's); one who declared a conflict no longer sees the application;
- the police see awards (part 2), never applications; everyone else sees nothing.

A round, an application or a score that is not yours looks exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Membership, Role, User
from sanctuary.access.policy import (
    Areas,
    NotFound,
    grants_for,
    parse_id,
    role_areas,
)
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.fund.models import (
    Application,
    ApplicationStatus,
    AssessorAssignment,
    Evidence,
    Quote,
    Round,
    RoundStatus,
    Score,
)
from sanctuary.registry.models import Area, Organisation, OrganisationKind, Site, SiteStatus

MANAGER_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.NATIONAL_ADMIN})


def managing_areas(actor: Actor) -> Areas:
    """Where the actor is a fund manager: the areas they administer."""
    return role_areas(actor, MANAGER_ROLES)


def assessing_areas(actor: Actor) -> Areas:
    return role_areas(actor, frozenset({Role.GRANT_ASSESSOR}))


def is_manager(actor: Actor) -> bool:
    return bool(managing_areas(actor))


def _rounds_within(areas: Areas) -> QuerySet[Round]:
    """Local rounds whose every area is in `areas` (and every round, for every area)."""
    if areas.every:
        return Round.objects.all()
    if not areas:
        return Round.objects.none()
    outside = Round.areas.through.objects.exclude(area_id__in=areas.ids).values("round_id")
    return Round.objects.filter(national=False, areas__in=areas.ids).exclude(
        pk__in=outside
    ).distinct()


def managed_rounds(actor: Actor) -> QuerySet[Round]:
    return _rounds_within(managing_areas(actor))


def round_managers(rounds: list[Round]) -> dict[int, list[User]]:
    """Per round id, the active people who manage it, closest first: the programme
    administrators whose areas hold the round; only where there are none (a national round, or
    an area without its own), the national administrators, who manage every round but would
    otherwise be told of every award in the country. The same rule as `managed_rounds`, asked
    the other way round."""
    ids = [round_.pk for round_ in rounds]
    local: dict[int, list[User]] = {pk: [] for pk in ids}
    national: dict[int, list[User]] = {pk: [] for pk in ids}
    people = User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(role__in=MANAGER_ROLES).values("user_id")
    ).order_by("username")
    for person in people:
        actor = Actor.person(person, Channel.JOB)
        reach = managing_areas(actor)
        for pk in managed_rounds(actor).filter(pk__in=ids).values_list("pk", flat=True):
            (national if reach.every else local)[pk].append(person)
    return {pk: local[pk] or national[pk] for pk in ids}


def applying_organisations(actor: Actor) -> QuerySet[Organisation]:
    """The faith organisations the actor applies for: their own (site contact), and their
    umbrella bodies' members (coordinator)."""
    grants = grants_for(actor)
    if grants.is_system:
        return Organisation.objects.filter(kind=OrganisationKind.FAITH)
    condition = Q(pk__in=grants.own_organisation_ids)
    if grants.umbrella_ids:
        condition |= Q(umbrellas__in=grants.umbrella_ids)
    if not grants.own_organisation_ids and not grants.umbrella_ids:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Organisation.objects.filter(condition, kind=OrganisationKind.FAITH).values("pk")
    )


def is_applicant(actor: Actor) -> bool:
    grants = grants_for(actor)
    return bool(grants.own_organisation_ids or grants.umbrella_ids)


def _open_to(sites: QuerySet[Site]) -> Q:
    """Rounds (not drafts) open to at least one of these sites."""
    area_ids = sites.values("area_id")
    return ~Q(status=RoundStatus.DRAFT) & (Q(national=True) | Q(areas__in=area_ids))


def applicant_sites(actor: Actor) -> QuerySet[Site]:
    return Site.objects.filter(
        operator__in=applying_organisations(actor), status=SiteStatus.ACTIVE
    )


def visible_rounds(actor: Actor) -> QuerySet[Round]:
    """Managers: their rounds in every state; assessors: the published rounds of their areas
    and those they score in; applicants: the published rounds open to one of their sites."""
    condition = Q(pk__in=managed_rounds(actor).values("pk"))
    assessing = assessing_areas(actor)
    if assessing:
        condition |= Q(pk__in=_rounds_within(assessing).exclude(status=RoundStatus.DRAFT).values("pk"))
    if actor.user is not None:
        condition |= Q(assignments__assessor=actor.user)
    if is_applicant(actor):
        condition |= _open_to(applicant_sites(actor))
    if actor.user is None and not actor.is_system:
        return Round.objects.none()
    return Round.objects.filter(pk__in=Round.objects.filter(condition).values("pk"))


def get_round(actor: Actor, round_id: Any, *, for_edit: bool = False) -> Round:
    rounds = managed_rounds(actor) if for_edit else visible_rounds(actor)
    try:
        return rounds.get(pk=parse_id(round_id))
    except Round.DoesNotExist:
        raise NotFound("No such round.") from None


def may_manage(actor: Actor, round_: Round) -> bool:
    return managed_rounds(actor).filter(pk=round_.pk).exists()


def areas_for_rounds(actor: Actor) -> QuerySet[Area]:
    """The areas a manager may open a local round in."""
    areas = managing_areas(actor)
    if areas.every:
        return Area.objects.all()
    return Area.objects.filter(pk__in=areas.ids)


def may_run_national_rounds(actor: Actor) -> bool:
    return managing_areas(actor).every


def managing_organisations(actor: Actor, round_: Round | None = None) -> QuerySet[Organisation]:
    """The council services or national bodies a manager runs rounds for (and the round's own)."""
    kinds = [OrganisationKind.COUNCIL, OrganisationKind.NATIONAL]
    if actor.is_system:
        return Organisation.objects.filter(kind__in=kinds)
    condition = Q(memberships__user=actor.user, memberships__role__in=MANAGER_ROLES)
    if round_ is not None:
        condition |= Q(pk=round_.managed_by_id)
    return Organisation.objects.filter(
        pk__in=Organisation.objects.filter(condition, kind__in=kinds).values("pk")
    )


# --- applications ----------------------------------------------------------------------------


def own_applications(actor: Actor) -> QuerySet[Application]:
    """The applications of the organisations the actor applies for."""
    return Application.objects.filter(organisation__in=applying_organisations(actor))


def assigned_applications(actor: Actor) -> QuerySet[Application]:
    """The applications an assessor is assigned to, without a declared conflict."""
    if actor.user is None:
        return Application.objects.none()
    return Application.objects.filter(
        assignments__assessor=actor.user, assignments__conflict=False
    ).exclude(status=ApplicationStatus.DRAFT)


def visible_applications(actor: Actor) -> QuerySet[Application]:
    condition = Q(pk__in=own_applications(actor).values("pk"))
    condition |= Q(round__in=managed_rounds(actor).values("pk"))
    condition |= Q(pk__in=assigned_applications(actor).values("pk"))
    return Application.objects.filter(condition).select_related(
        "round", "site", "site__area", "organisation"
    )


def get_application(actor: Actor, application_id: Any, *, for_edit: bool = False) -> Application:
    """An application, or NotFound; for_edit: the applicant's side (drafts are theirs alone)."""
    applications = own_applications(actor) if for_edit else visible_applications(actor)
    try:
        application = applications.select_related("round", "site", "site__area", "organisation").get(
            pk=parse_id(application_id)
        )
    except Application.DoesNotExist:
        raise NotFound("No such application.") from None
    if application.site.is_sensitive:
        # an application describes the site's weaknesses: opening it is a view of the site
        record(Action.VIEW, actor=actor, obj=application.site, detail={"via": "fund application"})
    return application


def is_own(actor: Actor, application: Application) -> bool:
    return own_applications(actor).filter(pk=application.pk).exists()


def get_own_site(actor: Actor, site_id: Any, round_: Round) -> Site:
    """A site the actor may apply for in this round: one of theirs, in the round's areas."""
    sites = applicant_sites(actor)
    if not round_.national:
        sites = sites.filter(area__in=round_.areas.all())
    try:
        return sites.select_related("operator", "area").get(pk=parse_id(site_id))
    except Site.DoesNotExist:
        raise NotFound("No such site.") from None


def sites_to_apply_for(actor: Actor, round_: Round) -> QuerySet[Site]:
    sites = applicant_sites(actor)
    if not round_.national:
        sites = sites.filter(area__in=round_.areas.all())
    return sites.exclude(pk__in=round_.applications.values("site_id")).order_by("name")


def get_evidence(actor: Actor, evidence_id: Any) -> Evidence:
    """An item of evidence with a file, for whoever may see its application."""
    try:
        return Evidence.objects.exclude(file="").get(
            pk=parse_id(evidence_id), application__in=visible_applications(actor)
        )
    except Evidence.DoesNotExist:
        raise NotFound("No such evidence.") from None


def get_quote(actor: Actor, quote_id: Any) -> Quote:
    try:
        return Quote.objects.select_related("package__application").get(
            pk=parse_id(quote_id), package__application__in=visible_applications(actor)
        )
    except Quote.DoesNotExist:
        raise NotFound("No such quote.") from None


# --- scoring -----------------------------------------------------------------------------------


def own_assignments(actor: Actor) -> QuerySet[AssessorAssignment]:
    if actor.user is None:
        return AssessorAssignment.objects.none()
    return AssessorAssignment.objects.filter(assessor=actor.user).select_related(
        "application__site", "application__round"
    )


def get_assignment(actor: Actor, assignment_id: Any) -> AssessorAssignment:
    """One's own assignment (another assessor's looks missing, even to a fund manager: they
    moderate, they do not score in someone's name)."""
    try:
        return own_assignments(actor).exclude(application__status=ApplicationStatus.DRAFT).get(
            pk=parse_id(assignment_id)
        )
    except AssessorAssignment.DoesNotExist:
        raise NotFound("No such assignment.") from None


def visible_scores(actor: Actor) -> QuerySet[Score]:
    """An assessor's own scores; a fund manager's, every score in their rounds. Never an
    applicant's: they see the result, not who gave it."""
    condition = Q(assignment__round__in=managed_rounds(actor).values("pk"))
    if actor.user is not None:
        condition |= Q(assignment__assessor=actor.user)
    return Score.objects.filter(condition).select_related(
        "assignment", "assignment__assessor", "criterion"
    )


def assessors_for(round_: Round) -> QuerySet[User]:
    """Grant assessors whose council works in the round's areas (any, for a national round)."""
    memberships = Membership.objects.filter(role=Role.GRANT_ASSESSOR)
    if not round_.national:
        memberships = memberships.filter(
            Q(organisation__areas__in=round_.areas.all()) | Q(organisation__covers_all_areas=True)
        )
    return User.objects.filter(
        pk__in=memberships.values("user_id"), is_active=True
    ).order_by("username")


def connected(assessor: User, application: Application) -> bool:
    """An assessor connected to the applicant: a member of its organisation or of one of its
    umbrella bodies."""
    organisations = {application.organisation_id} | set(
        application.organisation.umbrellas.values_list("pk", flat=True)
    )
    return Membership.objects.filter(user=assessor, organisation__in=organisations).exists()
