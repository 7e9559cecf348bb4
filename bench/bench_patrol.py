"""Benchmark: the column-generation planner against the baselines and the sampling planner.

  week:  40 places of worship, a week of gatherings, 12 units (4 on foot, 4 on bicycles,
         4 in cars), each working one shift a day (a unit appears once per shift);
  day:   2,000 places of worship over a 40 km square, one day, 200 units;
  small: generated days small enough to list every roster (tests/solvers/test_patrol_optimum.py
         finds the optimum); busy: the same with every gathering in one busy hour. Reported
         as each planner's loss over the optimal loss (1 = optimal).

Every roster of every mixture is timed and checked by an independent checker below (its own
haversine and speed table). For each seed: the plan's utility, its bound and gap, the
uniform and value-proportional baselines (mixtures of PyVRP rosters, exact coverage), and the
sampling planner (bench/sampling_planner.py, the planner before column generation): what it
reports (an estimate from its K draws) and the exact utility of the mixture of those draws.
Run: .venv/bin/python bench/bench_patrol.py week|day|small [--seeds 1 2 3 4 5] [--no-old]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from sanctuary.solvers.patrol import attack_outcome, coverage_of, plan
from sanctuary.solvers.patrol_problem import problem_from_document
from sanctuary.solvers.rosters import TravelTable
from sanctuary.solvers.travel import StraightLineTravelTimes

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "solvers"))
import sampling_planner  # noqa: E402

MONDAY = datetime.fromisoformat("2026-11-23T00:00:00+00:00")
SPEEDS = {"foot": (5.0, 1.3), "bicycle": (15.0, 1.3), "car": (25.0, 1.4)}

# (faith share, [(day of week or None for daily, start hour, hours, attendance range)])
FAITHS: dict[str, tuple[float, list[tuple[int | None, float, float, tuple[int, int]]]]] = {
    "mosque": (
        0.4,
        [
            (None, 6.0, 0.75, (10, 40)),
            (None, 13.0, 0.75, (15, 60)),
            (None, 15.5, 0.75, (10, 40)),
            (None, 17.0, 0.75, (20, 80)),
            (None, 19.5, 0.75, (15, 60)),
            (4, 12.5, 1.5, (150, 900)),
        ],
    ),
    "church": (
        0.35,
        [(6, 9.5, 1.25, (30, 200)), (6, 11.0, 1.5, (50, 400)), (2, 19.0, 1.0, (10, 40))],
    ),
    "synagogue": (0.08, [(4, 16.0, 1.5, (20, 120)), (5, 9.5, 2.5, (40, 250))]),
    "gurdwara": (
        0.1,
        [(None, 6.5, 1.5, (20, 80)), (None, 18.0, 1.5, (30, 120)), (6, 10.0, 3.0, (200, 800))],
    ),
    "temple": (0.07, [(None, 8.0, 1.0, (10, 40)), (6, 11.0, 2.0, (60, 300))]),
}


def at(moment: datetime, hours: float) -> str:
    return (moment + timedelta(hours=hours)).isoformat()


def generate(
    sites: int,
    days: int,
    units: int,
    span_km: float,
    seed: int,
    time_limit: float,
    replications: int,
    rounds: int,
) -> dict[str, Any]:
    rng = random.Random(seed)
    centre_lat, centre_lon = 52.48, -1.90
    dlat = span_km / 111.2
    dlon = span_km / (111.2 * math.cos(math.radians(centre_lat)))
    site_docs, windows = [], []
    names, shares = list(FAITHS), [FAITHS[f][0] for f in FAITHS]
    for i in range(sites):
        faith = rng.choices(names, shares)[0]
        site_id = f"{faith}-{i}"
        site_docs.append(
            {
                "id": site_id,
                "lat": round(centre_lat + rng.uniform(-0.5, 0.5) * dlat, 6),
                "lon": round(centre_lon + rng.uniform(-0.5, 0.5) * dlon, 6),
            }
        )
        for day in range(days):
            date = MONDAY + timedelta(days=day)
            for weekday, hour, hours, (low, high) in FAITHS[faith][1]:
                if weekday is not None and weekday != date.weekday():
                    continue
                begin = hour + rng.choice([-0.25, 0, 0.25])
                windows.append(
                    {
                        "id": f"{site_id}-d{day}-{hour:g}",
                        "site": site_id,
                        "start": at(date, begin - 0.25),
                        "end": at(date, begin + hours),
                        "value": rng.randint(low, high),
                    }
                )
    stations = [
        (centre_lat + rng.uniform(-0.4, 0.4) * dlat, centre_lon + rng.uniform(-0.4, 0.4) * dlon)
        for _ in range(max(3, units // 10))
    ]  # police stations
    unit_docs = []
    for j in range(units):
        mode = ("foot", "bicycle", "car")[j % 3]
        lat, lon = stations[j % len(stations)]
        for day in range(days):
            date = MONDAY + timedelta(days=day)
            # Staggered shifts: some cover the midday prayers, some the evening ones.
            start = (4.75, 11.0, 14.0)[(j // 3 + day) % 3]
            unit_docs.append(
                {
                    "id": f"unit{j:03d}-d{day}",
                    "mode": mode,
                    "start": at(date, start),
                    "end": at(date, start + 8),
                    "base": {"lat": round(lat, 6), "lon": round(lon, 6)},
                }
            )
    return {
        "seed": seed,
        "dwell_minutes": 15,
        "time_limit_seconds": time_limit,
        "replications": replications,
        "calibration_rounds": rounds,
        "sites": site_docs,
        "windows": windows,
        "units": unit_docs,
    }


def travel(mode: str, a: tuple[float, float], b: tuple[float, float]) -> timedelta:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    speed, circuity = SPEEDS[mode]
    return timedelta(hours=2 * 6371.0088 * math.asin(math.sqrt(h)) * circuity / speed)


def infeasible_visits(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Every broken rule, as text: windows, dwell, shifts, travel, overlaps, repeats."""
    slack = timedelta(seconds=1)
    dwell = timedelta(minutes=problem["dwell_minutes"])
    sites = {s["id"]: (s["lat"], s["lon"]) for s in problem["sites"]}
    windows = {w["id"]: w for w in problem["windows"]}
    units = {u["id"]: u for u in problem["units"]}
    problems, seen = [], set()
    for route in plan["routes"]:
        unit = units[route["unit"]]
        base = (unit["base"]["lat"], unit["base"]["lon"])
        here, free = base, datetime.fromisoformat(unit["start"])
        for visit in route["visits"]:
            window = windows[visit["window"]]
            arrive, start, end = (
                datetime.fromisoformat(visit[k]) for k in ("arrive", "start", "end")
            )
            site = sites[window["site"]]
            checks = {
                "visited twice": visit["window"] not in seen,
                "too early to get there": arrive + slack >= free + travel(unit["mode"], here, site),
                "starts before arriving": arrive <= start,
                "before the window": start >= datetime.fromisoformat(window["start"]),
                "dwell": end - start == dwell,
                "after the window": end <= datetime.fromisoformat(window["end"]),
            }
            problems += [
                f"{route['unit']} {visit['window']}: {k}" for k, ok in checks.items() if not ok
            ]
            seen.add(visit["window"])
            here, free = site, end
        if free + travel(unit["mode"], here, base) > datetime.fromisoformat(unit["end"]) + slack:
            problems.append(f"{route['unit']}: back after the shift ends")
    return problems


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ceil_seconds(mode: str, a: tuple[float, float], b: tuple[float, float]) -> int:
    return math.ceil(travel(mode, a, b).total_seconds() - 1e-9)


