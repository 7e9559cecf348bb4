"""An administrator records a meeting, its decisions and actions; the owner updates an action;
errors name their field; the overdue list and the meetings feed show only what one may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from sanctuary.access.actor import Actor, Channel
from sanctuary.access.models import Role
from sanctuary.audit.models import AuditEvent
from sanctuary.partnership import services
from sanctuary.partnership.models import Action, ActionStatus, Meeting, MeetingFeed, MeetingStatus
from tests.conftest import Cast, api_client_for
from tests.fund.conftest import make_round
from tests.partnership.meetings import make_action, make_meeting


def _meeting_data(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "briefing", "title": "Security briefing for the council of mosques",
        "starts_at": "2030-03-04T18:30", "ends_at": "2030-03-04T20:00", "place": "Town Hall",
        "areas": [cast.area.pk], "status": "planned",
        "invited_organisations": [cast.umbrella.pk, cast.org_a.pk, cast.police_unit.pk],
        "agenda": "The threat picture\nAdvice before Ramadan",
    }
    data.update(changes)
    return data


def test_an_administrator_records_a_meeting_a_decision_and_an_action_all_audited(cast: Cast):
    fund_round = make_round(cast)
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/partnership/meetings/new/", _meeting_data(cast))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/partnership/meetings/{meeting.pk}/"
    assert meeting.convenor == cast.person(Role.PROGRAMME_ADMIN)
    admin.post(f"/partnership/meetings/{meeting.pk}/decisions/", {"text": "Advice goes to every mosque."})
    response = admin.post(f"/partnership/meetings/{meeting.pk}/actions/", {
        "title": "Send the advice", "owner": cast.person(Role.UMBRELLA_COORDINATOR).pk,
        "due_on": "2030-03-18", "site": cast.site_a.pk, "fund_round": fund_round.pk,
    })
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner_organisation, action.site, action.fund_round) == (cast.umbrella, cast.site_a, fund_round)
    page = admin.get(f"/partnership/meetings/{meeting.pk}/").content.decode()
    assert "Advice goes to every mosque." in page and "Send the advice" in page
    recorded = set(AuditEvent.objects.filter(object_type__startswith="partnership").values_list("object_type", flat=True))
    assert recorded == {"partnership.meeting", "partnership.decision", "partnership.action"}


def test_a_meeting_that_ends_before_it_starts_is_refused_naming_the_field(cast: Cast):
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post("/partnership/meetings/new/", _meeting_data(cast, ends_at="2030-03-04T17:00"))
    assert response.status_code == 422
    assert "A meeting ends after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_owner_must_be_invited_or_present(cast: Cast):
    meeting = make_meeting(cast, "own")
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    response = admin.post(f"/partnership/meetings/{meeting.pk}/actions/", {
        "title": "Someone else's job", "owner": cast.person("contact_b").pk, "due_on": "2030-01-01",
    })
    assert response.status_code == 422 and not Action.objects.exists()


def test_the_owner_marks_an_action_done_with_a_dated_note(cast: Cast):
    action = make_action(cast, "own")
    owner = cast.client_for(cast.person(Role.SITE_CONTACT))
    response = owner.post(f"/partnership/actions/{action.pk}/update/", {"status": "done", "note": "Leaflets sent."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.closed_at is not None
    page = owner.get(f"/partnership/actions/{action.pk}/").content.decode()
    assert "Leaflets sent." in page and timezone.localdate().strftime("%-d %b %Y") in page
    # someone who sees the action but does not own it cannot change it
    coordinator = cast.client_for(cast.person(Role.UMBRELLA_COORDINATOR))
    assert coordinator.get(f"/partnership/actions/{action.pk}/").status_code == 200
    assert coordinator.post(f"/partnership/actions/{action.pk}/update/", {"status": "open"}).status_code == 404


def test_the_overdue_list_groups_overdue_actions_by_organisation(cast: Cast):
    meeting = make_meeting(cast, "own")
    late = make_action(cast, "own", meeting, title="Late one")
    make_action(cast, "own", meeting, title="Not yet due", due_on=timezone.localdate() + timedelta(days=2))
    make_action(cast, "own", meeting, title="Done late", status=ActionStatus.DONE)
    make_action(cast, "other", title="Another organisation's")
    page = cast.client_for(cast.person(Role.UMBRELLA_COORDINATOR)).get("/partnership/overdue/").content.decode()
    assert "Riverside Mosque Trust (1)" in page and late.title in page
    for hidden in ("Not yet due", "Done late", "Another organisation's", "Parish of St Brigid"):
        assert hidden not in page


def test_the_summary_of_a_meeting_not_yet_held_is_not_there(cast: Cast):
    meeting = make_meeting(cast, "own", status=MeetingStatus.PLANNED)
    client = cast.client_for(cast.person("contact_b"))
    assert client.get(f"/partnership/meetings/{meeting.pk}/summary/").status_code == 404


def test_the_meetings_feed_holds_ones_meetings_and_ends_when_revoked_or_credentials_end(cast: Cast):
    mine, theirs = make_meeting(cast, "own", title="Briefing"), make_meeting(cast, "other")
    contact = cast.person(Role.SITE_CONTACT)
    client = cast.client_for(contact)
    client.post("/partnership/feeds/")
    feed = MeetingFeed.every.get(user=contact)
    calendar = Calendar.from_ical(Client().get(f"/partnership/feeds/{feed.key}.ics").content)
    uids = {str(event["uid"]) for event in calendar.walk("VEVENT")}
    assert uids == {f"partnership-meeting-{mine.pk}@sanctuary"}
    assert theirs.pk != mine.pk
    contact.credentials_epoch += 1
    contact.save()
    assert Client().get(f"/partnership/feeds/{feed.key}.ics").status_code == 404
    contact.credentials_epoch -= 1
    contact.save()
    client.post(f"/partnership/feeds/{feed.pk}/revoke/")
    assert Client().get(f"/partnership/feeds/{feed.key}.ics").status_code == 404


def test_the_api_lets_the_owner_change_the_status_and_names_a_bad_field(cast: Cast):
    action = make_action(cast, "own")
    api = api_client_for(cast.person(Role.SITE_CONTACT))
    bad = api.post(f"/api/partnership/actions/{action.pk}/status", {"status": "finished"},
                   content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    good = api.post(f"/api/partnership/actions/{action.pk}/status", {"status": "in_progress", "note": "Begun"},
                    content_type="application/json")
    assert good.status_code == 200 and good.json()["status"] == "in_progress"
    listed = api.get("/api/partnership/actions?overdue=true").json()
    assert [item["id"] for item in listed["items"]] == [action.pk] and listed["items"][0]["overdue"]


def test_what_an_action_concerns_is_shown_only_to_those_who_may_see_it(cast: Cast):
    meeting = make_meeting(cast, "own")
    action = make_action(cast, "own", meeting, title="Check the gate", site=cast.site_b)
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    assert "Bravo Church" in admin.get(f"/partnership/actions/{action.pk}/").content.decode()
    # the coordinator sees the action (their body was invited) but not site B, which is not theirs
    coordinator = cast.client_for(cast.person(Role.UMBRELLA_COORDINATOR))
    page = coordinator.get(f"/partnership/actions/{action.pk}/")
    assert page.status_code == 200 and "Check the gate" in page.content.decode()
    assert "Bravo Church" not in page.content.decode()
    from tests.partnership.test_documents import pdf_text

    minutes = pdf_text(coordinator.get(f"/partnership/meetings/{meeting.pk}/minutes.pdf").content)
    assert "Check the gate" in minutes and "Bravo Church" not in minutes
    assert "Bravo Church" in pdf_text(admin.get(f"/partnership/meetings/{meeting.pk}/minutes.pdf").content)


def test_the_api_names_only_the_sites_one_may_see(cast: Cast):
    action = make_action(cast, "own", site=cast.site_b)
    as_admin = api_client_for(cast.person(Role.PROGRAMME_ADMIN)).get(f"/api/partnership/actions/{action.pk}")
    as_coordinator = api_client_for(cast.person(Role.UMBRELLA_COORDINATOR)).get("/api/partnership/actions")
    assert as_admin.json()["site_id"] == cast.site_b.pk
    assert [(i["id"], i["site_id"]) for i in as_coordinator.json()["items"]] == [(action.pk, None)]


def test_an_action_cannot_name_a_fund_round_its_author_may_not_see(cast: Cast):
    """Another area's round is refused as if it did not exist, naming the field."""
    away_round = make_round(cast, away=True)
    admin = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    admin.post("/partnership/meetings/new/", _meeting_data(cast))
    meeting = Meeting.objects.get()
    response = admin.post(f"/partnership/meetings/{meeting.pk}/actions/", {
        "title": "Apply to the round", "owner": cast.person(Role.UMBRELLA_COORDINATOR).pk,
        "due_on": "2030-03-18", "fund_round": away_round.pk,
    })
    assert response.status_code == 422
    assert not Action.objects.exists()
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="No such fund round that you may see"):
        services.add_action(Actor.person(cast.person(Role.PROGRAMME_ADMIN), Channel.PAGE), meeting, {
            "title": "Apply", "owner": cast.person(Role.UMBRELLA_COORDINATOR),
            "due_on": date(2030, 3, 18), "fund_round": away_round.pk,
        })
