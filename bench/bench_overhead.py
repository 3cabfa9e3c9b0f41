#!/usr/bin/env python
"""Per-request client overhead: restwell vs. raw httpx, aiohttp and aresilient.

Starts a private nginx on 127.0.0.1 (its own config in a temporary directory,
one worker, keep-alive, ``GET /200b`` answers a 200-byte JSON body) and, for
every client variant and concurrency, sends N requests from ``c`` asyncio tasks
sharing ONE client object (one connection pool). It measures wall time
(``time.perf_counter``) and the CPU time of this process only
(``time.process_time``; nginx is a separate process and is not counted), and
reports requests/s and CPU microseconds per request, median over repeats.

Usage::

    python bench/bench_overhead.py                    # full run, table on stdout
    python bench/bench_overhead.py --quick            # N / 10, for a smoke run
    python bench/bench_overhead.py --variants httpx,restwell-httpx --concurrency 16
    python bench/bench_overhead.py --write docs/benchmarks.md   # what `make bench` runs

Adding a client: write an async context manager that opens the client and
yields a ``fetch(url) -> bytes`` coroutine function, and register it in
``VARIANTS``. Every variant pays the same closure call, so the comparison stays
fair.

Exit status: 0 on success, 1 if a cell failed, 2 if nginx or every requested
client is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import datetime as dt
import gc
import importlib
import importlib.metadata
import os
import platform
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
NGINX_INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y nginx"

PATH_200B = "/200b"
PATH_STATUS = "/nginx_status"
# Exactly 200 bytes of JSON; no single quote or backslash (it goes into nginx.conf).
BODY = b'{"data":"' + b"x" * 189 + b'"}'
assert len(BODY) == 200

BASELINE = "httpx"
SUBJECT = "restwell-httpx"
DEFAULT_CONCURRENCY = (1, 16, 256)
DEFAULT_WARMUP = 300
DEFAULT_REPEATS = 3
US = "\N{MICRO SIGN}s"

Fetch = Callable[[str], Awaitable[bytes]]


class BenchError(RuntimeError):
    """The benchmark cannot run or produced a wrong answer."""


# --------------------------------------------------------------------------
# Client variants
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A client to benchmark.

    ``open`` is an async context manager factory that creates ONE client and
    yields a ``fetch(url) -> body`` coroutine function using it; ``check``
    returns None if the variant can run here, else the reason it is skipped.
    """

    open: Callable[[], contextlib.AbstractAsyncContextManager[Fetch]]
    check: Callable[[], str | None]
    note: str = ""


def _needs(*modules: str) -> Callable[[], str | None]:
    def check() -> str | None:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError as exc:
                return f"cannot import {name} ({exc}); run with the project's venv"
        return None

    return check


@contextlib.asynccontextmanager
async def _open_httpx() -> AsyncIterator[Fetch]:
    import httpx

    async with httpx.AsyncClient() as client:

        async def fetch(url: str) -> bytes:
            response = await client.get(url)
            return response.content

        yield fetch


@contextlib.asynccontextmanager
async def _open_aiohttp() -> AsyncIterator[Fetch]:
    import aiohttp

    async with aiohttp.ClientSession() as session:  # inside the running loop

        async def fetch(url: str) -> bytes:
            async with session.get(url) as response:
                return await response.read()

        yield fetch


@contextlib.asynccontextmanager
async def _open_aresilient() -> AsyncIterator[Fetch]:
    # aresilient 0.0.1a1 has no client class: it is a set of functions wrapping
    # an httpx.AsyncClient. Without `client=` it creates and closes a new
    # AsyncClient per call (no pooling), so pass a shared one.
    import httpx
    from aresilient import get_with_automatic_retry_async

    async with httpx.AsyncClient() as client:

        async def fetch(url: str) -> bytes:
            response = await get_with_automatic_retry_async(url, client=client)
            return response.content

        yield fetch


def _import_restwell() -> ModuleType:
    """Import restwell, falling back to this checkout's ``src`` if not installed."""
    try:
        return importlib.import_module("restwell")
    except ImportError:
        src = str(REPO / "src")
        if src not in sys.path:
            sys.path.insert(0, src)
        return importlib.import_module("restwell")


