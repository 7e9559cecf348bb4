"""Registry pages: map, list, site page and forms, organisations, import and export.

Every object comes through registry.policy; every change through registry.services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Min, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanctuary.access.actor import Actor
from sanctuary.access.models import User
from sanctuary.registry import maps, policy, services, transfer
from sanctuary.registry.forms import (
    ContactFormSet,
    MembershipForm,
    NewPersonForm,
    OrganisationForm,
    PersonForm,
    SiteFilterForm,
    SiteForm,
    SiteImportForm,
)
from sanctuary.registry.models import Area, Organisation, Site, SiteStatus

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
    sites = policy.visible_sites(actor).select_related("operator", "area")
    areas = list(policy.visible_areas(actor).values_list("code", "name"))
    wards = policy.wards_to_offer(actor, request.GET.get("area", ""))
    form = SiteFilterForm(request.GET or None, wards=wards, areas=areas)
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


# The map page lists this many sites beside the map before the map takes over the list.
MAP_LIST_LENGTH = 100


def _marker(site: Site) -> dict[str, object]:
    return {
        "id": site.pk,
        "name": site.name,
        "faith": site.faith,
        "faith_label": site.get_faith_display(),
        "lat": site.latitude,
        "lon": site.longitude,
        "ward": site.ward,
        "url": site.get_absolute_url(),
    }


@login_required
def site_map(request: HttpRequest) -> HttpResponse:
    """The map's page: the filters, the first sites by name, and where the sites are; the map
    itself asks site_map_markers for what is in its view as it moves."""
    actor = Actor.of(request)
    form, sites = filtered_sites(request, actor)
    first = policy.sites_shown(actor, sites.order_by("name", "pk")[:MAP_LIST_LENGTH], "the map")
    query = request.GET.urlencode()
    return render(
        request,
        "registry/site_map.html",
        {
            "form": form,
            "first": first,
            "total": sites.count(),
            "extent": maps.extent(sites),
            "markers_url": reverse("site_map_markers") + (f"?{query}" if query else ""),
            "tile_url": settings.SANCTUARY_TILE_URL,
            "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
        },
    )


@login_required
@require_GET
def site_map_markers(request: HttpRequest) -> HttpResponse:
    """What the map shows in its view (`bbox`, `zoom`), with the page's filters: the sites, or
    clusters when there are more than maps.MOST_MARKERS."""
    actor = Actor.of(request)
    _, sites = filtered_sites(request, actor)
    try:
        view = maps.View.parse(request.GET.get("bbox"), request.GET.get("zoom"))
    except maps.BadView as error:
        return JsonResponse({"detail": str(error)}, status=400)
    found = maps.content(sites, view)
    shown = policy.sites_shown(actor, found.sites, "the map")
    return JsonResponse(
        {
            "total": found.total,
            "sites": [_marker(site) for site in shown],
            "clusters": [
                {"lat": c.latitude, "lon": c.longitude, "count": c.count} for c in found.clusters
            ],
        }
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


def _pin_map_view(site: Site | None, areas: QuerySet[Area]) -> dict[str, str]:
    """Where the site form's map opens: at the site's pin, or over the areas it may be in."""
    if site is not None and site.latitude is not None and site.longitude is not None:
        return {"centre": f"{site.latitude},{site.longitude}"}
    box = areas.aggregate(west=Min("west"), south=Min("south"), east=Max("east"), north=Max("north"))
    if None in box.values():
        return {"centre": "51.5074,-0.1278"}  # an area without a boundary: London
    return {"extent": f"{box['west']},{box['south']},{box['east']},{box['north']}"}


def _site_form_page(request: HttpRequest, actor: Actor, site: Site | None) -> HttpResponse:
    areas = policy.areas_for_site_form(actor, site)
    form = SiteForm(
        request.POST or None,
        instance=site,
        operators=policy.operators_for_site_form(actor, site),
        areas=areas,
    )
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
        request,
        "registry/site_form.html",
        {
            "form": form,
            "contacts": contacts,
            "site": site,
            "pin_map": _pin_map_view(site, areas),
            "tile_url": settings.SANCTUARY_TILE_URL,
            "tile_attribution": settings.SANCTUARY_TILE_ATTRIBUTION,
        },
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
                create_operators=form.cleaned_data["create_operators"],
                encoding=form.cleaned_data["encoding"] or "utf-8",
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
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        areas=policy.areas_for_organisations(actor),
        national=policy.grants_for(actor).is_national_admin,
    )
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


# --- people and their roles ----------------------------------------------------------------


def _require_manager(actor: Actor) -> None:
    """The people pages are a function, not an object: without it they answer 403."""
    if not policy.manages_people(actor):
        raise PermissionDenied


@login_required
def people(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _require_manager(actor)
    persons = policy.visible_people(actor).prefetch_related("memberships__organisation")
    return render(request, "registry/people.html", {"people": persons})


@login_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.of(request)
    _require_manager(actor)
    form = NewPersonForm(request.POST or None, organisations=policy.editable_organisations(actor))
    if request.method == "POST" and form.is_valid():
        person = services.add_person(actor, form, site_url=request.build_absolute_uri("/"))
        invited = f" and e-mailed them an invitation to {person.email}" if form.invites else ""
        messages.success(request, f"Added {person} with their first role{invited}.")
        return redirect("person_edit", person_id=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "person": None})


def _person_page(
    request: HttpRequest, person: User, form: PersonForm, membership_form: MembershipForm
) -> HttpResponse:
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "membership_form": membership_form,
            "memberships": person.memberships.select_related("organisation"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = Actor.of(request)
    person = policy.get_person(actor, person_id, for_edit=request.method == "POST")
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    if request.method == "POST" and form.is_valid():
        services.save_person(actor, form)
        messages.success(request, f"Saved {person}.")
        return redirect("people")
    roles = MembershipForm(prefix="role", organisations=policy.editable_organisations(actor))
    return _person_page(request, person, form, roles)


@login_required
@require_POST
def membership_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """The role form posts here, apart from the person form: a refused role leaves the person's
    details on the page as they are saved."""
    actor = Actor.of(request)
    person = policy.get_person(actor, person_id)
    membership_form = MembershipForm(
        request.POST, prefix="role", organisations=policy.editable_organisations(actor)
    )
    membership_form.instance.user = person
    if membership_form.is_valid():
        services.add_membership(actor, membership_form, person)
        messages.success(request, "Role added.")
        return redirect("person_edit", person_id=person.pk)
    form = PersonForm(instance=person, prefix="person")
    return _person_page(request, person, form, membership_form)


@login_required
@require_POST
def person_invite(request: HttpRequest, person_id: int) -> HttpResponse:
    """Send (again) the e-mail with a one-time link to choose a password."""
    actor = Actor.of(request)
    person = policy.get_person(actor, person_id, for_edit=True)
    try:
        services.invite(actor, person, site_url=request.build_absolute_uri("/"))
    except services.NoAddress as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sent {person} an invitation to {person.email}.")
    return redirect("person_edit", person_id=person.pk)


@login_required
@require_POST
def membership_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = Actor.of(request)
    membership = policy.get_membership(actor, membership_id)
    services.remove_membership(actor, membership)
    messages.success(request, "Role removed.")
    return redirect("person_edit", person_id=membership.user_id)
