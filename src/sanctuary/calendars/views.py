"""A site's schedule page, its forms and the live preview; the borough's week, heat map and feeds.

Sites come through registry.policy, rows and feeds through calendars.policy, changes through
calendars.services.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor, Channel
from sanctuary.calendars import borough, engine, forms, policy, services
from sanctuary.calendars.engine import selection
from sanctuary.calendars.engine.timetable import JAMAAH_WORDS, PRAYER_NAMES, PRAYER_SPELLINGS
from sanctuary.calendars.models import (
    INSPECTOR_PER_DAY,
    FeedOptions,
    FeedScope,
    Schedule,
)
from sanctuary.calendars.parts import PARTS, Part, ShownRow, Wording
from sanctuary.registry import policy as registry_policy
from sanctuary.registry.models import Site, SiteStatus

# --- one site's schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One list on the schedule page: a part, in its faith's words, its rows, and its form for
    those who may edit."""

    part: Part
    words: Wording
    rows: list[ShownRow]
    form: BaseForm | None


def _preview(site: Site, schedule: Schedule | None, extra: list[Any] | None = None) -> dict[str, Any]:
    if schedule is None:
        return {"preview_error": "Correct the form to see its effect."}
    try:
        return {"preview": services.preview(site, schedule, extra or [])}
    except services.CalendarUnavailable as error:
        return {"preview_error": f"The next days cannot be worked out: {error}."}


def _site_time(site: Site) -> timezone.override:
    """Times on the page and in its forms are the site's own (Europe/London unless set)."""
    return timezone.override(services.schedule_of(site).timezone)


def _settings_form(site: Site, schedule: Schedule, data: Any = None) -> forms.ScheduleForm:
    # a copy: a form that fails validation must not leave its values on the page's schedule
    return forms.ScheduleForm(data, instance=copy.copy(schedule), site=site)


def _page(
    request: HttpRequest, actor: Actor, site: Site, bound: BaseForm | None = None, **extra: Any
) -> HttpResponse:
    """The schedule page; `bound` is a form that failed, shown with its errors in its place."""
    schedule = services.schedule_of(site)
    can_edit = registry_policy.can_edit_site(actor, site)

    def form_for(prefix: str, make: Any) -> BaseForm | None:
        if not can_edit:
            return None
        return bound if bound is not None and bound.prefix == prefix else make()

    sections = [
        Section(
            part,
            part.words(site),
            services.shown_rows(part, site, schedule),
            form_for(part.slug, lambda part=part: part.form(site=site)),
        )
        for part in PARTS
        if part.applies(site, schedule)
    ]
    context: dict[str, Any] = {
        "site": site,
        "schedule": schedule,
        "can_edit": can_edit,
        "keeps_daily_prayers": schedule.keeps_daily_prayers,
        "sections": sections,
        "settings_form": form_for("settings", lambda: _settings_form(site, schedule)),
        "timetable_form": form_for("timetable", forms.TimetableForm),
        "timetable_spans": services.timetable_spans(schedule),
        "header_spellings": [
            (PRAYER_NAMES[prayer], spellings) for prayer, spellings in PRAYER_SPELLINGS.items()
        ],
        "jamaah_spellings": JAMAAH_WORDS,
        **_preview(site, schedule),
        **extra,
    }
    if can_edit:  # every form on the page by its prefix, for whoever reads the page's context
        context["forms"] = {
            "settings": context["settings_form"],
            "timetable": context["timetable_form"],
            **{section.part.slug: section.form for section in sections},
        }
    return render(request, "calendars/schedule.html", context)


def _saved(request: HttpRequest, site: Site, anchor: str, said: str = "Saved.") -> HttpResponse:
    messages.success(request, said)
    for warning in services.warnings_after_change(site):
        messages.warning(request, warning)
    return redirect(reverse("schedule", args=[site.pk]) + f"#{anchor}")


@login_required
@require_GET
def schedule_page(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id)  # a sensitive site's view is recorded
    with _site_time(site):
        return _page(request, actor, site)


