"""One error type for bad solver input, and the small readers that raise it.

The solver core refuses bad input itself (so a caller other than the CLI gets the same
checks); the CLI turns :class:`InvalidInput` into its one-line failure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any


class InvalidInput(ValueError):
    """The problem document is malformed; the message says what is wrong and where."""


def require_mapping(document: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(document, Mapping):
        raise InvalidInput(f"{where}: expected a JSON object, got {_json_type(document)}")
    return document


def require_list(document: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = require_field(document, key, where)
    if not isinstance(value, list):
        raise InvalidInput(f"{where}: field '{key}' must be a list, got {_json_type(value)}")
    return value


def require_field(document: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in document:
        raise InvalidInput(f"{where}: missing field '{key}'")
    return document[key]


def require_number(document: Mapping[str, Any], key: str, where: str) -> float:
    """A finite JSON number (booleans are not numbers here, although Python says so)."""
    value = require_field(document, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where}: field '{key}' must be a number, got {_json_type(value)}")
    if not math.isfinite(value):
        raise InvalidInput(f"{where}: field '{key}' must be finite, got {value}")
    return float(value)


def require_id(document: Mapping[str, Any], key: str, where: str) -> str:
    value = require_field(document, key, where)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}: field '{key}' must be a non-empty string")
    return value


def require_time(document: Mapping[str, Any], key: str, where: str) -> datetime:
    """An ISO 8601 time with a UTC offset: a bare local time is ambiguous across clock changes."""
    value = require_field(document, key, where)
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: field '{key}' must be an ISO 8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{where}: field '{key}' is not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"{where}: field '{key}' has no UTC offset: {value!r} (write e.g. {value}+00:00)"
        )
    return moment


def refuse_duplicates(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise InvalidInput(f"{what}: duplicate id {identifier!r}")
        seen.add(identifier)


def _json_type(value: Any) -> str:
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