def infeasible_rosters(problem: dict[str, Any], plan_doc: dict[str, Any]) -> list[str]:
    """Every roster of the mixture, timed from scratch (earliest start) and checked."""
    dwell = round(problem["dwell_minutes"] * 60)
    sites = {s["id"]: (s["lat"], s["lon"]) for s in problem["sites"]}
    windows = {w["id"]: w for w in problem["windows"]}
    units = {u["id"]: u for u in problem["units"]}
    broken = []
    for number, roster in enumerate(plan_doc["mixture"]):
        seen: set[str] = set()
        for unit_id, route in roster["routes"].items():
            unit = units[unit_id]
            base = (unit["base"]["lat"], unit["base"]["lon"])
            here, free = base, datetime.fromisoformat(unit["start"])
            for window_id in route:
                window = windows[window_id]
                if window_id in seen:
                    broken.append(f"roster {number}: {window_id} visited twice")
                seen.add(window_id)
                site = sites[window["site"]]
                arrive = free + timedelta(seconds=ceil_seconds(unit["mode"], here, site))
                start = max(arrive, datetime.fromisoformat(window["start"]))
                end = start + timedelta(seconds=dwell)
                if end > datetime.fromisoformat(window["end"]):
                    broken.append(f"roster {number}: {unit_id} late for {window_id}")
                here, free = site, end
            back = free + timedelta(seconds=ceil_seconds(unit["mode"], here, base))
            if route and back > datetime.fromisoformat(unit["end"]):
                broken.append(f"roster {number}: {unit_id} back after the shift")
        if abs(sum(r["probability"] for r in plan_doc["mixture"]) - 1) > 1e-9:
            broken.append("probabilities do not sum to 1")
    return broken


CASES = {
    "week": dict(
        sites=40, days=7, units=12, span_km=8.0, time_limit=50.0, replications=8, rounds=3
    ),
    "day": dict(
        sites=2000, days=1, units=200, span_km=40.0, time_limit=480.0, replications=6, rounds=3
    ),
}
# The sampling planner's own budget on the day (it used 161 s of 480 in docs/benchmarks.md).
OLD_TIME_LIMIT = {"week": 50.0, "day": 240.0, "small": 10.0}


