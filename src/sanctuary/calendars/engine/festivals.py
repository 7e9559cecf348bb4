"""Festivals and observances of the seven faiths, by Gregorian year.

Islamic dates come from the Umm al-Qura calendar (hijridate), Hebrew dates from convertdate,
Easter from dateutil; lunisolar Hindu, Sikh and Buddhist festivals from a table shipped in
data/lunisolar_festivals.json, whose years are stated and outside which a year is refused.
Sources for every rule are listed in docs/calendars.md.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

from convertdate import hebrew
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from hijridate import Hijri

from sanctuary.calendars.engine.model import Faith

UMM_AL_QURA_SOURCE = (
    "Umm al-Qura calendar (hijridate 2.6), shifted by the site's moon-sighting offset"
)
HEBREW_SOURCE = "Hebrew calendar (convertdate.hebrew), diaspora observance"
# Years the computed calendars are trusted for; hijridate's Umm al-Qura table is 1343-1500 AH.
ISLAMIC_YEARS = range(1925, 2077)
COMPUTED_YEARS = range(1900, 2101)


class YearNotCovered(ValueError):
    """The year lies outside a festival table or calendar; we refuse rather than guess."""


@dataclass(frozen=True)
class Festival:
    name: str
    faith: Faith
    start: date  # the day itself, not the eve
    end: date  # inclusive
    uncertainty_days: int
    source: str

    def days(self) -> list[date]:
        return [self.start + timedelta(days=k) for k in range((self.end - self.start).days + 1)]

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "faith": self.faith.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "uncertainty_days": self.uncertainty_days,
            "source": self.source,
        }


# Umm al-Qura (month, day) of each Islamic observance and its length in days.
ISLAMIC_OBSERVANCES: tuple[tuple[str, int, int], ...] = (
    ("Islamic New Year", 1, 1),
    ("Ashura", 1, 10),
    ("Mawlid", 3, 12),
    ("Ramadan", 9, 1),
    ("Eid al-Fitr", 10, 1),
    ("Eid al-Adha", 12, 10),
)


def islamic_festivals(
    year: int, moon_sighting_offset: int = 0, confirmed: Iterable[tuple[str, date]] = ()
) -> list[Festival]:
    """Islamic observances starting in `year`.

    A site following local moon sighting sets `moon_sighting_offset` (-1, 0, +1). Every date is
    uncertain by a day until the site confirms it: pass ("Eid al-Fitr", the confirmed date).
    """
    if year not in ISLAMIC_YEARS:
        raise YearNotCovered(
            f"Islamic dates are available for {ISLAMIC_YEARS.start}-{ISLAMIC_YEARS.stop - 1} "
            f"(the Umm al-Qura table of hijridate), not {year}"
        )
    confirmed_dates = dict(confirmed)
    shift = timedelta(days=moon_sighting_offset)
    approximate_hijri = int((year - 622) * 33 / 32)
    found = []
    for hijri_year in range(max(1343, approximate_hijri - 1), min(1500, approximate_hijri + 2) + 1):
        for name, month, day in ISLAMIC_OBSERVANCES:
            gregorian = Hijri(hijri_year, month, day).to_gregorian()
            start = date(gregorian.year, gregorian.month, gregorian.day) + shift
            end = start
            if name == "Ramadan":
                end = start + timedelta(days=Hijri(hijri_year, 9, 1).month_length() - 1)
            if name in confirmed_dates:
                # a confirmed date is the one within a day or two of the table's
                candidate = confirmed_dates[name]
                if abs((candidate - start).days) <= 2:
                    end = end + (candidate - start)
                    start = candidate
                    found.append(
                        Festival(name, Faith.ISLAM, start, end, 0, "confirmed by the site")
                    )
                    continue
            found.append(Festival(name, Faith.ISLAM, start, end, 1, UMM_AL_QURA_SOURCE))
    return sorted((f for f in found if f.start.year == year), key=lambda f: (f.start, f.name))


def christian_festivals(year: int) -> list[Festival]:
    _require_computed(year)
    western = easter(year, EASTER_WESTERN)
    orthodox = easter(year, EASTER_ORTHODOX)
    source = "Easter by dateutil.easter (Gregorian computus)"
    festivals = [
        Festival(
            "Ash Wednesday",
            Faith.CHRISTIANITY,
            western - timedelta(days=46),
            western - timedelta(days=46),
            0,
            source + ", 46 days before Easter",
        ),
        Festival(
            "Good Friday",
            Faith.CHRISTIANITY,
            western - timedelta(days=2),
            western - timedelta(days=2),
            0,
            source + ", 2 days before Easter",
        ),
        Festival("Easter", Faith.CHRISTIANITY, western, western, 0, source),
        Festival(
            "Orthodox Easter",
            Faith.CHRISTIANITY,
            orthodox,
            orthodox,
            0,
            "dateutil.easter EASTER_ORTHODOX (Julian computus, Gregorian date)",
        ),
        Festival(
            "Christmas",
            Faith.CHRISTIANITY,
            date(year, 12, 25),
            date(year, 12, 25),
            0,
            "fixed: 25 December",
        ),
    ]
    return sorted(festivals, key=lambda f: f.start)


def _hebrew_span(name: str, hebrew_year: int, month: int, day: int, length: int) -> Festival:
    with warnings.catch_warnings():
        # convertdate 2.4 calls its own deprecated month_days internally
        warnings.simplefilter("ignore", DeprecationWarning)
        start = date(*hebrew.to_gregorian(hebrew_year, month, day))
    return Festival(
        name, Faith.JUDAISM, start, start + timedelta(days=length - 1), 0, HEBREW_SOURCE
    )


def jewish_festivals(year: int) -> list[Festival]:
    """Festivals as kept outside Israel (two-day Yom Tov: Passover 8 days, Shavuot 2)."""
    _require_computed(year)
    spring_year = year + 3760  # Nisan and Sivan fall in the Hebrew year that began last autumn
    autumn_year = year + 3761  # Tishri and Kislev begin the Hebrew year
    festivals = [
        _hebrew_span("Passover", spring_year, 1, 15, 8),
        _hebrew_span("Shavuot", spring_year, 3, 6, 2),
        _hebrew_span("Rosh Hashanah", autumn_year, 7, 1, 2),
        _hebrew_span("Yom Kippur", autumn_year, 7, 10, 1),
        _hebrew_span("Sukkot", autumn_year, 7, 15, 7),
        _hebrew_span("Hanukkah", autumn_year, 9, 25, 8),
    ]
    return sorted(festivals, key=lambda f: f.start)


@cache
def _lunisolar_table() -> dict[str, Any]:
    text = (
        resources.files("sanctuary.calendars.engine")
        .joinpath("data/lunisolar_festivals.json")
        .read_text(encoding="utf-8")
    )
    table: dict[str, Any] = json.loads(text)
    return table


def table_years(name: str) -> range:
    """The years the shipped table covers for one lunisolar festival."""
    entry = _lunisolar_table()["festivals"][name]
    years = [int(y) for y in entry["dates"]]
    return range(min(years), max(years) + 1)


def table_festivals(year: int, faith: Faith) -> list[Festival]:
    table = _lunisolar_table()
    festivals: list[Festival] = []
    for name, entry in table["festivals"].items():
        if entry["faith"] != faith.value:
            continue
        covered = table_years(name)
        if year not in covered:
            raise YearNotCovered(
                f"{name} dates are tabled for {covered.start}-{covered.stop - 1} only, not {year}"
            )
        for text in entry["dates"][str(year)]:
            start = date.fromisoformat(text)
            end = start + timedelta(days=entry["length_days"] - 1)
            festivals.append(
                Festival(name, faith, start, end, int(table["uncertainty_days"]), entry["source"])
            )
    if faith is Faith.SIKHISM:
        _require_computed(year)
        vaisakhi = date(year, 4, 14)
        festivals.append(
            Festival(
                "Vaisakhi", faith, vaisakhi, vaisakhi, 0, "Nanakshahi calendar: fixed on 14 April"
            )
        )
    return sorted(festivals, key=lambda f: (f.start, f.name))


def _require_computed(year: int) -> None:
    if year not in COMPUTED_YEARS:
        raise YearNotCovered(
            f"festival dates are computed for {COMPUTED_YEARS.start}-{COMPUTED_YEARS.stop - 1}, not {year}"
        )


def festivals(
    year: int,
    faith: Faith | None = None,
    moon_sighting_offset: int = 0,
    confirmed: Iterable[tuple[str, date]] = (),
) -> list[Festival]:
    """Every festival starting in `year`, for one faith or all of them, in date order."""
    faiths = [faith] if faith is not None else list(Faith)
    found: list[Festival] = []
    for one in faiths:
        if one is Faith.ISLAM:
            found += islamic_festivals(year, moon_sighting_offset, confirmed)
        elif one is Faith.CHRISTIANITY:
            found += christian_festivals(year)
        elif one is Faith.JUDAISM:
            found += jewish_festivals(year)
        elif one in (Faith.SIKHISM, Faith.HINDUISM, Faith.BUDDHISM):
            found += table_festivals(year, one)
    return sorted(found, key=lambda f: (f.start, f.name))


FESTIVAL_NAMES: dict[str, Faith] = {
    **{name: Faith.ISLAM for name, _, _ in ISLAMIC_OBSERVANCES},
    **{
        name: Faith.CHRISTIANITY
        for name in ("Easter", "Orthodox Easter", "Good Friday", "Ash Wednesday", "Christmas")
    },
    **{
        name: Faith.JUDAISM
        for name in ("Rosh Hashanah", "Yom Kippur", "Sukkot", "Passover", "Shavuot", "Hanukkah")
    },
    **{
        name: Faith.SIKHISM
        for name in (
            "Vaisakhi",
            "Guru Nanak Gurpurab",
            "Guru Gobind Singh Gurpurab",
            "Bandi Chhor Divas",
        )
    },
    **{name: Faith.HINDUISM for name in ("Diwali", "Navaratri", "Holi", "Janmashtami")},
    "Vesak": Faith.BUDDHISM,
}
