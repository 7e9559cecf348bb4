"""Islamic prayer start times, for many sites and many days at once.

The solar positions come from adhanpy (`SolarCoordinates`, Meeus' *Astronomical Algorithms*),
computed once per day. The rise/set and shadow formulas are adhanpy's own
(`adhanpy.astronomy.Astronomical.corrected_hour_angle`), vectorised with numpy so that a
year for two thousand sites takes a fraction of a second instead of a minute. Where adhanpy
and adhan-js (the reference most mosque apps use) part, by a second or at a half-minute, the
engine follows adhan-js; the test suite holds it to adhanpy's seconds, translated to adhan-js's
rounding, on random places and dates, and to adhan-js's published times. The deviations are
listed in docs/calendars.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
from adhanpy.astronomy.CalendricalHelper import julian_day
from adhanpy.astronomy.SolarCoordinates import SolarCoordinates

from sanctuary.calendars.engine.model import (
    CalculationMethod,
    HighLatitudeRule,
    Madhab,
    Prayer,
    PrayerSettings,
)

PRAYERS: tuple[Prayer, ...] = tuple(Prayer)
SUNRISE_ALTITUDE = -50.0 / 60.0  # refraction plus the sun's semi-diameter, as adhan uses


@dataclass(frozen=True)
class MethodParameters:
    fajr_angle: float
    isha_angle: float = 0.0
    isha_interval_minutes: int = 0
    maghrib_angle: float = 0.0
    # minutes added to each prayer, in PRAYERS order, as the method's authority publishes
    adjustments: tuple[int, int, int, int, int, int] = (0, 0, 0, 0, 0, 0)
    # adhan-js's Rounding.Up: the next minute, always (MUIS prints Singapore's times so)
    round_up: bool = False


# Values as adhanpy 1.0.5 (calculation/MethodsParameters.py) and, for Turkey and Tehran and
# Singapore's rounding, adhan-js 4.4 (src/CalculationMethod.ts) define them.
METHOD_PARAMETERS: dict[CalculationMethod, MethodParameters] = {
    CalculationMethod.MUSLIM_WORLD_LEAGUE: MethodParameters(
        18.0, 17.0, adjustments=(0, 0, 1, 0, 0, 0)
    ),
    CalculationMethod.EGYPTIAN: MethodParameters(19.5, 17.5, adjustments=(0, 0, 1, 0, 0, 0)),
    CalculationMethod.KARACHI: MethodParameters(18.0, 18.0, adjustments=(0, 0, 1, 0, 0, 0)),
    CalculationMethod.UMM_AL_QURA: MethodParameters(18.5, isha_interval_minutes=90),
    CalculationMethod.DUBAI: MethodParameters(18.2, 18.2, adjustments=(0, -3, 3, 3, 3, 0)),
    CalculationMethod.MOONSIGHTING_COMMITTEE: MethodParameters(
        18.0, 18.0, adjustments=(0, 0, 5, 0, 3, 0)
    ),
    CalculationMethod.NORTH_AMERICA: MethodParameters(15.0, 15.0, adjustments=(0, 0, 1, 0, 0, 0)),
    CalculationMethod.KUWAIT: MethodParameters(18.0, 17.5),
    CalculationMethod.QATAR: MethodParameters(18.0, isha_interval_minutes=90),
    CalculationMethod.SINGAPORE: MethodParameters(
        20.0, 18.0, adjustments=(0, 0, 1, 0, 0, 0), round_up=True
    ),
    CalculationMethod.TURKEY: MethodParameters(18.0, 17.0, adjustments=(0, -7, 5, 4, 7, 0)),
    CalculationMethod.TEHRAN: MethodParameters(17.7, 14.0, maghrib_angle=4.5),
}


class NoSunriseOrSunset(ValueError):
    """The sun neither rises nor sets there that day, so no rule gives prayer times."""


@dataclass(frozen=True)
class PrayerDay:
    """One day's start times, timezone-aware, rounded to the minute as timetables print them."""

    date: date
    fajr: datetime
    sunrise: datetime
    dhuhr: datetime
    asr: datetime
    maghrib: datetime
    isha: datetime

    def time_of(self, prayer: Prayer | str) -> datetime:
        moment: datetime = getattr(self, Prayer(prayer).value)
        return moment


@dataclass(frozen=True)
class PrayerTimetable:
    latitude: float
    longitude: float
    timezone: str
    settings: PrayerSettings
    high_latitude_rule: str
    days: tuple[PrayerDay, ...]


# The Moonsighting Committee's rule changes here (adhan: `coordinates.latitude >= 55`, signed)
COMMITTEE_SEVENTH_FROM_LATITUDE = 55.0


