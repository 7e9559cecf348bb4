"""Patrol pages: units and shifts, plans (generate, review, edit, publish), the officer's phone,
planned against actual, exports, the community summary and rota feeds. Thin: actor, door, form,
one service call."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.policy import NotFound
from sanctuary.patrols import forms, guard_cover, policy, reports, services
from sanctuary.patrols.models import Plan, PlanStatus, UnitKind
from sanctuary.registry import policy as registry_policy
from sanctuary.spreadsheet_cells import safe_cell

STATIC = Path(__file__).resolve().parents[1] / "static"


def _planner_only(actor: Actor) -> None:
    if not policy.may_plan(actor):
        raise PermissionDenied("Only a police supervisor plans patrols.")


def _staff_only(actor: Actor) -> None:
    if not policy.is_patrol_staff(actor):
        raise PermissionDenied("Patrols are for the area's police and council patrol staff.")


# --- home: plans ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plans_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _staff_only(actor)
    form = None
    if policy.may_plan(actor):
        form = forms.NewPlanForm(request.POST or None, areas=policy.areas_to_plan(actor))
        if request.method == "POST" and form.is_valid():
            plan = services.create_plan(
                actor, list(form.cleaned_data["areas"]), form.cleaned_data["week_start"],
                form.cleaned_data["seed"],
            )
            messages.success(request, "Planning has started: this page shows its progress.")
            return redirect("patrol_plan", plan_id=plan.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only a police supervisor plans patrols.")
    page = Paginator(policy.visible_plans(actor).prefetch_related("areas"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "patrols/plans.html", {"page": page, "form": form,
                                                  "may_plan": policy.may_plan(actor)})


def _plan_context(actor: Actor, plan: Any) -> dict[str, Any]:
    visits = list(plan.visits.select_related("unit", "site").order_by("start"))
    uniform = plan.baselines.get("uniform") if plan.baselines else None
    editable = plan.is_editable and policy.may_plan(actor) and _may_edit(actor, plan)
    return {
        "plan": plan,
        "areas": ", ".join(a.name for a in plan.areas.all()),
        "days": reports.routes_by_day(visits),
        "sites": reports.coverage_by_site(plan, visits),
        "windows": reports.window_rows(plan),
        "unreachable": reports.unreachable(plan),
        "uniform": uniform,
        "proportional": plan.baselines.get("attendance_proportional") if plan.baselines else None,
        "editable": editable,
        "change_form": forms.ChangePlanForm(
            initial={"dwell_minutes": plan.dwell_minutes,
                     "excluded": list(plan.excluded_units.all())},
            units=policy.visible_units(actor).filter(area__in=plan.areas.all()),
        ) if editable else None,
        "may_publish": editable and plan.status == PlanStatus.READY,
        "may_plan": policy.may_plan(actor) and _may_edit(actor, plan),
        "surge_form": forms.SurgeForm() if (
            plan.status == PlanStatus.PUBLISHED and _may_edit(actor, plan)) else None,
        "tile_url": settings.SANCTUARY_TILE_URL,
        "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
    }


def _may_edit(actor: Actor, plan: Any) -> bool:
    try:
        policy.get_plan(actor, plan.pk, for_edit=True)
    except NotFound:
        return False
    return True


@login_required
@require_GET
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    return render(request, "patrols/plan.html", _plan_context(actor, plan))


@login_required
@require_GET
def plan_progress(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The progress fragment the plan page polls (htmx) while the plan is generated."""
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    response = render(request, "patrols/_progress.html", {"plan": plan,
                                                          "may_plan": _may_edit(actor, plan)})
    if not plan.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # done: show the whole review page
    return response


