"""The demo's partnership picture: the overview keeps no demo data of its own, it reads every
other app's; once the whole demo is loaded its home page, Tower Hamlets across faiths and last
month's report show the demo's incidents, sites, patrols and surveys."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sanctuary import demo
from sanctuary.access.models import User
from sanctuary.overview.forms import default_month
from tests.conftest import log_in


@pytest.fixture
def demo_loaded(db) -> None:
    assert demo.load()


def value(page: str, key: str) -> str:
    found = re.search(rf'data-key="{re.escape(key)}">([^<]*)<', page)
    assert found, key
    return found.group(1).strip()


def test_the_demo_administrator_sees_the_partnership_picture(demo_loaded):
    client = log_in(Client(), User.objects.get(username="admin"))
    home = client.get("/").content.decode()
    assert int(value(home, "incidents.open")) > 0
    assert int(value(home, "calendars.week")) > 0
    faiths = client.get("/overview/E09000030/faiths/").content.decode()
    for faith in ("Islam", "Christianity"):
        assert f"</span>{faith}</th>" in faiths
    month = client.get(f"/overview/E09000030/monthly/?month={default_month()}")
    assert month.status_code == 200
    assert "Incidents by category" in month.content.decode()
