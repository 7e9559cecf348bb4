"""A site's risk from what the workspace knows: its latest survey that counts, the national threat
level's history, incidents, and its gatherings on the attendance timeline (docs/risk-model.md,
section 11). The arithmetic is the core's (`surveys/risk/`); this module only gathers its inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from sanctuary.calendars import services as calendar_services
from sanctuary.registry.models import Site
from sanctuary.surveys import inputs, policy
from sanctuary.surveys.instrument import (
    Instrument,
    check_answers,
    latest_instrument,
    load_instrument,
)
from sanctuary.surveys.martyns_law import (
    Applicability,
    ChecklistItem,
    DutyStatus,
    applicability,
    checklist,
)
from sanctuary.surveys.models import DutyRecord, Survey
from sanctuary.surveys.risk import (
    GatheringRisk,
    IncidentTable,
    PlannedGathering,
    Recommendations,
    SiteProfile,
    SiteRisk,
    ThreatLevel,
    assess_site,
    gathering_risk,
    heightened_level,
    level_on,
    recommend,
    risk_with_answers,
)
from sanctuary.surveys.risk.parameters import DEFAULT_PARAMETERS

# The period whose gatherings set a site's consequence: the coming four weeks (every weekly
# gathering, and a month's festivals).
PLANNING_DAYS = 28
# How far back incidents are read: the trend's three-year baseline (docs/risk-model.md, 3.3).
INCIDENT_DAYS = DEFAULT_PARAMETERS.trend_baseline_days


def today() -> date:
    return timezone.localdate()


def national_history() -> list[tuple[date, ThreatLevel]]:
    """The national level's changes, oldest first, as the core reads them."""
    return [
        (row.since, ThreatLevel(row.level))
        for row in reversed(list(policy.threat_level_history()))
    ]


def site_level(site: Site, day: date | None = None) -> ThreatLevel:
    """The level the site is assessed at on a day: the national level, raised by the local
    heightened alerts in force for it (docs/risk-model.md, 3.1)."""
    day = day or timezone.localdate()
    raised = policy.raised_levels([site], day)[site.pk]
    return heightened_level(national_level(day), [ThreatLevel(value) for value in raised])


def national_level(day: date | None = None) -> ThreatLevel:
    """The level in force on a day; with no history recorded, substantial (the UK's level for
    most of the years since 2014)."""
    history = national_history()
    day = day or timezone.localdate()
    if not history or history[0][0] > day:
        return ThreatLevel.SUBSTANTIAL
    return level_on(history, day)


@dataclass(frozen=True)
class SiteGathering:
    label: str
    start: object
    end: object
    expected_attendance: int
    risk: GatheringRisk


@dataclass
class SiteAssessment:
    site: Site
    risk: SiteRisk
    instrument: Instrument
    survey: Survey | None  # the latest that counts
    answers: dict[str, int | str]  # its answers, scored, never shown from here
    previous: Survey | None = None
    previous_score: float | None = None
    gatherings: list[SiteGathering] = field(default_factory=list)
    _recommendations: Recommendations | None = None

    @property
    def change(self) -> float | None:
        """Score points since the previous survey (same threat and gatherings, its answers)."""
        if self.previous_score is None:
            return None
        return self.risk.score - self.previous_score

    @property
    def recommendations(self) -> Recommendations:
        if self._recommendations is None:
            self._recommendations = recommend(self.risk, self.instrument, self.answers)
        return self._recommendations

    @property
    def peak_attendance(self) -> int | None:
        if self.risk.consequence.peak is None:
            return None
        return int(self.risk.consequence.people)

    def martyns_law(self, records: dict[str, DutyRecord]) -> tuple[Applicability, tuple[ChecklistItem, ...]]:
        site_applies = applicability(self.peak_attendance, self.site.capacity)
        recorded = {
            duty: (DutyStatus(record.status), record.evidence) for duty, record in records.items()
        }
        answers = check_answers(self.instrument, self.answers)
        return site_applies, checklist(site_applies, answers, recorded)


def _profile(site: Site) -> SiteProfile:
    return SiteProfile(
        id=str(site.pk),
        faith=site.faith,
        lat=site.latitude,
        lon=site.longitude,
        capacity=site.capacity,
    )