def check_rule(settings: PrayerSettings) -> None:
    """Raise ValueError for a combination no Adhan library offers: SeasonAdjusted is not a rule
    one can ask of another method (adhan has no such value; it is the committee's own)."""
    if (
        settings.high_latitude_rule is HighLatitudeRule.SEASON_ADJUSTED
        and settings.method is not CalculationMethod.MOONSIGHTING_COMMITTEE
    ):
        raise ValueError(
            "SeasonAdjusted is the MoonsightingCommittee's own rule: "
            f"choose MiddleOfTheNight, SeventhOfTheNight or TwilightAngle for {settings.method.value}"
        )


def rule_in_force(settings: PrayerSettings, latitude: float) -> HighLatitudeRule:
    """The high-latitude rule that applies; None in the settings means 'as recommended'.

    MoonsightingCommittee carries its own rule and, like every Adhan library, accepts any
    rule asked of it and applies its own: Khalid Shaukat's seasonal twilight (SeasonAdjusted)
    below 55 degrees north, the seventh of the night from 55 (still bounded by the seasonal
    curve). The caller compares this with what was asked, to say so when they differ.
    Otherwise adhan's recommendation: the seventh of the night above 48 degrees, where
    MiddleOfTheNight puts Fajr and Isha at the same minute on summer nights (01:02 in London
    on 21 June), and the middle of the night below.
    """
    check_rule(settings)
    if settings.method is CalculationMethod.MOONSIGHTING_COMMITTEE:
        if latitude >= COMMITTEE_SEVENTH_FROM_LATITUDE:
            return HighLatitudeRule.SEVENTH_OF_THE_NIGHT
        return HighLatitudeRule.SEASON_ADJUSTED
    if settings.high_latitude_rule is not None:
        return settings.high_latitude_rule
    if abs(latitude) > 48:
        return HighLatitudeRule.SEVENTH_OF_THE_NIGHT
    return HighLatitudeRule.MIDDLE_OF_THE_NIGHT


def _unwind(angle: np.ndarray) -> np.ndarray:
    return angle - 360.0 * np.floor(angle / 360.0)


def _closest_angle(angle: np.ndarray) -> np.ndarray:
    return np.where(np.abs(angle) <= 180, angle, angle - 360 * np.round(angle / 360))


@dataclass(frozen=True)
class _SolarDays:
    """Solar coordinates for each day and its neighbours, shape (days,)."""

    sidereal: np.ndarray
    ra_prev: np.ndarray
    ra: np.ndarray
    ra_next: np.ndarray
    decl_prev: np.ndarray
    decl: np.ndarray
    decl_next: np.ndarray


def _solar_days(dates: Sequence[date]) -> _SolarDays:
    return _solar_days_cached(tuple(dates))


@lru_cache(maxsize=16)
def _solar_days_cached(dates: tuple[date, ...]) -> _SolarDays:
    first = julian_day(dates[0].year, dates[0].month, dates[0].day)
    offsets = [(d - dates[0]).days for d in dates]
    wanted = sorted({o + k for o in offsets for k in (-1, 0, 1)})
    coords = {o: SolarCoordinates(first + o) for o in wanted}

    def column(attribute: str, shift: int) -> np.ndarray:
        return np.array([getattr(coords[o + shift], attribute) for o in offsets])

    return _SolarDays(
        sidereal=column("apparent_sidereal_time", 0),
        ra_prev=column("right_ascension", -1),
        ra=column("right_ascension", 0),
        ra_next=column("right_ascension", 1),
        decl_prev=column("declination", -1),
        decl=column("declination", 0),
        decl_next=column("declination", 1),
    )


def _interpolate(y2: np.ndarray, y1: np.ndarray, y3: np.ndarray, n: np.ndarray) -> np.ndarray:
    a = y2 - y1
    b = y3 - y2
    return y2 + (n / 2) * (a + b + n * (b - a))


def _interpolate_angles(
    y2: np.ndarray, y1: np.ndarray, y3: np.ndarray, n: np.ndarray
) -> np.ndarray:
    a = _unwind(y2 - y1)
    b = _unwind(y3 - y2)
    return y2 + (n / 2) * (a + b + n * (b - a))


