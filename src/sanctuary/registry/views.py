"""Registry pages: map, list, site page and forms, organisations, import and export.

Every object comes through registry.policy; every change through registry.services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from sanctuary.access.actor import Actor
from sanctuary.registry import policy, services, transfer
from sanctuary.registry.filters import ward_names
from sanctuary.registry.forms import (
    ContactFormSet,
    OrganisationForm,
    SiteFilterForm,
    SiteForm,
    SiteImportForm,
)
from sanctuary.registry.models import Organisation, Site, SiteStatus

SORTABLE = {
    "name": "name",
    "faith": "faith",
    "ward": "ward",
    "operator": "operator__name",
    "capacity": "capacity",
    "peak": "typical_peak_attendance",
}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


def filtered_sites(request: HttpRequest, actor: Actor) -> tuple[SiteFilterForm, QuerySet[Site]]:
    """The actor's visible sites, narrowed by the filter form in the query string."""
    sites = policy.visible_sites(actor).select_related("operator")
    form = SiteFilterForm(request.GET or None, wards=ward_names(sites))
    return form, form.site_filter().apply(sites)


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    form, sites = filtered_sites(request, actor)
    sort = request.GET.get("sort", "name")
    field = SORTABLE.get(sort.lstrip("-"), "name")
    sites = sites.order_by(f"-{field}" if sort.startswith("-") else field, "name")
    page = Paginator(sites, 100).get_page(request.GET.get("page"))
    policy.sites_shown(actor, page.object_list, "the site list")
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    return render(
        request,
        "registry/site_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "can_add": policy.operators_for_new_sites(actor).exists(),
        },
    )


@login_required
def site_map(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    form, sites = filtered_sites(request, actor)
    markers = [
        {
            "id": s.pk,
            "name": s.name,
            "faith": s.faith,
            "faith_label": s.get_faith_display(),
            "lat": s.latitude,
            "lon": s.longitude,
            "ward": s.ward,
            "capacity": s.capacity,
            "url": s.get_absolute_url(),
        }
        for s in policy.sites_shown(actor, sites, "the map")
    ]
    return render(
        request,
        "registry/site_map.html",
        {
            "form": form,
            "markers": markers,
            "tile_url": settings.SANCTUARY_TILE_URL,
            "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
        },
    )


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    site = policy.get_site(actor, site_id)
    return render(
        request,
        "registry/site_detail.html",
        {
            "site": site,
            "contacts": site.contacts.all(),
            "can_edit": policy.can_edit_site(actor, site),
        },
    )


def _site_form_page(request: HttpRequest, actor: Actor, site: Site | None) -> HttpResponse:
    operators = policy.operators_for_site_form(actor, site)
    form = SiteForm(request.POST or None, instance=site, operators=operators)
    contacts = ContactFormSet(request.POST or None, instance=site, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            saved = services.save_site(actor, form, contacts)
        except services.MovedOutOfReach as error:
            form.add_error("operator", str(error))
        else:
            messages.success(request, f"Saved {saved.name}.")
            return redirect(saved)
    return render(
        request, "registry/site_form.html", {"form": form, "contacts": contacts, "site": site}
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    actor = Actor.of(request)
    return _site_form_page(request, actor, policy.get_site(actor, site_id, for_edit=True))


@login_required
@require_http_methods(["GET", "POST"])
def site_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.operators_for_new_sites(actor).exists():
        raise PermissionDenied
    return _site_form_page(request, actor, None)


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.may_import_sites(actor):
        raise PermissionDenied
    form = SiteImportForm(
        request.POST or None,
        request.FILES or None,
        operators=policy.operators_for_new_sites(actor),
    )
    report, refused = None, None
    if request.method == "POST" and form.is_valid():
        upload, operator = form.cleaned_data["file"], form.cleaned_data["operator"]
        # Anything but the Import button is a check: a stray submit never writes.
        dry_run = request.POST.get("action") != "import"
        try:
            report = transfer.import_sites(
                actor,
                upload.read(),
                filename=upload.name,
                fmt=None,
                default_operator_name=operator.name if operator else None,
                dry_run=dry_run,
            )
        except transfer.ImportRefused as error:
            refused = error
        else:
            if not dry_run:
                messages.success(request, report.summary())
                return redirect("site_list")
    return render(
        request,
        "registry/site_import.html",
        {"form": form, "report": report, "refused": refused, "columns": transfer.COLUMNS},
    )


@login_required
@require_GET
def site_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in transfer.FORMATS:
        raise Http404("No such format.")
    actor = Actor.of(request)
    _, sites = filtered_sites(request, actor)
    text = transfer.export_sites(actor, sites, fmt, filters=request.GET.dict())
    # The byte-order mark lets Excel see UTF-8; the import reads it either way.
    body = text.encode("utf-8-sig" if fmt == "csv" else "utf-8")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"sanctuary-sites-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    visible = policy.visible_organisations(actor)
    organisations = visible.prefetch_related(
        Prefetch("umbrellas", queryset=visible, to_attr="visible_umbrellas")
    )
    return render(
        request,
        "registry/organisation_list.html",
        {"organisations": organisations, "can_manage": policy.manages_organisations(actor)},
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = Actor.of(request)
    organisation = policy.get_organisation(actor, organisation_id)
    sites = policy.visible_sites(actor).filter(operator=organisation, status=SiteStatus.ACTIVE)
    visible = policy.visible_organisations(actor)
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "umbrellas": visible.filter(members=organisation),
            "sites": policy.sites_shown(actor, sites, f"the page of {organisation.name}"),
            "members": visible.filter(umbrellas=organisation),
            "can_manage": policy.manages_organisations(actor),
        },
    )


def _organisation_form_page(
    request: HttpRequest, actor: Actor, organisation: Organisation | None
) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = services.save_organisation(actor, form)
        messages.success(request, f"Saved {saved.name}.")
        return redirect("organisation_detail", organisation_id=saved.pk)
    return render(
        request,
        "registry/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    actor = Actor.of(request)
    organisation = policy.get_organisation(actor, organisation_id, for_edit=True)
    return _organisation_form_page(request, actor, organisation)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    if not policy.manages_organisations(actor):
        raise PermissionDenied
    return _organisation_form_page(request, actor, None)
