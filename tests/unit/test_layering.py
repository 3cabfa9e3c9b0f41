"""
Layering, checked by parsing imports (no module is executed).

- The sans-IO core (``policies/``) imports no I/O, no clock and no driver code
  (STYLE.md §3).
- The core models are leaves: they import no instrumentation, driver or CLI code.
- No import cycle among restwell's modules (DESIGN.md: the layout shows the road).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pytest

import restwell
import restwell.policies

SRC = Path(restwell.__file__).parent
POLICIES = Path(restwell.policies.__file__).parent
MODULES = sorted(POLICIES.glob("*.py"))

#: Top-level packages the core must never import: loops, clocks, sockets, backends.
FORBIDDEN = frozenset(
    {"asyncio", "anyio", "trio", "time", "socket", "httpx", "aiohttp", "sniffio"}
)
#: restwell sub-packages holding the drivers.
FORBIDDEN_RESTWELL = frozenset({"_async", "_sync"})


def module_name(path: Path, root: Path = SRC) -> str:
    """Return the dotted name of a module file under the package directory ``root``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(path: Path, root: Path = SRC) -> str:
    """Return the package relative imports in ``path`` are resolved against."""
    name = module_name(path, root)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _from_base(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    anchor = parts[: len(parts) - node.level + 1]
    return ".".join([*anchor, *([node.module] if node.module else [])])


def imported_modules(
    path: Path, package: str = "restwell.policies"
) -> list[tuple[int, str]]:
    """
    Return ``(line, absolute module name)`` for every import in the file.

    Every import counts, deferred ones (in a function, under ``if TYPE_CHECKING:``)
    included. Relative imports are resolved against ``package``; ``from X import a``
    yields ``X.a`` too, so importing a forbidden sub-module by name is caught.
    """
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, package)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(
    path: Path,
    package: str = "restwell.policies",
    forbidden: frozenset[str] = FORBIDDEN,
    forbidden_restwell: frozenset[str] = FORBIDDEN_RESTWELL,
) -> list[str]:
    """List the imports of ``path`` reaching a forbidden package, as ``file:line``."""
    bad = []
    for line, name in imported_modules(path, package):
        parts = name.split(".")
        if parts[0] in forbidden or (
            parts[0] == "restwell" and len(parts) > 1 and parts[1] in forbidden_restwell
        ):
            bad.append(f"{path.name}:{line} imports {name}")
    return bad