class _Sky:
    """Sun events (hours after 00:00 UTC of each date), arrays of shape (sites, days)."""

    def __init__(self, latitudes: np.ndarray, longitudes: np.ndarray, solar: _SolarDays) -> None:
        self.lat = latitudes[:, None]
        self.lw = -longitudes[:, None]
        self.s = solar
        self.m0 = _unwind(solar.ra[None, :] + self.lw - solar.sidereal[None, :]) / 360.0
        self.m0 = self.m0 - np.floor(self.m0)
        # Keep the transit within half a day of local mean noon (12:00 - longitude/15 UTC).
        # Near the 180th meridian that noon falls on the UTC midnight and adhan's transit,
        # bound to the UTC day, wraps to either end of it from one day to the next: the night
        # then comes out negative or a day long (adhanpy: Fajr after sunrise at 178.6 W on
        # 12 July 1999). Elsewhere this changes nothing.
        mean_noon = (12.0 + self.lw / 15.0) / 24.0
        self.m0 = self.m0 - np.round(self.m0 - mean_noon)

    def transit(self) -> np.ndarray:
        s = self.s
        theta = _unwind(s.sidereal + 360.985647 * self.m0)
        alpha = _unwind(_interpolate_angles(s.ra, s.ra_prev, s.ra_next, self.m0))
        hour_angle = _closest_angle(theta - self.lw - alpha)
        return (self.m0 - hour_angle / 360) * 24

    def at_altitude(self, altitude: np.ndarray | float, after_transit: bool) -> np.ndarray:
        """When the sun's centre is at `altitude` degrees; NaN where it never gets there."""
        s = self.s
        lat = np.radians(self.lat)
        altitude = np.asarray(altitude, dtype=float)
        cos_h0 = (np.sin(np.radians(altitude)) - np.sin(lat) * np.sin(np.radians(s.decl))) / (
            np.cos(lat) * np.cos(np.radians(s.decl))
        )
        with np.errstate(invalid="ignore"):
            h0 = np.degrees(np.arccos(cos_h0))
        m = self.m0 + h0 / 360 if after_transit else self.m0 - h0 / 360
        theta = _unwind(s.sidereal + 360.985647 * m)
        alpha = _unwind(_interpolate_angles(s.ra, s.ra_prev, s.ra_next, m))
        delta = _interpolate(s.decl, s.decl_prev, s.decl_next, m)
        hour_angle = theta - self.lw - alpha
        h = np.degrees(
            np.arcsin(
                np.sin(lat) * np.sin(np.radians(delta))
                + np.cos(lat) * np.cos(np.radians(delta)) * np.cos(np.radians(hour_angle))
            )
        )
        correction = (h - altitude) / (
            360 * np.cos(np.radians(delta)) * np.cos(lat) * np.sin(np.radians(hour_angle))
        )
        # When the sun only just reaches `altitude` at the bottom of its path, sin(H) is near
        # zero and Meeus' one-step correction blows up (adhanpy then puts Isha hours before
        # sunset: 18:35 UTC at 51.79 N on 17 July 2038). A correction of more than an hour means
        # the angle is, for practical purposes, not reached, and the high-latitude rule decides.
        return np.where(np.abs(correction) > 1 / 24, np.nan, (m + correction) * 24)

    def asr(self, shadow_length: float) -> np.ndarray:
        tangent = np.abs(self.lat - self.s.decl[None, :])
        altitude = np.degrees(np.arctan(1.0 / (shadow_length + np.tan(np.radians(tangent)))))
        return self.at_altitude(altitude, after_transit=True)


def _days_since_solstice(
    day_of_year: np.ndarray, leap: np.ndarray, latitude: np.ndarray
) -> np.ndarray:
    days_in_year = np.where(leap, 366, 365)
    northern = day_of_year + 10
    northern = np.where(northern >= days_in_year, northern - days_in_year, northern)
    southern = day_of_year - np.where(leap, 173, 172)
    southern = np.where(southern < 0, southern + days_in_year, southern)
    return np.where(latitude >= 0, northern, southern)


def _seasonal_minutes(
    latitude: np.ndarray, dyy: np.ndarray, abcd: tuple[float, ...], signs: tuple[int, ...]
) -> np.ndarray:
    """The Moonsighting Committee's piecewise-linear twilight length, in minutes."""
    lat = np.abs(latitude)
    a, b, c, d = (75 + sign * k / 55.0 * lat for k, sign in zip(abcd, signs, strict=True))
    return np.select(
        [dyy < 91, dyy < 137, dyy < 183, dyy < 229, dyy < 275],
        [
            a + (b - a) / 91.0 * dyy,
            b + (c - b) / 46.0 * (dyy - 91),
            c + (d - c) / 46.0 * (dyy - 137),
            d + (c - d) / 46.0 * (dyy - 183),
            c + (b - c) / 46.0 * (dyy - 229),
        ],
        b + (a - b) / 91.0 * (dyy - 275),
    )


