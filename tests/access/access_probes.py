"""One's own API tokens: their rows of the need-to-know matrix (docs/access.md)."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import ApiToken, User
from tests.conftest import Cast
from tests.matrix import Probe


def probe_token_revoke(client: Client, user: User, cast: Cast, target: str) -> bool:
    owner = user if target == "own" else cast.people["contact_b"]
    token, _ = ApiToken.issue(owner, "matrix", second_factor=True)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code in {302, 404}, response.status_code
    token.refresh_from_db()
    assert (token.revoked_at is not None) == (response.status_code == 302)
    return token.revoked_at is not None


def probe_api_docs(client: Client, user: User, cast: Cast, target: str) -> bool:
    """The API's interactive documentation: for everyone logged in (each then tries the API
    with their own access); the documentation itself names no object."""
    response = client.get("/api/docs")
    assert response.status_code in {200, 302, 403}, response.status_code
    return response.status_code == 200 and b'id="swagger-ui"' in response.content


PROBES: dict[str, Probe] = {
    "GET /api/docs": probe_api_docs,
    "POST /accounts/tokens/{id}/revoke/": probe_token_revoke,
}
