"""`sanctuary risk --json` and `sanctuary report survey SITE_ID --out FILE.pdf`, as an operator
runs them."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from sanctuary.audit.models import Action, AuditEvent
from sanctuary.cli import main
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_risk_json_prints_every_sites_risk_with_its_three_factors(surveyed: Cast, capsys):
    code, out, _ = run(capsys, "risk", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["national_threat_level"] == "substantial"
    by_name = {item["name"]: item for item in answer["sites"]}
    assert set(by_name) == {"Alpha Mosque", "Bravo Church", "Charlie Masjid"}
    for item in by_name.values():
        assert item["score"] == pytest.approx(
            100 * item["threat"] * item["vulnerability"] * item["consequence"]
        )
    scores = [item["score"] for item in answer["sites"]]
    assert scores == sorted(scores, reverse=True)
    assert AuditEvent.objects.filter(action=Action.EXPORT, channel="command").exists()


def test_risk_without_an_action_or_json_says_what_to_do(db, capsys):
    code, _, err = run(capsys, "risk")
    assert code == 2
    assert "--json" in err


def test_report_survey_writes_the_sites_latest_survey_as_a_pdf(surveyed: Cast, capsys, tmp_path):
    out = tmp_path / "alpha.pdf"
    code, printed, _ = run(capsys, "report", "survey", str(surveyed.site_a.pk), "--out", str(out))
    assert code == 0, printed
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Alpha Mosque" in text and "Security survey report" in text


def test_report_survey_of_a_site_without_a_survey_fails_in_one_line(cast: Cast, capsys, tmp_path):
    code, _, err = run(
        capsys, "report", "survey", str(cast.site_a.pk), "--out", str(tmp_path / "x.pdf")
    )
    assert code == 2
    assert err.strip() == f"sanctuary report: no survey of site {cast.site_a.pk} (Alpha Mosque)"
    code, _, err = run(capsys, "report", "survey", "999999", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "no site with id 999999" in err
