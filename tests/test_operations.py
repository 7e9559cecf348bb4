"""The operator command line, run as an operator runs it: a separate process, its own settings."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SANCTUARY = [sys.executable, "-m", "sanctuary.cli"]


def run(args: list[str], env: dict[str, str], stdin: str | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("DEBUG", None)
    clean.pop("SECRET_KEY", None)
    return subprocess.run(
        SANCTUARY + args, env={**clean, **env}, input=stdin, capture_output=True, text=True,
        timeout=120,
    )


def production_env(folder: Path) -> dict[str, str]:
    return {
        "SANCTUARY_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "sanctuary.example.gov.uk",
        "SANCTUARY_PUBLIC_URL": "https://sanctuary.example.gov.uk",
        "DATABASE_URL": f"sqlite:///{folder / 'prod.sqlite3'}",
        "SANCTUARY_DATA_DIR": str(folder),
    }


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("migrated")
    result = run(["migrate"], production_env(folder))
    assert result.returncode == 0, result.stderr
    return folder / "prod.sqlite3"


@pytest.fixture
def production(tmp_path: Path, migrated_database: Path) -> dict[str, str]:
    """A proper production configuration on a fresh, migrated database."""
    shutil.copy(migrated_database, tmp_path / "prod.sqlite3")
    return production_env(tmp_path)


def test_demo_builds_the_borough_and_prints_the_logins(tmp_path: Path):
    result = run(["demo", "--no-serve"], {"SANCTUARY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for login in ("national", "admin", "hackney-admin", "police", "officer", "enforcement",
                  "adviser", "assessor", "coordinator", "contact-a", "contact-b",
                  "hackney-contact", "handler", "hackney-handler", "helpline"):
        assert f"  {login} " in result.stdout
    assert "demo-only" in result.stdout
    database = sqlite3.connect(tmp_path / "demo.sqlite3")
    faiths = dict(database.execute("SELECT faith, count(*) FROM registry_site GROUP BY faith"))
    assert set(faiths) == {"islam", "christianity", "judaism", "sikhism", "hinduism",
                           "buddhism", "other"}
    by_area = dict(database.execute(
        "SELECT a.name, count(*) FROM registry_site s JOIN registry_area a ON a.id = s.area_id "
        "GROUP BY a.name"
    ))
    assert 35 <= by_area.pop("Tower Hamlets") <= 45
    assert 15 <= by_area.pop("Hackney") <= 25
    assert by_area == {}
    low, high = database.execute("SELECT min(capacity), max(capacity) FROM registry_site").fetchone()
    assert (low, high) == (30, 5000)
    again = run(["demo", "--no-serve"], {"SANCTUARY_DATA_DIR": str(tmp_path)})
    assert again.returncode == 0 and "Reusing" in again.stdout
    assert database.execute("SELECT count(*) FROM registry_site").fetchone()[0] == sum(
        faiths.values()
    )


def test_check_deploy_passes_a_proper_production_configuration(production: dict[str, str]):
    result = run(["check", "--deploy"], production)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "true"}, "sanctuary.E001"),
        ({"SECRET_KEY": ""}, "The SECRET_KEY setting must not be empty"),
        ({"SECRET_KEY": "short"}, "sanctuary.E002"),
        ({"ALLOWED_HOSTS": ""}, "sanctuary.E003"),
        ({"SANCTUARY_DEMO": "true"}, "sanctuary.E004"),
    ],
)
def test_check_deploy_refuses_an_unsafe_production_configuration(
    production: dict[str, str], change: dict[str, str], message: str
):
    result = run(["check", "--deploy"], {**production, **change})
    assert result.returncode != 0
    assert message in result.stdout + result.stderr


def test_check_deploy_warns_that_mailed_links_are_paths_until_the_public_url_is_set(
    production: dict[str, str],
):
    result = run(["check", "--deploy"], {**production, "SANCTUARY_PUBLIC_URL": ""})
    assert "sanctuary.W001" in result.stderr
    assert "SANCTUARY_PUBLIC_URL is not set" in result.stderr
    # a warning, not a refusal: the server still starts
    served = subprocess.run(
        [sys.executable, "-c", "import sanctuary.wsgi"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))},
             **production, "SANCTUARY_PUBLIC_URL": ""},
        capture_output=True, text=True,
    )
    assert served.returncode == 0, served.stderr


def test_a_public_url_that_is_not_an_address_is_reported_by_name(tmp_path: Path):
    result = run(["check"], {"SANCTUARY_DATA_DIR": str(tmp_path), "SANCTUARY_PUBLIC_URL": "sanctuary.example.org"})
    assert result.returncode == 2
    assert "SANCTUARY_PUBLIC_URL must be the address people reach Sanctuary at" in result.stderr


def test_production_refuses_demo_accounts(production: dict[str, str], tmp_path: Path):
    demo_dir = tmp_path / "demo"
    built = run(["demo", "--no-serve"], {"SANCTUARY_DATA_DIR": str(demo_dir)})
    assert built.returncode == 0, built.stderr
    env = {**production, "DATABASE_URL": f"sqlite:///{demo_dir / 'demo.sqlite3'}"}
    result = run(["check", "--deploy"], env)
    assert result.returncode != 0
    assert "sanctuary.E006" in result.stderr
    # every account the demo makes is one production refuses (each app's demo adds its own)
    database = sqlite3.connect(demo_dir / "demo.sqlite3")
    usernames = [name for (name,) in database.execute("SELECT username FROM access_user")]
    assert usernames
    named = set(re.findall(r"[\w-]+", result.stderr))
    missing = [name for name in usernames if name not in named]
    assert missing == [], f"demo accounts production would accept: {missing}"


def test_serve_refuses_to_start_with_debug_on_in_production(production: dict[str, str]):
    result = run(["serve"], {**production, "DEBUG": "true"})
    assert result.returncode != 0
    assert "refusing to start" in result.stderr


def test_createadmin_makes_the_first_administrator(production: dict[str, str]):
    result = run(
        ["createadmin", "--username", "amina", "--email", "amina@example.gov.uk",
         "--password-stdin"],
        production,
        stdin="a strong enough passphrase\n",
    )
    assert result.returncode == 0, result.stderr
    database = sqlite3.connect(production["DATABASE_URL"].removeprefix("sqlite:///"))
    role = database.execute(
        "SELECT m.role FROM access_membership m JOIN access_user u ON u.id = m.user_id "
        "WHERE u.username = 'amina'"
    ).fetchone()
    assert role == ("programme_admin",)
    again = run(
        ["createadmin", "--username", "amina", "--email", "a@example.gov.uk", "--password-stdin"],
        production,
        stdin="a strong enough passphrase\n",
    )
    assert again.returncode == 2 and "exists already" in again.stderr


def test_createadmin_refuses_a_weak_password_in_one_line(production: dict[str, str]):
    result = run(
        ["createadmin", "--username", "x", "--email", "x@example.org", "--password-stdin"],
        production,
        stdin="short\n",
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "too short" in result.stderr


def test_a_bad_environment_value_is_reported_by_name(tmp_path: Path):
    result = run(["check"], {"SANCTUARY_DATA_DIR": str(tmp_path), "DEBUG": "perhaps"})
    assert result.returncode == 2
    assert result.stderr == (
        "sanctuary check: configuration error: DEBUG must be true or false, not 'perhaps'\n"
    )


def test_the_wsgi_application_refuses_to_load_with_an_unsafe_production_configuration(
    production: dict[str, str],
):
    """gunicorn started by hand, not through `sanctuary serve`, is held to the same rules."""
    load = [sys.executable, "-c", "import sanctuary.wsgi"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SANCTUARY_"))}
    safe = subprocess.run(load, env={**clean, **production}, capture_output=True, text=True)
    assert safe.returncode == 0, safe.stderr
    unsafe = subprocess.run(
        load, env={**clean, **production, "DEBUG": "true"}, capture_output=True, text=True
    )
    assert unsafe.returncode != 0
    assert "refusing to start: sanctuary.E001" in unsafe.stderr


def test_s3_storage_is_chosen_by_configuration_and_says_what_it_needs(tmp_path: Path):
    env = {"SANCTUARY_DATA_DIR": str(tmp_path), "SANCTUARY_S3_BUCKET": "sanctuary-uploads",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    shown = run(["check"], env)
    import importlib.util

    if importlib.util.find_spec("storages") is None:  # the locked set-up, without the s3 extra
        assert shown.returncode == 2
        assert "django-storages is not installed" in shown.stderr
        assert "pip install 'sanctuary[s3]'" in shown.stderr
    else:
        assert shown.returncode == 0, shown.stderr