def _check_restwell() -> str | None:
    try:
        restwell = _import_restwell()
    except Exception as exc:  # a half-written package may raise anything
        return f"import restwell failed: {type(exc).__name__}: {exc}"
    if not hasattr(restwell, "AsyncClient"):
        return f"restwell ({_restwell_origin(restwell)}) has no AsyncClient yet"
    return None


def _restwell_origin(restwell: ModuleType) -> str:
    where = restwell.__file__ or ", ".join(getattr(restwell, "__path__", []))
    return str(Path(where).parent if where.endswith("__init__.py") else where)


def _restwell_version() -> str:
    """Version and where it was imported from (it may be this checkout's src)."""
    restwell = _import_restwell()
    version = getattr(restwell, "__version__", None) or _version("restwell")
    return f"{version} ({_restwell_origin(restwell)})"


@contextlib.asynccontextmanager
async def _open_restwell_httpx() -> AsyncIterator[Fetch]:
    restwell = _import_restwell()

    async with restwell.AsyncClient(transport="httpx") as client:

        async def fetch(url: str) -> bytes:
            response = await client.get(url)
            content: bytes = response.content
            return content

        yield fetch


VARIANTS: dict[str, Variant] = {
    "httpx": Variant(_open_httpx, _needs("httpx"), "httpx.AsyncClient() defaults"),
    "aiohttp": Variant(
        _open_aiohttp, _needs("aiohttp"), "aiohttp.ClientSession() defaults"
    ),
    "aresilient": Variant(
        _open_aresilient,
        _needs("httpx", "aresilient"),
        "get_with_automatic_retry_async(url, client=httpx.AsyncClient())",
    ),
    SUBJECT: Variant(
        _open_restwell_httpx,
        _check_restwell,
        'restwell.AsyncClient(transport="httpx") defaults',
    ),
}


# --------------------------------------------------------------------------
# nginx
# --------------------------------------------------------------------------


def _nginx_version(binary: Path) -> str:
    out = subprocess.run(
        [binary, "-v"], capture_output=True, text=True, check=False, timeout=10
    )
    match = re.search(r"nginx/\S+", out.stderr + out.stdout)
    return match.group(0) if match else "nginx (unknown version)"


def _nginx_has_stub_status(binary: Path) -> bool:
    out = subprocess.run(
        [binary, "-V"], capture_output=True, text=True, check=False, timeout=10
    )
    return "http_stub_status_module" in out.stderr + out.stdout


def _nginx_conf(tmp: Path, port: int, stub_status: bool) -> str:
    status = (
        f"        location = {PATH_STATUS} {{ stub_status; }}\n" if stub_status else ""
    )
    temp_paths = "".join(
        f"    {kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "worker_processes 1;\n"
        f"pid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        "    access_log off;\n"
        "    keepalive_requests 100000;\n"
        "    keepalive_timeout 120s;\n"
        f"{temp_paths}"
        "    server {\n"
        f"        listen 127.0.0.1:{port} backlog=4096;\n"
        f"        location = {PATH_200B} {{\n"
        "            default_type application/json;\n"
        f"            return 200 '{BODY.decode()}';\n"
        "        }\n"
        f"{status}"
        "    }\n"
        "}\n"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if this benchmark dies (Linux)."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()  # nginx: fast shutdown, workers included
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its own session, see Popen below
        proc.wait(timeout=5)


@dataclass
class Nginx:
    """A running private nginx."""

    port: int
    stub_status: bool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH_200B}"

    def accepted_connections(self) -> int | None:
        """Connections nginx has accepted so far (stub_status), None if unknown.

        The count includes this probe's own connection. Blocking I/O on purpose:
        it runs between the measured phases, when no request is in flight.
        """
        if not self.stub_status:
            return None
        request = f"GET {PATH_STATUS} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode(
            "ascii"
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(4096):
                chunks.append(chunk)
        # "... server accepts handled requests\n 12 12 34 \n..."
        match = re.search(rb"requests\s*\n\s*(\d+)\s+\d+\s+\d+", b"".join(chunks))
        return int(match.group(1)) if match else None


