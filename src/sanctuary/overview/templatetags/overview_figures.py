"""How a figure or a table's cell reads on the pages and in the PDF (one wording for both)."""

from django import template

from sanctuary.figures import Figure
from sanctuary.overview import compose

register = template.Library()


@register.filter
def shown(figure: Figure | None) -> str:
    return compose.shown(figure) if figure is not None else "—"


@register.filter
def cell(value: object) -> str:
    return compose.cell(value)


@register.filter
def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
