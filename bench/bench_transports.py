#!/usr/bin/env python
"""
Throughput and client CPU per request: raw HTTP clients vs. restwell over each.

Starts a private nginx on 127.0.0.1 (its own config in a temporary directory,
``worker_processes 1`` by default, keep-alive on, ``GET /200b`` serves a static
200-byte JSON file) and measures, at concurrency 1, 16 and 256 (``c`` asyncio
tasks sharing ONE client), for every variant:

* **req/s**: requests completed in a steady-state window of ``--duration``
  seconds (after a warm-up that opened the pool), divided by the window's wall
  time (``time.perf_counter``);
* **CPU µs/req**: this process's CPU time over the same window
  (``time.process_time``: user + system of every thread, so pyreqwest's Rust
  runtime threads count; nginx is a separate process and does not) divided by
  the requests completed in it.

Variants: raw httpx, httpx2, aiohttp and pyreqwest (async, each with its own
defaults), aresilient (over a shared ``httpx.AsyncClient``), and
``restwell.AsyncClient(transport=name)`` for every registered transport among
httpx, httpx2, aiohttp and pyreqwest, plus the default ``restwell.AsyncClient()``;
a transport that is not registered (or whose package is missing) is skipped,
and the report says so. Sync (c=1 only): raw ``httpx.Client`` vs.
``restwell.Client()``. A second table measures the httpx and httpx2 pools at
c=16 and 256 under several ``Limits`` (the measurement behind the pool limits
restwell gives the httpx clients it creates; see ``AsyncHttpxTransport``).

Ratios are taken within ONE run: repeats are the outer loop, every variant runs
once per repeat (the order reverses every other repeat, each restwell variant
next to its raw backend), and each ratio is the median over repeats of the
per-repeat ratio, so slow drift of a shared machine lands on both sides.

Usage::

    python bench/bench_transports.py                      # full run (~4 min)
    python bench/bench_transports.py --quick              # smoke run (seconds)
    python bench/bench_transports.py --variants aiohttp,restwell-aiohttp -c 16
    python bench/bench_transports.py --write docs/benchmarks.md   # `make bench`

The run stops by itself: each cell is bounded (``CELL_TIMEOUT``), and when
another repeat would end past ``--budget`` seconds, none starts. Exit status: 0 on
success, 1 if a cell failed, 2 if nginx or every requested client is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import importlib
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_overhead as bo  # the nginx helpers live there

BODY = bo.BODY
US = bo.US
CONCURRENCY = (1, 16, 256)
LIMITS_CONCURRENCY = (16, 256)
DEFAULT_DURATION = 0.5  # s: the measured window of one cell
DEFAULT_WARMUP = 0.2  # s: at least; and until c requests have completed
DEFAULT_REPEATS = 5
DEFAULT_BUDGET = 250.0  # s: no repeat starts that would end after this
CELL_TIMEOUT = 30.0  # s: a cell that takes longer is an error
WARMUP_CAP = 5.0  # s: the warm-up stops here even if c requests have not completed
TRANSPORTS = ("httpx", "httpx2", "aiohttp", "pyreqwest")

Fetch = Callable[[str], Awaitable[Any]]
SyncFetch = Callable[[str], Any]


class BenchError(RuntimeError):
    """The benchmark cannot run or produced a wrong answer."""


# --------------------------------------------------------------------------
# Variants
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """
    A client to benchmark.

    ``open(c)`` is an async context manager factory creating ONE client for
    concurrency ``c`` and yielding ``fetch(url) -> body``; a sync variant's
    ``open_sync()`` yields a sync ``fetch``. ``check()`` returns None if the
    variant can run here, else why it is skipped. ``base`` is the raw variant a
    restwell variant is compared with. ``only`` limits the concurrencies.
    """

    note: str
    check: Callable[[], str | None]
    open: Callable[[int], contextlib.AbstractAsyncContextManager[Fetch]] | None = None
    open_sync: Callable[[], contextlib.AbstractContextManager[SyncFetch]] | None = None
    base: str | None = None
    only: tuple[int, ...] | None = None
    table: str = "main"


def _needs(*modules: str) -> Callable[[], str | None]:
    def check() -> str | None:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                return f"cannot import {name} ({exc})"
        return None

    return check


def _httpx_open(
    module: str, limits: Callable[[int], tuple[int | None, int | None]] | None = None
) -> Callable[[int], contextlib.AbstractAsyncContextManager[Fetch]]:
    @contextlib.asynccontextmanager
    async def open_(c: int) -> AsyncIterator[Fetch]:
        backend: Any = importlib.import_module(module)
        kwargs: dict[str, Any] = {}
        if limits is not None:
            total, idle = limits(c)
            kwargs["limits"] = backend.Limits(
                max_connections=total, max_keepalive_connections=idle
            )
        async with backend.AsyncClient(**kwargs) as client:

            async def fetch(url: str) -> bytes:
                response = await client.get(url)
                return response.content  # type: ignore[no-any-return]

            yield fetch

    return open_


@contextlib.asynccontextmanager
async def _open_aiohttp(c: int) -> AsyncIterator[Fetch]:
    import aiohttp

    async with aiohttp.ClientSession() as session:  # inside the running loop

        async def fetch(url: str) -> bytes:
            async with session.get(url) as response:
                return await response.read()

        yield fetch


@contextlib.asynccontextmanager
async def _open_pyreqwest(c: int) -> AsyncIterator[Fetch]:
    from pyreqwest.client import ClientBuilder

    async with ClientBuilder().build() as client:

        async def fetch(url: str) -> Any:
            response = await client.get(url).build().send()
            return await response.bytes()

        yield fetch


@contextlib.asynccontextmanager
async def _open_aresilient(c: int) -> AsyncIterator[Fetch]:
    # aresilient has no client class: functions wrapping an httpx.AsyncClient
    # (without client= they open one per call), so pass a shared one.
    import httpx
    from aresilient import get_with_automatic_retry_async

    async with httpx.AsyncClient() as client:

        async def fetch(url: str) -> bytes:
            response = await get_with_automatic_retry_async(url, client=client)
            return response.content

        yield fetch


def _restwell_open(
    transport: str | None,
) -> Callable[[int], contextlib.AbstractAsyncContextManager[Fetch]]:
    @contextlib.asynccontextmanager
    async def open_(c: int) -> AsyncIterator[Fetch]:
        restwell = bo._import_restwell()
        kwargs = {} if transport is None else {"transport": transport}
        async with restwell.AsyncClient(**kwargs) as client:

            async def fetch(url: str) -> bytes:
                response = await client.get(url)
                return response.content  # type: ignore[no-any-return]

            yield fetch

    return open_


def _restwell_check(transport: str | None) -> Callable[[], str | None]:
    def check() -> str | None:
        reason = bo._check_restwell()
        if reason is not None:
            return reason
        if transport is None:
            return None
        from restwell.transports import transport_names

        if transport not in transport_names():
            known = ", ".join(sorted(transport_names()))
            return f"transport {transport!r} is not registered (registered: {known})"
        module = "aiohttp" if transport == "aiohttp" else transport
        return _needs(module)()

    return check


@contextlib.contextmanager
def _open_httpx_sync() -> Iterator[SyncFetch]:
    import httpx

    with httpx.Client() as client:

        def fetch(url: str) -> bytes:
            return client.get(url).content

        yield fetch


@contextlib.contextmanager
def _open_restwell_sync() -> Iterator[SyncFetch]:
    restwell = bo._import_restwell()
    with restwell.Client() as client:

        def fetch(url: str) -> bytes:
            return client.get(url).content  # type: ignore[no-any-return]

        yield fetch


def _default_transport() -> str:
    try:
        from restwell.transports import ASYNC_DEFAULT_TRANSPORT
    except ImportError:
        return "?"
    return str(ASYNC_DEFAULT_TRANSPORT)


VARIANTS: dict[str, Variant] = {
    "httpx": Variant(
        "httpx.AsyncClient() defaults", _needs("httpx"), _httpx_open("httpx")
    ),
    "restwell-httpx": Variant(
        'restwell.AsyncClient(transport="httpx")',
        _restwell_check("httpx"),
        _restwell_open("httpx"),
        base="httpx",
    ),
    "httpx2": Variant(
        "httpx2.AsyncClient() defaults", _needs("httpx2"), _httpx_open("httpx2")
    ),
    "restwell-httpx2": Variant(
        'restwell.AsyncClient(transport="httpx2")',
        _restwell_check("httpx2"),
        _restwell_open("httpx2"),
        base="httpx2",
    ),
    "aiohttp": Variant(
        "aiohttp.ClientSession() defaults", _needs("aiohttp"), _open_aiohttp
    ),
    "restwell-aiohttp": Variant(
        'restwell.AsyncClient(transport="aiohttp")',
        _restwell_check("aiohttp"),
        _restwell_open("aiohttp"),
        base="aiohttp",
    ),
    "restwell-default": Variant(
        "restwell.AsyncClient() (no transport=)",
        _restwell_check(None),
        _restwell_open(None),
    ),
    "pyreqwest": Variant(
        "pyreqwest ClientBuilder().build() defaults (async)",
        _needs("pyreqwest"),
        _open_pyreqwest,
    ),
    "restwell-pyreqwest": Variant(
        'restwell.AsyncClient(transport="pyreqwest")',
        _restwell_check("pyreqwest"),
        _restwell_open("pyreqwest"),
        base="pyreqwest",
    ),
    "aresilient": Variant(
        "get_with_automatic_retry_async(url, client=httpx.AsyncClient())",
        _needs("httpx", "aresilient"),
        _open_aresilient,
    ),
    "httpx-sync": Variant(
        "httpx.Client() defaults, one thread",
        _needs("httpx"),
        open_sync=_open_httpx_sync,
        only=(1,),
    ),
    "restwell-sync": Variant(
        "restwell.Client() (its default transport), one thread",
        bo._check_restwell,
        open_sync=_open_restwell_sync,
        base="httpx-sync",
        only=(1,),
    ),
}

# Item 3: the httpx/httpx2 pools under several Limits, at c = 16 and 256.
# (max_connections, max_keepalive_connections) as a function of c.
POOL_LIMITS: dict[str, tuple[str, Callable[[int], tuple[int | None, int | None]]]] = {
    "100/20": ("Limits(100, 20): httpx's default", lambda c: (100, 20)),
    "c/c": ("Limits(c, c): sized to the concurrency", lambda c: (c, c)),
    "100/100": ("Limits(100, 100): keep every connection", lambda c: (100, 100)),
    "none": ("Limits(None, None): no cap", lambda c: (None, None)),
}
for _module in ("httpx", "httpx2"):
    for _key, (_label, _limits) in POOL_LIMITS.items():
        VARIANTS[f"{_module}@{_key}"] = Variant(
            f"{_module}.AsyncClient(limits={_label.split(':')[0]})",
            _needs(_module),
            _httpx_open(_module, _limits),
            only=LIMITS_CONCURRENCY,
            table="limits",
        )

MAIN_ORDER = [name for name, v in VARIANTS.items() if v.table == "main"]


# --------------------------------------------------------------------------
# nginx with a static file
# --------------------------------------------------------------------------


def nginx_conf(tmp: Path, port: int, stub_status: bool, workers: str) -> str:
    """The config: one static 200-byte file, keep-alive, no access log."""
    status = (
        f"        location = {bo.PATH_STATUS} {{ stub_status; }}\n"
        if stub_status
        else ""
    )
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"worker_processes {workers};\n"
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    access_log off;\n"
        "    keepalive_requests 1000000;\n"
        "    keepalive_timeout 120s;\n"
        # sendfile would send the head and the 200 bytes as two segments: the
        # client would pay a second read per response that no real API costs.
        "    sendfile off;\n"
        "    open_file_cache max=16;\n"
        "    open_file_cache_valid 600s;\n"
        "    types { }\n"
        "    default_type application/json;\n"
        f"{temp_paths}"
        "    server {\n"
        f"        listen 127.0.0.1:{port} backlog=4096;\n"
        f"        root {tmp / 'www'};\n"
        f"        location = {bo.PATH_200B} {{ }}\n"
        f"{status}"
        "    }\n"
        "}\n"
    )


@contextlib.contextmanager
def nginx_static(binary: Path, workers: str) -> Iterator[bo.Nginx]:
    """Run nginx in the foreground as our child; always stopped on exit."""
    stub_status = bo._nginx_has_stub_status(binary)
    with tempfile.TemporaryDirectory(prefix="restwell-bench-nginx-") as tmp_name:
        tmp = Path(tmp_name)
        # nginx's workers drop root for `nobody`: let them reach the file.
        tmp.chmod(0o711)
        (tmp / "www").mkdir(mode=0o755)
        (tmp / "www" / bo.PATH_200B.lstrip("/")).write_bytes(BODY)
        (tmp / "www" / bo.PATH_200B.lstrip("/")).chmod(0o644)
        last_error = ""
        for _attempt in range(3):  # the free port may be taken in between
            port = bo._free_port()
            conf = tmp / "nginx.conf"
            conf.write_text(nginx_conf(tmp, port, stub_status, workers))
            command: list[str | Path] = [binary, "-p", tmp, "-c", conf]
            command += ["-e", tmp / "error.log", "-g", "daemon off;"]
            with (tmp / "stderr.log").open("wb") as stderr:
                proc = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,
                    preexec_fn=bo._die_with_parent,
                )
            try:
                if bo._wait_listening(proc, port, timeout=10):
                    yield bo.Nginx(port, stub_status)
                    return
            finally:
                bo._stop(proc)
            last_error = "\n".join(
                (tmp / name).read_text(errors="replace").strip()
                for name in ("stderr.log", "error.log")
                if (tmp / name).exists()
            )
            if "Address already in use" not in last_error:
                break
        raise BenchError(f"nginx did not start:\n{last_error}")


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One measured window."""

    rps: float
    cpu_us: float
    requests: int
    connections: int | None


