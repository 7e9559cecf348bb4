"""The doors to surveys, their answers and photos, and to the risk of a site (docs/access.md).

- **Answers** (and photos, and the survey itself) are seen only by the site's own contacts, the
  security advisers of the site's area and its programme administrators (a national
  administrator: every area). Every view of answers is written to the audit log, here, so that
  no page or answer can forget it.
- **Risk** (the level, the score and its three factors, the top recommendations) is seen by all
  of those and by the police supervisors of the area; the drivers that name an answer ("CCTV
  coverage: no CCTV") only by those who may see answers.
- An adviser's survey is conducted by an adviser (or administrator) of the area; a site contact
  fills a self-assessment of their own site, which an adviser reviews before it counts.
- The national threat level is set by a national programme administrator; everyone reads it.
- A local heightened alert is raised by the administrators and police supervisors of its area
  (the alerts' senders); every staff member who reads the area's sites reads it.
Anything else is NotFound, the same as a survey that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from sanctuary.access.actor import Actor
from sanctuary.access.models import Role
from sanctuary.access.policy import (
    Areas,
    NotFound,
    grants_for,
    parse_id,
    role_areas,
)
from sanctuary.alerts import policy as alert_policy
from sanctuary.audit.models import Action
from sanctuary.audit.services import record
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Area, Site
from sanctuary.surveys.models import (
    COUNTS,
    Answer,
    DutyRecord,
    HeightenedAlert,
    NationalThreatLevel,
    Photo,
    Survey,
    SurveyKind,
)

# --- who is who, per role ------------------------------------------------------------------------


def adviser_areas(actor: Actor) -> Areas:
    return role_areas(actor, {Role.SECURITY_ADVISER})


def _areas_condition(areas: Areas) -> Q:
    if areas.every:
        return Q()
    return Q(area_id__in=areas.ids)


def _sites_in(areas: Areas) -> QuerySet[Site]:
    if not areas:
        return Site.objects.none()
    return Site.objects.filter(_areas_condition(areas))


# --- sites ----------------------------------------------------------------------------------------


def answer_sites(actor: Actor) -> QuerySet[Site]:
    """Sites whose surveys and answers the actor may see."""
    grants = grants_for(actor)
    staff = grants.admin_areas | adviser_areas(actor)
    if staff.every:
        return Site.objects.all()
    condition = Q(pk__in=[])
    if staff:
        condition |= Q(area_id__in=staff.ids)
    if grants.own_organisation_ids:
        condition |= Q(operator_id__in=grants.own_organisation_ids)
    return Site.objects.filter(condition)


def survey_staff_sites(actor: Actor) -> QuerySet[Site]:
    """Sites where the actor conducts surveys and reviews self-assessments: an adviser's or an
    administrator's area."""
    return _sites_in(grants_for(actor).admin_areas | adviser_areas(actor))


def risk_sites(actor: Actor) -> QuerySet[Site]:
    """Sites whose risk level, factors and top recommendations the actor may see."""
    police = role_areas(actor, {Role.POLICE_SUPERVISOR})
    sites = answer_sites(actor)
    if police:
        sites = sites | _sites_in(police)
    return Site.objects.filter(pk__in=sites.values("pk"))


def may_see_answers(actor: Actor, site: Site) -> bool:
    return answer_sites(actor).filter(pk=site.pk).exists()


def get_risk_site(actor: Actor, site_id: Any) -> Site:
    """A site whose risk the actor may see; audited if it is sensitive (as registry.get_site)."""
    try:
        site = risk_sites(actor).select_related("operator", "area").get(pk=parse_id(site_id))
    except Site.DoesNotExist:
        raise NotFound("No such site.") from None
    if site.is_sensitive:
        record(Action.VIEW, actor=actor, obj=site)
    return site


