"""No log line carries a credential written in an address (an e-mailed link's token, a tracking
link's or a feed's key): Django's own lines (a 404, a refused CSRF check)
are in tests/alerts/test_link.py; here gunicorn's access log, which `sanctuary serve` writes."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from sanctuary.gunicorn_conf import RedactingLogger
from sanctuary.log_filters import redact

SECRET = "s3cr3t-t0ken_" + "x" * 30


def test_redact_keeps_the_path_and_drops_the_token():
    assert redact(f"GET /alerts/link/{SECRET}/ HTTP/1.1") == "GET /alerts/link/…/ HTTP/1.1"
    assert redact(f"/alerts/link/{SECRET}?x=1") == "/alerts/link/…?x=1"
    assert redact("GET /alerts/12/ HTTP/1.1") == "GET /alerts/12/ HTTP/1.1"


def test_gunicorn_s_access_log_writes_no_token():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/alerts/link/{SECRET}/", "PATH_INFO": f"/alerts/link/{SECRET}/",
        "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://sanctuary.example/alerts/link/{SECRET}/",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=12))
    line = logger.cfg.access_log_format % logger.atoms_wrapper_class(atoms)
    assert "/alerts/link/…/" in line
    assert SECRET not in line


@pytest.mark.parametrize(
    "url_name", ["alert_link", "report_track", "feed_ics", "patrol_rota_ics", "partnership_feed_ics"]
)
def test_every_address_whose_key_is_a_credential_is_logged_without_it(url_name: str):
    """A reporter's tracking link and every personal feed are opened by their key alone; a
    calendar app fetches a feed every hour, so an access log would hold each key many times."""
    address = reverse(url_name, kwargs={"token" if url_name == "alert_link" else "key": SECRET})
    line = redact(f'GET {address} HTTP/1.1" 200 1234 "-" "Calendar/1.0"')
    assert SECRET not in line
    assert address.split(SECRET)[0] in line  # the page is still named