@login_required
@require_GET
def plan_routes(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Each unit's route on a chosen day, as GeoJSON for the review page's map."""
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    day = request.GET.get("day", "")
    features = []
    for group in reports.routes_by_day(plan.visits.select_related("unit", "site")):
        if day and str(group.day) != day:
            continue
        for unit, visits in group.units:
            features.append({
                "type": "Feature",
                "properties": {"unit": unit.name, "day": str(group.day),
                               "stops": [f"{timezone.localtime(v.start):%H:%M} {v.site.name}" for v in visits]},
                "geometry": {"type": "LineString",
                             "coordinates": [[v.site.longitude, v.site.latitude] for v in visits]},
            })
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _plan_action(request: HttpRequest, plan_id: int, action: Any, done: str) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id, for_edit=True)
    try:
        action(actor, plan)
    except services.PlanLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("patrol_plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_cancel(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_action(request, plan_id, services.cancel_planning, "Cancelling the planning.")


@login_required
@require_POST
def plan_publish(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_action(request, plan_id, services.publish_plan,
                        "Published: officers see their routes; the plan is now read-only.")


@login_required
@require_POST
def plan_replan(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_action(request, plan_id, services.start_planning, "Planning again.")


@login_required
@require_POST
def plan_change(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id, for_edit=True)
    form = forms.ChangePlanForm(
        request.POST, units=policy.visible_units(actor).filter(area__in=plan.areas.all())
    )
    if not form.is_valid():
        context = _plan_context(actor, plan)
        context["change_form"] = form
        return render(request, "patrols/plan.html", context, status=422)
    try:
        services.change_plan(actor, plan, dwell_minutes=form.cleaned_data["dwell_minutes"],
                             excluded=list(form.cleaned_data["excluded"]))
    except services.PlanLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Changed: the plan is being generated again.")
    return redirect("patrol_plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_surge(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id, for_edit=True)
    form = forms.SurgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the threat level now in force.")
        return redirect("patrol_plan", plan_id=plan.pk)
    try:
        services.surge_replan(actor, plan, form.cleaned_data["threat_level"])
    except services.PlanLocked as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Re-planning the rest of the week: officers keep their routes "
                                  "until it is done.")
    return redirect("patrol_plan", plan_id=plan.pk)


@login_required
@require_POST
def visit_pin(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = Actor.of(request)
    visit = policy.get_visit(actor, visit_id, for_edit=True)
    try:
        services.pin_visit(actor, visit, request.POST.get("pinned") == "1")
    except services.PlanLocked as error:
        messages.error(request, str(error))
    return redirect("patrol_plan", plan_id=visit.plan_id)


# --- exports ----------------------------------------------------------------------------------------


def _planned_against_actual(plan: Plan) -> reports.Actual:
    visits = list(plan.visits.select_related("unit", "site").order_by("start"))
    return reports.planned_against_actual(visits, policy.check_ins_of(plan.visits.all()))


@login_required
@require_GET
def plan_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    actual = _planned_against_actual(plan)
    services.record_export(actor, plan, "csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patrol-plan-{plan.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["unit", "site", "ward", "faith", "gathering", "arrive", "start", "minutes",
                     "state", "missed_reason"])
    for visit, state, _ in actual.rows:
        writer.writerow([safe_cell(cell) for cell in (
            visit.unit.name, visit.site.name, visit.site.ward, visit.site.faith,
            visit.window_label, timezone.localtime(visit.arrive).isoformat(),
            timezone.localtime(visit.start).isoformat(), visit.dwell_minutes, state,
            visit.missed_reason,
        )])
    return response


@login_required
@require_GET
def plan_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    from weasyprint import HTML

    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    html = render_to_string("patrols/plan_pdf.html", _plan_context(actor, plan), request=request)
    services.record_export(actor, plan, "pdf")
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="patrol-plan-{plan.pk}.pdf"'
    return response


@login_required
@require_GET
def plan_actual(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = Actor.of(request)
    plan = policy.get_plan(actor, plan_id)
    actual = _planned_against_actual(plan)
    return render(request, "patrols/actual.html", {
        "plan": plan, "actual": actual, "areas": ", ".join(a.name for a in plan.areas.all()),
        "delivered": reports.delivered_utility(plan, actual.total),
        "groups": [(title, actual.by[key]) for key, title in (
            ("site", "Site"), ("ward", "Ward"), ("faith", "Faith"), ("unit", "Unit"), ("week", "Week"))],
    })


# --- units and shifts --------------------------------------------------------------------------------


def _unit_form(actor: Actor, data: Any = None, instance: Any = None) -> forms.UnitForm:
    return forms.UnitForm(
        data, instance=instance, areas=policy.areas_to_plan(actor),
        organisations=policy.organisations_for_units(actor),
        sites=policy.sites_for_stewards(actor), officers=policy.officers_for_units(actor),
    )


@login_required
@require_http_methods(["GET", "POST"])
def units_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _staff_only(actor)
    form = _unit_form(actor, request.POST or None) if policy.may_plan(actor) else None
    if request.method == "POST":
        _planner_only(actor)
        assert form is not None
        if form.is_valid():
            unit = services.save_unit(actor, form)
            messages.success(request, f"Unit {unit.name} added: now give it shifts.")
            return redirect("patrol_unit", unit_id=unit.pk)
    page = Paginator(policy.visible_units(actor), 50).get_page(request.GET.get("page"))
    return render(request, "patrols/units.html", {"page": page, "form": form},
                  status=422 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    actor = Actor.of(request)
    unit = policy.get_unit(actor, unit_id)
    editable = policy.editable_units(actor).filter(pk=unit.pk).exists()
    unit_form = _unit_form(actor, instance=unit) if editable else None
    shift_form = forms.ShiftForm() if editable else None
    funded = unit.kind == UnitKind.GUARD and unit.site_id is not None
    fill_form = forms.FillShiftsForm() if editable and funded else None
    status = 200
    if request.method == "POST":
        unit = policy.get_unit(actor, unit_id, for_edit=True)
        if request.POST.get("form") == "unit":
            unit_form = _unit_form(actor, request.POST, instance=unit)
            if unit_form.is_valid():
                services.save_unit(actor, unit_form)
                messages.success(request, "Unit saved.")
                return redirect("patrol_unit", unit_id=unit.pk)
        else:
            shift_form = forms.ShiftForm(request.POST)
            if shift_form.is_valid():
                try:
                    services.save_shift(actor, unit, shift_form)
                except ValidationError as error:
                    for field, problems in error.message_dict.items():
                        for problem in problems:
                            shift_form.add_error(field if field in shift_form.fields else None, problem)
                else:
                    messages.success(request, "Shift added.")
                    return redirect("patrol_unit", unit_id=unit.pk)
        status = 422
    shifts = Paginator(unit.shifts.order_by("-start"), 50).get_page(request.GET.get("page"))
    return render(request, "patrols/unit.html", {
        "unit": unit, "unit_form": unit_form, "shift_form": shift_form, "shifts": shifts,
        "editable": editable, "fill_form": fill_form,
        "margins": (guard_cover.BEFORE.seconds // 60, guard_cover.AFTER.seconds // 60),
    }, status=status)


@login_required
@require_POST
def unit_fill(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Fill the shifts of a unit posted at one site from its gatherings (funded guards)."""
    actor = Actor.of(request)
    unit = policy.get_unit(actor, unit_id, for_edit=True)
    form = forms.FillShiftsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Weeks to fill: " + " ".join(str(e) for e in form.errors.get("weeks", [])))
        return redirect("patrol_unit", unit_id=unit.pk)
    try:
        filled = services.fill_guard_shifts(actor, unit, weeks=form.cleaned_data["weeks"])
    except services.NoGatherings as refused:
        messages.error(request, str(refused))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, (
            f"Added {len(filled.shifts)} shifts from {filled.first:%a %d %b} to "
            f"{filled.last:%a %d %b}, covering {len(filled.cover.chosen)} gatherings within "
            f"{filled.hours_per_week:.2f} hours a week ({len(filled.cover.already)} already "
            f"covered by its shifts; {len(filled.cover.dropped)} left: the hours do not reach them)."
        ))
    return redirect("patrol_unit", unit_id=unit.pk)


