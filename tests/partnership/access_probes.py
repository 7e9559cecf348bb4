"""The partnership: its rows of the need-to-know matrix (docs/access.md, "Partnership").

Meetings and actions as in tests/partnership/meetings.py: *own* a Tower Hamlets meeting inviting
the police unit, the umbrella body and organisation A (its action owned by contact-a), *other*
one inviting only organisation B, *away* one in Hackney. For feeds, *own* is the person's own
and *other* another person's.
"""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import User
from sanctuary.partnership.models import Action, ActionStatus, Meeting, MeetingFeed
from tests.conftest import Cast, api_client_for
from tests.matrix import Probe, found, function, function_page
from tests.partnership.meetings import make_action, make_meeting


def _done(response, done: bool) -> bool:
    assert response.status_code in {200, 302, 403, 404, 422}, response.status_code
    return done


def probe_home(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    response = client.get("/partnership/")
    assert response.status_code == 200, response.status_code
    return f'href="/partnership/meetings/{meeting.pk}/"' in response.content.decode()


def meeting_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        meeting = make_meeting(cast, target)
        return found(client.get(template.format(id=meeting.pk)))

    return probe


def _meeting_data(cast: Cast, target: str, title: str) -> dict[str, object]:
    return {
        "kind": "board", "title": title, "starts_at": "2030-01-07T18:30", "ends_at": "2030-01-07T20:00",
        "place": "Town Hall", "areas": [(cast.area_2 if target == "away" else cast.area).pk],
        "status": "planned", "agenda": "Actions",
    }


def probe_meeting_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post("/partnership/meetings/new/", _meeting_data(cast, target, "Matrix new meeting"))
    return _done(response, Meeting.objects.filter(title="Matrix new meeting").exists())


def probe_meeting_edit(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    response = client.post(f"/partnership/meetings/{meeting.pk}/edit/",
                           _meeting_data(cast, target, "Matrix edited meeting"))
    return _done(response, Meeting.objects.get(pk=meeting.pk).title == "Matrix edited meeting")


def probe_decision(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    response = client.post(f"/partnership/meetings/{meeting.pk}/decisions/", {"text": "Matrix decision"})
    return _done(response, meeting.decisions.filter(text="Matrix decision").exists())


def probe_action_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    owner = {"own": cast.contact_a, "other": cast.contact_b, "away": cast.person("contact_c")}[target]
    response = client.post(f"/partnership/meetings/{meeting.pk}/actions/", {
        "title": "Matrix new action", "owner": owner.pk, "due_on": "2030-02-01",
    })
    return _done(response, meeting.actions.filter(title="Matrix new action").exists())


def action_page(template: str) -> Probe:
    def probe(client: Client, user: User, cast: Cast, target: str) -> bool:
        action = make_action(cast, target)
        return found(client.get(template.format(id=action.pk)))

    return probe


def probe_action_update(client: Client, user: User, cast: Cast, target: str) -> bool:
    action = make_action(cast, target)
    response = client.post(f"/partnership/actions/{action.pk}/update/", {"status": "done", "note": "Matrix"})
    return _done(response, Action.objects.get(pk=action.pk).status == ActionStatus.DONE)


def probe_overdue(client: Client, user: User, cast: Cast, target: str) -> bool:
    action = make_action(cast, target)
    response = client.get("/partnership/overdue/")
    assert response.status_code == 200, response.status_code
    return f'href="/partnership/actions/{action.pk}/"' in response.content.decode()


def probe_feed_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post("/partnership/feeds/")
    return function(response) and MeetingFeed.every.filter(user=user).exists()


def probe_feed_revoke(client: Client, user: User, cast: Cast, target: str) -> bool:
    owner = user if target == "own" else cast.person("contact_b")
    feed = MeetingFeed.every.create(user=owner, epoch=owner.credentials_epoch)
    response = client.post(f"/partnership/feeds/{feed.pk}/revoke/")
    assert response.status_code in {302, 404}, response.status_code
    return MeetingFeed.every.get(pk=feed.pk).revoked_at is not None


def probe_feed_ics(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    feed = MeetingFeed.every.create(user=user, epoch=user.credentials_epoch)
    response = Client().get(f"/partnership/feeds/{feed.key}.ics")
    assert response.status_code == 200, response.status_code
    return f"partnership-meeting-{meeting.pk}@sanctuary" in response.content.decode()


def probe_api_meetings(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    response = api_client_for(user).get("/api/partnership/meetings")
    assert response.status_code == 200, response.status_code
    return meeting.pk in {item["id"] for item in response.json()["items"]}


def probe_api_meeting(client: Client, user: User, cast: Cast, target: str) -> bool:
    meeting = make_meeting(cast, target)
    response = api_client_for(user).get(f"/api/partnership/meetings/{meeting.pk}")
    if found(response):
        assert response.json()["title"] == meeting.title
        return True
    return False


def probe_api_actions(client: Client, user: User, cast: Cast, target: str) -> bool:
    action = make_action(cast, target)
    response = api_client_for(user).get("/api/partnership/actions")
    assert response.status_code == 200, response.status_code
    return action.pk in {item["id"] for item in response.json()["items"]}


def probe_api_action(client: Client, user: User, cast: Cast, target: str) -> bool:
    action = make_action(cast, target)
    return found(api_client_for(user).get(f"/api/partnership/actions/{action.pk}"))


def probe_api_action_status(client: Client, user: User, cast: Cast, target: str) -> bool:
    action = make_action(cast, target)
    response = api_client_for(user).post(
        f"/api/partnership/actions/{action.pk}/status", {"status": "in_progress", "note": "Matrix"},
        content_type="application/json",
    )
    assert response.status_code in {200, 404}, response.status_code
    return Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS


PROBES: dict[str, Probe] = {
    "GET /partnership/": probe_home,
    "POST /partnership/meetings/new/": probe_meeting_new,
    "GET /partnership/meetings/{id}/": meeting_page("/partnership/meetings/{id}/"),
    "POST /partnership/meetings/{id}/edit/": probe_meeting_edit,
    "POST /partnership/meetings/{id}/decisions/": probe_decision,
    "POST /partnership/meetings/{id}/actions/": probe_action_new,
    "GET /partnership/meetings/{id}/minutes.pdf": meeting_page("/partnership/meetings/{id}/minutes.pdf"),
    "GET /partnership/meetings/{id}/summary/": meeting_page("/partnership/meetings/{id}/summary/"),
    "GET /partnership/meetings/{id}/summary.pdf": meeting_page("/partnership/meetings/{id}/summary.pdf"),
    "GET /partnership/actions/{id}/": action_page("/partnership/actions/{id}/"),
    "POST /partnership/actions/{id}/update/": probe_action_update,
    "GET /partnership/overdue/": probe_overdue,
    "GET /partnership/feeds/": function_page("/partnership/feeds/"),
    "POST /partnership/feeds/": probe_feed_new,
    "POST /partnership/feeds/{id}/revoke/": probe_feed_revoke,
    "GET /partnership/feeds/{key}.ics": probe_feed_ics,
    "GET /api/partnership/meetings": probe_api_meetings,
    "GET /api/partnership/meetings/{id}": probe_api_meeting,
    "GET /api/partnership/actions": probe_api_actions,
    "GET /api/partnership/actions/{id}": probe_api_action,
    "POST /api/partnership/actions/{id}/status": probe_api_action_status,
}