@dataclass
class Cell:
    """All repeats of one (variant, concurrency)."""

    samples: dict[int, Sample] = field(default_factory=dict)  # repeat -> sample
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples)

    @property
    def rps(self) -> float:
        return statistics.median(s.rps for s in self.samples.values())

    @property
    def cpu_us(self) -> float:
        return statistics.median(s.cpu_us for s in self.samples.values())

    @property
    def cpu_spread(self) -> str:
        """(max - min) / median of CPU µs/req over the repeats."""
        values = [s.cpu_us for s in self.samples.values()]
        if len(values) < 2:
            return "–"
        return f"{100 * (max(values) - min(values)) / statistics.median(values):.0f}%"

    @property
    def connections(self) -> int | None:
        counts = [s.connections for s in self.samples.values()]
        if not counts or any(c is None for c in counts):
            return None
        return max(c for c in counts if c is not None)


def paired_ratio(
    cell: Cell, base: Cell, metric: Callable[[Sample], float]
) -> float | None:
    """Median over the repeats both ran of ``metric(cell) / metric(base)``."""
    if not (cell.ok and base.ok):
        return None
    both = sorted(set(cell.samples) & set(base.samples))
    if not both:
        return None
    return statistics.median(
        metric(cell.samples[r]) / metric(base.samples[r]) for r in both
    )


