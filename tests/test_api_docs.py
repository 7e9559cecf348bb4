"""/api/docs: the API's interactive documentation, from vendored files, under the CSP."""

from __future__ import annotations

import re

from django.test import Client

from sanctuary.access.models import Role
from tests.conftest import Cast, log_in


def test_the_api_docs_page_loads_vendored_swagger_ui_and_no_inline_script(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert all('src="/static/' in attrs and body.strip() == "" for attrs, body in scripts), scripts
    assert 'src="/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js"' in html
    assert 'src="/static/js/api-docs.js"' in html
    assert 'href="/static/vendor/swagger-ui-dist-5.35.0/swagger-ui.css"' in html
    assert 'data-openapi-url="/api/openapi.json"' in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_the_api_docs_ask_whoever_is_not_logged_in_to_log_in(client: Client):
    response = client.get("/api/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
