"""Partnership pages: meetings (record, minutes, PDF), their community-safe summaries, actions
and their updates, the overdue list and the personal meetings feed. Thin: actor, door, form, one
service call."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor
from sanctuary.fund import policy as fund_policy
from sanctuary.incidents import policy as incidents_policy
from sanctuary.partnership import documents, forms, policy, services
from sanctuary.partnership.models import CLOSED_STATUSES, Meeting
from sanctuary.registry import policy as registry_policy
from sanctuary.surveys import policy as surveys_policy


def _errors_to(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


def _meeting_form(actor: Actor, data: Any = None, instance: Meeting | None = None) -> forms.MeetingForm:
    return forms.MeetingForm(
        data, instance=instance, areas=policy.areas_to_convene(actor),
        organisations=policy.organisations_to_invite(actor), people=policy.people_to_invite(actor),
    )


def _action_form(actor: Actor, meeting: Meeting, data: Any = None) -> forms.ActionForm:
    return forms.ActionForm(
        data,
        owners=policy.owners_for(meeting),
        sites=registry_policy.visible_sites(actor).order_by("name"),
        incidents=incidents_policy.visible_incidents(actor).order_by("-pk"),
        surveys=surveys_policy.visible_surveys(actor).order_by("-pk"),
        rounds=fund_policy.visible_rounds(actor).order_by("-opens_on", "name"),
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    today = timezone.localdate()
    meetings = policy.visible_meetings(actor).prefetch_related("areas")
    user_actions = policy.visible_actions(actor).filter(owner=actor.user).exclude(status__in=CLOSED_STATUSES)
    return render(request, "partnership/home.html", {
        "upcoming": meetings.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:20],
        "past": meetings.filter(starts_at__lt=timezone.now())[:50],
        "summaries": policy.visible_summaries(actor).exclude(
            pk__in=meetings.values("pk")
        ).prefetch_related("areas")[:50],
        "my_actions": user_actions,
        "overdue": policy.overdue(policy.visible_actions(actor), today).count(),
        "may_convene": policy.may_convene(actor),
        "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.may_convene(actor):
        raise PermissionDenied("Only an administrator of the area records meetings.")
    form = _meeting_form(actor, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.save_meeting(actor, form)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Meeting recorded.")
            return redirect("partnership_meeting", meeting_id=meeting.pk)
    return render(request, "partnership/meeting_form.html", {"form": form, "meeting": None},
                  status=422 if form.errors else 200)


def _meeting_context(actor: Actor, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    editable = policy.may_edit_meeting(actor, meeting)
    context = documents.minutes_context(actor, meeting, today)
    context.update({
        "editable": editable,
        "decision_form": forms.DecisionForm() if editable else None,
        "action_form": _action_form(actor, meeting) if editable else None,
    })
    context.update(extra)
    return context


@login_required
@require_GET
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = Actor.of(request)
    meeting = policy.get_meeting(actor, meeting_id)
    return render(request, "partnership/meeting.html", _meeting_context(actor, meeting))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = Actor.of(request)
    meeting = policy.get_meeting(actor, meeting_id, for_edit=True)
    form = _meeting_form(actor, request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_meeting(actor, form)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Meeting saved.")
            return redirect("partnership_meeting", meeting_id=meeting.pk)
    return render(request, "partnership/meeting_form.html", {"form": form, "meeting": meeting},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def decision_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = Actor.of(request)
    meeting = policy.get_meeting(actor, meeting_id, for_edit=True)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.add_decision(actor, meeting, form.cleaned_data["text"], form.cleaned_data["confidential"])
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("partnership_meeting", meeting_id=meeting.pk)
    return render(request, "partnership/meeting.html",
                  _meeting_context(actor, meeting, decision_form=form), status=422)


@login_required
@require_POST
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = Actor.of(request)
    meeting = policy.get_meeting(actor, meeting_id, for_edit=True)
    form = _action_form(actor, meeting, request.POST)
    if form.is_valid():
        try:
            services.add_action(actor, meeting, form.cleaned_data)
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Action recorded.")
            return redirect("partnership_meeting", meeting_id=meeting.pk)
    return render(request, "partnership/meeting.html",
                  _meeting_context(actor, meeting, action_form=form), status=422)


def _pdf_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = Actor.of(request)
    meeting = policy.get_meeting(actor, meeting_id)
    return _pdf_response(documents.minutes_pdf(actor, meeting, timezone.localdate()), f"minutes-{meeting.pk}.pdf")


@login_required
@require_GET
def summary_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = policy.get_summary(Actor.of(request), meeting_id)
    return render(request, "partnership/summary.html", documents.summary_context(meeting, timezone.localdate()))


@login_required
@require_GET
def summary_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = policy.get_summary(Actor.of(request), meeting_id)
    return _pdf_response(documents.summary_pdf(meeting, timezone.localdate()), f"summary-{meeting.pk}.pdf")


@login_required
@require_GET
def action_page(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = Actor.of(request)
    action = policy.get_action(actor, action_id)
    may_update = policy.may_update_action(actor, action)
    return render(request, "partnership/action.html", {
        "action": action,
        "concerns": policy.concerns(actor, action, "a partnership action"),
        "updates": policy.updates_of(action),
        "form": forms.ActionUpdateForm(initial={"status": action.status}) if may_update else None,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def action_update(request: HttpRequest, action_id: int) -> HttpResponse:
    actor = Actor.of(request)
    action = policy.get_action(actor, action_id, for_edit=True)
    form = forms.ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.update_action(actor, action, form.cleaned_data["status"], form.cleaned_data["note"])
        except ValidationError as error:
            _errors_to(form, error)
        else:
            messages.success(request, "Action updated.")
            return redirect("partnership_action", action_id=action.pk)
    return render(request, "partnership/action.html", {
        "action": action, "concerns": policy.concerns(actor, action, "a partnership action"),
        "updates": policy.updates_of(action), "form": form, "today": timezone.localdate(),
    }, status=422)


@login_required
@require_GET
def overdue_page(request: HttpRequest) -> HttpResponse:
    """The overdue actions the reader may see, by the owner's organisation."""
    actor = Actor.of(request)
    today = timezone.localdate()
    by_organisation: dict[str, list[Any]] = defaultdict(list)
    for action in policy.overdue(policy.visible_actions(actor), today).order_by("due_on"):
        by_organisation[action.owner_organisation.name].append(action)
    return render(request, "partnership/overdue.html", {
        "by_organisation": sorted(by_organisation.items()), "today": today,
    })


@login_required
@require_http_methods(["GET", "POST"])
def feeds_page(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if request.method == "POST":
        services.create_feed(actor)
        messages.success(request, "Meetings feed made: copy its link into your calendar app.")
        return redirect("partnership_feeds")
    return render(request, "partnership/feeds.html", {
        "feeds": policy.visible_feeds(actor),
        "base_url": request.build_absolute_uri("/")[:-1],
    })


@login_required
@require_POST
def feed_revoke(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = Actor.of(request)
    services.revoke_feed(actor, policy.get_feed(actor, feed_id))
    messages.success(request, "Meetings feed revoked: its link no longer works.")
    return redirect("partnership_feeds")


@require_GET
def feed_ics(request: HttpRequest, key: str) -> HttpResponse:
    """The meetings the feed's owner may see now: the key is the credential."""
    feed = policy.feed_by_key(key)
    response = HttpResponse(services.meetings_ical(services.feed_meetings(feed)),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response


