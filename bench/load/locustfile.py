"""The people bench/bench_load.py sends at a real server: police supervisors and national
administrators, each logged in as themselves, reading what they read every day.

Run by bench_load.py (which sets LOAD_SUPERVISOR, LOAD_NATIONAL and LOAD_AREAS); a person
waits one to three seconds between pages, as someone reading them does.
"""

from __future__ import annotations

import json
import os
import random
from datetime import date

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-only")
TODAY = date.today().isoformat()


class Reader(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="log in")
        self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD,
             "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            name="log in",
        )
        # Named apart from the reading below: it is sent while the twenty logins' password
        # hashing holds both cores, and would otherwise count as the steady page's tail.
        sites = self.client.get("/api/sites?limit=200", name="/api/sites, 200 at log in").json()["items"]
        assert sites, f"{self.username} sees no site"
        self.sites = sites
        self.area = random.choice(sorted({site["area"] for site in sites}))

    def bbox(self) -> str:
        """The view of a map centred on one of the person's sites, a borough wide."""
        site = random.choice(self.sites)
        lat, lon = site["latitude"], site["longitude"]
        return f"{lon - 0.08:.4f},{lat - 0.05:.4f},{lon + 0.08:.4f},{lat + 0.05:.4f}"

    @task(3)
    def map_markers(self) -> None:
        self.client.get(
            f"/sites/map/markers.json?bbox={self.bbox()}&zoom={random.choice([11, 13, 15])}",
            name="map markers",
        )

    @task(2)
    def site_list(self) -> None:
        self.client.get("/sites/", name="site list")

    @task(3)
    def site_page(self) -> None:
        self.client.get(f"/sites/{random.choice(self.sites)['id']}/", name="site page")

    @task(2)
    def api_sites(self) -> None:
        self.client.get(f"/api/sites?offset={random.randrange(0, 400)}", name="/api/sites")


class Supervisor(Reader):
    """A police supervisor of a division: their calendar views cover all of it."""

    fixed_count = 10
    username = os.environ.get("LOAD_SUPERVISOR", "")

    @task(2)
    def week(self) -> None:
        self.client.get("/calendar/week/", name="week view")

    @task(2)
    def heat_map(self) -> None:
        self.client.get("/calendar/heatmap/", name="heat map")

    @task(2)
    def gatherings(self) -> None:
        self.client.get(f"/api/gatherings?from={TODAY}&to={TODAY}", name="/api/gatherings day")


class NationalAdministrator(Reader):
    """The fund's national administrator: the country, read one area at a time."""

    fixed_count = 10
    username = os.environ.get("LOAD_NATIONAL", "")

    def on_start(self) -> None:
        super().on_start()
        self.areas = json.loads(os.environ.get("LOAD_AREAS", "[]")) or [self.area]

    @task(2)
    def week(self) -> None:
        self.client.get(f"/calendar/week/?area={random.choice(self.areas)}", name="week view")

    @task(2)
    def heat_map(self) -> None:
        self.client.get(f"/calendar/heatmap/?area={random.choice(self.areas)}", name="heat map")

    @task(2)
    def gatherings(self) -> None:
        self.client.get(
            f"/api/gatherings?from={TODAY}&to={TODAY}&area={random.choice(self.areas)}",
            name="/api/gatherings day",
        )
