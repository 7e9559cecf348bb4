"""A site's own gatherings that are held at the same time (engine/overlaps.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctuary.calendars.engine import (
    Certainty,
    CongregationRule,
    Faith,
    Gathering,
    GatheringKind,
    JumuahSession,
    Prayer,
    SiteCalendar,
    build_timeline,
)
from sanctuary.calendars.engine.overlaps import held_from, overlaps

LAT, LON = 51.5175, -0.0652


def mosque(*sessions: JumuahSession) -> SiteCalendar:
    return SiteCalendar(
        site_id="elm", faith=Faith.ISLAM, latitude=LAT, longitude=LON, typical_peak=1000,
        observances=(), services=(), jumuah_sessions=sessions,
        congregation_rules=(CongregationRule(Prayer.ASR, minutes_after_start=15),),
    )


def test_a_second_jumuah_running_into_the_asr_jamaah_in_december_is_found():
    """Issue 9: the demo's Jumu'ah at 13:15 and 14:00 (45 minutes each); Asr begins 13:36."""
    friday = date(2026, 12, 4)
    late = mosque(
        JumuahSession(time(13, 15), time(13, 30), duration_minutes=45),
        JumuahSession(time(14, 0), time(14, 15), duration_minutes=45),
    )
    found = overlaps(build_timeline([late], friday, friday).gatherings())
    # Asr's jama'ah at 13:51 falls inside the first session, and the second starts during it
    assert [(o.earlier.label, o.later.label) for o in found] == [
        ("Jumu'ah (session 1)", "Asr jama'ah"),
        ("Asr jama'ah", "Jumu'ah (session 2)"),
    ]
    assert "Asr jama'ah" in str(found[0]) and "Fri 4 Dec" in str(found[0])


def test_sessions_held_back_to_back_do_not_overlap_though_their_windows_do():
    friday = date(2026, 12, 4)
    early = mosque(
        JumuahSession(time(12, 15), time(13, 30), duration_minutes=40),
        JumuahSession(time(12, 55), time(14, 15), duration_minutes=35),
    )
    gatherings = list(build_timeline([early], friday, friday).gatherings())
    sessions = [g for g in gatherings if g.kind is GatheringKind.JUMUAH]
    assert sessions[1].start < sessions[0].end  # people arrive while the first ends
    assert overlaps(gatherings) == []


KINDS = [GatheringKind.PRAYER, GatheringKind.JUMUAH, GatheringKind.SERVICE,
         GatheringKind.FUNERAL, GatheringKind.FESTIVAL]
BASE = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@st.composite
def gatherings(draw) -> Gathering:
    start = BASE + timedelta(minutes=draw(st.integers(0, 600)))
    return Gathering(
        site_id=draw(st.sampled_from(["a", "b"])),
        start=start,
        end=start + timedelta(minutes=draw(st.integers(16, 240))),
        kind=draw(st.sampled_from(KINDS)),
        label="x",
        expected_attendance=10,
        certainty=draw(st.sampled_from(list(Certainty))),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(gatherings(), max_size=12))
def test_every_pair_held_together_for_a_minute_is_found_once(found_gatherings):
    """Checked against every pair: same site, neither a festival, one of them the site's own,
    held together for a minute or more."""
    expected = set()
    for i, first in enumerate(found_gatherings):
        for j, second in enumerate(found_gatherings):
            if i >= j or first.site_id != second.site_id:
                continue
            if GatheringKind.FESTIVAL in (first.kind, second.kind):
                continue
            if Certainty.CONFIRMED not in (first.certainty, second.certainty):
                continue
            together = min(first.end, second.end) - max(held_from(first), held_from(second))
            if together >= timedelta(minutes=1):
                expected.add(frozenset({i, j}))
    found = overlaps(found_gatherings)
    ids = {id(g): i for i, g in enumerate(found_gatherings)}
    pairs = [frozenset({ids[id(o.earlier)], ids[id(o.later)]}) for o in found]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected
    assert all(held_from(o.earlier) <= held_from(o.later) and o.minutes >= 1 for o in found)


def test_the_engines_own_assumptions_overlapping_each_other_are_not_the_sites_to_correct():
    """The default Jumu'ah (13:15 in winter, an hour) meets the computed Asr jama'ah on the
    shortest days; only sessions the site lists are held to Asr."""
    friday = date(2026, 12, 4)
    assumed = SiteCalendar(site_id="elm", faith=Faith.ISLAM, latitude=LAT, longitude=LON,
                           observances=(), services=())
    assert overlaps(build_timeline([assumed], friday, friday).gatherings()) == []