@contextlib.contextmanager
def nginx_server(binary: Path) -> Iterator[Nginx]:
    """Run nginx in the foreground as our child; always stopped on exit."""
    stub_status = _nginx_has_stub_status(binary)
    with tempfile.TemporaryDirectory(prefix="restwell-bench-nginx-") as tmp_name:
        tmp = Path(tmp_name)
        last_error = ""
        for _attempt in range(3):  # the free port may be taken in between
            port = _free_port()
            conf = tmp / "nginx.conf"
            conf.write_text(_nginx_conf(tmp, port, stub_status))
            command: list[str | Path] = [binary, "-p", tmp, "-c", conf]
            command += ["-e", tmp / "error.log", "-g", "daemon off;"]
            with (tmp / "stderr.log").open("wb") as stderr:
                proc = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    start_new_session=True,  # Ctrl-C is ours to handle, not nginx's
                    preexec_fn=_die_with_parent,
                )
            try:
                if _wait_listening(proc, port, timeout=10):
                    yield Nginx(port, stub_status)
                    return
            finally:
                _stop(proc)
            last_error = "\n".join(
                (tmp / name).read_text(errors="replace").strip()
                for name in ("stderr.log", "error.log")
                if (tmp / name).exists()
            )
            if "Address already in use" not in last_error:
                break
        raise BenchError(f"nginx did not start:\n{last_error}")