def test_policies_package_has_modules() -> None:
    """The layering check sees every policy module (guards against a wrong path)."""
    names = {m.name for m in MODULES}
    assert {"__init__.py", "_retry.py", "_backoff.py", "_retry_after.py"} <= names


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_policy_module_imports_no_io(module: Path) -> None:
    """A policy module imports no event loop, clock, socket, backend or driver."""
    assert violations(module) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import time", ["m.py:1 imports time"]),
        ("import asyncio.locks", ["m.py:1 imports asyncio.locks"]),
        (
            "from anyio import sleep",
            ["m.py:1 imports anyio", "m.py:1 imports anyio.sleep"],
        ),
        ("def f():\n    import socket", ["m.py:2 imports socket"]),
        (
            "from .._async import _client",
            [
                "m.py:1 imports restwell._async",
                "m.py:1 imports restwell._async._client",
            ],
        ),
        ("from .. import _sync", ["m.py:1 imports restwell._sync"]),
        (
            "from restwell._sync._client import Client",
            [
                "m.py:1 imports restwell._sync._client",
                "m.py:1 imports restwell._sync._client.Client",
            ],
        ),
        (
            "import math\nfrom .._config import seconds\nfrom ._jitter import NoJitter",
            [],
        ),
        ("import datetime.time", []),
    ],
)
def test_checker_catches_forbidden_imports(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    """The checker flags forbidden imports, however written, and nothing else."""
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert violations(module) == expected


# -- the core models are leaves ------------------------------------------------------
#: Modules every layer uses, so they may use none of the layers above them.
CORE_MODELS = (
    "_models.py",
    "_config.py",
    "_exceptions.py",
    "_clock.py",
    "_urls.py",
    "_redact.py",
)
#: restwell sub-packages above the core models: observability, drivers, command line.
ABOVE_CORE = frozenset({"instrumentation", "_async", "_sync", "cli"})


@pytest.mark.parametrize("name", CORE_MODELS)
def test_core_model_imports_no_layer_above_it(name: str) -> None:
    """A core model imports no instrumentation, driver or CLI code, even deferred."""
    path = SRC / name
    assert violations(path, "restwell", frozenset(), ABOVE_CORE) == []


def test_redaction_is_a_leaf() -> None:
    """_redact.py imports nothing from restwell, so any module may use it."""
    names = [name for _, name in imported_modules(SRC / "_redact.py", "restwell")]
    assert [n for n in names if n.split(".")[0] == "restwell"] == []


def test_cli_output_imports_no_other_cli_module() -> None:
    """cli/_output.py, shared by _main and _demo, imports neither, even deferred."""
    path = SRC / "cli" / "_output.py"
    names = [name for _, name in imported_modules(path, "restwell.cli")]
    assert [n for n in names if n.startswith("restwell.cli")] == []
    demo = SRC / "cli" / "_demo.py"
    demo_names = [name for _, name in imported_modules(demo, "restwell.cli")]
    assert [n for n in demo_names if n.startswith("restwell.cli._main")] == []


# -- no import cycle -----------------------------------------------------------------
def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(nodes: Iterable[ast.AST]) -> Iterator[ast.Import | ast.ImportFrom]:
    """
    Yield the imports that run when a module is imported.

    Skipped: imports inside a function (they run when it is called) and in the body
    of ``if TYPE_CHECKING:`` (never at run time; its ``else`` counts).
    """
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from runtime_imports(node.orelse)
        else:
            yield from runtime_imports(ast.iter_child_nodes(node))


def _known(name: str, modules: Iterable[str]) -> str | None:
    """Return the longest prefix of ``name`` that is one of ``modules``."""
    known = set(modules)
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def module_graph(root: Path) -> dict[str, set[str]]:
    """
    Map every module of the package at ``root`` to the modules it imports at import.

    Only imports that run when the module is imported count (``runtime_imports``),
    and only edges to modules of the same package. ``from X import a`` is an edge
    to ``X.a`` if that is a module, else to ``X``. The implicit import of a parent
    package (``restwell.policies._retry`` first runs ``restwell/__init__``) is not
    an edge: a facade importing its own submodules is the layout, and Python
    handles a submodule imported while its package initialises.
    """
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = package_of(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets: set[str] = set()
        for node in runtime_imports(tree.body):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = _from_base(node, package)
                wanted = [f"{base}.{alias.name}" for alias in node.names]
            targets.update(t for t in (_known(w, files) for w in wanted) if t)
        graph[name] = targets - {name}
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """Return one import cycle as ``[a, b, ..., a]``, or ``None`` if there is none."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_module_graph_sees_the_package() -> None:
    """The graph holds every module and resolves relative and absolute imports."""
    graph = module_graph(SRC)
    assert len(graph) == len(list(SRC.rglob("*.py")))
    assert "restwell.policies" in graph["restwell"]
    assert "restwell._exceptions" in graph["restwell._httpx_errors"]  # from . import
    assert "restwell._redact" in graph["restwell._models"]
    assert "restwell.cli._output" in graph["restwell.cli._demo"]
    assert "restwell.testing._fault_server" in graph["restwell.testing"]
    assert "restwell.cli._demo" not in graph["restwell.cli._main"]  # deferred


def test_no_import_cycle() -> None:
    """No module of restwell imports, at import time, a module that imports it back."""
    cycle = find_cycle(module_graph(SRC))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_cycle_finder_sees_cycles_and_skips_deferred_imports(tmp_path: Path) -> None:
    """Module-level imports make a cycle; imports in a def or TYPE_CHECKING do not."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import a\n", encoding="utf-8")
    (pkg / "a.py").write_text("from .b import thing\n", encoding="utf-8")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .a import x\n"
        "def f():\n"
        "    from pkg import a\n"
        "thing = 1\n",
        encoding="utf-8",
    )
    graph = module_graph(pkg)
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert find_cycle(graph) is None
    (pkg / "c.py").write_text(
        "if True:\n    import pkg.d\nelse:\n    pass\n", encoding="utf-8"
    )
    (pkg / "d.py").write_text(
        "try:\n    from pkg.c import y\nexcept ImportError:\n    pass\n",
        encoding="utf-8",
    )
    assert find_cycle(module_graph(pkg)) == ["pkg.c", "pkg.d", "pkg.c"]
