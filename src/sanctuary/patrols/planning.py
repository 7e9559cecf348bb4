"""From the registry and the calendars to the planner's problem, and from its plan back to visits.

`site_risk_for` is the one place the gathering values come from: the risk model's SiteRisk of
each site, with vulnerability from its counting survey (surveys.assess.vulnerability_inputs; a
site never surveyed counts every question unanswered), threat from the plan's threat level and
the incidents at and near it, and consequence from its gatherings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings

from sanctuary.calendars import services as calendar_services
from sanctuary.patrols.models import Plan, Shift, UnitKind
from sanctuary.registry.models import Site, SiteStatus
from sanctuary.solvers import patrol as planner
from sanctuary.solvers.games import PAYOFF_FIELDS
from sanctuary.solvers.osrm import OsrmTravelTimes, parse_servers
from sanctuary.solvers.patrol_problem import DEFAULT_TIME_LIMIT_SECONDS, PatrolProblem, Unit, Window
from sanctuary.solvers.patrol_problem import Site as ProblemSite
from sanctuary.solvers.pricing import unit_reach
from sanctuary.solvers.rosters import TravelTable, schedule
from sanctuary.solvers.travel import Mode, StraightLineTravelTimes, TravelTimes
from sanctuary.surveys import assess
from sanctuary.surveys import policy as survey_policy
from sanctuary.surveys.instrument import Instrument, latest_instrument
from sanctuary.surveys.risk.parameters import ThreatLevel
from sanctuary.surveys.risk.site import SiteRisk, assess_site, gathering_risk
from sanctuary.surveys.risk.threat import Incident, IncidentTable, SiteProfile, heightened_level

# The UK national threat level (JTAC) in force when this was written: substantial.
NATIONAL_THREAT_LEVEL = ThreatLevel.SUBSTANTIAL


def site_risk_for(
    site: Site, gatherings: Sequence[Any], as_of: date,
    level: ThreatLevel = NATIONAL_THREAT_LEVEL,
    surveyed: tuple[Instrument, dict[str, int | str]] | None = None,
    incidents: IncidentTable | Sequence[Incident] = (),
) -> SiteRisk:
    """The site's risk for the patrol planner.

    Vulnerability from the site's counting survey (`surveyed`: its instrument and answers; none:
    every question unanswered, the risk model's cautious grade), threat from `level` and the
    incidents at and near it, consequence from its gatherings this week (or its capacity)."""
    profile = SiteProfile(
        id=str(site.pk), faith=site.faith, lat=site.latitude, lon=site.longitude,
        capacity=site.capacity,
    )
    instrument, answers = surveyed or (latest_instrument(), {})
    return assess_site(profile, instrument, answers, level, incidents, gatherings, as_of)


@dataclass
class WindowInfo:
    """A gathering the plan considered, as the review page shows it."""

    key: str
    site: int
    site_name: str
    label: str
    start: str
    end: str
    attendance: int
    value: float
    covered_by: str = ""  # "steward" / "pinned": covered outside the game
    coverage: float = 0.0
    reason: str = ""  # why no unit can reach it (empty: reachable)
    payoffs: list[float] = field(default_factory=list)  # PAYOFF_FIELDS order

    def as_json(self) -> dict[str, Any]:
        return {**self.__dict__, "payoffs": list(self.payoffs)}


@dataclass
class Built:
    problem: PatrolProblem
    windows: list[WindowInfo]  # every window, those in the game first (same order)
    shifts: list[Shift]  # the problem's units, in order
    window_sites: list[Site]  # site of each game window
    skipped: list[str] = field(default_factory=list)


def week_bounds(plan: Plan) -> tuple[date, date]:
    return plan.week_start, plan.week_start + timedelta(days=6)


def plan_sites(plan: Plan) -> list[Site]:
    return list(
        Site.objects.filter(area__in=plan.areas.all(), status=SiteStatus.ACTIVE).order_by("pk")
    )


def plan_shifts(plan: Plan, not_before: datetime | None = None) -> list[Shift]:
    first, last = week_bounds(plan)
    excluded = set(plan.excluded_units.values_list("pk", flat=True))
    shifts = Shift.objects.filter(
        unit__area__in=plan.areas.all(),
        unit__active=True,
        start__date__gte=first - timedelta(days=1),
        start__date__lte=last,
    ).select_related("unit", "unit__site").order_by("start", "pk")
    kept = [s for s in shifts if s.unit_id not in excluded]
    if not_before is None:
        return kept
    # A surge: what is left of each shift, leaving from its base now.
    rest = []
    for shift in kept:
        if shift.end <= not_before + timedelta(minutes=plan.dwell_minutes):
            continue
        if shift.start < not_before:
            shift.start = not_before
        rest.append(shift)
    return rest


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def build_problem(plan: Plan, pinned: Sequence[Any] = ()) -> Built:
    """The week's problem: every gathering of the plan's sites that a visit fits in, valued by
    the risk model; the week's shifts (stewards and pinned routes cover their windows outside
    the game)."""
    first, last = week_bounds(plan)
    sites = plan_sites(plan)
    calendars = calendar_services.across_sites(
        calendar_services.with_schedules(Site.objects.filter(pk__in=[s.pk for s in sites])),
        first,
        last,
    )
    skipped = [f"{item.site.name}: {item.reason}" for item in calendars.skipped]
    by_site: dict[str, list[Any]] = {}
    for g in calendars.timeline.gatherings():
        by_site.setdefault(g.site_id, []).append(g)
    dwell = plan.dwell_minutes * 60
    minimum = getattr(settings, "PATROL_MIN_ATTENDANCE", 20)
    not_before = plan.replanned_from
    shifts = plan_shifts(plan, not_before)
    # Stewards, and guards posted at one site (contracted guarding a fund award pays for), stay
    # at their site: they cover its gatherings during their shifts and are routed nowhere.
    stewards = [
        s for s in shifts
        if s.unit.kind == UnitKind.STEWARD or (s.unit.kind == UnitKind.GUARD and s.unit.site_id)
    ]
    stationed = {id(s) for s in stewards}
    movers = [s for s in shifts if id(s) not in stationed]
    pinned_keys = {visit.window_key for visit in pinned}
    site_by_id = {str(s.pk): s for s in sites}

    infos: list[WindowInfo] = []
    game: list[tuple[WindowInfo, Any, tuple[float, float, float, float]]] = []
    outside: list[WindowInfo] = []
    surveyed = assess.vulnerability_inputs(sites)
    incidents = assess.incidents_near(first)
    # A local heightened alert in force on a gathering's (local) day raises that gathering's threat
    # above the plan's national level (docs/risk-model.md, 3.1): the same rule as a site's risk.
    national = ThreatLevel(plan.threat_level)
    days = sorted({g.start.date() for gs in by_site.values() for g in gs})
    raised = {day: survey_policy.raised_levels(list(sites), day) for day in days}
    for site_id, gatherings in sorted(by_site.items(), key=lambda item: int(item[0])):
        site = site_by_id[site_id]
        risk_at: dict[ThreatLevel, SiteRisk] = {}
        for index, g in enumerate(gatherings):
            level = heightened_level(
                national, [ThreatLevel(v) for v in raised[g.start.date()][site.pk]]
            )
            if level not in risk_at:
                risk_at[level] = site_risk_for(
                    site, gatherings, first, level, surveyed.get(site.pk), incidents
                )
            risk = risk_at[level]
            if g.expected_attendance < minimum:
                continue
            if (g.end - g.start).total_seconds() < dwell:
                continue
            if not_before is not None and (g.end - not_before).total_seconds() < dwell:
                continue  # a surge re-plans what is still ahead
            stakes = gathering_risk(risk, g.expected_attendance)
            if stakes.attacker_value <= 0 or stakes.defender_loss <= 0:
                continue
            payoffs = stakes.payoffs()
            key = f"{site.pk}-{g.start:%Y%m%dT%H%M}-{index}"
            info = WindowInfo(
                key=key, site=site.pk, site_name=site.name, label=g.label,
                start=_iso(g.start), end=_iso(g.end), attendance=g.expected_attendance,
                value=round(stakes.defender_loss, 4),
                payoffs=[payoffs[name] for name in PAYOFF_FIELDS],
            )
            steward = next(
                (
                    s for s in stewards
                    if s.unit.site_id == site.pk and s.start <= g.start and s.end >= g.end
                ),
                None,
            )
            if steward is not None:
                who = "steward" if steward.unit.kind == UnitKind.STEWARD else "guards"
                info.covered_by, info.coverage = f"{who} {steward.unit.name}", 1.0
                outside.append(info)
            elif key in pinned_keys:
                info.covered_by, info.coverage = "a pinned visit", 1.0
                outside.append(info)
            else:
                game.append((info, g, (
                    payoffs["defender_covered"], payoffs["defender_uncovered"],
                    payoffs["attacker_covered"], payoffs["attacker_uncovered"],
                )))
    limit = getattr(settings, "PATROL_MAX_WINDOWS", 1500)
    if len(game) > limit:
        game.sort(key=lambda item: -item[0].value)
        for info, _, _ in game[limit:]:
            info.reason = "left out: the week has more gatherings than the planner takes"
            outside.append(info)
        game = game[:limit]
        game.sort(key=lambda item: (item[1].start, item[0].key))

    starts = [g.start for _, g, _ in game] + [s.start for s in movers]
    if not_before is not None:
        starts.append(not_before)
    origin = min(starts) if starts else datetime.combine(first, datetime.min.time(), UTC)
    problem_sites: list[ProblemSite] = []
    site_index: dict[int, int] = {}
    for info, _, _ in game:
        if info.site not in site_index:
            site = site_by_id[str(info.site)]
            site_index[info.site] = len(problem_sites)
            problem_sites.append(ProblemSite(str(site.pk), site.latitude, site.longitude))

    def seconds(moment: datetime) -> int:
        return int((moment - origin).total_seconds())

    def opening(g: Any) -> int:
        start = g.start if not_before is None else max(g.start, not_before)
        return seconds(start)

    windows = tuple(
        Window(info.key, site_index[info.site], opening(g), seconds(g.end), info.value,
               payoffs, g.start.tzinfo)
        for info, g, payoffs in game
    )
    units = tuple(
        Unit(f"shift-{s.pk}", Mode(s.unit.mode), seconds(s.start), seconds(s.end),
             s.base_latitude, s.base_longitude)
        for s in movers
    )
    problem = PatrolProblem(
        sites=tuple(problem_sites),
        windows=windows,
        units=units,
        dwell=dwell,
        seed=plan.seed,
        time_limit=float(getattr(settings, "PATROL_PLAN_SECONDS", DEFAULT_TIME_LIMIT_SECONDS)),
        replications=1,
        origin=origin,
    )
    infos = [info for info, _, _ in game] + outside
    return Built(problem, infos, movers, [site_by_id[str(i.site)] for i, _, _ in game], skipped)


def reasons_unreachable(built: Built, table: TravelTable) -> None:
    """Fill each game window's reason when no unit can reach it."""
    problem = built.problem
    if not problem.windows:
        return
    if not problem.units:
        for info in built.windows[: len(problem.windows)]:
            info.reason = "no unit is on shift this week"
        return
    reach = unit_reach(problem, table)
    for index, window in enumerate(problem.windows):
        if reach[:, index].any():
            continue
        info = built.windows[index]
        latest = window.end - problem.dwell
        on_shift = [u for u in problem.units if u.start <= latest and u.end >= window.start + problem.dwell]
        info.reason = (
            "no unit can get there from its base and back within its shift"
            if on_shift
            else "no unit is on shift then"
        )


