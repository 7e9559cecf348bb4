"""Registry pages: map, list, site page and forms. Every lookup goes through sanctuary.access.policy."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sanctuary.access import policy
from sanctuary.registry import services
from sanctuary.registry.forms import ContactFormSet, OrganisationForm, SiteFilterForm, SiteForm
from sanctuary.registry.models import Organisation, Site, SiteStatus

SORTABLE = {
    "name": "name",
    "faith": "faith",
    "ward": "ward",
    "operator": "operator__name",
    "capacity": "capacity",
    "peak": "typical_peak_attendance",
}


def filtered_sites(request: HttpRequest) -> tuple[SiteFilterForm, QuerySet[Site]]:
    """The user's visible sites, narrowed by the filter form in the query string."""
    sites = policy.visible_sites(request.user).select_related("operator")
    wards = sorted({w for w in sites.values_list("ward", flat=True) if w})
    form = SiteFilterForm(request.GET or None, wards=wards)
    status = "active"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"]
            sites = sites.filter(
                Q(name__icontains=q)
                | Q(address__icontains=q)
                | Q(postcode__icontains=q)
                | Q(denomination__icontains=q)
                | Q(operator__name__icontains=q)
            )
        if data["faith"]:
            sites = sites.filter(faith=data["faith"])
        if data["ward"]:
            sites = sites.filter(ward=data["ward"])
        status = data["status"] or "active"
    if status != "all":
        sites = sites.filter(status=status)
    return form, sites


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    form, sites = filtered_sites(request)
    sort = request.GET.get("sort", "name")
    field = SORTABLE.get(sort.lstrip("-"), "name")
    sites = sites.order_by(f"-{field}" if sort.startswith("-") else field, "name")
    page = Paginator(sites, 100).get_page(request.GET.get("page"))
    services.record_sensitive_views(request, page.object_list, "the site list")
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
            "can_add": policy.operators_for_new_sites(request.user).exists(),
        },
    )


@login_required
def site_map(request: HttpRequest) -> HttpResponse:
    form, sites = filtered_sites(request)
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
        for s in sites
    ]
    services.record_sensitive_views(request, sites, "the map")
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
    site = policy.get_site(request.user, site_id)
    services.record_sensitive_view(request, site)
    return render(
        request,
        "registry/site_detail.html",
        {
            "site": site,
            "contacts": site.contacts.all(),
            "can_edit": policy.can_edit_site(request.user, site),
        },
    )


def _site_form_page(request: HttpRequest, site: Site | None) -> HttpResponse:
    operators = policy.operators_for_new_sites(request.user)
    if site is not None and not operators.filter(pk=site.operator_id).exists():
        operators = Organisation.objects.filter(pk=site.operator_id) | operators
    form = SiteForm(request.POST or None, instance=site, operators=operators)
    contacts = ContactFormSet(request.POST or None, instance=site, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            saved = services.save_site(request, form, contacts)
        except PermissionError as error:
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
    site = policy.get_site(request.user, site_id, for_edit=True)
    return _site_form_page(request, site)


@login_required
@require_http_methods(["GET", "POST"])
def site_new(request: HttpRequest) -> HttpResponse:
    if not policy.operators_for_new_sites(request.user).exists():
        raise PermissionDenied
    return _site_form_page(request, None)


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = policy.visible_organisations(request.user).prefetch_related(
        Prefetch(
            "umbrellas",
            queryset=policy.visible_organisations(request.user),
            to_attr="visible_umbrellas",
        )
    )
    return render(
        request,
        "registry/organisation_list.html",
        {"organisations": organisations, "can_manage": policy.manages_people(request.user)},
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = policy.get_organisation(request.user, organisation_id)
    sites = list(
        policy.visible_sites(request.user).filter(operator=organisation, status=SiteStatus.ACTIVE)
    )
    services.record_sensitive_views(request, sites, f"the page of {organisation.name}")
    members = policy.visible_organisations(request.user).filter(umbrellas=organisation)
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "umbrellas": policy.visible_organisations(request.user).filter(
                members=organisation
            ),
            "sites": sites,
            "members": members,
            "can_manage": policy.manages_people(request.user),
        },
    )


def _organisation_form_page(
    request: HttpRequest, organisation: Organisation | None
) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = services.save_organisation(request, form)
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
    organisation = policy.get_organisation(request.user, organisation_id, for_edit=True)
    return _organisation_form_page(request, organisation)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    if not policy.manages_people(request.user):
        raise PermissionDenied
    return _organisation_form_page(request, None)
