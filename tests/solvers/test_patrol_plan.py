"""The patrol planner: feasible routes, reproducible draws, honest coverage."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest

from sanctuary.solvers.patrol import plan_from_document

# --- An independent check of a plan -------------------------------------------------------
# Written from the specification, not from the planner: its own haversine and its own table
# of speeds (foot 5 km/h, bicycle 15 km/h, car 25 km/h; circuity 1.3, 1.3, 1.4).
SPEEDS = {"foot": (5.0, 1.3), "bicycle": (15.0, 1.3), "car": (25.0, 1.4)}
ROUNDING = timedelta(seconds=1)  # the planner rounds each leg to whole seconds


def travel(mode: str, a: tuple[float, float], b: tuple[float, float]) -> timedelta:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    speed, circuity = SPEEDS[mode]
    return timedelta(hours=km * circuity / speed)


def assert_feasible(problem: dict[str, Any], plan: dict[str, Any]) -> None:
    """Windows, dwell, shift bounds, travel times, no overlaps, no window visited twice."""
    dwell = timedelta(minutes=problem.get("dwell_minutes", 15))
    sites = {s["id"]: (s["lat"], s["lon"]) for s in problem["sites"]}
    windows = {w["id"]: w for w in problem["windows"]}
    units = {u["id"]: u for u in problem["units"]}
    seen: set[str] = set()
    assert {route["unit"] for route in plan["routes"]} <= set(units)
    for route in plan["routes"]:
        unit = units[route["unit"]]
        base = (unit["base"]["lat"], unit["base"]["lon"])
        here, free_at = base, datetime.fromisoformat(unit["start"])
        for visit in route["visits"]:
            window = windows[visit["window"]]
            assert visit["window"] not in seen, "a window visited twice"
            seen.add(visit["window"])
            assert visit["site"] == window["site"]
            arrive, start, end = (
                datetime.fromisoformat(visit[k]) for k in ("arrive", "start", "end")
            )
            for moment in (arrive, start, end):
                assert moment.utcoffset() is not None
            site = sites[window["site"]]
            assert arrive + ROUNDING >= free_at + travel(unit["mode"], here, site)
            assert arrive <= start
            assert start >= datetime.fromisoformat(window["start"])
            assert end == start + dwell
            assert end <= datetime.fromisoformat(window["end"])
            here, free_at = site, end
        back = free_at + travel(unit["mode"], here, base)
        assert back <= datetime.fromisoformat(unit["end"]) + ROUNDING


# --- Problems ----------------------------------------------------------------------------
DAY = datetime.fromisoformat("2026-11-27T00:00:00+00:00")


def at(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


def city(seed: int = 1, sites: int = 6, units: int = 2, **extra: Any) -> dict[str, Any]:
    """Places of worship within ~2 km, three gatherings each, units on foot and bicycle."""
    rng = random.Random(seed)
    site_docs = [
        {
            "id": f"s{i}",
            "lat": 52.48 + rng.uniform(-0.015, 0.015),
            "lon": -1.90 + rng.uniform(-0.025, 0.025),
        }
        for i in range(sites)
    ]
    windows = []
    for i in range(sites):
        for name, hour, hours in (
            ("morning", 9, 1.0),
            ("midday", 12.5, 1.25),
            ("evening", 17, 1.5),
        ):
            begin = hour + rng.choice([0, 0.25, 0.5])
            windows.append(
                {
                    "id": f"s{i}-{name}",
                    "site": f"s{i}",
                    "start": at(begin),
                    "end": at(begin + hours),
                    "value": rng.randint(1, 10),
                }
            )
    unit_docs = [
        {
            "id": f"u{j}",
            "mode": ("foot", "bicycle")[j % 2],
            "start": at(8),
            "end": at(19),
            "base": {"lat": 52.48, "lon": -1.90},
        }
        for j in range(units)
    ]
    # A time limit the search never reaches, so that a seed always gives the same routes.
    return {
        "seed": seed,
        "dwell_minutes": 15,
        "time_limit_seconds": 300,
        "replications": 4,
        "calibration_rounds": 1,
        "sites": site_docs,
        "windows": windows,
        "units": unit_docs,
        **extra,
    }


def drop_timing(plan: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in plan.items() if key != "seconds"}


# --- Tests -------------------------------------------------------------------------------
def assert_every_roster_feasible(problem: dict[str, Any], plan: dict[str, Any]) -> None:
    """Each roster of the mixture, timed from scratch by the earliest schedule, keeps the rules."""
    dwell = timedelta(minutes=problem.get("dwell_minutes", 15))
    sites = {s["id"]: (s["lat"], s["lon"]) for s in problem["sites"]}
    windows = {w["id"]: w for w in problem["windows"]}
    units = {u["id"]: u for u in problem["units"]}
    assert math.isclose(sum(r["probability"] for r in plan["mixture"]), 1.0, abs_tol=1e-9)
    for roster in plan["mixture"]:
        assert roster["probability"] > 0
        seen: set[str] = set()
        for unit_id, route in roster["routes"].items():
            unit = units[unit_id]
            base = (unit["base"]["lat"], unit["base"]["lon"])
            here, free_at = base, datetime.fromisoformat(unit["start"])
            for window_id in route:
                assert window_id not in seen, "a window visited twice in one roster"
                seen.add(window_id)
                window, site = windows[window_id], sites[windows[window_id]["site"]]
                arrive = free_at + travel(unit["mode"], here, site)
                start = max(arrive, datetime.fromisoformat(window["start"]))
                assert start + dwell <= datetime.fromisoformat(window["end"]) + ROUNDING
                here, free_at = site, start + dwell
            back = free_at + travel(unit["mode"], here, base)
            assert back <= datetime.fromisoformat(unit["end"]) + ROUNDING * (len(route) + 1)


def mixture_coverage(plan: dict[str, Any]) -> dict[str, float]:
    coverage: dict[str, float] = dict.fromkeys(plan["coverage"], 0.0)
    for roster in plan["mixture"]:
        for route in roster["routes"].values():
            for window_id in route:
                coverage[window_id] += roster["probability"]
    return coverage


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_roster_of_a_plan_is_feasible(seed: int) -> None:
    problem = city(seed, sites=8, units=3)
    plan = plan_from_document(problem)
    assert any(route["visits"] for route in plan["routes"])
    assert_feasible(problem, plan)
    assert_every_roster_feasible(problem, plan)


def test_a_car_patrol_over_a_wider_area_is_feasible() -> None:
    problem = city(4, sites=10, units=2)
    for unit in problem["units"]:
        unit["mode"] = "car"
    for site in problem["sites"]:
        site["lon"] += random.Random(site["id"]).uniform(-0.08, 0.08)
    plan = plan_from_document(problem)
    assert_feasible(problem, plan)
    assert_every_roster_feasible(problem, plan)
    assert sum(len(route["visits"]) for route in plan["routes"]) > 0


def test_the_same_seed_gives_the_same_plan() -> None:
    first, second = plan_from_document(city(5)), plan_from_document(city(5))
    assert drop_timing(first) == drop_timing(second)


def test_a_different_seed_draws_a_different_roster_from_the_same_mixture() -> None:
    rotas, mixtures = set(), set()
    for seed in range(1, 9):
        problem = city(1, sites=10, units=1)  # too few units for every gathering
        problem["seed"] = seed
        plan = plan_from_document(problem)
        rotas.add(tuple(v["window"] for r in plan["routes"] for v in r["visits"]))
        mixtures.add(len(plan["mixture"]))
    assert len(rotas) >= 3


def test_the_coverage_is_exactly_the_mixtures_marginals_and_the_bound_holds() -> None:
    problem = city(6, sites=10, units=1)
    plan = plan_from_document(problem)
    assert set(plan["coverage"]) == {w["id"] for w in problem["windows"]}
    for window_id, coverage in mixture_coverage(plan).items():
        assert plan["coverage"][window_id] == pytest.approx(coverage, abs=1e-9)
    assert "notes" not in plan  # no search stopped at its time limit
    assert plan["defender_utility"] <= plan["bound"] + 1e-9
    assert plan["gap"] == pytest.approx(plan["bound"] - plan["defender_utility"])
    # The baselines' rosters are among the master's first columns.
    assert plan["defender_utility"] >= plan["baselines"]["uniform"] - 1e-9
    assert plan["defender_utility"] >= plan["baselines"]["attendance_proportional"] - 1e-9


def test_the_days_roster_is_drawn_with_the_mixtures_probabilities() -> None:
    from sanctuary.solvers.patrol import plan
    from sanctuary.solvers.patrol_problem import problem_from_document

    result = plan(problem_from_document(city(8, sites=10, units=1)))
    assert len(result.rosters) >= 2
    draws = 4_000
    counts = np.bincount(
        [result.draw(seed) for seed in range(draws)], minlength=len(result.rosters)
    )
    # Binomial standard error <= sqrt(0.25 / 4000) = 0.0079; allow four of them.
    np.testing.assert_allclose(counts / draws, result.probabilities, atol=4 * 0.0079)


def test_a_window_no_unit_can_reach_gets_no_coverage_and_the_bound_says_so() -> None:
    problem = city(7)
    problem["windows"].append(
        {"id": "night", "site": "s0", "start": at(22), "end": at(23), "value": 4}
    )
    plan = plan_from_document(problem)
    assert plan["coverage"]["night"] == 0
    # An attacker who picks the unguarded night gathering wins its value from us.
    assert plan["bound"] <= -4
    assert plan["defender_utility"] <= plan["bound"]


def test_progress_moves_forward_and_a_cancelled_plan_stops() -> None:
    from sanctuary.solvers.patrol import PlanCancelled, plan
    from sanctuary.solvers.patrol_problem import problem_from_document

    problem = problem_from_document(city(2, sites=8, units=2))
    fractions: list[float] = []
    plan(problem, progress=lambda fraction, message: fractions.append(fraction))
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    asked = []

    def cancel_on_second_question() -> bool:
        asked.append(True)
        return len(asked) >= 2

    with pytest.raises(PlanCancelled):
        plan(problem, cancelled=cancel_on_second_question)


class TenHoursEverywhere:
    """A stand-in for a routing server on a day when every road is shut."""

    def matrix(self, mode: Any, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        far = np.full((len(origins), len(destinations)), 10 * 3600, dtype=np.int64)
        return far


def test_travel_times_come_through_the_travel_times_interface() -> None:
    from sanctuary.solvers.patrol import plan
    from sanctuary.solvers.patrol_problem import problem_from_document

    problem = problem_from_document(city(9))
    result = plan(problem, travel=TenHoursEverywhere())
    # No unit can get anywhere within its 11-hour shift and back: nothing is planned and the
    # bound admits that the attacker takes the most valuable gathering unopposed.
    assert all(not route for roster in result.rosters for route in roster)
    assert result.coverage.sum() == 0
    assert result.bound == -max(window.value for window in problem.windows)
