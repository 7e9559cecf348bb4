"""A site's schedule page, its forms and the live preview. Sites come through sanctuary.access.policy."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access import policy
from sanctuary.calendars import borough, engine, forms, services
from sanctuary.calendars.models import Feed, FeedScope, Schedule
from sanctuary.registry import services as registry_services
from sanctuary.registry.models import Site, SiteStatus

ROW_FORMS: dict[str, type[BaseForm]] = {
    "rules": forms.CongregationRuleForm,
    "jumuah": forms.JumuahForm,
    "services": forms.ServiceForm,
    "events": forms.EventForm,
    "confirmed": forms.ConfirmedDateForm,
}
PREVIEWED = {"settings", "rules", "jumuah", "services", "events"}


def _form(part: str, site: Site, schedule: Schedule, data: Any = None, files: Any = None) -> BaseForm:
    if part == "settings":
        # a copy: a form that fails validation must not leave its values on the page's schedule
        return forms.ScheduleForm(data, instance=copy.copy(schedule))
    if part == "timetable":
        return forms.TimetableForm(data, files)
    if part == "confirmed":
        return forms.ConfirmedDateForm(data, faith=site.faith)
    if part in ROW_FORMS:
        return ROW_FORMS[part](data)
    raise Http404("No such part of a schedule.")


def _preview(site: Site, schedule: Schedule | None, extra: list[Any] | None = None) -> dict[str, Any]:
    if schedule is None:
        return {"preview_error": "Correct the form to see its effect."}
    try:
        return {"preview": services.upcoming(services.site_calendar(site, schedule, extra or []))}
    except services.CalendarUnavailable as error:
        return {"preview_error": str(error)}


def _site_time(site: Site) -> timezone.override:
    """Times on the page and in its forms are the site's own (Europe/London unless set)."""
    return timezone.override(services.schedule_of(site).timezone)


def _page(
    request: HttpRequest, site: Site, bound: BaseForm | None = None, **extra: Any
) -> HttpResponse:
    schedule = services.schedule_of(site)
    can_edit = policy.can_edit_site(request.user, site)
    context: dict[str, Any] = {
        "site": site,
        "schedule": schedule,
        "can_edit": can_edit,
        "rows": {name: services.rows_of(schedule, name) for name in services.ROW_MODELS},
        **_preview(site, schedule),
        **extra,
    }
    if can_edit:
        context["forms"] = {
            part: bound if bound is not None and bound.prefix == part else _form(part, site, schedule)
            for part in ("settings", "timetable", *ROW_FORMS)
        }
    return render(request, "calendars/schedule.html", context, status=200)


@login_required
@require_GET
def schedule_page(request: HttpRequest, site_id: int) -> HttpResponse:
    site = policy.get_site(request.user, site_id)
    registry_services.record_sensitive_view(request, site)  # when it is full is what matters
    with _site_time(site):
        return _page(request, site)


@login_required
@require_POST
def schedule_save(request: HttpRequest, site_id: int, part: str) -> HttpResponse:
    site = policy.get_site(request.user, site_id, for_edit=True)
    with _site_time(site):  # event times are typed in the site's own time
        form = _form(part, site, services.schedule_of(site), request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, site, form)
        if part == "settings":
            services.save_settings(request, site, form)  # type: ignore[arg-type]
        elif part == "timetable":
            try:
                services.import_timetable(
                    request, site, form.cleaned_data["csv"], form.cleaned_data["name"]
                )
            except engine.TimetableRejected as rejected:
                return _page(request, site, form, timetable_rejected=rejected)
        else:
            try:
                services.add_row(request, site, form)  # type: ignore[arg-type]
            except ValidationError as error:  # e.g. a festival date confirmed already
                form.add_error(None, error)
                return _page(request, site, form)
        messages.success(request, "Saved.")
        return redirect(reverse("schedule", args=[site.pk]) + f"#{part}")


@login_required
@require_POST
def schedule_remove(request: HttpRequest, site_id: int, part: str, row_id: int) -> HttpResponse:
    site = policy.get_site(request.user, site_id, for_edit=True)
    if part == "timetable":
        services.clear_timetable(request, site)
    else:
        services.remove_row(request, site, part, row_id)
    messages.success(request, "Removed.")
    return redirect(reverse("schedule", args=[site.pk]) + f"#{part}")


