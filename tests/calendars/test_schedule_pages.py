"""The schedule page: a site's contacts describe when people gather, and see the next 14 days."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.calendars import engine, services
from sanctuary.calendars.models import CongregationRule, Event, JumuahSession, Schedule, Service
from tests.conftest import Cast, log_in

TODAY = date.today()


@pytest.fixture
def contact(cast: Cast, client: Client) -> Client:
    return log_in(client, cast.person(Role.SITE_CONTACT))


def url(site, part: str = "") -> str:
    return f"/sites/{site.pk}/schedule/" + (f"{part}/" if part else "")


def describe_the_mosque(client: Client, site) -> None:
    """What a mosque secretary types in from the printed timetable on the notice board."""
    posts = [
        ("settings", {"settings-timezone": "Europe/London", "settings-daily_prayers": "faith",
                      "settings-method": "MoonsightingCommittee", "settings-madhab": "hanafi",
                      "settings-high_latitude_rule": "", "settings-moon_sighting_offset": "0",
                      "settings-faith_defaults": "on"}),
        ("rules", {"rules-prayer": "isha", "rules-fixed_time": "20:00",
                   "rules-months": ["11", "12", "1", "2"]}),
        ("rules", {"rules-prayer": "maghrib", "rules-minutes_after_start": "5"}),
        ("jumuah", {"jumuah-winter_time": "13:15", "jumuah-summer_time": "13:30",
                    "jumuah-minutes_after_dhuhr": "15", "jumuah-duration_minutes": "45",
                    "jumuah-attendance_percent": "60"}),
        ("jumuah", {"jumuah-winter_time": "14:00", "jumuah-summer_time": "14:30",
                    "jumuah-minutes_after_dhuhr": "15", "jumuah-duration_minutes": "45",
                    "jumuah-attendance_percent": "40"}),
        ("services", {"services-label": "Sunday tafsir circle", "services-kind": "service",
                      "services-rule": "FREQ=WEEKLY;BYDAY=SU", "services-start_time": "11:00",
                      "services-duration_minutes": "90", "services-expected_attendance": "80"}),
    ]
    for part, data in posts:
        response = client.post(url(site, part), data)
        assert response.status_code == 302, (part, response.content.decode()[:2000])


def the_same_mosque_by_hand(site) -> engine.SiteCalendar:
    return engine.SiteCalendar(
        site_id=str(site.pk), faith=engine.Faith.ISLAM, latitude=site.latitude,
        longitude=site.longitude, ward=site.ward, typical_peak=200,
        prayer_settings=engine.PrayerSettings(madhab=engine.Madhab.HANAFI),
        congregation_rules=(
            engine.CongregationRule(engine.Prayer.ISHA, fixed_time=time(20, 0),
                                    months=frozenset({11, 12, 1, 2})),
            engine.CongregationRule(engine.Prayer.MAGHRIB, minutes_after_start=5),
        ),
        jumuah_sessions=(
            engine.JumuahSession(time(13, 15), time(13, 30), duration_minutes=45,
                                 attendance_fraction=0.6),
            engine.JumuahSession(time(14, 0), time(14, 30), duration_minutes=45,
                                 attendance_fraction=0.4),
        ),
        services=(engine.ServiceRule("Sunday tafsir circle", "FREQ=WEEKLY;BYDAY=SU",
                                     time(11, 0), 90, expected_attendance=80),),
    )


def test_a_site_contact_describes_their_mosques_timetable_and_the_preview_shows_it(
    cast: Cast, contact: Client
):
    describe_the_mosque(contact, cast.site_a)
    response = contact.get(url(cast.site_a))
    assert response.status_code == 200
    expected = engine.build_timeline(
        [the_same_mosque_by_hand(cast.site_a)], TODAY, TODAY + timedelta(days=13)
    )
    shown = [g for _, day in response.context["preview"].days for g in day]
    assert shown == list(expected.gatherings())
    page = response.content.decode()
    assert "Jumu&#x27;ah (session 2)" in page
    assert "Sunday tafsir circle" in page
    assert "Isha jama&#x27;ah 20:00" in page  # the rule, listed
    fridays = [g for g in shown if g.kind == engine.GatheringKind.JUMUAH]
    assert {g.expected_attendance for g in fridays} == {120, 80}
    # each of the six changes was recorded, with the schedule itself created once
    assert AuditEvent.objects.filter(object_type__startswith="calendars.").count() == 7


def test_the_preview_follows_unsaved_changes_and_saves_nothing(cast: Cast, contact: Client):
    data = {"part": "services", "services-label": "Night of prayer", "services-kind": "prayer",
            "services-rule": "FREQ=DAILY", "services-start_time": "22:00",
            "services-duration_minutes": "60", "services-expected_attendance": "45"}
    response = contact.post(url(cast.site_a, "preview"), data)
    assert response.status_code == 200
    assert "Night of prayer" in response.content.decode()
    assert "unsaved" in response.content.decode()
    assert not Service.objects.exists()
    assert not Schedule.objects.exists()
    # a half-typed form says so instead of failing
    data["services-rule"] = "FREQ=SOMETIMES"
    response = contact.post(url(cast.site_a, "preview"), data)
    assert response.status_code == 200
    assert "Correct the form" in response.content.decode()


def test_the_settings_preview_uses_the_unsaved_method(cast: Cast, contact: Client):
    data = {"part": "settings", "settings-timezone": "Europe/London",
            "settings-daily_prayers": "no", "settings-method": "MuslimWorldLeague",
            "settings-madhab": "shafi", "settings-high_latitude_rule": "",
            "settings-moon_sighting_offset": "0", "settings-faith_defaults": ""}
    response = contact.post(url(cast.site_a, "preview"), data)
    assert response.status_code == 200
    assert "jama&#x27;ah" not in response.content.decode()  # no daily prayers, no defaults
    assert not Schedule.objects.exists()


def test_the_page_has_forms_wired_to_the_preview(cast: Cast, contact: Client):
    page = contact.get(url(cast.site_a)).content.decode()
    assert f'hx-post="/sites/{cast.site_a.pk}/schedule/preview/"' in page
    assert 'hx-trigger="change"' in page
    assert 'id="preview"' in page


def test_a_contact_cannot_edit_another_organisations_schedule(cast: Cast, contact: Client):
    data = {"services-label": "Intruder", "services-kind": "service",
            "services-rule": "FREQ=DAILY", "services-start_time": "10:00",
            "services-duration_minutes": "60"}
    assert contact.post(url(cast.site_b, "services"), data).status_code == 404
    assert contact.post(url(cast.site_b, "preview"), {"part": "services", **data}).status_code == 404
    assert contact.get(url(cast.site_b)).status_code == 404
    assert not Service.objects.exists()


def test_a_police_supervisor_reads_the_schedule_but_cannot_change_it(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get(url(cast.site_b))
    assert response.status_code == 200
    assert "forms" not in response.context
    assert "Sunday service" in response.content.decode()  # the church's default, previewed
    data = {"rules-prayer": "isha", "rules-fixed_time": "20:00"}
    assert client.post(url(cast.site_a, "rules"), data).status_code == 404
    assert not CongregationRule.objects.exists()


def test_errors_show_beside_the_field(cast: Cast, contact: Client):
    response = contact.post(
        url(cast.site_a, "rules"),
        {"rules-prayer": "isha", "rules-fixed_time": "20:00", "rules-minutes_after_start": "5"},
    )
    assert response.status_code == 200
    assert response.context["forms"]["rules"].errors["fixed_time"]
    assert "either a fixed time or minutes" in response.content.decode()
    response = contact.post(url(cast.site_a, "services"), {
        "services-label": "x", "services-kind": "service", "services-rule": "FREQ=FORTNIGHTLY",
        "services-start_time": "10:00", "services-duration_minutes": "60"})
    assert "This rule cannot be used. FREQ=FORTNIGHTLY is not a frequency" in response.content.decode()
    response = contact.post(url(cast.site_a, "settings"), {
        "settings-timezone": "Europe/Atlantis", "settings-daily_prayers": "faith",
        "settings-method": "MoonsightingCommittee", "settings-madhab": "shafi",
        "settings-moon_sighting_offset": "0"})
    assert "not a time zone" in response.content.decode()
    assert not Schedule.objects.exists()


def timetable(days: int, first: date = TODAY, broken: dict[int, str] | None = None) -> str:
    lines = ["Date,Fajr,Sunrise,Dhuhr,Asr,Maghrib,Isha,Fajr Jamaah,Isha Jamaah"]
    for k in range(days):
        day = (first + timedelta(days=k)).isoformat()
        lines.append((broken or {}).get(k, f"{day},06:10,07:40,11:55,13:35,15:57,17:40,06:40,19:30"))
    return "\n".join(lines) + "\n"


def test_a_timetable_with_bad_rows_is_refused_whole_with_every_rows_errors(
    cast: Cast, contact: Client
):
    text = timetable(5, broken={1: f"{TODAY + timedelta(days=1)},6:10,07:40,11:55,13:35,15:57,25:00,06:40,19:30",
                                3: f"{TODAY + timedelta(days=3)},06:10,07:40,11:55,13:35,15:57,17:40,05:00,19:30"})
    response = contact.post(url(cast.site_a, "timetable"), {"timetable-text": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    errors = response.context["timetable_rejected"].errors
    assert {(e.row, e.column) for e in errors} == {(3, "isha"), (5, "fajr_jamaah")}
    assert "<td>3</td><td>isha</td>" in page
    assert not Schedule.objects.filter(timetable_csv__gt="").exists()


def upload(client: Client, site, text: str):
    """Check a timetable, then save what the check shows, as a person presses both buttons."""
    checked = client.post(url(site, "timetable"), {"timetable-text": text})
    assert checked.status_code == 200 and "timetable_check" in checked.context, checked.content[:3000]
    carried = {f"apply-{name}": value for name, value in checked.context["apply_form"].initial.items()}
    return client.post(url(site, "timetable") + "apply/", carried)


def test_an_accepted_timetable_gives_confirmed_prayer_times(cast: Cast, contact: Client):
    response = upload(contact, cast.site_a, timetable(3))
    assert response.status_code == 302
    schedule = Schedule.objects.get(site=cast.site_a)
    assert (schedule.timetable_first_day, schedule.timetable_last_day) == (
        TODAY, TODAY + timedelta(days=2))
    preview = contact.get(url(cast.site_a)).context["preview"].days
    first_day = [g for g in preview[0][1] if g.kind == engine.GatheringKind.PRAYER]
    isha = next(g for g in first_day if g.label == "Isha jama'ah")
    assert isha.certainty == engine.Certainty.CONFIRMED
    assert isha.start.strftime("%H:%M") == "19:20"  # 19:30 jama'ah, people arrive 10 minutes before
    assert contact.post(url(cast.site_a, "timetable") + "remove/").status_code == 302
    assert Schedule.objects.get(site=cast.site_a).timetable_csv == ""


def test_rows_are_removed_only_from_ones_own_schedule(cast: Cast, contact: Client, client: Client):
    schedule_b = Schedule.objects.create(site=cast.site_b)
    theirs = JumuahSession.objects.create(schedule=schedule_b)
    assert contact.post(url(cast.site_a, "jumuah") + f"{theirs.pk}/remove/").status_code == 404
    assert contact.post(url(cast.site_b, "jumuah") + f"{theirs.pk}/remove/").status_code == 404
    assert JumuahSession.objects.filter(pk=theirs.pk).exists()
    ours = JumuahSession.objects.create(schedule=Schedule.objects.create(site=cast.site_a))
    assert contact.post(url(cast.site_a, "jumuah") + f"{ours.pk}/remove/").status_code == 302
    assert not JumuahSession.objects.filter(pk=ours.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="calendars.jumuahsession").exists()


def test_a_festival_date_confirmed_by_the_mosque_is_no_longer_uncertain(cast: Cast, contact: Client):
    eid = date(2027, 3, 10)  # Eid al-Fitr 1448, Umm al-Qura 9 March 2027; this mosque saw the moon a day later
    response = contact.post(url(cast.site_a, "confirmed"),
                            {"confirmed-festival": "Eid al-Fitr", "confirmed-date": eid.isoformat()})
    assert response.status_code == 302
    calendar = services.site_calendar(cast.site_a)
    assert ("Eid al-Fitr", eid) in calendar.confirmed_dates
    found = engine.build_timeline([calendar], eid - timedelta(days=2), eid + timedelta(days=1))
    prayers = [g for g in found.gatherings() if g.kind == engine.GatheringKind.EID_PRAYER]
    assert prayers and {g.start.date() for g in prayers} == {eid}
    assert {g.certainty for g in prayers} == {engine.Certainty.EXPECTED}


def test_each_view_of_a_sensitive_sites_schedule_is_audited(cast: Cast, contact: Client):
    type(cast.site_a).objects.filter(pk=cast.site_a.pk).update(is_sensitive=True)
    contact.get(url(cast.site_a))
    contact.get(f"/api/gatherings?from={TODAY}&to={TODAY}&site={cast.site_a.pk}")
    views = AuditEvent.objects.filter(action="view", object_id=str(cast.site_a.pk))
    assert views.count() == 2


def test_a_funeral_booked_on_the_page_shows_in_the_preview(cast: Cast, contact: Client):
    day = TODAY + timedelta(days=2)
    response = contact.post(url(cast.site_a, "events"), {
        "events-label": "Janazah", "events-kind": "funeral",
        "events-start": f"{day}T14:30", "events-end": f"{day}T15:15",
        "events-expected_attendance": "250"})
    assert response.status_code == 302
    preview = dict(contact.get(url(cast.site_a)).context["preview"].days)
    (funeral,) = [g for g in preview[day] if g.label == "Janazah"]
    assert (funeral.start.strftime("%H:%M"), funeral.expected_attendance) == ("14:30", 250)
    assert funeral.kind == engine.GatheringKind.FUNERAL
    response = contact.post(url(cast.site_a, "events"), {
        "events-label": "Backwards", "events-kind": "vigil",
        "events-start": f"{day}T14:30", "events-end": f"{day}T14:00",
        "events-expected_attendance": "10"})
    assert response.context["forms"]["events"].errors["end"]


def test_event_times_are_typed_in_the_sites_own_time_zone(cast: Cast, contact: Client):
    Schedule.objects.create(site=cast.site_a, timezone="Europe/Istanbul")  # UTC+3 all year
    response = contact.post(url(cast.site_a, "events"), {
        "events-label": "Mawlid evening", "events-kind": "community_event",
        "events-start": "2026-12-01T19:00", "events-end": "2026-12-01T21:00",
        "events-expected_attendance": "150"})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.start.astimezone(ZoneInfo("UTC")).hour == 16


def test_a_date_confirmed_twice_is_refused_politely(cast: Cast, contact: Client):
    data = {"confirmed-festival": "Eid al-Adha", "confirmed-date": "2027-05-17"}
    assert contact.post(url(cast.site_a, "confirmed"), data).status_code == 302
    response = contact.post(url(cast.site_a, "confirmed"), data)
    assert response.status_code == 200
    assert response.context["forms"]["confirmed"].non_field_errors()


@pytest.mark.parametrize(
    "rule", ["FREQ=MINUTELY", "FREQ=secondly;COUNT=5", "FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9,10,11"]
)
def test_a_rule_that_recurs_more_than_daily_is_refused_and_nothing_is_saved(
    cast: Cast, contact: Client, rule: str
):
    """One schedule must not flood every borough view and feed with occurrences."""
    response = contact.post(url(cast.site_a, "services"), {
        "services-label": "Too often", "services-kind": "service", "services-rule": rule,
        "services-start_time": "10:00", "services-duration_minutes": "30"})
    assert response.status_code == 200
    assert "a service recurs at most daily" in response.content.decode()
    assert not Service.objects.exists()


def settings_post(method: str, rule: str) -> dict[str, str]:
    return {"settings-timezone": "Europe/London", "settings-daily_prayers": "yes",
            "settings-method": method, "settings-madhab": "shafi",
            "settings-high_latitude_rule": rule, "settings-moon_sighting_offset": "0",
            "settings-faith_defaults": "on"}


def test_the_committee_takes_any_rule_and_the_page_names_the_one_in_force(
    cast: Cast, contact: Client
):
    # as the Adhan libraries do: the committee applies its own rule, whatever is chosen
    response = contact.post(url(cast.site_a, "settings"),
                            settings_post("MoonsightingCommittee", "SeventhOfTheNight"))
    assert response.status_code == 302
    assert Schedule.objects.get(site=cast.site_a).high_latitude_rule == "SeventhOfTheNight"
    page = contact.get(url(cast.site_a))
    assert "preview_error" not in page.context
    text = page.content.decode()
    assert ("Season adjusted (Moonsighting Committee only): the method applies its own rule "
            "here, not the chosen Seventh of the night") in text
    assert "whatever is chosen here: season adjusted below 55° north" in text  # the field's help


def test_the_page_names_the_recommended_rule_when_none_is_chosen(cast: Cast, contact: Client):
    contact.post(url(cast.site_a, "settings"), settings_post("MuslimWorldLeague", ""))
    text = contact.get(url(cast.site_a)).content.decode()
    assert "Seventh of the night: the method's recommended rule here" in text


def test_season_adjusted_with_another_method_is_refused_beside_its_field(
    cast: Cast, contact: Client
):
    response = contact.post(url(cast.site_a, "settings"),
                            settings_post("MuslimWorldLeague", "SeasonAdjusted"))
    assert response.status_code == 200
    form = response.context["settings_form"]
    assert form.errors == {"high_latitude_rule": [
        "Season adjusted is the Moonsighting Committee's own rule: choose another rule, or "
        "that method."
    ]}
    assert not Schedule.objects.exists()
    preview = contact.post(url(cast.site_a, "preview"),
                           {"part": "settings", **settings_post("MuslimWorldLeague", "SeasonAdjusted")})
    assert "Correct the form" in preview.content.decode()


def test_the_rule_in_force_follows_the_sites_latitude(cast: Cast):
    site = cast.site_a
    for latitude, expected in [(51.5, "SeasonAdjusted"), (59.9, "SeventhOfTheNight")]:
        site.latitude = latitude  # not saved: the schedule reads the site it is given
        for chosen in ["", "MiddleOfTheNight", "SeasonAdjusted"]:
            schedule = Schedule(site=site, method="MoonsightingCommittee", high_latitude_rule=chosen)
            assert schedule.high_latitude_rule_in_force() == expected
    stored_before_the_check = Schedule(site=site, method="Karachi", high_latitude_rule="SeasonAdjusted")
    assert stored_before_the_check.high_latitude_rule_in_force() is None
