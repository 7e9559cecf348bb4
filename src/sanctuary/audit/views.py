from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sanctuary.access.actor import Actor
from sanctuary.audit import policy, reading
from sanctuary.audit.forms import AuditFilterForm


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators browse the record; nothing here can change it."""
    actor = Actor.of(request)
    if not policy.reads_audit_log(actor):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = policy.visible_events(actor)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "entries": reading.entries(page),
            "query": query.urlencode(),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )
