"""
Every ``examples/*.py`` runs as a script and exits 0 (its asserts are the checks).

Each example runs twice, in a fresh interpreter (``sys.executable``): against the
session's ``FaultServer`` (URL as ``argv[1]``), and standalone (it starts its own).
Files are collected by name, so a new example is picked up without editing this file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from restwell.testing import FaultServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = ROOT / "examples"
EXAMPLES = sorted(
    path for path in EXAMPLES_DIR.glob("*.py") if not path.name.startswith("_")
)
#: Upper bound for one example run, in seconds; never asserted on.
RUN_TIMEOUT = 60.0

pytestmark = pytest.mark.network


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # our own example files, this interpreter
        [sys.executable, str(path), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        cwd=ROOT,
        check=False,
    )


def _explain(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )


def test_examples_exist() -> None:
    """examples/ holds the seed examples, so the parametrized runs are not empty."""
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_against_given_server(
    path: Path, fault_server: FaultServer
) -> None:
    """An example given a FaultServer URL as argv[1] runs, printing what it got."""
    proc = _run(path, fault_server.url)
    assert proc.returncode == 0, _explain(proc)
    assert proc.stdout.strip(), _explain(proc)
    assert fault_server.hits() > 0  # it really used the server it was given


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_standalone(path: Path) -> None:
    """An example run without arguments starts its own FaultServer and runs."""
    proc = _run(path)
    assert proc.returncode == 0, _explain(proc)
    assert proc.stdout.strip(), _explain(proc)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_is_listed_in_readme(path: Path) -> None:
    """Every example is listed in examples/README.md, next to its seed example."""
    assert f"`{path.name}`" in (EXAMPLES_DIR / "README.md").read_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_names_its_seed(path: Path) -> None:
    """Every example's module docstring says which seed example it mirrors."""
    source = path.read_text()
    assert source.startswith('"""'), path.name
    docstring = source.split('"""', 2)[1]
    assert "seed" in docstring
