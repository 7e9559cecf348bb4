"""Solver subcommands: `sanctuary game solve` and `sanctuary patrol plan`.

Both read JSON on standard input and write JSON on standard output; bad input fails with one
line on standard error naming the game or record and the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sanctuary.cli_support import CommandFailed, read_json, write_json
from sanctuary.solvers.validation import InvalidInput

# Answers for more targets than this are written on one line (see solve_games).
COMPACT_ABOVE_TARGETS = 10_000


def register(subparsers: argparse._SubParsersAction) -> None:
    from sanctuary.solvers.quantal import DEFAULT_LAMBDA

    game = subparsers.add_parser("game", help="solve Stackelberg security games")
    game_commands = game.add_subparsers(dest="game_command", required=True, metavar="ACTION")
    solve = game_commands.add_parser(
        "solve",
        help="solve one game (a JSON object) or several (a JSON array) read on standard input",
    )
    solve.add_argument(
        "--solver",
        choices=("exact", "milp", "qr"),
        default="exact",
        help="exact: O(n log n) strong Stackelberg equilibrium (default); milp: the ERASER "
        "programme on HiGHS; qr: best coverage against a quantal-response attacker",
    )
    solve.add_argument(
        "--lambda",
        dest="rationality",
        type=float,
        default=DEFAULT_LAMBDA,
        help=f"rationality of the quantal-response attacker (default {DEFAULT_LAMBDA}, "
        "Yang et al. 2011); only with --solver qr",
    )
    solve.add_argument(
        "--time-limit", type=float, default=None, help="seconds allowed to the MILP per game"
    )
    solve.set_defaults(handler=solve_games)

    patrol = subparsers.add_parser("patrol", help="plan randomised patrol routes")
    patrol_commands = patrol.add_subparsers(dest="patrol_command", required=True, metavar="ACTION")
    plan = patrol_commands.add_parser(
        "plan", help="read a patrol problem on standard input, write the plan on standard output"
    )
    plan.set_defaults(handler=plan_patrols)


def solve_games(args: argparse.Namespace) -> int:
    from sanctuary.solvers.eraser import solve_milp
    from sanctuary.solvers.games import game_from_document, solve_exact
    from sanctuary.solvers.quantal import solve_quantal

    if args.rationality < 0 or args.rationality != args.rationality:
        raise CommandFailed(f"--lambda must be a number >= 0, got {args.rationality}")
    document = read_json()
    many = isinstance(document, list)
    if many and not document:
        raise CommandFailed("standard input is an empty array: expected at least one game")
    documents: list[Any] = document if many else [document]
    try:
        games = [
            game_from_document(game, f"game {index}" if many else "game")
            for index, game in enumerate(documents)
        ]
    except InvalidInput as error:
        raise CommandFailed(str(error)) from None
    results = []
    for game in games:
        if args.solver == "exact":
            solution = solve_exact(game)
        elif args.solver == "milp":
            solution = solve_milp(game, time_limit=args.time_limit)
        else:
            solution = solve_quantal(game, rationality=args.rationality)
        results.append(solution.to_document(game))
    answer = results if many else results[0]
    if sum(game.size for game in games) > COMPACT_ABOVE_TARGETS:
        # Pretty-printing runs Python's pure-Python encoder: 9 s for a million coverages,
        # against 1 s for one compact line from the C encoder.
        json.dump(answer, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_json(answer)
    return 0


def plan_patrols(args: argparse.Namespace) -> int:
    from sanctuary.solvers.patrol import plan_from_document

    document = read_json()
    try:
        plan = plan_from_document(document)
    except InvalidInput as error:
        raise CommandFailed(str(error)) from None
    write_json(plan)
    return 0
