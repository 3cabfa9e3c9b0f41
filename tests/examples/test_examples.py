"""
Every ``examples/*.py`` runs as a script and exits 0 (its asserts are the checks).

Each example runs twice, in a fresh interpreter (``sys.executable``): against the
session's ``FaultServer`` (URL as ``argv[1]``), and standalone (it starts its own).
Both runs have warnings as errors, and allow connections and name lookups for
loopback addresses only, so an example that reached for the network would fail.
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
#: Examples per seed document: every code example of the seed has one (README.md).
SEED_EXAMPLES = {"aresilient": 10, "extapi": 14, "arrest": 13}

# Run in the child: refuse connections and name lookups for anything but loopback
# (as tests/conftest.py does in-process), then run the example as ``__main__``.
_RUNNER = """
import ipaddress, runpy, socket, sys


def _check(host):
    if host in (None, "localhost"):
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise OSError(f"an example reached for {host!r}, not loopback")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
)


def _guarded_connect(self, address):
    if isinstance(address, tuple) and address:
        _check(address[0])
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if isinstance(address, tuple) and address:
        _check(address[0])
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    _check(host.decode() if isinstance(host, bytes) else host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

pytestmark = pytest.mark.network


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # our own example files, this interpreter
        [sys.executable, "-W", "error", "-c", _RUNNER, str(path), *args],
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
    """examples/ holds every seed's examples, so the parametrized runs are not empty."""
    for seed, count in SEED_EXAMPLES.items():
        found = [path for path in EXAMPLES if path.name.startswith(f"{seed}_")]
        assert len(found) >= count, (seed, [path.name for path in found])


def test_runner_refuses_other_hosts(tmp_path: Path) -> None:
    """
    The runner's guard works: an example reaching past loopback fails.

    The addresses tried cannot carry traffic even if the guard broke: 0.0.0.1 is
    not routable (the kernel refuses it locally) and ``.invalid`` never resolves
    (RFC 6761 §6.4).
    """
    script = tmp_path / "reach_out.py"
    script.write_text(
        "import socket\nsocket.create_connection(('0.0.0.1', 80), timeout=0.1)\n"
    )
    proc = _run(script)
    assert proc.returncode != 0
    assert "not loopback" in proc.stderr
    script.write_text("import socket\nsocket.getaddrinfo('example.invalid', 80)\n")
    proc = _run(script)
    assert proc.returncode != 0
    assert "not loopback" in proc.stderr


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
