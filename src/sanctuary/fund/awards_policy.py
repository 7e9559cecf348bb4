"""The doors of the fund's decided side: allocations, decisions and appeals, awards,
installations and claims (docs/access.md, "Fund: decisions, awards, installation, claims").

- **fund managers** (a programme administrator for a local round whose every area they
  administer; the national programme administrator for every round) see and do everything in
  their rounds: run and confirm allocations, answer appeals, decide claims, read the report;
- **applicants** (site contacts of the funded organisation, coordinators of its umbrella bodies)
  see their own decisions, awards and claims: they accept an award, appeal a decision, track
  installation, claim against the award;
- **security advisers** see the installations of awards in their areas, and sign them off;
- **police** (supervisors and patrol officers) see the awards in their areas — never the
  applications, scores or claims;
- nobody else sees anything here. Not yours looks exactly like missing.

Part 1's `fund/policy.py` holds the rounds' and applications' doors; `managed_rounds` here is
the same rule (the merger may keep one).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.access.policy import (
    Areas,
    NotFound,
    parse_id,
    role_areas,
)
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.fund.models import (
    Allocation,
    Appeal,
    ApplicationStatus,
    Award,
    Claim,
    Decision,
    Installation,
    InstallationPhoto,
    Round,
)
from sanctuary.fund.policy import (  # one answer to who manages, and who applies for whom
    applying_organisations,
    is_applicant,
    managed_rounds,
)
from sanctuary.registry.models import Area

POLICE_ROLES = frozenset({Role.POLICE_SUPERVISOR, Role.PATROL_OFFICER})
ADVISER_ROLES = frozenset({Role.SECURITY_ADVISER})


def _in(areas: Areas, field: str) -> Q:
    if areas.every:
        return Q()
    return Q(**{f"{field}__in": areas.ids}) if areas else Q(pk__in=[])




def get_managed_round(actor: Actor, round_id: Any) -> Round:
    try:
        return managed_rounds(actor).get(pk=parse_id(round_id))
    except Round.DoesNotExist:
        raise NotFound("No such round.") from None


def may_manage(actor: Actor, round_: Round) -> bool:
    return managed_rounds(actor).filter(pk=round_.pk).exists()






def is_police(actor: Actor) -> bool:
    return bool(role_areas(actor, POLICE_ROLES))


def is_adviser(actor: Actor) -> bool:
    return bool(role_areas(actor, ADVISER_ROLES))


# --- allocations -------------------------------------------------------------------------------


def visible_allocations(actor: Actor) -> QuerySet[Allocation]:
    return Allocation.objects.filter(round__in=managed_rounds(actor).values("pk"))


def get_allocation(actor: Actor, allocation_id: Any) -> Allocation:
    try:
        return visible_allocations(actor).select_related("round").get(pk=parse_id(allocation_id))
    except Allocation.DoesNotExist:
        raise NotFound("No such allocation.") from None


def latest_run(round_: Round) -> Allocation | None:
    """The round's latest optimal run (its baselines hang from it)."""
    return round_.allocations.filter(method="optimal").order_by("-created_at", "-id").first()


# --- decisions and appeals -----------------------------------------------------------------------


def visible_decisions(actor: Actor) -> QuerySet[Decision]:
    """A manager's in their rounds; an applicant's own. Never the police's: a decline says an
    application was made."""
    condition = Q(application__round__in=managed_rounds(actor).values("pk"))
    if is_applicant(actor):
        condition |= Q(application__organisation__in=applying_organisations(actor))
    return Decision.objects.filter(condition).select_related(
        "application", "application__site", "application__round", "package"
    )


def get_decision(actor: Actor, decision_id: Any) -> Decision:
    try:
        return visible_decisions(actor).get(pk=parse_id(decision_id))
    except Decision.DoesNotExist:
        raise NotFound("No such decision.") from None


def get_own_decision(actor: Actor, decision_id: Any) -> Decision:
    """The applicant's own decision (to appeal it)."""
    try:
        return Decision.objects.select_related("application__round").get(
            pk=parse_id(decision_id),
            application__organisation__in=applying_organisations(actor),
        )
    except Decision.DoesNotExist:
        raise NotFound("No such decision.") from None


def get_appeal(actor: Actor, appeal_id: Any, *, for_edit: bool = False) -> Appeal:
    """An appeal against a visible decision; for_edit: the manager's, to answer it."""
    appeals = Appeal.objects.filter(decision__in=visible_decisions(actor).values("pk"))
    if for_edit:
        appeals = appeals.filter(
            decision__application__round__in=managed_rounds(actor).values("pk")
        )
    try:
        return appeals.select_related("decision__application").get(pk=parse_id(appeal_id))
    except Appeal.DoesNotExist:
        raise NotFound("No such appeal.") from None


# --- awards ----------------------------------------------------------------------------------------


