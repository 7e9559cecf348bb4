"""What every page shares: the skip link, htmx held to the Content Security Policy, the icon,
one log line per refusal, and the demo's map without a tile server."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.test import Client

from sanctuary.access.models import Role
from tests.conftest import Cast, log_in


def test_every_page_starts_with_a_skip_link_to_its_main_content(cast: Cast, client: Client):
    for page in ("/accounts/login/",):
        html = client.get(page).content.decode()
        assert '<a class="skip-link" href="#main">Skip to content</a>' in html
        assert '<main id="main"' in html
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    html = client.get("/sites/").content.decode()
    assert html.index('class="skip-link"') < html.index("<header")


def test_htmx_is_told_not_to_inject_the_inline_style_the_policy_forbids(client: Client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    meta = html.split('<meta name="htmx-config" content=\'', 1)[1].split("'", 1)[0]
    assert json.loads(meta) == {"includeIndicatorStyles": False}
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert html.index("htmx-config") < html.index("htmx.min.js")


def test_the_icon_is_served_where_browsers_look_and_linked_from_every_page(client: Client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert client.get("/static/favicon.svg").status_code == 200


def test_a_refusal_is_logged_in_one_line_without_a_traceback(
    cast: Cast, client: Client, caplog: pytest.LogCaptureFixture
):
    log_in(client, cast.person(Role.SITE_CONTACT))
    handler = logging.getLogger().handlers[0]  # the console handler settings.LOGGING makes
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/people/").status_code == 403
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(refusals) == 1
    line = handler.format(refusals[0])
    assert line == "Forbidden (Permission denied): /people/"
    assert "Traceback" not in line


def _setting_in_a_fresh_process(name: str, **environ: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANCTUARY_")}
    env.pop("DATABASE_URL", None)
    env.update(environ)
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sanctuary.settings');"
        f"from django.conf import settings; print(repr(settings.{name}))"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_demo_has_no_tile_server_unless_one_is_set():
    assert _setting_in_a_fresh_process("SANCTUARY_TILE_URL", SANCTUARY_DEMO="true") == "''"
    assert (
        _setting_in_a_fresh_process(
            "SANCTUARY_TILE_URL",
            SANCTUARY_DEMO="true",
            SANCTUARY_TILE_URL="https://tiles.example/{z}/{x}/{y}.png",
        )
        == "'https://tiles.example/{z}/{x}/{y}.png'"
    )
    assert "openstreetmap" in _setting_in_a_fresh_process("SANCTUARY_TILE_URL")
    assert "openstreetmap" not in _setting_in_a_fresh_process(
        "CONTENT_SECURITY_POLICY", SANCTUARY_DEMO="true"
    )


def test_a_group_of_choices_is_a_fieldset_named_by_its_legend(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    html = client.get(f"/sites/{cast.site_a.pk}/schedule/").content.decode()
    months = html.split('<fieldset class="field choices"')[1].split("</fieldset>")[0]
    assert "<legend>Months</legend>" in months or "<legend>Months " in months
    assert 'id="id_rules-months_0"' in months and 'for="id_rules-months_0"' in months
    # no label points at the group's container, which no label can name
    assert 'for="id_rules-months"' not in html
