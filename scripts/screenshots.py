"""Take the README's screenshots from a running demo: scripts/screenshots.py [BASE_URL].

Start the demo first (scripts/demo); pictures go to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def log_in(page, username: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo-only")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("SANCTUARY_CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        log_in(page, "police")
        page.goto(f"{BASE}/sites/map/")
        page.wait_for_selector("path.site-marker")
        page.screenshot(path=OUT / "map.png")
        page.goto(f"{BASE}/sites/?sort=-capacity")
        page.screenshot(path=OUT / "site-list.png")
        page.goto(f"{BASE}/calendar/heatmap/")
        page.screenshot(path=OUT / "heat-map.png")
        page.goto(f"{BASE}/calendar/week/")
        page.screenshot(path=OUT / "week.png")
        page.context.clear_cookies()
        log_in(page, "contact-a")
        page.goto(f"{BASE}/sites/")
        page.get_by_role("link", name="Eastside Stepney Prayer Hall").click()
        page.screenshot(path=OUT / "site-page.png")
        page.goto(f"{BASE}/sites/")
        page.get_by_role("link", name="Eastside Central Masjid").click()
        page.get_by_role("link", name="Schedule").click()
        page.screenshot(path=OUT / "schedule.png")
        page.goto(f"{BASE}/sites/")
        page.get_by_role("link", name="Eastside Stepney Prayer Hall").click()
        page.get_by_role("link", name="Edit").click()
        page.get_by_label("Capacity").fill("150")
        page.get_by_role("button", name="Save").click()
        page.screenshot(path=OUT / "site-form-error.png", full_page=False)
        page.get_by_label("Capacity").fill("260")
        page.get_by_role("button", name="Save").click()
        page.context.clear_cookies()
        log_in(page, "admin")
        page.goto(f"{BASE}/audit/")
        page.screenshot(path=OUT / "audit-log.png")
        phone = browser.new_page(viewport={"width": 390, "height": 780})
        phone.context.clear_cookies()
        log_in(phone, "coordinator")
        phone.goto(f"{BASE}/sites/map/")
        phone.wait_for_selector("path.site-marker")
        phone.screenshot(path=OUT / "map-phone.png")
        phone.context.clear_cookies()
        log_in(phone, "adviser")
        phone.goto(f"{BASE}/surveys/")
        phone.locator("ul.sections a").first.click()
        phone.get_by_role("link", name="Continue where you stopped").click()
        phone.screenshot(path=OUT / "survey-phone.png")
        page.context.clear_cookies()
        log_in(page, "adviser")
        page.goto(f"{BASE}/risk/")
        page.wait_for_selector("path.risk-marker")
        page.screenshot(path=OUT / "risk-register.png")
        page.locator("table tbody a").first.click()
        page.screenshot(path=OUT / "site-risk.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