def get_answer_site(actor: Actor, site_id: Any) -> Site:
    """A site whose surveys the actor may see (its surveys page)."""
    try:
        site = answer_sites(actor).select_related("operator", "area").get(pk=parse_id(site_id))
    except Site.DoesNotExist:
        raise NotFound("No such site.") from None
    if site.is_sensitive:
        record(Action.VIEW, actor=actor, obj=site)
    return site


def sites_shown(actor: Actor, sites: list[Site], where: str) -> list[Site]:
    return registry_policy.sites_shown(actor, sites, where)


# --- surveys --------------------------------------------------------------------------------------


def visible_surveys(actor: Actor) -> QuerySet[Survey]:
    return Survey.objects.filter(site__in=answer_sites(actor)).select_related("site", "adviser")


def editable_surveys(actor: Actor) -> QuerySet[Survey]:
    """Surveys whose answers the actor may give: an adviser's survey by the area's advisers and
    administrators; a self-assessment also by the site's own contacts."""
    grants = grants_for(actor)
    staff = survey_staff_sites(actor)
    condition = Q(site__in=staff)
    if grants.own_organisation_ids:
        condition |= Q(
            kind=SurveyKind.SELF_ASSESSMENT, site__operator_id__in=grants.own_organisation_ids
        )
    return Survey.objects.filter(condition).select_related("site", "adviser")


def get_survey(actor: Actor, survey_id: Any, *, for_edit: bool = False) -> Survey:
    """The one door to a survey: the survey, or NotFound for missing and not yours alike."""
    surveys = editable_surveys(actor) if for_edit else visible_surveys(actor)
    try:
        return surveys.get(pk=parse_id(survey_id))
    except Survey.DoesNotExist:
        raise NotFound("No such survey.") from None


def may_edit(actor: Actor, survey: Survey) -> bool:
    return editable_surveys(actor).filter(pk=survey.pk).exists()


def may_review(actor: Actor, survey: Survey) -> bool:
    return survey_staff_sites(actor).filter(pk=survey.site_id).exists()


def may_schedule(actor: Actor, site: Site, kind: str) -> bool:
    if survey_staff_sites(actor).filter(pk=site.pk).exists():
        return True
    return kind == SurveyKind.SELF_ASSESSMENT and site.operator_id in (
        grants_for(actor).own_organisation_ids
    )


def answers_of(actor: Actor, survey: Survey, where: str) -> dict[str, Answer]:
    """The survey's answers by question id, for a survey got through get_survey. Every call is a
    view of answers and is written to the audit log."""
    if not answer_sites(actor).filter(pk=survey.site_id).exists():
        raise NotFound("No such survey.")
    answers = {answer.question_id: answer for answer in Answer.by_survey.of(survey)}
    record(
        Action.VIEW,
        actor=actor,
        obj=survey,
        object_repr=f"answers of {survey}"[:200],
        detail={"where": where, "answers": len(answers)},
    )
    return answers


def photos_of(actor: Actor, survey: Survey) -> list[Photo]:
    """The survey's photos (shown with its answers: answers_of audits the view)."""
    if not answer_sites(actor).filter(pk=survey.site_id).exists():
        raise NotFound("No such survey.")
    return list(Photo.by_survey.of(survey))


def get_photo(actor: Actor, survey: Survey, photo_id: Any) -> Photo:
    """One photo of a survey got through get_survey; each view is audited."""
    try:
        photo = Photo.by_survey.of(survey).get(pk=parse_id(photo_id))
    except Photo.DoesNotExist:
        raise NotFound("No such photo.") from None
    record(Action.VIEW, actor=actor, obj=photo, detail={"survey": survey.pk})
    return photo


# --- for the risk model (no view: the answers are scored, not shown) -------------------------------


def counting_surveys(site_ids: list[int]) -> dict[int, list[Survey]]:
    """Per site, the surveys that count, latest first (the risk model reads the first; the
    register compares it with the second)."""
    found: dict[int, list[Survey]] = {}
    surveys = Survey.objects.filter(COUNTS, site_id__in=site_ids).order_by(
        "-completed_at", "-id"
    )
    for survey in surveys:
        found.setdefault(survey.site_id, []).append(survey)
    return found