def old_planner(document: dict[str, Any], name: str) -> tuple[float, float, list[Any], float]:
    """Its reported utility, the exact utility of its draws' mixture, its rosters, seconds."""
    problem = problem_from_document(dict(document, time_limit_seconds=OLD_TIME_LIMIT[name]))
    started = time.perf_counter()
    result = sampling_planner.plan(problem)
    seconds = time.perf_counter() - started
    rosters = [tuple(tuple(v.window for v in r.visits) for r in d.routes) for d in result.draws]
    game = problem.game(float(len(problem.windows)), None)
    coverage = coverage_of(rosters, np.full(len(rosters), 1 / len(rosters)), len(problem.windows))
    exact = attack_outcome(game, coverage, problem.attacker_may_decline).defender_utility
    return result.defender_utility, exact, rosters, seconds


def run_case(name: str, seed: int, with_old: bool) -> dict[str, Any]:
    document = generate(**CASES[name], seed=seed)  # type: ignore[arg-type]
    problem = problem_from_document(document)
    old_reported = old_exact = old_seconds = float("nan")
    seeds: list[Any] = []
    if with_old:
        old_reported, old_exact, seeds, old_seconds = old_planner(document, name)
    travel_times = StraightLineTravelTimes()
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = plan(problem, travel_times, initial_rosters=seeds)
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    document_out = result.to_document(problem, TravelTable.build(problem, travel_times))
    broken = infeasible_visits(document, document_out) + infeasible_rosters(document, document_out)
    return {
        "case": name,
        "seed": seed,
        "windows": len(problem.windows),
        "units": len(problem.units),
        "plan": result.defender_utility,
        "bound": result.bound,
        "gap": result.gap,
        "uniform": result.baselines["uniform"],
        "proportional": result.baselines["attendance_proportional"],
        "old_reported": old_reported,
        "old_exact": old_exact,
        "old_seconds": old_seconds,
        "wall": wall,
        "cpu": cpu,
        "rosters": len(result.rosters),
        "rounds": result.iterations,
        "stopped": result.stopped,
        "broken": len(broken),
        "first_broken": broken[:3],
        "expected_visits": float(result.coverage.sum()),
    }


def small_cases(seeds: list[int], busy: bool) -> None:
    """Plan, sampling planner and uniform against the optimum of every roster's mixture."""
    from test_patrol_optimum import optimum, small_problem
    from test_patrol_parts import busy_hour

    ratios: dict[str, list[float]] = {"plan": [], "uniform": [], "old": [], "bound": []}
    for seed in seeds:
        document = busy_hour(seed) if busy else small_problem(seed)
        problem = problem_from_document(document)
        payoffs = np.array([w.payoffs for w in problem.windows])
        best = optimum(document, payoffs, problem.attacker_may_decline)
        result = plan(problem)
        _, old_exact, _, _ = old_planner(document, "small")
        row = {
            "plan": result.defender_utility,
            "uniform": result.baselines["uniform"],
            "old": old_exact,
            "bound": result.bound,
        }
        if best < 0:  # the loss over the optimal loss: 1 is optimal, 2 loses twice as much
            for name, value in row.items():
                ratios[name].append(value / best)
        values = " ".join(f"{k} {v:.3f}" for k, v in row.items())
        print(f"seed {seed}: optimum {best:.3f} {values}", flush=True)
    summary = "; ".join(f"{k} {statistics.mean(v):.4f}, {max(v):.4f}" for k, v in ratios.items())
    print(
        f"{'busy' if busy else 'small'}: {len(ratios['plan'])} of {len(seeds)} instances lose "
        f"something at the optimum; loss / optimal loss (mean, max): {summary}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=["week", "day", "small", "busy"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--no-old", action="store_true", help="skip the sampling planner")
    parser.add_argument(
        "--only-old", action="store_true", help="run the sampling planner alone (in parallel)"
    )
    args = parser.parse_args()
    if args.case in ("small", "busy"):
        small_cases(args.seeds, args.case == "busy")
    elif args.only_old:
        for seed in args.seeds:
            document = generate(**CASES[args.case], seed=seed)  # type: ignore[arg-type]
            cpu = cpu_seconds()
            reported, exact, _, seconds = old_planner(document, args.case)
            print(
                f"case={args.case} seed={seed} old_reported={reported:.3f} "
                f"old_exact={exact:.3f} old_wall={seconds:.1f} "
                f"old_cpu={cpu_seconds() - cpu:.1f}",
                flush=True,
            )
    else:
        for seed in args.seeds:
            row = run_case(args.case, seed, not args.no_old)
            print(
                " ".join(
                    f"{k}={round(v, 3) if isinstance(v, float) else v}" for k, v in row.items()
                ),
                flush=True,
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
