"""
bench/bench_transports.py: its report logic, and a tiny run against nginx.

The run is skipped where nginx is not installed (``make bench`` installs it); it
sends a few dozen requests to a private nginx on 127.0.0.1 and takes about a
second.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bt() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("bench_transports")
    finally:
        sys.path.remove(str(BENCH))


def test_targets_compare_the_same_repeats(bt: ModuleType) -> None:
    def cell(*rps: float) -> object:
        return bt.Cell(
            samples={i: bt.Sample(r, 1e6 / r, 100, 0) for i, r in enumerate(rps)}
        )

    results = {
        ("aiohttp", 16): cell(1000, 2000, 1500),
        ("restwell-aiohttp", 16): cell(960, 1800, 1500),  # 96 %, 90 %, 100 %
        ("aresilient", 16): cell(100, 100, 100),
        ("restwell-default", 16): cell(900, 1000, 1100),
    }
    rows = {
        target: (measured, verdict)
        for target, measured, verdict in bt.targets(results, [16])
    }
    assert rows["restwell on aiohttp ≥ 95 % of raw aiohttp's req/s, c=16"] == (
        "96 %",
        "met",
    )
    assert rows["restwell on pyreqwest ≥ 95 % of raw pyreqwest's req/s, c=16"] == (
        "n/a",
        "n/a",
    )
    assert rows["restwell.AsyncClient() ≥ 10× aresilient's req/s, c=16"] == (
        "10.00×",
        "met",
    )
    results[("restwell-aiohttp", 16)] = cell(900, 1800, 1400)
    rows = {
        target: (measured, verdict)
        for target, measured, verdict in bt.targets(results, [16])
    }
    assert rows["restwell on aiohttp ≥ 95 % of raw aiohttp's req/s, c=16"] == (
        "90 %",
        "MISSED",
    )


def test_write_report_replaces_only_its_section(bt: ModuleType, tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        f"# Benchmarks\n\nbefore\n\n{bt.MARK_START}\nold\n{bt.MARK_END}\n\nafter\n"
    )
    bt.write_report(doc, "new\n")
    assert (
        doc.read_text()
        == f"# Benchmarks\n\nbefore\n\n{bt.MARK_START}\nnew\n{bt.MARK_END}\nafter\n"
    )


@pytest.mark.network
@pytest.mark.skipif(not os.access("/usr/sbin/nginx", os.X_OK), reason="needs nginx")
def test_quick_run_against_nginx(
    bt: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "benchmarks.md"
    argv = [
        "--quick",
        "--variants",
        "aiohttp,restwell-aiohttp",
        "-c",
        "1,4",
        "--write",
        str(doc),
    ]
    handler = signal.getsignal(signal.SIGTERM)
    try:
        assert bt.main(argv) == 0
    finally:
        signal.signal(signal.SIGTERM, handler)  # main() installs its own
    table = capsys.readouterr().out
    assert "| 4 | restwell-aiohttp |" in table
    assert "of aiohttp" in table
    assert bt.MARK_START in doc.read_text()
