"""The partnership's picture, composed from every source's figures (sources.py): the home page's
figures, the cross-faith table and chart of an area, the monthly report of an area.

Nothing here reads a domain's tables: each source reads through its own doors for the actor it
is given. A source without one of the three functions simply has nothing to say there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

from sanctuary.access.actor import Actor
from sanctuary.figures import Figure, Number, Table
from sanctuary.overview import chart as charts
from sanctuary.overview import policy
from sanctuary.overview.sources import SOURCES
from sanctuary.registry.models import Area, Faith


def _sources(function: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    for path in SOURCES:
        module: ModuleType = importlib.import_module(path)
        found = getattr(module, function, None)
        if found is not None:
            title = getattr(module, "TITLE", path.split(".")[-2].capitalize())
            yield title, found


def shown(figure: Figure) -> str:
    """A figure's value as a person reads it (the pages and the PDF say it alike)."""
    value = figure.value
    if value is None:  # the note says why: a small count, nothing to know, or not yours
        if figure.note.startswith("fewer than 5"):
            return "fewer than 5"
        return "—" if figure.note.startswith("not known") else "not shown"
    if isinstance(value, float):
        text = f"{value:,.1f}"
    elif isinstance(value, Decimal) and value != int(value):
        text = f"{value:,.2f}"
    else:
        text = f"{int(value):,}"
    if figure.unit == "£":
        return f"£{text}"
    return f"{text}{figure.unit}"


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def home(actor: Actor) -> list[Section]:
    return [Section(title, list(function(actor))) for title, function in _sources("home")]


# --- across faiths ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    link: str


@dataclass
class FaithRow:
    faith: str
    label: str
    cells: list[Figure | None]


@dataclass
class AcrossFaiths:
    area: Area
    columns: list[Column]
    rows: list[FaithRow]
    chart: charts.Chart


def _number(value: Number | None) -> float | None:
    return None if value is None else float(value)


def by_faith(actor: Actor, area: Area) -> AcrossFaiths:
    sites = policy.sites_by_faith(actor, area)
    per_faith: dict[str, list[Figure]] = {
        faith: [Figure("sites", "Sites", sites.get(faith, 0), link=f"/sites/?area={area.code}&faith={faith}")]
        for faith in Faith.values
    }
    for _, function in _sources("by_faith"):
        found: dict[str, list[Figure]] = function(actor, area)
        for faith in Faith.values:
            per_faith[faith].extend(found.get(faith, []))
    columns: dict[str, Column] = {}
    for figures in per_faith.values():
        for figure in figures:
            columns.setdefault(figure.key, Column(figure.key, figure.label, figure.link))
    labels = dict(Faith.choices)
    rows = []
    for faith in Faith.values:
        by_key = {figure.key: figure for figure in per_faith[faith]}
        if not sites.get(faith) and not any(f.value for f in per_faith[faith]):
            continue  # a faith with no site here and nothing to count
        rows.append(FaithRow(faith, str(labels[faith]), [by_key.get(key) for key in columns]))
    panels = [
        (
            column.label,
            [
                (row.label, _number(cell.value) if cell else None, shown(cell) if cell else "—")
                for row, cell in ((row, row.cells[index]) for row in rows)
            ],
        )
        for index, column in enumerate(columns.values())
    ]
    return AcrossFaiths(area, list(columns.values()), rows, charts.chart(panels))


# --- the month ------------------------------------------------------------------------------------


def month(actor: Actor, area: Area, start: date, end: date) -> list[Section]:
    sections = []
    for title, function in _sources("month"):
        section = Section(title)
        for item in function(actor, area, start, end):
            (section.tables if isinstance(item, Table) else section.figures).append(item)
        if section.figures or section.tables:
            sections.append(section)
    return sections


def cell(value: object) -> str:
    """A table's cell as a person reads it: None is a count too small to show, or not known."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