def scored_answers(survey_ids: list[int]) -> dict[int, dict[str, int | str]]:
    """Answers as the risk core reads them, per survey: for scoring only, never shown."""
    found: dict[int, dict[str, int | str]] = {pk: {} for pk in survey_ids}
    for answer in Answer.by_survey.of_surveys(survey_ids):
        found[answer.survey_id][answer.question_id] = answer.value
    return found


# --- the national threat level --------------------------------------------------------------------


def threat_level_history() -> QuerySet[NationalThreatLevel]:
    """Public knowledge (MI5 publishes it): every logged-in person may read it."""
    return NationalThreatLevel.objects.select_related("set_by")


def may_set_threat_level(actor: Actor) -> bool:
    return grants_for(actor).is_national_admin


# --- local heightened alerts ---------------------------------------------------------------------
# Staff who read an area's sites read its heightened alerts (they change its sites' risk);
# its administrators and police supervisors raise and end them (the alerts' senders).


def visible_heightened_alerts(actor: Actor) -> QuerySet[HeightenedAlert]:
    areas = grants_for(actor).read_areas
    if not areas:
        return HeightenedAlert.objects.none()
    rows = HeightenedAlert.objects.select_related("area", "set_by")
    return rows if areas.every else rows.filter(area__in=areas.ids)


def heightened_alert_areas(actor: Actor) -> QuerySet[Area]:
    """Where the actor raises heightened alerts."""
    return alert_policy.reachable_areas(actor)


def may_raise_heightened_alerts(actor: Actor) -> bool:
    return alert_policy.may_send(actor)


def get_heightened_alert(actor: Actor, alert_id: Any, *, for_edit: bool = False) -> HeightenedAlert:
    rows = visible_heightened_alerts(actor)
    if for_edit:
        rows = rows.filter(area__in=heightened_alert_areas(actor))
    try:
        return rows.get(pk=parse_id(alert_id))
    except HeightenedAlert.DoesNotExist:
        raise NotFound("No such heightened alert.") from None


def heightened_sites(alert: HeightenedAlert) -> QuerySet[Site]:
    """The sites a heightened alert concerns: its chosen sites, or its area's (of its faith)."""
    chosen = alert.sites.all()
    if chosen.exists():
        return chosen
    sites = Site.objects.filter(area=alert.area)
    return sites.filter(faith=alert.faith) if alert.faith else sites


def raised_levels(sites: list[Site], day: date) -> dict[int, list[str]]:
    """The levels of the heightened alerts in force on `day` for each site (for the risk model;
    not a door: the levels are applied whoever reads the risk)."""
    found: dict[int, list[str]] = {site.pk: [] for site in sites}
    if not sites:
        return found
    areas = {site.area_id for site in sites}
    in_force = (
        HeightenedAlert.objects.filter(area__in=areas, starts_on__lte=day, ends_on__gte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .prefetch_related("sites")
    )
    for alert in in_force:
        chosen = {site.pk for site in alert.sites.all()}
        for site in sites:
            if site.area_id != alert.area_id:
                continue
            if chosen and site.pk not in chosen:
                continue
            if not chosen and alert.faith and site.faith != alert.faith:
                continue
            found[site.pk].append(alert.level)
    return found


# --- Martyn's Law ---------------------------------------------------------------------------------


def duty_records(site_ids: list[int]) -> dict[int, dict[str, DutyRecord]]:
    found: dict[int, dict[str, DutyRecord]] = {pk: {} for pk in site_ids}
    for item in DutyRecord.objects.filter(site_id__in=site_ids):
        found[item.site_id][item.duty] = item
    return found


def may_record_duties(actor: Actor, site: Site) -> bool:
    """The site's own contacts (the responsible person's side), its advisers and administrators."""
    return answer_sites(actor).filter(pk=site.pk).exists()
