"""Every file a static file names is there: production's manifest refuses to build otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "src" / "sanctuary" / "static"
# What whitenoise's manifest storage follows: CSS url(...) and @import, JS and CSS source maps.
REFERENCES = re.compile(
    r"""url\(\s*['"]?(?P<url>[^'")]+)['"]?\s*\)|@import\s+['"](?P<import>[^'"]+)['"]"""
    r"""|sourceMappingURL=(?P<map>\S+)"""
)


def referenced(path: Path) -> list[str]:
    found = []
    for match in REFERENCES.finditer(path.read_text(encoding="utf-8", errors="replace")):
        if path.suffix == ".js" and not match.group("map"):
            continue  # in JavaScript the manifest follows only the source map (url(s) is code)
        name = match.group("url") or match.group("import") or match.group("map")
        name = name.removesuffix("*/")  # /*# sourceMappingURL=x.css.map*/ with no space
        if name.startswith(("data:", "http:", "https:", "//", "#", "about:")):
            continue
        found.append(name.split("?")[0].split("#")[0])
    return found


FILES = sorted(p for p in STATIC.rglob("*") if p.suffix in {".css", ".js"})


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(STATIC)))
def test_every_file_a_static_file_names_is_in_the_repository(path: Path):
    missing = [name for name in referenced(path) if not (path.parent / name).resolve().is_file()]
    assert missing == [], f"{path.relative_to(STATIC)} names files that are not there: {missing}"


def test_the_check_finds_the_names_it_is_meant_to_find():
    leaflet = STATIC / "vendor" / "leaflet-1.9.4"
    assert "leaflet.js.map" in referenced(leaflet / "leaflet.js")
    assert "images/layers.png" in referenced(leaflet / "leaflet.css")