def _rps(sample: Sample) -> float:
    return sample.rps


def _cpu(sample: Sample) -> float:
    return sample.cpu_us


async def measure_async(
    variant: Variant,
    server: bo.Nginx,
    concurrency: int,
    duration: float,
    warmup: float,
) -> Sample:
    """
    ``c`` tasks fetch in a loop on one client; measure a steady-state window.

    The tasks run through warm-up, window and drain without a pause; the window
    is read from counters (requests completed, CPU, wall) at its two ends, so
    neither the ramp-up nor the ramp-down is in it.
    """
    assert variant.open is not None
    async with variant.open(concurrency) as fetch:
        body = await fetch(server.url)
        if bytes(body) != BODY:
            raise BenchError(f"expected the 200-byte body, got {bytes(body)!r:.100}")
        done = 0
        stop = False

        async def worker() -> None:
            nonlocal done
            while not stop:
                await fetch(server.url)
                done += 1

        tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
        try:
            warm_start = time.perf_counter()
            while True:
                await asyncio.sleep(warmup / 4)
                elapsed = time.perf_counter() - warm_start
                if elapsed >= WARMUP_CAP or (elapsed >= warmup and done >= concurrency):
                    break
                if any(t.done() for t in tasks):
                    break
            for task in tasks:
                if task.done():
                    task.result()  # a failing fetch ends the cell
            accepted_before = server.accepted_connections()
            done0, cpu0, wall0 = done, time.process_time(), time.perf_counter()
            await asyncio.sleep(duration)
            done1, cpu1, wall1 = done, time.process_time(), time.perf_counter()
            accepted_after = server.accepted_connections()
        finally:
            stop = True
            results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
    requests = done1 - done0
    if requests == 0:
        raise BenchError(f"no request completed in the {duration:g} s window")
    connections = None
    if accepted_before is not None and accepted_after is not None:
        connections = accepted_after - accepted_before - 1  # minus one probe
    return Sample(
        requests / (wall1 - wall0),
        (cpu1 - cpu0) * 1e6 / requests,
        requests,
        connections,
    )


