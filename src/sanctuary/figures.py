"""What a domain tells the partnership's picture: the staff home page, the cross-faith view of an
area and the monthly report (the `overview` app composes them).

Each domain that has something to say keeps a `figures.py` of its own with up to three functions,
each reading only through the domain's doors (so an actor sees only their areas' figures):

    home(actor) -> list[Figure]
        what needs attention now (open incidents, overdue actions, the fund's open round)
    by_faith(actor, area) -> dict[str, list[Figure]]
        per faith (registry's Faith values), the same figures for every faith
    month(actor, area, start, end) -> list[Figure | Table]
        the month from start (inclusive) to end (exclusive), for the monthly report

This module holds only the shapes, so that the domains and the overview agree without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal


@dataclass(frozen=True)
class Figure:
    key: str  # stable across faiths and months: "incidents.open", "fund.awarded"
    label: str  # what a person reads: "Open incidents"
    value: Number | None  # None: not known, or a count too small to show
    link: str = ""  # the page that explains it
    unit: str = ""  # "£", "%", "" for a count
    note: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | Number | None, ...], ...] = field(default_factory=tuple)
