"""The round's report (docs/fund-decisions.md, 5): for each funded site and in total, the risk
before (when the award was decided) and after (the risk model once the re-survey is done), the
risk removed per pound, and spend against budget."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from sanctuary.fund.models import Award, ClaimStatus, Round
from sanctuary.surveys.assess import assess
from sanctuary.surveys.models import SurveyStatus

DONE = (SurveyStatus.COMPLETED, SurveyStatus.REVIEWED)


@dataclass(frozen=True)
class SiteLine:
    award: Award
    site: str
    faith: str
    package: str
    amount: Decimal
    claimed: Decimal
    paid: Decimal
    installed: bool
    risk_before: float | None
    risk_after: float | None  # None until the re-survey is done

    @property
    def removed(self) -> float | None:
        if self.risk_before is None or self.risk_after is None:
            return None
        return self.risk_before - self.risk_after

    @property
    def removed_per_thousand(self) -> float | None:
        """Risk points removed per £1,000 of the award."""
        if self.removed is None or not self.amount:
            return None
        return 1000 * self.removed / float(self.amount)


@dataclass(frozen=True)
class RoundReport:
    round: Round
    lines: list[SiteLine]
    budget: Decimal
    awarded: Decimal
    claimed: Decimal
    paid: Decimal

    @property
    def measured(self) -> list[SiteLine]:
        return [line for line in self.lines if line.removed is not None]

    @property
    def risk_before(self) -> float:
        return sum(line.risk_before or 0 for line in self.measured)

    @property
    def risk_after(self) -> float:
        return sum(line.risk_after or 0 for line in self.measured)

    @property
    def removed(self) -> float:
        return self.risk_before - self.risk_after

    @property
    def removed_per_thousand(self) -> float | None:
        spent = sum(float(line.amount) for line in self.measured)
        return 1000 * self.removed / spent if spent else None

    @property
    def left(self) -> Decimal:
        return self.budget - self.awarded


def round_report(round_: Round, awards: list[Award]) -> RoundReport:
    """`awards`: the round's awards as the reader may see them (awards_policy.visible_awards)."""
    resurveyed = [a for a in awards if a.resurvey is not None and a.resurvey.status in DONE]
    after = {
        assessment.site.pk: assessment.risk.score
        for assessment in assess([a.application.site for a in resurveyed])
    }
    lines = []
    for award in awards:
        claims = award.claims.exclude(status=ClaimStatus.REJECTED)
        paid = claims.filter(status=ClaimStatus.PAID).aggregate(t=Sum("amount"))["t"]
        installation = getattr(award, "installation", None)
        lines.append(SiteLine(
            award=award,
            site=award.application.site.name,
            faith=award.application.site.get_faith_display(),
            package=award.package.get_label_display(),
            amount=award.amount,
            claimed=claims.aggregate(t=Sum("amount"))["t"] or Decimal("0"),
            paid=paid or Decimal("0"),
            installed=bool(installation and installation.signed_off_at),
            risk_before=award.risk_before,
            risk_after=after.get(award.application.site_id) if award in resurveyed else None,
        ))
    return RoundReport(
        round=round_, lines=lines, budget=round_.budget,
        awarded=sum((line.amount for line in lines), Decimal("0")),
        claimed=sum((line.claimed for line in lines), Decimal("0")),
        paid=sum((line.paid for line in lines), Decimal("0")),
    )
