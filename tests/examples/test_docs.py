"""
Every ```` ```python ```` block of README.md and docs/*.md runs on its own and exits 0.

A block is a whole program, and its asserts are the checks. It runs in a fresh
interpreter (``sys.executable``) with warnings as errors and connections allowed to
loopback addresses only, so the docs show what restwell does today. A traceback
names the Markdown file and line. A fragment that cannot run alone is fenced
```` ```python notest ````; docs/architecture.md has none.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
#: Upper bound for one block's run, in seconds; never asserted on.
RUN_TIMEOUT = 60.0

pytestmark = pytest.mark.network

_FENCE = re.compile(r"^```(?P<info>[^`]*)$")

# Run in the child: refuse connections to anything but loopback (as tests/conftest.py
# does), then run the block compiled under the Markdown file's name and line numbers.
_RUNNER = """
import ipaddress, socket, sys

_connect = socket.socket.connect


def _loopback_only(self, address):
    if isinstance(address, tuple) and address and address[0] != "localhost":
        try:
            loopback = ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise OSError(f"a docs example connected to {address[0]!r}, not loopback")
    return _connect(self, address)


socket.socket.connect = _loopback_only
path, line = sys.argv[1], int(sys.argv[2])
source = "\\n" * (line - 1) + sys.stdin.read()
exec(compile(source, path, "exec"), {"__name__": "__main__"})
"""


class Block(NamedTuple):
    """One fenced code block: where it starts, its info string, its text."""

    path: Path
    line: int
    info: str
    code: str

    @property
    def runs(self) -> bool:
        words = self.info.split()
        return bool(words) and words[0] == "python" and "notest" not in words[1:]

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path`` (fences at column 0), in order."""
    found: list[Block] = []
    opened: tuple[int, str] | None = None
    lines: list[str] = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        fence = _FENCE.match(text)
        if opened is None:
            if fence:
                opened, lines = (number + 1, fence["info"].strip()), []
        elif text == "```":
            found.append(Block(path, opened[0], opened[1], "\n".join(lines) + "\n"))
            opened = None
        else:
            lines.append(text)
    assert opened is None, f"{path.name}:{opened[0] - 1}: a block never closes"
    return found


RUNNABLE = [block for path in DOCS for block in blocks(path) if block.runs]


def test_architecture_examples_all_run() -> None:
    """docs/architecture.md has examples, and every one of them runs (no notest)."""
    python = [b for b in blocks(ARCHITECTURE) if b.info.split()[:1] == ["python"]]
    assert len(python) >= 8
    assert all(b.runs for b in python), [str(b) for b in python if not b.runs]


@pytest.mark.parametrize("block", RUNNABLE, ids=str)
def test_docs_block_runs(block: Block) -> None:
    """The block runs as a script in a fresh interpreter and exits 0."""
    where = [str(block.path), str(block.line)]
    proc = subprocess.run(  # our own docs' code, this interpreter
        [sys.executable, "-W", "error", "-c", _RUNNER, *where],
        input=block.code,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, (
        f"{block} exited {proc.returncode}\n--- stdout\n{proc.stdout}\n"
        f"--- stderr\n{proc.stderr}"
    )
