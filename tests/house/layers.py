"""The layers of the house, as data, and a check of the imports against them.

docs/architecture.md draws the same picture. A module's place is the first rule whose prefix
names it; a module may import what its layer allows, and nothing may import in a loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# The Django-free cores: plain Python, numpy, scipy, highspy, pyvrp, dateutil. Their commands.py
# files are not cores (they set Django up when a command needs the database).
CORES = (
    "sanctuary.calendars.engine",
    "sanctuary.solvers",
    "sanctuary.surveys.risk",
    "sanctuary.surveys.instrument",
    "sanctuary.surveys.martyns_law",
    "sanctuary.incidents.surge",
    "sanctuary.incidents.intraday",
    "sanctuary.incidents.surge_documents",
    "sanctuary.incidents.matching",
    "sanctuary.registry.geometry",
    "sanctuary.overview.chart",
    "sanctuary.fund.eligibility",
    "sanctuary.fund.scoring",
    "sanctuary.patrols.guard_cover",
)
CORE_COMMANDS = ("sanctuary.solvers.commands",)
# Shared by everyone, importing nothing of ours.
KERNEL = (
    "sanctuary.cli_support",
    "sanctuary.api_schemas",
    "sanctuary.log_filters",
    "sanctuary.spreadsheet_cells",
    "sanctuary.uploads",
    "sanctuary.figures",
    "sanctuary.links",
)
BOTTOM = ("sanctuary.access", "sanctuary.audit")
# The audit log's page and door read the registry (which sites are in an administrator's areas):
# they sit with the domains, while the record itself stays at the bottom.
AUDIT_LOG_PAGES = (
    "sanctuary.audit.policy",
    "sanctuary.audit.views",
    "sanctuary.audit.forms",
    "sanctuary.audit.urls",
    "sanctuary.audit.reading",
)
REGISTRY = ("sanctuary.registry",)
DOMAINS = (
    "sanctuary.calendars",
    "sanctuary.surveys",
    "sanctuary.incidents",
    "sanctuary.patrols",
    "sanctuary.alerts",
    "sanctuary.fund",
    "sanctuary.partnership",
    # composes the others' figures.py (named in overview/sources.py, imported by path)
    "sanctuary.overview",
)
# What one domain app may not import of another: its pages and answers belong to it alone.
PRIVATE_PARTS = ("views", "urls", "api", "forms", "commands", "demo")
TOP = (
    "sanctuary.urls",
    "sanctuary.api",
    "sanctuary.cli",
    "sanctuary.demo",
    "sanctuary.serving",
    "sanctuary.backup",
    "sanctuary.settings",
    "sanctuary.wsgi",
    "sanctuary.middleware",
    "sanctuary.gunicorn_conf",
)
FORBIDDEN_IN_CORES = ("django", "ninja", "sanctuary")


def _under(module: str, prefixes: Iterable[str]) -> str | None:
    for prefix in prefixes:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


def layer(module: str) -> str:
    if _under(module, CORE_COMMANDS):
        return "core command"
    if _under(module, CORES):
        return "core"
    if _under(module, KERNEL):
        return "kernel"
    if _under(module, TOP):
        return "top"
    if _under(module, AUDIT_LOG_PAGES):
        return "domain"
    if _under(module, BOTTOM):
        return "bottom"
    if _under(module, REGISTRY):
        return "registry"
    if _under(module, DOMAINS):
        return "domain"
    return "unplaced"


ALLOWED = {
    "core": {"core"},
    "core command": {"core", "kernel"},
    "kernel": set(),
    "bottom": {"core", "kernel", "bottom"},
    "registry": {"core", "kernel", "bottom", "registry"},
    "domain": {"core", "kernel", "bottom", "registry", "domain", "core command"},
    "top": {"core", "kernel", "bottom", "registry", "domain", "top", "core command"},
}


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a module of ours, or the top-level name of anything else ("django")
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    """What a file imports, outside `if TYPE_CHECKING:` blocks (annotations only)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node) if child is not node}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            # `from sanctuary.x import y` imports the module sanctuary.x.y when there is one
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for name in names:
            if name.startswith("sanctuary"):
                while name not in known and "." in name:
                    name = name.rpartition(".")[0]
            else:
                name = name.split(".")[0]
            found.append(Import(module, name, node.lineno))
    return found


def all_imports() -> list[Import]:
    modules = our_modules()
    known = set(modules)
    return [item for module, path in modules.items() for item in imports_of(module, path, known)]


def violations(imports: Iterable[Import]) -> list[str]:
    """Every import that breaks the layering, in words."""
    problems = []
    for item in imports:
        source = layer(item.importer)
        if source == "unplaced":
            problems.append(f"{item.importer} belongs to no layer: place it in tests/house/layers.py")
            continue
        if not item.imported.startswith("sanctuary"):
            if source == "core" and item.imported in FORBIDDEN_IN_CORES:
                problems.append(
                    f"{item.importer}:{item.line} imports {item.imported}: a core imports no Django"
                )
            continue
        if item.imported == "sanctuary" or item.imported == item.importer:
            continue
        target = layer(item.imported)
        if target not in ALLOWED[source]:
            problems.append(
                f"{item.importer}:{item.line} imports {item.imported}: a {source} module may not "
                f"import a {target} module"
            )
        elif source == "domain" and target == "domain":
            mine = _under(item.importer, DOMAINS)
            theirs = _under(item.imported, DOMAINS)
            if mine != theirs and item.imported.rpartition(".")[2] in PRIVATE_PARTS:
                problems.append(
                    f"{item.importer}:{item.line} imports {item.imported}: one app may use "
                    "another's models, policy and services, not its pages, forms or commands"
                )
    return problems


def cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Loops of modules that import each other (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for item in imports:
        if item.imported.startswith("sanctuary.") and item.imported != item.importer:
            graph.setdefault(item.importer, set()).add(item.imported)
            graph.setdefault(item.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in sorted(graph[node]):
            if following not in index:
                visit(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found
