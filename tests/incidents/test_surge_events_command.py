"""`sanctuary incidents surge` with incidents and their times: alerts at the moment of the alarm."""

from __future__ import annotations

import io
import json
import subprocess
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sanctuary.cli import main

SANCTUARY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "sanctuary"


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def march_2019() -> list[dict[str, str]]:
    """Ten weeks of 12 a week from 4 January 2019 (at 09:00, 13:00, 17:00), then from 14:00 on
    15 March one incident every 105 minutes (13.7 a day, the 95 a week after Christchurch)."""
    quiet = [2, 1, 2, 3, 1, 2, 1] * 10 + [2]  # 15 March, day 70, has its two before 14:00
    events = [
        stamp(datetime(2019, 1, 4, hour, tzinfo=UTC) + timedelta(days=day))
        for day, count in enumerate(quiet)
        for hour in (9, 13, 17)[:count]
    ]
    jump = datetime(2019, 3, 15, 14, tzinfo=UTC)
    events += [
        stamp(jump + timedelta(minutes=105 * step)) for step in range(34)
    ]  # to 23:45 on 17th
    return [{"at": at} for at in events]


MARCH = {"events": march_2019(), "from": "2019-01-04", "as_of": "2019-03-18T00:00:00Z"}


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], document: Any
) -> tuple[int, Any, str]:
    text = document if isinstance(document, str) else json.dumps(document)
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["incidents", "surge"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.out, captured.err


def test_it_alerts_at_the_incident_that_tipped_the_day(monkeypatch, capsys) -> None:
    # Baseline 1.71 a day: k = 52/17, h = 132/17. 15 March: 2 + 6 incidents, S = 8 - k = 4.94,
    # no alarm. 16 March needs ceil(h + k - S) = 6 more: the 6th, at 09:15, raises the alert,
    # 19 h 15 min after the jump, 14 h 45 min before the daily count could.
    code, result, _ = run(monkeypatch, capsys, MARCH)
    assert code == 0
    assert result["trigger"] == "whole-day reference"
    assert result["time_zone"] == "Europe/London"
    assert result["as_of"] == "2019-03-18T00:00:00+00:00"
    [alert] = result["alerts"]
    assert alert["date"] == "2019-03-16"
    assert alert["at"] == "2019-03-16T09:15:00+00:00"
    assert alert["since"] == "2019-03-15"
    assert alert["observed"] == 14
    assert alert["expected"] == pytest.approx(1.71 + 1.71 * 9.25 / 24, abs=1e-3)
    assert alert["statistic"] == pytest.approx(14 - 2 * 52 / 17, abs=1e-6)
    assert alert["threshold"] == pytest.approx(132 / 17, abs=1e-6)


def test_the_same_incidents_counted_by_day_alert_on_the_same_day(monkeypatch, capsys) -> None:
    per_day = Counter(date.fromisoformat(event["at"][:10]) for event in march_2019())
    days = [date(2019, 1, 4) + timedelta(days=index) for index in range(73)]
    series = [{"date": day.isoformat(), "count": per_day[day]} for day in days]
    _, daily, _ = run(monkeypatch, capsys, {"series": series})
    _, timed, _ = run(monkeypatch, capsys, MARCH)
    assert [a["date"] for a in daily["alerts"]] == [a["date"] for a in timed["alerts"]]
    assert [a["last_alarm"] for a in daily["alerts"]] == [a["last_alarm"] for a in timed["alerts"]]


@pytest.mark.parametrize(
    ("as_of", "alerts"),
    [("2019-03-16T09:00:00Z", []), ("2019-03-16T09:15:00Z", ["2019-03-16T09:15:00+00:00"])],
)
def test_a_check_during_the_day_sees_the_incidents_so_far(
    monkeypatch, capsys, as_of, alerts
) -> None:
    events = [event for event in march_2019() if event["at"] <= as_of]
    document = {"events": events, "from": "2019-01-04", "as_of": as_of}
    code, result, _ = run(monkeypatch, capsys, document)
    assert code == 0
    assert [alert["at"] for alert in result["alerts"]] == alerts


def test_days_are_the_calendar_days_of_the_time_zone(monkeypatch, capsys) -> None:
    # Twelve incidents ten minutes apart from 23:05 UTC on 1 June 2019. Baseline 0.5 a day:
    # k = 51/56, h = 6, so from S = 0 a day alarms on its 7th incident.
    times = [datetime(2019, 6, 1, 23, 5, tzinfo=UTC) + timedelta(minutes=10 * i) for i in range(12)]
    document = {
        "events": [{"at": stamp(moment)} for moment in times],
        "from": "2019-06-01",
        "as_of": "2019-06-02T12:00:00Z",
        "baseline_per_day": 0.5,
    }
    # London (BST): all twelve fall on 2 June; the 7th, 00:05 UTC, is 01:05 local.
    _, london, _ = run(monkeypatch, capsys, document)
    [alert] = london["alerts"]
    assert (alert["since"], alert["at"]) == ("2019-06-02", "2019-06-02T01:05:00+01:00")
    # UTC: six on 1 June (S = 6 - k = 5.09 < h), then the 2nd of 2 June is enough.
    _, utc, _ = run(monkeypatch, capsys, {**document, "time_zone": "UTC"})
    [alert] = utc["alerts"]
    assert (alert["since"], alert["at"]) == ("2019-06-01", "2019-06-02T00:15:00+00:00")


def test_a_quiet_record_gives_no_alerts_and_events_may_be_in_any_order(monkeypatch, capsys) -> None:
    events = [
        {"at": f"2019-01-{day:02d}T{hour:02d}:30:00+01:00"} for day in (9, 3, 7) for hour in (20, 8)
    ]
    document = {"events": events, "from": "2019-01-01", "as_of": "2019-01-10T00:00:00Z"}
    code, result, _ = run(monkeypatch, capsys, document)
    assert code == 0
    assert result["alerts"] == []
    assert result["watched_from"] is None  # ten days are not enough to estimate a baseline


AT = "2019-06-01T12:00:00Z"


def record(**fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"events": [{"at": AT}], "from": "2019-06-01", "as_of": AT}
    document.update(fields)
    return {key: value for key, value in document.items() if value is not None}


def event(at: Any) -> dict[str, Any]:
    return record(events=[{"at": AT}, {"at": at}], as_of="2019-06-05T00:00:00Z")


REFUSED = [
    (
        "series and events",
        record(series=[]),
        "give either 'series' (daily counts) or 'events' (incidents with their times), not both",
    ),
    (
        "unknown field",
        record(today=3),
        "unknown field 'today' (with 'events' expected 'from', 'as_of' and optionally "
        "'time_zone' and 'baseline_per_day')",
    ),
    ("no events", {"from": "2019-06-01", "as_of": AT}, "missing field 'events'"),
    ("no from", record(**{"from": None}), "missing field 'from' (the first day of the record"),
    ("no as_of", record(as_of=None), "missing field 'as_of' (the time up to which"),
    ("from a number", record(**{"from": 20190601}), "field 'from' must be a string YYYY-MM-DD"),
    ("from impossible", record(**{"from": "2019-06-31"}), "field 'from' is not a date YYYY-MM-DD"),
    (
        "as_of without offset",
        record(as_of="2019-06-02T12:00:00"),
        "field 'as_of' is not a date and time with its UTC offset, YYYY-MM-DDTHH:MM[:SS]Z or "
        "±HH:MM: '2019-06-02T12:00:00'",
    ),
    (
        "as_of at the start",
        record(events=[], as_of="2019-05-31T23:00:00Z"),
        "field 'as_of' 2019-05-31T23:00:00Z is not after the start of 'from' 2019-06-01 "
        "(midnight, Europe/London)",
    ),
    ("zone a number", record(time_zone=1), "field 'time_zone' must be a name such as"),
    (
        "zone unknown",
        record(time_zone="Europe/Londres"),
        "field 'time_zone': unknown time zone 'Europe/Londres'",
    ),
    ("events an object", record(events={"at": AT}), "field 'events' must be a list of"),
    ("events null", {**record(), "events": None}, "got null"),
    (
        "event a string",
        record(events=[AT]),
        "events item 0: expected an object with 'at', got a string",
    ),
    (
        "event unknown field",
        record(events=[{"at": AT}, {"at": AT, "count": 2}]),
        "events item 1: unknown field 'count' (expected 'at')",
    ),
    ("event without at", record(events=[{}]), "events item 0: missing field 'at'"),
    (
        "at a number",
        event(1559390400),
        "events item 1: field 'at' must be a string, a date and time with its UTC offset",
    ),
    ("at without offset", event("2019-06-02T14:05:00"), "events item 1: field 'at' is not a date"),
    ("at with a space", event("2019-06-02 14:05Z"), "events item 1: field 'at' is not a date"),
    ("at impossible", event("2019-06-31T10:00Z"), "events item 1: field 'at' is not a date"),
    (
        "at before from",
        event("2019-05-31T22:59:00Z"),
        "events item 1: field 'at' 2019-05-31T22:59:00Z is before 'from' 2019-06-01 "
        "(Europe/London)",
    ),
    (
        "at after as_of",
        event("2019-06-05T00:00:01Z"),
        "events item 1: field 'at' 2019-06-05T00:00:01Z is after 'as_of' 2019-06-05T00:00:00Z",
    ),
    (
        "at a midnight that ends the record",
        record(events=[{"at": "2019-06-03T00:00:00+01:00"}], as_of="2019-06-03T00:00:00+01:00"),
        "events item 0: field 'at' 2019-06-03T00:00:00+01:00 is at 'as_of', a midnight that "
        "ends the record: set 'as_of' later",
    ),
    ("baseline zero", record(baseline_per_day=0), "field 'baseline_per_day' must be a number > 0"),
]


@pytest.mark.parametrize(("case", "document", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_it_refuses_bad_events_with_one_line(monkeypatch, capsys, case, document, message) -> None:
    code, out, err = run(monkeypatch, capsys, document)
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary incidents: ")
    assert message in err
    assert err.count("\n") == 1


def test_the_installed_command_reads_events_and_refuses_cleanly() -> None:
    completed = subprocess.run(
        [str(SANCTUARY), "incidents", "surge"],
        input=json.dumps(MARCH),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    [alert] = json.loads(completed.stdout)["alerts"]
    assert alert["at"] == "2019-03-16T09:15:00+00:00"
    refused = subprocess.run(
        [str(SANCTUARY), "incidents", "surge"],
        input=json.dumps(event("2019-06-02T14:05:00")),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "sanctuary incidents: events item 1: field 'at' is not a date and time with its UTC "
        "offset, YYYY-MM-DDTHH:MM[:SS]Z or ±HH:MM: '2019-06-02T14:05:00'\n"
    )