@login_required
@require_POST
def shift_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    actor = Actor.of(request)
    shift = policy.get_shift(actor, shift_id, for_edit=True)
    services.remove_shift(actor, shift)
    messages.success(request, "Shift removed.")
    return redirect("patrol_unit", unit_id=shift.unit_id)


@login_required
@require_http_methods(["GET", "POST"])
def shifts_import(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _planner_only(actor)
    form = forms.ShiftImportForm(
        request.POST or None, request.FILES or None, areas=policy.areas_to_plan(actor),
        organisations=policy.organisations_for_units(actor),
    )
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            made, added = services.import_shifts(
                actor, form.cleaned_data["area"], form.cleaned_data["organisation"],
                form.cleaned_data["file"],
            )
        except services.ShiftsRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, f"Imported {added} shifts ({made} new units).")
            return redirect("patrol_units")
    status = 422 if request.method == "POST" else 200
    return render(request, "patrols/import.html", {"form": form, "problems": problems},
                  status=status)


# --- the officer's phone --------------------------------------------------------------------------------


@login_required
@require_GET
def today_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _staff_only(actor)
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    visits = list(policy.own_visits(actor).filter(start__gte=start,
                                                  start__lt=start + timedelta(days=1)).order_by("start"))
    check_ins = list(policy.check_ins_of(policy.own_visits(actor).filter(pk__in=[v.pk for v in visits])))
    now = timezone.now()
    rows = []
    for visit in visits:
        mine = [c for c in check_ins if c.visit_id == visit.pk]
        rows.append({"visit": visit, "state": reports.visit_state(visit, mine, now),
                     "check_ins": mine})
    upcoming = next((r for r in rows if r["state"] == reports.VisitState.PLANNED), None)
    return render(request, "patrols/today.html", {
        "rows": rows, "next": upcoming, "today": today,
        "radius": services.checkin_radius(), "missed_form": forms.MissedForm(),
    })


