"""The cross-faith chart's geometry: small multiples of horizontal bars, one panel per figure,
one bar per faith, each panel scaled to its own largest value (docs/overview.md, "The chart").

Plain Python, no Django: the template only draws the rectangles and labels computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 360.0  # the drawing's width in user units (it scales to the page)
LABEL = 120.0  # the faith's name to the left of the bars
VALUE = 56.0  # the value's text to the right
BAR = 16.0
GAP = 6.0
TITLE = 26.0


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as shown ("12", "45%", "not shown")
    x: float
    y: float
    width: float
    negative: bool

    @property
    def height(self) -> float:
        return BAR

    @property
    def text_y(self) -> float:
        """The baseline of the label and the value beside the bar."""
        return self.y + BAR - 4

    @property
    def value_x(self) -> float:
        return self.x + self.width + 4


@dataclass(frozen=True)
class Panel:
    title: str
    y: float  # the panel's top in the drawing
    height: float
    bars: tuple[Bar, ...]

    @property
    def title_y(self) -> float:
        return self.y + TITLE - 8


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    panels: tuple[Panel, ...]


def panel(title: str, values: Sequence[tuple[str, float | None, str]], top: float = 0.0) -> Panel:
    """One panel: values are (label, value or None, text); a bar's width is |value| over the
    panel's largest |value|, times the room for bars. None (not known, or too small to show)
    and zero draw no bar; a negative value (a fall in risk) draws its bar flagged."""
    room = WIDTH - LABEL - VALUE
    biggest = max((abs(v) for _, v, _ in values if v is not None), default=0.0)
    bars = []
    for index, (label, value, text) in enumerate(values):
        share = abs(value) / biggest if value is not None and biggest > 0 else 0.0
        bars.append(
            Bar(
                label=label,
                text=text,
                x=LABEL,
                y=top + TITLE + index * (BAR + GAP),
                width=round(share * room, 2),
                negative=value is not None and value < 0,
            )
        )
    return Panel(title, top, TITLE + len(values) * (BAR + GAP), tuple(bars))


def chart(panels: Sequence[tuple[str, Sequence[tuple[str, float | None, str]]]]) -> Chart:
    """Panels one under another."""
    found, top = [], 0.0
    for title, values in panels:
        made = panel(title, values, top)
        found.append(made)
        top += made.height + GAP
    return Chart(WIDTH, top, tuple(found))
