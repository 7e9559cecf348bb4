"""Every page, as four roles, at desktop and phone sizes: no console error (a script or style the
Content Security Policy blocked, a missing file, a script that threw) and no accessibility
violation that axe-core finds (WCAG 2.1 A and AA rules).

axe-core is vendored for the tests only (tests/browser/vendor/axe-core-4.14.1, MPL-2.0) and is
put into each page through the browser's debugging protocol, which the page's policy does not
govern, so the pages are checked under the policy they are served with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from sanctuary.access.models import Role
from tests.conftest import Cast, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 375, "height": 740}}
ROLES = {
    "admin": Role.PROGRAMME_ADMIN,
    "police supervisor": Role.POLICE_SUPERVISOR,
    "site contact": Role.SITE_CONTACT,
    "umbrella coordinator": Role.UMBRELLA_COORDINATOR,
}


def pages(cast: Cast) -> list[str]:
    """Every page a person can open (the ones a role may not open answer 403 or 404 and are
    checked once as such)."""
    a, b = cast.site_a.pk, cast.site_b.pk
    return [
        "/sites/map/",
        "/sites/",
        f"/sites/{a}/",
        f"/sites/{a}/edit/",
        "/sites/new/",
        "/sites/import/",
        "/organisations/",
        f"/organisations/{cast.org_a.pk}/",
        f"/organisations/{cast.org_a.pk}/edit/",
        "/organisations/new/",
        "/people/",
        "/people/new/",
        f"/people/{cast.contact_a.pk}/",
        "/audit/",
        f"/sites/{a}/schedule/",
        f"/sites/{b}/schedule/",
        "/calendar/week/",
        "/calendar/day/",
        "/calendar/heatmap/",
        "/calendar/feeds/",
        "/accounts/tokens/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/api/docs",
        "/sites/999999/",
        "/report/",
        "/incidents/",
        "/incidents/new/",
        "/incidents/stats/",
        "/incidents/map/",
        "/incidents/crime-context/",
        "/incidents/surges/",
        "/surveys/",
        f"/sites/{a}/surveys/",
        f"/sites/{a}/risk/",
        f"/sites/{a}/martyns-law/",
        "/risk/",
        "/risk/threat-level/",
        "/martyns-law/",
        "/patrols/",
        "/patrols/units/",
        "/patrols/units/import/",
        "/patrols/today/",
        "/patrols/summary/",
        "/patrols/rota/",
        "/risk/heightened/",
        "/alerts/",
        "/alerts/new/",
        "/partnership/",
        "/partnership/meetings/new/",
        "/partnership/overdue/",
        "/partnership/feeds/",
        *overview_pages(cast),
        "/fund/",
        "/fund/rounds/new/",
        "/fund/awards/",
        "/fund/decisions/",
    ]


def overview_pages(cast: Cast) -> list[str]:
    """The home page and an area's picture (tests/browser/test_overview.py checks them alone)."""
    code = cast.area.code
    return ["/", "/overview/", f"/overview/{code}/faiths/", f"/overview/{code}/monthly/?month=2026-03"]


# What axe finds in markup that is not ours, page by page, with the reason it is let through.
THIRD_PARTY = {
    "/api/docs": {
        "nested-interactive": "Swagger UI's operation headers: its own markup, a button that "
        "holds the operation's copy button; every operation is still reached by the keyboard",
    },
}

ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/password/reset/", "/accounts/logout/"]


def check(page, path: str, *, allowed: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Open a page, wait for what it loads, and return its status and what is wrong with it."""
    errors: list[str] = []

    def console(message) -> None:
        if message.type != "error":
            return
        # Chrome reports a page's own 403 or 404 as a failed load: the answer, not a fault
        if message.text.startswith("Failed to load resource") and message.location.get(
            "url", ""
        ).endswith(path):
            return
        errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    status = response.status if response is not None else 0
    # forms folded away behind a disclosure (a schedule's "add" forms) are checked too
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.evaluate(AXE)
    violations = page.evaluate(
        """async ([tags, allowed]) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.filter(v => !(v.id in allowed)).map(v => v.id + " ("
                + v.impact + "): " + v.help + " at " + v.nodes.slice(0, 4).map(
                    n => n.target.join(" ") + " [" + n.any.map(c => c.message).join("; ") + "]"
                ).join(", "));
        }""",
        [WCAG, allowed or {}],
    )
    return status, errors + [f"axe: {v}" for v in violations]


def session_cookie(live_server, user) -> dict:
    client = log_in(Client(), user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_no_console_error_and_no_accessibility_violation(
    browser, live_server, settings, cast: Cast, role: str, size: str
):
    settings.SANCTUARY_TILE_URL = ""  # no tile server answers here
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    context.add_cookies([session_cookie(live_server, cast.person(ROLES[role]))])
    problems: dict[str, list[str]] = {}
    opened = 0
    try:
        for path in pages(cast):
            page = context.new_page()
            page.set_default_timeout(20_000)
            status, found = check(page, path, allowed=THIRD_PARTY.get(path))
            page.close()
            opened += status == 200
            if found:
                problems[f"{path} ({status})"] = found
    finally:
        context.close()
    assert opened >= 12, f"only {opened} pages opened as {role}"
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())


@pytest.mark.parametrize("size", SIZES)
def test_the_pages_before_logging_in_are_clean_too(browser, live_server, cast: Cast, size: str):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    problems = {}
    try:
        for path in ANONYMOUS_PAGES:
            page = context.new_page()
            status, found = check(page, path)
            page.close()
            assert status == 200, path
            if found:
                problems[path] = found
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in problems.items())
