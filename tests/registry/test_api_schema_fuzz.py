"""Property test of the whole API against its own OpenAPI schema (schemathesis).

Requests generated from the schema, valid and invalid, sent as a site contact with a token: no
500, every status code, header and body as documented, bad input refused with a 4xx.
"""

from __future__ import annotations

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from sanctuary.access.models import ApiToken, Role
from tests.conftest import Cast


def test_every_api_operation_answers_generated_requests_as_its_schema_says(cast: Cast):
    _, key = ApiToken.issue(cast.person(Role.SITE_CONTACT), "fuzz")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 4
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60, deadline=None, database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"})

        answers_as_documented()
