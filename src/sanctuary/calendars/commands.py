"""Calendar subcommands: prayer-times and festivals (gatherings comes with the Django work)."""

from __future__ import annotations

import argparse
from datetime import date
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sanctuary.calendars import operations as database_commands
from sanctuary.calendars.engine.festivals import YearNotCovered, festivals
from sanctuary.calendars.engine.model import (
    CalculationMethod,
    Faith,
    HighLatitudeRule,
    Madhab,
    PrayerSettings,
)
from sanctuary.calendars.engine.prayer_times import (
    NoSunriseOrSunset,
    prayer_timetable,
    rule_in_force,
)
from sanctuary.cli_support import CommandFailed, write_json

MAX_DAYS = 366
E = TypeVar("E", bound=StrEnum)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    prayer = subparsers.add_parser(
        "prayer-times",
        help="Islamic prayer start times for a place",
        description="Prayer start times, local time rounded to the minute. "
        "Defaults: MoonsightingCommittee, shafi, the method's recommended high-latitude rule, Europe/London.",
    )
    prayer.add_argument("--lat", type=float, required=True, help="latitude, -90..90")
    prayer.add_argument("--lon", type=float, required=True, help="longitude, -180..180")
    prayer.add_argument("--date", required=True, help="first day, YYYY-MM-DD")
    prayer.add_argument("--days", type=int, default=1, help=f"number of days, 1..{MAX_DAYS}")
    prayer.add_argument(
        "--method",
        default=CalculationMethod.MOONSIGHTING_COMMITTEE.value,
        help=", ".join(m.value for m in CalculationMethod),
    )
    prayer.add_argument("--madhab", default="shafi", help="shafi or hanafi (Asr)")
    prayer.add_argument(
        "--high-latitude",
        dest="high_latitude",
        default=None,
        help=", ".join(r.value for r in HighLatitudeRule),
    )
    prayer.add_argument("--tz", default="Europe/London", help="IANA time zone")
    prayer.add_argument("--json", action="store_true", help="print JSON (the only format)")
    prayer.set_defaults(handler=prayer_times_command)

    feasts = subparsers.add_parser("festivals", help="festivals and observances of a year")
    feasts.add_argument("--year", type=int, required=True)
    feasts.add_argument("--faith", default=None, help=", ".join(f.value for f in Faith))
    feasts.add_argument("--json", action="store_true", help="print JSON (the only format)")
    feasts.set_defaults(handler=festivals_command)

    database_commands.register(subparsers)  # gatherings

def _choice(enum: type[E], value: str, what: str) -> E:
    for member in enum:
        if value.lower() in (member.value.lower(), member.name.lower()):
            return member
    choices = ", ".join(m.value for m in enum)
    raise CommandFailed(f"unknown {what} {value!r}: choose one of {choices}")


def prayer_times_command(args: argparse.Namespace) -> int:
    if not -90 <= args.lat <= 90:
        raise CommandFailed(f"latitude {args.lat} is out of range -90..90")
    if not -180 <= args.lon <= 180:
        raise CommandFailed(f"longitude {args.lon} is out of range -180..180")
    if not 1 <= args.days <= MAX_DAYS:
        raise CommandFailed(f"--days must be between 1 and {MAX_DAYS}, not {args.days}")
    try:
        start = date.fromisoformat(args.date)
    except ValueError:
        raise CommandFailed(f"--date {args.date!r} is not a date YYYY-MM-DD") from None
    if not 1900 <= start.year <= 2100:
        raise CommandFailed(f"--date {args.date} is outside the supported years 1900-2100")
    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandFailed(
            f"unknown time zone {args.tz!r}: use an IANA name such as Europe/London"
        ) from None
    method = _choice(CalculationMethod, args.method, "method")
    madhab = _choice(Madhab, args.madhab, "madhab")
    rule = (
        None
        if args.high_latitude is None
        else _choice(HighLatitudeRule, args.high_latitude, "high-latitude rule")
    )
    settings = PrayerSettings(method=method, madhab=madhab, high_latitude_rule=rule)
    try:
        rule_in_force(settings, args.lat)
        table = prayer_timetable(args.lat, args.lon, start, args.days, settings, args.tz)
    except (NoSunriseOrSunset, ValueError) as error:
        raise CommandFailed(str(error)) from None
    write_json(
        {
            "method": settings.method.value,
            "madhab": settings.madhab.value,
            "high_latitude_rule": table.high_latitude_rule,
            "timezone": args.tz,
            "latitude": args.lat,
            "longitude": args.lon,
            "days": [
                {
                    "date": day.date.isoformat(),
                    **{p: day.time_of(p).strftime("%H:%M") for p in _PRAYER_KEYS},
                }
                for day in table.days
            ],
        }
    )
    return 0


_PRAYER_KEYS = ("fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha")


def festivals_command(args: argparse.Namespace) -> int:
    faith = None if args.faith is None else _choice(Faith, args.faith, "faith")
    try:
        found = festivals(args.year, faith)
    except YearNotCovered as error:
        raise CommandFailed(str(error)) from None
    write_json([f.as_json() for f in found])
    return 0
