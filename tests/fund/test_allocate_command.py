"""`sanctuary fund allocate`: the JSON contract, the explanations and every refusal."""

from __future__ import annotations

import copy
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sanctuary.cli import main
from sanctuary.fund import commands
from sanctuary.solvers import allocation

SANCTUARY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"


def round_document() -> dict[str, Any]:
    # £100,000 for four sites; judaism must have 15% (£15,000), islam at most £60,000.
    return {
        "budget": 100_000,
        "sites": [
            {
                "id": "s1",
                "group": "islam",
                "packages": [
                    {"id": "p1", "cost": 21_000, "benefit": 3.2},
                    {"id": "p2", "cost": 45_000, "benefit": 5.1},
                ],
            },
            {
                "id": "s2",
                "group": "judaism",
                "packages": [
                    {"id": "p1", "cost": 18_000, "benefit": 2.9, "measures": ["cctv", "gates"]},
                    {"id": "p2", "cost": 30_000, "benefit": 4.0},
                ],
            },
            {
                "id": "s3",
                "group": "christianity",
                "packages": [{"id": "p1", "cost": 25_000, "benefit": 2.0}],
            },
            {
                "id": "s4",
                "group": "islam",
                "packages": [{"id": "p1", "cost": 40_000, "benefit": 4.4}],
            },
        ],
        "rules": {"min_share": {"judaism": 0.15}, "max_per_group": {"islam": 60_000}},
    }


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    document: Any,
    *args: str,
) -> tuple[int, Any, str]:
    text = document if isinstance(document, str) else json.dumps(document)
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["fund", "allocate", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


def test_it_prints_the_optimal_allocation(monkeypatch, capsys) -> None:
    code, result, err = run(monkeypatch, capsys, round_document())
    assert code == 0, err
    # Islam may have £60,000: s1 p2 (45,000) or s1 p1 + s4 (61,000: over). The best within
    # £100,000 is s1 p2 + s2 p2 + s3 (100,000 -> 5.1 + 4.0 + 2.0 = 11.1); s1 p1 + s2 p2 +
    # s3 (76,000 -> 9.2) leaves money that no site can use.
    assert result["chosen"] == {"s1": "p2", "s2": "p2", "s3": "p1"}
    assert result["cost"] == 100_000
    assert result["benefit"] == pytest.approx(11.1)
    assert result["bound"] == pytest.approx(11.1)
    assert result["gap"] == pytest.approx(0, abs=1e-9)
    assert result["status"] == "optimal"
    assert 0 <= result["seconds"] < 60
    assert set(result) == {"chosen", "cost", "benefit", "bound", "gap", "seconds", "status"}


def test_explain_adds_baselines_prices_reasons_and_a_further_sum(monkeypatch, capsys) -> None:
    code, result, err = run(monkeypatch, capsys, round_document(), "--explain", "--extra", "40000")
    assert code == 0, err
    assert set(result["baselines"]) == {"greedy", "first_come"}
    for baseline in result["baselines"].values():
        assert baseline["cost"] <= 100_000
        assert baseline["benefit"] <= result["benefit"] + 1e-9
    assert [e["site"] for e in result["explanations"]] == ["s1", "s2", "s3", "s4"]
    s4 = result["explanations"][3]
    assert s4["funded"] is None
    # s4 fits the budget's price but not the cap on islam, which raises its cut-off.
    assert s4["cut_off"] > result["prices"]["budget"]
    assert "the cap on 'islam' raises it" in s4["text"]
    assert result["prices"]["rules"]["islam"] > 0
    assert result["group_spend"] == {"islam": 45_000, "judaism": 30_000}
    further = result["further"]
    # £140,000: still only £60,000 for islam, so s1 p1 + s4 (61,000) stays out; nothing to add.
    assert further["extra"] == 40_000
    assert further["benefit_gained"] == pytest.approx(0)
    assert further["funded"] == {}


def test_a_further_sum_that_outgrows_a_share_is_reported_not_fatal(monkeypatch, capsys) -> None:
    document = round_document()
    document["rules"]["min_share"] = {"judaism": 0.3}  # £30,000 of £100,000: s2 p2 exactly
    code, result, err = run(monkeypatch, capsys, document, "--explain")
    assert code == 0, err
    assert result["chosen"]["s2"] == "p2"
    # With £200,000 judaism would need £60,000, and s2 asked for at most £30,000.
    assert "min_share 'judaism'" in result["further"]["refused"]


Edit = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _delete(path: tuple[Any, ...]) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return edit


def _submitted_with_one_bare_time(document: dict[str, Any]) -> None:
    for site in document["sites"]:
        site["submitted_at"] = "2026-04-01T09:00:00+01:00"
    document["sites"][1]["submitted_at"] = "2026-04-01T09:00:00"


MALFORMED: list[tuple[str, Edit, str]] = [
    ("missing budget", _delete(("budget",)), "problem: missing field 'budget'"),
    (
        "text budget",
        _set(("budget",), "lots"),
        "problem: field 'budget' must be a number, got a string",
    ),
    (
        "negative budget",
        _set(("budget",), -1),
        "problem: field 'budget' must be a finite number >= 0",
    ),
    (
        "unknown field",
        _set(("year",), 2026),
        "problem: unknown field 'year' (allowed: budget, sites, rules)",
    ),
    ("no sites", _set(("sites",), []), "problem: field 'sites' is empty"),
    ("sites not a list", _set(("sites",), {"s1": 1}), "problem: field 'sites' must be a list"),
    (
        "site not an object",
        _set(("sites", 2), "s3"),
        "site 2: expected a JSON object, got a string",
    ),
    ("site without an id", _delete(("sites", 1, "id")), "site 1: missing field 'id'"),
    (
        "numeric site id",
        _set(("sites", 1, "id"), 7),
        "site 1: field 'id' must be a non-empty string",
    ),
    (
        "duplicate site id",
        _set(("sites", 3, "id"), "s1"),
        "site 3 ('s1'): duplicate id 's1' (also site 0)",
    ),
    (
        "misspelt site field",
        _set(("sites", 0, "groups"), ["islam"]),
        "site 0 ('s1'): unknown field 'groups'",
    ),
    ("no packages", _set(("sites", 2, "packages"), []), "site 2 ('s3'): field 'packages' is empty"),
    (
        "zero cost",
        _set(("sites", 1, "packages", 0, "cost"), 0),
        "site 1 ('s2'), package 0 ('p1'): field 'cost' must be > 0, got 0",
    ),
    (
        "text cost",
        _set(("sites", 1, "packages", 1, "cost"), "30k"),
        "site 1 ('s2'), package 1 ('p2'): field 'cost' must be a number, got a string",
    ),
    (
        "negative benefit",
        _set(("sites", 0, "packages", 1, "benefit"), -0.5),
        "site 0 ('s1'), package 1 ('p2'): field 'benefit' must be >= 0, got -0.5",
    ),
    (
        "boolean benefit",
        _set(("sites", 0, "packages", 1, "benefit"), True),
        "site 0 ('s1'), package 1 ('p2'): field 'benefit' must be a number, got a boolean",
    ),
    (
        "missing benefit",
        _delete(("sites", 3, "packages", 0, "benefit")),
        "site 3 ('s4'), package 0 ('p1'): missing field 'benefit'",
    ),
    (
        "duplicate package id",
        _set(("sites", 0, "packages", 1, "id"), "p1"),
        "site 0 ('s1'), package 1 ('p1'): duplicate package id 'p1' in this site",
    ),
    (
        "unknown package field",
        _set(("sites", 0, "packages", 0, "risk"), 3),
        "site 0 ('s1'), package 0 ('p1'): unknown field 'risk' (allowed: id, cost, benefit, "
        "measures)",
    ),
    (
        "measures not a list",
        _set(("sites", 1, "packages", 0, "measures"), "cctv"),
        "site 1 ('s2'), package 0 ('p1'): field 'measures' must be a list of strings",
    ),
    (
        "numeric group",
        _set(("sites", 0, "group"), 3),
        "site 0 ('s1'): field 'group' must be a non-empty string",
    ),
    (
        "group twice",
        _set(("sites", 0, "group"), ["islam", "islam"]),
        "site 0 ('s1'): field 'group' names a group twice",
    ),
    (
        "score on one site only",
        _set(("sites", 2, "score"), 7),
        "site 0 ('s1'): missing field 'score' (other sites have one",
    ),
    (
        "time without an offset",
        _submitted_with_one_bare_time,
        "site 1 ('s2'): field 'submitted_at' has no UTC offset",
    ),
    (
        "share above one",
        _set(("rules", "min_share", "judaism"), 1.5),
        "rules, min_share 'judaism': must be a fraction in [0, 1], got 1.5",
    ),
    (
        "negative cap",
        _set(("rules", "max_per_group", "islam"), -1),
        "rules, max_per_group 'islam': must be pounds >= 0, got -1",
    ),
    (
        "text share",
        _set(("rules", "min_share", "judaism"), "15%"),
        "rules, min_share: field 'judaism' must be a number, got a string",
    ),
    (
        "misspelt rule",
        _set(("rules", "min_shares"), {}),
        "rules: unknown field 'min_shares' (allowed: min_share, max_per_group)",
    ),
    ("rules not an object", _set(("rules",), []), "rules: expected a JSON object, got a list"),
]


@pytest.mark.parametrize(("case", "edit", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_it_refuses_a_malformed_round(monkeypatch, capsys, case, edit, message) -> None:
    document = copy.deepcopy(round_document())
    edit(document)
    code, out, err = run(monkeypatch, capsys, document)
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary fund: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("token", ["NaN", "Infinity"])
def test_it_refuses_non_finite_costs(monkeypatch, capsys, token) -> None:
    text = json.dumps(round_document()).replace('"cost": 25000', f'"cost": {token}')
    code, _, err = run(monkeypatch, capsys, text)
    assert code == 2
    assert "site 2 ('s3'), package 0 ('p1'): field 'cost' must be finite" in err


INFEASIBLE: list[tuple[str, Edit, str]] = [
    (
        "shares over the whole budget",
        _set(("rules",), {"min_share": {"judaism": 0.3, "islam": 0.75}}),
        "rules, min_share: the shares add up to 1.05 of the budget, more than all of it",
    ),
    (
        "a share the group's packages cannot reach",
        _set(("rules", "min_share", "judaism"), 0.4),
        "rules, min_share 'judaism': needs £40,000.00 (0.4 of the budget) but the dearest "
        "packages of its 1 site(s) that fit total only £30,000.00",
    ),
    (
        "a share of a group nobody is in",
        _set(("rules", "min_share", "sikhism"), 0.1),
        "rules, min_share 'sikhism': no site is in group 'sikhism'",
    ),
    (
        "a share only parts of packages could meet",
        # Islam needs £50,000 to £55,000; its packages come to 21, 40, 45, 61 or 85 thousand.
        _set(("rules",), {"min_share": {"islam": 0.5}, "max_per_group": {"islam": 55_000}}),
        "rules: no allocation of whole packages meets the budget and the rules (HiGHS proved it)",
    ),
]


@pytest.mark.parametrize(("case", "edit", "message"), INFEASIBLE, ids=[m[0] for m in INFEASIBLE])
def test_it_refuses_rules_no_allocation_can_meet(monkeypatch, capsys, case, edit, message) -> None:
    document = copy.deepcopy(round_document())
    edit(document)
    code, _, err = run(monkeypatch, capsys, document)
    assert code == 2
    assert message in err


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "standard input is empty"),
        ("{not json", "standard input is not valid JSON"),
        ("[]", "problem: expected a JSON object, got a list"),
    ],
)
def test_it_refuses_input_that_is_no_round_at_all(monkeypatch, capsys, stdin, message) -> None:
    code, _, err = run(monkeypatch, capsys, stdin)
    assert code == 2
    assert message in err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--gap", "1", "--gap must be a fraction in [0, 1)"),
        ("--gap", "-0.1", "--gap must be a fraction in [0, 1)"),
        ("--time-limit", "0", "--time-limit must be a number of seconds > 0"),
        ("--time-limit", "nan", "--time-limit must be a number of seconds > 0"),
        ("--extra", "-5", "--extra must be pounds >= 0"),
    ],
)
def test_it_refuses_bad_options(monkeypatch, capsys, option, value, message) -> None:
    code, _, err = run(monkeypatch, capsys, round_document(), option, value)
    assert code == 2
    assert message in err


def test_the_help_states_the_solvers_defaults() -> None:
    assert commands.HELP_TIME_LIMIT == allocation.DEFAULT_TIME_LIMIT
    assert commands.HELP_GAP == allocation.DEFAULT_GAP
    assert commands.HELP_EXTRA == allocation.DEFAULT_EXTRA


def test_the_installed_command_writes_clean_json_and_one_line_refusals() -> None:
    # HiGHS prints a banner on first use; neither the JSON nor the refusal may carry it.
    completed = subprocess.run(
        [str(SANCTUARY), "fund", "allocate", "--explain"],
        input=json.dumps(round_document()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["chosen"] == {"s1": "p2", "s2": "p2", "s3": "p1"}
    assert completed.stderr == ""
    document = round_document()
    document["rules"] = {"min_share": {"islam": 0.5}, "max_per_group": {"islam": 55_000}}
    refused = subprocess.run(
        [str(SANCTUARY), "fund", "allocate"],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "sanctuary fund: rules: no allocation of whole packages meets the budget and the rules "
        "(HiGHS proved it)\n"
    )
