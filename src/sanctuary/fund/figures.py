"""What the fund tells the partnership's picture (sanctuary/figures.py), read through the fund's
doors: a fund manager's rounds open or being decided, awards per faith (awarded and installed),
and the money committed and spent in a month. Part 1 may add the applications' own figures."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from sanctuary.access.actor import Actor
from sanctuary.access.policy import role_areas
from sanctuary.figures import Figure, Table
from sanctuary.fund import awards_policy as policy
from sanctuary.fund import policy as fund_policy
from sanctuary.fund.models import Award, ClaimStatus, RoundStatus
from sanctuary.registry.models import Area, Faith

TITLE = "Protective security fund"

BEING_DECIDED = (RoundStatus.OPEN, RoundStatus.CLOSED, RoundStatus.SCORING, RoundStatus.ALLOCATED)


def home(actor: Actor) -> list[Figure]:
    """A fund manager's rounds open or being decided, and the claims waiting for them."""
    if not fund_policy.is_manager(actor):
        return []
    rounds = policy.managed_rounds(actor).filter(status__in=BEING_DECIDED)
    waiting = policy.visible_claims(actor).filter(
        status__in=[ClaimStatus.SUBMITTED, ClaimStatus.APPROVED],
        award__application__round__in=policy.managed_rounds(actor).values("pk"),
    )
    today = timezone.localdate()
    expiring = policy.visible_awards(actor).filter(
        application__round__in=policy.managed_rounds(actor).values("pk"),
        maintenance_until__gte=today, maintenance_until__lte=today + timedelta(days=30),
    )
    return [
        Figure("fund.rounds_open", "Fund rounds open or being decided", rounds.count(),
               link="/fund/awards/"),
        Figure("fund.maintenance_expiring", "Awards whose year of maintenance ends within 30 days",
               expiring.count(), link="/fund/awards/"),
        Figure("fund.claims_waiting", "Claims waiting for a decision or payment", waiting.count(),
               link="/fund/awards/"),
    ]


def _awards_in(actor: Actor, area: Area | None) -> QuerySet[Award]:
    awards = policy.visible_awards(actor)
    return awards.filter(application__site__area=area) if area is not None else awards


def _sees_awards(actor: Actor, area: Area | None) -> bool:
    """Whether the actor's roles show awards at all (there): a grant assessor's or a patrol
    officer's "£0" would read as "nothing was awarded", so theirs is "not shown"."""
    if actor.is_system or fund_policy.is_applicant(actor):
        return True
    areas = role_areas(actor, fund_policy.MANAGER_ROLES | policy.POLICE_ROLES | policy.ADVISER_ROLES)
    return areas.covers(area.pk) if area is not None else bool(areas)


def by_faith(actor: Actor, area: Area | None) -> dict[str, list[Figure]]:
    """Per faith: funding awarded, and awarded for installations signed off."""
    awards = _awards_in(actor, area)
    sees = _sees_awards(actor, area)
    found: dict[str, list[Figure]] = {}
    for faith in Faith.values:
        awarded: Decimal | None = None
        installed: Decimal | None = None
        if sees:
            mine = awards.filter(application__site__faith=faith)
            awarded = mine.aggregate(t=Sum("amount"))["t"] or Decimal("0")
            installed = mine.filter(installation__signed_off_at__isnull=False).aggregate(
                t=Sum("amount"))["t"] or Decimal("0")
        found[faith] = [
            Figure("fund.awarded", "Funding awarded", awarded, unit="£"),
            Figure("fund.installed", "Funding installed (signed off)", installed, unit="£"),
        ]
    return found


def month(actor: Actor, area: Area | None, start: date, end: date) -> list[Figure | Table]:
    """Funds committed (awards decided) and spent (claims paid) from start to end (exclusive)."""
    awards = _awards_in(actor, area)
    committed = awards.filter(
        application__decision__decided_at__date__gte=start,
        application__decision__decided_at__date__lt=end,
    ).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    claims = policy.visible_claims(actor).filter(award__in=awards.values("pk"))
    spent = claims.filter(status=ClaimStatus.PAID, paid_at__date__gte=start,
                          paid_at__date__lt=end).aggregate(t=Sum("amount"))["t"] or Decimal("0")
    return [
        Figure("fund.committed", "Fund committed", committed, unit="£"),
        Figure("fund.spent", "Fund spent (claims paid)", spent, unit="£"),
    ]
