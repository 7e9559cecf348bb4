from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sanctuary.access import policy
from sanctuary.audit.models import Action, AuditEvent


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Who", required=False)
    action = forms.ChoiceField(choices=[("", "Any action"), *Action.choices], required=False)
    object_type = forms.CharField(label="Record type", required=False)
    object_id = forms.CharField(label="Record id", required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators browse the record; nothing here can change it."""
    if not policy.manages_people(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_name__icontains=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type__icontains=data["object_type"])
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
        request, "audit/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
