"""Passwords are hashed with scrypt; passwords hashed before with PBKDF2 still work and are
re-hashed at the next login (docs/benchmarks.md, "Logging in": why)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.test import Client

import sanctuary.settings as configured
from sanctuary.access.models import Role
from tests.conftest import Cast

PASSWORD = "correct horse battery staple"


def test_new_passwords_are_hashed_with_scrypt_and_old_pbkdf2_ones_still_verify(settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert make_password(PASSWORD).startswith("scrypt$")
    old = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    assert check_password(PASSWORD, old)


def test_an_old_hash_is_replaced_by_scrypt_at_the_next_login(cast: Cast, client: Client, settings):
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    person = cast.person(Role.SITE_CONTACT)
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    person.save()
    response = client.post("/accounts/login/", {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("scrypt$")
    assert check_password(PASSWORD, person.password)
