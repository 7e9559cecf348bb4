"""The police's street-level crime files: imported all or nothing, once, and counted near each
site as context apart from incidents."""

from __future__ import annotations

import argparse

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.cli_support import CommandFailed
from sanctuary.incidents.commands import import_crimes
from sanctuary.incidents.models import Incident, RecordedCrime
from tests.conftest import Cast, log_in

HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n"
# site A is at 51.5178, -0.0648
ROWS = (
    "abc1,2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.0650,51.5180,On or near Test Street,E01000001,Tower Hamlets 001A,Criminal damage and arson,Under investigation,\n"
    ",2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.0645,51.5175,On or near Test Street,E01000001,Tower Hamlets 001A,Anti-social behaviour,,\n"
    ",2026-09,Metropolitan Police Service,Metropolitan Police Service,-0.0645,51.5175,On or near Test Street,E01000001,Tower Hamlets 001A,Anti-social behaviour,,\n"
    "abc2,2026-10,Metropolitan Police Service,Metropolitan Police Service,-0.0200,51.5300,On or near Far Road,E01000002,Tower Hamlets 002B,Burglary,Unable to prosecute suspect,\n"
    "abc3,2025-06,Metropolitan Police Service,Metropolitan Police Service,-0.0650,51.5180,On or near Test Street,E01000001,Tower Hamlets 001A,Robbery,,\n"
    ",2026-10,Metropolitan Police Service,Metropolitan Police Service,,,No location,,,Other crime,,\n"
)


def run(tmp_path, text: str, name: str = "2026-10-metropolitan-street.csv") -> None:
    path = tmp_path / name
    path.write_text(text)
    import_crimes(argparse.Namespace(files=[str(path)]))


def test_a_file_is_imported_once_and_counted_near_each_site_as_context(cast: Cast, tmp_path, capsys):
    run(tmp_path, HEADER + ROWS)
    assert "6 rows, 6 new" in capsys.readouterr().out
    run(tmp_path, HEADER + ROWS)  # again: nothing new, the two identical rows still two
    assert "6 rows, 0 new" in capsys.readouterr().out
    assert RecordedCrime.objects.count() == 6
    assert Incident.objects.count() == 0  # context, never incidents
    page = log_in(Client(), cast.person(Role.SITE_CONTACT)).get("/incidents/crime-context/").content.decode()
    assert "Alpha Mosque" in page and "Bravo Church" not in page
    # within 500 m of site A over the latest 12 months (Nov 2025 – Oct 2026): damage and two ASB
    assert "<td>3</td>" in page
    assert "Anti-social behaviour (2)" in page and "Robbery" not in page


def test_a_bad_row_stops_the_whole_file_and_says_where(cast: Cast, tmp_path):
    bad = HEADER + ROWS + "x,2026-13,M,M,-0.06,51.5,Here,E1,L,Burglary,,\n"
    with pytest.raises(CommandFailed, match="line 8: Month '2026-13' is not YYYY-MM"):
        run(tmp_path, bad)
    assert RecordedCrime.objects.count() == 0
    with pytest.raises(CommandFailed, match="lacks the columns"):
        run(tmp_path, "Month,Crime type\n2026-01,Burglary\n")
