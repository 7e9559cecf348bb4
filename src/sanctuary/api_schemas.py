"""What every app's API shares: error answers and value types, as the OpenAPI schema states them."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema, model_validator


class Error(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationFailure(Schema):
    detail: str
    errors: list[FieldError]


def _clock(value: time) -> str:
    return value.strftime("%H:%M:%S")


# A local time of day, "20:00:00". Not JSON Schema's "time" format, which demands a UTC offset
# that a time on a mosque's notice board does not have.
LocalTime = Annotated[
    time,
    PlainSerializer(_clock, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
            "description": "Local time of day at the site, HH:MM:SS.",
            "examples": ["20:00:00"],
        }
    ),
]


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store it, and no text a person types holds it
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\x00), which no text may hold")
    return value


# Every text the API takes in, in a body or a query string. The schema says what the check does
# (the pattern is for the schema's readers; the check gives the clearer message).
Text = Annotated[
    str, AfterValidator(_no_nul), Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})
]


class Body(Schema):
    """A request body: a JSON object, never null, a number, a string or a list."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja hands schemas what they read wrapped, so that they can read objects too
        found = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(found, dict):
            kind = "null" if found is None else type(found).__name__
            raise ValueError(f"the body must be a JSON object, not {kind}")
        return data
