"""`sanctuary incidents surge`: the JSON contract and every refusal."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sanctuary.cli import main

SANCTUARY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"


def days(counts: list[int], start: date = date(2019, 1, 1)) -> list[dict[str, Any]]:
    return [
        {"date": (start + timedelta(days=index)).isoformat(), "count": count}
        for index, count in enumerate(counts)
    ]


# Christchurch, 15 March 2019: about 12 incidents a week before, 95 the week after.
MARCH_2019 = days([2, 1, 2, 3, 1, 2, 1] * 10 + [14, 15, 13, 12, 14, 13, 14], date(2019, 1, 4))
JUMP = "2019-03-15"  # day 70 of the series


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str
) -> tuple[int, Any, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["incidents", "surge"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


def test_it_alerts_on_the_day_of_the_jump_with_its_evidence(monkeypatch, capsys) -> None:
    code, result, _ = run(monkeypatch, capsys, json.dumps({"series": MARCH_2019}))
    assert code == 0
    assert result["method"] == "negative-binomial CUSUM"
    assert result["baseline"] == "estimated"
    assert result["watched_from"] == "2019-02-07"  # after the 34 days of warm-up
    [alert] = result["alerts"]
    assert alert["date"] == JUMP and alert["since"] == JUMP
    assert alert["observed"] == 14
    # Eight weeks of 12 a week, rounded to three figures: 1.71 a day.
    assert alert["expected"] == pytest.approx(1.71)
    assert alert["statistic"] >= alert["threshold"] > 0
    assert alert["alarm_days"] >= 1 and alert["last_alarm"] >= JUMP
    assert result["parameters"]["design_ratio"] == 3.0


def test_a_given_baseline_is_used_and_said(monkeypatch, capsys) -> None:
    document = {"series": days([0, 0, 9, 0]), "baseline_per_day": 0.5}
    code, result, _ = run(monkeypatch, capsys, json.dumps(document))
    assert code == 0
    assert result["baseline"] == "given"
    assert result["watched_from"] == "2019-01-01"
    assert [alert["date"] for alert in result["alerts"]] == ["2019-01-03"]
    assert result["alerts"][0]["expected"] == pytest.approx(0.5)


def test_a_quiet_series_gives_no_alerts(monkeypatch, capsys) -> None:
    code, result, _ = run(monkeypatch, capsys, json.dumps({"series": days([1, 2] * 60)}))
    assert code == 0
    assert result["alerts"] == []


def with_item(index: int, **fields: Any) -> dict[str, Any]:
    items = days([1, 2, 3, 4])
    items[index] = {**items[index], **fields}
    return {"series": items}


def without(index: int, field: str) -> dict[str, Any]:
    items = days([1, 2, 3, 4])
    del items[index][field]
    return {"series": items}


REFUSED = [
    ("not an object", [1, 2], "expected a JSON object with a field 'series', got a list"),
    ("no series", {"baseline_per_day": 1}, "missing field 'series'"),
    ("series not a list", {"series": {"2019-01-01": 1}}, "field 'series' must be a list"),
    (
        "series null",
        {"series": None},
        'field \'series\' must be a list of {"date", "count"} objects, got null',
    ),
    ("series empty", {"series": []}, "field 'series' is empty"),
    ("unknown field", {"series": days([1]), "baseline": 2}, "unknown field 'baseline'"),
    (
        "item not an object",
        {"series": [3]},
        "series item 0: expected an object with 'date' and 'count', got a number",
    ),
    ("item unknown field", with_item(2, cnt=1), "series item 2: unknown field 'cnt'"),
    ("missing date", without(1, "date"), "series item 1: missing field 'date'"),
    ("missing count", without(3, "count"), "series item 3: missing field 'count'"),
    (
        "date not a string",
        with_item(0, date=20190101),
        "series item 0: field 'date' must be a string YYYY-MM-DD, got a number",
    ),
    (
        "impossible date",
        with_item(1, date="2019-02-30"),
        "series item 1: field 'date' is not a date YYYY-MM-DD: '2019-02-30'",
    ),
    (
        "date in words",
        with_item(1, date="1 March 2019"),
        "series item 1: field 'date' is not a date",
    ),
    ("compact date", with_item(0, date="20190101"), "series item 0: field 'date' is not a date"),
    (
        "duplicate date",
        with_item(2, date="2019-01-02"),
        "series item 2: field 'date' 2019-01-02 repeats item 1's",
    ),
    (
        "date backwards",
        with_item(2, date="2018-12-31"),
        "series item 2: field 'date' 2018-12-31 comes before item 1's",
    ),
    (
        "day missing",
        with_item(3, date="2019-01-06"),
        "series item 3: field 'date' 2019-01-06 leaves 2 days missing after 2019-01-03",
    ),
    (
        "negative count",
        with_item(2, count=-1),
        "series item 2: field 'count' must be a whole number >= 0, got -1",
    ),
    (
        "fractional count",
        with_item(1, count=2.5),
        "series item 1: field 'count' must be a whole number >= 0, got 2.5",
    ),
    (
        "count as text",
        with_item(0, count="3"),
        "series item 0: field 'count' must be a whole number >= 0, got a string",
    ),
    (
        "count as boolean",
        with_item(0, count=True),
        "series item 0: field 'count' must be a whole number >= 0, got a boolean",
    ),
    (
        "count null",
        with_item(3, count=None),
        "series item 3: field 'count' must be a whole number >= 0, got null",
    ),
    (
        "zero baseline",
        {"series": days([1]), "baseline_per_day": 0},
        "field 'baseline_per_day' must be a number > 0, got 0",
    ),
    (
        "negative baseline",
        {"series": days([1]), "baseline_per_day": -2.5},
        "field 'baseline_per_day' must be a number > 0, got -2.5",
    ),
    (
        "baseline as text",
        {"series": days([1]), "baseline_per_day": "2"},
        "field 'baseline_per_day' must be a number > 0, got a string",
    ),
    ("baseline boolean", {"series": days([1]), "baseline_per_day": True}, "got a boolean"),
]


@pytest.mark.parametrize(("case", "document", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_it_refuses_bad_input_with_one_line(monkeypatch, capsys, case, document, message) -> None:
    code, out, err = run(monkeypatch, capsys, json.dumps(document))
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary incidents: ")
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"series": [{"date": "2019-01-01", "count": NaN}]}',
            "field 'count' must be a whole number >= 0, got nan",
        ),
        (
            '{"series": [{"date": "2019-01-01", "count": 1}], "baseline_per_day": Infinity}',
            "'baseline_per_day' must be a number > 0, got inf",
        ),
        ("", "standard input is empty"),
        ("{not json", "standard input is not valid JSON"),
    ],
)
def test_it_refuses_what_is_not_a_finite_json_document(monkeypatch, capsys, text, message) -> None:
    code, _, err = run(monkeypatch, capsys, text)
    assert code == 2
    assert message in err


def test_a_whole_count_written_as_a_decimal_is_accepted(monkeypatch, capsys) -> None:
    code, result, _ = run(
        monkeypatch, capsys, json.dumps({"series": [{"date": "2019-01-01", "count": 2.0}]})
    )
    assert code == 0
    assert result["alerts"] == []


def test_the_installed_command_reads_standard_input_and_refuses_cleanly() -> None:
    completed = subprocess.run(
        [str(SANCTUARY), "incidents", "surge"],
        input=json.dumps({"series": MARCH_2019}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert [alert["date"] for alert in json.loads(completed.stdout)["alerts"]] == [JUMP]
    refused = subprocess.run(
        [str(SANCTUARY), "incidents", "surge"],
        input=json.dumps(with_item(2, count=-1)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "sanctuary incidents: series item 2: field 'count' must be a whole number >= 0, got -1\n"
    )
