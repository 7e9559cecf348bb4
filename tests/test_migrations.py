"""Every model change ships with its migration: otherwise `sanctuary migrate` leaves the
database behind the code on an operator's machine."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_and_their_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"a model change has no migration (exit {exit_.code}):\n{out.getvalue()}")
