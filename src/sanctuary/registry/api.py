"""Registry endpoints: sites and organisations, through the access policy like the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Prefetch, TextField
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Body, Error, FieldError, Text, ValidationFailure
from sanctuary.registry import policy, services
from sanctuary.registry.filters import SiteFilter, StatusFilter
from sanctuary.registry.models import Faith, Organisation, OrganisationKind, Site, SiteStatus

router = Router(tags=["registry"])


class SiteOut(Schema):
    id: int
    name: str
    faith: Faith
    denomination: str
    address: str
    postcode: str
    area: str = Field(..., alias="area.code", description="The area's ONS code.")
    area_name: str = Field(..., alias="area.name")
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
    q: Text | None = Field(
        None,
        max_length=200,
        description="Text in the name, address, postcode, denomination or operator.",
    )
    faith: Faith | None = None
    area: Text | None = Field(None, max_length=9, description="An area's ONS code.")
    ward: Text | None = Field(None, max_length=120)
    status: StatusFilter = StatusFilter.ACTIVE
    # a page a script reads in well under a second even at national scale (docs/benchmarks.md,
    # "Load"); `count` says how many there are, `offset` walks them
    limit: int = Field(100, ge=1, le=5000, description="At most this many sites (default 100).")
    offset: int = Field(0, ge=0, le=10_000_000)

    def site_filter(self) -> SiteFilter:
        return SiteFilter(
            q=self.q or "",
            faith=self.faith or "",
            area=self.area or "",
            ward=self.ward or "",
            status=self.status,
        )


# The largest count the database stores in a site's count fields.
MAX_COUNT = 2_147_483_647


class SitePatch(Body):
    """Only the fields sent are changed. `null` empties a text field or makes a count unknown;
    the fields every site must have cannot be null (the default None means "not sent")."""

    name: Text = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    faith: Faith = None  # type: ignore[assignment]
    denomination: Text | None = Field(None, max_length=120)
    address: Text = Field(None, min_length=1, max_length=300)  # type: ignore[assignment]
    postcode: Text | None = Field(None, max_length=12)
    ward: Text | None = Field(None, max_length=120)
    latitude: float = Field(None, ge=-90, le=90)  # type: ignore[assignment]
    longitude: float = Field(None, ge=-180, le=180)  # type: ignore[assignment]
    capacity: int | None = Field(None, ge=0, le=MAX_COUNT)
    typical_peak_attendance: int | None = Field(None, ge=0, le=MAX_COUNT)
    status: SiteStatus = None  # type: ignore[assignment]
    notes: Text | None = Field(None, max_length=10_000)


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    umbrella_ids: list[int]

    @staticmethod
    def resolve_umbrella_ids(organisation: Organisation) -> list[int]:
        # only the umbrella bodies the reader may see (prefetched as visible_umbrellas)
        return [u.pk for u in organisation.visible_umbrellas]  # type: ignore[attr-defined]


@router.get("/sites", response={200: SitePage, 401: Error, 422: ValidationFailure})
def list_sites(request: HttpRequest, filters: Query[SiteFilters]) -> SitePage:
    """The sites you may see, filtered, in order of name; `count` is the total before limit and
    offset."""
    actor = Actor.of(request)
    sites = filters.site_filter().apply(
        policy.visible_sites(actor).select_related("operator", "area")
    )
    sites = sites.order_by("name", "pk")
    page = sites[filters.offset : filters.offset + filters.limit]
    items = policy.sites_shown(actor, page, "GET /api/sites")
    return SitePage(count=sites.count(), items=items)  # type: ignore[arg-type]


@router.get(
    "/sites/{site_id}", response={200: SiteDetailOut, 401: Error, 404: Error, 422: ValidationFailure}
)
def get_site(request: HttpRequest, site_id: int) -> Site:
    return policy.get_site(Actor.of(request), site_id)


@router.patch(
    "/sites/{site_id}",
    response={200: SiteDetailOut, 400: Error, 401: Error, 404: Error, 422: ValidationFailure},
)
def patch_site(
    request: HttpRequest, site_id: int, changes: SitePatch
) -> Site | Status[ValidationFailure]:
    actor = Actor.of(request)
    site = policy.get_site(actor, site_id, for_edit=True)
    fields, problems = _nulls_resolved(changes.model_dump(exclude_unset=True))
    if not problems:
        try:
            return services.update_site_fields(actor, site, fields)
        except services.MovedOutOfReach as error:
            problems = [FieldError(field="operator", message=str(error))]
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
    visible = policy.visible_organisations(Actor.of(request))
    return list(
        visible.prefetch_related(Prefetch("umbrellas", queryset=visible, to_attr="visible_umbrellas"))
    )
