"""`sanctuary risk assess` and `sanctuary risk instrument`: the JSON contract and the refusals."""

from __future__ import annotations

import copy
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sanctuary.cli import main

SANCTUARY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"


def site_input() -> dict[str, Any]:
    return {
        "as_of": "2026-11-30",
        "national_threat_level": "substantial",
        "instrument_version": "2026.1",
        "site": {"id": "1", "faith": "islam", "lat": 51.5178, "lon": -0.0648, "capacity": 1200},
        "answers": {
            "cctv.coverage": 1,
            "perimeter.boundary": "not_applicable",
            "emergency.evacuation": 4,
            "emergency.invacuation": 4,
            "emergency.lockdown": 4,
            "building.lock_quickly": 4,
            "emergency.communication": 1,
        },
        "gatherings": [
            {
                "start": "2026-11-27T12:30:00+00:00",
                "end": "2026-11-27T13:45:00+00:00",
                "expected_attendance": 2520,
                "label": "Jumu'ah (session 1)",
            },
            {
                "start": "2026-11-27T16:00:00+00:00",
                "end": "2026-11-27T16:30:00+00:00",
                "expected_attendance": 90,
                "label": "Asr",
            },
        ],
        "incidents": [
            {
                "id": "i1",
                "date": "2026-11-01",
                "category": "criminal_damage",
                "lat": 51.5178,
                "lon": -0.0648,
                "site": "1",
            },
            {
                "id": "i2",
                "date": "2026-10-12",
                "category": "harassment",
                "lat": 51.519,
                "lon": -0.066,
                "faith": "islam",
            },
        ],
        "measures": ["cctv_fixed", "public_address"],
    }


def run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, Any, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["risk", *args])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


def test_it_assesses_a_site(monkeypatch, capsys) -> None:
    code, answer, _ = run(monkeypatch, capsys, json.dumps(site_input()), "assess")
    assert code == 0
    risk = answer["risk"]
    assert 0 < risk["score"] <= 100 and risk["level"] in {"low", "medium", "high", "very_high"}
    assert risk["vulnerability"]["instrument_version"] == "2026.1"
    assert {"vulnerability", "threat", "consequence"} == {d["kind"] for d in risk["drivers"]}
    assert any(d["label"] == "2,520 at Jumu'ah (session 1)" for d in risk["drivers"])
    assert any(d["label"] == "CCTV coverage: No CCTV" for d in risk["drivers"])
    assert [n["id"] for n in risk["threat"]["nearby"]] == ["i1", "i2"]
    # The Jumu'ah is worth more to both sides than Asr.
    jumuah, asr = answer["gatherings"]
    assert jumuah["attacker_value"] > asr["attacker_value"] > 0
    assert jumuah["payoffs"]["defender_uncovered"] == -jumuah["defender_loss"]
    # Recommendations and the package asked for.
    items = answer["recommendations"]["items"]
    assert items and "cctv_fixed" in {i["measure"] for i in items}
    assert answer["with_measures"]["reduction"] > 0
    # Martyn's Law: 2,520 expected, still the standard tier.
    law = answer["martyns_law"]
    assert law["applies"] and law["tier"] == "standard"
    statuses = {item["duty"]: item["status"] for item in law["checklist"]}
    assert statuses["evacuation"] == "met" and statuses["communication"] == "not_met"


def test_the_instrument_command_prints_a_version(monkeypatch, capsys) -> None:
    code, instrument, _ = run(monkeypatch, capsys, "", "instrument", "--version", "2026.1")
    assert code == 0
    assert instrument["version"] == "2026.1" and len(instrument["sections"]) == 12
    code, _, err = run(monkeypatch, capsys, "", "instrument", "--version", "0.9")
    assert code == 2
    assert err.strip() == "sanctuary risk: no survey instrument of version '0.9' (shipped: 2026.1)"


def edited(path: list[Any], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(site_input())
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


REFUSALS = [
    ("no as_of", edited(["as_of"], KeyError), "input: missing field 'as_of'"),
    ("bad date", edited(["as_of"], "30/11/2026"), "input: field 'as_of' is not a date"),
    (
        "bad level",
        edited(["national_threat_level"], "elevated"),
        "input: field 'national_threat_level' must be one of low, moderate, substantial",
    ),
    (
        "unknown version",
        edited(["instrument_version"], "1.0"),
        "input: no survey instrument of version '1.0'",
    ),
    ("site latitude", edited(["site", "lat"], 95), "site '1': lat 95.0 is out of range"),
    (
        "unknown question",
        edited(["answers", "cctv.drones"], 3),
        "answers: no question 'cctv.drones' in instrument 2026.1",
    ),
    (
        "grade not offered",
        edited(["answers", "cctv.coverage"], 7),
        "answers, question 'cctv.coverage': 7 is not an answer",
    ),
    (
        "gathering without an offset",
        edited(["gatherings", 0, "start"], "2026-11-27T12:30:00"),
        "gathering 0: field 'start' has no UTC offset",
    ),
    (
        "negative attendance",
        edited(["gatherings", 1, "expected_attendance"], -5),
        "gathering 1: field 'expected_attendance' must be a whole number >= 0",
    ),
    (
        "unknown category",
        edited(["incidents", 1, "category"], "rudeness"),
        "incident 'i2': unknown category 'rudeness'",
    ),
    ("duplicate incident", edited(["incidents", 1, "id"], "i1"), "incidents: duplicate id 'i1'"),
    ("unknown measure", edited(["measures"], ["moat"]), "measures: unknown measure 'moat'"),
]


@pytest.mark.parametrize(("case", "document", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_it_refuses_bad_input_in_one_line(monkeypatch, capsys, case, document, message) -> None:
    code, out, err = run(monkeypatch, capsys, json.dumps(document), "assess")
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary risk: ") and err.count("\n") == 1
    assert message in err


def test_the_installed_command_runs_without_a_database() -> None:
    completed = subprocess.run(
        [str(SANCTUARY), "risk", "assess"],
        input=json.dumps(site_input()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["risk"]["site"] == "1"
    refused = subprocess.run(
        [str(SANCTUARY), "risk", "assess"],
        input="{}",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stderr == "sanctuary risk: input: missing field 'as_of'\n"
