"""
CPU cost restwell's pipeline adds to one httpx request, with the network taken out.

Both sides send through ``httpx.MockTransport`` answering a streamed 200-byte JSON
body, so sockets, the kernel and nginx do not add their noise; the difference is
restwell's own work per call: building the ``Request``, the retry loop and its
decision, the deadline-bounded body read, the ``Response`` and its attempt record.
Runs are paired and interleaved (raw, restwell, raw, …); the result is the median of
the per-pair differences, with its spread. ``bench_overhead.py`` measures the same
clients end to end against nginx.

    python bench/bench_pipeline.py [--pairs 15] [--requests 20000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
import restwell

BODY = b'{"k":"' + b"v" * 192 + b'"}'
URL = "http://127.0.0.1/200b"
START, END = "<!-- bench_pipeline:start -->", "<!-- bench_pipeline:end -->"


def handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        stream=httpx.ByteStream(BODY),
        headers={"content-type": "application/json", "content-length": str(len(BODY))},
    )


async def _time(fetch: Callable[[], Awaitable[bytes]], n: int) -> float:
    for _ in range(300):
        await fetch()
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        await fetch()
    return (time.process_time() - start) / n * 1e6


async def raw_httpx(n: int) -> float:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:

        async def fetch() -> bytes:
            return (await client.get(URL)).content

        return await _time(fetch, n)


async def restwell_httpx(n: int, **kwargs: object) -> float:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with restwell.AsyncClient(transport=http, **kwargs) as client:  # type: ignore[arg-type]

        async def fetch() -> bytes:
            return (await client.get(URL)).content

        return await _time(fetch, n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    variants = {
        "default pipeline": {},
        "no hooks, no deadline, no retry": {
            "hooks": [],
            "deadline": None,
            "retry": None,
        },
    }
    rows = []
    raw_all: list[float] = []
    for name, kwargs in variants.items():
        diffs, raws, ours = [], [], []
        for _ in range(args.pairs):
            a = asyncio.run(raw_httpx(args.requests))
            b = asyncio.run(restwell_httpx(args.requests, **kwargs))
            raws.append(a)
            ours.append(b)
            diffs.append(b - a)
        raw_all += raws
        q = statistics.quantiles(diffs, n=4)
        rows.append(
            (
                name,
                statistics.median(raws),
                statistics.median(ours),
                statistics.median(diffs),
                q[0],
                q[2],
            )
        )
        print(
            f"{name}: +{statistics.median(diffs):.2f} µs/req (IQR {q[0]:.2f}…{q[2]:.2f})"
        )
    table = [
        START,
        "## Pipeline overhead, network taken out",
        "",
        f"`python bench/bench_pipeline.py` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}):"
        f" httpx {httpx.__version__}, Python {sys.version.split()[0]}, {args.pairs} interleaved pairs"
        f" of {args.requests:,} requests, both through `httpx.MockTransport` (streamed 200-byte body).",
        "CPU µs per request (`time.process_time`); *added* is the median of the per-pair differences.",
        "",
        "| restwell configuration | raw httpx µs/req | restwell µs/req | added µs/req | IQR of added |",
        "|:--|--:|--:|--:|--:|",
    ]
    for name, a, b, d, lo, hi in rows:
        table.append(
            f"| {name} | {a:.1f} | {b:.1f} | **{d:+.2f}** | {lo:+.2f} … {hi:+.2f} |"
        )
    table.append(END)
    text = "\n".join(table)
    if args.write:
        doc = args.write.read_text() if args.write.exists() else "# Benchmarks\n"
        if START in doc and END in doc:
            doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END) :]
        else:
            doc = doc.rstrip("\n") + "\n\n" + text + "\n"
        args.write.write_text(doc)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
