"""`sanctuary fund allocate`: a funding round on standard input, its allocation on standard output.
`sanctuary fund daily`: queue the day's notices that awards' years of maintenance are ending,
for `sanctuary worker`; `sanctuary fund maintenance-notices` sends them now.

The solver is imported in the handler, so that `sanctuary --help` does not load HiGHS.
Bad input, rules no allocation can meet and a time limit too short to find any allocation
all fail with one line on standard error.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from sanctuary.cli_support import CommandFailed, read_json, write_json

# Repeated from sanctuary.solvers.allocation for the help text (a test keeps them equal).
HELP_TIME_LIMIT = 10.0
HELP_GAP = 1e-6
HELP_EXTRA = 100_000.0


def register(subparsers: argparse._SubParsersAction) -> None:
    fund = subparsers.add_parser("fund", help="the protective security fund")
    actions = fund.add_subparsers(dest="fund_command", required=True, metavar="ACTION")
    allocate = actions.add_parser(
        "allocate",
        help="allocate a round's budget (JSON on standard input) to at most one package per "
        "site, removing the most risk (docs/fund-allocation.md)",
    )
    allocate.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"seconds allowed to the solve (default {HELP_TIME_LIMIT:g})",
    )
    allocate.add_argument(
        "--gap",
        type=float,
        default=None,
        help=f"stop once the benefit is proven within this fraction of the best possible "
        f"(default {HELP_GAP:g}; 0 for exact)",
    )
    allocate.add_argument(
        "--explain",
        action="store_true",
        help="add the score-ranked greedy and first-come allocations, the prices, why each "
        "application was or was not funded, and what --extra pounds more would fund",
    )
    allocate.add_argument(
        "--extra",
        type=float,
        default=None,
        help=f"pounds added for the 'further' answer of --explain (default {HELP_EXTRA:,.0f})",
    )
    allocate.set_defaults(handler=allocate_round)
    daily = actions.add_parser(
        "daily",
        help="queue the day's notices of awards whose year of maintenance ends in 30 or 7 days "
        "for `sanctuary worker`: run it once a day (cron, a systemd timer); running it twice "
        "sends nothing twice",
    )
    daily.set_defaults(handler=queue_daily)
    now = actions.add_parser(
        "maintenance-notices", help="send today's notices of maintenance ending now, without the worker"
    )
    now.set_defaults(handler=send_notices_now)


def queue_daily(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.fund.tasks import enqueue_daily

    enqueue_daily()
    print("Queued the notices of maintenance ending; `sanctuary worker` sends them.")
    return 0


def send_notices_now(args: argparse.Namespace) -> int:
    from sanctuary.cli_support import setup_django

    setup_django()
    from sanctuary.access.actor import Actor
    from sanctuary.fund.maintenance import send_notices_now as send

    sent = send(Actor.system("command line"))
    write_json({"notices": [
        {"award": n.award_id, "kind": n.kind, "maintenance_until": n.maintenance_until.isoformat(),
         "to": n.recipients} for n in sent
    ]})
    return 0


def allocate_round(args: argparse.Namespace) -> int:
    from sanctuary.solvers import allocation
    from sanctuary.solvers.validation import InvalidInput

    limits: dict[str, float] = {}
    if args.time_limit is not None:
        if not math.isfinite(args.time_limit) or args.time_limit <= 0:
            raise CommandFailed(
                f"--time-limit must be a number of seconds > 0, got {args.time_limit}"
            )
        limits["time_limit"] = args.time_limit
    if args.gap is not None:
        if not 0 <= args.gap < 1:
            raise CommandFailed(f"--gap must be a fraction in [0, 1), got {args.gap}")
        limits["gap"] = args.gap
    extra = allocation.DEFAULT_EXTRA if args.extra is None else args.extra
    if not math.isfinite(extra) or extra < 0:
        raise CommandFailed(f"--extra must be pounds >= 0, got {extra}")
    document = read_json()
    try:
        problem = allocation.problem_from_document(document)
        relaxation = allocation.relax(problem)
        result = allocation.allocate(problem, relaxation=relaxation, **limits)
    except (InvalidInput, allocation.NoAllocationFound) as error:
        raise CommandFailed(str(error)) from None
    answer = result.to_document()
    if args.explain:
        answer.update(_explained(allocation, problem, relaxation, result, extra, limits))
    write_json(answer)
    return 0


def _explained(
    allocation: Any,
    problem: Any,
    relaxation: Any,
    result: Any,
    extra: float,
    limits: dict[str, float],
) -> dict[str, Any]:
    baselines = {}
    for name, rule in (
        ("greedy", allocation.greedy_by_score),
        ("first_come", allocation.first_come_first_served),
    ):
        baseline = rule(problem)
        baselines[name] = {
            "chosen": dict(baseline.chosen),
            "cost": baseline.cost,
            "benefit": baseline.benefit,
            "violations": list(baseline.violations),
        }
    further = allocation.marginal(problem, extra, before=result, **limits)
    return {
        "found_by": result.found_by,
        "group_spend": dict(result.group_spend),
        "baselines": baselines,
        "prices": {
            "budget": relaxation.budget_price,
            "rules": dict(relaxation.rule_prices),
            "relaxation_bound": relaxation.bound,
        },
        "explanations": [
            {
                "site": item.site,
                "funded": item.funded,
                "reason": item.reason.value,
                "best_package": item.best_package,
                "best_ratio": item.best_ratio,
                "cut_off": item.cut_off,
                "step_up": item.step_up,
                "step_up_ratio": item.step_up_ratio,
                "text": item.text,
            }
            for item in allocation.explain(problem, result, relaxation)
        ],
        "further": further.to_document(),
    }
