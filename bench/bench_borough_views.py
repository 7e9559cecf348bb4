"""Benchmark: the borough's week view, heat map and borough feed, as the police supervisor sees them.

Works on a copy of a demo database (`sanctuary demo --no-serve` builds one), so that nothing is
written to the original; `--sites N` first adds copies of the demo's sites (seeded, spread over
its wards, sizes varied) until there are N, to show how each page grows with a real directory.

    SANCTUARY_DATA_DIR=/tmp/x .venv/bin/sanctuary demo --no-serve
    .venv/bin/python bench/bench_borough_views.py --demo /tmp/x/demo.sqlite3 [--sites 2000]

Each page is fetched through Django's test client (the whole request: middleware, doors,
engine, template), `--runs` times; wall and CPU seconds are min/median/max. Results go in
docs/benchmarks.md ("## Borough views").
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SANCTUARY_DEMO"] = "true"  # the demo's logins waive the second factor
    os.environ.setdefault("SANCTUARY_DATA_DIR", str(database.parent))
    from sanctuary.cli_support import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a demo built by an older version


def _grow(total: int, seed: int) -> None:
    """Add copies of the demo's active sites until there are `total` (each with the faith's
    defaults: the copies keep no schedule rows)."""
    from sanctuary.registry.models import Site, SiteStatus

    rng = random.Random(seed)
    originals = list(Site.objects.filter(status=SiteStatus.ACTIVE, is_sensitive=False))
    have = Site.objects.filter(status=SiteStatus.ACTIVE).count()
    copies = []
    for number in range(max(0, total - have)):
        model = rng.choice(originals)
        copies.append(
            Site(
                name=f"{model.name} ({number + 2})",
                faith=model.faith,
                address=model.address,
                ward=rng.choice(originals).ward,
                latitude=model.latitude + rng.uniform(-0.01, 0.01),
                longitude=model.longitude + rng.uniform(-0.01, 0.01),
                capacity=model.capacity,
                typical_peak_attendance=rng.randint(40, 1500),
                operator_id=model.operator_id,
            )
        )
    Site.objects.bulk_create(copies, batch_size=500)


def _timed(fetch: Any, runs: int) -> tuple[list[float], list[float], Any]:
    walls, cpus, last = [], [], None
    for _ in range(runs):
        began, cpu_began = time.perf_counter(), time.process_time()
        last = fetch()
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu_began)
    return walls, cpus, last


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, required=True, help="the demo's demo.sqlite3")
    parser.add_argument("--sites", type=int, default=0, help="grow the borough to N active sites")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--start", type=date.fromisoformat, default=None, help="the week shown (default: today)"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-borough-"))
    copy = folder / "demo.sqlite3"
    shutil.copyfile(args.demo, copy)
    _setup(copy)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from sanctuary.calendars.models import Feed
    from sanctuary.registry.models import Site, SiteStatus

    if args.sites:
        _grow(args.sites, args.seed)
    police = get_user_model().objects.get(username="police")
    client = Client()
    client.force_login(police)
    start = args.start or date.today()
    sites = Site.objects.filter(status=SiteStatus.ACTIVE).count()
    print(f"{sites} active sites; week from {start}; {args.runs} runs; min/median/max seconds")
    print(f"{'what':<44} {'bytes':>11} {'events':>7} {'wall s':>16} {'cpu s':>16}")

    def show(name: str, path: str, events: bool = False) -> None:
        walls, cpus, response = _timed(lambda: client.get(path), args.runs)
        assert response.status_code == 200, (path, response.status_code)
        count = response.content.count(b"BEGIN:VEVENT") if events else ""
        print(
            f"{name:<44} {len(response.content):>11,} {count:>7} {_spread(walls):>16} "
            f"{_spread(cpus):>16}",
            flush=True,
        )

    show("week view", f"/calendar/week/?start={start}")
    show("heat map", f"/calendar/heatmap/?start={start}")
    response = client.post("/calendar/feeds/", {"scope": "borough"})
    assert response.status_code == 302, response.content.decode()[:2000]
    offered = Feed.every.filter(user=police).latest("id")
    show("borough feed, as the form offers it", f"/calendar/feeds/{offered.key}.ics", events=True)
    # what every borough feed held before feeds had options, and what such a feed still holds
    everything = Feed.every.create(user=police, scope="borough", epoch=police.credentials_epoch)
    show("borough feed, everything", f"/calendar/feeds/{everything.key}.ics", events=True)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
