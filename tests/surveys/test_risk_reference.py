"""Reference cases of the risk model, worked by hand from docs/risk-model.md.

Each expected number is written out with the arithmetic that gives it, so that a change to a
formula or a default shows here as a changed hand calculation, not a changed snapshot.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from sanctuary.solvers.validation import InvalidInput
from sanctuary.surveys import martyns_law
from sanctuary.surveys.instrument import NOT_APPLICABLE, load_measures, read_instrument
from sanctuary.surveys.martyns_law import DutyStatus, ExpectationBasis, Tier
from sanctuary.surveys.risk import (
    DEFAULT_PARAMETERS,
    Incident,
    PlannedGathering,
    RiskLevel,
    SiteProfile,
    ThreatLevel,
    assess_site,
    consequence,
    consequence_of,
    equivalent_annual_cost,
    gathering_risk,
    level_on,
    site_risk,
    threat,
    vulnerability,
)

TOY = """
version = "0.1"
title = "Toy"
published = 2026-01-01
[[sections]]
id = "alpha"
title = "Alpha"
weight = 3
[[sections.questions]]
id = "alpha.one"
topic = "One"
text = "One?"
guidance = "One."
weight = 1
options = [ { grade = 1, label = "Bad" }, { grade = 3, label = "So-so" }, { grade = 5, label = "Good" } ]
raised_by = [ { measure = "procedures", grade = 5 } ]
[[sections.questions]]
id = "alpha.two"
topic = "Two"
text = "Two?"
guidance = "Two."
weight = 3
not_applicable = "No two here."
options = [
  { grade = 1, label = "None" }, { grade = 2, label = "Little" }, { grade = 3, label = "Some" },
  { grade = 4, label = "Much" }, { grade = 5, label = "All" },
]
raised_by = [ { measure = "cctv_fixed", grade = 4 } ]
[[sections]]
id = "beta"
title = "Beta"
weight = 1
[[sections.questions]]
id = "beta.one"
topic = "Crowds"
text = "Crowds?"
guidance = "Only for big sites."
weight = 1
min_peak_attendance = 500
options = [ { grade = 1, label = "No" }, { grade = 5, label = "Yes" } ]
"""

INSTRUMENT = read_instrument(TOY, "instrument-0.1.toml", load_measures())
AS_OF = date(2026, 6, 30)
SITE = SiteProfile("g1", "sikhism", 51.5, -0.1, capacity=1200)
NOON = datetime(2026, 6, 28, 12, tzinfo=UTC)


def gathering(people: int, label: str = "Sunday diwan") -> PlannedGathering:
    return PlannedGathering(NOON, NOON + timedelta(hours=2), people, label)


# --- Vulnerability -----------------------------------------------------------------------------


def test_vulnerability_is_the_weighted_mean_of_gaps() -> None:
    answers = {"alpha.one": 3, "alpha.two": 1}  # beta.one unanswered
    scored = vulnerability(INSTRUMENT, answers, peak_attendance=600)
    # Gaps (5 - grade) / 4: alpha.one 0.5, alpha.two 1, beta.one unanswered -> grade 2 -> 0.75.
    # alpha = (1 * 0.5 + 3 * 1) / 4 = 0.875; beta = 0.75; overall (3 * 0.875 + 1 * 0.75) / 4.
    assert [s.vulnerability for s in scored.sections] == pytest.approx([0.875, 0.75])
    assert scored.raw == pytest.approx(0.84375)
    assert scored.value == pytest.approx(0.05 + 0.95 * 0.84375)  # 0.8515625
    assert scored.confidence == pytest.approx(0.75)  # beta (a quarter of the weight) unanswered
    assert scored.unanswered == ("beta.one",)


def test_a_question_for_larger_sites_counts_as_met_below_its_threshold() -> None:
    scored = vulnerability(INSTRUMENT, {"alpha.one": 3, "alpha.two": 1}, peak_attendance=100)
    # beta.one is not asked: gap 0, weight kept. Overall 3 * 0.875 / 4.
    assert scored.raw == pytest.approx(0.65625)
    assert scored.confidence == pytest.approx(1.0)


def test_not_applicable_counts_as_no_gap_with_its_weight_kept() -> None:
    scored = vulnerability(
        INSTRUMENT, {"alpha.one": 3, "alpha.two": NOT_APPLICABLE, "beta.one": 5}, 600
    )
    # alpha = (1 * 0.5 + 3 * 0) / 4 = 0.125; overall 3 * 0.125 / 4.
    assert scored.raw == pytest.approx(0.09375)


# --- Threat ------------------------------------------------------------------------------------


def test_threat_with_no_incidents_is_the_national_part_alone() -> None:
    # 0.4 x 0.65 (substantial: "likely", PHIA 55-75%).
    assert threat(SITE, ThreatLevel.SUBSTANTIAL, [], AS_OF).value == pytest.approx(0.26)
    assert threat(SITE, ThreatLevel.LOW, [], AS_OF).value == pytest.approx(0.06)
    assert threat(SITE, ThreatLevel.CRITICAL, [], AS_OF).value == pytest.approx(0.40)


def test_a_violent_attack_at_the_site_today() -> None:
    attack = Incident(AS_OF, "violence", 51.6, -0.2, site_id="g1", id="x")  # coordinates ignored
    result = threat(SITE, ThreatLevel.SUBSTANTIAL, [attack], AS_OF)
    # P = severity 1 x decay e^0 x kernel e^0 x faith 1 = 1; t_local = 1 - e^-1 = 0.632121.
    assert result.pressure == pytest.approx(1.0)
    assert result.local == pytest.approx(0.6321205588)
    # Trend: 1 recent; baseline 1 -> usual 90/1095 = 0.082192; ratio (1 + 3) / (0.082192 + 3)
    # = 1.297778; t_trend = 0.3 x (1 - 1/1.297778) = 0.068836.
    assert result.trend_ratio == pytest.approx(1.2977777778)
    assert result.trend == pytest.approx(0.0688356164)
    # T = 1 - 0.74 x 0.367879 x 0.931164 = 0.746508.
    assert result.value == pytest.approx(0.7465083875)
    assert result.nearby[0].metres == 0


def test_an_old_incident_nearby_against_another_faith_is_discounted_three_ways() -> None:
    north = 0.4 / 6371.0088 * 180 / math.pi  # 400 m along the meridian: 0.0035973 degrees
    damage = Incident(
        AS_OF - timedelta(days=90), "criminal_damage", 51.5 + north, -0.1, faith="christianity"
    )
    result = threat(SITE, ThreatLevel.SUBSTANTIAL, [damage], AS_OF)
    # 0.4 (criminal damage) x e^-1 (90 days) x e^-1 (400 m) x 0.5 (other faith) = 0.0270671.
    assert result.nearby[0].metres == pytest.approx(400, abs=0.01)
    assert result.pressure == pytest.approx(0.0270670566)
    assert result.trend == 0  # not against this site's faith
    assert result.value == pytest.approx(1 - 0.74 * math.exp(-0.0270670566))  # 0.279761


def test_incidents_out_of_reach_or_in_the_future_add_nothing_local() -> None:
    far = 2.5 / 6371.0088 * 180 / math.pi  # 2.5 km: beyond the 2 km kernel, inside the 3 km area
    incidents = [
        Incident(AS_OF, "violence", 51.5 + far, -0.1, faith="sikhism", id="far"),
        Incident(AS_OF + timedelta(days=1), "violence", 51.5, -0.1, site_id="g1", id="future"),
        Incident(AS_OF - timedelta(days=400), "arson", 51.5, -0.1, faith="sikhism", id="old"),
    ]
    result = threat(SITE, ThreatLevel.SUBSTANTIAL, incidents, AS_OF)
    assert result.pressure == 0 and result.nearby == ()
    # Trend counts "far" (recent, in the area) and "old" (baseline): usual 2 x 90/1095;
    # ratio (1 + 3) / (0.164384 + 3) = 1.264069 -> 0.3 x (1 - 1/1.264069) = 0.062673.
    assert result.recent_against_faith == 1
    assert result.trend == pytest.approx(0.3 * (1 - (2 * 90 / 1095 + 3) / 4))


def test_an_unknown_incident_category_is_refused_naming_the_incident() -> None:
    odd = Incident(AS_OF, "alien_landing", 51.5, -0.1, id="r7")
    with pytest.raises(InvalidInput, match="incident 'r7': unknown category 'alien_landing'"):
        threat(SITE, ThreatLevel.LOW, [odd], AS_OF)


def test_the_level_in_force_on_a_day() -> None:
    history = [
        (date(2021, 11, 15), ThreatLevel.SEVERE),
        (date(2022, 2, 9), ThreatLevel.SUBSTANTIAL),
        (date(2022, 2, 9), ThreatLevel.MODERATE),  # corrected the same day: the later counts
    ]
    assert level_on(history, date(2022, 1, 1)) is ThreatLevel.SEVERE
    assert level_on(history, date(2022, 2, 9)) is ThreatLevel.MODERATE
    with pytest.raises(InvalidInput, match="none was set on or before 2020-01-01"):
        level_on(history, date(2020, 1, 1))


# --- Consequence -------------------------------------------------------------------------------


def test_consequence_is_logarithmic_in_people() -> None:
    # ln(201) / ln(10001) = 5.303305 / 9.210440.
    assert consequence_of(200, None) == pytest.approx(0.5757927631)
    assert consequence_of(0, None) == 0
    assert consequence_of(10_000, None) == pytest.approx(1.0)
    # 1,500 in a hall for 1,200: crowding 0.25, x (1 + 0.2 x 0.25) = x 1.05 on 0.794087.
    assert consequence_of(1500, 1200) == pytest.approx(0.8337908794)
    # 2,520 for 1,200: crowding capped at 1, 0.850384 x 1.2 = 1.0205 -> capped at 1.
    assert consequence_of(2520, 1200) == 1.0


def test_consequence_takes_the_largest_gathering_or_else_the_capacity() -> None:
    peak = gathering(900, "Vaisakhi")
    result = consequence([gathering(300), peak], capacity=1200)
    assert result.people == 900 and result.peak is peak and result.basis.value == "gatherings"
    assert consequence([], capacity=400).people == 400
    assert consequence([], capacity=None).people == DEFAULT_PARAMETERS.unknown_people


# --- Site and gatherings -----------------------------------------------------------------------


def test_the_site_score_is_the_product_and_its_level() -> None:
    risk = assess_site(
        SITE,
        INSTRUMENT,
        {"alpha.one": 3, "alpha.two": 1, "beta.one": 1},
        ThreatLevel.SUBSTANTIAL,
        [],
        [gathering(200)],
        AS_OF,
    )
    # T 0.26; beta.one not asked at 200: raw 0.65625, V = 0.05 + 0.95 x 0.65625 = 0.6734375;
    # C(200) = 0.575793. Score = 100 x 0.26 x 0.6734375 x 0.575793 = 10.0818.
    assert risk.score == pytest.approx(100 * 0.26 * 0.6734375 * 0.5757927631)
    assert risk.level is RiskLevel.MEDIUM  # 10 <= score < 25


def test_drivers_name_the_answers_and_the_gathering() -> None:
    risk = assess_site(
        SITE,
        INSTRUMENT,
        {"alpha.one": 5, "alpha.two": 1},
        ThreatLevel.SUBSTANTIAL,
        [],
        [gathering(2000, "Vaisakhi")],
        AS_OF,
    )
    labels = {driver.key: driver.label for driver in risk.drivers}
    assert labels["alpha.two"] == "Two: None"
    assert labels["beta.one"] == "Crowds: not answered yet"
    assert labels["gathering"] == "2,000 at Vaisakhi"
    assert "alpha.one" not in labels  # at the top grade: nothing to drive
    headline = risk.top_drivers()
    assert {d.kind.value for d in headline} == {"vulnerability", "threat", "consequence"}
    assert headline[0].points == max(d.points for d in risk.drivers)
    # alpha.two carries 100 T C (1 - 0.05) x its weight (3/4 x 3/4) x gap 1.
    two = next(d for d in risk.drivers if d.key == "alpha.two")
    assert two.points == pytest.approx(
        100 * 0.26 * risk.consequence.value * 0.95 * (3 / 4) * (3 / 4)
    )


def test_a_gatherings_stakes_and_patrol_payoffs() -> None:
    risk = site_risk(
        "g1",
        threat(SITE, ThreatLevel.SUBSTANTIAL, [], AS_OF),
        vulnerability(INSTRUMENT, {"alpha.one": 1, "alpha.two": 1, "beta.one": 1}, 200),
        consequence([gathering(200)], capacity=1200),
    )
    stakes = gathering_risk(risk, 200)
    # Every answer at grade 1, but beta.one is not asked at 200 people (gap 0):
    # raw = 3/4 x 1 + 1/4 x 0 = 0.75 -> V = 0.05 + 0.95 x 0.75 = 0.7625; C(200) = 0.575793.
    loss = 100 * 0.7625 * 0.5757927631
    assert stakes.defender_loss == pytest.approx(loss)
    assert stakes.attacker_value == pytest.approx(0.26 * loss)
    payoffs = stakes.payoffs(0.8)
    assert payoffs["defender_uncovered"] == pytest.approx(-loss)
    assert payoffs["defender_covered"] == pytest.approx(-0.2 * loss)
    assert payoffs["attacker_uncovered"] == pytest.approx(0.26 * loss)
    assert payoffs["attacker_covered"] == pytest.approx(-0.6 * 0.26 * loss)


# --- Costs -------------------------------------------------------------------------------------


def test_the_equivalent_annual_cost_of_cctv() -> None:
    cctv = load_measures().get("cctv_fixed")
    # Capital recovery factor at 3.5% over 8 years: 1 / sum_{t=1..8} 1.035^-t = 0.1454766.
    annuity = 1 / sum(1.035**-t for t in range(1, 9))
    assert annuity == pytest.approx(0.1454766465)
    expected = (3000 + 9000) / 2 * annuity + (250 + 600) / 2  # 1,297.86 pounds a year
    assert equivalent_annual_cost(cctv, 0.035) == pytest.approx(expected)
    assert expected == pytest.approx(1297.86, abs=0.01)


# --- Martyn's Law ------------------------------------------------------------------------------


def test_martyns_law_applies_from_200_people_and_keeps_worship_in_the_standard_tier() -> None:
    assert not martyns_law.applicability(199, 5000).applies
    standard = martyns_law.applicability(200, None)
    assert standard.applies and standard.tier is Tier.STANDARD
    huge = martyns_law.applicability(5000, 6000)
    assert huge.tier is Tier.STANDARD
    assert {d.id for d in huge.duties} == {
        "responsible_person",
        "notification",
        "evacuation",
        "invacuation",
        "lockdown",
        "communication",
        "coordination",
    }
    hall = martyns_law.applicability(900, None, place_of_worship=False)
    assert hall.tier is Tier.ENHANCED
    assert {"protection_measures", "documenting", "senior_individual"} <= {
        d.id for d in hall.duties
    }


def test_martyns_law_uses_capacity_only_when_no_gathering_is_known() -> None:
    by_capacity = martyns_law.applicability(None, 350)
    assert by_capacity.applies and by_capacity.basis is ExpectationBasis.CAPACITY
    # A big building with a small congregation: the test is what is expected, not capacity.
    assert not martyns_law.applicability(60, 800).applies
    unknown = martyns_law.applicability(None, None)
    assert not unknown.applies and unknown.basis is ExpectationBasis.UNKNOWN


def test_the_checklist_reads_the_survey_unless_a_status_was_recorded() -> None:
    site = martyns_law.applicability(400, None)
    answers = {
        "emergency.evacuation": 4,
        "emergency.invacuation": 1,
        "emergency.lockdown": 5,
        "building.lock_quickly": 3,
    }
    recorded = {"notification": (DutyStatus.MET, "Notified the SIA on 2027-05-01, ref. 123")}
    items = {i.duty.id: i for i in martyns_law.checklist(site, answers, recorded)}
    assert items["evacuation"].status is DutyStatus.MET
    assert items["invacuation"].status is DutyStatus.NOT_MET
    assert items["lockdown"].status is DutyStatus.PARTLY_MET  # the weaker answer counts
    assert items["communication"].status is DutyStatus.NOT_ASSESSED  # not answered
    assert items["notification"].status is DutyStatus.MET
    assert not items["notification"].from_survey and items["evacuation"].from_survey
