"""One instance, two boroughs, in a real browser on the demo itself: nobody in one borough can
reach the other's sites by typing their addresses, and the police division sees both."""

from __future__ import annotations

import pytest

from sanctuary import demo
from sanctuary.registry.demo import DEMO_PASSWORD
from sanctuary.registry.models import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def boroughs(settings) -> dict[str, Site]:
    settings.SANCTUARY_DEMO = True
    settings.SANCTUARY_REQUIRE_2FA = False  # as the demo does for its staff logins
    assert demo.load()
    return {
        "Tower Hamlets": Site.objects.filter(area__name="Tower Hamlets").order_by("pk").first(),
        "Hackney": Site.objects.filter(area__name="Hackney").order_by("pk").first(),
    }


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def not_found_page(page, address: str) -> str:
    response = page.goto(address)
    assert response is not None and response.status == 404, address
    assert page.get_by_role("heading", name="Not found").is_visible()
    return page.locator("main").inner_text()


@pytest.mark.parametrize(("username", "other_borough"), [
    ("hackney-contact", "Tower Hamlets"),  # a Hackney mosque's volunteer
    ("admin", "Hackney"),  # Tower Hamlets council's programme administrator
    ("hackney-admin", "Tower Hamlets"),
])
def test_typing_a_site_of_the_other_borough_is_not_found_like_a_missing_one(
    page, boroughs: dict[str, Site], username: str, other_borough: str
):
    log_in(page, username)
    theirs = boroughs[other_borough]

    for address in [f"/sites/{theirs.pk}/", f"/sites/{theirs.pk}/edit/",
                    f"/sites/{theirs.pk}/schedule/"]:
        assert not_found_page(page, address) == not_found_page(page, "/sites/999999/"), address
        assert theirs.name not in page.content()


def test_the_division_supervisor_sees_both_boroughs_on_one_map(page, boroughs: dict[str, Site]):
    log_in(page, "police")
    page.goto("/sites/map/")
    listed = page.locator("#map-list")
    listed.get_by_text(boroughs["Tower Hamlets"].name, exact=True).wait_for()
    listed.get_by_text(boroughs["Hackney"].name, exact=True).wait_for()
