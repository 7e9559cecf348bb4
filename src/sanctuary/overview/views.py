"""The home page, the cross-faith view of an area and its monthly report (page and PDF)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sanctuary.access.actor import Actor
from sanctuary.overview import compose, policy, report, services
from sanctuary.overview.forms import MonthForm, default_month


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    staff = policy.is_staff(actor)
    own = not staff and policy.has_own_sites(actor)
    sites, site_count = policy.home_sites(actor) if own else ([], 0)
    areas = list(policy.overview_areas(actor)[: policy.HOME_AREAS + 1]) if staff else []
    return render(request, "overview/home.html", {
        "sections": compose.home(actor),
        "areas": areas[: policy.HOME_AREAS],
        "more_areas": len(areas) > policy.HOME_AREAS,
        "own": own,
        "sites": sites,
        "site_count": site_count,
        "last_month": default_month(),
    })


@login_required
@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """Every area whose picture the reader may see: staff only (a function, 403 otherwise)."""
    actor = Actor.of(request)
    if not policy.is_staff(actor):
        raise PermissionDenied("The partnership's picture is for the staff of an area.")
    return render(request, "overview/areas.html", {
        "areas": policy.overview_areas(actor), "last_month": default_month(),
    })


@login_required
@require_GET
def across_faiths(request: HttpRequest, code: str) -> HttpResponse:
    actor = Actor.of(request)
    area = policy.get_area(actor, code)
    return render(request, "overview/faiths.html", {
        "picture": compose.by_faith(actor, area), "last_month": default_month(),
    })


def _month_form(request: HttpRequest) -> MonthForm:
    return MonthForm(request.GET if "month" in request.GET else {"month": default_month()})


@login_required
@require_GET
def monthly(request: HttpRequest, code: str) -> HttpResponse:
    actor = Actor.of(request)
    area = policy.get_area(actor, code)
    form = _month_form(request)
    if not form.is_valid():
        return render(request, "overview/monthly.html", {"area": area, "form": form}, status=422)
    context = report.monthly_context(actor, area, form.cleaned_data["month"])
    return render(request, "overview/monthly.html", {**context, "form": form})


@login_required
@require_GET
def monthly_pdf(request: HttpRequest, code: str) -> HttpResponse:
    actor = Actor.of(request)
    area = policy.get_area(actor, code)
    form = _month_form(request)
    if not form.is_valid():
        return render(request, "overview/monthly.html", {"area": area, "form": form}, status=422)
    start = form.cleaned_data["month"]
    pdf = report.monthly_pdf(actor, area, start)
    services.record_report_export(actor, area, start, "the monthly report's PDF")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="partnership-{area.code}-{start:%Y-%m}.pdf"'
    return response
