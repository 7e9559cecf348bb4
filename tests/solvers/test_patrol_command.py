"""`sanctuary patrol plan`: the JSON contract and every refusal."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from test_patrol_plan import assert_every_roster_feasible, assert_feasible

from sanctuary.cli import main


def problem() -> dict[str, Any]:
    return {
        "seed": 3,
        "dwell_minutes": 15,
        "time_limit_seconds": 60,
        "replications": 4,
        "sites": [
            {"id": "mosque", "lat": 52.480, "lon": -1.900},
            {"id": "synagogue", "lat": 52.487, "lon": -1.890},
        ],
        "windows": [
            {
                "id": "jumuah",
                "site": "mosque",
                "start": "2026-11-27T12:30:00+00:00",
                "end": "2026-11-27T13:45:00+00:00",
                "value": 10,
            },
            {
                "id": "shabbat",
                "site": "synagogue",
                "start": "2026-11-27T16:00:00+00:00",
                "end": "2026-11-27T17:00:00+00:00",
                "value": 6,
            },
        ],
        "units": [
            {
                "id": "pc1",
                "mode": "bicycle",
                "start": "2026-11-27T12:00:00+00:00",
                "end": "2026-11-27T18:00:00+00:00",
                "base": {"lat": 52.483, "lon": -1.895},
            }
        ],
    }


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], document: Any
) -> tuple[int, Any, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))
    code = main(["patrol", "plan"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


def test_it_writes_a_plan_that_visits_both_gatherings(monkeypatch, capsys) -> None:
    code, plan, _ = run(monkeypatch, capsys, problem())
    assert code == 0
    assert_feasible(problem(), plan)
    assert_every_roster_feasible(problem(), plan)
    (route,) = plan["routes"]
    assert route["unit"] == "pc1"
    assert [visit["window"] for visit in route["visits"]] == ["jumuah", "shabbat"]
    assert route["visits"][0]["site"] == "mosque"
    assert route["visits"][0]["start"] >= "2026-11-27T12:30:00+00:00"
    assert route["travel_minutes"] > 0
    # One bicycle can reach both gatherings every time: nothing is lost in routing.
    assert plan["coverage"] == {"jumuah": 1.0, "shabbat": 1.0}
    # Fully covered, both gatherings would cost the attacker: he stays at home.
    assert plan["defender_utility"] == plan["bound"] == plan["gap"] == 0
    assert plan["attacked_window"] is None
    assert plan["stopped"] == "converged"
    assert plan["mixture"] == [{"probability": 1.0, "routes": {"pc1": ["jumuah", "shabbat"]}}]
    assert set(plan["baselines"]) == {"uniform", "attendance_proportional"}
    assert plan["seconds"] >= 0


def test_an_attacker_who_may_not_decline_strikes_the_least_bad_gathering(
    monkeypatch, capsys
) -> None:
    document = problem()
    document["attacker_may_decline"] = False
    code, plan, _ = run(monkeypatch, capsys, document)
    assert code == 0
    # Both covered: with the default payoffs he is held to his covered payoff -0.5 v, and
    # he is steered to where the defender loses least, -0.2 v of the shabbat gathering (6).
    assert plan["attacked_window"] == "shabbat"
    assert plan["defender_utility"] == pytest.approx(-0.2 * 6)


def test_times_come_back_in_the_offset_they_were_given(monkeypatch, capsys) -> None:
    document = problem()
    document["windows"][0].update(
        start="2026-06-05T13:30:00+01:00", end="2026-06-05T14:45:00+01:00"
    )
    document["windows"][1].update(
        start="2026-06-05T17:00:00+01:00", end="2026-06-05T18:00:00+01:00"
    )
    document["units"][0].update(start="2026-06-05T12:00:00+00:00", end="2026-06-05T18:00:00+00:00")
    code, plan, _ = run(monkeypatch, capsys, document)
    assert code == 0
    first = plan["routes"][0]["visits"][0]
    assert first["start"].endswith("+01:00")
    assert "2026-06-05T13:30:00+01:00" <= first["start"] <= "2026-06-05T14:30:00+01:00"


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


def _duplicate(collection: str) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        document[collection].append(copy.deepcopy(document[collection][0]))

    return edit


MALFORMED: list[tuple[str, Edit, str]] = [
    (
        "window at an unknown site",
        _set(("windows", 0, "site"), "church"),
        "window 'jumuah': unknown site 'church'",
    ),
    (
        "window shorter than the dwell",
        _set(("windows", 1, "end"), "2026-11-27T16:10:00+00:00"),
        "window 'shabbat': the window (2026-11-27T16:00:00+00:00 to 2026-11-27T16:10:00+00:00) is "
        "shorter than the dwell time of 15 minutes",
    ),
    (
        "shift ending before it starts",
        _set(("units", 0, "end"), "2026-11-27T11:00:00+00:00"),
        "unit 'pc1': the shift ends (2026-11-27T11:00:00+00:00) before it starts",
    ),
    (
        "latitude out of range",
        _set(("sites", 1, "lat"), 91),
        "site 'synagogue': lat 91 is out of range [-90, 90]",
    ),
    (
        "longitude out of range",
        _set(("units", 0, "base", "lon"), -181),
        "unit 'pc1', base: lon -181 is out of range [-180, 180]",
    ),
    (
        "window time without an offset",
        _set(("windows", 0, "start"), "2026-11-27T12:30:00"),
        "window 'jumuah': field 'start' has no UTC offset",
    ),
    (
        "shift time without an offset",
        _set(("units", 0, "start"), "2026-11-27T12:00"),
        "unit 'pc1': field 'start' has no UTC offset",
    ),
    (
        "time that is no time",
        _set(("windows", 0, "end"), "Friday after prayers"),
        "window 'jumuah': field 'end' is not an ISO 8601 time",
    ),
    ("duplicate site ids", _duplicate("sites"), "sites: duplicate id 'mosque'"),
    ("duplicate window ids", _duplicate("windows"), "windows: duplicate id 'jumuah'"),
    ("duplicate unit ids", _duplicate("units"), "units: duplicate id 'pc1'"),
    (
        "unknown mode",
        _set(("units", 0, "mode"), "horse"),
        "unit 'pc1': unknown mode 'horse' (expected one of: foot, bicycle, car)",
    ),
    ("missing value", _delete(("windows", 0, "value")), "window 'jumuah': missing field 'value'"),
    (
        "value not positive",
        _set(("windows", 0, "value"), 0),
        "window 'jumuah': field 'value' must be > 0",
    ),
    ("missing base", _delete(("units", 0, "base")), "unit 'pc1': missing field 'base'"),
    ("missing sites", _delete(("sites",)), "problem: missing field 'sites'"),
    ("no windows", _set(("windows",), []), "problem: field 'windows' is empty"),
    ("site without an id", _delete(("sites", 0, "id")), "site 0: missing field 'id'"),
    (
        "text coordinates",
        _set(("sites", 0, "lat"), "52.48"),
        "site 'mosque': field 'lat' must be a number, got a string",
    ),
    ("negative dwell", _set(("dwell_minutes",), -5), "problem: field 'dwell_minutes' must be > 0"),
    ("no deterrence", _set(("deterrence",), 0), "problem: field 'deterrence' must be > 0"),
    (
        "a visit that does no good",
        _set(("residual_harm",), 1),
        "problem: field 'residual_harm' must be < 1",
    ),
    (
        "declining that is not a boolean",
        _set(("attacker_may_decline",), "yes"),
        "problem: field 'attacker_may_decline' must be true or false",
    ),
    ("fractional seed", _set(("seed",), 1.5), "problem: field 'seed' must be a whole number"),
    (
        "explicit payoffs that reward the attacker for being caught",
        _set(
            ("windows", 0, "payoffs"),
            {
                "defender_covered": 0,
                "defender_uncovered": -10,
                "attacker_covered": 12,
                "attacker_uncovered": 10,
            },
        ),
        "window 'jumuah', payoffs: attacker_covered (12) must be less than attacker_uncovered",
    ),
]


@pytest.mark.parametrize(("case", "edit", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_it_refuses_a_bad_problem(monkeypatch, capsys, case, edit, message) -> None:
    document = problem()
    edit(document)
    code, out, err = run(monkeypatch, capsys, document)
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary patrol: ")
    assert message in err


def test_explicit_payoffs_replace_the_defaults(monkeypatch, capsys) -> None:
    document = problem()
    # With no unit at all, nothing is covered: the attacker takes the gathering that pays him
    # most (jumuah, 20) and the defender loses its explicit uncovered payoff, -3.
    document["units"] = []
    document["windows"][0]["payoffs"] = {
        "defender_covered": 0,
        "defender_uncovered": -3,
        "attacker_covered": -1,
        "attacker_uncovered": 20,
    }
    code, plan, _ = run(monkeypatch, capsys, document)
    assert code == 0
    assert plan["routes"] == []
    assert plan["defender_utility"] == -3


def test_the_installed_command_plans_from_standard_input() -> None:
    import subprocess
    from pathlib import Path

    sanctuary = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"
    completed = subprocess.run(
        [str(sanctuary), "patrol", "plan"],
        input=json.dumps(problem()),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["coverage"] == {"jumuah": 1.0, "shabbat": 1.0}
