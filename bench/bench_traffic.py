#!/usr/bin/env python
"""
What the in-memory rate limiter and bulkhead cost: decisions/s and µs per request.

1. Each sans-IO policy alone, in a tight loop: ``RateLimiter.decide`` admitting at
   once (a limit far above the loop's rate: the happy path), and ``Bulkhead.enter``
   + ``release`` with a free permit.
2. A whole call through ``AsyncClient`` over ``AsyncMockTransport`` (no network, so
   the pipeline's own cost is what is measured), without a policy, with
   ``rate_limit=`` and with ``bulkhead=``; the difference is what the stage adds.
   The issue's target: each in-memory policy adds at most 2 µs per request.

Usage::

    python bench/bench_traffic.py            # prints a small table
    python bench/bench_traffic.py --n 20000  # calls per repeat (default 20000)
    python bench/bench_traffic.py --only rate --calls 2000   # one variant, for
        # valgrind --tool=callgrind (run with --calls 0 too and difference them)

Each time is the best of 9 repeats (the least disturbed; the call variants run
interleaved), in CPU time of this process (``time.process_time``). Figures
measured on this project's machine are in docs/benchmarks.md ("Traffic control").
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import restwell
from restwell import Request, Response
from restwell.policies import Bulkhead, RateLimit, RateLimiter
from restwell.testing import AsyncMockTransport

REPEATS = 9
URL = "http://127.0.0.1:8080/x"


def rate_decisions(n: int) -> float:
    """``RateLimiter.decide`` per second, each admitted at once."""
    limiter = RateLimiter(RateLimit(1e9, burst=1_000_000))
    request = Request("GET", URL)
    decide = limiter.decide
    start = time.process_time()
    for i in range(n):
        decide(request, i * 1e-6)
    return n / (time.process_time() - start)


def bulkhead_decisions(n: int) -> float:
    """``Bulkhead.enter`` + ``release`` per second, with a free permit."""
    bulkhead = Bulkhead(10)
    enter, release = bulkhead.enter, bulkhead.release
    make = object
    start = time.process_time()
    for _ in range(n):
        enter(make)
        release()
    return n / (time.process_time() - start)


VARIANTS: dict[str, dict[str, Any]] = {
    "none": {},
    "rate": {"rate_limit": RateLimiter(RateLimit(1e9, burst=1_000_000))},
    "bulkhead": {"bulkhead": Bulkhead(10)},
}


async def calls(n: int, variant: str) -> float:
    """CPU µs per call through the whole pipeline (0.0 when ``n`` is 0)."""
    transport = AsyncMockTransport(lambda request: Response(200, content=b"{}"))
    async with restwell.AsyncClient(
        transport=transport, hooks=[], **VARIANTS[variant]
    ) as client:
        for _ in range(200):  # warm up
            await client.get(URL)
        start = time.process_time()
        for _ in range(n):
            await client.get(URL)
        return (time.process_time() - start) / max(n, 1) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--only", choices=sorted(VARIANTS))
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    if args.only:  # one run for callgrind: no table
        asyncio.run(calls(args.calls, args.only))
        return
    n = args.n
    print(
        f"rate limiter decisions (admitted): {max(rate_decisions(n * 5) for _ in range(REPEATS)):,.0f}/s"
    )
    print(
        f"bulkhead enter + release: {max(bulkhead_decisions(n * 5) for _ in range(REPEATS)):,.0f}/s"
    )
    best: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for _ in range(REPEATS):  # interleaved, so drift hits every variant alike
        for variant in VARIANTS:
            best[variant].append(asyncio.run(calls(n, variant)))
    base = min(best["none"])
    print(f"call without a policy: {base:.2f} µs CPU")
    for variant in ("rate", "bulkhead"):
        t = min(best[variant])
        print(
            f"call with {variant}: {t:.2f} µs CPU, added {t - base:+.2f} µs per request"
        )


if __name__ == "__main__":
    main()
