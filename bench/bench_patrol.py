"""Benchmark: the patrol planner on a week in a city and a day in a conurbation.

  week: 40 places of worship, a week of gatherings, 12 units (4 on foot, 4 on bicycles,
        4 in cars), each working one shift a day (a unit appears once per shift);
  day:  2,000 places of worship over a 40 km square, one day, 200 units.

Every plan is checked visit by visit by an independent checker below (its own haversine and
speed table), and its utility is compared with the routed baselines and the bound.
Run: /work/main/.venv/bin/python bench/bench_patrol.py [week|day ...]
"""

from __future__ import annotations

import math
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from sanctuary.solvers.patrol import plan_from_document

MONDAY = datetime.fromisoformat("2026-11-23T00:00:00+00:00")
SPEEDS = {"foot": (5.0, 1.3), "bicycle": (15.0, 1.3), "car": (25.0, 1.4)}

# (faith share, [(day of week or None for daily, start hour, hours, attendance range)])
FAITHS: dict[str, tuple[float, list[tuple[int | None, float, float, tuple[int, int]]]]] = {
    "mosque": (0.4, [(None, 6.0, 0.75, (10, 40)), (None, 13.0, 0.75, (15, 60)),
                     (None, 15.5, 0.75, (10, 40)), (None, 17.0, 0.75, (20, 80)),
                     (None, 19.5, 0.75, (15, 60)), (4, 12.5, 1.5, (150, 900))]),
    "church": (0.35, [(6, 9.5, 1.25, (30, 200)), (6, 11.0, 1.5, (50, 400)),
                      (2, 19.0, 1.0, (10, 40))]),
    "synagogue": (0.08, [(4, 16.0, 1.5, (20, 120)), (5, 9.5, 2.5, (40, 250))]),
    "gurdwara": (0.1, [(None, 6.5, 1.5, (20, 80)), (None, 18.0, 1.5, (30, 120)),
                       (6, 10.0, 3.0, (200, 800))]),
    "temple": (0.07, [(None, 8.0, 1.0, (10, 40)), (6, 11.0, 2.0, (60, 300))]),
}


def at(moment: datetime, hours: float) -> str:
    return (moment + timedelta(hours=hours)).isoformat()


