"""Benchmark: a year of gatherings for 2,000 sites, and people per hour by site, ward and borough.

Run one scenario per process so that peak memory belongs to it alone:

    taskset -c 0 .venv/bin/python bench/bench_calendars.py --scenario mosques
    taskset -c 0 .venv/bin/python bench/bench_calendars.py --scenario mixed

`mosques`: every site is a mosque (five daily prayers, Jumu'ah, Taraweeh, Eid and its other
festivals), the heaviest case. `mixed`: a borough-like mix of faiths (weekly services and
festivals). Every site has its own coordinates, scattered over a London borough, and prayer
times are computed per site (no grid cache). Results go in docs/benchmarks.md ("## Calendars").
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sanctuary.calendars.engine import Faith, SiteCalendar, build_timeline, people_per_hour

MIX = (
    (Faith.ISLAM, 0.40),
    (Faith.CHRISTIANITY, 0.35),
    (Faith.SIKHISM, 0.07),
    (Faith.HINDUISM, 0.07),
    (Faith.JUDAISM, 0.06),
    (Faith.BUDDHISM, 0.05),
)


def make_sites(count: int, scenario: str, seed: int) -> list[SiteCalendar]:
    rng = random.Random(seed)
    faiths = [f for f, _ in MIX]
    weights = [w for _, w in MIX]
    sites = []
    for number in range(count):
        faith = Faith.ISLAM if scenario == "mosques" else rng.choices(faiths, weights)[0]
        sites.append(
            SiteCalendar(
                site_id=f"site-{number}",
                faith=faith,
                latitude=rng.uniform(51.49, 51.54),
                longitude=rng.uniform(-0.08, 0.01),
                ward=f"ward-{rng.randrange(20)}",
                typical_peak=rng.randint(50, 2000),
                moon_sighting_offset=rng.choice((-1, 0, 0, 0, 1)) if faith is Faith.ISLAM else 0,
            )
        )
    return sites


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("mosques", "mixed"), default="mosques")
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    sites = make_sites(args.sites, args.scenario, args.seed)
    london = ZoneInfo("Europe/London")
    began = time.perf_counter()
    cpu_began = time.process_time()
    timeline = build_timeline(sites, date(args.year, 1, 1), date(args.year, 12, 31))
    built = time.perf_counter()
    start, end = (
        datetime(args.year, 1, 1, tzinfo=london),
        datetime(args.year + 1, 1, 1, tzinfo=london),
    )
    by_site = people_per_hour(timeline, start, end, by="site")
    by_ward = people_per_hour(timeline, start, end, by="ward")
    borough = people_per_hour(timeline, start, end, by="borough")
    finished = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_began
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "scenario": args.scenario,
                "sites": args.sites,
                "gatherings": len(timeline),
                "hours": int(borough.people.shape[1]),
                "timeline_seconds": round(built - began, 2),
                "per_hour_seconds": round(finished - built, 2),
                "total_seconds": round(finished - began, 2),
                "total_cpu_seconds": round(cpu_seconds, 2),
                "peak_memory_mb": round(peak_kib / 1024),
                "busiest_borough_hour_people": int(borough.people.max()),
                "site_matrix": list(by_site.people.shape),
                "ward_matrix": list(by_ward.people.shape),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
