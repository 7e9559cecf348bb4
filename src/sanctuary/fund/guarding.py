"""Funded guarding in hours: a package records what guarding costs, the patrol planner needs
hours a week (docs/fund-decisions.md, 4; docs/patrols.md, "Funded guards")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sanctuary.fund import benefit as benefits
from sanctuary.fund.models import Award
from sanctuary.surveys.instrument import load_measures

GUARDING_MEASURES = frozenset({"guards"})
# What an hour of funded guarding costs, for turning a package's pounds into guards' hours: the
# measure catalogue's own figures (surveys/data/measures.toml, `guards`: "two SIA-licensed
# security officers ... at 22 to 30 pounds an hour"), its mid-point, for the two officers who
# stand together as one guard unit. A package records only a cost, never hours (docs/fund-decisions.md).
GUARD_OFFICER_HOURLY_RATE = Decimal("26")
GUARD_OFFICERS_PER_UNIT = 2
WEEKS_A_YEAR = 52


def guarding_cost(package: Any) -> Decimal:
    """The part of the package's cost that pays for guarding: all of it when guarding is its only
    measure, else the guarding measures' share of the catalogue's first-year mid-point costs of
    its measures (a package's quotes are for the whole package, not per measure)."""
    ids = benefits.measure_ids(package)
    if not GUARDING_MEASURES & set(ids):
        return Decimal("0")
    catalogue = load_measures()

    def first_year(measure: str) -> Decimal:
        try:
            found = catalogue.get(measure)
        except KeyError:
            return Decimal("0")
        return Decimal(str(found.capital_mid + found.yearly_mid))

    whole = sum((first_year(m) for m in ids), Decimal("0"))
    guarding = sum((first_year(m) for m in ids if m in GUARDING_MEASURES), Decimal("0"))
    if whole <= 0 or guarding == whole:
        return package.cost
    return package.cost * guarding / whole


def guarding_hours_per_week(package: Any) -> float:
    """Hours a week of one guard unit (two officers) the package pays for, to the whole minute
    below: its guarding cost over a year of weeks at the catalogue's rate."""
    per_hour = GUARD_OFFICER_HOURLY_RATE * GUARD_OFFICERS_PER_UNIT
    minutes = int(guarding_cost(package) * 60 / (per_hour * WEEKS_A_YEAR))
    return minutes / 60


def funded_hours(unit: Any) -> float | None:
    """The hours a week the award that made this guard unit pays for; None if no award did."""
    award = (
        Award.objects.filter(guard_unit=unit).select_related("package").order_by("-pk").first()
    )
    return None if award is None else guarding_hours_per_week(award.package)
