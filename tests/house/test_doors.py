"""Every app has the same small shape, and pages and answers reach objects only through doors.

A view or an API endpoint that wrote `Site.objects…` would bypass need-to-know; here none can.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from tests.house.layers import SRC

APPS = [app for app in settings.INSTALLED_APPS if app.startswith("sanctuary.")]
SHAPE = ("models.py", "policy.py", "services.py", "views.py", "urls.py")


def app_folder(app: str) -> Path:
    return SRC.joinpath(*app.split("."))


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_the_same_shape(app: str):
    folder = app_folder(app)
    missing = [name for name in SHAPE if not (folder / name).is_file()]
    assert missing == [], f"{app} lacks {missing}"
    templates = SRC / "sanctuary" / "templates" / folder.name
    assert templates.is_dir(), f"{app}'s pages have no templates/{folder.name}/"


PAGES_AND_ANSWERS = sorted(
    path
    for path in SRC.rglob("*.py")
    # an app's pages may be split in several modules (fund's awards_views.py, awards_api.py)
    if (path.name in {"views.py", "api.py"} or path.stem.endswith(("_views", "_api")))
    and "migrations" not in path.parts
)


def manager_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    return [
        f"{path.name}:{node.lineno} {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}
    ]


@pytest.mark.parametrize("path", PAGES_AND_ANSWERS, ids=lambda p: str(p.relative_to(SRC)))
def test_no_page_or_answer_reaches_a_model_except_through_a_door(path: Path):
    assert manager_uses(path) == [], "go through the app's policy.py instead"


def test_the_check_sees_a_manager_use(tmp_path: Path):
    bad = tmp_path / "views.py"
    bad.write_text("from sanctuary.registry.models import Site\nSite.objects.all()\n")
    assert manager_uses(bad) == ["views.py:2 Site.objects"]
