"""Timelines of many sites are kept in the cache under a digest of what they are computed from:
a change to any schedule is seen on the next page, with nothing told to forget anything."""

from __future__ import annotations

from datetime import date, time, timedelta

from sanctuary.access.models import Role
from sanctuary.calendars import services
from sanctuary.calendars.models import Schedule, Service
from sanctuary.registry.models import Faith
from tests.conftest import Cast, api_client_for, make_site

SUNDAY = date.today() + timedelta(days=(6 - date.today().weekday()) % 7 or 7)


def test_a_changed_service_is_seen_at_once_by_a_cached_borough_view(cast: Cast):
    services_ = []
    for number in range(services.CACHED_FROM_SITES):
        site = make_site(f"Church {number}", cast.org_b, faith=Faith.CHRISTIANITY,
                         latitude=51.52 + number * 0.001)
        schedule = Schedule.objects.create(site=site, faith_defaults=False)
        services_.append(Service.objects.create(
            schedule=schedule, label="Parish Mass", rule="FREQ=WEEKLY;BYDAY=SU",
            start_time=time(10, 0), duration_minutes=60, expected_attendance=50,
        ))
    api = api_client_for(cast.person(Role.POLICE_SUPERVISOR))
    address = f"/api/gatherings?from={SUNDAY}&to={SUNDAY}&faith=christianity"

    def mass_times() -> set[str]:
        return {item["start"][11:16] for item in api.get(address).json()
                if item["label"] == "Parish Mass"}

    assert mass_times() == {"10:00"}
    assert mass_times() == {"10:00"}  # the same inputs: from the cache

    services_[7].start_time = time(11, 30)
    services_[7].save()

    assert mass_times() == {"10:00", "11:30"}
