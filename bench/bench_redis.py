#!/usr/bin/env python
"""
What sharing state through Redis costs: decisions per second, and µs per request.

1. The policies alone, in a tight loop: a rate limiter's decision (``reserve``,
   two limits) and a circuit breaker's (``allow`` + ``record`` of a success),
   with the in-memory store and with ``RedisStore`` on a redis-server on
   loopback (sync client: one round trip per decision).
2. A whole call through ``AsyncClient`` over ``AsyncMockTransport`` (no HTTP, so
   the policies' cost is what is measured): no policy, then each policy with the
   memory store and with Redis; the difference is what the stage adds.

Usage::

    python bench/bench_redis.py              # starts its own redis-server
    python bench/bench_redis.py --n 2000     # calls per repeat (default 2000)
    python bench/bench_redis.py --port 6379  # use a running server (loopback)

Times are wall-clock (``time.perf_counter``: a Redis round trip is waiting, not
CPU), best of 5 repeats, the call variants interleaved. Needs ``redis-server``
(Debian's package) and redis-py (``pip install 'restwell[redis]'``).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio

import restwell
from restwell import Request, Response
from restwell.policies import CircuitBreaker, RateLimit, RateLimiter
from restwell.stores import RedisStore
from restwell.testing import AsyncMockTransport

REPEATS = 5
LIMITS = [RateLimit(1e9, burst=1_000_000), RateLimit(1e12, per=3600, burst=1_000_000)]
"""Limits never reached: the happy path (admitted at once) is what is timed."""


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(500):
        try:
            if redis.Redis(port=port).ping():
                break
        except redis.ConnectionError:
            time.sleep(0.01)
    return proc, port


def per_second(fn: Callable[[], object], n: int) -> float:
    best = 0.0
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = max(best, n / (time.perf_counter() - start))
    return best


def decisions(n: int, store: RedisStore | None) -> tuple[float, float]:
    """(rate decisions/s, breaker decisions/s) with ``store`` (None: memory)."""
    limiter = RateLimiter(LIMITS, store=store)
    request = Request("GET", "http://127.0.0.1:8080/x")
    breaker = CircuitBreaker(store=store)
    ok = Response(200)
    key = "http://127.0.0.1:8080"

    def one_breaker() -> None:
        breaker.record(breaker.allow(key, 0.0), ok, 0.0)  # type: ignore[arg-type]  # closed

    return (
        per_second(lambda: limiter.decide(request, 0.0), n),
        per_second(one_breaker, n),
    )


async def call_us(n: int, **policies: Any) -> float:
    """Wall µs per call through the whole pipeline."""
    transport = AsyncMockTransport(lambda request: Response(200, content=b"{}"))
    async with restwell.AsyncClient(
        transport=transport, hooks=[], **policies
    ) as client:
        url = "http://127.0.0.1:8080/x"
        for _ in range(100):  # warm up
            await client.get(url)
        start = time.perf_counter()
        for _ in range(n):
            await client.get(url)
        return (time.perf_counter() - start) / n * 1e6


async def calls(n: int, port: int) -> dict[str, float]:
    aclient = redis.asyncio.Redis(port=port)
    store = RedisStore(aclient, prefix="bench:")
    variants: dict[str, Callable[[], dict[str, Any]]] = {
        "none": dict,
        "rate, memory": lambda: {"rate_limit": RateLimiter(LIMITS)},
        "rate, Redis": lambda: {"rate_limit": RateLimiter(LIMITS, store=store)},
        "circuit, memory": lambda: {"circuit_breaker": CircuitBreaker()},
        "circuit, Redis": lambda: {"circuit_breaker": CircuitBreaker(store=store)},
    }
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(REPEATS):  # interleaved, so drift hits all alike
        for name, make in variants.items():
            best[name] = min(best[name], await call_us(n, **make()))
    await store.aclose()
    await aclient.aclose()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    proc = None
    port = args.port
    if port is None:
        proc, port = start_server()
    try:
        client = redis.Redis(port=port)
        store = RedisStore(client, prefix="bench:")
        mem_rate, mem_circuit = decisions(args.n * 10, None)
        redis_rate, redis_circuit = decisions(args.n, store)
        store.close()
        client.close()
        us = asyncio.run(calls(args.n, port))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    print("decisions per second (sync, one thread):")
    print(f"  rate (2 limits), memory:  {mem_rate:>12,.0f}/s")
    print(f"  rate (2 limits), Redis:   {redis_rate:>12,.0f}/s")
    print(f"  circuit (allow+record), memory: {mem_circuit:>12,.0f}/s")
    print(f"  circuit (allow+record), Redis:  {redis_circuit:>12,.0f}/s")
    print("AsyncClient call over a mock transport (wall µs per call):")
    for name, value in us.items():
        added = "" if name == "none" else f"  (+{value - us['none']:.1f} µs)"
        print(f"  {name:<16} {value:8.1f} µs{added}")


if __name__ == "__main__":
    main()
