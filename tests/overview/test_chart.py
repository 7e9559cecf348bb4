"""The cross-faith chart's geometry (overview/chart.py), by its properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanctuary.overview.chart import LABEL, VALUE, WIDTH, chart, panel

values = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=12),
        st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        st.just("x"),
    ),
    min_size=1,
    max_size=8,
)
ROOM = WIDTH - LABEL - VALUE


@given(values)
def test_every_bar_stays_in_the_room_for_bars(rows):
    for bar in panel("t", rows).bars:
        assert bar.x == LABEL
        assert 0 <= bar.width <= ROOM + 1e-9
        assert bar.value_x <= WIDTH - VALUE + 4 + 1e-9


@given(values)
def test_bars_are_proportional_to_the_largest_magnitude(rows):
    bars = panel("t", rows).bars
    biggest = max((abs(v) for _, v, _ in rows if v is not None), default=0.0)
    for bar, (_, value, _) in zip(bars, rows, strict=True):
        if value is None or biggest == 0:
            assert bar.width == 0
        else:
            assert abs(bar.width - abs(value) / biggest * ROOM) <= 0.01
        assert bar.negative == (value is not None and value < 0)
    if biggest > 0:
        assert max(bar.width for bar in bars) == round(ROOM, 2)


@given(st.lists(values, min_size=1, max_size=5))
def test_panels_stack_without_overlapping_and_bars_keep_the_rows_order(groups):
    drawn = chart([(f"p{i}", rows) for i, rows in enumerate(groups)])
    bottom = 0.0
    for made, rows in zip(drawn.panels, groups, strict=True):
        assert made.y >= bottom
        ys = [bar.y for bar in made.bars]
        assert ys == sorted(ys) and len(set(ys)) == len(ys)
        assert [bar.label for bar in made.bars] == [label for label, _, _ in rows]
        assert all(made.y < y and y + bar.height <= made.y + made.height
                   for y, bar in zip(ys, made.bars, strict=True))
        bottom = made.y + made.height
    assert drawn.height >= bottom
