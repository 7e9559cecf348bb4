"""The `sanctuary prayer-times` and `sanctuary festivals` commands, as an operator uses them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sanctuary.cli import main

SANCTUARY = Path(sys.executable).parent / "sanctuary"


def _run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prayer_times_prints_the_documented_json(capsys):
    code, out, _ = _run(
        capsys,
        "prayer-times",
        "--lat",
        "51.5072",
        "--lon",
        "-0.1276",
        "--date",
        "2026-03-01",
        "--days",
        "3",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["method"] == "MoonsightingCommittee"
    assert doc["madhab"] == "shafi"
    assert doc["high_latitude_rule"] == "SeasonAdjusted"
    assert doc["timezone"] == "Europe/London"
    assert [d["date"] for d in doc["days"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    first = doc["days"][0]
    assert list(first) == ["date", "fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha"]
    assert all(len(first[k]) == 5 and first[k][2] == ":" for k in list(first)[1:])
    assert (
        first["fajr"]
        < first["sunrise"]
        < first["dhuhr"]
        < first["asr"]
        < first["maghrib"]
        < first["isha"]
    )


def test_prayer_times_honours_method_madhab_rule_and_zone(capsys):
    code, out, _ = _run(
        capsys,
        "prayer-times",
        "--lat",
        "51.5072",
        "--lon",
        "-0.1276",
        "--date",
        "2026-06-21",
        "--method",
        "MuslimWorldLeague",
        "--madhab",
        "hanafi",
        "--high-latitude",
        "TwilightAngle",
        "--tz",
        "Europe/London",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["method"], doc["madhab"], doc["high_latitude_rule"]) == (
        "MuslimWorldLeague",
        "hanafi",
        "TwilightAngle",
    )
    day = doc["days"][0]
    # adhanpy with the same settings: TwilightAngle gives Fajr 02:31 and Isha 23:27 that night
    assert (day["fajr"], day["isha"]) == ("02:31", "23:27")
    shafi = json.loads(
        _run(
            capsys,
            "prayer-times",
            "--lat",
            "51.5072",
            "--lon",
            "-0.1276",
            "--date",
            "2026-06-21",
            "--method",
            "MuslimWorldLeague",
            "--json",
        )[1]
    )
    assert day["asr"] > shafi["days"][0]["asr"], "Hanafi Asr comes later than Shafi'i"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lat", "91", "--lon", "0", "--date", "2026-01-01"], "latitude 91.0 is out of range"),
        (
            ["--lat", "51", "--lon", "0", "--date", "2026-01-01", "--method", "Jafari"],
            "unknown method 'Jafari'",
        ),
        (
            ["--lat", "51", "--lon", "0", "--date", "2026-01-01", "--tz", "Mars/Olympus"],
            "unknown time zone 'Mars/Olympus'",
        ),
        (
            ["--lat", "51", "--lon", "0", "--date", "2026-01-01", "--days", "0"],
            "--days must be between 1 and 366",
        ),
        (
            ["--lat", "51", "--lon", "0", "--date", "2026-01-01", "--days", "5000"],
            "--days must be between 1 and 366",
        ),
        (["--lat", "51", "--lon", "0", "--date", "1st March"], "is not a date YYYY-MM-DD"),
        (["--lat", "51", "--lon", "0", "--date", "2300-01-01"], "outside the supported years"),
        (["--lat", "78.2", "--lon", "15.6", "--date", "2026-06-21"], "does not both rise and set"),
        (
            [
                "--lat",
                "51",
                "--lon",
                "0",
                "--date",
                "2026-01-01",
                "--high-latitude",
                "SeventhOfTheNight",
            ],
            "its own seasonal rule",
        ),
    ],
)
def test_prayer_times_refuses_bad_input_with_one_clear_line(capsys, argv, message):
    code, out, err = _run(capsys, "prayer-times", *argv, "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("sanctuary prayer-times: ")
    assert message in err
    assert err.count("\n") == 1


def test_festivals_prints_the_documented_json(capsys):
    code, out, _ = _run(capsys, "festivals", "--year", "2026", "--json")
    assert code == 0
    doc = json.loads(out)
    by_name = {f["name"]: f for f in doc}
    assert by_name["Eid al-Fitr"] == {
        "name": "Eid al-Fitr",
        "faith": "islam",
        "start": "2026-03-20",
        "end": "2026-03-20",
        "uncertainty_days": 1,
        "source": by_name["Eid al-Fitr"]["source"],
    }
    assert "Umm al-Qura" in by_name["Eid al-Fitr"]["source"]
    assert {f["faith"] for f in doc} == {
        "islam",
        "christianity",
        "judaism",
        "sikhism",
        "hinduism",
        "buddhism",
    }
    assert [f["start"] for f in doc] == sorted(f["start"] for f in doc)


def test_festivals_filters_by_faith(capsys):
    code, out, _ = _run(capsys, "festivals", "--year", "2026", "--faith", "judaism", "--json")
    assert code == 0
    assert [f["name"] for f in json.loads(out)] == [
        "Passover",
        "Shavuot",
        "Rosh Hashanah",
        "Yom Kippur",
        "Sukkot",
        "Hanukkah",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--year", "2040"], "tabled for 2015-2035 only, not 2040"),
        (["--year", "2040", "--faith", "hinduism"], "tabled for 2015-2035 only, not 2040"),
        (["--year", "2090", "--faith", "islam"], "Islamic dates are available for 1925-2076"),
        (["--year", "2026", "--faith", "pastafarian"], "unknown faith 'pastafarian'"),
    ],
)
def test_festivals_refuses_a_year_or_faith_it_does_not_cover(capsys, argv, message):
    code, out, err = _run(capsys, "festivals", *argv, "--json")
    assert code == 2
    assert out == ""
    assert message in err and err.startswith("sanctuary festivals: ")


def test_a_far_year_for_a_computed_faith_still_works(capsys):
    code, out, _ = _run(capsys, "festivals", "--year", "2090", "--faith", "christianity", "--json")
    assert code == 0
    assert {f["name"]: f["start"] for f in json.loads(out)}["Christmas"] == "2090-12-25"


def test_the_installed_command_runs_in_a_fresh_process():
    result = subprocess.run(
        [
            str(SANCTUARY),
            "prayer-times",
            "--lat",
            "51.5072",
            "--lon",
            "-0.1276",
            "--date",
            "2026-10-25",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["days"][0]["date"] == "2026-10-25"
    bad = subprocess.run(
        [str(SANCTUARY), "prayer-times", "--lat", "-100", "--lon", "0", "--date", "2026-01-01"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "sanctuary prayer-times: latitude -100.0 is out of range -90..90"
