"""The demo's schedules are plausible all year (issue 9: its second Jumu'ah in December began
after Asr and ran into the Asr jama'ah)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sanctuary.calendars import demo, engine, services
from sanctuary.calendars.engine.overlaps import overlaps
from sanctuary.calendars.models import Schedule
from sanctuary.registry import demo as registry_demo
from sanctuary.registry.models import Site

FIRST, LAST = date(2026, 6, 1), date(2027, 5, 31)


@pytest.fixture
def demo_sites(db: None) -> list[Site]:
    assert registry_demo.load()
    demo.load(today=date(2026, 11, 30))
    return list(Site.objects.filter(schedule__isnull=False).order_by("name"))


def test_no_demo_site_holds_two_of_its_gatherings_at_once_in_a_whole_year(demo_sites):
    assert len(demo_sites) == 4
    for site in demo_sites:
        calendar = services.site_calendar(site)
        found = overlaps(services.build([calendar], FIRST, LAST).gatherings())
        assert found == [], f"{site.name}: {found[0]}"


def test_every_demo_jumuah_ends_before_asr_begins(demo_sites):
    (mosque,) = [site for site in demo_sites if site.faith == "islam"]
    calendar = services.site_calendar(mosque)
    fridays = [d for d in (FIRST + timedelta(days=k) for k in range(365)) if d.weekday() == 4]
    asr = {
        day.date: day.asr
        for day in engine.prayer_timetable(
            calendar.latitude, calendar.longitude, FIRST, 365, calendar.prayer_settings
        ).days
    }
    sessions = [
        g
        for g in services.build([calendar], FIRST, LAST).gatherings()
        if g.kind is engine.GatheringKind.JUMUAH
    ]
    assert len(sessions) == 2 * len(fridays)
    late = [(g.start.date(), g.label) for g in sessions if g.end > asr[g.start.date()]]
    assert late == []


def test_every_demo_jamaah_rule_takes_effect(demo_sites):
    (mosque,) = [site for site in demo_sites if site.faith == "islam"]
    schedule = Schedule.objects.get(site=mosque)
    assert services.idle_rules(schedule) == []