def measure_sync(
    variant: Variant, server: bo.Nginx, duration: float, warmup: float
) -> Sample:
    """One thread fetches in a loop; measure a window after a warm-up."""
    assert variant.open_sync is not None
    with variant.open_sync() as fetch:
        body = fetch(server.url)
        if bytes(body) != BODY:
            raise BenchError(f"expected the 200-byte body, got {bytes(body)!r:.100}")
        end = time.perf_counter() + warmup
        while time.perf_counter() < end:
            fetch(server.url)
        accepted_before = server.accepted_connections()
        requests = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        end = wall0 + duration
        while time.perf_counter() < end:
            fetch(server.url)
            requests += 1
        cpu1, wall1 = time.process_time(), time.perf_counter()
        accepted_after = server.accepted_connections()
    connections = None
    if accepted_before is not None and accepted_after is not None:
        connections = accepted_after - accepted_before - 1
    return Sample(
        requests / (wall1 - wall0),
        (cpu1 - cpu0) * 1e6 / requests,
        requests,
        connections,
    )


async def _bounded(coro: Awaitable[Sample]) -> Sample:
    async with asyncio.timeout(CELL_TIMEOUT):
        return await coro


def run_cell(
    variant: Variant, server: bo.Nginx, c: int, args: argparse.Namespace
) -> Sample:
    """Measure one window of ``variant`` at concurrency ``c`` (fresh client)."""
    gc.collect()
    if variant.open_sync is not None:
        return measure_sync(variant, server, args.duration, args.warmup)
    return asyncio.run(
        _bounded(measure_async(variant, server, c, args.duration, args.warmup))
    )


