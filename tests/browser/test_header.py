"""The header on a phone (390 px): the brand and the account on one line, the menu on one line
below it, scrolling sideways when it is longer than the screen; every entry reached with Tab and
brought wholly into view; axe finds nothing."""

from __future__ import annotations

import pytest

from sanctuary.access.models import Role
from tests.browser.test_every_page import check, session_cookie
from tests.conftest import Cast
from tests.matrix import read_menu_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Two lines of text (the brand's is the taller, 1.1rem at 1.45: 26 px) with the gap between
# them, the menu's room for a focus ring and a thin scrollbar, and the header's padding come to
# about 90 px; a third line would add 23 px or more. So 100 px allows two lines and no third.
TWO_LINES_PX = 100


@pytest.mark.parametrize("role", [Role.SITE_CONTACT, Role.PROGRAMME_ADMIN])
def test_on_a_phone_the_header_takes_two_lines_and_every_entry_is_reached_by_tab(
    browser, live_server, settings, cast: Cast, role: str, tmp_path
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    expected = [row.label for row in read_menu_table() if role in row.roles]
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies([session_cookie(live_server, cast.person(role))])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        status, problems = check(page, "/")
        assert status == 200 and problems == []

        header = page.locator("header.top")
        header.screenshot(path=tmp_path / f"header-{role}.png")
        height = header.bounding_box()["height"]
        assert height <= TWO_LINES_PX, f"the header is {height} px high"
        links = page.get_by_role("navigation", name="Main").get_by_role("link")
        assert links.all_inner_texts() == expected
        tops = {round(link.bounding_box()["y"]) for link in links.all()}
        assert len(tops) == 1, "the menu wraps onto a second line"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        page.locator("a.brand").focus()
        reached = []
        for _ in expected:
            page.keyboard.press("Tab")
            focused = page.evaluate_handle("document.activeElement")
            reached.append(focused.evaluate("e => e.textContent"))
            # wholly in view, not left half-shown at the edge (static/js/menu.js)
            shown = focused.evaluate(
                """e => { const r = e.getBoundingClientRect(), v = e.parentElement.getBoundingClientRect();
                          return (Math.min(r.right, v.right) - Math.max(r.left, v.left)) / r.width; }"""
            )
            assert shown > 0.99, f"{reached[-1]} is out of view when it has the focus ({shown:.0%} shown)"
            # the focus ring shows (not clipped away by the scrolling menu)
            outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none"
        assert reached == expected
    finally:
        context.close()