@login_required
@require_POST
def schedule_settings(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    with _site_time(site):
        form = _settings_form(site, services.schedule_of(site), request.POST)
        if not form.is_valid():
            return _page(request, actor, site, form)
        services.save_settings(actor, site, form)
        return _saved(request, site, "settings")


def _checked(
    request: HttpRequest, actor: Actor, site: Site, form: BaseForm, text: str, name: str, **extra: Any
) -> HttpResponse:
    """The page with what the upload would change, and a form to apply it (nothing saved yet)."""
    try:
        check = services.check_timetable(site, text, name)
    except engine.TimetableRejected as rejected:
        return _page(request, actor, site, form, timetable_rejected=rejected)
    apply_form = forms.TimetableApplyForm(
        initial={"csv": check.text, "name": check.name, "stored": check.stored}
    )
    return _page(request, actor, site, form, timetable_check=check, apply_form=apply_form, **extra)


@login_required
@require_POST
def schedule_timetable(request: HttpRequest, site_id: int) -> HttpResponse:
    """Check an uploaded timetable: how its columns were read, which days it adds or replaces."""
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    with _site_time(site):
        form = forms.TimetableForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, actor, site, form)
        return _checked(request, actor, site, form, form.cleaned_data["csv"], form.cleaned_data["name"])


@login_required
@require_POST
def schedule_timetable_apply(request: HttpRequest, site_id: int) -> HttpResponse:
    """Merge a checked timetable into the stored one, by date."""
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    with _site_time(site):
        form = forms.TimetableApplyForm(request.POST)
        if not form.is_valid():
            said = "The checked timetable did not come back whole: upload it again."
            return _page(request, actor, site, timetable_refused=said)
        text, name = form.cleaned_data["csv"], form.cleaned_data["name"]
        try:
            check = services.import_timetable(
                actor, site, text, name, checked_against=form.cleaned_data["stored"] or None
            )
        except services.TimetableChanged as changed:
            return _checked(
                request, actor, site, forms.TimetableForm(), text, name, timetable_changed=str(changed)
            )
        except engine.TimetableRejected as rejected:
            return _page(request, actor, site, forms.TimetableForm(), timetable_rejected=rejected)
        said = (
            f"Timetable saved: {len(check.merge.added)} days added, {len(check.merge.replaced)} "
            "replaced; the other days are kept."
        )
        return _saved(request, site, "timetable", said)


