"""Adding a domain's figures is a line in overview/sources.py: its figures then show on the home
page, as a column of the cross-faith view and as a section of the monthly report (page and PDF),
with no template naming it."""

from __future__ import annotations

import pytest

from sanctuary.access.models import Role
from sanctuary.overview import compose
from sanctuary.overview.sources import SOURCES
from tests.conftest import Cast


@pytest.fixture
def with_fund(monkeypatch) -> None:
    monkeypatch.setattr(compose, "SOURCES", (*SOURCES, "tests.overview.extra_source"))


def test_a_new_source_shows_everywhere_without_a_template_change(cast: Cast, with_fund):
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    home = client.get("/").content.decode()
    assert "The fund" in home and 'data-key="fund.round">12<' in home
    faiths = client.get(f"/overview/{cast.area.code}/faiths/").content.decode()
    assert "Funding awarded" in faiths and "£12,500" in faiths
    month = client.get(f"/overview/{cast.area.code}/monthly/?month=2026-03").content.decode()
    assert 'data-key="fund.committed">£40,000.50<' in month
    assert "Spent by faith" in month and "1,500" in month


def test_every_source_on_main_keeps_the_contract(cast: Cast):
    """Each function answers in the shapes of sanctuary/figures.py, with stable keys."""
    from datetime import date

    from sanctuary.access.actor import Actor
    from sanctuary.figures import Figure, Table
    from sanctuary.registry.models import Faith

    actor = Actor.system("test")
    for title, function in compose._sources("home"):
        assert all(isinstance(f, Figure) for f in function(actor)), title
    for title, function in compose._sources("by_faith"):
        found = function(actor, cast.area)
        assert set(found) <= set(Faith.values), title
        keys = {tuple(f.key for f in figures) for figures in found.values()}
        assert len(keys) == 1, f"{title}: the same figures for every faith"
    for title, function in compose._sources("month"):
        items = function(actor, cast.area, date(2026, 3, 1), date(2026, 4, 1))
        assert all(isinstance(i, Figure | Table) for i in items), title
