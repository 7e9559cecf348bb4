"""`sanctuary gatherings`: every site's gatherings as JSON, for the operator."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sanctuary import cli
from sanctuary.calendars import services
from tests.conftest import Cast


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["gatherings", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_every_sites_gatherings_as_json(cast: Cast, capsys):
    code, out, _ = run(capsys, "--from", "2026-07-01", "--to", "2026-07-07", "--json")
    assert code == 0
    items = json.loads(out)
    every_site = [cast.site_a, cast.site_b, cast.site_c]  # the operator sees every area
    assert {item["site"] for item in items} == {site.pk for site in every_site}
    expected = services.gatherings(every_site, date(2026, 7, 1), date(2026, 7, 7))
    assert sorted(items, key=json.dumps) == sorted((e.as_json() for e in expected), key=json.dumps)
    assert {item["site_name"] for item in items} == {site.name for site in every_site}


def test_it_prints_one_site(cast: Cast, capsys):
    code, out, _ = run(capsys, "--from", "2026-07-05", "--to", "2026-07-05",
                       "--site", str(cast.site_b.pk), "--json")
    assert code == 0
    items = json.loads(out)
    assert [item["label"] for item in items] == ["Sunday service"]
    assert items[0]["start"] == "2026-07-05T10:30:00+01:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-07-05", "--to", "2026-07-01"], "is before --from"),
        (["--from", "5 July", "--to", "2026-07-01"], "is not a date YYYY-MM-DD"),
        (["--from", "2026-01-01", "--to", "2027-06-01"], "longer than 366 days"),
        (["--from", "2026-07-01", "--to", "2026-07-02", "--site", "999999"], "no site with id 999999"),
    ],
)
def test_bad_input_fails_with_one_line(cast: Cast, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and err.startswith("sanctuary gatherings: ")
