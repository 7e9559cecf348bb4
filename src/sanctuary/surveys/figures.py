"""What surveys and risk tell the partnership's picture (the contract is sanctuary/figures.py;
the definitions are in docs/overview.md).

Surveys are read through `policy.visible_surveys` and `answer_sites` (the site's contacts, its
advisers and administrators), risk through `policy.risk_sites` (those and the area's police
supervisors): a reader who may see neither gets "not shown" (None), never a figure computed
from sites they may not see.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from statistics import fmean

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.figures import Figure, Table
from sanctuary.registry.models import Area, Faith, Site, SiteStatus
from sanctuary.surveys import assess, policy
from sanctuary.surveys.models import COUNTS, Survey, SurveyKind, SurveyStatus

TITLE = "Surveys and risk"
DUE_WITHIN_DAYS = 7
OPEN = (SurveyStatus.SCHEDULED, SurveyStatus.IN_PROGRESS)


def home(actor: Actor) -> list[Figure]:
    surveys = policy.visible_surveys(actor)
    soon = timezone.localdate() + timedelta(days=DUE_WITHIN_DAYS)
    figures = [
        Figure(
            "surveys.due", f"Surveys due within {DUE_WITHIN_DAYS} days or overdue",
            surveys.filter(status__in=OPEN, scheduled_for__lte=soon).count(), link="/surveys/",
        ),
    ]
    staff = policy.survey_staff_sites(actor)
    if staff.exists():
        figures.append(
            Figure(
                "surveys.awaiting_review", "Self-assessments awaiting review",
                surveys.filter(
                    site__in=staff, kind=SurveyKind.SELF_ASSESSMENT, status=SurveyStatus.COMPLETED
                ).count(),
                link="/surveys/",
            )
        )
    return figures


def _active(sites: QuerySet[Site], area: Area) -> QuerySet[Site]:
    return sites.filter(area=area, status=SiteStatus.ACTIVE)


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 1) if values else None


def by_faith(actor: Actor, area: Area) -> dict[str, list[Figure]]:
    answerable = list(_active(policy.answer_sites(actor), area).values_list("pk", "faith"))
    surveyed = set(
        Survey.objects.filter(COUNTS, site_id__in=[pk for pk, _ in answerable])
        .values_list("site_id", flat=True)
    )
    sites_of: dict[str, list[int]] = defaultdict(list)
    for pk, faith in answerable:
        sites_of[faith].append(pk)
    scores: dict[str, list[float]] = defaultdict(list)
    changes: dict[str, list[float]] = defaultdict(list)
    risky = list(_active(policy.risk_sites(actor), area).order_by("pk"))
    for found in assess.assess(risky, with_previous=True):
        scores[found.site.faith].append(found.risk.score)
        if found.change is not None:
            changes[found.site.faith].append(found.change)
    may_see_answers, may_see_risk = bool(answerable), bool(risky)
    hidden = "not shown to your role"

    def known(value: float | None, why: str) -> tuple[float | None, str]:
        return (value, "") if value is not None else (None, f"not known: {why}")

    result = {}
    for faith in Faith.values:
        ids = sites_of[faith]
        share = round(100 * len(surveyed.intersection(ids)) / len(ids)) if ids else None
        mean, mean_note = known(_mean(scores[faith]), "no site") if may_see_risk else (None, hidden)
        change, change_note = (
            known(_mean(changes[faith]), "no site has a previous survey")
            if may_see_risk else (None, hidden)
        )
        share_note = ("" if share is not None else "not known: no site") if may_see_answers else hidden
        result[faith] = [
            Figure("surveys.share", "Sites surveyed", share if may_see_answers else None,
                   link="/surveys/", unit="%", note=share_note),
            Figure("surveys.mean_risk", "Mean risk (0–100)", mean, link="/risk/", note=mean_note),
            Figure("surveys.risk_change", "Change since the previous survey (points)", change,
                   link="/risk/", note=change_note),
        ]
    return result


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def done_between(start: date, end: date) -> Q:
    """A survey that began to count in [start, end): an adviser's on completion, a
    self-assessment on its review."""
    first, last = _moment(start), _moment(end)
    return Q(kind=SurveyKind.ADVISER, completed_at__gte=first, completed_at__lt=last) | Q(
        kind=SurveyKind.SELF_ASSESSMENT, reviewed_at__gte=first, reviewed_at__lt=last
    )


def month(actor: Actor, area: Area, start: date, end: date) -> list[Figure | Table]:
    if not policy.answer_sites(actor).filter(area=area).exists():
        return []
    done = list(
        policy.visible_surveys(actor)
        .filter(COUNTS, done_between(start, end), site__area=area)
        .order_by("pk")
    )
    sites = list({survey.site_id: survey.site for survey in done}.values())
    changes: dict[str, list[float]] = defaultdict(list)
    counted: dict[str, int] = defaultdict(int)
    for survey in done:
        counted[survey.site.get_faith_display()] += 1
    for found in assess.assess(sites, with_previous=True):
        if found.change is not None:
            changes[found.site.get_faith_display()].append(found.change)
    every_change = [c for values in changes.values() for c in values]
    return [
        Figure("surveys.done", "Surveys done", len(done), link="/surveys/"),
        Figure("surveys.risk_change", "Mean risk change of the sites surveyed (points)",
               _mean(every_change), link="/risk/",
               note="" if every_change else "not known: no site surveyed had a previous survey"),
        Table(
            "surveys.by_faith", "Surveys done by faith",
            ("Faith", "Surveys done", "Mean risk change (points)"),
            tuple((faith, n, _mean(changes[faith])) for faith, n in sorted(counted.items())),
        ),
    ]
