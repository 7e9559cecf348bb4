"""The monthly partnership report: its figures checked against the records they summarise, on
the page and in the PDF, and the same report from the command line."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from sanctuary.access.models import Role
from sanctuary.audit.models import Action, AuditEvent
from sanctuary.cli import main
from sanctuary.incidents.models import SurgeAlertRecord
from sanctuary.patrols.models import PlanStatus
from sanctuary.surveys import assess
from sanctuary.surveys.models import Survey
from tests.conftest import Cast
from tests.overview.records import incident, local, visit
from tests.surveys.conftest import completed_survey

MONTH = date(2026, 3, 1)  # a whole month in the past
LABELS = {"threats": "Threats", "damage_desecration": "Damage and desecration of property",
          "assault": "Assault"}
FAITHS = {"islam": "Islam", "christianity": "Christianity", "judaism": "Judaism"}
# (category, faith, ward, how many): the month's incidents in Tower Hamlets
INCIDENTS = [
    ("threats", "islam", "Whitechapel", 6),
    ("damage_desecration", "christianity", "Bow East", 5),
    ("assault", "judaism", "Whitechapel", 2),
]


def shown(n: int) -> str:
    return "<5" if 0 < n < 5 else str(n)


@pytest.fixture
def month_of_records(cast: Cast) -> dict[str, object]:
    """A month of incidents, a surge, patrols and surveys, and some records the report must
    leave out (another area, another month, a merged duplicate, a cancelled plan)."""
    made = []
    for category, faith, ward, count in INCIDENTS:
        for n in range(count):
            made.append(incident(cast.area, MONTH + timedelta(days=n * 4), category=category,
                                 faith=faith, ward=ward))
    incident(cast.area, MONTH + timedelta(days=2), merged_into=made[0])  # a duplicate
    incident(cast.area_2, MONTH + timedelta(days=2))  # another area
    incident(cast.area, MONTH - timedelta(days=1))  # the month before
    incident(cast.area, date(2026, 4, 1))  # the month after
    SurgeAlertRecord.objects.create(
        scope="area", key=cast.area.code, area=cast.area, since=MONTH + timedelta(days=8),
        day=MONTH + timedelta(days=10), last_alarm=MONTH + timedelta(days=10), expected=1.5,
        observed=9, statistic=6.0, threshold=4.0,
    )
    SurgeAlertRecord.objects.create(  # Hackney's
        scope="area", key=cast.area_2.code, area=cast.area_2, since=MONTH, day=MONTH,
        last_alarm=MONTH, expected=1.0, observed=7, statistic=6.0, threshold=4.0,
    )
    # patrols: at A three delivered, one missed; at B three delivered, one missed
    for site in (cast.site_a, cast.site_b):
        for day, delivered in ((3, True), (9, True), (15, True), (21, False)):
            visit(cast, site, local(MONTH + timedelta(days=day)), delivered=delivered)
    visit(cast, cast.site_c, local(MONTH + timedelta(days=5)), delivered=True)  # Hackney
    visit(cast, cast.site_a, local(MONTH + timedelta(days=6)), delivered=True,
          status=PlanStatus.CANCELLED)
    # surveys: A surveyed before the month (weak) and again in it (stronger); B in it
    before = completed_survey(cast, cast.site_a, grade=1)
    Survey.objects.filter(pk=before.pk).update(completed_at=local(MONTH - timedelta(days=40)))
    for site in (cast.site_a, cast.site_b):
        again = completed_survey(cast, site, grade=3)
        Survey.objects.filter(pk=again.pk).update(completed_at=local(MONTH + timedelta(days=12)))
    return {"change_a": assess.assess_one(cast.site_a).change}


def expected_tables() -> dict[str, dict[str, str]]:
    categories: Counter[str] = Counter()
    faiths: Counter[str] = Counter()
    wards: Counter[str] = Counter()
    for category, faith, ward, count in INCIDENTS:
        categories[LABELS[category]] += count
        faiths[FAITHS[faith]] += count
        wards[ward] += count
    return {
        "incidents.by_category": {k: shown(v) for k, v in categories.items()},
        "incidents.by_faith": {k: shown(v) for k, v in faiths.items()},
        "incidents.by_ward": {k: shown(v) for k, v in wards.items()},
    }


def figure(page: str, key: str) -> str:
    found = re.search(rf'data-key="{re.escape(key)}">([^<]*)<', page)
    assert found, f"no figure {key} on the page"
    return found.group(1).strip()


def table(page: str, key: str) -> dict[str, list[str]]:
    found = re.search(rf'<table data-key="{re.escape(key)}">(.*?)</table>', page, re.S)
    assert found, f"no table {key} on the page"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", found.group(1), re.S)
    return {
        name.replace("&lt;", "<"): [c.replace("&lt;", "<") for c in re.findall(r"<td[^>]*>(.*?)</td>", cells)]
        for name, cells in rows
    }


def test_the_monthly_page_counts_exactly_the_months_records_of_the_area(
    cast: Cast, month_of_records
):
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = client.get(f"/overview/{cast.area.code}/monthly/?month=2026-03")
    assert response.status_code == 200
    page = response.content.decode()
    total = sum(count for *_, count in INCIDENTS)
    assert figure(page, "incidents.month") == str(total)
    for key, rows in expected_tables().items():
        assert {name: cells[0] for name, cells in table(page, key).items()} == rows, key
    assert figure(page, "incidents.surges") == "1"
    assert list(table(page, "incidents.surge_list")) == ["2026-03-11"]
    assert figure(page, "patrols.planned") == "8"
    assert figure(page, "patrols.delivered") == "6"
    assert figure(page, "patrols.delivered_share") == "75%"
    assert table(page, "patrols.by_faith") == {
        "Christianity": ["4", "3", "1"], "Islam": ["4", "3", "1"],
    }
    assert table(page, "patrols.by_ward") == {"Bow East": ["4", "3", "1"], "Whitechapel": ["4", "3", "1"]}
    assert figure(page, "surveys.done") == "2"
    change = month_of_records["change_a"]
    assert change is not None and change < 0  # a stronger survey lowers the risk
    assert figure(page, "surveys.risk_change") == f"{round(change, 1):,.1f}"
    assert table(page, "surveys.by_faith") == {
        "Christianity": ["1", "—"], "Islam": ["1", f"{round(change, 1):,.1f}"],
    }


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_pdf_says_what_the_page_says_and_is_audited(cast: Cast, month_of_records):
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = client.get(f"/overview/{cast.area.code}/monthly.pdf?month=2026-03")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Monthly partnership report" in text and "Tower Hamlets" in text and "March 2026" in text
    assert "Incidents: 13" in text
    for rows in expected_tables().values():
        for name, count in rows.items():
            assert f"{name} {count}" in text, (name, count)
    assert "Patrol visits planned (already due): 8" in text
    assert "Patrol visits delivered: 6" in text
    assert "Christianity 4 3 1" in text and "Islam 4 3 1" in text
    assert "Surveys done: 2" in text
    assert "Surge alerts: 1" in text
    event = AuditEvent.objects.get(action=Action.EXPORT, object_type="registry.area")
    assert event.object_repr == "monthly report of Tower Hamlets, March 2026"


def test_a_reader_without_surges_or_surveys_gets_no_such_section(cast: Cast, month_of_records):
    """A grant assessor is staff of the area but sees neither surge alerts nor surveys."""
    client = cast.client_for(cast.person(Role.GRANT_ASSESSOR))
    page = client.get(f"/overview/{cast.area.code}/monthly/?month=2026-03").content.decode()
    assert figure(page, "incidents.month") == "13"
    assert "incidents.surges" not in page and "surveys.done" not in page
    assert figure(page, "patrols.planned") == "8"


def test_small_months_hide_counts_under_five(cast: Cast):
    for n in range(3):
        incident(cast.area, MONTH + timedelta(days=n))
    page = cast.client_for(cast.person(Role.PROGRAMME_ADMIN)).get(
        f"/overview/{cast.area.code}/monthly/?month=2026-03").content.decode()
    assert figure(page, "incidents.month") == "fewer than 5"
    assert table(page, "incidents.by_faith") == {"Islam": ["<5"]}


@pytest.mark.parametrize("month, error", [
    ("2026-13", "is not a month"), ("March", "is not a month"), ("2099-01", "has not begun"),
])
def test_a_bad_month_is_refused_naming_the_field(cast: Cast, month: str, error: str):
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = client.get(f"/overview/{cast.area.code}/monthly/?month={month}")
    assert response.status_code == 422
    assert error in response.content.decode()
    assert 'id="id_month-error"' in response.content.decode()


def test_the_command_writes_the_same_report(cast: Cast, month_of_records, tmp_path, capsys):
    out = tmp_path / "march.pdf"
    code = main(["report", "monthly", "--area", cast.area.code, "--month", "2026-03",
                 "--out", str(out)])
    assert code == 0, capsys.readouterr()
    text = pdf_text(out.read_bytes())
    assert "Incidents: 13" in text and "Patrol visits delivered: 6" in text
    # the system sees every surge of the area, and only the area's
    assert "Surge alerts: 1" in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, channel="command").exists()


def test_the_command_names_the_bad_argument(cast: Cast, tmp_path, capsys):
    out = str(tmp_path / "x.pdf")
    assert main(["report", "monthly", "--area", "E99999999", "--month", "2026-03", "--out", out]) == 2
    assert "--area: no area has the code 'E99999999'" in capsys.readouterr().err
    assert main(["report", "monthly", "--area", cast.area.code, "--month", "2026-3x", "--out", out]) == 2
    assert "--month:" in capsys.readouterr().err


def test_a_month_without_patrols_says_the_share_is_not_known(cast: Cast):
    page = cast.client_for(cast.person(Role.PROGRAMME_ADMIN)).get(
        f"/overview/{cast.area.code}/monthly/?month=2026-03").content.decode()
    assert figure(page, "patrols.planned") == "0"
    assert figure(page, "patrols.delivered_share") == "—"
