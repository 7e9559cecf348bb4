"""The house keeps its layers: cores import no Django, the bottom imports nothing above it, one
app does not reach into another's pages, and no modules import each other in a loop."""

from __future__ import annotations

import subprocess
import sys

from tests.house.layers import CORES, Import, all_imports, cycles, violations


def test_every_import_respects_the_layers():
    assert violations(all_imports()) == []


def test_no_modules_import_each_other_in_a_loop():
    assert cycles(all_imports()) == []


def test_the_check_fails_when_a_core_imports_django():
    assert violations([Import("sanctuary.solvers.games", "django", 3)]) == [
        "sanctuary.solvers.games:3 imports django: a core imports no Django"
    ]


def test_the_check_fails_when_the_bottom_imports_a_domain():
    found = violations([Import("sanctuary.access.policy", "sanctuary.registry.models", 9)])
    assert found and "a bottom module may not import a registry module" in found[0]


def test_the_check_fails_when_an_app_reaches_into_anothers_pages():
    found = violations([Import("sanctuary.surveys.services", "sanctuary.calendars.views", 1)])
    assert found and "not its pages" in found[0]


def test_the_check_finds_a_loop():
    loop = [Import("sanctuary.a", "sanctuary.b", 1), Import("sanctuary.b", "sanctuary.a", 1)]
    assert cycles(loop) == [["sanctuary.a", "sanctuary.b"]]


def test_importing_every_core_loads_no_django():
    code = "import sys\n" + "".join(f"import {core}\n" for core in CORES) + (
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
