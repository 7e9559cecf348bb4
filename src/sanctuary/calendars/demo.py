"""Schedules for the demo borough, so that its calendar pages look like a real week.

Loaded by `sanctuary.demo.load()` after the registry's demo has made the sites. All invented,
but plausible all year: no two of a site's own gatherings are held at the same time on any
day (tests/calendars/test_demo_schedules.py). Jumu'ah is held in Dhuhr's time, so both winter
sessions end before Asr begins in December (about 13:35 in London).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from sanctuary.calendars.models import CongregationalPrayer as P
from sanctuary.calendars.models import (
    CongregationRule,
    Event,
    EventKind,
    JumuahSession,
    Schedule,
    Service,
    ServiceKind,
)
from sanctuary.registry.models import Site

LONDON = ZoneInfo("Europe/London")
WINTER = [11, 12, 1, 2]
SUMMER = [5, 6, 7, 8]


def _schedule(name: str) -> Schedule | None:
    site = Site.objects.filter(name=name).first()
    if site is None:
        return None
    schedule, _ = Schedule.objects.get_or_create(site=site)
    return schedule


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@transaction.atomic
def load(today: date | None = None) -> None:
    """The demo's schedules, after the registry's demo has made its sites."""
    today = today or datetime.now(LONDON).date()
    central = _schedule("Eastside Central Masjid")
    if central is not None:
        # The published pattern of a big London mosque: Isha fixed by season, Maghrib 5 min
        # after sunset, Fajr and Dhuhr at fixed times in winter.
        for row in [
            CongregationRule(prayer=P.ISHA, fixed_time=time(19, 45), months=WINTER),
            CongregationRule(prayer=P.ISHA, fixed_time=time(22, 15), months=SUMMER),
            CongregationRule(prayer=P.MAGHRIB, minutes_after_start=5),
            CongregationRule(prayer=P.FAJR, fixed_time=time(6, 45), months=WINTER),
            CongregationRule(prayer=P.DHUHR, fixed_time=time(12, 45), months=WINTER),
            CongregationRule(prayer=P.ASR, minutes_after_start=15),
        ]:
            row.schedule = central
            row.save()
        # Two sessions back to back; the winter ones follow Dhuhr (12:19 at its latest, in
        # February) and end by 13:30, before Asr begins on the shortest days (13:35).
        JumuahSession.objects.create(
            schedule=central, winter_time=time(12, 20), summer_time=time(13, 30),
            duration_minutes=40, attendance_percent=60,
        )
        JumuahSession.objects.create(
            schedule=central, winter_time=time(13, 0), summer_time=time(14, 10),
            duration_minutes=30, attendance_percent=45,
        )
        Service.objects.create(
            schedule=central, label="Sunday madrasah", kind=ServiceKind.COMMUNITY_EVENT,
            rule="FREQ=WEEKLY;BYDAY=SU", start_time=time(10, 0), duration_minutes=120,
            expected_attendance=220,
        )
        saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        Event.objects.create(
            schedule=central, label="Janazah prayer", kind=EventKind.FUNERAL,
            start=_at(saturday, 11, 0), end=_at(saturday, 11, 40), expected_attendance=600,
        )
    church = _schedule("St Anselm's Church")
    if church is not None:
        Service.objects.create(
            schedule=church, label="Sunday Mass", rule="FREQ=WEEKLY;BYDAY=SU",
            start_time=time(10, 30), duration_minutes=75, expected_attendance=380,
        )
        Service.objects.create(
            schedule=church, label="Saturday vigil Mass", rule="FREQ=WEEKLY;BYDAY=SA",
            start_time=time(18, 0), duration_minutes=60, expected_attendance=160,
        )
        Service.objects.create(
            schedule=church, label="Weekday Mass", rule="FREQ=WEEKLY;BYDAY=TU,WE,TH",
            start_time=time(9, 30), duration_minutes=35, expected_attendance=25,
        )
        vigil = today + timedelta(days=7)
        Event.objects.create(
            schedule=church, label="Candlelit vigil for peace", kind=EventKind.VIGIL,
            start=_at(vigil, 19, 0), end=_at(vigil, 21, 0), expected_attendance=300,
        )
    synagogue = _schedule("Sundial Lane Synagogue")
    if synagogue is not None:
        # Friday evening follows candle lighting (the engine's default for a synagogue).
        Service.objects.create(
            schedule=synagogue, label="Shabbat morning service", kind=ServiceKind.SHABBAT,
            rule="FREQ=WEEKLY;BYDAY=SA", start_time=time(9, 15), duration_minutes=165,
            expected_attendance=110,
        )
        Service.objects.create(
            schedule=synagogue, label="Sunday shacharit", kind=ServiceKind.PRAYER,
            rule="FREQ=WEEKLY;BYDAY=SU", start_time=time(8, 0), duration_minutes=45,
            expected_attendance=20,
        )
    gurdwara = _schedule("Mile End Gurdwara Sahib")
    if gurdwara is not None:
        Service.objects.create(
            schedule=gurdwara, label="Sunday diwan", rule="FREQ=WEEKLY;BYDAY=SU",
            start_time=time(10, 0), duration_minutes=240, expected_attendance=700,
        )
        Service.objects.create(
            schedule=gurdwara, label="Evening Rehras Sahib", kind=ServiceKind.PRAYER,
            rule="FREQ=DAILY", start_time=time(18, 30), duration_minutes=60,
            expected_attendance=60,
        )
        wedding = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        Event.objects.create(
            schedule=gurdwara, label="Anand Karaj (wedding)", kind=EventKind.WEDDING,
            start=_at(wedding, 9, 30), end=_at(wedding, 13, 0), expected_attendance=400,
        )
