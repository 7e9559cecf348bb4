"""The borough risk register and the Martyn's Law table: rows from assessments, sorting, CSV
cells, and what a reader who may not see answers is shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sanctuary.registry.models import Site
from sanctuary.spreadsheet_cells import safe_cell
from sanctuary.surveys import assess, policy
from sanctuary.surveys.martyns_law import Applicability, DutyStatus
from sanctuary.surveys.risk import Driver, DriverKind, Recommendation

# Spreadsheets run a cell that starts with one of these as a formula: the CSV puts an apostrophe
# in front (as registry exports do).
TOP_RECOMMENDATIONS = 3


@dataclass(frozen=True)
class RegisterRow:
    site: Site
    assessment: assess.SiteAssessment

    @property
    def score(self) -> float:
        return self.assessment.risk.score

    @property
    def level(self) -> str:
        return self.assessment.risk.level.label

    @property
    def level_value(self) -> str:
        return self.assessment.risk.level.value

    @property
    def change(self) -> float | None:
        return self.assessment.change

    @property
    def surveyed_on(self):
        survey = self.assessment.survey
        return survey.done_on if survey else None

    @property
    def top(self) -> list[Recommendation]:
        return list(self.assessment.recommendations.items[:TOP_RECOMMENDATIONS])


def rows(sites: Sequence[Site]) -> list[RegisterRow]:
    return [RegisterRow(a.site, a) for a in assess.assess(sites, with_previous=True)]


SORTS = {
    "score": lambda r: r.score,
    "name": lambda r: r.site.name.lower(),
    "faith": lambda r: r.site.faith,
    "ward": lambda r: r.site.ward,
    "threat": lambda r: r.assessment.risk.threat.value,
    "vulnerability": lambda r: r.assessment.risk.vulnerability.value,
    "consequence": lambda r: r.assessment.risk.consequence.value,
    "change": lambda r: (r.change is not None, r.change or 0.0),
    "surveyed": lambda r: (r.surveyed_on is not None, r.surveyed_on or 0),
}


def sort(found: list[RegisterRow], key: str) -> list[RegisterRow]:
    name = key.lstrip("-")
    if name not in SORTS:
        name, key = "score", "-score"
    ordered = sorted(found, key=lambda r: r.site.name.lower())
    return sorted(ordered, key=SORTS[name], reverse=key.startswith("-"))


CSV_HEADER = [
    "site_id", "name", "faith", "area", "ward", "score", "level", "threat", "vulnerability",
    "consequence", "peak_people", "surveyed_on", "change_since_previous", "low_confidence",
    "top_recommendations", "recommended_capital_cost",
]


def csv_cells(row: RegisterRow) -> list[str]:
    risk = row.assessment.risk
    recs = row.assessment.recommendations
    return [
        safe_cell(row.site.pk),
        safe_cell(row.site.name),
        safe_cell(row.site.get_faith_display()),
        safe_cell(row.site.area.name),
        safe_cell(row.site.ward),
        f"{risk.score:.1f}",
        risk.level.label,
        f"{risk.threat.value:.3f}",
        f"{risk.vulnerability.value:.3f}",
        f"{risk.consequence.value:.3f}",
        f"{risk.consequence.people:.0f}",
        safe_cell(row.surveyed_on.isoformat() if row.surveyed_on else ""),
        "" if row.change is None else f"{row.change:+.1f}",
        safe_cell("; ".join(risk.low_confidence)),
        safe_cell("; ".join(r.measure.name for r in row.top)),
        f"{sum(r.measure.capital_mid for r in recs.items):.0f}",
    ]


def drivers_shown(found: assess.SiteAssessment, sees_answers: bool) -> list[Driver]:
    """The drivers a reader may see: a driver naming an answer only to those who see answers."""
    return [
        d for d in found.risk.drivers if sees_answers or d.kind is not DriverKind.VULNERABILITY
    ]


def recommendations_shown(found: assess.SiteAssessment, sees_answers: bool) -> list[Recommendation]:
    """Everything for those who see answers; the top few for a police supervisor."""
    items = list(found.recommendations.items)
    return items if sees_answers else items[:TOP_RECOMMENDATIONS]


@dataclass(frozen=True)
class ComplianceRow:
    site: Site
    applies: Applicability
    counts: dict[str, int]  # status value -> duties

    @property
    def met(self) -> int:
        return self.counts.get(DutyStatus.MET.value, 0)

    @property
    def shortfall(self) -> str:
        """"2 not met, 1 not assessed": what is left to do."""
        return ", ".join(
            f"{self.counts[status.value]} {status.value.replace('_', ' ')}"
            for status in DutyStatus
            if status is not DutyStatus.MET and self.counts.get(status.value)
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def compliance_rows(sites: Sequence[Site]) -> list[ComplianceRow]:
    found = assess.assess(sites)
    records = policy.duty_records([s.pk for s in sites])
    result = []
    for item in found:
        applies, checklist = item.martyns_law(records[item.site.pk])
        counts: dict[str, int] = {}
        for line in checklist:
            counts[line.status.value] = counts.get(line.status.value, 0) + 1
        result.append(ComplianceRow(item.site, applies, counts))
    return result