def plan(
    variants: Sequence[str], concurrencies: Sequence[int]
) -> list[tuple[str, int]]:
    """The (variant, c) cells of one repeat, grouped by c, in run order."""
    cells = []
    for c in concurrencies:
        for name in variants:
            only = VARIANTS[name].only
            if only is None or c in only:
                cells.append((name, c))
    return cells


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}\N{MULTIPLICATION SIGN}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f} %"


def render_main(
    results: dict[tuple[str, int], Cell], variants: Sequence[str], cs: Sequence[int]
) -> str:
    lines = [
        f"| c | variant | req/s | CPU {US}/req | CPU spread | req/s vs raw "
        f"| CPU vs raw | new conns |",
        "|--:|:--|--:|--:|--:|--:|--:|--:|",
    ]
    for c in cs:
        for name in variants:
            cell = results.get((name, c))
            if cell is None or VARIANTS[name].table != "main":
                continue
            if not cell.ok:
                error = str(cell.error).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {c} | {name} | error: {error} | | | | | |")
                continue
            base_name = VARIANTS[name].base
            if base_name is None and name.startswith("restwell-"):
                base_name = _default_transport()
            base = results.get((base_name, c)) if base_name else None
            vs_rps = vs_cpu = ""
            if base is not None and base_name != name:
                vs_rps = _pct(paired_ratio(cell, base, _rps))
                vs_cpu = _x(paired_ratio(cell, base, _cpu))
                vs_rps += f" of {base_name}"
            conns = "?" if cell.connections is None else f"{cell.connections:,}"
            lines.append(
                f"| {c} | {name} | {cell.rps:,.0f} | {cell.cpu_us:,.1f} "
                f"| {cell.cpu_spread} | {vs_rps} | {vs_cpu} | {conns} |"
            )
    return "\n".join(lines) + "\n"


