"""A site contact places their site's pin on the map in the site form (the fields stay)."""

from __future__ import annotations

import re

import pytest

from sanctuary.registry.models import Site
from tests.browser.home import HOME
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 1200, "height": 900}, {"width": 375, "height": 740}])
def test_a_click_on_the_map_moves_the_pin_and_fills_the_fields_and_typing_moves_the_pin(
    page, cast: Cast, viewport
):
    page.set_viewport_size(viewport)
    log_in_with_password(page, "contact-a")
    page.wait_for_url(HOME)
    page.goto(f"/sites/{cast.site_a.pk}/edit/")
    pin = page.locator("#pin-map .site-pin")
    pin.wait_for()
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    assert (float(latitude.input_value()), float(longitude.input_value())) == (51.5178, -0.0648)

    # the pin sits at the map's centre (the site); a click up and to the right of it moves it
    # north-east, and the fields follow
    the_map = page.locator("#pin-map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 - 30)
    moved = float(latitude.input_value()), float(longitude.input_value())
    assert moved[0] > 51.5178 and moved[1] > -0.0648
    assert abs(moved[0] - 51.5178) < 0.01 and abs(moved[1] + 0.0648) < 0.01
    pin_box = pin.bounding_box()
    assert pin_box is not None
    assert abs(pin_box["x"] + pin_box["width"] / 2 - (box["x"] + box["width"] / 2 + 40)) < 3

    # typing the coordinates moves the pin back
    latitude.fill("51.5178")
    longitude.fill("-0.0648")
    page.wait_for_timeout(400)  # the map pans to the typed point
    pin_box = pin.bounding_box()
    assert pin_box is not None
    assert abs(pin_box["x"] + pin_box["width"] / 2 - (box["x"] + box["width"] / 2)) < 3

    page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 - 30)
    placed = float(latitude.input_value()), float(longitude.input_value())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/sites/{cast.site_a.pk}/$"))
    site = Site.objects.get(pk=cast.site_a.pk)
    assert (round(site.latitude, 6), round(site.longitude, 6)) == placed
