"""Survey and risk pages: thin, every object through surveys.policy, every change through
surveys.services."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound, grants_for, parse_id
from sanctuary.alerts import policy as alert_policy
from sanctuary.patrols import policy as patrol_policy
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.forms import SiteFilterForm
from sanctuary.registry.models import Site
from sanctuary.surveys import assess, policy, register, report, services
from sanctuary.surveys.forms import (
    CompleteForm,
    DutyForm,
    EndHeightenedAlertForm,
    HeightenedAlertForm,
    PhotoForm,
    ScheduleForm,
    SectionForm,
    ThreatLevelForm,
    answer_field,
    note_field,
)
from sanctuary.surveys.models import DutyStatus, SurveyKind, SurveyStatus
from sanctuary.surveys.risk import RiskLevel

# --- surveys -------------------------------------------------------------------------------------


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """The surveys one may see, those still open first (an adviser's visits to come), then the
    latest done."""
    actor = Actor.of(request)
    surveys = policy.visible_surveys(actor).order_by(
        Case(When(status__in=OPEN, then=0), default=1),
        F("scheduled_for").asc(nulls_last=True),
        "-completed_at",
        "-id",
    )
    page = Paginator(surveys, 50).get_page(request.GET.get("page"))
    policy.sites_shown(actor, [s.site for s in page.object_list], "the survey list")
    return render(request, "surveys/survey_list.html", {"page": page})


OPEN = [SurveyStatus.SCHEDULED, SurveyStatus.IN_PROGRESS]


# --- a site's surveys -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_surveys(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = policy.get_answer_site(actor, site_id)
    kinds = [k for k in SurveyKind.values if policy.may_schedule(actor, site, k)]
    form = ScheduleForm(request.POST or None, kinds=kinds) if kinds else None
    if request.method == "POST":
        if form is None:
            raise NotFound("No such site.")
        if form.is_valid():
            survey = services.schedule_survey(
                actor,
                site,
                kind=form.cleaned_data["kind"],
                scheduled_for=form.cleaned_data["scheduled_for"],
            )
            messages.success(request, f"{survey.get_kind_display()} of {site.name} scheduled.")
            return redirect(survey)
    surveys = policy.visible_surveys(actor).filter(site=site)
    return render(
        request,
        "surveys/site_surveys.html",
        {"site": site, "surveys": surveys, "form": form, "sees_answers": True},
    )


def _progress(survey, answers):
    instrument = services.instrument_of(survey)
    sections = []
    for section in instrument.sections:
        answered = sum(1 for q in section.questions if q.id in answers)
        sections.append((section, answered, len(section.questions)))
    resume = next((s for s, done, total in sections if done < total), None)
    return instrument, sections, resume


@login_required
@require_GET
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id)
    answers = policy.answers_of(actor, survey, "the survey's page")
    instrument, sections, resume = _progress(survey, answers)
    editable = survey.is_open and policy.may_edit(actor, survey)
    photos = policy.photos_of(actor, survey)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "site": survey.site,
            "instrument": instrument,
            "sections": sections,
            "answered": len(answers),
            "total": len(instrument.questions),
            "resume": resume,
            "editable": editable,
            "may_review": survey.awaits_review and policy.may_review(actor, survey),
            "photos": photos,
            "photo_form": PhotoForm(
                questions=[(q.id, q.topic) for q in instrument.questions]
            ) if editable else None,
            "complete_form": CompleteForm(initial={"summary": survey.summary}),
            "sees_answers": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_section(request: HttpRequest, survey_id: int, section_id: str) -> HttpResponse:
    """One section of the questionnaire; each post saves what was answered in it."""
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id, for_edit=request.method == "POST")
    instrument = services.instrument_of(survey)
    index = next((i for i, s in enumerate(instrument.sections) if s.id == section_id), None)
    if index is None:
        raise NotFound("No such section.")
    section = instrument.sections[index]
    following = instrument.sections[index + 1] if index + 1 < len(instrument.sections) else None
    editable = survey.is_open and policy.may_edit(actor, survey)
    if request.method == "POST":
        if not editable:
            raise NotFound("No such survey.")
        form = SectionForm(request.POST, section=section)
        if form.is_valid():
            try:
                services.save_answers(actor, survey, form.answers(), form.notes())
            except services.SurveyClosed as error:
                messages.error(request, str(error))
                return redirect(survey)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if request.htmx:  # type: ignore[attr-defined]
                    return HttpResponse(
                        format_html(
                            '<span class="saved" role="status">Saved at {}</span>',
                            f"{timezone.localtime():%H:%M}",
                        )
                    )
                messages.success(request, f"Saved “{section.title}”.")
                if following and "next" in request.POST:
                    return redirect("survey_section", survey.pk, following.id)
                return redirect(survey)
        if request.htmx:  # type: ignore[attr-defined]
            problems = " ".join(
                str(message) for errors in form.errors.values() for message in errors
            )
            return HttpResponse(
                format_html('<span class="error" role="alert">Not saved: {}</span>', problems),
                status=422,
            )
    else:
        answers = policy.answers_of(actor, survey, f"section {section.id}")
        initial = {}
        for question in section.questions:
            if question.id in answers:
                initial[answer_field(question.id)] = str(answers[question.id].value)
                initial[note_field(question.id)] = answers[question.id].note
        form = SectionForm(initial=initial, section=section)
        if not editable:  # shown, not changed
            for field in form.fields.values():
                field.disabled = True
    return render(
        request,
        "surveys/survey_section.html",
        {
            "survey": survey,
            "site": survey.site,
            "section": section,
            "number": index + 1,
            "count": len(instrument.sections),
            "following": following,
            "form": form,
            "editable": editable,
        },
    )


@login_required
@require_POST
def survey_photo_add(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id, for_edit=True)
    instrument = services.instrument_of(survey)
    form = PhotoForm(
        request.POST, request.FILES, questions=[(q.id, q.topic) for q in instrument.questions]
    )
    if form.is_valid():
        try:
            services.add_photo(
                actor,
                survey,
                form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                question_id=form.cleaned_data["question_id"] or "",
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"Photo not added: {message}")
        except services.SurveyClosed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Photo added (its location and camera details removed).")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Photo"
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
    return redirect(survey)


@login_required
@require_GET
def survey_photo(request: HttpRequest, survey_id: int, photo_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id)
    photo = policy.get_photo(actor, survey, photo_id)
    response = HttpResponse(services.photo_bytes(photo), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def survey_complete(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id, for_edit=True)
    form = CompleteForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    try:
        survey = services.complete_survey(actor, survey, summary)
    except services.SurveyClosed as error:
        messages.error(request, str(error))
    else:
        if survey.kind == SurveyKind.SELF_ASSESSMENT:
            messages.success(request, "Self-assessment sent: a security adviser reviews it before it counts.")
        else:
            messages.success(request, "Survey completed: the site's risk now uses it.")
    return redirect(survey)


@login_required
@require_POST
def survey_review(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id)
    if not policy.may_review(actor, survey):
        raise NotFound("No such survey.")
    form = CompleteForm(request.POST)
    try:
        services.review_survey(actor, survey, form.cleaned_data["summary"] if form.is_valid() else "")
    except services.SurveyClosed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Self-assessment reviewed: the site's risk now uses it.")
    return redirect(survey)


@login_required
@require_GET
def survey_report(request: HttpRequest, survey_id: int) -> HttpResponse:
    actor = Actor.of(request)
    survey = policy.get_survey(actor, survey_id)
    pdf = report.survey_pdf(actor, survey)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.site_id}-{survey.pk}.pdf"'
    return response


# --- risk -----------------------------------------------------------------------------------------


@login_required
@require_GET
def site_risk(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = policy.get_risk_site(actor, site_id)
    found = assess.assess_one(site)
    sees_answers = policy.may_see_answers(actor, site)
    return render(
        request,
        "surveys/site_risk.html",
        {
            "site": site,
            "a": found,
            "risk": found.risk,
            "drivers": register.drivers_shown(found, sees_answers),
            "recommendations": register.recommendations_shown(found, sees_answers),
            "sees_answers": sees_answers,
            "national": assess.national_level(),
        },
    )


def _register_rows(request: HttpRequest, actor: Actor):
    sites = policy.risk_sites(actor).select_related("operator", "area")
    areas = list(
        registry_policy.visible_areas(actor)
        .filter(pk__in=sites.values("area_id"))
        .values_list("code", "name")
    )
    wards = registry_policy.wards_to_offer(actor, request.GET.get("area", ""))
    form = SiteFilterForm(request.GET or None, wards=wards, areas=areas)
    chosen = form.site_filter().apply(sites)
    rows = register.rows(list(chosen))
    return form, register.sort(rows, request.GET.get("sort", "-score"))


@login_required
@require_GET
def risk_register(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    form, rows = _register_rows(request, actor)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    policy.sites_shown(actor, [row.site for row in page.object_list], "the risk register")
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    return render(
        request,
        "surveys/register.html",
        {
            "form": form,
            "page": page,
            "sort": request.GET.get("sort", "-score"),
            "query": query.urlencode(),
            "national": assess.national_level(),
            "export_query": request.GET.urlencode(),
            "markers": [
                {
                    "name": row.site.name,
                    "lat": row.site.latitude,
                    "lon": row.site.longitude,
                    "level": row.level_value,
                    "level_label": row.level,
                    "score": f"{row.score:.1f}",
                    "url": reverse("site_risk", args=[row.site.pk]),
                }
                for row in page.object_list
            ],
            "levels": [(level.value, level.label) for level in RiskLevel],
            "tile_url": settings.SANCTUARY_TILE_URL,
            "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
        },
    )


@login_required
@require_GET
def risk_register_csv(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _, rows = _register_rows(request, actor)
    policy.sites_shown(actor, [row.site for row in rows], "the risk register's CSV")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(register.CSV_HEADER)
    for row in rows:
        writer.writerow(register.csv_cells(row))
    services.record_export(actor, len(rows), "risk register CSV")
    response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="risk-register.csv"'
    return response


# --- the national threat level --------------------------------------------------------------------


REPLAN_OFFER_DAYS = 14


def _replan_offers(actor: Actor, areas: list[Any], starts_on: date) -> list[dict[str, Any]]:
    """The patrol re-plans a change offers: the areas concerned that the actor plans, for the
    week the change first touches (never started automatically)."""
    planned = set(patrol_policy.areas_to_plan(actor).values_list("pk", flat=True))
    week = services.replan_week(starts_on)
    return [{"area": area, "week": week} for area in areas if area.pk in planned]


def _drafted(actor: Actor, alert_id: int | None) -> Any:
    if alert_id is None:
        return None
    return alert_policy.visible_alerts(actor).filter(pk=alert_id).first()


@login_required
@require_http_methods(["GET", "POST"])
def threat_level(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    may_set = policy.may_set_threat_level(actor)
    form = ThreatLevelForm(request.POST or None, initial={"since": timezone.localdate()})
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            change = services.set_threat_level(
                actor, data["level"], data["since"], data["note"], source=data["source"], reason=data["reason"]
            )
            messages.success(request, f"National threat level recorded: {change}.")
            return redirect(f"{reverse('threat_level')}?changed={change.pk}")
    history = policy.threat_level_history()
    changed = None
    if actor.user is not None and request.GET.get("changed"):
        try:
            changed = history.filter(pk=parse_id(request.GET["changed"]), set_by=actor.user).first()
        except NotFound:
            changed = None
    # a planner sees the offer of a re-plan for a fortnight after a national change
    if changed is None and patrol_policy.may_plan(actor):
        changed = history.filter(set_at__gte=timezone.now() - timedelta(days=REPLAN_OFFER_DAYS)).first()
    return render(
        request,
        "surveys/threat_level.html",
        {
            "history": history[:50],
            "current": assess.national_level(),
            "form": form if may_set else None,
            "changed": changed,
            "drafted": _drafted(actor, changed.alert_id) if changed and actor.user is not None and changed.set_by_id == actor.user.pk else None,
            "replan": _replan_offers(actor, list(patrol_policy.areas_to_plan(actor)), changed.since) if changed else [],
            "heightened": policy.visible_heightened_alerts(actor).filter(ends_on__gte=timezone.localdate())[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def heightened_alerts(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not grants_for(actor).read_areas:
        raise PermissionDenied("Heightened alerts are for the staff of an area.")
    may_raise = policy.may_raise_heightened_alerts(actor)
    areas = policy.heightened_alert_areas(actor)
    today = timezone.localdate()
    form = HeightenedAlertForm(
        request.POST or None, areas=areas,
        sites=alert_policy.reachable_sites(actor).order_by("name"),
        initial={"starts_on": today, "ends_on": today + timedelta(days=13)},
    )
    if request.method == "POST":
        if not may_raise:
            raise PermissionDenied("Only administrators and police supervisors raise heightened alerts.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                raised = services.raise_heightened_alert(
                    actor, area=data["area"], level=data["level"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], reason=data["reason"], faith=data["faith"],
                    sites=list(data["sites"]),
                )
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                messages.success(request, f"Heightened alert raised: {raised}. Risk is recomputed from now.")
                return redirect("heightened_alert", alert_id=raised.pk)
    page = Paginator(policy.visible_heightened_alerts(actor), 25).get_page(request.GET.get("page"))
    return render(request, "surveys/heightened_alerts.html", {
        "page": page, "form": form if may_raise else None, "today": today,
    })


@login_required
@require_GET
def heightened_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    alert = policy.get_heightened_alert(actor, alert_id)
    may_end = (
        alert.ended_on is None and alert.last_day >= timezone.localdate()
        and policy.heightened_alert_areas(actor).filter(pk=alert.area_id).exists()
    )
    sites = registry_policy.sites_shown(
        actor, registry_policy.visible_sites(actor).filter(pk__in=policy.heightened_sites(alert)),
        "heightened alert",
    )
    return render(request, "surveys/heightened_alert.html", {
        "alert": alert,
        "sites": sites,
        "in_force": alert.in_force_on(timezone.localdate()),
        "drafted": _drafted(actor, alert.alert_id),
        "replan": _replan_offers(actor, [alert.area], max(alert.starts_on, timezone.localdate())),
        "end_form": EndHeightenedAlertForm() if may_end else None,
    })


@login_required
@require_POST
def heightened_alert_end(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = Actor.of(request)
    alert = policy.get_heightened_alert(actor, alert_id, for_edit=True)
    form = EndHeightenedAlertForm(request.POST)
    try:
        services.end_heightened_alert(actor, alert, form.data.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The heightened alert has ended: risk is recomputed without it.")
    return redirect("heightened_alert", alert_id=alert.pk)


# --- Martyn's Law ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_martyns_law(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = policy.get_answer_site(actor, site_id)
    may_record = policy.may_record_duties(actor, site)
    if request.method == "POST":
        if not may_record:
            raise NotFound("No such site.")
        form = DutyForm(request.POST)
        if form.is_valid():
            try:
                services.record_duty(
                    actor,
                    site,
                    form.cleaned_data["duty"],
                    form.cleaned_data["status"],
                    form.cleaned_data["evidence"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Saved.")
        else:
            messages.error(request, "Choose a status for the duty.")
        return redirect("site_martyns_law", site.pk)
    found = assess.assess([site])[0]
    applies, items = found.martyns_law(policy.duty_records([site.pk])[site.pk])
    return render(
        request,
        "surveys/martyns_law.html",
        {
            "site": site,
            "applies": applies,
            "items": [
                (item, DutyStatus(item.status.value).label, DutyForm(initial={"duty": item.duty.id, "status": item.status.value,
                                         "evidence": "" if item.from_survey else item.evidence},
                                auto_id=f"id_{item.duty.id}_%s"))
                for item in items
            ],
            "may_record": may_record,
            "sees_answers": True,
        },
    )


@login_required
@require_GET
def martyns_law_register(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    sites: list[Site] = list(policy.answer_sites(actor).select_related("area").order_by("name"))
    page = Paginator(register.compliance_rows(sites), 100).get_page(request.GET.get("page"))
    policy.sites_shown(actor, [row.site for row in page.object_list], "the Martyn's Law table")
    return render(request, "surveys/martyns_law_register.html", {"page": page})

