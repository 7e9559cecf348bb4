"""`sanctuary game solve`: the JSON contract and every refusal."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sanctuary.cli import main

SANCTUARY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"


def target(identifier: str, **overrides: Any) -> dict[str, Any]:
    document = {
        "id": identifier,
        "defender_covered": 0,
        "defender_uncovered": -10,
        "attacker_covered": -5,
        "attacker_uncovered": 8,
    }
    document.update(overrides)
    return document


GAME = {
    "resources": 1,
    "targets": [
        target("t1"),
        target("t2", defender_uncovered=-5, attacker_uncovered=3),
    ],
}


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str
) -> tuple[int, Any, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["game", "solve", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


@pytest.mark.parametrize("solver", ["exact", "milp"])
def test_it_prints_the_equilibrium_of_one_game(monkeypatch, capsys, solver) -> None:
    code, result, _ = run(monkeypatch, capsys, json.dumps(GAME), "--solver", solver)
    assert code == 0
    assert result["coverage"] == pytest.approx({"t1": 13 / 21, "t2": 8 / 21})
    assert result["defender_utility"] == pytest.approx(-65 / 21)
    assert result["attacker_utility"] == pytest.approx(-1 / 21)
    assert result["attacked_target"] == "t2"
    assert result["solver"] == solver
    assert 0 <= result["seconds"] < 5


def test_an_array_of_games_gives_an_array_of_answers(monkeypatch, capsys) -> None:
    lone = {"resources": 0, "targets": [target("only")]}
    code, result, _ = run(monkeypatch, capsys, json.dumps([GAME, lone]))
    assert code == 0
    assert [answer["attacked_target"] for answer in result] == ["t2", "only"]
    assert result[1]["defender_utility"] == -10


def test_the_quantal_solver_takes_its_lambda(monkeypatch, capsys) -> None:
    code, result, _ = run(monkeypatch, capsys, json.dumps(GAME), "--solver", "qr", "--lambda", "0")
    assert code == 0
    assert result["solver"] == "qr"
    assert "lambda=0" in result["notes"][0]
    # A uniformly random attacker: all coverage goes where it gains most (t1, gain 10).
    assert result["coverage"]["t1"] == pytest.approx(1, abs=1e-6)


def test_equal_defender_payoffs_are_allowed(monkeypatch, capsys) -> None:
    game = {"resources": 1, "targets": [target("t1", defender_covered=-10)]}
    code, result, _ = run(monkeypatch, capsys, json.dumps(game))
    assert code == 0
    assert result["defender_utility"] == -10


MALFORMED = [
    (
        "defender covered worse",
        {"resources": 1, "targets": [target("t1", defender_covered=-11)]},
        "game, target 't1': defender_covered (-11) is worse",
    ),
    (
        "attacker covered better",
        {"resources": 1, "targets": [target("t1", attacker_covered=9)]},
        "game, target 't1': attacker_covered (9) must be less than attacker_uncovered",
    ),
    (
        "attacker payoffs equal",
        {"resources": 1, "targets": [target("t1", attacker_covered=8)]},
        "game, target 't1': attacker_covered (8) must be less",
    ),
    (
        "negative resources",
        {"resources": -1, "targets": [target("t1")]},
        "game: field 'resources' must be >= 0",
    ),
    (
        "text resources",
        {"resources": "3", "targets": [target("t1")]},
        "game: field 'resources' must be a number, got a string",
    ),
    (
        "boolean resources",
        {"resources": True, "targets": [target("t1")]},
        "game: field 'resources' must be a number, got a boolean",
    ),
    ("missing resources", {"targets": [target("t1")]}, "game: missing field 'resources'"),
    (
        "duplicate ids",
        {"resources": 1, "targets": [target("t1"), target("t1")]},
        "game, targets: duplicate id 't1'",
    ),
    (
        "missing id",
        {"resources": 1, "targets": [{k: v for k, v in target("x").items() if k != "id"}]},
        "game, target 0: missing field 'id'",
    ),
    (
        "missing payoff",
        {"resources": 1, "targets": [{"id": "t1", "defender_covered": 0}]},
        "game, target 't1': missing field 'defender_uncovered'",
    ),
    ("empty targets", {"resources": 1, "targets": []}, "game: field 'targets' is empty"),
    (
        "targets not a list",
        {"resources": 1, "targets": {"t1": 1}},
        "game: field 'targets' must be a list",
    ),
    ("game not an object", [3], "game 0: expected a JSON object, got a number"),
]


@pytest.mark.parametrize(("case", "game", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_it_refuses_a_malformed_game(monkeypatch, capsys, case, game, message) -> None:
    code, out, err = run(monkeypatch, capsys, json.dumps(game))
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary game: ")
    assert message in err


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_it_refuses_non_finite_payoffs(monkeypatch, capsys, token) -> None:
    text = json.dumps(GAME).replace('"attacker_uncovered": 3', f'"attacker_uncovered": {token}')
    code, _, err = run(monkeypatch, capsys, text)
    assert code == 2
    assert "game, target 't2': field 'attacker_uncovered' must be finite" in err


def test_in_an_array_it_names_the_bad_games_index(monkeypatch, capsys) -> None:
    bad = {"resources": 1, "targets": [target("a"), target("b", defender_covered=-20)]}
    code, _, err = run(monkeypatch, capsys, json.dumps([GAME, GAME, bad]))
    assert code == 2
    assert "game 2, target 'b': defender_covered" in err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "standard input is empty"),
        ("{not json", "standard input is not valid JSON"),
        ("[]", "empty array"),
    ],
)
def test_it_refuses_input_that_is_no_game_at_all(monkeypatch, capsys, stdin, message) -> None:
    code, _, err = run(monkeypatch, capsys, stdin)
    assert code == 2
    assert message in err


def test_a_negative_lambda_is_refused(monkeypatch, capsys) -> None:
    code, _, err = run(monkeypatch, capsys, json.dumps(GAME), "--solver", "qr", "--lambda", "-1")
    assert code == 2
    assert "--lambda" in err


def test_the_installed_command_writes_clean_json_even_through_highs() -> None:
    # HiGHS prints a banner on standard output on first use; the JSON must not be spoiled.
    for solver in ("exact", "milp"):
        completed = subprocess.run(
            [str(SANCTUARY), "game", "solve", "--solver", solver],
            input=json.dumps(GAME),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout)["attacked_target"] == "t2"
    refused = subprocess.run(
        [str(SANCTUARY), "game", "solve"],
        input='{"resources": 1, "targets": []}',
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("sanctuary game: game: field 'targets' is empty")


def large_game(n: int) -> dict[str, Any]:
    return {
        "resources": n / 2,
        "targets": [
            target(f"t{i}", defender_uncovered=-(i % 97) - 1, attacker_uncovered=(i % 89) + 1)
            for i in range(n)
        ],
    }


def test_a_large_game_is_read_by_columns_and_answered_on_one_line(monkeypatch, capsys) -> None:
    from sanctuary.solvers.games import _game_target_by_target, game_from_document

    document = large_game(12_000)
    fast, slow = game_from_document(document), _game_target_by_target(document, "game")
    assert fast.ids == slow.ids and fast.resources == slow.resources
    for name in ("defender_covered", "defender_uncovered", "attacker_covered"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name))
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    assert main(["game", "solve"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert len(json.loads(out)["coverage"]) == 12_000


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"attacker_covered": True}, "target 't7001': field 'attacker_covered' must be a number"),
        ({"id": " "}, "target 7001: field 'id' must be a non-empty string"),
        ({"id": "t3"}, "game, targets: duplicate id 't3'"),
        ({"defender_covered": -50}, "target 't7001': defender_covered (-50) is worse"),
    ],
)
def test_a_large_game_still_names_its_first_bad_target(monkeypatch, capsys, edit, message) -> None:
    document = large_game(12_000)
    document["targets"][7001].update(edit)
    code, _, err = run(monkeypatch, capsys, json.dumps(document))
    assert code == 2
    assert message in err
