#!/usr/bin/env python
"""
What hedging costs on the happy path: µs added per request when attempt 1 answers
before the delay (no hedge is ever sent).

A whole call through ``AsyncClient`` over ``AsyncMockTransport`` (no network, so the
pipeline's own cost is what is measured), with and without ``hedge=Hedge(60.0)``;
the difference is what the ``hedge`` stage adds in place of the ``retry`` stage.
Run on asyncio (the default backend) and on trio (``--backend trio``).

Measured here (CPython 3.11, a shared 2-core machine): about 30 µs CPU added per
request on asyncio (27 → 57 µs), about 105 µs on trio. Nearly all of it is
concurrency itself: attempt 1 runs as a task (asyncio: a native task and a
``loop.call_later`` timer; trio: an anyio task group, whose task start and
cancellation cost far more), and the mock transport never suspends, so the plain
call takes no turn of the event loop while the hedged one takes two. Over a real
socket the plain call takes turns of the loop too (not measured here). Keeping
attempt 1 in the calling task (a loop timer that starts hedges, and a cancel
scope to stop attempt 1 if a hedge wins) would remove the task; not done yet.

Usage::

    python bench/bench_hedge.py                  # prints a small table
    python bench/bench_hedge.py --n 20000        # calls per repeat (default 20000)
    python bench/bench_hedge.py --backend trio

Each figure is the best of 9 repeats (the least disturbed; the two variants run
interleaved), in CPU time of this process (``time.process_time``).
"""

from __future__ import annotations

import argparse
import time

import anyio

import restwell
from restwell import Response
from restwell.policies import Hedge
from restwell.testing import AsyncMockTransport

REPEATS = 9


async def calls(n: int, hedge: Hedge | None) -> float:
    """CPU µs per call through the whole pipeline."""
    transport = AsyncMockTransport(lambda request: Response(200, content=b"{}"))
    async with restwell.AsyncClient(
        transport=transport, hedge=hedge, hooks=[]
    ) as client:
        url = "http://127.0.0.1:8080/x"
        for _ in range(200):  # warm up
            await client.get(url)
        start = time.process_time()
        for _ in range(n):
            await client.get(url)
        return (time.process_time() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    args = parser.parse_args()
    plain, hedged = [], []
    for _ in range(REPEATS):  # interleaved, so drift hits both alike
        plain.append(anyio.run(calls, args.n, None, backend=args.backend))
        hedged.append(anyio.run(calls, args.n, Hedge(60.0), backend=args.backend))
    p, h = min(plain), min(hedged)
    print(f"backend: {args.backend}")
    print(f"call without a hedge:            {p:.2f} µs CPU")
    print(f"call with a hedge (not needed):  {h:.2f} µs CPU")
    print(f"added by the hedge stage: {h - p:.2f} µs per request")


if __name__ == "__main__":
    main()
