"""Local heightened alerts and the national level's source and reason: a change is audited, raises
the threat the risk model uses for exactly the sites concerned while in force, drafts an alert to
those sites, and offers (never starts) a patrol re-plan."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.alerts.models import Alert, AlertStatus
from sanctuary.audit.models import AuditEvent
from sanctuary.patrols.models import Plan
from sanctuary.registry.models import Faith
from sanctuary.surveys import assess, services
from sanctuary.surveys.models import HeightenedAlert, NationalThreatLevel
from sanctuary.surveys.risk import ThreatLevel, heightened_level
from tests.conftest import Cast, log_in

LEVELS = list(ThreatLevel)


@given(st.sampled_from(LEVELS), st.lists(st.sampled_from(LEVELS), max_size=4))
def test_an_alert_never_lowers_the_level_and_the_highest_wins(national, raised):
    level = heightened_level(national, raised)
    assert LEVELS.index(level) >= LEVELS.index(national)
    assert all(LEVELS.index(level) >= LEVELS.index(other) for other in raised)
    assert level in (national, *raised)


def _threats(cast: Cast) -> dict[str, float]:
    found = assess.assess([cast.site_a, cast.site_b, cast.site_c])
    return {a.site.name: a.risk.threat.value for a in found}


def _raise(cast: Cast, role: str = Role.PROGRAMME_ADMIN, **fields) -> HeightenedAlert:
    today = timezone.localdate()
    values = {"area": cast.area, "level": "critical", "starts_on": today - timedelta(days=1),
              "ends_on": today + timedelta(days=6), "reason": "After an attack abroad", **fields}
    return services.raise_heightened_alert(Actor.person(cast.person(role), Channel.PAGE), **values)


def test_a_heightened_alert_raises_the_threat_of_the_faith_s_sites_in_its_area_only(cast: Cast):
    before = _threats(cast)
    _raise(cast, faith=Faith.ISLAM)
    after = _threats(cast)
    assert after["Alpha Mosque"] > before["Alpha Mosque"]
    assert after["Bravo Church"] == before["Bravo Church"]  # another faith
    assert after["Charlie Masjid"] == before["Charlie Masjid"]  # another area
    [a] = assess.assess([cast.site_a])
    assert a.risk.threat.national_level == ThreatLevel.CRITICAL
    assert assess.site_level(cast.site_a) == ThreatLevel.CRITICAL
    assert assess.site_level(cast.site_b) == ThreatLevel.SUBSTANTIAL


def test_chosen_sites_alone_are_raised(cast: Cast):
    before = _threats(cast)
    _raise(cast, sites=[cast.site_b])
    after = _threats(cast)
    assert after["Bravo Church"] > before["Bravo Church"]
    assert after["Alpha Mosque"] == before["Alpha Mosque"]


def test_an_alert_not_in_force_or_ended_changes_nothing(cast: Cast):
    before = _threats(cast)
    today = timezone.localdate()
    _raise(cast, starts_on=today + timedelta(days=2), ends_on=today + timedelta(days=9))
    assert _threats(cast) == before
    ended = _raise(cast)
    assert _threats(cast)["Alpha Mosque"] > before["Alpha Mosque"]
    services.end_heightened_alert(Actor.person(cast.person(Role.POLICE_SUPERVISOR), Channel.PAGE), ended)
    assert _threats(cast) == before
    assert AuditEvent.objects.filter(object_type="surveys.heightenedalert", detail__ended=True).exists()


def test_a_lower_local_level_does_not_lower_a_higher_national_one(cast: Cast):
    NationalThreatLevel.objects.create(level="severe", since=timezone.localdate() - timedelta(days=30))
    _raise(cast, level="low")
    assert assess.site_level(cast.site_a) == ThreatLevel.SEVERE


def test_raising_an_alert_on_the_page_drafts_an_alert_to_the_sites_and_offers_a_re_plan(cast: Cast):
    sergeant = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    today = timezone.localdate()
    response = sergeant.post("/risk/heightened/", {
        "area": cast.area.pk, "faith": Faith.ISLAM, "level": "severe", "starts_on": today,
        "ends_on": today + timedelta(days=10), "reason": "Incident surge against mosques",
    })
    raised = HeightenedAlert.objects.get()
    assert response["Location"] == f"/risk/heightened/{raised.pk}/"
    assert AuditEvent.objects.filter(object_type="surveys.heightenedalert", action="create").exists()
    drafted = raised.alert
    assert drafted.status == AlertStatus.DRAFT
    assert list(drafted.sites.all()) == [cast.site_a]
    assert "Incident surge against mosques" in drafted.body
    page = sergeant.get(response["Location"]).content.decode()
    assert f'href="/alerts/{drafted.pk}/"' in page
    assert "Re-plan patrols for Tower Hamlets" in page
    assert 'action="/patrols/"' in page
    assert not Plan.objects.exists()  # offered, not started
    # the administrator does not plan patrols: no button, but the draft is theirs to see
    admin_page = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN)).get(response["Location"]).content.decode()
    assert "Re-plan patrols" not in admin_page


def test_the_offered_re_plan_is_the_patrol_form_s_own_request(cast: Cast):
    raised = _raise(cast, role=Role.POLICE_SUPERVISOR)
    sergeant = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    page = sergeant.get(f"/risk/heightened/{raised.pk}/")
    [offer] = page.context["replan"]
    assert offer["week"].weekday() == 0 and offer["week"] >= timezone.localdate()
    sergeant.post("/patrols/", {"areas": [offer["area"].pk], "week_start": offer["week"].isoformat(), "seed": 1})
    assert Plan.objects.filter(areas=cast.area, week_start=offer["week"]).exists()


def test_an_area_not_yours_is_refused(cast: Cast):
    sergeant = log_in(Client(), cast.person(Role.PROGRAMME_ADMIN))
    today = timezone.localdate()
    response = sergeant.post("/risk/heightened/", {
        "area": cast.area_2.pk, "level": "severe", "starts_on": today, "ends_on": today, "reason": "x",
    })
    assert "area" in response.context["form"].errors
    assert not HeightenedAlert.objects.exists()


def test_an_end_before_the_start_is_named(cast: Cast):
    sergeant = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    today = timezone.localdate()
    response = sergeant.post("/risk/heightened/", {
        "area": cast.area.pk, "level": "severe", "starts_on": today, "ends_on": today - timedelta(days=1),
        "reason": "x",
    })
    assert "ends_on" in response.context["form"].errors


def test_a_national_change_keeps_its_source_and_reason_and_drafts_an_alert(cast: Cast):
    national = log_in(Client(), cast.person(Role.NATIONAL_ADMIN))
    today = timezone.localdate()
    response = national.post("/risk/threat-level/", {
        "level": "severe", "since": today.isoformat(), "source": "MI5 website",
        "reason": "Raised after attacks in two European cities.",
    })
    change = NationalThreatLevel.objects.get()
    assert change.set_by == cast.person(Role.NATIONAL_ADMIN) and change.source == "MI5 website"
    assert assess.site_level(cast.site_c) == ThreatLevel.SEVERE
    drafted = Alert.objects.get(pk=change.alert_id)
    assert drafted.status == AlertStatus.DRAFT
    assert set(drafted.sites.all()) == {cast.site_a, cast.site_b, cast.site_c}  # every area
    page = national.get(response["Location"]).content.decode()
    assert "Raised after attacks in two European cities." in page
    assert f'href="/alerts/{drafted.pk}/"' in page


def test_a_national_change_needs_its_source_and_reason(cast: Cast):
    national = log_in(Client(), cast.person(Role.NATIONAL_ADMIN))
    response = national.post("/risk/threat-level/", {"level": "severe", "since": "2026-11-30"})
    assert {"source", "reason"} <= set(response.context["form"].errors)
    assert not NationalThreatLevel.objects.exists()


def test_a_malformed_change_in_the_address_is_ignored(cast: Cast):
    national = log_in(Client(), cast.person(Role.NATIONAL_ADMIN))
    for value in ("abc", "99999999999999999999", "-1"):
        assert national.get(f"/risk/threat-level/?changed={value}").status_code == 200


def test_a_national_change_offers_the_area_s_planner_a_re_plan_for_a_fortnight(cast: Cast):
    services.set_threat_level(
        Actor.person(cast.person(Role.NATIONAL_ADMIN), Channel.PAGE), "severe", timezone.localdate(),
        source="MI5", reason="An attack abroad",
    )
    sergeant = log_in(Client(), cast.person(Role.POLICE_SUPERVISOR))
    page = sergeant.get("/risk/threat-level/").content.decode()
    assert "Re-plan patrols for Tower Hamlets" in page
    assert "review and send it" not in page  # the draft is its author's
    NationalThreatLevel.objects.update(set_at=timezone.now() - timedelta(days=15))
    assert "Re-plan patrols" not in sergeant.get("/risk/threat-level/").content.decode()
    adviser = log_in(Client(), cast.person(Role.SECURITY_ADVISER))
    assert "Re-plan patrols" not in adviser.get("/risk/threat-level/").content.decode()
