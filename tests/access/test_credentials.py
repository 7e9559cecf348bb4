"""A password alone opens nothing but the second factor, and credentials end together.

Sessions, API tokens and calendar feeds are all ways in; a password change or reset, a lost role
or a deactivated account ends them (docs/access.md, "Sessions, tokens and feeds").
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access.models import ApiToken, Membership, Role
from sanctuary.calendars.models import Feed
from sanctuary.partnership.models import MeetingFeed
from sanctuary.patrols.models import RotaFeed
from tests.conftest import Cast, log_in

PASSWORD = "a long test password"


def password_only(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def two_factor_required(settings) -> None:
    settings.SANCTUARY_REQUIRE_2FA = True


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/accounts/password/reset/",
        "/calendar/feeds/",
        "/sites/",
        "/audit/",
    ],
)
def test_a_staff_session_with_only_a_password_is_sent_to_its_second_factor(
    cast: Cast, two_factor_required: None, path: str
):
    client = password_only("admin")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"


def test_a_staff_session_with_only_a_password_cannot_make_a_token(
    cast: Cast, two_factor_required: None
):
    client = password_only("sergeant")
    response = client.post("/accounts/tokens/", {"name": "sneaky"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(name="sneaky").exists()


def test_a_staff_session_with_only_a_password_may_set_up_its_factor_and_log_out(
    cast: Cast, two_factor_required: None
):
    client = password_only("sergeant")
    assert client.get("/accounts/two-factor/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_token_made_after_the_second_factor_works_and_says_so(
    cast: Cast, two_factor_required: None
):
    client = password_only("sergeant")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=cast.person(Role.POLICE_SUPERVISOR))
    client.post("/accounts/two-factor/", {"token": f"{TOTP(device.bin_key).token():06d}"})
    page = client.post("/accounts/tokens/", {"name": "rota"}).content.decode()
    key = re.search(r"(sct_[\w-]+)", page).group(1)
    assert ApiToken.objects.get(name="rota").second_factor
    assert bearer(key).get(f"/api/sites/{cast.site_a.pk}").status_code == 200


def test_a_staff_token_made_on_the_password_alone_opens_nothing(
    cast: Cast, two_factor_required: None
):
    """Tokens made before this rule (or while its owner was a site contact) stop working."""
    _, key = ApiToken.issue(cast.person(Role.PROGRAMME_ADMIN), "old", second_factor=False)
    client = bearer(key)
    assert client.get(f"/api/sites/{cast.site_a.pk}").status_code == 401
    response = client.patch(
        f"/api/sites/{cast.site_b.pk}", '{"capacity": 1}', content_type="application/json"
    )
    assert response.status_code == 401


def test_a_site_contacts_token_needs_no_second_factor(cast: Cast, two_factor_required: None):
    _, key = ApiToken.issue(cast.person(Role.SITE_CONTACT), "mine", second_factor=False)
    assert bearer(key).get(f"/api/sites/{cast.site_a.pk}").status_code == 200


def _credentials(cast: Cast, role: str) -> tuple[str, Feed, Client]:
    person = cast.person(role)
    _, key = ApiToken.issue(person, "nightly rota export", second_factor=True)
    feed = Feed.every.create(user=person, scope="borough")
    other_session = log_in(Client(), person)
    assert bearer(key).get("/api/sites").status_code == 200
    assert Client().get(f"/calendar/feeds/{feed.key}.ics").status_code == 200
    assert other_session.get("/sites/").status_code == 200
    return key, feed, other_session


def _all_ended(key: str, feed: Feed, other_session: Client) -> bool:
    token_works = bearer(key).get("/api/sites").status_code == 200
    feed_works = Client().get(f"/calendar/feeds/{feed.key}.ics").status_code == 200
    session_works = other_session.get("/sites/").status_code == 200
    return not (token_works or feed_works or session_works)


def test_changing_ones_password_ends_tokens_feeds_and_other_sessions(cast: Cast):
    key, feed, other_session = _credentials(cast, Role.SITE_CONTACT)
    client = log_in(Client(), cast.person(Role.SITE_CONTACT))
    new = "a new and long passphrase"
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": new,
            "new_password2": new,
            "end_tokens_and_feeds": "on",
        },
    )
    assert response.status_code == 302
    assert _all_ended(key, feed, other_session)
    assert client.get("/sites/").status_code == 200  # the session that changed it goes on
    assert "nightly rota export" not in client.get("/accounts/tokens/").content.decode()
    assert feed.key not in client.get("/calendar/feeds/").content.decode()


def test_the_owner_may_keep_tokens_and_feeds_when_changing_the_password(cast: Cast):
    key, feed, other_session = _credentials(cast, Role.SITE_CONTACT)
    client = log_in(Client(), cast.person(Role.SITE_CONTACT))
    new = "a new and long passphrase"
    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert bearer(key).get("/api/sites").status_code == 200
    assert Client().get(f"/calendar/feeds/{feed.key}.ics").status_code == 200
    assert other_session.get("/sites/").status_code == 302  # other sessions end regardless


def test_the_password_change_form_offers_to_end_tokens_and_feeds_ticked(cast: Cast):
    client = log_in(Client(), cast.person(Role.SITE_CONTACT))
    page = client.get("/accounts/password/change/").content.decode()
    assert re.search(r'name="end_tokens_and_feeds"[^>]*checked', page)


def test_a_password_reset_ends_tokens_feeds_and_sessions(cast: Cast):
    key, feed, other_session = _credentials(cast, Role.SITE_CONTACT)
    person = cast.person(Role.SITE_CONTACT)
    person.email = "contact@example.org"
    person.save()
    client = Client()
    client.post("/accounts/password/reset/", {"email": "contact@example.org"})
    link = re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "a brand new long passphrase"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert _all_ended(key, feed, other_session)


def test_deactivating_a_person_ends_their_tokens_feeds_and_sessions(
    cast: Cast, admin_client: Client
):
    key, feed, other_session = _credentials(cast, Role.POLICE_SUPERVISOR)
    person = cast.person(Role.POLICE_SUPERVISOR)
    response = admin_client.post(
        f"/people/{person.pk}/",
        {"person-username": person.username, "person-first_name": "", "person-last_name": "",
         "person-email": ""},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    person.is_active = True  # even brought back, the old credentials stay ended
    person.save()
    assert _all_ended(key, feed, other_session)


def test_removing_a_role_ends_the_persons_tokens_feeds_and_sessions(
    cast: Cast, admin_client: Client
):
    key, feed, other_session = _credentials(cast, Role.POLICE_SUPERVISOR)
    person = cast.person(Role.POLICE_SUPERVISOR)
    # a second role, so that access itself would survive: only the credentials end
    person.memberships.create(organisation=cast.council, role=Role.SECURITY_ADVISER)
    membership = Membership.objects.get(user=person, role=Role.POLICE_SUPERVISOR)
    assert admin_client.post(f"/roles/{membership.pk}/remove/").status_code == 302
    assert _all_ended(key, feed, other_session)


def test_password_resets_are_limited_per_account_without_saying_so(cast: Cast, settings):
    settings.PASSWORD_RESETS_PER_ACCOUNT = 3
    person = cast.person(Role.SITE_CONTACT)
    person.email = "contact@example.org"
    person.save()
    answers = []
    for n in range(5):
        client = Client(REMOTE_ADDR=f"10.0.0.{n}")  # a different address each time
        answers.append(client.post("/accounts/password/reset/", {"email": "Contact@Example.org"}))
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in answers} == {(302, "/accounts/password/reset/sent/")}


def test_password_resets_are_limited_per_address_whatever_the_account(cast: Cast, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 5
    for n in range(8):
        person = cast.people["contact_b"] if n % 2 else cast.person(Role.SITE_CONTACT)
        person.email = f"person{n}@example.org"
        person.save()
        Client(REMOTE_ADDR="10.9.9.9").post(
            "/accounts/password/reset/", {"email": f"person{n}@example.org"}
        )
    assert len(mail.outbox) == 5


def test_an_unknown_address_gets_the_same_answer_as_a_known_one(cast: Cast):
    known = cast.person(Role.SITE_CONTACT)
    known.email = "known@example.org"
    known.save()
    a = Client().post("/accounts/password/reset/", {"email": "known@example.org"})
    b = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])


@pytest.mark.parametrize("role", [Role.PATROL_OFFICER, Role.POLICE_SUPERVISOR])
def test_every_personal_feed_ends_with_the_persons_credentials(cast: Cast, role: str):
    """A lost phone: the person changes their password and ends their feeds; the rota, meetings
    and gatherings feeds on that phone all stop, not only the calendar's."""
    person = cast.person(role)
    client = log_in(Client(), person)
    assert client.post("/calendar/feeds/", {"scope": "borough"}).status_code == 302
    assert client.post("/partnership/feeds/").status_code == 302
    assert client.post("/patrols/rota/").status_code == 302
    addresses = [
        f"/calendar/feeds/{Feed.every.get(user=person).key}.ics",
        f"/partnership/feeds/{MeetingFeed.every.get(user=person).key}.ics",
        f"/patrols/rota/{RotaFeed.every.get(user=person).key}.ics",
    ]
    assert [Client().get(address).status_code for address in addresses] == [200, 200, 200]

    new = "a new and long passphrase"
    client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new,
         "end_tokens_and_feeds": "on"},
    )

    assert [Client().get(address).status_code for address in addresses] == [404, 404, 404]
    # and a feed made afterwards works: it belongs to the new credentials
    assert client.post("/patrols/rota/").status_code == 302
    newest = RotaFeed.every.filter(user=person).order_by("-pk").first()
    assert Client().get(f"/patrols/rota/{newest.key}.ics").status_code == 200