@login_required
@require_POST
def schedule_timetable_remove(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    services.clear_timetable(actor, site)
    messages.success(request, "Removed.")
    return redirect(reverse("schedule", args=[site.pk]) + "#timetable")


@login_required
@require_POST
def schedule_row_add(request: HttpRequest, site_id: int, part: str) -> HttpResponse:
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    found = policy.get_part(part)
    with _site_time(site):  # event times are typed in the site's own time
        form = found.form(request.POST, site=site)
        if not form.is_valid():
            return _page(request, actor, site, form)
        try:
            services.add_row(actor, site, found, form)
        except ValidationError as error:  # a festival date confirmed already; too many rows
            form.add_error(None, error)
            return _page(request, actor, site, form)
        return _saved(request, site, found.slug)


@login_required
@require_POST
def schedule_row_remove(request: HttpRequest, site_id: int, part: str, row_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    found = policy.get_part(part)
    services.remove_row(actor, site, policy.get_row(site, found, row_id))
    messages.success(request, "Removed.")
    return redirect(reverse("schedule", args=[site.pk]) + f"#{found.slug}")


@login_required
@require_POST
def schedule_preview(request: HttpRequest, site_id: int) -> HttpResponse:
    """The next 14 days as they would be with the form's unsaved values (htmx swaps it in)."""
    actor = Actor.of(request)
    site = registry_policy.get_site(actor, site_id, for_edit=True)
    with _site_time(site):
        slug = request.POST.get("part", "")
        schedule = services.schedule_of(site)
        preview = _preview(site, None)  # until the form is valid
        if slug == "settings":
            settings_form = _settings_form(site, schedule, request.POST)
            if settings_form.is_valid():
                preview = _preview(site, settings_form.save(commit=False))
        else:
            part: Part = policy.get_part(slug)
            if not part.previewed:
                raise policy.NotFound("No preview for that part.")
            form = part.form(request.POST, site=site)
            if form.is_valid():
                preview = _preview(site, schedule, [form.save(commit=False)])
        context = {"site": site, "unsaved": True, **preview}
        return render(request, "calendars/_preview.html", context)


# --- the borough: week view, heat map, feeds --------------------------------------------------------


@dataclass(frozen=True)
class Filtered:
    """What the borough pages show: the filter form, the sites it keeps and the first day."""

    form: forms.CalendarFilterForm
    sites: QuerySet[Site]  # ordered by name, schedules not yet fetched
    start: date


def _filtered(
    request: HttpRequest,
    actor: Actor,
    form_class: type[forms.CalendarFilterForm] = forms.CalendarFilterForm,
    **initial: Any,
) -> Filtered:
    """The actor's visible active sites, narrowed by faith and ward, and the first day shown;
    an invalid filter shows no site, with the errors beside their fields."""
    sites = registry_policy.visible_sites(actor).filter(status=SiteStatus.ACTIVE)
    start = timezone.localdate()
    if issubclass(form_class, forms.GatheringFilterForm):  # pages that choose among gatherings
        if "min_people" not in initial:
            # counted no further than the rule needs: a country's 50,000 took 10 ms a page
            initial["min_people"] = borough.default_min_people(
                sites[: borough.FEW_SITES + 1].count()
            )
        initial.setdefault("daily_prayers", forms.DailyPrayersOption.KEEP)
        initial.setdefault("per_day", INSPECTOR_PER_DAY)
    form = form_class(
        request.GET or None,
        wards=registry_policy.wards_to_offer(actor, request.GET.get("area", "")),
        areas=list(registry_policy.visible_areas(actor).values_list("code", "name")),
        initial={"start": start, **initial},
    )
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        if form.cleaned_data["faith"]:
            sites = sites.filter(faith=form.cleaned_data["faith"])
        if form.cleaned_data.get("area"):
            sites = sites.filter(area__code=form.cleaned_data["area"])
        if form.cleaned_data["ward"]:
            sites = sites.filter(ward=form.cleaned_data["ward"])
    elif form.is_bound:
        sites = sites.none()
    return Filtered(form, sites.order_by("name", "pk"), start)


def _choice(form: forms.GatheringFilterForm) -> selection.Choice:
    leave_out = form.value("daily_prayers") == forms.DailyPrayersOption.LEAVE_OUT
    return selection.Choice(
        min_people=form.value("min_people"),
        leave_out=selection.DAILY_PRAYERS if leave_out else frozenset(),
    )


def _navigation(request: HttpRequest, start: date, step: int = borough.WEEK) -> dict[str, str]:
    """Query strings for the period before and after, every other filter kept."""
    links = {}
    before, after = start - timedelta(days=step), start + timedelta(days=step)
    for name, day in (("previous", before), ("next", after)):
        query = request.GET.copy()
        query["start"] = day.isoformat()
        query.pop("page", None)
        query.pop("sites", None)
        links[name] = query.urlencode()
    return links


def _query_without(request: HttpRequest, name: str) -> str:
    """This page's query string but `name`, for links to its other pages."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def _site_filters(filtered: Filtered) -> str:
    """Faith, area and ward as a query string, for links to a day's or an hour's list."""
    form = filtered.form
    if not form.is_valid():
        return ""
    kept = {
        name: form.cleaned_data[name]
        for name in ("faith", "area", "ward")
        if form.cleaned_data.get(name)
    }
    return urlencode(kept)


@login_required
@require_GET
def week_view(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    filtered = _filtered(request, actor, forms.GatheringFilterForm)
    form = filtered.form
    assert isinstance(form, forms.GatheringFilterForm)
    page = Paginator(filtered.sites, borough.SITES_PER_PAGE).get_page(request.GET.get("sites"))
    choice = _choice(form)
    context: dict[str, Any] = {
        "form": form,
        "start": filtered.start,
        "nav": _navigation(request, filtered.start),
        "choice": choice,
        "per_day": form.value("per_day"),
        "sites_page": page,
        "site_filters": _site_filters(filtered),
        "query_without_sites_page": _query_without(request, "sites"),
    }
    try:
        found = borough.week(
            services.with_schedules(filtered.sites, most=settings.CALENDAR_MAX_SITES),
            filtered.start,
            choice,
            context["per_day"],
            list(page.object_list),
        )
    except services.CalendarUnavailable as error:
        context["calendar_error"] = str(error)
    else:
        registry_policy.sites_shown(actor, found.sites_shown(), "the week view")
        context.update(
            days=found.days, leading=found.leading, rows=found.rows, skipped=found.skipped
        )
    return render(request, "calendars/week.html", context)


@login_required
@require_GET
def day_view(request: HttpRequest) -> HttpResponse:
    """Every gathering of one day, or of one hour of the heat map, largest first, by pages."""
    actor = Actor.of(request)
    filtered = _filtered(request, actor, forms.DayFilterForm, min_people=0)
    form = filtered.form
    assert isinstance(form, forms.DayFilterForm)
    hour = form.cleaned_data.get("hour") if form.is_valid() else None
    context: dict[str, Any] = {
        "form": form,
        "day": filtered.start,
        "hour_label": None if hour is None else f"{hour:02d}:00–{(hour + 1) % 24:02d}:00",
        "nav": _navigation(request, filtered.start, step=1),
        "site_filters": _site_filters(filtered),
        "choice": _choice(form),
        "zone": settings.TIME_ZONE,
        "query_without_page": _query_without(request, "page"),
    }
    try:
        chosen = borough.day_list(
            services.with_schedules(filtered.sites, most=settings.CALENDAR_MAX_SITES),
            filtered.start,
            hour,
            settings.TIME_ZONE,
            context["choice"],
        )
    except services.CalendarUnavailable as error:
        context["calendar_error"] = str(error)
    else:
        page: Page[borough.Line] = Paginator(chosen, borough.LINES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        lines = list(page.object_list)
        shown = {line.site.pk: line.site for line in lines}
        registry_policy.sites_shown(actor, shown.values(), "a day's gatherings")
        context.update(page=page, lines=lines, total=chosen.total, skipped=chosen.skipped)
    return render(request, "calendars/day.html", context)


@login_required
@require_GET
def heat_map_view(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    filtered = _filtered(request, actor)
    context: dict[str, Any] = {
        "form": filtered.form,
        "start": filtered.start,
        "nav": _navigation(request, filtered.start),
        "site_count": 0,
        "zone": settings.TIME_ZONE,
        "site_filters": _site_filters(filtered),
    }
    try:
        sites = services.with_schedules(filtered.sites, most=settings.CALENDAR_MAX_SITES)
        context["site_count"] = len(sites)
        heat = borough.heat_map(sites, filtered.start, settings.TIME_ZONE)
        context.update(heat=heat, skipped=heat.skipped, heat_rows=_heat_rows(heat, filtered))
    except services.CalendarUnavailable as error:
        context["calendar_error"] = str(error)
    return render(request, "calendars/heatmap.html", context)


@dataclass(frozen=True)
class ShownHeatCell:
    bucket: int
    people: int  # rounded half up, as the legend's bounds read
    shown: str  # in the cell: "1234", or "<1" for a part of a person on average
    title: str  # "Tue 1 Dec 05:00: 1,234 people"
    label: str  # the same, read aloud: "Tue 1 Dec, 05:00: 1,234 people"
    href: str  # the gatherings behind it; "" when no one is there


def _heat_rows(
    heat: borough.HeatMap, filtered: Filtered
) -> list[tuple[str, list[ShownHeatCell | None]]]:
    """The heat map's cells with their words and links written here, once each: written by
    template filters they made the page's drawing most of its cost at national scale
    (docs/benchmarks.md, "Load")."""
    day_url, filters = reverse("calendar_day"), _site_filters(filtered)
    rows = []
    for day, cells in heat.days:
        day_label = f"{day:%a} {day.day} {day:%b}"
        shown: list[ShownHeatCell | None] = []
        for cell in cells:
            if cell is None:
                shown.append(None)
                continue
            people = int(cell.people + 0.5)
            href = ""
            if cell.people > 0:
                query = urlencode({"start": day.isoformat(), "hour": cell.hour})
                href = f"{day_url}?{query}" + (f"&{filters}" if filters else "")
            title = f"{day_label} {cell.hour:02d}:00: {people:,} people"
            label = f"{day_label}, {cell.hour:02d}:00: {people:,} people"
            text = str(people) if cell.people >= 1 else "<1"
            shown.append(ShownHeatCell(cell.bucket, people, text, title, label, href))
        rows.append((day_label, shown))
    return rows


def _feed_form(actor: Actor, data: Any = None) -> forms.FeedForm:
    sites = registry_policy.visible_sites(actor).filter(status=SiteStatus.ACTIVE).order_by("name")
    wards = registry_policy.wards_to_offer(actor)
    areas = list(registry_policy.visible_areas(actor).values_list("code", "name"))
    return forms.FeedForm(
        data, sites=list(sites.values_list("pk", "name")), wards=wards, areas=areas
    )


def _feeds_page(request: HttpRequest, actor: Actor, form: forms.FeedForm) -> HttpResponse:
    return render(
        request,
        "calendars/feeds.html",
        {
            "form": form,
            "feeds": policy.visible_feeds(actor),
            "base_url": request.build_absolute_uri("/")[:-1],
            "inspector": FeedOptions.usual(FeedScope.BOROUGH),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def feeds_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if request.method != "POST":
        return _feeds_page(request, actor, _feed_form(actor))
    form = _feed_form(actor, request.POST)
    if not form.is_valid():
        return _feeds_page(request, actor, form)
    site = area = None
    if form.cleaned_data["scope"] == FeedScope.SITE:
        site = registry_policy.get_site(actor, form.cleaned_data["site"])
    if form.cleaned_data["scope"] == FeedScope.AREA:
        area = registry_policy.get_area(actor, form.cleaned_data["area"])
    try:
        services.create_feed(
            actor,
            form.cleaned_data["scope"],
            site,
            form.cleaned_data["ward"],
            form.cleaned_data["options"],
            area=area,
        )
    except services.TooManyFeeds as error:
        form.add_error(None, str(error))
        return _feeds_page(request, actor, form)
    messages.success(request, "Feed created: copy its link into your calendar app.")
    return redirect("feeds")


@login_required
@require_POST
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = Actor.of(request)
    services.revoke_feed(actor, policy.get_feed(actor, feed_id))
    messages.success(request, "Feed revoked: its link no longer works.")
    return redirect("feeds")


@require_GET
def feed_ics(request: HttpRequest, key: str) -> HttpResponse:
    """A calendar app fetches this without logging in: the key is the credential."""
    feed = policy.feed_by_key(key)
    owner = Actor.person(feed.user, Channel.FEED, request.META.get("REMOTE_ADDR"))
    sites = policy.feed_sites(feed)
    if feed.faiths:
        sites = sites.filter(faith__in=feed.faiths)
    try:
        body = borough.ical(
            feed, services.with_schedules(sites, most=settings.CALENDAR_MAX_SITES),
            timezone.localdate(),
        )
    except services.CalendarUnavailable:
        raise policy.NotFound("No such feed.") from None
    registry_policy.sites_shown(owner, body.sites, str(feed))
    response = HttpResponse(body.ical, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="sanctuary.ics"'
    return response
