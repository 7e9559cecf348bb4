"""Patrol journeys in a real browser: an officer on a phone checks in (accepted, refused for
distance, queued offline and sent when the connection returns); a supervisor generates a week,
watches its progress, and publishes it."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from sanctuary.access.models import Role
from sanctuary.patrols.forms import next_monday
from sanctuary.patrols.models import CheckIn, PatrolUnit, Plan, PlannedVisit, PlanStatus
from tests.browser.home import HOME
from tests.browser.test_journeys import log_in_with_password
from tests.conftest import Cast
from tests.patrols.conftest import add_shifts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def visit(cast: Cast) -> PlannedVisit:
    unit = PatrolUnit.objects.create(name="TH Foot 1", kind="police", mode="foot",
                                     organisation=cast.police_unit, area=cast.area)
    unit.officers.add(cast.person(Role.PATROL_OFFICER))
    plan = Plan.objects.create(week_start=timezone.localdate(), status=PlanStatus.PUBLISHED)
    plan.areas.set([cast.area])
    now = timezone.now()
    return PlannedVisit.objects.create(
        plan=plan, unit=unit, site=cast.site_a, window_key="w", window_label="Jumu'ah",
        window_start=now - timedelta(minutes=20), window_end=now + timedelta(hours=2),
        arrive=now, start=now,
    )


DESKTOP = {"width": 1200, "height": 900}


def phone_at(browser, live_server, latitude: float, longitude: float, viewport=PHONE):
    phone = viewport == PHONE
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone,
        geolocation={"latitude": latitude, "longitude": longitude}, permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def officer_phone(browser, live_server, settings, cast):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.SANCTUARY_TILE_URL = ""
    contexts = []

    def open_at(latitude: float, longitude: float):
        context, page = phone_at(browser, live_server, latitude, longitude)
        contexts.append(context)
        log_in_with_password(page, "officer")
        page.wait_for_url(HOME)
        page.goto("/patrols/today/")
        return context, page

    yield open_at
    for context in contexts:
        context.close()


def test_an_officer_checks_in_at_the_site(officer_phone, visit: PlannedVisit):
    _, page = officer_phone(visit.site.latitude, visit.site.longitude)
    assert page.get_by_role("heading", name=re.compile("Next: Alpha Mosque")).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="Check in").click()
    page.wait_for_selector("text=Check-in accepted")
    assert CheckIn.objects.get().accepted


def test_a_check_in_a_kilometre_away_is_refused_with_the_reason(officer_phone, visit):
    _, page = officer_phone(visit.site.latitude + 0.01, visit.site.longitude)
    page.get_by_role("button", name="Check in").click()
    page.wait_for_selector("text=Check-in refused")
    assert re.search(r"you are 1,11\d m from Alpha Mosque", page.locator(".visit-state").inner_text())
    assert not CheckIn.objects.get().accepted


def test_a_check_in_made_offline_is_queued_and_sent_when_the_connection_returns(
    officer_phone, visit
):
    context, page = officer_phone(visit.site.latitude, visit.site.longitude)
    context.set_offline(True)
    page.get_by_role("button", name="Check in").click()
    page.wait_for_selector("text=queued: no connection")
    assert page.locator("#queue-status").inner_text() == "1 check-in waiting to be sent."
    assert not CheckIn.objects.exists()
    clicked = timezone.now()
    page.wait_for_timeout(1500)
    context.set_offline(False)
    page.wait_for_selector("text=Check-in accepted")
    check_in = CheckIn.objects.get()
    assert check_in.accepted
    # sent later with its original time
    assert abs((check_in.at - clicked).total_seconds()) < 1.5
    assert check_in.received_at - check_in.at > timedelta(seconds=1)
    assert page.locator("#queue-status").inner_text() == ""


def run_worker_once() -> None:
    """What `sanctuary worker --batch` runs, in a thread (signal handlers are the main thread's)."""
    try:
        Worker(queue_names=["default"], interval=0.1, batch=True, backend_name="default",
               startup_delay=False, max_tasks=None, worker_id="browser-test",
               excluded_queue_names=[]).run()
    finally:
        connection.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_supervisor_generates_a_week_watches_it_progress_and_publishes_it(
    browser, live_server, settings, cast: Cast, viewport
):
    settings.SANCTUARY_REQUIRE_2FA = False
    settings.PATROL_PLAN_SECONDS = 3
    settings.SANCTUARY_TILE_URL = ""  # no tile server answers here
    unit = PatrolUnit.objects.create(name="TH Bike 1", kind="police", mode="bicycle",
                                     organisation=cast.police_unit, area=cast.area)
    add_shifts(unit, next_monday(), 51.52, -0.05)
    context, page = phone_at(browser, live_server, 51.52, -0.05, viewport)
    try:
        log_in_with_password(page, "sergeant")
        page.wait_for_url(HOME)
        page.goto("/patrols/")
        page.get_by_label("Tower Hamlets").check()
        page.get_by_role("button", name="Plan this week").click()
        page.wait_for_url(re.compile(r"/patrols/plans/\d+/"))
        assert page.locator("progress#plan-progress-bar").is_visible()
        assert "Waiting for the worker" in page.locator("#plan-progress").inner_text()
        # the worker picks the job up while the page polls
        worker = threading.Thread(target=run_worker_once)
        worker.start()
        page.wait_for_selector("text=How good is this plan?", timeout=60_000)
        worker.join()
        assert page.get_by_role("heading", name="Routes").is_visible()
        # nothing is wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.get_by_role("button", name="Publish to the officers").click()
        page.wait_for_selector("text=read-only")
        assert Plan.objects.get().status == PlanStatus.PUBLISHED
    finally:
        context.close()
