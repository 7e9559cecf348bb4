"""Benchmark: the fund allocation (HiGHS, exact) against score-ranked greedy and first come.

Rounds are generated from a seed (`round_document`): sites of seven faiths in 25 areas, each
with a few packages of increasing cost and concave benefit, minimum shares for three smaller
faiths and caps on the three areas with most risk, all set so that they bind. Run:

    .venv/bin/python bench/bench_allocation.py                 # 2,000 x 5 and 10,000 x 5
    .venv/bin/python bench/bench_allocation.py --sites 2000 --gap 0 --time-limit 600
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from sanctuary.solvers.allocation import (
    Allocation,
    allocate,
    first_come_first_served,
    greedy_by_score,
    problem_from_document,
    relax,
)

# Share of places of worship by faith in an illustrative diverse English borough, and a
# multiplier of the risk each faces (illustrative; Home Office hate crime statistics have
# Muslim and Jewish targets most often named where a religion is recorded).
FAITHS = {
    "christianity": (0.50, 1.0),
    "islam": (0.25, 1.4),
    "judaism": (0.06, 1.8),
    "hinduism": (0.06, 1.0),
    "sikhism": (0.05, 1.1),
    "buddhism": (0.04, 0.9),
    "other": (0.04, 0.9),
}
AREAS = 25
MIN_SHARE = {"hinduism": 0.085, "sikhism": 0.075, "buddhism": 0.05}
HOT_AREAS = 3  # the areas with most risk get a cap of ...
HOT_AREA_CAP = 0.05  # ... this share of the budget (a fair share is 1/25 = 0.04)
BUDGET_SHARE = 0.3  # the budget: this share of the cost of every site's middle package


def round_document(sites: int, packages: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    names = list(FAITHS)
    shares = np.array([FAITHS[f][0] for f in names])
    faith = rng.choice(len(names), sites, p=shares / shares.sum())
    area_weights = rng.dirichlet(np.full(AREAS, 3.0))
    area = rng.choice(AREAS, sites, p=area_weights)
    area_risk = rng.lognormal(0.0, 0.3, AREAS)
    risk = (
        rng.lognormal(1.0, 0.5, sites)
        * np.array([FAITHS[f][1] for f in names])[faith]
        * area_risk[area]
    )
    base = rng.lognormal(math.log(9_000), 0.5, sites)
    steps = rng.uniform(1.3, 2.0, (sites, packages - 1))
    costs = np.round(base[:, None] * np.cumprod(np.hstack([np.ones((sites, 1)), steps]), 1), -2)
    # Concave in cost: each further pound removes less of the site's risk.
    reach = base * rng.uniform(1.5, 4.0, sites)
    benefits = np.round(risk[:, None] * (1 - np.exp(-costs / reach[:, None])), 3)
    score = np.round(risk * rng.lognormal(0.0, 0.25, sites), 1)
    opened = datetime(2026, 4, 1, 9, tzinfo=UTC)
    submitted = rng.uniform(0, 42 * 86_400, sites)
    budget = float(np.round(BUDGET_SHARE * costs[:, packages // 2].sum(), -3))
    area_totals = np.bincount(area, weights=risk, minlength=AREAS)
    hot = np.argsort(-area_totals)[:HOT_AREAS]
    return {
        "budget": budget,
        "sites": [
            {
                "id": f"s{s}",
                "group": [names[faith[s]], f"area{area[s]:02d}"],
                "score": float(score[s]),
                "submitted_at": (opened + timedelta(seconds=float(submitted[s]))).isoformat(),
                "packages": [
                    {
                        "id": f"p{j + 1}",
                        "cost": float(costs[s, j]),
                        "benefit": float(benefits[s, j]),
                    }
                    for j in range(packages)
                ],
            }
            for s in range(sites)
        ],
        "rules": {
            "min_share": dict(MIN_SHARE),
            "max_per_group": {f"area{a:02d}": HOT_AREA_CAP * budget for a in sorted(hot)},
        },
    }


def _summary(allocation: Allocation) -> str:
    """Benefit, sites funded, and a star when the allocation breaks a rule."""
    flag = "*" if allocation.violations else ""
    return f"{allocation.benefit:.1f} ({len(allocation.chosen)}){flag}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, nargs="*", default=[2_000, 10_000])
    parser.add_argument("--packages", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=5, help="rounds per size (seeds 0..n-1)")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--gap", type=float, default=1e-6)
    args = parser.parse_args()

    print(
        f"{'sites':>7} {'seed':>4} {'read s':>6} {'status':>10} {'wall s':>7} {'cpu s':>7} "
        f"{'gap':>9} {'found by':>10} {'optimal':>17} {'greedy':>17} {'first come':>17} "
        f"{'binding':>7}",
        flush=True,
    )
    for sites in args.sites:
        walls, cpus, gaps, vs_greedy, vs_first = [], [], [], [], []
        for seed in range(args.seeds):
            text = json.dumps(round_document(sites, args.packages, seed))
            read = time.perf_counter()
            problem = problem_from_document(json.loads(text))
            read = time.perf_counter() - read
            cpu, wall = time.process_time(), time.perf_counter()
            result = allocate(problem, time_limit=args.time_limit, gap=args.gap)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            greedy, first = greedy_by_score(problem), first_come_first_served(problem)
            binding = sum(abs(p) > 1e-12 for p in relax(problem).rule_prices.values())
            walls.append(wall)
            cpus.append(cpu)
            gaps.append(result.gap or 0.0)
            vs_greedy.append(result.benefit / greedy.benefit - 1)
            vs_first.append(result.benefit / first.benefit - 1)
            print(
                f"{sites:>7,} {seed:>4} {read:>6.2f} {result.status.value:>10} {wall:>7.2f} "
                f"{cpu:>7.2f} {result.gap or 0.0:>9.2e} {result.found_by:>10} "
                f"{_summary(result):>17} {_summary(greedy):>17} {_summary(first):>17} "
                f"{binding:>3} of {len(problem.rule_groups)}",
                flush=True,
            )
        print(
            f"  {sites:,} sites: wall {min(walls):.2f} / {statistics.median(walls):.2f} / "
            f"{max(walls):.2f} s (min/median/max), cpu {min(cpus):.2f} / "
            f"{statistics.median(cpus):.2f} / {max(cpus):.2f} s, worst gap {max(gaps):.2e}; "
            f"optimal over greedy +{100 * min(vs_greedy):.1f}% to +{100 * max(vs_greedy):.1f}%, "
            f"over first come +{100 * min(vs_first):.1f}% to +{100 * max(vs_first):.1f}%",
            flush=True,
        )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
