"""The map asks for its view: sites when few, clusters counted in the database when many."""

from __future__ import annotations

from django.test import Client

from sanctuary.access.models import Role
from sanctuary.registry import maps
from sanctuary.registry.models import Site
from tests.conftest import Cast, log_in

TOWER_HAMLETS = "-0.085,51.48,0.01,51.535"


def markers(client: Client, bbox: str, zoom: int, **filters: str) -> dict:
    response = client.get("/sites/map/markers.json", {"bbox": bbox, "zoom": zoom, **filters})
    assert response.status_code == 200
    return response.json()


def test_a_view_with_few_sites_answers_the_sites(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    found = markers(client, TOWER_HAMLETS, 13)
    assert {site["name"] for site in found["sites"]} == {"Alpha Mosque", "Bravo Church"}
    assert (found["total"], found["clusters"]) == (2, [])


def test_a_view_with_many_sites_answers_clusters_that_count_them_all(
    cast: Cast, client: Client, monkeypatch
):
    monkeypatch.setattr(maps, "MOST_MARKERS", 10)
    Site.objects.bulk_create(
        Site(name=f"Site {n}", faith="christianity", address="x", area=cast.area,
             operator=cast.org_b, latitude=51.49 + (n % 20) * 0.002, longitude=-0.08 + (n // 20) * 0.004)
        for n in range(200)
    )
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    found = markers(client, TOWER_HAMLETS, 12)
    assert found["sites"] == []
    assert sum(cluster["count"] for cluster in found["clusters"]) == found["total"] == 202
    assert len(found["clusters"]) < 202
    closer = markers(client, "-0.081,51.489,-0.079,51.491", 18)
    assert closer["clusters"] == [] and closer["total"] == len(closer["sites"]) >= 1


def test_the_map_keeps_to_the_readers_sites_and_the_pages_filters(cast: Cast, client: Client):
    log_in(client, cast.person(Role.SITE_CONTACT))
    everywhere = "-1,51,1,52"
    assert [s["name"] for s in markers(client, everywhere, 8)["sites"]] == ["Alpha Mosque"]
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    assert [s["name"] for s in markers(client, everywhere, 8, faith="christianity")["sites"]] == [
        "Bravo Church"]


def test_a_bad_view_is_refused_in_words(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    response = client.get("/sites/map/markers.json", {"bbox": "west", "zoom": "x"})
    assert response.status_code == 400
    assert "bbox is west,south,east,north" in response.json()["detail"]


def test_the_map_page_lists_the_first_sites_and_carries_no_markers(cast: Cast, client: Client):
    log_in(client, cast.person(Role.POLICE_SUPERVISOR))
    page = client.get("/sites/map/")
    assert [site.name for site in page.context["first"]] == ["Alpha Mosque", "Bravo Church"]
    assert "site-markers" not in page.content.decode()
    assert page.context["extent"] == (-0.0648, 51.5178, -0.02, 51.53)
