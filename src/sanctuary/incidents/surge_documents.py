"""The JSON of `sanctuary incidents surge`: daily counts, or incidents with their times.

Every refusal names the item and the field, on one line (docs/incidents.md, the command).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sanctuary.incidents.intraday import TimedSeries, moment_of, zone_info
from sanctuary.incidents.surge import DailyCount, DailySeries, InvalidSeries

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A time must say its offset: 14:05 in London is 13:05 or 14:05 UTC depending on the season.
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")
# The project's clock (settings.TIME_ZONE): days are London's calendar days unless told.
DEFAULT_ZONE = "Europe/London"
EVENT_FIELDS = ("events", "from", "as_of", "time_zone", "baseline_per_day")
EVENTS_ONLY = ("events", "from", "as_of", "time_zone")


def has_events(document: Any) -> bool:
    """Whether the document gives (or means to give) incidents with their times."""
    return isinstance(document, Mapping) and any(name in document for name in EVENTS_ONLY)


# --- Daily counts ------------------------------------------------------------------------------


def series_from_document(document: Any) -> tuple[DailySeries, float | None]:
    """Read ``{"series": [{"date", "count"}, ...], "baseline_per_day"?}`` with clear refusals."""
    if not isinstance(document, Mapping):
        raise InvalidSeries(
            f"expected a JSON object with a field 'series', got {json_type(document)}"
        )
    unknown = sorted(set(document) - {"series", "baseline_per_day"})
    if unknown:
        raise InvalidSeries(
            f"unknown field {unknown[0]!r} (expected 'series' and optionally 'baseline_per_day')"
        )
    if "series" not in document:
        raise InvalidSeries(
            "missing field 'series' (daily counts; or 'events', incidents with their times)"
        )
    items = document["series"]
    if not isinstance(items, list):
        raise InvalidSeries(
            f'field \'series\' must be a list of {{"date", "count"}} objects, '
            f"got {json_type(items)}"
        )
    if not items:
        raise InvalidSeries("field 'series' is empty: expected one count per day")
    baseline = read_baseline(document)
    days: list[DailyCount] = []
    for index, item in enumerate(items):
        where = f"series item {index}"
        if not isinstance(item, Mapping):
            raise InvalidSeries(
                f"{where}: expected an object with 'date' and 'count', got {json_type(item)}"
            )
        extra = sorted(set(item) - {"date", "count"})
        if extra:
            raise InvalidSeries(
                f"{where}: unknown field {extra[0]!r} (expected 'date' and 'count')"
            )
        day = _read_day(item, where)
        if days:
            _check_follows(day, days[-1].day, index, where)
        days.append(DailyCount(day, _read_count(item, where)))
    return DailySeries.from_days(days), baseline


def read_baseline(document: Mapping[str, Any]) -> float | None:
    """The optional field 'baseline_per_day' of a command's document."""
    if "baseline_per_day" not in document:
        return None
    value = document["baseline_per_day"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSeries(
            f"field 'baseline_per_day' must be a number > 0, got {json_type(value)}"
        )
    if not (math.isfinite(value) and value > 0):
        raise InvalidSeries(f"field 'baseline_per_day' must be a number > 0, got {value}")
    return float(value)


def _read_day(item: Mapping[str, Any], where: str) -> date:
    if "date" not in item:
        raise InvalidSeries(f"{where}: missing field 'date'")
    return _parse_day(item["date"], f"{where}: field 'date'")


def _check_follows(day: date, previous: date, index: int, where: str) -> None:
    if day == previous:
        raise InvalidSeries(f"{where}: field 'date' {day.isoformat()} repeats item {index - 1}'s")
    if day < previous:
        raise InvalidSeries(
            f"{where}: field 'date' {day.isoformat()} comes before item {index - 1}'s "
            f"{previous.isoformat()}: dates must run forward, one per day"
        )
    gap = (day - previous).days - 1
    if gap:
        raise InvalidSeries(
            f"{where}: field 'date' {day.isoformat()} leaves {gap} day{'s' if gap > 1 else ''} "
            f"missing after {previous.isoformat()}: give every day, with count 0 if none"
        )


def _read_count(item: Mapping[str, Any], where: str) -> int:
    if "count" not in item:
        raise InvalidSeries(f"{where}: missing field 'count'")
    value = item["count"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSeries(
            f"{where}: field 'count' must be a whole number >= 0, got {json_type(value)}"
        )
    if not math.isfinite(value) or value != int(value) or value < 0:
        raise InvalidSeries(f"{where}: field 'count' must be a whole number >= 0, got {value}")
    return int(value)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


# --- Incidents with their times ----------------------------------------------------------------


def record_from_document(document: Mapping[str, Any]) -> tuple[TimedSeries, float | None]:
    """Read ``{"events": [{"at"}, ...], "from", "as_of", "time_zone"?, "baseline_per_day"?}``."""
    if "series" in document:
        raise InvalidSeries(
            "give either 'series' (daily counts) or 'events' (incidents with their times), not both"
        )
    unknown = sorted(set(document) - set(EVENT_FIELDS))
    if unknown:
        raise InvalidSeries(
            f"unknown field {unknown[0]!r} (with 'events' expected 'from', 'as_of' and "
            "optionally 'time_zone' and 'baseline_per_day')"
        )
    if "events" not in document:
        raise InvalidSeries(
            "missing field 'events' (incidents with their times; or 'series', daily counts)"
        )
    if "from" not in document:
        raise InvalidSeries("missing field 'from' (the first day of the record, YYYY-MM-DD)")
    if "as_of" not in document:
        raise InvalidSeries(
            "missing field 'as_of' (the time up to which the events are complete, "
            "e.g. 2019-03-15T14:05:00Z)"
        )
    zone = _read_zone(document)
    clock = zone_info(zone)
    start = _parse_day(document["from"], "field 'from'")
    as_of_text = document["as_of"]
    as_of = _parse_instant(as_of_text, "field 'as_of'")
    end = moment_of(as_of, start, clock)
    if end <= 0:
        raise InvalidSeries(
            f"field 'as_of' {as_of_text} is not after the start of 'from' {start.isoformat()} "
            f"(midnight, {zone})"
        )
    items = document["events"]
    if not isinstance(items, list):
        raise InvalidSeries(
            f"field 'events' must be a list of {{\"at\"}} objects, got {json_type(items)}"
        )
    instants: list[datetime] = []
    for index, item in enumerate(items):
        where = f"events item {index}"
        if not isinstance(item, Mapping):
            raise InvalidSeries(f"{where}: expected an object with 'at', got {json_type(item)}")
        extra = sorted(set(item) - {"at"})
        if extra:
            raise InvalidSeries(f"{where}: unknown field {extra[0]!r} (expected 'at')")
        if "at" not in item:
            raise InvalidSeries(f"{where}: missing field 'at'")
        text = item["at"]
        instant = _parse_instant(text, f"{where}: field 'at'")
        moment = moment_of(instant, start, clock)
        if moment < 0:
            raise InvalidSeries(
                f"{where}: field 'at' {text} is before 'from' {start.isoformat()} ({zone})"
            )
        if moment > end:
            raise InvalidSeries(f"{where}: field 'at' {text} is after 'as_of' {as_of_text}")
        if moment == end == math.ceil(end):
            raise InvalidSeries(
                f"{where}: field 'at' {text} is at 'as_of', a midnight that ends the record: "
                "set 'as_of' later"
            )
        instants.append(instant)
    return TimedSeries.from_instants(instants, start, as_of, zone), read_baseline(document)


def _read_zone(document: Mapping[str, Any]) -> str:
    value = document.get("time_zone", DEFAULT_ZONE)
    if not isinstance(value, str):
        raise InvalidSeries(
            f"field 'time_zone' must be a name such as 'Europe/London', got {json_type(value)}"
        )
    try:
        zone_info(value)
    except InvalidSeries as error:
        raise InvalidSeries(f"field 'time_zone': {error}") from None
    return value


def _parse_day(value: Any, what: str) -> date:
    if not isinstance(value, str):
        raise InvalidSeries(f"{what} must be a string YYYY-MM-DD, got {json_type(value)}")
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidSeries(f"{what} is not a date YYYY-MM-DD: {value!r}") from None


def _parse_instant(value: Any, what: str) -> datetime:
    expected = "a date and time with its UTC offset, YYYY-MM-DDTHH:MM[:SS]Z or ±HH:MM"
    if not isinstance(value, str):
        raise InvalidSeries(f"{what} must be a string, {expected}, got {json_type(value)}")
    try:
        if not ISO_INSTANT.fullmatch(value):
            raise ValueError
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidSeries(f"{what} is not {expected}: {value!r}") from None
