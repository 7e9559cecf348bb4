"""The incidents pages: the public report and its tracking link, and the handlers' queue.

Incidents come through incidents.policy, changes through incidents.services.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import ModelChoiceField
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access import throttle
from sanctuary.access.actor import Actor
from sanctuary.access.policy import NotFound, grants_for
from sanctuary.incidents import crime_context as crime_context_core
from sanctuary.incidents import forms, policy, services, stats
from sanctuary.incidents.models import OPEN_STATUSES, Category, Source
from sanctuary.registry import policy as registry_policy

# --- the public report -------------------------------------------------------------------------

def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.error_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest) -> HttpResponse:
    """Anyone may report, with no account: anonymously or with contact details."""
    actor = Actor.of(request)
    areas = policy.public_areas()
    if request.method == "POST":
        form = forms.ReportForm(request.POST, request.FILES, areas=areas)
        window = timedelta(minutes=settings.SANCTUARY_REPORT_LIMIT_WINDOW_MINUTES)
        if form.is_valid():
            if not throttle.allow(
                "public-report", actor.address or "", settings.SANCTUARY_REPORT_LIMIT_PER_ADDRESS, window
            ):
                form.add_error(None, _("Too many reports have come from your network in the last hour. Please try again later, or call the police on 101 (999 in an emergency)."))
            else:
                try:
                    made = services.report_incident(
                        actor, form.draft(), form.reporter(), source=Source.PUBLIC,
                        photos=form.cleaned_data["photos"], submission_key=form.cleaned_data.get("submission") or None,
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    # The answer to the request that stored it (not a redirect through the
                    # session, which a slow earlier request of the same browser could overwrite):
                    # sent again, the form's one-time key gives back the same reference and link.
                    link = request.build_absolute_uri(reverse("report_track", args=[made.tracking_key]))
                    return render(
                        request, "incidents/thanks.html", {"reference": made.incident.reference, "link": link}
                    )
        return render(request, "incidents/report.html", {"form": form}, status=200)
    form = forms.ReportForm(areas=areas)
    return render(request, "incidents/report.html", {"form": form})


def _track_context(request: HttpRequest, report: Any, form: Any) -> dict[str, Any]:
    incident = report.incident
    shown = incident.merged_into or incident
    return {
        "report": report,
        "incident": shown,
        "own": incident,
        "messages_shown": policy.messages_of_report(report),
        "form": form,
        "may_reopen": services.may_reopen(shown),
        "key": request.resolver_match.kwargs["key"] if request.resolver_match else "",
    }


@require_http_methods(["GET", "POST"])
def report_track(request: HttpRequest, key: str) -> HttpResponse:
    """The reporter's own page: status, messages, and a form to answer or add information."""
    actor = Actor.of(request)
    report = policy.tracked_report(key)
    form = forms.ReplyForm()
    if request.method == "POST":
        if request.POST.get("action") == "reopen":
            try:
                services.reporter_reopens(actor, report)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your case is open again. Tell us what has happened."))
            return redirect("report_track", key=key)
        form = forms.ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.reporter_adds(actor, report, form.cleaned_data["body"], form.cleaned_data["photos"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you: your message has been added."))
                return redirect("report_track", key=key)
    return render(request, "incidents/track.html", _track_context(request, report, form))


# --- the workspace -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    """A report entered by a site contact (for their own sites), by staff (a telephone report)
    or by a reporting organisation (a report it received, with its own reference)."""
    actor = Actor.of(request)
    if not policy.may_report(actor):
        raise PermissionDenied
    sites = registry_policy.visible_sites(actor).order_by("name")
    organisation = policy.reporting_organisation(actor)
    grants = grants_for(actor)
    source = (
        Source.REPORTING_ORGANISATION if organisation is not None
        else Source.STAFF if grants.is_staff_member else Source.SITE_CONTACT
    )
    own_only = not grants.is_staff_member  # a site contact reports at their own sites only
    areas = policy.public_areas()
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, areas=areas, sites=sites,
        organisation_reference=organisation is not None,
    )
    if own_only:
        site_field = form.fields["site"]
        assert isinstance(site_field, ModelChoiceField)
        site_field.required = True
        site_field.empty_label = None
        del form.fields["area"]
    if request.method == "POST" and form.is_valid():
        try:
            made = services.report_incident(
                actor, form.draft(), form.reporter(organisation), source=source,
                photos=form.cleaned_data["photos"], submission_key=form.cleaned_data.get("submission") or None,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            link = request.build_absolute_uri(reverse("report_track", args=[made.tracking_key]))
            messages.success(
                request,
                _("Report %(reference)s recorded. The reporter's private tracking link: %(link)s")
                % {"reference": made.incident.reference, "link": link},
            )
            if policy.visible_incidents(actor).filter(pk=made.incident.pk).exists():
                return redirect("incident_detail", incident_id=made.incident.pk)
            return redirect("incident_new")
    return render(request, "incidents/new.html", {"form": form})


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """The queue: the incidents the person may see, open ones first by due time."""
    actor = Actor.of(request)
    incidents = policy.visible_incidents(actor).select_related("area", "site", "handling_organisation", "assignee")
    view = request.GET.get("view", "open")
    if view == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
    elif view == "overdue":
        incidents = policy.overdue(incidents)
    elif view == "mine":
        incidents = incidents.filter(assignee=actor.user)
    elif view == "closed":
        incidents = incidents.exclude(status__in=OPEN_STATUSES)
    category = request.GET.get("category", "")
    if category in Category.values:
        incidents = incidents.filter(category=category)
    incidents = incidents.order_by("acknowledge_by") if view in {"open", "overdue", "mine"} else incidents.order_by("-created_at")
    page = Paginator(incidents, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "view": view,
            "category": category,
            "categories": Category.choices,
            "now": timezone.now(),
            "may_report": policy.may_report(actor),
            "sees_surges": policy.sees_surge_alerts(actor),
        },
    )


def _detail_context(actor: Actor, incident: Any, **forms_given: Any) -> dict[str, Any]:
    handles = policy.may_handle(actor, incident)
    context: dict[str, Any] = {
        "incident": incident,
        "handles": handles,
        "messages_shown": policy.visible_messages(actor, incident),
        "duplicates": incident.duplicates.all(),
        "photos": incident.photos.all(),
        "now": timezone.now(),
    }
    if handles:
        report_ids = policy.report_ids_of(actor, incident)
        context.update(
            status_form=forms_given.get("status_form") or forms.StatusForm(initial={"status": incident.status}),
            assign_form=forms_given.get("assign_form") or forms.AssignForm(
                organisations=policy.handling_organisations(),
                handlers=policy.case_handlers(),
                initial={"organisation": incident.handling_organisation_id, "assignee": incident.assignee_id},
            ),
            message_form=forms_given.get("message_form") or forms.MessageForm(report_ids=report_ids),
            note_form=forms_given.get("note_form") or forms.NoteForm(),
            merge_form=forms_given.get("merge_form") or forms.MergeForm(),
            candidates=services.duplicate_candidates(policy.handled_incidents(actor), incident)
            if incident.merged_into_id is None else [],
            report_count=len(report_ids),
        )
    return context


@login_required
@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor = Actor.of(request)
    incident = policy.get_incident(actor, incident_id)
    return render(request, "incidents/detail.html", _detail_context(actor, incident))


@login_required
@require_GET
def incident_reporters(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Who reported it: for those who handle it, each view audited by the door."""
    actor = Actor.of(request)
    incident = policy.get_incident(actor, incident_id, for_edit=True)
    reports = policy.reporters_of(actor, incident)
    return render(request, "incidents/reporters.html", {"incident": incident, "reports": reports})


def _handled(request: HttpRequest, incident_id: int) -> tuple[Actor, Any]:
    actor = Actor.of(request)
    return actor, policy.get_incident(actor, incident_id, for_edit=True)


def _back(request: HttpRequest, actor: Actor, incident: Any, form_name: str, form: Any, error: ValidationError | None) -> HttpResponse:
    if error is not None:
        _add_errors(form, error)
    return render(request, "incidents/detail.html", _detail_context(actor, incident, **{form_name: form}), status=200)


@login_required
@require_POST
def incident_status(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, incident = _handled(request, incident_id)
    form = forms.StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                actor, incident, form.cleaned_data["status"], note=form.cleaned_data["note"],
                police_reference=form.cleaned_data["police_reference"],
            )
        except ValidationError as error:
            return _back(request, actor, incident, "status_form", form, error)
        messages.success(request, _("Status saved."))
        return redirect("incident_detail", incident_id=incident.pk)
    return _back(request, actor, incident, "status_form", form, None)


@login_required
@require_POST
def incident_assign(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, incident = _handled(request, incident_id)
    form = forms.AssignForm(request.POST, organisations=policy.handling_organisations(), handlers=policy.case_handlers())
    if form.is_valid():
        try:
            services.assign(actor, incident, form.cleaned_data["organisation"], form.cleaned_data["assignee"])
        except ValidationError as error:
            return _back(request, actor, incident, "assign_form", form, error)
        messages.success(request, _("Assignment saved."))
        if policy.visible_incidents(actor).filter(pk=incident.pk).exists():
            return redirect("incident_detail", incident_id=incident.pk)
        return redirect("incident_list")
    return _back(request, actor, incident, "assign_form", form, None)


@login_required
@require_POST
def incident_message(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, incident = _handled(request, incident_id)
    report_ids = policy.report_ids_of(actor, incident)
    form = forms.MessageForm(request.POST, report_ids=report_ids)
    if form.is_valid():
        to = form.cleaned_data["to"]
        report = None if to == "all" else policy.get_report(actor, incident, to)
        try:
            services.write_to_reporters(actor, incident, form.cleaned_data["body"], report=report)
        except ValidationError as error:
            return _back(request, actor, incident, "message_form", form, error)
        messages.success(request, _("Message sent."))
        return redirect("incident_detail", incident_id=incident.pk)
    return _back(request, actor, incident, "message_form", form, None)


@login_required
@require_POST
def incident_note(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, incident = _handled(request, incident_id)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.add_note(actor, incident, form.cleaned_data["body"])
        return redirect("incident_detail", incident_id=incident.pk)
    return _back(request, actor, incident, "note_form", form, None)


@login_required
@require_POST
def incident_merge(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Merge this incident into another the person also handles (a duplicate)."""
    actor, incident = _handled(request, incident_id)
    form = forms.MergeForm(request.POST)
    if form.is_valid():
        try:
            primary = policy.get_incident(actor, form.cleaned_data["other"], for_edit=True)
        except NotFound:
            form.add_error("other", _("There is no incident with this number among those you handle."))
            return _back(request, actor, incident, "merge_form", form, None)
        try:
            services.merge(actor, primary, incident)
        except ValidationError as error:
            return _back(request, actor, incident, "merge_form", form, error)
        messages.success(request, _("Merged into %(reference)s.") % {"reference": primary.reference})
        return redirect("incident_detail", incident_id=primary.pk)
    return _back(request, actor, incident, "merge_form", form, None)


@login_required
@require_POST
def incident_unmerge(request: HttpRequest, incident_id: int) -> HttpResponse:
    actor, incident = _handled(request, incident_id)
    try:
        services.unmerge(actor, incident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The merge is undone."))
    return redirect("incident_detail", incident_id=incident.pk)


@login_required
@require_GET
def incident_photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    photo = policy.get_photo(Actor.of(request), photo_id)
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg")


@login_required
@require_GET
def surge_alerts(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.sees_surge_alerts(actor):
        raise PermissionDenied
    alerts = Paginator(policy.visible_surge_alerts(actor).select_related("area"), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/surges.html", {"page": alerts})


@login_required
@require_GET
def incident_stats(request: HttpRequest) -> HttpResponse:
    """Incidents per week by category and faith, and the ward table: counts under 5 hidden."""
    actor = Actor.of(request)
    incidents = policy.visible_incidents(actor).filter(merged_into__isnull=True)
    summary = stats.summarise(incidents, timezone.localdate())
    return render(request, "incidents/stats.html", {"summary": summary})


@login_required
@require_GET
def incident_export(request: HttpRequest) -> HttpResponse:
    """The incidents the person may see, as CSV (no reporter's identity; formulas neutralised)."""
    actor = Actor.of(request)
    incidents = policy.visible_incidents(actor).select_related("area", "site", "handling_organisation")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    writer = csv.writer(response)
    writer.writerow(stats.EXPORT_HEADER)
    for incident in incidents.order_by("occurred_on", "pk").iterator():
        writer.writerow(stats.export_row(incident))
    policy.record_export(actor, incidents.count())
    return response


MAP_DAYS = 90
MAP_POINTS = 2000


@login_required
@require_GET
def incident_map(request: HttpRequest) -> HttpResponse:
    """The last 90 days' incidents the person may see, at street level, each event once; a
    list beside the map works without scripts."""
    actor = Actor.of(request)
    since = timezone.localdate() - timedelta(days=MAP_DAYS)
    incidents = (
        policy.visible_incidents(actor)
        .filter(merged_into__isnull=True, occurred_on__gte=since)
        .select_related("site")
        .order_by("-occurred_on", "-pk")[:MAP_POINTS]
    )
    points = []
    for incident in incidents:
        point = incident.point
        if point is not None:
            points.append({
                "lat": round(point[0], 5), "lon": round(point[1], 5), "reference": incident.reference,
                "category": incident.get_category_display(), "on": incident.occurred_on.isoformat(),
                "url": reverse("incident_detail", args=[incident.pk]),
            })
    return render(request, "incidents/map.html", {
        "points": points, "days": MAP_DAYS,
        "tile_url": settings.SANCTUARY_TILE_URL, "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
    })


@login_required
@require_GET
def crime_context(request: HttpRequest) -> HttpResponse:
    """Recorded crime (the police's public files) within 500 m of each site the person may see,
    over the latest 12 months of data: context, kept apart from incidents."""
    actor = Actor.of(request)
    sites = registry_policy.sites_shown(
        actor, list(registry_policy.visible_sites(actor).order_by("name")[:200]), "GET /incidents/crime-context/"
    )
    rows, latest = crime_context_core.near_sites(sites)
    return render(request, "incidents/crime_context.html", {
        "rows": rows, "latest": latest, "radius": crime_context_core.RADIUS_METRES,
    })
