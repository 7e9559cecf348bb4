"""Registry endpoints: sites and organisations, through the access policy like the pages."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, TextField
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access import policy
from sanctuary.registry import services
from sanctuary.registry.models import Faith, Organisation, OrganisationKind, Site, SiteStatus

router = Router(tags=["registry"])


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationFailure(Schema):
    detail: str
    errors: list[FieldError]


class SiteOut(Schema):
    id: int
    name: str
    faith: Faith
    denomination: str
    address: str
    postcode: str
    ward: str
    latitude: float
    longitude: float
    capacity: int | None
    typical_peak_attendance: int | None
    operator_id: int
    operator_name: str = Field(..., alias="operator.name")
    status: SiteStatus
    external_id: str | None


class ContactOut(Schema):
    name: str
    role: str
    phone: str
    email: str


class SiteDetailOut(SiteOut):
    notes: str
    is_sensitive: bool
    contacts: list[ContactOut]

    @staticmethod
    def resolve_contacts(site: Site) -> list[ContactOut]:
        return [ContactOut.model_validate(c, from_attributes=True) for c in site.contacts.all()]


class SitePage(Schema):
    count: int
    items: list[SiteOut]


class SiteFilters(Schema):
    q: str | None = Field(None, description="Text in the name, address, postcode or operator.")
    faith: Faith | None = None
    ward: str | None = None
    status: Literal["active", "closed", "all"] = "active"
    limit: int = Field(500, ge=1, le=5000)
    offset: int = Field(0, ge=0, le=10_000_000)


class SitePatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    faith: Faith | None = None
    denomination: str | None = Field(None, max_length=120)
    address: str | None = Field(None, min_length=1, max_length=300)
    postcode: str | None = Field(None, max_length=12)
    ward: str | None = Field(None, max_length=120)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    capacity: int | None = Field(None, ge=0)
    typical_peak_attendance: int | None = Field(None, ge=0)
    status: SiteStatus | None = None
    notes: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    umbrella_ids: list[int]

    @staticmethod
    def resolve_umbrella_ids(organisation: Organisation) -> list[int]:
        return [u.pk for u in organisation.umbrellas.all()]


@router.get("/sites", response={200: SitePage, 401: Error, 422: ValidationFailure})
def list_sites(request: HttpRequest, filters: Query[SiteFilters]) -> SitePage:
    """The sites you may see, filtered; `count` is the total before limit and offset."""
    sites = policy.visible_sites(request.user).select_related("operator")
    if filters.q:
        sites = sites.filter(
            Q(name__icontains=filters.q)
            | Q(address__icontains=filters.q)
            | Q(postcode__icontains=filters.q)
            | Q(operator__name__icontains=filters.q)
        )
    if filters.faith:
        sites = sites.filter(faith=filters.faith)
    if filters.ward:
        sites = sites.filter(ward=filters.ward)
    if filters.status != "all":
        sites = sites.filter(status=filters.status)
    items = list(sites[filters.offset : filters.offset + filters.limit])
    return SitePage(count=sites.count(), items=items)  # type: ignore[arg-type]


@router.get(
    "/sites/{site_id}", response={200: SiteDetailOut, 401: Error, 404: Error, 422: ValidationFailure}
)
def get_site(request: HttpRequest, site_id: int) -> Site:
    site = policy.get_site(request.user, site_id)
    services.record_sensitive_view(request, site)
    return site


@router.patch(
    "/sites/{site_id}",
    response={200: SiteDetailOut, 400: Error, 401: Error, 404: Error, 422: ValidationFailure},
)
def patch_site(
    request: HttpRequest, site_id: int, changes: SitePatch
) -> Site | Status[ValidationFailure]:
    site = policy.get_site(request.user, site_id, for_edit=True)
    fields, problems = _nulls_resolved(changes.model_dump(exclude_unset=True))
    if not problems:
        try:
            return services.update_site_fields(request, site, fields)
        except ValidationError as error:
            problems = [
                FieldError(field=field, message=message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
    return Status(422, ValidationFailure(detail="The changes are not valid.", errors=problems))


def _nulls_resolved(fields: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """`null` clears a field that may be empty (text to "", a count to unknown); elsewhere it
    is refused, by field name."""
    resolved: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in fields.items():
        model_field = Site._meta.get_field(name)
        if value is not None or model_field.null:
            resolved[name] = value
        elif isinstance(model_field, CharField | TextField) and model_field.blank:
            resolved[name] = ""
        else:
            problems.append(FieldError(field=name, message="This field cannot be null."))
    return resolved, problems


@router.get("/organisations", response={200: list[OrganisationOut], 401: Error})
def list_organisations(request: HttpRequest) -> list[Organisation]:
    """The organisations you may see."""
    return list(policy.visible_organisations(request.user).prefetch_related("umbrellas"))