def targets(
    results: dict[tuple[str, int], Cell], cs: Sequence[int]
) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows for the goals of issue 7."""

    def ratio(
        a: str, b: str, c: int, metric: Callable[[Sample], float]
    ) -> float | None:
        ca, cb = results.get((a, c)), results.get((b, c))
        if ca is None or cb is None:
            return None
        return paired_ratio(ca, cb, metric)

    rows: list[tuple[str, str, str]] = []
    for backend in ("aiohttp", "pyreqwest"):
        for c in cs:
            value = ratio(f"restwell-{backend}", backend, c, _rps)
            rows.append(
                (
                    f"restwell on {backend} ≥ 95 % of raw {backend}'s req/s, c={c}",
                    _pct(value),
                    "n/a" if value is None else ("met" if value >= 0.95 else "MISSED"),
                )
            )
    for c in cs:
        raw = ratio("pyreqwest", "aiohttp", c, _rps)
        ours = ratio("restwell-pyreqwest", "restwell-aiohttp", c, _rps)
        if raw is None:
            continue
        rows.append(
            (
                f"pyreqwest's lead over aiohttp kept through restwell, c={c}",
                f"raw {_x(raw)}, through restwell {_x(ours)}",
                "n/a"
                if ours is None
                else ("kept" if ours >= 0.95 * raw else "NOT KEPT"),
            )
        )
    value = ratio("restwell-default", "aresilient", 16, _rps)
    rows.append(
        (
            "restwell.AsyncClient() ≥ 10× aresilient's req/s, c=16",
            _x(value),
            "n/a" if value is None else ("met" if value >= 10 else "MISSED"),
        )
    )
    return rows


def render_targets(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| target | measured | verdict |", "|:--|--:|:--|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in rows]
    return "\n".join(lines) + "\n"


def render_limits(results: dict[tuple[str, int], Cell], variants: Sequence[str]) -> str:
    lines = [
        f"| c | backend | limits | req/s | CPU {US}/req | CPU spread "
        f"| req/s vs Limits(100, 20) | new conns |",
        "|--:|:--|:--|--:|--:|--:|--:|--:|",
    ]
    rows = 0
    for c in LIMITS_CONCURRENCY:
        for name in variants:
            cell = results.get((name, c))
            if cell is None or VARIANTS[name].table != "limits":
                continue
            module, key = name.split("@")
            label = POOL_LIMITS[key][0].split(":")[0]
            if not cell.ok:
                error = str(cell.error).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {c} | {module} | {label} | error: {error} | | | | |")
                continue
            base = results.get((f"{module}@100/20", c))
            vs = _x(paired_ratio(cell, base, _rps)) if base is not None else "n/a"
            conns = "?" if cell.connections is None else f"{cell.connections:,}"
            lines.append(
                f"| {c} | {module} | {label} | {cell.rps:,.0f} | {cell.cpu_us:,.1f} "
                f"| {cell.cpu_spread} | {vs} | {conns} |"
            )
            rows += 1
    return "\n".join(lines) + "\n" if rows else ""


def _restwell_httpx_limits() -> str:
    """The pool limits of the httpx client restwell creates (as run)."""
    try:
        restwell = bo._import_restwell()
        client = restwell.AsyncClient(transport="httpx")
        pool = client._transport.client._transport._pool
        return f"Limits({pool._max_connections}, {pool._max_keepalive_connections})"
    except Exception as exc:  # only for the report's header
        return f"unknown ({type(exc).__name__})"


def render_report(
    main_table: str,
    target_table: str,
    limits_table: str,
    args: argparse.Namespace,
    skipped: dict[str, str],
    env: dict[str, str],
    repeats_done: int,
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["python", "bench/bench_transports.py", *sys.argv[1:]])
    quick = " **(--quick: smoke run only)**" if args.quick else ""
    notes = "\n".join(
        f"- `{name}`: {v.note}"
        for name, v in VARIANTS.items()
        if v.table == "main" and name in args.variants and name not in skipped
    )
    skipped_lines = "".join(f"- `{n}` skipped: {why}\n" for n, why in skipped.items())
    cut = (
        f" (of {args.repeats} asked: the {args.budget:g} s budget ran out)"
        if repeats_done < args.repeats
        else ""
    )
    limits = ""
    if limits_table:
        limits = f"""
