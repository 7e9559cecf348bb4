"""Calendar endpoints: gatherings over a period, through the access policy like the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Error, FieldError, LocalTime, Text, ValidationFailure
from sanctuary.calendars import services
from sanctuary.calendars.models import Service
from sanctuary.calendars.parts import PARTS
from sanctuary.registry import policy
from sanctuary.registry.models import Faith, SiteStatus

router = Router(tags=["calendars"])
MAX_DAYS = 366


class GatheringOut(Schema):
    site: int
    site_name: str
    # strings, as the engine writes them (Gathering.as_json), so that +00:00 stays +00:00
    start: str = Field(..., description="ISO 8601 local time at the site, with its UTC offset.")
    end: str = Field(..., description="ISO 8601 local time at the site, with its UTC offset.")
    kind: str = Field(..., description="prayer, jumuah, taraweeh, eid_prayer, shabbat, service, "
                      "festival, vigil, funeral, wedding or community_event")
    label: str
    expected_attendance: int
    certainty: str = Field(..., description="confirmed, expected or uncertain_date")


# A day of a borough is a few hundred gatherings; a day of a country, tens of thousands.
DEFAULT_GATHERINGS = 1000
MAX_GATHERINGS = 5000


class GatheringFilters(Schema):
    from_: date = Field(..., alias="from", description="First local day, YYYY-MM-DD.")
    to: date = Field(..., description=f"Last local day (inclusive); at most {MAX_DAYS} days in all.")
    site: int | None = Field(None, description="One site (404 if you may not see it).")
    area: Text | None = Field(None, max_length=9, description="An area's ONS code.")
    ward: Text | None = Field(None, max_length=120)
    faith: Faith | None = None
    limit: int = Field(
        DEFAULT_GATHERINGS, ge=1, le=MAX_GATHERINGS, description="At most this many gatherings."
    )
    offset: int = Field(0, ge=0, le=10_000_000, description="Skip this many first.")


class RuleOut(Schema):
    prayer: str
    fixed_time: LocalTime | None
    minutes_after_start: int | None
    months: list[int]
    valid_from: date | None
    valid_to: date | None


class JumuahOut(Schema):
    winter_time: LocalTime | None
    summer_time: LocalTime | None
    minutes_after_dhuhr: int
    duration_minutes: int
    attendance_percent: int


class ServiceOut(Schema):
    label: str
    kind: str
    rule: str = Field(..., description="RFC 5545 rule, local time.")
    start_time: LocalTime
    duration_minutes: int
    expected_attendance: int | None
    starts_on: date | None
    cancelled: list[date]

    @staticmethod
    def resolve_cancelled(service: Service) -> list[date]:
        return service.cancelled_dates


class EventOut(Schema):
    label: str
    kind: str
    start: datetime
    end: datetime
    expected_attendance: int


class ConfirmedDateOut(Schema):
    festival: str
    date: date


class TimetableOut(Schema):
    name: str
    first_day: date | None
    last_day: date | None


class ScheduleOut(Schema):
    site: int
    timezone: str
    method: str
    madhab: str
    high_latitude_rule: str = Field(..., description="Empty: the method's recommended rule.")
    moon_sighting_offset: int
    daily_prayers: str
    faith_defaults: bool
    congregation_rules: list[RuleOut]
    jumuah_sessions: list[JumuahOut]
    services: list[ServiceOut]
    events: list[EventOut]
    confirmed_dates: list[ConfirmedDateOut]
    timetable: TimetableOut | None


SETTINGS = (
    "timezone",
    "method",
    "madhab",
    "high_latitude_rule",
    "moon_sighting_offset",
    "daily_prayers",
    "faith_defaults",
)


@router.get(
    "/sites/{site_id}/schedule",
    response={200: ScheduleOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def get_schedule(request: HttpRequest, site_id: int) -> dict[str, Any]:
    """A site's schedule as its contacts described it (the defaults where they have not)."""
    site = policy.get_site(Actor.of(request), site_id)
    schedule = services.schedule_of(site)
    return {
        "site": site.pk,
        **{name: getattr(schedule, name) for name in SETTINGS},
        **{part.api_field: part.rows(schedule) for part in PARTS},
        "timetable": (
            {
                "name": schedule.timetable_name,
                "first_day": schedule.timetable_first_day,
                "last_day": schedule.timetable_last_day,
            }
            if schedule.timetable_csv
            else None
        ),
    }


def _refuse(field: str, message: str) -> Status[ValidationFailure]:
    return Status(
        422,
        ValidationFailure(
            detail="The request is not valid.", errors=[FieldError(field=field, message=message)]
        ),
    )


@router.get(
    "/gatherings",
    response={200: list[GatheringOut], 401: Error, 404: Error, 422: ValidationFailure},
)
def list_gatherings(
    request: HttpRequest, response: HttpResponse, filters: Query[GatheringFilters]
) -> list[dict[str, object]] | Status[ValidationFailure]:
    """Gatherings at the sites you may see, on the local days `from`..`to`, in order of start.

    Closed sites are left out unless asked for by `site`. 422 when `to` precedes `from`, the
    period is longer than 366 days, or the calendar tables do not cover it. A site whose
    schedule cannot be computed is left out and named in the `Sanctuary-Skipped-Sites` header.
    At most `limit` gatherings from `offset` on: the `Sanctuary-Total-Count` header says how
    many there are in all, and a `Link` header with `rel="next"` gives the next page's address.
    """
    if filters.to < filters.from_:
        return _refuse("to", "to is before from")
    if (filters.to - filters.from_).days + 1 > MAX_DAYS:
        return _refuse("to", f"the period is longer than {MAX_DAYS} days")
    actor = Actor.of(request)
    sites = policy.visible_sites(actor)
    if filters.site is not None:
        site = policy.get_site(actor, filters.site)
        sites = sites.filter(pk=site.pk)
    else:
        sites = sites.filter(status=SiteStatus.ACTIVE)
    if filters.area:
        sites = sites.filter(area__code=filters.area)
    if filters.ward:
        sites = sites.filter(ward=filters.ward)
    if filters.faith:
        sites = sites.filter(faith=filters.faith)
    try:
        found = services.across_sites(
            services.with_schedules(sites.order_by("pk"), most=settings.CALENDAR_MAX_SITES),
            filters.from_,
            filters.to,
        )
    except services.TooManySites as error:
        return _refuse("area", str(error))
    except services.CalendarUnavailable as error:
        return _refuse("request", str(error))
    gatherings = found.gatherings()
    page = gatherings[filters.offset : filters.offset + filters.limit]
    if filters.site is None:
        shown = {item.site.pk: item.site for item in page}
        policy.sites_shown(actor, list(shown.values()), "GET /api/gatherings")
    if found.skipped:
        # the list stays a list; the sites left out, if any, are named in a header
        response["Sanctuary-Skipped-Sites"] = ",".join(str(item.site.pk) for item in found.skipped)
    response["Sanctuary-Total-Count"] = str(len(gatherings))
    if filters.offset + filters.limit < len(gatherings):
        following = request.GET.copy()
        following["offset"] = str(filters.offset + filters.limit)
        following["limit"] = str(filters.limit)
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return [item.as_json() for item in page]
