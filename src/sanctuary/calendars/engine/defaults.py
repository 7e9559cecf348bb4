"""What a site with no configuration is assumed to do, by faith.

Attendance is a fraction of the site's typical peak (its busiest regular weekly gathering:
Jumu'ah, the Sunday service, Shabbat morning, the Sunday diwan). The figures are planning
assumptions from the partnership's own practice, documented in docs/calendars.md, not
measurements; a site's own settings replace them.
"""

from __future__ import annotations

from datetime import time

from sanctuary.calendars.engine.model import (
    CongregationRule,
    Faith,
    GatheringKind,
    JumuahSession,
    Observance,
    Prayer,
    ServiceRule,
    SiteCalendar,
)

# Share of the typical peak at each daily jama'ah, and how long people are there (minutes
# before the jama'ah, minutes after it).
DAILY_PRAYER_ATTENDANCE: dict[Prayer, float] = {
    Prayer.FAJR: 0.05,
    Prayer.DHUHR: 0.08,
    Prayer.ASR: 0.06,
    Prayer.MAGHRIB: 0.12,
    Prayer.ISHA: 0.10,
}
ARRIVE_BEFORE_JAMAAH_MINUTES = 10
STAY_AFTER_JAMAAH_MINUTES = 20
# Jumu'ah: people arrive this long before the khutbah and stay to the end of the session.
ARRIVE_BEFORE_KHUTBAH_MINUTES = 15

# Taraweeh follows the Isha jama'ah every night of Ramadan; the odd nights of the last ten
# (the search for Laylat al-Qadr) draw more people for longer, the 27th most of all.
TARAWEEH_ATTENDANCE = 0.6
TARAWEEH_MINUTES = 90
ODD_NIGHT_ATTENDANCE = 0.9
ODD_NIGHT_MINUTES = 180
TWENTY_SEVENTH_NIGHT_ATTENDANCE = 1.2

DEFAULT_JUMUAH: tuple[JumuahSession, ...] = (JumuahSession(),)

# Shabbat: candle lighting 18 minutes before sunset (the London custom, as the United
# Synagogue's calendar prints it); nightfall when the sun is 8.5 degrees down.
CANDLE_LIGHTING_MINUTES_BEFORE_SUNSET = 18
NIGHTFALL_DEPRESSION_DEGREES = 8.5
# Where the sun never gets 8.5 degrees down (summer, far north), nightfall is sunset plus this.
NIGHTFALL_FALLBACK_MINUTES = 72
FRIDAY_EVENING_SERVICE_MINUTES = 60
FRIDAY_EVENING_ATTENDANCE = 0.4

DEFAULT_SERVICES: dict[Faith, tuple[ServiceRule, ...]] = {
    Faith.CHRISTIANITY: (
        ServiceRule(
            "Sunday service", "FREQ=WEEKLY;BYDAY=SU", time(10, 30), 90, attendance_fraction=1.0
        ),
    ),
    Faith.JUDAISM: (
        ServiceRule(
            "Shabbat morning service",
            "FREQ=WEEKLY;BYDAY=SA",
            time(9, 30),
            150,
            attendance_fraction=1.0,
            kind=GatheringKind.SHABBAT,
        ),
    ),
    Faith.SIKHISM: (
        ServiceRule(
            "Sunday diwan", "FREQ=WEEKLY;BYDAY=SU", time(10, 0), 240, attendance_fraction=1.0
        ),
    ),
    Faith.HINDUISM: (
        ServiceRule(
            "Sunday aarti", "FREQ=WEEKLY;BYDAY=SU", time(18, 30), 120, attendance_fraction=1.0
        ),
    ),
    Faith.BUDDHISM: (
        ServiceRule(
            "Sunday puja", "FREQ=WEEKLY;BYDAY=SU", time(10, 0), 120, attendance_fraction=1.0
        ),
    ),
    Faith.ISLAM: (),
    Faith.OTHER: (),
}

DEFAULT_OBSERVANCES: dict[Faith, tuple[Observance, ...]] = {
    Faith.ISLAM: (
        Observance("Eid al-Fitr", time(8, 0), 60, 1.0, sessions=2),
        Observance("Eid al-Adha", time(8, 0), 60, 1.0, sessions=2),
        Observance("Islamic New Year", time(19, 30), 90, 0.3),
        Observance("Ashura", time(19, 30), 90, 0.4),
        Observance("Mawlid", time(19, 30), 120, 0.5),
    ),
    Faith.CHRISTIANITY: (
        Observance("Christmas", time(23, 30), 90, 0.8, day_offset=-1),  # midnight mass
        Observance("Christmas", time(10, 0), 90, 1.5),
        Observance("Easter", time(10, 30), 120, 1.5),
        Observance("Good Friday", time(14, 0), 90, 0.6),
        Observance("Ash Wednesday", time(19, 0), 60, 0.3),
    ),
    Faith.JUDAISM: (
        Observance("Rosh Hashanah", time(9, 0), 270, 1.5, every_day=True),
        Observance("Yom Kippur", time(18, 30), 120, 1.6, day_offset=-1),  # Kol Nidre
        Observance("Yom Kippur", time(9, 0), 600, 1.2),
        Observance("Sukkot", time(9, 30), 150, 0.7),
        Observance("Passover", time(9, 30), 150, 0.7),
        Observance("Shavuot", time(9, 30), 150, 0.6),
        # candles are lit on the eve of each of the eight days (first night: eve of 25 Kislev)
        Observance("Hanukkah", time(17, 0), 60, 0.3, day_offset=-1, every_day=True),
    ),
    Faith.SIKHISM: (
        Observance("Vaisakhi", time(10, 0), 300, 2.0),
        Observance("Guru Nanak Gurpurab", time(10, 0), 240, 1.5),
        Observance("Guru Gobind Singh Gurpurab", time(10, 0), 240, 1.2),
        Observance("Bandi Chhor Divas", time(18, 0), 180, 1.5),
    ),
    Faith.HINDUISM: (
        Observance("Diwali", time(18, 0), 240, 2.0),
        Observance("Navaratri", time(19, 30), 180, 1.0, every_day=True),
        Observance("Holi", time(11, 0), 180, 1.0),
        Observance("Janmashtami", time(21, 0), 210, 1.5),
    ),
    Faith.BUDDHISM: (Observance("Vesak", time(10, 0), 360, 1.5),),
    Faith.OTHER: (),
}

NO_RULES: tuple[CongregationRule, ...] = ()


def services_for(site: SiteCalendar) -> tuple[ServiceRule, ...]:
    return site.services if site.services is not None else DEFAULT_SERVICES[site.faith]


def observances_for(site: SiteCalendar) -> tuple[Observance, ...]:
    return site.observances if site.observances is not None else DEFAULT_OBSERVANCES[site.faith]


def jumuah_for(site: SiteCalendar) -> tuple[JumuahSession, ...]:
    return site.jumuah_sessions if site.jumuah_sessions is not None else DEFAULT_JUMUAH


def keeps_daily_prayers(site: SiteCalendar) -> bool:
    return site.daily_prayers if site.daily_prayers is not None else site.faith is Faith.ISLAM


def keeps_shabbat(site: SiteCalendar) -> bool:
    return site.faith is Faith.JUDAISM
