"""People and roles: their rows of the need-to-know matrix (docs/access.md)."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import ApiToken, Membership, Role, User
from tests.conftest import Cast
from tests.matrix import Probe, function, function_page, person_page


def probe_person_new(client: Client, user: User, cast: Cast, target: str) -> bool:
    response = client.post(
        "/people/new/",
        {
            "username": "newcomer",
            "is_active": "on",
            "password1": "correct horse battery staple",
            "password2": "correct horse battery staple",
        },
    )
    created = User.objects.filter(username="newcomer").exists()
    assert function(response) == created
    return created


def probe_role_add(client: Client, user: User, cast: Cast, target: str) -> bool:
    person = cast.people["contact_b"]
    response = client.post(
        f"/people/{person.pk}/roles/",
        {"role-organisation": cast.org_a.pk, "role-role": Role.SITE_CONTACT},
    )
    assert response.status_code in {302, 404}, response.status_code
    added = Membership.objects.filter(user=person, organisation=cast.org_a).exists()
    assert added == (response.status_code == 302)
    return added


def probe_role_remove(client: Client, user: User, cast: Cast, target: str) -> bool:
    membership = Membership.objects.get(user=cast.people["contact_b"])
    response = client.post(f"/roles/{membership.pk}/remove/")
    assert response.status_code in {302, 404}, response.status_code
    removed = not Membership.objects.filter(pk=membership.pk).exists()
    assert removed == (response.status_code == 302)
    return removed


def probe_token_revoke(client: Client, user: User, cast: Cast, target: str) -> bool:
    owner = user if target == "own" else cast.people["contact_b"]
    token, _ = ApiToken.issue(owner, "matrix", second_factor=True)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code in {302, 404}, response.status_code
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (response.status_code == 302)
    return token.revoked_at is not None


PROBES: dict[str, Probe] = {
    "POST /people/{id}/roles/": probe_role_add,
    "POST /roles/{id}/remove/": probe_role_remove,
    "POST /accounts/tokens/{id}/revoke/": probe_token_revoke,
    "GET /people/": function_page("/people/"),
    "POST /people/new/": probe_person_new,
    "GET /people/{id}/": person_page("/people/{id}/"),
}
