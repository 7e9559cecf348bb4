"""The home page asks the database as many questions for many sites, incidents and visits as
for few (as tests/test_query_counts.py for the busiest pages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sanctuary.access.models import Role
from sanctuary.registry.models import Site
from tests.conftest import Cast
from tests.overview.records import incident, visit
from tests.surveys.conftest import completed_survey
from tests.test_query_counts import add_sites, questions


def add_records(cast: Cast, count: int) -> None:
    """Incidents and patrol visits; and a survey of as many of the area's sites as `count`
    allows (two of A's, so that its risk has a change)."""
    today = timezone.localdate()
    for site in Site.objects.filter(area=cast.area).order_by("pk")[: count // 2]:
        completed_survey(cast, site)
    for n in range(count):
        incident(cast.area, today - timedelta(days=n % 20), site=cast.site_a)
        visit(cast, cast.site_a, timezone.now() - timedelta(hours=n + 1), delivered=n % 2 == 0)


@pytest.mark.parametrize("role", [Role.POLICE_SUPERVISOR, Role.NATIONAL_ADMIN, Role.SITE_CONTACT])
def test_the_home_page_asks_as_many_questions_for_many_records_as_for_few(cast: Cast, role):
    client = cast.client_for(cast.person(role))
    add_sites(cast, 2)
    add_records(cast, 2)
    few = questions(client, "/")
    add_sites(cast, 20)
    add_records(cast, 20)
    Site.objects.filter(name__endswith=" site 3").update(is_sensitive=True)
    many = questions(client, "/")
    assert many == few


@pytest.mark.parametrize("path", ["/overview/{code}/faiths/", "/overview/{code}/monthly/"])
def test_an_areas_picture_asks_as_many_questions_for_many_records_as_for_few(cast: Cast, path):
    client = cast.client_for(cast.person(Role.PROGRAMME_ADMIN))
    add_sites(cast, 2)
    add_records(cast, 2)
    few = questions(client, path.format(code=cast.area.code))
    add_sites(cast, 20)
    add_records(cast, 20)
    many = questions(client, path.format(code=cast.area.code))
    assert many == few