def generate(sites: int, days: int, units: int, span_km: float, seed: int,
             time_limit: float, replications: int, rounds: int) -> dict[str, Any]:
    rng = random.Random(seed)
    centre_lat, centre_lon = 52.48, -1.90
    dlat = span_km / 111.2
    dlon = span_km / (111.2 * math.cos(math.radians(centre_lat)))
    site_docs, windows = [], []
    names, shares = list(FAITHS), [FAITHS[f][0] for f in FAITHS]
    for i in range(sites):
        faith = rng.choices(names, shares)[0]
        site_id = f"{faith}-{i}"
        site_docs.append({"id": site_id,
                          "lat": round(centre_lat + rng.uniform(-0.5, 0.5) * dlat, 6),
                          "lon": round(centre_lon + rng.uniform(-0.5, 0.5) * dlon, 6)})
        for day in range(days):
            date = MONDAY + timedelta(days=day)
            for weekday, hour, hours, (low, high) in FAITHS[faith][1]:
                if weekday is not None and weekday != date.weekday():
                    continue
                begin = hour + rng.choice([-0.25, 0, 0.25])
                windows.append({"id": f"{site_id}-d{day}-{hour:g}", "site": site_id,
                                "start": at(date, begin - 0.25), "end": at(date, begin + hours),
                                "value": rng.randint(low, high)})
    stations = [(centre_lat + rng.uniform(-0.4, 0.4) * dlat,
                 centre_lon + rng.uniform(-0.4, 0.4) * dlon) for _ in range(max(3, units // 10))]  # police stations
    unit_docs = []
    for j in range(units):
        mode = ("foot", "bicycle", "car")[j % 3]
        lat, lon = stations[j % len(stations)]
        for day in range(days):
            date = MONDAY + timedelta(days=day)
            # Staggered shifts: some cover the midday prayers, some the evening ones.
            start = (4.75, 11.0, 14.0)[(j // 3 + day) % 3]
            unit_docs.append({"id": f"unit{j:03d}-d{day}", "mode": mode,
                              "start": at(date, start), "end": at(date, start + 8),
                              "base": {"lat": round(lat, 6), "lon": round(lon, 6)}})
    return {"seed": seed, "dwell_minutes": 15, "time_limit_seconds": time_limit,
            "replications": replications, "calibration_rounds": rounds,
            "sites": site_docs, "windows": windows, "units": unit_docs}


def travel(mode: str, a: tuple[float, float], b: tuple[float, float]) -> timedelta:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
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
            arrive, start, end = (datetime.fromisoformat(visit[k]) for k in ("arrive", "start", "end"))
            site = sites[window["site"]]
            checks = {
                "visited twice": visit["window"] not in seen,
                "too early to get there": arrive + slack >= free + travel(unit["mode"], here, site),
                "starts before arriving": arrive <= start,
                "before the window": start >= datetime.fromisoformat(window["start"]),
                "dwell": end - start == dwell,
                "after the window": end <= datetime.fromisoformat(window["end"]),
            }
            problems += [f"{route['unit']} {visit['window']}: {k}" for k, ok in checks.items() if not ok]
            seen.add(visit["window"])
            here, free = site, end
        if free + travel(unit["mode"], here, base) > datetime.fromisoformat(unit["end"]) + slack:
            problems.append(f"{route['unit']}: back after the shift ends")
    return problems


CASES = {
    "week": dict(sites=40, days=7, units=12, span_km=8.0, seed=1, time_limit=50.0,
                 replications=8, rounds=3),
    # The same week with a third of the units, where the units cannot visit every gathering.
    "week-scarce": dict(sites=40, days=7, units=4, span_km=8.0, seed=1, time_limit=50.0,
                        replications=8, rounds=3),
    "day": dict(sites=2000, days=1, units=200, span_km=40.0, seed=1, time_limit=480.0,
                replications=6, rounds=3),
}


def main() -> None:
    for name in sys.argv[1:] or list(CASES):
        problem = generate(**CASES[name])  # type: ignore[arg-type]
        started = time.perf_counter()
        plan = plan_from_document(problem)
        wall = time.perf_counter() - started
        broken = infeasible_visits(problem, plan)
        visits = sum(len(route["visits"]) for route in plan["routes"])
        print(f"== {name}: {len(problem['sites'])} sites, {len(problem['windows'])} windows, "
              f"{len(problem['units'])} unit shifts ({CASES[name]})")
        print(f"   wall {wall:.1f} s; m = {plan['resources']:.0f} window-visits; this draw "
              f"visits {visits}; expected visits {sum(plan['coverage'].values()):.1f} "
              f"(sampled {sum(plan['sampling_probabilities'].values()):.1f})")
        print(f"   defender utility {plan['defender_utility']:.2f}; bound {plan['bound']:.2f}; "
              f"routed baselines {plan['baselines']}; unrouted {plan['baselines_unrouted']}")
        unreachable = sum(1 for v in plan["ideal_coverage"].values() if v == 0)
        print(f"   windows with no ideal coverage (unreachable or not worth it): {unreachable}")
        protected = sum(w["value"] * plan["coverage"][w["id"]] for w in problem["windows"])
        total = sum(w["value"] for w in problem["windows"])
        print(f"   expected share of value protected: {protected / total:.1%}")
        print(f"   rounds: {plan['rounds']}")
        print(f"   calibration round kept: {plan['calibration_round']}; notes: "
              f"{plan.get('notes', [])}")
        print(f"   infeasible visits: {len(broken)} {broken[:5]}", flush=True)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
