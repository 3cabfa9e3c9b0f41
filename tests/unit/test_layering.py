"""The sans-IO core imports no I/O, no clock and no driver code (STYLE.md §3)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import restwell.policies

POLICIES = Path(restwell.policies.__file__).parent
MODULES = sorted(POLICIES.glob("*.py"))

#: Top-level packages the core must never import: loops, clocks, sockets, backends.
FORBIDDEN = frozenset(
    {"asyncio", "anyio", "trio", "time", "socket", "httpx", "aiohttp", "sniffio"}
)
#: restwell sub-packages holding the drivers.
FORBIDDEN_RESTWELL = frozenset({"_async", "_sync"})


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """
    Return ``(line, absolute module name)`` for every import in the file.

    Relative imports are resolved against ``restwell.policies``; ``from X import a``
    yields ``X.a`` too, so importing a forbidden sub-module by name is caught.
    """
    package = ["restwell", "policies"]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(path: Path) -> list[str]:
    bad = []
    for line, name in imported_modules(path):
        parts = name.split(".")
        if parts[0] in FORBIDDEN or (
            parts[0] == "restwell" and len(parts) > 1 and parts[1] in FORBIDDEN_RESTWELL
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
