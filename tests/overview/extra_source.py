"""A source the overview was not written for (as the fund's, the alerts' and the partnership's
will be): the tests add it to the list to show that no page or template needs to know it."""

from __future__ import annotations

from decimal import Decimal

from sanctuary.figures import Figure, Table

TITLE = "The fund"


def home(actor):
    return [Figure("fund.round", "Open round closes in days", 12, link="/fund/")]


def by_faith(actor, area):
    return {"islam": [Figure("fund.awarded", "Funding awarded", Decimal("12500"), unit="£")]}


def month(actor, area, start, end):
    return [
        Figure("fund.committed", "Committed", Decimal("40000.50"), unit="£"),
        Table("fund.by_faith", "Spent by faith", ("Faith", "Spent (£)"), (("Islam", 1500),)),
    ]