def _wait_listening(proc: subprocess.Popen[bytes], port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One measured cell."""

    rps: float
    cpu_us: float
    connections: int | None


@dataclass
class Cell:
    """All repeats of one (variant, concurrency)."""

    requests: int
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples)

    @property
    def rps(self) -> float:
        return statistics.median(s.rps for s in self.samples)

    @property
    def cpu_us(self) -> float:
        return statistics.median(s.cpu_us for s in self.samples)

    @property
    def cpu_range_pct(self) -> float:
        values = [s.cpu_us for s in self.samples]
        return 100 * (max(values) - min(values)) / statistics.median(values)

    @property
    def connections(self) -> int | None:
        counts = [s.connections for s in self.samples]
        if any(c is None for c in counts):
            return None
        return max(c for c in counts if c is not None)

    @property
    def churned(self) -> bool:
        """Did keep-alive break down (>10 % new connections) in some repeat?"""
        return self.connections is not None and self.connections > self.requests / 10


async def _drive(fetch: Fetch, url: str, total: int, concurrency: int) -> None:
    """Send ``total`` requests from ``concurrency`` tasks sharing one client."""
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await fetch(url)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(concurrency, total)):
            group.create_task(worker())


async def run_cell(
    variant: Variant,
    server: Nginx,
    concurrency: int,
    requests: int,
    warmup: int,
) -> Sample:
    """Warm up, then measure one cell on a fresh client."""
    async with variant.open() as fetch:
        body: object = await fetch(server.url)
        if body != BODY:
            raise BenchError(f"expected the 200-byte body, got {body!r:.100}")
        await _drive(fetch, server.url, warmup, concurrency)
        accepted_before = server.accepted_connections()
        gc.collect()
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        await _drive(fetch, server.url, requests, concurrency)
        cpu = time.process_time() - cpu_start
        wall = time.perf_counter() - wall_start
        accepted_after = server.accepted_connections()
    connections = None
    if accepted_before is not None and accepted_after is not None:
        connections = accepted_after - accepted_before - 1  # minus the status probe
    return Sample(requests / wall, cpu * 1e6 / requests, connections)


def requests_for(concurrency: int, quick: bool) -> int:
    total = 3000 if concurrency == 1 else 6000
    return total // 10 if quick else total


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}\N{MULTIPLICATION SIGN}"


def render_tables(
    results: dict[tuple[str, int], Cell],
    variants: Sequence[str],
    concurrencies: Sequence[int],
) -> str:
    """Markdown tables: every cell, then restwell-httpx against httpx."""
    lines = [
        f"| c | variant | req/s | CPU {US}/req | CPU range | CPU vs {BASELINE} "
        f"| req/s vs {BASELINE} | new conns |",
        "|--:|:--|--:|--:|--:|--:|--:|--:|",
    ]
    churn: list[str] = []
    for c in concurrencies:
        base = results.get((BASELINE, c))
        for name in variants:
            cell = results.get((name, c))
            if cell is None:
                continue
            if not cell.ok:
                error = str(cell.error).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| {c} | {name} | error: {error} | | | | | |")
                continue
            if cell.churned:
                churn.append(
                    f"- c={c} `{name}`: up to {cell.connections:,} new connections "
                    f"for {cell.requests:,} requests"
                )
            vs_cpu = vs_rps = "n/a"
            if base is not None and base.ok:
                vs_cpu = _ratio(cell.cpu_us, base.cpu_us)
                vs_rps = _ratio(cell.rps, base.rps)
            conns = "?" if cell.connections is None else str(cell.connections)
            lines.append(
                f"| {c} | {name} | {cell.rps:,.0f} | {cell.cpu_us:,.1f} "
                f"| {cell.cpu_range_pct:.0f}% | {vs_cpu} | {vs_rps} | {conns} |"
            )
    if churn:
        lines += [
            "",
            "Keep-alive broke down (the client closed and reopened connections) in "
            "at least one repeat of these cells; their numbers measure connection "
            "churn more than per-request overhead, and can be bimodal:",
            "",
            *churn,
        ]
    lines += [
        "",
        f"**{SUBJECT} vs {BASELINE}**",
        "",
        f"| c | CPU ratio | req/s ratio | CPU overhead ({US}/req) |",
        "|--:|--:|--:|--:|",
    ]
    for c in concurrencies:
        base, subject = results.get((BASELINE, c)), results.get((SUBJECT, c))
        if base is None or subject is None or not base.ok or not subject.ok:
            lines.append(f"| {c} | n/a | n/a | n/a |")
            continue
        lines.append(
            f"| {c} | {_ratio(subject.cpu_us, base.cpu_us)} "
            f"| {_ratio(subject.rps, base.rps)} "
            f"| {subject.cpu_us - base.cpu_us:+,.1f} |"
        )
    return "\n".join(lines) + "\n"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def render_report(
    tables: str,
    args: argparse.Namespace,
    variants: Sequence[str],
    skipped: dict[str, str],
    nginx_version: str,
    load_before: str,
) -> str:
    """The generated section of docs/benchmarks.md."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    counts = ", ".join(
        f"c={c}: {requests_for(c, args.quick):,}" for c in args.concurrency
    )
    restwell = (
        _restwell_version() if SUBJECT not in skipped else "not benchmarked (see below)"
    )
    notes = "\n".join(
        f"- `{name}`: {VARIANTS[name].note}" for name in variants if name not in skipped
    )
    skipped_lines = "".join(f"- `{n}` skipped: {why}\n" for n, why in skipped.items())
    quick = " **(--quick: N/10, smoke run only)**" if args.quick else ""
    command = shlex.join(["python", "bench/bench_overhead.py", *sys.argv[1:]])
    nproc = len(os.sched_getaffinity(0))
    return f"""\
## Client overhead against a local nginx

Generated {now} by `{command}`{quick}.

- Machine: {nproc} CPUs (nproc; {_cpu_model()}), {platform.system()} \
{platform.release()}; load average before the run: {load_before}
- Python {platform.python_version()} ({platform.python_implementation()}), \
default asyncio event loop (no uvloop), a fresh loop per cell
- httpx {_version("httpx")} (httpcore {_version("httpcore")}), \
aiohttp {_version("aiohttp")}, aresilient {_version("aresilient")}, \
restwell {restwell}
- Server: {nginx_version}, 1 worker, `access_log off`, keep-alive, \
`GET /200b` answers a 200-byte JSON body; on 127.0.0.1, sharing the CPUs with \
the client
- Requests per cell ({counts}) after {args.warmup} warm-up requests, \
`c` asyncio tasks sharing one client; median of {args.repeats} \
repeat(s), interleaved across variants

Variants:

{notes}
{skipped_lines}
Columns: *CPU {US}/req* is this process's CPU time (user + system,
`time.process_time`; nginx is not counted) divided by requests; *CPU range* is
(max - min) / median over the repeats; *new conns* is the most TCP connections
nginx accepted during the measured requests of one repeat (0 = the warm pool
was reused throughout).
Ratios are against `{BASELINE}` at the same concurrency. Req/s depends on
nginx sharing the same CPUs; CPU {US}/req is the number to compare.

{tables}
Reproduce with `make bench` (runs
`python bench/bench_overhead.py --write docs/benchmarks.md`); see
`python bench/bench_overhead.py --help` for `--quick`, `--variants`,
`--concurrency`, `--repeats`.
"""


