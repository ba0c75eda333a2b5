"""No import goes in a circle between the modules of the project's own apps.

A cycle hides as an import inside a function, or under `if TYPE_CHECKING:`, and works
until someone moves a line; both count here, as every `import` statement in a file does.
Importing a submodule also runs its package's `__init__`, which is not counted: that
would make every package that re-exports its modules a cycle with each of them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def project_packages() -> list[str]:
    """Every installed app that lives in this repository, and the project package."""
    names = {"config"}
    for app in apps.get_app_configs():
        if Path(app.path).resolve().is_relative_to(ROOT):
            names.add(app.name.split(".")[0])
    return sorted(names)


def project_modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    modules = {}
    for package in project_packages():
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            modules[".".join(parts)] = (path, is_package)
    return modules


def imports_of(name: str, source: str, is_package: bool, known) -> Iterator[tuple[str, int]]:
    """The project modules (`known`) that module `name` imports anywhere, with the line."""

    def nearest_module(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            module = nearest_module(target)
            if module and module != name:
                yield module, node.lineno


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> {imported module: line of the first such import}."""
    modules = project_modules()
    graph: dict[str, dict[str, int]] = {}
    for name, (path, is_package) in modules.items():
        edges = graph.setdefault(name, {})
        for target, line in imports_of(name, path.read_text(), is_package, modules):
            edges.setdefault(target, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for node in graph:
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    lines = [" <-> ".join(component)]
    for module in component:
        for target, line in sorted(graph[module].items()):
            if target in component:
                lines.append(f"    {module} imports {target} (line {line})")
    return "\n".join(lines)


def test_the_scan_sees_the_apps_and_their_imports():
    packages = project_packages()
    assert {"inbox", "channels_sms", "channels_rcs", "members"} <= set(packages)
    graph = import_graph()
    assert "inbox.services" in graph["inbox.tasks"]  # tasks import services
    assert "inbox.services.outbox.claim" in graph["inbox.services.outbox.deliver"]


def test_no_import_cycle_between_project_modules():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n".join(describe(c, graph) for c in found)


def test_imports_inside_functions_and_for_type_checking_count():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.models import Thing\n"
        "def later():\n"
        "    from . import tasks\n"
    )
    known = {"app", "app.models", "app.services", "app.services.work", "app.tasks"}
    assert dict(imports_of("app.work", source, False, known)) == {"app.models": 3, "app.tasks": 5}
    # No app.services.tasks: the name comes from the package's __init__.
    found = dict(imports_of("app.services.work", source, False, known))
    assert found == {"app.models": 3, "app.services": 5}


def test_a_cycle_is_found_whatever_the_order():
    graph = {"a": {"b": 1}, "b": {"c": 3}, "c": {"a": 9}, "d": {"a": 2}}
    assert cycles(graph) == [["a", "b", "c"]]
