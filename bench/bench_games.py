"""Benchmark: the exact O(n log n) SSE solver against the ERASER MILP on HiGHS.

Games from the generator of Kiekintveld et al. (AAMAS 2009): independent uniform integers,
rewards (covered payoffs for the defender, uncovered for the attacker) in [0, 100] and
penalties in [-100, 0], with m = 0.5 n resources (deployment-to-saturation ratio 0.5, the
hardest region). Run: /work/main/.venv/bin/python bench/bench_games.py [--milp-limit S]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np

from sanctuary.solvers.eraser import solve_milp
from sanctuary.solvers.games import SecurityGame, solve_exact


def paper_game(n: int, seed: int, ratio: float = 0.5) -> SecurityGame:
    rng = np.random.default_rng(seed)
    return SecurityGame.from_arrays(
        defender_covered=rng.integers(0, 101, n),
        defender_uncovered=-rng.integers(0, 101, n),
        attacker_covered=-rng.integers(0, 101, n),
        # A reward of 0 with a penalty of 0 would be a target coverage cannot touch.
        attacker_uncovered=rng.integers(1, 101, n),
        resources=ratio * n,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--milp-limit", type=float, default=600.0,
                        help="seconds allowed to one MILP solve (default 600)")
    parser.add_argument("--games", type=int, default=5, help="games per size (default 5)")
    args = parser.parse_args()

    print(f"{'targets':>9} {'games':>5} {'exact s':>10} {'milp s':>10} {'speed-up':>9} "
          f"{'max rel diff':>12}  notes")
    for n in (100, 1_000, 10_000):
        games = args.games if n < 10_000 else 1
        exact_times, milp_times, diffs, notes = [], [], [], set()
        for seed in range(games):
            game = paper_game(n, seed)
            exact = solve_exact(game)
            milp = solve_milp(game, time_limit=args.milp_limit)
            exact_times.append(exact.seconds)
            milp_times.append(milp.seconds)
            scale = max(1.0, abs(milp.defender_utility))
            diffs.append(abs(exact.defender_utility - milp.defender_utility) / scale)
            notes.update(milp.notes)
        exact_s, milp_s = statistics.median(exact_times), statistics.median(milp_times)
        print(f"{n:>9,} {games:>5} {exact_s:>10.5f} {milp_s:>10.3f} {milp_s / exact_s:>9.0f}x "
              f"{max(diffs):>12.1e}  {'; '.join(sorted(notes)) or 'MILP optimal'}", flush=True)

    for n in (1_000_000,):
        game = paper_game(n, 0)
        started = time.perf_counter()
        exact = solve_exact(game)
        total = time.perf_counter() - started
        print(f"{n:>9,} {1:>5} {exact.seconds:>10.3f} {'-':>10} {'-':>9} {'-':>12}  "
              f"exact only; {total:.3f} s with the checks, coverage sum "
              f"{exact.coverage.sum():,.1f} of {game.resources:,.0f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
