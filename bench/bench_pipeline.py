"""
CPU cost restwell's pipeline adds per call, with the network taken out.

Two measurements, CPU time per call (``time.process_time``), both without sockets,
kernel or server noise:

* **Over ``httpx.MockTransport``**: restwell over an ``httpx.AsyncClient`` whose
  transport is ``httpx.MockTransport`` answering a streamed 200-byte JSON body,
  against raw httpx through the same mock. *Added* is restwell minus raw httpx.
* **Over a null transport**: restwell over a transport that does nothing: its
  ``send(request)`` returns an already-read ``Response`` (the 200-byte body, shared
  headers). The null transport's own cost, its ``send`` called directly in the same
  loop shape, is subtracted, so *added* is restwell's own work per call: building
  the ``Request``, the stages, the attempt record, the ``Response`` bookkeeping.
  Async and sync clients; default, bare (no hooks, deadline or retry), and default
  plus one pass-through middleware.

Each tree is measured in worker subprocesses with ``PYTHONPATH`` set to its source
directory, so ``--baseline-src`` measures another tree (an older commit, e.g. a
``git archive`` or ``git worktree`` of it) in the same run: rounds alternate which
tree goes first, and *current − baseline* is the median of the per-round
differences. Inside a worker the two sides of each difference (raw/restwell,
null/restwell) are timed back to back. ``callgrind_pipeline.py`` counts
instructions for the same null-transport workload (``workload()`` here).

    python bench/bench_pipeline.py [--baseline-src DIR] [--rounds 10] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / ".results"
BODY = b'{"k":"' + b"v" * 192 + b'"}'
URL = "http://127.0.0.1/200b"
START, END = "<!-- bench_pipeline:start -->", "<!-- bench_pipeline:end -->"
NULL_START = (
    "<!-- bench_pipeline_null:start (generated; edit bench/bench_pipeline.py) -->"
)
NULL_END = "<!-- bench_pipeline_null:end -->"

BARE = {"hooks": [], "deadline": None, "retry": None}
MOCK_VARIANTS: dict[str, dict[str, Any]] = {
    "default pipeline": {},
    "no hooks, no deadline, no retry": BARE,
}
# (client, configuration) -> AsyncClient/Client keyword arguments; "middleware"
# is filled in with the pass-through of the right colour.
NULL_VARIANTS: dict[tuple[str, str], dict[str, Any]] = {
    ("async", "default"): {},
    ("async", "no hooks, no deadline, no retry"): BARE,
    ("async", "default + 1 pass-through middleware"): {"middleware": True},
    ("sync", "default"): {},
    ("sync", "no hooks, no deadline, no retry"): BARE,
    ("sync", "default + 1 pass-through middleware"): {"middleware": True},
}

restwell: ModuleType  # set by load(): the tree under measurement


def load(src: str | Path) -> ModuleType:
    """Import restwell from ``src`` (ahead of any installed copy) and return it."""
    global restwell
    src = Path(src).resolve()
    sys.path.insert(0, str(src))
    import restwell as module

    here = Path(module.__file__ or "").resolve()
    if not here.is_relative_to(src):
        raise SystemExit(f"imported restwell from {here}, not from {src}")
    restwell = module
    return module


# -- the null transport ----------------------------------------------------------------
class NullStream:
    """
    The body stream of a null response; only the baseline tree (159bdff) reads it.

    The null response is built with ``content=``, so it is already read: the current
    tree's ``body`` stage calls ``response.aread()``, which returns that content and
    never touches the stream. The baseline's retry loop instead read every body
    itself, through the stream's ``aread_until`` / ``read_until`` when it has one
    (its own transports' fast path) and by iterating it otherwise; this answers
    the fast path, so both trees do one cheap call per response.
    """

    async def aread_until(self, deadline_at: float, monotonic: Any) -> bytes:
        return BODY

    def read_until(self, deadline_at: float, monotonic: Any) -> bytes:
        return BODY

    async def aread(self) -> bytes:
        return BODY

    def read(self) -> bytes:
        return BODY

    async def __aiter__(self) -> Any:
        yield BODY

    def __iter__(self) -> Iterator[bytes]:
        yield BODY

    async def aclose(self) -> None:
        return None

    def close(self) -> None:
        return None


STREAM = NullStream()


class AsyncNullTransport:
    """An ``AsyncTransport`` that answers every request with a read 200 response."""

    def __init__(self) -> None:
        self.headers = restwell.Headers(
            {"content-type": "application/json", "content-length": str(len(BODY))}
        )

    async def send(self, request: Any) -> Any:
        return restwell.Response(
            200, headers=self.headers, content=BODY, stream=STREAM, request=request
        )

    async def aclose(self) -> None:
        return None


class NullTransport:
    """The sync twin of ``AsyncNullTransport``."""

    def __init__(self) -> None:
        self.headers = restwell.Headers(
            {"content-type": "application/json", "content-length": str(len(BODY))}
        )

    def send(self, request: Any) -> Any:
        return restwell.Response(
            200, headers=self.headers, content=BODY, stream=STREAM, request=request
        )

    def close(self) -> None:
        return None


async def apassthrough(request: Any, call_next: Any) -> Any:
    return await call_next(request)


def passthrough(request: Any, call_next: Any) -> Any:
    return call_next(request)


def _kwargs(mode: str, config: dict[str, Any]) -> dict[str, Any]:
    kwargs = dict(config)
    if kwargs.get("middleware"):
        kwargs["middleware"] = [apassthrough if mode == "async" else passthrough]
    return kwargs


def workload(
    mode: str, config: dict[str, Any]
) -> tuple[Any, Callable[[], Any], Callable[[], Any]]:
    """
    Build a client over a null transport: ``(client, call, direct)``.

    ``call()`` is one ``client.get`` and its ``.content``; ``direct()`` is the same
    loop body with the null transport's ``send`` in place of the client. Both are
    coroutine functions for ``mode == "async"``. The caller closes the client.
    """
    request = restwell.Request("GET", URL)
    if mode == "async":
        atransport = AsyncNullTransport()
        aclient = restwell.AsyncClient(transport=atransport, **_kwargs(mode, config))

        async def acall() -> bytes:
            return (await aclient.get(URL)).content  # type: ignore[no-any-return]

        async def adirect() -> bytes:
            return (await atransport.send(request)).content  # type: ignore[no-any-return]

        return aclient, acall, adirect
    transport = NullTransport()
    client = restwell.Client(transport=transport, **_kwargs(mode, config))

    def call() -> bytes:
        return client.get(URL).content  # type: ignore[no-any-return]

    def direct() -> bytes:
        return transport.send(request).content  # type: ignore[no-any-return]

    return client, call, direct


# -- timing ----------------------------------------------------------------------------
WARMUP = 300


async def _atime(fetch: Callable[[], Awaitable[Any]], n: int) -> float:
    for _ in range(WARMUP):
        await fetch()
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        await fetch()
    return (time.process_time() - start) / n * 1e6


def _time(fetch: Callable[[], Any], n: int) -> float:
    for _ in range(WARMUP):
        fetch()
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        fetch()
    return (time.process_time() - start) / n * 1e6


def mock_handler(request: Any) -> Any:
    import httpx

    return httpx.Response(
        200,
        stream=httpx.ByteStream(BODY),
        headers={"content-type": "application/json", "content-length": str(len(BODY))},
    )


async def raw_httpx(n: int) -> float:
    import httpx

    async with httpx.AsyncClient(transport=httpx.MockTransport(mock_handler)) as client:

        async def fetch() -> bytes:
            return (await client.get(URL)).content

        return await _atime(fetch, n)


async def restwell_httpx(n: int, **kwargs: Any) -> float:
    import httpx

    http = httpx.AsyncClient(transport=httpx.MockTransport(mock_handler))
    async with restwell.AsyncClient(transport=http, **kwargs) as client:

        async def fetch() -> bytes:
            return (await client.get(URL)).content  # type: ignore[no-any-return]

        return await _atime(fetch, n)


async def _anull(config: dict[str, Any], n: int) -> tuple[float, float]:
    client, call, direct = workload("async", config)
    async with client:
        base = await _atime(direct, n)
        ours = await _atime(call, n)
    return base, ours


def _null(config: dict[str, Any], n: int) -> tuple[float, float]:
    client, call, direct = workload("sync", config)
    with client:
        base = _time(direct, n)
        ours = _time(call, n)
    return base, ours


def worker(src: str, mock_requests: int, null_requests: int, reps: int) -> int:
    """Measure one tree once: prints one JSON line."""
    module = load(src)
    out: dict[str, Any] = {"restwell": module.__file__, "mock": {}, "null": {}}
    if mock_requests:
        for name, kwargs in MOCK_VARIANTS.items():
            raw = asyncio.run(raw_httpx(mock_requests))
            ours = asyncio.run(restwell_httpx(mock_requests, **kwargs))
            out["mock"][name] = [raw, ours]
    if null_requests:
        for (mode, name), config in NULL_VARIANTS.items():
            pairs = []
            for _ in range(reps):
                if mode == "async":
                    pairs.append(asyncio.run(_anull(config, null_requests)))
                else:
                    pairs.append(_null(config, null_requests))
            out["null"][f"{mode}|{name}"] = pairs
    print(json.dumps(out))
    return 0


# -- driving workers and reporting -----------------------------------------------------
def worker_env(src: Path) -> dict[str, str]:
    """The environment of a worker measuring ``src`` (no bytecode written into it)."""
    return dict(
        os.environ,
        PYTHONPATH=str(src),
        PYTHONHASHSEED="0",
        PYTHONPYCACHEPREFIX=str(RESULTS / "pycache"),
    )


def describe(src: Path) -> str:
    """``<short commit>[+dirty]`` for a checkout's ``src/``, else its parent's name."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(src), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top, "src").resolve() != src.resolve():
        return src.parent.name.removeprefix("baseline-")  # make bench's export
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    return git("rev-parse", "--short", "HEAD") + ("+dirty" if dirty else "")


def run_worker(src: Path, args: argparse.Namespace, mock: bool) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        str(src),
        "--requests",
        str(args.requests if mock else 0),
        "--null-requests",
        str(args.null_requests),
        "--reps",
        str(args.reps),
    ]
    done = subprocess.run(
        cmd, env=worker_env(src), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"worker for {src} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def stats(values: list[float]) -> tuple[float, float, float]:
    """Median, first and third quartile."""
    if len(values) < 2:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4)
    return statistics.median(values), q[0], q[2]