MARK_START = "<!-- bench_overhead:start (generated; edit bench/bench_overhead.py) -->"
MARK_END = "<!-- bench_overhead:end -->"


def write_report(path: Path, report: str) -> None:
    """Replace the generated section of ``path``; keep anything around it."""
    block = f"{MARK_START}\n{report}{MARK_END}\n"
    text = path.read_text() if path.exists() else ""
    start, end = text.find(MARK_START), text.find(MARK_END)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(MARK_END) :].lstrip("\n")
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "# Benchmarks\n\n") + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def _csv(kind: type[int] | type[str]) -> Callable[[str], list[int] | list[str]]:
    def parse(text: str) -> list[int] | list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if kind is int:
            return [int(item) for item in items]
        return items

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "CPU overhead per request of restwell vs. raw httpx/aiohttp/aresilient "
            "against a private nginx on 127.0.0.1."
        )
    )
    parser.add_argument(
        "--quick", action="store_true", help="divide the request counts by 10"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=DEFAULT_REPEATS,
        help=f"repeats per cell, median reported (default {DEFAULT_REPEATS})",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=DEFAULT_WARMUP,
        help=f"warm-up requests per cell (default {DEFAULT_WARMUP})",
    )
    parser.add_argument(
        "--variants",
        type=_csv(str),
        default=list(VARIANTS),
        help=f"comma-separated subset of: {','.join(VARIANTS)} (default: all)",
    )
    parser.add_argument(
        "--concurrency",
        type=_csv(int),
        default=list(DEFAULT_CONCURRENCY),
        help="comma-separated concurrencies (default: 1,16,256)",
    )
    parser.add_argument(
        "--write",
        type=Path,
        metavar="PATH",
        help="also write the report into PATH (e.g. docs/benchmarks.md)",
    )
    parser.add_argument(
        "--nginx", type=Path, default=NGINX, help=f"nginx binary (default {NGINX})"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.variants if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    if args.repeats < 1 or args.warmup < 0 or any(c < 1 for c in args.concurrency):
        parser.error("--repeats and --concurrency must be >= 1, --warmup >= 0")
    return args


def _raise_system_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so `finally` stops nginx on SIGTERM too


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_system_exit)

    if not os.access(args.nginx, os.X_OK):
        print(
            f"nginx not found at {args.nginx}. Install it (Debian/Ubuntu):\n"
            f"    {NGINX_INSTALL_HINT}",
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
    if not variants:
        print("nothing to run: every requested variant is skipped", file=sys.stderr)
        return 2

    nginx_version = _nginx_version(args.nginx)
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    results: dict[tuple[str, int], Cell] = {
        (name, c): Cell(requests_for(c, args.quick))
        for c in args.concurrency
        for name in variants
    }
    with nginx_server(args.nginx) as server:
        print(f"{nginx_version} on {server.url}", file=sys.stderr)
        # Repeats are the outer loop so slow drift or background load spreads
        # over every variant instead of landing on one.
        for repeat in range(1, args.repeats + 1):
            for c in args.concurrency:
                for name in variants:
                    cell = results[(name, c)]
                    if cell.error is not None:
                        continue
                    gc.collect()
                    try:
                        sample = asyncio.run(
                            run_cell(
                                VARIANTS[name], server, c, cell.requests, args.warmup
                            )
                        )
                    except Exception as exc:
                        cell.error = f"{type(exc).__name__}: {exc}"
                        print(f"[{repeat}] c={c} {name}: {cell.error}", file=sys.stderr)
                        continue
                    cell.samples.append(sample)
                    print(
                        f"[{repeat}/{args.repeats}] c={c:<4} {name:<15} "
                        f"{sample.rps:>8,.0f} req/s {sample.cpu_us:>8,.1f} "
                        f"{US} CPU/req  conns={sample.connections}",
                        file=sys.stderr,
                    )

    tables = render_tables(results, variants, args.concurrency)
    print(tables)
    if args.write is not None:
        report = render_report(
            tables, args, variants, skipped, nginx_version, load_before
        )
        write_report(args.write, report)
        print(f"wrote {args.write}", file=sys.stderr)
    return 1 if any(cell.error for cell in results.values()) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # nginx is already stopped by nginx_server()
        print("interrupted", file=sys.stderr)
        sys.exit(130)
