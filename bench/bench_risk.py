"""Benchmark: score every site of a region, with drivers and ranked recommendations.

Sites are scattered over a square centred on east London, sized for 5 places of worship per
square kilometre (about Tower Hamlets' density; 2,000 sites cover 400 km2, a quarter of
Greater London); each has a faith, a capacity, two to six gatherings and a survey answered at
random (a question left unanswered with probability 0.2, N/A where allowed with probability
0.1). Incidents are spread over three years, a fifth of them at a site. 20,000 incidents in
three years over 400 km2 is about London's rate of recorded hate crime per square kilometre,
most of which would not concern a place of worship: a heavy load. Everything comes from the seed.
Run: .venv/bin/python bench/bench_risk.py [--sites 2000] [--incidents 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np

from sanctuary.surveys.instrument import NOT_APPLICABLE, latest_instrument
from sanctuary.surveys.risk import (
    DEFAULT_PARAMETERS,
    Incident,
    IncidentTable,
    PlannedGathering,
    SiteProfile,
    ThreatLevel,
    assess_site,
    recommend,
)

FAITHS = ["islam", "christianity", "judaism", "sikhism", "hinduism", "buddhism", "other"]
AS_OF = date(2026, 11, 30)
SITES_PER_KM2 = 5.0
CENTRE = (51.515, -0.035)


def box(sites: int) -> tuple[float, float, float, float]:
    half_km = (sites / SITES_PER_KM2) ** 0.5 / 2
    dlat = half_km / 111.2
    dlon = half_km / (111.2 * np.cos(np.radians(CENTRE[0])))
    return CENTRE[0] - dlat, CENTRE[0] + dlat, CENTRE[1] - dlon, CENTRE[1] + dlon


def region(sites: int, incidents: int, seed: int):
    rng = np.random.default_rng(seed)
    south, north, west, east = box(sites)
    instrument = latest_instrument()
    profiles, answers, gatherings = [], [], []
    noon = datetime(2026, 11, 27, 12, tzinfo=UTC)
    for k in range(sites):
        capacity = int(rng.choice([60, 150, 300, 600, 1200, 2500]))
        profiles.append(
            SiteProfile(
                id=f"s{k}",
                faith=str(rng.choice(FAITHS, p=[0.4, 0.35, 0.05, 0.08, 0.08, 0.02, 0.02])),
                lat=float(rng.uniform(south, north)),
                lon=float(rng.uniform(west, east)),
                capacity=capacity,
            )
        )
        survey = {}
        for question in instrument.questions:
            roll = rng.random()
            if roll < 0.2:
                continue
            if question.not_applicable and roll < 0.3:
                survey[question.id] = NOT_APPLICABLE
            else:
                survey[question.id] = int(rng.choice([int(o.grade) for o in question.options]))
        answers.append(survey)
        gatherings.append(
            [
                PlannedGathering(
                    noon + timedelta(days=int(day)),
                    noon + timedelta(days=int(day), hours=1),
                    int(capacity * rng.uniform(0.1, 1.5)),
                    f"gathering {day}",
                )
                for day in range(int(rng.integers(2, 7)))
            ]
        )
    records = []
    categories = list(DEFAULT_PARAMETERS.severity)
    for k in range(incidents):
        age = int(rng.integers(0, 3 * 365))
        if rng.random() < 0.2:
            at = profiles[int(rng.integers(sites))]
            lat, lon, site_id, faith = at.lat, at.lon, at.id, at.faith
        else:
            lat, lon = float(rng.uniform(south, north)), float(rng.uniform(west, east))
            site_id, faith = None, (str(rng.choice(FAITHS)) if rng.random() < 0.6 else None)
        records.append(
            Incident(
                AS_OF - timedelta(days=age),
                str(rng.choice(categories)),
                lat,
                lon,
                site_id,
                faith,
                f"i{k}",
            )
        )
    return instrument, profiles, answers, gatherings, records


def run_once(instrument, profiles, answers, gatherings, records):
    wall, cpu = time.perf_counter(), time.process_time()
    table = IncidentTable(records)
    table_s = time.perf_counter() - wall
    scores, counts = [], []
    for site, survey, planned in zip(profiles, answers, gatherings, strict=True):
        risk = assess_site(site, instrument, survey, ThreatLevel.SUBSTANTIAL, table, planned, AS_OF)
        advice = recommend(risk, instrument, survey)
        scores.append(risk.score)
        counts.append(len(advice.items))
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        table_s,
        np.array(scores),
        np.array(counts),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    data = region(args.sites, args.incidents, args.seed)
    walls, cpus, tables = [], [], []
    for _ in range(args.runs):
        wall, cpu, table_s, scores, counts = run_once(*data)
        walls.append(wall)
        cpus.append(cpu)
        tables.append(table_s)
    levels = {
        level: int(np.sum([DEFAULT_PARAMETERS.level(s) is level for s in scores]))
        for level in {DEFAULT_PARAMETERS.level(s) for s in scores}
    }
    print(f"sites {args.sites:,}, incidents {args.incidents:,}, runs {args.runs}")
    print(
        f"wall s  min {min(walls):.2f} median {statistics.median(walls):.2f} max {max(walls):.2f}"
    )
    print(f"cpu s   min {min(cpus):.2f} median {statistics.median(cpus):.2f} max {max(cpus):.2f}")
    print(f"incident table s (in the above) median {statistics.median(tables):.3f}")
    print(f"per site ms (wall, median) {1000 * statistics.median(walls) / args.sites:.2f}")
    print(
        f"scores: min {scores.min():.1f} median {np.median(scores):.1f} max {scores.max():.1f}; "
        f"levels {dict(sorted((str(k), v) for k, v in levels.items()))}"
    )
    print(f"recommendations per site: median {np.median(counts):.0f}, max {counts.max()}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