@login_required
@require_POST
def visit_check_in(request: HttpRequest, visit_id: int) -> HttpResponse:
    """A check-in or check-out: JSON from the phone's script (now or from its offline queue), or
    a plain form. Answers JSON to the script."""
    actor = Actor.of(request)
    visit = policy.get_own_visit(actor, visit_id)
    wants_json = request.content_type == "application/json"
    data = request.POST
    if wants_json:
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": "The request is not JSON."}, status=400)
    form = forms.CheckInForm(data)
    if not form.is_valid():
        errors = {field: [str(e) for e in problems] for field, problems in form.errors.items()}
        if wants_json:
            return JsonResponse({"errors": errors}, status=422)
        messages.error(request, "The check-in could not be read: " + "; ".join(
            f"{f}: {' '.join(p)}" for f, p in errors.items()))
        return redirect("patrol_today")
    result = services.record_check_in(
        actor, visit, client_id=form.cleaned_data["client_id"], kind=form.cleaned_data["kind"],
        at=form.cleaned_data["at"], latitude=form.cleaned_data["latitude"],
        longitude=form.cleaned_data["longitude"],
    )
    check_in = result.check_in
    answer = {"accepted": check_in.accepted, "reason": check_in.refusal_reason,
              "duplicate": result.duplicate, "id": str(check_in.client_id)}
    if wants_json:
        return JsonResponse(answer)
    if check_in.accepted:
        messages.success(request, f"{check_in.get_kind_display()} recorded at {visit.site.name}.")
    else:
        messages.error(request, f"{check_in.get_kind_display()} refused: {check_in.refusal_reason}.")
    return redirect("patrol_today")


@login_required
@require_POST
def visit_missed(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = Actor.of(request)
    visit = policy.get_own_visit(actor, visit_id)
    form = forms.MissedForm(request.POST)
    if form.is_valid():
        services.record_missed(actor, visit, form.cleaned_data["reason"], form.cleaned_data["note"])
        messages.success(request, f"Recorded why the visit to {visit.site.name} was missed.")
    else:
        messages.error(request, "Choose why the visit was missed.")
    return redirect("patrol_today")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The phone page's service worker, served from /patrols/ so that it may look after it."""
    body = (STATIC / "js" / "patrol-sw.js").read_text()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# --- what the partnership sees afterwards ------------------------------------------------------


@login_required
@require_GET
def site_visits(request: HttpRequest, site_id: int) -> HttpResponse:
    """Past patrol visits to one site (how many, when): never a future one."""
    actor = Actor.of(request)
    site = policy.get_site_for_visits(actor, site_id)
    visits = policy.past_visits(site)
    page = Paginator(visits, 50).get_page(request.GET.get("page"))
    return render(request, "patrols/site_visits.html", {"site": site, "page": page,
                                                        "count": visits.count()})


@login_required
@require_GET
def community_summary(request: HttpRequest) -> HttpResponse:
    """Patrol visits per site and ward over the last 30 days, with no times: for the community."""
    actor = Actor.of(request)
    since = timezone.now() - timedelta(days=30)
    sites = registry_policy.visible_sites(actor)
    check_ins = policy.delivered_since(sites, since)
    by_site, by_ward = reports.community_counts(check_ins)
    return render(request, "patrols/summary.html", {"by_site": by_site, "by_ward": by_ward,
                                                    "total": sum(n for _, n in by_site)})


# --- rota feeds -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rota_feeds(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _staff_only(actor)
    if request.method == "POST":
        services.create_rota_feed(actor)
        messages.success(request, "Rota feed made: copy its link into your calendar app.")
        return redirect("patrol_rota_feeds")
    return render(request, "patrols/rota_feeds.html", {
        "feeds": policy.visible_rota_feeds(actor),
        "base_url": request.build_absolute_uri("/")[:-1],
    })


@login_required
@require_POST
def rota_feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = Actor.of(request)
    services.revoke_rota_feed(actor, policy.get_rota_feed(actor, feed_id))
    messages.success(request, "Rota feed revoked: its link no longer works.")
    return redirect("patrol_rota_feeds")


@require_GET
def rota_ics(request: HttpRequest, key: str) -> HttpResponse:
    """The officer's own published visits from a week ago on: the key is the credential."""
    feed = policy.rota_feed_by_key(key)
    owner = Actor.person(feed.user, Channel.FEED, request.META.get("REMOTE_ADDR"))
    if not policy.is_patrol_staff(owner):
        raise NotFound("No such feed.")
    visits = policy.own_visits(owner).filter(start__gte=timezone.now() - timedelta(days=7))
    body = services.rota_ical(visits.order_by("start"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


