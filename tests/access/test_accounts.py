"""Logging in: two factors for staff, lockout after repeated failures, password reset, tokens."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sanctuary.access.models import ApiToken, Role
from sanctuary.audit.models import Action, AuditEvent
from tests.conftest import Cast, log_in

PASSWORD = "a long test password"


def password_login(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_staff_are_sent_to_set_up_two_factor_before_they_see_anything(
    cast: Cast, client: Client, settings
):
    settings.SANCTUARY_REQUIRE_2FA = True
    password_login(client, "sergeant")
    response = client.get(f"/sites/{cast.site_a.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/api/sites").status_code == 401


def test_a_correct_code_confirms_the_device_and_opens_the_workspace(
    cast: Cast, client: Client, settings
):
    settings.SANCTUARY_REQUIRE_2FA = True
    password_login(client, "sergeant")
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=cast.person(Role.POLICE_SUPERVISOR))
    code = f"{TOTP(device.bin_key).token():06d}"
    assert client.post("/accounts/two-factor/", {"token": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(f"/sites/{cast.site_a.pk}/").status_code == 200


def test_a_wrong_code_says_so_beside_the_field(cast: Cast, client: Client, settings):
    settings.SANCTUARY_REQUIRE_2FA = True
    password_login(client, "sergeant")
    response = client.post("/accounts/two-factor/", {"token": "123456"})
    assert "That code is wrong" in response.content.decode()
    # django-otp then throttles guessing: even the right code waits a moment.
    device = TOTPDevice.objects.get(user=cast.person(Role.POLICE_SUPERVISOR))
    code = f"{TOTP(device.bin_key).token():06d}"
    response = client.post("/accounts/two-factor/", {"token": code})
    assert "Too many wrong codes" in response.content.decode()


def test_site_contacts_need_no_second_factor(cast: Cast, client: Client, settings):
    settings.SANCTUARY_REQUIRE_2FA = True
    password_login(client, "contact-a")
    assert client.get(f"/sites/{cast.site_a.pk}/").status_code == 200


def test_the_demo_waives_two_factor_and_says_so_on_every_page(
    cast: Cast, client: Client, settings
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_DEMO = True
    password_login(client, "sergeant")
    page = client.get("/sites/").content.decode()
    assert "Demo:" in page and "two-factor authentication waived" in page


def test_repeated_failed_logins_lock_the_account_out(cast: Cast, client: Client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        password_login(client, "contact-a", "wrong password")
    response = password_login(client, "contact-a")  # even the right password, now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_a_password_reset_sends_a_link_that_sets_a_new_password(cast: Cast, client: Client):
    user = cast.person(Role.SITE_CONTACT)
    user.email = "contact@example.org"
    user.save()
    client.post("/accounts/password/reset/", {"email": "contact@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    new_password = "a brand new long passphrase"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert password_login(Client(), "contact-a", new_password).status_code == 302
    event = AuditEvent.objects.exclude(detail__has_key="ended").get(
        action=Action.UPDATE, object_type="access.user"
    )
    assert event.detail == {"password": "reset by e-mail link"}
    assert new_password not in str(event.detail) + str(event.after)


def test_a_password_reset_link_is_on_the_public_address_not_the_host_the_request_named(
    cast: Cast, client: Client, settings
):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    user = cast.person(Role.SITE_CONTACT)
    user.email = "contact@example.org"
    user.save()
    client.post("/accounts/password/reset/", {"email": "contact@example.org"})
    [message] = mail.outbox
    assert re.search(r"https://sanctuary\.example\.org/accounts/\S+", message.body)
    assert "testserver" not in message.body


def test_changing_ones_password_is_recorded_without_the_password(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    new_password = "another long passphrase"
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.exclude(detail__has_key="ended").get(
        action=Action.UPDATE, object_type="access.user"
    )
    assert (event.actor_name, event.detail) == ("contact-a", {"password": "changed by its owner"})


def test_sessions_end_when_the_browser_closes_and_after_eight_hours(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_a_token_is_shown_once_stored_hashed_and_can_be_revoked(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    page = client.post("/accounts/tokens/", {"name": "rota script"}).content.decode()
    key = re.search(r"(sct_[\w-]+)", page).group(1)
    token = ApiToken.objects.get(name="rota script")
    assert key not in token.key_hash and token.prefix in key
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/sites").status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert api.get("/api/sites").status_code == 401
    assert key not in client.get("/accounts/tokens/").content.decode()


def test_nobody_can_revoke_someone_elses_token(cast: Cast, client: Client):
    other, _ = ApiToken.issue(cast.people["contact_b"], "theirs", second_factor=False)
    log_in(client, cast.person(Role.SITE_CONTACT))
    assert client.post(f"/accounts/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_token_list_shows_the_start_of_the_key_as_it_was_given(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    page = client.post("/accounts/tokens/", {"name": "rota script"}).content.decode()
    key = re.search(r"(sct_[\w-]+)", page).group(1)
    listed = client.get("/accounts/tokens/").content.decode()
    assert f"<code>{key[:12]}…</code>" in listed
    assert str(ApiToken.objects.get(name="rota script")) == f"rota script ({key[:12]}…)"
