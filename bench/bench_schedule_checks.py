"""Benchmark: what saving a change on a schedule page costs in the engine.

Three checks run on each save or upload (docs/schedules.md, "Warnings and refusals" and
"Published timetables"):

* `overlaps`: a year of one busy mosque's gatherings (its own jama'ah rules, three Jumu'ah
  sessions, ten weekly services, events), built and swept for gatherings held at once;
* `standings`: `rule_standings` for the most jama'ah rules a schedule may hold (100), with
  random months and date ranges;
* `timetable`: reading a year's upload, merging it into a full stored table (three years),
  writing it, and reading the stored table back, as the apply step and the next page do.

Instances come from seeds (0..runs-1); nothing is tuned to them. Run, one core:

    taskset -c 0 .venv/bin/python bench/bench_schedule_checks.py [--runs 10]

Results go in docs/benchmarks.md ("## Schedule page checks").
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock

from sanctuary.calendars.engine import (
    CongregationRule,
    Faith,
    GatheringKind,
    JumuahSession,
    OneOffEvent,
    Prayer,
    ServiceRule,
    SiteCalendar,
    build_timeline,
)
from sanctuary.calendars.engine.congregation import rule_standings
from sanctuary.calendars.engine.overlaps import overlaps
from sanctuary.calendars.engine.timetable import (
    MAX_STORED_DAYS,
    merge_timetables,
    read_timetable,
    write_timetable,
)

PRAYERS = [Prayer.FAJR, Prayer.DHUHR, Prayer.ASR, Prayer.MAGHRIB, Prayer.ISHA]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
FIRST = date(2026, 6, 1)


def busy_mosque(seed: int) -> SiteCalendar:
    rng = random.Random(seed)
    rules = tuple(
        CongregationRule(
            prayer,
            fixed_time=clock(rng.randint(5, 21), rng.choice([0, 15, 30, 45])),
            months=frozenset(rng.sample(range(1, 13), rng.randint(0, 4))),
        )
        for prayer in PRAYERS
        for _ in range(3)
    )
    services = tuple(
        ServiceRule(f"class {k}", f"FREQ=WEEKLY;BYDAY={rng.choice(DAYS)}",
                    clock(rng.randint(9, 20), 0), rng.choice([60, 90, 120]), 40)
        for k in range(10)
    )
    starts = [
        datetime.combine(FIRST + timedelta(days=rng.randint(0, 365)), clock(rng.randint(9, 20), 0))
        for _ in range(20)
    ]
    events = tuple(
        OneOffEvent(f"event {k}", GatheringKind.COMMUNITY_EVENT, start,
                    start + timedelta(minutes=rng.choice([45, 90, 180])), 100)
        for k, start in enumerate(starts)
    )
    return SiteCalendar(
        site_id=str(seed), faith=Faith.ISLAM, latitude=51.5179, longitude=-0.0648,
        typical_peak=4000, congregation_rules=rules, services=services, one_off_events=events,
        jumuah_sessions=(JumuahSession(clock(12, 20), clock(13, 30), duration_minutes=40),
                         JumuahSession(clock(13, 0), clock(14, 10), duration_minutes=30),
                         JumuahSession(None, None, minutes_after_dhuhr=90)),
    )


def check_overlaps(seed: int) -> int:
    site = busy_mosque(seed)
    return len(overlaps(build_timeline([site], FIRST, FIRST + timedelta(days=365)).gatherings()))


def check_standings(seed: int) -> int:
    rng = random.Random(seed)
    rules = []
    for _ in range(100):
        start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 1000))
        ranged = rng.random() < 0.3
        rules.append(CongregationRule(
            rng.choice(PRAYERS), fixed_time=clock(rng.randint(5, 21), 0),
            months=frozenset(rng.sample(range(1, 13), rng.randint(0, 5))),
            valid_from=start if ranged else None,
            valid_to=start + timedelta(days=rng.randint(0, 60)) if ranged else None,
        ))
    return sum(s.takes_effect for s in rule_standings(rules, date(2026, 6, 1)))


def timetable_text(first: date, days: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = ["date,fajr,fajr_jamat,sunrise,dhuhr,dhuhr_jamat,asr,asr_jamat,magrib,magrib_jamat,"
             "isha,isha_jamat"]
    for k in range(days):
        m = rng.randint(0, 9)
        lines.append(f"{first + timedelta(days=k)},05:1{m},05:40,06:50,12:1{m},13:00,15:1{m},"
                     f"15:45,17:2{m},17:35,18:5{m},19:30")
    return "\n".join(lines) + "\n"


def check_timetable(seed: int) -> int:
    stored = read_timetable(timetable_text(date(2024, 1, 1), MAX_STORED_DAYS, seed),
                            consecutive=False)
    upload = read_timetable(timetable_text(stored.last_day - timedelta(days=30), 366, seed + 1))
    merge = merge_timetables(stored, upload)
    text = write_timetable(merge.timetable)
    return len(read_timetable(text, consecutive=False).days)


CHECKS: dict[str, Callable[[int], int]] = {
    "overlaps": check_overlaps,
    "standings": check_standings,
    "timetable": check_timetable,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10, help="seeds per check (default 10)")
    args = parser.parse_args()
    check_overlaps(10_000)  # warm up: imports, the festival tables' first read
    print(f"{'check':<10} {'runs':>4} {'wall min/median/max (ms)':>26} {'CPU median (ms)':>16}  result")
    for name, check in CHECKS.items():
        walls, cpus, results = [], [], []
        for seed in range(args.runs):
            wall, cpu = time.perf_counter(), time.process_time()
            results.append(check(seed))
            walls.append(1000 * (time.perf_counter() - wall))
            cpus.append(1000 * (time.process_time() - cpu))
        spread = f"{min(walls):.0f} / {statistics.median(walls):.0f} / {max(walls):.0f}"
        print(f"{name:<10} {args.runs:>4} {spread:>26} {statistics.median(cpus):>16.0f}  "
              f"median {statistics.median(results):g}", flush=True)


if __name__ == "__main__":
    main()
