"""SANCTUARY_PUBLIC_URL: the address links in e-mails are built on, and the warning (W001) a
production server gives until it is set."""

from __future__ import annotations

from sanctuary.access.checks import check_public_url
from sanctuary.links import absolute_url


def _production(settings) -> None:
    settings.PRODUCTION, settings.DEBUG, settings.SANCTUARY_DEMO = True, False, False


def test_production_warns_that_links_in_e_mails_are_paths_while_it_is_unset(settings):
    _production(settings)
    settings.SANCTUARY_PUBLIC_URL = ""
    [warning] = check_public_url()
    assert warning.id == "sanctuary.W001"
    assert not warning.is_serious()  # it warns; it does not stop the server
    assert "SANCTUARY_PUBLIC_URL" in warning.msg


def test_production_with_the_public_url_set_has_nothing_to_say(settings):
    _production(settings)
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    assert check_public_url() == []


def test_development_and_the_demo_are_not_warned(settings):
    settings.SANCTUARY_PUBLIC_URL = ""
    settings.PRODUCTION, settings.DEBUG, settings.SANCTUARY_DEMO = False, True, False
    assert check_public_url() == []
    settings.PRODUCTION, settings.DEBUG, settings.SANCTUARY_DEMO = True, False, True
    assert check_public_url() == []


def test_a_link_is_built_on_the_public_url_before_the_requests_address(settings):
    settings.SANCTUARY_PUBLIC_URL = "https://sanctuary.example.org"
    assert absolute_url("/fund/awards/3/") == "https://sanctuary.example.org/fund/awards/3/"
    assert absolute_url("/alerts/1/", "http://10.0.0.5:8000/") == "https://sanctuary.example.org/alerts/1/"


def test_without_it_a_link_uses_the_requests_address_or_stays_a_path(settings):
    settings.SANCTUARY_PUBLIC_URL = ""
    assert absolute_url("/alerts/1/", "https://council.example.gov.uk/") == "https://council.example.gov.uk/alerts/1/"
    assert absolute_url("/partnership/actions/12/") == "/partnership/actions/12/"