@login_required
@require_POST
def schedule_preview(request: HttpRequest, site_id: int) -> HttpResponse:
    """The next 14 days as they would be with the form's unsaved values (htmx swaps it in)."""
    site = policy.get_site(request.user, site_id, for_edit=True)
    with _site_time(site):
        part = request.POST.get("part", "")
        if part not in PREVIEWED:
            raise Http404("No preview for that part.")
        schedule = services.schedule_of(site)
        form = _form(part, site, schedule, request.POST)
        preview: dict[str, Any] = _preview(site, None)
        if form.is_valid():
            assert hasattr(form, "save")
            if part == "settings":
                preview = _preview(site, form.save(commit=False))
            else:
                preview = _preview(site, schedule, [form.save(commit=False)])
        context = {"site": site, "unsaved": True, **preview}
        return render(request, "calendars/_preview.html", context)


# --- the borough: week view, heat map, feeds --------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[forms.CalendarFilterForm, list[Site], date]:
    """The user's visible active sites, narrowed by faith and ward, and the first day shown."""
    sites = policy.visible_sites(request.user).filter(status=SiteStatus.ACTIVE)
    wards = sorted({w for w in sites.values_list("ward", flat=True) if w})
    start = timezone.localdate()
    form = forms.CalendarFilterForm(request.GET or None, wards=wards, initial={"start": start})
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        if form.cleaned_data["faith"]:
            sites = sites.filter(faith=form.cleaned_data["faith"])
        if form.cleaned_data["ward"]:
            sites = sites.filter(ward=form.cleaned_data["ward"])
    elif form.is_bound:
        sites = sites.none()
    return form, services.with_schedules(sites.order_by("name")), start


def _navigation(request: HttpRequest, start: date) -> dict[str, str]:
    links = {}
    for name, day in (("previous", start - timedelta(days=7)), ("next", start + timedelta(days=7))):
        query = request.GET.copy()
        query["start"] = day.isoformat()
        links[name] = query.urlencode()
    return links


@login_required
@require_GET
def week_view(request: HttpRequest) -> HttpResponse:
    form, sites, start = _filtered(request)
    context: dict[str, Any] = {"form": form, "start": start, "nav": _navigation(request, start)}
    try:
        context["days"], context["rows"] = borough.week(sites, start)
    except services.CalendarUnavailable as error:
        context["calendar_error"] = str(error)
    return render(request, "calendars/week.html", context)


@login_required
@require_GET
def heat_map_view(request: HttpRequest) -> HttpResponse:
    form, sites, start = _filtered(request)
    context: dict[str, Any] = {
        "form": form,
        "start": start,
        "nav": _navigation(request, start),
        "site_count": len(sites),
        "zone": settings.TIME_ZONE,
    }
    try:
        context["heat"] = borough.heat_map(sites, start, settings.TIME_ZONE)
    except services.CalendarUnavailable as error:
        context["calendar_error"] = str(error)
    return render(request, "calendars/heatmap.html", context)


def _feed_form(request: HttpRequest, data: Any = None) -> forms.FeedForm:
    sites = policy.visible_sites(request.user).filter(status=SiteStatus.ACTIVE).order_by("name")
    wards = sorted({w for w in sites.values_list("ward", flat=True) if w})
    return forms.FeedForm(data, sites=list(sites.values_list("pk", "name")), wards=wards)


def _feeds_page(request: HttpRequest, form: forms.FeedForm, status: int = 200) -> HttpResponse:
    feeds = Feed.objects.filter(user_id=request.user.pk or 0, revoked_at__isnull=True).select_related(
        "site"
    )
    return render(
        request,
        "calendars/feeds.html",
        {"form": form, "feeds": feeds, "base_url": request.build_absolute_uri("/")[:-1]},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def feeds_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _feeds_page(request, _feed_form(request))
    form = _feed_form(request, request.POST)
    if not form.is_valid():
        return _feeds_page(request, form)
    site = None
    if form.cleaned_data["scope"] == FeedScope.SITE:
        site = policy.get_site(request.user, form.cleaned_data["site"])
    services.create_feed(request, form.cleaned_data["scope"], site, form.cleaned_data["ward"])
    messages.success(request, "Feed created: copy its link into your calendar app.")
    return redirect("feeds")


@login_required
@require_POST
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    services.revoke_feed(request, feed_id)
    messages.success(request, "Feed revoked: its link no longer works.")
    return redirect("feeds")


@require_GET
def feed_ics(request: HttpRequest, key: str) -> HttpResponse:
    """A calendar app fetches this without logging in: the key is the credential."""
    feed = Feed.objects.filter(key=key).select_related("user", "site").first()
    sites = borough.feed_sites(feed) if feed is not None else None
    if feed is None or sites is None:
        raise Http404("No such feed.")
    try:
        body = borough.ical(feed, services.with_schedules(sites), timezone.localdate())
    except services.CalendarUnavailable:
        raise Http404("No such feed.") from None
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="sanctuary.ics"'
    return response