def prayer_seconds(
    latitudes: Sequence[float] | np.ndarray,
    longitudes: Sequence[float] | np.ndarray,
    dates: Sequence[date],
    settings: PrayerSettings,
) -> np.ndarray:
    """Start times as whole-minute UNIX seconds (UTC), shape (sites, days, 6) in PRAYERS order.

    All sites share `settings`; each gets the high-latitude rule in force at its latitude.
    Raises NoSunriseOrSunset when any day has no sunrise or sunset (inside the polar circles),
    and ValueError for impossible coordinates or a rule the method does not offer.
    """
    lat = np.asarray(latitudes, dtype=float)
    lon = np.asarray(longitudes, dtype=float)
    if lat.shape != lon.shape or lat.ndim != 1:
        raise ValueError("latitudes and longitudes must be one-dimensional and of equal length")
    if np.any(np.abs(lat) > 90) or np.any(np.abs(lon) > 180) or not np.all(np.isfinite(lat)):
        raise ValueError("latitude must be within -90..90 and longitude within -180..180")
    if not dates:
        return np.zeros((len(lat), 0, 6), dtype=np.int64)
    params = METHOD_PARAMETERS[settings.method]
    sky = _Sky(lat, lon, _solar_days(dates))
    midnight = np.array([calendar.timegm(d.timetuple()) for d in dates], dtype=np.float64)[None, :]
    tomorrow = _Sky(lat, lon, _solar_days([d + timedelta(days=1) for d in dates]))

    def seconds(hours: np.ndarray) -> np.ndarray:
        # the Adhan libraries keep whole seconds (TimeComponents truncates) before rounding
        return midnight + np.floor(hours * 3600.0)

    transit = seconds(sky.transit())
    sunrise = seconds(sky.at_altitude(SUNRISE_ALTITUDE, after_transit=False))
    sunset = seconds(sky.at_altitude(SUNRISE_ALTITUDE, after_transit=True))
    next_sunrise = (
        midnight
        + 86400
        + np.floor(tomorrow.at_altitude(SUNRISE_ALTITUDE, after_transit=False) * 3600.0)
    )
    if np.isnan(sunrise).any() or np.isnan(sunset).any() or np.isnan(next_sunrise).any():
        bad_site, bad_day = np.argwhere(
            np.isnan(sunrise) | np.isnan(sunset) | np.isnan(next_sunrise)
        )[0]
        raise NoSunriseOrSunset(
            f"the sun does not both rise and set at latitude {lat[bad_site]:.4f} "
            f"on {dates[bad_day].isoformat()}: no rule gives prayer times there"
        )
    night = next_sunrise - sunset
    asr = seconds(sky.asr(2.0 if settings.madhab is Madhab.HANAFI else 1.0))

    fajr_by_angle = seconds(sky.at_altitude(-params.fajr_angle, after_transit=False))
    isha_by_angle = seconds(sky.at_altitude(-params.isha_angle, after_transit=True))
    # The bounds subtract and add fractions of a second as adhan-js does: its Date keeps the
    # fraction and its rounding reads whole seconds, so a bound before sunrise loses the
    # fraction downwards (adhanpy truncates both towards sunset; a second later at Fajr).
    if settings.method is CalculationMethod.MOONSIGHTING_COMMITTEE:
        check_rule(settings)  # any rule is accepted: the committee's own applies
        fajr, isha = _committee_bounds(
            sky.lat, dates, sunrise, sunset, night, fajr_by_angle, isha_by_angle
        )
    else:
        portions = np.array(
            [_night_portions(rule_in_force(settings, float(x)), params) for x in lat]
        )
        safe_fajr = sunrise - np.ceil(portions[:, :1] * night)
        fajr = np.where(
            np.isnan(fajr_by_angle) | (fajr_by_angle < safe_fajr), safe_fajr, fajr_by_angle
        )
        safe_isha = sunset + np.floor(portions[:, 1:] * night)
        isha = np.where(
            np.isnan(isha_by_angle) | (isha_by_angle > safe_isha), safe_isha, isha_by_angle
        )
    if params.isha_interval_minutes:
        isha = sunset + 60.0 * params.isha_interval_minutes

    maghrib = sunset
    if params.maghrib_angle:
        # Tehran: Maghrib when the sun is 4.5 degrees down, if that comes before Isha (adhan-js).
        # Far north, Isha's seventh-of-the-night bound can fall on that minute; we keep five
        # minutes between them (falling back to sunset) so the two never print the same time.
        by_angle = seconds(sky.at_altitude(-params.maghrib_angle, after_transit=True))
        usable = ~np.isnan(by_angle) & (by_angle > sunset) & (by_angle <= isha - 300)
        maghrib = np.where(usable, by_angle, sunset)

    stacked = np.stack([fajr, sunrise, transit, asr, maghrib, isha], axis=-1)
    adjustments = np.array(params.adjustments) + np.array(settings.adjustments_minutes)
    stacked = stacked + 60.0 * adjustments
    if np.isnan(stacked).any():
        raise NoSunriseOrSunset("the sun never reaches the Asr shadow length there that day")
    whole_seconds = stacked.astype(np.int64)
    if params.round_up:
        return (whole_seconds // 60 + 1) * 60
    # nearest minute, half a minute up, as adhan-js, adhan-swift and adhan-java round
    return (whole_seconds + 30) // 60 * 60


def _committee_bounds(
    latitude: np.ndarray,
    dates: Sequence[date],
    sunrise: np.ndarray,
    sunset: np.ndarray,
    night: np.ndarray,
    fajr_by_angle: np.ndarray,
    isha_by_angle: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fajr and Isha by the Moonsighting Committee's rule, as adhan-js computes them.

    Below 55 degrees north the 18-degree angle, bounded by Shaukat's seasonal twilight; from
    55 the last and first seventh of the night instead of the angle, bounded by the same curve.
    """
    day_of_year = np.array([d.timetuple().tm_yday for d in dates])[None, :]
    leap = np.array([calendar.isleap(d.year) for d in dates])[None, :]
    dyy = _days_since_solstice(day_of_year, leap, latitude)
    far_north = latitude >= COMMITTEE_SEVENTH_FROM_LATITUDE
    fajr = np.where(far_north, sunrise - np.ceil(night / 7.0), fajr_by_angle)
    isha = np.where(far_north, sunset + np.floor(night / 7.0), isha_by_angle)
    # Math.round(x) in adhan-js is floor(x + 0.5), also for the negative morning offset
    morning = _seasonal_minutes(latitude, dyy, (28.65, 19.44, 32.74, 48.10), (1, 1, 1, 1))
    evening = _seasonal_minutes(latitude, dyy, (25.60, 2.050, 9.210, 6.140), (1, 1, -1, 1))
    safe_fajr = sunrise + np.floor(-60.0 * morning + 0.5)
    safe_isha = sunset + np.floor(60.0 * evening + 0.5)
    fajr = np.where(np.isnan(fajr) | (fajr < safe_fajr), safe_fajr, fajr)
    isha = np.where(np.isnan(isha) | (isha > safe_isha), safe_isha, isha)
    return fajr, isha


def _night_portions(rule: HighLatitudeRule, params: MethodParameters) -> tuple[float, float]:
    if rule is HighLatitudeRule.MIDDLE_OF_THE_NIGHT:
        return 0.5, 0.5
    if rule is HighLatitudeRule.SEVENTH_OF_THE_NIGHT:
        return 1 / 7, 1 / 7
    return params.fajr_angle / 60.0, params.isha_angle / 60.0


def prayer_timetable(
    latitude: float,
    longitude: float,
    start: date,
    days: int,
    settings: PrayerSettings | None = None,
    timezone: str = "Europe/London",
) -> PrayerTimetable:
    """Start times for one place over `days` consecutive days, in the place's local time."""
    settings = settings or PrayerSettings()
    zone = ZoneInfo(timezone)
    dates = [start + timedelta(days=k) for k in range(days)]
    table = prayer_seconds([latitude], [longitude], dates, settings)[0]
    rows = []
    for day, times in zip(dates, table, strict=True):
        local = [datetime.fromtimestamp(int(t), UTC).astimezone(zone) for t in times]
        rows.append(PrayerDay(day, *local))
    return PrayerTimetable(
        latitude=latitude,
        longitude=longitude,
        timezone=timezone,
        settings=settings,
        high_latitude_rule=rule_in_force(settings, latitude).value,
        days=tuple(rows),
    )


def sun_depression_seconds(
    latitudes: Sequence[float] | np.ndarray,
    longitudes: Sequence[float] | np.ndarray,
    dates: Sequence[date],
    degrees_below: float,
    evening: bool = True,
) -> np.ndarray:
    """When the sun is `degrees_below` the horizon (UNIX seconds, NaN if never), shape (sites, days).

    Sunset itself is `degrees_below = 50/60`.
    """
    sky = _Sky(
        np.asarray(latitudes, dtype=float), np.asarray(longitudes, dtype=float), _solar_days(dates)
    )
    midnight = np.array([calendar.timegm(d.timetuple()) for d in dates], dtype=np.float64)[None, :]
    return midnight + np.floor(sky.at_altitude(-degrees_below, after_transit=evening) * 3600.0)
