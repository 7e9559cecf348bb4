"""The demo borough's surveys: most sites surveyed, a few in progress, the same every time."""

from __future__ import annotations

from datetime import date

import pytest

from sanctuary.calendars import demo as calendars_demo
from sanctuary.registry import demo as registry_demo
from sanctuary.registry.models import Site
from sanctuary.surveys import assess, demo, policy, register
from sanctuary.surveys.models import Answer, Survey, SurveyKind, SurveyStatus
from sanctuary.surveys.risk import ThreatLevel

TODAY = date(2026, 11, 30)


@pytest.fixture
def demo_borough(db: None) -> list[Site]:
    assert registry_demo.load()
    calendars_demo.load(today=TODAY)
    demo.load(today=TODAY)
    return list(Site.objects.order_by("name"))


def _fingerprint() -> list[tuple[str, str, str, str]]:
    return sorted(
        (s.site.external_id or "", s.status, a.question_id, str(a.value))
        for s in Survey.objects.select_related("site")
        for a in Answer.by_survey.of(s)
    )


def test_most_sites_have_a_survey_that_counts_and_a_few_are_in_progress(demo_borough):
    counting = policy.counting_surveys([s.pk for s in demo_borough])
    assert len(counting) >= 0.8 * len(demo_borough)
    assert Survey.objects.filter(status=SurveyStatus.IN_PROGRESS).count() == 3
    waiting = Survey.objects.get(kind=SurveyKind.SELF_ASSESSMENT)
    assert waiting.awaits_review
    assert assess.national_level(TODAY) is ThreatLevel.SUBSTANTIAL
    assert assess.national_level(date(2021, 12, 1)) is ThreatLevel.SEVERE


def test_the_register_ranks_the_borough_and_shows_changes(demo_borough):
    rows = register.sort(register.rows(demo_borough), "-score")
    scores = [row.score for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert len({row.level for row in rows}) >= 2, "the borough's sites are not all alike"
    changed = [row for row in rows if row.change is not None]
    assert len(changed) == 6
    assert all(row.change < 0 for row in changed), "each second survey found better security"


def test_the_demo_is_the_same_every_time(demo_borough):
    first = _fingerprint()
    Survey.objects.all().delete()
    from sanctuary.surveys.models import DutyRecord, NationalThreatLevel

    DutyRecord.objects.all().delete()
    NationalThreatLevel.objects.all().delete()
    demo.load(today=TODAY)
    assert _fingerprint() == first


def test_every_demo_page_of_the_largest_sites_opens(demo_borough, client):
    from sanctuary.access.models import User
    from sanctuary.surveys.models import DutyRecord
    from tests.conftest import log_in

    national = log_in(client, User.objects.get(username="national"))
    recorded = {r.site_id for r in DutyRecord.objects.all()}
    assert len(recorded) == 5
    for site_id in recorded:
        for path in (f"/sites/{site_id}/risk/", f"/sites/{site_id}/martyns-law/",
                     f"/sites/{site_id}/surveys/"):
            assert national.get(path).status_code == 200, path
        survey = Survey.objects.filter(site_id=site_id).first()
        if survey is not None:
            assert national.get(f"/surveys/{survey.pk}/report.pdf").status_code == 200
    for path in ("/risk/", "/martyns-law/", "/risk/threat-level/", "/risk/export.csv"):
        assert national.get(path).status_code == 200, path