def visible_awards(actor: Actor) -> QuerySet[Award]:
    """Managers: their rounds'; applicants: their own; police and advisers: their areas'."""
    condition = Q(application__round__in=managed_rounds(actor).values("pk"))
    if is_applicant(actor):
        condition |= Q(application__organisation__in=applying_organisations(actor))
    for roles in (POLICE_ROLES, ADVISER_ROLES):
        areas = role_areas(actor, roles)
        if areas:
            condition |= _in(areas, "application__site__area")
    if actor.user is None and not actor.is_system:
        return Award.objects.none()
    return Award.objects.filter(
        pk__in=Award.objects.filter(condition).values("pk")
    ).select_related(
        "application", "application__site", "application__site__area",
        "application__round", "application__organisation", "package",
    )


def get_award(actor: Actor, award_id: Any) -> Award:
    try:
        award = visible_awards(actor).get(pk=parse_id(award_id))
    except Award.DoesNotExist:
        raise NotFound("No such award.") from None
    if award.application.site.is_sensitive:
        # an award says which measures a site has (and so lacks): opening it is a view of the site
        record(Action.VIEW, actor=actor, obj=award.application.site, detail={"via": "fund award"})
    return award


def own_awards(actor: Actor) -> QuerySet[Award]:
    return Award.objects.filter(application__organisation__in=applying_organisations(actor))


def get_own_award(actor: Actor, award_id: Any) -> Award:
    """The applicant's own award: to accept it, record its installation and claim."""
    try:
        return own_awards(actor).select_related("application__round", "application__site").get(
            pk=parse_id(award_id)
        )
    except Award.DoesNotExist:
        raise NotFound("No such award.") from None


def may_see_claims(actor: Actor, award: Award) -> bool:
    """Claims are money between the fund and the applicant: not the police's or advisers'."""
    return (
        may_manage(actor, award.application.round)
        or own_awards(actor).filter(pk=award.pk).exists()
    )


def may_edit_installation(actor: Actor, award: Award) -> bool:
    return own_awards(actor).filter(pk=award.pk).exists() or may_manage(
        actor, award.application.round
    )


# --- installations ----------------------------------------------------------------------------------


def installations_to_sign_off(actor: Actor) -> QuerySet[Installation]:
    """An adviser's: installations of awards in their areas."""
    areas = role_areas(actor, ADVISER_ROLES)
    if not areas:
        return Installation.objects.none()
    return Installation.objects.filter(_in(areas, "award__application__site__area")).select_related(
        "award__application__site", "award__package"
    )


def get_installation_to_sign_off(actor: Actor, installation_id: Any) -> Installation:
    try:
        return installations_to_sign_off(actor).get(pk=parse_id(installation_id))
    except Installation.DoesNotExist:
        raise NotFound("No such installation.") from None


def get_installation_photo(actor: Actor, photo_id: Any) -> InstallationPhoto:
    """A photo of an installation whose award the actor sees (not the police)."""
    condition = Q(installation__award__in=own_awards(actor).values("pk")) | Q(
        installation__award__application__round__in=managed_rounds(actor).values("pk")
    )
    condition |= Q(installation__in=installations_to_sign_off(actor).values("pk"))
    try:
        return InstallationPhoto.objects.filter(condition).get(pk=parse_id(photo_id))
    except InstallationPhoto.DoesNotExist:
        raise NotFound("No such photo.") from None


# --- claims -------------------------------------------------------------------------------------


def visible_claims(actor: Actor) -> QuerySet[Claim]:
    condition = Q(award__in=own_awards(actor).values("pk")) | Q(
        award__application__round__in=managed_rounds(actor).values("pk")
    )
    return Claim.objects.filter(condition).select_related("award__application__site")


def get_claim(actor: Actor, claim_id: Any, *, for_edit: bool = False) -> Claim:
    """A claim; for_edit: the manager's, to approve, pay or reject it."""
    claims = visible_claims(actor)
    if for_edit:
        claims = claims.filter(award__application__round__in=managed_rounds(actor).values("pk"))
    try:
        return claims.get(pk=parse_id(claim_id))
    except Claim.DoesNotExist:
        raise NotFound("No such claim.") from None


# --- what the services read -------------------------------------------------------------------------


READY = (ApplicationStatus.SCORED, ApplicationStatus.MODERATED)


def applications_to_allocate(round_: Round) -> QuerySet[Any]:
    """The applications a round's allocation weighs: those scored (and moderated where the
    assessors differed). Drafts, the ineligible, the withdrawn and those still being scored or
    awaiting moderation are left out (the allocation page says how many are waiting)."""
    return (
        round_.applications.filter(status__in=READY)
        .select_related("site", "site__area", "organisation", "applicant")
        .prefetch_related("packages")
        .order_by("submitted_at", "pk")
    )


def applications_waiting(round_: Round) -> int:
    """Submitted applications not yet ready for the allocation (being scored or moderated)."""
    return round_.applications.filter(status__in=[
        ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.SCORING,
        ApplicationStatus.MODERATION,
    ]).count()




def may_sign_off(actor: Actor, award: Award) -> bool:
    return installations_to_sign_off(actor).filter(award=award).exists()


def area_named(area_id: str) -> str:
    """An area's name for a rule's group (areas are public: their names are on every map)."""
    found = Area.objects.filter(pk=area_id).values_list("name", flat=True).first() if area_id.isdigit() else None
    return found or ""