def _gatherings(
    sites: Sequence[Site], first: date, last: date, per_site: int
) -> dict[int, list[PlannedGathering]]:
    """Each site's largest gatherings over the period, largest first (a site whose schedule the
    engine refuses has none, and its capacity stands in)."""
    found: dict[int, list[PlannedGathering]] = {site.pk: [] for site in sites}
    if not sites:
        return found
    with_schedules = calendar_services.with_schedules(
        Site.objects.filter(pk__in=[site.pk for site in sites])
    )
    try:
        calendars = calendar_services.across_sites(with_schedules, first, last)
    except calendar_services.CalendarUnavailable:
        return found
    for item in calendars.gatherings():
        gathering = item.gathering
        found[item.site.pk].append(
            PlannedGathering(
                start=gathering.start,
                end=gathering.end,
                expected_attendance=gathering.expected_attendance,
                label=gathering.label,
            )
        )
    for rows in found.values():
        rows.sort(key=lambda g: (-g.expected_attendance, g.start))
        del rows[per_site:]
    return found


def assess(
    sites: Sequence[Site],
    as_of: date | None = None,
    *,
    with_previous: bool = False,
    gatherings_listed: int = 1,
) -> list[SiteAssessment]:
    """The risk of each site, in the order given."""
    as_of = as_of or timezone.localdate()
    sites = list(sites)
    ids = [site.pk for site in sites]
    level = national_level(as_of)
    incidents = incidents_near(as_of)
    surveys = policy.counting_surveys(ids)
    wanted = [s.pk for rows in surveys.values() for s in rows[: 2 if with_previous else 1]]
    answers = policy.scored_answers(wanted)
    gatherings = _gatherings(
        sites, as_of, as_of + timedelta(days=PLANNING_DAYS - 1), max(1, gatherings_listed)
    )
    raised = policy.raised_levels(sites, as_of)
    found = []
    national = level
    for site in sites:
        level = heightened_level(national, [ThreatLevel(value) for value in raised[site.pk]])
        chosen = surveys.get(site.pk, [])
        survey = chosen[0] if chosen else None
        instrument = load_instrument(survey.instrument_version) if survey else latest_instrument()
        given = answers.get(survey.pk, {}) if survey else {}
        risk = assess_site(
            _profile(site), instrument, given, level, incidents, gatherings[site.pk], as_of
        )
        assessment = SiteAssessment(site, risk, instrument, survey, given)
        if with_previous and len(chosen) > 1:
            previous = chosen[1]
            before = load_instrument(previous.instrument_version)
            earlier = check_answers(before, answers.get(previous.pk, {}))
            if before.version == instrument.version:
                assessment.previous_score = risk_with_answers(risk, before, earlier).score
            else:
                assessment.previous_score = assess_site(
                    _profile(site), before, earlier, level, incidents, gatherings[site.pk], as_of
                ).score
            assessment.previous = previous
        assessment.gatherings = [
            SiteGathering(g.label, g.start, g.end, g.expected_attendance,
                          gathering_risk(risk, g.expected_attendance))
            for g in gatherings[site.pk][:gatherings_listed]
        ]
        found.append(assessment)
    return found


def vulnerability_inputs(sites: Sequence[Site]) -> dict[int, tuple[Instrument, dict[str, int | str]]]:
    """Each site's counting survey, as the instrument it was taken under and its scored answers:
    what vulnerability is read from, for another app's risk (the patrol planner). A site with
    no counting survey is left out: the latest instrument with no answers stands in."""
    surveys = policy.counting_surveys([site.pk for site in sites])
    latest = {site_id: rows[0] for site_id, rows in surveys.items() if rows}
    answers = policy.scored_answers([survey.pk for survey in latest.values()])
    return {
        site_id: (load_instrument(survey.instrument_version), answers.get(survey.pk, {}))
        for site_id, survey in latest.items()
    }


def incidents_near(as_of: date) -> IncidentTable:
    """The incidents the threat factor reads on `as_of` (the trend's whole baseline)."""
    return IncidentTable(
        [i for i in inputs.recent_incidents(as_of - timedelta(days=INCIDENT_DAYS))
         if i.occurred_on <= as_of]
    )


def assess_one(site: Site, as_of: date | None = None) -> SiteAssessment:
    return assess([site], as_of, with_previous=True, gatherings_listed=8)[0]
