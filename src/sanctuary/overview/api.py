"""The partnership's picture as data: an area's faiths side by side and its monthly report, for
the staff of the area (the pages' doors; another area answers 404 like a missing one)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from sanctuary.access.actor import Actor
from sanctuary.api_schemas import Error, ValidationFailure
from sanctuary.figures import Figure, Table
from sanctuary.overview import compose, policy
from sanctuary.overview.forms import next_month

router = Router(tags=["overview"])

Value = int | float | str | None


def _value(value: object) -> Value:
    if isinstance(value, Decimal):
        return float(value)
    return value  # type: ignore[return-value]


class FigureOut(Schema):
    key: str
    label: str
    value: int | float | None = Field(description="null: not shown to you, not known, or a "
                                                  "count of 1 to 4 hidden (the note says which)")
    shown: str = Field(description="The value as the pages write it.")
    unit: str
    note: str
    link: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Value]]


def _figure(figure: Figure) -> FigureOut:
    return FigureOut(key=figure.key, label=figure.label, value=_value(figure.value),  # type: ignore[arg-type]
                     shown=compose.shown(figure), unit=figure.unit, note=figure.note,
                     link=figure.link)


def _table(table: Table) -> TableOut:
    return TableOut(key=table.key, title=table.title, columns=list(table.columns),
                    rows=[[_value(v) for v in row] for row in table.rows])


class FaithOut(Schema):
    faith: str
    label: str
    figures: list[FigureOut]


class AcrossFaithsOut(Schema):
    area: str
    name: str
    faiths: list[FaithOut]


@router.get(
    "/overview/{code}/faiths",
    response={200: AcrossFaithsOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def across_faiths(request: HttpRequest, code: str) -> AcrossFaithsOut:
    """Per faith, the area's figures (the cross-faith view's table)."""
    actor = Actor.of(request)
    area = policy.get_area(actor, code)
    picture = compose.by_faith(actor, area)
    return AcrossFaithsOut(area=area.code, name=area.name, faiths=[
        FaithOut(faith=row.faith, label=row.label,
                 figures=[_figure(cell) for cell in row.cells if cell is not None])
        for row in picture.rows
    ])


class MonthQuery(Schema):
    month: str = Field(description="YYYY-MM", pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")

    @field_validator("month")
    @classmethod
    def _begun(cls, value: str) -> str:
        try:
            start = date.fromisoformat(f"{value}-01")
        except ValueError:
            raise ValueError(f"{value!r} is not a month: write it as YYYY-MM") from None
        if start > timezone.localdate():
            raise ValueError("that month has not begun yet")
        return value


class SectionOut(Schema):
    title: str
    figures: list[FigureOut]
    tables: list[TableOut]


class MonthlyOut(Schema):
    area: str
    name: str
    month: str
    start: date
    end: date
    sections: list[SectionOut]


@router.get(
    "/overview/{code}/monthly",
    response={200: MonthlyOut, 401: Error, 404: Error, 422: ValidationFailure},
)
def monthly(request: HttpRequest, code: str, query: Query[MonthQuery]) -> MonthlyOut:
    """The monthly partnership report's figures and tables, section by section."""
    actor = Actor.of(request)
    area = policy.get_area(actor, code)
    start = date.fromisoformat(f"{query.month}-01")
    end = next_month(start)
    return MonthlyOut(area=area.code, name=area.name, month=query.month, start=start, end=end,
                      sections=[
                          SectionOut(title=s.title, figures=[_figure(f) for f in s.figures],
                                     tables=[_table(t) for t in s.tables])
                          for s in compose.month(actor, area, start, end)
                      ])