def travel_times() -> TravelTimes:
    """Straight line x circuity per mode, or the OSRM servers of PATROL_OSRM_SERVERS."""
    servers = parse_servers(getattr(settings, "PATROL_OSRM_SERVERS", ""))
    return OsrmTravelTimes(servers) if servers else StraightLineTravelTimes()


@dataclass
class Outcome:
    result: planner.PatrolPlan
    table: TravelTable
    drawn: int


def solve(
    built: Built,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Outcome | None:
    """Run the planner; None when there is nothing to plan (no windows or no units)."""
    problem = built.problem
    travel = travel_times()
    if not problem.windows or not problem.units:
        return None
    table = TravelTable.build(problem, travel)
    reasons_unreachable(built, table)
    result = planner.plan(problem, travel, progress=progress, cancelled=cancelled)
    for info, c in zip(built.windows, result.coverage, strict=False):
        info.coverage = round(float(c), 6)
    return Outcome(result, table, result.draw(problem.seed))


@dataclass(frozen=True)
class DrawnVisit:
    shift: Shift
    site: Site
    info: WindowInfo
    arrive: datetime
    start: datetime


def drawn_visits(built: Built, outcome: Outcome) -> list[DrawnVisit]:
    """The visits of the roster drawn for the plan's seed, timed at their earliest."""
    problem = built.problem
    visits = []
    for unit_index, route in enumerate(outcome.result.rosters[outcome.drawn]):
        timed = schedule(problem, outcome.table, unit_index, route) or ()
        for visit in timed:
            visits.append(
                DrawnVisit(
                    shift=built.shifts[unit_index],
                    site=built.window_sites[visit.window],
                    info=built.windows[visit.window],
                    arrive=problem.origin + timedelta(seconds=visit.arrive),
                    start=problem.origin + timedelta(seconds=visit.start),
                )
            )
    return visits


def uniform_level(result: planner.PatrolPlan) -> float | None:
    value = result.baselines.get("uniform")
    return None if value is None or not np.isfinite(value) else float(value)