def fmt(values: list[float]) -> str:
    med, lo, hi = stats(values)
    return f"**{med:+.2f}** | {lo:+.2f} … {hi:+.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", metavar="SRC", help=argparse.SUPPRESS)
    parser.add_argument(
        "--src",
        type=Path,
        default=REPO / "src",
        help="the tree to measure (default: this checkout's src/)",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="another tree's src/ to measure in the same run (e.g. 159bdff's)",
    )
    parser.add_argument("--baseline-label", default=None)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--requests",
        type=int,
        default=10000,
        help="requests per MockTransport block (0 skips that measurement)",
    )
    parser.add_argument(
        "--mock-rounds",
        type=int,
        default=None,
        help="rounds with the MockTransport measurement (default: every round)",
    )
    parser.add_argument(
        "--null-requests",
        type=int,
        default=20000,
        help="calls per null-transport block (0 skips that measurement)",
    )
    parser.add_argument(
        "--reps", type=int, default=3, help="null-transport blocks per worker"
    )
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.requests, args.null_requests, args.reps)

    trees = [("current", args.src.resolve(), describe(args.src))]
    if args.baseline_src is not None:
        label = args.baseline_label or describe(args.baseline_src)
        trees.append(("baseline", args.baseline_src.resolve(), label))
    mock_rounds = args.rounds if args.mock_rounds is None else args.mock_rounds
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side, _, _ in trees}
    started = time.time()
    for r in range(args.rounds):
        order = trees if r % 2 == 0 else trees[::-1]
        for side, src, _ in order:
            runs[side].append(run_worker(src, args, mock=r < mock_rounds))
        print(f"round {r + 1}/{args.rounds} done ({time.time() - started:.0f} s)")
    env = (
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"before the run {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    labels = {side: label for side, _, label in trees}
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    texts = []
    if args.requests and mock_rounds:
        texts.append(
            (START, END, mock_report(runs, labels, args, mock_rounds, stamp, env))
        )
    if args.null_requests:
        texts.append(
            (NULL_START, NULL_END, null_report(runs, labels, args, stamp, env))
        )
    for start, end, text in texts:
        print(text)
        if args.write:
            write_section(args.write, start, end, text)
    return 0


def command(args: argparse.Namespace) -> str:
    cmd = "python bench/bench_pipeline.py"
    if args.baseline_src is not None:
        cmd += " --baseline-src DIR"
    return f"`{cmd}`"


def mock_report(
    runs: dict[str, list[dict[str, Any]]],
    labels: dict[str, str],
    args: argparse.Namespace,
    rounds: int,
    stamp: str,
    env: str,
) -> str:
    import httpx

    lines = [
        START,
        "## Pipeline overhead, network taken out",
        "",
        f"{command(args)} ({stamp}): httpx {httpx.__version__}, {env}; {rounds}"
        f" rounds of {args.requests:,} requests per tree, raw httpx then restwell, both"
        " through `httpx.MockTransport` (streamed 200-byte body), each tree in its own"
        " worker process, the trees' order alternating by round.",
        "CPU µs per request (`time.process_time`); *added* is restwell minus raw httpx"
        " in the same worker (median and IQR over the rounds). Goal (issue “Stages”):"
        " the default pipeline adds at most 10 µs.",
        "",
        "| restwell configuration | tree | raw httpx µs/req | restwell µs/req | added µs/req | IQR of added |",
        "|:--|:--|--:|--:|--:|--:|",
    ]
    added: dict[tuple[str, str], list[float]] = {}
    for name in MOCK_VARIANTS:
        for side, label in labels.items():
            pairs = [run["mock"][name] for run in runs[side][:rounds]]
            raw = [p[0] for p in pairs]
            ours = [p[1] for p in pairs]
            added[name, side] = [b - a for a, b in pairs]
            lines.append(
                f"| {name} | {side} ({label}) | {statistics.median(raw):.1f} |"
                f" {statistics.median(ours):.1f} | {fmt(added[name, side])} |"
            )
    if "baseline" in labels:
        lines += [
            "",
            "*current − baseline*: the difference of the two trees' *added*, round by"
            " round (median and IQR).",
            "",
            "| restwell configuration | current − baseline µs/req | IQR |",
            "|:--|--:|--:|",
        ]
        for name in MOCK_VARIANTS:
            diffs = [
                c - b
                for c, b in zip(
                    added[name, "current"], added[name, "baseline"], strict=True
                )
            ]
            lines.append(f"| {name} | {fmt(diffs)} |")
    lines.append(END)
    return "\n".join(lines)


def null_report(
    runs: dict[str, list[dict[str, Any]]],
    labels: dict[str, str],
    args: argparse.Namespace,
    stamp: str,
    env: str,
) -> str:
    lines = [
        NULL_START,
        "## Pipeline overhead over a null transport",
        "",
        f"{command(args)} ({stamp}): {env}; {args.rounds} rounds per tree, each a"
        f" worker process timing {args.reps} blocks of {args.null_requests:,} calls"
        " per configuration, the trees' order alternating by round. The transport"
        " does nothing: `send(request)` returns an already-read `Response` (200-byte"
        " body, shared headers). *null* is that `send` called directly in the same"
        " loop; *added* is restwell minus null, block by block (median and IQR of"
        " all blocks). Goal (issue “Stages”): the default pipeline adds at most 7 µs"
        " per call; an unused slot adds nothing.",
        "",
        "| client | configuration | tree | null µs/call | restwell µs/call | added µs/call | IQR of added |",
        "|:--|:--|:--|--:|--:|--:|--:|",
    ]
    # per (variant, side): per-round median of the blocks' differences
    per_round: dict[tuple[str, str], list[float]] = {}
    for mode, name in NULL_VARIANTS:
        key = f"{mode}|{name}"
        for side, label in labels.items():
            blocks = [tuple(p) for run in runs[side] for p in run["null"][key]]
            per_round[key, side] = [
                statistics.median(b - a for a, b in run["null"][key])
                for run in runs[side]
            ]
            lines.append(
                f"| {mode} | {name} | {side} ({label})"
                f" | {statistics.median(a for a, _ in blocks):.2f}"
                f" | {statistics.median(b for _, b in blocks):.2f}"
                f" | {fmt([b - a for a, b in blocks])} |"
            )
    lines += [
        "",
        "One pass-through middleware (`return await call_next(request)`), per call:"
        " *added* with it minus *added* without it, round by round.",
        "",
        "| client | tree | middleware µs/call | IQR |",
        "|:--|:--|--:|--:|",
    ]
    for mode in ("async", "sync"):
        for side, label in labels.items():
            mw = per_round[f"{mode}|default + 1 pass-through middleware", side]
            default = per_round[f"{mode}|default", side]
            diffs = [a - b for a, b in zip(mw, default, strict=True)]
            lines.append(f"| {mode} | {side} ({label}) | {fmt(diffs)} |")
    if "baseline" in labels:
        lines += [
            "",
            "*current − baseline*: the difference of the two trees' per-round medians"
            " of *added*, round by round (median and IQR).",
            "",
            "| client | configuration | current − baseline µs/call | IQR |",
            "|:--|:--|--:|--:|",
        ]
        for mode, name in NULL_VARIANTS:
            key = f"{mode}|{name}"
            diffs = [
                c - b
                for c, b in zip(
                    per_round[key, "current"], per_round[key, "baseline"], strict=True
                )
            ]
            lines.append(f"| {mode} | {name} | {fmt(diffs)} |")
    lines.append(NULL_END)
    return "\n".join(lines)


def write_section(path: Path, start: str, end: str, text: str) -> None:
    """Replace the ``start``…``end`` section of ``path`` with ``text`` (or append it)."""
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    if start in doc and end in doc:
        doc = doc[: doc.index(start)] + text + doc[doc.index(end) + len(end) :]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(doc)


if __name__ == "__main__":
    sys.exit(main())