### httpx pool limits (issue 7 item 3)

Raw `httpx.AsyncClient` / `httpx2.AsyncClient` with `limits=httpx.Limits(
max_connections, max_keepalive_connections)`, otherwise as above; *new conns* shows
keep-alive breaking down when more requests are in flight than idle connections
may be kept. restwell's httpx clients (the ones it creates; a lent client is never
changed) get {env["restwell_limits"]} in this run.

{limits_table}"""
    return f"""\
## Transports against a local nginx

Generated {now} by `{command}`{quick}.

- Machine: {env["machine"]}; load average before the run: {env["load"]}
- Python {platform.python_version()}, default asyncio event loop (no uvloop), a \
fresh loop and client per cell
- {env["versions"]}
- restwell {env["restwell"]}; `restwell.AsyncClient()` uses transport \
`{env["default_transport"]}`
- Server: {env["nginx"]}, `worker_processes {args.workers}`, `access_log off`, \
keep-alive, `sendfile off`, `GET /200b` serves a static 200-byte JSON file; on \
127.0.0.1, sharing the CPUs with the client
- Per cell: `c` asyncio tasks loop on one client; after ≥ {args.warmup:g} s of \
warm-up (and ≥ c requests), a {args.duration:g} s window is measured; \
{repeats_done} repeat(s){cut}, the variants interleaved (the order reverses \
every other repeat), medians reported

Variants:

