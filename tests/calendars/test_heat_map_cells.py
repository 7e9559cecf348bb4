"""The heat map's cells: each with people is a link to the gatherings behind it, with a name a
screen reader says in full; every bucket's colours, in the cells and the legend, meet WCAG AA.

Contrast is computed from the stylesheet itself, as WCAG 2.2 defines it (success criterion
1.4.3 and its definitions of "contrast ratio" and "relative luminance": sRGB channels
linearised, L = 0.2126 R + 0.7152 G + 0.0722 B, ratio (L1 + 0.05) / (L2 + 0.05)); AA asks 4.5:1
for text of ordinary size, which the cells' small numbers are.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.calendars import borough
from sanctuary.calendars.models import Schedule, Service
from tests.conftest import Cast, log_in

STYLESHEET = Path(__file__).resolve().parents[2] / "src/sanctuary/static/css/sanctuary.css"
SUNDAY = date(2026, 12, 6)
AA_TEXT = 4.5


def relative_luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_arithmetic_agrees_with_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#fff", "#ffffff") == pytest.approx(1)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WebAIM's example
    # the two failures the issue measured, in the colours the stylesheet had
    assert contrast("#ffffff", "#f57c3a") == pytest.approx(2.7, abs=0.05)
    assert contrast("#9aa1ad", "#f1f3f6") == pytest.approx(2.3, abs=0.05)


def rules() -> dict[str, dict[str, str]]:
    """The stylesheet's rules by selector (one rule per selector: the last wins)."""
    found: dict[str, dict[str, str]] = {}
    text = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (part.partition(":") for part in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    return found


def test_every_bucket_meets_aa_in_the_cells_and_the_legend():
    styles = rules()
    buckets = len(borough.HEAT_THRESHOLDS) + 1
    for bucket in range(buckets):
        rule = styles[f".heat-{bucket}"]
        ratio = contrast(rule["background"], rule["color"])
        assert ratio >= AA_TEXT, f".heat-{bucket}: {ratio:.2f}:1"
    # the legend's swatches are the cells' classes, and nothing there changes their colours
    assert {"color", "background", "background-color"}.isdisjoint(styles[".legend .heat"])
    # a link in a cell takes the cell's colour, not the page's link blue
    assert styles[".heat a"]["color"] == "inherit"
    # the hour the clocks skip: its dash on the darker of its stripes
    skipped = styles[".heat.skipped"]
    stripes = re.findall(r"#[0-9a-fA-F]{3,6}\b", skipped["background"])
    assert min(contrast(stripe, skipped["color"]) for stripe in stripes) >= AA_TEXT


def test_the_legend_and_the_cells_use_those_classes(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    page = client.get(f"/calendar/heatmap/?start={SUNDAY}").content.decode()
    legend = re.search(r'<p class="legend">.*?</p>', page, re.S).group(0)
    assert re.findall(r'class="heat heat-(\d)"', legend) == [str(k) for k in range(7)]
    assert "style=" not in page  # the strict policy allows no inline styles


@pytest.fixture
def mass(cast: Cast) -> Service:
    """Bravo Church keeps only its own Sunday Mass: 2,520 people, 10:30 to 12:00."""
    schedule = Schedule.objects.create(site=cast.site_b, faith_defaults=False)
    return Service.objects.create(
        schedule=schedule,
        label="Sunday Mass",
        rule="FREQ=WEEKLY;BYDAY=SU",
        start_time=time(10, 30),
        duration_minutes=90,
        expected_attendance=2520,
    )


def cell_links(page: str) -> dict[str, str]:
    """Each cell link's accessible name, with its address."""
    return {
        unescape(name): unescape(href)
        for href, name in re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', page)
    }


def test_each_cell_with_people_links_to_the_gatherings_behind_it(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    page = client.get(f"/calendar/heatmap/?start={SUNDAY}&faith=christianity").content.decode()
    links = cell_links(page)
    assert links["Sun 6 Dec, 11:00: 2,520 people"] == (
        f"/calendar/day/?start={SUNDAY}&hour=11&faith=christianity"
    )
    assert links["Sun 6 Dec, 10:00: 1,260 people"].endswith("hour=10&faith=christianity")
    # a link for each hour the Mass covers; an empty hour is no link
    assert len(links) == 2
    listed = client.get(links["Sun 6 Dec, 11:00: 2,520 people"]).context["lines"]
    assert [(line.site, line.gathering.label) for line in listed] == [(cast.site_b, "Sunday Mass")]


def test_every_cell_with_people_is_a_link_and_no_empty_one_is(cast: Cast, client: Client, mass):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get(f"/calendar/heatmap/?start={SUNDAY - timedelta(days=3)}")
    busy = sum(
        1
        for _, cells in response.context["heat"].days
        for cell in cells
        if cell is not None and cell.people > 0
    )
    page = response.content.decode()
    assert busy > 20  # the mosque's jama'ahs and Jumu'ah, and the Mass
    assert len(cell_links(page)) == busy
    assert page.count('<span class="sr-only">no one</span>') == 24 * 7 - busy
