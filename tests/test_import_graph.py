"""The import graph: the hotline does not reach into the bot, and no modules import each other.

Every module under bot/, hotline/, nlu/, content/, sapar_core/ and sapar_cli/ is read as source
(nothing is imported), and every import in it counts: at module level and inside functions
alike, since a lazy import is still a dependency (it only hides a cycle from the interpreter).
Imports under `if TYPE_CHECKING:` count for the package rules but not for cycles (they never
run).

sapar_core/ is what both sides share, so it imports neither; sapar_cli/ composes command lines
from both, so only entry points (`__main__` modules) may import it: a library module of the
hotline cannot reach the bot through it.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "hotline", "nlu", "content", "sapar_core", "sapar_cli")

def _modules() -> dict[str, tuple[Path, bool]]:
    """Return every module by dotted name: (its file, whether it is a package's __init__)."""
    found: dict[str, tuple[Path, bool]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, is_package)
    return found


MODULES = _modules()


def _owner(name: str) -> str | None:
    """Return the module of ours that `name` (a module or a name inside one) lives in."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """Return the ids of the nodes under `if TYPE_CHECKING:`."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                ids.update(id(inner) for inner in ast.walk(statement))
    return ids


def _imports(module: str) -> Iterator[tuple[str, bool]]:
    """Yield (imported module of ours, whether only for type checking) for one module."""
    path, is_package = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    typing_only = _type_checking_nodes(tree)
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                full = f"{source}.{alias.name}"
                targets.append(full if full in MODULES else source)
        for target in targets:
            owner = _owner(target)
            if owner and owner != module:
                yield owner, id(node) in typing_only


@functools.cache
def _all_imports() -> dict[str, tuple[tuple[str, bool], ...]]:
    """Read every module once per run (the three graph tests share it)."""
    return {module: tuple(_imports(module)) for module in MODULES}


def _graph(*, with_typing: bool) -> dict[str, set[str]]:
    return {module: {target for target, typing in imports if with_typing or not typing}
            for module, imports in _all_imports().items()}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Return the strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(frozenset(component))
    return components


def test_the_walk_sees_every_package_and_lazy_imports() -> None:
    """The graph is not empty by accident: known edges, a lazy one included, are found."""
    graph = _graph(with_typing=True)
    assert {"bot.service", "hotline.desk", "nlu.parser", "content.i18n"} <= set(graph)
    assert "content.i18n" in graph["hotline.desk"]
    # bot/ops/check.py imports the operators' chat check inside a function
    assert any(target.startswith("hotline.") for target in graph["bot.ops.check"])


def _imports_between(importers: str, imported: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (module, target) for every import from the package `importers` into `imported`."""
    graph = _graph(with_typing=True)
    return sorted((module, target) for module, targets in graph.items()
                  if module.split(".")[0] == importers
                  for target in targets if target.split(".")[0] in imported)


def test_no_hotline_module_imports_the_bot() -> None:
    """hotline/ imports nothing from bot/."""
    found = _imports_between("hotline", ("bot",))
    assert not found, f"hotline modules import the bot: {found}"


def test_the_shared_package_imports_neither_side() -> None:
    """sapar_core/ imports nothing from bot/, hotline/ or the command lines."""
    found = _imports_between("sapar_core", ("bot", "hotline", "sapar_cli"))
    assert not found, f"sapar_core imports a side: {found}"


def test_only_entry_points_import_the_command_lines() -> None:
    """sapar_cli/ (which imports both sides) is imported by `__main__` modules only."""
    graph = _graph(with_typing=True)
    found = sorted((module, target) for module, targets in graph.items()
                   if module.split(".")[0] != "sapar_cli" and module.split(".")[-1] != "__main__"
                   for target in targets if target.split(".")[0] == "sapar_cli")
    assert not found, f"library modules import sapar_cli: {found}"
    assert "sapar_cli.hotline" in graph["hotline.__main__"]  # the rule sees the one user


def test_no_import_cycles() -> None:
    """No modules import each other, not even through a chain or a function-level import."""
    found = sorted(sorted(cycle) for cycle in _cycles(_graph(with_typing=False)))
    assert not found, f"import cycles: {found}"


def test_cycle_finder_finds_a_cycle() -> None:
    """The cycle finder itself: a three-module circle and a chain."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]