{notes}
{skipped_lines}
Columns: *req/s* counts requests completed in the window; *CPU {US}/req* is this
process's CPU time over the window (user + system of all its threads, so
pyreqwest's Rust runtime counts; nginx does not) per request; *CPU spread* is
(max − min) / median over the repeats; *req/s vs raw* and *CPU vs raw* are the
median over repeats of the per-repeat ratio to the raw client restwell runs on
(`restwell-default`: its default transport's raw client); *new conns* is the most
TCP connections nginx accepted in one window (0: the pool was reused).

{main_table}
**Targets (issue 7, Speed)**

{target_table}{limits}
Reproduce with `make bench` (runs `python bench/bench_transports.py --write
docs/benchmarks.md`); `--quick`, `--variants`, `--concurrency`, `--repeats`,
`--duration`, `--workers`: see `--help`.
"""


MARK_START = (
    "<!-- bench_transports:start (generated; edit bench/bench_transports.py) -->"
)
MARK_END = "<!-- bench_transports:end -->"


def write_report(path: Path, report: str) -> None:
    """Replace the generated section of ``path``; keep anything around it."""
    block = f"{MARK_START}\n{report}{MARK_END}\n"
    text = path.read_text() if path.exists() else ""
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(MARK_END) :].lstrip("\n")
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "# Benchmarks\n\n") + block
    path.write_text(text)


def environment(args: argparse.Namespace, nginx_version: str) -> dict[str, str]:
    versions = ", ".join(
        f"{dist} {bo._version(dist)}"
        for dist in (
            "httpx",
            "httpcore",
            "httpx2",
            "httpcore2",
            "aiohttp",
            "pyreqwest",
            "aresilient",
        )
    )
    restwell = "not importable"
    if bo._check_restwell() is None:
        restwell = bo._restwell_version()
    return {
        "machine": f"{len(os.sched_getaffinity(0))} CPUs (nproc; {bo._cpu_model()}), "
        f"{platform.system()} {platform.release()}",
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "versions": versions,
        "restwell": restwell,
        "default_transport": _default_transport(),
        "restwell_limits": _restwell_httpx_limits(),
        "nginx": nginx_version,
    }


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "req/s and client CPU per request of raw httpx/httpx2/aiohttp/pyreqwest "
            "and restwell over each, against a private nginx on 127.0.0.1."
        )
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 1 repeat, 0.05 s windows, 0.02 s warm-up",
    )
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DURATION,
        help=f"seconds measured per cell (default {DEFAULT_DURATION})",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=DEFAULT_WARMUP,
        help=f"seconds of warm-up per cell, at least (default {DEFAULT_WARMUP})",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help=f"no repeat starts that would end after this many seconds (default {DEFAULT_BUDGET:g})",
    )
    parser.add_argument(
        "--variants",
        type=bo._csv(str),
        default=list(VARIANTS),
        help=f"comma-separated subset of: {','.join(VARIANTS)} (default: all)",
    )
    parser.add_argument(
        "-c",
        "--concurrency",
        type=bo._csv(int),
        default=list(CONCURRENCY),
        help="comma-separated concurrencies (default: 1,16,256)",
    )
    parser.add_argument(
        "--workers", default="1", help="nginx worker_processes (default 1; or auto)"
    )
    parser.add_argument("--write", type=Path, metavar="PATH")
    parser.add_argument("--nginx", type=Path, default=bo.NGINX)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.duration, args.warmup = 1, 0.05, 0.02
    unknown = [name for name in args.variants if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    if args.repeats < 1 or args.duration <= 0 or args.warmup < 0:
        parser.error("--repeats must be >= 1, --duration > 0, --warmup >= 0")
    if any(c < 1 for c in args.concurrency):
        parser.error("--concurrency values must be >= 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, bo._raise_system_exit)
    if not os.access(args.nginx, os.X_OK):
        print(
            f"nginx not found at {args.nginx}. Install it (Debian/Ubuntu):\n"
            f"    {bo.NGINX_INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    skipped: dict[str, str] = {}
    for name in args.variants:
        reason = VARIANTS[name].check()
        if reason is not None:
            skipped[name] = reason
            print(f"note: skipping {name}: {reason}", file=sys.stderr)
    variants = [name for name in args.variants if name not in skipped]
    cells = plan(variants, args.concurrency)
    if not cells:
        print("nothing to run: every requested cell is skipped", file=sys.stderr)
        return 2

    nginx_version = bo._nginx_version(args.nginx)
    env = environment(args, nginx_version)
    results: dict[tuple[str, int], Cell] = {cell: Cell() for cell in cells}
    started = time.monotonic()
    repeats_done = 0
    with nginx_static(args.nginx, args.workers) as server:
        print(f"{nginx_version} on {server.url}", file=sys.stderr)
        for repeat in range(1, args.repeats + 1):
            spent = time.monotonic() - started
            if repeat > 1 and spent * repeat / (repeat - 1) > args.budget:
                print(
                    f"stopping: another repeat would end past the {args.budget:g} s "
                    "budget",
                    file=sys.stderr,
                )
                break
            order = cells if repeat % 2 else cells[::-1]
            for name, c in order:
                cell = results[(name, c)]
                if cell.error is not None:
                    continue
                try:
                    sample = run_cell(VARIANTS[name], server, c, args)
                except Exception as exc:
                    cell.error = f"{type(exc).__name__}: {exc}"
                    print(f"[{repeat}] c={c} {name}: {cell.error}", file=sys.stderr)
                    continue
                cell.samples[repeat] = sample
                print(
                    f"[{repeat}/{args.repeats}] c={c:<4} {name:<19} "
                    f"{sample.rps:>8,.0f} req/s {sample.cpu_us:>8,.1f} {US}/req "
                    f"n={sample.requests:<6} conns={sample.connections}",
                    file=sys.stderr,
                )
            repeats_done = repeat
    elapsed = time.monotonic() - started
    print(f"measured in {elapsed:.0f} s", file=sys.stderr)

    main_table = render_main(results, variants, args.concurrency)
    target_table = render_targets(targets(results, args.concurrency))
    limits_table = render_limits(results, variants)
    print(main_table)
    print(target_table)
    if limits_table:
        print(limits_table)
    if args.write is not None:
        report = render_report(
            main_table, target_table, limits_table, args, skipped, env, repeats_done
        )
        write_report(args.write, report)
        print(f"wrote {args.write}", file=sys.stderr)
    return 1 if any(cell.error for cell in results.values()) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # nginx is already stopped by nginx_static()
        print("interrupted", file=sys.stderr)
        sys.exit(130)
