"""The `sanctuary prayer-times` and `sanctuary festivals` commands, as an operator uses them."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sanctuary.calendars.engine.model import CalculationMethod
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
                "--method",
                "MuslimWorldLeague",
                "--high-latitude",
                "SeasonAdjusted",
            ],
            "SeasonAdjusted is the MoonsightingCommittee's own rule",
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


PLACES = {
    "london": ("51.5072", "-0.1276", "Europe/London"),
    "oslo": ("59.9139", "10.7522", "Europe/Oslo"),
    "cape-town": ("-33.9249", "18.4241", "Africa/Johannesburg"),
}


@pytest.mark.parametrize(
    ("place", "asked", "in_force", "times"),
    [
        # adhan-js 4.4.6 gives the same six times for the committee whatever rule is asked
        (
            "london",
            "MiddleOfTheNight",
            "SeasonAdjusted",
            ("02:43", "04:43", "13:07", "17:25", "21:25", "22:42"),
        ),
        (
            "london",
            "TwilightAngle",
            "SeasonAdjusted",
            ("02:43", "04:43", "13:07", "17:25", "21:25", "22:42"),
        ),
        (
            "oslo",
            "SeventhOfTheNight",
            "SeventhOfTheNight",
            ("03:09", "03:54", "13:24", "18:00", "22:47", "23:28"),
        ),
        (
            "oslo",
            "SeasonAdjusted",
            "SeventhOfTheNight",
            ("03:09", "03:54", "13:24", "18:00", "22:47", "23:28"),
        ),
        (
            "cape-town",
            "MiddleOfTheNight",
            "SeasonAdjusted",
            ("06:22", "07:51", "12:53", "15:27", "17:48", "19:14"),
        ),
    ],
)
def test_the_committee_accepts_any_rule_and_says_which_was_in_force(
    capsys, place, asked, in_force, times
):
    lat, lon, zone = PLACES[place]
    code, out, err = _run(
        capsys,
        "prayer-times",
        "--lat",
        lat,
        "--lon",
        lon,
        "--date",
        "2026-06-21",
        "--method",
        "MoonsightingCommittee",
        "--high-latitude",
        asked,
        "--tz",
        zone,
        "--json",
    )
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["high_latitude_rule"] == in_force
    if asked == in_force:
        assert "high_latitude_rule_asked" not in doc
    else:
        assert doc["high_latitude_rule_asked"] == asked
        assert list(doc)[:4] == [
            "method",
            "madhab",
            "high_latitude_rule",
            "high_latitude_rule_asked",
        ]
    day = doc["days"][0]
    assert (
        tuple(day[key] for key in ("fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha")) == times
    )


def test_every_method_madhab_and_rule_adhan_offers_is_accepted(capsys):
    methods = [m.value for m in CalculationMethod]
    rules = ["MiddleOfTheNight", "SeventhOfTheNight", "TwilightAngle"]
    for (lat, lon, zone), method, madhab, rule in itertools.product(
        PLACES.values(), methods, ["shafi", "hanafi"], rules
    ):
        code, out, err = _run(
            capsys,
            "prayer-times",
            "--lat",
            lat,
            "--lon",
            lon,
            "--date",
            "2026-12-21",
            "--days",
            "2",
            "--method",
            method,
            "--madhab",
            madhab,
            "--high-latitude",
            rule,
            "--tz",
            zone,
            "--json",
        )
        assert (code, err) == (0, ""), (lat, method, madhab, rule)
        doc = json.loads(out)
        in_force = doc["high_latitude_rule"]
        assert in_force == rule or method == "MoonsightingCommittee", (method, rule)
        assert doc.get("high_latitude_rule_asked", rule) == rule
        for day in doc["days"]:
            times = [day[k] for k in ("fajr", "sunrise", "dhuhr", "asr", "maghrib", "isha")]
            assert times == sorted(times), (lat, method, madhab, rule, day)


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


def test_the_installed_command_gives_oslo_the_committees_rule_when_asked_another():
    result = subprocess.run(
        [
            str(SANCTUARY),
            "prayer-times",
            "--lat",
            "59.9139",
            "--lon",
            "10.7522",
            "--date",
            "2026-12-21",
            "--method",
            "MoonsightingCommittee",
            "--high-latitude",
            "MiddleOfTheNight",
            "--tz",
            "Europe/Oslo",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert doc["high_latitude_rule"] == "SeventhOfTheNight"
    assert doc["high_latitude_rule_asked"] == "MiddleOfTheNight"
    # adhan-js: at midwinter the committee's seasonal curve bounds its seventh of the night
    assert (doc["days"][0]["fajr"], doc["days"][0]["isha"]) == ("07:32", "16:55")
