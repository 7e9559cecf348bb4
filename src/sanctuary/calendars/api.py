"""Calendar endpoints: gatherings over a period, through the access policy like the pages."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from sanctuary.access import policy
from sanctuary.calendars import services
from sanctuary.calendars.models import Service
from sanctuary.registry import services as registry_services
from sanctuary.registry.api import Error, FieldError, ValidationFailure
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


class GatheringFilters(Schema):
    from_: date = Field(..., alias="from", description="First local day, YYYY-MM-DD.")
    to: date = Field(..., description=f"Last local day (inclusive); at most {MAX_DAYS} days in all.")
    site: int | None = Field(None, description="One site (404 if you may not see it).")
    ward: str | None = None
    faith: Faith | None = None


class RuleOut(Schema):
    prayer: str
    fixed_time: time | None
    minutes_after_start: int | None
    months: list[int]
    valid_from: date | None
    valid_to: date | None


class JumuahOut(Schema):
    winter_time: time | None
    summer_time: time | None
    minutes_after_dhuhr: int
    duration_minutes: int
    attendance_percent: int


class ServiceOut(Schema):
    label: str
    kind: str
    rule: str = Field(..., description="RFC 5545 rule, local time.")
    start_time: time
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
    site = policy.get_site(request.user, site_id)
    registry_services.record_sensitive_view(request, site)
    schedule = services.schedule_of(site)
    rows = {name: services.rows_of(schedule, name) for name in services.ROW_MODELS}
    return {
        "site": site.pk,
        **{name: getattr(schedule, name) for name in SETTINGS},
        "congregation_rules": rows["rules"],
        "jumuah_sessions": rows["jumuah"],
        "services": rows["services"],
        "events": rows["events"],
        "confirmed_dates": rows["confirmed"],
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
    request: HttpRequest, filters: Query[GatheringFilters]
) -> list[dict[str, object]] | Status[ValidationFailure]:
    """Gatherings at the sites you may see, on the local days `from`..`to`, in order of start.

    Closed sites are left out unless asked for by `site`. 422 when `to` precedes `from`, the
    period is longer than 366 days, or the calendar tables do not cover it.
    """
    if filters.to < filters.from_:
        return _refuse("to", "to is before from")
    if (filters.to - filters.from_).days + 1 > MAX_DAYS:
        return _refuse("to", f"the period is longer than {MAX_DAYS} days")
    sites = policy.visible_sites(request.user)
    if filters.site is not None:
        site = policy.get_site(request.user, filters.site)
        registry_services.record_sensitive_view(request, site)
        sites = sites.filter(pk=site.pk)
    else:
        sites = sites.filter(status=SiteStatus.ACTIVE)
    if filters.ward:
        sites = sites.filter(ward=filters.ward)
    if filters.faith:
        sites = sites.filter(faith=filters.faith)
    try:
        found = services.gatherings(
            services.with_schedules(sites.order_by("pk")), filters.from_, filters.to
        )
    except services.CalendarUnavailable as error:
        return _refuse("request", str(error))
    return [item.as_json() for item in found]
